/* Unit tests for the assignment rules: outputs, devices and settings from real config files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

static char path[64];

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define HUBS(...)                                                                                  \
	.hubs = (const char *const[]){__VA_ARGS__},                                                \
	.hub_count = COUNT(((const char *const[]){__VA_ARGS__}))
#define PROPERTIES(...)                                                                            \
	.properties = (const char *const[]){__VA_ARGS__},                                          \
	.property_count = COUNT(((const char *const[]){__VA_ARGS__}))

#define CARD "pci-0000:00:02.0"
#define CARD2 "pci-0000:01:00.0"
#define OUTER "pci-0000:00:14.0-usb-0:1"
#define INNER "pci-0000:00:14.0-usb-0:1.4"
#define KBD "pci-0000:00:14.0-usb-0:1.4.2:1.0"
#define MOUSE "pci-0000:00:14.0-usb-0:1.3:1.0"
#define SOUND "pci-0000:00:14.0-usb-0:2:1.0"
#define PAD "pci-0000:00:14.0-usb-0:3:1.0"

/* Writes `text` to a fresh file and loads it; the file must be valid. */
static void load(const char *text, struct policy_config *config)
{
	snprintf(path, sizeof(path), "/tmp/ms-rules-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t length = strlen(text);
	assert_int_equal(write(fd, text, length), (ssize_t)length);
	close(fd);
	struct policy_errors errors = {0};
	int ret = policy_config_load(config, path, &errors);
	unlink(path);
	for (size_t i = 0; i < errors.count; i++)
		print_message("  config error: %s\n", errors.lines[i]);
	assert_int_equal(ret, 0);
	policy_errors_finish(&errors);
}

/* `format` with every "@" replaced by the config's path. */
static char *with_path(const char *format)
{
	static char text[1024];
	size_t used = 0;
	for (const char *c = format; *c && used + sizeof(path) + 1 < sizeof(text); c++) {
		if (*c == '@')
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%s", path);
		else
			text[used++] = *c;
	}
	text[used] = '\0';
	return text;
}

static void assert_device_explained(const struct policy_assignment *a, size_t index,
				    const char *format)
{
	char *text = policy_assignment_explain_device(a, index);
	assert_non_null(text);
	assert_string_equal(text, with_path(format));
	free(text);
}

static void assert_output_explained(const struct policy_assignment *a, size_t index,
				    const char *format)
{
	char *text = policy_assignment_explain_output(a, index);
	assert_non_null(text);
	assert_string_equal(text, with_path(format));
	free(text);
}

static void assert_no_errors(const struct policy_assignment *a)
{
	for (size_t i = 0; i < a->errors.count; i++)
		print_message("  error: %s\n", a->errors.lines[i]);
	assert_int_equal(a->errors.count, 0);
}

/* The seat's name by a verdict, "-" when unassigned. */
static const char *seat_of(const struct policy_assignment *a, const struct policy_verdict *v)
{
	return v->seat >= 0 ? a->seats[v->seat].name : "-";
}

static void test_config_over_state_over_none(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat.a]\n"		 /* 1 */
	     "outputs = " CARD "-DP-1\n" /* 2 */
	     "devices = " KBD "\n"	 /* 3 */
	     "[seat.b]\n"		 /* 4 */
	     "outputs = " CARD "-DP-2\n" /* 5 */
	     "devices = path:" SOUND "\n" /* 6 */,
	     &config);
	const struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-1", .connected = true},
		{.card = CARD, .name = "DP-2", .connected = true},
	};
	const struct policy_device devices[] = {
		{.key = KBD, .kind = POLICY_DEVICE_KEYBOARD, HUBS(INNER, OUTER)},
		{.key = MOUSE, .kind = POLICY_DEVICE_POINTER, HUBS(OUTER)},
		{.key = PAD, .kind = POLICY_DEVICE_TABLET},
		{.key = SOUND, .kind = POLICY_DEVICE_SOUND},
	};
	const struct policy_state_entry saved[] = {
		{.key = MOUSE, .seat = "b"},
		{.key = KBD, .seat = "b"}, /* the config says a */
		{.key = SOUND, .seat = "a"},
	};
	const struct policy_hardware hardware = {outputs, COUNT(outputs), devices, COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved, .device_count = COUNT(saved)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);
	assert_no_errors(&a);
	assert_int_equal(a.seat_count, 2);
	assert_string_equal(a.seats[0].name, "a");
	assert_int_equal(a.seats[0].number, 1);
	assert_ptr_equal(a.seats[0].config, &config.seats[0]);
	assert_string_equal(a.seats[1].name, "b");
	assert_int_equal(a.seats[1].number, 2);

	assert_int_equal(a.devices[0].reason, POLICY_REASON_CONFIG);
	assert_string_equal(seat_of(&a, &a.devices[0]), "a");
	assert_ptr_equal(a.devices[0].claims[0].rule, &config.seats[0].devices[0]);
	assert_int_equal(a.devices[1].reason, POLICY_REASON_STATE);
	assert_string_equal(seat_of(&a, &a.devices[1]), "b");
	assert_string_equal(a.devices[1].state_key, MOUSE);
	assert_int_equal(a.devices[2].reason, POLICY_REASON_NONE);
	assert_int_equal(a.devices[2].seat, -1);
	assert_int_equal(a.devices[3].reason, POLICY_REASON_CONFIG);
	assert_string_equal(seat_of(&a, &a.devices[3]), "b");

	assert_int_equal(a.seats[0].device_count, 1);
	assert_int_equal(a.seats[0].devices[0], 0);
	assert_int_equal(a.seats[1].device_count, 2);
	assert_int_equal(a.seats[1].devices[0], 1);
	assert_int_equal(a.seats[1].devices[1], 3);
	assert_int_equal(a.seats[0].output_count, 1);
	assert_int_equal(a.seats[0].outputs[0], 0);
	assert_int_equal(a.seats[0].status, POLICY_SEAT_READY);
	policy_assignment_finish(&a);

	/* Without a state, only the config decides. */
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, NULL), 0);
	assert_int_equal(a.devices[1].reason, POLICY_REASON_NONE);
	assert_int_equal(a.seats[1].device_count, 1);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

