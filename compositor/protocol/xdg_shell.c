/* xdg_wm_base, xdg_surface and xdg_toplevel: configure/ack, window geometry, protocol errors. */
#include "xdg_shell.h"

#include <stdlib.h>
#include <string.h>

#include <wayland-server-protocol.h>

#include "log.h"
#include "protocols.h"
#include "resource.h"
#include "seat.h"
#include "server.h"
#include "surface.h"
#include "view.h"
#include "xdg-shell-server-protocol.h"
#include "xdg_popup.h"

#define WM_BASE_VERSION 3

struct wm_base {
	struct server *server;
	struct wl_resource *resource;
	struct wl_list surfaces;
};

static void handle_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

/* ---- configure ---- */

static void add_state(struct wl_array *states, uint32_t state)
{
	uint32_t *slot = wl_array_add(states, sizeof(uint32_t));
	if (slot)
		*slot = state;
}

static void send_configure(void *data)
{
	struct xdg_surface *xdg = data;
	xdg->configure_idle = NULL;
	if (xdg->role == XDG_ROLE_TOPLEVEL && xdg->role_resource) {
		struct wl_array states;
		wl_array_init(&states);
		if (xdg->view && xdg->view->fullscreen)
			add_state(&states, XDG_TOPLEVEL_STATE_FULLSCREEN);
		if (xdg->view && xdg->view->maximized)
			add_state(&states, XDG_TOPLEVEL_STATE_MAXIMIZED);
		if (xdg->toplevel.activated)
			add_state(&states, XDG_TOPLEVEL_STATE_ACTIVATED);
		xdg_toplevel_send_configure(xdg->role_resource, xdg->toplevel.width,
					    xdg->toplevel.height, &states);
		wl_array_release(&states);
	} else if (xdg->role == XDG_ROLE_POPUP && xdg->role_resource) {
		if (xdg->popup.repositioned) {
			xdg_popup_send_repositioned(xdg->role_resource,
						    xdg->popup.reposition_token);
			xdg->popup.repositioned = false;
		}
		xdg_popup_send_configure(xdg->role_resource, xdg->popup.box.x, xdg->popup.box.y,
					 xdg->popup.box.width, xdg->popup.box.height);
	} else {
		return;
	}
	uint32_t serial = wl_display_next_serial(xdg->server->display);
	if (xdg->sent_count == XDG_MAX_PENDING_CONFIGURES) {
		/* A client that never acks: forget the oldest. */
		memmove(xdg->sent_serials, xdg->sent_serials + 1,
			sizeof(uint32_t) * (XDG_MAX_PENDING_CONFIGURES - 1));
		xdg->sent_count--;
	}
	xdg->sent_serials[xdg->sent_count++] = serial;
	xdg_surface_send_configure(xdg->resource, serial);
}

void xdg_surface_schedule_configure(struct xdg_surface *xdg)
{
	if (xdg->configure_idle)
		return;
	xdg->configure_idle = wl_event_loop_add_idle(xdg->server->loop, send_configure, xdg);
}

struct box xdg_surface_geometry(struct xdg_surface *xdg)
{
	if (xdg->has_geometry)
		return xdg->geometry;
	return (struct box){0, 0, xdg->surface ? xdg->surface->width : 0,
			    xdg->surface ? xdg->surface->height : 0};
}

bool xdg_surface_get_position(struct surface *surface, int *x, int *y)
{
	struct xdg_surface *xdg = surface->role_data;
	if (!xdg || !xdg->view || !xdg->view->mapped)
		return false;
	struct box geometry = xdg_surface_geometry(xdg);
	*x = xdg->view->x - geometry.x;
	*y = xdg->view->y - geometry.y;
	return true;
}

void xdg_note_button_serial(struct server *server, uint32_t serial)
{
	server->last_button_serial = serial;
}

/* ---- toplevels ---- */

static struct xdg_surface *toplevel_from(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

static void toplevel_set_parent(struct wl_client *client, struct wl_resource *resource,
				struct wl_resource *parent)
{
	/* Stacking is by recency here; the parent link carries no extra policy. */
}

static char *copy_text(const char *text)
{
	size_t len = strnlen(text, 1024);
	char *copy = malloc(len + 1);
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

static void toplevel_set_title(struct wl_client *client, struct wl_resource *resource,
			       const char *title)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (!xdg)
		return;
	free(xdg->toplevel.title);
	xdg->toplevel.title = copy_text(title);
}

static void toplevel_set_app_id(struct wl_client *client, struct wl_resource *resource,
				const char *app_id)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (!xdg)
		return;
	free(xdg->toplevel.app_id);
	xdg->toplevel.app_id = copy_text(app_id);
}

