/* Unit tests for the logind-compatible export: path tags, seat names both ways, rule files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static void assert_tag(const char *id_path, const char *expected)
{
	char *tag = policy_udev_path_tag(id_path);
	assert_non_null(tag);
	assert_string_equal(tag, expected);
	free(tag);
}

static void test_path_tags(void **state)
{
	(void)state;
	/* ID_PATH / ID_PATH_TAG pairs as udevadm info shows them. */
	assert_tag("pci-0000:00:05.0-usb-0:1.2:1.0", "pci-0000_00_05_0-usb-0_1_2_1_0");
	assert_tag("pci-0000:00:14.0-usb-0:4.2.3.1:1.0", "pci-0000_00_14_0-usb-0_4_2_3_1_1_0");
	assert_tag("pci-0000:00:02.0", "pci-0000_00_02_0");
	assert_tag("pci-0000:02:00.0-platform-rtsx_pci_sdmmc.0",
		   "pci-0000_02_00_0-platform-rtsx_pci_sdmmc_0");
	assert_tag("platform-i8042-serio-0", "platform-i8042-serio-0");
	assert_tag("platform-xhci-hcd.1.auto-usb-0:1:1.0", "platform-xhci-hcd_1_auto-usb-0_1_1_0");
	assert_tag("acpi-LNXVIDEO:00", "acpi-LNXVIDEO_00");
	/* Runs of dropped characters give one '_'; none at either end. */
	assert_tag("::pci--0000::.:00", "pci--0000_00");
	assert_tag("_x_", "x");
	assert_tag("usb-0:1:", "usb-0_1");
	assert_tag("-usb-", "-usb-"); /* '-' is kept, even at the ends */
	assert_tag("a b\tc/d\xc3\xa9"
		   "e",
		   "a_b_c_d_e");

	errno = 0;
	assert_null(policy_udev_path_tag(":::"));
	assert_int_equal(errno, EINVAL);
	assert_null(policy_udev_path_tag(""));
	assert_int_equal(errno, EINVAL);
	assert_null(policy_udev_path_tag(NULL));
	assert_int_equal(errno, EINVAL);
}

static void assert_seat_name(const char *seat, const char *expected)
{
	char *name = policy_udev_seat_name(seat);
	assert_non_null(name);
	assert_string_equal(name, expected);
	free(name);
}

static void test_seat_names(void **state)
{
	(void)state;
	assert_seat_name("seat0", "seat0");
	assert_seat_name("seat-2", "seat-2");
	assert_seat_name("seat_x", "seat_x");
	assert_seat_name("seatbelt", "seatbelt");
	assert_seat_name("front-desk", "seat-front-desk");
	assert_seat_name("2", "seat-2");
	/* "seat" alone is no logind name. */
	assert_seat_name("seat", "seat-seat");
	errno = 0;
	assert_null(policy_udev_seat_name("front desk"));
	assert_int_equal(errno, EINVAL);
	assert_null(policy_udev_seat_name("a\"b"));
	assert_null(policy_udev_seat_name(NULL));
}

static void test_seat_lookup(void **state)
{
	(void)state;
	const char *const names[] = {"front-desk", "seat-2", "lab", "seat7", "4"};
	const int numbers[] = {1, 2, 3, 4, 5};
	size_t count = COUNT(names);
	/* Exact names first. */
	assert_int_equal(policy_udev_seat_lookup("seat-2", names, numbers, count), 1);
	assert_int_equal(policy_udev_seat_lookup("seat7", names, numbers, count), 3);
	/* Then what policy_udev_seat_name made of a name. */
	assert_int_equal(policy_udev_seat_lookup("seat-front-desk", names, numbers, count), 0);
	assert_int_equal(policy_udev_seat_lookup("seat-lab", names, numbers, count), 2);
	/* "seat-4" is the seat named 4 before it is the seat numbered 4. */
	assert_int_equal(policy_udev_seat_lookup("seat-4", names, numbers, count), 4);
	/* Then numbers. */
	assert_int_equal(policy_udev_seat_lookup("seat1", names, numbers, count), 0);
	assert_int_equal(policy_udev_seat_lookup("seat-1", names, numbers, count), 0);
	assert_int_equal(policy_udev_seat_lookup("seat2", names, numbers, count), 1);
	assert_int_equal(policy_udev_seat_lookup("seat3", names, numbers, count), 2);
	assert_int_equal(policy_udev_seat_lookup("seat4", names, numbers, count), 3);
	assert_int_equal(policy_udev_seat_lookup("seat-5", names, numbers, count), 4);
	/* Nothing. */
	assert_int_equal(policy_udev_seat_lookup("seat0", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat9", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat01", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat-", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("lab2", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat99999999999", names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat1", names, NULL, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat-2", names, NULL, count), 1);
	assert_int_equal(policy_udev_seat_lookup(NULL, names, numbers, count), -1);
	assert_int_equal(policy_udev_seat_lookup("seat-2", NULL, NULL, 0), -1);

	/* Every name survives the way out and back. */
	for (size_t i = 0; i < count; i++) {
		char *logind = policy_udev_seat_name(names[i]);
		assert_non_null(logind);
		assert_int_equal(policy_udev_seat_lookup(logind, names, numbers, count), (int)i);
		free(logind);
	}
	/* Two names that give one logind name: the one spelled so wins. */
	const char *const twins[] = {"lab", "seat-lab"};
	assert_int_equal(policy_udev_seat_lookup("seat-lab", twins, NULL, 2), 1);
	/* seat0 is only ever a seat of ours by its exact name. */
	const char *const zero[] = {"seat0"};
	assert_int_equal(policy_udev_seat_lookup("seat0", zero, (const int[]){1}, 1), 0);
}

