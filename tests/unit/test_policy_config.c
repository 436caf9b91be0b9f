/* Unit tests for the policy module: multiseat.conf parsing, its errors, and value parsers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

static char path[64];

/* Writes `length` bytes of `text` to a fresh file and loads it. */
static int load_bytes(const char *text, size_t length, struct policy_config *config,
		      struct policy_errors *errors)
{
	snprintf(path, sizeof(path), "/tmp/ms-policy-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, length), (ssize_t)length);
	close(fd);
	*errors = (struct policy_errors){0};
	int ret = policy_config_load(config, path, errors);
	unlink(path);
	return ret;
}

static int load(const char *text, struct policy_config *config, struct policy_errors *errors)
{
	return load_bytes(text, strlen(text), config, errors);
}

/* The error messages must contain each of `expected` ("LINE: words"), in order, and no more. */
static void assert_errors(const struct policy_errors *errors, const char *const *expected,
			  size_t count)
{
	if (errors->count != count) {
		for (size_t i = 0; i < errors->count; i++)
			print_message("  error: %s\n", errors->lines[i]);
	}
	assert_int_equal(errors->count, count);
	for (size_t i = 0; i < count; i++) {
		char prefix[96];
		snprintf(prefix, sizeof(prefix), "%s:", path);
		assert_non_null(errors->lines[i]);
		assert_memory_equal(errors->lines[i], prefix, strlen(prefix));
		if (!strstr(errors->lines[i] + strlen(prefix), expected[i]))
			fail_msg("error %zu is '%s', expected it to contain '%s'", i,
				 errors->lines[i], expected[i]);
	}
}

static void test_empty_file_gives_defaults(void **state)
{
	(void)state;
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load("", &config, &errors), 0);
	assert_int_equal(errors.count, 0);
	assert_true(config.autoseat);
	assert_string_equal(config.state_dir, "/var/lib/multiseat");
	assert_string_equal(config.cgroup_root, "/sys/fs/cgroup/multiseat");
	assert_int_equal(config.seat_count, 0);
	assert_int_equal(config.defaults.mode, -1);
	assert_int_equal(config.defaults.caps.memory_max, POLICY_UNSET);
	assert_int_equal(config.login_timeout_s, POLICY_LOGIN_TIMEOUT_DEFAULT);
	assert_int_equal(config.vt, 1);
	assert_false(config.sysrq);
	policy_config_finish(&config);
}

/* sysrq: off unless asked for; a value that is not a yes or a no is named with its line. */
static void test_sysrq(void **state)
{
	(void)state;
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load("[daemon]\nsysrq = yes\n", &config, &errors), 0);
	assert_errors(&errors, NULL, 0);
	assert_true(config.sysrq);
	policy_config_finish(&config);
	const char *const want[] = {"3: sysrq = 438: expected true or false"};
	assert_int_equal(load("[daemon]\n\nsysrq = 438\n", &config, &errors), -EINVAL);
	assert_errors(&errors, want, 1);
	policy_errors_finish(&errors);
}

/* vt: a console number the kernel can have, or none; anything else is named with its line. */
static void test_vt(void **state)
{
	(void)state;
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load("[daemon]\nvt = 7\n", &config, &errors), 0);
	assert_errors(&errors, NULL, 0);
	assert_int_equal(config.vt, 7);
	policy_config_finish(&config);
	assert_int_equal(load("[daemon]\nvt = none\n", &config, &errors), 0);
	assert_int_equal(config.vt, 0);
	policy_config_finish(&config);

	static const char *const bad[] = {"0", "64", "tty1", "-1", "auto", "1.5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64], expected[96];
		snprintf(text, sizeof(text), "[daemon]\nvt = %s\n", bad[i]);
		snprintf(expected, sizeof(expected),
			 "2: vt = %s: expected a console number, 1 to 63, or none", bad[i]);
		const char *const want[] = {expected};
		assert_int_equal(load(text, &config, &errors), -EINVAL);
		assert_errors(&errors, want, 1);
		policy_errors_finish(&errors);
	}
}

