/* A cgroup per seat: its parts, its caps as plain cgroup file values, its removal. */
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

/* cpu.max's period, the kernel's default: 1% of one CPU is then a 1 ms quota, its minimum. */
#define CPU_PERIOD_USEC 100000

static const char *const part_dirs[CGROUP_PART_COUNT] = {
	/* clang-format off */
	[CGROUP_SEAT] = NULL,
	[CGROUP_COMPOSITOR] = "compositor",
	[CGROUP_SESSION] = "session",
	[CGROUP_SERVICES] = "services",
	[CGROUP_LOGIN] = "login",
	/* clang-format on */
};

int cgroup_format_cpu_max(int64_t percent, char *buf, size_t size)
{
	int length;
	if (percent == CGROUP_UNSET || percent == CGROUP_MAX)
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
	if (weight == CGROUP_UNSET)
		weight = 100;
	if (weight < 1 || weight > 10000)
		return -EINVAL;
	int length = snprintf(buf, size, "%lld", (long long)weight);
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_format_io_weight(int64_t weight, char *buf, size_t size)
{
	if (weight == CGROUP_UNSET)
		weight = 100;
	if (weight < 1 || weight > 10000)
		return -EINVAL;
	int length = snprintf(buf, size, "default %lld", (long long)weight);
	return length < 0 || (size_t)length >= size ? -ENOSPC : 0;
}

int cgroup_format_limit(int64_t value, char *buf, size_t size)
{
	int length;
	if (value == CGROUP_UNSET || value == CGROUP_MAX)
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

/* The seat files cgroup_limit may name: each one's controller and how its value is written. */
static const struct {
	const char *file;
	unsigned controller;
	int (*format)(int64_t value, char *buf, size_t size); /* NULL: a CPU list */
} limit_files[] = {
	{"cpu.weight", CGROUP_CONTROLLER_CPU, cgroup_format_cpu_weight},
	{"cpu.max", CGROUP_CONTROLLER_CPU, cgroup_format_cpu_max},
	{"memory.max", CGROUP_CONTROLLER_MEMORY, cgroup_format_limit},
	{"memory.high", CGROUP_CONTROLLER_MEMORY, cgroup_format_limit},
	{"memory.swap.max", CGROUP_CONTROLLER_MEMORY, cgroup_format_limit},
	{"pids.max", CGROUP_CONTROLLER_PIDS, cgroup_format_limit},
	{"io.weight", CGROUP_CONTROLLER_IO, cgroup_format_io_weight},
	{"cpuset.cpus", CGROUP_CONTROLLER_CPUSET, NULL},
};
#define LIMIT_FILE_COUNT (sizeof(limit_files) / sizeof(limit_files[0]))

static int limit_file(const char *file)
{
	for (size_t i = 0; file && i < LIMIT_FILE_COUNT; i++) {
		if (strcmp(limit_files[i].file, file) == 0)
			return (int)i;
	}
	return -1;
}

unsigned cgroup_limit_controller(const char *file)
{
	int i = limit_file(file);
	return i < 0 ? 0 : limit_files[i].controller;
}

/* The text for one limit in `text`: 0, or -EINVAL (reported) when the kernel would refuse it. */
static int limit_text(const char *dir, const struct cgroup_limit *limit,
		      int (*format)(int64_t, char *, size_t), char *text, size_t size,
		      struct policy_errors *errors)
{
	char path[PATH_MAX];
	cgfs_join(path, sizeof(path), dir, limit->file);
	if (format) {
		if (format(limit->number, text, size) == 0)
			return 0;
		cgfs_report(errors, path, "%lld is out of range: not written",
			    (long long)limit->number);
		return -EINVAL;
	}
	const char *why;
	if (limit->cpus && strcmp(limit->cpus, "auto") == 0) {
		cgfs_report(errors, path, "cpuset = auto was not resolved to CPUs: not written");
		return -EINVAL;
	}
	if (limit->cpus && policy_parse_cpuset(limit->cpus, &why) < 0) {
		char shown[EXCERPT_MAX];
		cgfs_report(errors, path, "'%s': %s",
			    policy_excerpt(limit->cpus, strlen(limit->cpus), shown, sizeof(shown)),
			    why);
		return -EINVAL;
	}
	/* Empty: the parent's CPUs. */
	snprintf(text, size, "%s", limit->cpus ? limit->cpus : "");
	return 0;
}

/*
 * Writes the limits into the seat's directory: only the set ones when `only_set`, else every
 * one, unset ones back to their defaults. Controllers the root lacks are skipped.
 */
static int write_limits(struct cgroup_seat *seat, const struct cgroup_limit *limits, size_t count,
			bool only_set, struct policy_errors *errors)
{
	struct cgroup_root *root = seat->root;
	const char *dir = seat->paths[CGROUP_SEAT];
	unsigned flags = cgfs_test_flags(root);
	int first = 0;
	for (size_t i = 0; i < count; i++) {
		const struct cgroup_limit *limit = &limits[i];
		int f = limit_file(limit->file);
		if (f < 0) {
			cgfs_report(errors, dir, "%s: not a file of a seat's caps",
				    limit->file ? limit->file : "(no file)");
			cgfs_keep(&first, -EINVAL);
			continue;
		}
		bool unset = limit_files[f].format ? limit->number == CGROUP_UNSET : !limit->cpus;
		if (unset && only_set)
			continue;
		unsigned controller = limit_files[f].controller;
		/*
		 * A controller the root has not turned on yet comes on with the first seat that
		 * sets one of its files (cpuset: an unused one is still kernel work on every
		 * migration and CPU hotplug).
		 */
		if (!unset && !(root->enabled & controller))
			cgroup_root_enable(root, controller, errors);
		if (!(root->enabled & controller))
			continue;
		char text[VALUE_MAX];
		if (limit_text(dir, limit, limit_files[f].format, text, sizeof(text), errors) < 0) {
			cgfs_keep(&first, -EINVAL);
			continue;
		}
		cgfs_keep(&first, cgfs_write_file(dir, limit->file, text,
						  flags | (unset ? WRITE_MISSING_OK : 0), errors));
	}
	return first;
}

/* compositor/memory.min; unset on a reused seat is its default, 0 (not "max" as for limits). */
static int write_compositor_min(struct cgroup_seat *seat, int64_t bytes,
				struct policy_errors *errors)
{
	if (bytes == CGROUP_UNSET && !seat->reused)
		return 0;
	const char *dir = seat->paths[CGROUP_COMPOSITOR];
	char text[32] = "0";
	if (bytes != CGROUP_UNSET && cgroup_format_limit(bytes, text, sizeof(text)) < 0) {
		char path[PATH_MAX];
		cgfs_join(path, sizeof(path), dir, "memory.min");
		cgfs_report(errors, path, "%lld is out of range: not written", (long long)bytes);
		return -EINVAL;
	}
	return cgfs_write_file(dir, "memory.min", text, cgfs_test_flags(seat->root), errors);
}

static void seat_free(struct cgroup_seat *seat)
{
	for (int part = 0; part < CGROUP_PART_COUNT; part++)
		free(seat->paths[part]);
	free(seat->name);
	free(seat);
}

int cgroup_seat_create(struct cgroup_root *root, const char *name,
		       const struct cgroup_limit *limits, size_t count,
		       int64_t compositor_memory_min, struct cgroup_seat **out,
		       struct policy_errors *errors)
{
	bool made[CGROUP_PART_COUNT] = {false};
	int part = 0, ret;
	*out = NULL;
	if (!name || !policy_seat_name_valid(name)) {
		char shown[EXCERPT_MAX];
		cgfs_report(errors, root->path, "'%s' is not a valid seat name",
			    name ? policy_excerpt(name, strlen(name), shown, sizeof(shown))
				 : "(null)");
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
		if ((ret = cgfs_make_dir(seat->paths[part], &made[part], errors)) < 0)
			goto err_dirs;
	}
	seat->reused = !made[CGROUP_SEAT];

	unsigned flags = cgfs_test_flags(root);
	int first = 0;
	/* Not cpuset: the compositor and the session share the seat's CPUs. */
	cgroup_enable_in(seat->paths[CGROUP_SEAT], root->enabled & ~CGROUP_CONTROLLER_CPUSET, flags,
			 &first, errors);
	cgfs_keep(&first, write_limits(seat, limits, count, !seat->reused, errors));
	if (root->enabled & CGROUP_CONTROLLER_MEMORY) {
		cgfs_keep(&first, write_compositor_min(seat, compositor_memory_min, errors));
		/* An OOM kill in the session takes all of it, never half a session. */
		cgfs_keep(&first, cgfs_write_file(seat->paths[CGROUP_SESSION], "memory.oom.group",
						  "1", flags, errors));
	}
	*out = seat;
	return first;

err_dirs:
	while (part-- > 0) {
		if (made[part])
			cgfs_remove_dir(seat->paths[part], 0, NULL);
	}
	seat_free(seat);
	return ret;
err_seat:
	seat_free(seat);
err_memory:
	cgfs_report(errors, root->path, "seat-%s: out of memory", name);
	return -ENOMEM;
}

int cgroup_seat_apply_limits(struct cgroup_seat *seat, const struct cgroup_limit *limits,
			     size_t count, struct policy_errors *errors)
{
	return write_limits(seat, limits, count, false, errors);
}

int cgroup_seat_remove(struct cgroup_seat *seat, struct policy_errors *errors)
{
	unsigned flags = cgfs_test_flags(seat->root);
	int first = 0;
	/* The leaves first: a cgroup with children cannot go. */
	for (int part = CGROUP_PART_COUNT - 1; part >= CGROUP_SEAT; part--)
		cgfs_keep(&first, cgfs_remove_dir(seat->paths[part], flags, errors));
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
