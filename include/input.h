/* Input library: classifying evdev devices from their udev properties. */
#ifndef MULTISEAT_INPUT_H
#define MULTISEAT_INPUT_H

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

#endif
