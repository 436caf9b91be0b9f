/* logind's seat rules from our assignments, and our claims from the ID_SEAT udev has. */
#include "udev_seats.h"

#include <errno.h>
#include <json-c/json.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "hardware.h"
#include "log.h"
#include "policy.h"
#include "seat.h"
#include "seat_leases.h"

struct export
{
	struct json_object *rules, *notes;
	int failed; /* a negative errno once something could not be added */
};

static void add_note(struct export *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct export *ex, const char *fmt, ...)
{
	char text[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	json_object_array_add(ex->notes, json_object_new_string(text));
}

static bool rule_listed(const struct export *ex, const char *file)
{
	size_t n = json_object_array_length(ex->rules);
	for (size_t i = 0; i < n; i++) {
		struct json_object *file_o;
		if (json_object_object_get_ex(json_object_array_get_idx(ex->rules, i), "file",
					      &file_o) &&
		    strcmp(json_object_get_string(file_o), file) == 0)
			return true;
	}
	return false;
}

/* One rule for the device udev calls `subsystem` whose ID_PATH is `id_path`. */
static void add_rule(struct export *ex, const char *subsystem, const char *id_path,
		     const struct seat *seat)
{
	char *tag = policy_udev_path_tag(id_path);
	char *logind = policy_udev_seat_name(seat->name);
	char *id_for_seat = NULL;
	struct policy_udev_rule rule = {0};
	if (!tag || !logind || asprintf(&id_for_seat, "%s-%s", subsystem, tag) < 0) {
		id_for_seat = NULL;
		ex->failed = -ENOMEM;
		goto out;
	}
	int ret = policy_udev_rule_init(&rule, id_for_seat, logind);
	if (ret < 0) {
		add_note(ex, "%s (%s) on seat %s: no rule can express it (%s)", id_path, subsystem,
			 seat->name, strerror(-ret));
		goto out;
	}
	if (rule_listed(ex, rule.file_name))
		goto out;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(rule.file_name));
	json_object_object_add(o, "text", json_object_new_string(rule.text));
	json_object_object_add(o, "seat", json_object_new_string(logind));
	json_object_object_add(o, "device", json_object_new_string(id_path));
	json_object_array_add(ex->rules, o);
out:
	policy_udev_rule_finish(&rule);
	free(id_for_seat);
	free(logind);
	free(tag);
}

/* Whether every device below the hub is on `seat`: then the hub can carry the seat. */
static bool hub_all_on(struct daemon *daemon, const char *hub, const struct seat *seat)
{
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		for (size_t i = 0; i < input->hub_count; i++) {
			if (strcmp(input->hubs[i], hub) == 0 && input->seat != seat)
				return false;
		}
	}
	return true;
}

static bool seat_before(struct daemon *daemon, const struct seat *a, const struct seat *b)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat == a)
			return true;
		if (seat == b)
			return false;
	}
	return false;
}

static void export_card(struct export *ex, struct daemon *daemon, const struct seat *seat,
			const struct hw_card *card)
{
	/* A card that serves several seats: one note, from the first of them. */
	bool first = true, shared = false;
	struct seat *other;
	wl_list_for_each (other, &daemon->seats, link) {
		if (other == seat || other->doomed || !seat_uses_card(other, card))
			continue;
		shared = true;
		first = first && seat_before(daemon, seat, other);
	}
	if (!shared) {
		add_rule(ex, "drm", card->key, seat);
		return;
	}
	if (!first)
		return;
	char names[256] = "";
	size_t used = 0;
	wl_list_for_each (other, &daemon->seats, link) {
		if (!other->doomed && seat_uses_card(other, card) && used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", other->name);
	}
	add_note(ex,
		 "card %s serves seats %s through DRM leases; logind cannot split a card, so no "
		 "rule moves it",
		 card->key, names);
}

/* A seat may span cards: each is its own rule or note. */
static void export_cards(struct export *ex, struct daemon *daemon, const struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		if (seat->cards[s].card)
			export_card(ex, daemon, seat, seat->cards[s].card);
	}
}

struct json_object *udev_seats_export(struct daemon *daemon)
{
	struct export ex = {
		.rules = json_object_new_array(),
		.notes = json_object_new_array(),
	};
	struct json_object *result = json_object_new_object();
	if (!ex.rules || !ex.notes || !result)
		goto err;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat->doomed)
			continue;
		export_cards(&ex, daemon, seat);
		struct hw_input *input;
		wl_list_for_each (input, &seat->devices, seat_link) {
			/* logind hands a hub's ID_SEAT down to every device below it. */
			if (input->hub_count > 0 && hub_all_on(daemon, input->hubs[0], seat))
				add_rule(&ex, "usb", input->hubs[0], seat);
			else
				add_rule(&ex, input->sound ? "sound" : "input", input->key, seat);
		}
	}
	if (ex.failed < 0)
		goto err;
	json_object_object_add(result, "rules", ex.rules);
	json_object_object_add(result, "notes", ex.notes);
	return result;