/* login-timeout: whole seconds from 1 to an hour; anything else is named with its line. */
static void test_login_timeout(void **state)
{
	(void)state;
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load("[daemon]\nlogin-timeout = 3600\n", &config, &errors), 0);
	assert_errors(&errors, NULL, 0);
	assert_int_equal(config.login_timeout_s, 3600);
	policy_config_finish(&config);

	static const char *const bad[] = {"0", "3601", "30s", "max", "-5", "1e3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64], expected[96];
		snprintf(text, sizeof(text), "[daemon]\nlogin-timeout = %s\n", bad[i]);
		snprintf(expected, sizeof(expected),
			 "2: login-timeout = %s: expected seconds, 1 to 3600", bad[i]);
		const char *const want[] = {expected};
		assert_int_equal(load(text, &config, &errors), -EINVAL);
		assert_errors(&errors, want, 1);
		policy_errors_finish(&errors);
	}
}

static void test_full_config(void **state)
{
	(void)state;
	static const char text[] =
		"# a classroom\n"
		"[daemon]\n"
		"autoseat = no\n"
		"state-dir = /srv/ms\n"
		"log-level = debug ; inline comment\n"
		"caps = optional\n"
		"\n"
		"[seat-defaults]\n"
		"user = lab-%n\n"
		"mode = desktop\n"
		"keyboard-layout = de,us\n"
		"keyboard-options = grp:alt_shift_toggle\n"
		"cpu.max = 150%\n"
		"memory.max = 2G\n"
		"memory.high = 1536M\n"
		"pids.max = max\n"
		"cpu.weight = 100\n"
		"cpuset = auto\n"
		"\n"
		"[seat.front]\n"
		"outputs = pci-0000:00:02.0-DP-1\n"
		"devices = hub:pci-0000:00:14.0-usb-0:1, pci-0000:00:14.0-usb-0:5:1.0\n"
		"          udev:ID_SERIAL=Logitech_K120\n"
		"\n"
		"devices = path:platform-pcspkr\n"
		"mode = kiosk\n"
		"session = firefox --kiosk https://example.org\n"
		"\n"
		"[seat.back-2]\n"
		"outputs = pci-0000:01:00.0\n"
		"memory.swap.max = 0\n"
		"io.weight = 10000\n"
		"cpuset = 0-3,6\n";
	struct policy_config config;
	struct policy_errors errors;
	int ret = load(text, &config, &errors);
	assert_errors(&errors, NULL, 0);
	assert_int_equal(ret, 0);
	assert_false(config.autoseat);
	assert_string_equal(config.state_dir, "/srv/ms");
	assert_int_equal(config.log_level, LOG_LEVEL_DEBUG);
	assert_true(config.caps_optional);
	assert_string_equal(config.defaults.user, "lab-%n");
	assert_int_equal(config.defaults.mode, POLICY_MODE_DESKTOP);
	assert_string_equal(config.defaults.keyboard_layout, "de,us");
	assert_int_equal(config.defaults.caps.cpu_max_percent, 150);
	assert_int_equal(config.defaults.caps.memory_max, 2LL << 30);
	assert_int_equal(config.defaults.caps.memory_high, 1536LL << 20);
	assert_true(config.defaults.caps.pids_max == POLICY_MAX);
	assert_int_equal(config.defaults.caps.cpu_weight, 100);
	assert_string_equal(config.defaults.caps.cpuset, "auto");

	assert_int_equal(config.seat_count, 2);
	const struct policy_seat *front = policy_config_find_seat(&config, "front");
	assert_non_null(front);
	assert_int_equal(front->line, 20);
	assert_int_equal(front->output_count, 1);
	assert_string_equal(front->outputs[0].key, "pci-0000:00:02.0-DP-1");
	assert_int_equal(front->outputs[0].line, 21);
	assert_int_equal(front->device_count, 4);
	assert_int_equal(front->devices[0].match, POLICY_MATCH_HUB);
	assert_string_equal(front->devices[0].key, "pci-0000:00:14.0-usb-0:1");
	assert_int_equal(front->devices[1].match, POLICY_MATCH_PATH);
	assert_string_equal(front->devices[1].key, "pci-0000:00:14.0-usb-0:5:1.0");
	assert_int_equal(front->devices[2].match, POLICY_MATCH_PROPERTY);
	assert_string_equal(front->devices[2].key, "ID_SERIAL");
	assert_string_equal(front->devices[2].value, "Logitech_K120");
	assert_int_equal(front->devices[2].line, 23);
	assert_int_equal(front->devices[3].match, POLICY_MATCH_PATH);
	assert_string_equal(front->devices[3].key, "platform-pcspkr");
	assert_int_equal(front->settings.mode, POLICY_MODE_KIOSK);
	assert_string_equal(front->settings.session, "firefox --kiosk https://example.org");
	assert_null(front->settings.user); /* from the defaults */

	const struct policy_seat *back = policy_config_find_seat(&config, "back-2");
	assert_non_null(back);
	assert_int_equal(back->settings.caps.memory_swap_max, 0);
	assert_int_equal(back->settings.caps.io_weight, 10000);
	assert_string_equal(back->settings.caps.cpuset, "0-3,6");
	assert_null(policy_config_find_seat(&config, "nope"));
	policy_config_finish(&config);
}

