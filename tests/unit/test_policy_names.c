/* Unit tests of output names in the policy: per-card names in both probe orders, old kernel names
 * in multiseat.conf, and state.json's one-time migration. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors_assert.h"
#include "policy.h"
#include "tmptree.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The lab: a virtio card with two heads and a bochs card with one, all "Virtual" connectors. */
#define VIRTIO "pci-0000:00:02.0"
#define BOCHS "pci-0000:00:03.0"
#define GONE "pci-0000:00:09.0"

/* virtio_gpu probed first: the kernel's numbers agree with the per-card ones on virtio. */
static const struct policy_connector virtio_first[] = {
	{.card = VIRTIO, .name = "Virtual-1", .kernel_name = "Virtual-1", .connected = true},
	{.card = VIRTIO, .name = "Virtual-2", .kernel_name = "Virtual-2", .connected = true},
	{.card = BOCHS, .name = "Virtual-1", .kernel_name = "Virtual-3", .connected = true},
};
/* bochs probed first: it took the kernel's Virtual-1. */
static const struct policy_connector bochs_first[] = {
	{.card = BOCHS, .name = "Virtual-1", .kernel_name = "Virtual-1", .connected = true},
	{.card = VIRTIO, .name = "Virtual-1", .kernel_name = "Virtual-2", .connected = true},
	{.card = VIRTIO, .name = "Virtual-2", .kernel_name = "Virtual-3", .connected = true},
};

static const struct policy_hardware order_a = {virtio_first, COUNT(virtio_first), NULL, 0};
static const struct policy_hardware order_b = {bochs_first, COUNT(bochs_first), NULL, 0};

static char path[64];

