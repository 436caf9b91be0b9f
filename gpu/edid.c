/* The few EDID fields multiseat shows: vendor, product code, serial number, monitor name. */
#include "gpu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EDID_BLOCK 128
/* Four 18-byte descriptors follow the timing data of the base block. */
#define EDID_DESCRIPTORS 54
#define EDID_DESCRIPTOR_SIZE 18
#define EDID_DESCRIPTOR_COUNT 4
#define EDID_TEXT_SIZE 13
#define EDID_TAG_SERIAL 0xff
#define EDID_TAG_NAME 0xfc

static const uint8_t edid_header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};

/* Three letters of five bits each, 1 = 'A'; anything else is no vendor. */
static void edid_vendor(const uint8_t *block, char vendor[4])
{
	unsigned int packed = (unsigned int)block[8] << 8 | block[9];
	for (int i = 0; i < 3; i++) {
		unsigned int letter = (packed >> (10 - 5 * i)) & 0x1f;
		if (letter < 1 || letter > 26) {
			vendor[0] = '\0';
			return;
		}
		vendor[i] = (char)('A' + letter - 1);
	}
	vendor[3] = '\0';
}

/*
 * A descriptor's 13 bytes of text: up to a line feed, then padded (with spaces, by the
 * standard). Text with a byte that is not printable ASCII is not used: it is outside input
 * that goes into logs and terminals.
 */
static void edid_text(const uint8_t *text, char out[EDID_TEXT_SIZE + 1])
{
	size_t length = 0;
	while (length < EDID_TEXT_SIZE && text[length] != 0x0a) {
		if (text[length] < 0x20 || text[length] > 0x7e) {
			out[0] = '\0';
			return;
		}
		length++;
	}
	size_t start = 0;
	while (start < length && text[start] == ' ') {
		start++;
	}
	while (length > start && text[length - 1] == ' ') {
		length--;
	}
	memcpy(out, text + start, length - start);
	out[length - start] = '\0';
}

int gpu_edid_parse(const uint8_t *data, size_t size, struct gpu_edid *edid)
{
	memset(edid, 0, sizeof(*edid));
	if (data == NULL || size < EDID_BLOCK || size % EDID_BLOCK != 0) {
		return -EINVAL;
	}
	if (memcmp(data, edid_header, sizeof(edid_header)) != 0 || data[18] != 1) {
		return -EBADMSG;
	}
	uint8_t sum = 0;
	for (size_t i = 0; i < EDID_BLOCK; i++) {
		sum = (uint8_t)(sum + data[i]);
	}
	if (sum != 0) {
		return -EBADMSG;
	}
	edid_vendor(data, edid->vendor);
	edid->product = (uint16_t)(data[10] | data[11] << 8);
	edid->serial_number = (uint32_t)data[12] | (uint32_t)data[13] << 8 |
			      (uint32_t)data[14] << 16 | (uint32_t)data[15] << 24;
	for (int i = 0; i < EDID_DESCRIPTOR_COUNT; i++) {
		const uint8_t *d = data + EDID_DESCRIPTORS + i * EDID_DESCRIPTOR_SIZE;
		/* A display descriptor has no pixel clock, a zero byte 2 and a zero byte 4. */
		if (d[0] != 0 || d[1] != 0 || d[2] != 0 || d[4] != 0) {
			continue;
		}
		/* The first of each counts: a second one is not standard. */
		if (d[3] == EDID_TAG_SERIAL && edid->serial[0] == '\0') {
			edid_text(d + 5, edid->serial);
		} else if (d[3] == EDID_TAG_NAME && edid->model[0] == '\0') {
			edid_text(d + 5, edid->model);
		}
	}
	return 0;
}

const char *gpu_edid_serial(const struct gpu_edid *edid, char *buf, size_t size)
{
	if (edid->serial[0] != '\0') {
		return edid->serial;
	}
	if (edid->serial_number == 0) {
		return NULL;
	}
	int n = snprintf(buf, size, "%u", edid->serial_number);
	return n > 0 && (size_t)n < size ? buf : NULL;
}
