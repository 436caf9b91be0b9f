/* Unit tests of the session restart backoff: doubling, the cap, reset after a healthy run. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backoff.h"

static void test_delay_doubles(void **state)
{
	assert_int_equal(backoff_delay_ms(1), 1000);
	assert_int_equal(backoff_delay_ms(2), 2000);
	assert_int_equal(backoff_delay_ms(3), 4000);
	assert_int_equal(backoff_delay_ms(4), 8000);
	assert_int_equal(backoff_delay_ms(5), 16000);
	assert_int_equal(BACKOFF_FIRST_MS, 1000);
}

static void test_delay_capped(void **state)
{
	assert_int_equal(BACKOFF_CAP_MS, 30000);
	for (int attempt = 6; attempt <= 1000; attempt++)
		assert_int_equal(backoff_delay_ms(attempt), BACKOFF_CAP_MS);
	assert_int_equal(backoff_delay_ms(INT_MAX - 1), BACKOFF_CAP_MS);
	assert_int_equal(backoff_delay_ms(INT_MAX), BACKOFF_CAP_MS);
}

static void test_delay_below_one(void **state)
{
	assert_int_equal(backoff_delay_ms(0), 1000);
	assert_int_equal(backoff_delay_ms(-1), 1000);
	assert_int_equal(backoff_delay_ms(INT_MIN), 1000);
}

static void test_next_attempt_grows(void **state)
{
	assert_int_equal(backoff_next_attempt(0, 0), 1);
	assert_int_equal(backoff_next_attempt(1, 0), 2);
	assert_int_equal(backoff_next_attempt(2, 500), 3);
	assert_int_equal(backoff_next_attempt(5, BACKOFF_HEALTHY_MS - 1), 6);
	/* Growth stops somewhere harmless rather than overflowing. */
	assert_int_equal(backoff_next_attempt(1000, 0), 1000);
	assert_int_equal(backoff_next_attempt(INT_MAX, 0), INT_MAX);
	assert_int_equal(backoff_next_attempt(-3, 0), 1);
}

static void test_next_attempt_resets_after_healthy_run(void **state)
{
	assert_int_equal(BACKOFF_HEALTHY_MS, 60000);
	assert_int_equal(backoff_next_attempt(7, BACKOFF_HEALTHY_MS), 1);
	assert_int_equal(backoff_next_attempt(7, BACKOFF_HEALTHY_MS + 1), 1);
	assert_int_equal(backoff_next_attempt(1, UINT64_MAX), 1);
	assert_int_equal(backoff_next_attempt(INT_MAX, 24ull * 3600 * 1000), 1);
}

static void test_crash_loop_sequence(void **state)
{
	/* A session that keeps dying at once: 1, 2, 4, 8, 16, 30, 30 s; then a healthy run. */
	const int expected[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
	int attempt = 0;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		attempt = backoff_next_attempt(attempt, 100);
		assert_int_equal(attempt, (int)i + 1);
		assert_int_equal(backoff_delay_ms(attempt), expected[i]);
	}
	attempt = backoff_next_attempt(attempt, 3600000);
	assert_int_equal(attempt, 1);
	assert_int_equal(backoff_delay_ms(attempt), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_doubles),
		cmocka_unit_test(test_delay_capped),
		cmocka_unit_test(test_delay_below_one),
		cmocka_unit_test(test_next_attempt_grows),
		cmocka_unit_test(test_next_attempt_resets_after_healthy_run),
		cmocka_unit_test(test_crash_loop_sequence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
