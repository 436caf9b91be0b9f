/* wl_keyboard: xkb keymaps in sealed memfds, keys and modifiers to the focus, key bindings. */
#include "keyboard.h"

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
#include "resource.h"
#include "seat.h"
#include "server.h"
#include "session.h"
#include "surface.h"
#include "view.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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

/* The keymap clients were sent last, or the seat's own; NULL when neither is compiled. */
static struct seat_keymap *keyboard_keymap(struct seat *seat)
{
	struct seat_keymap *keymap = seat->active ? seat->active : &seat->keymap;
	return keymap->keymap ? keymap : NULL;
}

static void keyboard_send_keymap(struct seat *seat, struct wl_resource *keyboard)
{
	struct seat_keymap *keymap = keyboard_keymap(seat);
	if (keymap)
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

/*
 * The seat's configured layout is compiled on the event loop's first turn, after the outputs
 * and the session have started (xkbcommon takes a few milliseconds over it): nothing needs it
 * before a client binds wl_keyboard or a key arrives, and each of those compiles it at once if
 * it is not there yet. 0 or -errno; a layout that failed is not tried again.
 */
static int keyboard_load_keymap(struct seat *seat)
{
	if (seat->keymap_idle) {
		wl_event_source_remove(seat->keymap_idle);
		seat->keymap_idle = NULL;
	}
	if (seat->keymap.keymap)
		return 0;
	if (seat->keymap_failed)
		return -EINVAL;
	const struct options *opts = seat->server->options;
	int ret = seat_set_keymap(seat, opts->keyboard_layout, opts->keyboard_variant,
				  opts->keyboard_options);
	seat->keymap_failed = ret < 0;
	return ret;
}

static void handle_keymap_idle(void *data)
{
	struct seat *seat = data;
	seat->keymap_idle = NULL;
	if (keyboard_load_keymap(seat) < 0) {
		/* An unknown layout stops the compositor, as it always did. */
		seat->server->exit_code = 1;
		wl_display_terminate(seat->server->display);
	}
}

int seat_keyboard_load_keymap_later(struct seat *seat)
{
	if (seat->keymap.keymap || seat->keymap_idle)
		return 0;
	seat->keymap_idle = wl_event_loop_add_idle(seat->server->loop, handle_keymap_idle, seat);
	return seat->keymap_idle ? 0 : keyboard_load_keymap(seat);
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
	struct seat_keymap *keymap = keyboard_keymap(seat);
	if (!keymap)
		return;
	struct xkb_state *state = keymap->state;
	wl_keyboard_send_modifiers(keyboard, serial,
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_DEPRESSED),
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_LATCHED),
				   xkb_state_serialize_mods(state, XKB_STATE_MODS_LOCKED),
				   xkb_state_serialize_layout(state, XKB_STATE_LAYOUT_EFFECTIVE));
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
	/* While the identify screen or the greeter shows, no client may read the keyboard. */
	if (server_covered(seat->server))
		surface = NULL;
	if (seat->keyboard_focus == surface)
		return;
	struct wl_resource *keyboard;
	if (seat->keyboard_focus) {
		uint32_t serial = wl_display_next_serial(seat->server->display);
		wl_resource_for_each(keyboard, &seat->keyboards)
		{
			if (seat_resource_is_focused(keyboard, seat->keyboard_focus))
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
			if (seat_resource_is_focused(keyboard, surface))
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
		if (seat_resource_is_focused(keyboard, seat->keyboard_focus))
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

void seat_keyboard_set_sink(struct seat *seat, const struct keyboard_sink *sink)
{
	seat->sink = sink ? *sink : (struct keyboard_sink){0};
}

/* Whether keys go to the sink now: it is set and the desk greets. */
static bool sink_reads(const struct seat *seat)
{
	return seat->sink.key && seat->server->greeting;
}

/* A key for the sink, read through the keymap that typed it (a virtual keyboard has its
   own). */
static void sink_press(struct seat *seat, struct seat_keymap *keymap, uint32_t key)
{
	char utf8[16];
	xkb_keysym_t sym = xkb_state_key_get_one_sym(keymap->state, key + 8);
	if (xkb_state_key_get_utf8(keymap->state, key + 8, utf8, sizeof(utf8)) >= (int)sizeof(utf8))
		utf8[0] = '\0';
	seat->sink.key(seat->sink.data, sym, utf8);
	explicit_bzero(utf8, sizeof(utf8)); /* may be a password's */
}

static void run_binding(struct seat *seat, uint32_t key)
{
	struct server *server = seat->server;
	if (sink_reads(seat)) {
		sink_press(seat, seat->active ? seat->active : &seat->keymap, key);
		return;
	}
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

/* The sink has the keyboard: keys repeat as the compositor's own. */
static void sink_keyboard_key(struct seat *seat, struct seat_keymap *keymap, uint32_t key,
			      bool pressed)
{
	/* The symbol before the key's own update, as xkbcommon prescribes. */
	if (pressed)
		sink_press(seat, keymap, key);
	xkb_state_update_key(keymap->state, key + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
	if (!pressed) {
		key_repeat_release(&seat->binding_repeat, key);
		return;
	}
	if (!xkb_keymap_key_repeats(keymap->keymap, key + 8))
		return;
	key_repeat_press(&seat->binding_repeat, key, now_ms());
	int64_t timeout = key_repeat_timeout(&seat->binding_repeat, now_ms());
	if (timeout >= 0)
		wl_event_source_timer_update(seat->repeat_timer, (int)timeout + 1);
}

void seat_keyboard_key(struct seat *seat, struct seat_keymap *keymap, uint32_t time_ms,
		       uint32_t key, bool pressed)
{
	if (keymap == &seat->keymap)
		keyboard_load_keymap(seat);
	if (!keymap->keymap)
		return;
	keyboard_switch_keymap(seat, keymap);
	pressed_update(seat, key, pressed);
	if (sink_reads(seat) && !seat->server->identify_text) {
		sink_keyboard_key(seat, keymap, key, pressed);
		return;
	}
	/* xkb keycodes are evdev codes + 8. */
	enum xkb_state_component changed =
		xkb_state_update_key(keymap->state, key + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
	if (!handle_binding(seat, keymap, key, pressed) && seat->keyboard_focus) {
		uint32_t serial = wl_display_next_serial(seat->server->display);
		struct wl_resource *keyboard;
		wl_resource_for_each(keyboard, &seat->keyboards)
		{
			if (seat_resource_is_focused(keyboard, seat->keyboard_focus))
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
	if (seat->active != keymap)
		return;
	if (keyboard_load_keymap(seat) < 0) {
		seat->active = NULL; /* clients keep the keymap they have */
		return;
	}
	keyboard_switch_keymap(seat, &seat->keymap);
}

void seat_keyboard_modifiers(struct seat *seat, struct seat_keymap *keymap, uint32_t depressed,
			     uint32_t latched, uint32_t locked, uint32_t group)
{
	if (keymap == &seat->keymap)
		keyboard_load_keymap(seat);
	if (!keymap->keymap)
		return;
	keyboard_switch_keymap(seat, keymap);
	xkb_state_update_mask(keymap->state, depressed, latched, locked, 0, 0, group);
	keyboard_broadcast_modifiers(seat);
}

bool seat_keyboard_alt_held(struct seat *seat)
{
	/* Not compiled yet: no key has been pressed, so no Alt either. */
	struct seat_keymap *keymap = keyboard_keymap(seat);
	return keymap && xkb_state_mod_index_is_active(keymap->state, keymap->mod_alt,
						       XKB_STATE_MODS_EFFECTIVE) > 0;
}

/* ---- wl_keyboard objects and the seat's keyboard state ---- */

void seat_keyboard_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				   uint32_t id)
{
	struct wl_resource *keyboard = resource_create(client, &wl_keyboard_interface, version, id,
						       &keyboard_impl, seat, seat_resource_unlink);
	if (!keyboard)
		return;
	/* Before the list: compiling sends the new keymap to the keyboards there. */
	if (!seat->active)
		keyboard_load_keymap(seat);
	wl_list_insert(&seat->keyboards, wl_resource_get_link(keyboard));
	keyboard_send_keymap(seat, keyboard);
	if (wl_resource_get_version(keyboard) >= WL_KEYBOARD_REPEAT_INFO_SINCE_VERSION)
		wl_keyboard_send_repeat_info(keyboard, seat->repeat_rate, seat->repeat_delay);
	if (seat_resource_is_focused(keyboard, seat->keyboard_focus))
		keyboard_enter(seat, keyboard);
}

int seat_keyboard_init(struct seat *seat)
{
	struct server *server = seat->server;
	seat->keymap.fd = -1;
	wl_list_init(&seat->keyboards);
	wl_list_init(&seat->keyboard_focus_destroy.link);
	seat->keyboard_focus_destroy.notify = handle_keyboard_focus_destroy;
	wl_array_init(&seat->pressed);
	seat->repeat_rate = server->options->repeat_rate;
	seat->repeat_delay = server->options->repeat_delay;
	key_repeat_init(&seat->binding_repeat, seat->repeat_rate, seat->repeat_delay);
	/* The keymap itself: seat_keyboard_load_keymap_later(), or when first needed. */
	seat->xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (!seat->xkb)
		goto err_pressed;
	seat->repeat_timer = wl_event_loop_add_timer(server->loop, handle_repeat_timer, seat);
	if (!seat->repeat_timer)
		goto err_xkb;
	return 0;

err_xkb:
	xkb_context_unref(seat->xkb);
	seat->xkb = NULL;
err_pressed:
	wl_array_release(&seat->pressed);
	return -ENOMEM;
}

void seat_keyboard_finish(struct seat *seat)
{
	wl_list_remove(&seat->keyboard_focus_destroy.link);
	if (seat->keymap_idle)
		wl_event_source_remove(seat->keymap_idle);
	wl_event_source_remove(seat->repeat_timer);
	seat_keymap_finish(&seat->keymap);
	xkb_context_unref(seat->xkb);
	wl_array_release(&seat->pressed);
}