static void load(const char *text, struct policy_config *config)
{
	snprintf(path, sizeof(path), "/tmp/ms-names-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t length = strlen(text);
	assert_int_equal(write(fd, text, length), (ssize_t)length);
	close(fd);
	struct policy_errors errors = {0};
	int ret = policy_config_load(config, path, &errors);
	unlink(path);
	print_errors(&errors);
	assert_int_equal(ret, 0);
	policy_errors_finish(&errors);
}

/* The key of the output the seat called `name` has (its only one), or NULL. */
static const char *output_of(const struct policy_assignment *a, const char *name)
{
	int s = policy_assignment_find_seat(a, name);
	if (s < 0 || a->seats[s].output_count != 1)
		return NULL;
	return a->output_keys[a->seats[s].outputs[0]];
}

/* The kernel's name of the seat's output: which physical connector it is in this boot. */
static const char *kernel_of(const struct policy_assignment *a, const char *name)
{
	int s = policy_assignment_find_seat(a, name);
	if (s < 0 || a->seats[s].output_count != 1)
		return NULL;
	return a->hardware.outputs[a->seats[s].outputs[0]].kernel_name;
}

static void test_new_names_in_both_orders(void **state)
{
	struct policy_config config;
	load("[daemon]\nautoseat = false\n"
	     "[seat.a]\noutputs = " VIRTIO "-Virtual-2\n"
	     "[seat.b]\noutputs = " BOCHS "-Virtual-1\n",
	     &config);
	const struct policy_hardware *orders[] = {&order_a, &order_b};
	const char *kernel_a[] = {"Virtual-2", "Virtual-3"};
	for (size_t i = 0; i < 2; i++) {
		struct policy_assignment a;
		assert_int_equal(policy_assignment_init(&a, &config, orders[i], NULL), 0);
		assert_string_equal(output_of(&a, "a"), VIRTIO "-Virtual-2");
		assert_string_equal(kernel_of(&a, "a"), kernel_a[i]);
		assert_string_equal(output_of(&a, "b"), BOCHS "-Virtual-1");
		print_errors(&a.notes);
		assert_int_equal(a.notes.count, 0);
		assert_int_equal(a.errors.count, 0);
		policy_assignment_finish(&a);
	}
	policy_config_finish(&config);
}

/* An old name means what the kernel calls it this boot, and the admin is told the new one. */
static void test_old_name_in_config(void **state)
{
	struct policy_config config;
	load("[daemon]\nautoseat = false\n"	/* 1, 2 */
	     "[seat.a]\n"			/* 3 */
	     "outputs = " VIRTIO "-Virtual-3\n" /* 4 */
	     "[seat.b]\n"			/* 5 */
	     "outputs = " BOCHS "-Virtual-3\n", /* 6 */
	     &config);
	struct policy_assignment a;

	/* bochs first: virtio's second head is the kernel's Virtual-3; bochs has no Virtual-3. */
	assert_int_equal(policy_assignment_init(&a, &config, &order_b, NULL), 0);
	assert_string_equal(output_of(&a, "a"), VIRTIO "-Virtual-2");
	assert_int_equal(a.seats[policy_assignment_find_seat(&a, "b")].output_count, 0);
	print_errors(&a.notes);
	assert_int_equal(a.notes.count, 2);
	char expected[512];
	snprintf(expected, sizeof(expected),
		 "%s:4: output " VIRTIO "-Virtual-3 is the kernel's name of " VIRTIO
		 "-Virtual-2 in this boot only (the kernel numbers connectors across cards, in "
		 "the order drivers start); write " VIRTIO "-Virtual-2",
		 path);
	assert_string_equal(a.notes.lines[0], expected);
	snprintf(expected, sizeof(expected),
		 "%s:6: output " BOCHS "-Virtual-3 names no connector of card " BOCHS
		 " (it has Virtual-1)",
		 path);
	assert_string_equal(a.notes.lines[1], expected);
	policy_assignment_finish(&a);

	/* virtio first: bochs is the kernel's Virtual-3 now; virtio has no Virtual-3. */
	assert_int_equal(policy_assignment_init(&a, &config, &order_a, NULL), 0);
	assert_string_equal(output_of(&a, "b"), BOCHS "-Virtual-1");
	assert_int_equal(a.seats[policy_assignment_find_seat(&a, "a")].output_count, 0);
	assert_int_equal(a.notes.count, 2);
	assert_error_has(&a.notes, ":4: output " VIRTIO "-Virtual-3 names no connector of card",
			 "(it has Virtual-1, Virtual-2)", NULL);
	assert_error_has(&a.notes,
			 ":6: output " BOCHS "-Virtual-3 is the kernel's name of " BOCHS
			 "-Virtual-1",
			 "write " BOCHS "-Virtual-1", NULL);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/*
 * A name that is valid the new way is read the new way, even where the kernel of this boot
 * gives another connector that name; a card that is not there draws a note naming the cards
 * that are.
 */
static void test_new_name_wins(void **state)
{
	struct policy_config config;
	load("[daemon]\nautoseat = false\n"
	     "[seat.a]\noutputs = " VIRTIO "-Virtual-2\n"
	     "[seat.b]\noutputs = " VIRTIO "-Virtual-1\n"
	     "[seat.c]\noutputs = " GONE "-Virtual-7\n",
	     &config);
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &order_b, NULL), 0);
	assert_string_equal(kernel_of(&a, "a"), "Virtual-3");
	assert_string_equal(kernel_of(&a, "b"), "Virtual-2");
	assert_int_equal(a.errors.count, 0);
	assert_int_equal(a.notes.count, 1);
	assert_error_has(&a.notes,
			 ":8: output " GONE "-Virtual-7 is on no card of this PC (its cards: " VIRTIO
			 ", " BOCHS "); seat c waits for it",
			 NULL);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/* An old name and the new name of the same connector in two seats: a conflict, as for any. */
static void test_old_and_new_name_conflict(void **state)
{
	struct policy_config config;
	load("[daemon]\nautoseat = false\n"
	     "[seat.a]\noutputs = " VIRTIO "-Virtual-2\n"
	     "[seat.b]\noutputs = " VIRTIO "-Virtual-3\n",
	     &config);
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &order_b, NULL), 0);
	assert_null(output_of(&a, "a"));
	assert_null(output_of(&a, "b"));
	assert_int_equal(a.outputs[2].reason, POLICY_REASON_CONFLICT);
	assert_int_equal(a.errors.count, 1);
	assert_int_equal(a.notes.count, 1);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/* Saved autoseat names are per-card keys: a monitor keeps its seat in either order. */
