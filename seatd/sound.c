/* Per-seat access to sound cards: ACLs on their /dev/snd nodes, found through udev. */
#include "sound.h"

#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "daemon.h"
#include "log.h"
#include "seat.h"
#include "services.h"

int sound_card_number(const char *sysname)
{
	if (strncmp(sysname, "card", 4) != 0 || sysname[4] < '0' || sysname[4] > '9')
		return -1;
	char *end;
	long n = strtol(sysname + 4, &end, 10);
	return *end == '\0' && n <= 4096 ? (int)n : -1;
}

/* The user the card's nodes are for now, AUDIO_NO_USER when nobody's. */
static uid_t wanted_user(const struct hw_input *input)
{
	const struct seat *seat = input->seat;
	return seat && services_running(seat->services) ? seat->user.uid : AUDIO_NO_USER;
}

static void sync_card(struct daemon *daemon, struct hw_input *input)
{
	struct udev_device *card =
		udev_device_new_from_subsystem_sysname(daemon->udev, "sound", input->sysname);
	if (!card)
		return; /* unplugged under us: its nodes are gone too */
	struct udev_enumerate *e = udev_enumerate_new(daemon->udev);
	if (!e || udev_enumerate_add_match_parent(e, card) < 0 ||
	    udev_enumerate_add_match_subsystem(e, "sound") < 0 ||
	    udev_enumerate_scan_devices(e) < 0)
		goto out;
	uid_t uid = wanted_user(input);
	struct udev_list_entry *entry;
	udev_list_entry_foreach (entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *node =
			udev_device_new_from_syspath(daemon->udev, udev_list_entry_get_name(entry));
		const char *devnode = node ? udev_device_get_devnode(node) : NULL;
		int ret = devnode ? audio_acl_set_user(devnode, uid) : 0;
		if (ret > 0 && uid != AUDIO_NO_USER)
			log_info("sound %s: %s may be opened by %s (seat %s)", input->key, devnode,
				 input->seat->user.name, input->seat->name);
		else if (ret > 0)
			log_info("sound %s: %s is closed to every seat user", input->key, devnode);
		else if (ret < 0 && ret != -ENOENT)
			log_error("sound %s: the ACL of %s cannot be set: %s", input->key, devnode,
				  strerror(-ret));
		udev_device_unref(node);
	}
out:
	udev_enumerate_unref(e);
	udev_device_unref(card);
}

void sound_sync_acls(struct daemon *daemon)
{
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		if (input->sound)
			sync_card(daemon, input);
	}
}
