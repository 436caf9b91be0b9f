/* Damage bookkeeping for buffer age: what must be redrawn in a buffer last drawn n frames ago. */
#ifndef MULTISEAT_COMPOSITOR_DAMAGE_H
#define MULTISEAT_COMPOSITOR_DAMAGE_H

#include <pixman.h>

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

/* A frame with `damage` was shown: it becomes the newest entry. */
void damage_history_push(struct damage_history *history, const pixman_region32_t *damage);

/* Adds a rectangle given in global coordinates to an output's damage, clipped to the output. */
void damage_add_box(pixman_region32_t *damage, int output_x, int output_y, int output_width,
		    int output_height, int x, int y, int width, int height);

#endif
