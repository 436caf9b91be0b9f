/*
 * Snapshot of the seat hardware udev knows: DRM cards, input devices, sound cards, USB hubs.
 * What counts is udev_hw's, as for the daemon: devices udev has initialised, and the same
 * cards, evdev nodes and sound cards.
 */
#ifndef MULTISEAT_SEATD_DEVICES_H
#define MULTISEAT_SEATD_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "gpu.h"

struct udev;

struct devices_card {
	char *sysname;
	char *devnode;
	char *id_path; /* NULL: the daemon keys the card by its sysname */
	/* 0, or the negative errno that kept the card from being read. */
	int info_error;
	struct gpu_card_info info;
};

struct devices_input {
	char *sysname;
	char *devnode;
	char *id_path; /* its place; NULL: virtual, it belongs to no seat (udev_hw_place) */
	char *name;
	uint32_t caps;
	/* sysname of the USB hub the daemon files it under (udev_hw_hub_above), or NULL. */
	char *hub;
};

struct devices_sound {
	char *sysname;
	char *id;      /* the ALSA id */
	char *name;    /* as the daemon names it: ID_MODEL, else the ALSA id */
	char *id_path; /* as for devices_input */
	char *hub;
};

struct devices_hub {
	char *sysname;
	char *id_path; /* NULL: the daemon passes it over, for the next hub up */
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

#endif
