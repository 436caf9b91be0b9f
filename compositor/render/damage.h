/* Damage bookkeeping for buffer age: what must be redrawn in a buffer last drawn n frames ago. */
#ifndef MULTISEAT_COMPOSITOR_DAMAGE_H
#define MULTISEAT_COMPOSITOR_DAMAGE_H

#include <pixman.h>
#include <stdbool.h>

#define DAMAGE_HISTORY 2

struct damage_history {
	/* What changed in the last frames: [0] the newest. */
	pixman_region32_t frames[DAMAGE_HISTORY];
};

void damage_history_init(struct damage_history *history);
void damage_history_finish(struct damage_history *history);

/*
 * The region to repaint in a width x height buffer of `age` (0 = unknown
 * contents) when `current` changed since the last frame: current plus the
 * damage of the age-1 frames in between, or everything.
 */
void damage_history_repaint(const struct damage_history *history, const pixman_region32_t *current,
			    int age, int width, int height, pixman_region32_t *out);

/* A frame with `damage` was shown: it becomes the newest entry, and `damage` is left empty. */
void damage_history_take(struct damage_history *history, pixman_region32_t *damage);

/* Adds a rectangle to a region; nothing when width or height is not positive. */
void damage_region_add_rect(pixman_region32_t *region, int x, int y, int width, int height);
/* Adds `src` to `dst` and leaves `src` empty. */
void damage_region_take(pixman_region32_t *dst, pixman_region32_t *src);

/* Adds a rectangle given in global coordinates to an output's damage, clipped to the output;
 * false when none of it is on the output. */
bool damage_add_box(pixman_region32_t *damage, int output_x, int output_y, int output_width,
		    int output_height, int x, int y, int width, int height);

#endif
