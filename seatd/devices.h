/* Snapshot of the seat hardware udev knows: DRM cards, input devices, sound cards, USB hubs. */
#ifndef MULTISEAT_SEATD_DEVICES_H
#define MULTISEAT_SEATD_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "gpu.h"

struct udev;
struct udev_device;

struct devices_card {
	char *sysname;
	char *devnode;
	char *id_path;
	/* 0, or the negative errno that kept the card from being read. */
	int info_error;
	struct gpu_card_info info;
};

struct devices_input {
	char *sysname;
	char *devnode;
	char *id_path;
	char *name;
	uint32_t caps;
	/* sysname of the USB hub the device hangs off, NULL when not below a hub. */
	char *hub;
};

struct devices_sound {
	char *sysname;
	char *id;
	char *id_path;
	char *hub;
};

struct devices_hub {
	char *sysname;
	char *id_path;
	char *product;
};

struct devices {
	struct devices_card *cards;
	size_t card_count;
	struct devices_input *inputs;
	size_t input_count;
	struct devices_sound *sounds;
	size_t sound_count;
	struct devices_hub *hubs;
	size_t hub_count;
};

/* Fills `devices` from udev, sorted by sysname; returns 0 or a negative errno. */
int devices_scan(struct devices *devices, struct udev *udev);
void devices_finish(struct devices *devices);

/*
 * The sysname of the USB hub `dev` is plugged into (through any interfaces and
 * USB devices in between), or NULL when it is on a root port or not USB at all.
 * The returned device is borrowed from `dev`'s parent chain.
 */
struct udev_device *devices_usb_hub_of(struct udev_device *dev);

#endif
