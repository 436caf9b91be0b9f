/* cgroup v2 for the seats: the managed root, a cgroup per seat and its caps, kills, usage. */
#ifndef MULTISEAT_CGROUP_H
#define MULTISEAT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/*
 * The functions that take `errors` (may be NULL) report each problem there as
 * "PATH: what went wrong", e.g. "/sys/fs/cgroup/multiseat/seat-a/cpu.max: cannot write
 * '150000 100000': Invalid argument", and return 0 or the first negative errno. Nothing
 * here logs: the caller logs the lines once.
 */

/* What a number of these files is when the kernel's default is meant, and "max". */
#define CGROUP_UNSET (-1)
#define CGROUP_MAX INT64_MAX

/* The controllers the seats use, as bits. */
enum cgroup_controller {
	CGROUP_CONTROLLER_CPU = 1 << 0,
	CGROUP_CONTROLLER_MEMORY = 1 << 1,
	CGROUP_CONTROLLER_PIDS = 1 << 2,
	CGROUP_CONTROLLER_IO = 1 << 3,
	CGROUP_CONTROLLER_CPUSET = 1 << 4,
};
/* What a root always enables; cpuset only once some seat sets cpuset.cpus. */
#define CGROUP_CONTROLLERS_BASE                                                                    \
	(CGROUP_CONTROLLER_CPU | CGROUP_CONTROLLER_MEMORY | CGROUP_CONTROLLER_PIDS |               \
	 CGROUP_CONTROLLER_IO)

enum cgroup_root_flags {
	/* Refuse a root that is not on a cgroup2 file system. The daemon always sets it. */
	CGROUP_ROOT_REQUIRE_V2 = 1 << 0,
	/*
	 * Tests only: the root is a plain directory tree standing in for cgroupfs. The kernel
	 * makes a cgroup's files at mkdir and takes each write as a whole new value; a plain
	 * tree has no files, so here writes create them (O_CREAT) and append (O_APPEND): each
	 * file then holds every value written to it, in order, one per line, and a file never
	 * written does not exist. Removing a seat deletes the regular files a directory holds
	 * before rmdir, as the kernel drops its own. Never set on the real cgroupfs, where a
	 * missing file means a controller is off and must stay an error.
	 */
	CGROUP_ROOT_TEST_TREE = 1 << 1,
	/*
	 * The root's parent is ours to set up too (no systemd: nobody else runs the hierarchy).
	 * A controller the root lacks is first enabled in the parent's cgroup.subtree_control,
	 * at creation and whenever one is wanted later (cpuset, once a seat sets it).
	 */
	CGROUP_ROOT_OWN_PARENT = 1 << 2,
};

/* The directory the daemon manages; the seats' cgroups are its children. */
struct cgroup_root {
	char *path;
	unsigned flags;	    /* enum cgroup_root_flags */
	unsigned available; /* controllers in its cgroup.controllers */
	unsigned enabled;   /* controllers it enabled in its cgroup.subtree_control */
	unsigned missing;   /* wanted but not enabled: caps of these are not applied */
};

/*
 * 1 when `path` is on a cgroup2 file system, 0 when it is on another one, or a negative
 * errno (-ENOENT when it does not exist).
 */
int cgroup_is_v2(const char *path);

/*
 * The cgroup v2 path in /proc/<pid>/cgroup text (the "0::PATH" line), e.g.
 * "/system.slice/multiseatd.service": append it to the cgroup2 mount point. 0, -ENOENT when
 * the text has no such line (a cgroup v1 only host), -EINVAL when it is not an absolute
 * path, or -ENOSPC when it does not fit in `size`.
 */
int cgroup_parse_proc_self(const char *text, char *buf, size_t size);

/*
 * The parent pid in /proc/<pid>/stat text ("PID (COMM) STATE PPID ..."; COMM may hold
 * spaces and parentheses). 0, or -EINVAL when the text is not in that form.
 */
int cgroup_parse_proc_stat_ppid(const char *text, pid_t *ppid);

/*
 * Opens the root at `path`, making the directory (0755) when it is not there (its parent
 * must be). Reads its cgroup.controllers and writes "+cpu", "+memory", "+pids", "+io" to its
 * cgroup.subtree_control, one controller a write, so that one failing is named alone.
 * Returns 0 with *root set even when controllers are missing: they are in root->missing
 * and in one line of `errors` naming them and the file, and whether seats may run without
 * them is the caller's choice (caps = optional). Returns a negative errno with *root NULL
 * when the directory cannot be used at all: not on cgroup2 (-ENOTSUP, with
 * CGROUP_ROOT_REQUIRE_V2), cannot be made, or its cgroup.controllers cannot be read.
 */
int cgroup_root_create(const char *path, unsigned flags, struct cgroup_root **root,
		       struct policy_errors *errors);
