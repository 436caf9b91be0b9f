/*
 * Lab tool: takes a copy of another process's open evdev fd (pidfd_getfd: the same open file,
 * not a new open of the node) and reports when that fd stops working. Proves that the fd a
 * compositor was given is revoked (EVIOCREVOKE) and reads ENODEV, without disturbing it.
 *
 *   fdgrab PID DEVNODE SECONDS
 *
 * Prints "grabbed fd N of PID (DEVNODE)" once the copy works, then waits (checking with a
 * harmless ioctl, never reading events the compositor should get) until the fd fails, and prints
 * "revoked after MS ms: ioctl ERR, read ERR". Exit 0 on ENODEV from both, 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The number of `pid`'s fd open on `devnode`, or -1. */
static int find_fd(long pid, const char *devnode)
{
	char dir_path[64];
	snprintf(dir_path, sizeof(dir_path), "/proc/%ld/fd", pid);
	DIR *dir = opendir(dir_path);
	if (!dir) {
		fprintf(stderr, "fdgrab: %s: %s\n", dir_path, strerror(errno));
		return -1;
	}
	int found = -1;
	struct dirent *entry;
	while (found < 0 && (entry = readdir(dir))) {
		char link[PATH_MAX], target[PATH_MAX];
		snprintf(link, sizeof(link), "%s/%s", dir_path, entry->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, devnode) == 0)
			found = atoi(entry->d_name);
	}
	closedir(dir);
	return found;
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: fdgrab PID DEVNODE SECONDS\n");
		return 2;
	}
	char *end;
	long pid = strtol(argv[1], &end, 10);
	long seconds = strtol(argv[3], &end, 10);
	if (pid <= 0 || seconds <= 0 || *end != '\0') {
		fprintf(stderr, "fdgrab: PID and SECONDS must be positive numbers\n");
		return 2;
	}
	int target = find_fd(pid, argv[2]);
	if (target < 0) {
		fprintf(stderr, "fdgrab: process %ld has no fd open on %s\n", pid, argv[2]);
		return 1;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0) {
		fprintf(stderr, "fdgrab: pidfd_open %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
	close(pidfd);
	if (fd < 0) {
		fprintf(stderr, "fdgrab: pidfd_getfd %ld/%d: %s\n", pid, target, strerror(errno));
		return 1;
	}
	int version;
	if (ioctl(fd, EVIOCGVERSION, &version) < 0) {
		fprintf(stderr, "fdgrab: fd %d of %ld is not a working evdev fd: %s\n", target, pid,
			strerror(errno));
		return 1;
	}
	printf("grabbed fd %d of %ld (%s)\n", target, pid, argv[2]);
	fflush(stdout);
	long long start = now_ms(), deadline = start + seconds * 1000;
	while (now_ms() < deadline) {
		if (ioctl(fd, EVIOCGVERSION, &version) < 0) {
			int ioctl_err = errno;
			struct input_event ev;
			ssize_t n = read(fd, &ev, sizeof(ev));
			int read_err = n < 0 ? errno : 0;
			printf("revoked after %lld ms: ioctl %s, read %s\n", now_ms() - start,
			       strerrorname_np(ioctl_err),
			       n < 0 ? strerrorname_np(read_err) : "data");
			return ioctl_err == ENODEV && read_err == ENODEV ? 0 : 1;
		}
		usleep(50 * 1000);
	}
	printf("still working after %ld s\n", seconds);
	return 1;
}
