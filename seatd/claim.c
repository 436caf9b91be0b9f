/* Claiming a seat by pressing the function key its screen shows, on a keyboard on no seat. */
#include "claim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "hardware.h"
#include "input.h"
#include "log.h"
#include "seat.h"
#include "sysrq.h"

static struct hw_input *input_of_watch(struct daemon *daemon, int fd)
{
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		if (input->watch && input_key_reader_get_fd(input->watch) == fd)
			return input;
	}
	return NULL;
}

static int handle_key(int fd, uint32_t mask, void *data)
{
	struct daemon *daemon = data;
	struct hw_input *input = input_of_watch(daemon, fd);
	if (!input)
		return 0;
	int n = input_key_reader_dispatch(input->watch);
	if (n < 0) {
		/* Unplugged (udev will say so) or unreadable: stop listening to it. */
		if (n != -ENODEV)
			log_error("keyboard %s (%s) cannot be read: %s", input->key, input->devnode,
				  strerror(-n));
		hw_input_unwatch(input);
		hw_input_release(input); /* a dead file; the next hold opens it again, if it can */
	} else {
		/* With sysrq off, Alt+SysRq+<key> on a free keyboard does nothing at all. */
		char command = input_key_reader_take_sysrq(input->watch);
		if (command && daemon->config.sysrq)
			claim_run_sysrq(daemon, command, input->key);
		if (n > 0)
			claim_seat(daemon, input, n);
	}
	return 0;
}

void claim_run_sysrq(struct daemon *daemon, char command, const char *from)
{
	if (!sysrq_command_valid(command)) {
		log_error("%s: a SysRq command that is none (0x%02x); ignored", from,
			  (unsigned char)command);
		return;
	}
	if (!daemon->config.sysrq) {
		/* A compositor only reports SysRq when the hello asked it to. */
		log_error("%s: Alt+SysRq+%c came while [daemon] sysrq is false; ignored", from,
			  command);
		return;
	}
	int mask;
	int ret = sysrq_run(command, NULL, NULL, &mask);
	if (ret == 0)
		log_info("%s: Alt+SysRq+%c: done", from, command);
	else if (ret == -EPERM)
		log_info("%s: Alt+SysRq+%c: not allowed from a keyboard by kernel.sysrq = %d", from,
			 command, mask);
	else
		log_error("%s: Alt+SysRq+%c cannot be run: %s", from, command, strerror(-ret));
}

/*
 * A free keyboard's keys reach the daemon alone: never the console, SysRq or another reader
 * (a desk's user reading /dev/input through an ACL). The watch reads the hold's file, so the
 * keyboard stays grabbed by the same file throughout.
 */
static void watch(struct daemon *daemon, struct hw_input *input)
{
	hw_input_hold(input);
	int fd = input->hold_fd;
	if (fd < 0)
		return; /* gone, or the hold logged why not */
	/* Keys typed while it was held are not a claim now. */
	input_evdev_drain(fd);
	input->watch = input_key_reader_create(fd);
	if (!input->watch) {
		log_error("keyboard %s (%s) cannot be read as evdev: %s", input->key,
			  input->devnode, strerror(errno));
		return;
	}
	input->watch_source =
		wl_event_loop_add_fd(daemon->loop, fd, WL_EVENT_READABLE, handle_key, daemon);
	if (!input->watch_source) {
		hw_input_unwatch(input);
		return;
	}
	log_debug("watching keyboard %s (%s) for F<n>", input->key, input->devnode);
}

void claim_watch_update(struct daemon *daemon)
{
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		bool wanted = !daemon->stopping && !input->seat && !input->sound &&
			      (input->caps & INPUT_CAP_KEYBOARD);
		if (wanted && !input->watch)
			watch(daemon, input);
		else if (!wanted && input->watch)
			hw_input_unwatch(input);
		/* Even while stopping: until the console is given back, no key reaches it. */
		hw_input_hold(input);
	}
}

static struct seat *seat_by_number(struct daemon *daemon, int number)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (!seat->doomed && seat->number == number)
			return seat;
	}
	return NULL;
}

/* Whether another keyboard (not part of the same USB device) hangs below `hub`. */
static bool hub_has_other_keyboard(struct daemon *daemon, const struct hw_input *input,
				   const char *hub)
{
	struct hw_input *other;
	wl_list_for_each (other, &daemon->hw.inputs, link) {
		if (other == input || other->sound || !(other->caps & INPUT_CAP_KEYBOARD))
			continue;
		if (input->usb_device && other->usb_device &&
		    strcmp(input->usb_device, other->usb_device) == 0)
			continue;
		for (size_t i = 0; i < other->hub_count; i++) {
			if (strcmp(other->hubs[i], hub) == 0)
				return true;
		}
	}
	return false;
}

/*
 * What moves with the keyboard: its hub, unless that hub has another desk's keyboard too (a
 * classroom hub that all keyboards share is not one desk); then only its own USB device.
 */
static const char *claim_group(struct daemon *daemon, const struct hw_input *input)
{
	if (!input->group)
		return input->key;
	if (input->group != input->usb_device &&
	    hub_has_other_keyboard(daemon, input, input->group)) {
		log_info("hub %s has more keyboards than %s: only its own USB device claims",
			 input->group, input->key);
		return input->usb_device ? input->usb_device : input->key;
	}
	return input->group;
}

int claim_seat(struct daemon *daemon, struct hw_input *input, int number)
{
	struct seat *seat = seat_by_number(daemon, number);
	if (!seat) {
		log_info("F%d pressed on %s: there is no seat %d", number, input->key, number);
		return -ENOENT;
	}
	if (seat->claimed) {
		log_info("F%d pressed on %s: seat %s has a keyboard already; ignored", number,
			 input->key, seat->name);
		return -EBUSY;
	}
	/* A copy: the reconcile below may free the device. */
	char key[256];
	snprintf(key, sizeof(key), "%s", claim_group(daemon, input));
	bool group = strcmp(key, input->key) != 0;
	log_info("F%d pressed on %s (%s): %s%s joins seat %s", number, input->key, input->devnode,
		 group ? "it and every device of " : "the device", group ? key : "", seat->name);
	int ret = daemon_claim(daemon, input, key, seat->name);
	if (ret < 0)
		log_error("seat %s: the claim cannot be recorded: %s", seat->name, strerror(-ret));
	return ret;
}

static int handle_identify_done(void *data)
{
	struct daemon *daemon = data;
	daemon->identifying = false;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link)
		seat_update_identify(seat);
	return 0;
}

void claim_identify_all(struct daemon *daemon, int ms)
{
	if (!daemon->identify_timer) {
		daemon->identify_timer =
			wl_event_loop_add_timer(daemon->loop, handle_identify_done, daemon);
		if (!daemon->identify_timer)
			return;
	}
	daemon->identifying = true;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link)
		seat_update_identify(seat);
	wl_event_source_timer_update(daemon->identify_timer, ms);
}
