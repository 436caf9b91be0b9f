/* The login worker: runs PAM for one login as root, then the user's session until logout. */
#include "login.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "log.h"
#include "runtime_dir.h"

/* How long the session has between SIGTERM and SIGKILL. */
#define KILL_GRACE_MS 2000

struct worker {
	int fd;
	struct login_request req;
	pam_handle_t *pam;
	bool authenticating; /* the conversation may hand out the password */
	bool cred, opened;   /* pam_setcred and pam_open_session succeeded: undo them */
	bool runtime_dir;    /* made here: remove it */
	struct passwd pw;
	char pw_buf[4096];
	pid_t session;
	int sigfd;
};

static void wipe_password(struct worker *w)
{
	explicit_bzero(w->req.password, sizeof(w->req.password));
	w->authenticating = false;
}

static void free_responses(struct pam_response *responses, int n)
{
	for (int i = 0; i < n; i++) {
		if (responses[i].resp) {
			explicit_bzero(responses[i].resp, strlen(responses[i].resp));
			free(responses[i].resp);
		}
	}
	free(responses);
}

static int conversation(int n, const struct pam_message **messages, struct pam_response **out,
			void *data)
{
	struct worker *w = data;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if (out)
		*out = NULL;
	struct pam_response *responses = calloc((size_t)n, sizeof(*responses));
	if (!responses)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const struct pam_message *m = messages[i];
		switch (m->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			/* Only while authenticating: a later prompt (a password change) gets no
			   answer, and the password is gone by then anyway. */
			if (!w->authenticating) {
				log_error("login: PAM asks '%s' for %s after authentication; "
					  "no answer",
					  m->msg ? m->msg : "", w->req.user);
				goto fail;
			}
			responses[i].resp = strdup(w->req.password);
			break;
		case PAM_PROMPT_ECHO_ON:
			responses[i].resp = strdup(w->req.user);
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO: {
			struct login_text text = {
				.kind = m->msg_style == PAM_ERROR_MSG ? LOGIN_TEXT_ERROR
								      : LOGIN_TEXT_INFO,
			};
			login_copy_string(text.text, sizeof(text.text), m->msg);
			int ret = login_send(w->fd, LOGIN_TEXT, &text, sizeof(text));
			if (ret < 0)
				log_error("login: cannot pass a PAM message on: %s",
					  strerror(-ret));
			continue;
		}
		default:
			log_error("login: PAM message style %d is not supported", m->msg_style);
			goto fail;
		}
		if (!responses[i].resp)
			goto fail;
	}
	/* Some modules (pam_matrix among them) pass no place for answers with messages that
	   need none. */
	if (!out) {
		free_responses(responses, n);
		return PAM_SUCCESS;
	}
	*out = responses;
	return PAM_SUCCESS;
fail:
	free_responses(responses, n);
	return PAM_CONV_ERR;
}

static int report_failure(struct worker *w, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int report_failure(struct worker *w, int code, const char *fmt, ...)
{
	struct login_failed failed = {.code = code};
	va_list args;
	va_start(args, fmt);
	vsnprintf(failed.text, sizeof(failed.text), fmt, args);
	va_end(args);
	log_error("login: %s at %s: %s", w->req.user, w->req.desk, failed.text);
	int ret = login_send(w->fd, LOGIN_FAILED, &failed, sizeof(failed));
	if (ret < 0)
		log_error("login: cannot report the failure: %s", strerror(-ret));
	return ret;
}

/* The text the user reads for a failed PAM step: the same for every wrong-credential case,
   so that it does not tell which user names exist. */
static int report_pam_failure(struct worker *w, const char *step, int code)
{
	switch (code) {
	case PAM_AUTH_ERR:
	case PAM_USER_UNKNOWN:
	case PAM_MAXTRIES:
		log_info("login: %s at %s: %s: %s", w->req.user, w->req.desk, step,
			 pam_strerror(w->pam, code));
		struct login_failed failed = {.code = code};
		login_copy_string(failed.text, sizeof(failed.text), "Wrong user name or password");
		return login_send(w->fd, LOGIN_FAILED, &failed, sizeof(failed));
	case PAM_NEW_AUTHTOK_REQD:
		return report_failure(w, code, "The password has expired");
	case PAM_ACCT_EXPIRED:
		return report_failure(w, code, "The account has expired");
	default:
		return report_failure(w, code, "%s failed: %s", step,
				      w->pam ? pam_strerror(w->pam, code) : "no PAM handle");
	}
}

/* Whatever a previous session left there (the worker was killed) goes first. */
static int make_runtime_dir(struct worker *w)
{
	int ret = runtime_dir_create(w->req.runtime_dir, w->pw.pw_uid, w->pw.pw_gid);
	if (ret == 0)
		w->runtime_dir = true;
	return ret;
}

/* The request's NAME=VALUE lines; lines without '=' are skipped. In the child only. */
static int put_environment(char *lines)
{
	char *save = NULL;
	for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '=' && strchr(line, '=') && putenv(line) != 0)
			return -1;
	}
	return 0;
}

