/* The wl_seat: keyboard (xkbcommon), pointer with cursor, touch, focus and compositor key bindings.
 */
#ifndef MULTISEAT_COMPOSITOR_SEAT_H
#define MULTISEAT_COMPOSITOR_SEAT_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <xkbcommon/xkbcommon.h>

#include "repeat.h"

struct server;
struct surface;
struct view;

/* A keymap as clients receive it: compiled, with its text in a sealed memfd. */
struct seat_keymap {
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int fd;
	uint32_t size;
	xkb_mod_index_t mod_alt, mod_logo;
};

struct seat_cursor {
	struct surface *surface; /* the client's cursor; NULL for the built-in one */
	pixman_image_t *image;	 /* the built-in cursor */
	int x, y;		 /* top-left corner, global */
};

struct seat {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources;
	struct wl_list keyboards;
	struct wl_list pointers;
	struct wl_list touches;

	struct xkb_context *xkb;
	struct seat_keymap keymap;  /* the seat's own layout */
	struct seat_keymap *active; /* the one clients were sent last */
	struct wl_array pressed;    /* uint32_t evdev codes held down */
	struct surface *keyboard_focus;
	struct wl_listener keyboard_focus_destroy;
	int repeat_rate, repeat_delay;
	struct key_repeat binding_repeat;
	struct wl_event_source *repeat_timer;

	double pointer_x, pointer_y;
	struct surface *pointer_focus;
	struct wl_listener pointer_focus_destroy;
	int buttons_down;
	bool has_pointer_device;
	struct surface *cursor_surface;
	struct wl_listener cursor_surface_destroy;
	int hotspot_x, hotspot_y;
	bool cursor_hidden; /* the client set a NULL cursor */
	pixman_image_t *default_cursor;
	int cursor_drawn_x, cursor_drawn_y, cursor_drawn_w, cursor_drawn_h;

	struct view *grab_view; /* Alt+drag or xdg_toplevel.move */
	double grab_dx, grab_dy;

	struct surface *touch_focus;
	struct wl_listener touch_focus_destroy;
	int touch_points;

	struct wl_list data_devices;
	struct data_source *selection;
};

struct seat *seat_create(struct server *server);
void seat_destroy(struct seat *seat);

/* Compiles the seat's keymap from RMLVO names (NULL = xkbcommon's defaults). */
int seat_set_keymap(struct seat *seat, const char *layout, const char *variant,
		    const char *options);
/* Compiles a keymap a client gave as text (virtual keyboard); 0 or -errno. */
int seat_keymap_init_from_string(struct seat *seat, struct seat_keymap *keymap, const char *text);
void seat_keymap_finish(struct seat_keymap *keymap);
/* A client keymap is going away: clients get the seat's own keymap back if it was in use. */
void seat_keymap_forget(struct seat *seat, struct seat_keymap *keymap);

void seat_keyboard_key(struct seat *seat, struct seat_keymap *keymap, uint32_t time_ms,
		       uint32_t key, bool pressed);
void seat_keyboard_modifiers(struct seat *seat, struct seat_keymap *keymap, uint32_t depressed,
			     uint32_t latched, uint32_t locked, uint32_t group);
void seat_set_keyboard_focus(struct seat *seat, struct surface *surface);

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

struct seat *seat_from_resource(struct wl_resource *resource);

#endif
