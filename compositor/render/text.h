/* Text drawn with fcft into a pixman image: the identify screen, the greeter. */
#ifndef MULTISEAT_COMPOSITOR_TEXT_H
#define MULTISEAT_COMPOSITOR_TEXT_H

#include <pixman.h>
#include <stddef.h>
#include <stdint.h>

struct text_renderer;

/* An opaque pixman colour from 0xRRGGBB. */
static inline pixman_color_t colour_from_rgb(uint32_t rgb)
{
	return (pixman_color_t){
		.red = (uint16_t)(((rgb >> 16) & 0xff) * 0x101),
		.green = (uint16_t)(((rgb >> 8) & 0xff) * 0x101),
		.blue = (uint16_t)((rgb & 0xff) * 0x101),
		.alpha = 0xffff,
	};
}

/* NULL with errno set when fontconfig finds no usable font. */
struct text_renderer *text_renderer_create(const char *font_name);
void text_renderer_destroy(struct text_renderer *text);

/*
 * Draws UTF-8 `text` (lines split at '\n') centred in a width x height image,
 * as large as fits: line height about a sixth of the height, narrower when a
 * line would be wider than 90% of the width. Lines after the first empty line
 * are small print below the others: a third of their size at most.
 */
void text_draw_centered(struct text_renderer *text, pixman_image_t *image, int width, int height,
			const char *utf8);

/* The width in pixels of one line of UTF-8 at `pixel_size` (0 when the font is missing). */
int text_line_width(struct text_renderer *text, int pixel_size, const char *utf8);
/* The font's ascent at `pixel_size`: from the top of a line to its baseline. */
int text_ascent(struct text_renderer *text, int pixel_size);
/*
 * Draws one line of UTF-8 with its baseline at (x, baseline) in the opaque colour `rgb`
 * (0xRRGGBB); clip with pixman. Returns the width drawn.
 */
int text_draw_line(struct text_renderer *text, pixman_image_t *image, int x, int baseline,
		   int pixel_size, uint32_t rgb, const char *utf8);

/* Decodes UTF-8 into `out` (invalid bytes become U+FFFD); returns the count written. */
size_t text_utf8_decode(const char *utf8, size_t length, uint32_t *out, size_t out_size);

#endif
