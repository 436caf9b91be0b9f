/* The file work every part of the cgroup library shares: writes, small reads, dirs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_files.h"

/* The callers may not want the words, only the outcome. */
void cgfs_report(struct policy_errors *errors, const char *path, const char *fmt, ...)
{
	if (!errors)
		return;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	policy_errors_add(errors, path, 0, "%s", message);
}

/* Keeps the first error of several steps that all run. */
void cgfs_keep(int *first, int ret)
{
	if (ret < 0 && *first == 0)
		*first = ret;
}

/* dir/name into buf. */
int cgfs_join(char *buf, size_t size, const char *dir, const char *name)
{
	int length = snprintf(buf, size, "%s/%s", dir, name);
	return length < 0 || (size_t)length >= size ? -ENAMETOOLONG : 0;
}

unsigned cgfs_test_flags(const struct cgroup_root *root)
{
	return root->flags & CGROUP_ROOT_TEST_TREE ? WRITE_TEST_TREE : 0;
}

/*
 * Writes `value` and a newline, as `echo value > file` does, in one write(): cgroupfs takes
 * each write as one whole value, and checks it then, so write() is where EINVAL comes from.
 * Says nothing: the callers word the message.
 */
int cgfs_write_value(const char *path, const char *value, unsigned flags)
{
	char line[VALUE_MAX];
	int length = snprintf(line, sizeof(line), "%s\n", value);
	if (length < 0 || (size_t)length >= sizeof(line))
		return -E2BIG;
	int open_flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
	open_flags |= flags & WRITE_TEST_TREE ? O_CREAT | O_APPEND : O_TRUNC;
	int fd = open(path, open_flags, 0644);
	if (fd < 0)
		return errno == ENOENT && (flags & WRITE_MISSING_OK) ? 0 : -errno;
	ssize_t written = write(fd, line, (size_t)length);
	int ret = written < 0 ? -errno : written != length ? -EIO : 0;
	close(fd);
	return ret;
}

/* write_value to dir/name, reporting a failure as "PATH: cannot write 'VALUE': WHY". */
int cgfs_write_file(const char *dir, const char *name, const char *value, unsigned flags,
		    struct policy_errors *errors)
{
	char path[PATH_MAX];
	if (cgfs_join(path, sizeof(path), dir, name) < 0) {
		cgfs_report(errors, dir, "%s: the path is too long", name);
		return -ENAMETOOLONG;
	}
	int ret = cgfs_write_value(path, value, flags);
	if (ret < 0)
		cgfs_report(errors, path, "cannot write '%s': %s", value, strerror(-ret));
	return ret;
}

/*
 * The whole of a small file, NUL-terminated; its length, or a negative errno: -EFBIG when it
 * does not fit, -EINVAL when it holds a NUL (not text the kernel writes).
 */
ssize_t cgfs_read_small(const char *path, char *buf, size_t size)
{
	/* O_NONBLOCK: a FIFO in the file's place reads as empty instead of hanging the daemon. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	size_t used = 0;
	int ret = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, size - 1 - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == size - 1) {
			char extra;
			ssize_t more = read(fd, &extra, 1);
			if (more > 0)
				ret = -EFBIG;
			else if (more < 0)
				ret = -errno;
			break;
		}
	}
	close(fd);
	if (ret < 0)
		return ret;
	buf[used] = '\0';
	if (memchr(buf, '\0', used))
		return -EINVAL;
	return (ssize_t)used;
}

/* Decimal digits only, at most INT64_MAX: what the kernel prints for a counter or a limit. */
int cgfs_parse_count(const char *text, size_t length, int64_t *value)
{
	if (length == 0)
		return -EINVAL;
	int64_t n = 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		int digit = text[i] - '0';
		if (n > (INT64_MAX - digit) / 10)
			return -EINVAL;
		n = n * 10 + digit;
	}
	*value = n;
	return 0;
}

/* The value of a one-value file (memory.current, pids.max): a number, or "max" when allowed. */
int64_t cgfs_parse_single(const char *text, size_t length, bool allow_max)
{
	if (length > 0 && text[length - 1] == '\n')
		length--;
	if (allow_max && length == 3 && memcmp(text, "max", 3) == 0)
		return CGROUP_MAX;
	int64_t value;
	return cgfs_parse_count(text, length, &value) < 0 ? -EINVAL : value;
}

/* The value of `key` in "key value" lines (cpu.stat, memory.events); -ENOENT when absent. */
int64_t cgfs_parse_keyed(const char *text, const char *key)
{
	size_t key_length = strlen(key);
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		size_t length = (size_t)(end - line);
		if (length >= key_length && memcmp(line, key, key_length) == 0 &&
		    (length == key_length || line[key_length] == ' ')) {
			int64_t value;
			if (length == key_length ||
			    cgfs_parse_count(line + key_length + 1, length - key_length - 1,
					     &value) < 0)
				return -EINVAL;
			return value;
		}
		line = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* mkdir, keeping what was there: a daemon that restarts finds its cgroups again. */
int cgfs_make_dir(const char *path, bool *made, struct policy_errors *errors)
{
	*made = false;
	if (mkdir(path, 0755) == 0) {
		*made = true;
		return 0;
	}
	int err = errno;
	struct stat st;
	if (err == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (err == EEXIST)
		err = ENOTDIR;
	cgfs_report(errors, path, "cannot create the cgroup: %s", strerror(err));
	return -err;
}

/* The test tree's stand-in for the kernel dropping a cgroup's own files at rmdir. */
static void delete_files(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		struct stat st;
		if (fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			unlinkat(dirfd(dir), entry->d_name, 0);
	}
	closedir(dir);
}

int cgfs_remove_dir(const char *path, unsigned flags, struct policy_errors *errors)
{
	if (flags & WRITE_TEST_TREE)
		delete_files(path);
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	int err = errno;
	if (err == EBUSY)
		cgfs_report(errors, path, "cannot remove: processes or child cgroups remain (%s)",
			    strerror(err));
	else
		cgfs_report(errors, path, "cannot remove: %s", strerror(err));
	return -err;
}
