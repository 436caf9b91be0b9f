/* fcft text for the identify screen and the greeter: fonts loaded per pixel size (a few kept),
 * glyphs composited as masks. */
#include "text.h"

#include <errno.h>
#include <fcft/fcft.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

#define TEXT_MAX_LINES 32
#define TEXT_MAX_CHARS 1200
/* The greeter draws in three sizes, the identify screen in one or two. */
#define TEXT_FONT_CACHE 4

struct text_font {
	struct fcft_font *font;
	int pixel_size;
	uint64_t used; /* for evicting the least recently used */
};

struct text_renderer {
	char *font_name;
	struct text_font fonts[TEXT_FONT_CACHE];
	uint64_t clock;
};

size_t text_utf8_decode(const char *utf8, size_t length, uint32_t *out, size_t out_size)
{
	size_t n = 0;
	for (size_t i = 0; i < length && n < out_size;) {
		uint32_t cp;
		size_t bytes = utf8_decode(utf8 + i, length - i, &cp);
		/* A byte that is not part of a character is one replacement character. */
		out[n++] = bytes ? cp : 0xfffd;
		i += bytes ? bytes : 1;
	}
	return n;
}

static int renderers;

struct text_renderer *text_renderer_create(const char *font_name)
{
	struct text_renderer *text = calloc(1, sizeof(*text));
	if (!text)
		return NULL;
	text->font_name = strdup(font_name);
	if (!text->font_name) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	/* fcft keeps a font cache and fontconfig's state: held while any renderer lives. */
	if (renderers++ == 0)
		fcft_init(FCFT_LOG_COLORIZE_NEVER, false, FCFT_LOG_CLASS_ERROR);
	return text;
}

void text_renderer_destroy(struct text_renderer *text)
{
	if (!text)
		return;
	for (int i = 0; i < TEXT_FONT_CACHE; i++)
		fcft_destroy(text->fonts[i].font);
	free(text->font_name);
	free(text);
	if (--renderers == 0)
		fcft_fini();
}

static struct fcft_font *font_for_size(struct text_renderer *text, int pixel_size)
{
	struct text_font *slot = &text->fonts[0];
	for (int i = 0; i < TEXT_FONT_CACHE; i++) {
		struct text_font *f = &text->fonts[i];
		if (f->font && f->pixel_size == pixel_size) {
			f->used = ++text->clock;
			return f->font;
		}
		if (!f->font || (slot->font && f->used < slot->used))
			slot = f;
	}
	char attributes[32];
	snprintf(attributes, sizeof(attributes), "pixelsize=%d", pixel_size);
	const char *names[] = {text->font_name};
	struct fcft_font *font = fcft_from_name(1, names, attributes);
	if (!font) {
		log_error("font '%s' at %d px could not be loaded", text->font_name, pixel_size);
		return NULL;
	}
	fcft_destroy(slot->font);
	*slot = (struct text_font){.font = font, .pixel_size = pixel_size, .used = ++text->clock};
	return font;
}

static int line_width(struct fcft_font *font, const uint32_t *cps, size_t count)
{
	int width = 0;
	for (size_t i = 0; i < count; i++) {
		const struct fcft_glyph *glyph =
			fcft_rasterize_char_utf32(font, cps[i], FCFT_SUBPIXEL_NONE);
		if (glyph)
			width += glyph->advance.x;
	}
	return width;
}

/* Draws the glyphs with their baseline at y, starting at x; returns the x after the last. */
static int draw_glyphs(struct fcft_font *font, pixman_image_t *image, pixman_image_t *ink, int x,
		       int y, const uint32_t *cps, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct fcft_glyph *glyph =
			fcft_rasterize_char_utf32(font, cps[i], FCFT_SUBPIXEL_NONE);
		if (!glyph)
			continue;
		if (pixman_image_get_format(glyph->pix) == PIXMAN_a8r8g8b8)
			pixman_image_composite32(PIXMAN_OP_OVER, glyph->pix, NULL, image, 0, 0, 0,
						 0, x + glyph->x, y - glyph->y, glyph->width,
						 glyph->height);
		else
			pixman_image_composite32(PIXMAN_OP_OVER, ink, glyph->pix, image, 0, 0, 0, 0,
						 x + glyph->x, y - glyph->y, glyph->width,
						 glyph->height);
		x += glyph->advance.x;
	}
	return x;
}

