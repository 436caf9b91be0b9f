/* Forks a seat's compositor: privileges dropped to the seat user, fd 3 the seat link. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "child.h"
#include "child_output.h"
#include "log.h"

#define LINK_FD 3

int spawn_user_lookup(const char *name, struct spawn_user *user, char *error, size_t error_size)
{
	char buf[4096];
	struct passwd pw, *found = NULL;
	int ret = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (ret != 0) {
		format_error(error, error_size, "user '%s' cannot be looked up: %s", name,
			     strerror(ret));
		return -ret;
	}
	if (!found) {
		format_error(error, error_size, "user '%s' does not exist", name);
		return -ENOENT;
	}
	if (pw.pw_uid == 0 || pw.pw_gid == 0) {
		format_error(error, error_size,
			     "user '%s' has uid or gid 0; seats never run as root", name);
		return -EPERM;
	}
	if (strlen(pw.pw_name) >= sizeof(user->name) || strlen(pw.pw_dir) >= sizeof(user->home) ||
	    strlen(pw.pw_shell) >= sizeof(user->shell)) {
		format_error(error, error_size, "user '%s': name, home or shell is too long", name);
		return -ENAMETOOLONG;
	}
	snprintf(user->name, sizeof(user->name), "%s", pw.pw_name);
	snprintf(user->home, sizeof(user->home), "%s", pw.pw_dir);
	snprintf(user->shell, sizeof(user->shell), "%s", pw.pw_shell);
	user->uid = pw.pw_uid;
	user->gid = pw.pw_gid;
	return 0;
}

_Noreturn static void child(const struct spawn_process *p, int report, int output)
{
	/* The daemon's signal dispositions and mask must not leak into the seat. */
	child_reset_signals();
	if (setsid() < 0)
		child_fail(report, "setsid");
	/* First: the pipe may be on fd 3, where the link goes next. */
	if (output >= 0 && (dup2(output, STDOUT_FILENO) < 0 || dup2(output, STDERR_FILENO) < 0))
		child_fail(report, "output pipe");

	/* fd 3 is the link, if any; the report pipe is close-on-exec; everything else goes. */
	if (p->link_fd == LINK_FD) {
		int flags = fcntl(LINK_FD, F_GETFD);
		if (flags < 0 || fcntl(LINK_FD, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			child_fail(report, "seat link fd");
	} else if (p->link_fd >= 0 && dup2(p->link_fd, LINK_FD) < 0) {
		child_fail(report, "seat link fd");
	}
	if (p->link_fd >= 0 && report == LINK_FD)
		child_fail(report, "report pipe on fd 3");
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0)
		child_fail(report, "/dev/null");
	for (int fd = p->link_fd >= 0 ? LINK_FD + 1 : LINK_FD; fd < 1024; fd++) {
		if (fd != report)
			close(fd);
	}

	/* Into the seat's cgroup before anything runs as the seat user. */
	if (p->cgroup)
		child_join_cgroup(report, p->cgroup);
	if (p->oom_score_adj != 0) {
		char value[16];
		int n = snprintf(value, sizeof(value), "%d\n", p->oom_score_adj);
		int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (oom >= 0) {
			if (write(oom, value, (size_t)n) < 0) {
				/* Not fatal: the process is then as likely a victim as anything. */
			}
			close(oom);
		}
	}

	const struct spawn_user *u = p->user;
	child_become(report, u->name, u->uid, u->gid, u->home);

	if (clearenv() != 0) {
		errno = ENOMEM;
		child_fail(report, "clearenv");
	}
	if (setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0 ||
	    setenv("HOME", u->home, 1) < 0 || setenv("USER", u->name, 1) < 0 ||
	    setenv("LOGNAME", u->name, 1) < 0 || setenv("SHELL", u->shell, 1) < 0 ||
	    setenv("XDG_RUNTIME_DIR", p->runtime_dir, 1) < 0 ||
	    setenv("XDG_SEAT", p->seat, 1) < 0 || setenv("XDG_SESSION_TYPE", "wayland", 1) < 0 ||
	    setenv("LANG", "C.UTF-8", 1) < 0)
		child_fail(report, "setenv");
	for (size_t i = 0; p->env && p->env[i]; i++) {
		if (putenv((char *)p->env[i]) != 0)
			child_fail(report, "setenv");
	}
	/* Not fatal: without its own stream it writes into the daemon's. */
	if (p->log_identifier && log_to_journal())
		child_log_to_journal(p->log_identifier,
				     p->log_priority > 0 ? p->log_priority : LOG_INFO, true);
	execv(p->argv[0], (char *const *)p->argv);
	child_fail(report, p->argv[0]);
}

pid_t spawn_process(const struct spawn_process *params, char *error, size_t error_size)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		format_error(error, error_size, "pipe: %s", strerror(errno));
		return -errno;
	}
	/* Without a pipe (none can be had, or no loop reads them) it writes to our stderr. */
	int output = -1;
	if (params->log_identifier && params->outputs && !log_to_journal())
		output = child_outputs_open(params->outputs, params->output_tag
								     ? params->output_tag
								     : params->log_identifier);
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(report[0]);
		close(report[1]);
		if (output >= 0)
			close(output);
		format_error(error, error_size, "fork: %s", strerror(err));
		return -err;
	}
	if (pid == 0) {
		close(report[0]);
		child(params, report[1], output);
	}
	close(report[1]);
	if (output >= 0)
		close(output);
	int ret = child_report_read(report[0], error, error_size);
	if (ret == 0)
		return pid;
	/* The child has exited (or is about to): reap it here, it never ran. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
	}
	return ret;
}

pid_t spawn_compositor(const struct spawn_compositor *p, char *error, size_t error_size)
{
	const char *argv[24];
	int n = 0;
	argv[n++] = p->compositor;
	argv[n++] = "--seat-fd";
	argv[n++] = "3";
	argv[n++] = "--restart";
	if (p->kiosk)
		argv[n++] = "--kiosk";
	if (p->no_clients)
		argv[n++] = "--no-clients";
	if (p->terminal) {
		argv[n++] = "--terminal";
		argv[n++] = p->terminal;
	}
	if (p->log_level) {
		argv[n++] = "--log-level";
		argv[n++] = p->log_level;
	}
	if (p->session) {
		argv[n++] = "--";
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = p->session;
	}
	argv[n] = NULL;
	char identifier[128];
	snprintf(identifier, sizeof(identifier), "%s/multiseat-compositor", p->seat);
	struct spawn_process process = {
		.argv = argv,
		.env = p->env,
		.user = p->user,
		.seat = p->seat,
		.runtime_dir = p->runtime_dir,
		.link_fd = p->link_fd,
		.cgroup = p->cgroup,
		/* The OOM killer takes the session before the compositor (the session raises its
		   own). */
		.oom_score_adj = -500,
		/* Its lines carry their own priority (log.c sees JOURNAL_STREAM); without the
		   journal they name the program already, and the session's go the same way. */
		.log_identifier = identifier,
		.output_tag = p->seat,
		.outputs = p->outputs,
	};
	return spawn_process(&process, error, error_size);
}
