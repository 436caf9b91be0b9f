/* Unit tests of seat children's output without journald: whole lines, tagged, cut when long. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include <cmocka.h>

#include "child_output.h"

/* Runs `writes` into a fresh pipe (closing it after) and the loop until the pipe is read to
   its end, with stderr in a temporary file; returns what reached stderr. */
static void run(const char *const *writes, bool finish_early, char *buf, size_t size)
{
	struct wl_event_loop *loop = wl_event_loop_create();
	assert_non_null(loop);
	struct child_outputs *set = child_outputs_create(loop);
	assert_non_null(set);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	int fd = child_outputs_open(set, "seat-9/probe");
	assert_true(fd >= 0);
	for (size_t i = 0; writes[i]; i++) {
		assert_int_equal(write(fd, writes[i], strlen(writes[i])),
				 (ssize_t)strlen(writes[i]));
		if (!finish_early)
			wl_event_loop_dispatch(loop, 0);
	}
	close(fd);
	for (int i = 0; i < 10 && !finish_early; i++)
		wl_event_loop_dispatch(loop, 10);
	child_outputs_destroy(set);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	wl_event_loop_destroy(loop);
}

static void test_lines_tagged(void **state)
{
	/* A line may come in pieces; the tag goes before each whole line. */
	const char *const writes[] = {"[W] first", " half\nsecond\n", "no newline at the end",
				      NULL};
	char buf[4096];
	run(writes, false, buf, sizeof(buf));
	assert_string_equal(buf, "seat-9/probe: [W] first half\nseat-9/probe: second\n"
				 "seat-9/probe: no newline at the end\n");
}

/* What is still in the pipe when the daemon exits is written out, not lost. */
static void test_finish_reads_the_rest(void **state)
{
	const char *const writes[] = {"last words\n", "and more", NULL};
	char buf[4096];
	run(writes, true, buf, sizeof(buf));
	assert_string_equal(buf, "seat-9/probe: last words\nseat-9/probe: and more\n");
}

static void test_long_line_cut(void **state)
{
	char big[2500];
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	const char *const writes[] = {big, NULL};
	char buf[8192];
	run(writes, false, buf, sizeof(buf));
	/* 2498 bytes: two lines of 1024 and one of 450, each tagged. */
	int lines = 0;
	for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		assert_memory_equal(line, "seat-9/probe: x", 15);
		lines++;
	}
	assert_int_equal(lines, 3);
	assert_int_equal(strlen(buf), 2498 + 3 * strlen("seat-9/probe: \n"));
}

/* Two sets (two loops) keep their pipes apart; destroying NULL does nothing. */
static void test_sets_apart(void **state)
{
	struct wl_event_loop *loop = wl_event_loop_create();
	struct child_outputs *a = child_outputs_create(loop), *b = child_outputs_create(loop);
	assert_non_null(a);
	assert_non_null(b);
	int fd = child_outputs_open(a, "seat-1/a");
	assert_true(fd >= 0);
	child_outputs_destroy(b);
	/* a's pipe is still read: b took nothing of a's with it. */
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	child_outputs_destroy(a);
	child_outputs_destroy(NULL);
	wl_event_loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_tagged),
		cmocka_unit_test(test_finish_reads_the_rest),
		cmocka_unit_test(test_long_line_cut),
		cmocka_unit_test(test_sets_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