static void toplevel_show_window_menu(struct wl_client *client, struct wl_resource *resource,
				      struct wl_resource *seat, uint32_t serial, int32_t x,
				      int32_t y)
{
	/* No window menu: the request is valid and ignored. */
}

static void toplevel_move(struct wl_client *client, struct wl_resource *resource,
			  struct wl_resource *seat_resource, uint32_t serial)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	struct seat *seat = seat_from_resource(seat_resource);
	/* Only in answer to a button press that is still held. */
	if (!xdg || !xdg->view || !xdg->view->mapped || !seat || seat->buttons_down == 0 ||
	    serial != xdg->server->last_button_serial)
		return;
	seat_start_move(seat, xdg->view);
}

static void toplevel_resize(struct wl_client *client, struct wl_resource *resource,
			    struct wl_resource *seat, uint32_t serial, uint32_t edges)
{
	if (edges > XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT || edges == 3 || edges == 7 ||
	    edges == 11 || edges == 12 || edges == 13 || edges == 14 || edges == 15) {
		wl_resource_post_error(resource, XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE,
				       "resize edge %u is not an xdg_toplevel.resize_edge", edges);
		return;
	}
	/* Interactive resize is not offered; windows keep the size they ask for. */
}

static void toplevel_set_max_size(struct wl_client *client, struct wl_resource *resource,
				  int32_t width, int32_t height)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (!xdg)
		return;
	if (width < 0 || height < 0) {
		wl_resource_post_error(resource, XDG_TOPLEVEL_ERROR_INVALID_SIZE,
				       "maximum size %dx%d is negative", width, height);
		return;
	}
	xdg->toplevel.pending_max_width = width;
	xdg->toplevel.pending_max_height = height;
}

static void toplevel_set_min_size(struct wl_client *client, struct wl_resource *resource,
				  int32_t width, int32_t height)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (!xdg)
		return;
	if (width < 0 || height < 0) {
		wl_resource_post_error(resource, XDG_TOPLEVEL_ERROR_INVALID_SIZE,
				       "minimum size %dx%d is negative", width, height);
		return;
	}
	xdg->toplevel.pending_min_width = width;
	xdg->toplevel.pending_min_height = height;
}

static void toplevel_request_state(struct wl_resource *resource, bool *field, bool value)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (!xdg)
		return;
	*field = value;
	if (xdg->view)
		view_arrange(xdg->view);
}

static void toplevel_set_maximized(struct wl_client *client, struct wl_resource *resource)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (xdg)
		toplevel_request_state(resource, &xdg->toplevel.want_maximized, true);
}

static void toplevel_unset_maximized(struct wl_client *client, struct wl_resource *resource)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (xdg)
		toplevel_request_state(resource, &xdg->toplevel.want_maximized, false);
}

static void toplevel_set_fullscreen(struct wl_client *client, struct wl_resource *resource,
				    struct wl_resource *output)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (xdg)
		toplevel_request_state(resource, &xdg->toplevel.want_fullscreen, true);
}

static void toplevel_unset_fullscreen(struct wl_client *client, struct wl_resource *resource)
{
	struct xdg_surface *xdg = toplevel_from(resource);
	if (xdg)
		toplevel_request_state(resource, &xdg->toplevel.want_fullscreen, false);
}

static void toplevel_set_minimized(struct wl_client *client, struct wl_resource *resource)
{
	/* Nowhere to minimize to on a seat without a task bar. */
}

static const struct xdg_toplevel_interface toplevel_impl = {
	.destroy = handle_destroy_request,
	.set_parent = toplevel_set_parent,
	.set_title = toplevel_set_title,
	.set_app_id = toplevel_set_app_id,
	.show_window_menu = toplevel_show_window_menu,
	.move = toplevel_move,
	.resize = toplevel_resize,
	.set_max_size = toplevel_set_max_size,
	.set_min_size = toplevel_set_min_size,
	.set_maximized = toplevel_set_maximized,
	.unset_maximized = toplevel_unset_maximized,
	.set_fullscreen = toplevel_set_fullscreen,
	.unset_fullscreen = toplevel_unset_fullscreen,
	.set_minimized = toplevel_set_minimized,
};

