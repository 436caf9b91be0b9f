/* zwlr_screencopy_manager_v1: copies an output (or part of it) into a client's shm buffer. */
#include <stdlib.h>

#include <wayland-server-protocol.h>

#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "wlr-screencopy-unstable-v1-server-protocol.h"

struct frame {
	struct wl_resource *resource;
	struct output *output;
	struct {
		int x, y, width, height;
	} box; /* output-local */
	struct wl_resource *buffer;
	bool with_damage;
	struct wl_listener output_frame;
	struct wl_listener output_destroy;
	struct wl_listener buffer_destroy;
};

static void frame_unlisten(struct frame *frame)
{
	wl_list_remove(&frame->output_frame.link);
	wl_list_init(&frame->output_frame.link);
	wl_list_remove(&frame->output_destroy.link);
	wl_list_init(&frame->output_destroy.link);
	wl_list_remove(&frame->buffer_destroy.link);
	wl_list_init(&frame->buffer_destroy.link);
	frame->output = NULL;
	frame->buffer = NULL;
}

static void frame_fail(struct frame *frame)
{
	frame_unlisten(frame);
	zwlr_screencopy_frame_v1_send_failed(frame->resource);
}

static void handle_output_frame(struct wl_listener *listener, void *data)
{
	struct frame *frame = wl_container_of(listener, frame, output_frame);
	struct output *output = frame->output;
	if (frame->with_damage && !output->frame_had_damage)
		return; /* copy_with_damage waits for a change */
	pixman_image_t *source = frame->buffer ? output_snapshot(output) : NULL;
	if (!source) {
		frame_fail(frame);
		return;
	}
	struct wl_shm_buffer *shm = wl_shm_buffer_get(frame->buffer);
	wl_shm_buffer_begin_access(shm);
	pixman_image_t *target = pixman_image_create_bits_no_clear(
		PIXMAN_x8r8g8b8, frame->box.width, frame->box.height, wl_shm_buffer_get_data(shm),
		wl_shm_buffer_get_stride(shm));
	if (target) {
		pixman_image_composite32(PIXMAN_OP_SRC, source, NULL, target, frame->box.x,
					 frame->box.y, 0, 0, 0, 0, frame->box.width,
					 frame->box.height);
		pixman_image_unref(target);
	}
	wl_shm_buffer_end_access(shm);
	pixman_image_unref(source);
	if (!target) {
		frame_fail(frame);
		return;
	}
	uint64_t ns = output->last_present_ns;
	uint64_t seconds = ns / 1000000000u;
	zwlr_screencopy_frame_v1_send_flags(frame->resource, 0);
	if (frame->with_damage)
		zwlr_screencopy_frame_v1_send_damage(frame->resource, 0, 0,
						     (uint32_t)frame->box.width,
						     (uint32_t)frame->box.height);
	zwlr_screencopy_frame_v1_send_ready(frame->resource, (uint32_t)(seconds >> 32),
					    (uint32_t)seconds, (uint32_t)(ns % 1000000000u));
	frame_unlisten(frame);
}

static void handle_output_destroy(struct wl_listener *listener, void *data)
{
	struct frame *frame = wl_container_of(listener, frame, output_destroy);
	frame_fail(frame);
}

static void handle_buffer_destroy(struct wl_listener *listener, void *data)
{
	struct frame *frame = wl_container_of(listener, frame, buffer_destroy);
	frame_fail(frame);
}

static void frame_copy_common(struct wl_resource *resource, struct wl_resource *buffer,
			      bool with_damage)
{
	struct frame *frame = wl_resource_get_user_data(resource);
	if (frame->buffer) {
		wl_resource_post_error(resource, ZWLR_SCREENCOPY_FRAME_V1_ERROR_ALREADY_USED,
				       "this frame was already copied");
		return;
	}
	struct wl_shm_buffer *shm = wl_shm_buffer_get(buffer);
	if (!shm || wl_shm_buffer_get_format(shm) != WL_SHM_FORMAT_XRGB8888 ||
	    wl_shm_buffer_get_width(shm) != frame->box.width ||
	    wl_shm_buffer_get_height(shm) != frame->box.height ||
	    wl_shm_buffer_get_stride(shm) < frame->box.width * 4) {
		wl_resource_post_error(resource, ZWLR_SCREENCOPY_FRAME_V1_ERROR_INVALID_BUFFER,
				       "expected a %dx%d XRGB8888 wl_shm buffer", frame->box.width,
				       frame->box.height);
		return;
	}
	if (!frame->output) {
		zwlr_screencopy_frame_v1_send_failed(resource);
		return;
	}
	frame->buffer = buffer;
	frame->with_damage = with_damage;
	wl_resource_add_destroy_listener(buffer, &frame->buffer_destroy);
	wl_signal_add(&frame->output->events_frame, &frame->output_frame);
	/* A plain copy wants the next frame even when nothing changes. */
	frame->output->needs_frame = true;
	output_schedule_frame(frame->output);
}

