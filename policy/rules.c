/* The assignment rules: the seat of every output and device, and why, from config and state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_names.h"
#include "policy.h"

/* Nine digits keep every "seat-<n>" a valid seat name and every n an int. */
#define AUTOSEAT_DIGITS 9

/* ---- text ---- */

/* Ends an open_memstream: its text, or NULL with errno ENOMEM when any write failed. */
static char *stream_finish(FILE *stream, char **text)
{
	bool failed = ferror(stream);
	if (fclose(stream) != 0 || failed) {
		free(*text);
		*text = NULL;
		errno = ENOMEM;
		return NULL;
	}
	return *text;
}

static const char *config_file(const struct policy_config *config)
{
	return config->path ? config->path : "multiseat.conf";
}

static int claim_line(const struct policy_claim *claim)
{
	return claim->rule ? claim->rule->line : claim->output->line;
}

/* The entry as it is written in the file. */
static void print_entry(FILE *stream, const struct policy_claim *claim)
{
	const struct policy_rule *rule = claim->rule;
	if (!rule) {
		fputs(claim->output->key, stream);
		return;
	}
	switch (rule->match) {
	case POLICY_MATCH_PATH:
		fprintf(stream, "path:%s", rule->key);
		break;
	case POLICY_MATCH_HUB:
		fprintf(stream, "hub:%s", rule->key);
		break;
	case POLICY_MATCH_PROPERTY:
		fprintf(stream, "udev:%s=%s", rule->key, rule->value ? rule->value : "");
		break;
	}
}

/* "seat1 (FILE:14, hub:X) and seat2 (FILE:20, udev:A=B)": `shown` of `count` claims. */
static void print_claims(FILE *stream, const struct policy_assignment *assignment,
			 const struct policy_claim *claims, size_t shown, size_t count)
{
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			fputs(i + 1 == count ? " and " : ", ", stream);
		fprintf(stream, "%s (%s:%d, ", assignment->seats[claims[i].seat].name,
			config_file(assignment->config), claim_line(&claims[i]));
		print_entry(stream, &claims[i]);
		fputc(')', stream);
	}
	if (count > shown)
		fprintf(stream, " and %zu other seat%s", count - shown,
			count - shown > 1 ? "s" : "");
}

static void report_conflict(struct policy_assignment *assignment, const char *what, const char *key,
			    const struct policy_claim *claims, size_t count)
{
	const char *file = config_file(assignment->config);
	char *text = NULL;
	size_t size;
	FILE *stream = open_memstream(&text, &size);
	if (stream) {
		fprintf(stream, "%s %s is matched by ", what, key);
		print_claims(stream, assignment, claims, count, count);
		stream_finish(stream, &text);
	}
	if (text)
		policy_errors_add(&assignment->errors, file, claim_line(&claims[0]), "%s", text);
	else
		policy_errors_add(&assignment->errors, file, claim_line(&claims[0]),
				  "%s %s is matched by %zu seats", what, key, count);
	free(text);
}

/* ---- matching ---- */

static bool rule_matches(const struct policy_rule *rule, const struct policy_device *device)
{
	switch (rule->match) {
	case POLICY_MATCH_PATH:
		return strcmp(rule->key, device->key) == 0;
	case POLICY_MATCH_HUB:
		for (size_t i = 0; i < device->hub_count; i++) {
			if (strcmp(rule->key, device->hubs[i]) == 0)
				return true;
		}
		return false;
	case POLICY_MATCH_PROPERTY: {
		if (!rule->value)
			return false;
		size_t length = strlen(rule->key);
		for (size_t i = 0; i < device->property_count; i++) {
			const char *property = device->properties[i];
			if (strncmp(property, rule->key, length) == 0 && property[length] == '=' &&
			    strcmp(property + length + 1, rule->value) == 0)
				return true;
		}
		return false;
	}
	}
	return false;
}

/* One claim per configured seat with a matching rule; returns how many. */
static size_t device_claims(const struct policy_config *config, const struct policy_device *device,
			    struct policy_claim *claims)
{
	size_t count = 0;
	for (size_t s = 0; s < config->seat_count; s++) {
		const struct policy_seat *seat = &config->seats[s];
		for (size_t r = 0; r < seat->device_count; r++) {
			if (rule_matches(&seat->devices[r], device)) {
				claims[count++] = (struct policy_claim){.seat = (int)s,
									.rule = &seat->devices[r]};
				break;
			}
		}
	}
	return count;
}