void xdg_surface_role_destroyed(struct xdg_surface *xdg)
{
	if (xdg->role == XDG_ROLE_POPUP) {
		xdg_popup_unlink(xdg);
	} else if (xdg->role == XDG_ROLE_TOPLEVEL) {
		struct xdg_surface *child, *tmp;
		wl_list_for_each_safe (child, tmp, &xdg->popups, popup_link)
			xdg_popup_dismiss(child);
	}
	view_destroy(xdg->view);
	xdg->view = NULL;
	xdg->role_resource = NULL;
	xdg->configured = false;
	xdg->sent_count = 0;
	if (xdg->configure_idle) {
		wl_event_source_remove(xdg->configure_idle);
		xdg->configure_idle = NULL;
	}
}

static void toplevel_handle_destroy(struct wl_resource *resource)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	free(xdg->toplevel.title);
	free(xdg->toplevel.app_id);
	xdg->toplevel.title = xdg->toplevel.app_id = NULL;
	xdg_surface_role_destroyed(xdg);
}

/* ---- xdg_surface ---- */

static bool xdg_check_role_free(struct xdg_surface *xdg)
{
	if (xdg->role != XDG_ROLE_NONE) {
		wl_resource_post_error(xdg->resource, XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED,
				       "the xdg_surface already has a role object");
		return false;
	}
	return true;
}

static void xdg_surface_get_toplevel(struct wl_client *client, struct wl_resource *resource,
				     uint32_t id)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg || !xdg_check_role_free(xdg))
		return;
	struct wl_resource *toplevel = wl_resource_create(client, &xdg_toplevel_interface,
							  wl_resource_get_version(resource), id);
	if (!toplevel) {
		wl_client_post_no_memory(client);
		return;
	}
	xdg->view = view_create(xdg->server, VIEW_TOPLEVEL, xdg, xdg->surface);
	if (!xdg->view) {
		wl_resource_destroy(toplevel);
		wl_client_post_no_memory(client);
		return;
	}
	xdg->role = XDG_ROLE_TOPLEVEL;
	xdg->role_resource = toplevel;
	wl_resource_set_implementation(toplevel, &toplevel_impl, xdg, toplevel_handle_destroy);
	view_arrange(xdg->view);
}

static void xdg_surface_get_popup(struct wl_client *client, struct wl_resource *resource,
				  uint32_t id, struct wl_resource *parent_resource,
				  struct wl_resource *positioner_resource)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg || !xdg_check_role_free(xdg))
		return;
	xdg_popup_create_role(xdg, client, wl_resource_get_version(resource), id, parent_resource,
			      positioner_resource);
}

static void xdg_surface_set_window_geometry(struct wl_client *client, struct wl_resource *resource,
					    int32_t x, int32_t y, int32_t width, int32_t height)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	if (xdg->role == XDG_ROLE_NONE) {
		wl_resource_post_error(resource, XDG_SURFACE_ERROR_NOT_CONSTRUCTED,
				       "set_window_geometry before get_toplevel or get_popup");
		return;
	}
	if (width <= 0 || height <= 0) {
		wl_resource_post_error(resource, XDG_SURFACE_ERROR_INVALID_SIZE,
				       "window geometry %dx%d is not positive", width, height);
		return;
	}
	xdg->pending_geometry = (struct box){x, y, width, height};
	xdg->pending_has_geometry = true;
}

static void xdg_surface_ack_configure(struct wl_client *client, struct wl_resource *resource,
				      uint32_t serial)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	if (xdg->role == XDG_ROLE_NONE) {
		wl_resource_post_error(resource, XDG_SURFACE_ERROR_NOT_CONSTRUCTED,
				       "ack_configure before get_toplevel or get_popup");
		return;
	}
	int found = -1;
	for (int i = 0; i < xdg->sent_count; i++) {
		if (xdg->sent_serials[i] == serial) {
			found = i;
			break;
		}
	}
	if (found < 0) {
		wl_resource_post_error(resource, XDG_SURFACE_ERROR_INVALID_SERIAL,
				       "serial %u was not sent in a configure event", serial);
		return;
	}
	/* This and every older configure are answered. */
	memmove(xdg->sent_serials, xdg->sent_serials + found + 1,
		sizeof(uint32_t) * (size_t)(xdg->sent_count - found - 1));
	xdg->sent_count -= found + 1;
	xdg->configured = true;
}

