/* Unit tests of USB grouping and function keys: sysfs layouts captured in the lab, as data. */
#include <errno.h>
#include <linux/input.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"

#define MAX_ENTRIES 64

struct entry {
	bool usb;
	char path[512];
	char id_path[300];
	bool hub;
};

struct layout {
	struct entry entries[MAX_ENTRIES];
	size_t count;
};

/* Reads a fixture: "DEV <devpath> ID_PATH=<p>" and "USB <devpath> <class> ID_PATH=<p>". */
static void layout_load(struct layout *layout, const char *name)
{
	const char *dir = getenv("FIXTURES");
	assert_non_null(dir);
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[1024];
	layout->count = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_true(layout->count < MAX_ENTRIES);
		struct entry *e = &layout->entries[layout->count++];
		char kind[8], cls[8] = "", id[300] = "";
		if (strncmp(line, "USB", 3) == 0) {
			assert_int_equal(
				sscanf(line, "%7s %511s %7s %299s", kind, e->path, cls, id), 4);
			e->usb = true;
			e->hub = strcmp(cls, "09") == 0;
		} else {
			assert_int_equal(sscanf(line, "%7s %511s %299s", kind, e->path, id), 3);
		}
		assert_true(strncmp(id, "ID_PATH=", 8) == 0);
		snprintf(e->id_path, sizeof(e->id_path), "%s", id + 8);
	}
	fclose(f);
}

static bool fixture_is_hub(void *data, const char *syspath)
{
	const struct layout *layout = data;
	for (size_t i = 0; i < layout->count; i++) {
		if (layout->entries[i].usb && strcmp(layout->entries[i].path, syspath) == 0)
			return layout->entries[i].hub;
	}
	fail_msg("%s is not a USB device of the fixture", syspath);
	return false;
}

/* The ID_PATH of the group of the device whose ID_PATH is `device`, or NULL (-ENOENT). */
static const char *group_of(struct layout *layout, const char *device)
{
	for (size_t i = 0; i < layout->count; i++) {
		struct entry *e = &layout->entries[i];
		if (e->usb || strcmp(e->id_path, device) != 0)
			continue;
		char out[512];
		int ret = input_usb_group(e->path, fixture_is_hub, layout, out, sizeof(out));
		if (ret == -ENOENT)
			return NULL;
		assert_int_equal(ret, 0);
		for (size_t j = 0; j < layout->count; j++) {
			if (layout->entries[j].usb && strcmp(layout->entries[j].path, out) == 0)
				return layout->entries[j].id_path;
		}
		fail_msg("group %s of %s is no USB device", out, device);
	}
	fail_msg("no device %s in the fixture", device);
	return NULL;
}

#define LAB "pci-0000:00:0b.0-usb-0:"

static void test_lab_desk_hubs(void **state)
{
	struct layout *layout = calloc(1, sizeof(*layout));
	layout_load(layout, "sysfs-lab.txt");
	/* Hub 1: keyboard, tablet and sound card. */
	assert_string_equal(group_of(layout, LAB "1.1:1.0"), LAB "1");
	assert_string_equal(group_of(layout, LAB "1.2:1.0"), LAB "1");
	assert_string_equal(group_of(layout, LAB "1.3:1.0"), LAB "1");
	/* Hub 2. */
	assert_string_equal(group_of(layout, LAB "2.1:1.0"), LAB "2");
	assert_string_equal(group_of(layout, LAB "2.2:1.0"), LAB "2");
	assert_string_equal(group_of(layout, LAB "2.3:1.0"), LAB "2");
	/* A hub behind hub 3: the nearest one is the desk's. */
	assert_string_equal(group_of(layout, LAB "3.1.1:1.0"), LAB "3.1");
	/* Not on USB at all. */
	assert_null(group_of(layout, "acpi-LNXPWRBN:00"));
	assert_null(group_of(layout, "platform-pcspkr"));
	free(layout);
}

static void test_lab_root_port(void **state)
{
	struct layout *layout = calloc(1, sizeof(*layout));
	layout_load(layout, "sysfs-lab-root-port.txt");
	/* A keyboard straight on a root port: only its own USB device. */
	assert_string_equal(group_of(layout, LAB "4:1.0"), LAB "4");
	assert_string_equal(group_of(layout, LAB "1.1:1.0"), LAB "1");
	free(layout);
}

static bool never_hub(void *data, const char *syspath)
{
	return false;
}

static void test_odd_paths(void **state)
{
	char out[64];
	/* A root hub's own path is not a device below it. */
	assert_int_equal(input_usb_group("/devices/pci0000:00/0000:00:14.0/usb1", never_hub, NULL,
					 out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(input_usb_group("", never_hub, NULL, out, sizeof(out)), -ENOENT);
	assert_int_equal(input_usb_group("////", never_hub, NULL, out, sizeof(out)), -ENOENT);
	/* Names that only look like USB devices outside a USB bus do not count. */
	assert_int_equal(input_usb_group("/devices/platform/1-1/input/input3/event3", never_hub,
					 NULL, out, sizeof(out)),
			 -ENOENT);
	/* The output does not fit. */
	assert_int_equal(input_usb_group("/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/input/"
					 "input3/event3",
					 never_hub, NULL, out, 10),
			 -ENAMETOOLONG);
	/* Without hubs the device's own USB device is the group. */
	assert_int_equal(
		input_usb_group("/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.4/1-1.4:1.1/"
				"input/input3/event3",
				never_hub, NULL, out, sizeof(out)),
		0);
	assert_string_equal(out, "/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.4");
}

static void test_function_keys(void **state)
{
	assert_int_equal(input_function_key_number(KEY_F1), 1);
	assert_int_equal(input_function_key_number(KEY_F10), 10);
	assert_int_equal(input_function_key_number(KEY_F11), 11);
	assert_int_equal(input_function_key_number(KEY_F12), 12);
	assert_int_equal(input_function_key_number(KEY_F13), 13);
	assert_int_equal(input_function_key_number(KEY_F24), 24);
	assert_int_equal(input_function_key_number(KEY_A), 0);
	assert_int_equal(input_function_key_number(KEY_NUMLOCK), 0); /* between F10 and F11 */
	assert_int_equal(input_function_key_number(0), 0);
	assert_int_equal(input_function_key_number(KEY_MAX), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_desk_hubs),
		cmocka_unit_test(test_lab_root_port),
		cmocka_unit_test(test_odd_paths),
		cmocka_unit_test(test_function_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
