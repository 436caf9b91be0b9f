/* Unit tests of the compositor's calloc: zeroed blocks, reuse of freed ones, glibc's limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void assert_zero(const unsigned char *block, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (block[i] != 0)
			fail_msg("byte %zu of %zu is %#x, not zero", i, size, block[i]);
	}
}

static void test_small_blocks_are_zero_even_reused(void **state)
{
	for (size_t size = 1; size <= 1100; size += 37) {
		unsigned char *dirty = malloc(size);
		assert_non_null(dirty);
		memset(dirty, 0xa5, size);
		free(dirty);
		unsigned char *block = calloc(1, size);
		assert_non_null(block);
		assert_zero(block, size);
		free(block);
	}
}

static void test_freed_block_comes_back(void **state)
{
	/* The point of it: a small zeroed block is the one just freed (glibc's thread cache),
	 * not a new search of the heap. */
	void *first = malloc(208);
	assert_non_null(first);
	free(first);
	void *again = calloc(1, 208);
	assert_ptr_equal(again, first);
	free(again);
}

static void test_count_times_size(void **state)
{
	uint32_t *words = calloc(100, sizeof(*words));
	assert_non_null(words);
	assert_zero((const unsigned char *)words, 100 * sizeof(*words));
	free(words);
	/* Larger than the thread cache holds: glibc's own calloc. */
	unsigned char *large = calloc(3, 1 << 20);
	assert_non_null(large);
	assert_zero(large, 3u << 20);
	free(large);
}

static void test_overflow_fails(void **state)
{
	/* volatile: the compiler refuses sizes it can see are too large. */
	volatile size_t half = SIZE_MAX / 2 + 1;
	errno = 0;
	assert_null(calloc(half, 2));
	assert_int_equal(errno, ENOMEM);
	assert_null(calloc(2, half));
}

static void test_zero_size(void **state)
{
	/* glibc gives a block that can be freed; so must we. */
	void *none = calloc(0, 16);
	free(none);
	none = calloc(16, 0);
	free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_blocks_are_zero_even_reused),
		cmocka_unit_test(test_freed_block_comes_back),
		cmocka_unit_test(test_count_times_size),
		cmocka_unit_test(test_overflow_fails),
		cmocka_unit_test(test_zero_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
