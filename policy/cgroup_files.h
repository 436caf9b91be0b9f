/* Inside the cgroup library: the file helpers its parts share (root, seat, procs). */
#ifndef MULTISEAT_POLICY_CGROUP_FILES_H
#define MULTISEAT_POLICY_CGROUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

/* The kernel takes at most a page per write; longer is not a value it would accept. */
#define VALUE_MAX 4096
/* cpu.stat, memory.events and the one-number files are far smaller; more is not the kernel's. */
#define SMALL_FILE_MAX 4096
/* What of a file's text goes into a message. */
#define EXCERPT_MAX 64

enum write_flags {
	WRITE_TEST_TREE = 1 << 0,  /* CGROUP_ROOT_TEST_TREE: create and append */
	WRITE_MISSING_OK = 1 << 1, /* resetting a default: no file, nothing to reset */
};

/* "PATH: message" into `errors` (NULL: the caller wants only the outcome). */
void cgfs_report(struct policy_errors *errors, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Keeps the first error of several steps that all run. */
void cgfs_keep(int *first, int ret);
/* dir/name into buf; -ENAMETOOLONG when it does not fit. */
int cgfs_join(char *buf, size_t size, const char *dir, const char *name);
/* WRITE_TEST_TREE when the root is a test tree, else 0. */
unsigned cgfs_test_flags(const struct cgroup_root *root);
/* `value` and a newline in one write(), as cgroupfs takes a value; says nothing. */
int cgfs_write_value(const char *path, const char *value, unsigned flags);
/* cgfs_write_value to dir/name, reporting "PATH: cannot write 'VALUE': WHY". */
int cgfs_write_file(const char *dir, const char *name, const char *value, unsigned flags,
		    struct policy_errors *errors);
/* A small file, NUL-terminated: its length, -EFBIG, -EINVAL (a NUL in it) or the errno. */
ssize_t cgfs_read_small(const char *path, char *buf, size_t size);
/* Decimal digits only, at most INT64_MAX. 0 or -EINVAL. */
int cgfs_parse_count(const char *text, size_t length, int64_t *value);
/* A one-value file's number, CGROUP_MAX for "max" when allowed, or -EINVAL. */
int64_t cgfs_parse_single(const char *text, size_t length, bool allow_max);
/* The value of `key` in "key value" lines; -ENOENT when absent, -EINVAL when not a count. */
int64_t cgfs_parse_keyed(const char *text, const char *key);
/* mkdir 0755, keeping a directory that is there (*made false then). */
int cgfs_make_dir(const char *path, bool *made, struct policy_errors *errors);
/* rmdir (in a test tree after deleting its files); gone already is fine. */
int cgfs_remove_dir(const char *path, unsigned flags, struct policy_errors *errors);

/* "+NAME" to dir/cgroup.subtree_control for each controller of `set`; the bits that went in. */
unsigned cgroup_enable_in(const char *dir, unsigned set, unsigned flags, int *first,
			  struct policy_errors *errors);

#endif