static void frame_copy(struct wl_client *client, struct wl_resource *resource,
		       struct wl_resource *buffer)
{
	frame_copy_common(resource, buffer, false);
}

static void frame_copy_with_damage(struct wl_client *client, struct wl_resource *resource,
				   struct wl_resource *buffer)
{
	frame_copy_common(resource, buffer, true);
}

static void frame_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zwlr_screencopy_frame_v1_interface frame_impl = {
	.copy = frame_copy,
	.destroy = frame_destroy_request,
	.copy_with_damage = frame_copy_with_damage,
};

static void frame_handle_destroy(struct wl_resource *resource)
{
	struct frame *frame = wl_resource_get_user_data(resource);
	frame_unlisten(frame);
	free(frame);
}

static void capture(struct wl_client *client, struct wl_resource *manager, uint32_t id,
		    struct wl_resource *output_resource, int x, int y, int width, int height,
		    bool region)
{
	struct frame *frame = calloc(1, sizeof(*frame));
	if (!frame) {
		wl_client_post_no_memory(client);
		return;
	}
	frame->resource = resource_create(client, &zwlr_screencopy_frame_v1_interface,
					  wl_resource_get_version(manager), id, &frame_impl, frame,
					  frame_handle_destroy);
	if (!frame->resource) {
		free(frame);
		return;
	}
	wl_list_init(&frame->output_frame.link);
	wl_list_init(&frame->output_destroy.link);
	wl_list_init(&frame->buffer_destroy.link);
	frame->output_frame.notify = handle_output_frame;
	frame->output_destroy.notify = handle_output_destroy;
	frame->buffer_destroy.notify = handle_buffer_destroy;
	struct output *output = output_from_resource(output_resource);
	if (!output) {
		zwlr_screencopy_frame_v1_send_failed(frame->resource);
		return;
	}
	if (!region) {
		x = y = 0;
		width = output->width;
		height = output->height;
	}
	/* The region is clipped to the output; nothing left means nothing to copy. */
	if (x < 0) {
		width += x;
		x = 0;
	}
	if (y < 0) {
		height += y;
		y = 0;
	}
	if (x + width > output->width)
		width = output->width - x;
	if (y + height > output->height)
		height = output->height - y;
	if (width <= 0 || height <= 0) {
		zwlr_screencopy_frame_v1_send_failed(frame->resource);
		return;
	}
	frame->output = output;
	frame->box.x = x;
	frame->box.y = y;
	frame->box.width = width;
	frame->box.height = height;
	wl_signal_add(&output->events_destroy, &frame->output_destroy);
	zwlr_screencopy_frame_v1_send_buffer(frame->resource, WL_SHM_FORMAT_XRGB8888,
					     (uint32_t)width, (uint32_t)height,
					     (uint32_t)width * 4);
	if (wl_resource_get_version(frame->resource) >= 3)
		zwlr_screencopy_frame_v1_send_buffer_done(frame->resource);
}

static void manager_capture_output(struct wl_client *client, struct wl_resource *resource,
				   uint32_t id, int32_t overlay_cursor, struct wl_resource *output)
{
	capture(client, resource, id, output, 0, 0, 0, 0, false);
}

static void manager_capture_output_region(struct wl_client *client, struct wl_resource *resource,
					  uint32_t id, int32_t overlay_cursor,
					  struct wl_resource *output, int32_t x, int32_t y,
					  int32_t width, int32_t height)
{
	if (width <= 0 || height <= 0) {
		/* The protocol has no error for it; an empty region simply fails. */
		width = height = 0;
	}
	capture(client, resource, id, output, x, y, width, height, true);
}

static void manager_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zwlr_screencopy_manager_v1_interface manager_impl = {
	.capture_output = manager_capture_output,
	.capture_output_region = manager_capture_output_region,
	.destroy = manager_destroy,
};

static void manager_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &zwlr_screencopy_manager_v1_interface, version, id, &manager_impl,
			data, NULL);
}

int screencopy_manager_create(struct server *server)
{
	return wl_global_create(server->display, &zwlr_screencopy_manager_v1_interface, 3, server,
				manager_bind)
		       ? 0
		       : -1;
}
