/* wl_pointer and wl_touch: focus under the pointer or finger, the cursor image, the move grab. */
#include "pointer.h"

#include <errno.h>
#include <linux/input-event-codes.h>

#include <wayland-server-protocol.h>

#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "seat.h"
#include "server.h"
#include "surface.h"
#include "view.h"

/* ---- pointer ---- */

static void handle_cursor_surface_destroy(struct wl_listener *listener, void *data)
{
	struct seat *seat = wl_container_of(listener, seat, cursor_surface_destroy);
	seat_damage_cursor(seat);
	wl_list_remove(&seat->cursor_surface_destroy.link);
	wl_list_init(&seat->cursor_surface_destroy.link);
	seat->cursor_surface = NULL;
	seat->cursor_hidden = true;
}

static void set_cursor_surface(struct seat *seat, struct surface *surface)
{
	if (seat->cursor_surface) {
		wl_list_remove(&seat->cursor_surface_destroy.link);
		wl_list_init(&seat->cursor_surface_destroy.link);
	}
	seat->cursor_surface = surface;
	if (surface)
		wl_signal_add(&surface->events_destroy, &seat->cursor_surface_destroy);
}

static void pointer_set_cursor(struct wl_client *client, struct wl_resource *resource,
			       uint32_t serial, struct wl_resource *surface_resource,
			       int32_t hotspot_x, int32_t hotspot_y)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	if (!seat || !seat->pointer_focus ||
	    wl_resource_get_client(seat->pointer_focus->resource) != client)
		return; /* only the client under the pointer picks the cursor */
	struct surface *surface = surface_resource ? surface_from_resource(surface_resource) : NULL;
	if (surface && !surface_set_role(surface, SURFACE_ROLE_CURSOR, seat, NULL, resource,
					 WL_POINTER_ERROR_ROLE))
		return;
	seat_damage_cursor(seat);
	set_cursor_surface(seat, surface);
	seat->cursor_hidden = surface == NULL;
	seat->hotspot_x = hotspot_x;
	seat->hotspot_y = hotspot_y;
	seat_damage_cursor(seat);
}

static void pointer_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_pointer_interface pointer_impl = {
	.set_cursor = pointer_set_cursor,
	.release = pointer_release,
};

static void pointer_leave(struct seat *seat)
{
	if (!seat->pointer_focus)
		return;
	uint32_t serial = wl_display_next_serial(seat->server->display);
	struct wl_resource *pointer;
	wl_resource_for_each(pointer, &seat->pointers)
	{
		if (seat_resource_is_focused(pointer, seat->pointer_focus)) {
			wl_pointer_send_leave(pointer, serial, seat->pointer_focus->resource);
			if (wl_resource_get_version(pointer) >= WL_POINTER_FRAME_SINCE_VERSION)
				wl_pointer_send_frame(pointer);
		}
	}
	wl_list_remove(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->pointer_focus_destroy.link);
	seat->pointer_focus = NULL;
}

static void handle_pointer_focus_destroy(struct wl_listener *listener, void *data)
{
	struct seat *seat = wl_container_of(listener, seat, pointer_focus_destroy);
	wl_list_remove(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->pointer_focus_destroy.link);
	seat->pointer_focus = NULL;
	seat->buttons_down = 0;
}