static void test_path_hub_and_property_rules(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat.a]\n"
	     "outputs = " CARD "-DP-1\n"
	     "devices = hub:" OUTER "\n"
	     "[seat.b]\n"
	     "outputs = " CARD "-DP-2\n"
	     "devices = udev:ID_VENDOR=acme " PAD "\n",
	     &config);
	const struct policy_device devices[] = {
		/* Two hubs deep: the outer hub's rule still takes it. */
		{.key = KBD, HUBS(INNER, OUTER)},
		{.key = MOUSE, HUBS(OUTER)},
		/* Below another port: not the hub's. */
		{.key = SOUND, HUBS("pci-0000:00:14.0-usb-0:2")},
		{.key = "platform-i8042-serio-0", PROPERTIES("ID_BUS=i8042", "ID_VENDOR=acme")},
		/* Neither a longer value nor a longer name is the property. */
		{.key = "platform-x",
		 PROPERTIES("ID_VENDOR=acmex", "ID_VENDOR_ID=acme", "ID_VENDOR_acme", "ID_VENDOR")},
		{.key = PAD},
		/* The hub itself is not below itself. */
		{.key = OUTER},
	};
	const struct policy_hardware hardware = {.devices = devices,
						 .device_count = COUNT(devices)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, NULL), 0);
	assert_no_errors(&a);
	static const char *const expected[] = {"a", "a", "-", "b", "-", "b", "-"};
	for (size_t i = 0; i < COUNT(expected); i++) {
		if (strcmp(seat_of(&a, &a.devices[i]), expected[i]) != 0)
			fail_msg("device %s went to %s, expected %s", devices[i].key,
				 seat_of(&a, &a.devices[i]), expected[i]);
	}
	assert_int_equal(a.devices[3].claims[0].rule->match, POLICY_MATCH_PROPERTY);
	assert_int_equal(a.devices[5].claims[0].rule->match, POLICY_MATCH_PATH);
	/* Both configured seats wait: no outputs are present. */
	assert_int_equal(a.seats[0].status, POLICY_SEAT_WAITING_FOR_OUTPUT);
	assert_int_equal(a.seats[1].status, POLICY_SEAT_WAITING_FOR_OUTPUT);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

static void test_conflicts(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat.seat1]\n"		       /* 1 */
	     "outputs = " CARD "\n"	       /* 2 */
	     "devices = hub:" OUTER "\n"       /* 3 */
	     "[seat.seat2]\n"		       /* 4 */
	     "outputs = " CARD "-DP-2\n"       /* 5 */
	     "devices = udev:ID_VENDOR=acme\n" /* 6 */
	     "          path:" MOUSE "\n"      /* 7 */
	     "[seat.seat3]\n"		       /* 8 */
	     "outputs = " CARD2 "\n"	       /* 9 */
	     "devices = udev:ID_MODEL=k120\n"  /* 10 */
	     "devices = udev:ID_VENDOR=other\n" /* 11 */,
	     &config);
	const struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-2", .connected = true},
		{.card = CARD, .name = "DP-1", .connected = true},
	};
	const struct policy_device devices[] = {
		{.key = KBD, HUBS(INNER, OUTER), PROPERTIES("ID_VENDOR=acme")},
		/* Two rules of one seat: no conflict. */
		{.key = MOUSE, PROPERTIES("ID_VENDOR=acme")},
		{.key = PAD, HUBS(OUTER), PROPERTIES("ID_VENDOR=acme", "ID_MODEL=k120")},
	};
	/* The saved state never settles a conflict. */
	const struct policy_state_entry saved[] = {{.key = KBD, .seat = "seat1"}};
	const struct policy_hardware hardware = {outputs, COUNT(outputs), devices, COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved, .device_count = 1};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);

	static const char *const expected[] = {
		"@:2: output " CARD "-DP-2 is matched by seat1 (@:2, " CARD
		") and seat2 (@:5, " CARD "-DP-2)",
		"@:3: device " KBD " is matched by seat1 (@:3, hub:" OUTER
		") and seat2 (@:6, udev:ID_VENDOR=acme)",
		"@:3: device " PAD " is matched by seat1 (@:3, hub:" OUTER
		"), seat2 (@:6, udev:ID_VENDOR=acme) and seat3 (@:10, udev:ID_MODEL=k120)",
	};
	assert_int_equal(a.errors.count, COUNT(expected));
	for (size_t i = 0; i < COUNT(expected); i++)
		assert_string_equal(a.errors.lines[i], with_path(expected[i]));

	assert_int_equal(a.outputs[0].reason, POLICY_REASON_CONFLICT);
	assert_int_equal(a.outputs[0].seat, -1);
	assert_int_equal(a.outputs[1].reason, POLICY_REASON_CONFIG);
	assert_string_equal(seat_of(&a, &a.outputs[1]), "seat1");
	assert_int_equal(a.seats[1].output_count, 0);
	assert_int_equal(a.seats[1].status, POLICY_SEAT_WAITING_FOR_OUTPUT);

	assert_int_equal(a.devices[0].reason, POLICY_REASON_CONFLICT);
	assert_int_equal(a.devices[0].seat, -1);
	assert_int_equal(a.devices[0].claim_count, 2);
	assert_int_equal(a.devices[1].reason, POLICY_REASON_CONFIG);
	assert_string_equal(seat_of(&a, &a.devices[1]), "seat2");
	assert_int_equal(a.devices[1].claims[0].rule->line, 6);
	assert_int_equal(a.devices[2].reason, POLICY_REASON_CONFLICT);
	assert_int_equal(a.devices[2].claim_count, 3);
	assert_int_equal(a.seats[0].device_count, 0);

	assert_device_explained(&a, 0,
				KBD ": unassigned, matched by seat1 (@:3, hub:" OUTER
				    ") and seat2 (@:6, udev:ID_VENDOR=acme)");
	assert_device_explained(&a, 2,
				PAD ": unassigned, matched by seat1 (@:3, hub:" OUTER
				    "), seat2 (@:6, udev:ID_VENDOR=acme) and 1 other seat");
	assert_output_explained(&a, 0,
				CARD "-DP-2: unassigned, matched by seat1 (@:2, " CARD
				     ") and seat2 (@:5, " CARD "-DP-2)");
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/* Seats a and b, one card each, no autoseat. */
#define TWO_SEATS                                                                                  \
	"[daemon]\n"                                                                               \
	"autoseat = false\n"                                                                       \
	"[seat.a]\n"                                                                               \
	"outputs = " CARD "\n"                                                                     \
	"[seat.b]\n"                                                                               \
	"outputs = " CARD2 "\n"

