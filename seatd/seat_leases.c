/* A seat's outputs per card and its lease of each card, kept in step with the seat link's slots.
 */
#include "seat_leases.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu.h"
#include "hardware.h"
#include "log.h"
#include "protocol.h"
#include "seat.h"

_Static_assert(SEAT_CARDS_MAX <= LINK_MAX_SLOTS, "every card of a seat needs a slot");

/* Whether a compositor runs that holds (or is to get) the seat's leases. */
static bool compositor_wants_leases(const struct seat *seat)
{
	return seat->pid > 0 && seat->state != SEAT_STOPPING;
}

static void send_slot(struct seat *seat, uint16_t opcode, size_t slot)
{
	struct link_drm_slot msg = {.slot = (uint32_t)slot};
	seat_send_fd(seat, opcode, &msg, sizeof(msg), -1);
}

static void send_lease(struct seat *seat, size_t slot)
{
	const struct seat_card *sc = &seat->cards[slot];
	if (!sc->lease)
		return;
	struct link_drm_lease msg = {
		.slot = (uint32_t)slot,
		.lessee_id = gpu_lease_get_lessee_id(sc->lease),
	};
	link_copy_string(msg.card, sizeof(msg.card), sc->card->key);
	seat_send_fd(seat, LINK_DRM_LEASE, &msg, sizeof(msg), gpu_lease_get_fd(sc->lease));
}

/* Revokes the slot's lease (the kernel takes its objects back; its CRTCs go dark). */
static void drop_lease(struct seat_card *sc)
{
	gpu_lease_destroy(sc->lease);
	sc->lease = NULL;
}

static int make_lease(struct seat *seat, size_t slot)
{
	struct seat_card *sc = &seat->cards[slot];
	drop_lease(sc);
	if (!sc->card || sc->count == 0)
		return 0;
	sc->lease = gpu_lease_create(sc->card->lessor, sc->connectors, sc->count,
				     O_CLOEXEC | O_NONBLOCK);
	if (!sc->lease) {
		int err = errno;
		log_error("seat %s: no lease of %s for it: %s", seat->name, sc->keys[0],
			  strerror(err));
		return -err;
	}
	log_info("seat %s: lease %u of %s (%zu connector%s), slot %zu", seat->name,
		 gpu_lease_get_lessee_id(sc->lease), sc->card->key, sc->count,
		 sc->count == 1 ? "" : "s", slot);
	return 0;
}

static void clear_slot(struct seat *seat, struct seat_card *sc)
{
	drop_lease(sc);
	for (size_t i = 0; i < sc->count; i++)
		free(sc->keys[i]);
	seat->output_count -= sc->count;
	memset(sc, 0, sizeof(*sc));
}

/* The slot holds the outputs of `group` now (keys copied; on no memory, fewer of them). */
static void fill_slot(struct seat *seat, struct seat_card *sc, const struct seat_cards_group *group)
{
	clear_slot(seat, sc);
	sc->card = (struct hw_card *)group->card;
	for (size_t i = 0; i < group->count; i++) {
		sc->keys[i] = strdup(group->keys[i]);
		if (!sc->keys[i]) {
			log_error("seat %s: out of memory for output %s", seat->name,
				  group->keys[i]);
			break;
		}
		sc->connectors[i] = group->connectors[i];
		sc->count = i + 1;
	}
	seat->output_count += sc->count;
	if (sc->count == 0)
		sc->card = NULL;
}

static void current_cards(const struct seat *seat, struct seat_cards *cards)
{
	seat_cards_init(cards);
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		const struct seat_card *sc = &seat->cards[s];
		struct seat_cards_group *group = &cards->slots[s];
		group->card = sc->card;
		group->count = sc->count;
		for (size_t i = 0; i < sc->count; i++) {
			group->connectors[i] = sc->connectors[i];
			group->keys[i] = sc->keys[i];
		}
		cards->output_count += sc->count;
	}
}

