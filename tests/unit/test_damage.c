/* Unit tests of buffer-age damage: the repaint region per age, history order, box clipping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "damage.h"

#define WIDTH 100
#define HEIGHT 80

struct rect {
	int x, y, width, height;
};

/* Fails unless `region` is exactly the union of the `count` rectangles. */
static void assert_region(pixman_region32_t *region, const struct rect *rects, int count)
{
	pixman_region32_t expected;
	pixman_region32_init(&expected);
	for (int i = 0; i < count; i++)
		pixman_region32_union_rect(&expected, &expected, rects[i].x, rects[i].y,
					   (unsigned)rects[i].width, (unsigned)rects[i].height);
	bool equal = pixman_region32_equal(region, &expected);
	pixman_region32_fini(&expected);
	if (!equal) {
		pixman_box32_t *e = pixman_region32_extents(region);
		fail_msg("region has %d rectangles, extents %d,%d-%d,%d: not as expected",
			 pixman_region32_n_rects(region), e->x1, e->y1, e->x2, e->y2);
	}
}

static void assert_region_empty(pixman_region32_t *region)
{
	assert_false(pixman_region32_not_empty(region));
}

static void init_rect(pixman_region32_t *region, struct rect r)
{
	pixman_region32_init_rect(region, r.x, r.y, (unsigned)r.width, (unsigned)r.height);
}

static const struct rect older = {0, 0, 10, 10};
static const struct rect newer = {20, 20, 10, 10};
static const struct rect now = {40, 40, 10, 10};
static const struct rect everything = {0, 0, WIDTH, HEIGHT};

struct fixture {
	struct damage_history history;
	pixman_region32_t current, out;
};

static int setup(void **state)
{
	static struct fixture f;
	damage_history_init(&f.history);
	pixman_region32_t frame;
	init_rect(&frame, older);
	damage_history_take(&f.history, &frame);
	pixman_region32_fini(&frame);
	init_rect(&frame, newer);
	damage_history_take(&f.history, &frame);
	pixman_region32_fini(&frame);
	init_rect(&f.current, now);
	/* A stale result from an earlier frame: every repaint must replace it. */
	pixman_region32_init_rect(&f.out, 60, 60, 5, 5);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	damage_history_finish(&f->history);
	pixman_region32_fini(&f->current);
	pixman_region32_fini(&f->out);
	return 0;
}

static void test_age_unknown(void **state)
{
	struct fixture *f = *state;
	damage_history_repaint(&f->history, &f->current, 0, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, &everything, 1);
	damage_history_repaint(&f->history, &f->current, -1, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, &everything, 1);
}

static void test_age_one(void **state)
{
	struct fixture *f = *state;
	damage_history_repaint(&f->history, &f->current, 1, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, &now, 1);
}

static void test_age_two(void **state)
{
	struct fixture *f = *state;
	damage_history_repaint(&f->history, &f->current, 2, WIDTH, HEIGHT, &f->out);
	const struct rect expected[] = {now, newer};
	assert_region(&f->out, expected, 2);
}

static void test_age_three(void **state)
{
	struct fixture *f = *state;
	damage_history_repaint(&f->history, &f->current, 3, WIDTH, HEIGHT, &f->out);
	const struct rect expected[] = {now, newer, older};
	assert_region(&f->out, expected, 3);
}

static void test_age_beyond_history(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(DAMAGE_HISTORY, 2);
	damage_history_repaint(&f->history, &f->current, DAMAGE_HISTORY + 2, WIDTH, HEIGHT,
			       &f->out);
	assert_region(&f->out, &everything, 1);
	damage_history_repaint(&f->history, &f->current, 1000, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, &everything, 1);
}

static void test_no_damage(void **state)
{
	struct fixture *f = *state;
	pixman_region32_t nothing;
	pixman_region32_init(&nothing);
	damage_history_repaint(&f->history, &nothing, 1, WIDTH, HEIGHT, &f->out);
	assert_region_empty(&f->out);
	damage_history_repaint(&f->history, &nothing, 2, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, &newer, 1);
	pixman_region32_fini(&nothing);
}

