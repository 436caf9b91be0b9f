/* Unit tests of window placement: centring windows and xdg popups under constraints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "placement.h"
#include "xdg-shell-server-protocol.h"

#define assert_box(actual, ex, ey, ew, eh)                                                         \
	do {                                                                                       \
		struct box b_ = (actual);                                                          \
		if (b_.x != (ex) || b_.y != (ey) || b_.width != (ew) || b_.height != (eh))         \
			fail_msg("box %d,%d %dx%d, expected %d,%d %dx%d", b_.x, b_.y, b_.width,    \
				 b_.height, (ex), (ey), (ew), (eh));                               \
	} while (0)

static const struct box screen = {0, 0, 800, 600};

static struct positioner popup(int rx, int ry, int rw, int rh, int width, int height,
			       uint32_t anchor, uint32_t gravity, uint32_t adjust)
{
	return (struct positioner){
		.width = width,
		.height = height,
		.anchor_rect = {rx, ry, rw, rh},
		.anchor = anchor,
		.gravity = gravity,
		.constraint_adjustment = adjust,
		.has_size = true,
		.has_anchor_rect = true,
	};
}

static void test_center(void **state)
{
	struct box area = {0, 0, 1000, 800};
	int x, y;
	placement_center(&area, 200, 100, &x, &y);
	assert_int_equal(x, 400);
	assert_int_equal(y, 350);
	placement_center(&area, 1000, 800, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	/* Odd leftovers round towards the top-left. */
	placement_center(&area, 201, 101, &x, &y);
	assert_int_equal(x, 399);
	assert_int_equal(y, 349);
}

static void test_center_too_big(void **state)
{
	struct box area = {0, 0, 1000, 800};
	int x, y;
	placement_center(&area, 1200, 900, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	/* Only the axis that does not fit is clamped. */
	placement_center(&area, 200, 2000, &x, &y);
	assert_int_equal(x, 400);
	assert_int_equal(y, 0);
	placement_center(&area, 3000, 100, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 350);
}

static void test_center_with_origin(void **state)
{
	struct box area = {1920, 100, 1280, 720};
	int x, y;
	placement_center(&area, 280, 120, &x, &y);
	assert_int_equal(x, 1920 + 500);
	assert_int_equal(y, 100 + 300);
	placement_center(&area, 2000, 1000, &x, &y);
	assert_int_equal(x, 1920);
	assert_int_equal(y, 100);

	struct box negative = {-1280, -200, 1280, 1024};
	placement_center(&negative, 1280, 1024, &x, &y);
	assert_int_equal(x, -1280);
	assert_int_equal(y, -200);
	placement_center(&negative, 5000, 5000, &x, &y);
	assert_int_equal(x, -1280);
	assert_int_equal(y, -200);
	placement_center(&negative, 80, 24, &x, &y);
	assert_int_equal(x, -1280 + 600);
	assert_int_equal(y, -200 + 500);
}

static void test_popup_common_cases(void **state)
{
	/* A menu below a button: anchored at its bottom-left, growing right and down. */
	struct positioner p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, 0);
	assert_box(placement_popup_unconstrained(&p), 100, 70, 200, 100);

	/* Neither anchor nor gravity: centred on the centre of the anchor rectangle. */
	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_NONE,
		  XDG_POSITIONER_GRAVITY_NONE, 0);
	assert_box(placement_popup_unconstrained(&p), 20, 10, 200, 100);

	/* A submenu: to the right of the item, top edges aligned. */
	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, 0);
	assert_box(placement_popup_unconstrained(&p), 140, 50, 200, 100);

	/* A tooltip above, horizontally centred. */
	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP, XDG_POSITIONER_GRAVITY_TOP,
		  0);
	assert_box(placement_popup_unconstrained(&p), 20, -50, 200, 100);

	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
		  XDG_POSITIONER_GRAVITY_TOP_LEFT, 0);
	assert_box(placement_popup_unconstrained(&p), -60, -50, 200, 100);

	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_LEFT,
		  XDG_POSITIONER_GRAVITY_LEFT, 0);
	assert_box(placement_popup_unconstrained(&p), -100, 10, 200, 100);

	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM,
		  XDG_POSITIONER_GRAVITY_NONE, 0);
	assert_box(placement_popup_unconstrained(&p), 20, 20, 200, 100);

	p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_NONE,
		  XDG_POSITIONER_GRAVITY_BOTTOM_LEFT, 0);
	assert_box(placement_popup_unconstrained(&p), -80, 60, 200, 100);
}

/* Each edge enum as a direction per axis: -1 left/top, 0 centre, +1 right/bottom. */
static const int edge_dx[] = {0, 0, 0, -1, 1, -1, -1, 1, 1};
static const int edge_dy[] = {0, -1, 1, 0, 0, -1, 1, -1, 1};

