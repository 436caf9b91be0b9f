/* Desktop logins: a root worker process per login runs PAM and the user's session. */
#ifndef MULTISEAT_LOGIN_H
#define MULTISEAT_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The daemon forks one worker per login (login_session_start). PAM may block for seconds
 * (pam_faildelay, network authentication) and pam_open_session and pam_close_session need
 * the same process and handle, so the worker, not the daemon, holds the PAM handle for the
 * whole session, as greetd and gdm do.
 *
 * Daemon and worker talk over a SOCK_SEQPACKET socketpair, one message a packet: a
 * struct login_header, then exactly `size` bytes of the body struct its type names. Every
 * string is NUL-terminated inside its array. Anything else (another version, an unknown
 * type, a wrong size, a packet longer than LOGIN_MAX_MESSAGE, a missing NUL) is a protocol
 * error: the receiver reports it and gives up on the link; it never aborts.
 *
 * The conversation:
 *   daemon -> worker  LOGIN_REQUEST   once, first
 *   worker -> daemon  LOGIN_TEXT      any number: what PAM modules want the user to read
 *   worker -> daemon  LOGIN_FAILED    the login failed; the worker exits
 *                  or LOGIN_AUTHENTICATED  the password and account are good: who it is
 *   daemon -> worker  LOGIN_PROCEED   open the session and start it (the daemon has let
 *                                     that uid reach the desk); closing the socket or
 *                                     LOGIN_LOGOUT instead ends the login without a session
 *   worker -> daemon  LOGIN_FAILED    the session could not be opened or started; it exits
 *                  or LOGIN_STARTED   the session runs
 *   daemon -> worker  LOGIN_LOGOUT    end the session (closing the socket does the same)
 *   worker -> daemon  LOGIN_ENDED     the session is over and cleaned up; the worker exits
 */

#define LOGIN_VERSION 1

enum login_type {
	LOGIN_REQUEST = 1,	  /* struct login_request */
	LOGIN_LOGOUT = 2,	  /* no body */
	LOGIN_PROCEED = 3,	  /* no body */
	LOGIN_TEXT = 64,	  /* struct login_text */
	LOGIN_FAILED = 65,	  /* struct login_failed */
	LOGIN_STARTED = 66,	  /* struct login_started */
	LOGIN_ENDED = 67,	  /* struct login_ended */
	LOGIN_AUTHENTICATED = 68, /* struct login_authenticated */
};

struct login_header {
	uint16_t version; /* LOGIN_VERSION */
	uint16_t type;	  /* enum login_type */
	uint32_t size;	  /* of the body that follows */
};

struct login_request {
	char service[64];	   /* the PAM service: "multiseat" */
	char user[256];		   /* LOGIN_NAME_MAX */
	char password[512];	   /* wiped by everyone who holds it as soon as it is used */
	char desk[64];		   /* PAM_TTY, for the logs of PAM modules: the seat's name */
	char seat[64];		   /* XDG_SEAT */
	char wayland_display[108]; /* WAYLAND_DISPLAY: the compositor's socket */
	char runtime_dir[256];	   /* XDG_RUNTIME_DIR: made by the worker, removed at logout */
	char cgroup[256];	   /* the session's cgroup directory, or "" for none */
	char command[2048];	   /* run as /bin/sh -c COMMAND */
	/* NAME=VALUE lines the session gets besides PAM's (the desk's PipeWire, say); they
	   cannot replace HOME, USER, XDG_RUNTIME_DIR, XDG_SEAT or WAYLAND_DISPLAY. */
	char environment[1024];
};

enum login_text_kind {
	LOGIN_TEXT_INFO = 1,  /* PAM_TEXT_INFO */
	LOGIN_TEXT_ERROR = 2, /* PAM_ERROR_MSG */
};

struct login_text {
	uint32_t kind; /* enum login_text_kind */
	char text[512];
};

struct login_failed {
	/* The PAM return code, or a negative errno when the failure was not PAM's. */
	int32_t code;
	char text[256]; /* for the user: "Wrong user name or password", "The password has expired"
			 */
};

struct login_started {
	int32_t pid; /* the session's process (and process group) */
};

struct login_authenticated {
	uint32_t uid;
	uint32_t gid;
	char user[256]; /* the account's name as PAM and passwd know it */
};

struct login_ended {
	int32_t status; /* the session's wait status (WIFEXITED etc.) */
};

#define LOGIN_MAX_MESSAGE (sizeof(struct login_header) + sizeof(struct login_request))

/* A message as received. Wipe it with login_message_wipe: a request holds a password. */
struct login_message {
	uint16_t type;
	uint32_t size;
	union {
		struct login_request request;
		struct login_text text;
		struct login_failed failed;
		struct login_started started;
		struct login_ended ended;
		struct login_authenticated authenticated;
		unsigned char bytes[sizeof(struct login_request)];
	} body;
};

/* ---- The daemon's rules (rules.c) ---- */