static void test_every_error_with_its_line(void **state)
{
	(void)state;
	static const char text[] = "stray = 1\n"		/* 1 */
				   "[daemon]\n"			/* 2 */
				   "autoseat = maybe\n"		/* 3 */
				   "colour = blue\n"		/* 4 */
				   "log-level = loud\n"		/* 5 */
				   "[seat-defaults]\n"		/* 6 */
				   "memory.max = 12X\n"		/* 7 */
				   "cpu.max = 0%\n"		/* 8 */
				   "user = root\n"		/* 9 */
				   "mode = desk\n"		/* 10 */
				   "[seat.a]\n"			/* 11 */
				   "outputs = card-a\n"		/* 12 */
				   "devices = kbd-1\n"		/* 13 */
				   "mode = kiosk\n"		/* 14 */
				   "mode = desktop\n"		/* 15 */
				   "this line has no equals\n"	/* 16 */
				   "[seat.b]\n"			/* 17 */
				   "outputs = card-a\n"		/* 18 */
				   "devices = kbd-1 udev:FOO\n" /* 19 */
				   "session = foot\n"		/* 20 */
				   "  more\n"			/* 21 */
				   "[seat.a]\n"			/* 22 */
				   "user = x\n"			/* 23 */
				   "[seat.Bad!]\n"		/* 24 */
				   "[nonsense]\n"		/* 25 */
				   "[broken\n"			/* 26 */
				   "[seat.empty]\n"		/* 27 */
				   "pids.max = 0\n";		/* 28 */
	static const char *const expected[] = {
		"1: 'stray' is outside any section",
		"3: autoseat = maybe: expected true or false",
		"4: unknown key 'colour' in [daemon]",
		"5: log-level = loud: expected silent, error, info or debug",
		"7: memory.max = 12X: expected a size",
		"8: cpu.max = 0%: expected a share of one CPU",
		"9: user = root: sessions never run as root",
		"10: mode = desk: expected kiosk or desktop",
		"15: 'mode' is set twice in this section (first on line 14)",
		"16: expected KEY = VALUE",
		"19: devices: 'udev:FOO' is not path:ID_PATH, hub:ID_PATH or udev:PROPERTY=VALUE",
		"21: indented line: only outputs and devices continue",
		"22: [seat.a] appears twice (first on line 11)",
		"24: [seat.Bad!]: a seat name is 1 to 32 of a-z",
		"25: unknown section [nonsense]",
		"26: expected a section header",
		"28: pids.max = 0: expected a number of tasks",
		"18: output card-a is also in [seat.a] on line 12",
		"19: device kbd-1 is also in [seat.a] on line 13",
		"27: [seat.empty] has no outputs",
	};
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load(text, &config, &errors), -EINVAL);
	assert_errors(&errors, expected, sizeof(expected) / sizeof(expected[0]));
	policy_errors_finish(&errors);
}

static void test_long_line_and_orphan_indent(void **state)
{
	(void)state;
	char text[600];
	int n = snprintf(text, sizeof(text), "  indented = first\n[seat.x]\noutputs = ");
	memset(text + n, 'a', 300);
	/* The keys after a broken header are skipped, not given to [seat.x]. */
	snprintf(text + n + 300, sizeof(text) - (size_t)n - 300,
		 "\nuser = ok\n[broken\nuser = root\n");
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load(text, &config, &errors), -EINVAL);
	static const char *const expected[] = {
		"1: an indented line continues a list",
		"3: line longer than",
		"5: expected a section header",
		"2: [seat.x] has no outputs",
	};
	assert_errors(&errors, expected, 4);
	policy_errors_finish(&errors);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct policy_config config;
	struct policy_errors errors = {0};
	assert_int_equal(policy_config_load(&config, "/nonexistent/multiseat.conf", &errors),
			 -ENOENT);
	assert_int_equal(errors.count, 1);
	assert_string_equal(errors.lines[0],
			    "/nonexistent/multiseat.conf: cannot read: No such file or directory");
	policy_errors_finish(&errors);
}

