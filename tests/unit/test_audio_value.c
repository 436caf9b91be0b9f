/* Unit tests of the audio module's strings: default-node metadata values and node text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audio.h"
#include "text.h"

static void assert_parses(const char *value, const char *expected)
{
	char name[64];
	int ret = audio_default_value_parse(value, name, sizeof(name));
	if (ret != 0)
		fail_msg("%s: %d, expected %s", value, ret, expected);
	assert_string_equal(name, expected);
}

static void assert_refused(const char *value, int expected)
{
	char name[64] = "untouched";
	int ret = audio_default_value_parse(value, name, sizeof(name));
	if (ret != expected)
		fail_msg("%s: %d (%s), expected %d", value != NULL ? value : "NULL", ret, name,
			 expected);
}

static void test_parse_as_written(void **state)
{
	/* WirePlumber's default.audio.sink, and wpctl set-default's configured one. */
	assert_parses("{\"name\":\"alsa_output.pci-0000_00_1f.3.analog-stereo\"}",
		      "alsa_output.pci-0000_00_1f.3.analog-stereo");
	assert_parses("{ \"name\": \"ms-test-b\" }", "ms-test-b");
	/* PipeWire's relaxed syntax, which WirePlumber reads too. */
	assert_parses("{ name = ms-test-b }", "ms-test-b");
	assert_parses("{ name: \"x y\" }", "x y");
}

static void test_parse_escapes(void **state)
{
	assert_parses("{\"name\": \"a\\\"b\\\\c\"}", "a\"b\\c");
	assert_parses("{\"name\": \"K\\u00f6ln\"}", "K\xc3\xb6ln");
	assert_parses("{\"name\": \"\\ud83c\\udfa7\"}", "\xf0\x9f\x8e\xa7");
	assert_parses("{\"name\": \"K\xc3\xb6ln\"}", "K\xc3\xb6ln");
}

static void test_parse_other_keys(void **state)
{
	assert_parses("{\"a\": 1, \"name\": \"x\"}", "x");
	/* A "name" inside another key's value is not the name. */
	assert_parses("{\"a\": {\"name\": \"inner\"}, \"b\": [\"name\", {}], \"name\": \"outer\"}",
		      "outer");
	assert_parses("{\"name\": \"first\", \"name\": \"second\"}", "first");
	assert_parses("{\"name\": \"x\"} trailing", "x");
}

static void test_parse_refused(void **state)
{
	assert_refused(NULL, -EINVAL);
	assert_refused("", -EINVAL);
	assert_refused("garbage", -EINVAL);
	assert_refused("\"ms-test-b\"", -EINVAL);
	assert_refused("[\"name\", \"x\"]", -EINVAL);
	assert_refused("{}", -EINVAL);
	assert_refused("{", -EINVAL);
	assert_refused("{\"name\"", -EINVAL);
	assert_refused("{\"name\":", -EINVAL);
	assert_refused("{\"nam\": \"x\"}", -EINVAL);
	assert_refused("{\"name\": null}", -EINVAL);
	assert_refused("{\"name\": {\"name\": \"x\"}}", -EINVAL);
	assert_refused("{\"name\": [\"x\"]}", -EINVAL);
	assert_refused("{\"name\": \"\"}", -EINVAL);
	assert_refused("{{\"a\": 1}: \"x\", \"name\": \"y\"}", -EINVAL);
	/* Names that could not be handed on: control characters, a NUL, invalid UTF-8. */
	assert_refused("{\"name\": \"a\\nb\"}", -EINVAL);
	assert_refused("{\"name\": \"\\u0000b\"}", -EINVAL);
	assert_refused("{\"name\": \"a\\u0000\"}", -EINVAL);
	assert_refused("{\"name\": \"\\u0085\"}", -EINVAL);
	assert_refused("{\"name\": \"\xff\"}", -EINVAL);
	assert_refused("{\"name\": \xc3\x28}", -EINVAL);
	assert_refused("{\"name\": \"\\x\"}", -EINVAL);
}

static void test_parse_lengths(void **state)
{
	char name[4];
	assert_int_equal(audio_default_value_parse("{\"name\": \"abc\"}", name, sizeof(name)), 0);
	assert_string_equal(name, "abc");
	assert_int_equal(audio_default_value_parse("{\"name\": \"abcd\"}", name, sizeof(name)),
			 -ENAMETOOLONG);
	/* Escapes shrink: the unescaped length is what counts. */
	assert_int_equal(audio_default_value_parse("{\"name\": \"\\u0041\\u0042\\u0043\"}", name,
						   sizeof(name)),
			 0);
	assert_string_equal(name, "ABC");
	assert_int_equal(audio_default_value_parse("{\"name\": \"x\"}", name, 0), -EINVAL);

	size_t big = 70 * 1024;
	char *value = malloc(big + 1);
	assert_non_null(value);
	memset(value, ' ', big);
	memcpy(value, "{\"name\": \"x\"}", 13);
	value[big] = '\0';
	assert_int_equal(audio_default_value_parse(value, name, sizeof(name)), -EINVAL);
	free(value);
}

