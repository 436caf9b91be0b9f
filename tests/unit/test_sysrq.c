/* Unit tests for SysRq on held keyboards: finding Alt+SysRq+<key> in key events, and
 * kernel.sysrq's say over each command. */
#include <errno.h>
#include <linux/input.h>
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

#include "sysrq.h"

/* Feeds one event; returns whether it was taken, *command what it completed. */
static bool feed(struct sysrq_tracker *t, unsigned int code, int value, char *command)
{
	return sysrq_tracker_key(t, code, value, command);
}

static void test_combination(void **state)
{
	(void)state;
	struct sysrq_tracker t = {0};
	char c;
	assert_false(feed(&t, KEY_LEFTALT, 1, &c)); /* Alt reaches the client */
	assert_true(feed(&t, KEY_SYSRQ, 1, &c));
	assert_int_equal(c, 0);
	assert_true(feed(&t, KEY_S, 1, &c));
	assert_int_equal(c, 's');
	assert_true(feed(&t, KEY_S, 2, &c)); /* its repeat */
	assert_int_equal(c, 0);
	assert_true(feed(&t, KEY_S, 0, &c)); /* and its release */
	assert_true(feed(&t, KEY_SYSRQ, 0, &c));
	/* Still Alt held: another command, by the key's US position (KEY_B is 'b'). */
	assert_true(feed(&t, KEY_B, 1, &c));
	assert_int_equal(c, 'b');
	assert_true(feed(&t, KEY_B, 0, &c));
	assert_false(feed(&t, KEY_LEFTALT, 0, &c));
	/* Alt up: keys are the client's again. */
	assert_false(feed(&t, KEY_B, 1, &c));
	assert_int_equal(c, 0);
	assert_false(feed(&t, KEY_B, 0, &c));
}

static void test_not_a_combination(void **state)
{
	(void)state;
	struct sysrq_tracker t = {0};
	char c;
	/* SysRq (Print Screen) alone, or a letter after it without Alt: the client's. */
	assert_false(feed(&t, KEY_SYSRQ, 1, &c));
	assert_false(feed(&t, KEY_SYSRQ, 0, &c));
	assert_false(feed(&t, KEY_H, 1, &c));
	assert_false(feed(&t, KEY_H, 0, &c));
	/* A key held before Alt+SysRq keeps going to the client when it is let go. */
	assert_false(feed(&t, KEY_A, 1, &c));
	assert_false(feed(&t, KEY_RIGHTALT, 1, &c));
	assert_true(feed(&t, KEY_SYSRQ, 1, &c));
	assert_false(feed(&t, KEY_A, 0, &c));
	/* A key that is no command (Enter) is taken, but runs nothing. */
	assert_true(feed(&t, KEY_ENTER, 1, &c));
	assert_int_equal(c, 0);
	assert_true(feed(&t, KEY_ENTER, 0, &c));
	/* Both Alts: the combination lasts until the last one is up. */
	assert_false(feed(&t, KEY_LEFTALT, 1, &c));
	assert_false(feed(&t, KEY_RIGHTALT, 0, &c));
	assert_true(feed(&t, KEY_1, 1, &c));
	assert_int_equal(c, '1');
	assert_false(feed(&t, KEY_LEFTALT, 0, &c));
	/* Let go after Alt: still taken (its press was). */
	assert_true(feed(&t, KEY_1, 0, &c));
	assert_false(feed(&t, KEY_1, 1, &c));
	/* Codes past the table are never remembered, never run. */
	assert_false(feed(&t, 700, 1, &c));
	assert_false(feed(&t, 700, 0, &c));
}

static void test_kernel_mask(void **state)
{
	(void)state;
	/* Debian's kernel.sysrq = 438: log level, keyboard, sync, remount, reboot, RT nice. */
	const int debian = 438;
	assert_true(sysrq_allowed(debian, 's'));
	assert_true(sysrq_allowed(debian, 'u'));
	assert_true(sysrq_allowed(debian, 'b'));
	assert_true(sysrq_allowed(debian, 'o'));
	assert_true(sysrq_allowed(debian, 'r'));
	assert_true(sysrq_allowed(debian, '5'));
	assert_true(sysrq_allowed(debian, 'n'));
	assert_false(sysrq_allowed(debian, 't')); /* dumps */
	assert_false(sysrq_allowed(debian, 'c'));
	assert_false(sysrq_allowed(debian, 'e')); /* signals */
	assert_false(sysrq_allowed(debian, 'i'));
	assert_false(sysrq_allowed(debian, 'q')); /* no bit of its own: only with 1 */
	assert_true(sysrq_allowed(debian, 'h'));  /* help, always */
	assert_true(sysrq_allowed(1, 'q'));
	assert_true(sysrq_allowed(1, 't'));
	assert_false(sysrq_allowed(0, 's'));
	assert_true(sysrq_allowed(0, 'h'));
	assert_false(sysrq_allowed(1, 'S'));
	assert_false(sysrq_allowed(1, '\n'));
	assert_false(sysrq_allowed(-5, 's'));
}

