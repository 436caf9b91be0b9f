/* wl_compositor, wl_surface, wl_region and wl_subcompositor: double-buffered surface state. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-server-protocol.h>
#include <wayland-server.h>

#include "damage.h"
#include "emit.h"
#include "log.h"
#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "seat.h"
#include "server.h"
#include "surface.h"

#define COMPOSITOR_VERSION 4
#define INFINITE_REGION -(1 << 30), -(1 << 30), 1u << 31, 1u << 31

/* ---- wl_region ---- */

static void region_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void region_add(struct wl_client *client, struct wl_resource *resource, int32_t x, int32_t y,
		       int32_t width, int32_t height)
{
	pixman_region32_t *region = wl_resource_get_user_data(resource);
	if (width <= 0 || height <= 0)
		return;
	pixman_region32_union_rect(region, region, x, y, (unsigned)width, (unsigned)height);
}

static void region_subtract(struct wl_client *client, struct wl_resource *resource, int32_t x,
			    int32_t y, int32_t width, int32_t height)
{
	pixman_region32_t *region = wl_resource_get_user_data(resource);
	if (width <= 0 || height <= 0)
		return;
	pixman_region32_t rect;
	pixman_region32_init_rect(&rect, x, y, (unsigned)width, (unsigned)height);
	pixman_region32_subtract(region, region, &rect);
	pixman_region32_fini(&rect);
}

static const struct wl_region_interface region_impl = {
	.destroy = region_destroy,
	.add = region_add,
	.subtract = region_subtract,
};

static void region_handle_destroy(struct wl_resource *resource)
{
	pixman_region32_t *region = wl_resource_get_user_data(resource);
	pixman_region32_fini(region);
	free(region);
}

/* ---- surface state ---- */

static void state_buffer_destroyed(struct wl_listener *listener, void *data)
{
	struct surface_state *state = wl_container_of(listener, state, buffer_destroy);
	wl_list_remove(&state->buffer_destroy.link);
	wl_list_init(&state->buffer_destroy.link);
	state->buffer = NULL;
}

void surface_state_init(struct surface_state *state)
{
	*state = (struct surface_state){.scale = 1};
	pixman_region32_init(&state->damage);
	pixman_region32_init(&state->buffer_damage);
	pixman_region32_init_rect(&state->input, INFINITE_REGION);
	pixman_region32_init(&state->opaque);
	wl_list_init(&state->frame_callbacks);
	wl_list_init(&state->feedbacks);
	wl_list_init(&state->buffer_destroy.link);
	state->buffer_destroy.notify = state_buffer_destroyed;
}

static void state_set_buffer(struct surface_state *state, struct wl_resource *buffer)
{
	wl_list_remove(&state->buffer_destroy.link);
	wl_list_init(&state->buffer_destroy.link);
	state->buffer = buffer;
	if (buffer)
		wl_resource_add_destroy_listener(buffer, &state->buffer_destroy);
}

static void destroy_resource_list(struct wl_list *list)
{
	struct wl_resource *resource, *tmp;
	wl_resource_for_each_safe(resource, tmp, list) wl_resource_destroy(resource);
}

void surface_state_finish(struct surface_state *state)
{
	wl_list_remove(&state->buffer_destroy.link);
	pixman_region32_fini(&state->damage);
	pixman_region32_fini(&state->buffer_damage);
	pixman_region32_fini(&state->input);
	pixman_region32_fini(&state->opaque);
	destroy_resource_list(&state->frame_callbacks);
	presentation_discard_list(&state->feedbacks);
}

/* Frame callbacks and presentation feedback move on with the content they were asked for. */
static void take_frame_requests(struct wl_list *callbacks, struct wl_list *feedbacks,
				struct surface_state *src)
{
	wl_list_insert_list(callbacks->prev, &src->frame_callbacks);
	wl_list_init(&src->frame_callbacks);
	if (!wl_list_empty(&src->feedbacks)) {
		/* Newer content supersedes feedback that was never shown. */
		presentation_discard_list(feedbacks);
		wl_list_insert_list(feedbacks, &src->feedbacks);
		wl_list_init(&src->feedbacks);
	}
}

