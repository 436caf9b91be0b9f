/* Software composition with pixman: only the damaged part of an output, occluded parts skipped. */
#include <stdlib.h>

#include <wayland-server-core.h>
#include <wayland-server-protocol.h>

#include "protocols.h"
#include "seat.h"
#include "server.h"
#include "text.h"

struct draw_item {
	struct surface *surface;
	int x, y; /* output-local */
	pixman_region32_t clip;
};

struct draw_list {
	struct draw_item *items;
	int count, capacity;
	struct output *output;
};

static void collect_surface(struct surface *surface, int x, int y, void *data)
{
	struct draw_list *list = data;
	if (!surface_has_buffer(surface) || surface->width <= 0 || surface->height <= 0)
		return;
	if (list->count == list->capacity) {
		int capacity = list->capacity ? list->capacity * 2 : 16;
		struct draw_item *items = realloc(list->items, (size_t)capacity * sizeof(*items));
		if (!items)
			return; /* drawing less is better than failing the frame */
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = (struct draw_item){
		.surface = surface,
		.x = x - list->output->x,
		.y = y - list->output->y,
	};
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

	struct draw_list list = {.output = output};
	struct view *view;
	wl_list_for_each (view, &server->views, link) {
		if (!view->mapped)
			continue;
		int x, y, width, height;
		view_get_geometry(view, &x, &y, &width, &height);
		(void)width;
		(void)height;
		surface_tree_for_each(view->surface, view->x - x, view->y - y, collect_surface,
				      &list);
	}
	struct seat_cursor cursor;
	bool has_cursor = seat_get_cursor(server->seat, &cursor);
	if (has_cursor && cursor.surface)
		surface_tree_for_each(cursor.surface, cursor.x, cursor.y, collect_surface, &list);

	/* Top to bottom: what opaque surfaces cover needs no drawing below them. */
	pixman_region32_t covered;
	pixman_region32_init(&covered);
	for (int i = list.count - 1; i >= 0; i--) {
		struct draw_item *item = &list.items[i];
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
		uint32_t bg = server->background;
		pixman_color_t colour = {
			.red = (uint16_t)(((bg >> 16) & 0xff) * 0x101),
			.green = (uint16_t)(((bg >> 8) & 0xff) * 0x101),
			.blue = (uint16_t)((bg & 0xff) * 0x101),
			.alpha = 0xffff,
		};
		pixman_image_t *fill = pixman_image_create_solid_fill(&colour);
		pixman_image_composite32(PIXMAN_OP_SRC, fill, NULL, image, 0, 0, 0, 0, 0, 0,
					 output->width, output->height);
		pixman_image_unref(fill);
	}
	pixman_region32_fini(&background);

	for (int i = 0; i < list.count; i++) {
		struct draw_item *item = &list.items[i];
		if (pixman_region32_not_empty(&item->clip))
			draw_surface(item, image);
		presentation_surface_drawn(item->surface, output);
		pixman_region32_fini(&item->clip);
	}
	if (has_cursor && !cursor.surface && cursor.image) {
		pixman_image_set_clip_region32(image, damage);
		pixman_image_composite32(PIXMAN_OP_OVER, cursor.image, NULL, image, 0, 0, 0, 0,
					 cursor.x - output->x, cursor.y - output->y,
					 pixman_image_get_width(cursor.image),
					 pixman_image_get_height(cursor.image));
	}
	pixman_image_set_clip_region32(image, NULL);
	free(list.items);
}
