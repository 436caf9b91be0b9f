/* wl_pointer with the cursor, wl_touch, and the window move grab (Alt+drag, xdg_toplevel.move). */
#ifndef MULTISEAT_COMPOSITOR_POINTER_H
#define MULTISEAT_COMPOSITOR_POINTER_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

struct seat;
struct surface;
struct view;

struct seat_cursor {
	struct surface *surface; /* the client's cursor; NULL for the built-in one */
	pixman_image_t *image;	 /* the built-in cursor */
	int x, y;		 /* top-left corner, global */
};

/* The seat's pointer and touch half: focus listeners and the built-in cursor image. */
int seat_pointer_init(struct seat *seat);
void seat_pointer_finish(struct seat *seat);
/* wl_seat.get_pointer and get_touch; a new pointer gets enter when its client has focus. */
void seat_pointer_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				  uint32_t id);
void seat_touch_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				uint32_t id);

void seat_pointer_motion(struct seat *seat, uint32_t time_ms, double dx, double dy);
void seat_pointer_warp(struct seat *seat, uint32_t time_ms, double x, double y);
void seat_pointer_button(struct seat *seat, uint32_t time_ms, uint32_t button, bool pressed);
void seat_pointer_axis(struct seat *seat, uint32_t time_ms, uint32_t axis, double value,
		       int32_t discrete, uint32_t source);
void seat_pointer_frame(struct seat *seat);
/* Re-picks the surface under the pointer after windows moved or appeared. */
void seat_pointer_refocus(struct seat *seat);

void seat_touch_down(struct seat *seat, uint32_t time_ms, int32_t id, double x, double y);
void seat_touch_up(struct seat *seat, uint32_t time_ms, int32_t id);
void seat_touch_motion(struct seat *seat, uint32_t time_ms, int32_t id, double x, double y);
void seat_touch_frame(struct seat *seat);

bool seat_get_cursor(struct seat *seat, struct seat_cursor *cursor);
void seat_damage_cursor(struct seat *seat);
void seat_start_move(struct seat *seat, struct view *view);
/* A view is going away: drop focus and grabs that point at it. */
void seat_view_unmapped(struct seat *seat, struct view *view);

#endif
