/* Buffer-age damage: a buffer n frames old needs this frame's damage plus the n-1 frames before. */
#include "damage.h"

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

void damage_history_push(struct damage_history *history, const pixman_region32_t *damage)
{
	for (int i = DAMAGE_HISTORY - 1; i > 0; i--)
		pixman_region32_copy(&history->frames[i], &history->frames[i - 1]);
	pixman_region32_copy(&history->frames[0], (pixman_region32_t *)damage);
}

void damage_add_box(pixman_region32_t *damage, int output_x, int output_y, int output_width,
		    int output_height, int x, int y, int width, int height)
{
	if (width <= 0 || height <= 0)
		return;
	pixman_region32_union_rect(damage, damage, x - output_x, y - output_y, (unsigned)width,
				   (unsigned)height);
	pixman_region32_intersect_rect(damage, damage, 0, 0, (unsigned)output_width,
				       (unsigned)output_height);
}