static void log_outputs(const struct seat *seat)
{
	char list[512] = "";
	size_t used = 0, cards = 0;
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		const struct seat_card *sc = &seat->cards[s];
		cards += sc->card != NULL;
		for (size_t i = 0; i < sc->count && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 used ? ", " : ": ", sc->keys[i]);
	}
	log_info("seat %s: %zu output%s on %zu card%s%s", seat->name, seat->output_count,
		 seat->output_count == 1 ? "" : "s", cards, cards == 1 ? "" : "s", list);
}

/* A running compositor's slot without a lease (it could not be made): tried again. */
static void retry_missing_leases(struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		struct seat_card *sc = &seat->cards[s];
		if (sc->card && sc->count > 0 && !sc->lease && make_lease(seat, s) == 0)
			send_lease(seat, s);
	}
}

void seat_set_outputs(struct seat *seat, const struct seat_cards *outputs)
{
	struct seat_cards old, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	current_cards(seat, &old);
	size_t changed = seat_cards_plan(&old, outputs, &next, change);
	bool running = compositor_wants_leases(seat);
	if (changed == 0) {
		if (running)
			retry_missing_leases(seat);
		else if (seat->output_count > 0 && seat->pid <= 0 &&
			 (seat->state == SEAT_WAITING || seat->state == SEAT_NO_USER))
			seat_start(seat);
		return;
	}
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		struct seat_card *sc = &seat->cards[s];
		if (change[s] == SEAT_CARDS_UNUSED)
			continue;
		if (change[s] == SEAT_CARDS_KEPT) {
			if (running && !sc->lease && make_lease(seat, s) == 0)
				send_lease(seat, s);
			continue;
		}
		/* Whatever the compositor had in this slot is revoked now. */
		bool had_lease = sc->lease != NULL;
		if (change[s] == SEAT_CARDS_REMOVED) {
			log_info("seat %s: no output on %s any more; slot %zu is free", seat->name,
				 sc->card->key, s);
			clear_slot(seat, sc);
		} else {
			fill_slot(seat, sc, &next.slots[s]);
		}
		if (!running)
			continue;
		/* A new lease in the slot replaces the old one in the compositor. */
		if (sc->card && make_lease(seat, s) == 0)
			send_lease(seat, s);
		else if (had_lease)
			send_slot(seat, LINK_DRM_REVOKED, s);
	}
	log_outputs(seat);
	if (seat->pid <= 0)
		seat_start(seat);
	else if (running && seat->output_count == 0)
		log_info("seat %s: its compositor keeps its clients and waits for an output",
			 seat->name);
}

void seat_notify_rescan(struct seat *seat, struct hw_card *card)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		if (seat->cards[s].card == card && seat->cards[s].lease)
			send_slot(seat, LINK_DRM_RESCAN, s);
	}
}

void seat_forget_card(struct seat *seat, struct hw_card *card)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		struct seat_card *sc = &seat->cards[s];
		if (sc->card != card)
			continue;
		bool had_lease = sc->lease != NULL;
		log_info("seat %s: card %s is gone; slot %zu is free", seat->name, card->key, s);
		clear_slot(seat, sc);
		if (had_lease)
			send_slot(seat, LINK_DRM_REVOKED, s);
	}
}

bool seat_uses_card(const struct seat *seat, const struct hw_card *card)
{
	for (size_t s = 0; card && s < SEAT_CARDS_MAX; s++) {
		if (seat->cards[s].card == card)
			return true;
	}
	return false;
}

int seat_leases_make(struct seat *seat)
{
	int first_error = 0;
	size_t leases = 0;
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		struct seat_card *sc = &seat->cards[s];
		if (!sc->card || sc->count == 0)
			continue;
		int ret = sc->lease ? 0 : make_lease(seat, s);
		if (ret < 0 && first_error == 0)
			first_error = ret;
		leases += ret == 0;
	}
	if (leases > 0 && first_error < 0)
		log_error("seat %s: starts with %zu lease%s; the outputs of the card that could "
			  "not be leased stay dark",
			  seat->name, leases, leases == 1 ? "" : "s");
	return leases > 0 ? 0 : (first_error < 0 ? first_error : -ENODEV);
}

