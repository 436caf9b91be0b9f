/* Starts the session command and, with --restart, starts it again after a growing pause. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "child.h"
#include "log.h"
#include "seat_link.h"
#include "server.h"
#include "session_gate.h"

struct session {
	struct server *server;
	char **argv;
	bool restart;
	pid_t pid;
	int attempt;
	uint64_t started_ms;
	struct wl_event_source *sigchld;
	struct wl_event_source *restart_timer;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * fork + exec with the compositor's socket in the environment; -errno on failure. Under
 * multiseatd with a seat cgroup the child waits before exec until the daemon has moved it
 * into the seat's session cgroup, so that nothing of the session ever runs in the
 * compositor's.
 */
static pid_t spawn(struct server *server, char *const argv[])
{
	int gate[2] = {-1, -1};
	bool placed = server->link && seat_link_places_sessions(server->link);
	if (placed && pipe2(gate, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		if (placed) {
			close(gate[0]);
			close(gate[1]);
		}
		return -err;
	}
	if (pid > 0) {
		if (placed) {
			close(gate[0]);
			seat_link_place_session(server->link, pid, gate[1]);
		}
		return pid;
	}
	/* Child: its own session and process group, default signals, our socket. */
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setsid();
	if (placed) {
		close(gate[1]);
		session_gate_wait(gate[0]);
	}
	/* multiseatd lowers the compositor's OOM score; the session goes back to the default,
	 * so that the OOM killer takes it, not the compositor. */
	int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (oom >= 0) {
		if (write(oom, "0\n", 2) < 0) {
			/* Left as it was: the compositor started without multiseatd. */
		}
		close(oom);
	}
	setenv("WAYLAND_DISPLAY", server->socket, 1);
	setenv("XDG_SESSION_TYPE", "wayland", 1);
	unsetenv("DISPLAY");
	/* Under journald the session's output is its own ("seat-1/session"), not the
	   compositor's; without a stream it goes on into the compositor's. */
	if (log_to_journal()) {
		char identifier[128];
		const char *seat = getenv("XDG_SEAT");
		snprintf(identifier, sizeof(identifier), "%s/session", seat ? seat : "multiseat");
		child_log_to_journal(identifier, LOG_INFO, true);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "multiseat-compositor: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int start(struct session *session)
{
	pid_t pid = spawn(session->server, session->argv);
	if (pid < 0) {
		log_error("session '%s' could not be started: %s", session->argv[0],
			  strerror((int)-pid));
		return (int)pid;
	}
	session->pid = pid;
	session->started_ms = now_ms();
	log_info("session '%s' started as pid %d", session->argv[0], (int)pid);
	return 0;
}

static int handle_restart_timer(void *data)
{
	struct session *session = data;
	if (start(session) < 0) {
		session->attempt = backoff_next_attempt(session->attempt, 0);
		wl_event_source_timer_update(session->restart_timer,
					     backoff_delay_ms(session->attempt));
	}
	return 0;
}

static void session_exited(struct session *session, int status)
{
	struct server *server = session->server;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	session->pid = 0;
	if (WIFEXITED(status))
		log_info("session '%s' exited with status %d", session->argv[0], code);
	else
		log_info("session '%s' was killed by signal %d", session->argv[0],
			 WTERMSIG(status));
	if (!session->restart) {
		server->exit_code = code;
		wl_display_terminate(server->display);
		return;
	}
	session->attempt = backoff_next_attempt(session->attempt, now_ms() - session->started_ms);
	int delay = backoff_delay_ms(session->attempt);
	log_info("restarting the session in %d ms (attempt %d)", delay, session->attempt);
	wl_event_source_timer_update(session->restart_timer, delay);
}

static int handle_sigchld(int signal, void *data)
{
	struct session *session = data;
	int status;
	pid_t pid;
	/* Reap everything: the session and any terminal started with Super+Enter. */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (session->server->link)
			seat_link_session_reaped(session->server->link, pid);
		if (session->pid && pid == session->pid)
			session_exited(session, status);
	}
	return 0;
}

int server_start_session(struct server *server)
{
	const struct options *options = server->options;
	if (server->session || !(options->session || options->restart || options->terminal))
		return 0;
	server->session = session_create(server, options->session, options->restart);
	return server->session ? 0 : -1;
}

struct session *session_create(struct server *server, char **argv, bool restart)
{
	struct session *session = calloc(1, sizeof(*session));
	if (!session)
		return NULL;
	session->server = server;
	session->argv = argv;
	session->restart = restart;
	session->sigchld = wl_event_loop_add_signal(server->loop, SIGCHLD, handle_sigchld, session);
	if (!session->sigchld)
		goto err_free;
	session->restart_timer =
		wl_event_loop_add_timer(server->loop, handle_restart_timer, session);
	if (!session->restart_timer)
		goto err_signal;
	if (argv && start(session) < 0) {
		if (!restart)
			goto err_timer;
		session->attempt = 1;
		wl_event_source_timer_update(session->restart_timer, backoff_delay_ms(1));
	}
	return session;

err_timer:
	wl_event_source_remove(session->restart_timer);
err_signal:
	wl_event_source_remove(session->sigchld);
err_free:
	free(session);
	return NULL;
}

void session_destroy(struct session *session)
{
	if (!session)
		return;
	if (session->pid > 0) {
		/* The whole process group: the session may have started helpers. */
		kill(-session->pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(session->pid, NULL, WNOHANG) == session->pid)
				break;
			struct timespec pause = {0, 20 * 1000 * 1000};
			nanosleep(&pause, NULL);
			if (i == 49) {
				kill(-session->pid, SIGKILL);
				waitpid(session->pid, NULL, 0);
			}
		}
	}
	wl_event_source_remove(session->restart_timer);
	wl_event_source_remove(session->sigchld);
	free(session);
}

void session_spawn_terminal(struct server *server)
{
	char *argv[] = {"/bin/sh", "-c", (char *)server->options->terminal, NULL};
	pid_t pid = spawn(server, argv);
	if (pid < 0)
		log_error("terminal '%s' could not be started: %s", server->options->terminal,
			  strerror((int)-pid));
}
