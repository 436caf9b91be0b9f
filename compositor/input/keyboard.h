/* wl_keyboard: keymaps, key and modifier delivery, keyboard focus and the compositor's bindings. */
#ifndef MULTISEAT_COMPOSITOR_KEYBOARD_H
#define MULTISEAT_COMPOSITOR_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <xkbcommon/xkbcommon.h>

struct seat;
struct surface;

/* A keymap as clients receive it: compiled, with its text in a sealed memfd. */
struct seat_keymap {
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int fd;
	uint32_t size;
	xkb_mod_index_t mod_alt, mod_logo;
};

/* The seat's keyboard half: xkb context, the configured keymap, the binding repeat timer. */
int seat_keyboard_init(struct seat *seat);
/* Compiles the configured keymap on the event loop's next turn rather than when first needed;
 * a layout that does not compile then stops the compositor with exit code 1. */
int seat_keyboard_load_keymap_later(struct seat *seat);
/*
 * Who reads the keyboard instead of clients while the desk greets (the greeter): each press,
 * as the keymap that typed it gives its symbol and text (which may be a password's: the
 * caller wipes its copy), with key repeat as for the compositor's own bindings.
 */
struct keyboard_sink {
	void (*key)(void *data, xkb_keysym_t sym, const char *utf8);
	void *data;
};
/* Sets the sink (NULL: none); keys go to it whenever the server greets and it is set. */
void seat_keyboard_set_sink(struct seat *seat, const struct keyboard_sink *sink);

void seat_keyboard_finish(struct seat *seat);
/* wl_seat.get_keyboard: sends the keymap, the repeat info and enter when the client has focus. */
void seat_keyboard_create_resource(struct seat *seat, struct wl_client *client, uint32_t version,
				   uint32_t id);

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
/* Whether Alt is down in the keymap clients were sent last (Alt+drag). */
bool seat_keyboard_alt_held(struct seat *seat);
void seat_set_keyboard_focus(struct seat *seat, struct surface *surface);

#endif
