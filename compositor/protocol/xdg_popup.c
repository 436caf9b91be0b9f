/* xdg_popup and xdg_positioner: placement inside the output, grabs, repositioning, dismissal. */
#include "xdg_popup.h"

#include <stdlib.h>

#include <wayland-server-protocol.h>

#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "view.h"
#include "xdg-shell-server-protocol.h"
#include "xdg_shell.h"

static void handle_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

/* ---- positioner ---- */

static void positioner_set_size(struct wl_client *client, struct wl_resource *resource,
				int32_t width, int32_t height)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	if (width < 1 || height < 1) {
		wl_resource_post_error(resource, XDG_POSITIONER_ERROR_INVALID_INPUT,
				       "size %dx%d is not positive", width, height);
		return;
	}
	p->width = width;
	p->height = height;
	p->has_size = true;
}

static void positioner_set_anchor_rect(struct wl_client *client, struct wl_resource *resource,
				       int32_t x, int32_t y, int32_t width, int32_t height)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	if (width < 0 || height < 0) {
		wl_resource_post_error(resource, XDG_POSITIONER_ERROR_INVALID_INPUT,
				       "anchor rectangle %dx%d is negative", width, height);
		return;
	}
	p->anchor_rect = (struct box){x, y, width, height};
	p->has_anchor_rect = true;
}

static void positioner_set_anchor(struct wl_client *client, struct wl_resource *resource,
				  uint32_t anchor)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	if (anchor > XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT) {
		wl_resource_post_error(resource, XDG_POSITIONER_ERROR_INVALID_INPUT,
				       "anchor %u is not an xdg_positioner.anchor", anchor);
		return;
	}
	p->anchor = anchor;
}

static void positioner_set_gravity(struct wl_client *client, struct wl_resource *resource,
				   uint32_t gravity)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	if (gravity > XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT) {
		wl_resource_post_error(resource, XDG_POSITIONER_ERROR_INVALID_INPUT,
				       "gravity %u is not an xdg_positioner.gravity", gravity);
		return;
	}
	p->gravity = gravity;
}

static void positioner_set_constraint_adjustment(struct wl_client *client,
						 struct wl_resource *resource, uint32_t adjustment)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	p->constraint_adjustment = adjustment;
}

static void positioner_set_offset(struct wl_client *client, struct wl_resource *resource, int32_t x,
				  int32_t y)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	p->offset_x = x;
	p->offset_y = y;
}

static void positioner_set_reactive(struct wl_client *client, struct wl_resource *resource)
{
	struct positioner *p = wl_resource_get_user_data(resource);
	p->reactive = true;
}

static void positioner_set_parent_size(struct wl_client *client, struct wl_resource *resource,
				       int32_t width, int32_t height)
{
	/* Only a hint for reactive popups; the parent's real size is known here. */
}

static void positioner_set_parent_configure(struct wl_client *client, struct wl_resource *resource,
					    uint32_t serial)
{
}

static const struct xdg_positioner_interface positioner_impl = {
	.destroy = handle_destroy_request,
	.set_size = positioner_set_size,
	.set_anchor_rect = positioner_set_anchor_rect,
	.set_anchor = positioner_set_anchor,
	.set_gravity = positioner_set_gravity,
	.set_constraint_adjustment = positioner_set_constraint_adjustment,
	.set_offset = positioner_set_offset,
	.set_reactive = positioner_set_reactive,
	.set_parent_size = positioner_set_parent_size,
	.set_parent_configure = positioner_set_parent_configure,
};

static void positioner_handle_destroy(struct wl_resource *resource)
{
	free(wl_resource_get_user_data(resource));
}

void xdg_positioner_create_resource(struct wl_client *client, uint32_t version, uint32_t id)
{
	struct positioner *p = calloc(1, sizeof(*p));
	if (!p) {
		wl_client_post_no_memory(client);
		return;
	}
	struct wl_resource *positioner =
		resource_create(client, &xdg_positioner_interface, version, id, &positioner_impl, p,
				positioner_handle_destroy);
	if (!positioner) {
		free(p);
		return;
	}
}

/* ---- popups ---- */

void xdg_popup_unconstrain(struct xdg_surface *popup)
{
	struct xdg_surface *parent = popup->popup.parent;
	struct box bounds = {-(1 << 20), -(1 << 20), 1 << 21, 1 << 21};
	if (parent && parent->view && parent->view->mapped) {
		struct output *output =
			server_output_at(popup->server, parent->view->x, parent->view->y);
		if (!output)
			output = server_primary_output(popup->server);
		if (output)
			bounds = (struct box){output->x - parent->view->x,
					      output->y - parent->view->y, output->width,
					      output->height};
	}
	popup->popup.box = placement_popup(&popup->popup.positioner, &bounds);
	if (popup->view) {
		view_damage(popup->view);
		if (parent && parent->view)
			view_move(popup->view, parent->view->x + popup->popup.box.x,
				  parent->view->y + popup->popup.box.y);
	}
}

