/* cgroup v2 file work for the seats: the root, per-seat caps, moving, killing and usage. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup.h"

/* cpu.max's period, the kernel's default: 1% of one CPU is then a 1 ms quota, its minimum. */
#define CPU_PERIOD_USEC 100000
/* The kernel takes at most a page per write; longer is not a value it would accept. */
#define VALUE_MAX 4096
/* cpu.stat, memory.events and the one-number files are far smaller; more is not the kernel's. */
#define SMALL_FILE_MAX 4096
/* The fallback kill's walk: seat/session/ and cgroups below it, never this deep in practice. */
#define KILL_DEPTH_MAX 16
/* What of a file's text goes into a message. */
#define EXCERPT_MAX 64

/* In the order they are enabled, so messages and the test tree's logs are stable. */
static const struct {
	const char *name;
	unsigned bit;
} controllers[] = {
	{"cpu", CGROUP_CONTROLLER_CPU},	      {"memory", CGROUP_CONTROLLER_MEMORY},
	{"pids", CGROUP_CONTROLLER_PIDS},     {"io", CGROUP_CONTROLLER_IO},
	{"cpuset", CGROUP_CONTROLLER_CPUSET},
};
#define CONTROLLER_COUNT (sizeof(controllers) / sizeof(controllers[0]))

/* The caps that are one number each; cpuset.cpus, a list, is done apart. */
static const struct {
	const char *name;
	unsigned controller;
	size_t offset; /* of its int64_t in struct policy_caps */
	int (*format)(int64_t value, char *buf, size_t size);
} cap_files[] = {
	{"cpu.weight", CGROUP_CONTROLLER_CPU, offsetof(struct policy_caps, cpu_weight),
	 cgroup_format_cpu_weight},
	{"cpu.max", CGROUP_CONTROLLER_CPU, offsetof(struct policy_caps, cpu_max_percent),
	 cgroup_format_cpu_max},
	{"memory.max", CGROUP_CONTROLLER_MEMORY, offsetof(struct policy_caps, memory_max),
	 cgroup_format_limit},
	{"memory.high", CGROUP_CONTROLLER_MEMORY, offsetof(struct policy_caps, memory_high),
	 cgroup_format_limit},
	{"memory.swap.max", CGROUP_CONTROLLER_MEMORY, offsetof(struct policy_caps, memory_swap_max),
	 cgroup_format_limit},
	{"pids.max", CGROUP_CONTROLLER_PIDS, offsetof(struct policy_caps, pids_max),
	 cgroup_format_limit},
	{"io.weight", CGROUP_CONTROLLER_IO, offsetof(struct policy_caps, io_weight),
	 cgroup_format_io_weight},
};
#define CAP_FILE_COUNT (sizeof(cap_files) / sizeof(cap_files[0]))

static const char *const part_dirs[CGROUP_PART_COUNT] = {
	/* clang-format off */
	[CGROUP_SEAT] = NULL,
	[CGROUP_COMPOSITOR] = "compositor",
	[CGROUP_SESSION] = "session",
	[CGROUP_SERVICES] = "services",
	[CGROUP_LOGIN] = "login",
	/* clang-format on */
};

enum write_flags {
	WRITE_TEST_TREE = 1 << 0,  /* CGROUP_ROOT_TEST_TREE: create and append */
	WRITE_MISSING_OK = 1 << 1, /* resetting a default: no file, nothing to reset */
};

