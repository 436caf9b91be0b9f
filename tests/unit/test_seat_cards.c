/* Unit tests for a seat's outputs per card and slot, and which leases a change remakes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "seat_cards.h"

_Static_assert(SEAT_CARDS_MAX == 4, "the tests name four slots");

/* Cards are only compared: any distinct addresses do. */
static const char card_a, card_b, card_c, card_d, card_e;
#define A ((const void *)&card_a)
#define B ((const void *)&card_b)
#define C ((const void *)&card_c)
#define D ((const void *)&card_d)
#define E ((const void *)&card_e)

struct output {
	const void *card;
	uint32_t connector;
	const char *key;
};

static void group(struct seat_cards *cards, const struct output *outputs, size_t count)
{
	seat_cards_init(cards);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(seat_cards_add(cards, outputs[i].card, outputs[i].connector,
						outputs[i].key),
				 0);
}

#define GROUP(cards, ...)                                                                          \
	do {                                                                                       \
		const struct output outputs_[] = {__VA_ARGS__};                                    \
		group(cards, outputs_, sizeof(outputs_) / sizeof(outputs_[0]));                    \
	} while (0)

static void expect_changes(const enum seat_cards_change *change, enum seat_cards_change s0,
			   enum seat_cards_change s1, enum seat_cards_change s2,
			   enum seat_cards_change s3)
{
	const enum seat_cards_change want[SEAT_CARDS_MAX] = {s0, s1, s2, s3};
	for (size_t i = 0; i < SEAT_CARDS_MAX; i++) {
		if (change[i] != want[i])
			fail_msg("slot %zu: %s, expected %s", i, seat_cards_change_name(change[i]),
				 seat_cards_change_name(want[i]));
	}
}

#define UNUSED SEAT_CARDS_UNUSED
#define KEPT SEAT_CARDS_KEPT
#define ADDED SEAT_CARDS_ADDED
#define CHANGED SEAT_CARDS_CHANGED
#define REMOVED SEAT_CARDS_REMOVED

static void test_groups_per_card_in_connector_order(void **state)
{
	(void)state;
	struct seat_cards cards;
	/* As the rules may list them: card B's output first, card A's out of connector order. */
	GROUP(&cards, {B, 40, "b-HDMI-A-1"}, {A, 37, "a-Virtual-2"}, {A, 35, "a-Virtual-1"});
	assert_int_equal(cards.output_count, 3);
	assert_ptr_equal(cards.slots[0].card, B);
	assert_int_equal(cards.slots[0].count, 1);
	assert_ptr_equal(cards.slots[1].card, A);
	assert_int_equal(cards.slots[1].count, 2);
	assert_int_equal(cards.slots[1].connectors[0], 35);
	assert_string_equal(cards.slots[1].keys[0], "a-Virtual-1");
	assert_int_equal(cards.slots[1].connectors[1], 37);
	assert_string_equal(cards.slots[1].keys[1], "a-Virtual-2");
	assert_null(cards.slots[2].card);
	assert_null(cards.slots[3].card);
}

static void test_limits_are_errors_and_add_nothing(void **state)
{
	(void)state;
	struct seat_cards cards;
	GROUP(&cards, {A, 1, "a-1"}, {B, 1, "b-1"}, {C, 1, "c-1"}, {D, 1, "d-1"});
	assert_int_equal(seat_cards_add(&cards, E, 1, "e-1"), -ENOSPC);
	assert_int_equal(seat_cards_add(&cards, A, 1, "a-1 again"), -EEXIST);
	assert_int_equal(seat_cards_add(&cards, NULL, 1, "none"), -EINVAL);
	assert_int_equal(cards.output_count, 4);
	assert_int_equal(cards.slots[0].count, 1);
	/* Room for more outputs on the cards it has, up to the seat's limit. */
	for (uint32_t c = 2; cards.output_count < SEAT_CARDS_MAX_OUTPUTS; c++)
		assert_int_equal(seat_cards_add(&cards, A, c, "a-more"), 0);
	assert_int_equal(seat_cards_add(&cards, B, 99, "b-99"), -E2BIG);
	assert_int_equal(cards.output_count, SEAT_CARDS_MAX_OUTPUTS);
	assert_int_equal(cards.slots[1].count, 1);
}