void seat_leases_send(struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++)
		send_lease(seat, s);
}

void seat_leases_drop(struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++)
		drop_lease(&seat->cards[s]);
}

void seat_outputs_clear(struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++)
		clear_slot(seat, &seat->cards[s]);
	seat->output_count = 0;
}

const char *seat_first_output(const struct seat *seat)
{
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		if (seat->cards[s].count > 0)
			return seat->cards[s].keys[0];
	}
	return "";
}

static struct json_object *lease_to_json(const struct seat_card *sc)
{
	size_t n = 0;
	const struct gpu_lease_output *lo = gpu_lease_get_outputs(sc->lease, &n);
	int planes = 0;
	for (size_t i = 0; i < n; i++)
		planes += 1 + (lo[i].cursor_plane_id != 0);
	struct json_object *lease = json_object_new_object();
	if (!lease)
		return NULL;
	json_object_object_add(lease, "card", json_object_new_string(sc->card->sysname));
	json_object_object_add(lease, "lessee",
			       json_object_new_int64(gpu_lease_get_lessee_id(sc->lease)));
	json_object_object_add(lease, "connectors", json_object_new_int((int)n));
	json_object_object_add(lease, "crtcs", json_object_new_int((int)n));
	json_object_object_add(lease, "planes", json_object_new_int(planes));
	return lease;
}

static const struct gpu_connector_info *connector_info(const struct hw_card *card, uint32_t id)
{
	for (int i = 0; i < card->info.connector_count; i++) {
		if (card->info.connectors[i].id == id)
			return &card->info.connectors[i];
	}
	return NULL;
}

static struct json_object *string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* One output with what its monitor's EDID says (null fields where it says nothing). */
static struct json_object *monitor_to_json(const char *key, const struct gpu_connector_info *c)
{
	struct json_object *m = json_object_new_object();
	if (!m)
		return NULL;
	const struct gpu_edid *edid = c && c->has_edid ? &c->edid : NULL;
	char number[16];
	json_object_object_add(m, "output", json_object_new_string(key));
	json_object_object_add(m, "connector", string_or_null(c ? c->kernel_name : NULL));
	json_object_object_add(m, "vendor", string_or_null(edid ? edid->vendor : NULL));
	json_object_object_add(m, "model", string_or_null(edid ? edid->model : NULL));
	json_object_object_add(
		m, "serial",
		string_or_null(edid ? gpu_edid_serial(edid, number, sizeof(number)) : NULL));
	return m;
}

void seat_leases_add_json(const struct seat *seat, struct json_object *o)
{
	struct json_object *outputs = json_object_new_array();
	struct json_object *monitors = json_object_new_array();
	struct json_object *leases = json_object_new_array();
	for (size_t s = 0; s < SEAT_CARDS_MAX; s++) {
		const struct seat_card *sc = &seat->cards[s];
		for (size_t i = 0; outputs && i < sc->count; i++)
			json_object_array_add(outputs, json_object_new_string(sc->keys[i]));
		for (size_t i = 0; monitors && sc->card && i < sc->count; i++)
			json_object_array_add(
				monitors,
				monitor_to_json(sc->keys[i],
						connector_info(sc->card, sc->connectors[i])));
		if (sc->lease && leases)
			json_object_array_add(leases, lease_to_json(sc));
	}
	json_object_object_add(o, "outputs", outputs);
	json_object_object_add(o, "monitors", monitors);
	struct json_object *first = leases && json_object_array_length(leases) > 0
					    ? json_object_array_get_idx(leases, 0)
					    : NULL;
	/* "lease" is older than "leases": readers of one lease keep working. */
	json_object_object_add(o, "lease", first ? json_object_get(first) : NULL);
	json_object_object_add(o, "leases", leases);
}
