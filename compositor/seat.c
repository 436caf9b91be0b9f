/* wl_seat with keyboard, pointer and touch: focus follows the window policy, keys go to one client.
 */
#include "seat.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-server-protocol.h>

#include "data_device.h"
#include "log.h"
#include "protocols.h"
#include "server.h"
#include "session.h"

#define SEAT_VERSION 7

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void handle_resource_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

/* ---- keymaps ---- */

static int keymap_publish(struct seat_keymap *keymap)
{
	char *text = xkb_keymap_get_as_string(keymap->keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
	if (!text)
		return -ENOMEM;
	size_t size = strlen(text) + 1;
	int fd = memfd_create("multiseat-keymap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		free(text);
		return -errno;
	}
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, text + done, size - done);
		if (n < 0) {
			int err = errno;
			free(text);
			close(fd);
			return -err;
		}
		done += (size_t)n;
	}
	free(text);
	/* Clients map it; nobody may change it under them. */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	keymap->fd = fd;
	keymap->size = (uint32_t)size;
	return 0;
}

static int keymap_init(struct seat_keymap *keymap, struct xkb_keymap *compiled)
{
	keymap->keymap = compiled;
	keymap->state = xkb_state_new(compiled);
	if (!keymap->state) {
		xkb_keymap_unref(compiled);
		keymap->keymap = NULL;
		return -ENOMEM;
	}
	keymap->mod_alt = xkb_keymap_mod_get_index(compiled, XKB_MOD_NAME_ALT);
	keymap->mod_logo = xkb_keymap_mod_get_index(compiled, XKB_MOD_NAME_LOGO);
	int ret = keymap_publish(keymap);
	if (ret < 0) {
		xkb_state_unref(keymap->state);
		xkb_keymap_unref(compiled);
		keymap->state = NULL;
		keymap->keymap = NULL;
	}
	return ret;
}

void seat_keymap_finish(struct seat_keymap *keymap)
{
	if (!keymap->keymap)
		return;
	xkb_state_unref(keymap->state);
	xkb_keymap_unref(keymap->keymap);
	close(keymap->fd);
	*keymap = (struct seat_keymap){.fd = -1};
}

int seat_keymap_init_from_string(struct seat *seat, struct seat_keymap *keymap, const char *text)
{
	struct xkb_keymap *compiled = xkb_keymap_new_from_string(
		seat->xkb, text, XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!compiled)
		return -EINVAL;
	return keymap_init(keymap, compiled);
}

static void keyboard_send_keymap(struct seat *seat, struct wl_resource *keyboard)
{
	struct seat_keymap *keymap = seat->active ? seat->active : &seat->keymap;
	wl_keyboard_send_keymap(keyboard, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, keymap->fd,
				keymap->size);
}

int seat_set_keymap(struct seat *seat, const char *layout, const char *variant, const char *options)
{
	struct xkb_rule_names names = {
		.layout = layout && *layout ? layout : NULL,
		.variant = variant && *variant ? variant : NULL,
		.options = options,
	};
	struct xkb_keymap *compiled =
		xkb_keymap_new_from_names(seat->xkb, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!compiled) {
		log_error("keyboard layout '%s%s%s%s' is not known to xkeyboard-config",
			  layout ? layout : "(default)", variant && *variant ? "(" : "",
			  variant ? variant : "", variant && *variant ? ")" : "");
		return -EINVAL;
	}
	struct seat_keymap fresh = {.fd = -1};
	int ret = keymap_init(&fresh, compiled);
	if (ret < 0)
		return ret;
	bool was_active = seat->active == &seat->keymap;
	seat_keymap_finish(&seat->keymap);
	seat->keymap = fresh;
	if (was_active || !seat->active) {
		seat->active = &seat->keymap;
		struct wl_resource *keyboard;
		wl_resource_for_each(keyboard, &seat->keyboards)
			keyboard_send_keymap(seat, keyboard);
	}
	return 0;
}