static void test_a_new_seat_adds_every_card(void **state)
{
	(void)state;
	struct seat_cards old, now, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	seat_cards_init(&old);
	GROUP(&now, {A, 35, "a-Virtual-1"}, {B, 40, "b-Virtual-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 2);
	expect_changes(change, ADDED, ADDED, UNUSED, UNUSED);
	assert_ptr_equal(next.slots[0].card, A);
	assert_ptr_equal(next.slots[1].card, B);
	assert_int_equal(next.output_count, 2);
	/* Nothing changes: no lease is touched. */
	old = next;
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 0);
	expect_changes(change, KEPT, KEPT, UNUSED, UNUSED);
}

static void test_a_change_on_one_card_leaves_the_other(void **state)
{
	(void)state;
	struct seat_cards old, now, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	GROUP(&old, {A, 35, "a-Virtual-1"}, {B, 40, "b-DP-1"}, {B, 41, "b-DP-2"});
	/* A monitor of card B unplugged: only B's lease is made anew. */
	GROUP(&now, {A, 35, "a-Virtual-1"}, {B, 41, "b-DP-2"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, KEPT, CHANGED, UNUSED, UNUSED);
	assert_int_equal(next.slots[1].count, 1);
	assert_int_equal(next.slots[1].connectors[0], 41);
	assert_int_equal(next.output_count, 2);
	/* Card B's last monitor unplugged: its lease goes, card A's stays. */
	old = next;
	GROUP(&now, {A, 35, "a-Virtual-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, KEPT, REMOVED, UNUSED, UNUSED);
	assert_null(next.slots[1].card);
	assert_int_equal(next.output_count, 1);
	/* No output on any card: every lease goes. */
	old = next;
	seat_cards_init(&now);
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, REMOVED, UNUSED, UNUSED, UNUSED);
	assert_int_equal(next.output_count, 0);
}

static void test_cards_keep_their_slots(void **state)
{
	(void)state;
	struct seat_cards old, now, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	GROUP(&old, {A, 35, "a-1"}, {B, 40, "b-1"});
	/* Card A's monitor goes: card B stays in slot 1, its lease and outputs untouched. */
	GROUP(&now, {B, 40, "b-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, REMOVED, KEPT, UNUSED, UNUSED);
	assert_ptr_equal(next.slots[1].card, B);
	/* It comes back: into the lowest free slot, B still in 1. */
	old = next;
	GROUP(&now, {B, 40, "b-1"}, {A, 35, "a-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, ADDED, KEPT, UNUSED, UNUSED);
	assert_ptr_equal(next.slots[0].card, A);
	assert_ptr_equal(next.slots[1].card, B);
	/* The rules listing the same outputs in another order change nothing. */
	old = next;
	GROUP(&now, {B, 40, "b-1"}, {A, 35, "a-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 0);
}

static void test_a_freed_slot_takes_a_new_card(void **state)
{
	(void)state;
	struct seat_cards old, now, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	GROUP(&old, {A, 1, "a-1"}, {B, 1, "b-1"}, {C, 1, "c-1"}, {D, 1, "d-1"});
	/* Card A leaves as card E comes, in one change: every slot was taken, A's is free. */
	GROUP(&now, {E, 7, "e-7"}, {B, 1, "b-1"}, {C, 1, "c-1"}, {D, 1, "d-1"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, ADDED, KEPT, KEPT, KEPT);
	assert_ptr_equal(next.slots[0].card, E);
	assert_int_equal(next.slots[0].connectors[0], 7);
	assert_string_equal(next.slots[0].keys[0], "e-7");
	assert_int_equal(next.output_count, 4);
}

static void test_the_same_card_with_other_connectors_changes(void **state)
{
	(void)state;
	struct seat_cards old, now, next;
	enum seat_cards_change change[SEAT_CARDS_MAX];
	GROUP(&old, {A, 35, "a-1"});
	GROUP(&now, {A, 35, "a-1"}, {A, 36, "a-2"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, CHANGED, UNUSED, UNUSED, UNUSED);
	assert_int_equal(next.slots[0].count, 2);
	GROUP(&now, {A, 36, "a-2"});
	assert_int_equal(seat_cards_plan(&old, &now, &next, change), 1);
	expect_changes(change, CHANGED, UNUSED, UNUSED, UNUSED);
	assert_string_equal(seat_cards_change_name(SEAT_CARDS_CHANGED), "changed");
	assert_string_equal(seat_cards_change_name(SEAT_CARDS_KEPT), "kept");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_per_card_in_connector_order),
		cmocka_unit_test(test_limits_are_errors_and_add_nothing),
		cmocka_unit_test(test_a_new_seat_adds_every_card),
		cmocka_unit_test(test_a_change_on_one_card_leaves_the_other),
		cmocka_unit_test(test_cards_keep_their_slots),
		cmocka_unit_test(test_a_freed_slot_takes_a_new_card),
		cmocka_unit_test(test_the_same_card_with_other_connectors_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