static const struct xdg_surface_interface xdg_surface_impl = {
	.destroy = handle_destroy_request,
	.get_toplevel = xdg_surface_get_toplevel,
	.get_popup = xdg_surface_get_popup,
	.set_window_geometry = xdg_surface_set_window_geometry,
	.ack_configure = xdg_surface_ack_configure,
};

bool xdg_surface_precommit(struct surface *surface)
{
	struct xdg_surface *xdg = surface->role_data;
	if (!xdg)
		return true;
	bool attaches =
		(surface->pending.committed & SURFACE_STATE_BUFFER) && surface->pending.buffer;
	if (xdg->role == XDG_ROLE_NONE) {
		if (attaches) {
			wl_resource_post_error(xdg->resource, XDG_SURFACE_ERROR_NOT_CONSTRUCTED,
					       "a buffer was committed before the role object");
			return false;
		}
		return true;
	}
	if (attaches && !xdg->configured) {
		wl_resource_post_error(xdg->resource, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER,
				       "a buffer was committed before the first configure was "
				       "acknowledged");
		return false;
	}
	return true;
}

void xdg_surface_committed(struct surface *surface)
{
	struct xdg_surface *xdg = surface->role_data;
	if (!xdg)
		return;
	if (xdg->pending_has_geometry) {
		struct box old = xdg_surface_geometry(xdg);
		xdg->geometry = xdg->pending_geometry;
		xdg->has_geometry = true;
		xdg->pending_has_geometry = false;
		if (xdg->view && xdg->view->mapped &&
		    (old.x != xdg->geometry.x || old.y != xdg->geometry.y))
			view_damage(xdg->view);
	}
	if (xdg->role == XDG_ROLE_TOPLEVEL) {
		xdg->toplevel.min_width = xdg->toplevel.pending_min_width;
		xdg->toplevel.min_height = xdg->toplevel.pending_min_height;
		xdg->toplevel.max_width = xdg->toplevel.pending_max_width;
		xdg->toplevel.max_height = xdg->toplevel.pending_max_height;
	}
	if (xdg->role == XDG_ROLE_NONE || !xdg->view)
		return;
	bool has_buffer = surface_has_buffer(xdg->surface);
	if (!xdg->configured) {
		/* The initial commit asks for the first configure. */
		if (!has_buffer)
			xdg_surface_schedule_configure(xdg);
		return;
	}
	if (has_buffer && !xdg->view->mapped) {
		if (xdg->role == XDG_ROLE_POPUP &&
		    (xdg->popup.dismissed || !xdg->popup.parent || !xdg->popup.parent->view ||
		     !xdg->popup.parent->view->mapped))
			return;
		view_map(xdg->view);
	} else if (!has_buffer && xdg->view->mapped) {
		view_unmap(xdg->view);
		/* A null buffer resets the surface: it must be configured again. */
		xdg->configured = false;
		xdg_surface_schedule_configure(xdg);
	} else if (xdg->view->mapped && !xdg->view->placed) {
		view_arrange(xdg->view);
	}
}

static void xdg_surface_release(struct xdg_surface *xdg)
{
	if (xdg->role != XDG_ROLE_NONE && xdg->role_resource) {
		wl_resource_set_user_data(xdg->role_resource, NULL);
		xdg_surface_role_destroyed(xdg);
	}
	if (xdg->configure_idle)
		wl_event_source_remove(xdg->configure_idle);
	free(xdg->toplevel.title);
	free(xdg->toplevel.app_id);
	wl_list_remove(&xdg->link);
	wl_list_remove(&xdg->surface_destroy.link);
	if (xdg->surface) {
		xdg->surface->role_data = NULL;
		xdg->surface->role_resource = NULL;
	}
}

