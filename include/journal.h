/* Journal streams: a process's stdout and stderr as entries of its own in systemd's journal. */
#ifndef MULTISEAT_JOURNAL_H
#define MULTISEAT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Where journald takes streams (systemd's stdout protocol). */
#define JOURNAL_STDOUT_SOCKET "/run/systemd/journal/stdout"

/*
 * Connects to the journal's stream socket at `socket_path` and sends the stream's header,
 * as sd_journal_stream_fd(3) does: every line written to the returned fd becomes an entry
 * with SYSLOG_IDENTIFIER `identifier`, priority `priority` (0-7) unless `level_prefix` and
 * the line starts with "<N>"; the journal records the pid, uid and cgroup of the process
 * that connects. Returns a close-on-exec fd, or a negative errno.
 */
int journal_stream_open(const char *socket_path, const char *identifier, int priority,
			bool level_prefix);

/* "DEV:INODE" of `fd`, as systemd puts it in JOURNAL_STREAM. 0 or a negative errno. */
int journal_stream_name(int fd, char *buf, size_t size);

#endif