/* Frees the struct; the directory stays. NULL is a no-op. */
void cgroup_root_destroy(struct cgroup_root *root);
/*
 * Enables `controllers` (enum cgroup_controller bits) for the root's children, when not yet
 * enabled and not already found missing; those that cannot be enabled join root->missing.
 */
int cgroup_root_enable(struct cgroup_root *root, unsigned controllers,
		       struct policy_errors *errors);

enum cgroup_part {
	CGROUP_SEAT,	   /* seat-<name>: the caps; no process lives here */
	CGROUP_COMPOSITOR, /* seat-<name>/compositor: the compositor, memory.min protects it */
	CGROUP_SESSION,	   /* seat-<name>/session: what the session starts, memory.oom.group 1 */
	CGROUP_SERVICES,   /* seat-<name>/services: the seat user's session bus and PipeWire */
	CGROUP_LOGIN,	   /* seat-<name>/login: a desk login's PAM worker and its helpers */
};
#define CGROUP_PART_COUNT 5

struct cgroup_seat {
	struct cgroup_root *root; /* borrowed: it outlives the seat */
	char *name;
	char *paths[CGROUP_PART_COUNT];
	/* seat-<name> was there already (the daemon restarted): processes may be left in it. */
	bool reused;
};

/*
 * One file of a seat's caps, as plain values: the cgroup library knows files, not caps.
 * `file` is one of cpu.weight, cpu.max (a % of one CPU), memory.max, memory.high,
 * memory.swap.max, pids.max (bytes or tasks), io.weight and cpuset.cpus; each is written
 * as the kernel takes it (cgroup_format_* below).
 */
struct cgroup_limit {
	const char *file;
	int64_t number;	  /* the value; CGROUP_UNSET for the kernel's default, CGROUP_MAX "max" */
	const char *cpus; /* cpuset.cpus only: a CPU list ("0-3,6"); NULL for the default */
};
/* The controller (enum cgroup_controller bit) of a file cgroup_limit may name, else 0. */
unsigned cgroup_limit_controller(const char *file);
/* "memory" for CGROUP_CONTROLLER_MEMORY; NULL for anything but one controller's bit. */
const char *cgroup_controller_name(unsigned bit);

/*
 * Makes seat-<name> under the root and its compositor/, session/ and services/ (mode 0755, owned by
 * the caller, root: the seat's user must not be able to write its limits), enables the
 * root's controllers (but cpuset) in the seat's cgroup.subtree_control, writes the `count`
 * limits and then compositor/memory.min (`compositor_memory_min` bytes, CGROUP_UNSET to
 * leave it) and session/memory.oom.group = 1. A fresh seat gets only the limits that are set,
 * the kernel's defaults being in place; a reused one gets every file, as
 * cgroup_seat_apply_limits, so that a cap dropped from the config while the daemon was down
 * goes back to its default. Limits of controllers the root lacks are skipped
 * (cgroup_root_create named them); a controller the root has not enabled yet (cpuset) is
 * enabled the first time a seat sets one of its files. A CPU list must be one: "auto" is the
 * caller's to resolve (cgroup_cpuset_auto). A file that fails does not stop the others.
 *
 * Returns 0, or the first negative errno. *seat is set whenever the three directories
 * exist, even when some file failed (the caller decides whether the seat may run so, and
 * destroys it in any case); it is NULL when they cannot be made (-EINVAL for a name that
 * is not a valid seat name), and then the directories this call made are removed again.
 */
int cgroup_seat_create(struct cgroup_root *root, const char *name,
		       const struct cgroup_limit *limits, size_t count,
		       int64_t compositor_memory_min, struct cgroup_seat **seat,
		       struct policy_errors *errors);
/*
 * A live change: writes every one of the limits the enabled controllers have, unset ones
 * back to the kernel's defaults (cpu.weight 100, cpu.max "max 100000", memory.* and pids.max
 * "max", io.weight "default 100", cpuset.cpus empty: the parent's CPUs). A default that
 * cannot be written because the file does not exist (e.g. memory.swap.max without swap
 * accounting) is not an error.
 */
int cgroup_seat_apply_limits(struct cgroup_seat *seat, const struct cgroup_limit *limits,
			     size_t count, struct policy_errors *errors);
/*
 * Removes session/, compositor/ and seat-<name>, trying each even when one fails. A cgroup
 * that still has processes (or cgroups the session made) gives -EBUSY and stays: kill
 * first (cgroup_kill), then wait for cgroup.events to say "populated 0". Gone already is
 * fine. The struct stays valid (destroy it).
 */
int cgroup_seat_remove(struct cgroup_seat *seat, struct policy_errors *errors);
/* Frees the struct; the directories stay. NULL is a no-op. */
void cgroup_seat_destroy(struct cgroup_seat *seat);

