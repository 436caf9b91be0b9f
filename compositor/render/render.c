/* Software composition with pixman: only the damaged part of an output, occluded parts skipped. */
#include "render.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-server-core.h>
#include <wayland-server-protocol.h>

#include "greeter.h"
#include "output.h"
#include "protocols.h"
#include "seat.h"
#include "server.h"
#include "surface.h"
#include "text.h"
#include "view.h"

struct draw_item {
	struct surface *surface;
	int x, y; /* output-local */
	pixman_region32_t clip;
};

/* What render_prepare found on one output for the next frame, bottom to top: render.c's own. */
struct render_frame {
	struct draw_item *items;
	int count, capacity;
	bool cursor; /* the built-in arrow, at cursor_x/y */
	int cursor_x, cursor_y;
	pixman_image_t *cursor_image;
};

int render_init(struct output *output)
{
	output->frame = calloc(1, sizeof(*output->frame));
	return output->frame ? 0 : -ENOMEM;
}

static void collect_surface(struct surface *surface, int x, int y, void *data)
{
	struct output *output = data;
	if (!surface_has_buffer(surface) || surface->width <= 0 || surface->height <= 0)
		return;
	x -= output->x;
	y -= output->y;
	if (x >= output->width || y >= output->height || x + surface->width <= 0 ||
	    y + surface->height <= 0)
		return; /* on another output */
	if (output->frame->count == output->frame->capacity) {
		int capacity = output->frame->capacity ? output->frame->capacity * 2 : 16;
		struct draw_item *items =
			realloc(output->frame->items, (size_t)capacity * sizeof(*items));
		if (!items)
			return; /* drawing less is better than failing the frame */
		output->frame->items = items;
		output->frame->capacity = capacity;
	}
	output->frame->items[output->frame->count++] = (struct draw_item){
		.surface = surface,
		.x = x,
		.y = y,
	};
}

/* Shown pixel for pixel: no scaling, cropping or offset between buffer and surface. */
static bool surface_is_unscaled(const struct surface *surface)
{
	return !surface->current.has_src && surface->buffer_width == surface->width &&
	       surface->buffer_height == surface->height;
}

struct surface *render_prepare(struct output *output)
{
	struct server *server = output->server;
	output->frame->count = 0;
	output->frame->cursor = false;
	if (server_covered(server))
		return NULL;
	struct view *view;
	wl_list_for_each (view, &server->views, link) {
		if (!view->mapped)
			continue;
		int x, y, width, height;
		view_get_geometry(view, &x, &y, &width, &height);
		surface_tree_for_each(view->surface, view->x - x, view->y - y, collect_surface,
				      output);
	}
	struct seat_cursor cursor;
	if (seat_get_cursor(server->seat, &cursor)) {
		if (cursor.surface) {
			surface_tree_for_each(cursor.surface, cursor.x, cursor.y, collect_surface,
					      output);
		} else if (cursor.image) {
			int x = cursor.x - output->x, y = cursor.y - output->y;
			output->frame->cursor = x < output->width && y < output->height &&
						x + pixman_image_get_width(cursor.image) > 0 &&
						y + pixman_image_get_height(cursor.image) > 0;
			output->frame->cursor_x = x;
			output->frame->cursor_y = y;
			output->frame->cursor_image = cursor.image;
		}
	}
	if (output->frame->count == 0 || output->frame->cursor)
		return NULL;
	/* The topmost surface alone, covering the output exactly, opaque and unscaled. */
	struct draw_item *top = &output->frame->items[output->frame->count - 1];
	struct surface *surface = top->surface;
	if (top->x != 0 || top->y != 0 || surface->width != output->width ||
	    surface->height != output->height || !surface->opaque || !surface_is_unscaled(surface))
		return NULL;
	return surface;
}

void render_mark_drawn(struct output *output)
{
	for (int i = 0; i < output->frame->count; i++)
		presentation_surface_drawn(output->frame->items[i].surface, output);
}

void render_finish(struct output *output)
{
	if (output->frame)
		free(output->frame->items);
	free(output->frame);
	output->frame = NULL;
}

/* Opaque unscaled pixels onto an x8r8g8b8 image: row copies, the cheapest way to move them. */
static void copy_rows(const struct draw_item *item, struct wl_shm_buffer *shm,
		      pixman_image_t *target)
{
	uint8_t *dst = (uint8_t *)pixman_image_get_data(target);
	int dst_stride = pixman_image_get_stride(target);
	const uint8_t *src = wl_shm_buffer_get_data(shm);
	int src_stride = wl_shm_buffer_get_stride(shm);
	int n;
	const pixman_box32_t *boxes = pixman_region32_rectangles(&item->clip, &n);
	for (int i = 0; i < n; i++) {
		const pixman_box32_t *box = &boxes[i];
		size_t bytes = (size_t)(box->x2 - box->x1) * 4;
		const uint8_t *from = src + (ptrdiff_t)(box->y1 - item->y) * src_stride +
				      (ptrdiff_t)(box->x1 - item->x) * 4;
		uint8_t *to = dst + (ptrdiff_t)box->y1 * dst_stride + (ptrdiff_t)box->x1 * 4;
		for (int y = box->y1; y < box->y2; y++) {
			memcpy(to, from, bytes);
			from += src_stride;
			to += dst_stride;
		}
	}
}

