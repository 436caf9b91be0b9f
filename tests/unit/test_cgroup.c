/* Unit tests for the seats' cgroup v2 files, against a temporary tree imitating cgroupfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "errors_assert.h"
#include "tmptree.h"

#define ALL_CONTROLLERS "cpuset cpu io memory hugetlb pids rdma misc\n"
#define MIB (1024 * 1024LL)

/*
 * Each test's own fake cgroupfs: a temporary dir with the root's cgroup.controllers and an
 * empty cgroup.subtree_control, as the kernel shows them. The code under test runs with
 * CGROUP_ROOT_TEST_TREE, so every file it writes holds each value written, one a line.
 */
struct fixture {
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ms-cgroup-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tmptree_remove(f->dir);
	free(f);
	return 0;
}

/* f->dir/relative, in a buffer that lasts while the next few calls do. */
static const char *at(const struct fixture *f, const char *relative)
{
	static char paths[8][256];
	static int next;
	char *path = paths[next++ % 8];
	snprintf(path, sizeof(paths[0]), "%s/%s", f->dir, relative);
	return path;
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	size_t length = strlen(text);
	assert_int_equal(write(fd, text, length), (ssize_t)length);
	close(fd);
}

/* The file's text; the caller frees it. */
static char *read_text(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (!file)
		fail_msg("%s: %s", path, strerror(errno));
	char *text = calloc(1, 65536);
	assert_non_null(text);
	size_t length = fread(text, 1, 65535, file);
	text[length] = '\0';
	fclose(file);
	return text;
}

static void assert_file(const struct fixture *f, const char *relative, const char *expected)
{
	char *text = read_text(at(f, relative));
	if (strcmp(text, expected) != 0)
		fail_msg("%s: '%s', expected '%s'", relative, text, expected);
	free(text);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void assert_absent(const struct fixture *f, const char *relative)
{
	if (exists(at(f, relative)))
		fail_msg("%s exists", relative);
}

static void make_root(const struct fixture *f, const char *controllers)
{
	write_text(at(f, "cgroup.controllers"), controllers);
	write_text(at(f, "cgroup.subtree_control"), "");
}

static struct cgroup_root *open_root(const struct fixture *f, const char *controllers)
{
	make_root(f, controllers);
	struct cgroup_root *root;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_non_null(root);
	policy_errors_finish(&errors);
	return root;
}

static struct policy_caps unset_caps(void)
{
	struct policy_caps caps;
	policy_caps_init(&caps);
	return caps;
}

/* The daemon's way from caps to the seat's files (seatd/caps.c): each cap's file and value. */
static const struct cgroup_limit *limits_of(const struct policy_caps *caps)
{
	static struct cgroup_limit limits[POLICY_CAP_COUNT];
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		limits[cap] = (struct cgroup_limit){
			.file = policy_cap_cgroup_file(cap),
			.number = policy_caps_number(caps, cap),
			.cpus = cap == POLICY_CAP_CPUSET ? caps->cpuset : NULL,
		};
	}
	return limits;
}

static int seat_create(struct cgroup_root *root, const char *name, const struct policy_caps *caps,
		       int64_t compositor_memory_min, struct cgroup_seat **seat,
		       struct policy_errors *errors)
{
	return cgroup_seat_create(root, name, limits_of(caps), POLICY_CAP_COUNT,
				  compositor_memory_min, seat, errors);
}

static int seat_apply(struct cgroup_seat *seat, const struct policy_caps *caps,
		      struct policy_errors *errors)
{
	return cgroup_seat_apply_limits(seat, limits_of(caps), POLICY_CAP_COUNT, errors);
}

static void assert_no_errors(const struct policy_errors *errors)
{
	if (errors->count) {
		print_errors(errors);
		fail_msg("%zu unexpected errors", errors->count);
	}
}

