/*
 * libFuzzer harness of multiseat.conf: the parser, every check it makes after reading, and
 * the assignment rules over a small fixed machine when the file is good.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

#define CARD "pci-0000:00:02.0"
#define HUB "pci-0000:00:14.0-usb-0:1"

/* Two monitors on one card and a keyboard behind a hub: enough for every kind of rule. */
static const char *const hubs[] = {HUB};
static const char *const properties[] = {"ID_SERIAL=Logitech_K120", "ID_VENDOR_ID=046d"};
static const struct policy_connector outputs[] = {
	{.card = CARD, .name = "DP-1", .connected = true},
	{.card = CARD, .name = "HDMI-A-1", .kernel_name = "HDMI-A-3", .connected = true},
};
static const struct policy_device devices[] = {
	{.key = HUB ".2:1.0",
	 .kind = POLICY_DEVICE_KEYBOARD,
	 .usb_device = HUB ".2",
	 .hubs = hubs,
	 .hub_count = 1,
	 .properties = properties,
	 .property_count = 2},
	{.key = "platform-pcspkr", .kind = POLICY_DEVICE_OTHER},
};

static void check_assignment(const struct policy_config *config)
{
	struct policy_hardware hardware = {outputs, 2, devices, 2};
	struct policy_assignment assignment;
	if (policy_assignment_init(&assignment, config, &hardware, NULL) < 0)
		return; /* out of memory is the only failure with this hardware */
	for (size_t i = 0; i < assignment.output_count; i++)
		free(policy_assignment_explain_output(&assignment, i));
	for (size_t i = 0; i < assignment.device_count; i++)
		free(policy_assignment_explain_device(&assignment, i));
	for (size_t i = 0; i < assignment.seat_count; i++) {
		const struct policy_assigned_seat *seat = &assignment.seats[i];
		if (!policy_seat_name_valid(seat->name))
			abort();
		/*
		 * The parser checked the users for each seat's number in a fresh state (one
		 * digit, as here): what it let through must work for every seat now.
		 */
		struct policy_effective_settings settings;
		int ret = policy_effective_settings_init(&settings, config, seat->config, NULL,
							 seat->name, seat->number, NULL);
		if (ret == 0)
			policy_effective_settings_finish(&settings);
		else if (ret != -ENOMEM)
			abort();
	}
	policy_assignment_finish(&assignment);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct policy_config config;
	struct policy_errors errors = {0};
	int ret = policy_config_load(&config, path, &errors);
	/* Failure and errors go together; each error is one line that starts with the file. */
	if ((ret == 0) != (errors.count + errors.dropped == 0))
		abort();
	for (size_t i = 0; i < errors.count; i++) {
		if (!errors.lines[i])
			continue; /* out of memory for that line */
		if (strncmp(errors.lines[i], path, strlen(path)) != 0)
			abort();
		fuzz_check_line(errors.lines[i]);
	}
	policy_errors_finish(&errors);
	if (ret < 0)
		return 0;
	for (size_t i = 0; i < config.seat_count; i++) {
		if (!policy_seat_name_valid(config.seats[i].name))
			abort();
	}
	check_assignment(&config);
	policy_config_finish(&config);
	return 0;
}