static void pointer_focus_and_motion(struct seat *seat, uint32_t time_ms, bool send_motion)
{
	double sx = 0, sy = 0;
	struct surface *surface = NULL;
	if (!server_covered(seat->server))
		view_at(seat->server, seat->pointer_x, seat->pointer_y, &surface, &sx, &sy);
	/* While a button is held the surface that got the press keeps the pointer. */
	if (seat->buttons_down > 0 && seat->pointer_focus) {
		surface = NULL;
	} else if (surface != seat->pointer_focus) {
		pointer_leave(seat);
		if (!seat->cursor_hidden || seat->cursor_surface) {
			seat_damage_cursor(seat);
		}
		set_cursor_surface(seat, NULL);
		seat->cursor_hidden = false;
		if (surface) {
			seat->pointer_focus = surface;
			wl_signal_add(&surface->events_destroy, &seat->pointer_focus_destroy);
			uint32_t serial = wl_display_next_serial(seat->server->display);
			struct wl_resource *pointer;
			wl_resource_for_each(pointer, &seat->pointers)
			{
				if (seat_resource_is_focused(pointer, surface))
					wl_pointer_send_enter(pointer, serial, surface->resource,
							      wl_fixed_from_double(sx),
							      wl_fixed_from_double(sy));
			}
		}
		send_motion = false; /* enter carries the position */
		seat_damage_cursor(seat);
	}
	if (!seat->pointer_focus)
		return;
	if (send_motion) {
		int fx = 0, fy = 0;
		surface_get_position(seat->pointer_focus, &fx, &fy);
		sx = seat->pointer_x - fx;
		sy = seat->pointer_y - fy;
		struct wl_resource *pointer;
		wl_resource_for_each(pointer, &seat->pointers)
		{
			if (seat_resource_is_focused(pointer, seat->pointer_focus))
				wl_pointer_send_motion(pointer, time_ms, wl_fixed_from_double(sx),
						       wl_fixed_from_double(sy));
		}
	}
}

static void clamp_to_outputs(struct seat *seat)
{
	struct server *server = seat->server;
	if (server_output_at(server, seat->pointer_x, seat->pointer_y))
		return;
	int right = 0, bottom = 0;
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (output->x + output->width > right)
			right = output->x + output->width;
		if (output->y + output->height > bottom)
			bottom = output->y + output->height;
	}
	if (seat->pointer_x < 0)
		seat->pointer_x = 0;
	if (seat->pointer_y < 0)
		seat->pointer_y = 0;
	if (seat->pointer_x > right - 1)
		seat->pointer_x = right > 0 ? right - 1 : 0;
	if (seat->pointer_y > bottom - 1)
		seat->pointer_y = bottom > 0 ? bottom - 1 : 0;
	/* Outputs of different heights: step down onto the one below the pointer. */
	output = server_output_at(server, seat->pointer_x, 0);
	if (output && seat->pointer_y >= output->height)
		seat->pointer_y = output->height - 1;
}

void seat_pointer_warp(struct seat *seat, uint32_t time_ms, double x, double y)
{
	seat_damage_cursor(seat);
	seat->has_pointer_device = true;
	seat->pointer_x = x;
	seat->pointer_y = y;
	clamp_to_outputs(seat);
	if (seat->grab_view) {
		view_move(seat->grab_view, (int)(seat->pointer_x - seat->grab_dx),
			  (int)(seat->pointer_y - seat->grab_dy));
	} else {
		pointer_focus_and_motion(seat, time_ms, true);
	}
	seat_damage_cursor(seat);
}

void seat_pointer_motion(struct seat *seat, uint32_t time_ms, double dx, double dy)
{
	seat_pointer_warp(seat, time_ms, seat->pointer_x + dx, seat->pointer_y + dy);
}

void seat_pointer_refocus(struct seat *seat)
{
	if (seat->grab_view)
		return;
	pointer_focus_and_motion(seat, 0, false);
}

void seat_start_move(struct seat *seat, struct view *view)
{
	if (seat->server->options->kiosk || view->fullscreen || view->maximized)
		return;
	seat->grab_view = view;
	seat->grab_dx = seat->pointer_x - view->x;
	seat->grab_dy = seat->pointer_y - view->y;
	pointer_leave(seat);
}