/*
 * An outputs entry is a card's key (all its connectors) or the connector's own key, or its
 * legacy key (the kernel's name of this boot, NULL when it has none that could be meant).
 */
static size_t output_claims(const struct policy_config *config,
			    const struct policy_connector *connector, const char *key,
			    const char *legacy, struct policy_claim *claims)
{
	size_t count = 0;
	for (size_t s = 0; s < config->seat_count; s++) {
		const struct policy_seat *seat = &config->seats[s];
		for (size_t o = 0; o < seat->output_count; o++) {
			const char *entry = seat->outputs[o].key;
			if (strcmp(entry, connector->card) == 0 || strcmp(entry, key) == 0 ||
			    (legacy && strcmp(entry, legacy) == 0)) {
				claims[count++] = (struct policy_claim){
					.seat = (int)s, .output = &seat->outputs[o]};
				break;
			}
		}
	}
	return count;
}

/* Records the claims; a single one decides, several are a conflict. */
static void judge(struct policy_assignment *assignment, struct policy_verdict *verdict,
		  const char *what, const char *key, const struct policy_claim *claims,
		  size_t count)
{
	*verdict = (struct policy_verdict){.seat = -1, .claim_count = count};
	memcpy(verdict->claims, claims, (count < 2 ? count : 2) * sizeof(*claims));
	if (count == 1) {
		verdict->seat = claims[0].seat;
		verdict->reason = POLICY_REASON_CONFIG;
	} else if (count > 1) {
		verdict->reason = POLICY_REASON_CONFLICT;
		report_conflict(assignment, what, key, claims, count);
	}
}

/* ---- seats ---- */