/* Moves what `src` carries into `dst`, except its buffer, damage and frame requests. */
static void state_move_attributes(struct surface_state *dst, struct surface_state *src)
{
	if (src->committed & SURFACE_STATE_SCALE)
		dst->scale = src->scale;
	if (src->committed & SURFACE_STATE_INPUT)
		pixman_region32_copy(&dst->input, &src->input);
	if (src->committed & SURFACE_STATE_OPAQUE)
		pixman_region32_copy(&dst->opaque, &src->opaque);
	if (src->committed & SURFACE_STATE_VIEWPORT) {
		dst->has_src = src->has_src;
		dst->has_dst = src->has_dst;
		dst->src_x = src->src_x;
		dst->src_y = src->src_y;
		dst->src_w = src->src_w;
		dst->src_h = src->src_h;
		dst->dst_w = src->dst_w;
		dst->dst_h = src->dst_h;
	}
	dst->committed |= src->committed;
	src->committed = 0;
}

/* Moves what `src` carries into `dst` (pending -> a sub-surface's cache). */
void surface_state_move(struct surface_state *dst, struct surface_state *src)
{
	if (src->committed & SURFACE_STATE_BUFFER) {
		state_set_buffer(dst, src->buffer);
		state_set_buffer(src, NULL);
		dst->dx += src->dx;
		dst->dy += src->dy;
		src->dx = src->dy = 0;
	}
	state_move_attributes(dst, src);
	damage_region_take(&dst->damage, &src->damage);
	damage_region_take(&dst->buffer_damage, &src->buffer_damage);
	take_frame_requests(&dst->frame_callbacks, &dst->feedbacks, src);
}

/* ---- surface ---- */