void seat_pointer_button(struct seat *seat, uint32_t time_ms, uint32_t button, bool pressed)
{
	struct server *server = seat->server;
	if (seat->grab_view) {
		if (!pressed) {
			seat->grab_view = NULL;
			seat->buttons_down = 0;
			seat_pointer_refocus(seat);
		}
		return;
	}
	if (pressed && seat->buttons_down == 0 && !server_covered(server)) {
		struct surface *surface;
		double sx, sy;
		struct view *view =
			view_at(server, seat->pointer_x, seat->pointer_y, &surface, &sx, &sy);
		if (view && view->kind == VIEW_TOPLEVEL) {
			view_raise(view);
			view_focus(view);
			bool alt = seat_keyboard_alt_held(seat);
			if (alt && button == BTN_LEFT && !server->options->kiosk) {
				seat_start_move(seat, view);
				if (seat->grab_view) {
					seat->buttons_down = 1;
					return;
				}
			}
		} else if (!view) {
			popup_dismiss_all(server);
		}
	}
	if (pressed)
		seat->buttons_down++;
	else if (seat->buttons_down > 0)
		seat->buttons_down--;
	if (seat->pointer_focus) {
		uint32_t serial = wl_display_next_serial(server->display);
		struct wl_resource *pointer;
		wl_resource_for_each(pointer, &seat->pointers)
		{
			if (seat_resource_is_focused(pointer, seat->pointer_focus))
				wl_pointer_send_button(pointer, serial, time_ms, button,
						       pressed ? WL_POINTER_BUTTON_STATE_PRESSED
							       : WL_POINTER_BUTTON_STATE_RELEASED);
		}
		xdg_note_button_serial(server, serial);
	}
	if (!pressed && seat->buttons_down == 0)
		seat_pointer_refocus(seat);
}

void seat_pointer_axis(struct seat *seat, uint32_t time_ms, uint32_t axis, double value,
		       int32_t discrete, uint32_t source)
{
	if (!seat->pointer_focus || axis > WL_POINTER_AXIS_HORIZONTAL_SCROLL)
		return;
	struct wl_resource *pointer;
	wl_resource_for_each(pointer, &seat->pointers)
	{
		if (!seat_resource_is_focused(pointer, seat->pointer_focus))
			continue;
		uint32_t version = wl_resource_get_version(pointer);
		if (version >= WL_POINTER_AXIS_SOURCE_SINCE_VERSION)
			wl_pointer_send_axis_source(pointer, source);
		if (discrete != 0 && version >= WL_POINTER_AXIS_DISCRETE_SINCE_VERSION)
			wl_pointer_send_axis_discrete(pointer, axis, discrete);
		if (value == 0.0 && version >= WL_POINTER_AXIS_STOP_SINCE_VERSION)
			wl_pointer_send_axis_stop(pointer, time_ms, axis);
		else
			wl_pointer_send_axis(pointer, time_ms, axis, wl_fixed_from_double(value));
	}
}

void seat_pointer_frame(struct seat *seat)
{
	if (!seat->pointer_focus)
		return;
	struct wl_resource *pointer;
	wl_resource_for_each(pointer, &seat->pointers)
	{
		if (seat_resource_is_focused(pointer, seat->pointer_focus) &&
		    wl_resource_get_version(pointer) >= WL_POINTER_FRAME_SINCE_VERSION)
			wl_pointer_send_frame(pointer);
	}
}

/* ---- the cursor image ---- */

/* The built-in arrow: '#' outline, '.' fill; drawn once into an ARGB image. */
static const char *const cursor_shape[] = {
	"#",	       "##",	      "#.#",	    "#..#",	 "#...#",
	"#....#",      "#.....#",     "#......#",   "#.......#", "#........#",
	"#.........#", "#......####", "#...#..#",   "#..##..#",	 "#.#  #..#",
	"##   #..#",   "#     #..#",  "      #..#", "       ##",
};

