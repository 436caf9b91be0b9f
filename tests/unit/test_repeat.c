/* Unit tests of key repeat timing: delay, rate without drift, release, replacement, stalls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "repeat.h"

#define KEY_A 30
#define KEY_S 31

/* Calls key_repeat_fire every `step` ms from `from` to `to` inclusive; the repeats in total. */
static int fire_every(struct key_repeat *repeat, uint64_t from, uint64_t to, uint64_t step)
{
	int total = 0;
	for (uint64_t t = from; t <= to; t += step) {
		int count = key_repeat_fire(repeat, t);
		assert_in_range(count, 0, repeat->rate);
		total += count;
	}
	return total;
}

static void test_idle(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	assert_int_equal(key_repeat_timeout(&r, 0), -1);
	assert_int_equal(key_repeat_fire(&r, 0), 0);
	assert_int_equal(key_repeat_fire(&r, 100000), 0);
	key_repeat_release(&r, KEY_A);
	assert_int_equal(key_repeat_timeout(&r, 100000), -1);
}

static void test_no_repeat_before_delay(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 1000);
	assert_int_equal(key_repeat_fire(&r, 1000), 0);
	assert_int_equal(key_repeat_fire(&r, 1300), 0);
	assert_int_equal(key_repeat_fire(&r, 1599), 0);
}

static void test_first_repeat_at_delay(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 1000);
	assert_int_equal(key_repeat_fire(&r, 1600), 1);
	/* Calling again at the same time does not repeat twice. */
	assert_int_equal(key_repeat_fire(&r, 1600), 0);
	assert_int_equal(key_repeat_fire(&r, 1639), 0);
	assert_int_equal(key_repeat_fire(&r, 1640), 1);
	assert_int_equal(key_repeat_fire(&r, 1679), 0);
	assert_int_equal(key_repeat_fire(&r, 1680), 1);
}

static void test_press_at_time_zero(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_timeout(&r, 0), 600);
	assert_int_equal(key_repeat_fire(&r, 599), 0);
	assert_int_equal(key_repeat_fire(&r, 600), 1);
}

static void test_count_after_one_second(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 5000);
	/* One late call just under a second after the first repeat: the first plus 24 more. */
	assert_int_equal(key_repeat_fire(&r, 5000 + 600 + 999), 25);
	assert_int_equal(key_repeat_timeout(&r, 5000 + 600 + 999), 1);
	assert_int_equal(key_repeat_fire(&r, 5000 + 600 + 1000), 1);
	assert_int_equal(key_repeat_timeout(&r, 5000 + 600 + 1000), 40);

	/* The same second, polled every millisecond, every 16 ms and at odd times. */
	const uint64_t steps[] = {1, 3, 7, 16, 17, 33, 999};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		key_repeat_press(&r, KEY_A, 5000);
		assert_int_equal(fire_every(&r, 5000, 5000 + 600 + 1000, steps[i]) +
					 key_repeat_fire(&r, 5000 + 600 + 1000),
				 26);
	}
}

static void test_long_hold_does_not_drift(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	const uint64_t start = 123456;
	key_repeat_press(&r, KEY_A, start);
	int total = fire_every(&r, start, start + 60000, 7);
	/* 60000 is not a multiple of 7: the last call was at 59997, so fire the rest. */
	total += key_repeat_fire(&r, start + 60000);
	assert_int_equal(total, (60000 - 600) / 40 + 1);

	/* Exactly on the schedule, every 40 ms: one each time. */
	key_repeat_press(&r, KEY_S, start);
	assert_int_equal(key_repeat_fire(&r, start + 599), 0);
	for (uint64_t t = start + 600; t <= start + 60000; t += 40)
		assert_int_equal(key_repeat_fire(&r, t), 1);
}

static void test_long_hold_other_rates(void **state)
{
	/* Rates whose interval is not a whole number of milliseconds. */
	const int rates[] = {30, 33, 7, 1, 1000};
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct key_repeat r;
		key_repeat_init(&r, rates[i], 250);
		key_repeat_press(&r, KEY_A, 0);
		int total = fire_every(&r, 0, 60000, 7);
		total += key_repeat_fire(&r, 60000);
		int expected = (int)((60000 - 250) * (int64_t)rates[i] / 1000) + 1;
		if (total != expected)
			fail_msg("rate %d: %d repeats, expected %d", rates[i], total, expected);
	}
}

static void test_release_other_key(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 0);
	key_repeat_release(&r, KEY_S);
	assert_int_equal(key_repeat_timeout(&r, 0), 600);
	assert_int_equal(key_repeat_fire(&r, 600), 1);
	key_repeat_release(&r, KEY_S);
	assert_int_equal(key_repeat_fire(&r, 640), 1);
}