_Noreturn static void session_child(struct worker *w, char **pam_env, int report)
{
	child_reset_signals();
	/* Its own process group: logout signals the whole group. */
	if (setsid() < 0)
		child_fail(report, "setsid");
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0)
		child_fail(report, "/dev/null");
	for (int fd = 3; fd < 1024; fd++) {
		if (fd != report)
			close(fd);
	}
	if (w->req.cgroup[0])
		child_join_cgroup(report, w->req.cgroup);
	child_become(report, w->pw.pw_name, w->pw.pw_uid, w->pw.pw_gid, w->pw.pw_dir);
	/* A desk login keeps no group root either (lookup_user refused gid 0 already). */
	if (setgid(0) == 0 || getegid() == 0) {
		errno = EPERM;
		child_fail(report, "dropping root");
	}

	if (clearenv() != 0) {
		errno = ENOMEM;
		child_fail(report, "clearenv");
	}
	/* The defaults first, then what PAM modules set (pam_env may set PATH, LANG), then what
	   identifies the session and must not be overridden. */
	if (setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0)
		child_fail(report, "setenv");
	for (size_t i = 0; pam_env && pam_env[i]; i++) {
		if (strchr(pam_env[i], '=') && putenv(pam_env[i]) != 0)
			child_fail(report, "setenv");
	}
	if (put_environment(w->req.environment) < 0)
		child_fail(report, "setenv");
	if (setenv("HOME", w->pw.pw_dir, 1) < 0 || setenv("USER", w->pw.pw_name, 1) < 0 ||
	    setenv("LOGNAME", w->pw.pw_name, 1) < 0 || setenv("SHELL", w->pw.pw_shell, 1) < 0 ||
	    setenv("XDG_RUNTIME_DIR", w->req.runtime_dir, 1) < 0 ||
	    setenv("XDG_SEAT", w->req.seat, 1) < 0 ||
	    setenv("XDG_SESSION_TYPE", "wayland", 1) < 0 ||
	    setenv("WAYLAND_DISPLAY", w->req.wayland_display, 1) < 0)
		child_fail(report, "setenv");
	/* Under journald the session's output is its own, with the user's pid and uid. */
	if (log_to_journal()) {
		char identifier[128];
		snprintf(identifier, sizeof(identifier), "%s/session", w->req.seat);
		child_log_to_journal(identifier, LOG_INFO, true);
	}
	execl("/bin/sh", "sh", "-c", w->req.command, (char *)NULL);
	child_fail(report, "/bin/sh");
}

static void free_env(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* Forks the session. 0 with w->session set, or a negative errno after a report. */
static int session_start(struct worker *w)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		int err = errno;
		report_failure(w, -err, "Cannot start the session: pipe: %s", strerror(err));
		return -err;
	}
	char **env = pam_getenvlist(w->pam);
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(report[0]);
		close(report[1]);
		free_env(env);
		report_failure(w, -err, "Cannot start the session: fork: %s", strerror(err));
		return -err;
	}
	if (pid == 0)
		session_child(w, env, report[1]);
	close(report[1]);
	free_env(env);
	char why[256];
	int ret = child_report_read(report[0], why, sizeof(why));
	if (ret < 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
		report_failure(w, ret, "Cannot start the session: %s", why);
		return ret;
	}
	w->session = pid;
	log_info("login: session of %s at %s started, pid %d", w->pw.pw_name, w->req.desk,
		 (int)pid);
	struct login_started started = {.pid = pid};
	ret = login_send(w->fd, LOGIN_STARTED, &started, sizeof(started));
	if (ret < 0)
		log_error("login: cannot report the session's start: %s", strerror(-ret));
	return 0;
}

