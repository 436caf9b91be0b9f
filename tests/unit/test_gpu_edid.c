/* Unit tests of the gpu module's EDID reading: vendor, serials and name from good and bad EDIDs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gpu.h"

#define BLOCK 128

static void fix_checksum(uint8_t *block)
{
	uint8_t sum = 0;
	for (int i = 0; i < BLOCK - 1; i++)
		sum = (uint8_t)(sum + block[i]);
	block[BLOCK - 1] = (uint8_t)(0x100 - sum);
}

/* A display descriptor (slot 0..3) with `tag` and text as a monitor writes it. */
static void put_text(uint8_t *block, int slot, uint8_t tag, const char *text)
{
	uint8_t *d = block + 54 + 18 * slot;
	memset(d, 0, 18);
	d[3] = tag;
	size_t length = strlen(text);
	memset(d + 5, ' ', 13);
	memcpy(d + 5, text, length > 13 ? 13 : length);
	if (length < 13)
		d[5 + length] = 0x0a;
}

/* A detailed timing descriptor (1920x1080 at 148.5 MHz) in `slot`. */
static void put_timing(uint8_t *block, int slot)
{
	static const uint8_t timing[18] = {0x02, 0x3a, 0x80, 0x18, 0x71, 0x38, 0x2d, 0x40, 0x58,
					   0x2c, 0x45, 0x00, 0x56, 0x50, 0x21, 0x00, 0x00, 0x1e};
	memcpy(block + 54 + 18 * slot, timing, 18);
}

/*
 * The base block of a monitor laid out as real ones are: "DEL" product 0xa0c1, 32-bit serial
 * 0x4c4d4e31, a preferred timing, then serial, name and range descriptors.
 */
static void make_edid(uint8_t *block)
{
	static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	memset(block, 0, BLOCK);
	memcpy(block, header, 8);
	/* D=4, E=5, L=12: 00100 00101 01100 */
	block[8] = 0x10;
	block[9] = 0xac;
	block[10] = 0xc1;
	block[11] = 0xa0;
	block[12] = 0x31;
	block[13] = 0x4e;
	block[14] = 0x4d;
	block[15] = 0x4c;
	block[16] = 12; /* week */
	block[17] = 30; /* 1990 + 30 */
	block[18] = 1;
	block[19] = 4;
	put_timing(block, 0);
	put_text(block, 1, 0xff, "CN0ABC123");
	put_text(block, 2, 0xfc, "DELL U2415");
	uint8_t *range = block + 54 + 18 * 3;
	memset(range, 0, 18);
	range[3] = 0xfd;
	fix_checksum(block);
}

static void test_monitor_edid(void **state)
{
	uint8_t block[BLOCK];
	make_edid(block);
	struct gpu_edid edid;
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.vendor, "DEL");
	assert_int_equal(edid.product, 0xa0c1);
	assert_int_equal(edid.serial_number, 0x4c4d4e31);
	assert_string_equal(edid.serial, "CN0ABC123");
	assert_string_equal(edid.model, "DELL U2415");
	char buf[16];
	assert_string_equal(gpu_edid_serial(&edid, buf, sizeof(buf)), "CN0ABC123");
}

/*
 * The EDID QEMU 7.2 gives the lab's virtio-gpu monitor of 1280x800, as the guest's
 * /sys/class/drm/card0-Virtual-1/edid read it (test_names.py prints it): a base block and a
 * CTA-861 extension.
 */
static const uint8_t qemu_edid[2 * BLOCK] = {
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x49, 0x14, 0x34, 0x12, 0x00, 0x00, 0x00,
	0x00, 0x2a, 0x18, 0x01, 0x04, 0xa5, 0x20, 0x14, 0x78, 0x06, 0xee, 0x91, 0xa3, 0x54, 0x4c,
	0x99, 0x26, 0x0f, 0x50, 0x54, 0x21, 0x08, 0x00, 0xe1, 0xc0, 0xd1, 0xc0, 0xd1, 0x00, 0xa9,
	0x40, 0xb3, 0x00, 0x95, 0x00, 0x81, 0x80, 0x81, 0x40, 0xea, 0x29, 0x00, 0xc0, 0x51, 0x20,
	0x1c, 0x30, 0x40, 0x26, 0x44, 0x40, 0x45, 0xcb, 0x10, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
	0xf7, 0x00, 0x0a, 0x00, 0x40, 0x82, 0x00, 0x28, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xfd, 0x00, 0x32, 0x7d, 0x1e, 0xa0, 0xff, 0x01, 0x0a, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x51, 0x45, 0x4d, 0x55, 0x20, 0x4d, 0x6f,
	0x6e, 0x69, 0x74, 0x6f, 0x72, 0x0a, 0x01, 0x3a, 0x02, 0x03, 0x0b, 0x00, 0x46, 0x7d, 0x65,
	0x60, 0x59, 0x1f, 0x61, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x2f,
};

static void test_qemu_edid(void **state)
{
	struct gpu_edid edid;
	assert_int_equal(gpu_edid_parse(qemu_edid, sizeof(qemu_edid), &edid), 0);
	assert_string_equal(edid.vendor, "RHT");
	assert_int_equal(edid.product, 0x1234);
	assert_int_equal(edid.serial_number, 0);
	assert_string_equal(edid.serial, "");
	assert_string_equal(edid.model, "QEMU Monitor");
	char buf[16];
	assert_null(gpu_edid_serial(&edid, buf, sizeof(buf)));
}