static void test_state_for_missing_seats_ignored(void **state)
{
	(void)state;
	struct policy_config config;
	load(TWO_SEATS, &config);
	const struct policy_device devices[] = {
		{.key = KBD, HUBS(INNER, OUTER)},
		{.key = MOUSE, HUBS(OUTER)},
		{.key = SOUND},
		{.key = PAD, HUBS(INNER, OUTER)},
		/* Its own and its nearest hub's have no entry: the outer hub's decides. */
		{.key = "pci-0000:00:14.0-usb-0:1.5.1:1.0",
		 HUBS("pci-0000:00:14.0-usb-0:1.5", OUTER)},
	};
	const struct policy_state_entry saved[] = {
		{.key = KBD, .seat = "gone"}, /* skipped: the hubs decide */
		{.key = INNER, .seat = "b"},	  {.key = OUTER, .seat = "a"},
		{.key = SOUND, .seat = "seat-1"}, {.key = PAD, .seat = "a"},
		{.key = PAD, .seat = "b"}, /* the first entry for a key decides */
	};
	const struct policy_hardware hardware = {.devices = devices,
						 .device_count = COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved, .device_count = COUNT(saved)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);
	assert_no_errors(&a);
	assert_int_equal(a.seat_count, 2);
	assert_string_equal(seat_of(&a, &a.devices[0]), "b"); /* the nearest hub */
	assert_string_equal(a.devices[0].state_key, INNER);
	assert_string_equal(seat_of(&a, &a.devices[1]), "a");
	assert_int_equal(a.devices[2].reason, POLICY_REASON_NONE);
	assert_string_equal(seat_of(&a, &a.devices[3]), "a");
	assert_int_equal(a.devices[3].reason, POLICY_REASON_STATE);
	assert_string_equal(seat_of(&a, &a.devices[4]), "a");
	assert_string_equal(a.devices[4].state_key, OUTER);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/* A keyboard on a root port claims with its USB device: its other interfaces follow. */
static void test_state_by_usb_device(void **state)
{
	(void)state;
	struct policy_config config;
	load(TWO_SEATS, &config);
#define ROOT_KBD "pci-0000:00:14.0-usb-0:4"
	const struct policy_device devices[] = {
		{.key = ROOT_KBD ":1.0", .usb_device = ROOT_KBD},
		{.key = ROOT_KBD ":1.1", .usb_device = ROOT_KBD}, /* its touchpad */
		{.key = "pci-0000:00:14.0-usb-0:5:1.0", .usb_device = "pci-0000:00:14.0-usb-0:5"},
		/* Below a hub the saved hub decides over a (stale) USB device entry farther up. */
		{.key = KBD, .usb_device = "pci-0000:00:14.0-usb-0:1.4.2", HUBS(INNER, OUTER)},
	};
	const struct policy_state_entry saved[] = {
		{.key = ROOT_KBD, .seat = "b"},
		{.key = INNER, .seat = "a"},
		{.key = ROOT_KBD ":1.1", .seat = "a"}, /* its own entry wins */
	};
	const struct policy_hardware hardware = {.devices = devices,
						 .device_count = COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved, .device_count = COUNT(saved)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);
	assert_no_errors(&a);
	assert_string_equal(seat_of(&a, &a.devices[0]), "b");
	assert_string_equal(a.devices[0].state_key, ROOT_KBD);
	assert_device_explained(&a, 0, ROOT_KBD ":1.0: b by saved state (usb:" ROOT_KBD ")");
	assert_string_equal(seat_of(&a, &a.devices[1]), "a");
	assert_int_equal(a.devices[2].reason, POLICY_REASON_NONE);
	assert_string_equal(seat_of(&a, &a.devices[3]), "a");
	assert_device_explained(&a, 3, KBD ": a by saved state (hub:" INNER ")");
#undef ROOT_KBD
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

/* Runs the rules on outputs of CARD named `names`, all connected; checks the seat of each. */
static void assert_autoseats(const struct policy_config *config, const char *const *names,
			     size_t count, const struct policy_state *saved,
			     const char *const *expected)
{
	struct policy_connector outputs[8];
	assert_true(count <= COUNT(outputs));
	for (size_t i = 0; i < count; i++)
		outputs[i] = (struct policy_connector){
			.card = CARD, .name = names[i], .connected = true};
	const struct policy_hardware hardware = {.outputs = outputs, .output_count = count};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, config, &hardware, saved), 0);
	assert_no_errors(&a);
	for (size_t i = 0; i < count; i++) {
		const char *seat = seat_of(&a, &a.outputs[i]);
		if (strcmp(seat, expected[i]) != 0)
			fail_msg("output %s is in %s, expected %s", names[i], seat, expected[i]);
		if (a.outputs[i].seat >= (int)config->seat_count) {
			assert_int_equal(a.outputs[i].reason, POLICY_REASON_AUTOSEAT);
			const struct policy_assigned_seat *autoseat = &a.seats[a.outputs[i].seat];
			assert_null(autoseat->config);
			assert_int_equal(autoseat->output_count, 1);
			assert_int_equal(autoseat->outputs[0], i);
			assert_int_equal(autoseat->number, atoi(autoseat->name + 5));
		}
	}
	/* Autoseats come after the configured seats, by number. */
	for (size_t s = config->seat_count + 1; s < a.seat_count; s++)
		assert_true(a.seats[s - 1].number < a.seats[s].number);
	policy_assignment_finish(&a);
}