struct fitted {
	int pixel_size, height, ascent, descent;
};

/*
 * The pixel size at or below `pixel_size` (8 at least) at which no line is wider than 90% of
 * `width`, with that font's metrics; false without the font. Sizes, not fonts, are kept:
 * loading another size may evict a font from the cache.
 */
static bool fit(struct text_renderer *text, const uint32_t *cps, const size_t *starts,
		const size_t *lengths, int lines, int pixel_size, int width, struct fitted *out)
{
	if (pixel_size < 8)
		pixel_size = 8;
	struct fcft_font *font = font_for_size(text, pixel_size);
	if (!font)
		return false;
	int widest = 0;
	for (int l = 0; l < lines; l++) {
		int w = line_width(font, cps + starts[l], lengths[l]);
		if (w > widest)
			widest = w;
	}
	if (widest > width * 9 / 10) {
		pixel_size = (int)((long)pixel_size * (width * 9 / 10) / widest);
		if (pixel_size < 8)
			pixel_size = 8;
		font = font_for_size(text, pixel_size);
		if (!font)
			return false;
	}
	*out = (struct fitted){.pixel_size = pixel_size,
			       .height = font->height > 0 ? font->height : pixel_size,
			       .ascent = font->ascent,
			       .descent = font->descent};
	return true;
}

/*
 * Breaks each line (starts/lengths into cps) so that none is wider than `max` at `font`: at
 * the last space that fits, or inside a word too long for a line. Writes at most `room`
 * lines; returns how many.
 */
static int wrap_lines(struct fcft_font *font, const uint32_t *cps, const size_t *starts,
		      const size_t *lengths, int lines, int max, size_t *out_starts,
		      size_t *out_lengths, int room)
{
	int n = 0;
	for (int l = 0; l < lines && n < room; l++) {
		size_t s = starts[l], end = starts[l] + lengths[l];
		do {
			int w = 0;
			size_t i = s, space = s;
			for (; i < end; i++) {
				const struct fcft_glyph *glyph =
					fcft_rasterize_char_utf32(font, cps[i], FCFT_SUBPIXEL_NONE);
				int advance = glyph ? glyph->advance.x : 0;
				if (i > s && w + advance > max)
					break;
				if (cps[i] == ' ')
					space = i;
				w += advance;
			}
			size_t stop = i < end && space > s ? space : i;
			out_starts[n] = s;
			out_lengths[n++] = stop - s;
			for (s = stop; s < end && cps[s] == ' '; s++)
				; /* the spaces at a break are not drawn */
		} while (s < end && n < room);
	}
	return n;
}

/* The lines centred across `width`, the first one's baseline at y. */
static void draw_lines(struct text_renderer *text, const struct fitted *size, pixman_image_t *image,
		       pixman_image_t *ink, int width, int y, const uint32_t *cps,
		       const size_t *starts, const size_t *lengths, int lines)
{
	struct fcft_font *font = font_for_size(text, size->pixel_size);
	if (!font)
		return;
	for (int l = 0; l < lines; l++, y += size->height) {
		const uint32_t *line = cps + starts[l];
		int x = (width - line_width(font, line, lengths[l])) / 2;
		draw_glyphs(font, image, ink, x, y, line, lengths[l]);
	}
}