static bool reap_session(struct worker *w, int *status)
{
	pid_t pid;
	do {
		pid = waitpid(w->session, status, WNOHANG);
	} while (pid < 0 && errno == EINTR);
	return pid == w->session || (pid < 0 && errno == ECHILD);
}

/*
 * Waits for the daemon's next word or a signal: the message's type (LOGIN_LOGOUT,
 * LOGIN_PROCEED), 0 when the daemon closed the socket, -EINTR after SIGCHLD (look at the
 * session), -ECANCELED after another signal, or another negative errno (logged). Messages
 * the daemon has no business sending are logged and skipped.
 */
static int await_daemon(struct worker *w)
{
	for (;;) {
		struct pollfd fds[] = {{.fd = w->fd, .events = POLLIN},
				       {.fd = w->sigfd, .events = POLLIN}};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("login: poll: %s", strerror(errno));
			return -errno;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo info;
			if (read(w->sigfd, &info, sizeof(info)) == sizeof(info)) {
				if (info.ssi_signo == SIGCHLD)
					return -EINTR;
				log_info("login: signal %u for the login of %s", info.ssi_signo,
					 w->req.user);
				return -ECANCELED;
			}
		}
		if (!fds[0].revents)
			continue;
		struct login_message msg;
		char error[256];
		int ret = login_receive(w->fd, &msg, error, sizeof(error));
		if (ret == -EAGAIN)
			continue;
		if (ret == 1 && (msg.type == LOGIN_LOGOUT || msg.type == LOGIN_PROCEED))
			return msg.type;
		if (ret == 1) {
			log_error("login: unexpected %s from the daemon; ignored",
				  login_type_name(msg.type));
			login_message_wipe(&msg);
			continue;
		}
		if (ret < 0)
			log_error("login: the daemon's socket: %s",
				  ret == -EPROTO ? error : strerror(-ret));
		return ret;
	}
}

/* Until the session ends, the daemon says logout or goes, or the worker is told to stop. */
static void session_wait(struct worker *w, int *status)
{
	for (;;) {
		if (reap_session(w, status)) {
			log_info("login: session of %s at %s ended by itself", w->pw.pw_name,
				 w->req.desk);
			w->session = 0;
			return;
		}
		int ret = await_daemon(w);
		if (ret == -EINTR || ret == LOGIN_PROCEED)
			continue;
		if (ret == LOGIN_LOGOUT)
			log_info("login: logout of %s at %s", w->pw.pw_name, w->req.desk);
		else if (ret == 0)
			log_info("login: the daemon is gone; ending the session of %s",
				 w->pw.pw_name);
		else
			log_info("login: ending the session of %s", w->pw.pw_name);
		return;
	}
}