static void test_popup_every_anchor_and_gravity(void **state)
{
	const int rx = 300, ry = 200, rw = 60, rh = 40, w = 120, h = 80;
	for (uint32_t anchor = XDG_POSITIONER_ANCHOR_NONE;
	     anchor <= XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT; anchor++) {
		for (uint32_t gravity = XDG_POSITIONER_GRAVITY_NONE;
		     gravity <= XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT; gravity++) {
			struct positioner p = popup(rx, ry, rw, rh, w, h, anchor, gravity, 0);
			p.offset_x = 7;
			p.offset_y = -3;
			int ax = rx + (1 + edge_dx[anchor]) * rw / 2;
			int ay = ry + (1 + edge_dy[anchor]) * rh / 2;
			int ex = ax + (edge_dx[gravity] - 1) * w / 2 + 7;
			int ey = ay + (edge_dy[gravity] - 1) * h / 2 - 3;
			struct box box = placement_popup_unconstrained(&p);
			if (box.x != ex || box.y != ey || box.width != w || box.height != h)
				fail_msg("anchor %u gravity %u: %d,%d %dx%d, expected %d,%d",
					 anchor, gravity, box.x, box.y, box.width, box.height, ex,
					 ey);
			/* Inside the screen, no adjustment changes anything. */
			assert_box(placement_popup(&p, &screen), ex, ey, w, h);
			p.constraint_adjustment = 0x3f;
			assert_box(placement_popup(&p, &screen), ex, ey, w, h);
		}
	}
}

static void test_popup_offset(void **state)
{
	struct positioner p = popup(100, 50, 40, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, 0);
	p.offset_x = 5;
	p.offset_y = -8;
	assert_box(placement_popup_unconstrained(&p), 105, 62, 200, 100);
	p.offset_x = -105;
	p.offset_y = 0;
	assert_box(placement_popup_unconstrained(&p), -5, 70, 200, 100);
}

static void test_popup_none_leaves_it_outside(void **state)
{
	struct positioner p = popup(700, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_NONE);
	assert_box(placement_popup(&p, &screen), 750, 570, 200, 100);
}

