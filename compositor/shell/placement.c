/* Placement arithmetic for windows and popups; no Wayland objects, so unit tests can drive it. */
#include "placement.h"

#include "xdg-shell-server-protocol.h"

void placement_center(const struct box *area, int width, int height, int *x, int *y)
{
	*x = area->x + (area->width - width) / 2;
	*y = area->y + (area->height - height) / 2;
	/* A window taller than the screen keeps its title bar reachable. */
	if (*y < area->y)
		*y = area->y;
	if (*x < area->x)
		*x = area->x;
}

static void anchor_point(const struct box *rect, uint32_t anchor, int *x, int *y)
{
	switch (anchor) {
	case XDG_POSITIONER_ANCHOR_TOP:
	case XDG_POSITIONER_ANCHOR_TOP_LEFT:
	case XDG_POSITIONER_ANCHOR_TOP_RIGHT:
		*y = rect->y;
		break;
	case XDG_POSITIONER_ANCHOR_BOTTOM:
	case XDG_POSITIONER_ANCHOR_BOTTOM_LEFT:
	case XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT:
		*y = rect->y + rect->height;
		break;
	default:
		*y = rect->y + rect->height / 2;
	}
	switch (anchor) {
	case XDG_POSITIONER_ANCHOR_LEFT:
	case XDG_POSITIONER_ANCHOR_TOP_LEFT:
	case XDG_POSITIONER_ANCHOR_BOTTOM_LEFT:
		*x = rect->x;
		break;
	case XDG_POSITIONER_ANCHOR_RIGHT:
	case XDG_POSITIONER_ANCHOR_TOP_RIGHT:
	case XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT:
		*x = rect->x + rect->width;
		break;
	default:
		*x = rect->x + rect->width / 2;
	}
}

static struct box place(const struct positioner *p, uint32_t anchor, uint32_t gravity)
{
	int ax, ay;
	anchor_point(&p->anchor_rect, anchor, &ax, &ay);
	struct box box = {.width = p->width, .height = p->height};
	switch (gravity) {
	case XDG_POSITIONER_GRAVITY_TOP:
	case XDG_POSITIONER_GRAVITY_TOP_LEFT:
	case XDG_POSITIONER_GRAVITY_TOP_RIGHT:
		box.y = ay - p->height;
		break;
	case XDG_POSITIONER_GRAVITY_BOTTOM:
	case XDG_POSITIONER_GRAVITY_BOTTOM_LEFT:
	case XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT:
		box.y = ay;
		break;
	default:
		box.y = ay - p->height / 2;
	}
	switch (gravity) {
	case XDG_POSITIONER_GRAVITY_LEFT:
	case XDG_POSITIONER_GRAVITY_TOP_LEFT:
	case XDG_POSITIONER_GRAVITY_BOTTOM_LEFT:
		box.x = ax - p->width;
		break;
	case XDG_POSITIONER_GRAVITY_RIGHT:
	case XDG_POSITIONER_GRAVITY_TOP_RIGHT:
	case XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT:
		box.x = ax;
		break;
	default:
		box.x = ax - p->width / 2;
	}
	box.x += p->offset_x;
	box.y += p->offset_y;
	return box;
}

struct box placement_popup_unconstrained(const struct positioner *positioner)
{
	return place(positioner, positioner->anchor, positioner->gravity);
}

/* The anchor/gravity mirrored on one axis. */
static uint32_t flip_x(uint32_t edge)
{
	/* anchor and gravity enums share values: 1 top, 2 bottom, 3 left, 4 right, 5 tl, 6 bl, 7
	 * tr, 8 br */
	static const uint32_t map[] = {0, 1, 2, 4, 3, 7, 8, 5, 6};
	return edge < 9 ? map[edge] : edge;
}

static uint32_t flip_y(uint32_t edge)
{
	static const uint32_t map[] = {0, 2, 1, 3, 4, 6, 5, 8, 7};
	return edge < 9 ? map[edge] : edge;
}

static bool fits_x(const struct box *box, const struct box *bounds)
{
	return box->x >= bounds->x && box->x + box->width <= bounds->x + bounds->width;
}

static bool fits_y(const struct box *box, const struct box *bounds)
{
	return box->y >= bounds->y && box->y + box->height <= bounds->y + bounds->height;
}

struct box placement_popup(const struct positioner *p, const struct box *bounds)
{
	uint32_t anchor = p->anchor, gravity = p->gravity;
	struct box box = place(p, anchor, gravity);
	uint32_t adjust = p->constraint_adjustment;

	if (!fits_x(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X)) {
		struct box flipped = place(p, flip_x(anchor), flip_x(gravity));
		if (fits_x(&flipped, bounds)) {
			box.x = flipped.x;
			anchor = flip_x(anchor);
			gravity = flip_x(gravity);
		}
	}
	if (!fits_y(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y)) {
		struct box flipped = place(p, flip_y(anchor), flip_y(gravity));
		if (fits_y(&flipped, bounds))
			box.y = flipped.y;
	}
	if (!fits_x(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X)) {
		if (box.x + box.width > bounds->x + bounds->width)
			box.x = bounds->x + bounds->width - box.width;
		if (box.x < bounds->x)
			box.x = bounds->x;
	}
	if (!fits_y(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y)) {
		if (box.y + box.height > bounds->y + bounds->height)
			box.y = bounds->y + bounds->height - box.height;
		if (box.y < bounds->y)
			box.y = bounds->y;
	}
	if (!fits_x(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X)) {
		int left = box.x > bounds->x ? box.x : bounds->x;
		int right = box.x + box.width < bounds->x + bounds->width
				    ? box.x + box.width
				    : bounds->x + bounds->width;
		if (right > left) {
			box.x = left;
			box.width = right - left;
		}
	}
	if (!fits_y(&box, bounds) && (adjust & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y)) {
		int top = box.y > bounds->y ? box.y : bounds->y;
		int bottom = box.y + box.height < bounds->y + bounds->height
				     ? box.y + box.height
				     : bounds->y + bounds->height;
		if (bottom > top) {
			box.y = top;
			box.height = bottom - top;
		}
	}
	return box;
}