static void test_rule_text(void **state)
{
	(void)state;
	struct policy_udev_rule rule;
	assert_int_equal(
		policy_udev_rule_init(&rule, "input-pci-0000_00_14_0-usb-0_1_2_1_0", "seat-2"), 0);
	assert_string_equal(rule.file_name, "72-seat-input-pci-0000_00_14_0-usb-0_1_2_1_0.rules");
	assert_string_equal(rule.text, "TAG==\"seat\", ENV{ID_FOR_SEAT}==\"input-pci-0000_00_14_0-"
				       "usb-0_1_2_1_0\", ENV{ID_SEAT}=\"seat-2\"\n");
	policy_udev_rule_finish(&rule);
	assert_null(rule.file_name);
	policy_udev_rule_finish(&rule); /* twice is harmless */

	assert_int_equal(policy_udev_rule_init(&rule, "drm-pci-0000_00_02_0", "seat0"), 0);
	assert_string_equal(rule.text, "TAG==\"seat\", ENV{ID_FOR_SEAT}==\"drm-pci-0000_00_02_0\", "
				       "ENV{ID_SEAT}=\"seat0\"\n");
	policy_udev_rule_finish(&rule);
}

static void test_rule_rejects(void **state)
{
	(void)state;
	static const char *const bad_ids[] = {
		"",	    "input-a\"b", "input/../../x", "input-a\nb", "input-a b",
		"input-a*", "input-a?",	  "input-[ab]",	   "input-a\\b", "input-a,b",
	};
	struct policy_udev_rule rule;
	for (size_t i = 0; i < COUNT(bad_ids); i++) {
		assert_int_equal(policy_udev_rule_init(&rule, bad_ids[i], "seat-1"), -EINVAL);
		assert_null(rule.file_name);
		assert_null(rule.text);
	}
	char long_id[300];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_int_equal(policy_udev_rule_init(&rule, long_id, "seat-1"), -EINVAL);

	static const char *const bad_seats[] = {"front-desk", "seat", "seat 1", "seat\"",
						"Seat1",      "",     "seat/1", "seat1\n"};
	for (size_t i = 0; i < COUNT(bad_seats); i++)
		assert_int_equal(policy_udev_rule_init(&rule, "input-x", bad_seats[i]), -EINVAL);
	assert_int_equal(policy_udev_rule_init(&rule, NULL, "seat1"), -EINVAL);
	assert_int_equal(policy_udev_rule_init(&rule, "input-x", NULL), -EINVAL);
}

/* Runs udevadm with `args` (NULL-terminated, without argv[0]), output hidden; its exit status. */
static int run_udevadm(const char *const *args)
{
	const char *argv[8] = {"udevadm"};
	size_t n = 1;
	for (; args[n - 1] && n < COUNT(argv) - 1; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* udev itself reads the rule: only where udevadm has `verify` (systemd 253 and later). */
static void test_rule_udevadm_verify(void **state)
{
	(void)state;
	int status = run_udevadm((const char *const[]){"verify", "--help", NULL});
	if (status == 127) {
		print_message("  udevadm is not installed: skipped\n");
		skip();
	}
	if (status != 0) {
		print_message("  this udevadm has no verify verb (systemd < 253): skipped\n");
		skip();
	}
	char dir[] = "/tmp/ms-udev-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct policy_udev_rule rule;
	assert_int_equal(policy_udev_rule_init(&rule, "input-pci-0000_00_14_0-usb-0_1_2_1_0",
					       "seat-front-desk"),
			 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, rule.file_name);
	FILE *file = fopen(path, "w");
	assert_non_null(file);
	fputs(rule.text, file);
	fclose(file);
	status = run_udevadm((const char *const[]){"verify", path, NULL});
	unlink(path);
	rmdir(dir);
	policy_udev_rule_finish(&rule);
	assert_int_equal(status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_tags),    cmocka_unit_test(test_seat_names),
		cmocka_unit_test(test_seat_lookup),  cmocka_unit_test(test_rule_text),
		cmocka_unit_test(test_rule_rejects), cmocka_unit_test(test_rule_udevadm_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
