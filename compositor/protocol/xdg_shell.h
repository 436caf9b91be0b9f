/* xdg_wm_base objects shared between the protocol code and the window policy. */
#ifndef MULTISEAT_COMPOSITOR_XDG_SHELL_H
#define MULTISEAT_COMPOSITOR_XDG_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

#include "placement.h"

enum xdg_role {
	XDG_ROLE_NONE,
	XDG_ROLE_TOPLEVEL,
	XDG_ROLE_POPUP,
};

#define XDG_MAX_PENDING_CONFIGURES 32

struct xdg_surface {
	struct server *server;
	struct wl_resource *resource;
	struct wl_resource *wm_base;
	struct surface *surface;
	enum xdg_role role;
	struct wl_resource *role_resource;
	struct view *view;
	struct wl_list link; /* the wm_base's surfaces */

	bool configured; /* a configure was acked since the last unmap */
	bool has_geometry, pending_has_geometry;
	struct box geometry, pending_geometry;
	uint32_t sent_serials[XDG_MAX_PENDING_CONFIGURES];
	int sent_count;
	struct wl_event_source *configure_idle;
	struct wl_listener surface_destroy;

	struct {
		char *title, *app_id;
		int min_width, min_height, max_width, max_height;
		int pending_min_width, pending_min_height, pending_max_width, pending_max_height;
		bool want_fullscreen, want_maximized;
		int width, height; /* size to configure; 0 = the client chooses */
		bool activated;
	} toplevel;

	struct {
		struct xdg_surface *parent;
		struct positioner positioner;
		struct box box; /* relative to the parent's window geometry */
		bool grab;
		bool dismissed;
		uint32_t reposition_token;
		bool repositioned;
	} popup;
	struct wl_list popups; /* child popups, struct xdg_surface.popup_link */
	struct wl_list popup_link;
};

/* Sends a configure for the surface's current toplevel/popup state (coalesced per loop turn). */
void xdg_surface_schedule_configure(struct xdg_surface *xdg);
/* The window geometry: what the client set, or the surface's size. */
struct box xdg_surface_geometry(struct xdg_surface *xdg);
/* The role object went away: the xdg_surface may get a new role later. */
void xdg_surface_role_destroyed(struct xdg_surface *xdg);

#endif