static void test_autoseat_names_stable(void **state)
{
	(void)state;
	struct policy_config config;
	load("", &config);
	static const char *const order1[] = {"HDMI-A-1", "DP-1", "Virtual-2"};
	static const char *const seats1[] = {"seat-2", "seat-1", "seat-3"};
	assert_autoseats(&config, order1, 3, NULL, seats1);
	static const char *const order2[] = {"Virtual-2", "HDMI-A-1", "DP-1"};
	static const char *const seats2[] = {"seat-3", "seat-2", "seat-1"};
	assert_autoseats(&config, order2, 3, NULL, seats2);

	/* A monitor plugged in later keeps the others' saved names and gets the next number. */
	const struct policy_state_entry names[] = {
		{.key = CARD "-DP-1", .seat = "seat-1"},
		{.key = CARD "-HDMI-A-1", .seat = "seat-2"},
		{.key = CARD "-Virtual-2", .seat = "seat-3"},
	};
	const struct policy_state saved = {.outputs = names, .output_count = COUNT(names)};
	static const char *const order3[] = {"Virtual-2", "DP-2", "HDMI-A-1", "DP-1"};
	static const char *const seats3[] = {"seat-3", "seat-4", "seat-2", "seat-1"};
	assert_autoseats(&config, order3, 4, &saved, seats3);
	/* Without the saved names the new one, first by key after DP-1, would take seat-2. */
	static const char *const seats3_unsaved[] = {"seat-4", "seat-2", "seat-3", "seat-1"};
	assert_autoseats(&config, order3, 4, NULL, seats3_unsaved);
	/* One unplugged: the others keep their names, and a new monitor may take the free one. */
	static const char *const order4[] = {"Virtual-2", "DP-1"};
	static const char *const seats4[] = {"seat-3", "seat-1"};
	assert_autoseats(&config, order4, 2, &saved, seats4);
	static const char *const order5[] = {"Virtual-2", "DP-2", "DP-1"};
	static const char *const seats5[] = {"seat-3", "seat-2", "seat-1"};
	assert_autoseats(&config, order5, 3, &saved, seats5);
	policy_config_finish(&config);
}

static void test_autoseat_names_from_state(void **state)
{
	(void)state;
	struct policy_config config;
	/* Configured seats take 1 and 3 (2 is a saved name); one of them is called seat-4. */
	load("[seat.front]\n"
	     "outputs = " CARD2 "-DP-1\n"
	     "[seat.seat-4]\n"
	     "outputs = " CARD2 "-DP-2\n",
	     &config);
	const struct policy_state_entry names[] = {
		{.key = CARD "-A", .seat = "seat-7"},  /* kept */
		{.key = CARD "-B", .seat = "seat-4"},  /* a configured seat's name */
		{.key = CARD "-C", .seat = "seat-2"},  /* a configured seat's number */
		{.key = CARD "-D", .seat = "seat-07"}, /* not the canonical name */
		{.key = CARD "-E", .seat = "seat-9"},  /* E and F saved the same name: E first */
		{.key = CARD "-F", .seat = "seat-9"},	       {.key = CARD "-G", .seat = "front"},
		{.key = CARD "-H", .seat = "seat-1234567890"},
	};
	const struct policy_state saved = {.outputs = names, .output_count = COUNT(names)};
	/* Fresh numbers go by key, the lowest free first: never 1 or 3 (the configured seats'
	 * numbers), 4 (a configured seat's name), 2, 7 or 9 (saved for present outputs). */
	static const char *const order[] = {"H", "G", "F", "E", "D", "C", "B", "A"};
	static const char *const seats[] = {"seat-11", "seat-10", "seat-8", "seat-9",
					    "seat-6",  "seat-2",  "seat-5", "seat-7"};
	assert_autoseats(&config, order, COUNT(order), &saved, seats);
	/* Without B, its fresh number goes to the next output by key. */
	static const char *const order_without_b[] = {"H", "G", "F", "E", "D", "C", "A"};
	static const char *const seats_without_b[] = {"seat-10", "seat-8", "seat-6", "seat-9",
						      "seat-5",	 "seat-2", "seat-7"};
	assert_autoseats(&config, order_without_b, COUNT(order_without_b), &saved, seats_without_b);
	policy_config_finish(&config);
}

