/*
 * What the monitors without the text console show once the desks are off. The kernel's
 * framebuffer console shows one VT at a time, on one framebuffer: given back, the console
 * lights up the monitors of one card and every other card's monitors would stay dark. Those
 * get a notice instead, drawn with the console's own font: the desks are off, where the
 * console is, how to start the desks again.
 */
#ifndef MULTISEAT_SEATD_CONSOLE_NOTICE_H
#define MULTISEAT_SEATD_CONSOLE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

/* A console font as the kernel gives it (KD_FONT_OP_GET): rows of (width + 7) / 8 bytes, the
 * most significant bit leftmost, 32 rows per glyph whatever the height. */
#define NOTICE_FONT_ROWS 32

struct notice_font {
	unsigned int width, height, charcount;
	const uint8_t *glyphs;
	/* The glyph of each ASCII character, or -1 for none. */
	int ascii[128];
};

/* One colour channel of a pixel: its bit offset and width. */
struct notice_channel {
	unsigned int offset, length;
};

struct notice_canvas {
	uint8_t *pixels;
	unsigned int width, height;
	size_t stride;
	unsigned int bytes_per_pixel; /* 2, 3 or 4 */
	struct notice_channel red, green, blue;
};

/*
 * The glyph of every ASCII character: from the font's unicode map (pairs of code point and
 * glyph, `count` of them), and where the map has none (or there is no map), the glyph of the
 * same number if the font has it.
 */
void notice_font_map(struct notice_font *font, const uint16_t (*unimap)[2], size_t count);

/*
 * Fills the canvas with the notice's background and draws `lines`, centred, as large as fits
 * (whole multiples of the font's size). Characters outside ASCII, or without a glyph, are
 * drawn as '?'; what does not fit is cut off. Never writes outside the canvas.
 */
void notice_render(const struct notice_canvas *canvas, const struct notice_font *font,
		   const char *const *lines, size_t count);

/*
 * Draws the notice on every framebuffer but the one VT `vt_number` is shown on, with the font
 * of that VT (`vt_fd`, in text mode). Returns how many framebuffers got it, or a negative
 * errno when the console's font cannot be had. A framebuffer that cannot be drawn on is
 * skipped with a log line.
 */
int console_notice_show(int vt_fd, int vt_number);

#endif
