/* Output keys, and reading the kernel's connector names older versions keyed outputs by. */
#include "output_names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *policy_output_key(const char *card, const char *connector)
{
	char *key;
	if (asprintf(&key, "%s-%s", card, connector) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return key;
}

static const char *kernel_name(const struct policy_connector *c)
{
	return c->kernel_name ? c->kernel_name : c->name;
}

/* Whether `key` is "<card>-<connector>" for this card and connector name, without allocating. */
static bool key_is(const char *key, const char *card, const char *connector)
{
	size_t length = strlen(card);
	return strncmp(key, card, length) == 0 && key[length] == '-' &&
	       strcmp(key + length + 1, connector) == 0;
}

/* Whether `key` starts with "<card>-" of a card present, which is then in *card. */
static bool card_of_key(const struct policy_hardware *hardware, const char *key, const char **card)
{
	for (size_t o = 0; o < hardware->output_count; o++) {
		const char *c = hardware->outputs[o].card;
		size_t length = strlen(c);
		if (strncmp(key, c, length) == 0 && key[length] == '-') {
			*card = c;
			return true;
		}
	}
	return false;
}

static bool card_has_name(const struct policy_hardware *hardware, const char *card,
			  const char *name)
{
	for (size_t o = 0; o < hardware->output_count; o++) {
		const struct policy_connector *c = &hardware->outputs[o];
		if (strcmp(c->card, card) == 0 && strcmp(c->name, name) == 0)
			return true;
	}
	return false;
}

void policy_output_legacy_keys_free(char **keys, size_t count)
{
	if (!keys)
		return;
	for (size_t i = 0; i < count; i++)
		free(keys[i]);
	free(keys);
}

int policy_output_legacy_keys(const struct policy_hardware *hardware, char ***keys)
{
	size_t count = hardware->output_count;
	char **legacy = calloc(count ? count : 1, sizeof(*legacy));
	if (!legacy)
		return -ENOMEM;
	for (size_t o = 0; o < count; o++) {
		const struct policy_connector *c = &hardware->outputs[o];
		if (strcmp(kernel_name(c), c->name) == 0 ||
		    card_has_name(hardware, c->card, kernel_name(c)))
			continue;
		legacy[o] = policy_output_key(c->card, kernel_name(c));
		if (!legacy[o]) {
			policy_output_legacy_keys_free(legacy, count);
			return -ENOMEM;
		}
	}
	*keys = legacy;
	return 0;
}

/* "Virtual-1, Virtual-2": the card's connectors by the names to write. */
static void card_connectors(const struct policy_hardware *hardware, const char *card, char *buf,
			    size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t o = 0; o < hardware->output_count && used < size; o++) {
		const struct policy_connector *c = &hardware->outputs[o];
		if (strcmp(c->card, card) == 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
						 c->name);
	}
}

/* "pci-0000:00:02.0, pci-0000:01:00.0": the cards that have outputs, each once, sorted (the
 * hardware's order is the drivers' probe order). */
static void card_list(const struct policy_hardware *hardware, char *buf, size_t size)
{
	size_t used = 0;
	const char *last = NULL;
	buf[0] = '\0';
	while (used < size) {
		const char *next = NULL;
		for (size_t o = 0; o < hardware->output_count; o++) {
			const char *card = hardware->outputs[o].card;
			if ((!last || strcmp(card, last) > 0) && (!next || strcmp(card, next) < 0))
				next = card;
		}
		if (!next)
			break;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", next);
		last = next;
	}
	if (!buf[0])
		snprintf(buf, size, "none with outputs");
}

/* The note for one entry of seat `seat`, if it needs one. */
static void entry_note(const struct policy_config *config, const struct policy_hardware *hardware,
		       char *const *keys, char *const *legacy, const char *seat,
		       const struct policy_output *entry, struct policy_errors *notes)
{
	const char *file = config->path ? config->path : "multiseat.conf";
	for (size_t o = 0; o < hardware->output_count; o++) {
		if (strcmp(entry->key, hardware->outputs[o].card) == 0 ||
		    strcmp(entry->key, keys[o]) == 0)
			return;
	}
	for (size_t o = 0; o < hardware->output_count; o++) {
		if (legacy[o] && strcmp(entry->key, legacy[o]) == 0) {
			policy_errors_add(
				notes, file, entry->line,
				"output %s is the kernel's name of %s in this boot only "
				"(the kernel numbers connectors across cards, in the order "
				"drivers start); write %s",
				entry->key, keys[o], keys[o]);
			return;
		}
	}
	const char *card;
	if (card_of_key(hardware, entry->key, &card)) {
		char names[256];
		card_connectors(hardware, card, names, sizeof(names));
		policy_errors_add(notes, file, entry->line,
				  "output %s names no connector of card %s (it has %s)", entry->key,
				  card, names);
		return;
	}
	/* A typo in the card's ID_PATH, or a card not in (or not yet found in) this PC. */
	char cards[256];
	card_list(hardware, cards, sizeof(cards));
	policy_errors_add(
		notes, file, entry->line,
		"output %s is on no card of this PC (its cards: %s); seat %s waits for it",
		entry->key, cards, seat);
}

