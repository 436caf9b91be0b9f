/* Unit tests of the compositor's command line: options_parse, modes and keyboard layouts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

#define MAX_ARGS 80

/* Argument vectors built per test; getopt keeps pointers into them, so they outlive parse(). */
struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
	char error[256];
	struct options options;
};

/* Parses "multiseat-compositor" followed by the NULL-terminated arguments. */
static int parse(struct args *args, ...)
{
	va_list ap;
	va_start(ap, args);
	args->argc = 0;
	args->argv[args->argc++] = "multiseat-compositor";
	const char *arg;
	while ((arg = va_arg(ap, const char *)) != NULL) {
		assert_true(args->argc < MAX_ARGS);
		args->argv[args->argc++] = (char *)arg;
	}
	va_end(ap);
	args->argv[args->argc] = NULL;
	memset(args->error, 'x', sizeof(args->error) - 1);
	args->error[sizeof(args->error) - 1] = '\0';
	return options_parse(&args->options, args->argc, args->argv, args->error,
			     sizeof(args->error));
}

static void assert_error_contains(const struct args *args, const char *needle)
{
	if (!strstr(args->error, needle))
		fail_msg("error '%s' does not contain '%s'", args->error, needle);
}

static void test_defaults(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "800x600", NULL), 0);
	const struct options *o = &a.options;
	assert_string_equal(a.error, "");
	assert_int_equal(o->action, OPTIONS_RUN);
	assert_null(o->drm_path);
	assert_int_equal(o->headless_count, 1);
	assert_int_equal(o->headless[0].width, 800);
	assert_int_equal(o->headless[0].height, 600);
	assert_int_equal(o->headless[0].refresh_mhz, 60000);
	assert_int_equal(o->input_count, 0);
	assert_false(o->kiosk);
	assert_false(o->restart);
	assert_false(o->virtual_input);
	assert_null(o->identify);
	assert_string_equal(o->keyboard_layout, "");
	assert_string_equal(o->keyboard_variant, "");
	assert_null(o->keyboard_options);
	assert_int_equal(o->repeat_rate, 25);
	assert_int_equal(o->repeat_delay, 600);
	assert_null(o->terminal);
	assert_null(o->socket);
	assert_int_equal(o->background, 0xff303030);
	assert_int_equal(o->log_level, LOG_LEVEL_INFO);
	assert_null(o->session);
}

static void test_every_option(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--drm", "/dev/dri/card1", "--input", "/dev/input/event3",
			       "--input", "/dev/input/event7", "--kiosk", "--restart", "--identify",
			       "Seat 2", "--keyboard-layout", "de(nodeadkeys)",
			       "--keyboard-options", "compose:ralt", "--repeat-rate", "40",
			       "--repeat-delay", "250", "--virtual-input", "--terminal", "foot",
			       "--socket", "wayland-7", "--background", "1a2B3c", "--log-level",
			       "debug", NULL),
			 0);
	const struct options *o = &a.options;
	assert_string_equal(a.error, "");
	assert_int_equal(o->action, OPTIONS_RUN);
	assert_string_equal(o->drm_path, "/dev/dri/card1");
	assert_int_equal(o->headless_count, 0);
	assert_int_equal(o->input_count, 2);
	assert_string_equal(o->inputs[0], "/dev/input/event3");
	assert_string_equal(o->inputs[1], "/dev/input/event7");
	assert_true(o->kiosk);
	assert_true(o->restart);
	assert_true(o->virtual_input);
	assert_string_equal(o->identify, "Seat 2");
	assert_string_equal(o->keyboard_layout, "de");
	assert_string_equal(o->keyboard_variant, "nodeadkeys");
	assert_string_equal(o->keyboard_options, "compose:ralt");
	assert_int_equal(o->repeat_rate, 40);
	assert_int_equal(o->repeat_delay, 250);
	assert_string_equal(o->terminal, "foot");
	assert_string_equal(o->socket, "wayland-7");
	assert_int_equal(o->background, 0xff1a2b3c);
	assert_int_equal(o->log_level, LOG_LEVEL_DEBUG);
	assert_null(o->session);
}

static void test_equals_form(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless=640x480@30", "--log-level=silent", NULL), 0);
	assert_int_equal(a.options.headless[0].refresh_mhz, 30000);
	assert_int_equal(a.options.log_level, LOG_LEVEL_SILENT);
}

