/* The daemon's end of a login: forks the worker, sends it the request, reads its reports. */
#include "login.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "log.h"

/* The worker's end of the socket, in the worker. */
#define WORKER_FD 3

struct login_session {
	int fd;
	pid_t worker;
};

_Noreturn static void worker_main(int sock, const char *cgroup)
{
	/* The daemon's signal dispositions and mask are not the worker's. */
	child_reset_signals();
	/* Before PAM runs: every helper a module starts (setsid or not) is then in there too. */
	int ret = cgroup ? child_try_join_cgroup(cgroup) : 0;
	if (ret < 0)
		log_error("login worker %d: cannot join %s: %s; a stuck login's PAM helpers may "
			  "outlive it",
			  (int)getpid(), cgroup, strerror(-ret));
	/* No daemon fd (DRM masters, input devices, the control socket) may reach PAM modules
	   or the session. */
	if (sock != WORKER_FD && dup2(sock, WORKER_FD) < 0)
		_exit(1);
	if (close_range(WORKER_FD + 1, ~0U, 0) < 0) {
		for (int fd = WORKER_FD + 1; fd < 1024; fd++)
			close(fd);
	}
	/* _exit: the daemon's atexit handlers and stdio buffers are not the worker's. */
	_exit(login_worker_run(WORKER_FD));
}

struct login_session *login_session_start(const struct login_request *req, const char *cgroup,
					  char *error, size_t error_size)
{
	struct login_session *session = calloc(1, sizeof(*session));
	if (!session) {
		format_error(error, error_size, "out of memory");
		return NULL;
	}
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		format_error(error, error_size, "socketpair: %s", strerror(errno));
		goto err_free;
	}
	/* The request is sent before the fork: the worker finds it waiting, and the daemon's
	   copy of the password is wiped (login_send) before any other process exists. A request
	   fits easily in the socket's buffer. */
	int ret = login_send(fds[0], LOGIN_REQUEST, req, sizeof(*req));
	if (ret < 0) {
		format_error(error, error_size, "cannot send the login request: %s",
			     strerror(-ret));
		errno = -ret;
		goto err_close;
	}
	pid_t pid = fork();
	if (pid < 0) {
		format_error(error, error_size, "fork: %s", strerror(errno));
		goto err_close;
	}
	if (pid == 0) {
		/* A group of its own: what PAM's modules start can be killed with it. */
		setpgid(0, 0);
		close(fds[0]);
		worker_main(fds[1], cgroup);
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
	close(fds[1]);
	int flags = fcntl(fds[0], F_GETFL);
	if (flags >= 0)
		fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
	session->fd = fds[0];
	session->worker = pid;
	return session;

err_close : {
	int err = errno;
	close(fds[0]);
	close(fds[1]);
	errno = err;
}
err_free : {
	int err = errno;
	free(session);
	errno = err;
}
	return NULL;
}

int login_session_fd(const struct login_session *session)
{
	return session->fd;
}

pid_t login_session_worker(const struct login_session *session)
{
	return session->worker;
}

int login_session_read(struct login_session *session, struct login_message *message, char *error,
		       size_t error_size)
{
	int ret = login_receive(session->fd, message, error, error_size);
	if (ret == 1 && (message->type == LOGIN_REQUEST || message->type == LOGIN_LOGOUT ||
			 message->type == LOGIN_PROCEED)) {
		format_error(error, error_size, "the worker sent %s, which only the daemon sends",
			     login_type_name(message->type));
		login_message_wipe(message);
		return -EPROTO;
	}
	if (ret == -ECONNRESET)
		return 0;
	return ret;
}

int login_session_proceed(struct login_session *session)
{
	return login_send(session->fd, LOGIN_PROCEED, NULL, 0);
}

int login_session_logout(struct login_session *session)
{
	return login_send(session->fd, LOGIN_LOGOUT, NULL, 0);
}

/* True when the worker has exited (or was reaped by someone else). */
static bool worker_gone(pid_t pid)
{
	pid_t ret;
	do {
		ret = waitpid(pid, NULL, WNOHANG);
	} while (ret < 0 && errno == EINTR);
	return ret == pid || (ret < 0 && errno == ECHILD);
}

void login_session_kill(struct login_session *session)
{
	if (!session)
		return;
	if (killpg(session->worker, SIGKILL) < 0)
		kill(session->worker, SIGKILL);
	while (waitpid(session->worker, NULL, 0) < 0 && errno == EINTR) {
	}
	login_session_destroy(session);
}

void login_session_destroy(struct login_session *session)
{
	if (!session)
		return;
	close(session->fd);
	/* The closed socket ends the session; the worker needs a moment for PAM and the kill
	   grace. */
	bool gone = false;
	for (int waited = 0; waited < LOGIN_DESTROY_GRACE_MS; waited += 20) {
		if ((gone = worker_gone(session->worker)))
			break;
		struct timespec ts = {.tv_nsec = 20 * 1000000};
		nanosleep(&ts, NULL);
	}
	if (!gone) {
		kill(session->worker, SIGKILL);
		while (waitpid(session->worker, NULL, 0) < 0 && errno == EINTR) {
		}
	}
	free(session);
}