void text_draw_centered(struct text_renderer *text, pixman_image_t *image, int width, int height,
			const char *utf8)
{
	uint32_t cps[TEXT_MAX_CHARS];
	size_t count = text_utf8_decode(utf8, strlen(utf8), cps, TEXT_MAX_CHARS);
	size_t starts[TEXT_MAX_LINES], lengths[TEXT_MAX_LINES];
	int lines = 0;
	size_t start = 0;
	for (size_t i = 0; i <= count && lines < TEXT_MAX_LINES; i++) {
		if (i == count || cps[i] == '\n') {
			starts[lines] = start;
			lengths[lines++] = i - start;
			start = i + 1;
		}
	}
	/* The lines after the first empty one are small print: a third of the size at most. */
	int big = lines, small = 0;
	for (int l = 1; l < lines; l++) {
		if (lengths[l] == 0) {
			big = l;
			small = lines - l - 1;
			break;
		}
	}
	struct fitted main, fine = {0};
	if (!fit(text, cps, starts, lengths, big, height / (big > 2 ? 3 * big : 6), width, &main))
		return;
	/*
	 * Small print shrinks to the width down to a size still read from a chair (a 54th of the
	 * height); lines still too wide then wrap.
	 */
	size_t fine_starts[TEXT_MAX_LINES], fine_lengths[TEXT_MAX_LINES];
	int readable = height / 54 > 8 ? height / 54 : 8;
	if (small > 0 && !fit(text, cps, starts + big + 1, lengths + big + 1, small,
			      main.pixel_size / 3, width, &fine))
		small = 0;
	memcpy(fine_starts, starts + big + 1, sizeof(size_t) * (size_t)small);
	memcpy(fine_lengths, lengths + big + 1, sizeof(size_t) * (size_t)small);
	if (small > 0 && fine.pixel_size < readable && readable < main.pixel_size) {
		struct fcft_font *font = font_for_size(text, readable);
		if (font) {
			small = wrap_lines(font, cps, starts + big + 1, lengths + big + 1, small,
					   width * 9 / 10, fine_starts, fine_lengths,
					   TEXT_MAX_LINES);
			fine = (struct fitted){.pixel_size = readable,
					       .height = font->height > 0 ? font->height : readable,
					       .ascent = font->ascent,
					       .descent = font->descent};
		}
	}
	/* One small line's height between the two. */
	int total = main.height * big + (small ? fine.height * (small + 1) : 0);
	int y = (height - total) / 2 + main.ascent;
	pixman_color_t white = {0xffff, 0xffff, 0xffff, 0xffff};
	pixman_image_t *ink = pixman_image_create_solid_fill(&white);
	draw_lines(text, &main, image, ink, width, y, cps, starts, lengths, big);
	if (small)
		draw_lines(text, &fine, image, ink, width,
			   y - main.ascent + main.height * big + fine.height + fine.ascent, cps,
			   fine_starts, fine_lengths, small);
	pixman_image_unref(ink);
}

int text_line_width(struct text_renderer *text, int pixel_size, const char *utf8)
{
	uint32_t cps[TEXT_MAX_CHARS];
	size_t count = text_utf8_decode(utf8, strlen(utf8), cps, TEXT_MAX_CHARS);
	struct fcft_font *font = font_for_size(text, pixel_size);
	return font ? line_width(font, cps, count) : 0;
}

int text_draw_line(struct text_renderer *text, pixman_image_t *image, int x, int baseline,
		   int pixel_size, uint32_t rgb, const char *utf8)
{
	uint32_t cps[TEXT_MAX_CHARS];
	size_t count = text_utf8_decode(utf8, strlen(utf8), cps, TEXT_MAX_CHARS);
	struct fcft_font *font = font_for_size(text, pixel_size);
	if (!font)
		return 0;
	pixman_color_t colour = colour_from_rgb(rgb);
	pixman_image_t *ink = pixman_image_create_solid_fill(&colour);
	int end = draw_glyphs(font, image, ink, x, baseline, cps, count);
	pixman_image_unref(ink);
	return end - x;
}

int text_ascent(struct text_renderer *text, int pixel_size)
{
	struct fcft_font *font = font_for_size(text, pixel_size);
	return font ? font->ascent : pixel_size;
}