static void report(struct policy_errors *errors, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The callers may not want the words, only the outcome. */
static void report(struct policy_errors *errors, const char *path, const char *fmt, ...)
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
static void keep(int *first, int ret)
{
	if (ret < 0 && *first == 0)
		*first = ret;
}

/* A short, printable copy of text from a file, for messages that quote it. */
static const char *excerpt(const char *text, size_t length, char *buffer, size_t size)
{
	size_t used = 0, i = 0;
	for (; i < length && used + 4 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		buffer[used++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	if (i < length)
		used += (size_t)snprintf(buffer + used, size - used, "...");
	buffer[used] = '\0';
	return buffer;
}

/* dir/name into buf. */
static int join(char *buf, size_t size, const char *dir, const char *name)
{
	int length = snprintf(buf, size, "%s/%s", dir, name);
	return length < 0 || (size_t)length >= size ? -ENAMETOOLONG : 0;
}

static unsigned test_flags(const struct cgroup_root *root)
{
	return root->flags & CGROUP_ROOT_TEST_TREE ? WRITE_TEST_TREE : 0;
}

/*
 * Writes `value` and a newline, as `echo value > file` does, in one write(): cgroupfs takes
 * each write as one whole value, and checks it then, so write() is where EINVAL comes from.
 * Says nothing: the callers word the message.
 */
static int write_value(const char *path, const char *value, unsigned flags)
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
static int write_file(const char *dir, const char *name, const char *value, unsigned flags,
		      struct policy_errors *errors)
{
	char path[PATH_MAX];
	if (join(path, sizeof(path), dir, name) < 0) {
		report(errors, dir, "%s: the path is too long", name);
		return -ENAMETOOLONG;
	}
	int ret = write_value(path, value, flags);
	if (ret < 0)
		report(errors, path, "cannot write '%s': %s", value, strerror(-ret));
	return ret;
}

/*
 * The whole of a small file, NUL-terminated; its length, or a negative errno: -EFBIG when it
 * does not fit, -EINVAL when it holds a NUL (not text the kernel writes).
 */
static ssize_t read_small(const char *path, char *buf, size_t size)
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
static int parse_count(const char *text, size_t length, int64_t *value)
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
static int64_t parse_single(const char *text, size_t length, bool allow_max)
{
	if (length > 0 && text[length - 1] == '\n')
		length--;
	if (allow_max && length == 3 && memcmp(text, "max", 3) == 0)
		return POLICY_MAX;
	int64_t value;
	return parse_count(text, length, &value) < 0 ? -EINVAL : value;
}

/* The value of `key` in "key value" lines (cpu.stat, memory.events); -ENOENT when absent. */
static int64_t parse_keyed(const char *text, const char *key)
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
			    parse_count(line + key_length + 1, length - key_length - 1, &value) < 0)
				return -EINVAL;
			return value;
		}
		line = *end ? end + 1 : end;
	}
	return -ENOENT;
}

int cgroup_is_v2(const char *path)
{
	struct statfs st;
	if (statfs(path, &st) < 0)
		return -errno;
	return st.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_parse_proc_self(const char *text, char *buf, size_t size)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (end - line >= 3 && memcmp(line, "0::", 3) == 0) {
			const char *path = line + 3;
			size_t length = (size_t)(end - path);
			if (length == 0 || path[0] != '/')
				return -EINVAL;
			if (length >= size)
				return -ENOSPC;
			memcpy(buf, path, length);
			buf[length] = '\0';
			return 0;
		}
		line = *end ? end + 1 : end;
	}
	return -ENOENT;
}

int cgroup_parse_proc_stat_ppid(const char *text, pid_t *ppid)
{
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so go by the last ')'. */
	const char *close = strrchr(text, ')');
	if (!close || close[1] != ' ' || !close[2] || close[3] != ' ')
		return -EINVAL;
	const char *number = close + 4;
	char *end;
	errno = 0;
	long value = strtol(number, &end, 10);
	if (errno || end == number || (*end != ' ' && *end != '\n' && *end) || value < 0 ||
	    value > INT_MAX)
		return -EINVAL;
	*ppid = (pid_t)value;
	return 0;
}

