/* Unit tests for the notice drawn on the monitors the text console is not on: the font's ASCII
 * map and the drawing, which must stay inside the canvas whatever the text and sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console_notice.h"

#define GUARD 0xa5

/* An 8x8 font of 128 glyphs: 'X' a solid block, '?' only its top-left pixel, the rest empty. */
static uint8_t glyphs[128 * NOTICE_FONT_ROWS];

static struct notice_font font8(void)
{
	memset(glyphs, 0, sizeof(glyphs));
	memset(glyphs + 'X' * NOTICE_FONT_ROWS, 0xff, 8);
	glyphs['?' * NOTICE_FONT_ROWS] = 0x80;
	struct notice_font font = {.width = 8, .height = 8, .charcount = 128, .glyphs = glyphs};
	notice_font_map(&font, NULL, 0);
	return font;
}

static struct notice_canvas canvas32(uint8_t *pixels, unsigned int w, unsigned int h, size_t stride)
{
	return (struct notice_canvas){.pixels = pixels,
				      .width = w,
				      .height = h,
				      .stride = stride,
				      .bytes_per_pixel = 4,
				      .red = {16, 8},
				      .green = {8, 8},
				      .blue = {0, 8}};
}

static uint32_t at32(const uint8_t *pixels, size_t stride, unsigned int x, unsigned int y)
{
	uint32_t v;
	memcpy(&v, pixels + y * stride + x * 4, 4);
	return v;
}

static void test_map_by_number_without_unimap(void **state)
{
	(void)state;
	struct notice_font font = {.width = 8, .height = 8, .charcount = 64, .glyphs = glyphs};
	notice_font_map(&font, NULL, 0);
	assert_int_equal(font.ascii['0'], '0');
	assert_int_equal(font.ascii['?'], '?');
	/* Past the font's last glyph: none. */
	assert_int_equal(font.ascii['A'], -1);
}

static void test_map_follows_unimap(void **state)
{
	(void)state;
	struct notice_font font = {.width = 8, .height = 16, .charcount = 256, .glyphs = glyphs};
	const uint16_t map[][2] = {
		{'A', 3},    {'A', 5}, /* the first glyph named wins */
		{'B', 300},	       /* past the font: ignored, B keeps its number */
		{0x263a, 1},	       /* not ASCII */
		{'C', 0},
	};
	notice_font_map(&font, map, sizeof(map) / sizeof(map[0]));
	assert_int_equal(font.ascii['A'], 3);
	assert_int_equal(font.ascii['B'], 'B');
	assert_int_equal(font.ascii['C'], 0);
	assert_int_equal(font.ascii['D'], 'D');
}

static void test_glyph_centred_and_scaled(void **state)
{
	(void)state;
	struct notice_font font = font8();
	enum { W = 64, H = 32, STRIDE = W * 4 };
	uint8_t *pixels = malloc(STRIDE * H);
	struct notice_canvas canvas = canvas32(pixels, W, H, STRIDE);
	const char *lines[] = {"X"};
	notice_render(&canvas, &font, lines, 1);
	uint32_t bg = at32(pixels, STRIDE, 0, 0), fg = at32(pixels, STRIDE, 24, 4);
	assert_int_equal(bg, 0x1c2633);
	assert_int_equal(fg, 0xeeeeee);
	/* Twice the font's size: one line 1.5 glyphs high fits 9/10 of 32 rows at 2, not at 3. */
	size_t count = 0;
	for (unsigned int y = 0; y < H; y++)
		for (unsigned int x = 0; x < W; x++)
			count += at32(pixels, STRIDE, x, y) == fg;
	assert_int_equal(count, 16 * 16);
	assert_int_equal(at32(pixels, STRIDE, 39, 19), fg);
	assert_int_equal(at32(pixels, STRIDE, 23, 4), bg);
	assert_int_equal(at32(pixels, STRIDE, 40, 4), bg);
	assert_int_equal(at32(pixels, STRIDE, 24, 20), bg);
	free(pixels);
}

