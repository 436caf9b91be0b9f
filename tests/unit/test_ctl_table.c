/* Unit tests for multiseatctl's output helpers: sizes, durations, terminal-safe aligned tables. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"

static void assert_size(int64_t bytes, const char *text)
{
	char out[32];
	ctl_format_size(bytes, out, sizeof(out));
	assert_string_equal(out, text);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_size(0, "0");
	assert_size(512, "512");
	assert_size(1023, "1023");
	assert_size(1024, "1K");
	assert_size(1536, "1.5K");
	assert_size(256ll << 20, "256M");
	assert_size(2ll << 30, "2G");
	assert_size(123456789, "118M");
	assert_size((1ll << 30) + (1ll << 29), "1.5G");
	assert_size(10ll << 20 | 1, "10M");
	/* What would show as 1024 of a unit is 1.0 of the next. */
	assert_size((1ll << 20) - 1, "1.0M");
	assert_size(3ll << 40, "3T");
	assert_size(INT64_MAX, "8.0E");
	assert_size(-1, "-");
}

static void assert_duration(double seconds, bool tenths, const char *text)
{
	char out[32];
	ctl_format_duration(seconds, tenths, out, sizeof(out));
	assert_string_equal(out, text);
}

static void test_durations(void **state)
{
	(void)state;
	assert_duration(0, true, "0.0s");
	assert_duration(12.34, true, "12.3s");
	assert_duration(12.34, false, "12s");
	assert_duration(59.96, true, "59s");
	assert_duration(245, true, "4m 05s");
	assert_duration(3725.5, false, "1h 02m");
	assert_duration(3 * 86400 + 4 * 3600 + 59, false, "3d 04h");
	assert_duration(-1, false, "-");
	assert_duration(NAN, true, "-");
	assert_duration(1e13, true, "-");
}

static void test_printable(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"plain", "plain"},
		{"Evil\x1b[31m Mouse", "Evil?[31m Mouse"},
		{"tab\there", "tab?here"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},	 /* é stays */
		{"c1 \xc2\x9b x", "c1 ? x"},	 /* CSI as a C1 control */
		{"bad \xff byte", "bad ? byte"}, /* not UTF-8 */
		{"cut \xe2\x82", "cut ??"},	 /* a sequence cut short */
		{"del\x7f", "del?"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = ctl_printable(cases[i][0]);
		assert_non_null(text);
		assert_string_equal(text, cases[i][1]);
		free(text);
	}
	assert_int_equal(ctl_text_width("caf\xc3\xa9"), 4);
}

static void test_table(void **state)
{
	(void)state;
	struct ctl_table table = {.columns = 3};
	const char *header[] = {"SEAT", "MEM", "OOM"};
	const char *one[] = {"seat1", "123M/256M", "0"};
	const char *two[] = {"caf\xc3\xa9", NULL, "12"};
	ctl_table_add(&table, header);
	ctl_table_add(&table, one);
	ctl_table_add(&table, two);
	assert_false(table.failed);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	ctl_table_print(&table, out, "  ");
	fclose(out);
	/* Lined up by characters; NULL shows as "-"; the last column is not padded. */
	assert_string_equal(text, "  SEAT   MEM        OOM\n"
				  "  seat1  123M/256M  0\n"
				  "  caf\xc3\xa9   -          12\n");
	free(text);
	ctl_table_finish(&table);

	struct ctl_table wide = {.columns = CTL_TABLE_COLUMNS_MAX + 1};
	const char *row[CTL_TABLE_COLUMNS_MAX + 1] = {NULL};
	ctl_table_add(&wide, row);
	assert_true(wide.failed);
	assert_int_equal(wide.rows, 0);
	ctl_table_finish(&wide);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