static void test_autoseat_names_in_both_orders(void **state)
{
	struct policy_config config;
	assert_int_equal(policy_config_init_defaults(&config, "none.conf"), 0);
	const struct policy_state_entry names[] = {
		{.key = VIRTIO "-Virtual-2", .seat = "seat-5"},
	};
	const struct policy_state saved = {.outputs = names, .output_count = 1};
	const struct policy_hardware *orders[] = {&order_a, &order_b};
	const char *kernel[] = {"Virtual-2", "Virtual-3"};
	for (size_t i = 0; i < 2; i++) {
		struct policy_assignment a;
		assert_int_equal(policy_assignment_init(&a, &config, orders[i], &saved), 0);
		assert_int_equal(a.seat_count, 3);
		assert_string_equal(output_of(&a, "seat-5"), VIRTIO "-Virtual-2");
		assert_string_equal(kernel_of(&a, "seat-5"), kernel[i]);
		/* The others by key order, whatever order the kernel listed them in. */
		assert_string_equal(output_of(&a, "seat-1"), VIRTIO "-Virtual-1");
		assert_string_equal(output_of(&a, "seat-2"), BOCHS "-Virtual-1");
		policy_assignment_finish(&a);
	}
	policy_config_finish(&config);
}

/* ---- state.json ---- */

/* Each test's own temporary state dir, removed with everything in it afterwards. */
static int setup(void **state)
{
	return tmptree_fixture_setup(state, "/tmp/ms-names-XXXXXX", "state.json");
}

static int teardown(void **state)
{
	return tmptree_fixture_teardown(state);
}

static void write_state(const struct tmptree_fixture *f, const char *text)
{
	int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void load_state(const struct tmptree_fixture *f, struct policy_saved *saved)
{
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(saved, f->dir), 0);
	int ret = policy_saved_load(saved, &errors);
	print_errors(&errors);
	assert_int_equal(ret, 0);
	assert_int_equal(errors.count, 0);
	policy_errors_finish(&errors);
}

/* What an older multiseatd wrote: five entries for three monitors, over two boots' numbers. */
#define OLD_STATE                                                                                  \
	"{\"version\": 1,\n"                                                                       \
	" \"devices\": {\"pci-0000:00:05.0-usb-0:1\": \"seat-2\"},\n"                              \
	" \"outputs\": {\n"                                                                        \
	"  \"" VIRTIO "-Virtual-1\": \"seat-1\",\n"                                                \
	"  \"" VIRTIO "-Virtual-2\": \"seat-2\",\n"                                                \
	"  \"" VIRTIO "-Virtual-3\": \"seat-4\",\n"                                                \
	"  \"" BOCHS "-Virtual-3\": \"seat-3\",\n"                                                 \
	"  \"" GONE "-Virtual-1\": \"seat-9\"\n"                                                   \
	" }}\n"

static void test_old_state_waits_for_migration(void **state)
{
	struct tmptree_fixture *f = *state;
	write_state(f, OLD_STATE);
	struct policy_saved saved;
	load_state(f, &saved);
	/* None is used as it is: they name connectors the way of some earlier boot. */
	assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 0);
	assert_int_equal(saved.counts[POLICY_SAVED_LEGACY_OUTPUTS], 5);
	assert_int_equal(saved.counts[POLICY_SAVED_DEVICES], 1);
	struct policy_state view;
	policy_saved_view(&saved, &view);
	assert_int_equal(view.output_count, 0);
	policy_saved_finish(&saved);
}