struct surface *surface_from_resource(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

bool surface_has_buffer(struct surface *surface)
{
	return surface->buffer != NULL;
}

bool surface_set_role(struct surface *surface, enum surface_role role, void *role_data,
		      struct wl_resource *role_resource, struct wl_resource *error_resource,
		      uint32_t error_code)
{
	if (surface->role != SURFACE_ROLE_NONE && surface->role != role) {
		wl_resource_post_error(error_resource, error_code,
				       "wl_surface@%u already has another role",
				       wl_resource_get_id(surface->resource));
		return false;
	}
	if (surface->role_data && surface->role_data != role_data && role != SURFACE_ROLE_CURSOR) {
		wl_resource_post_error(error_resource, error_code,
				       "wl_surface@%u already has a role object",
				       wl_resource_get_id(surface->resource));
		return false;
	}
	surface->role = role;
	surface->role_data = role_data;
	surface->role_resource = role_resource;
	return true;
}

bool surface_get_position(struct surface *surface, int *x, int *y)
{
	switch (surface->role) {
	case SURFACE_ROLE_SUBSURFACE: {
		struct subsurface *sub = surface->role_data;
		if (!sub || !sub->parent)
			return false;
		int px, py;
		if (!surface_get_position(sub->parent, &px, &py))
			return false;
		*x = px + sub->x;
		*y = py + sub->y;
		return true;
	}
	case SURFACE_ROLE_XDG:
		return xdg_surface_get_position(surface, x, y);
	case SURFACE_ROLE_CURSOR: {
		struct seat_cursor cursor;
		struct seat *seat = surface->server->seat;
		if (!seat || seat->cursor_surface != surface || !seat_get_cursor(seat, &cursor))
			return false;
		*x = cursor.x;
		*y = cursor.y;
		return true;
	}
	default:
		return false;
	}
}

void surface_damage_where_drawn(struct surface *surface)
{
	int x, y;
	if (surface->width > 0 && surface_get_position(surface, &x, &y))
		server_damage_box(surface->server, x, y, surface->width, surface->height);
}

void surface_damage_at(struct surface *surface, int x, int y, void *data)
{
	server_damage_box(surface->server, x, y, surface->width, surface->height);
}

void surface_send_frame_done(struct surface *surface, uint32_t time_ms)
{
	/* wl_callback_send_done without its varargs walk: every frame of every client. */
	union wl_argument done = {.u = time_ms};
	struct wl_resource *callback, *tmp;
	wl_resource_for_each_safe(callback, tmp, &surface->frame_callbacks)
	{
		wl_resource_post_event_array(callback, WL_CALLBACK_DONE, &done);
		wl_resource_destroy(callback);
	}
}

static void surface_release_buffer(struct surface *surface)
{
	if (!surface->buffer)
		return;
	if (!server_defer_buffer_release(surface->server, surface->buffer))
		wl_buffer_send_release(surface->buffer);
	wl_list_remove(&surface->buffer_destroy.link);
	wl_list_init(&surface->buffer_destroy.link);
	surface->buffer = NULL;
}

static void surface_handle_buffer_destroy(struct wl_listener *listener, void *data)
{
	struct surface *surface = wl_container_of(listener, surface, buffer_destroy);
	/* The client destroyed a buffer we still show: keep the last pixels out of reach. */
	surface_damage_where_drawn(surface);
	wl_list_remove(&surface->buffer_destroy.link);
	wl_list_init(&surface->buffer_destroy.link);
	surface->buffer = NULL;
}

static bool surface_update_size(struct surface *surface, struct wl_resource *error_resource)
{
	struct surface_state *state = &surface->current;
	int scale = state->scale > 0 ? state->scale : 1;
	int width = surface->buffer ? surface->buffer_width / scale : 0;
	int height = surface->buffer ? surface->buffer_height / scale : 0;
	if (surface->buffer && (surface->buffer_width % scale || surface->buffer_height % scale) &&
	    surface->role == SURFACE_ROLE_XDG) {
		wl_resource_post_error(error_resource, WL_SURFACE_ERROR_INVALID_SIZE,
				       "buffer size %dx%d is not a multiple of scale %d",
				       surface->buffer_width, surface->buffer_height, scale);
		return false;
	}
	if (surface->buffer && state->has_src) {
		if (state->src_x + state->src_w > width + 0.001 ||
		    state->src_y + state->src_h > height + 0.001) {
			if (surface->viewport)
				wl_resource_post_error(
					surface->viewport, WP_VIEWPORT_ERROR_OUT_OF_BUFFER,
					"source rectangle extends outside the buffer");
			return false;
		}
		if (!state->has_dst) {
			if (state->src_w != (int)state->src_w ||
			    state->src_h != (int)state->src_h) {
				if (surface->viewport)
					wl_resource_post_error(surface->viewport,
							       WP_VIEWPORT_ERROR_BAD_SIZE,
							       "source size is not an integer");
				return false;
			}
			width = (int)state->src_w;
			height = (int)state->src_h;
		}
	}
	if (surface->buffer && state->has_dst) {
		width = state->dst_w;
		height = state->dst_h;
	}
	surface->width = width;
	surface->height = height;
	return true;
}

/* Takes the committed buffer (NULL: detach); false after a protocol error. */
static bool surface_take_buffer(struct surface *surface, struct wl_resource *buffer)
{
	if (buffer != surface->buffer)
		surface_release_buffer(surface);
	if (!buffer)
		return true;
	struct wl_shm_buffer *shm = wl_shm_buffer_get(buffer);
	if (!shm) {
		wl_resource_post_error(surface->resource, WL_SURFACE_ERROR_INVALID_SIZE,
				       "only wl_shm buffers are supported");
		return false;
	}
	if (buffer != surface->buffer) {
		server_retake_buffer(surface->server, buffer);
		surface->buffer = buffer;
		wl_resource_add_destroy_listener(buffer, &surface->buffer_destroy);
	}
	surface->buffer_width = wl_shm_buffer_get_width(shm);
	surface->buffer_height = wl_shm_buffer_get_height(shm);
	surface->buffer_format = wl_shm_buffer_get_format(shm);
	return true;
}

/* Damages, in global coordinates, what a commit changed of a surface that stayed in place. */
static void surface_damage_changed(struct surface *surface, int x, int y, pixman_region32_t *damage,
				   pixman_region32_t *buffer_damage)
{
	/* Buffer damage is exact only without scaling (else it came as surface damage). */
	pixman_region32_t merged;
	pixman_region32_t *source = buffer_damage;
	bool both = pixman_region32_not_empty(damage);
	if (both) {
		pixman_region32_init(&merged);
		pixman_region32_union(&merged, damage, buffer_damage);
		source = &merged;
	}
	int n;
	const pixman_box32_t *boxes = pixman_region32_rectangles(source, &n);
	for (int i = 0; i < n; i++) {
		int x1 = boxes[i].x1 > 0 ? boxes[i].x1 : 0;
		int y1 = boxes[i].y1 > 0 ? boxes[i].y1 : 0;
		int x2 = boxes[i].x2 < surface->width ? boxes[i].x2 : surface->width;
		int y2 = boxes[i].y2 < surface->height ? boxes[i].y2 : surface->height;
		if (x1 < x2 && y1 < y2)
			server_damage_box(surface->server, x + x1, y + y1, x2 - x1, y2 - y1);
	}
	if (both)
		pixman_region32_fini(&merged);
}

void surface_apply(struct surface *surface, struct surface_state *from)
{
	int old_x = 0, old_y = 0;
	bool was_placed = surface_get_position(surface, &old_x, &old_y);
	int old_w = surface->width, old_h = surface->height;
	uint32_t committed = from->committed;
	struct surface_state *state = &surface->current;

	if (committed & SURFACE_STATE_BUFFER) {
		/* The buffer goes to the surface itself: the current state never holds one. */
		struct wl_resource *buffer = from->buffer;
		int dx = from->dx, dy = from->dy;
		state_set_buffer(from, NULL);
		from->dx = from->dy = 0;
		if (!surface_take_buffer(surface, buffer))
			return;
		if (surface->role == SURFACE_ROLE_CURSOR) {
			surface->server->seat->hotspot_x -= dx;
			surface->server->seat->hotspot_y -= dy;
		}
	}
	state_move_attributes(state, from);
	if (!surface_update_size(surface, surface->resource))
		return;
	if (committed & (SURFACE_STATE_BUFFER | SURFACE_STATE_OPAQUE | SURFACE_STATE_SCALE |
			 SURFACE_STATE_VIEWPORT)) {
		/* XRGB, or an opaque region covering the whole surface. */
		pixman_box32_t whole = {0, 0, surface->width, surface->height};
		surface->opaque = surface->buffer &&
				  (surface->buffer_format == WL_SHM_FORMAT_XRGB8888 ||
				   pixman_region32_contains_rectangle(&state->opaque, &whole) ==
					   PIXMAN_REGION_IN);
	}

	take_frame_requests(&surface->frame_callbacks, &surface->feedbacks, from);

	/* Damage, in global coordinates, where the surface was and where it is. */
	int x, y;
	bool placed = surface_get_position(surface, &x, &y);
	if (placed && (old_w != surface->width || old_h != surface->height || !was_placed ||
		       old_x != x || old_y != y || state->has_src || state->scale != 1)) {
		if (was_placed)
			server_damage_box(surface->server, old_x, old_y, old_w, old_h);
		server_damage_box(surface->server, x, y, surface->width, surface->height);
	} else if (placed) {
		surface_damage_changed(surface, x, y, &from->damage, &from->buffer_damage);
	}
	pixman_region32_clear(&from->damage);
	pixman_region32_clear(&from->buffer_damage);
	if (!wl_list_empty(&surface->frame_callbacks))
		server_schedule_frames(surface->server);

	subsurfaces_parent_committed(surface);
	if (surface->role == SURFACE_ROLE_XDG)
		xdg_surface_committed(surface);
}

bool surface_is_synchronized(struct surface *surface)
{
	while (surface && surface->role == SURFACE_ROLE_SUBSURFACE) {
		struct subsurface *sub = surface->role_data;
		if (!sub)
			return false;
		if (sub->synchronized)
			return true;
		surface = sub->parent;
	}
	return false;
}

/* ---- wl_surface requests ---- */

static void surface_attach(struct surface *surface, struct wl_resource *buffer, int32_t x,
			   int32_t y)
{
	state_set_buffer(&surface->pending, buffer);
	surface->pending.committed |= SURFACE_STATE_BUFFER;
	surface->pending.dx = x;
	surface->pending.dy = y;
}

static void callback_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void surface_frame(struct surface *surface, struct wl_resource *resource, uint32_t id)
{
	struct wl_resource *callback =
		resource_create(wl_resource_get_client(resource), &wl_callback_interface, 1, id,
				NULL, NULL, callback_handle_destroy);
	if (!callback)
		return;
	wl_list_insert(surface->pending.frame_callbacks.prev, wl_resource_get_link(callback));
}

static void surface_set_opaque_region(struct surface *surface, struct wl_resource *region_resource)
{
	surface->pending.committed |= SURFACE_STATE_OPAQUE;
	if (region_resource)
		pixman_region32_copy(&surface->pending.opaque,
				     wl_resource_get_user_data(region_resource));
	else
		pixman_region32_clear(&surface->pending.opaque);
}

static void surface_set_input_region(struct surface *surface, struct wl_resource *region_resource)
{
	surface->pending.committed |= SURFACE_STATE_INPUT;
	if (region_resource) {
		pixman_region32_copy(&surface->pending.input,
				     wl_resource_get_user_data(region_resource));
	} else {
		pixman_region32_fini(&surface->pending.input);
		pixman_region32_init_rect(&surface->pending.input, INFINITE_REGION);
	}
}

static void surface_commit(struct surface *surface)
{
	if (surface->role == SURFACE_ROLE_SUBSURFACE && surface_is_synchronized(surface)) {
		struct subsurface *sub = surface->role_data;
		surface_state_move(&sub->cached, &surface->pending);
		sub->has_cache = true;
		return;
	}
	if (surface->role == SURFACE_ROLE_SUBSURFACE && surface->role_data) {
		struct subsurface *sub = surface->role_data;
		if (sub->has_cache) {
			/* Desynchronized with a cache: the cache first, then this commit. */
			surface_state_move(&sub->cached, &surface->pending);
			sub->has_cache = false;
			surface_apply(surface, &sub->cached);
			return;
		}
	}
	if (surface->role == SURFACE_ROLE_XDG && !xdg_surface_precommit(surface))
		return;
	surface_apply(surface, &surface->pending);
}

static void surface_set_buffer_transform(struct wl_resource *resource, int32_t transform)
{
	if (transform < WL_OUTPUT_TRANSFORM_NORMAL || transform > WL_OUTPUT_TRANSFORM_FLIPPED_270)
		wl_resource_post_error(resource, WL_SURFACE_ERROR_INVALID_TRANSFORM,
				       "buffer transform %d is not a wl_output.transform",
				       transform);
	/* Valid transforms are accepted; buffers are shown untransformed (outputs are normal). */
}

static void surface_set_buffer_scale(struct surface *surface, struct wl_resource *resource,
				     int32_t scale)
{
	if (scale < 1) {
		wl_resource_post_error(resource, WL_SURFACE_ERROR_INVALID_SCALE,
				       "buffer scale %d is not positive", scale);
		return;
	}
	surface->pending.scale = scale;
	surface->pending.committed |= SURFACE_STATE_SCALE;
}

static void surface_damage_buffer(struct surface *surface, int32_t x, int32_t y, int32_t width,
				  int32_t height)
{
	if (width <= 0 || height <= 0)
		return;
	int scale = surface->pending.scale > 0 ? surface->pending.scale : 1;
	if (scale == 1 && !surface->current.has_src && !surface->current.has_dst) {
		damage_region_add_rect(&surface->pending.buffer_damage, x, y, width, height);
		return;
	}
	/* Scaled or cropped: a generous whole-surface damage is always right. */
	pixman_region32_union_rect(&surface->pending.damage, &surface->pending.damage, 0, 0,
				   UINT_MAX / 2, UINT_MAX / 2);
}

/* wl_surface request opcodes, in protocol order. */
enum {
	SURFACE_REQ_DESTROY,
	SURFACE_REQ_ATTACH,
	SURFACE_REQ_DAMAGE,
	SURFACE_REQ_FRAME,
	SURFACE_REQ_SET_OPAQUE_REGION,
	SURFACE_REQ_SET_INPUT_REGION,
	SURFACE_REQ_COMMIT,
	SURFACE_REQ_SET_BUFFER_TRANSFORM,
	SURFACE_REQ_SET_BUFFER_SCALE,
	SURFACE_REQ_DAMAGE_BUFFER,
};

/*
 * Every frame of every client passes through these requests: a direct call per opcode instead
 * of libwayland's generic libffi call through an implementation table. libwayland has already
 * checked the opcode, the version and the argument types and objects.
 */
static int surface_dispatch(const void *implementation, void *target, uint32_t opcode,
			    const struct wl_message *message, union wl_argument *args)
{
	struct wl_resource *resource = target;
	struct surface *surface = wl_resource_get_user_data(resource);
	switch (opcode) {
	case SURFACE_REQ_DESTROY:
		wl_resource_destroy(resource);
		break;
	case SURFACE_REQ_ATTACH:
		surface_attach(surface, (struct wl_resource *)args[0].o, args[1].i, args[2].i);
		break;
	case SURFACE_REQ_DAMAGE:
		damage_region_add_rect(&surface->pending.damage, args[0].i, args[1].i, args[2].i,
				       args[3].i);
		break;
	case SURFACE_REQ_FRAME:
		surface_frame(surface, resource, args[0].n);
		break;
	case SURFACE_REQ_SET_OPAQUE_REGION:
		surface_set_opaque_region(surface, (struct wl_resource *)args[0].o);
		break;
	case SURFACE_REQ_SET_INPUT_REGION:
		surface_set_input_region(surface, (struct wl_resource *)args[0].o);
		break;
	case SURFACE_REQ_COMMIT:
		surface_commit(surface);
		break;
	case SURFACE_REQ_SET_BUFFER_TRANSFORM:
		surface_set_buffer_transform(resource, args[0].i);
		break;
	case SURFACE_REQ_SET_BUFFER_SCALE:
		surface_set_buffer_scale(surface, resource, args[0].i);
		break;
	case SURFACE_REQ_DAMAGE_BUFFER:
		surface_damage_buffer(surface, args[0].i, args[1].i, args[2].i, args[3].i);
		break;
	default:
		wl_resource_post_error(resource, WL_DISPLAY_ERROR_INVALID_METHOD,
				       "wl_surface has no request %u", opcode);
		return -1;
	}
	return 0;
}

static void surface_handle_resource_destroy(struct wl_resource *resource)
{
	struct surface *surface = wl_resource_get_user_data(resource);
	surface_damage_where_drawn(surface);
	/* Sub-surfaces, focus and roles let go of it through this signal. */
	signal_emit_mutable(&surface->events_destroy, surface);
	surface_release_buffer(surface);
	wl_list_remove(&surface->buffer_destroy.link);
	surface_state_finish(&surface->pending);
	surface_state_finish(&surface->current);
	destroy_resource_list(&surface->frame_callbacks);
	presentation_discard_list(&surface->feedbacks);
	wl_list_remove(&surface->link);
	free(surface);
}

static void compositor_create_surface(struct wl_client *client, struct wl_resource *resource,
				      uint32_t id)
{
	struct server *server = wl_resource_get_user_data(resource);
	struct surface *surface = calloc(1, sizeof(*surface));
	if (!surface) {
		wl_client_post_no_memory(client);
		return;
	}
	surface->resource = wl_resource_create(client, &wl_surface_interface,
					       wl_resource_get_version(resource), id);
	if (!surface->resource) {
		free(surface);
		wl_client_post_no_memory(client);
		return;
	}
	surface->server = server;
	surface_state_init(&surface->pending);
	surface_state_init(&surface->current);
	wl_list_init(&surface->subsurfaces_below);
	wl_list_init(&surface->subsurfaces_above);
	wl_list_init(&surface->frame_callbacks);
	wl_list_init(&surface->feedbacks);
	wl_list_init(&surface->buffer_destroy.link);
	wl_list_init(&surface->viewport_destroy.link);
	surface->buffer_destroy.notify = surface_handle_buffer_destroy;
	wl_signal_init(&surface->events_destroy);
	wl_list_insert(&server->surfaces, &surface->link);
	/* No implementation table: surface_dispatch calls the handlers itself. */
	wl_resource_set_dispatcher(surface->resource, surface_dispatch, NULL, surface,
				   surface_handle_resource_destroy);
}

static void compositor_create_region(struct wl_client *client, struct wl_resource *resource,
				     uint32_t id)
{
	pixman_region32_t *region = calloc(1, sizeof(*region));
	if (!region) {
		wl_client_post_no_memory(client);
		return;
	}
	struct wl_resource *region_resource = resource_create(
		client, &wl_region_interface, 1, id, &region_impl, region, region_handle_destroy);
	if (!region_resource) {
		free(region);
		return;
	}
	pixman_region32_init(region);
}

static const struct wl_compositor_interface compositor_impl = {
	.create_surface = compositor_create_surface,
	.create_region = compositor_create_region,
};

static void compositor_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &wl_compositor_interface, version, id, &compositor_impl, data,
			NULL);
}