static void test_headless_up_to_max(void **state)
{
	struct args a;
	/* Eight outputs of different sizes, in order. */
	assert_int_equal(parse(&a, "--headless", "100x10", "--headless", "200x20", "--headless",
			       "300x30", "--headless", "400x40", "--headless", "500x50",
			       "--headless", "600x60", "--headless", "700x70", "--headless",
			       "800x80@75", NULL),
			 0);
	assert_int_equal(OPTIONS_MAX_OUTPUTS, 8);
	assert_int_equal(a.options.headless_count, OPTIONS_MAX_OUTPUTS);
	for (int i = 0; i < OPTIONS_MAX_OUTPUTS; i++) {
		assert_int_equal(a.options.headless[i].width, 100 * (i + 1));
		assert_int_equal(a.options.headless[i].height, 10 * (i + 1));
	}
	assert_int_equal(a.options.headless[7].refresh_mhz, 75000);

	assert_int_equal(parse(&a, "--headless", "100x10", "--headless", "200x20", "--headless",
			       "300x30", "--headless", "400x40", "--headless", "500x50",
			       "--headless", "600x60", "--headless", "700x70", "--headless",
			       "800x80", "--headless", "900x90", NULL),
			 -EINVAL);
	assert_error_contains(&a, "at most 8 --headless");
}

static void test_headless_bad_mode(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x", NULL), -EINVAL);
	assert_error_contains(&a, "--headless '10x'");
}

static void test_backend_errors(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, NULL), -EINVAL);
	assert_error_contains(&a, "no backend");
	assert_int_equal(parse(&a, "--kiosk", NULL), -EINVAL);
	assert_error_contains(&a, "no backend");

	assert_int_equal(parse(&a, "--drm", "/dev/dri/card0", "--headless", "10x10", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--drm and --headless");
	assert_int_equal(parse(&a, "--headless", "10x10", "--drm", "/dev/dri/card0", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--drm and --headless");

	assert_int_equal(parse(&a, "--drm", "/dev/dri/card0", "--drm", "/dev/dri/card1", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--drm given twice");
}

static void test_seat_fd(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--seat-fd", "3", "--kiosk", "--", "foot", NULL), 0);
	assert_int_equal(a.options.seat_fd, 3);
	assert_null(a.options.drm_path);
	assert_int_equal(a.options.headless_count, 0);
	/* Tests drive the seat link on a headless output. */
	assert_int_equal(parse(&a, "--seat-fd", "5", "--headless", "64x64", NULL), 0);
	assert_int_equal(a.options.seat_fd, 5);
	assert_int_equal(parse(&a, "--headless", "64x64", NULL), 0);
	assert_int_equal(a.options.seat_fd, -1);

	assert_int_equal(parse(&a, "--seat-fd", "three", NULL), -EINVAL);
	assert_error_contains(&a, "--seat-fd 'three': expected a file descriptor number");
	assert_int_equal(parse(&a, "--seat-fd", "-1", NULL), -EINVAL);
	assert_error_contains(&a, "--seat-fd '-1'");
	assert_int_equal(parse(&a, "--seat-fd", "3", "--drm", "/dev/dri/card0", NULL), -EINVAL);
	assert_error_contains(&a, "--seat-fd and --drm exclude each other");
	assert_int_equal(parse(&a, "--seat-fd", "3", "--headless", "64x64", "--input",
			       "/dev/input/event0", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--seat-fd and --input exclude each other");
}

static void test_input_needs_drm(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "--input", "/dev/input/event0", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--input needs --drm");
	assert_int_equal(parse(&a, "--input", "/dev/input/event0", NULL), -EINVAL);
}

static void test_input_limit(void **state)
{
	struct args a;
	a.argc = 0;
	a.argv[a.argc++] = "multiseat-compositor";
	a.argv[a.argc++] = "--drm";
	a.argv[a.argc++] = "/dev/dri/card0";
	for (int i = 0; i < OPTIONS_MAX_INPUTS; i++) {
		a.argv[a.argc++] = "--input";
		a.argv[a.argc++] = "/dev/input/event0";
	}
	a.argv[a.argc] = NULL;
	assert_true(a.argc + 2 <= MAX_ARGS);
	assert_int_equal(options_parse(&a.options, a.argc, a.argv, a.error, sizeof(a.error)), 0);
	assert_int_equal(a.options.input_count, OPTIONS_MAX_INPUTS);

	a.argv[a.argc++] = "--input";
	a.argv[a.argc++] = "/dev/input/event1";
	a.argv[a.argc] = NULL;
	assert_int_equal(options_parse(&a.options, a.argc, a.argv, a.error, sizeof(a.error)),
			 -EINVAL);
	assert_error_contains(&a, "at most 32 --input");
}

static void test_session_keeps_its_options(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "--kiosk", "--", "foot", "-e", "sh",
			       "--help", NULL),
			 0);
	assert_true(a.options.kiosk);
	assert_non_null(a.options.session);
	assert_string_equal(a.options.session[0], "foot");
	assert_string_equal(a.options.session[1], "-e");
	assert_string_equal(a.options.session[2], "sh");
	assert_string_equal(a.options.session[3], "--help");
	assert_null(a.options.session[4]);
	assert_int_equal(a.options.action, OPTIONS_RUN);
}

static void test_session_options_not_parsed_as_ours(void **state)
{
	struct args a;
	/* The session's --drm must not be taken as a second backend. */
	assert_int_equal(parse(&a, "--headless", "10x10", "--", "app", "--drm", "x", NULL), 0);
	assert_null(a.options.drm_path);
	assert_string_equal(a.options.session[0], "app");
	assert_string_equal(a.options.session[1], "--drm");
}

static void test_empty_session(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "--", NULL), 0);
	assert_null(a.options.session);
}

static void test_argument_without_separator(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "foot", "-e", "sh", NULL), -EINVAL);
	assert_error_contains(&a, "unexpected argument 'foot'");
	assert_int_equal(parse(&a, "foot", "--headless", "10x10", NULL), -EINVAL);
	assert_error_contains(&a, "unexpected argument 'foot'");
}

static void test_unknown_option(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "--bogus", NULL), -EINVAL);
	assert_error_contains(&a, "unknown option '--bogus'");
	assert_int_equal(parse(&a, "--headless", "10x10", "-x", NULL), -EINVAL);
	assert_error_contains(&a, "unknown option '-x'");
	assert_int_equal(parse(&a, "--bogus=1", "--headless", "10x10", NULL), -EINVAL);
	assert_error_contains(&a, "--bogus");
}