int policy_assignment_find_seat(const struct policy_assignment *assignment, const char *name)
{
	for (size_t i = 0; i < assignment->seat_count; i++) {
		if (strcmp(assignment->seats[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static int append_index(size_t **array, size_t *count, size_t value)
{
	size_t *grown = realloc(*array, (*count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*array = grown;
	grown[(*count)++] = value;
	return 0;
}

/* n of a canonical "seat-<n>" (no sign, no leading zero), else -1. */
static int autoseat_number(const char *name)
{
	if (strncmp(name, "seat-", 5) != 0)
		return -1;
	const char *digits = name + 5;
	size_t length = strspn(digits, "0123456789");
	if (length == 0 || length > AUTOSEAT_DIGITS || digits[length] != '\0' || digits[0] == '0')
		return -1;
	return atoi(digits);
}

/* Free: no seat has the number n nor the name seat-<n>. */
static bool autoseat_number_free(const struct policy_assignment *assignment, int n)
{
	char name[32];
	snprintf(name, sizeof(name), "seat-%d", n);
	for (size_t i = 0; i < assignment->seat_count; i++) {
		if (assignment->seats[i].number == n ||
		    strcmp(assignment->seats[i].name, name) == 0)
			return false;
	}
	return true;
}

/* Whether an outputs entry of some [seat.NAME] takes the output `key` (or its whole card). */
static bool config_takes_output(const struct policy_config *config, const char *key)
{
	for (size_t s = 0; s < config->seat_count; s++) {
		const struct policy_seat *seat = &config->seats[s];
		for (size_t o = 0; o < seat->output_count; o++) {
			const char *entry = seat->outputs[o].key;
			size_t length = strlen(entry);
			if (strncmp(key, entry, length) == 0 &&
			    (key[length] == '\0' || key[length] == '-'))
				return true;
		}
	}
	return false;
}

/*
 * Whether a saved autoseat name holds the number n: one saved for an output that no
 * [seat.NAME] takes, so that a seat added to the file renames no desk that runs (or may come
 * back) and its saved claims stay valid. Names only ever join the saved state, and only with
 * numbers no configured seat has, so configured seats keep their numbers from run to run.
 */
static bool saved_name_holds(const struct policy_config *config, const struct policy_state *state,
			     int n)
{
	for (size_t i = 0; state && i < state->output_count; i++) {
		if (autoseat_number(state->outputs[i].seat) == n &&
		    !config_takes_output(config, state->outputs[i].key))
			return true;
	}
	return false;
}

static int autoseat_add(struct policy_assignment *assignment, int n, size_t output,
			const char *state_key)
{
	struct policy_assigned_seat *seat = &assignment->seats[assignment->seat_count];
	*seat = (struct policy_assigned_seat){.number = n};
	if (asprintf(&seat->name, "seat-%d", n) < 0) {
		seat->name = NULL;
		return -ENOMEM;
	}
	assignment->seat_count++;
	if (append_index(&seat->outputs, &seat->output_count, output) < 0)
		return -ENOMEM;
	assignment->outputs[output] = (struct policy_verdict){
		.seat = (int)(assignment->seat_count - 1),
		.reason = POLICY_REASON_AUTOSEAT,
		.state_key = state_key,
	};
	return 0;
}

/* The entry of `key` (the first, when a table has several), or NULL. */
static const struct policy_state_entry *entry_of(const struct policy_state_entry *entries,
						 size_t count, const char *key)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	}
	return NULL;
}

static const char *state_lookup(const struct policy_state_entry *entries, size_t count,
				const char *key)
{
	const struct policy_state_entry *entry = entry_of(entries, count, key);
	return entry ? entry->seat : NULL;
}

static int compare_autoseats(const void *a, const void *b)
{
	const struct policy_assigned_seat *sa = a, *sb = b;
	return (sa->number > sb->number) - (sa->number < sb->number);
}

struct sorted_output {
	const char *key;
	size_t index;
};

static int compare_outputs(const void *a, const void *b)
{
	const struct sorted_output *oa = a, *ob = b;
	int order = strcmp(oa->key, ob->key);
	if (order != 0)
		return order;
	return (oa->index > ob->index) - (oa->index < ob->index);
}

/*
 * Connected outputs no configured seat names, in key order so that names do not depend on
 * the order udev lists them in. Names from the state go first, so that a monitor that comes
 * later never takes the name an earlier one had.
 */
static int autoseats_add(struct policy_assignment *assignment, const struct sorted_output *sorted,
			 const struct policy_state *state)
{
	const struct policy_hardware *hardware = &assignment->hardware;
	size_t first = assignment->seat_count;
	for (int pass = 0; pass < 2; pass++) {
		int next = 1;
		for (size_t i = 0; i < hardware->output_count; i++) {
			size_t o = sorted[i].index;
			const struct policy_verdict *verdict = &assignment->outputs[o];
			if (!hardware->outputs[o].connected || verdict->claim_count > 0 ||
			    verdict->seat >= 0)
				continue;
			int n = -1;
			const char *state_key = NULL;
			if (pass == 0) {
				const char *name =
					state ? state_lookup(state->outputs, state->output_count,
							     sorted[i].key)
					      : NULL;
				n = name ? autoseat_number(name) : -1;
				if (n < 0 || !autoseat_number_free(assignment, n))
					continue;
				state_key = assignment->output_keys[o];
			} else {
				while (!autoseat_number_free(assignment, next))
					next++;
				n = next;
			}
			if (autoseat_add(assignment, n, o, state_key) < 0)
				return -ENOMEM;
		}
	}
	qsort(assignment->seats + first, assignment->seat_count - first, sizeof(*assignment->seats),
	      compare_autoseats);
	for (size_t s = first; s < assignment->seat_count; s++)
		assignment->outputs[assignment->seats[s].outputs[0]].seat = (int)s;
	return 0;
}

/* The keys a saved entry may name a device by, in the order they decide: its own, its USB
 * device's (NULL when not on USB), its hubs' nearest first; i < hub_count + 2. */
static const char *chain_key(const struct policy_device *device, size_t i)
{
	return i == 0 ? device->key : i == 1 ? device->usb_device : device->hubs[i - 2];
}

/*
 * The device's own entry, else its USB device's, else its nearest hub's; entries naming no
 * present seat are skipped.
 */
static void device_from_state(const struct policy_assignment *assignment,
			      const struct policy_state *state, const struct policy_device *device,
			      struct policy_verdict *verdict)
{
	for (size_t i = 0; i < device->hub_count + 2; i++) {
		const char *key = chain_key(device, i);
		if (!key)
			continue;
		const char *name = state_lookup(state->devices, state->device_count, key);
		int seat = name ? policy_assignment_find_seat(assignment, name) : -1;
		if (seat >= 0) {
			verdict->seat = seat;
			verdict->reason = POLICY_REASON_STATE;
			verdict->state_key = key;
			return;
		}
	}
}

/*
 * multiseatctl attach/detach over everything else: the first entry of the device's own key,
 * its USB device's or its nearest hub's decides. An attach to a seat that is not there now
 * is no decision (the rules' verdict stands).
 */
static void device_from_overrides(const struct policy_assignment *assignment,
				  const struct policy_state *state,
				  const struct policy_device *device,
				  struct policy_verdict *verdict)
{
	for (size_t i = 0; i < device->hub_count + 2; i++) {
		const char *key = chain_key(device, i);
		const struct policy_state_entry *entry =
			key ? entry_of(state->overrides, state->override_count, key) : NULL;
		if (!entry)
			continue;
		int seat = entry->seat ? policy_assignment_find_seat(assignment, entry->seat) : -1;
		if (entry->seat && seat < 0)
			return;
		*verdict = (struct policy_verdict){
			.seat = seat, .reason = POLICY_REASON_OVERRIDE, .state_key = key};
		return;
	}
}

static bool strings_present(const char *const *strings, size_t count)
{
	if (count > 0 && !strings)
		return false;
	for (size_t i = 0; i < count; i++) {
		if (!strings[i])
			return false;
	}
	return true;
}

static bool entries_present(const struct policy_state_entry *entries, size_t count)
{
	if (count > 0 && !entries)
		return false;
	for (size_t i = 0; i < count; i++) {
		if (!entries[i].key || !entries[i].seat)
			return false;
	}
	return true;
}

static bool inputs_complete(const struct policy_hardware *hardware,
			    const struct policy_state *state)
{
	if ((hardware->output_count > 0 && !hardware->outputs) ||
	    (hardware->device_count > 0 && !hardware->devices))
		return false;
	for (size_t i = 0; i < hardware->output_count; i++) {
		if (!hardware->outputs[i].card || !hardware->outputs[i].name)
			return false;
	}
	for (size_t i = 0; i < hardware->device_count; i++) {
		const struct policy_device *device = &hardware->devices[i];
		if (!device->key || !strings_present(device->hubs, device->hub_count) ||
		    !strings_present(device->properties, device->property_count))
			return false;
	}
	if (state && state->override_count > 0 && !state->overrides)
		return false;
	for (size_t i = 0; state && i < state->override_count; i++) {
		if (!state->overrides[i].key)
			return false; /* a NULL seat is a detach */
	}
	return !state || (entries_present(state->devices, state->device_count) &&
			  entries_present(state->outputs, state->output_count));
}

/* calloc that does not fail, nor return NULL, for zero items. */
static void *array_new(size_t count, size_t size)
{
	return calloc(count > 0 ? count : 1, size);
}

void policy_assignment_finish(struct policy_assignment *assignment)
{
	for (size_t i = 0; i < assignment->seat_count; i++) {
		free(assignment->seats[i].name);
		free(assignment->seats[i].outputs);
		free(assignment->seats[i].devices);
	}
	free(assignment->seats);
	if (assignment->output_keys) {
		for (size_t i = 0; i < assignment->output_count; i++)
			free(assignment->output_keys[i]);
	}
	free(assignment->output_keys);
	free(assignment->outputs);
	free(assignment->devices);
	policy_errors_finish(&assignment->errors);
	policy_errors_finish(&assignment->notes);
	*assignment = (struct policy_assignment){0};
}

int policy_assignment_init(struct policy_assignment *assignment, const struct policy_config *config,
			   const struct policy_hardware *hardware, const struct policy_state *state)
{
	*assignment = (struct policy_assignment){0};
	if (!inputs_complete(hardware, state))
		return -EINVAL;
	assignment->config = config;
	assignment->hardware = *hardware;
	size_t output_count = hardware->output_count, device_count = hardware->device_count;
	struct policy_claim *claims = array_new(config->seat_count, sizeof(*claims));
	struct sorted_output *sorted = array_new(output_count, sizeof(*sorted));
	char **legacy = NULL;
	assignment->seats =
		array_new(config->seat_count + output_count, sizeof(*assignment->seats));
	assignment->outputs = array_new(output_count, sizeof(*assignment->outputs));
	assignment->output_keys = array_new(output_count, sizeof(*assignment->output_keys));
	assignment->devices = array_new(device_count, sizeof(*assignment->devices));
	if (!claims || !sorted || !assignment->seats || !assignment->outputs ||
	    !assignment->output_keys || !assignment->devices)
		goto err_memory;
	assignment->output_count = output_count;
	assignment->device_count = device_count;

	/* Configured seats take the lowest numbers no saved autoseat name holds, in file order. */
	int number = 0;
	for (size_t s = 0; s < config->seat_count; s++) {
		struct policy_assigned_seat *seat = &assignment->seats[s];
		do
			number++;
		while (saved_name_holds(config, state, number));
		*seat = (struct policy_assigned_seat){
			.name = strdup(config->seats[s].name),
			.number = number,
			.config = &config->seats[s],
		};
		if (!seat->name)
			goto err_memory;
		assignment->seat_count++;
	}

	for (size_t o = 0; o < output_count; o++) {
		const struct policy_connector *connector = &hardware->outputs[o];
		assignment->output_keys[o] = policy_output_key(connector->card, connector->name);
		if (!assignment->output_keys[o])
			goto err_memory;
		sorted[o] = (struct sorted_output){.key = assignment->output_keys[o], .index = o};
	}
	qsort(sorted, output_count, sizeof(*sorted), compare_outputs);
	if (policy_output_legacy_keys(hardware, &legacy) < 0)
		goto err_memory;
	policy_output_notes(config, hardware, assignment->output_keys, legacy, &assignment->notes);

	/* In key order, so that seats list their outputs and errors come in a stable order. */
	for (size_t i = 0; i < output_count; i++) {
		size_t o = sorted[i].index;
		size_t count = output_claims(config, &hardware->outputs[o], sorted[i].key,
					     legacy[o], claims);
		struct policy_verdict *verdict = &assignment->outputs[o];
		judge(assignment, verdict, "output", sorted[i].key, claims, count);
		if (verdict->seat >= 0 && hardware->outputs[o].connected) {
			struct policy_assigned_seat *seat = &assignment->seats[verdict->seat];
			if (append_index(&seat->outputs, &seat->output_count, o) < 0)
				goto err_memory;
		}
	}
	if (config->autoseat && autoseats_add(assignment, sorted, state) < 0)
		goto err_memory;
	for (size_t s = 0; s < assignment->seat_count; s++) {
		struct policy_assigned_seat *seat = &assignment->seats[s];
		seat->status =
			seat->output_count > 0 ? POLICY_SEAT_READY : POLICY_SEAT_WAITING_FOR_OUTPUT;
	}

	for (size_t d = 0; d < device_count; d++) {
		const struct policy_device *device = &hardware->devices[d];
		size_t count = device_claims(config, device, claims);
		struct policy_verdict *verdict = &assignment->devices[d];
		judge(assignment, verdict, "device", device->key, claims, count);
		if (count == 0 && state)
			device_from_state(assignment, state, device, verdict);
		if (state)
			device_from_overrides(assignment, state, device, verdict);
		if (verdict->seat >= 0) {
			struct policy_assigned_seat *seat = &assignment->seats[verdict->seat];
			if (append_index(&seat->devices, &seat->device_count, d) < 0)
				goto err_memory;
		}
	}

	policy_output_legacy_keys_free(legacy, output_count);
	free(sorted);
	free(claims);
	return 0;

err_memory:
	policy_output_legacy_keys_free(legacy, output_count);
	free(sorted);
	free(claims);
	policy_assignment_finish(assignment);
	return -ENOMEM;
}

/* ---- explanations ---- */

/* Which key of the device a saved entry named, when not its own: " (usb:KEY)", " (hub:KEY)". */
static void print_entry_key(FILE *stream, const char *key, const struct policy_device *device,
			    const char *entry_key)
{
	if (strcmp(entry_key, key) == 0)
		return;
	bool usb = device && device->usb_device && strcmp(device->usb_device, entry_key) == 0;
	fprintf(stream, " (%s:%s)", usb ? "usb" : "hub", entry_key);
}

static void print_verdict(FILE *stream, const struct policy_assignment *assignment, const char *key,
			  const struct policy_verdict *verdict,
			  const struct policy_connector *connector,
			  const struct policy_device *device)
{
	const char *seat = verdict->seat >= 0 ? assignment->seats[verdict->seat].name : NULL;
	fprintf(stream, "%s: ", key);
	switch (verdict->reason) {
	case POLICY_REASON_CONFIG:
		fprintf(stream, "%s by %s:%d (", seat, config_file(assignment->config),
			claim_line(&verdict->claims[0]));
		print_entry(stream, &verdict->claims[0]);
		fputc(')', stream);
		if (connector && !connector->connected)
			fputs(", disconnected", stream);
		break;
	case POLICY_REASON_STATE:
		fprintf(stream, "%s by saved state", seat);
		print_entry_key(stream, key, device, verdict->state_key);
		break;
	case POLICY_REASON_OVERRIDE:
		fprintf(stream, "%s by multiseatctl %s", seat ? seat : "unassigned",
			seat ? "attach" : "detach");
		print_entry_key(stream, key, device, verdict->state_key);
		break;
	case POLICY_REASON_AUTOSEAT:
		fprintf(stream, "%s (autoseat%s)", seat,
			verdict->state_key ? ", name from saved state" : "");
		break;
	case POLICY_REASON_CONFLICT:
		fputs("unassigned, matched by ", stream);
		print_claims(stream, assignment, verdict->claims, 2, verdict->claim_count);
		break;
	case POLICY_REASON_NONE:
		if (!connector)
			fputs("unassigned (no rule or saved state)", stream);
		else if (!connector->connected)
			fputs("unassigned (disconnected)", stream);
		else
			fputs("unassigned (no [seat.NAME] names it and autoseat is off)", stream);
		break;
	}
}

static char *explain(const struct policy_assignment *assignment, const char *key,
		     const struct policy_verdict *verdict, const struct policy_connector *connector,
		     const struct policy_device *device)
{
	char *text = NULL;
	size_t size;
	FILE *stream = open_memstream(&text, &size);
	if (!stream)
		return NULL;
	print_verdict(stream, assignment, key, verdict, connector, device);
	return stream_finish(stream, &text);
}

char *policy_assignment_explain_device(const struct policy_assignment *assignment, size_t index)
{
	if (index >= assignment->device_count) {
		errno = EINVAL;
		return NULL;
	}
	return explain(assignment, assignment->hardware.devices[index].key,
		       &assignment->devices[index], NULL, &assignment->hardware.devices[index]);
}

char *policy_assignment_explain_output(const struct policy_assignment *assignment, size_t index)
{
	if (index >= assignment->output_count) {
		errno = EINVAL;
		return NULL;
	}
	return explain(assignment, assignment->output_keys[index], &assignment->outputs[index],
		       &assignment->hardware.outputs[index], NULL);
}

/* ---- effective settings ---- */

/* %n: the seat's number, %s: its name, %%: a percent sign. */
static int expand_user(const char *template, const char *name, int number, char **user)
{
	char *text = NULL;
	size_t size;
	FILE *stream = open_memstream(&text, &size);
	if (!stream)
		return -ENOMEM;
	int ret = 0;
	for (const char *c = template; *c && ret == 0; c++) {
		if (*c != '%') {
			fputc(*c, stream);
			continue;
		}
		c++;
		if (*c == 'n') {
			fprintf(stream, "%d", number);
		} else if (*c == 's') {
			fputs(name, stream);
		} else if (*c == '%') {
			fputc('%', stream);
		} else {
			ret = -EINVAL;
			c--; /* a '%' at the end must not step over the terminator */
		}
	}
	if (!stream_finish(stream, &text))
		return -ENOMEM;
	if (ret < 0) {
		free(text);
		return ret;
	}
	*user = text;
	return 0;
}

/*
 * As useradd takes them, less what is risky for a session: a leading '.', a name of only
 * digits (tools read it as a uid, and "0" is root's).
 */
static bool user_name_valid(const char *user)
{
	size_t length = strlen(user);
	if (length == 0 || length > 32 || user[0] == '-' || user[0] == '.' ||
	    strspn(user, "0123456789") == length)
		return false;
	return strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789_-.") == length;
}

static int copy_string(char **copy, const char *seat_value, const char *default_value)
{
	const char *value = seat_value ? seat_value : default_value;
	*copy = value ? strdup(value) : NULL;
	return value && !*copy ? -ENOMEM : 0;
}

static bool mode_valid(int mode)
{
	return mode == POLICY_MODE_KIOSK || mode == POLICY_MODE_DESKTOP;
}

static int resolve_user(struct policy_effective_settings *settings,
			const struct policy_config *config, const struct policy_seat *seat,
			const char *name, int number, struct policy_errors *errors)
{
	const char *template =
		seat && seat->settings.user ? seat->settings.user : config->defaults.user;
	if (!template)
		return 0;
	int line =
		seat && seat->settings.user ? seat->settings.user_line : config->defaults.user_line;
	int ret = expand_user(template, name, number, &settings->user);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		if (errors)
			policy_errors_add(errors, config_file(config), line,
					  "seat %s: user = %s: '%%' must be followed by n, s or %%",
					  name, template);
		return ret;
	}
	if (strcmp(settings->user, "root") == 0) {
		if (errors)
			policy_errors_add(errors, config_file(config), line,
					  "seat %s: user = %s gives root: sessions never run as "
					  "root",
					  name, template);
		return -EINVAL;
	}
	if (!user_name_valid(settings->user)) {
		if (errors)
			policy_errors_add(errors, config_file(config), line,
					  "seat %s: user = %s gives '%s', not a user name (1 to 32 "
					  "of a-z, 0-9, '_', '-', '.', not starting with '-' or "
					  "'.', not only digits)",
					  name, template, settings->user);
		return -EINVAL;
	}
	return 0;
}

void policy_effective_settings_finish(struct policy_effective_settings *settings)
{
	free(settings->user);
	free(settings->session);
	free(settings->keyboard_layout);
	free(settings->keyboard_variant);
	free(settings->keyboard_options);
	free(settings->caps.cpuset);
	*settings = (struct policy_effective_settings){0};
}

int policy_effective_caps_init(struct policy_caps *caps, const struct policy_config *config,
			       const struct policy_seat *seat, const struct policy_saved *saved,
			       const char *name)
{
	if (policy_caps_copy(caps, &config->defaults.caps) < 0)
		return -ENOMEM;
	if ((seat && policy_caps_merge(caps, &seat->settings.caps) < 0) ||
	    (saved && name && policy_saved_apply_caps(saved, name, caps) < 0)) {
		policy_caps_finish(caps);
		return -ENOMEM;
	}
	return 0;
}

int policy_effective_settings_init(struct policy_effective_settings *settings,
				   const struct policy_config *config,
				   const struct policy_seat *seat, const struct policy_saved *saved,
				   const char *name, int number, struct policy_errors *errors)
{
	*settings = (struct policy_effective_settings){.mode = POLICY_MODE_KIOSK};
	if (!name)
		return -EINVAL;
	const struct policy_seat_settings *own = seat ? &seat->settings : NULL;
	const struct policy_seat_settings *defaults = &config->defaults;
	if (own && mode_valid(own->mode))
		settings->mode = own->mode;
	else if (mode_valid(defaults->mode))
		settings->mode = defaults->mode;

	/* A variant belongs to its layout ("de,us" with ",intl"): a seat's own layout does not
	 * get the defaults' variant. */
	const char *variant = own && (own->keyboard_layout || own->keyboard_variant)
				      ? own->keyboard_variant
				      : defaults->keyboard_variant;
	int ret = -ENOMEM;
	if (copy_string(&settings->session, own ? own->session : NULL, defaults->session) < 0 ||
	    copy_string(&settings->keyboard_layout, own ? own->keyboard_layout : NULL,
			defaults->keyboard_layout ? defaults->keyboard_layout : "us") < 0 ||
	    copy_string(&settings->keyboard_variant, variant, NULL) < 0 ||
	    copy_string(&settings->keyboard_options, own ? own->keyboard_options : NULL,
			defaults->keyboard_options) < 0 ||
	    policy_effective_caps_init(&settings->caps, config, seat, saved, name) < 0)
		goto err;
	ret = resolve_user(settings, config, seat, name, number, errors);
	if (ret < 0)
		goto err;
	return 0;

err:
	policy_effective_settings_finish(settings);
	return ret;
}