/* The number of configured seat `name` when CARD's DP-1, HDMI-A-1 and Virtual-2 have desks. */
static int configured_number(const char *text, const struct policy_state *saved, const char *name,
			     const char *const *expected)
{
	struct policy_config config;
	load(text, &config);
	struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-1", .connected = true},
		{.card = CARD, .name = "HDMI-A-1", .connected = true},
		{.card = CARD, .name = "Virtual-2", .connected = true},
	};
	const struct policy_hardware hardware = {.outputs = outputs,
						 .output_count = COUNT(outputs)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, saved), 0);
	assert_no_errors(&a);
	for (size_t o = 0; o < COUNT(outputs); o++)
		assert_string_equal(seat_of(&a, &a.outputs[o]), expected[o]);
	int s = policy_assignment_find_seat(&a, name);
	assert_true(s >= 0);
	int number = a.seats[s].number;
	policy_assignment_finish(&a);
	policy_config_finish(&config);
	return number;
}

static void test_configured_seat_keeps_saved_names(void **state)
{
	(void)state;
	const struct policy_state_entry names[] = {
		{.key = CARD "-DP-1", .seat = "seat-1"},
		{.key = CARD "-HDMI-A-1", .seat = "seat-2"},
		{.key = CARD "-Virtual-2", .seat = "seat-3"},
	};
	const struct policy_state saved = {.outputs = names, .output_count = COUNT(names)};
	static const char *const autoseats[] = {"seat-1", "seat-2", "seat-3"};
	/* A seat added for a monitor not there yet renames no desk (their claims name them). */
	const char *lab = "[seat.lab]\noutputs = " CARD2 "-HDMI-A-1\n";
	assert_int_equal(configured_number(lab, &saved, "lab", autoseats), 4);
	/* On a PC with no saved names it is the first seat. */
	static const char *const after_lab[] = {"seat-2", "seat-3", "seat-4"};
	assert_int_equal(configured_number(lab, NULL, "lab", after_lab), 1);
	/* Monitors moved from autoseats into configured seats free their names' numbers. */
	const char *moved = "[seat.a]\noutputs = " CARD "-DP-1\n"
			    "[seat.b]\noutputs = " CARD "-HDMI-A-1\n";
	static const char *const moved_seats[] = {"a", "b", "seat-3"};
	assert_int_equal(configured_number(moved, &saved, "a", moved_seats), 1);
	assert_int_equal(configured_number(moved, &saved, "b", moved_seats), 2);
	/* So does a whole card, and a name for another card's output holds its number. */
	const struct policy_state_entry more[] = {
		names[0], names[1], names[2], {.key = CARD2 "-DP-1", .seat = "seat-1"}};
	const struct policy_state saved_more = {.outputs = more, .output_count = COUNT(more)};
	static const char *const all[] = {"all", "all", "all"};
	assert_int_equal(
		configured_number("[seat.all]\noutputs = " CARD "\n", &saved_more, "all", all), 2);
}

static void test_autoseat_off_and_disconnected(void **state)
{
	(void)state;
	struct policy_config config;
	load("[daemon]\n"		 /* 1 */
	     "autoseat = no\n"		 /* 2 */
	     "[seat.front]\n"		 /* 3 */
	     "outputs = " CARD "-DP-1\n" /* 4 */
	     "          " CARD2 "\n" /* 5 */,
	     &config);
	const struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-1", .connected = false},
		{.card = CARD, .name = "DP-2", .connected = true},
		{.card = CARD, .name = "DP-3", .connected = false},
	};
	const struct policy_device devices[] = {{.key = KBD}};
	const struct policy_state_entry saved[] = {{.key = KBD, .seat = "front"}};
	const struct policy_hardware hardware = {outputs, COUNT(outputs), devices, COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved, .device_count = 1};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);
	assert_no_errors(&a);
	assert_int_equal(a.seat_count, 1);
	/* Listed, waiting for its monitor; its devices are kept for it. */
	assert_int_equal(a.seats[0].status, POLICY_SEAT_WAITING_FOR_OUTPUT);
	assert_int_equal(a.seats[0].output_count, 0);
	assert_int_equal(a.seats[0].device_count, 1);
	assert_int_equal(a.outputs[0].reason, POLICY_REASON_CONFIG);
	assert_int_equal(a.outputs[0].seat, 0);
	assert_int_equal(a.outputs[1].reason, POLICY_REASON_NONE);
	assert_int_equal(a.outputs[2].reason, POLICY_REASON_NONE);
	assert_output_explained(&a, 0, CARD "-DP-1: front by @:4 (" CARD "-DP-1), disconnected");
	assert_output_explained(
		&a, 1, CARD "-DP-2: unassigned (no [seat.NAME] names it and autoseat is off)");
	assert_output_explained(&a, 2, CARD "-DP-3: unassigned (disconnected)");
	policy_assignment_finish(&a);

	/* The whole second card is front's, in key order; a disconnected output is no autoseat. */
	config.autoseat = true;
	const struct policy_connector more[] = {
		{.card = CARD, .name = "DP-1", .connected = true},
		{.card = CARD2, .name = "HDMI-A-1", .connected = true},
		{.card = CARD2, .name = "DP-3", .connected = true},
		{.card = CARD2, .name = "DP-4", .connected = false},
		{.card = CARD, .name = "DP-2", .connected = false},
	};
	const struct policy_hardware hardware2 = {.outputs = more, .output_count = COUNT(more)};
	assert_int_equal(policy_assignment_init(&a, &config, &hardware2, NULL), 0);
	assert_int_equal(a.seat_count, 1);
	assert_int_equal(a.seats[0].status, POLICY_SEAT_READY);
	assert_int_equal(a.seats[0].output_count, 3);
	assert_int_equal(a.seats[0].outputs[0], 0);
	assert_int_equal(a.seats[0].outputs[1], 2);
	assert_int_equal(a.seats[0].outputs[2], 1);
	assert_int_equal(a.outputs[3].seat, 0);
	assert_output_explained(&a, 1, CARD2 "-HDMI-A-1: front by @:5 (" CARD2 ")");
	assert_output_explained(&a, 4, CARD "-DP-2: unassigned (disconnected)");
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