static void test_migration_by_this_boots_numbers(void **state)
{
	struct tmptree_fixture *f = *state;
	write_state(f, OLD_STATE);
	struct policy_saved saved;
	load_state(f, &saved);
	struct policy_errors notes = {0};
	/* bochs first: virtio has the kernel's Virtual-2 and -3, bochs Virtual-1. */
	assert_int_equal(policy_saved_migrate_outputs(&saved, &order_b, &notes), 4);
	print_errors(&notes);
	assert_int_equal(notes.count, 4);
	char expected[512];
	snprintf(expected, sizeof(expected),
		 "%s: output " VIRTIO "-Virtual-2 -> " VIRTIO "-Virtual-1 (seat-2): the kernel's "
		 "name of this boot, migrated to the name per card",
		 f->path);
	assert_string_equal(notes.lines[1], expected);
	assert_error_has(&notes, VIRTIO "-Virtual-3 -> " VIRTIO "-Virtual-2 (seat-4)", NULL);
	assert_error_has(&notes,
			 VIRTIO "-Virtual-1 (seat-1) dropped: card " VIRTIO
				" has no connector of that name in this boot's kernel numbering",
			 NULL);
	assert_error_has(&notes, BOCHS "-Virtual-3 (seat-3) dropped", NULL);
	policy_errors_finish(&notes);

	assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 2);
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-1", NULL),
		"seat-2");
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-2", NULL),
		"seat-4");
	/* The card that is not there keeps its entry for later. */
	assert_int_equal(saved.counts[POLICY_SAVED_LEGACY_OUTPUTS], 1);
	assert_string_equal(saved.tables[POLICY_SAVED_LEGACY_OUTPUTS][0].key, GONE "-Virtual-1");
	/* Once: nothing more to do with the same hardware. */
	assert_int_equal(policy_saved_migrate_outputs(&saved, &order_b, NULL), 0);
	assert_int_equal(policy_saved_save(&saved), 0);
	policy_saved_finish(&saved);

	/* Saved with the marker: read back as per-card names, never migrated again. */
	struct policy_saved again;
	load_state(f, &again);
	assert_int_equal(again.counts[POLICY_SAVED_OUTPUTS], 2);
	assert_int_equal(again.counts[POLICY_SAVED_LEGACY_OUTPUTS], 1);
	assert_int_equal(policy_saved_migrate_outputs(&again, &order_a, NULL), 0);
	assert_string_equal(
		policy_saved_get(&again, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-1", NULL),
		"seat-2");

	/* The card comes back: its entry is migrated then, by that boot's numbers. */
	const struct policy_connector with_gone[] = {
		{.card = GONE, .name = "Virtual-1", .kernel_name = "Virtual-4", .connected = true},
		{.card = GONE, .name = "Virtual-2", .kernel_name = "Virtual-1", .connected = false},
	};
	const struct policy_hardware back = {with_gone, COUNT(with_gone), NULL, 0};
	notes = (struct policy_errors){0};
	assert_int_equal(policy_saved_migrate_outputs(&again, &back, &notes), 1);
	assert_error_has(&notes, GONE "-Virtual-1 -> " GONE "-Virtual-2 (seat-9)", NULL);
	assert_string_equal(policy_saved_get(&again, POLICY_SAVED_OUTPUTS, GONE "-Virtual-2", NULL),
			    "seat-9");
	assert_int_equal(again.counts[POLICY_SAVED_LEGACY_OUTPUTS], 0);
	policy_errors_finish(&notes);
	policy_saved_finish(&again);
}

/* The same old file read in the other order lands each entry on that boot's connector. */
static void test_migration_other_order(void **state)
{
	struct tmptree_fixture *f = *state;
	write_state(f, OLD_STATE);
	struct policy_saved saved;
	load_state(f, &saved);
	assert_int_equal(policy_saved_migrate_outputs(&saved, &order_a, NULL), 4);
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-1", NULL),
		"seat-1");
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-2", NULL),
		"seat-2");
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, BOCHS "-Virtual-1", NULL), "seat-3");
	assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 3);
	assert_int_equal(saved.counts[POLICY_SAVED_LEGACY_OUTPUTS], 1);
	policy_saved_finish(&saved);
}

