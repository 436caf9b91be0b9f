/* Unit tests for the caps by name: `multiseatctl set` pairs, values as text, merging. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(cap) (1u << (cap))

static void test_names(void **state)
{
	(void)state;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		const char *name = policy_cap_name(cap);
		assert_non_null(name);
		assert_int_equal(policy_cap_find(name), cap);
		/* The list messages give names every key. */
		assert_non_null(strstr(POLICY_CAP_NAMES, name));
	}
	assert_int_equal(policy_cap_find("memory.max"), POLICY_CAP_MEMORY_MAX);
	assert_int_equal(policy_cap_find("memory"), -1);
	assert_int_equal(policy_cap_find(""), -1);
	assert_null(policy_cap_name(POLICY_CAP_COUNT));

	/* The messages' list is the table's, in its order, and nothing more. */
	char joined[256] = "";
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		size_t used = strlen(joined);
		snprintf(joined + used, sizeof(joined) - used, "%s%s", cap ? ", " : "",
			 policy_cap_name(cap));
	}
	assert_string_equal(joined, POLICY_CAP_NAMES);
}

/* Each cap is the cgroup file of its name, but cpuset, which is cpuset.cpus. */
static void test_cgroup_files(void **state)
{
	(void)state;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		const char *file = policy_cap_cgroup_file(cap);
		assert_non_null(file);
		assert_string_equal(file, cap == POLICY_CAP_CPUSET ? "cpuset.cpus"
								   : policy_cap_name(cap));
	}
	assert_null(policy_cap_cgroup_file(POLICY_CAP_COUNT));
	struct policy_caps caps;
	policy_caps_init(&caps);
	caps.memory_high = 1 << 20;
	caps.cpuset = "0-1";
	assert_int_equal(policy_caps_number(&caps, POLICY_CAP_MEMORY_HIGH), 1 << 20);
	assert_int_equal(policy_caps_number(&caps, POLICY_CAP_PIDS_MAX), POLICY_UNSET);
	assert_int_equal(policy_caps_number(&caps, POLICY_CAP_CPUSET), POLICY_UNSET);
	assert_int_equal(policy_caps_number(&caps, POLICY_CAP_COUNT), POLICY_UNSET);
}

/* The man pages that list the caps list every one (MAN_PAGES: the source's data/). */
static void test_man_pages_list_every_cap(void **state)
{
	(void)state;
	const char *dir = getenv("MAN_PAGES");
	assert_non_null(dir);
	static const char *const pages[] = {"multiseat.conf.5.scd", "multiseatctl.1.scd"};
	for (size_t i = 0; i < COUNT(pages); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, pages[i]);
		FILE *file = fopen(path, "r");
		assert_non_null(file);
		static char text[1 << 16];
		size_t length = fread(text, 1, sizeof(text) - 1, file);
		fclose(file);
		text[length] = '\0';
		for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
			char bold[64];
			snprintf(bold, sizeof(bold), "*%s*", policy_cap_name(cap));
			if (!strstr(text, bold))
				fail_msg("%s does not list %s", pages[i], bold);
		}
	}
}

static void test_pairs(void **state)
{
	(void)state;
	const char *pairs[] = {"memory.max=2G", "cpu.max=150%",	     "pids.max=max",
			       "cpuset=0-3,6",	"io.weight=default", "memory.high=268435456"};
	struct policy_caps caps;
	unsigned set, reset;
	char error[256] = "";
	assert_int_equal(policy_caps_parse_pairs(pairs, COUNT(pairs), &caps, &set, &reset, error,
						 sizeof(error)),
			 0);
	assert_int_equal(set, BIT(POLICY_CAP_MEMORY_MAX) | BIT(POLICY_CAP_CPU_MAX) |
				      BIT(POLICY_CAP_PIDS_MAX) | BIT(POLICY_CAP_CPUSET) |
				      BIT(POLICY_CAP_MEMORY_HIGH));
	assert_int_equal(reset, BIT(POLICY_CAP_IO_WEIGHT));
	assert_int_equal(caps.memory_max, 2ll << 30);
	assert_int_equal(caps.cpu_max_percent, 150);
	assert_int_equal(caps.pids_max, POLICY_MAX);
	assert_string_equal(caps.cpuset, "0-3,6");
	assert_int_equal(caps.io_weight, POLICY_UNSET);
	assert_int_equal(caps.cpu_weight, POLICY_UNSET);
	assert_int_equal(caps.memory_high, 256ll << 20);
	policy_caps_finish(&caps);
}

