/* The wl_seat and its state; keyboard.h and pointer.h declare the input it delivers. */
#ifndef MULTISEAT_COMPOSITOR_SEAT_H
#define MULTISEAT_COMPOSITOR_SEAT_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <xkbcommon/xkbcommon.h>

#include "keyboard.h"
#include "pointer.h"
#include "repeat.h"

struct server;
struct surface;
struct view;

struct seat {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources;
	struct wl_list keyboards;
	struct wl_list pointers;
	struct wl_list touches;

	/* keyboard.c */
	struct xkb_context *xkb;
	struct seat_keymap keymap;	     /* the seat's own layout */
	struct seat_keymap *active;	     /* the one clients were sent last */
	struct wl_event_source *keymap_idle; /* compiles `keymap` after start-up */
	bool keymap_failed;		     /* the configured layout did not compile */
	struct wl_array pressed;	     /* uint32_t evdev codes held down */
	struct surface *keyboard_focus;
	struct wl_listener keyboard_focus_destroy;
	int repeat_rate, repeat_delay;
	struct key_repeat binding_repeat;
	struct wl_event_source *repeat_timer;
	struct keyboard_sink sink; /* the greeter's, while it greets; key NULL: none */

	/* pointer.c */
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

	/* data_device.c */
	struct wl_list data_devices;
	struct data_source *selection;
};

struct seat *seat_create(struct server *server);
void seat_destroy(struct seat *seat);

struct seat *seat_from_resource(struct wl_resource *resource);

/* For keyboard.c and pointer.c: */
/* Whether the resource belongs to the client of the focused surface. */
bool seat_resource_is_focused(struct wl_resource *resource, struct surface *focus);
/* The destroy handler of resources kept in one of the seat's lists. */
void seat_resource_unlink(struct wl_resource *resource);

#endif
