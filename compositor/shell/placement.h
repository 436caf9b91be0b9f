/* Window placement arithmetic: centring new windows and positioning xdg popups inside a box. */
#ifndef MULTISEAT_COMPOSITOR_PLACEMENT_H
#define MULTISEAT_COMPOSITOR_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

struct box {
	int x, y, width, height;
};

/* xdg_positioner's state, in the parent's window-geometry coordinates. */
struct positioner {
	int width, height;
	struct box anchor_rect;
	uint32_t anchor;  /* enum xdg_positioner_anchor */
	uint32_t gravity; /* enum xdg_positioner_gravity */
	uint32_t constraint_adjustment;
	int offset_x, offset_y;
	bool reactive;
	bool has_size, has_anchor_rect;
};

/* Top-left corner that centres a width x height window on `area` (clamped so the top stays
 * visible). */
void placement_center(const struct box *area, int width, int height, int *x, int *y);

/* Where the popup goes before any constraint: anchor point, gravity, offset. */
struct box placement_popup_unconstrained(const struct positioner *positioner);

/*
 * The popup's box after the positioner's constraint adjustments (flip, then
 * slide, then resize) against `bounds`, all in parent coordinates.
 */
struct box placement_popup(const struct positioner *positioner, const struct box *bounds);

#endif
