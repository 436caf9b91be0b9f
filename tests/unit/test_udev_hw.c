/* Unit tests of what seat hardware is by name: the sysname and devnode checks of udev_hw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "udev_hw.h"

static void test_cards(void **state)
{
	assert_true(udev_hw_is_card("card0", "/dev/dri/card0"));
	assert_true(udev_hw_is_card("card12", "/dev/dri/card12"));
	/* A card's connectors and its render node are not cards. */
	assert_false(udev_hw_is_card("card0-Virtual-1", "/dev/dri/card0"));
	assert_false(udev_hw_is_card("card0-HDMI-A-1", NULL));
	assert_false(udev_hw_is_card("renderD128", "/dev/dri/renderD128"));
	/* Without a node there is nothing to open. */
	assert_false(udev_hw_is_card("card0", NULL));
	assert_false(udev_hw_is_card("card", "/dev/dri/card"));
	assert_false(udev_hw_is_card("cardx", "/dev/dri/cardx"));
	assert_false(udev_hw_is_card("card1x", "/dev/dri/card1x"));
	assert_false(udev_hw_is_card("", "/dev/dri/card0"));
	assert_false(udev_hw_is_card(NULL, "/dev/dri/card0"));
}

static void test_evdev(void **state)
{
	assert_true(udev_hw_is_evdev("event0", "/dev/input/event0"));
	assert_true(udev_hw_is_evdev("event123", "/dev/input/event123"));
	/* The legacy nodes duplicate the evdev ones; inputN is the parent with no node. */
	assert_false(udev_hw_is_evdev("mouse0", "/dev/input/mouse0"));
	assert_false(udev_hw_is_evdev("js0", "/dev/input/js0"));
	assert_false(udev_hw_is_evdev("mice", "/dev/input/mice"));
	assert_false(udev_hw_is_evdev("input5", NULL));
	assert_false(udev_hw_is_evdev("event3", NULL));
	assert_false(udev_hw_is_evdev("event", "/dev/input/event"));
	assert_false(udev_hw_is_evdev("event3-x", "/dev/input/event3"));
	assert_false(udev_hw_is_evdev(NULL, NULL));
}

static void test_sound_cards(void **state)
{
	/* A sound card has no node of its own: only the name counts. */
	assert_true(udev_hw_is_sound_card("card0"));
	assert_true(udev_hw_is_sound_card("card31"));
	assert_false(udev_hw_is_sound_card("controlC0"));
	assert_false(udev_hw_is_sound_card("pcmC0D0p"));
	assert_false(udev_hw_is_sound_card("hwC0D0"));
	assert_false(udev_hw_is_sound_card("seq"));
	assert_false(udev_hw_is_sound_card("timer"));
	assert_false(udev_hw_is_sound_card("card"));
	assert_false(udev_hw_is_sound_card("card0p"));
	assert_false(udev_hw_is_sound_card(NULL));
}

static void test_root_hub_names(void **state)
{
	assert_true(udev_hw_is_root_hub_name("usb1"));
	assert_true(udev_hw_is_root_hub_name("usb10"));
	assert_false(udev_hw_is_root_hub_name("1-1"));
	assert_false(udev_hw_is_root_hub_name("1-1.4"));
	assert_false(udev_hw_is_root_hub_name("1-1:1.0"));
	assert_false(udev_hw_is_root_hub_name(NULL));
	/* The same test as the USB grouping's: "usb" and digits only. */
	assert_false(udev_hw_is_root_hub_name("usb"));
	assert_false(udev_hw_is_root_hub_name("usbmon"));
	assert_false(udev_hw_is_root_hub_name("usb1x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_evdev),
		cmocka_unit_test(test_sound_cards),
		cmocka_unit_test(test_root_hub_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
