/* Unit tests of the gpu module's naming: the kernel's connector names and multiseat's card-wide
 * ones, which must not depend on other cards. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drmMode.h>

#include <cmocka.h>

#include "gpu.h"

static void test_connector_names(void **state)
{
	char buf[32];
	assert_int_equal(gpu_connector_format_name(buf, sizeof(buf), DRM_MODE_CONNECTOR_VIRTUAL, 2),
			 0);
	assert_string_equal(buf, "Virtual-2");
	assert_int_equal(gpu_connector_format_name(buf, sizeof(buf), DRM_MODE_CONNECTOR_HDMIA, 1),
			 0);
	assert_string_equal(buf, "HDMI-A-1");
	assert_int_equal(
		gpu_connector_format_name(buf, sizeof(buf), DRM_MODE_CONNECTOR_DisplayPort, 3), 0);
	assert_string_equal(buf, "DP-3");
}

static void test_unknown_connector_type(void **state)
{
	char buf[32];
	assert_int_equal(gpu_connector_format_name(buf, sizeof(buf), 0xdead, 1), 0);
	assert_string_equal(buf, "Unknown-1");
}

static void test_name_too_long(void **state)
{
	char buf[6];
	assert_int_equal(gpu_connector_format_name(buf, sizeof(buf), DRM_MODE_CONNECTOR_VIRTUAL, 1),
			 -ENOSPC);
}

/* The lab's virtio card (two Virtual connectors) as the kernel numbers it in either probe order. */
static void test_card_index_ignores_other_cards(void **state)
{
	/* Ids are the card's own; only the kernel's type ids (not used here) differ by order. */
	const struct gpu_connector_ref virtio[] = {
		{.id = 36, .type = DRM_MODE_CONNECTOR_VIRTUAL},
		{.id = 38, .type = DRM_MODE_CONNECTOR_VIRTUAL},
	};
	char buf[32];
	assert_int_equal(gpu_connector_name(buf, sizeof(buf), virtio, 2, 0), 0);
	assert_string_equal(buf, "Virtual-1");
	assert_int_equal(gpu_connector_name(buf, sizeof(buf), virtio, 2, 1), 0);
	assert_string_equal(buf, "Virtual-2");
	const struct gpu_connector_ref bochs[] = {{.id = 35, .type = DRM_MODE_CONNECTOR_VIRTUAL}};
	assert_int_equal(gpu_connector_name(buf, sizeof(buf), bochs, 1, 0), 0);
	assert_string_equal(buf, "Virtual-1");
}

/* By connector id, not by the order the kernel lists them in, and per type. */
static void test_card_index_by_id_per_type(void **state)
{
	const struct gpu_connector_ref card[] = {
		{.id = 90, .type = DRM_MODE_CONNECTOR_HDMIA},
		{.id = 70, .type = DRM_MODE_CONNECTOR_DisplayPort},
		{.id = 80, .type = DRM_MODE_CONNECTOR_HDMIA},
		{.id = 60, .type = DRM_MODE_CONNECTOR_DisplayPort},
		{.id = 100, .type = DRM_MODE_CONNECTOR_eDP},
	};
	const unsigned int want[] = {2, 2, 1, 1, 1};
	const char *names[] = {"HDMI-A-2", "DP-2", "HDMI-A-1", "DP-1", "eDP-1"};
	for (size_t i = 0; i < 5; i++) {
		char buf[32];
		assert_int_equal(gpu_connector_card_index(card, 5, i), want[i]);
		assert_int_equal(gpu_connector_name(buf, sizeof(buf), card, 5, i), 0);
		assert_string_equal(buf, names[i]);
	}
}

/* An MST connector appears with a higher id: the names of the others stay. */
static void test_card_index_new_connector_goes_last(void **state)
{
	struct gpu_connector_ref card[] = {
		{.id = 60, .type = DRM_MODE_CONNECTOR_DisplayPort},
		{.id = 70, .type = DRM_MODE_CONNECTOR_DisplayPort},
		{.id = 120, .type = DRM_MODE_CONNECTOR_DisplayPort},
	};
	assert_int_equal(gpu_connector_card_index(card, 2, 0), 1);
	assert_int_equal(gpu_connector_card_index(card, 2, 1), 2);
	assert_int_equal(gpu_connector_card_index(card, 3, 0), 1);
	assert_int_equal(gpu_connector_card_index(card, 3, 1), 2);
	assert_int_equal(gpu_connector_card_index(card, 3, 2), 3);
}

static void test_card_index_out_of_range(void **state)
{
	const struct gpu_connector_ref card[] = {{.id = 1, .type = DRM_MODE_CONNECTOR_VGA}};
	char buf[32];
	assert_int_equal(gpu_connector_card_index(card, 1, 1), 0);
	assert_int_equal(gpu_connector_card_index(NULL, 0, 0), 0);
	assert_int_equal(gpu_connector_name(buf, sizeof(buf), card, 1, 1), -EINVAL);
	assert_int_equal(gpu_connector_name(buf, 4, card, 1, 0), -ENOSPC);
}

static void test_status_names(void **state)
{
	assert_string_equal(gpu_connector_status_name(GPU_CONNECTOR_CONNECTED), "connected");
	assert_string_equal(gpu_connector_status_name(GPU_CONNECTOR_DISCONNECTED), "disconnected");
	assert_string_equal(gpu_connector_status_name(GPU_CONNECTOR_UNKNOWN), "unknown");
}

static void test_finish_null_is_noop(void **state)
{
	gpu_card_info_finish(NULL);
	struct gpu_card_info info = {0};
	gpu_card_info_finish(&info);
	assert_null(info.connectors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connector_names),
		cmocka_unit_test(test_unknown_connector_type),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_card_index_ignores_other_cards),
		cmocka_unit_test(test_card_index_by_id_per_type),
		cmocka_unit_test(test_card_index_new_connector_goes_last),
		cmocka_unit_test(test_card_index_out_of_range),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_finish_null_is_noop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
