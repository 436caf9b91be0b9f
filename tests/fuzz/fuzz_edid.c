/* libFuzzer harness of gpu_edid_parse: monitors' EDIDs are outside input read by a root daemon. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gpu.h"

/* Terminated inside its array, and nothing but printable ASCII: it goes to logs and terminals. */
static void check_text(const char *text, size_t size)
{
	size_t length = strnlen(text, size);
	if (length == size)
		abort();
	for (size_t i = 0; i < length; i++) {
		if (text[i] < 0x20 || text[i] > 0x7e)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes: a read past the end is caught by ASan. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct gpu_edid edid;
	int ret = gpu_edid_parse(copy, size, &edid);
	check_text(edid.vendor, sizeof(edid.vendor));
	check_text(edid.serial, sizeof(edid.serial));
	check_text(edid.model, sizeof(edid.model));
	if (ret < 0 && (edid.vendor[0] || edid.serial[0] || edid.model[0] || edid.serial_number ||
			edid.product))
		abort();
	char buf[16];
	const char *serial = gpu_edid_serial(&edid, buf, sizeof(buf));
	if (serial)
		check_text(serial, strlen(serial) + 1);
	free(copy);
	return 0;
}