static void test_explanations(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat.seat1]\n"		    /* 1 */
	     "outputs = " CARD "-DP-1\n"    /* 2 */
	     "[seat.seat2]\n"		    /* 3 */
	     "outputs = " CARD "-DP-2\n"    /* 4 */
	     "devices = " MOUSE "\n"	    /* 5 */
	     "          hub:" OUTER "\n"    /* 6 */
	     "devices = udev:ID_SEAT=s2\n", /* 7 */
	     &config);
	const struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-1", .connected = true},
		{.card = CARD2, .name = "Virtual-1", .connected = true},
		{.card = CARD2, .name = "Virtual-2", .connected = true},
	};
	const struct policy_device devices[] = {
		{.key = KBD, HUBS(INNER, OUTER)},
		{.key = MOUSE},
		{.key = "platform-pcspkr", PROPERTIES("ID_SEAT=s2")},
		{.key = SOUND, HUBS("pci-0000:00:14.0-usb-0:2")},
		{.key = PAD, HUBS("pci-0000:00:14.0-usb-0:3")},
		{.key = "platform-x"},
	};
	const struct policy_state_entry saved[] = {
		{.key = "pci-0000:00:14.0-usb-0:2", .seat = "seat1"},
		{.key = PAD, .seat = "seat-3"},
	};
	const struct policy_state_entry names[] = {{.key = CARD2 "-Virtual-2", .seat = "seat-5"}};
	const struct policy_hardware hardware = {outputs, COUNT(outputs), devices, COUNT(devices)};
	const struct policy_state saved_state = {.devices = saved,
						 .device_count = COUNT(saved),
						 .outputs = names,
						 .output_count = COUNT(names)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved_state), 0);
	assert_no_errors(&a);
	assert_device_explained(&a, 0, KBD ": seat2 by @:6 (hub:" OUTER ")");
	assert_device_explained(&a, 1, MOUSE ": seat2 by @:5 (path:" MOUSE ")");
	assert_device_explained(&a, 2, "platform-pcspkr: seat2 by @:7 (udev:ID_SEAT=s2)");
	assert_device_explained(&a, 3,
				SOUND ": seat1 by saved state (hub:pci-0000:00:14.0-usb-0:2)");
	assert_device_explained(&a, 4, PAD ": seat-3 by saved state");
	assert_device_explained(&a, 5, "platform-x: unassigned (no rule or saved state)");
	assert_output_explained(&a, 0, CARD "-DP-1: seat1 by @:2 (" CARD "-DP-1)");
	assert_output_explained(&a, 1, CARD2 "-Virtual-1: seat-3 (autoseat)");
	assert_output_explained(&a, 2,
				CARD2 "-Virtual-2: seat-5 (autoseat, name from saved state)");
	assert_int_equal(a.seats[1].status, POLICY_SEAT_WAITING_FOR_OUTPUT);
	assert_int_equal(policy_assignment_find_seat(&a, "seat-5"), 3);
	assert_int_equal(policy_assignment_find_seat(&a, "seat-4"), -1);

	errno = 0;
	assert_null(policy_assignment_explain_device(&a, 6));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(policy_assignment_explain_output(&a, 3));
	assert_int_equal(errno, EINVAL);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

static void test_incomplete_inputs_refused(void **state)
{
	(void)state;
	struct policy_config config;
	load("", &config);
	struct policy_assignment a;
	const struct policy_device no_key[] = {{.key = NULL}};
	const struct policy_hardware h1 = {.devices = no_key, .device_count = 1};
	assert_int_equal(policy_assignment_init(&a, &config, &h1, NULL), -EINVAL);
	policy_assignment_finish(&a); /* harmless */
	const struct policy_device null_hub[] = {{.key = KBD, HUBS(INNER, NULL)}};
	const struct policy_hardware h2 = {.devices = null_hub, .device_count = 1};
	assert_int_equal(policy_assignment_init(&a, &config, &h2, NULL), -EINVAL);
	const struct policy_connector no_name[] = {{.card = CARD}};
	const struct policy_hardware h3 = {.outputs = no_name, .output_count = 1};
	assert_int_equal(policy_assignment_init(&a, &config, &h3, NULL), -EINVAL);
	const struct policy_state_entry no_seat[] = {{.key = KBD}};
	const struct policy_state s4 = {.devices = no_seat, .device_count = 1};
	const struct policy_hardware empty = {0};
	assert_int_equal(policy_assignment_init(&a, &config, &empty, &s4), -EINVAL);
	const struct policy_hardware h5 = {.device_count = 2};
	assert_int_equal(policy_assignment_init(&a, &config, &h5, NULL), -EINVAL);

	/* Nothing present, nothing configured. */
	assert_int_equal(policy_assignment_init(&a, &config, &empty, NULL), 0);
	assert_int_equal(a.seat_count, 0);
	assert_int_equal(a.errors.count, 0);
	policy_assignment_finish(&a);
	policy_config_finish(&config);
}