static void test_unknown_short_option_in_group(void **state)
{
	struct args a;
	/* getopt has not moved past "-xz" yet when it reports 'x'. */
	assert_int_equal(parse(&a, "--headless", "10x10", "-xz", NULL), -EINVAL);
	assert_error_contains(&a, "unknown option '-x'");
	assert_int_equal(parse(&a, "-qz", "--headless", "10x10", NULL), -EINVAL);
	assert_error_contains(&a, "unknown option '-q'");
}

static void test_flag_with_value(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "10x10", "--kiosk=yes", NULL), -EINVAL);
	assert_error_contains(&a, "--kiosk");
}

static void test_missing_value(void **state)
{
	const char *needs_value[] = {
		"--drm",	 "--headless",	      "--input",
		"--identify",	 "--keyboard-layout", "--keyboard-options",
		"--repeat-rate", "--repeat-delay",    "--terminal",
		"--socket",	 "--background",      "--log-level",
	};
	for (size_t i = 0; i < sizeof(needs_value) / sizeof(needs_value[0]); i++) {
		struct args a;
		assert_int_equal(parse(&a, "--headless", "10x10", needs_value[i], NULL), -EINVAL);
		char expected[64];
		snprintf(expected, sizeof(expected), "%s needs a value", needs_value[i]);
		assert_error_contains(&a, expected);
	}
}

static void test_help_and_version(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--help", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_HELP);
	assert_int_equal(parse(&a, "-h", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_HELP);
	assert_int_equal(parse(&a, "--version", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_VERSION);
	assert_int_equal(parse(&a, "-V", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_VERSION);
	/* Help wins over what would otherwise be an error. */
	assert_int_equal(parse(&a, "--drm", "a", "--headless", "10x10", "--help", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_HELP);
	/* The session's --help is not ours. */
	assert_int_equal(parse(&a, "--headless", "10x10", "--", "foot", "--version", NULL), 0);
	assert_int_equal(a.options.action, OPTIONS_RUN);
	assert_non_null(strstr(options_usage, "--headless"));
}

static void test_repeat_values(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "0", NULL), 0);
	assert_int_equal(a.options.repeat_rate, 0);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "1000", NULL), 0);
	assert_int_equal(a.options.repeat_rate, 1000);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "1001", NULL), -EINVAL);
	assert_error_contains(&a, "--repeat-rate '1001'");
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "-1", NULL), -EINVAL);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "25x", NULL), -EINVAL);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-rate", "", NULL), -EINVAL);

	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-delay", "1", NULL), 0);
	assert_int_equal(a.options.repeat_delay, 1);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-delay", "10000", NULL), 0);
	assert_int_equal(a.options.repeat_delay, 10000);
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-delay", "0", NULL), -EINVAL);
	assert_error_contains(&a, "--repeat-delay '0'");
	assert_int_equal(parse(&a, "--headless", "1x1", "--repeat-delay", "10001", NULL), -EINVAL);
	assert_int_equal(
		parse(&a, "--headless", "1x1", "--repeat-delay", "99999999999999999999", NULL),
		-EINVAL);
}