static void write_cgroup_kill(const char *cgroup)
{
	char path[sizeof(((struct login_request *)0)->cgroup) + 16];
	snprintf(path, sizeof(path), "%s/cgroup.kill", cgroup);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		log_error("login: %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/* SIGTERM to the session's process group, SIGKILL to what is left after the grace; the
   cgroup catches what left the group (setsid, double forks). */
static void session_kill(struct worker *w, pid_t group, int *status)
{
	kill(-group, SIGTERM);
	kill(-group, SIGCONT);
	for (long waited = 0; waited < KILL_GRACE_MS; waited += 50) {
		if (w->session && reap_session(w, status))
			w->session = 0;
		/* Zombies count as members: the group is empty only once the leader is reaped. */
		if (!w->session && kill(-group, 0) < 0 && errno == ESRCH)
			break;
		sleep_ms(50);
	}
	if (kill(-group, SIGKILL) == 0)
		log_info("login: the session of %s outlived SIGTERM; killed", w->pw.pw_name);
	if (w->req.cgroup[0])
		write_cgroup_kill(w->req.cgroup);
	if (w->session) {
		while (waitpid(w->session, status, 0) < 0 && errno == EINTR) {
		}
		w->session = 0;
	}
}

static void close_pam(struct worker *w, int last)
{
	if (!w->pam)
		return;
	if (w->opened) {
		int ret = pam_close_session(w->pam, 0);
		if (ret != PAM_SUCCESS)
			log_error("login: pam_close_session for %s: %s", w->pw.pw_name,
				  pam_strerror(w->pam, ret));
	}
	if (w->cred) {
		int ret = pam_setcred(w->pam, PAM_DELETE_CRED);
		if (ret != PAM_SUCCESS)
			log_error("login: pam_setcred(PAM_DELETE_CRED) for %s: %s", w->pw.pw_name,
				  pam_strerror(w->pam, ret));
	}
	pam_end(w->pam, last);
	w->pam = NULL;
}

static int lookup_user(struct worker *w)
{
	const void *item = NULL;
	/* A module may have mapped the name typed to another one: PAM_USER is the account. */
	if (pam_get_item(w->pam, PAM_USER, &item) != PAM_SUCCESS || !item)
		item = w->req.user;
	const char *name = item;
	struct passwd *found = NULL;
	int ret = getpwnam_r(name, &w->pw, w->pw_buf, sizeof(w->pw_buf), &found);
	if (ret != 0) {
		report_failure(w, -ret, "The account %s cannot be looked up: %s", name,
			       strerror(ret));
		return -ret;
	}
	if (!found) {
		report_failure(w, -ENOENT, "The account %s does not exist on this computer", name);
		return -ENOENT;
	}
	if (w->pw.pw_uid == 0 || w->pw.pw_gid == 0) {
		report_failure(w, -EPERM, "%s cannot log in at a desk (uid or gid 0)",
			       w->pw.pw_name);
		return -EPERM;
	}
	return 0;
}

/*
 * Tells the daemon who authenticated and waits for its go-ahead: it decides whether that
 * account may log in here (one desk at a time) and lets its uid reach the desk before the
 * session starts. 0 to go on; -ECANCELED when the daemon said no (it closed the socket or
 * sent LOGIN_LOGOUT: no LOGIN_FAILED, it knows why), another negative errno on trouble.
 */
static int await_proceed(struct worker *w)
{
	struct login_authenticated auth = {.uid = w->pw.pw_uid, .gid = w->pw.pw_gid};
	login_copy_string(auth.user, sizeof(auth.user), w->pw.pw_name);
	int ret = login_send(w->fd, LOGIN_AUTHENTICATED, &auth, sizeof(auth));
	if (ret < 0) {
		log_error("login: cannot report %s as authenticated: %s", w->pw.pw_name,
			  strerror(-ret));
		return ret;
	}
	do {
		ret = await_daemon(w);
	} while (ret == -EINTR);
	if (ret == LOGIN_PROCEED)
		return 0;
	if (ret == 0 || ret == LOGIN_LOGOUT) {
		log_info("login: the daemon refused the session of %s at %s", w->pw.pw_name,
			 w->req.desk);
		return -ECANCELED;
	}
	return ret < 0 ? ret : -EPROTO;
}

static int read_request(struct worker *w)
{
	struct login_message msg;
	char error[256];
	int ret = login_receive(w->fd, &msg, error, sizeof(error));
	if (ret == 1 && msg.type != LOGIN_REQUEST) {
		snprintf(error, sizeof(error), "%s before the request", login_type_name(msg.type));
		ret = -EPROTO;
	}
	if (ret == 1) {
		w->req = msg.body.request;
		login_message_wipe(&msg);
		return 0;
	}
	login_message_wipe(&msg);
	if (ret == 0)
		log_error("login: the daemon closed the socket before sending a request");
	else
		log_error("login: cannot read the request: %s",
			  ret == -EPROTO ? error : strerror(-ret));
	return ret == 0 ? -EPIPE : ret;
}

static int check_request(struct worker *w)
{
	const struct login_request *r = &w->req;
	if (!r->service[0] || !r->user[0] || !r->command[0]) {
		report_failure(w, -EINVAL, "The request lacks a service, user name or command");
		return -EINVAL;
	}
	/* The worker removes the runtime dir as root: it must be a plain absolute path. */
	if (r->runtime_dir[0] != '/' || strstr(r->runtime_dir, "/..") ||
	    (r->cgroup[0] && r->cgroup[0] != '/')) {
		report_failure(w, -EINVAL,
			       "The runtime dir '%s' or cgroup '%s' is not an absolute path",
			       r->runtime_dir, r->cgroup);
		return -EINVAL;
	}
	return 0;
}

static int signals_open(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int login_worker_run(int fd)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w) {
		log_error("login: out of memory");
		return 1;
	}
	w->fd = fd;
	int result = 1;
	/* SIGTERM (the daemon stopping) and SIGCHLD come through a signalfd: the session is then
	   still ended properly, and the wait below needs no handler. */
	w->sigfd = signals_open();
	if (w->sigfd < 0) {
		log_error("login: signalfd: %s", strerror(-w->sigfd));
		goto out_free;
	}
	if (read_request(w) < 0)
		goto out_signals;
	if (check_request(w) < 0) {
		result = 0;
		goto out_wipe;
	}

	struct pam_conv conv = {.conv = conversation, .appdata_ptr = w};
	int ret = pam_start(w->req.service, w->req.user, &conv, &w->pam);
	if (ret != PAM_SUCCESS) {
		report_pam_failure(w, "pam_start", ret);
		w->pam = NULL;
		result = 0;
		goto out_wipe;
	}
	int last = ret;
	/* A local graphical login: PAM_TTY names the desk, there is no remote host. */
	if (w->req.desk[0] && (last = pam_set_item(w->pam, PAM_TTY, w->req.desk)) != PAM_SUCCESS) {
		report_pam_failure(w, "pam_set_item(PAM_TTY)", last);
		goto out_pam;
	}
	/* For pam_systemd and other session modules. XDG_SEAT is not passed: logind does not
	   know multiseat's desks, and pam_systemd fails a session on a seat it does not know. */
	pam_putenv(w->pam, "XDG_SESSION_TYPE=wayland");
	pam_putenv(w->pam, "XDG_SESSION_CLASS=user");

	w->authenticating = true;
	last = pam_authenticate(w->pam, 0);
	wipe_password(w);
	if (last != PAM_SUCCESS) {
		report_pam_failure(w, "pam_authenticate", last);
		goto out_pam;
	}
	last = pam_acct_mgmt(w->pam, 0);
	if (last != PAM_SUCCESS) {
		report_pam_failure(w, "pam_acct_mgmt", last);
		goto out_pam;
	}
	if (lookup_user(w) < 0) {
		last = PAM_USER_UNKNOWN;
		goto out_pam;
	}
	if (await_proceed(w) < 0) {
		last = PAM_ABORT;
		goto out_pam;
	}
	last = pam_setcred(w->pam, PAM_ESTABLISH_CRED);
	if (last != PAM_SUCCESS) {
		report_pam_failure(w, "pam_setcred", last);
		goto out_pam;
	}
	w->cred = true;
	last = pam_open_session(w->pam, 0);
	if (last != PAM_SUCCESS) {
		report_pam_failure(w, "pam_open_session", last);
		goto out_pam;
	}
	w->opened = true;
	log_info("login: %s logged in at %s", w->pw.pw_name, w->req.desk);

	ret = make_runtime_dir(w);
	if (ret < 0) {
		report_failure(w, ret, "Cannot make the runtime dir %s: %s", w->req.runtime_dir,
			       strerror(-ret));
		goto out_session;
	}
	if (session_start(w) < 0)
		goto out_session;

	int status = 0;
	pid_t group = w->session;
	session_wait(w, &status);
	/* Ended by itself or not: what it left running in its group goes too. */
	session_kill(w, group, &status);
	close_pam(w, PAM_SUCCESS);
	ret = runtime_dir_remove(w->req.runtime_dir);
	if (ret < 0)
		log_error("login: cannot remove %s: %s", w->req.runtime_dir, strerror(-ret));
	log_info("login: session of %s at %s ended (status %d)", w->pw.pw_name, w->req.desk,
		 status);
	struct login_ended ended = {.status = status};
	ret = login_send(w->fd, LOGIN_ENDED, &ended, sizeof(ended));
	if (ret < 0)
		log_error("login: cannot report the session's end: %s", strerror(-ret));
	result = ret < 0 ? 1 : 0;
	goto out_wipe;

out_session:
	if (w->runtime_dir) {
		ret = runtime_dir_remove(w->req.runtime_dir);
		if (ret < 0)
			log_error("login: cannot remove %s: %s", w->req.runtime_dir,
				  strerror(-ret));
	}
	last = PAM_SESSION_ERR;
out_pam:
	close_pam(w, last);
	/* Every failure above was reported with LOGIN_FAILED. */
	result = 0;
out_wipe:
	wipe_password(w);
out_signals:
	close(w->sigfd);
out_free:
	/* The whole request and the passwd entry: nothing of the login outlives the worker. */
	explicit_bzero(w, sizeof(*w));
	free(w);
	return result;
}