/* Without a 0xFF descriptor the 32-bit number is the serial. */
static void test_serial_number_only(void **state)
{
	uint8_t block[BLOCK];
	make_edid(block);
	put_text(block, 1, 0xfe, "some text");
	fix_checksum(block);
	struct gpu_edid edid;
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "");
	char buf[16];
	assert_string_equal(gpu_edid_serial(&edid, buf, sizeof(buf)), "1280134705");
	/* A buffer too small for the number gives none rather than a cut one. */
	assert_null(gpu_edid_serial(&edid, buf, 4));
}

/* With extension blocks (whole 128-byte blocks) the base block is read as before. */
static void test_extension_blocks(void **state)
{
	uint8_t blocks[3 * BLOCK];
	memset(blocks, 0x5a, sizeof(blocks));
	make_edid(blocks);
	blocks[126] = 2;
	fix_checksum(blocks);
	struct gpu_edid edid;
	assert_int_equal(gpu_edid_parse(blocks, sizeof(blocks), &edid), 0);
	assert_string_equal(edid.serial, "CN0ABC123");
}

static void test_bad_lengths(void **state)
{
	uint8_t blocks[2 * BLOCK];
	make_edid(blocks);
	struct gpu_edid edid;
	const size_t sizes[] = {0, 1, 8, 127, 129, 255};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&edid, 0x41, sizeof(edid));
		assert_int_equal(gpu_edid_parse(blocks, sizes[i], &edid), -EINVAL);
		assert_string_equal(edid.model, "");
		assert_int_equal(edid.serial_number, 0);
	}
	assert_int_equal(gpu_edid_parse(NULL, BLOCK, &edid), -EINVAL);
}

static void test_bad_header_version_checksum(void **state)
{
	uint8_t block[BLOCK];
	struct gpu_edid edid;

	make_edid(block);
	block[7] = 0xff;
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), -EBADMSG);
	assert_string_equal(edid.serial, "");

	make_edid(block);
	block[18] = 2;
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), -EBADMSG);

	make_edid(block);
	block[127]++;
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), -EBADMSG);

	/* Zeros: no header. */
	memset(block, 0, sizeof(block));
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), -EBADMSG);
}

/* Text with control or non-ASCII bytes is not used; padding and a missing line feed are fine. */
static void test_text_rules(void **state)
{
	uint8_t block[BLOCK];
	struct gpu_edid edid;

	make_edid(block);
	put_text(block, 1, 0xff, "AB\x1b[31mC");
	put_text(block, 2, 0xfc, "Caf\xc3\xa9");
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "");
	assert_string_equal(edid.model, "");
	assert_string_equal(edid.vendor, "DEL");

	make_edid(block);
	put_text(block, 1, 0xff, "1234567890ABC"); /* 13 bytes, no line feed */
	put_text(block, 2, 0xfc, "  Spaced   ");
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "1234567890ABC");
	assert_string_equal(edid.model, "Spaced");

	/* A line feed first: an empty text. */
	make_edid(block);
	block[54 + 18 + 5] = 0x0a;
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "");
}

/* Only display descriptors count, the first of each tag, and a vendor must be three letters. */
static void test_descriptor_rules(void **state)
{
	uint8_t block[BLOCK];
	struct gpu_edid edid;

	make_edid(block);
	/* A timing whose byte 3 happens to be 0xff is no serial. */
	put_timing(block, 1);
	block[54 + 18 + 3] = 0xff;
	put_text(block, 3, 0xfc, "Second Name");
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "");
	assert_string_equal(edid.model, "DELL U2415");

	make_edid(block);
	put_text(block, 3, 0xff, "OTHER");
	block[54 + 18 * 1 + 4] = 1; /* byte 4 of a display descriptor must be 0 */
	block[8] = 0x00;	    /* letter 0: no vendor */
	block[9] = 0x00;
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.serial, "OTHER");
	assert_string_equal(edid.vendor, "");

	make_edid(block);
	block[8] = 0x6f; /* 11011 = 27: past 'Z' */
	fix_checksum(block);
	assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
	assert_string_equal(edid.vendor, "");
}

static bool printable(const char *s, size_t size)
{
	size_t length = strnlen(s, size);
	if (length == size)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return true;
}

/* Random bytes behind a valid header and checksum: always terminated, printable strings. */
static void test_random_blocks(void **state)
{
	srand(12345);
	uint8_t block[BLOCK];
	for (int round = 0; round < 20000; round++) {
		for (int i = 0; i < BLOCK; i++)
			block[i] = (uint8_t)rand();
		make_edid(block + 0); /* header and layout, then scribble over the rest */
		for (int i = 20 + round % 30; i < BLOCK - 1; i += 1 + round % 5)
			block[i] = (uint8_t)rand();
		/* Many rounds get display descriptors, so that their text is exercised. */
		if (round % 2)
			for (int slot = 0; slot < 4; slot++)
				block[54 + 18 * slot] = block[55 + 18 * slot] =
					block[56 + 18 * slot] = block[58 + 18 * slot] = 0;
		fix_checksum(block);
		struct gpu_edid edid;
		assert_int_equal(gpu_edid_parse(block, sizeof(block), &edid), 0);
		assert_true(printable(edid.vendor, sizeof(edid.vendor)));
		assert_true(printable(edid.serial, sizeof(edid.serial)));
		assert_true(printable(edid.model, sizeof(edid.model)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_edid),
		cmocka_unit_test(test_qemu_edid),
		cmocka_unit_test(test_serial_number_only),
		cmocka_unit_test(test_extension_blocks),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_bad_header_version_checksum),
		cmocka_unit_test(test_text_rules),
		cmocka_unit_test(test_descriptor_rules),
		cmocka_unit_test(test_random_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
