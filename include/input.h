/* Input library: classifying evdev devices, grouping them by USB hub, and reading function keys. */
#ifndef MULTISEAT_INPUT_H
#define MULTISEAT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum input_capability {
	INPUT_CAP_KEYBOARD = 1u << 0,
	INPUT_CAP_POINTER = 1u << 1,
	INPUT_CAP_TOUCH = 1u << 2,
	INPUT_CAP_TABLET = 1u << 3,
	/* Keys that are not a keyboard: power buttons, media keys, lid switches. */
	INPUT_CAP_KEYS = 1u << 4,
	INPUT_CAP_JOYSTICK = 1u << 5,
};

/* One name per device, for tables: the most important capability wins. */
enum input_kind {
	INPUT_KIND_KEYBOARD,
	INPUT_KIND_POINTER,
	INPUT_KIND_TOUCH,
	INPUT_KIND_TABLET,
	INPUT_KIND_OTHER,
};

/* Looks up one udev property of a device; returns NULL when it is not set. */
typedef const char *(*input_property_fn)(void *data, const char *name);

/*
 * Capabilities from udev's input_id properties (ID_INPUT_KEYBOARD, ID_INPUT_MOUSE, ...).
 * Returns 0 for anything that is not an input device udev recognised.
 */
uint32_t input_classify(input_property_fn get, void *data);
enum input_kind input_kind_from_caps(uint32_t caps);
const char *input_kind_name(enum input_kind kind);

/* ---- USB grouping (usb_group.c) ---- */

/* "usb3": a host controller's root hub ("usb" and digits; not "usb", not "usbmon"). */
bool input_usb_is_root_hub(const char *name, size_t length);

/* Whether the USB device at this sysfs path is a hub (bDeviceClass 09). */
typedef bool (*input_is_hub_fn)(void *data, const char *syspath);

/*
 * The sysfs path of the device group `syspath` belongs to when its keyboard claims a seat:
 * the nearest USB hub above the device's own USB device, or, when that hangs straight off a
 * root port, the USB device itself (its other interfaces: a keyboard's touchpad). Written
 * into `out`. Returns 0, -ENOENT when the device is not on USB, or -ENAMETOOLONG.
 */
int input_usb_group(const char *syspath, input_is_hub_fn is_hub, void *data, char *out,
		    size_t size);

/* ---- exclusive access (grab.c) ---- */

/*
 * EVIOCGRAB on an evdev fd: from now on the device's events go to this open file alone (and
 * every copy of it, such as the one a compositor was handed), not to the kernel's console
 * keyboard, SysRq, logind's power keys or any other reader. The grab ends when the file is
 * closed or revoked. Returns 0, -EBUSY when another file holds it, or another negative errno.
 */
int input_evdev_grab(int fd);
/*
 * Reads and drops every event waiting on an evdev fd: what a held device queued while nobody
 * read it is old news to whoever reads it next. Returns 0 or a negative errno (-ENODEV).
 */
int input_evdev_drain(int fd);

/* ---- function keys (keys.c) ---- */

/* n for KEY_F<n> (1..24), 0 for any other key code. */
int input_function_key_number(unsigned int code);

/* Reads a keyboard for "press F<n>" (the caller grabs it: see input_evdev_grab). */
struct input_key_reader;

/*
 * Reads `fd` (an evdev node opened non-blocking), which stays the caller's: it is not closed
 * by a failed create or by destroy. NULL with errno on failure.
 */
struct input_key_reader *input_key_reader_create(int fd);
void input_key_reader_destroy(struct input_key_reader *reader);
int input_key_reader_get_fd(const struct input_key_reader *reader);
/*
 * Reads what is waiting. Returns n when F<n> was pressed (the first one), 0 when no function
 * key was, or a negative errno (-ENODEV: unplugged or revoked).
 */
int input_key_reader_dispatch(struct input_key_reader *reader);
/* The SysRq command of the last Alt+SysRq+<key> read (see sysrq.h) and not taken yet, or 0. */
char input_key_reader_take_sysrq(struct input_key_reader *reader);

#endif