static void test_release_repeating_key(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 620), 1);
	key_repeat_release(&r, KEY_A);
	assert_int_equal(key_repeat_timeout(&r, 620), -1);
	assert_int_equal(key_repeat_fire(&r, 640), 0);
	assert_int_equal(key_repeat_fire(&r, 100000), 0);

	/* Released before the delay: never repeats. */
	key_repeat_press(&r, KEY_A, 200000);
	key_repeat_release(&r, KEY_A);
	assert_int_equal(key_repeat_fire(&r, 200600), 0);
}

static void test_new_press_replaces(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600), 1);
	key_repeat_press(&r, KEY_S, 700);
	assert_int_equal(r.key, KEY_S);
	/* The delay starts over for the new key. */
	assert_int_equal(key_repeat_timeout(&r, 700), 600);
	assert_int_equal(key_repeat_fire(&r, 1299), 0);
	/* Releasing the replaced key does not stop the new one. */
	key_repeat_release(&r, KEY_A);
	assert_int_equal(key_repeat_fire(&r, 1300), 1);
	key_repeat_release(&r, KEY_S);
	assert_int_equal(key_repeat_fire(&r, 1340), 0);
}

static void test_rate_zero_never_repeats(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 0, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_timeout(&r, 0), -1);
	assert_int_equal(key_repeat_fire(&r, 600), 0);
	assert_int_equal(key_repeat_fire(&r, 3600000), 0);

	key_repeat_init(&r, -5, 600);
	assert_int_equal(r.rate, 0);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600000), 0);
}

static void test_delay_at_least_one_ms(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 0);
	key_repeat_press(&r, KEY_A, 10);
	assert_int_equal(key_repeat_fire(&r, 10), 0);
	assert_int_equal(key_repeat_timeout(&r, 10), 1);
	assert_int_equal(key_repeat_fire(&r, 11), 1);
}

static void test_timeout_values(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 1000);
	assert_int_equal(key_repeat_timeout(&r, 1000), 600);
	assert_int_equal(key_repeat_timeout(&r, 1599), 1);
	assert_int_equal(key_repeat_timeout(&r, 1600), 0);
	/* Overdue is still 0, never negative. */
	assert_int_equal(key_repeat_timeout(&r, 5000), 0);
	assert_int_equal(key_repeat_fire(&r, 1600), 1);
	assert_int_equal(key_repeat_timeout(&r, 1600), 40);
	assert_int_equal(key_repeat_timeout(&r, 1625), 15);

	/* A fractional interval rounds up, so a timer never fires before the repeat is due. */
	key_repeat_init(&r, 30, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600), 1);
	assert_int_equal(key_repeat_timeout(&r, 600), 34);
	assert_int_equal(key_repeat_timeout(&r, 633), 1);
	assert_int_equal(key_repeat_fire(&r, 633), 0);
	assert_int_equal(key_repeat_timeout(&r, 634), 0);
	assert_int_equal(key_repeat_fire(&r, 634), 1);
}

static void test_stall_is_capped(void **state)
{
	struct key_repeat r;
	key_repeat_init(&r, 25, 600);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600), 1);
	/* An hour of suspend: at most a second's worth. */
	assert_int_equal(key_repeat_fire(&r, 600 + 3600000), 25);
	/* The schedule moved past the stall rather than catching up later. */
	assert_int_equal(key_repeat_fire(&r, 600 + 3600000), 0);
	assert_int_equal(key_repeat_timeout(&r, 600 + 3600000), 40);
	assert_int_equal(key_repeat_fire(&r, 600 + 3600040), 1);

	/* Just at the cap and just over it. */
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600 + 24 * 40), 25);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, 600 + 25 * 40), 25);
	assert_int_equal(key_repeat_fire(&r, 600 + 26 * 40), 1);

	key_repeat_init(&r, 1000, 1);
	key_repeat_press(&r, KEY_A, 0);
	assert_int_equal(key_repeat_fire(&r, UINT64_C(1) << 40), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_no_repeat_before_delay),
		cmocka_unit_test(test_first_repeat_at_delay),
		cmocka_unit_test(test_press_at_time_zero),
		cmocka_unit_test(test_count_after_one_second),
		cmocka_unit_test(test_long_hold_does_not_drift),
		cmocka_unit_test(test_long_hold_other_rates),
		cmocka_unit_test(test_release_other_key),
		cmocka_unit_test(test_release_repeating_key),
		cmocka_unit_test(test_new_press_replaces),
		cmocka_unit_test(test_rate_zero_never_repeats),
		cmocka_unit_test(test_delay_at_least_one_ms),
		cmocka_unit_test(test_timeout_values),
		cmocka_unit_test(test_stall_is_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