static void test_popup_flip_x(void **state)
{
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	assert_box(placement_popup(&p, &screen), 500, 100, 200, 100);

	/* Flipping the other way: off the left edge, opens to the right instead. */
	p = popup(50, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_LEFT,
		  XDG_POSITIONER_GRAVITY_LEFT, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	assert_box(placement_popup(&p, &screen), 100, 60, 200, 100);

	/* flip_y alone does not touch x. */
	p.constraint_adjustment = XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y;
	assert_box(placement_popup(&p, &screen), -150, 60, 200, 100);
}

static void test_popup_flip_y(void **state)
{
	struct positioner p = popup(100, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
	assert_box(placement_popup(&p, &screen), 100, 450, 200, 100);

	p = popup(100, 20, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP, XDG_POSITIONER_GRAVITY_TOP,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
	assert_box(placement_popup(&p, &screen), 25, 40, 200, 100);

	p.constraint_adjustment = XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X;
	assert_box(placement_popup(&p, &screen), 25, -80, 200, 100);
}

static void test_popup_flip_both(void **state)
{
	struct positioner p = popup(700, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
					    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
	assert_box(placement_popup(&p, &screen), 500, 450, 200, 100);
}

static void test_popup_flip_keeps_offset(void **state)
{
	/* As in wlroots, the offset is not mirrored with the anchor and gravity. */
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	p.offset_x = 10;
	p.offset_y = 4;
	assert_box(placement_popup(&p, &screen), 510, 104, 200, 100);
}

static void test_popup_no_flip_when_flipped_does_not_fit(void **state)
{
	struct box narrow = {0, 0, 300, 200};
	/* To the right overflows by 50, to the left by 100: stay where it was. */
	struct positioner p = popup(100, 50, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	assert_box(placement_popup(&p, &narrow), 150, 50, 200, 100);

	/* Below overflows by 10, above by 70. */
	p = popup(10, 30, 50, 80, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
	assert_box(placement_popup(&p, &narrow), 10, 110, 200, 100);

	/* A centred axis flips onto itself: nothing changes. */
	p = popup(250, 50, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP,
		  XDG_POSITIONER_GRAVITY_BOTTOM, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	assert_box(placement_popup(&p, &narrow), 175, 50, 200, 100);
}

static void test_popup_slide_x(void **state)
{
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X);
	assert_box(placement_popup(&p, &screen), 600, 100, 200, 100);

	p = popup(50, 100, 20, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_LEFT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_LEFT, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X);
	assert_box(placement_popup(&p, &screen), 0, 100, 200, 100);

	/* Wider than the bounds: the left edge wins. */
	p = popup(700, 100, 50, 20, 900, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X);
	assert_box(placement_popup(&p, &screen), 0, 100, 900, 100);

	/* slide_x does not move it vertically. */
	p = popup(700, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X);
	assert_box(placement_popup(&p, &screen), 600, 570, 200, 100);
}

static void test_popup_slide_y(void **state)
{
	struct positioner p = popup(100, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);
	assert_box(placement_popup(&p, &screen), 100, 500, 200, 100);

	p = popup(100, 30, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_LEFT,
		  XDG_POSITIONER_GRAVITY_TOP_RIGHT, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);
	assert_box(placement_popup(&p, &screen), 100, 0, 200, 100);

	/* Taller than the bounds: the top edge wins. */
	p = popup(100, 550, 50, 20, 200, 700, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);
	assert_box(placement_popup(&p, &screen), 100, 0, 200, 700);
}

static void test_popup_flip_before_slide(void **state)
{
	uint32_t flip_slide = XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
			      XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X;
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, flip_slide);
	assert_box(placement_popup(&p, &screen), 500, 100, 200, 100);

	/* When the flip does not fit, the slide still does its job. */
	struct box narrow = {0, 0, 300, 200};
	p = popup(100, 50, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT, flip_slide);
	assert_box(placement_popup(&p, &narrow), 100, 50, 200, 100);
}

static void test_popup_resize(void **state)
{
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X);
	assert_box(placement_popup(&p, &screen), 750, 100, 50, 100);

	p = popup(50, 100, 20, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_LEFT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_LEFT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X);
	assert_box(placement_popup(&p, &screen), 0, 100, 50, 100);

	p = popup(100, 550, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y);
	assert_box(placement_popup(&p, &screen), 100, 570, 200, 30);

	/* Too big on both sides of both axes: cut down to the bounds. */
	p = popup(390, 290, 20, 20, 1000, 900, XDG_POSITIONER_ANCHOR_NONE,
		  XDG_POSITIONER_GRAVITY_NONE,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X |
			  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y);
	assert_box(placement_popup(&p, &screen), 0, 0, 800, 600);

	/* Entirely outside: nothing left to resize to, so it stays as it was. */
	p = popup(900, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
		  XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X);
	assert_box(placement_popup(&p, &screen), 950, 100, 200, 100);
}

static void test_popup_slide_before_resize(void **state)
{
	struct positioner p = popup(700, 100, 50, 20, 200, 100, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
					    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X);
	assert_box(placement_popup(&p, &screen), 600, 100, 200, 100);

	/* Too wide even after sliding: slid to the left edge, then cut at the right. */
	p.width = 1000;
	assert_box(placement_popup(&p, &screen), 0, 100, 800, 100);
}

static void test_popup_bounds_with_origin(void **state)
{
	/* The output in parent coordinates: the parent sits at (300, 200) on it. */
	struct box bounds = {-300, -200, 800, 600};
	struct positioner p = popup(450, 100, 20, 20, 100, 50, XDG_POSITIONER_ANCHOR_TOP_RIGHT,
				    XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT,
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X);
	/* 470 + 100 > 500: flipped to 450 - 100. */
	assert_box(placement_popup(&p, &bounds), 350, 100, 100, 50);

	p = popup(-290, -190, 20, 20, 100, 50, XDG_POSITIONER_ANCHOR_TOP_LEFT,
		  XDG_POSITIONER_GRAVITY_TOP_LEFT,
		  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
			  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);
	assert_box(placement_popup(&p, &bounds), -300, -200, 100, 50);

	p.constraint_adjustment = XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X |
				  XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y;
	assert_box(placement_popup(&p, &bounds), -300, -200, 10, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_center),
		cmocka_unit_test(test_center_too_big),
		cmocka_unit_test(test_center_with_origin),
		cmocka_unit_test(test_popup_common_cases),
		cmocka_unit_test(test_popup_every_anchor_and_gravity),
		cmocka_unit_test(test_popup_offset),
		cmocka_unit_test(test_popup_none_leaves_it_outside),
		cmocka_unit_test(test_popup_flip_x),
		cmocka_unit_test(test_popup_flip_y),
		cmocka_unit_test(test_popup_flip_both),
		cmocka_unit_test(test_popup_flip_keeps_offset),
		cmocka_unit_test(test_popup_no_flip_when_flipped_does_not_fit),
		cmocka_unit_test(test_popup_slide_x),
		cmocka_unit_test(test_popup_slide_y),
		cmocka_unit_test(test_popup_flip_before_slide),
		cmocka_unit_test(test_popup_resize),
		cmocka_unit_test(test_popup_slide_before_resize),
		cmocka_unit_test(test_popup_bounds_with_origin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
