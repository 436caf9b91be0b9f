/* What a forked child does before exec (as root, for another user), and how its parent learns
 * whether the exec happened: shared by the daemon's spawns and the login worker's session. */
#ifndef MULTISEAT_CHILD_H
#define MULTISEAT_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The parent makes a close-on-exec pipe and keeps the read end; the child gets the write
 * end as `report`. A child that cannot get to its exec writes why into the pipe and exits
 * 127 (child_fail); a successful exec closes the pipe with nothing written.
 */

/* Writes "ERRNO WHAT: strerror" to `report` and _exits 127. */
_Noreturn void child_fail(int report, const char *what);
/* The default signal dispositions and an empty mask: the parent's are not the child's. */
void child_reset_signals(void);
/* Moves the calling process into the cgroup directory `dir`: 0 or a negative errno. */
int child_try_join_cgroup(const char *dir);
/* child_try_join_cgroup, or the child fails. */
void child_join_cgroup(int report, const char *dir);
/*
 * Becomes `name` (initgroups, setgid, setuid), makes sure there is no way back to root, and
 * changes to `home` (or / when it cannot). Fails the child on any error.
 */
void child_become(int report, const char *name, uid_t uid, gid_t gid, const char *home);

/*
 * Under journald: stdout and stderr become a journal stream of the calling process's own
 * (journal_stream_open of JOURNAL_STDOUT_SOCKET with `identifier`, such as "seat-1/pipewire")
 * and JOURNAL_STREAM names it, so that programs which log to the journal natively when their
 * stderr is it do so once. Call it after the environment is set, as the user the program
 * runs as: the journal records that pid and uid. On failure (no journald) nothing changes;
 * 0 or a negative errno.
 */
int child_log_to_journal(const char *identifier, int priority, bool level_prefix);

/*
 * The parent's side: reads the pipe to its end and closes it. 0 when the child reached its
 * exec; else the child's negative errno (-EIO when it gave none), its words in `why`.
 */
int child_report_read(int fd, char *why, size_t size);

#endif
