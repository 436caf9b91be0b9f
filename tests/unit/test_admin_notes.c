/* Unit tests for the identify screens' small print: which messages, how many, cut where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admin_notes.h"

static void test_none(void **state)
{
	(void)state;
	char out[ADMIN_NOTES_SIZE] = "stale";
	struct policy_errors empty = {0};
	const struct policy_errors *lists[] = {&empty, NULL};
	admin_notes_format(out, sizeof(out), "heading:", lists, 2);
	assert_string_equal(out, "");
}

static void test_errors_then_notes(void **state)
{
	(void)state;
	char *errors_lines[] = {"a.conf:3: two seats claim HDMI-A-1", NULL};
	char *notes_lines[] = {"a.conf:9: output X is on no card of this PC", ""};
	struct policy_errors errors = {.lines = errors_lines, .count = 2};
	struct policy_errors notes = {.lines = notes_lines, .count = 2};
	const struct policy_errors *lists[] = {&errors, &notes};
	char out[ADMIN_NOTES_SIZE];
	admin_notes_format(out, sizeof(out), NULL, lists, 2);
	/* NULL and empty lines are skipped. */
	assert_string_equal(out, "a.conf:3: two seats claim HDMI-A-1\n"
				 "a.conf:9: output X is on no card of this PC");
	admin_notes_format(out, sizeof(out), "a.conf was not re-read:", lists, 1);
	assert_string_equal(out, "a.conf was not re-read:\na.conf:3: two seats claim HDMI-A-1");
}

static void test_counts_what_does_not_fit(void **state)
{
	(void)state;
	char *lines[] = {"e1", "e2", "e3", "e4", "e5", "e6"};
	struct policy_errors errors = {.lines = lines, .count = 6, .dropped = 2};
	const struct policy_errors *lists[] = {&errors};
	char out[ADMIN_NOTES_SIZE];
	admin_notes_format(out, sizeof(out), NULL, lists, 1);
	assert_string_equal(out, "e1\ne2\ne3\ne4\nand 4 more: journalctl -u multiseatd");

	/* Only messages it had no memory to keep: their count. */
	struct policy_errors lost = {.dropped = 3};
	const struct policy_errors *only_lost[] = {&lost};
	admin_notes_format(out, sizeof(out), "h:", only_lost, 1);
	assert_string_equal(out, "h:\n3 messages: journalctl -u multiseatd");
}

static void test_long_line_cut_at_a_character(void **state)
{
	(void)state;
	/* 179 ASCII bytes, then "é" (2 bytes) across the cut at 180: the cut goes before it. */
	char line[300];
	memset(line, 'x', 179);
	strcpy(line + 179, "\xc3\xa9tail");
	char *lines[] = {line};
	struct policy_errors errors = {.lines = lines, .count = 1};
	const struct policy_errors *lists[] = {&errors};
	char out[ADMIN_NOTES_SIZE];
	admin_notes_format(out, sizeof(out), NULL, lists, 1);
	assert_int_equal(strlen(out), 179 + strlen("…"));
	assert_memory_equal(out, line, 179);
	assert_string_equal(out + 179, "…");
}

static void test_small_buffer_always_terminated(void **state)
{
	(void)state;
	char *lines[] = {"\xc3\xa9\xc3\xa9\xc3\xa9", "second"};
	struct policy_errors errors = {.lines = lines, .count = 2};
	const struct policy_errors *lists[] = {&errors};
	for (size_t size = 1; size < 20; size++) {
		char out[20];
		memset(out, 'z', sizeof(out));
		admin_notes_format(out, size, NULL, lists, 1);
		assert_true(strlen(out) < size);
		/* No half character at the end. */
		size_t n = strlen(out);
		if (n > 0)
			assert_true(((unsigned char)out[n - 1] & 0xc0) != 0xc0);
		assert_int_equal(out[size], 'z');
	}
	char none[1] = {'z'};
	admin_notes_format(none, 0, NULL, lists, 1); /* no room: nothing written */
	assert_int_equal(none[0], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_errors_then_notes),
		cmocka_unit_test(test_counts_what_does_not_fit),
		cmocka_unit_test(test_long_line_cut_at_a_character),
		cmocka_unit_test(test_small_buffer_always_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