static void test_unknown_characters_are_question_marks(void **state)
{
	(void)state;
	struct notice_font font = font8();
	enum { W = 200, H = 100, STRIDE = W * 4 };
	uint8_t *pixels = malloc(STRIDE * H);
	struct notice_canvas canvas = canvas32(pixels, W, H, STRIDE);
	const char *lines[] = {"\xc3\xa9"}; /* UTF-8 é: two bytes outside ASCII */
	notice_render(&canvas, &font, lines, 1);
	uint32_t fg = 0xeeeeee;
	size_t count = 0;
	for (unsigned int y = 0; y < H; y++)
		for (unsigned int x = 0; x < W; x++)
			count += at32(pixels, STRIDE, x, y) == fg;
	/* Two '?', each one pixel of the font drawn scale x scale (4: the largest). */
	assert_int_equal(count, 2 * 4 * 4);
	free(pixels);
}

static void test_rgb565(void **state)
{
	(void)state;
	struct notice_font font = font8();
	uint16_t pixels[4 * 4];
	struct notice_canvas canvas = {.pixels = (uint8_t *)pixels,
				       .width = 4,
				       .height = 4,
				       .stride = 8,
				       .bytes_per_pixel = 2,
				       .red = {11, 5},
				       .green = {5, 6},
				       .blue = {0, 5}};
	notice_render(&canvas, &font, NULL, 0);
	/* 0x1c2633 in five, six and five bits. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(pixels[i], (3 << 11) | (9 << 5) | 6);
}

static void test_stays_inside_the_canvas(void **state)
{
	(void)state;
	struct notice_font font = font8();
	/* A 5x3 canvas in rows of 7 pixels, with guard bytes around and between the rows. */
	enum { W = 5, H = 3, STRIDE = 7 * 4, SIZE = STRIDE * H + 64 };
	uint8_t buffer[SIZE];
	memset(buffer, GUARD, sizeof(buffer));
	struct notice_canvas canvas = canvas32(buffer + 32, W, H, STRIDE);
	const char *lines[] = {"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
			       NULL,
			       "X",
			       "X",
			       "X",
			       "X",
			       "X",
			       "X",
			       "X"};
	notice_render(&canvas, &font, lines, sizeof(lines) / sizeof(lines[0]));
	for (size_t i = 0; i < sizeof(buffer); i++) {
		size_t off = i >= 32 ? i - 32 : SIZE;
		bool inside = i >= 32 && off / STRIDE < H && off % STRIDE < W * 4;
		if (!inside)
			assert_int_equal(buffer[i], GUARD);
	}
	/* The canvas is drawn: its first line starts at the top left, with the font's size. */
	assert_int_equal(at32(buffer + 32, STRIDE, 0, 0), 0xeeeeee);
}

static void test_unusable_font_or_canvas(void **state)
{
	(void)state;
	struct notice_font font = font8();
	font.height = NOTICE_FONT_ROWS + 1;
	enum { W = 16, H = 16, STRIDE = W * 4 };
	uint8_t pixels[STRIDE * H];
	struct notice_canvas canvas = canvas32(pixels, W, H, STRIDE);
	const char *lines[] = {"X"};
	notice_render(&canvas, &font, lines, 1);
	for (unsigned int y = 0; y < H; y++)
		for (unsigned int x = 0; x < W; x++)
			assert_int_equal(at32(pixels, STRIDE, x, y), 0x1c2633);
	/* A stride shorter than a row, or three bytes per pixel of five: nothing is written. */
	struct notice_font good = font8();
	memset(pixels, GUARD, sizeof(pixels));
	canvas.stride = W * 4 - 1;
	notice_render(&canvas, &good, lines, 1);
	canvas.stride = STRIDE;
	canvas.bytes_per_pixel = 5;
	notice_render(&canvas, &good, lines, 1);
	for (size_t i = 0; i < sizeof(pixels); i++)
		assert_int_equal(pixels[i], GUARD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_by_number_without_unimap),
		cmocka_unit_test(test_map_follows_unimap),
		cmocka_unit_test(test_glyph_centred_and_scaled),
		cmocka_unit_test(test_unknown_characters_are_question_marks),
		cmocka_unit_test(test_rgb565),
		cmocka_unit_test(test_stays_inside_the_canvas),
		cmocka_unit_test(test_unusable_font_or_canvas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