/* Whatever the bytes, the parser returns, and a name it gives is clean and fits. */
static void test_parse_survives_noise(void **state)
{
	static const char *const seeds[] = {
		"{\"name\": \"ms-test-b\"}",
		"{ name = x, a = [ 1, { b = \"\\u00e4\" } ] }",
		"{\"a\": {\"name\": [\"\\ud83c\\udfa7\"]}, \"name\": \"\\\\\\\"\"}",
	};
	char name[16];
	char value[64];
	unsigned int seed = 12345;
	for (int i = 0; i < 200000; i++) {
		const char *from = seeds[i % 3];
		size_t len = strlen(from);
		memcpy(value, from, len + 1);
		for (int n = 1 + i % 4; n > 0; n--) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			char byte = (char)(seed >> 16);
			if (i % 5 == 0)
				value[at] = "{}[]\":=,\\u \"ab0"[byte & 15];
			else if (i % 7 == 0)
				value[at] = '\0';
			else
				value[at] = byte;
		}
		memset(name, 'Z', sizeof(name));
		int ret = audio_default_value_parse(value, name, sizeof(name));
		if (ret == 0) {
			size_t n = strnlen(name, sizeof(name));
			assert_true(n > 0 && n < sizeof(name));
			assert_true(audio_text_is_clean(name, n));
		} else {
			assert_true(ret == -EINVAL || ret == -ENAMETOOLONG);
		}
	}
}

static void assert_round_trip(const char *name)
{
	char value[256], back[128];
	int len = audio_default_value_format(value, sizeof(value), name);
	assert_true(len > 0);
	assert_int_equal((size_t)len, strlen(value));
	assert_int_equal(audio_default_value_parse(value, back, sizeof(back)), 0);
	assert_string_equal(back, name);
}

static void test_format(void **state)
{
	char value[64];
	/* As wpctl set-default writes it. */
	assert_int_equal(audio_default_value_format(value, sizeof(value), "ms-test-b"), 23);
	assert_string_equal(value, "{ \"name\": \"ms-test-b\" }");
	assert_round_trip("alsa_output.usb-Generic_USB_Audio-00.HiFi__hw_Dock__sink");
	assert_round_trip("we\"ird\\name");
	assert_round_trip("\\");
	assert_round_trip("K\xc3\xb6ln \xf0\x9f\x8e\xa7");
	assert_round_trip("a b = c, [d] {e} # f");
}

static void test_format_refused(void **state)
{
	char value[16];
	assert_int_equal(audio_default_value_format(value, sizeof(value), NULL), -EINVAL);
	assert_int_equal(audio_default_value_format(value, sizeof(value), ""), -EINVAL);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "a\tb"), -EINVAL);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "\x7f"), -EINVAL);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "\xc3"), -EINVAL);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "\xed\xa0\x80"), -EINVAL);
	/* { "name": "" } is 14 bytes: one more name byte and the NUL no longer fit in 16. */
	assert_int_equal(audio_default_value_format(value, sizeof(value), "a"), 15);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "ab"), -ENOSPC);
	assert_int_equal(audio_default_value_format(value, sizeof(value), "\""), -ENOSPC);
}

static void test_text_is_clean(void **state)
{
	assert_true(audio_text_is_clean("", 0));
	assert_true(audio_text_is_clean("plain", 5));
	assert_true(audio_text_is_clean("K\xc3\xb6ln \xf0\x9f\x8e\xa7", 10));
	assert_false(audio_text_is_clean("a\nb", 3));
	assert_false(audio_text_is_clean("\x7f", 1));
	assert_false(audio_text_is_clean("\xc2\x85", 2));	  /* C1 NEL */
	assert_false(audio_text_is_clean("\xc0\xaf", 2));	  /* overlong */
	assert_false(audio_text_is_clean("\xed\xa0\x80", 3));	  /* surrogate */
	assert_false(audio_text_is_clean("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(audio_text_is_clean("\xe2\x82", 2));	  /* cut short */
	assert_false(audio_text_is_clean("a\0b", 3));
}

static void assert_display(const char *in, size_t max, const char *expected)
{
	char *out = audio_text_copy_display(in, max);
	assert_non_null(out);
	assert_string_equal(out, expected);
	free(out);
}

static void test_text_copy_display(void **state)
{
	assert_null(audio_text_copy_display(NULL, 10));
	assert_display("Speakers", 100, "Speakers");
	assert_display("two\nlines\xc2\x85!", 100, "two lines !");
	assert_display("bad \xff byte", 100, "bad   byte");
	/* Cut at a character boundary, never inside one. */
	assert_display("ab\xe2\x82\xac", 4, "ab");
	assert_display("ab\xe2\x82\xac", 5, "ab\xe2\x82\xac");
	assert_display("abcdef", 3, "abc");
	assert_display("abc", 0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_as_written),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_other_keys),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_parse_survives_noise),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_refused),
		cmocka_unit_test(test_text_is_clean),
		cmocka_unit_test(test_text_copy_display),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
