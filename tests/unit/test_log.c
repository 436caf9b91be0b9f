/* Unit tests of logging: level names, filtering, and the file:line prefix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static void test_level_parse(void **state)
{
	enum log_level level = LOG_LEVEL_SILENT;
	assert_int_equal(log_level_parse("debug", &level), 0);
	assert_int_equal(level, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("error", &level), 0);
	assert_int_equal(level, LOG_LEVEL_ERROR);
	assert_true(log_level_parse("DEBUG", &level) < 0);
	assert_true(log_level_parse("", &level) < 0);
	assert_true(log_level_parse("verbose", &level) < 0);
	assert_int_equal(level, LOG_LEVEL_ERROR);
}

/* Runs `emit` with stderr sent to a temporary file and returns what was written. */
static void capture(void (*emit)(void), char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	emit();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void emit_info_and_debug(void)
{
	log_info("seat %s has %d outputs", "seat-1", 2);
	log_debug("not shown at info level");
}

static void emit_long(void)
{
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_error("%s", big);
}

static void test_prefix_and_filter(void **state)
{
	char buf[4096];
	log_init(LOG_LEVEL_INFO, "unit");
	capture(emit_info_and_debug, buf, sizeof(buf));
	assert_non_null(strstr(buf, "unit: info: [tests/unit/test_log.c:"));
	assert_non_null(strstr(buf, "seat seat-1 has 2 outputs\n"));
	assert_null(strstr(buf, "not shown"));
}

static void test_long_message_is_cut_to_one_line(void **state)
{
	char buf[4096];
	log_init(LOG_LEVEL_ERROR, "unit");
	capture(emit_long, buf, sizeof(buf));
	size_t len = strlen(buf);
	assert_true(len > 0 && len < 1024);
	assert_int_equal(buf[len - 1], '\n');
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
}

static void test_silent(void **state)
{
	char buf[4096];
	log_init(LOG_LEVEL_SILENT, "unit");
	capture(emit_long, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(log_get_level(), LOG_LEVEL_SILENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_prefix_and_filter),
		cmocka_unit_test(test_long_message_is_cut_to_one_line),
		cmocka_unit_test(test_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