/* One bad pair among good ones: refused as a whole, with this message. */
static void assert_refused(const char *bad, const char *message)
{
	const char *pairs[] = {"io.weight=5", bad, "cpuset=1"};
	struct policy_caps caps;
	unsigned set = 7, reset = 7;
	char error[512] = "";
	assert_int_equal(policy_caps_parse_pairs(pairs, COUNT(pairs), &caps, &set, &reset, error,
						 sizeof(error)),
			 -EINVAL);
	assert_string_equal(error, message);
	assert_int_equal(set, 0);
	assert_int_equal(reset, 0);
}

static void test_pairs_refused(void **state)
{
	(void)state;
	assert_refused("memory.max=12Q", "memory.max=12Q: expected a size such as 512M, 2G or "
					 "1073741824 (K, M, G, T: powers of 1024), or max");
	assert_refused("memory.swap.max=-1", "memory.swap.max=-1: expected a size such as 512M, "
					     "2G or 1073741824 (K, M, G, T: powers of 1024), or "
					     "max");
	assert_refused("cpu.max=50",
		       "cpu.max=50: expected a share of one CPU such as 50% or 150%, or of "
		       "the whole machine such as 25% of machine (at most "
		       "100000% of one CPU), or max");
	assert_refused("cpu.max=0%",
		       "cpu.max=0%: expected a share of one CPU such as 50% or 150%, or of "
		       "the whole machine such as 25% of machine (at most "
		       "100000% of one CPU), or max");
	assert_refused("cpu.weight=0", "cpu.weight=0: expected a weight from 1 to 10000");
	assert_refused("cpu.weight=max", "cpu.weight=max: expected a weight from 1 to 10000");
	assert_refused("pids.max=0",
		       "pids.max=0: expected a number of tasks (1 to 4194304), or max");
	assert_refused("cpuset=a", "cpuset=a: expected auto, or CPU numbers and ranges separated "
				   "by commas (0-3,6)");
	assert_refused("memory.max=", "memory.max=: no value (give one, or default for the "
				      "configuration's)");
	assert_refused("io.weight=default", "io.weight is given twice");
	assert_refused("io.weight=5", "io.weight is given twice");
	assert_refused("colour=blue", "unknown key 'colour' (known: " POLICY_CAP_NAMES ")");
	assert_refused("=1", "unknown key '' (known: " POLICY_CAP_NAMES ")");
	assert_refused(
		"memory.max",
		"'memory.max' is not KEY=VALUE (such as memory.max=2G; keys: " POLICY_CAP_NAMES
		")");
	assert_refused("user=root", "unknown key 'user' (known: " POLICY_CAP_NAMES ")");
	/* A long value is quoted in part. */
	char long_value[300] = "pids.max=", nines[80] = "";
	memset(long_value + 9, '9', 200);
	long_value[209] = '\0';
	memset(nines, '9', 64);
	char expected[300];
	snprintf(expected, sizeof(expected),
		 "pids.max=%s: expected a number of tasks (1 to 4194304), or max", nines);
	assert_refused(long_value, expected);
	char long_key[300];
	memset(long_key, 'k', 200);
	strcpy(long_key + 200, "=1");
	snprintf(expected, sizeof(expected), "unknown key '%.64s' (known: " POLICY_CAP_NAMES ")",
		 long_key);
	assert_refused(long_key, expected);

	struct policy_caps caps;
	unsigned set, reset;
	char error[256];
	assert_int_equal(
		policy_caps_parse_pairs(NULL, 0, &caps, &set, &reset, error, sizeof(error)),
		-EINVAL);
	assert_string_equal(error, "no KEY=VALUE given (keys: " POLICY_CAP_NAMES ")");
}

