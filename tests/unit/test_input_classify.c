/* Unit tests of the input module: udev property sets to capabilities and kinds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"

/* A NULL-terminated list of "KEY=VALUE" strings stands in for a udev device. */
static const char *fixture_property(void *data, const char *name)
{
	size_t len = strlen(name);
	for (const char *const *p = data; *p != NULL; p++) {
		if (strncmp(*p, name, len) == 0 && (*p)[len] == '=') {
			return *p + len + 1;
		}
	}
	return NULL;
}

static uint32_t classify(const char *const *props)
{
	return input_classify(fixture_property, (void *)props);
}

static void test_usb_keyboard(void **state)
{
	/* Properties udev gives QEMU's usb-kbd. */
	const char *props[] = {"ID_INPUT=1", "ID_INPUT_KEY=1", "ID_INPUT_KEYBOARD=1", "ID_BUS=usb",
			       NULL};
	uint32_t caps = classify(props);
	assert_int_equal(caps, INPUT_CAP_KEYBOARD | INPUT_CAP_KEYS);
	assert_int_equal(input_kind_from_caps(caps), INPUT_KIND_KEYBOARD);
}

static void test_absolute_tablet_is_pointer(void **state)
{
	/* QEMU's usb-tablet: absolute axes with mouse buttons, which udev calls a mouse. */
	const char *props[] = {"ID_INPUT=1", "ID_INPUT_MOUSE=1", NULL};
	assert_int_equal(input_kind_from_caps(classify(props)), INPUT_KIND_POINTER);
}

static void test_keyboard_with_touchpad_is_keyboard(void **state)
{
	const char *props[] = {"ID_INPUT=1", "ID_INPUT_KEYBOARD=1", "ID_INPUT_TOUCHPAD=1", NULL};
	uint32_t caps = classify(props);
	assert_true(caps & INPUT_CAP_POINTER);
	assert_int_equal(input_kind_from_caps(caps), INPUT_KIND_KEYBOARD);
}

static void test_power_button_is_other(void **state)
{
	const char *props[] = {"ID_INPUT=1", "ID_INPUT_KEY=1", NULL};
	uint32_t caps = classify(props);
	assert_int_equal(caps, INPUT_CAP_KEYS);
	assert_int_equal(input_kind_from_caps(caps), INPUT_KIND_OTHER);
}

static void test_touchscreen_and_tablet(void **state)
{
	const char *touch[] = {"ID_INPUT=1", "ID_INPUT_TOUCHSCREEN=1", NULL};
	const char *pen[] = {"ID_INPUT=1", "ID_INPUT_TABLET=1", "ID_INPUT_MOUSE=1", NULL};
	assert_int_equal(input_kind_from_caps(classify(touch)), INPUT_KIND_TOUCH);
	assert_int_equal(input_kind_from_caps(classify(pen)), INPUT_KIND_TABLET);
}

static void test_not_an_input_device(void **state)
{
	/* Without ID_INPUT=1 udev did not recognise it; other flags are not trusted. */
	const char *none[] = {"ID_INPUT_KEYBOARD=1", NULL};
	const char *zero[] = {"ID_INPUT=0", "ID_INPUT_KEYBOARD=1", NULL};
	const char *empty[] = {NULL};
	assert_int_equal(classify(none), 0);
	assert_int_equal(classify(zero), 0);
	assert_int_equal(classify(empty), 0);
	assert_int_equal(input_kind_from_caps(0), INPUT_KIND_OTHER);
}

static void test_odd_values_are_not_set(void **state)
{
	const char *props[] = {"ID_INPUT=1", "ID_INPUT_KEYBOARD=yes", "ID_INPUT_MOUSE=", NULL};
	assert_int_equal(classify(props), 0);
}

static void test_kind_names(void **state)
{
	assert_string_equal(input_kind_name(INPUT_KIND_KEYBOARD), "keyboard");
	assert_string_equal(input_kind_name(INPUT_KIND_POINTER), "pointer");
	assert_string_equal(input_kind_name(INPUT_KIND_TOUCH), "touch");
	assert_string_equal(input_kind_name(INPUT_KIND_TABLET), "tablet");
	assert_string_equal(input_kind_name(INPUT_KIND_OTHER), "other");
	assert_string_equal(input_kind_name((enum input_kind)42), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usb_keyboard),
		cmocka_unit_test(test_absolute_tablet_is_pointer),
		cmocka_unit_test(test_keyboard_with_touchpad_is_keyboard),
		cmocka_unit_test(test_power_button_is_other),
		cmocka_unit_test(test_touchscreen_and_tablet),
		cmocka_unit_test(test_not_an_input_device),
		cmocka_unit_test(test_odd_values_are_not_set),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