err:
	json_object_put(ex.rules);
	json_object_put(ex.notes);
	json_object_put(result);
	return NULL;
}

/* ---- import ---- */

static const char *property(const struct hw_input *input, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < input->property_count; i++) {
		if (strncmp(input->properties[i], name, len) == 0 &&
		    input->properties[i][len] == '=')
			return input->properties[i] + len + 1;
	}
	return NULL;
}

struct import {
	const char **names;
	int *numbers;
	size_t count;
	FILE *report;
	size_t saved, skipped;
};

/* Saves `key` -> the seat logind calls `id_seat`; false when we have no such seat. */
static bool import_one(struct daemon *daemon, struct import *im, const char *key,
		       const char *id_seat)
{
	int i = policy_udev_seat_lookup(id_seat, im->names, im->numbers, im->count);
	if (i < 0) {
		fprintf(im->report, "%s: ID_SEAT=%s names no seat here; skipped\n", key, id_seat);
		im->skipped++;
		return false;
	}
	int ret = policy_saved_set(&daemon->saved, POLICY_SAVED_DEVICES, key, im->names[i]);
	if (ret < 0) {
		fprintf(im->report, "%s: not saved: %s\n", key, strerror(-ret));
		im->skipped++;
		return false;
	}
	fprintf(im->report, "%s: seat %s (ID_SEAT=%s)%s\n", key, im->names[i], id_seat,
		ret == 0 ? ", saved already" : "");
	im->saved += ret > 0;
	return true;
}

static bool hub_imported(struct daemon *daemon, const char *hub, const char *id_seat,
			 const struct import *im)
{
	bool found;
	const char *seat = policy_saved_get(&daemon->saved, POLICY_SAVED_DEVICES, hub, &found);
	int i = policy_udev_seat_lookup(id_seat, im->names, im->numbers, im->count);
	return found && seat && i >= 0 && strcmp(seat, im->names[i]) == 0;
}

/* Hubs first: a hub's ID_SEAT stands for every device below it. */
static void import_hubs(struct daemon *daemon, struct import *im)
{
	struct udev_enumerate *e = udev_enumerate_new(daemon->udev);
	if (!e)
		return;
	udev_enumerate_add_match_subsystem(e, "usb");
	udev_enumerate_add_match_sysattr(e, "bDeviceClass", "09");
	udev_enumerate_add_match_property(e, "DEVTYPE", "usb_device");
	udev_enumerate_scan_devices(e);
	struct udev_list_entry *entry;
	udev_list_entry_foreach (entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(daemon->udev, udev_list_entry_get_name(entry));
		const char *id_seat = dev ? udev_device_get_property_value(dev, "ID_SEAT") : NULL;
		const char *id_path = dev ? udev_device_get_property_value(dev, "ID_PATH") : NULL;
		if (id_seat && id_path && strcmp(id_seat, "seat0") != 0)
			import_one(daemon, im, id_path, id_seat);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
}

struct json_object *udev_seats_import(struct daemon *daemon, uid_t uid)
{
	struct import im = {0};
	char *text = NULL;
	size_t size = 0;
	size_t n = (size_t)wl_list_length(&daemon->seats);
	im.names = calloc(n ? n : 1, sizeof(*im.names));
	im.numbers = calloc(n ? n : 1, sizeof(*im.numbers));
	im.report = open_memstream(&text, &size);
	struct json_object *result = NULL;
	if (!im.names || !im.numbers || !im.report)
		goto out;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (!seat->doomed) {
			im.names[im.count] = seat->name;
			im.numbers[im.count++] = seat->number;
		}
	}
	import_hubs(daemon, &im);
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		const char *id_seat = property(input, "ID_SEAT");
		if (!id_seat || strcmp(id_seat, "seat0") == 0)
			continue;
		if (input->hub_count > 0 && hub_imported(daemon, input->hubs[0], id_seat, &im))
			continue;
		import_one(daemon, &im, input->key, id_seat);
	}
	fprintf(im.report, "%zu assignment%s saved from udev, %zu skipped", im.saved,
		im.saved == 1 ? "" : "s", im.skipped);
	fclose(im.report);
	im.report = NULL;
	log_info("control (uid %u): import-udev: %zu saved, %zu skipped", (unsigned)uid, im.saved,
		 im.skipped);
	if (im.saved > 0) {
		daemon_save_state(daemon);
		daemon_reconcile(daemon);
	}
	result = json_object_new_object();
	if (result)
		json_object_object_add(result, "message", json_object_new_string(text ? text : ""));
out:
	if (im.report)
		fclose(im.report);
	free(text);
	free(im.names);
	free(im.numbers);
	return result;
}