void policy_output_notes(const struct policy_config *config, const struct policy_hardware *hardware,
			 char *const *keys, char *const *legacy, struct policy_errors *notes)
{
	for (size_t s = 0; s < config->seat_count; s++) {
		const struct policy_seat *seat = &config->seats[s];
		for (size_t i = 0; i < seat->output_count; i++)
			entry_note(config, hardware, keys, legacy, seat->name, &seat->outputs[i],
				   notes);
	}
}

int policy_saved_outputs_to_legacy(struct policy_saved *saved)
{
	while (saved->counts[POLICY_SAVED_OUTPUTS] > 0) {
		const struct policy_state_entry *last =
			&saved->tables[POLICY_SAVED_OUTPUTS]
				      [saved->counts[POLICY_SAVED_OUTPUTS] - 1];
		char *key = strdup(last->key);
		if (!key)
			return -ENOMEM;
		int ret = policy_saved_set(saved, POLICY_SAVED_LEGACY_OUTPUTS, key, last->seat);
		if (ret >= 0)
			policy_saved_remove(saved, POLICY_SAVED_OUTPUTS, key);
		free(key);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The output whose kernel name this boot makes `key`, or -1. */
static long find_by_kernel_key(const struct policy_hardware *hardware, const char *key)
{
	for (size_t o = 0; o < hardware->output_count; o++) {
		const struct policy_connector *c = &hardware->outputs[o];
		if (key_is(key, c->card, kernel_name(c)))
			return (long)o;
	}
	return -1;
}

/* Moves or drops one legacy entry (its key and seat are copies). 1, or -ENOMEM. */
static int migrate_one(struct policy_saved *saved, const struct policy_hardware *hardware,
		       const char *key, const char *seat, long o, const char *card,
		       struct policy_errors *notes)
{
	if (o < 0) {
		policy_errors_add(notes, saved->path, 0,
				  "output %s (%s) dropped: card %s has no connector of that name "
				  "in this boot's kernel numbering",
				  key, seat, card);
		policy_saved_remove(saved, POLICY_SAVED_LEGACY_OUTPUTS, key);
		return 1;
	}
	const struct policy_connector *c = &hardware->outputs[o];
	char *new_key = policy_output_key(c->card, c->name);
	if (!new_key)
		return -ENOMEM;
	bool taken;
	policy_saved_get(saved, POLICY_SAVED_OUTPUTS, new_key, &taken);
	if (taken) {
		policy_errors_add(notes, saved->path, 0,
				  "output %s (%s) dropped: %s, its name now, has an entry already",
				  key, seat, new_key);
	} else if (policy_saved_set(saved, POLICY_SAVED_OUTPUTS, new_key, seat) < 0) {
		free(new_key);
		return -ENOMEM;
	} else {
		policy_errors_add(notes, saved->path, 0,
				  "output %s -> %s (%s): the kernel's name of this boot, migrated "
				  "to the name per card",
				  key, new_key, seat);
	}
	free(new_key);
	policy_saved_remove(saved, POLICY_SAVED_LEGACY_OUTPUTS, key);
	return 1;
}

int policy_saved_migrate_outputs(struct policy_saved *saved, const struct policy_hardware *hardware,
				 struct policy_errors *notes)
{
	for (size_t o = 0; o < hardware->output_count; o++) {
		if (!hardware->outputs[o].card || !hardware->outputs[o].name)
			return -EINVAL;
	}
	int changed = 0;
	size_t i = 0;
	while (i < saved->counts[POLICY_SAVED_LEGACY_OUTPUTS]) {
		const struct policy_state_entry *entry =
			&saved->tables[POLICY_SAVED_LEGACY_OUTPUTS][i];
		long o = find_by_kernel_key(hardware, entry->key);
		const char *card = NULL;
		if (o < 0 && !card_of_key(hardware, entry->key, &card)) {
			i++; /* its card is not here: it waits for it */
			continue;
		}
		char *key = strdup(entry->key), *seat = strdup(entry->seat);
		int ret = key && seat ? migrate_one(saved, hardware, key, seat, o, card, notes)
				      : -ENOMEM;
		free(key);
		free(seat);
		if (ret < 0)
			return ret;
		changed++;
	}
	return changed;
}