/* ---- keyboard ---- */

static void keyboard_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_keyboard_interface keyboard_impl = {.release = keyboard_release};

static void keyboard_send_modifiers_to(struct seat *seat, struct wl_resource *keyboard,
				       uint32_t serial)
{
	struct xkb_state *state = (seat->active ? seat->active : &seat->keymap)->state;
	wl_keyboard_send_modifiers(keyboard, serial,
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_DEPRESSED),
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_LATCHED),
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_LOCKED),
				   xkb_state_serialize_layout(state, XKB_STATE_LAYOUT_EFFECTIVE));
}

static bool resource_is_focused(struct wl_resource *resource, struct surface *focus)
{
	return focus && wl_resource_get_client(resource) == wl_resource_get_client(focus->resource);
}

static void keyboard_enter(struct seat *seat, struct wl_resource *keyboard)
{
	uint32_t serial = wl_display_next_serial(seat->server->display);
	wl_keyboard_send_enter(keyboard, serial, seat->keyboard_focus->resource, &seat->pressed);
	keyboard_send_modifiers_to(seat, keyboard, serial);
}

static void handle_keyboard_focus_destroy(struct wl_listener *listener, void *data)
{
	struct seat *seat = wl_container_of(listener, seat, keyboard_focus_destroy);
	wl_list_remove(&seat->keyboard_focus_destroy.link);
	wl_list_init(&seat->keyboard_focus_destroy.link);
	seat->keyboard_focus = NULL;
}

void seat_set_keyboard_focus(struct seat *seat, struct surface *surface)
{
	if (seat->keyboard_focus == surface)
		return;
	struct wl_resource *keyboard;
	if (seat->keyboard_focus) {
		uint32_t serial = wl_display_next_serial(seat->server->display);
		wl_resource_for_each(keyboard, &seat->keyboards)
		{
			if (resource_is_focused(keyboard, seat->keyboard_focus))
				wl_keyboard_send_leave(keyboard, serial,
						       seat->keyboard_focus->resource);
		}
		wl_list_remove(&seat->keyboard_focus_destroy.link);
		wl_list_init(&seat->keyboard_focus_destroy.link);
	}
	seat->keyboard_focus = surface;
	if (surface) {
		wl_signal_add(&surface->events_destroy, &seat->keyboard_focus_destroy);
		wl_resource_for_each(keyboard, &seat->keyboards)
		{
			if (resource_is_focused(keyboard, surface))
				keyboard_enter(seat, keyboard);
		}
	}
	data_device_focus_changed(seat);
}

static void keyboard_switch_keymap(struct seat *seat, struct seat_keymap *keymap)
{
	if (seat->active == keymap)
		return;
	seat->active = keymap;
	struct wl_resource *keyboard;
	wl_resource_for_each(keyboard, &seat->keyboards) keyboard_send_keymap(seat, keyboard);
}

static void keyboard_broadcast_modifiers(struct seat *seat)
{
	if (!seat->keyboard_focus)
		return;
	uint32_t serial = wl_display_next_serial(seat->server->display);
	struct wl_resource *keyboard;
	wl_resource_for_each(keyboard, &seat->keyboards)
	{
		if (resource_is_focused(keyboard, seat->keyboard_focus))
			keyboard_send_modifiers_to(seat, keyboard, serial);
	}
}

static void pressed_update(struct seat *seat, uint32_t key, bool pressed)
{
	uint32_t *held;
	wl_array_for_each (held, &seat->pressed) {
		if (*held == key) {
			if (!pressed) {
				/* Keep the array dense: move the last one here. */
				uint32_t *last = (uint32_t *)((char *)seat->pressed.data +
							      seat->pressed.size) -
						 1;
				*held = *last;
				seat->pressed.size -= sizeof(uint32_t);
			}
			return;
		}
	}
	if (pressed && seat->pressed.size < 64 * sizeof(uint32_t)) {
		uint32_t *slot = wl_array_add(&seat->pressed, sizeof(uint32_t));
		if (slot)
			*slot = key;
	}
}

