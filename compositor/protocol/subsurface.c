/* wl_subcompositor and wl_subsurface: surfaces placed relative to a parent, synchronized or not. */
#include <stdlib.h>

#include <wayland-server-protocol.h>
#include <wayland-server.h>

#include "resource.h"
#include "server.h"
#include "surface.h"

void subsurfaces_parent_committed(struct surface *parent)
{
	if (wl_list_empty(&parent->subsurfaces_below) && wl_list_empty(&parent->subsurfaces_above))
		return;
	struct wl_list *lists[] = {&parent->subsurfaces_below, &parent->subsurfaces_above};
	for (int i = 0; i < 2; i++) {
		struct subsurface *sub;
		wl_list_for_each (sub, lists[i], parent_link) {
			if (sub->x != sub->pending_x || sub->y != sub->pending_y) {
				int x, y;
				if (surface_get_position(sub->surface, &x, &y))
					surface_tree_for_each(sub->surface, x, y, surface_damage_at,
							      NULL);
				sub->x = sub->pending_x;
				sub->y = sub->pending_y;
				if (surface_get_position(sub->surface, &x, &y))
					surface_tree_for_each(sub->surface, x, y, surface_damage_at,
							      NULL);
			}
			if (sub->has_cache) {
				sub->has_cache = false;
				surface_apply(sub->surface, &sub->cached);
			}
		}
	}
}

static void subsurface_detach(struct subsurface *sub)
{
	if (!sub->parent)
		return;
	int x, y;
	if (surface_get_position(sub->surface, &x, &y))
		surface_tree_for_each(sub->surface, x, y, surface_damage_at, NULL);
	wl_list_remove(&sub->parent_link);
	wl_list_init(&sub->parent_link);
	wl_list_remove(&sub->parent_destroy.link);
	wl_list_init(&sub->parent_destroy.link);
	sub->parent = NULL;
}

static void subsurface_handle_parent_destroy(struct wl_listener *listener, void *data)
{
	struct subsurface *sub = wl_container_of(listener, sub, parent_destroy);
	subsurface_detach(sub);
}

static void subsurface_handle_resource_destroy(struct wl_resource *resource)
{
	struct subsurface *sub = wl_resource_get_user_data(resource);
	if (!sub)
		return;
	subsurface_detach(sub);
	if (sub->surface) {
		sub->surface->role_data = NULL;
		sub->surface->role_resource = NULL;
	}
	surface_state_finish(&sub->cached);
	wl_list_remove(&sub->surface_destroy.link);
	free(sub);
}

static void subsurface_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void subsurface_set_position(struct wl_client *client, struct wl_resource *resource,
				    int32_t x, int32_t y)
{
	struct subsurface *sub = wl_resource_get_user_data(resource);
	if (!sub)
		return;
	sub->pending_x = x;
	sub->pending_y = y;
}

static struct subsurface *sibling_of(struct subsurface *sub, struct surface *other)
{
	if (other->role != SURFACE_ROLE_SUBSURFACE || !other->role_data)
		return NULL;
	struct subsurface *sibling = other->role_data;
	return sibling->parent == sub->parent ? sibling : NULL;
}

static void subsurface_restack(struct wl_resource *resource, struct wl_resource *sibling_resource,
			       bool above)
{
	struct subsurface *sub = wl_resource_get_user_data(resource);
	if (!sub || !sub->parent)
		return;
	struct surface *other = surface_from_resource(sibling_resource);
	struct surface *parent = sub->parent;
	struct wl_list *where;
	if (other == parent) {
		where = above ? &parent->subsurfaces_above : parent->subsurfaces_below.prev;
	} else {
		struct subsurface *sibling = sibling_of(sub, other);
		if (!sibling || sibling == sub) {
			wl_resource_post_error(
				resource, WL_SUBSURFACE_ERROR_BAD_SURFACE,
				"the reference surface is not a sibling or the parent");
			return;
		}
		where = above ? &sibling->parent_link : sibling->parent_link.prev;
	}
	wl_list_remove(&sub->parent_link);
	wl_list_insert(where, &sub->parent_link);
	int x, y;
	if (surface_get_position(sub->surface, &x, &y))
		surface_tree_for_each(sub->surface, x, y, surface_damage_at, NULL);
}

static void subsurface_place_above(struct wl_client *client, struct wl_resource *resource,
				   struct wl_resource *sibling)
{
	subsurface_restack(resource, sibling, true);
}