/* An entry made under the new names wins over an old one that migrates to the same key. */
static void test_migration_keeps_newer_entry(void **state)
{
	struct tmptree_fixture *f = *state;
	write_state(f, "{\"version\": 1, \"output_names\": \"per-card\",\n"
		       " \"outputs\": {\"" VIRTIO "-Virtual-1\": \"seat-7\"},\n"
		       " \"legacy_outputs\": {\"" VIRTIO "-Virtual-2\": \"seat-2\"}}\n");
	struct policy_saved saved;
	load_state(f, &saved);
	assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 1);
	assert_int_equal(saved.counts[POLICY_SAVED_LEGACY_OUTPUTS], 1);
	struct policy_errors notes = {0};
	assert_int_equal(policy_saved_migrate_outputs(&saved, &order_b, &notes), 1);
	assert_error_has(&notes,
			 VIRTIO "-Virtual-2 (seat-2) dropped: " VIRTIO
				"-Virtual-1, its name now, has an entry already",
			 NULL);
	assert_string_equal(
		policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, VIRTIO "-Virtual-1", NULL),
		"seat-7");
	assert_int_equal(saved.counts[POLICY_SAVED_LEGACY_OUTPUTS], 0);
	policy_errors_finish(&notes);

	/* With nothing left to migrate the file has no legacy table. */
	assert_int_equal(policy_saved_save(&saved), 0);
	policy_saved_finish(&saved);
	FILE *file = fopen(f->path, "r");
	assert_non_null(file);
	char text[1024];
	size_t length = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	text[length] = '\0';
	assert_null(strstr(text, "legacy_outputs"));
	assert_non_null(strstr(text, "\"output_names\": \"per-card\""));
}

/* Another naming than ours would be misread: the file is set aside like any it cannot read. */
static void test_unknown_naming_refused(void **state)
{
	struct tmptree_fixture *f = *state;
	const char *bad[] = {"\"by-serial\"", "2", "null"};
	for (size_t i = 0; i < COUNT(bad); i++) {
		char text[256];
		snprintf(text, sizeof(text),
			 "{\"version\": 1, \"output_names\": %s, \"outputs\": {\"" VIRTIO
			 "-Virtual-1\": \"seat-1\"}}\n",
			 bad[i]);
		write_state(f, text);
		struct policy_saved saved;
		struct policy_errors errors = {0};
		assert_int_equal(policy_saved_init(&saved, f->dir), 0);
		assert_int_equal(policy_saved_load(&saved, &errors), -EINVAL);
		assert_error_has(&errors, "\"output_names\" is ", bad[i],
				 ", expected \"per-card\" (the only naming read here)", NULL);
		assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 0);
		policy_errors_finish(&errors);
		policy_saved_finish(&saved);
		tmptree_remove(f->dir);
		assert_int_equal(mkdir(f->dir, 0700), 0);
	}
}

static void test_migration_refuses_incomplete_hardware(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	const struct policy_connector broken[] = {{.card = VIRTIO, .name = NULL}};
	const struct policy_hardware hardware = {broken, 1, NULL, 0};
	assert_int_equal(policy_saved_migrate_outputs(&saved, &hardware, NULL), -EINVAL);
	policy_saved_finish(&saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_names_in_both_orders),
		cmocka_unit_test(test_old_name_in_config),
		cmocka_unit_test(test_new_name_wins),
		cmocka_unit_test(test_old_and_new_name_conflict),
		cmocka_unit_test(test_autoseat_names_in_both_orders),
		cmocka_unit_test_setup_teardown(test_old_state_waits_for_migration, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migration_by_this_boots_numbers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migration_other_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_keeps_newer_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_naming_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_refuses_incomplete_hardware, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
