/* xdg_popup and xdg_positioner, for the shell (xdg_shell.c) and the window policy (view.c). */
#ifndef MULTISEAT_COMPOSITOR_XDG_POPUP_H
#define MULTISEAT_COMPOSITOR_XDG_POPUP_H

#include <stdint.h>
#include <wayland-server-core.h>

struct xdg_surface;

/* xdg_wm_base.create_positioner. */
void xdg_positioner_create_resource(struct wl_client *client, uint32_t version, uint32_t id);
/* xdg_surface.get_popup on a surface without a role: checks the positioner and the parent, then
 * gives the surface the popup role and its view. */
void xdg_popup_create_role(struct xdg_surface *xdg, struct wl_client *client, uint32_t version,
			   uint32_t id, struct wl_resource *parent_resource,
			   struct wl_resource *positioner_resource);
/* The popup role is going away: detaches the popup from its parent and its children from it. */
void xdg_popup_unlink(struct xdg_surface *popup);

/* Places the popup inside the output its parent is on. */
void xdg_popup_unconstrain(struct xdg_surface *popup);
/* Sends popup_done to the popup and its children, topmost first. */
void xdg_popup_dismiss(struct xdg_surface *popup);

#endif