static void test_bytes(void **state)
{
	(void)state;
	int64_t v;
	const char *why;
	assert_int_equal(policy_parse_bytes("0", &v, &why), 0);
	assert_int_equal(v, 0);
	assert_int_equal(policy_parse_bytes("4096", &v, &why), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(policy_parse_bytes("256M", &v, &why), 0);
	assert_int_equal(v, 256LL << 20);
	assert_int_equal(policy_parse_bytes("3k", &v, &why), 0);
	assert_int_equal(v, 3072);
	assert_int_equal(policy_parse_bytes("2T", &v, &why), 0);
	assert_int_equal(v, 2LL << 40);
	assert_int_equal(policy_parse_bytes("max", &v, &why), 0);
	assert_true(v == POLICY_MAX);
	const char *bad[] = {"",    "M",  "-1", "1.5G",		"1GB",
			     "12X", " 1", "1 ", "99999999999T", "18446744073709551616",
			     "MAX"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (policy_parse_bytes(bad[i], &v, &why) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(why);
	}
}

static void test_cpu_and_integers(void **state)
{
	(void)state;
	int64_t v;
	const char *why;
	assert_int_equal(policy_parse_cpu_percent("50%", &v, &why), 0);
	assert_int_equal(v, 50);
	assert_int_equal(policy_parse_cpu_percent("150%", &v, &why), 0);
	assert_int_equal(v, 150);
	assert_int_equal(policy_parse_cpu_percent("max", &v, &why), 0);
	assert_true(v == POLICY_MAX);
	const char *bad[] = {"50",	     "0%",   "%",      "50 %",	      "100001%",
			     "-5%",	     "1.5%", "50% of", "50% of cpus", "50% of machine ",
			     "0% of machine"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (policy_parse_cpu_percent(bad[i], &v, &why) != -EINVAL)
			fail_msg("cpu.max '%s' was accepted", bad[i]);
	}
	/* A share of the whole machine is one of a CPU times the CPUs. */
	assert_int_equal(policy_parse_cpu_share("25% of machine", 8, &v, &why), 0);
	assert_int_equal(v, 200);
	assert_int_equal(policy_parse_cpu_share("100% of machine", 1, &v, &why), 0);
	assert_int_equal(v, 100);
	assert_int_equal(policy_parse_cpu_share("50%", 8, &v, &why), 0);
	assert_int_equal(v, 50);
	assert_int_equal(policy_parse_cpu_share("50000% of machine", 4, &v, &why), -EINVAL);
	assert_int_equal(policy_parse_cpu_share("50% of machine", 0, &v, &why), -EINVAL);
	assert_int_equal(policy_parse_integer("7", 1, 10, false, &v, &why), 0);
	assert_int_equal(v, 7);
	assert_int_equal(policy_parse_integer("11", 1, 10, false, &v, &why), -EINVAL);
	assert_int_equal(policy_parse_integer("0", 1, 10, false, &v, &why), -EINVAL);
	assert_int_equal(policy_parse_integer("max", 1, 10, false, &v, &why), -EINVAL);
	assert_int_equal(policy_parse_integer("max", 1, 10, true, &v, &why), 0);
	assert_int_equal(policy_parse_integer("7x", 1, 10, true, &v, &why), -EINVAL);
}

static void test_cpuset_bool_names(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(policy_parse_cpuset("auto", &why), 0);
	assert_int_equal(policy_parse_cpuset("0", &why), 0);
	assert_int_equal(policy_parse_cpuset("0-3,6,8-9", &why), 0);
	const char *bad[] = {"", ",", "0,", "3-1", "a", "0-", "-1", "0 1", "4096"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (policy_parse_cpuset(bad[i], &why) != -EINVAL)
			fail_msg("cpuset '%s' was accepted", bad[i]);
	}
	bool b;
	assert_int_equal(policy_parse_bool("Yes", &b, &why), 0);
	assert_true(b);
	assert_int_equal(policy_parse_bool("off", &b, &why), 0);
	assert_false(b);
	assert_int_equal(policy_parse_bool("2", &b, &why), -EINVAL);
	assert_true(policy_seat_name_valid("seat-1"));
	assert_true(policy_seat_name_valid("1st_row"));
	assert_false(policy_seat_name_valid(""));
	assert_false(policy_seat_name_valid("-a"));
	assert_false(policy_seat_name_valid("Upper"));
	assert_false(policy_seat_name_valid("a.b"));
	assert_false(policy_seat_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
}

/* A NUL byte is named as such, not taken for the end of a long line. */
static void test_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "[daemon]\nautoseat = tr\0ue\n[seat.a]\noutputs = card\n";
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load_bytes(text, sizeof(text) - 1, &config, &errors), -EINVAL);
	static const char *const expected[] = {
		"2: a NUL byte in this line (multiseat.conf is a text file)",
	};
	assert_errors(&errors, expected, sizeof(expected) / sizeof(expected[0]));
	policy_errors_finish(&errors);
}

/* An error quotes what the file says, but never a control character: it stays one line. */
static void test_control_characters_not_quoted(void **state)
{
	(void)state;
	static const char text[] = "[seat-defa\x1b[2Jults]\n[daemon]\nlog-level = \x7floud\r\n";
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load(text, &config, &errors), -EINVAL);
	static const char *const expected[] = {
		"1: unknown section [seat-defa?[2Jults]",
		"3: log-level = ?loud: expected silent",
	};
	assert_errors(&errors, expected, sizeof(expected) / sizeof(expected[0]));
	policy_errors_finish(&errors);
}

