/* Unit tests for the one UTF-8 decoder (common/utf8.c) and cutting text whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static void assert_char(const char *bytes, size_t length, uint32_t expected)
{
	uint32_t cp = 0;
	assert_int_equal(utf8_decode(bytes, length, &cp), length);
	assert_int_equal(cp, expected);
}

static void assert_not_char(const char *bytes, size_t length)
{
	uint32_t cp = 0x12345;
	assert_int_equal(utf8_decode(bytes, length, &cp), 0);
	assert_int_equal(cp, 0x12345); /* untouched */
}

static void test_decode(void **state)
{
	(void)state;
	assert_char("A", 1, 'A');
	assert_char("\xc3\xa9", 2, 0xe9);	     /* é */
	assert_char("\xe4\xb8\xad", 3, 0x4e2d);	     /* 中 */
	assert_char("\xf0\x9f\x98\x80", 4, 0x1f600); /* an emoji */
	assert_char("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
	/* More bytes after the character are not read. */
	uint32_t cp;
	assert_int_equal(utf8_decode("\xc3\xa9xyz", 5, &cp), 2);
	assert_int_equal(utf8_decode("", 0, &cp), 0);

	assert_not_char("\x80", 1);		/* a continuation byte alone */
	assert_not_char("\xc3", 1);		/* cut short */
	assert_not_char("\xe4\xb8", 2);		/* cut short */
	assert_not_char("\xc3\x41", 2);		/* not a continuation */
	assert_not_char("\xc0\xaf", 2);		/* overlong '/' */
	assert_not_char("\xe0\x80\xaf", 3);	/* overlong '/' */
	assert_not_char("\xf0\x80\x80\xaf", 4); /* overlong '/' */
	assert_not_char("\xed\xa0\x80", 3);	/* a UTF-16 surrogate */
	assert_not_char("\xf4\x90\x80\x80", 4); /* past U+10FFFF */
	assert_not_char("\xf8\x88\x80\x80\x80", 5);
	assert_not_char("\xff", 1);
}

static void test_controls(void **state)
{
	(void)state;
	assert_true(utf8_is_control(0, false));
	assert_true(utf8_is_control('\n', true));
	assert_true(utf8_is_control('\t', false));
	assert_false(utf8_is_control('\t', true));
	assert_true(utf8_is_control(0x7f, false));
	assert_true(utf8_is_control(0x9b, false)); /* CSI, as some terminals take it */
	assert_false(utf8_is_control(0xa0, false));
	assert_false(utf8_is_control(' ', false));
	assert_false(utf8_is_control(0x4e2d, false));
}

static void test_cut(void **state)
{
	(void)state;
	const char *text = "ab\xc3\xa9\xe4\xb8\xad";
	size_t length = strlen(text);
	assert_int_equal(utf8_cut(text, length, 100), length);
	assert_int_equal(utf8_cut(text, length, length), length);
	assert_int_equal(utf8_cut(text, length, 3), 2); /* not half of é */
	assert_int_equal(utf8_cut(text, length, 4), 4);
	assert_int_equal(utf8_cut(text, length, 6), 4); /* not two thirds of 中 */
	assert_int_equal(utf8_cut(text, length, 0), 0);
	/* Not UTF-8: at most three bytes are given back, as no character has more. */
	const char *junk = "a\x80\x80\x80\x80\x80";
	assert_int_equal(utf8_cut(junk, 6, 5), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