static pixman_image_t *default_cursor_create(void)
{
	int height = (int)(sizeof(cursor_shape) / sizeof(cursor_shape[0]));
	int width = 12;
	pixman_image_t *image = pixman_image_create_bits(PIXMAN_a8r8g8b8, width, height, NULL, 0);
	if (!image)
		return NULL;
	uint32_t *pixels = pixman_image_get_data(image);
	int stride = pixman_image_get_stride(image) / 4;
	for (int y = 0; y < height; y++) {
		for (int x = 0; cursor_shape[y][x] && x < width; x++) {
			char c = cursor_shape[y][x];
			pixels[y * stride + x] =
				c == '#' ? 0xff000000u : (c == '.' ? 0xffffffffu : 0);
		}
	}
	return image;
}

bool seat_get_cursor(struct seat *seat, struct seat_cursor *cursor)
{
	if (!seat || !seat->has_pointer_device || server_covered(seat->server))
		return false;
	if (seat->cursor_surface) {
		if (!surface_has_buffer(seat->cursor_surface))
			return false;
		*cursor = (struct seat_cursor){
			.surface = seat->cursor_surface,
			.x = (int)seat->pointer_x - seat->hotspot_x,
			.y = (int)seat->pointer_y - seat->hotspot_y,
		};
		return true;
	}
	if (seat->cursor_hidden || !seat->default_cursor)
		return false;
	*cursor = (struct seat_cursor){
		.image = seat->default_cursor,
		.x = (int)seat->pointer_x,
		.y = (int)seat->pointer_y,
	};
	return true;
}

void seat_damage_cursor(struct seat *seat)
{
	struct server *server = seat->server;
	/* Where it was drawn and where it will be drawn now. */
	if (seat->cursor_drawn_w > 0)
		server_damage_box(server, seat->cursor_drawn_x, seat->cursor_drawn_y,
				  seat->cursor_drawn_w, seat->cursor_drawn_h);
	struct seat_cursor cursor;
	if (!seat_get_cursor(seat, &cursor)) {
		seat->cursor_drawn_w = 0;
		return;
	}
	int width, height;
	if (cursor.surface) {
		width = cursor.surface->width;
		height = cursor.surface->height;
	} else {
		width = pixman_image_get_width(cursor.image);
		height = pixman_image_get_height(cursor.image);
	}
	seat->cursor_drawn_x = cursor.x;
	seat->cursor_drawn_y = cursor.y;
	seat->cursor_drawn_w = width;
	seat->cursor_drawn_h = height;
	server_damage_box(server, cursor.x, cursor.y, width, height);
}

/* ---- touch ---- */

static void touch_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_touch_interface touch_impl = {.release = touch_release};

static void handle_touch_focus_destroy(struct wl_listener *listener, void *data)
{
	struct seat *seat = wl_container_of(listener, seat, touch_focus_destroy);
	wl_list_remove(&seat->touch_focus_destroy.link);
	wl_list_init(&seat->touch_focus_destroy.link);
	seat->touch_focus = NULL;
	seat->touch_points = 0;
}

void seat_touch_down(struct seat *seat, uint32_t time_ms, int32_t id, double x, double y)
{
	struct server *server = seat->server;
	if (server_covered(server))
		return;
	if (seat->touch_points == 0) {
		struct surface *surface;
		double sx, sy;
		struct view *view = view_at(server, x, y, &surface, &sx, &sy);
		if (!view)
			return;
		if (view->kind == VIEW_TOPLEVEL) {
			view_raise(view);
			view_focus(view);
		}
		seat->touch_focus = surface;
		wl_signal_add(&surface->events_destroy, &seat->touch_focus_destroy);
	}
	if (!seat->touch_focus)
		return;
	seat->touch_points++;
	int fx = 0, fy = 0;
	surface_get_position(seat->touch_focus, &fx, &fy);
	uint32_t serial = wl_display_next_serial(server->display);
	struct wl_resource *touch;
	wl_resource_for_each(touch, &seat->touches)
	{
		if (seat_resource_is_focused(touch, seat->touch_focus))
			wl_touch_send_down(touch, serial, time_ms, seat->touch_focus->resource, id,
					   wl_fixed_from_double(x - fx),
					   wl_fixed_from_double(y - fy));
	}
}