/* The directory of one part of the seat, valid as long as the seat. */
const char *cgroup_seat_path(const struct cgroup_seat *seat, enum cgroup_part part);

/*
 * Moves the process `pid` (0: the caller) into the cgroup `dir` by writing it to
 * dir/cgroup.procs. It needs write access to that file and to cgroup.procs of the common
 * ancestor of the process's cgroup and `dir`.
 */
int cgroup_move_pid(const char *dir, pid_t pid, struct policy_errors *errors);
/*
 * An O_RDONLY | O_DIRECTORY | O_CLOEXEC fd of `dir`, for clone3() with CLONE_INTO_CGROUP
 * (clone_args.cgroup): the child starts inside the cgroup, with no window in which it runs
 * or forks outside. A negative errno on failure.
 */
int cgroup_open_dir(const char *dir);

enum cgroup_kill_way {
	CGROUP_KILL_FILE,    /* "1" written to cgroup.kill (Linux 5.14 and later) */
	CGROUP_KILL_SIGNALS, /* SIGKILL to each pid in cgroup.procs of dir and the cgroups below */
};

/*
 * SIGKILLs every process in `dir` and the cgroups below it; `way` (may be NULL) says how.
 * cgroup.kill is atomic; the fallback is not (a process can fork between reading the list
 * and the signal), so after it wait for "populated 0" in cgroup.events and call again if
 * the cgroup does not empty. In the fallback a pid already gone is fine, and the caller's
 * own pid is never signalled (reported instead).
 */
int cgroup_kill(const char *dir, enum cgroup_kill_way *way, struct policy_errors *errors);

/*
 * A seat's usage. Each field is its value, or a negative errno when unknown: -ENOENT when
 * the file or the key is not there (e.g. a controller is off), -EINVAL when the text is
 * not what the kernel writes, or the error reading it.
 */
struct cgroup_seat_stats {
	int64_t cpu_usage_usec;	    /* cpu.stat usage_usec: CPU time used, µs */
	int64_t cpu_nr_periods;	    /* cpu.stat nr_periods: cpu.max periods that had work */
	int64_t cpu_nr_throttled;   /* cpu.stat nr_throttled: periods the quota ran out */
	int64_t cpu_throttled_usec; /* cpu.stat throttled_usec */
	int64_t memory_current;	    /* memory.current, bytes */
	int64_t memory_max;	    /* memory.max, bytes; CGROUP_MAX for "max" */
	int64_t memory_oom;	    /* memory.events oom: times the seat ran out of memory */
	int64_t memory_oom_kill;    /* memory.events oom_kill: processes killed for it */
	int64_t session_oom_kill;   /* session/memory.events oom_kill */
	int64_t pids_current;	    /* pids.current */
	int64_t pids_max;	    /* pids.max; CGROUP_MAX for "max" */
};

/* Fills every field (see above); 0, or -ENOENT when the seat's directory is gone. */
int cgroup_seat_read_stats(const struct cgroup_seat *seat, struct cgroup_seat_stats *stats);

/*
 * The values as the cgroup files take them (without the newline the writes add). Each
 * returns 0, -EINVAL for a value out of its range, or -ENOSPC when `size` is too small.
 * CGROUP_UNSET gives the kernel's default.
 */
/* cpu.max with a 100 ms period: 150 (%) -> "150000 100000"; CGROUP_MAX -> "max 100000". */
int cgroup_format_cpu_max(int64_t percent, char *buf, size_t size);
/* cpu.weight: 1..10000 -> "N"; default "100". */
int cgroup_format_cpu_weight(int64_t weight, char *buf, size_t size);
/* io.weight: 1..10000 -> "default N" (the weight of every device without its own). */
int cgroup_format_io_weight(int64_t weight, char *buf, size_t size);
/*
 * memory.max, memory.high, memory.swap.max, memory.min, pids.max: N >= 0, or "max" (the
 * default of all but memory.min, whose default is 0).
 */
int cgroup_format_limit(int64_t value, char *buf, size_t size);

/*
 * cpuset = auto: the CPUs of seat `index` of `count` on a host whose CPUs are 0 to
 * cpu_count - 1. With no more seats than CPUs each seat gets its own contiguous block and
 * the first cpu_count % count seats one CPU more (3 seats on 8 CPUs: "0-2", "3-5", "6-7");
 * with more seats than CPUs seat i gets CPU i % cpu_count alone (round robin). Siblings
 * of one core are not told apart. 0, -EINVAL (index >= count, or a count of 0), -ENOSPC.
 */
int cgroup_cpuset_auto(unsigned index, unsigned count, unsigned cpu_count, char *buf, size_t size);

#endif
