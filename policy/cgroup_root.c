/* The root the daemon manages: cgroup v2 checks, its controllers, /proc parsing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup_files.h"

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
		cgfs_report(errors, checked, "cannot check the file system: %s", strerror(-v2));
		return v2;
	}
	if (!v2) {
		cgfs_report(errors, checked,
			    "not on a cgroup v2 file system (a cgroup v1 or hybrid host?): "
			    "per-seat caps need the unified hierarchy");
		return -ENOTSUP;
	}
	return 0;
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
unsigned cgroup_enable_in(const char *dir, unsigned set, unsigned flags, int *first,
			  struct policy_errors *errors)
{
	unsigned done = 0;
	for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
		if (!(set & controllers[i].bit))
			continue;
		char value[16], path[PATH_MAX];
		snprintf(value, sizeof(value), "+%s", controllers[i].name);
		int ret = cgfs_join(path, sizeof(path), dir, "cgroup.subtree_control");
		if (ret == 0)
			ret = cgfs_write_value(path, value, flags);
		/* The kernel's terse EBUSY has one usual cause here; say it. */
		if (ret == -EBUSY)
			cgfs_report(errors, path,
				    "cannot write '%s': %s (%s has processes of its own: move them "
				    "into "
				    "a child cgroup first)",
				    value, strerror(-ret), dir);
		else if (ret < 0)
			cgfs_report(errors, path, "cannot write '%s': %s", value, strerror(-ret));
		cgfs_keep(first, ret);
		if (ret == 0)
			done |= controllers[i].bit;
	}
	return done;
}

/* The controllers the root's cgroup.controllers lists now; a negative errno when unread. */
static int read_available(struct cgroup_root *root, struct policy_errors *errors)
{
	char file[PATH_MAX], text[SMALL_FILE_MAX];
	int ret = cgfs_join(file, sizeof(file), root->path, "cgroup.controllers");
	ssize_t length = ret < 0 ? ret : cgfs_read_small(file, text, sizeof(text));
	if (length < 0) {
		cgfs_report(errors, file, "cannot read: %s", strerror((int)-length));
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
	if (cgroup_enable_in(parent, absent, cgfs_test_flags(root), first, errors))
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
		cgfs_join(path, sizeof(path), root->path, "cgroup.controllers");
		controller_names(absent, names, sizeof(names));
		controller_names(root->available, have, sizeof(have));
		cgfs_report(errors, path,
			    "missing controllers: %s (available: %s); the parent cgroup must "
			    "enable them in its cgroup.subtree_control (under systemd: "
			    "Delegate=yes)",
			    names, *have ? have : "none");
		root->missing |= absent;
		first = -ENOTSUP;
	}
	todo &= root->available;
	unsigned done = cgroup_enable_in(root->path, todo, cgfs_test_flags(root), &first, errors);
	root->enabled |= done;
	root->missing |= todo & ~done;
	return first;
}

int cgroup_root_create(const char *path, unsigned flags, struct cgroup_root **out,
		       struct policy_errors *errors)
{
	*out = NULL;
	if (!path || !*path) {
		cgfs_report(errors, "cgroup", "no cgroup root directory is set");
		return -EINVAL;
	}
	int ret;
	if ((flags & CGROUP_ROOT_REQUIRE_V2) && (ret = check_v2(path, errors)) < 0)
		return ret;
	bool made;
	ret = cgfs_make_dir(path, &made, errors);
	if (ret < 0)
		return ret;

	struct cgroup_root *root = calloc(1, sizeof(*root));
	if (!root || !(root->path = strdup(path))) {
		cgfs_report(errors, path, "out of memory");
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

const char *cgroup_controller_name(unsigned bit)
{
	for (size_t i = 0; i < CONTROLLER_COUNT; i++) {
		if (controllers[i].bit == bit)
			return controllers[i].name;
	}
	return NULL;
}
