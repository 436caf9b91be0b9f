/* Buffer-age damage: a buffer n frames old needs this frame's damage plus the n-1 frames before. */
#include "damage.h"

#include <stdint.h>

void damage_history_init(struct damage_history *history)
{
	for (int i = 0; i < DAMAGE_HISTORY; i++)
		pixman_region32_init(&history->frames[i]);
}

void damage_history_finish(struct damage_history *history)
{
	for (int i = 0; i < DAMAGE_HISTORY; i++)
		pixman_region32_fini(&history->frames[i]);
}

void damage_history_repaint(const struct damage_history *history, const pixman_region32_t *current,
			    int age, int width, int height, pixman_region32_t *out)
{
	if (age < 1 || age > DAMAGE_HISTORY + 1) {
		pixman_region32_fini(out);
		pixman_region32_init_rect(out, 0, 0, (unsigned)width, (unsigned)height);
		return;
	}
	pixman_region32_copy(out, (pixman_region32_t *)current);
	for (int i = 0; i < age - 1; i++)
		pixman_region32_union(out, out, (pixman_region32_t *)&history->frames[i]);
	pixman_region32_intersect_rect(out, out, 0, 0, (unsigned)width, (unsigned)height);
}

void damage_history_take(struct damage_history *history, pixman_region32_t *damage)
{
	/* A pixman region is its extents and a pointer to the boxes it owns: moving the structs
	 * moves the regions, and every frame of every output comes through here. */
	pixman_region32_t oldest = history->frames[DAMAGE_HISTORY - 1];
	for (int i = DAMAGE_HISTORY - 1; i > 0; i--)
		history->frames[i] = history->frames[i - 1];
	history->frames[0] = *damage;
	*damage = oldest;
	pixman_region32_clear(damage);
}

void damage_region_add_rect(pixman_region32_t *region, int x, int y, int width, int height)
{
	if (width <= 0 || height <= 0)
		return;
	/* Most damage lands on an empty region (each commit, each frame): no union needed. */
	if (!pixman_region32_not_empty(region)) {
		pixman_region32_fini(region);
		pixman_region32_init_rect(region, x, y, (unsigned)width, (unsigned)height);
		return;
	}
	pixman_region32_union_rect(region, region, x, y, (unsigned)width, (unsigned)height);
}

void damage_region_take(pixman_region32_t *dst, pixman_region32_t *src)
{
	if (!pixman_region32_not_empty(src))
		return;
	if (!pixman_region32_not_empty(dst)) {
		pixman_region32_t empty = *dst;
		*dst = *src;
		*src = empty;
		return;
	}
	pixman_region32_union(dst, dst, src);
	pixman_region32_clear(src);
}

bool damage_add_box(pixman_region32_t *damage, int output_x, int output_y, int output_width,
		    int output_height, int x, int y, int width, int height)
{
	if (width <= 0 || height <= 0)
		return false;
	/* Clipped to the output first, in 64 bits: x + width may not fit an int. */
	int64_t x1 = (int64_t)x - output_x, y1 = (int64_t)y - output_y;
	int64_t x2 = x1 + width, y2 = y1 + height;
	if (x1 < 0)
		x1 = 0;
	if (y1 < 0)
		y1 = 0;
	if (x2 > output_width)
		x2 = output_width;
	if (y2 > output_height)
		y2 = output_height;
	if (x1 >= x2 || y1 >= y2)
		return false;
	damage_region_add_rect(damage, (int)x1, (int)y1, (int)(x2 - x1), (int)(y2 - y1));
	return true;
}