void xdg_popup_dismiss(struct xdg_surface *popup)
{
	struct xdg_surface *child, *tmp;
	wl_list_for_each_safe (child, tmp, &popup->popups, popup_link)
		xdg_popup_dismiss(child);
	if (popup->popup.dismissed || !popup->role_resource)
		return;
	popup->popup.dismissed = true;
	if (popup->view && popup->view->mapped)
		view_unmap(popup->view);
	xdg_popup_send_popup_done(popup->role_resource);
}

void popup_dismiss_all(struct server *server)
{
	struct view *view, *tmp;
	wl_list_for_each_safe (view, tmp, &server->views, link) {
		if (view->kind == VIEW_POPUP && view->xdg->popup.grab && view->mapped)
			xdg_popup_dismiss(view->xdg);
	}
}

static void popup_grab(struct wl_client *client, struct wl_resource *resource,
		       struct wl_resource *seat, uint32_t serial)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	if (xdg->view && xdg->view->mapped) {
		wl_resource_post_error(resource, XDG_POPUP_ERROR_INVALID_GRAB,
				       "the popup is already mapped");
		return;
	}
	xdg->popup.grab = true;
}

static void popup_reposition(struct wl_client *client, struct wl_resource *resource,
			     struct wl_resource *positioner_resource, uint32_t token)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	struct positioner *p = wl_resource_get_user_data(positioner_resource);
	if (!xdg)
		return;
	if (!p->has_size || !p->has_anchor_rect) {
		wl_resource_post_error(xdg->wm_base, XDG_WM_BASE_ERROR_INVALID_POSITIONER,
				       "the positioner lacks a size or an anchor rectangle");
		return;
	}
	xdg->popup.positioner = *p;
	xdg->popup.reposition_token = token;
	xdg->popup.repositioned = true;
	xdg_popup_unconstrain(xdg);
	xdg_surface_schedule_configure(xdg);
}

static const struct xdg_popup_interface popup_impl = {
	.destroy = handle_destroy_request,
	.grab = popup_grab,
	.reposition = popup_reposition,
};

static void popup_handle_destroy(struct wl_resource *resource)
{
	struct xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (!xdg)
		return;
	if (!wl_list_empty(&xdg->popups)) {
		wl_resource_post_error(xdg->wm_base, XDG_WM_BASE_ERROR_NOT_THE_TOPMOST_POPUP,
				       "a popup was destroyed before its child popups");
	}
	xdg_surface_role_destroyed(xdg);
}

void xdg_popup_create_role(struct xdg_surface *xdg, struct wl_client *client, uint32_t version,
			   uint32_t id, struct wl_resource *parent_resource,
			   struct wl_resource *positioner_resource)
{
	struct positioner *p = wl_resource_get_user_data(positioner_resource);
	if (!p->has_size || !p->has_anchor_rect) {
		wl_resource_post_error(xdg->wm_base, XDG_WM_BASE_ERROR_INVALID_POSITIONER,
				       "the positioner lacks a size or an anchor rectangle");
		return;
	}
	struct xdg_surface *parent =
		parent_resource ? wl_resource_get_user_data(parent_resource) : NULL;
	if (!parent || parent->role == XDG_ROLE_NONE) {
		wl_resource_post_error(xdg->wm_base, XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT,
				       "popups need a parent xdg_surface with a role");
		return;
	}
	struct wl_resource *popup = wl_resource_create(client, &xdg_popup_interface, version, id);
	if (!popup) {
		wl_client_post_no_memory(client);
		return;
	}
	xdg->view = view_create(xdg->server, VIEW_POPUP, xdg, xdg->surface);
	if (!xdg->view) {
		wl_resource_destroy(popup);
		wl_client_post_no_memory(client);
		return;
	}
	xdg->view->parent = parent->view;
	xdg->role = XDG_ROLE_POPUP;
	xdg->role_resource = popup;
	xdg->popup.parent = parent;
	xdg->popup.positioner = *p;
	xdg->popup.dismissed = false;
	xdg->popup.grab = false;
	wl_list_insert(parent->popups.prev, &xdg->popup_link);
	wl_resource_set_implementation(popup, &popup_impl, xdg, popup_handle_destroy);
	xdg_popup_unconstrain(xdg);
}

void xdg_popup_unlink(struct xdg_surface *popup)
{
	struct xdg_surface *child, *tmp;
	wl_list_for_each_safe (child, tmp, &popup->popups, popup_link) {
		wl_list_remove(&child->popup_link);
		wl_list_init(&child->popup_link);
		child->popup.parent = NULL;
	}
	wl_list_remove(&popup->popup_link);
	wl_list_init(&popup->popup_link);
	popup->popup.parent = NULL;
}
