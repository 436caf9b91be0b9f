/* The notice on the monitors the text console is not on: drawn with the console's font into
 * every other framebuffer. */
#include "console_notice.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fb.h>
#include <linux/kd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

/* The largest console font the kernel has (KD_FONT_OP_GET's limits in its console layer). */
#define FONT_MAX_WIDTH 32
#define FONT_MAX_CHARS 512
#define UNIMAP_MAX 8192
#define SCALE_MAX 4

struct rgb {
	uint8_t r, g, b;
};

static const struct rgb BACKGROUND = {0x1c, 0x26, 0x33};
static const struct rgb FOREGROUND = {0xee, 0xee, 0xee};

void notice_font_map(struct notice_font *font, const uint16_t (*unimap)[2], size_t count)
{
	for (int c = 0; c < 128; c++)
		font->ascii[c] = (unsigned int)c < font->charcount ? c : -1;
	bool mapped[128] = {false};
	for (size_t i = 0; unimap && i < count; i++) {
		uint16_t code = unimap[i][0], glyph = unimap[i][1];
		/* The first glyph the map names for a character is the one the console uses. */
		if (code < 128 && glyph < font->charcount && !mapped[code]) {
			font->ascii[code] = glyph;
			mapped[code] = true;
		}
	}
}

static uint32_t channel(uint8_t value, struct notice_channel ch)
{
	if (ch.length == 0 || ch.length > 8 || ch.offset + ch.length > 32)
		return 0;
	return (uint32_t)(value >> (8 - ch.length)) << ch.offset;
}

static uint32_t pixel(const struct notice_canvas *canvas, struct rgb colour)
{
	return channel(colour.r, canvas->red) | channel(colour.g, canvas->green) |
	       channel(colour.b, canvas->blue);
}

static void put(const struct notice_canvas *canvas, unsigned int x, unsigned int y, uint32_t value)
{
	uint8_t *p =
		canvas->pixels + (size_t)y * canvas->stride + (size_t)x * canvas->bytes_per_pixel;
	for (unsigned int i = 0; i < canvas->bytes_per_pixel; i++)
		p[i] = (uint8_t)(value >> (8 * i)); /* framebuffers are little-endian here */
}

static bool font_usable(const struct notice_font *font)
{
	return font && font->glyphs && font->width >= 1 && font->width <= FONT_MAX_WIDTH &&
	       font->height >= 1 && font->height <= NOTICE_FONT_ROWS && font->charcount > 0;
}

static int glyph_of(const struct notice_font *font, unsigned char c)
{
	int g = c < 128 ? font->ascii[c] : -1;
	if (g < 0 || (unsigned int)g >= font->charcount)
		g = font->ascii['?'];
	return g >= 0 && (unsigned int)g < font->charcount ? g : -1;
}

static void draw_glyph(const struct notice_canvas *canvas, const struct notice_font *font, int g,
		       unsigned int x0, unsigned int y0, unsigned int scale, uint32_t colour)
{
	size_t row_bytes = (font->width + 7) / 8;
	const uint8_t *glyph = font->glyphs + (size_t)g * NOTICE_FONT_ROWS * row_bytes;
	for (unsigned int row = 0; row < font->height; row++) {
		for (unsigned int col = 0; col < font->width; col++) {
			if (!(glyph[row * row_bytes + col / 8] & (0x80 >> (col % 8))))
				continue;
			for (unsigned int dy = 0; dy < scale; dy++) {
				unsigned int y = y0 + row * scale + dy;
				for (unsigned int dx = 0; dx < scale; dx++) {
					unsigned int x = x0 + col * scale + dx;
					if (x < canvas->width && y < canvas->height)
						put(canvas, x, y, colour);
				}
			}
		}
	}
}

