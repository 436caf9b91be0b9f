/* Unit tests of the gpu module's naming: connector names as the kernel spells them in sysfs. */
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
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_finish_null_is_noop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