/*
 * A user template is checked at load for the seats it is for, so that --check-config finds
 * what every seat would refuse: only digits, more than 32 characters, root.
 */
static void test_user_templates_checked(void **state)
{
	(void)state;
	static const char text[] = "[seat-defaults]\n"			      /* 1 */
				   "user = %n\n"			      /* 2 */
				   "[seat.front]\n"			      /* 3 */
				   "outputs = card-a\n"			      /* 4 */
				   "user = abcdefghijklmnopqrstuvwxyz-%s-x\n" /* 5 */
				   "[seat.root]\n"			      /* 6 */
				   "outputs = card-b\n"			      /* 7 */
				   "user = %s\n"			      /* 8 */
				   "[seat.back]\n"			      /* 9 */
				   "outputs = card-c\n"			      /* 10 */
				   "user = desk-%n-%s\n";		      /* 11 */
	static const char *const expected[] = {
		"5: seat front: user = abcdefghijklmnopqrstuvwxyz-%s-x gives "
		"'abcdefghijklmnopqrstuvwxyz-front-x', not a user name",
		"8: seat root: user = %s gives root: sessions never run as root",
		"2: seat seat-1: user = %n gives '1', not a user name",
	};
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load(text, &config, &errors), -EINVAL);
	assert_errors(&errors, expected, sizeof(expected) / sizeof(expected[0]));
	policy_errors_finish(&errors);

	/* Without autoseats the defaults' %n is for no seat: every seat has its own user. */
	static const char off[] = "[daemon]\nautoseat = false\n[seat-defaults]\nuser = %n\n"
				  "[seat.back]\noutputs = card-c\nuser = desk-%n-%s\n";
	assert_int_equal(load(off, &config, &errors), 0);
	assert_int_equal(errors.count, 0);
	policy_config_finish(&config);
	policy_errors_finish(&errors);
}

/* Two sections that logind would know by one name. */
static void test_logind_names_distinct(void **state)
{
	(void)state;
	static const char text[] = "[seat.2]\n"		 /* 1 */
				   "outputs = card-a\n"	 /* 2 */
				   "[seat.seat-2]\n"	 /* 3 */
				   "outputs = card-b\n"	 /* 4 */
				   "[seat.seat3]\n"	 /* 5 */
				   "outputs = card-c\n"; /* 6 */
	static const char *const expected[] = {
		"3: [seat.seat-2] and [seat.2] on line 1 are both logind's seat-2: rename one",
	};
	struct policy_config config;
	struct policy_errors errors;
	assert_int_equal(load(text, &config, &errors), -EINVAL);
	assert_errors(&errors, expected, sizeof(expected) / sizeof(expected[0]));
	policy_errors_finish(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file_gives_defaults),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_login_timeout),
		cmocka_unit_test(test_vt),
		cmocka_unit_test(test_sysrq),
		cmocka_unit_test(test_every_error_with_its_line),
		cmocka_unit_test(test_long_line_and_orphan_indent),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_control_characters_not_quoted),
		cmocka_unit_test(test_user_templates_checked),
		cmocka_unit_test(test_logind_names_distinct),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_cpu_and_integers),
		cmocka_unit_test(test_cpuset_bool_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
