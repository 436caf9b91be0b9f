/* A forked child's way to its exec, and its report to the parent. */
#include "child.h"

#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void child_fail(int report, const char *what)
{
	int err = errno;
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "%d %s: %s", err, what, strerror(err));
	if (n > 0 && write(report, msg, (size_t)n) < 0) {
		/* Nothing more can be said. */
	}
	_exit(127);
}

void child_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
}

int child_try_join_cgroup(const char *dir)
{
	char procs[512];
	if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) >= (int)sizeof(procs))
		return -ENAMETOOLONG;
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ret = write(fd, "0\n", 2) == 2 ? 0 : -errno;
	close(fd);
	return ret;
}

void child_join_cgroup(int report, const char *dir)
{
	int ret = child_try_join_cgroup(dir);
	if (ret < 0) {
		char procs[512];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		errno = -ret;
		child_fail(report, procs);
	}
}

void child_become(int report, const char *name, uid_t uid, gid_t gid, const char *home)
{
	if (initgroups(name, gid) < 0)
		child_fail(report, "initgroups");
	if (setgid(gid) < 0)
		child_fail(report, "setgid");
	if (setuid(uid) < 0)
		child_fail(report, "setuid");
	/* Make sure there is no way back. */
	if (setuid(0) == 0 || getuid() == 0 || geteuid() == 0) {
		errno = EPERM;
		child_fail(report, "dropping root");
	}
	if (chdir(home) < 0 && chdir("/") < 0)
		child_fail(report, "chdir");
}

int child_log_to_journal(const char *identifier, int priority, bool level_prefix)
{
	int fd = journal_stream_open(JOURNAL_STDOUT_SOCKET, identifier, priority, level_prefix);
	if (fd < 0)
		return fd;
	char name[64];
	int ret = journal_stream_name(fd, name, sizeof(name));
	if (ret == 0 && (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0))
		ret = -errno;
	close(fd);
	if (ret == 0 && setenv("JOURNAL_STREAM", name, 1) < 0)
		ret = -errno;
	return ret;
}

int child_report_read(int fd, char *why, size_t size)
{
	char msg[256];
	ssize_t n;
	do {
		n = read(fd, msg, sizeof(msg) - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	msg[n] = '\0';
	int err = atoi(msg);
	const char *space = strchr(msg, ' ');
	if (why && size > 0)
		snprintf(why, size, "%s", space ? space + 1 : msg);
	return err > 0 ? -err : -EIO;
}
