/* Windows: mapped xdg toplevels and popups in the global space, their stacking, focus and
 * placement, and the identify screen over them. */
#ifndef MULTISEAT_COMPOSITOR_VIEW_H
#define MULTISEAT_COMPOSITOR_VIEW_H

#include <stdbool.h>
#include <wayland-server-core.h>

struct server;
struct surface;
struct xdg_surface;

enum view_kind {
	VIEW_TOPLEVEL,
	VIEW_POPUP,
};

/* A mapped xdg toplevel or popup placed in the global space; server.views is the stacking order. */
struct view {
	struct server *server;
	struct wl_list link;
	enum view_kind kind;
	struct xdg_surface *xdg;
	struct surface *surface;
	struct view *parent; /* popups: the view they belong to */
	int x, y;	     /* of the window geometry's top-left corner */
	bool mapped;
	bool fullscreen, maximized;
	int saved_x, saved_y, saved_w, saved_h; /* before fullscreen or maximize */
	bool placed;
};

/*
 * Shows `text` on every output instead of the session (NULL or "": the session again).
 * Clients lose keyboard and pointer focus meanwhile. -ENOENT when the font is missing.
 */
int server_set_identify(struct server *server, const char *text);

struct view *view_create(struct server *server, enum view_kind kind, struct xdg_surface *xdg,
			 struct surface *surface);
void view_destroy(struct view *view);
void view_map(struct view *view);
void view_unmap(struct view *view);
void view_damage(struct view *view);
void view_move(struct view *view, int x, int y);
void view_raise(struct view *view);
void view_focus(struct view *view);
struct view *view_at(struct server *server, double x, double y, struct surface **surface,
		     double *sx, double *sy);
void view_get_geometry(struct view *view, int *x, int *y, int *width, int *height);
void view_arrange(struct view *view);
void server_arrange_views(struct server *server);
struct view *server_top_toplevel(struct server *server);
void server_cycle_focus(struct server *server);

#endif
