/* A seat's outputs by card and slot: grouping them, and which leases a change remakes. */
#include "seat_cards.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

void seat_cards_init(struct seat_cards *cards)
{
	memset(cards, 0, sizeof(*cards));
}

static struct seat_cards_group *slot_of(struct seat_cards *cards, const void *card)
{
	for (size_t i = 0; i < SEAT_CARDS_MAX; i++) {
		if (cards->slots[i].card == card)
			return &cards->slots[i];
	}
	return NULL;
}

int seat_cards_add(struct seat_cards *cards, const void *card, uint32_t connector, const char *key)
{
	if (!card)
		return -EINVAL;
	struct seat_cards_group *group = slot_of(cards, card);
	if (group) {
		for (size_t i = 0; i < group->count; i++) {
			if (group->connectors[i] == connector)
				return -EEXIST;
		}
	}
	if (cards->output_count >= SEAT_CARDS_MAX_OUTPUTS)
		return -E2BIG;
	if (!group) {
		group = slot_of(cards, NULL);
		if (!group)
			return -ENOSPC;
		group->card = card;
	}
	/* In connector id order: the same connectors compare equal however the rules listed
	   them, and the compositor lays outputs out in this order too. */
	size_t at = group->count;
	while (at > 0 && group->connectors[at - 1] > connector) {
		group->connectors[at] = group->connectors[at - 1];
		group->keys[at] = group->keys[at - 1];
		at--;
	}
	group->connectors[at] = connector;
	group->keys[at] = key;
	group->count++;
	cards->output_count++;
	return 0;
}

static bool same_connectors(const struct seat_cards_group *a, const struct seat_cards_group *b)
{
	return a->count == b->count &&
	       memcmp(a->connectors, b->connectors, a->count * sizeof(a->connectors[0])) == 0;
}

static const struct seat_cards_group *find_group(const struct seat_cards *cards, const void *card)
{
	for (size_t i = 0; card && i < SEAT_CARDS_MAX; i++) {
		if (cards->slots[i].card == card)
			return &cards->slots[i];
	}
	return NULL;
}

size_t seat_cards_plan(const struct seat_cards *old, const struct seat_cards *grouped,
		       struct seat_cards *next, enum seat_cards_change change[SEAT_CARDS_MAX])
{
	seat_cards_init(next);
	/* The cards the seat keeps stay in their slots. */
	for (size_t i = 0; i < SEAT_CARDS_MAX; i++) {
		const struct seat_cards_group *before = &old->slots[i];
		const struct seat_cards_group *now = find_group(grouped, before->card);
		if (!before->card) {
			change[i] = SEAT_CARDS_UNUSED;
		} else if (!now || now->count == 0) {
			change[i] = SEAT_CARDS_REMOVED;
		} else {
			next->slots[i] = *now;
			next->output_count += now->count;
			change[i] =
				same_connectors(before, now) ? SEAT_CARDS_KEPT : SEAT_CARDS_CHANGED;
		}
	}
	/*
	 * New cards, in the order they were grouped, take the lowest free slots; a slot whose
	 * card went is free again (the new lease replaces the revoked one there).
	 */
	for (size_t g = 0; g < SEAT_CARDS_MAX; g++) {
		const struct seat_cards_group *now = &grouped->slots[g];
		if (!now->card || now->count == 0 || find_group(old, now->card))
			continue;
		for (size_t i = 0; i < SEAT_CARDS_MAX; i++) {
			if (next->slots[i].card)
				continue;
			next->slots[i] = *now;
			next->output_count += now->count;
			change[i] = SEAT_CARDS_ADDED;
			break;
		}
	}
	size_t changed = 0;
	for (size_t i = 0; i < SEAT_CARDS_MAX; i++)
		changed += change[i] != SEAT_CARDS_UNUSED && change[i] != SEAT_CARDS_KEPT;
	return changed;
}

const char *seat_cards_change_name(enum seat_cards_change change)
{
	switch (change) {
	case SEAT_CARDS_UNUSED:
		return "unused";
	case SEAT_CARDS_KEPT:
		return "kept";
	case SEAT_CARDS_ADDED:
		return "added";
	case SEAT_CARDS_CHANGED:
		return "changed";
	case SEAT_CARDS_REMOVED:
		return "removed";
	}
	return "?";
}
