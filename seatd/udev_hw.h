/*
 * Which udev devices are seat hardware: the one definition that the daemon (hardware.c) and
 * `multiseatd --probe` (devices.c) share, so that the probe lists what the daemon considers.
 */
#ifndef MULTISEAT_SEATD_UDEV_HW_H
#define MULTISEAT_SEATD_UDEV_HW_H

#include <stdbool.h>

struct udev;
struct udev_device;

/* ---- by name: pure string checks, no udev ---- */

/*
 * A DRM card: "card<N>" with a device node. Not its connectors ("card0-Virtual-1", no node
 * anyway) nor its render node ("renderD128").
 */
bool udev_hw_is_card(const char *sysname, const char *devnode);
/* An evdev node: "event<N>" with a device node. Not mouse<N> or js<N>, which duplicate it. */
bool udev_hw_is_evdev(const char *sysname, const char *devnode);
/* A sound card: "card<N>" of the sound subsystem. Not its nodes (pcmC0D0p, controlC0). */
bool udev_hw_is_sound_card(const char *sysname);
/* A host controller's root hub ("usb<N>"); every other USB device is "<bus>-<ports>". */
bool udev_hw_is_root_hub_name(const char *sysname);

/* ---- devices ---- */

enum udev_hw_kind {
	UDEV_HW_CARD,  /* drm: udev_hw_is_card */
	UDEV_HW_INPUT, /* input: udev_hw_is_evdev */
	UDEV_HW_SOUND, /* sound: udev_hw_is_sound_card */
	UDEV_HW_HUB,   /* usb: a hub (bDeviceClass 09) that is not a root hub */
};

/* Returns 0 or a negative errno. */
typedef int (*udev_hw_visit_fn)(void *data, struct udev_device *dev);

/*
 * Calls `visit` on each device of `kind` that udev has initialised: one it has not yet has
 * none of udev's properties, and the daemon takes it up at its uevent. Every device is
 * visited even when a visit fails. Returns 0, or the first negative errno: of the
 * enumeration (logged, naming the subsystem) or of a visit.
 */
int udev_hw_for_each(struct udev *udev, enum udev_hw_kind kind, udev_hw_visit_fn visit, void *data);

/*
 * The device's place: its ID_PATH, which keys it in configurations and the saved state.
 * NULL for a virtual input device or sound card (uinput, snd-aloop): it belongs to no seat.
 * A card without one is keyed by its sysname instead.
 */
const char *udev_hw_place(struct udev_device *dev);

/*
 * The names tables show, NULL when udev has none. An input device's is its product name: the
 * "name" of its parent in the input subsystem. A sound card's is its ID_MODEL, else its ALSA
 * id ("PCH").
 */
const char *udev_hw_input_name(struct udev_device *dev);
const char *udev_hw_sound_name(struct udev_device *dev);

/* An input_property_fn (input.h) for input_classify: `dev` is a struct udev_device. */
const char *udev_hw_property(void *dev, const char *name);
/* An input_is_hub_fn (input.h) for input_usb_group: `udev` is the struct udev. */
bool udev_hw_is_hub_at(void *udev, const char *syspath);

/*
 * The nearest USB hub that `dev` hangs off (through the interfaces and USB devices in
 * between) and that has a place; hubs without one are passed over. NULL when there is none
 * below the root hub, or `dev` is not on USB. Called again on the hub, it gives the next one
 * up (a hub inside a monitor or another hub, then the hub it hangs off): the daemon's hub
 * chain. The returned device is borrowed from `dev`'s parent chain.
 */
struct udev_device *udev_hw_hub_above(struct udev_device *dev);

#endif
