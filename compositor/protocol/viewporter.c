/* wp_viewporter: crop (source) and scale (destination) of a surface's buffer. */
#include <stdlib.h>

#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "surface.h"

static void viewport_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void viewport_set_source(struct wl_client *client, struct wl_resource *resource,
				wl_fixed_t x, wl_fixed_t y, wl_fixed_t width, wl_fixed_t height)
{
	struct surface *surface = wl_resource_get_user_data(resource);
	if (!surface) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_NO_SURFACE,
				       "the surface of this viewport is gone");
		return;
	}
	bool unset = x == wl_fixed_from_int(-1) && y == wl_fixed_from_int(-1) &&
		     width == wl_fixed_from_int(-1) && height == wl_fixed_from_int(-1);
	if (!unset && (x < 0 || y < 0 || width <= 0 || height <= 0)) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_BAD_VALUE,
				       "source rectangle %.2f,%.2f %.2fx%.2f is invalid",
				       wl_fixed_to_double(x), wl_fixed_to_double(y),
				       wl_fixed_to_double(width), wl_fixed_to_double(height));
		return;
	}
	struct surface_state *pending = &surface->pending;
	pending->committed |= SURFACE_STATE_VIEWPORT;
	pending->has_dst = surface->current.has_dst;
	pending->dst_w = surface->current.dst_w;
	pending->dst_h = surface->current.dst_h;
	pending->has_src = !unset;
	pending->src_x = wl_fixed_to_double(x);
	pending->src_y = wl_fixed_to_double(y);
	pending->src_w = wl_fixed_to_double(width);
	pending->src_h = wl_fixed_to_double(height);
}

static void viewport_set_destination(struct wl_client *client, struct wl_resource *resource,
				     int32_t width, int32_t height)
{
	struct surface *surface = wl_resource_get_user_data(resource);
	if (!surface) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_NO_SURFACE,
				       "the surface of this viewport is gone");
		return;
	}
	bool unset = width == -1 && height == -1;
	if (!unset && (width <= 0 || height <= 0)) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_BAD_VALUE,
				       "destination size %dx%d is invalid", width, height);
		return;
	}
	struct surface_state *pending = &surface->pending;
	if (!(pending->committed & SURFACE_STATE_VIEWPORT)) {
		pending->has_src = surface->current.has_src;
		pending->src_x = surface->current.src_x;
		pending->src_y = surface->current.src_y;
		pending->src_w = surface->current.src_w;
		pending->src_h = surface->current.src_h;
	}
	pending->committed |= SURFACE_STATE_VIEWPORT;
	pending->has_dst = !unset;
	pending->dst_w = width;
	pending->dst_h = height;
}

static const struct wp_viewport_interface viewport_impl = {
	.destroy = viewport_destroy,
	.set_source = viewport_set_source,
	.set_destination = viewport_set_destination,
};

static void viewport_handle_destroy(struct wl_resource *resource)
{
	struct surface *surface = wl_resource_get_user_data(resource);
	if (!surface)
		return;
	wl_list_remove(&surface->viewport_destroy.link);
	wl_list_init(&surface->viewport_destroy.link);
	surface->viewport = NULL;
	/* Destroying the viewport removes crop and scale with the next commit. */
	surface->pending.committed |= SURFACE_STATE_VIEWPORT;
	surface->pending.has_src = false;
	surface->pending.has_dst = false;
}

static void handle_surface_destroy(struct wl_listener *listener, void *data)
{
	struct surface *surface = wl_container_of(listener, surface, viewport_destroy);
	wl_list_remove(&surface->viewport_destroy.link);
	wl_list_init(&surface->viewport_destroy.link);
	wl_resource_set_user_data(surface->viewport, NULL);
	surface->viewport = NULL;
}

static void viewporter_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void viewporter_get_viewport(struct wl_client *client, struct wl_resource *resource,
				    uint32_t id, struct wl_resource *surface_resource)
{
	struct surface *surface = surface_from_resource(surface_resource);
	if (surface->viewport) {
		wl_resource_post_error(resource, WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS,
				       "wl_surface@%u already has a viewport",
				       wl_resource_get_id(surface_resource));
		return;
	}
	struct wl_resource *viewport =
		resource_create(client, &wp_viewport_interface, 1, id, &viewport_impl, surface,
				viewport_handle_destroy);
	if (!viewport)
		return;
	surface->viewport = viewport;
	surface->viewport_destroy.notify = handle_surface_destroy;
	wl_signal_add(&surface->events_destroy, &surface->viewport_destroy);
}

static const struct wp_viewporter_interface viewporter_impl = {
	.destroy = viewporter_destroy,
	.get_viewport = viewporter_get_viewport,
};

static void viewporter_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &wp_viewporter_interface, version, id, &viewporter_impl, data,
			NULL);
}

int viewporter_create(struct server *server)
{
	return wl_global_create(server->display, &wp_viewporter_interface, 1, server,
				viewporter_bind)
		       ? 0
		       : -1;
}
