/* Processes in cgroups: moving them in, killing all of one, reading a seat's usage. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_files.h"

/* The fallback kill's walk: seat/session/ and cgroups below it, never this deep in practice. */
#define KILL_DEPTH_MAX 16

int cgroup_move_pid(const char *dir, pid_t pid, struct policy_errors *errors)
{
	if (pid < 0) {
		cgfs_report(errors, dir, "cannot move pid %d: not a pid", (int)pid);
		return -EINVAL;
	}
	char value[16];
	snprintf(value, sizeof(value), "%d", (int)pid);
	return cgfs_write_file(dir, "cgroup.procs", value, 0, errors);
}

int cgroup_open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* SIGKILL to each pid in dir/cgroup.procs. */
static int signal_procs(const char *dir, struct policy_errors *errors)
{
	char path[PATH_MAX];
	if (cgfs_join(path, sizeof(path), dir, "cgroup.procs") < 0) {
		cgfs_report(errors, dir, "cgroup.procs: the path is too long");
		return -ENAMETOOLONG;
	}
	/* A fork bomb's list can be long: read it a line at a time, no cap on its size. */
	FILE *file = fopen(path, "re");
	if (!file) {
		int err = errno;
		cgfs_report(errors, path, "cannot read: %s", strerror(err));
		return -err;
	}
	pid_t self = getpid();
	int first = 0;
	char *line = NULL;
	size_t capacity = 0;
	ssize_t length;
	while ((length = getline(&line, &capacity, file)) >= 0) {
		size_t text_length = (size_t)length;
		if (text_length > 0 && line[text_length - 1] == '\n')
			text_length--;
		int64_t value;
		/* Never 0 or negative: kill() would take those as process groups, or everyone. */
		if (cgfs_parse_count(line, text_length, &value) < 0 || value < 1 ||
		    value > INT_MAX) {
			char shown[EXCERPT_MAX];
			cgfs_report(errors, path, "'%s' is not a pid: skipped",
				    policy_excerpt(line, text_length, shown, sizeof(shown)));
			cgfs_keep(&first, -EINVAL);
			continue;
		}
		pid_t pid = (pid_t)value;
		if (pid == self) {
			cgfs_report(errors, path, "%d is this process: not killed", (int)pid);
			cgfs_keep(&first, -EDEADLK);
			continue;
		}
		/* ESRCH: it exited between the read and the signal, which is what was wanted. */
		if (kill(pid, SIGKILL) < 0 && errno != ESRCH) {
			int err = errno;
			cgfs_report(errors, path, "cannot kill %d: %s", (int)pid, strerror(err));
			cgfs_keep(&first, -err);
		}
	}
	if (ferror(file)) {
		cgfs_report(errors, path, "cannot read: %s", strerror(EIO));
		cgfs_keep(&first, -EIO);
	}
	free(line);
	fclose(file);
	return first;
}

/* The fallback of cgroup_kill: cgroup.procs lists only a cgroup's own processes, not its
 * children's, so the cgroups below are walked too. */
static int kill_tree(const char *dir, int depth, struct policy_errors *errors)
{
	int first = signal_procs(dir, errors);
	DIR *d = opendir(dir);
	if (!d) {
		int err = errno;
		cgfs_report(errors, dir, "cannot list: %s", strerror(err));
		cgfs_keep(&first, -err);
		return first;
	}
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		char child[PATH_MAX];
		if (cgfs_join(child, sizeof(child), dir, entry->d_name) < 0) {
			cgfs_report(errors, dir, "%s: the path is too long", entry->d_name);
			cgfs_keep(&first, -ENAMETOOLONG);
		} else if (depth + 1 >= KILL_DEPTH_MAX) {
			cgfs_report(errors, child, "more than %d cgroups deep: not walked",
				    KILL_DEPTH_MAX);
			cgfs_keep(&first, -ELOOP);
		} else {
			cgfs_keep(&first, kill_tree(child, depth + 1, errors));
		}
	}
	closedir(d);
	return first;
}

int cgroup_kill(const char *dir, enum cgroup_kill_way *way, struct policy_errors *errors)
{
	char path[PATH_MAX];
	if (cgfs_join(path, sizeof(path), dir, "cgroup.kill") < 0) {
		cgfs_report(errors, dir, "cgroup.kill: the path is too long");
		return -ENAMETOOLONG;
	}
	struct stat st;
	if (stat(dir, &st) < 0) {
		int err = errno;
		cgfs_report(errors, dir, "cannot kill what is in it: %s", strerror(err));
		return -err;
	}
	if (stat(path, &st) == 0 || errno != ENOENT) {
		if (way)
			*way = CGROUP_KILL_FILE;
		return cgfs_write_file(dir, "cgroup.kill", "1", 0, errors);
	}
	/* Before Linux 5.14 there is no cgroup.kill. */
	if (way)
		*way = CGROUP_KILL_SIGNALS;
	return kill_tree(dir, 0, errors);
}

/* The text of dir/name into `text` (SMALL_FILE_MAX); its length or a negative errno. */
static ssize_t read_stat_file(const char *dir, const char *name, char *text)
{
	char path[PATH_MAX];
	if (cgfs_join(path, sizeof(path), dir, name) < 0)
		return -ENAMETOOLONG;
	return cgfs_read_small(path, text, SMALL_FILE_MAX);
}

/* A one-value file into *value, or its read error, or -EINVAL for text not the kernel's. */
static void read_single(const char *dir, const char *name, bool allow_max, int64_t *value)
{
	char text[SMALL_FILE_MAX];
	ssize_t length = read_stat_file(dir, name, text);
	*value = length < 0 ? length : cgfs_parse_single(text, (size_t)length, allow_max);
}

/* The values of `count` keys of a "key value" file, each as read_single. */
static void read_keyed(const char *dir, const char *name, const char *const *keys,
		       int64_t *const *values, size_t count)
{
	char text[SMALL_FILE_MAX];
	ssize_t length = read_stat_file(dir, name, text);
	for (size_t i = 0; i < count; i++)
		*values[i] = length < 0 ? length : cgfs_parse_keyed(text, keys[i]);
}

int cgroup_seat_read_stats(const struct cgroup_seat *seat, struct cgroup_seat_stats *stats)
{
	const char *dir = seat->paths[CGROUP_SEAT];
	const char *const cpu_keys[] = {"usage_usec", "nr_periods", "nr_throttled",
					"throttled_usec"};
	int64_t *const cpu_values[] = {&stats->cpu_usage_usec, &stats->cpu_nr_periods,
				       &stats->cpu_nr_throttled, &stats->cpu_throttled_usec};
	read_keyed(dir, "cpu.stat", cpu_keys, cpu_values, 4);
	read_single(dir, "memory.current", false, &stats->memory_current);
	read_single(dir, "memory.max", true, &stats->memory_max);
	const char *const event_keys[] = {"oom", "oom_kill"};
	int64_t *const event_values[] = {&stats->memory_oom, &stats->memory_oom_kill};
	read_keyed(dir, "memory.events", event_keys, event_values, 2);
	const char *const session_keys[] = {"oom_kill"};
	int64_t *const session_values[] = {&stats->session_oom_kill};
	read_keyed(seat->paths[CGROUP_SESSION], "memory.events", session_keys, session_values, 1);
	read_single(dir, "pids.current", false, &stats->pids_current);
	read_single(dir, "pids.max", true, &stats->pids_max);

	struct stat st;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return -ENOENT;
	return 0;
}