/* "cpu, io" for the bits of `set`. */
static const char *controller_names(unsigned set, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
		if (!(set & controllers[i].bit))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
				 controllers[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* Checks the file system of `path`, or of its parent while `path` is still to be made. */
static int check_v2(const char *path, struct policy_errors *errors)
{
	int v2 = cgroup_is_v2(path);
	const char *checked = path;
	char parent[PATH_MAX];
	if (v2 == -ENOENT) {
		int length = snprintf(parent, sizeof(parent), "%s", path);
		if (length < 0 || (size_t)length >= sizeof(parent))
			return -ENAMETOOLONG;
		while (length > 1 && parent[length - 1] == '/')
			parent[--length] = '\0';
		char *slash = strrchr(parent, '/');
		if (!slash)
			snprintf(parent, sizeof(parent), ".");
		else /* keep "/" itself */
			slash[slash == parent ? 1 : 0] = '\0';
		checked = parent;
		v2 = cgroup_is_v2(parent);
	}
	if (v2 < 0) {
		report(errors, checked, "cannot check the file system: %s", strerror(-v2));
		return v2;
	}
	if (!v2) {
		report(errors, checked,
		       "not on a cgroup v2 file system (a cgroup v1 or hybrid host?): "
		       "per-seat caps need the unified hierarchy");
		return -ENOTSUP;
	}
	return 0;
}

/* mkdir, keeping what was there: a daemon that restarts finds its cgroups again. */
static int make_dir(const char *path, bool *made, struct policy_errors *errors)
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
	report(errors, path, "cannot create the cgroup: %s", strerror(err));
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

static int remove_dir(const char *path, unsigned flags, struct policy_errors *errors)
{
	if (flags & WRITE_TEST_TREE)
		delete_files(path);
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	int err = errno;
	if (err == EBUSY)
		report(errors, path, "cannot remove: processes or child cgroups remain (%s)",
		       strerror(err));
	else
		report(errors, path, "cannot remove: %s", strerror(err));
	return -err;
}

/* Which of the known controllers a cgroup.controllers text names. */
static unsigned parse_controllers(const char *text)
{
	unsigned set = 0;
	const char *p = text;
	while (*p) {
		p += strspn(p, " \t\n");
		size_t length = strcspn(p, " \t\n");
		for (size_t i = 0; i < CONTROLLER_COUNT && length; i++) {
			if (strlen(controllers[i].name) == length &&
			    memcmp(p, controllers[i].name, length) == 0)
				set |= controllers[i].bit;
		}
		p += length;
	}
	return set;
}

/*
 * "+NAME" to dir/cgroup.subtree_control for each of `set`, one a write so that a failing
 * one is named alone; the bits that went in.
 */
static unsigned enable_in(const char *dir, unsigned set, unsigned flags, int *first,
			  struct policy_errors *errors)
{
	unsigned done = 0;
	for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
		if (!(set & controllers[i].bit))
			continue;
		char value[16], path[PATH_MAX];
		snprintf(value, sizeof(value), "+%s", controllers[i].name);
		int ret = join(path, sizeof(path), dir, "cgroup.subtree_control");
		if (ret == 0)
			ret = write_value(path, value, flags);
		/* The kernel's terse EBUSY has one usual cause here; say it. */
		if (ret == -EBUSY)
			report(errors, path,
			       "cannot write '%s': %s (%s has processes of its own: move them into "
			       "a child cgroup first)",
			       value, strerror(-ret), dir);
		else if (ret < 0)
			report(errors, path, "cannot write '%s': %s", value, strerror(-ret));
		keep(first, ret);
		if (ret == 0)
			done |= controllers[i].bit;
	}
	return done;
}

/* The controllers the root's cgroup.controllers lists now; a negative errno when unread. */
static int read_available(struct cgroup_root *root, struct policy_errors *errors)
{
	char file[PATH_MAX], text[SMALL_FILE_MAX];
	int ret = join(file, sizeof(file), root->path, "cgroup.controllers");
	ssize_t length = ret < 0 ? ret : read_small(file, text, sizeof(text));
	if (length < 0) {
		report(errors, file, "cannot read: %s", strerror((int)-length));
		return (int)length;
	}
	root->available = parse_controllers(text);
	return 0;
}

/* CGROUP_ROOT_OWN_PARENT: the parent hands `absent` down to the root; what it says is kept. */
static void enable_from_parent(struct cgroup_root *root, unsigned absent, int *first,
			       struct policy_errors *errors)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", root->path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return; /* the top cgroup has every controller there is */
	*slash = '\0';
	if (enable_in(parent, absent, test_flags(root), first, errors))
		read_available(root, errors);
}

