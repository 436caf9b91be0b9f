/* Unit tests of logging: level names, filtering, the file:line prefix, journal priorities. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

enum stream {
	STREAM_NONE,  /* no JOURNAL_STREAM */
	STREAM_SAME,  /* JOURNAL_STREAM names the file stderr is */
	STREAM_OTHER, /* JOURNAL_STREAM names another file (stderr was redirected since) */
	STREAM_BAD,   /* JOURNAL_STREAM is no DEV:INODE */
};

/*
 * Runs `emit` with stderr sent to a temporary file, after log_init(level) with JOURNAL_STREAM
 * as `stream` says, and returns what was written.
 */
static void capture_as(enum log_level level, enum stream stream, void (*emit)(void), char *buf,
		       size_t size)
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	struct stat st;
	assert_int_equal(fstat(fileno(tmp), &st), 0);
	char name[64];
	snprintf(name, sizeof(name), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + (stream == STREAM_OTHER ? 1 : 0));
	if (stream == STREAM_BAD)
		snprintf(name, sizeof(name), "%llu:%llux", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	if (stream == STREAM_NONE)
		unsetenv("JOURNAL_STREAM");
	else
		setenv("JOURNAL_STREAM", name, 1);
	log_init(level, "unit");
	emit();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	unsetenv("JOURNAL_STREAM");
	log_init(level, "unit");
}

static void capture(void (*emit)(void), char *buf, size_t size)
{
	capture_as(log_get_level(), STREAM_NONE, emit, buf, size);
}

static void emit_info_and_debug(void)
{
	log_info("seat %s has %d outputs", "seat-1", 2);
	log_debug("not shown at info level");
}

static void emit_long(void)
{
	char big[5000];
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
	assert_true(len > 0 && len < 2048);
	assert_int_equal(buf[len - 1], '\n');
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
}

static void emit_each_level(void)
{
	log_error("lost %d", 1);
	log_info("found %s", "it");
	log_debug("looked");
}

/* Under journald each line carries its priority and neither program nor level name. */
static void test_journal_priorities(void **state)
{
	char buf[4096];
	capture_as(LOG_LEVEL_DEBUG, STREAM_SAME, emit_each_level, buf, sizeof(buf));
	char *expected_error = "<3>[tests/unit/test_log.c:";
	assert_memory_equal(buf, expected_error, strlen(expected_error));
	assert_non_null(strstr(buf, "] lost 1\n<6>[tests/unit/test_log.c:"));
	assert_non_null(strstr(buf, "] found it\n<7>[tests/unit/test_log.c:"));
	assert_non_null(strstr(buf, "] looked\n"));
	assert_null(strstr(buf, "unit:"));
	assert_null(strstr(buf, "error:"));
}

/* A JOURNAL_STREAM that is not stderr (or not DEV:INODE at all) leaves the plain format. */
static void test_journal_stream_elsewhere(void **state)
{
	char buf[4096];
	enum stream streams[] = {STREAM_OTHER, STREAM_BAD, STREAM_NONE};
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		capture_as(LOG_LEVEL_DEBUG, streams[i], emit_each_level, buf, sizeof(buf));
		char *expected = "unit: error: [tests/unit/test_log.c:";
		assert_memory_equal(buf, expected, strlen(expected));
		assert_non_null(strstr(buf, "unit: debug: [tests/unit/test_log.c:"));
		assert_null(strchr(buf, '<'));
	}
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
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_journal_stream_elsewhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