/* ---- tree walks ---- */

void surface_tree_for_each(struct surface *surface, int x, int y,
			   void (*fn)(struct surface *s, int x, int y, void *data), void *data)
{
	struct subsurface *sub;
	wl_list_for_each (sub, &surface->subsurfaces_below, parent_link) {
		if (surface_has_buffer(sub->surface))
			surface_tree_for_each(sub->surface, x + sub->x, y + sub->y, fn, data);
	}
	fn(surface, x, y, data);
	wl_list_for_each (sub, &surface->subsurfaces_above, parent_link) {
		if (surface_has_buffer(sub->surface))
			surface_tree_for_each(sub->surface, x + sub->x, y + sub->y, fn, data);
	}
}

static bool surface_accepts_input(struct surface *surface, double sx, double sy)
{
	if (!surface_has_buffer(surface) || sx < 0 || sy < 0 || sx >= surface->width ||
	    sy >= surface->height)
		return false;
	return pixman_region32_contains_point(&surface->current.input, (int)sx, (int)sy, NULL);
}

struct surface *surface_tree_at(struct surface *surface, int x, int y, double px, double py,
				double *sx, double *sy)
{
	struct subsurface *sub;
	wl_list_for_each_reverse (sub, &surface->subsurfaces_above, parent_link) {
		if (!surface_has_buffer(sub->surface))
			continue;
		struct surface *hit =
			surface_tree_at(sub->surface, x + sub->x, y + sub->y, px, py, sx, sy);
		if (hit)
			return hit;
	}
	if (surface_accepts_input(surface, px - x, py - y)) {
		*sx = px - x;
		*sy = py - y;
		return surface;
	}
	wl_list_for_each_reverse (sub, &surface->subsurfaces_below, parent_link) {
		if (!surface_has_buffer(sub->surface))
			continue;
		struct surface *hit =
			surface_tree_at(sub->surface, x + sub->x, y + sub->y, px, py, sx, sy);
		if (hit)
			return hit;
	}
	return NULL;
}

int surface_globals_create(struct server *server)
{
	server->compositor_global = wl_global_create(server->display, &wl_compositor_interface,
						     COMPOSITOR_VERSION, server, compositor_bind);
	if (!server->compositor_global || subcompositor_create(server) < 0)
		return -1;
	return 0;
}