static void run_binding(struct seat *seat, uint32_t key)
{
	struct server *server = seat->server;
	if (key == KEY_TAB)
		server_cycle_focus(server);
	else if ((key == KEY_ENTER || key == KEY_KPENTER) && server->options->terminal)
		session_spawn_terminal(server);
}

/* Desktop-mode bindings: Alt+Tab, Super+Enter. Returns true when the key was the compositor's. */
static bool handle_binding(struct seat *seat, struct seat_keymap *keymap, uint32_t key,
			   bool pressed)
{
	struct server *server = seat->server;
	if (server->options->kiosk || server->identify_text)
		return false;
	bool alt = xkb_state_mod_index_is_active(keymap->state, keymap->mod_alt,
						 XKB_STATE_MODS_EFFECTIVE) > 0;
	bool logo = xkb_state_mod_index_is_active(keymap->state, keymap->mod_logo,
						  XKB_STATE_MODS_EFFECTIVE) > 0;
	bool ours = (alt && key == KEY_TAB) ||
		    (logo && (key == KEY_ENTER || key == KEY_KPENTER) && server->options->terminal);
	if (!ours)
		return false;
	if (pressed) {
		run_binding(seat, key);
		key_repeat_press(&seat->binding_repeat, key, now_ms());
		int64_t timeout = key_repeat_timeout(&seat->binding_repeat, now_ms());
		if (timeout >= 0)
			wl_event_source_timer_update(seat->repeat_timer, (int)timeout + 1);
	} else {
		key_repeat_release(&seat->binding_repeat, key);
	}
	return true;
}

static int handle_repeat_timer(void *data)
{
	struct seat *seat = data;
	uint64_t now = now_ms();
	int count = key_repeat_fire(&seat->binding_repeat, now);
	for (int i = 0; i < count; i++)
		run_binding(seat, seat->binding_repeat.key);
	int64_t timeout = key_repeat_timeout(&seat->binding_repeat, now);
	if (timeout >= 0)
		wl_event_source_timer_update(seat->repeat_timer, (int)timeout + 1);
	return 0;
}