void notice_render(const struct notice_canvas *canvas, const struct notice_font *font,
		   const char *const *lines, size_t count)
{
	if (!canvas || !canvas->pixels || canvas->bytes_per_pixel < 2 ||
	    canvas->bytes_per_pixel > 4 ||
	    canvas->stride < (size_t)canvas->width * canvas->bytes_per_pixel)
		return;
	uint32_t bg = pixel(canvas, BACKGROUND), fg = pixel(canvas, FOREGROUND);
	for (unsigned int y = 0; y < canvas->height; y++)
		for (unsigned int x = 0; x < canvas->width; x++)
			put(canvas, x, y, bg);
	if (!font_usable(font) || count == 0)
		return;
	size_t longest = 1;
	for (size_t i = 0; i < count; i++) {
		size_t n = lines[i] ? strlen(lines[i]) : 0;
		longest = n > longest ? n : longest;
	}
	/* As large as fits in nine tenths of the screen, each line 1.5 glyphs high. */
	unsigned int scale = SCALE_MAX;
	while (scale > 1 && (longest * font->width * scale > canvas->width * 9ULL / 10 ||
			     count * font->height * scale * 3 / 2 > canvas->height * 9ULL / 10))
		scale--;
	unsigned long long line_height = font->height * scale * 3ULL / 2;
	unsigned long long block = count * line_height;
	unsigned long long top = block < canvas->height ? (canvas->height - block) / 2 : 0;
	for (size_t i = 0; i < count; i++) {
		const char *text = lines[i] ? lines[i] : "";
		size_t n = strlen(text);
		unsigned long long width = (unsigned long long)n * font->width * scale;
		unsigned long long left = width < canvas->width ? (canvas->width - width) / 2 : 0;
		unsigned long long y = top + i * line_height;
		if (y >= canvas->height)
			break;
		for (size_t c = 0; c < n; c++) {
			unsigned long long x = left + (unsigned long long)c * font->width * scale;
			if (x >= canvas->width)
				break;
			int g = glyph_of(font, (unsigned char)text[c]);
			if (g >= 0 && text[c] != ' ')
				draw_glyph(canvas, font, g, (unsigned int)x, (unsigned int)y, scale,
					   fg);
		}
	}
}

/* ---- the framebuffers ---- */

struct vt_font {
	struct notice_font font;
	uint8_t data[FONT_MAX_CHARS * NOTICE_FONT_ROWS * ((FONT_MAX_WIDTH + 7) / 8)];
	struct unipair pairs[UNIMAP_MAX];
	uint16_t map[UNIMAP_MAX][2];
};

static int load_font(int vt_fd, struct vt_font *cf)
{
	struct console_font_op op = {.op = KD_FONT_OP_GET,
				     .width = FONT_MAX_WIDTH,
				     .height = NOTICE_FONT_ROWS,
				     .charcount = FONT_MAX_CHARS,
				     .data = cf->data};
	if (ioctl(vt_fd, KDFONTOP, &op) < 0)
		return -errno;
	cf->font = (struct notice_font){.width = op.width,
					.height = op.height,
					.charcount = op.charcount,
					.glyphs = cf->data};
	if (!font_usable(&cf->font) || op.charcount > FONT_MAX_CHARS)
		return -EINVAL;
	/* Without the console's unicode map, glyphs by number (right for ASCII in most fonts). */
	struct unimapdesc desc = {.entry_ct = UNIMAP_MAX, .entries = cf->pairs};
	size_t count = 0;
	if (ioctl(vt_fd, GIO_UNIMAP, &desc) == 0) {
		for (; count < desc.entry_ct && count < UNIMAP_MAX; count++) {
			cf->map[count][0] = cf->pairs[count].unicode;
			cf->map[count][1] = cf->pairs[count].fontpos;
		}
	}
	notice_font_map(&cf->font, (const uint16_t(*)[2])cf->map, count);
	return 0;
}

/* The framebuffer VT `number` is shown on, or -1 when no framebuffer console shows it. */
static int console_framebuffer(int fb_fd, int number)
{
	struct fb_con2fbmap map = {.console = (uint32_t)number};
	if (ioctl(fb_fd, FBIOGET_CON2FBMAP, &map) < 0)
		return -1;
	return (int)map.framebuffer;
}

/* "pci-0000:00:09.0", the way output names start, for framebuffer `index`; or its driver's
 * id. */
static void card_name(int index, const char *id, char *out, size_t size)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/sys/class/graphics/fb%d/device", index);
	snprintf(out, size, "%s", id[0] ? id : "(unknown)");
	if (!realpath(link, path))
		return;
	/* The PCI function nearest the framebuffer's device (a virtio GPU sits below one). */
	for (char *slash; (slash = strrchr(path, '/')); *slash = '\0') {
		unsigned int dom, bus, dev, fn;
		char end;
		if (sscanf(slash + 1, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &end) == 4) {
			snprintf(out, size, "pci-%s", slash + 1);
			return;
		}
	}
}