int cgroup_root_enable(struct cgroup_root *root, unsigned wanted, struct policy_errors *errors)
{
	unsigned todo = wanted & ~root->enabled & ~root->missing;
	int first = 0;
	if ((root->flags & CGROUP_ROOT_OWN_PARENT) && (todo & ~root->available))
		enable_from_parent(root, todo & ~root->available, &first, errors);
	unsigned absent = todo & ~root->available;
	if (absent) {
		char names[64], have[64];
		char path[PATH_MAX];
		join(path, sizeof(path), root->path, "cgroup.controllers");
		controller_names(absent, names, sizeof(names));
		controller_names(root->available, have, sizeof(have));
		report(errors, path,
		       "missing controllers: %s (available: %s); the parent cgroup must "
		       "enable them in its cgroup.subtree_control (under systemd: "
		       "Delegate=yes)",
		       names, *have ? have : "none");
		root->missing |= absent;
		first = -ENOTSUP;
	}
	todo &= root->available;
	unsigned done = enable_in(root->path, todo, test_flags(root), &first, errors);
	root->enabled |= done;
	root->missing |= todo & ~done;
	return first;
}

int cgroup_root_create(const char *path, unsigned flags, struct cgroup_root **out,
		       struct policy_errors *errors)
{
	*out = NULL;
	if (!path || !*path) {
		report(errors, "cgroup", "no cgroup root directory is set");
		return -EINVAL;
	}
	int ret;
	if ((flags & CGROUP_ROOT_REQUIRE_V2) && (ret = check_v2(path, errors)) < 0)
		return ret;
	bool made;
	ret = make_dir(path, &made, errors);
	if (ret < 0)
		return ret;

	struct cgroup_root *root = calloc(1, sizeof(*root));
	if (!root || !(root->path = strdup(path))) {
		report(errors, path, "out of memory");
		ret = -ENOMEM;
		goto err_root;
	}
	root->flags = flags;
	ret = read_available(root, errors);
	if (ret < 0)
		goto err_root;
	/* Missing controllers are the caller's call (caps = optional), already reported. */
	cgroup_root_enable(root, CGROUP_CONTROLLERS_BASE, errors);
	*out = root;
	return 0;

err_root:
	cgroup_root_destroy(root);
	if (made)
		rmdir(path);
	return ret;
}

void cgroup_root_destroy(struct cgroup_root *root)
{
	if (!root)
		return;
	free(root->path);
	free(root);
}