static void draw_surface(struct draw_item *item, pixman_image_t *target)
{
	struct surface *surface = item->surface;
	struct wl_shm_buffer *shm = wl_shm_buffer_get(surface->buffer);
	if (!shm)
		return;
	uint32_t format = wl_shm_buffer_get_format(shm);
	pixman_format_code_t pformat =
		format == WL_SHM_FORMAT_XRGB8888 ? PIXMAN_x8r8g8b8 : PIXMAN_a8r8g8b8;
	wl_shm_buffer_begin_access(shm);
	if (surface->opaque && surface_is_unscaled(surface) &&
	    pixman_image_get_format(target) == PIXMAN_x8r8g8b8 &&
	    (format == WL_SHM_FORMAT_XRGB8888 || format == WL_SHM_FORMAT_ARGB8888)) {
		copy_rows(item, shm, target);
		goto out;
	}
	pixman_image_t *source = pixman_image_create_bits_no_clear(
		pformat, wl_shm_buffer_get_width(shm), wl_shm_buffer_get_height(shm),
		wl_shm_buffer_get_data(shm), wl_shm_buffer_get_stride(shm));
	if (!source)
		goto out;
	double src_x = 0, src_y = 0;
	double src_w = surface->buffer_width, src_h = surface->buffer_height;
	if (surface->current.has_src) {
		int scale = surface->current.scale;
		src_x = surface->current.src_x * scale;
		src_y = surface->current.src_y * scale;
		src_w = surface->current.src_w * scale;
		src_h = surface->current.src_h * scale;
	}
	bool scaled =
		src_w != surface->width || src_h != surface->height || src_x != 0 || src_y != 0;
	if (scaled) {
		pixman_transform_t transform;
		pixman_transform_init_scale(&transform,
					    pixman_double_to_fixed(src_w / surface->width),
					    pixman_double_to_fixed(src_h / surface->height));
		pixman_transform_translate(&transform, NULL, pixman_double_to_fixed(src_x),
					   pixman_double_to_fixed(src_y));
		pixman_image_set_transform(source, &transform);
		bool integer = src_w == surface->width * 2 || src_w == surface->width;
		pixman_image_set_filter(
			source, integer ? PIXMAN_FILTER_NEAREST : PIXMAN_FILTER_BILINEAR, NULL, 0);
	}
	pixman_image_set_clip_region32(target, &item->clip);
	pixman_image_composite32(surface->opaque ? PIXMAN_OP_SRC : PIXMAN_OP_OVER, source, NULL,
				 target, 0, 0, 0, 0, item->x, item->y, surface->width,
				 surface->height);
	pixman_image_unref(source);
out:
	wl_shm_buffer_end_access(shm);
}

void render_output(struct output *output, pixman_image_t *image, pixman_region32_t *damage)
{
	struct server *server = output->server;
	pixman_region32_t background;
	pixman_region32_init(&background);
	pixman_region32_copy(&background, damage);

	if (server->identify_text) {
		pixman_image_set_clip_region32(image, damage);
		pixman_color_t colour = {
			.red = 0x1000, .green = 0x3000, .blue = 0x6000, .alpha = 0xffff};
		pixman_image_t *fill = pixman_image_create_solid_fill(&colour);
		pixman_image_composite32(PIXMAN_OP_SRC, fill, NULL, image, 0, 0, 0, 0, 0, 0,
					 output->width, output->height);
		pixman_image_unref(fill);
		if (server->text)
			text_draw_centered(server->text, image, output->width, output->height,
					   server->identify_text);
		pixman_image_set_clip_region32(image, NULL);
		pixman_region32_fini(&background);
		return;
	}
	if (server->greeting && server->greeter) {
		pixman_image_set_clip_region32(image, damage);
		greeter_draw(server->greeter, image, output->width, output->height, damage);
		pixman_image_set_clip_region32(image, NULL);
		pixman_region32_fini(&background);
		return;
	}

	/* Top to bottom: what opaque surfaces cover needs no drawing below them. */
	pixman_region32_t covered;
	pixman_region32_init(&covered);
	for (int i = output->frame->count - 1; i >= 0; i--) {
		struct draw_item *item = &output->frame->items[i];
		pixman_region32_init_rect(&item->clip, item->x, item->y,
					  (unsigned)item->surface->width,
					  (unsigned)item->surface->height);
		pixman_region32_intersect(&item->clip, &item->clip, damage);
		pixman_region32_subtract(&item->clip, &item->clip, &covered);
		if (item->surface->opaque)
			pixman_region32_union_rect(&covered, &covered, item->x, item->y,
						   (unsigned)item->surface->width,
						   (unsigned)item->surface->height);
	}
	pixman_region32_subtract(&background, &background, &covered);
	pixman_region32_fini(&covered);

	if (pixman_region32_not_empty(&background)) {
		pixman_image_set_clip_region32(image, &background);
		pixman_color_t colour = colour_from_rgb(server->background);
		pixman_image_t *fill = pixman_image_create_solid_fill(&colour);
		pixman_image_composite32(PIXMAN_OP_SRC, fill, NULL, image, 0, 0, 0, 0, 0, 0,
					 output->width, output->height);
		pixman_image_unref(fill);
	}
	pixman_region32_fini(&background);

	for (int i = 0; i < output->frame->count; i++) {
		struct draw_item *item = &output->frame->items[i];
		if (pixman_region32_not_empty(&item->clip))
			draw_surface(item, image);
		presentation_surface_drawn(item->surface, output);
		pixman_region32_fini(&item->clip);
	}
	if (output->frame->cursor) {
		pixman_image_set_clip_region32(image, damage);
		pixman_image_composite32(PIXMAN_OP_OVER, output->frame->cursor_image, NULL, image,
					 0, 0, 0, 0, output->frame->cursor_x,
					 output->frame->cursor_y,
					 pixman_image_get_width(output->frame->cursor_image),
					 pixman_image_get_height(output->frame->cursor_image));
	}
	pixman_image_set_clip_region32(image, NULL);
}