void seat_keyboard_key(struct seat *seat, struct seat_keymap *keymap, uint32_t time_ms,
		       uint32_t key, bool pressed)
{
	if (!keymap->keymap)
		return;
	keyboard_switch_keymap(seat, keymap);
	pressed_update(seat, key, pressed);
	/* xkb keycodes are evdev codes + 8. */
	enum xkb_state_component changed =
		xkb_state_update_key(keymap->state, key + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
	if (!handle_binding(seat, keymap, key, pressed) && seat->keyboard_focus) {
		uint32_t serial = wl_display_next_serial(seat->server->display);
		struct wl_resource *keyboard;
		wl_resource_for_each(keyboard, &seat->keyboards)
		{
			if (resource_is_focused(keyboard, seat->keyboard_focus))
				wl_keyboard_send_key(keyboard, serial, time_ms, key,
						     pressed ? WL_KEYBOARD_KEY_STATE_PRESSED
							     : WL_KEYBOARD_KEY_STATE_RELEASED);
		}
	}
	if (changed & (XKB_STATE_MODS_DEPRESSED | XKB_STATE_MODS_LATCHED | XKB_STATE_MODS_LOCKED |
		       XKB_STATE_LAYOUT_EFFECTIVE))
		keyboard_broadcast_modifiers(seat);
}

void seat_keymap_forget(struct seat *seat, struct seat_keymap *keymap)
{
	if (seat->active == keymap)
		keyboard_switch_keymap(seat, &seat->keymap);
}

void seat_keyboard_modifiers(struct seat *seat, struct seat_keymap *keymap, uint32_t depressed,
			     uint32_t latched, uint32_t locked, uint32_t group)
{
	if (!keymap->keymap)
		return;
	keyboard_switch_keymap(seat, keymap);
	xkb_state_update_mask(keymap->state, depressed, latched, locked, 0, 0, group);
	keyboard_broadcast_modifiers(seat);
}

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
		if (resource_is_focused(pointer, seat->pointer_focus)) {
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
	if (!seat->server->identify_text)
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
				if (resource_is_focused(pointer, surface))
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
			if (resource_is_focused(pointer, seat->pointer_focus))
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
	if (pressed && seat->buttons_down == 0 && !server->identify_text) {
		struct surface *surface;
		double sx, sy;
		struct view *view =
			view_at(server, seat->pointer_x, seat->pointer_y, &surface, &sx, &sy);
		if (view && view->kind == VIEW_TOPLEVEL) {
			view_raise(view);
			view_focus(view);
			struct seat_keymap *keymap = seat->active ? seat->active : &seat->keymap;
			bool alt = xkb_state_mod_index_is_active(keymap->state, keymap->mod_alt,
								 XKB_STATE_MODS_EFFECTIVE) > 0;
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
			if (resource_is_focused(pointer, seat->pointer_focus))
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
		if (!resource_is_focused(pointer, seat->pointer_focus))
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
		if (resource_is_focused(pointer, seat->pointer_focus) &&
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
	if (!seat || !seat->has_pointer_device || seat->server->identify_text)
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
	if (server->identify_text)
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
		if (resource_is_focused(touch, seat->touch_focus))
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
		if (resource_is_focused(touch, seat->touch_focus))
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
		if (resource_is_focused(touch, seat->touch_focus))
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
		if (resource_is_focused(touch, seat->touch_focus))
			wl_touch_send_frame(touch);
	}
}

/* ---- wl_seat ---- */

static void seat_get_pointer(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	struct wl_resource *pointer = wl_resource_create(client, &wl_pointer_interface,
							 wl_resource_get_version(resource), id);
	if (!pointer) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(pointer, &pointer_impl, seat, handle_resource_destroy);
	wl_list_insert(&seat->pointers, wl_resource_get_link(pointer));
	if (seat->pointer_focus && resource_is_focused(pointer, seat->pointer_focus)) {
		int fx = 0, fy = 0;
		surface_get_position(seat->pointer_focus, &fx, &fy);
		wl_pointer_send_enter(pointer, wl_display_next_serial(seat->server->display),
				      seat->pointer_focus->resource,
				      wl_fixed_from_double(seat->pointer_x - fx),
				      wl_fixed_from_double(seat->pointer_y - fy));
	}
}

static void seat_get_keyboard(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	struct wl_resource *keyboard = wl_resource_create(client, &wl_keyboard_interface,
							  wl_resource_get_version(resource), id);
	if (!keyboard) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(keyboard, &keyboard_impl, seat, handle_resource_destroy);
	wl_list_insert(&seat->keyboards, wl_resource_get_link(keyboard));
	keyboard_send_keymap(seat, keyboard);
	if (wl_resource_get_version(keyboard) >= WL_KEYBOARD_REPEAT_INFO_SINCE_VERSION)
		wl_keyboard_send_repeat_info(keyboard, seat->repeat_rate, seat->repeat_delay);
	if (resource_is_focused(keyboard, seat->keyboard_focus))
		keyboard_enter(seat, keyboard);
}

static void seat_get_touch(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	struct wl_resource *touch = wl_resource_create(client, &wl_touch_interface,
						       wl_resource_get_version(resource), id);
	if (!touch) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(touch, &touch_impl, seat, handle_resource_destroy);
	wl_list_insert(&seat->touches, wl_resource_get_link(touch));
}

static void seat_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_seat_interface seat_impl = {
	.get_pointer = seat_get_pointer,
	.get_keyboard = seat_get_keyboard,
	.get_touch = seat_get_touch,
	.release = seat_release,
};

struct seat *seat_from_resource(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

static void seat_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct seat *seat = data;
	struct wl_resource *resource = wl_resource_create(client, &wl_seat_interface, version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &seat_impl, seat, handle_resource_destroy);
	wl_list_insert(&seat->resources, wl_resource_get_link(resource));
	wl_seat_send_capabilities(resource, WL_SEAT_CAPABILITY_KEYBOARD |
						    WL_SEAT_CAPABILITY_POINTER |
						    WL_SEAT_CAPABILITY_TOUCH);
	if (version >= WL_SEAT_NAME_SINCE_VERSION)
		wl_seat_send_name(resource, "seat0");
}

void seat_view_unmapped(struct seat *seat, struct view *view)
{
	if (seat->grab_view == view) {
		seat->grab_view = NULL;
		seat->buttons_down = 0;
	}
}

struct seat *seat_create(struct server *server)
{
	struct seat *seat = calloc(1, sizeof(*seat));
	if (!seat)
		return NULL;
	seat->server = server;
	seat->keymap.fd = -1;
	wl_list_init(&seat->resources);
	wl_list_init(&seat->keyboards);
	wl_list_init(&seat->pointers);
	wl_list_init(&seat->touches);
	wl_list_init(&seat->data_devices);
	wl_list_init(&seat->keyboard_focus_destroy.link);
	wl_list_init(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->cursor_surface_destroy.link);
	wl_list_init(&seat->touch_focus_destroy.link);
	seat->keyboard_focus_destroy.notify = handle_keyboard_focus_destroy;
	seat->pointer_focus_destroy.notify = handle_pointer_focus_destroy;
	seat->cursor_surface_destroy.notify = handle_cursor_surface_destroy;
	seat->touch_focus_destroy.notify = handle_touch_focus_destroy;
	wl_array_init(&seat->pressed);
	seat->repeat_rate = server->options->repeat_rate;
	seat->repeat_delay = server->options->repeat_delay;
	key_repeat_init(&seat->binding_repeat, seat->repeat_rate, seat->repeat_delay);
	seat->xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (!seat->xkb)
		goto err_free;
	const struct options *opts = server->options;
	if (seat_set_keymap(seat, opts->keyboard_layout, opts->keyboard_variant,
			    opts->keyboard_options) < 0)
		goto err_xkb;
	seat->repeat_timer = wl_event_loop_add_timer(server->loop, handle_repeat_timer, seat);
	if (!seat->repeat_timer)
		goto err_keymap;
	seat->default_cursor = default_cursor_create();
	if (!seat->default_cursor)
		goto err_timer;
	seat->global = wl_global_create(server->display, &wl_seat_interface, SEAT_VERSION, seat,
					seat_bind);
	if (!seat->global)
		goto err_cursor;
	return seat;

err_cursor:
	pixman_image_unref(seat->default_cursor);
err_timer:
	wl_event_source_remove(seat->repeat_timer);
err_keymap:
	seat_keymap_finish(&seat->keymap);
err_xkb:
	xkb_context_unref(seat->xkb);
err_free:
	wl_array_release(&seat->pressed);
	free(seat);
	return NULL;
}

void seat_destroy(struct seat *seat)
{
	if (!seat)
		return;
	wl_list_remove(&seat->keyboard_focus_destroy.link);
	wl_list_remove(&seat->pointer_focus_destroy.link);
	wl_list_remove(&seat->cursor_surface_destroy.link);
	wl_list_remove(&seat->touch_focus_destroy.link);
	wl_global_destroy(seat->global);
	pixman_image_unref(seat->default_cursor);
	wl_event_source_remove(seat->repeat_timer);
	seat_keymap_finish(&seat->keymap);
	xkb_context_unref(seat->xkb);
	wl_array_release(&seat->pressed);
	free(seat);
}