static void assert_format(struct policy_caps *caps, enum policy_cap cap, const char *text)
{
	char buf[POLICY_CAP_TEXT_MAX], again[POLICY_CAP_TEXT_MAX];
	const char *out = policy_caps_format(caps, cap, buf, sizeof(buf));
	assert_non_null(out);
	assert_string_equal(out, text);
	/* What comes out goes back in as the same value. */
	struct policy_caps back;
	const char *why;
	policy_caps_init(&back);
	assert_int_equal(policy_caps_parse(&back, cap, out, &why), 0);
	assert_string_equal(policy_caps_format(&back, cap, again, sizeof(again)), text);
	policy_caps_finish(&back);
}

static void test_format(void **state)
{
	(void)state;
	struct policy_caps caps;
	policy_caps_init(&caps);
	char buf[POLICY_CAP_TEXT_MAX];
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		assert_false(policy_caps_has(&caps, cap));
		assert_null(policy_caps_format(&caps, cap, buf, sizeof(buf)));
	}
	caps.memory_max = 256ll << 20;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "256M");
	caps.memory_max = 1536ll << 20;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "1536M");
	caps.memory_max = 1000;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "1000");
	caps.memory_max = 0;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "0");
	caps.memory_max = 3ll << 40;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "3T");
	caps.memory_max = 1ll << 50;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "1024T");
	caps.memory_max = POLICY_MAX;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "max");
	caps.memory_high = 4096;
	assert_format(&caps, POLICY_CAP_MEMORY_HIGH, "4K");
	caps.memory_swap_max = 0;
	assert_format(&caps, POLICY_CAP_MEMORY_SWAP_MAX, "0");
	caps.cpu_max_percent = 150;
	assert_format(&caps, POLICY_CAP_CPU_MAX, "150%");
	caps.cpu_max_percent = POLICY_MAX;
	assert_format(&caps, POLICY_CAP_CPU_MAX, "max");
	caps.cpu_weight = 200;
	assert_format(&caps, POLICY_CAP_CPU_WEIGHT, "200");
	caps.io_weight = 10000;
	assert_format(&caps, POLICY_CAP_IO_WEIGHT, "10000");
	caps.pids_max = POLICY_MAX;
	assert_format(&caps, POLICY_CAP_PIDS_MAX, "max");
	const char *why;
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_CPUSET, "auto", &why), 0);
	assert_format(&caps, POLICY_CAP_CPUSET, "auto");
	assert_null(policy_caps_format(&caps, POLICY_CAP_MEMORY_MAX, buf, 3));
	/* The largest number fits the buffer the header names. */
	caps.memory_max = INT64_MAX - 1;
	assert_format(&caps, POLICY_CAP_MEMORY_MAX, "9223372036854775806");
	/* A cpuset is itself, however long. */
	char list[600] = "0";
	for (int cpu = 2; cpu < 400; cpu += 2)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), ",%d", cpu);
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_CPUSET, list, &why), 0);
	assert_string_equal(policy_caps_format(&caps, POLICY_CAP_CPUSET, buf, 1), list);
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_CPUSET, "auto", &why), 0);

	/* A refused value leaves the cap as it was. */
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_CPUSET, "9-1", &why), -EINVAL);
	assert_string_equal(caps.cpuset, "auto");
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_PIDS_MAX, "lots", &why), -EINVAL);
	assert_int_equal(caps.pids_max, POLICY_MAX);
	assert_int_equal(policy_caps_parse(&caps, POLICY_CAP_COUNT, "1", &why), -EINVAL);

	policy_caps_unset(&caps, POLICY_CAP_CPUSET);
	policy_caps_unset(&caps, POLICY_CAP_PIDS_MAX);
	assert_null(caps.cpuset);
	assert_int_equal(caps.pids_max, POLICY_UNSET);
	policy_caps_finish(&caps);
}

