/* Input device classification from udev's ID_INPUT_* properties, never from device names. */
#include "input.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static bool property_set(input_property_fn get, void *data, const char *name)
{
	const char *value = get(data, name);
	/* udev writes "1"; anything else (absent, "0", garbage) means not set. */
	return value != NULL && strcmp(value, "1") == 0;
}

uint32_t input_classify(input_property_fn get, void *data)
{
	if (!property_set(get, data, "ID_INPUT")) {
		return 0;
	}
	static const struct {
		const char *property;
		uint32_t cap;
	} map[] = {
		{"ID_INPUT_KEYBOARD", INPUT_CAP_KEYBOARD},
		{"ID_INPUT_MOUSE", INPUT_CAP_POINTER},
		{"ID_INPUT_TOUCHPAD", INPUT_CAP_POINTER},
		{"ID_INPUT_POINTINGSTICK", INPUT_CAP_POINTER},
		{"ID_INPUT_TRACKBALL", INPUT_CAP_POINTER},
		{"ID_INPUT_TOUCHSCREEN", INPUT_CAP_TOUCH},
		{"ID_INPUT_TABLET", INPUT_CAP_TABLET},
		{"ID_INPUT_KEY", INPUT_CAP_KEYS},
		{"ID_INPUT_SWITCH", INPUT_CAP_KEYS},
		{"ID_INPUT_JOYSTICK", INPUT_CAP_JOYSTICK},
	};
	uint32_t caps = 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (property_set(get, data, map[i].property)) {
			caps |= map[i].cap;
		}
	}
	return caps;
}

enum input_kind input_kind_from_caps(uint32_t caps)
{
	/* A keyboard with a touchpad is first a keyboard: it is what claims a seat. */
	if (caps & INPUT_CAP_KEYBOARD) {
		return INPUT_KIND_KEYBOARD;
	}
	if (caps & INPUT_CAP_TABLET) {
		return INPUT_KIND_TABLET;
	}
	if (caps & INPUT_CAP_TOUCH) {
		return INPUT_KIND_TOUCH;
	}
	if (caps & INPUT_CAP_POINTER) {
		return INPUT_KIND_POINTER;
	}
	return INPUT_KIND_OTHER;
}

const char *input_kind_name(enum input_kind kind)
{
	switch (kind) {
	case INPUT_KIND_KEYBOARD:
		return "keyboard";
	case INPUT_KIND_POINTER:
		return "pointer";
	case INPUT_KIND_TOUCH:
		return "touch";
	case INPUT_KIND_TABLET:
		return "tablet";
	case INPUT_KIND_OTHER:
		break;
	}
	return "other";
}