static void test_repaint_is_clipped_to_the_buffer(void **state)
{
	struct fixture *f = *state;
	pixman_region32_t current;
	pixman_region32_init_rect(&current, 90, 70, 50, 50);
	pixman_region32_union_rect(&current, &current, -10, -10, 15, 15);
	damage_history_repaint(&f->history, &current, 1, WIDTH, HEIGHT, &f->out);
	const struct rect expected[] = {{90, 70, 10, 10}, {0, 0, 5, 5}};
	assert_region(&f->out, expected, 2);
	pixman_region32_fini(&current);
}

static void test_fresh_history_is_empty(void **state)
{
	struct damage_history history;
	damage_history_init(&history);
	pixman_region32_t current, out;
	pixman_region32_init_rect(&current, 1, 2, 3, 4);
	pixman_region32_init(&out);
	damage_history_repaint(&history, &current, 3, WIDTH, HEIGHT, &out);
	const struct rect expected = {1, 2, 3, 4};
	assert_region(&out, &expected, 1);
	pixman_region32_fini(&out);
	pixman_region32_fini(&current);
	damage_history_finish(&history);
}

static void test_take_order(void **state)
{
	struct fixture *f = *state;
	const struct rect newest = {70, 0, 5, 5};
	pixman_region32_t frame;
	init_rect(&frame, newest);
	damage_history_take(&f->history, &frame);
	/* The region was moved in: it is left empty, and using it again changes nothing. */
	assert_region_empty(&frame);
	pixman_region32_union_rect(&frame, &frame, 0, 70, 5, 5);
	pixman_region32_union_rect(&frame, &frame, 20, 70, 5, 5);

	assert_region(&f->history.frames[0], &newest, 1);
	assert_region(&f->history.frames[1], &newer, 1);
	/* `older` fell out of the history. */
	damage_history_repaint(&f->history, &f->current, 3, WIDTH, HEIGHT, &f->out);
	const struct rect expected[] = {now, newest, newer};
	assert_region(&f->out, expected, 3);
	damage_history_repaint(&f->history, &f->current, 2, WIDTH, HEIGHT, &f->out);
	assert_region(&f->out, expected, 2);

	pixman_region32_clear(&frame);
	damage_history_take(&f->history, &frame);
	assert_region_empty(&f->history.frames[0]);
	assert_region(&f->history.frames[1], &newest, 1);
	assert_region_empty(&frame);
	pixman_region32_fini(&frame);
}

static void test_take_many_boxes(void **state)
{
	/* Regions of several boxes own their box arrays: each must move, not be shared. */
	struct damage_history history;
	damage_history_init(&history);
	pixman_region32_t frame;
	pixman_region32_init(&frame);
	for (int i = 0; i < 5; i++) {
		for (int j = 0; j < 4; j++)
			pixman_region32_union_rect(&frame, &frame, i * 10 + j * 2, j * 20, 1, 1);
		damage_history_take(&history, &frame);
		assert_region_empty(&frame);
		assert_int_equal(pixman_region32_n_rects(&history.frames[0]), 4);
	}
	pixman_region32_fini(&frame);
	damage_history_finish(&history);
}

static void test_region_add_rect(void **state)
{
	pixman_region32_t region;
	pixman_region32_init(&region);
	damage_region_add_rect(&region, 5, 5, 0, 10);
	damage_region_add_rect(&region, 5, 5, 10, -1);
	assert_region_empty(&region);
	damage_region_add_rect(&region, 5, 5, 10, 10);
	const struct rect first = {5, 5, 10, 10};
	assert_region(&region, &first, 1);
	damage_region_add_rect(&region, 50, 5, 10, 10);
	const struct rect both[] = {first, {50, 5, 10, 10}};
	assert_region(&region, both, 2);
	pixman_region32_fini(&region);
}

static void test_region_take(void **state)
{
	pixman_region32_t dst, src;
	pixman_region32_init(&dst);
	pixman_region32_init(&src);
	/* Nothing to take. */
	damage_region_take(&dst, &src);
	assert_region_empty(&dst);
	/* Into an empty region. */
	pixman_region32_union_rect(&src, &src, 0, 0, 5, 5);
	pixman_region32_union_rect(&src, &src, 10, 10, 5, 5);
	damage_region_take(&dst, &src);
	assert_region_empty(&src);
	const struct rect two[] = {{0, 0, 5, 5}, {10, 10, 5, 5}};
	assert_region(&dst, two, 2);
	/* Into a region that has some. */
	pixman_region32_union_rect(&src, &src, 20, 0, 5, 5);
	damage_region_take(&dst, &src);
	assert_region_empty(&src);
	const struct rect three[] = {{0, 0, 5, 5}, {10, 10, 5, 5}, {20, 0, 5, 5}};
	assert_region(&dst, three, 3);
	pixman_region32_fini(&dst);
	pixman_region32_fini(&src);
}