static void handle_surface_destroy(struct wl_listener *listener, void *data)
{
	struct xdg_surface *xdg = wl_container_of(listener, xdg, surface_destroy);
	xdg_surface_release(xdg);
	xdg->surface = NULL;
	wl_list_init(&xdg->link);
	wl_list_init(&xdg->surface_destroy.link);
	wl_resource_set_user_data(xdg->resource, NULL);
	free(xdg);
}

static void xdg_surface_handle_destroy(struct wl_resource *resource)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	xdg_surface_release(xdg);
	free(xdg);
}

/* ---- xdg_wm_base ---- */

static void wm_base_create_positioner(struct wl_client *client, struct wl_resource *resource,
				      uint32_t id)
{
	xdg_positioner_create_resource(client, wl_resource_get_version(resource), id);
}

static void wm_base_get_xdg_surface(struct wl_client *client, struct wl_resource *resource,
				    uint32_t id, struct wl_resource *surface_resource)
{
	struct wm_base *base = wl_resource_get_user_data(resource);
	struct surface *surface = surface_from_resource(surface_resource);
	if (surface_has_buffer(surface) ||
	    (surface->pending.committed & SURFACE_STATE_BUFFER && surface->pending.buffer)) {
		wl_resource_post_error(resource, XDG_WM_BASE_ERROR_INVALID_SURFACE_STATE,
				       "wl_surface@%u already has a buffer",
				       wl_resource_get_id(surface_resource));
		return;
	}
	struct xdg_surface *xdg = calloc(1, sizeof(*xdg));
	if (!xdg) {
		wl_client_post_no_memory(client);
		return;
	}
	xdg->resource = wl_resource_create(client, &xdg_surface_interface,
					   wl_resource_get_version(resource), id);
	if (!xdg->resource) {
		free(xdg);
		wl_client_post_no_memory(client);
		return;
	}
	if (!surface_set_role(surface, SURFACE_ROLE_XDG, xdg, xdg->resource, resource,
			      XDG_WM_BASE_ERROR_ROLE)) {
		wl_resource_destroy(xdg->resource);
		free(xdg);
		return;
	}
	xdg->server = base->server;
	xdg->wm_base = resource;
	xdg->surface = surface;
	wl_list_init(&xdg->popups);
	wl_list_init(&xdg->popup_link);
	wl_list_insert(&base->surfaces, &xdg->link);
	xdg->surface_destroy.notify = handle_surface_destroy;
	wl_signal_add(&surface->events_destroy, &xdg->surface_destroy);
	wl_resource_set_implementation(xdg->resource, &xdg_surface_impl, xdg,
				       xdg_surface_handle_destroy);
}

static void wm_base_pong(struct wl_client *client, struct wl_resource *resource, uint32_t serial)
{
}

static void wm_base_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	struct wm_base *base = wl_resource_get_user_data(resource);
	if (!wl_list_empty(&base->surfaces)) {
		wl_resource_post_error(resource, XDG_WM_BASE_ERROR_DEFUNCT_SURFACES,
				       "xdg_wm_base destroyed while its surfaces live");
		return;
	}
	wl_resource_destroy(resource);
}

static const struct xdg_wm_base_interface wm_base_impl = {
	.destroy = wm_base_destroy_request,
	.create_positioner = wm_base_create_positioner,
	.get_xdg_surface = wm_base_get_xdg_surface,
	.pong = wm_base_pong,
};

static void wm_base_handle_destroy(struct wl_resource *resource)
{
	struct wm_base *base = wl_resource_get_user_data(resource);
	struct xdg_surface *xdg, *tmp;
	wl_list_for_each_safe (xdg, tmp, &base->surfaces, link) {
		wl_list_remove(&xdg->link);
		wl_list_init(&xdg->link);
	}
	free(base);
}

static void wm_base_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct wm_base *base = calloc(1, sizeof(*base));
	if (!base) {
		wl_client_post_no_memory(client);
		return;
	}
	base->server = data;
	wl_list_init(&base->surfaces);
	base->resource = resource_create(client, &xdg_wm_base_interface, version, id, &wm_base_impl,
					 base, wm_base_handle_destroy);
	if (!base->resource) {
		free(base);
		return;
	}
}

int xdg_shell_create(struct server *server)
{
	if (!wl_global_create(server->display, &xdg_wm_base_interface, WM_BASE_VERSION, server,
			      wm_base_bind))
		return -1;
	return 0;
}
