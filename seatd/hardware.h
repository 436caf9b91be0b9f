/* The daemon's live view of seat hardware: cards it is DRM master of, and input devices. */
#ifndef MULTISEAT_SEATD_HARDWARE_H
#define MULTISEAT_SEATD_HARDWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <wayland-util.h>

#include "gpu.h"
#include "policy.h"

struct udev;
struct seat;
struct input_key_reader;
struct wl_event_source;

struct hw_card {
	struct wl_list link;
	char *sysname, *devnode;
	char *key; /* ID_PATH, or the sysname when udev has none */
	dev_t devnum;
	int fd;
	struct gpu_lessor *lessor;
	struct gpu_card_info info;
	bool seen; /* during a scan */
};

/* An input device (/dev/input/eventN) or a sound card (cardN: its /dev/snd nodes). */
struct hw_input {
	struct wl_list link;
	char *sysname, *devnode, *key, *name;
	dev_t devnum;
	bool sound;    /* a sound card: listed and assigned, never opened by the daemon */
	uint32_t caps; /* INPUT_CAP_*; 0 for sound cards */
	char **hubs;   /* ID_PATHs of the USB hubs above it, nearest first */
	size_t hub_count;
	char *usb_device; /* its USB device's ID_PATH; NULL when not on USB */
	/* What moves with it when it claims a seat: hubs[0], or usb_device on a root port. */
	const char *group;
	char **properties; /* "NAME=VALUE" */
	size_t property_count;
	bool seen;
	bool gone; /* unplugged: being taken off its seat before it is freed */

	/* The daemon's: where it is (and in its seat's list of devices) and the fd it holds. */
	struct seat *seat;
	struct wl_list seat_link; /* seat.devices while on a seat; alone otherwise */
	int fd;
	uint32_t link_id;
	char *reason; /* why it is where it is, for multiseatctl */
	/* While on no seat, a keyboard is read by the daemon for "press F<n>" (claim.c). */
	struct input_key_reader *watch;
	struct wl_event_source *watch_source;
	/*
	 * Not handed to a running compositor: held grabbed (and read only by the F<n> watch),
	 * so that its keys (SysRq, a power key for logind) reach nobody. -1 otherwise.
	 */
	int hold_fd;
};

struct hw {
	struct udev *udev;
	struct wl_list cards;  /* hw_card, by sysname */
	struct wl_list inputs; /* hw_input (input devices and sound cards), by sysname */
	uint32_t next_link_id;

	/* The policy's view, rebuilt by hw_policy_build; index i is inputs[i] / connectors[i]. */
	struct policy_connector *connectors;
	struct hw_card **connector_cards;
	uint32_t *connector_ids;
	size_t connector_count;
	struct policy_device *devices;
	struct hw_input **device_inputs;
	size_t device_count;
};

int hw_init(struct hw *hw, struct udev *udev);
/* Closes every card and device fd (revoking input fds first). */
void hw_finish(struct hw *hw);

/*
 * Re-reads the cards and input devices from udev. A new card is opened and must give us DRM
 * master. A card gone is passed to `card_gone` (to drop the leases on it), then closed and
 * freed with every lease of it. Devices gone are passed to `input_gone` (to revoke and tell
 * their seat) and then freed. Either may be NULL. Returns 0 or a negative errno.
 */
int hw_scan(struct hw *hw, void (*input_gone)(void *data, struct hw_input *input),
	    void (*card_gone)(void *data, struct hw_card *card), void *data);

/* Re-reads one card's connectors (after a HOTPLUG=1 uevent). */
int hw_card_reprobe(struct hw_card *card);
struct hw_card *hw_card_by_devnum(struct hw *hw, dev_t devnum);
struct hw_input *hw_input_by_key(struct hw *hw, const char *key_or_devnode);

/* Fills the arrays the rules engine reads; valid until the next scan or build. */
int hw_policy_build(struct hw *hw, struct policy_hardware *out);

const char *hw_input_kind(const struct hw_input *input);
/*
 * The keys that stand for the device in the saved state, nearest first: its own ID_PATH,
 * its USB device's, then its hubs'. Index 0 .. hw_input_chain_length() - 1; NULL for a
 * key it has not (no USB device).
 */
size_t hw_input_chain_length(const struct hw_input *input);
const char *hw_input_chain_key(const struct hw_input *input, size_t i);
/* Stops the daemon's own reading of the device for "press F<n>" (claim.c starts it). */
void hw_input_unwatch(struct hw_input *input);
/*
 * Every input device the daemon considers is open in exactly one grabbing file at any time:
 * the daemon's hold (hold_fd, which the F<n> watch reads while the keyboard is free), or
 * the file its seat's compositor was handed (fd). The file moves, so that there is no moment
 * without a grab: hw_input_hold takes the hold when the device has neither;
 * hw_input_hand_over makes the hold's file (its queue dropped) input->fd for the compositor;
 * hw_input_take_back revokes that and holds a file opened before the revoke and grabbed
 * right after it (returns the revoke's negative errno, or 0). hw_input_release closes the
 * hold. hw_input_hand_over returns 0, or -ENODEV when the device is gone or cannot be opened
 * (hw_input_hold logs why).
 */
void hw_input_hold(struct hw_input *input);
int hw_input_hand_over(struct hw_input *input);
int hw_input_take_back(struct hw_input *input);
void hw_input_release(struct hw_input *input);

#endif