/* The longest delay after failed logins at one desk. */
#define LOGIN_MAX_RETRY_MS 30000
/* The longest account name a greeter may send (useradd's limit). */
#define LOGIN_NAME_MAX_CHARS 32
/* The delay before the next login after `failures` in a row: 0, 1 s, 2 s, 4 s ... 30 s. */
uint32_t login_retry_delay_ms(int failures);
/*
 * Whether a typed name can be an account here: 1 to 32 of a-z, A-Z, 0-9, '_', '-' and '.',
 * not starting with '-' or '.'. It names a directory and goes into logs, so nothing else
 * is passed on (refused as a wrong password would be).
 */
bool login_name_plausible(const char *name);
/*
 * The command a login runs with /bin/sh -c: `session`, or with `user_session` the user's
 * own ~/.config/multiseat/session (run with /bin/sh) when it is readable. 0, or
 * -ENAMETOOLONG when it does not fit in `size`.
 */
int login_session_command(const char *session, bool user_session, char *out, size_t size);

/* "LOGIN_REQUEST" etc., or NULL for an unknown type. */
const char *login_type_name(uint16_t type);

/* Copies `text` into a fixed string field, truncating; always NUL-terminates. */
void login_copy_string(char *field, size_t size, const char *text);

/*
 * Writes the header and body into `buf`. Returns the number of bytes, or -EINVAL when the
 * receiver would refuse the message (unknown type, wrong size, unterminated string) or
 * `buf` is too small.
 */
int login_message_encode(uint16_t type, const void *body, size_t size, void *buf, size_t buf_size);
/*
 * Checks one received packet of `len` bytes and copies it into `message`. Returns 0, or
 * -EPROTO with the reason in `error`.
 */
int login_message_decode(const void *buf, size_t len, struct login_message *message, char *error,
			 size_t error_size);
/* explicit_bzero of the whole message: the compiler may not drop it. */
void login_message_wipe(struct login_message *message);

/*
 * Sends one message. 0, -EINVAL (see login_message_encode), -EAGAIN on a full
 * non-blocking socket, -EPIPE when the peer is gone (never SIGPIPE), or another negative
 * errno. Its own copy of the bytes is wiped before it returns.
 */
int login_send(int sock, uint16_t type, const void *body, size_t size);
/*
 * Receives one message. 1 with `message` filled, 0 when the peer closed the socket,
 * -EAGAIN when nothing is waiting on a non-blocking socket, -EPROTO for a malformed
 * message (the reason in `error`), or another negative errno.
 */
int login_receive(int sock, struct login_message *message, char *error, size_t error_size);

/*
 * The body of the forked worker: reads the request from `fd`, runs PAM and the session,
 * and returns when the session is over or the login failed: 0 when a LOGIN_FAILED or
 * LOGIN_ENDED reached the daemon, 1 otherwise. Runs as root; the caller _exits with it.
 */
int login_worker_run(int fd);

struct login_session;

/*
 * Forks the worker for `req` and sends it the request. The worker starts with the default
 * signal dispositions, an empty signal mask and no fds but 0, 1, 2 and its end of the
 * socket, in a process group of its own and, when `cgroup` is not NULL, in that cgroup
 * (the seat's login/) before PAM runs. The caller still owns `req` and wipes its password
 * (explicit_bzero); the copies made here are wiped already. NULL with errno and a message
 * in `error` on failure.
 */
struct login_session *login_session_start(const struct login_request *req, const char *cgroup,
					  char *error, size_t error_size);
/* The socket to watch for input (it is non-blocking); valid until destroy. */
int login_session_fd(const struct login_session *session);
/* The worker's pid. */
pid_t login_session_worker(const struct login_session *session);
/*
 * Reads the worker's next message: 1 with `message` filled, -EAGAIN when none is waiting,
 * 0 when the worker is gone (its socket closed), -EPROTO (the reason in `error`) for a
 * malformed message: then give up on the worker and destroy the session.
 */
int login_session_read(struct login_session *session, struct login_message *message, char *error,
		       size_t error_size);
/* Lets an authenticated login open and start its session. 0 or a negative errno. */
int login_session_proceed(struct login_session *session);
/* Asks the worker to end the session; LOGIN_ENDED follows. 0 or a negative errno. */
int login_session_logout(struct login_session *session);
/*
 * Closes the socket, which ends a running session as LOGIN_LOGOUT would, and gives the
 * worker LOGIN_DESTROY_GRACE_MS to clean up (kill the session, close PAM, remove the
 * runtime dir) before it is killed. It blocks for that long at most: logout and wait for
 * LOGIN_ENDED first to never block. A worker the caller's SIGCHLD handler reaped already
 * is fine. NULL is a no-op.
 */
#define LOGIN_DESTROY_GRACE_MS 5000
void login_session_destroy(struct login_session *session);
/*
 * For a worker that stopped answering (stuck in PAM): SIGKILL to it and its process group
 * (the worker leads a group of its own: helpers that stay in it go too), then destroy,
 * which finds it gone and does not wait. Helpers that left the group (pam_exec's setsid)
 * and a session it started are the caller's to kill, with their cgroups.
 */
void login_session_kill(struct login_session *session);

#endif