static void test_effective_settings(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat-defaults]\n"
	     "user = lab-%n\n"
	     "mode = desktop\n"
	     "keyboard-layout = de\n"
	     "keyboard-variant = nodeadkeys\n"
	     "keyboard-options = grp:alt_shift_toggle\n"
	     "memory.max = 2G\n"
	     "cpu.max = 150%\n"
	     "cpuset = auto\n"
	     "[seat.front]\n"
	     "outputs = " CARD "\n"
	     "user = %s-%n\n"
	     "mode = kiosk\n"
	     "keyboard-layout = fr\n"
	     "session = firefox --kiosk\n"
	     "memory.max = 1G\n"
	     "pids.max = 500\n"
	     "[seat.back]\n"
	     "outputs = " CARD2 "\n",
	     &config);
	struct policy_effective_settings s;
	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[0], NULL,
							"front", 1, NULL),
			 0);
	assert_string_equal(s.user, "front-1");
	assert_int_equal(s.mode, POLICY_MODE_KIOSK);
	assert_string_equal(s.keyboard_layout, "fr");
	assert_null(s.keyboard_variant); /* de's variant is not fr's */
	assert_string_equal(s.keyboard_options, "grp:alt_shift_toggle");
	assert_string_equal(s.session, "firefox --kiosk");
	assert_int_equal(s.caps.memory_max, 1LL << 30);
	assert_int_equal(s.caps.cpu_max_percent, 150);
	assert_int_equal(s.caps.pids_max, 500);
	assert_int_equal(s.caps.memory_high, POLICY_UNSET);
	assert_int_equal(s.caps.cpu_weight, POLICY_UNSET);
	assert_string_equal(s.caps.cpuset, "auto");
	policy_effective_settings_finish(&s);

	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[1], NULL, "back",
							2, NULL),
			 0);
	assert_string_equal(s.user, "lab-2");
	assert_int_equal(s.mode, POLICY_MODE_DESKTOP);
	assert_string_equal(s.keyboard_layout, "de");
	assert_string_equal(s.keyboard_variant, "nodeadkeys");
	assert_string_equal(s.keyboard_options, "grp:alt_shift_toggle");
	assert_null(s.session);
	assert_int_equal(s.caps.memory_max, 2LL << 30);
	assert_int_equal(s.caps.pids_max, POLICY_UNSET);
	policy_effective_settings_finish(&s);

	/* An autoseat has only the defaults. */
	assert_int_equal(policy_effective_settings_init(&s, &config, NULL, NULL, "seat-3", 3, NULL),
			 0);
	assert_string_equal(s.user, "lab-3");
	assert_int_equal(s.caps.memory_max, 2LL << 30);
	policy_effective_settings_finish(&s);
	policy_config_finish(&config);

	/* The built-in defaults: kiosk, us, the built-in terminal, no user, no caps. */
	load("", &config);
	assert_int_equal(policy_effective_settings_init(&s, &config, NULL, NULL, "seat-1", 1, NULL),
			 0);
	assert_null(s.user);
	assert_null(s.session);
	assert_int_equal(s.mode, POLICY_MODE_KIOSK);
	assert_string_equal(s.keyboard_layout, "us");
	assert_null(s.keyboard_options);
	assert_int_equal(s.caps.memory_max, POLICY_UNSET);
	assert_int_equal(s.caps.io_weight, POLICY_UNSET);
	assert_null(s.caps.cpuset);
	policy_effective_settings_finish(&s);
	policy_config_finish(&config);
}

static void test_user_names_refused(void **state)
{
	(void)state;
	struct policy_config config;
	/* The parser refuses these templates (test_policy_config), but the settings may come
	 * from elsewhere: the file sets valid users on the lines the errors name. */
	load("[seat-defaults]\n"		   /* 1 */
	     "user = x\n"			   /* 2 */
	     "[seat.root]\n"			   /* 3 */
	     "outputs = " CARD "\n"		   /* 4 */
	     "user = x\n"			   /* 5 */
	     "[seat.oot]\n"			   /* 6 */
	     "outputs = " CARD2 "\n"		   /* 7 */
	     "user = x\n"			   /* 8 */
	     "[seat.abcdefghijklmnopqrstuvwxyz]\n" /* 9 */
	     "outputs = " CARD "-X\n"		   /* 10 */
	     "user = x\n"			   /* 11 */
	     "[seat.dotted]\n"			   /* 12 */
	     "outputs = " CARD "-Y\n"		   /* 13 */
	     "user = %s.%n\n",			   /* 14 */
	     &config);
	static const char *const templates[] = {"%n", "%s", "r%s", "%s-%s"};
	char **users[] = {&config.defaults.user, &config.seats[0].settings.user,
			  &config.seats[1].settings.user, &config.seats[2].settings.user};
	for (size_t i = 0; i < COUNT(users); i++) {
		free(*users[i]);
		*users[i] = strdup(templates[i]);
	}
	struct policy_errors errors = {0};
	struct policy_effective_settings s;
	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[0], NULL, "root",
							1, &errors),
			 -EINVAL);
	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[1], NULL, "oot",
							2, &errors),
			 -EINVAL);
	/* uid-looking: only digits. */
	assert_int_equal(
		policy_effective_settings_init(&s, &config, NULL, NULL, "seat-5", 5, &errors),
		-EINVAL);
	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[2], NULL,
							"abcdefghijklmnopqrstuvwxyz", 3, &errors),
			 -EINVAL);
	assert_int_equal(policy_effective_settings_init(&s, &config, &config.seats[3], NULL,
							"dotted", 4, &errors),
			 0);
	assert_string_equal(s.user, "dotted.4");
	policy_effective_settings_finish(&s);

	free(config.defaults.user);
	config.defaults.user = strdup("50%%");
	assert_int_equal(
		policy_effective_settings_init(&s, &config, NULL, NULL, "seat-5", 5, &errors),
		-EINVAL);
	free(config.defaults.user);
	config.defaults.user = strdup("x%");
	assert_int_equal(
		policy_effective_settings_init(&s, &config, NULL, NULL, "seat-5", 5, &errors),
		-EINVAL);
	free(config.defaults.user);
	config.defaults.user = strdup("x%q");
	/* Without an error list the error is only returned. */
	assert_int_equal(policy_effective_settings_init(&s, &config, NULL, NULL, "seat-5", 5, NULL),
			 -EINVAL);
	free(config.defaults.user);
	config.defaults.user = strdup("");
	assert_int_equal(
		policy_effective_settings_init(&s, &config, NULL, NULL, "seat-5", 5, &errors),
		-EINVAL);

	static const char *const expected[] = {
		"@:5: seat root: user = %s gives root: sessions never run as root",
		"@:8: seat oot: user = r%s gives root: sessions never run as root",
		"@:2: seat seat-5: user = %n gives '5', not a user name (1 to 32 of a-z, 0-9, '_', "
		"'-', '.', not starting with '-' or '.', not only digits)",
		"@:11: seat abcdefghijklmnopqrstuvwxyz: user = %s-%s gives "
		"'abcdefghijklmnopqrstuvwxyz-abcdefghijklmnopqrstuvwxyz', not a user name",
		"@:2: seat seat-5: user = 50%% gives '50%', not a user name",
		"@:2: seat seat-5: user = x%: '%' must be followed by n, s or %",
		"@:2: seat seat-5: user =  gives '', not a user name",
	};
	if (errors.count != COUNT(expected)) {
		for (size_t i = 0; i < errors.count; i++)
			print_message("  error: %s\n", errors.lines[i]);
	}
	assert_int_equal(errors.count, COUNT(expected));
	for (size_t i = 0; i < COUNT(expected); i++) {
		const char *want = with_path(expected[i]);
		if (strncmp(errors.lines[i], want, strlen(want)) != 0)
			fail_msg("error %zu is '%s', expected it to start with '%s'", i,
				 errors.lines[i], want);
	}
	policy_errors_finish(&errors);
	policy_config_finish(&config);
}

