/* Starting a seat's compositor as the seat user, with its runtime directory and the seat link. */
#ifndef MULTISEAT_SEATD_SPAWN_H
#define MULTISEAT_SEATD_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[256];
	char shell[128];
};

/*
 * Looks `name` up in the user database. Refuses root and anything with uid 0 or gid 0
 * (the daemon never runs a session as root). 0, -ENOENT (no such user), -EPERM (root), or
 * another negative errno; `error` says which in words.
 */
int spawn_user_lookup(const char *name, struct spawn_user *user, char *error, size_t error_size);

struct spawn_process {
	const char *const *argv; /* argv[0] is the program's path */
	/* "NAME=VALUE" on top of the seat's environment; NULL-terminated; NULL: none. */
	const char *const *env;
	const struct spawn_user *user;
	const char *seat;	 /* XDG_SEAT */
	const char *runtime_dir; /* XDG_RUNTIME_DIR */
	int link_fd;		 /* becomes fd 3; -1: none */
	const char *cgroup;	 /* the cgroup directory it runs in; NULL: the daemon's */
	int oom_score_adj;	 /* 0: the daemon's */
	/*
	 * Under journald (the daemon's stderr is a journal stream), the process's stdout and
	 * stderr are a stream of its own with this SYSLOG_IDENTIFIER ("seat-1/pipewire") and
	 * default priority (0: info); otherwise a pipe the daemon reads, each line going to its
	 * stderr after "TAG: " (child_output.h), the tag `output_tag` or else the identifier.
	 * NULL: the daemon's stdout and stderr.
	 */
	const char *log_identifier;
	int log_priority;
	const char *output_tag;
	struct child_outputs *outputs; /* the daemon's pipes; NULL: none, the daemon's stderr */
};

/*
 * Forks and execs argv as the seat user (initgroups, setgid, setuid; a new session; stdin
 * /dev/null; a clean environment: PATH, HOME, USER, LOGNAME, SHELL, LANG, XDG_RUNTIME_DIR,
 * XDG_SEAT, XDG_SESSION_TYPE=wayland, then `env`; JOURNAL_STREAM with a journal stream of its
 * own). Returns its pid, or a negative errno with
 * the reason in `error` when the fork or anything before exec failed (the child reports that
 * over a close-on-exec pipe, so a missing binary or a refused setuid is an error here, not a
 * silent exit later).
 */
pid_t spawn_process(const struct spawn_process *params, char *error, size_t error_size);

struct child_outputs;

struct spawn_compositor {
	const char *compositor; /* the multiseat-compositor binary */
	const char *seat;	/* for XDG_SEAT and messages */
	const char *runtime_dir;
	const struct spawn_user *user;
	int link_fd; /* becomes fd 3 in the compositor: --seat-fd 3 */
	bool kiosk;
	bool no_clients;      /* --no-clients: it only shows what the daemon says */
	const char *session;  /* sh -c SESSION; NULL: none */
	const char *terminal; /* Super+Enter in desktop mode; NULL: none */
	const char *log_level;
	const char *cgroup;	       /* the cgroup directory it runs in; NULL: the daemon's */
	const char *const *env;	       /* passed on to spawn_process (and so to the session) */
	struct child_outputs *outputs; /* see struct spawn_process */
};

/* spawn_process of the compositor with its options, the seat link as fd 3. */
pid_t spawn_compositor(const struct spawn_compositor *params, char *error, size_t error_size);

#endif