static void test_value_errors(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "1x1", "--identify", "", NULL), -EINVAL);
	assert_error_contains(&a, "--identify");
	assert_int_equal(parse(&a, "--headless", "1x1", "--identify", "--", "foot", NULL), -EINVAL);
	assert_error_contains(&a, "needs a TEXT before '--'");

	assert_int_equal(parse(&a, "--headless", "1x1", "--socket", "", NULL), -EINVAL);
	assert_error_contains(&a, "--socket");
	assert_int_equal(parse(&a, "--headless", "1x1", "--socket", "run/wayland-1", NULL),
			 -EINVAL);
	assert_error_contains(&a, "--socket 'run/wayland-1'");

	const char *bad_colours[] = {"", "12345", "1234567", "12345g", "#12345", "0x1234"};
	for (size_t i = 0; i < sizeof(bad_colours) / sizeof(bad_colours[0]); i++) {
		assert_int_equal(
			parse(&a, "--headless", "1x1", "--background", bad_colours[i], NULL),
			-EINVAL);
		assert_error_contains(&a, "--background");
	}
	assert_int_equal(parse(&a, "--headless", "1x1", "--background", "FFFFFF", NULL), 0);
	assert_int_equal(a.options.background, 0xffffffff);
	assert_int_equal(parse(&a, "--headless", "1x1", "--background", "000000", NULL), 0);
	assert_int_equal(a.options.background, 0xff000000);

	assert_int_equal(parse(&a, "--headless", "1x1", "--log-level", "verbose", NULL), -EINVAL);
	assert_error_contains(&a, "--log-level 'verbose'");
	assert_int_equal(parse(&a, "--headless", "1x1", "--log-level", "error", NULL), 0);
	assert_int_equal(a.options.log_level, LOG_LEVEL_ERROR);

	assert_int_equal(parse(&a, "--headless", "1x1", "--keyboard-layout", "DE", NULL), -EINVAL);
	assert_error_contains(&a, "--keyboard-layout 'DE'");
}

static void test_reparse_resets(void **state)
{
	struct args a;
	assert_int_equal(parse(&a, "--headless", "1x1", "--kiosk", "--keyboard-layout", "de(neo)",
			       "--", "foot", NULL),
			 0);
	assert_int_equal(parse(&a, "--headless", "2x2", NULL), 0);
	assert_false(a.options.kiosk);
	assert_string_equal(a.options.keyboard_layout, "");
	assert_string_equal(a.options.keyboard_variant, "");
	assert_null(a.options.session);
	assert_int_equal(a.options.headless_count, 1);
	assert_int_equal(a.options.headless[0].width, 2);
}

static void test_mode_valid(void **state)
{
	struct headless_mode mode;
	assert_int_equal(options_parse_mode("1280x720", &mode), 0);
	assert_int_equal(mode.width, 1280);
	assert_int_equal(mode.height, 720);
	assert_int_equal(mode.refresh_mhz, 60000);

	assert_int_equal(options_parse_mode("1280x720@59.94", &mode), 0);
	assert_int_equal(mode.width, 1280);
	assert_int_equal(mode.height, 720);
	assert_int_equal(mode.refresh_mhz, 59940);

	assert_int_equal(options_parse_mode("1920x1080@144", &mode), 0);
	assert_int_equal(mode.refresh_mhz, 144000);
	assert_int_equal(options_parse_mode("1x1@1", &mode), 0);
	assert_int_equal(mode.refresh_mhz, 1000);
	assert_int_equal(options_parse_mode("16384x16384@1000", &mode), 0);
	assert_int_equal(mode.width, 16384);
	assert_int_equal(mode.refresh_mhz, 1000000);
	assert_int_equal(options_parse_mode("640x480@29.97", &mode), 0);
	assert_int_equal(mode.refresh_mhz, 29970);
}