static void test_run(void **state)
{
	(void)state;
	char dir[] = "/tmp/ms-sysrq-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char mask_path[64], trigger_path[64];
	snprintf(mask_path, sizeof(mask_path), "%s/sysrq", dir);
	snprintf(trigger_path, sizeof(trigger_path), "%s/trigger", dir);
	FILE *f = fopen(mask_path, "w");
	fputs("438\n", f);
	fclose(f);
	fclose(fopen(trigger_path, "w"));
	int mask = 0;
	assert_int_equal(sysrq_run('s', mask_path, trigger_path, &mask), 0);
	assert_int_equal(mask, 438);
	assert_int_equal(sysrq_run('t', mask_path, trigger_path, &mask), -EPERM);
	assert_int_equal(sysrq_run('!', mask_path, trigger_path, &mask), -EINVAL);
	char written[8] = "";
	f = fopen(trigger_path, "r");
	size_t n = fread(written, 1, sizeof(written) - 1, f);
	fclose(f);
	assert_int_equal(n, 1);
	assert_string_equal(written, "s"); /* only what was allowed */
	/* An unreadable setting: nothing runs. */
	f = fopen(mask_path, "w");
	fputs("garbage", f);
	fclose(f);
	assert_int_equal(sysrq_run('s', mask_path, trigger_path, &mask), -EIO);
	char missing[80];
	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(sysrq_run('s', missing, trigger_path, &mask), -ENOENT);
	unlink(mask_path);
	unlink(trigger_path);
	rmdir(dir);
}

static void set_bit(uint8_t *bits, unsigned int code)
{
	bits[code / 8] |= (uint8_t)(1u << (code % 8));
}

static void assert_tap(const struct input_event *events, unsigned int code)
{
	assert_int_equal(events[0].type, EV_KEY);
	assert_int_equal(events[0].code, code);
	assert_int_equal(events[0].value, 1);
	assert_int_equal(events[1].type, EV_SYN);
	assert_int_equal(events[1].code, SYN_REPORT);
	assert_int_equal(events[2].type, EV_KEY);
	assert_int_equal(events[2].code, code);
	assert_int_equal(events[2].value, 0);
	assert_int_equal(events[3].type, EV_SYN);
}

static void test_filter_reset_events(void **state)
{
	(void)state;
	uint8_t keybits[KEY_CNT / 8] = {0}, down[KEY_CNT / 8] = {0};
	struct input_event events[8];
	/* No Alt at all: nothing to send. */
	set_bit(keybits, KEY_A);
	assert_int_equal(sysrq_filter_reset_events(keybits, down, events), 0);
	/* Both Alts: a tap of each, left first, every event followed by a SYN_REPORT. */
	set_bit(keybits, KEY_LEFTALT);
	set_bit(keybits, KEY_RIGHTALT);
	assert_int_equal(sysrq_filter_reset_events(keybits, down, events), 8);
	assert_tap(events, KEY_LEFTALT);
	assert_tap(events + 4, KEY_RIGHTALT);
	/* An Alt held now is left to its own release. */
	set_bit(down, KEY_LEFTALT);
	assert_int_equal(sysrq_filter_reset_events(keybits, down, events), 4);
	assert_tap(events, KEY_RIGHTALT);
}

static void test_filter_reset_all(void **state)
{
	(void)state;
	char dev[] = "/tmp/sysrq-dev-XXXXXX", sys[] = "/tmp/sysrq-sys-XXXXXX";
	assert_non_null(mkdtemp(dev));
	assert_non_null(mkdtemp(sys));
	char path[128], link[128];
	/* event0: not an evdev node; event1: a virtual device; mouse0: not an event node. */
	const char *nodes[] = {"event0", "event1", "mouse0"};
	const char *targets[] = {"../../devices/pci0000:00/input/input0/event0",
				 "../../devices/virtual/input/input1/event1",
				 "../../devices/pci0000:00/input/input2/mouse0"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, nodes[i]);
		fclose(fopen(path, "w"));
		snprintf(link, sizeof(link), "%s/%s", sys, nodes[i]);
		assert_int_equal(symlink(targets[i], link), 0);
	}
	/* Nothing there is a keyboard: none is reset, and nothing is written into the files. */
	assert_int_equal(sysrq_filter_reset_all(dev, sys), 0);
	struct stat st;
	snprintf(path, sizeof(path), "%s/event0", dev);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* A directory that is not there is no error: no keyboards. */
	assert_int_equal(sysrq_filter_reset_all("/nonexistent/input", sys), 0);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, nodes[i]);
		unlink(path);
		snprintf(link, sizeof(link), "%s/%s", sys, nodes[i]);
		unlink(link);
	}
	rmdir(dev);
	rmdir(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_combination),
		cmocka_unit_test(test_not_a_combination),
		cmocka_unit_test(test_kernel_mask),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_filter_reset_events),
		cmocka_unit_test(test_filter_reset_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