void seat_touch_up(struct seat *seat, uint32_t time_ms, int32_t id)
{
	if (!seat->touch_focus)
		return;
	uint32_t serial = wl_display_next_serial(seat->server->display);
	struct wl_resource *touch;
	wl_resource_for_each(touch, &seat->touches)
	{
		if (seat_resource_is_focused(touch, seat->touch_focus))
			wl_touch_send_up(touch, serial, time_ms, id);
	}
	if (--seat->touch_points <= 0) {
		seat->touch_points = 0;
		wl_list_remove(&seat->touch_focus_destroy.link);
		wl_list_init(&seat->touch_focus_destroy.link);
		seat->touch_focus = NULL;
	}
}

void seat_touch_motion(struct seat *seat, uint32_t time_ms, int32_t id, double x, double y)
{
	if (!seat->touch_focus)
		return;
	int fx = 0, fy = 0;
	surface_get_position(seat->touch_focus, &fx, &fy);
	struct wl_resource *touch;
	wl_resource_for_each(touch, &seat->touches)
	{
		if (seat_resource_is_focused(touch, seat->touch_focus))
			wl_touch_send_motion(touch, time_ms, id, wl_fixed_from_double(x - fx),
					     wl_fixed_from_double(y - fy));
	}
}

void seat_touch_frame(struct seat *seat)
{
	if (!seat->touch_focus)
		return;
	struct wl_resource *touch;
	wl_resource_for_each(touch, &seat->touches)
	{
		if (seat_resource_is_focused(touch, seat->touch_focus))
			wl_touch_send_frame(touch);
	}
}

void seat_view_unmapped(struct seat *seat, struct view *view)
{
	if (seat->grab_view == view) {
		seat->grab_view = NULL;
		seat->buttons_down = 0;
	}
}

/* ---- wl_pointer and wl_touch objects and the seat's pointer state ---- */

void seat_pointer_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				  uint32_t id)
{
	struct wl_resource *pointer = resource_create(client, &wl_pointer_interface, version, id,
						      &pointer_impl, seat, seat_resource_unlink);
	if (!pointer)
		return;
	wl_list_insert(&seat->pointers, wl_resource_get_link(pointer));
	if (seat->pointer_focus && seat_resource_is_focused(pointer, seat->pointer_focus)) {
		int fx = 0, fy = 0;
		surface_get_position(seat->pointer_focus, &fx, &fy);
		wl_pointer_send_enter(pointer, wl_display_next_serial(seat->server->display),
				      seat->pointer_focus->resource,
				      wl_fixed_from_double(seat->pointer_x - fx),
				      wl_fixed_from_double(seat->pointer_y - fy));
	}
}

void seat_touch_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				uint32_t id)
{
	struct wl_resource *touch = resource_create(client, &wl_touch_interface, version, id,
						    &touch_impl, seat, seat_resource_unlink);
	if (!touch)
		return;
	wl_list_insert(&seat->touches, wl_resource_get_link(touch));
}

int seat_pointer_init(struct seat *seat)
{
	wl_list_init(&seat->pointers);
	wl_list_init(&seat->touches);
	wl_list_init(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->cursor_surface_destroy.link);
	wl_list_init(&seat->touch_focus_destroy.link);
	seat->pointer_focus_destroy.notify = handle_pointer_focus_destroy;
	seat->cursor_surface_destroy.notify = handle_cursor_surface_destroy;
	seat->touch_focus_destroy.notify = handle_touch_focus_destroy;
	seat->default_cursor = default_cursor_create();
	if (!seat->default_cursor)
		return -ENOMEM;
	return 0;
}

void seat_pointer_finish(struct seat *seat)
{
	wl_list_remove(&seat->pointer_focus_destroy.link);
	wl_list_remove(&seat->cursor_surface_destroy.link);
	wl_list_remove(&seat->touch_focus_destroy.link);
	pixman_image_unref(seat->default_cursor);
}