/*
 * multiseatctl attach/detach are inputs of the rules: over the config and the saved claims,
 * the device's own entry over its USB device's and hubs', an attach to a seat that is not
 * there now deciding nothing.
 */
static void test_overrides(void **state)
{
	(void)state;
	struct policy_config config;
	load("[seat.a]\n"		 /* 1 */
	     "outputs = " CARD "-DP-1\n" /* 2 */
	     "devices = " KBD "\n"	 /* 3 */
	     "[seat.b]\n"		 /* 4 */
	     "outputs = " CARD "-DP-2\n" /* 5 */
	     "devices = path:" MOUSE "\n" /* 6 */,
	     &config);
	const struct policy_connector outputs[] = {
		{.card = CARD, .name = "DP-1", .connected = true},
		{.card = CARD, .name = "DP-2", .connected = true},
	};
	const struct policy_device devices[] = {
		{.key = KBD, .kind = POLICY_DEVICE_KEYBOARD, HUBS(INNER, OUTER)},
		{.key = MOUSE, .kind = POLICY_DEVICE_POINTER, HUBS(OUTER)},
		{.key = PAD, .kind = POLICY_DEVICE_TABLET, .usb_device = "pad-usb"},
		{.key = SOUND, .kind = POLICY_DEVICE_SOUND, HUBS(INNER)},
		{.key = "platform-x"},
	};
	const struct policy_state_entry claims[] = {{.key = PAD, .seat = "a"}};
	/* Sorted by key, as the saved state keeps them. */
	const struct policy_state_entry overrides[] = {
		{.key = KBD, .seat = "b"},	  /* the config says a */
		{.key = INNER, .seat = NULL},	  /* detach of a hub */
		{.key = MOUSE, .seat = "gone"},	  /* no such seat now */
		{.key = "pad-usb", .seat = NULL}, /* its USB device over the saved claim */
		{.key = "platform-x", .seat = "a"},
	};
	const struct policy_hardware hardware = {outputs, COUNT(outputs), devices, COUNT(devices)};
	const struct policy_state saved = {.devices = claims,
					   .device_count = COUNT(claims),
					   .overrides = overrides,
					   .override_count = COUNT(overrides)};
	struct policy_assignment a;
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &saved), 0);
	assert_no_errors(&a);
	assert_int_equal(a.devices[0].reason, POLICY_REASON_OVERRIDE);
	assert_string_equal(seat_of(&a, &a.devices[0]), "b");
	assert_device_explained(&a, 0, KBD ": b by multiseatctl attach");
	assert_device_explained(&a, 1, MOUSE ": b by @:6 (path:" MOUSE ")");
	assert_device_explained(&a, 2, PAD ": unassigned by multiseatctl detach (usb:pad-usb)");
	assert_device_explained(&a, 3, SOUND ": unassigned by multiseatctl detach (hub:" INNER ")");
	assert_device_explained(&a, 4, "platform-x: a by multiseatctl attach");
	/* The seats' device lists follow the overrides. */
	assert_int_equal(a.seats[0].device_count, 1);
	assert_int_equal(a.seats[0].devices[0], 4);
	assert_int_equal(a.seats[1].device_count, 2);
	assert_int_equal(a.seats[1].devices[0], 0);
	assert_int_equal(a.seats[1].devices[1], 1);
	policy_assignment_finish(&a);

	/* An override entry without a key is refused, as any incomplete input. */
	const struct policy_state_entry broken[] = {{.key = NULL, .seat = "a"}};
	const struct policy_state bad = {.overrides = broken, .override_count = 1};
	assert_int_equal(policy_assignment_init(&a, &config, &hardware, &bad), -EINVAL);
	policy_config_finish(&config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_over_state_over_none),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_path_hub_and_property_rules),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_state_for_missing_seats_ignored),
		cmocka_unit_test(test_state_by_usb_device),
		cmocka_unit_test(test_autoseat_names_stable),
		cmocka_unit_test(test_autoseat_names_from_state),
		cmocka_unit_test(test_configured_seat_keeps_saved_names),
		cmocka_unit_test(test_autoseat_off_and_disconnected),
		cmocka_unit_test(test_explanations),
		cmocka_unit_test(test_incomplete_inputs_refused),
		cmocka_unit_test(test_effective_settings),
		cmocka_unit_test(test_user_names_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