static void test_mode_invalid(void **state)
{
	const char *bad[] = {
		"",	     "0x10",	  "10x0",      "x10",	     "10x",	 "10x10@",
		"10x10@0",   "10x10junk", "99999x10",  "10x99999",   "16385x10", "10x10@1001",
		"10x10@0.5", "-10x10",	  "10x-10",    "10X10",	     " 10x10",	 "10x 10",
		"10x10@ 60", "10x10@-60", "10x10@60 ", "10x10@60Hz", "10",	 "10x10x10",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct headless_mode mode = {.width = 7, .height = 7, .refresh_mhz = 7};
		if (options_parse_mode(bad[i], &mode) != -EINVAL)
			fail_msg("mode '%s' was accepted", bad[i]);
		/* A rejected mode leaves the output untouched. */
		assert_int_equal(mode.width, 7);
		assert_int_equal(mode.height, 7);
		assert_int_equal(mode.refresh_mhz, 7);
	}
	struct headless_mode mode;
	assert_int_equal(options_parse_mode(NULL, &mode), -EINVAL);
}

static void test_layout_valid(void **state)
{
	char layout[64], variant[64];
	assert_int_equal(
		options_parse_layout("us", layout, sizeof(layout), variant, sizeof(variant)), 0);
	assert_string_equal(layout, "us");
	assert_string_equal(variant, "");

	assert_int_equal(options_parse_layout("de(nodeadkeys)", layout, sizeof(layout), variant,
					      sizeof(variant)),
			 0);
	assert_string_equal(layout, "de");
	assert_string_equal(variant, "nodeadkeys");

	assert_int_equal(
		options_parse_layout("us,de", layout, sizeof(layout), variant, sizeof(variant)), 0);
	assert_string_equal(layout, "us,de");
	assert_string_equal(variant, "");

	assert_int_equal(options_parse_layout("custom_layout-2", layout, sizeof(layout), variant,
					      sizeof(variant)),
			 0);
	assert_string_equal(layout, "custom_layout-2");
}

static void test_layout_invalid(void **state)
{
	const char *bad[] = {
		"",	  "(x)", "de(",	   "de()", "DE",    "de(a(b))",
		"de(a)b", "de)", "de(a))", "u s",  "us;de",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char layout[64] = "unchanged", variant[64] = "unchanged";
		if (options_parse_layout(bad[i], layout, sizeof(layout), variant,
					 sizeof(variant)) != -EINVAL)
			fail_msg("layout '%s' was accepted", bad[i]);
		assert_string_equal(layout, "unchanged");
		assert_string_equal(variant, "unchanged");
	}
}

static void test_layout_sizes(void **state)
{
	char layout[3], variant[4];
	/* "us" plus its terminator fills the buffer exactly; "usa" does not fit. */
	assert_int_equal(
		options_parse_layout("us", layout, sizeof(layout), variant, sizeof(variant)), 0);
	assert_string_equal(layout, "us");
	assert_int_equal(
		options_parse_layout("usa", layout, sizeof(layout), variant, sizeof(variant)),
		-EINVAL);
	assert_int_equal(
		options_parse_layout("de(abc)", layout, sizeof(layout), variant, sizeof(variant)),
		0);
	assert_string_equal(variant, "abc");
	assert_int_equal(
		options_parse_layout("de(abcd)", layout, sizeof(layout), variant, sizeof(variant)),
		-EINVAL);

	struct args a;
	char long_layout[80];
	memset(long_layout, 'a', sizeof(long_layout) - 1);
	long_layout[sizeof(long_layout) - 1] = '\0';
	assert_int_equal(parse(&a, "--headless", "1x1", "--keyboard-layout", long_layout, NULL),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_equals_form),
		cmocka_unit_test(test_headless_up_to_max),
		cmocka_unit_test(test_headless_bad_mode),
		cmocka_unit_test(test_backend_errors),
		cmocka_unit_test(test_seat_fd),
		cmocka_unit_test(test_input_needs_drm),
		cmocka_unit_test(test_input_limit),
		cmocka_unit_test(test_session_keeps_its_options),
		cmocka_unit_test(test_session_options_not_parsed_as_ours),
		cmocka_unit_test(test_empty_session),
		cmocka_unit_test(test_argument_without_separator),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_unknown_short_option_in_group),
		cmocka_unit_test(test_flag_with_value),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_repeat_values),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_reparse_resets),
		cmocka_unit_test(test_mode_valid),
		cmocka_unit_test(test_mode_invalid),
		cmocka_unit_test(test_layout_valid),
		cmocka_unit_test(test_layout_invalid),
		cmocka_unit_test(test_layout_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
