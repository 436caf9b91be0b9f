/* A seat's DRM leases: one per card its outputs are on, each in the slot the seat link names. */
#ifndef MULTISEAT_SEATD_SEAT_LEASES_H
#define MULTISEAT_SEATD_SEAT_LEASES_H

#include <stdbool.h>

#include "seat_cards.h"

struct seat;
struct hw_card;
struct json_object;

/*
 * The seat's outputs now, grouped per card with seat_cards_add (keys are copied). A card the
 * seat keeps stays in its slot; only the leases of cards whose connectors changed are revoked
 * and made anew, and a running compositor gets just those (LINK_DRM_LEASE of the slot, or
 * LINK_DRM_REVOKED of a card the seat left), so a monitor unplugged on one card leaves the
 * seat's outputs on the others alone. A running compositor without any output keeps its
 * clients and waits for one; a seat not running starts once it has an output.
 */
void seat_set_outputs(struct seat *seat, const struct seat_cards *outputs);

/* `card` had a monitor hotplug: a compositor with a lease on it re-reads that lease. */
void seat_notify_rescan(struct seat *seat, struct hw_card *card);

/* `card` is going away: its lease is revoked before the card is freed, its slot emptied. */
void seat_forget_card(struct seat *seat, struct hw_card *card);

bool seat_uses_card(const struct seat *seat, const struct hw_card *card);

/*
 * For a start: a lease of every card of the seat that has none. 0 when the seat holds at
 * least one lease (a card that could not be leased is logged and stays dark), else the
 * negative errno of the first failure.
 */
int seat_leases_make(struct seat *seat);
/* Sends every lease to the compositor, in slot order. */
void seat_leases_send(struct seat *seat);
/* Revokes every lease; the outputs stay the seat's. */
void seat_leases_drop(struct seat *seat);
/* Revokes every lease and forgets the outputs. */
void seat_outputs_clear(struct seat *seat);

/* The key of the seat's first output, for log lines; "" without outputs. */
const char *seat_first_output(const struct seat *seat);

/*
 * "outputs" (slot order, then connector order: the compositor's desktop left to right),
 * "monitors" (the same, each with its kernel connector name and its EDID's vendor, model and
 * serial, null where unknown), "leases" (one per card that has a lease) and "lease" (the first
 * of them, or null).
 */
void seat_leases_add_json(const struct seat *seat, struct json_object *o);

#endif