static void test_merge_copy_equal(void **state)
{
	(void)state;
	struct policy_caps base, over, copy;
	policy_caps_init(&base);
	policy_caps_init(&over);
	const char *why;
	assert_int_equal(policy_caps_parse(&base, POLICY_CAP_MEMORY_MAX, "4G", &why), 0);
	assert_int_equal(policy_caps_parse(&base, POLICY_CAP_CPU_MAX, "200%", &why), 0);
	assert_int_equal(policy_caps_parse(&base, POLICY_CAP_CPUSET, "0-1", &why), 0);
	assert_int_equal(policy_caps_copy(&copy, &base), 0);
	assert_true(policy_caps_equal(&copy, &base));
	assert_ptr_not_equal(copy.cpuset, base.cpuset);

	assert_int_equal(policy_caps_parse(&over, POLICY_CAP_MEMORY_MAX, "max", &why), 0);
	assert_int_equal(policy_caps_parse(&over, POLICY_CAP_PIDS_MAX, "64", &why), 0);
	assert_int_equal(policy_caps_merge(&base, &over), 0);
	assert_int_equal(base.memory_max, POLICY_MAX);
	assert_int_equal(base.cpu_max_percent, 200);
	assert_int_equal(base.pids_max, 64);
	assert_string_equal(base.cpuset, "0-1");
	assert_false(policy_caps_equal(&copy, &base));

	assert_int_equal(policy_caps_parse(&over, POLICY_CAP_CPUSET, "3", &why), 0);
	assert_int_equal(policy_caps_merge(&base, &over), 0);
	assert_string_equal(base.cpuset, "3");
	assert_int_equal(policy_caps_merge(&copy, &over), 0);
	assert_true(policy_caps_equal(&copy, &base));
	policy_caps_unset(&copy, POLICY_CAP_CPUSET);
	assert_false(policy_caps_equal(&copy, &base));
	policy_caps_finish(&base);
	policy_caps_finish(&over);
	policy_caps_finish(&copy);
}

/* [seat-defaults] <- [seat.NAME], the base `multiseatctl set` overrides. */
static void test_effective_caps(void **state)
{
	(void)state;
	struct policy_config config;
	assert_int_equal(policy_config_init_defaults(&config, "test.conf"), 0);
	const char *why;
	assert_int_equal(
		policy_caps_parse(&config.defaults.caps, POLICY_CAP_MEMORY_MAX, "2G", &why), 0);
	assert_int_equal(policy_caps_parse(&config.defaults.caps, POLICY_CAP_CPUSET, "auto", &why),
			 0);
	struct policy_seat seat = {.name = "a"};
	policy_caps_init(&seat.settings.caps);
	seat.settings.caps.memory_max = 1ll << 30;
	seat.settings.caps.pids_max = 50;

	struct policy_caps caps;
	assert_int_equal(policy_effective_caps_init(&caps, &config, &seat, NULL, NULL), 0);
	assert_int_equal(caps.memory_max, 1ll << 30);
	assert_int_equal(caps.pids_max, 50);
	assert_string_equal(caps.cpuset, "auto");
	policy_caps_finish(&caps);
	assert_int_equal(policy_effective_caps_init(&caps, &config, NULL, NULL, NULL), 0);
	assert_int_equal(caps.memory_max, 2ll << 30);
	assert_int_equal(caps.pids_max, POLICY_UNSET);
	policy_caps_finish(&caps);

	/* What `set` saved goes on top, for that seat only (no I/O: nothing is loaded). */
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, "/nonexistent"), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_CAPS, "a/pids.max", "80"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_CAPS, "b/memory.max", "3G"), 1);
	assert_int_equal(policy_effective_caps_init(&caps, &config, &seat, &saved, "a"), 0);
	assert_int_equal(caps.memory_max, 1ll << 30);
	assert_int_equal(caps.pids_max, 80);
	policy_caps_finish(&caps);
	/* And through the settings, as the daemon gets them. */
	struct policy_effective_settings settings;
	assert_int_equal(
		policy_effective_settings_init(&settings, &config, NULL, &saved, "b", 2, NULL), 0);
	assert_int_equal(settings.caps.memory_max, 3ll << 30);
	assert_string_equal(settings.caps.cpuset, "auto");
	policy_effective_settings_finish(&settings);
	policy_saved_finish(&saved);
	policy_config_finish(&config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cgroup_files),
		cmocka_unit_test(test_man_pages_list_every_cap),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_pairs_refused),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_merge_copy_equal),
		cmocka_unit_test(test_effective_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