static void test_format_cpu_max(void **state)
{
	char buf[32];
	assert_int_equal(cgroup_format_cpu_max(50, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "50000 100000");
	assert_int_equal(cgroup_format_cpu_max(150, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "150000 100000");
	assert_int_equal(cgroup_format_cpu_max(1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1000 100000"); /* the kernel's smallest quota, 1 ms */
	assert_int_equal(cgroup_format_cpu_max(100000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "100000000 100000");
	assert_int_equal(cgroup_format_cpu_max(POLICY_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max 100000");
	assert_int_equal(cgroup_format_cpu_max(POLICY_UNSET, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max 100000");

	assert_int_equal(cgroup_format_cpu_max(0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_cpu_max(100001, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_cpu_max(-5, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_cpu_max(INT64_MAX - 1, buf, sizeof(buf)), -EINVAL);
	/* "150000 100000" is 13 bytes and its NUL. */
	assert_int_equal(cgroup_format_cpu_max(150, buf, 13), -ENOSPC);
	assert_int_equal(cgroup_format_cpu_max(150, buf, 14), 0);
}

static void test_format_limits(void **state)
{
	char buf[32];
	assert_int_equal(cgroup_format_limit(256 * MIB, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "268435456");
	assert_int_equal(cgroup_format_limit(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(cgroup_format_limit(200, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "200");
	assert_int_equal(cgroup_format_limit(1024 * 1024 * MIB, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1099511627776");
	assert_int_equal(cgroup_format_limit(POLICY_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max");
	assert_int_equal(cgroup_format_limit(POLICY_UNSET, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max");
	assert_int_equal(cgroup_format_limit(-2, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_limit(268435456, buf, 9), -ENOSPC);

	assert_int_equal(cgroup_format_cpu_weight(POLICY_UNSET, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "100");
	assert_int_equal(cgroup_format_cpu_weight(1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(cgroup_format_cpu_weight(10000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10000");
	assert_int_equal(cgroup_format_cpu_weight(0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_cpu_weight(10001, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_cpu_weight(POLICY_MAX, buf, sizeof(buf)), -EINVAL);

	assert_int_equal(cgroup_format_io_weight(500, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "default 500");
	assert_int_equal(cgroup_format_io_weight(POLICY_UNSET, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "default 100");
	assert_int_equal(cgroup_format_io_weight(0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_io_weight(20000, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_format_io_weight(500, buf, 11), -ENOSPC);
}

/* The CPU lists of every seat of `count` on `cpus` CPUs, joined with spaces. */
static void assert_spread(unsigned count, unsigned cpus, const char *expected)
{
	char joined[256] = "";
	for (unsigned i = 0; i < count; i++) {
		char buf[32];
		assert_int_equal(cgroup_cpuset_auto(i, count, cpus, buf, sizeof(buf)), 0);
		if (i)
			strcat(joined, " ");
		strcat(joined, buf);
	}
	if (strcmp(joined, expected) != 0)
		fail_msg("%u seats on %u CPUs: '%s', expected '%s'", count, cpus, joined, expected);
}

static void test_cpuset_auto(void **state)
{
	assert_spread(4, 8, "0-1 2-3 4-5 6-7");
	assert_spread(2, 8, "0-3 4-7");
	assert_spread(3, 8, "0-2 3-5 6-7");
	assert_spread(3, 4, "0-1 2 3");
	assert_spread(1, 8, "0-7");
	assert_spread(1, 1, "0");
	assert_spread(4, 4, "0 1 2 3");
	/* More seats than CPUs: round robin. */
	assert_spread(5, 2, "0 1 0 1 0");
	assert_spread(3, 1, "0 0 0");
	assert_spread(6, 4, "0 1 2 3 0 1");

	char buf[32];
	assert_int_equal(cgroup_cpuset_auto(4, 4, 8, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_cpuset_auto(0, 0, 8, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_cpuset_auto(0, 1, 0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_cpuset_auto(1, 2, 128, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "64-127");
	assert_int_equal(cgroup_cpuset_auto(1, 2, 128, buf, 6), -ENOSPC);
}

static void test_parse_proc_stat_ppid(void **state)
{
	(void)state;
	pid_t ppid = -1;
	assert_int_equal(
		cgroup_parse_proc_stat_ppid("4242 (sh) S 17 4242 4242 0 -1 4194560 1\n", &ppid), 0);
	assert_int_equal(ppid, 17);
	/* A command name may hold spaces and parentheses. */
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (a) b (c)) R 1 9 9", &ppid), 0);
	assert_int_equal(ppid, 1);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (x) Z 0", &ppid), 0);
	assert_int_equal(ppid, 0);
	assert_int_equal(cgroup_parse_proc_stat_ppid("", &ppid), -EINVAL);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (sh)", &ppid), -EINVAL);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (sh) S", &ppid), -EINVAL);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (sh) S x1", &ppid), -EINVAL);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (sh) S -3 1", &ppid), -EINVAL);
	assert_int_equal(cgroup_parse_proc_stat_ppid("9 (sh) S 99999999999 1", &ppid), -EINVAL);
}

static void test_parse_proc_self(void **state)
{
	char buf[128];
	assert_int_equal(
		cgroup_parse_proc_self("0::/system.slice/multiseatd.service\n", buf, sizeof(buf)),
		0);
	assert_string_equal(buf, "/system.slice/multiseatd.service");
	/* A hybrid host lists the v1 hierarchies first. */
	const char *hybrid = "12:pids:/system.slice/x.service\n"
			     "1:name=systemd:/system.slice/x.service\n"
			     "0::/system.slice/x.service\n";
	assert_int_equal(cgroup_parse_proc_self(hybrid, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/system.slice/x.service");
	assert_int_equal(cgroup_parse_proc_self("0::/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");

	assert_int_equal(cgroup_parse_proc_self("4:memory:/a\n3:cpu:/\n", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(cgroup_parse_proc_self("", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_parse_proc_self("0::\n", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_parse_proc_self("0::relative\n", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_parse_proc_self("0::/a/b/c\n", buf, 6), -ENOSPC);
}

static void test_root_enables_controllers(void **state)
{
	struct fixture *f = *state;
	make_root(f, ALL_CONTROLLERS);
	struct cgroup_root *root;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_no_errors(&errors);
	assert_string_equal(root->path, f->dir);
	assert_int_equal(root->available, CGROUP_CONTROLLERS_BASE | CGROUP_CONTROLLER_CPUSET);
	assert_int_equal(root->enabled, CGROUP_CONTROLLERS_BASE);
	assert_int_equal(root->missing, 0);
	/* One write each; cpuset waits for a seat that sets it. */
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");

	/* Enabling again writes nothing. */
	assert_int_equal(cgroup_root_enable(root, CGROUP_CONTROLLERS_BASE, &errors), 0);
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");
	cgroup_root_destroy(root);
	cgroup_root_destroy(NULL);
	policy_errors_finish(&errors);
}

static void test_root_missing_controllers(void **state)
{
	struct fixture *f = *state;
	make_root(f, "cpuset cpu memory\n");
	struct cgroup_root *root;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_int_equal(errors.count, 1);
	assert_error_has(&errors, at(f, "cgroup.controllers"),
			 ": missing controllers: pids, io (available: cpu, memory, cpuset)",
			 "cgroup.subtree_control", "Delegate=yes", NULL);
	assert_int_equal(root->enabled, CGROUP_CONTROLLER_CPU | CGROUP_CONTROLLER_MEMORY);
	assert_int_equal(root->missing, CGROUP_CONTROLLER_PIDS | CGROUP_CONTROLLER_IO);
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n");
	/* Missing ones are not tried again, nor reported again. */
	assert_int_equal(cgroup_root_enable(root, CGROUP_CONTROLLER_IO, &errors), 0);
	assert_int_equal(errors.count, 1);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);

	/* None at all: a cgroup whose parent delegates nothing. */
	make_root(f, "\n");
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_error_has(&errors, "missing controllers: cpu, memory, pids, io (available: none)",
			 NULL);
	assert_int_equal(root->enabled, 0);
	assert_file(f, "cgroup.subtree_control", "");
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

/* A controller the kernel refuses is named alone; the others still go in. */
static void test_root_write_failure(void **state)
{
	struct fixture *f = *state;
	write_text(at(f, "cgroup.controllers"), ALL_CONTROLLERS);
	/* A directory in the file's place fails every write with EISDIR. */
	assert_int_equal(mkdir(at(f, "cgroup.subtree_control"), 0755), 0);
	struct cgroup_root *root;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_int_equal(errors.count, 4);
	assert_error_has(&errors, at(f, "cgroup.subtree_control"),
			 ": cannot write '+cpu': ", strerror(EISDIR), NULL);
	assert_error_has(&errors, "cannot write '+io': ", NULL);
	assert_int_equal(root->enabled, 0);
	assert_int_equal(root->missing, CGROUP_CONTROLLERS_BASE);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

static void test_root_unusable(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = (struct cgroup_root *)1;
	struct policy_errors errors = {0};
	make_root(f, ALL_CONTROLLERS);

	/* /tmp is not cgroup2. */
	assert_int_equal(cgroup_is_v2(f->dir), 0);
	assert_int_equal(cgroup_is_v2(at(f, "nothing")), -ENOENT);
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_REQUIRE_V2, &root, &errors),
			 -ENOTSUP);
	assert_null(root);
	assert_error_has(&errors, f->dir, ": not on a cgroup v2 file system", NULL);
	policy_errors_finish(&errors);
	/* A root still to be made: its parent is what is checked, and nothing is made. */
	assert_int_equal(
		cgroup_root_create(at(f, "multiseat"), CGROUP_ROOT_REQUIRE_V2, &root, &errors),
		-ENOTSUP);
	assert_error_has(&errors, f->dir, ": not on a cgroup v2 file system", NULL);
	assert_absent(f, "multiseat");
	policy_errors_finish(&errors);

	/* Made, but no cgroup.controllers in it: not a cgroup, and the directory goes again. */
	assert_int_equal(
		cgroup_root_create(at(f, "multiseat"), CGROUP_ROOT_TEST_TREE, &root, &errors),
		-ENOENT);
	assert_null(root);
	assert_error_has(&errors, at(f, "multiseat/cgroup.controllers"),
			 ": cannot read: ", strerror(ENOENT), NULL);
	assert_absent(f, "multiseat");
	policy_errors_finish(&errors);

	/* A parent that is not there. */
	assert_int_equal(
		cgroup_root_create(at(f, "no/multiseat"), CGROUP_ROOT_TEST_TREE, &root, &errors),
		-ENOENT);
	assert_error_has(&errors, "no/multiseat: cannot create the cgroup: ", NULL);
	policy_errors_finish(&errors);
	/* A file in the way. */
	write_text(at(f, "file"), "x");
	assert_int_equal(cgroup_root_create(at(f, "file"), CGROUP_ROOT_TEST_TREE, &root, &errors),
			 -ENOTDIR);
	policy_errors_finish(&errors);
	assert_int_equal(cgroup_root_create("", 0, &root, &errors), -EINVAL);
	assert_int_equal(cgroup_root_create(NULL, 0, &root, NULL), -EINVAL);
	policy_errors_finish(&errors);
}

/*
 * CGROUP_ROOT_OWN_PARENT (no systemd): a controller the root lacks is asked of its parent
 * first, at creation and when cpuset is wanted later; without the flag the parent is never
 * written. A plain tree cannot make the controller appear, so it is still reported missing.
 */
static void test_root_own_parent(void **state)
{
	struct fixture *f = *state;
	struct policy_errors errors = {0};
	struct cgroup_root *root;
	make_root(f, ALL_CONTROLLERS);
	assert_int_equal(mkdir(at(f, "multiseat"), 0755), 0);
	write_text(at(f, "multiseat/cgroup.controllers"), "cpu memory pids\n");
	write_text(at(f, "multiseat/cgroup.subtree_control"), "");

	/* Not ours: the parent stays as it was and io is missing. */
	assert_int_equal(
		cgroup_root_create(at(f, "multiseat"), CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_file(f, "cgroup.subtree_control", "");
	assert_error_has(&errors, "multiseat/cgroup.controllers: missing controllers: io", NULL);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);

	/* Ours: io is asked of the parent at creation, cpuset only once it is wanted. */
	write_text(at(f, "multiseat/cgroup.subtree_control"), "");
	assert_int_equal(cgroup_root_create(at(f, "multiseat"),
					    CGROUP_ROOT_TEST_TREE | CGROUP_ROOT_OWN_PARENT, &root,
					    &errors),
			 0);
	assert_file(f, "cgroup.subtree_control", "+io\n");
	assert_file(f, "multiseat/cgroup.subtree_control", "+cpu\n+memory\n+pids\n");
	policy_errors_finish(&errors);
	assert_int_equal(cgroup_root_enable(root, CGROUP_CONTROLLER_CPUSET, &errors), -ENOTSUP);
	assert_file(f, "cgroup.subtree_control", "+io\n+cpuset\n");
	assert_error_has(&errors, "multiseat/cgroup.controllers: missing controllers: cpuset",
			 NULL);
	assert_true(root->missing & CGROUP_CONTROLLER_CPUSET);
	policy_errors_finish(&errors);
	/* Missing once is missing: the parent is not asked again on every seat. */
	assert_int_equal(cgroup_root_enable(root, CGROUP_CONTROLLER_CPUSET, &errors), 0);
	assert_file(f, "cgroup.subtree_control", "+io\n+cpuset\n");
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

static struct policy_caps sample_caps(void)
{
	struct policy_caps caps = unset_caps();
	caps.cpu_max_percent = 150;
	caps.memory_max = 256 * MIB;
	caps.memory_high = 200 * MIB;
	caps.pids_max = 200;
	caps.io_weight = 300;
	return caps;
}

static void test_seat_create_fresh(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = sample_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, 64 * MIB, &seat, &errors), 0);
	assert_no_errors(&errors);
	assert_non_null(seat);
	assert_false(seat->reused);
	assert_string_equal(seat->name, "a");
	assert_string_equal(cgroup_seat_path(seat, CGROUP_SEAT), at(f, "seat-a"));
	assert_string_equal(cgroup_seat_path(seat, CGROUP_COMPOSITOR), at(f, "seat-a/compositor"));
	assert_string_equal(cgroup_seat_path(seat, CGROUP_SESSION), at(f, "seat-a/session"));
	assert_string_equal(cgroup_seat_path(seat, CGROUP_SERVICES), at(f, "seat-a/services"));
	assert_string_equal(cgroup_seat_path(seat, CGROUP_LOGIN), at(f, "seat-a/login"));
	assert_null(cgroup_seat_path(seat, (enum cgroup_part)CGROUP_PART_COUNT));

	struct stat st;
	assert_int_equal(stat(at(f, "seat-a/session"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat(at(f, "seat-a/services"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(stat(at(f, "seat-a/login"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	/* Exactly the caps that are set, each once, as the kernel takes them. */
	assert_file(f, "seat-a/cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");
	assert_file(f, "seat-a/cpu.max", "150000 100000\n");
	assert_file(f, "seat-a/memory.max", "268435456\n");
	assert_file(f, "seat-a/memory.high", "209715200\n");
	assert_file(f, "seat-a/pids.max", "200\n");
	assert_file(f, "seat-a/io.weight", "default 300\n");
	assert_absent(f, "seat-a/cpu.weight");
	assert_absent(f, "seat-a/memory.swap.max");
	assert_absent(f, "seat-a/cpuset.cpus");
	assert_file(f, "seat-a/compositor/memory.min", "67108864\n");
	assert_file(f, "seat-a/session/memory.oom.group", "1\n");
	assert_absent(f, "seat-a/compositor/memory.oom.group");
	assert_absent(f, "seat-a/session/memory.min");
	/* No cpuset anywhere: no seat asked for it. */
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");

	/* Without a compositor memory.min, and with every cap unset: no cap file at all. */
	struct cgroup_seat *bare;
	struct policy_caps none = unset_caps();
	assert_int_equal(seat_create(root, "b_2", &none, POLICY_UNSET, &bare, &errors), 0);
	assert_no_errors(&errors);
	assert_absent(f, "seat-b_2/cpu.max");
	assert_absent(f, "seat-b_2/memory.max");
	assert_absent(f, "seat-b_2/io.weight");
	assert_absent(f, "seat-b_2/compositor/memory.min");
	assert_file(f, "seat-b_2/session/memory.oom.group", "1\n");

	cgroup_seat_destroy(bare);
	cgroup_seat_destroy(seat);
	cgroup_seat_destroy(NULL);
	/* Destroy frees, it does not remove. */
	assert_true(exists(at(f, "seat-a/session")));
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

static void test_seat_apply_caps(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = sample_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, 64 * MIB, &seat, &errors), 0);

	/* A live change: every file, the unset ones back to the kernel's defaults. */
	struct policy_caps none = unset_caps();
	assert_int_equal(seat_apply(seat, &none, &errors), 0);
	assert_no_errors(&errors);
	assert_file(f, "seat-a/cpu.weight", "100\n");
	assert_file(f, "seat-a/cpu.max", "150000 100000\nmax 100000\n");
	assert_file(f, "seat-a/memory.max", "268435456\nmax\n");
	assert_file(f, "seat-a/memory.high", "209715200\nmax\n");
	assert_file(f, "seat-a/memory.swap.max", "max\n");
	assert_file(f, "seat-a/pids.max", "200\nmax\n");
	assert_file(f, "seat-a/io.weight", "default 300\ndefault 100\n");
	/* cpuset is not enabled: nothing to reset. */
	assert_absent(f, "seat-a/cpuset.cpus");
	/* The structure is create's business, not a cap. */
	assert_file(f, "seat-a/compositor/memory.min", "67108864\n");

	struct policy_caps half = unset_caps();
	half.cpu_max_percent = 50;
	half.cpu_weight = 400;
	half.memory_swap_max = 0;
	half.pids_max = POLICY_MAX;
	assert_int_equal(seat_apply(seat, &half, &errors), 0);
	assert_file(f, "seat-a/cpu.max", "150000 100000\nmax 100000\n50000 100000\n");
	assert_file(f, "seat-a/cpu.weight", "100\n400\n");
	assert_file(f, "seat-a/memory.swap.max", "max\n0\n");
	assert_file(f, "seat-a/pids.max", "200\nmax\nmax\n");
	assert_no_errors(&errors);

	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

/* After a daemon restart the seat's cgroup is there: reuse it, and reset what is unset now. */
static void test_seat_reused(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	assert_int_equal(mkdir(at(f, "seat-b"), 0755), 0);
	assert_int_equal(mkdir(at(f, "seat-b/session"), 0755), 0);
	struct policy_caps caps = unset_caps();
	caps.cpu_max_percent = POLICY_MAX;
	caps.memory_max = 1024 * MIB;
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "b", &caps, POLICY_UNSET, &seat, &errors), 0);
	assert_no_errors(&errors);
	assert_true(seat->reused);
	assert_file(f, "seat-b/cpu.weight", "100\n");
	assert_file(f, "seat-b/cpu.max", "max 100000\n");
	assert_file(f, "seat-b/memory.max", "1073741824\n");
	assert_file(f, "seat-b/memory.high", "max\n");
	assert_file(f, "seat-b/memory.swap.max", "max\n");
	assert_file(f, "seat-b/pids.max", "max\n");
	assert_file(f, "seat-b/io.weight", "default 100\n");
	/* memory.min's default is 0, not max. */
	assert_file(f, "seat-b/compositor/memory.min", "0\n");
	assert_file(f, "seat-b/session/memory.oom.group", "1\n");
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

/* One file failing is reported with its value and does not stop the others. */
static void test_seat_write_error_continues(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	assert_int_equal(mkdir(at(f, "seat-a"), 0755), 0);
	assert_int_equal(mkdir(at(f, "seat-a/cpu.max"), 0755), 0);
	assert_int_equal(mkdir(at(f, "seat-a/memory.high"), 0755), 0);
	struct policy_caps caps = sample_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, 64 * MIB, &seat, &errors), -EISDIR);
	assert_non_null(seat); /* the directories are there: the caller decides */
	assert_int_equal(errors.count, 2);
	char expected[128];
	snprintf(expected, sizeof(expected), "seat-a/cpu.max: cannot write '150000 100000': %s",
		 strerror(EISDIR));
	assert_error_has(&errors, f->dir, expected, NULL);
	assert_error_has(&errors, "seat-a/memory.high: cannot write '209715200': ", NULL);
	assert_file(f, "seat-a/memory.max", "268435456\n");
	assert_file(f, "seat-a/pids.max", "200\n");
	assert_file(f, "seat-a/io.weight", "default 300\n");
	assert_file(f, "seat-a/compositor/memory.min", "67108864\n");
	assert_file(f, "seat-a/session/memory.oom.group", "1\n");
	policy_errors_finish(&errors);

	/* A live change reports the same way. */
	struct policy_caps none = unset_caps();
	assert_int_equal(seat_apply(seat, &none, &errors), -EISDIR);
	assert_error_has(&errors, "seat-a/cpu.max: cannot write 'max 100000': ", NULL);
	policy_errors_finish(&errors);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

/* Defaults for files the kernel does not have (no swap accounting) are no error; set ones are. */
static void test_seat_missing_file(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = unset_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, POLICY_UNSET, &seat, &errors), 0);
	/* Without the test tree's O_CREAT, a missing file stays missing, as on cgroupfs. */
	root->flags &= ~CGROUP_ROOT_TEST_TREE;
	write_text(at(f, "seat-a/cpu.max"), "max 100000\n");
	write_text(at(f, "seat-a/cpu.weight"), "100\n");
	write_text(at(f, "seat-a/memory.max"), "max\n");
	write_text(at(f, "seat-a/memory.high"), "max\n");
	write_text(at(f, "seat-a/pids.max"), "max\n");
	write_text(at(f, "seat-a/io.weight"), "default 100\n");
	assert_int_equal(seat_apply(seat, &caps, &errors), 0);
	assert_no_errors(&errors);
	assert_absent(f, "seat-a/memory.swap.max");
	/* On the real files each write replaces the value. */
	assert_file(f, "seat-a/cpu.max", "max 100000\n");

	caps.memory_swap_max = 0;
	caps.memory_max = 512 * MIB;
	assert_int_equal(seat_apply(seat, &caps, &errors), -ENOENT);
	assert_int_equal(errors.count, 1);
	assert_error_has(&errors, "seat-a/memory.swap.max: cannot write '0': ", strerror(ENOENT),
			 NULL);
	assert_file(f, "seat-a/memory.max", "536870912\n");
	root->flags |= CGROUP_ROOT_TEST_TREE;
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

/* Caps of controllers the root could not enable are skipped, not errors. */
static void test_seat_without_controllers(void **state)
{
	struct fixture *f = *state;
	struct policy_errors errors = {0};
	make_root(f, "cpu pids\n");
	struct cgroup_root *root;
	assert_int_equal(cgroup_root_create(f->dir, CGROUP_ROOT_TEST_TREE, &root, &errors), 0);
	assert_error_has(&errors, "missing controllers: memory, io", NULL);
	policy_errors_finish(&errors);

	struct policy_caps caps = sample_caps();
	struct cgroup_seat *seat;
	assert_int_equal(seat_create(root, "a", &caps, 64 * MIB, &seat, &errors), 0);
	assert_no_errors(&errors);
	assert_file(f, "seat-a/cgroup.subtree_control", "+cpu\n+pids\n");
	assert_file(f, "seat-a/cpu.max", "150000 100000\n");
	assert_file(f, "seat-a/pids.max", "200\n");
	assert_absent(f, "seat-a/memory.max");
	assert_absent(f, "seat-a/io.weight");
	assert_absent(f, "seat-a/compositor/memory.min");
	assert_absent(f, "seat-a/session/memory.oom.group");
	assert_int_equal(seat_apply(seat, &caps, &errors), 0);
	assert_absent(f, "seat-a/memory.max");
	assert_no_errors(&errors);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static void test_seat_cpuset(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = unset_caps();
	caps.cpuset = "0-1";
	struct cgroup_seat *a, *b;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, POLICY_UNSET, &a, &errors), 0);
	assert_no_errors(&errors);
	/* The first seat with a cpuset turns the controller on, on the root only. */
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n+cpuset\n");
	assert_true(root->enabled & CGROUP_CONTROLLER_CPUSET);
	assert_file(f, "seat-a/cpuset.cpus", "0-1\n");
	assert_file(f, "seat-a/cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");

	caps.cpuset = "2-3,6";
	assert_int_equal(seat_create(root, "b", &caps, POLICY_UNSET, &b, &errors), 0);
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n+cpuset\n");
	assert_file(f, "seat-b/cpuset.cpus", "2-3,6\n");

	/* Unset: empty, the parent's CPUs. */
	caps.cpuset = NULL;
	assert_int_equal(seat_apply(a, &caps, &errors), 0);
	assert_file(f, "seat-a/cpuset.cpus", "0-1\n\n");
	assert_no_errors(&errors);

	/* "auto" is the caller's to resolve; nonsense is refused before the kernel sees it. */
	caps.cpuset = "auto";
	assert_int_equal(seat_apply(a, &caps, &errors), -EINVAL);
	assert_error_has(&errors, "seat-a/cpuset.cpus: cpuset = auto was not resolved", NULL);
	caps.cpuset = "0-x";
	assert_int_equal(seat_apply(a, &caps, &errors), -EINVAL);
	assert_error_has(&errors, "seat-a/cpuset.cpus: '0-x': expected auto, or CPU numbers", NULL);
	assert_file(f, "seat-a/cpuset.cpus", "0-1\n\n");
	assert_file(f, "seat-a/cpu.max", "max 100000\nmax 100000\nmax 100000\n");
	policy_errors_finish(&errors);
	cgroup_seat_destroy(a);
	cgroup_seat_destroy(b);
	cgroup_root_destroy(root);
}

static void test_seat_cpuset_unavailable(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, "cpu io memory pids\n");
	struct policy_caps caps = unset_caps();
	caps.cpuset = "0";
	struct cgroup_seat *a, *b;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, POLICY_UNSET, &a, &errors), 0);
	assert_int_equal(errors.count, 1);
	assert_error_has(&errors, "missing controllers: cpuset", NULL);
	assert_true(root->missing & CGROUP_CONTROLLER_CPUSET);
	assert_absent(f, "seat-a/cpuset.cpus");
	/* Said once. */
	assert_int_equal(seat_create(root, "b", &caps, POLICY_UNSET, &b, &errors), 0);
	assert_int_equal(errors.count, 1);
	assert_file(f, "cgroup.subtree_control", "+cpu\n+memory\n+pids\n+io\n");
	policy_errors_finish(&errors);
	cgroup_seat_destroy(a);
	cgroup_seat_destroy(b);
	cgroup_root_destroy(root);
}

/* The library writes the files it knows, whatever the caps are; another file is refused. */
static void test_seat_limits_by_file(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	const struct cgroup_limit limits[] = {
		{.file = "memory.max", .number = 64 * MIB},
		{.file = "cgroup.procs", .number = 1},
		{.file = NULL},
		{.file = "pids.max", .number = CGROUP_MAX},
	};
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_seat_create(root, "a", limits, 4, CGROUP_UNSET, &seat, &errors),
			 -EINVAL);
	assert_int_equal(errors.count, 2);
	assert_error_has(&errors, "seat-a: cgroup.procs: not a file of a seat's caps", NULL);
	assert_error_has(&errors, "seat-a: (no file): not a file of a seat's caps", NULL);
	assert_file(f, "seat-a/memory.max", "67108864\n");
	assert_file(f, "seat-a/pids.max", "max\n");
	assert_absent(f, "seat-a/cgroup.procs");
	assert_int_equal(cgroup_limit_controller("io.weight"), CGROUP_CONTROLLER_IO);
	assert_int_equal(cgroup_limit_controller("cpuset.cpus"), CGROUP_CONTROLLER_CPUSET);
	assert_int_equal(cgroup_limit_controller("cgroup.procs"), 0);
	assert_string_equal(cgroup_controller_name(CGROUP_CONTROLLER_PIDS), "pids");
	assert_null(cgroup_controller_name(CGROUP_CONTROLLER_CPU | CGROUP_CONTROLLER_IO));
	policy_errors_finish(&errors);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static void test_seat_bad_input(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = unset_caps();
	struct cgroup_seat *seat = (struct cgroup_seat *)1;
	struct policy_errors errors = {0};
	const char *names[] = {"",	 "../x", "a/b",
			       "Seat 1", "-a",	 "abcdefghijklmnopqrstuvwxyz0123456789"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(seat_create(root, names[i], &caps, 0, &seat, &errors), -EINVAL);
		assert_null(seat);
	}
	assert_int_equal(seat_create(root, NULL, &caps, 0, &seat, &errors), -EINVAL);
	assert_error_has(&errors, f->dir, "'../x' is not a valid seat name", NULL);
	/* Nothing but the root's own files. */
	DIR *dir = opendir(f->dir);
	assert_non_null(dir);
	int count = 0;
	for (struct dirent *entry; (entry = readdir(dir));)
		count++;
	closedir(dir);
	assert_int_equal(count, 4);
	policy_errors_finish(&errors);

	/* Out of range values: reported and skipped, the rest written. */
	caps.cpu_weight = 0;
	caps.cpu_max_percent = 0;
	caps.pids_max = 300;
	assert_int_equal(seat_create(root, "a", &caps, -7, &seat, &errors), -EINVAL);
	assert_non_null(seat);
	assert_error_has(&errors, "seat-a/cpu.weight: 0 is out of range: not written", NULL);
	assert_error_has(&errors, "seat-a/cpu.max: 0 is out of range: not written", NULL);
	assert_error_has(&errors, "seat-a/compositor/memory.min: -7 is out of range", NULL);
	assert_absent(f, "seat-a/cpu.max");
	assert_file(f, "seat-a/pids.max", "300\n");
	assert_file(f, "seat-a/session/memory.oom.group", "1\n");
	cgroup_seat_destroy(seat);
	policy_errors_finish(&errors);

	/* A seat directory that cannot be made: nothing is left behind. */
	write_text(at(f, "seat-c"), "in the way");
	assert_int_equal(seat_create(root, "c", &caps, 0, &seat, &errors), -ENOTDIR);
	assert_null(seat);
	assert_error_has(&errors, "seat-c: cannot create the cgroup: ", NULL);
	assert_int_equal(mkdir(at(f, "seat-d"), 0755), 0);
	write_text(at(f, "seat-d/session"), "in the way");
	assert_int_equal(seat_create(root, "d", &caps, 0, &seat, &errors), -ENOTDIR);
	/* seat-d was there before: it stays; the compositor/ made on the way goes. */
	assert_true(exists(at(f, "seat-d")));
	assert_absent(f, "seat-d/compositor");
	policy_errors_finish(&errors);
	cgroup_root_destroy(root);
}

static void test_move_and_open(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = unset_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, POLICY_UNSET, &seat, &errors), 0);
	const char *compositor = cgroup_seat_path(seat, CGROUP_COMPOSITOR);
	/* The kernel's file, pre-made: the move writes it without O_CREAT, replacing it. */
	write_text(at(f, "seat-a/compositor/cgroup.procs"), "");
	assert_int_equal(cgroup_move_pid(compositor, 1234, &errors), 0);
	assert_file(f, "seat-a/compositor/cgroup.procs", "1234\n");
	assert_int_equal(cgroup_move_pid(compositor, 0, &errors), 0);
	assert_file(f, "seat-a/compositor/cgroup.procs", "0\n");
	assert_no_errors(&errors);
	assert_int_equal(cgroup_move_pid(compositor, -3, &errors), -EINVAL);
	assert_int_equal(cgroup_move_pid(cgroup_seat_path(seat, CGROUP_SESSION), 55, &errors),
			 -ENOENT);
	assert_error_has(&errors,
			 "seat-a/session/cgroup.procs: cannot write '55': ", strerror(ENOENT),
			 NULL);
	assert_absent(f, "seat-a/session/cgroup.procs");

	int fd = cgroup_open_dir(compositor);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	assert_int_equal(cgroup_open_dir(at(f, "seat-a/compositor/cgroup.procs")), -ENOTDIR);
	assert_int_equal(cgroup_open_dir(at(f, "nothing")), -ENOENT);
	policy_errors_finish(&errors);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static struct cgroup_seat *stats_seat(struct fixture *f, struct cgroup_root **root)
{
	*root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = unset_caps();
	struct cgroup_seat *seat;
	assert_int_equal(seat_create(*root, "a", &caps, POLICY_UNSET, &seat, NULL), 0);
	return seat;
}

/* The kernel's formats (Documentation/admin-guide/cgroup-v2.rst), as a 6.1 kernel shows them. */
static void test_stats_realistic(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root;
	struct cgroup_seat *seat = stats_seat(f, &root);
	write_text(at(f, "seat-a/cpu.stat"), "usage_usec 5012345\n"
					     "user_usec 4000000\n"
					     "system_usec 1012345\n"
					     "core_sched.force_idle_usec 0\n"
					     "nr_periods 100\n"
					     "nr_throttled 48\n"
					     "throttled_usec 2345678\n"
					     "nr_bursts 0\n"
					     "burst_usec 0\n");
	write_text(at(f, "seat-a/memory.current"), "268431360\n");
	write_text(at(f, "seat-a/memory.max"), "268435456\n");
	write_text(at(f, "seat-a/memory.events"), "low 0\n"
						  "high 0\n"
						  "max 1523\n"
						  "oom 3\n"
						  "oom_kill 2\n"
						  "oom_group_kill 1\n");
	write_text(at(f, "seat-a/session/memory.events"), "low 0\n"
							  "high 0\n"
							  "max 1500\n"
							  "oom 2\n"
							  "oom_kill 1\n"
							  "oom_group_kill 1\n");
	write_text(at(f, "seat-a/pids.current"), "17\n");
	write_text(at(f, "seat-a/pids.max"), "200\n");

	struct cgroup_seat_stats stats;
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.cpu_usage_usec, 5012345);
	assert_int_equal(stats.cpu_nr_periods, 100);
	assert_int_equal(stats.cpu_nr_throttled, 48);
	assert_int_equal(stats.cpu_throttled_usec, 2345678);
	assert_int_equal(stats.memory_current, 268431360);
	assert_int_equal(stats.memory_max, 268435456);
	assert_int_equal(stats.memory_oom, 3);
	assert_int_equal(stats.memory_oom_kill, 2);
	assert_int_equal(stats.session_oom_kill, 1);
	assert_int_equal(stats.pids_current, 17);
	assert_int_equal(stats.pids_max, 200);

	/* No limits; no cpu.max, so the kernel leaves out the throttling lines. */
	write_text(at(f, "seat-a/memory.max"), "max\n");
	write_text(at(f, "seat-a/pids.max"), "max\n");
	write_text(at(f, "seat-a/cpu.stat"), "usage_usec 7\nuser_usec 5\nsystem_usec 2\n");
	write_text(at(f, "seat-a/memory.current"), "0\n");
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.memory_max, POLICY_MAX);
	assert_int_equal(stats.pids_max, POLICY_MAX);
	assert_int_equal(stats.memory_current, 0);
	assert_int_equal(stats.cpu_usage_usec, 7);
	assert_int_equal(stats.cpu_nr_periods, -ENOENT);
	assert_int_equal(stats.cpu_throttled_usec, -ENOENT);
	/* The largest counter, and no final newline. */
	write_text(at(f, "seat-a/memory.current"), "9223372036854775807");
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.memory_current, INT64_MAX);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static void test_stats_missing(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root;
	struct cgroup_seat *seat = stats_seat(f, &root);
	struct cgroup_seat_stats stats;
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	int64_t *fields = (int64_t *)&stats;
	for (size_t i = 0; i < sizeof(stats) / sizeof(int64_t); i++)
		assert_int_equal(fields[i], -ENOENT);

	assert_int_equal(cgroup_seat_remove(seat, NULL), 0);
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), -ENOENT);
	assert_int_equal(stats.pids_max, -ENOENT);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static void test_stats_garbage(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root;
	struct cgroup_seat *seat = stats_seat(f, &root);
	struct cgroup_seat_stats stats;
	static const char *const bad_numbers[] = {
		"",
		"\n",
		"12abc\n",
		"-5\n",
		" 5\n",
		"5 \n",
		"5\n\n",
		"0x10\n",
		"9223372036854775808\n",
		"99999999999999999999999\n",
		"max\n",
		"MAX\n",
		"1e6\n",
	};
	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
		write_text(at(f, "seat-a/memory.current"), bad_numbers[i]);
		write_text(at(f, "seat-a/pids.current"), bad_numbers[i]);
		assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
		if (stats.memory_current != -EINVAL || stats.pids_current != -EINVAL)
			fail_msg("'%s' read as %lld", bad_numbers[i],
				 (long long)stats.memory_current);
	}
	/* "max" is fine where the kernel writes it, and nothing like it is. */
	write_text(at(f, "seat-a/memory.max"), "maximum\n");
	write_text(at(f, "seat-a/pids.max"), "max 100\n");
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.memory_max, -EINVAL);
	assert_int_equal(stats.pids_max, -EINVAL);

	/* A bad line spoils its key only; a key without a value, or with two, is bad. */
	write_text(at(f, "seat-a/cpu.stat"), "usage_usec 12x\n"
					     "garbage line without value\n"
					     "nr_periods\n"
					     "nr_throttled 4 5\n"
					     "throttled_usec 99\n");
	write_text(at(f, "seat-a/memory.events"), "oom_kill_extra 3\noom -1\n");
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.cpu_usage_usec, -EINVAL);
	assert_int_equal(stats.cpu_nr_periods, -EINVAL);
	assert_int_equal(stats.cpu_nr_throttled, -EINVAL);
	assert_int_equal(stats.cpu_throttled_usec, 99);
	assert_int_equal(stats.memory_oom, -EINVAL);
	assert_int_equal(stats.memory_oom_kill, -ENOENT);

	/* Binary, a NUL inside, an endless line, a directory, a FIFO: no crash, no hang. */
	const char binary[] = "\x7f"
			      "ELF\x02\x01\x01\xff\xfe";
	write_text(at(f, "seat-a/cpu.stat"), binary);
	int fd = open(at(f, "seat-a/memory.events"), O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "oom 1\n\0oom_kill 2\n", 18), 18);
	close(fd);
	char *huge = malloc(100001);
	assert_non_null(huge);
	memset(huge, '7', 100000);
	huge[100000] = '\0';
	write_text(at(f, "seat-a/memory.current"), huge);
	free(huge);
	assert_int_equal(mkdir(at(f, "seat-a/session/memory.events"), 0755), 0);
	unlink(at(f, "seat-a/pids.current"));
	assert_int_equal(mkfifo(at(f, "seat-a/pids.current"), 0644), 0);
	assert_int_equal(cgroup_seat_read_stats(seat, &stats), 0);
	assert_int_equal(stats.cpu_usage_usec, -ENOENT);
	assert_int_equal(stats.memory_oom, -EINVAL);
	assert_int_equal(stats.memory_oom_kill, -EINVAL);
	assert_int_equal(stats.memory_current, -EFBIG);
	assert_int_equal(stats.session_oom_kill, -EISDIR);
	assert_int_equal(stats.pids_current, -EINVAL);
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
}

static void test_kill_file(void **state)
{
	struct fixture *f = *state;
	write_text(at(f, "cgroup.kill"), "");
	/* Were the fallback taken, this would be read; it must not be. */
	write_text(at(f, "cgroup.procs"), "not read\n");
	enum cgroup_kill_way way = CGROUP_KILL_SIGNALS;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_kill(f->dir, &way, &errors), 0);
	assert_no_errors(&errors);
	assert_int_equal(way, CGROUP_KILL_FILE);
	assert_file(f, "cgroup.kill", "1\n");

	assert_int_equal(mkdir(at(f, "sub"), 0755), 0);
	assert_int_equal(mkdir(at(f, "sub/cgroup.kill"), 0755), 0);
	assert_int_equal(cgroup_kill(at(f, "sub"), NULL, &errors), -EISDIR);
	assert_error_has(&errors, "sub/cgroup.kill: cannot write '1': ", NULL);
	policy_errors_finish(&errors);

	assert_int_equal(cgroup_kill(at(f, "nothing"), &way, &errors), -ENOENT);
	assert_error_has(&errors, "nothing: cannot kill what is in it: ", NULL);
	policy_errors_finish(&errors);
}

/* Before Linux 5.14: each pid of the cgroup and of those below it gets SIGKILL. */
static void test_kill_fallback(void **state)
{
	struct fixture *f = *state;
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (;;)
			pause();
	}
	/*
	 * Pids that are gone: never a reaped child's, which another process could have taken
	 * by now, but ones above the kernel's PID_MAX_LIMIT (4194304), never handed out.
	 */
	write_text(at(f, "cgroup.procs"), "2147483647\n");
	assert_int_equal(mkdir(at(f, "session"), 0755), 0);
	char text[64];
	snprintf(text, sizeof(text), "4194304\n%d\n", (int)child);
	write_text(at(f, "session/cgroup.procs"), text);
	assert_int_equal(mkdir(at(f, "compositor"), 0755), 0);
	write_text(at(f, "compositor/cgroup.procs"), "");

	enum cgroup_kill_way way = CGROUP_KILL_FILE;
	struct policy_errors errors = {0};
	int ret = cgroup_kill(f->dir, &way, &errors);

	int status = 0;
	pid_t reaped = 0;
	for (int i = 0; i < 200 && reaped == 0; i++) {
		reaped = waitpid(child, &status, WNOHANG);
		if (reaped == 0)
			nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	if (reaped == 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		fail_msg("the child in session/ was not killed");
	}
	assert_int_equal(ret, 0);
	assert_no_errors(&errors);
	assert_int_equal(way, CGROUP_KILL_SIGNALS);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* What is not a pid is skipped and reported, never handed to kill(); nor is our own pid. */
static void test_kill_fallback_garbage(void **state)
{
	struct fixture *f = *state;
	char text[128];
	snprintf(text, sizeof(text), "abc\n0\n12x\n\n%d\n99999999999\n", (int)getpid());
	write_text(at(f, "cgroup.procs"), text);
	enum cgroup_kill_way way;
	struct policy_errors errors = {0};
	assert_int_equal(cgroup_kill(f->dir, &way, &errors), -EINVAL);
	assert_int_equal(way, CGROUP_KILL_SIGNALS);
	assert_error_has(&errors, at(f, "cgroup.procs"), ": 'abc' is not a pid: skipped", NULL);
	assert_error_has(&errors, "'0' is not a pid", NULL);
	assert_error_has(&errors, "'12x' is not a pid", NULL);
	assert_error_has(&errors, "'' is not a pid", NULL);
	assert_error_has(&errors, "'99999999999' is not a pid", NULL);
	snprintf(text, sizeof(text), ": %d is this process: not killed", (int)getpid());
	assert_error_has(&errors, text, NULL);
	assert_int_equal(errors.count, 6);
	policy_errors_finish(&errors);

	/* A cgroup without cgroup.procs (not a cgroup at all) is reported. */
	unlink(at(f, "cgroup.procs"));
	assert_int_equal(cgroup_kill(f->dir, &way, &errors), -ENOENT);
	assert_error_has(&errors, "cgroup.procs: cannot read: ", NULL);
	policy_errors_finish(&errors);
}

static void test_remove(void **state)
{
	struct fixture *f = *state;
	struct cgroup_root *root = open_root(f, ALL_CONTROLLERS);
	struct policy_caps caps = sample_caps();
	struct cgroup_seat *seat;
	struct policy_errors errors = {0};
	assert_int_equal(seat_create(root, "a", &caps, 64 * MIB, &seat, &errors), 0);
	assert_int_equal(cgroup_seat_remove(seat, &errors), 0);
	assert_no_errors(&errors);
	assert_absent(f, "seat-a");
	/* Gone already is fine. */
	assert_int_equal(cgroup_seat_remove(seat, &errors), 0);
	cgroup_seat_destroy(seat);

	/* A cgroup the session made stays, and so do its parents; the rest goes. */
	assert_int_equal(seat_create(root, "b", &caps, 64 * MIB, &seat, &errors), 0);
	assert_int_equal(mkdir(at(f, "seat-b/session/leftover"), 0755), 0);
	write_text(at(f, "seat-b/session/leftover/cgroup.procs"), "4242\n");
	int ret = cgroup_seat_remove(seat, &errors);
	assert_true(ret == -ENOTEMPTY || ret == -EEXIST);
	assert_error_has(&errors, at(f, "seat-b/session"), ": cannot remove: ", NULL);
	assert_error_has(&errors, at(f, "seat-b"), ": cannot remove: ", NULL);
	assert_int_equal(errors.count, 2);
	assert_true(exists(at(f, "seat-b/session/leftover/cgroup.procs")));
	assert_absent(f, "seat-b/compositor");
	policy_errors_finish(&errors);

	/* Once it is gone, the seat goes. */
	tmptree_remove(at(f, "seat-b/session/leftover"));
	assert_int_equal(cgroup_seat_remove(seat, &errors), 0);
	assert_absent(f, "seat-b");
	cgroup_seat_destroy(seat);
	cgroup_root_destroy(root);
	policy_errors_finish(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_cpu_max),
		cmocka_unit_test(test_format_limits),
		cmocka_unit_test(test_cpuset_auto),
		cmocka_unit_test(test_parse_proc_self),
		cmocka_unit_test(test_parse_proc_stat_ppid),
		cmocka_unit_test_setup_teardown(test_root_enables_controllers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_missing_controllers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_unusable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_own_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_create_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_apply_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_write_error_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_without_controllers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_cpuset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_cpuset_unavailable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_limits_by_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seat_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_and_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_realistic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_fallback_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