int cgroup_format_cpu_max(int64_t percent, char *buf, size_t size)
{
	int length;
	if (percent == POLICY_UNSET || percent == POLICY_MAX)
		length = snprintf(buf, size, "max %d", CPU_PERIOD_USEC);
	else if (percent >= 1 && percent <= 100000)
		length = snprintf(buf, size, "%lld %d",
				  (long long)(percent * (CPU_PERIOD_USEC / 100)), CPU_PERIOD_USEC);
	else
		return -EINVAL;
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_format_cpu_weight(int64_t weight, char *buf, size_t size)
{
	if (weight == POLICY_UNSET)
		weight = 100;
	if (weight < 1 || weight > 10000)
		return -EINVAL;
	int length = snprintf(buf, size, "%lld", (long long)weight);
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_format_io_weight(int64_t weight, char *buf, size_t size)
{
	if (weight == POLICY_UNSET)
		weight = 100;
	if (weight < 1 || weight > 10000)
		return -EINVAL;
	int length = snprintf(buf, size, "default %lld", (long long)weight);
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_format_limit(int64_t value, char *buf, size_t size)
{
	int length;
	if (value == POLICY_UNSET || value == POLICY_MAX)
		length = snprintf(buf, size, "max");
	else if (value >= 0)
		length = snprintf(buf, size, "%lld", (long long)value);
	else
		return -EINVAL;
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_cpuset_auto(unsigned index, unsigned count, unsigned cpu_count, char *buf, size_t size)
{
	if (count == 0 || cpu_count == 0 || index >= count)
		return -EINVAL;
	unsigned first, length;
	if (count > cpu_count) {
		first = index % cpu_count;
		length = 1;
	} else {
		unsigned base = cpu_count / count, extra = cpu_count % count;
		first = index * base + (index < extra ? index : extra);
		length = base + (index < extra ? 1 : 0);
	}
	int n = length == 1 ? snprintf(buf, size, "%u", first)
			    : snprintf(buf, size, "%u-%u", first, first + length - 1);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

/*
 * Writes the caps into the seat's directory: only the set ones when `only_set`, else every
 * one, unset ones back to their defaults. Controllers the root lacks are skipped.
 */
static int write_caps(struct cgroup_seat *seat, const struct policy_caps *caps, bool only_set,
		      struct policy_errors *errors)
{
	struct cgroup_root *root = seat->root;
	const char *dir = seat->paths[CGROUP_SEAT];
	unsigned flags = test_flags(root);
	int first = 0;
	for (size_t i = 0; i < CAP_FILE_COUNT; i++) {
		if (!(root->enabled & cap_files[i].controller))
			continue;
		int64_t value = *(const int64_t *)((const char *)caps + cap_files[i].offset);
		if (value == POLICY_UNSET && only_set)
			continue;
		char text[64];
		if (cap_files[i].format(value, text, sizeof(text)) < 0) {
			char path[PATH_MAX];
			join(path, sizeof(path), dir, cap_files[i].name);
			report(errors, path, "%lld is out of range: not written", (long long)value);
			keep(&first, -EINVAL);
			continue;
		}
		keep(&first,
		     write_file(dir, cap_files[i].name, text,
				flags | (value == POLICY_UNSET ? WRITE_MISSING_OK : 0), errors));
	}

	if (!caps->cpuset && only_set)
		return first;
	/*
	 * The first seat with a cpuset turns the controller on, not before: an unused cpuset
	 * is still kernel work on every migration and CPU hotplug.
	 */
	if (caps->cpuset)
		cgroup_root_enable(root, CGROUP_CONTROLLER_CPUSET, errors);
	if (!(root->enabled & CGROUP_CONTROLLER_CPUSET))
		return first;
	const char *why;
	if (caps->cpuset && strcmp(caps->cpuset, "auto") == 0) {
		char path[PATH_MAX];
		join(path, sizeof(path), dir, "cpuset.cpus");
		report(errors, path, "cpuset = auto was not resolved to CPUs: not written");
		keep(&first, -EINVAL);
	} else if (caps->cpuset && policy_parse_cpuset(caps->cpuset, &why) < 0) {
		char path[PATH_MAX], shown[EXCERPT_MAX];
		join(path, sizeof(path), dir, "cpuset.cpus");
		report(errors, path, "'%s': %s",
		       excerpt(caps->cpuset, strlen(caps->cpuset), shown, sizeof(shown)), why);
		keep(&first, -EINVAL);
	} else {
		/* Empty: the parent's CPUs. */
		keep(&first, write_file(dir, "cpuset.cpus", caps->cpuset ? caps->cpuset : "",
					flags | (caps->cpuset ? 0 : WRITE_MISSING_OK), errors));
	}
	return first;
}

/* compositor/memory.min; unset on a reused seat is its default, 0 (not "max" as for limits). */
static int write_compositor_min(struct cgroup_seat *seat, int64_t bytes,
				struct policy_errors *errors)
{
	if (bytes == POLICY_UNSET && !seat->reused)
		return 0;
	const char *dir = seat->paths[CGROUP_COMPOSITOR];
	char text[32] = "0";
	if (bytes != POLICY_UNSET && cgroup_format_limit(bytes, text, sizeof(text)) < 0) {
		char path[PATH_MAX];
		join(path, sizeof(path), dir, "memory.min");
		report(errors, path, "%lld is out of range: not written", (long long)bytes);
		return -EINVAL;
	}
	return write_file(dir, "memory.min", text, test_flags(seat->root), errors);
}

static void seat_free(struct cgroup_seat *seat)
{
	for (int part = 0; part < CGROUP_PART_COUNT; part++)
		free(seat->paths[part]);
	free(seat->name);
	free(seat);
}

int cgroup_seat_create(struct cgroup_root *root, const char *name, const struct policy_caps *caps,
		       int64_t compositor_memory_min, struct cgroup_seat **out,
		       struct policy_errors *errors)
{
	bool made[CGROUP_PART_COUNT] = {false};
	int part = 0, ret;
	*out = NULL;
	if (!name || !policy_seat_name_valid(name)) {
		char shown[EXCERPT_MAX];
		report(errors, root->path, "'%s' is not a valid seat name",
		       name ? excerpt(name, strlen(name), shown, sizeof(shown)) : "(null)");
		return -EINVAL;
	}
	struct cgroup_seat *seat = calloc(1, sizeof(*seat));
	if (!seat)
		goto err_memory;
	seat->root = root;
	if (!(seat->name = strdup(name)) ||
	    asprintf(&seat->paths[CGROUP_SEAT], "%s/seat-%s", root->path, name) < 0) {
		seat->paths[CGROUP_SEAT] = NULL;
		goto err_seat;
	}
	for (int i = CGROUP_COMPOSITOR; i < CGROUP_PART_COUNT; i++) {
		if (asprintf(&seat->paths[i], "%s/%s", seat->paths[CGROUP_SEAT], part_dirs[i]) <
		    0) {
			seat->paths[i] = NULL;
			goto err_seat;
		}
	}

	for (; part < CGROUP_PART_COUNT; part++) {
		if ((ret = make_dir(seat->paths[part], &made[part], errors)) < 0)
			goto err_dirs;
	}
	seat->reused = !made[CGROUP_SEAT];

	unsigned flags = test_flags(root);
	int first = 0;
	/* Not cpuset: the compositor and the session share the seat's CPUs. */
	enable_in(seat->paths[CGROUP_SEAT], root->enabled & ~CGROUP_CONTROLLER_CPUSET, flags,
		  &first, errors);
	keep(&first, write_caps(seat, caps, !seat->reused, errors));
	if (root->enabled & CGROUP_CONTROLLER_MEMORY) {
		keep(&first, write_compositor_min(seat, compositor_memory_min, errors));
		/* An OOM kill in the session takes all of it, never half a session. */
		keep(&first, write_file(seat->paths[CGROUP_SESSION], "memory.oom.group", "1", flags,
					errors));
	}
	*out = seat;
	return first;

err_dirs:
	while (part-- > 0) {
		if (made[part])
			remove_dir(seat->paths[part], 0, NULL);
	}
	seat_free(seat);
	return ret;
err_seat:
	seat_free(seat);
err_memory:
	report(errors, root->path, "seat-%s: out of memory", name);
	return -ENOMEM;
}

int cgroup_seat_apply_caps(struct cgroup_seat *seat, const struct policy_caps *caps,
			   struct policy_errors *errors)
{
	return write_caps(seat, caps, false, errors);
}

int cgroup_seat_remove(struct cgroup_seat *seat, struct policy_errors *errors)
{
	unsigned flags = test_flags(seat->root);
	int first = 0;
	/* The leaves first: a cgroup with children cannot go. */
	for (int part = CGROUP_PART_COUNT - 1; part >= CGROUP_SEAT; part--)
		keep(&first, remove_dir(seat->paths[part], flags, errors));
	return first;
}

void cgroup_seat_destroy(struct cgroup_seat *seat)
{
	if (seat)
		seat_free(seat);
}

const char *cgroup_seat_path(const struct cgroup_seat *seat, enum cgroup_part part)
{
	if ((unsigned)part >= CGROUP_PART_COUNT)
		return NULL;
	return seat->paths[part];
}

int cgroup_move_pid(const char *dir, pid_t pid, struct policy_errors *errors)
{
	if (pid < 0) {
		report(errors, dir, "cannot move pid %d: not a pid", (int)pid);
		return -EINVAL;
	}
	char value[16];
	snprintf(value, sizeof(value), "%d", (int)pid);
	return write_file(dir, "cgroup.procs", value, 0, errors);
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
	if (join(path, sizeof(path), dir, "cgroup.procs") < 0) {
		report(errors, dir, "cgroup.procs: the path is too long");
		return -ENAMETOOLONG;
	}
	/* A fork bomb's list can be long: read it a line at a time, no cap on its size. */
	FILE *file = fopen(path, "re");
	if (!file) {
		int err = errno;
		report(errors, path, "cannot read: %s", strerror(err));
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
		if (parse_count(line, text_length, &value) < 0 || value < 1 || value > INT_MAX) {
			char shown[EXCERPT_MAX];
			report(errors, path, "'%s' is not a pid: skipped",
			       excerpt(line, text_length, shown, sizeof(shown)));
			keep(&first, -EINVAL);
			continue;
		}
		pid_t pid = (pid_t)value;
		if (pid == self) {
			report(errors, path, "%d is this process: not killed", (int)pid);
			keep(&first, -EDEADLK);
			continue;
		}
		/* ESRCH: it exited between the read and the signal, which is what was wanted. */
		if (kill(pid, SIGKILL) < 0 && errno != ESRCH) {
			int err = errno;
			report(errors, path, "cannot kill %d: %s", (int)pid, strerror(err));
			keep(&first, -err);
		}
	}
	if (ferror(file)) {
		report(errors, path, "cannot read: %s", strerror(EIO));
		keep(&first, -EIO);
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
		report(errors, dir, "cannot list: %s", strerror(err));
		keep(&first, -err);
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
		if (join(child, sizeof(child), dir, entry->d_name) < 0) {
			report(errors, dir, "%s: the path is too long", entry->d_name);
			keep(&first, -ENAMETOOLONG);
		} else if (depth + 1 >= KILL_DEPTH_MAX) {
			report(errors, child, "more than %d cgroups deep: not walked",
			       KILL_DEPTH_MAX);
			keep(&first, -ELOOP);
		} else {
			keep(&first, kill_tree(child, depth + 1, errors));
		}
	}
	closedir(d);
	return first;
}

int cgroup_kill(const char *dir, enum cgroup_kill_way *way, struct policy_errors *errors)
{
	char path[PATH_MAX];
	if (join(path, sizeof(path), dir, "cgroup.kill") < 0) {
		report(errors, dir, "cgroup.kill: the path is too long");
		return -ENAMETOOLONG;
	}
	struct stat st;
	if (stat(dir, &st) < 0) {
		int err = errno;
		report(errors, dir, "cannot kill what is in it: %s", strerror(err));
		return -err;
	}
	if (stat(path, &st) == 0 || errno != ENOENT) {
		if (way)
			*way = CGROUP_KILL_FILE;
		return write_file(dir, "cgroup.kill", "1", 0, errors);
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
	if (join(path, sizeof(path), dir, name) < 0)
		return -ENAMETOOLONG;
	return read_small(path, text, SMALL_FILE_MAX);
}

/* A one-value file into *value, or its read error, or -EINVAL for text not the kernel's. */
static void read_single(const char *dir, const char *name, bool allow_max, int64_t *value)
{
	char text[SMALL_FILE_MAX];
	ssize_t length = read_stat_file(dir, name, text);
	*value = length < 0 ? length : parse_single(text, (size_t)length, allow_max);
}

/* The values of `count` keys of a "key value" file, each as read_single. */
static void read_keyed(const char *dir, const char *name, const char *const *keys,
		       int64_t *const *values, size_t count)
{
	char text[SMALL_FILE_MAX];
	ssize_t length = read_stat_file(dir, name, text);
	for (size_t i = 0; i < count; i++)
		*values[i] = length < 0 ? length : parse_keyed(text, keys[i]);
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