static void subsurface_place_below(struct wl_client *client, struct wl_resource *resource,
				   struct wl_resource *sibling)
{
	subsurface_restack(resource, sibling, false);
}

static void subsurface_set_sync(struct wl_client *client, struct wl_resource *resource)
{
	struct subsurface *sub = wl_resource_get_user_data(resource);
	if (sub)
		sub->synchronized = true;
}

static void subsurface_set_desync(struct wl_client *client, struct wl_resource *resource)
{
	struct subsurface *sub = wl_resource_get_user_data(resource);
	if (!sub || !sub->synchronized)
		return;
	sub->synchronized = false;
	if (!surface_is_synchronized(sub->surface) && sub->has_cache) {
		sub->has_cache = false;
		surface_apply(sub->surface, &sub->cached);
	}
}

static const struct wl_subsurface_interface subsurface_impl = {
	.destroy = subsurface_destroy_request,
	.set_position = subsurface_set_position,
	.place_above = subsurface_place_above,
	.place_below = subsurface_place_below,
	.set_sync = subsurface_set_sync,
	.set_desync = subsurface_set_desync,
};

static void subsurface_handle_surface_destroy(struct wl_listener *listener, void *data)
{
	struct subsurface *sub = wl_container_of(listener, sub, surface_destroy);
	wl_list_remove(&sub->surface_destroy.link);
	wl_list_init(&sub->surface_destroy.link);
	subsurface_detach(sub);
	sub->surface->role_data = NULL;
	sub->surface = NULL;
	wl_resource_set_user_data(sub->resource, NULL);
	surface_state_finish(&sub->cached);
	free(sub);
}

static bool is_ancestor(struct surface *candidate, struct surface *surface)
{
	for (struct surface *s = candidate; s;) {
		if (s == surface)
			return true;
		if (s->role != SURFACE_ROLE_SUBSURFACE || !s->role_data)
			return false;
		s = ((struct subsurface *)s->role_data)->parent;
	}
	return false;
}

static void subcompositor_get_subsurface(struct wl_client *client, struct wl_resource *resource,
					 uint32_t id, struct wl_resource *surface_resource,
					 struct wl_resource *parent_resource)
{
	struct surface *surface = surface_from_resource(surface_resource);
	struct surface *parent = surface_from_resource(parent_resource);
	if (is_ancestor(parent, surface)) {
		wl_resource_post_error(resource, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "wl_surface@%u cannot be its own ancestor",
				       wl_resource_get_id(surface_resource));
		return;
	}
	if (surface->role == SURFACE_ROLE_SUBSURFACE && surface->role_data) {
		wl_resource_post_error(resource, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "wl_surface@%u is already a sub-surface",
				       wl_resource_get_id(surface_resource));
		return;
	}
	struct subsurface *sub = calloc(1, sizeof(*sub));
	if (!sub) {
		wl_client_post_no_memory(client);
		return;
	}
	sub->resource = wl_resource_create(client, &wl_subsurface_interface, 1, id);
	if (!sub->resource) {
		free(sub);
		wl_client_post_no_memory(client);
		return;
	}
	if (!surface_set_role(surface, SURFACE_ROLE_SUBSURFACE, sub, sub->resource, resource,
			      WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE)) {
		wl_resource_destroy(sub->resource);
		free(sub);
		return;
	}
	sub->surface = surface;
	sub->parent = parent;
	sub->synchronized = true;
	surface_state_init(&sub->cached);
	wl_list_insert(parent->subsurfaces_above.prev, &sub->parent_link);
	sub->parent_destroy.notify = subsurface_handle_parent_destroy;
	wl_signal_add(&parent->events_destroy, &sub->parent_destroy);
	sub->surface_destroy.notify = subsurface_handle_surface_destroy;
	wl_signal_add(&surface->events_destroy, &sub->surface_destroy);
	wl_resource_set_implementation(sub->resource, &subsurface_impl, sub,
				       subsurface_handle_resource_destroy);
}

static void subcompositor_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_subcompositor_interface subcompositor_impl = {
	.destroy = subcompositor_destroy,
	.get_subsurface = subcompositor_get_subsurface,
};

static void subcompositor_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &wl_subcompositor_interface, version, id, &subcompositor_impl, data,
			NULL);
}

int subcompositor_create(struct server *server)
{
	server->subcompositor_global = wl_global_create(
		server->display, &wl_subcompositor_interface, 1, server, subcompositor_bind);
	return server->subcompositor_global ? 0 : -1;
}
