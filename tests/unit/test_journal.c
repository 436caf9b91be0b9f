/* Unit tests of journal streams: the header journald reads, the JOURNAL_STREAM name. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "log.h"

struct fake_journal {
	char dir[48];
	char path[96];
	int listener;
};

/* A listening socket standing in for /run/systemd/journal/stdout. */
static int setup(void **state)
{
	struct fake_journal *j = calloc(1, sizeof(*j));
	if (!j)
		return -1;
	snprintf(j->dir, sizeof(j->dir), "/tmp/ms-journal-XXXXXX");
	if (!mkdtemp(j->dir))
		return -1;
	snprintf(j->path, sizeof(j->path), "%s/stdout", j->dir);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", j->path);
	j->listener = socket(AF_UNIX, SOCK_STREAM, 0);
	if (j->listener < 0 || bind(j->listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(j->listener, 4) < 0)
		return -1;
	*state = j;
	return 0;
}

static int teardown(void **state)
{
	struct fake_journal *j = *state;
	close(j->listener);
	unlink(j->path);
	rmdir(j->dir);
	free(j);
	return 0;
}

/* Everything the peer wrote until it closed. */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

static void test_header_then_lines(void **state)
{
	struct fake_journal *j = *state;
	int fd = journal_stream_open(j->path, "seat-1/pipewire", 4, true);
	assert_true(fd >= 0);
	int conn = accept(j->listener, NULL, NULL);
	assert_true(conn >= 0);
	const char *line = "[W] no sound card\n";
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
	char buf[512];
	read_all(conn, buf, sizeof(buf));
	close(conn);
	/* identifier, unit, priority, level prefix, syslog, kmsg, console: then the lines. */
	assert_string_equal(buf, "seat-1/pipewire\n\n4\n1\n0\n0\n0\n[W] no sound card\n");
}

static void test_no_level_prefix(void **state)
{
	struct fake_journal *j = *state;
	int fd = journal_stream_open(j->path, "seat-2/dbus-daemon", 6, false);
	assert_true(fd >= 0);
	int conn = accept(j->listener, NULL, NULL);
	close(fd);
	char buf[512];
	read_all(conn, buf, sizeof(buf));
	close(conn);
	assert_string_equal(buf, "seat-2/dbus-daemon\n\n6\n0\n0\n0\n0\n");
}

/* Nothing is sent that journald would read as other fields. */
static void test_refused(void **state)
{
	struct fake_journal *j = *state;
	assert_int_equal(journal_stream_open(j->path, "seat-1\npipewire", 6, true), -EINVAL);
	assert_int_equal(journal_stream_open(j->path, "seat-1/pipewire", 8, true), -EINVAL);
	assert_int_equal(journal_stream_open(j->path, "seat-1/pipewire", -1, true), -EINVAL);
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/none", j->dir);
	assert_int_equal(journal_stream_open(missing, "x", 6, true), -ENOENT);
	char longer[200];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(journal_stream_open(longer, "x", 6, true), -ENAMETOOLONG);
}

/* The name a child gets in JOURNAL_STREAM is what log.c recognises its stderr by. */
static void test_stream_name(void **state)
{
	struct fake_journal *j = *state;
	int fd = journal_stream_open(j->path, "seat-1/compositor", 6, true);
	assert_true(fd >= 0);
	int conn = accept(j->listener, NULL, NULL);
	char name[64];
	assert_int_equal(journal_stream_name(fd, name, sizeof(name)), 0);
	assert_true(log_fd_is_journal(fd, name));
	assert_false(log_fd_is_journal(conn, name));
	assert_false(log_fd_is_journal(fd, NULL));
	assert_false(log_fd_is_journal(fd, ""));
	char small[3];
	assert_int_equal(journal_stream_name(fd, small, sizeof(small)), -ENAMETOOLONG);
	close(conn);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_then_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_level_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_name, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