static void test_add_box_translates(void **state)
{
	pixman_region32_t damage;
	pixman_region32_init(&damage);
	/* An output at (1920, 100) of 1280x720. */
	assert_true(damage_add_box(&damage, 1920, 100, 1280, 720, 2000, 200, 30, 40));
	const struct rect first = {80, 100, 30, 40};
	assert_region(&damage, &first, 1);
	damage_add_box(&damage, 1920, 100, 1280, 720, 1920, 100, 10, 10);
	const struct rect both[] = {first, {0, 0, 10, 10}};
	assert_region(&damage, both, 2);
	pixman_region32_fini(&damage);
}

static void test_add_box_clips(void **state)
{
	pixman_region32_t damage;
	pixman_region32_init(&damage);
	/* Straddling the left edge of an output at (1920, 0). */
	damage_add_box(&damage, 1920, 0, 1280, 720, 1900, 100, 50, 30);
	const struct rect left = {0, 100, 30, 30};
	assert_region(&damage, &left, 1);
	/* Over the bottom-right corner. */
	damage_add_box(&damage, 1920, 0, 1280, 720, 3190, 700, 100, 100);
	const struct rect both[] = {left, {1270, 700, 10, 20}};
	assert_region(&damage, both, 2);
	/* Entirely on another output: nothing. */
	assert_false(damage_add_box(&damage, 1920, 0, 1280, 720, 0, 0, 1920, 1080));
	assert_region(&damage, both, 2);
	assert_false(damage_add_box(&damage, 1920, 0, 1280, 720, 3200, 0, 10, 10));
	assert_region(&damage, both, 2);
	/* Larger than the output: exactly the output. */
	damage_add_box(&damage, 1920, 0, 1280, 720, -5000, -5000, 20000, 20000);
	const struct rect whole = {0, 0, 1280, 720};
	assert_region(&damage, &whole, 1);
	/* Coordinates whose sums overflow an int. */
	assert_true(damage_add_box(&damage, 1920, 0, 1280, 720, 2000, 10, 0x7fffffff, 0x7fffffff));
	assert_region(&damage, &whole, 1);
	pixman_region32_fini(&damage);
}

static void test_add_box_empty_sizes(void **state)
{
	pixman_region32_t damage;
	pixman_region32_init(&damage);
	damage_add_box(&damage, 0, 0, 800, 600, 10, 10, 0, 10);
	damage_add_box(&damage, 0, 0, 800, 600, 10, 10, 10, 0);
	damage_add_box(&damage, 0, 0, 800, 600, 10, 10, -10, 10);
	damage_add_box(&damage, 0, 0, 800, 600, 10, 10, 10, -10);
	assert_false(damage_add_box(&damage, 0, 0, 800, 600, 10, 10, -1, -1));
	assert_region_empty(&damage);

	damage_add_box(&damage, 0, 0, 800, 600, 10, 10, 5, 5);
	damage_add_box(&damage, 0, 0, 800, 600, 50, 50, -5, 5);
	const struct rect kept = {10, 10, 5, 5};
	assert_region(&damage, &kept, 1);
	pixman_region32_fini(&damage);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_age_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_two, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_three, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_beyond_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repaint_is_clipped_to_the_buffer, setup,
						teardown),
		cmocka_unit_test(test_fresh_history_is_empty),
		cmocka_unit_test_setup_teardown(test_take_order, setup, teardown),
		cmocka_unit_test(test_take_many_boxes),
		cmocka_unit_test(test_region_add_rect),
		cmocka_unit_test(test_region_take),
		cmocka_unit_test(test_add_box_translates),
		cmocka_unit_test(test_add_box_clips),
		cmocka_unit_test(test_add_box_empty_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