static int paint(int fd, int index, const struct notice_font *font, const char *const *lines,
		 size_t count)
{
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	if (ioctl(fd, FBIOGET_VSCREENINFO, &var) < 0 || ioctl(fd, FBIOGET_FSCREENINFO, &fix) < 0)
		return -errno;
	unsigned int bpp = var.bits_per_pixel / 8;
	if (fix.type != FB_TYPE_PACKED_PIXELS ||
	    (fix.visual != FB_VISUAL_TRUECOLOR && fix.visual != FB_VISUAL_DIRECTCOLOR) ||
	    var.bits_per_pixel % 8 || bpp < 2 || bpp > 4)
		return -ENOTSUP;
	size_t visible = (size_t)fix.line_length * var.yres;
	size_t offset = (size_t)fix.line_length * var.yoffset;
	if ((size_t)(var.xoffset + var.xres) * bpp > fix.line_length || visible == 0 ||
	    offset + visible > fix.smem_len)
		return -EINVAL;
	uint8_t *buffer = calloc(1, visible);
	if (!buffer)
		return -ENOMEM;
	struct notice_canvas canvas = {
		.pixels = buffer + (size_t)var.xoffset * bpp,
		.width = var.xres,
		.height = var.yres,
		.stride = fix.line_length,
		.bytes_per_pixel = bpp,
		.red = {var.red.offset, var.red.length},
		.green = {var.green.offset, var.green.length},
		.blue = {var.blue.offset, var.blue.length},
	};
	notice_render(&canvas, font, lines, count);
	ssize_t n = pwrite(fd, buffer, visible, (off_t)offset);
	int ret = n < 0 ? -errno : (size_t)n == visible ? 0 : -EIO;
	free(buffer);
	if (ret == 0)
		log_info("fb%d: the monitors of this card show that the desks are off", index);
	return ret;
}

static int open_framebuffer(int index)
{
	char path[32];
	snprintf(path, sizeof(path), "/dev/fb%d", index);
	return open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
}

int console_notice_show(int vt_fd, int vt_number)
{
	DIR *dir = opendir("/sys/class/graphics");
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	int indexes[32], found = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) && found < 32) {
		int index;
		char end;
		if (sscanf(entry->d_name, "fb%d%c", &index, &end) == 1 && index >= 0)
			indexes[found++] = index;
	}
	closedir(dir);
	if (found == 0)
		return 0;
	int console = -1;
	for (int i = 0; i < found && console < 0; i++) {
		int fd = open_framebuffer(indexes[i]);
		if (fd >= 0) {
			console = console_framebuffer(fd, vt_number);
			close(fd);
		}
	}
	if (found == 1 && console == indexes[0])
		return 0; /* one card: the console is on it */
	struct vt_font *cf = malloc(sizeof(*cf));
	if (!cf)
		return -ENOMEM;
	int ret = load_font(vt_fd, cf);
	if (ret < 0) {
		free(cf);
		return ret;
	}
	char where[160], card[64] = "";
	if (console >= 0) {
		char id[sizeof(((struct fb_fix_screeninfo *)0)->id) + 1] = "";
		struct fb_fix_screeninfo fix;
		int fd = open_framebuffer(console);
		if (fd >= 0 && ioctl(fd, FBIOGET_FSCREENINFO, &fix) == 0)
			memcpy(id, fix.id, sizeof(fix.id));
		if (fd >= 0)
			close(fd);
		card_name(console, id, card, sizeof(card));
		snprintf(where, sizeof(where),
			 "The text console (tty%d) is on the monitors of card %s.", vt_number,
			 card);
	} else {
		snprintf(where, sizeof(where), "The text console is tty%d.", vt_number);
	}
	const char *lines[] = {
		"multiseat has stopped: the desks are off.",
		where,
		"",
		"Start the desks again:  systemctl start multiseatd",
		"Keep them off at boot:  systemctl disable multiseatd",
	};
	int painted = 0;
	for (int i = 0; i < found; i++) {
		if (indexes[i] == console)
			continue;
		int fd = open_framebuffer(indexes[i]);
		int err = fd < 0 ? -errno : paint(fd, indexes[i], &cf->font, lines, 5);
		if (fd >= 0)
			close(fd);
		if (err < 0)
			log_error("fb%d: the notice that the desks are off cannot be drawn: %s",
				  indexes[i], strerror(-err));
		else
			painted++;
	}
	free(cf);
	return painted;
}
