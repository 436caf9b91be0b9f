/* A seat's outputs grouped per card into lease slots, and which slots a change touches (no DRM).
 */
#ifndef MULTISEAT_SEATD_SEAT_CARDS_H
#define MULTISEAT_SEATD_SEAT_CARDS_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* Cards one seat may span: each is one lease, in one slot of the seat link. */
#define SEAT_CARDS_MAX LINK_MAX_SLOTS
/* Outputs one seat may have, over all its cards. */
#define SEAT_CARDS_MAX_OUTPUTS 8

/* The outputs a seat has on one card, in connector id order. A free slot has card NULL. */
struct seat_cards_group {
	const void *card; /* only compared, never read */
	uint32_t connectors[SEAT_CARDS_MAX_OUTPUTS];
	const char *keys[SEAT_CARDS_MAX_OUTPUTS]; /* borrowed */
	size_t count;
};

/* A seat's outputs by slot. */
struct seat_cards {
	struct seat_cards_group slots[SEAT_CARDS_MAX];
	size_t output_count;
};

void seat_cards_init(struct seat_cards *cards);

/*
 * Adds an output: to its card's slot, or a card new here to the lowest free slot. Returns 0;
 * -E2BIG when the seat has SEAT_CARDS_MAX_OUTPUTS outputs already, -ENOSPC when the output
 * is on a card beyond SEAT_CARDS_MAX, -EEXIST for a connector added before, -EINVAL for no
 * card. Nothing is added on an error.
 */
int seat_cards_add(struct seat_cards *cards, const void *card, uint32_t connector, const char *key);

enum seat_cards_change {
	SEAT_CARDS_UNUSED,  /* no card, before or after */
	SEAT_CARDS_KEPT,    /* the same card and connectors: its lease stays as it is */
	SEAT_CARDS_ADDED,   /* a card new to the seat: a lease is made */
	SEAT_CARDS_CHANGED, /* the same card with other connectors: its lease is made anew */
	SEAT_CARDS_REMOVED, /* no output of the seat is on it any more: its lease is revoked */
};

/*
 * Where the outputs of `grouped` (slots as seat_cards_add filled them) go, given the seat's
 * slots now (`old`): a card the seat has already keeps its slot, so that its lease and the
 * compositor's outputs on it are untouched by changes on other cards; a new card takes the
 * lowest free slot (one whose card went is free). Fills `next` with the slots afterwards (keys
 * borrowed from `grouped`) and change[] per slot. Returns how many slots change (not KEPT,
 * not UNUSED).
 */
size_t seat_cards_plan(const struct seat_cards *old, const struct seat_cards *grouped,
		       struct seat_cards *next, enum seat_cards_change change[SEAT_CARDS_MAX]);

/* "kept", "added", ... for logs and tests. */
const char *seat_cards_change_name(enum seat_cards_change change);

#endif
