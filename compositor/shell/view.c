/* Window policy: kiosk (every toplevel fullscreen, newest on top) or a plain stacking desktop. */
#include "view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyboard.h"
#include "log.h"
#include "output.h"
#include "placement.h"
#include "pointer.h"
#include "protocols.h"
#include "seat.h"
#include "server.h"
#include "surface.h"
#include "text.h"
#include "xdg_popup.h"
#include "xdg_shell.h"

struct view *view_create(struct server *server, enum view_kind kind, struct xdg_surface *xdg,
			 struct surface *surface)
{
	struct view *view = calloc(1, sizeof(*view));
	if (!view)
		return NULL;
	view->server = server;
	view->kind = kind;
	view->xdg = xdg;
	view->surface = surface;
	wl_list_insert(&server->views, &view->link);
	return view;
}

void view_destroy(struct view *view)
{
	if (!view)
		return;
	if (view->mapped)
		view_unmap(view);
	struct view *other;
	wl_list_for_each (other, &view->server->views, link) {
		if (other->parent == view)
			other->parent = NULL;
	}
	wl_list_remove(&view->link);
	free(view);
}

void view_get_geometry(struct view *view, int *x, int *y, int *width, int *height)
{
	struct box box = xdg_surface_geometry(view->xdg);
	*x = box.x;
	*y = box.y;
	*width = box.width;
	*height = box.height;
}

static void damage_surface(struct surface *surface, int x, int y, void *data)
{
	server_damage_box(surface->server, x, y, surface->width, surface->height);
}

void view_damage(struct view *view)
{
	if (!view->mapped)
		return;
	int gx, gy, gw, gh;
	view_get_geometry(view, &gx, &gy, &gw, &gh);
	surface_tree_for_each(view->surface, view->x - gx, view->y - gy, damage_surface, NULL);
}

void view_move(struct view *view, int x, int y)
{
	if (view->x == x && view->y == y)
		return;
	view_damage(view);
	int dx = x - view->x, dy = y - view->y;
	view->x = x;
	view->y = y;
	view_damage(view);
	/* Popups travel with their parent. */
	struct view *child;
	wl_list_for_each (child, &view->server->views, link) {
		if (child->parent == view && child->kind == VIEW_POPUP)
			view_move(child, child->x + dx, child->y + dy);
	}
	seat_pointer_refocus(view->server->seat);
}

void view_raise(struct view *view)
{
	struct server *server = view->server;
	if (view->link.next == &server->views)
		return;
	wl_list_remove(&view->link);
	wl_list_insert(server->views.prev, &view->link);
	view_damage(view);
	/* Its popups stay above it. */
	struct view *child, *tmp;
	wl_list_for_each_safe (child, tmp, &server->views, link) {
		if (child->parent == view && child != view && child->kind == VIEW_POPUP)
			view_raise(child);
	}
}

static void set_activated(struct view *view, bool activated)
{
	if (view->kind != VIEW_TOPLEVEL || view->xdg->toplevel.activated == activated)
		return;
	view->xdg->toplevel.activated = activated;
	xdg_surface_schedule_configure(view->xdg);
}

void view_focus(struct view *view)
{
	struct server *server = view->server;
	struct view *other;
	wl_list_for_each (other, &server->views, link) {
		if (other != view && other->kind == VIEW_TOPLEVEL)
			set_activated(other, false);
	}
	set_activated(view, true);
	seat_set_keyboard_focus(server->seat, view->surface);
}

struct view *server_top_toplevel(struct server *server)
{
	struct view *view;
	wl_list_for_each_reverse (view, &server->views, link) {
		if (view->mapped && view->kind == VIEW_TOPLEVEL)
			return view;
	}
	return NULL;
}

static struct output *view_output(struct view *view)
{
	struct server *server = view->server;
	if (view->placed) {
		struct output *output = server_output_at(server, view->x, view->y);
		if (output)
			return output;
	}
	return server_primary_output(server);
}

static void set_size(struct view *view, int width, int height, bool fullscreen, bool maximized)
{
	struct xdg_surface *xdg = view->xdg;
	if (xdg->toplevel.width == width && xdg->toplevel.height == height &&
	    view->fullscreen == fullscreen && view->maximized == maximized && xdg->configured)
		return;
	xdg->toplevel.width = width;
	xdg->toplevel.height = height;
	view->fullscreen = fullscreen;
	view->maximized = maximized;
	xdg_surface_schedule_configure(xdg);
}

void view_arrange(struct view *view)
{
	struct server *server = view->server;
	if (view->kind == VIEW_POPUP) {
		xdg_popup_unconstrain(view->xdg);
		return;
	}
	struct xdg_surface *xdg = view->xdg;
	struct output *output = view_output(view);
	struct box area = output ? (struct box){output->x, output->y, output->width, output->height}
				 : (struct box){0, 0, 0, 0};
	bool fullscreen = server->options->kiosk || xdg->toplevel.want_fullscreen;
	bool maximized = !fullscreen && xdg->toplevel.want_maximized;
	bool was_floating = !view->fullscreen && !view->maximized;
	int gx, gy, gw, gh;
	view_get_geometry(view, &gx, &gy, &gw, &gh);

	if (fullscreen || maximized) {
		if (was_floating && view->placed) {
			view->saved_x = view->x;
			view->saved_y = view->y;
			view->saved_w = gw;
			view->saved_h = gh;
		}
		set_size(view, area.width, area.height, fullscreen, maximized);
		if (view->mapped) {
			/* A client smaller than asked is centred on its output. */
			int x = area.x + (gw < area.width ? (area.width - gw) / 2 : 0);
			int y = area.y + (gh < area.height ? (area.height - gh) / 2 : 0);
			view_move(view, x, y);
			view->placed = true;
		}
		return;
	}
	if (!was_floating) {
		set_size(view, view->saved_w, view->saved_h, false, false);
		if (view->saved_w > 0) {
			view_move(view, view->saved_x, view->saved_y);
			return;
		}
		view->placed = false;
	} else {
		set_size(view, xdg->toplevel.width, xdg->toplevel.height, false, false);
	}
	if (view->mapped && !view->placed && gw > 0) {
		int x, y;
		placement_center(&area, gw, gh, &x, &y);
		view->x = x;
		view->y = y;
		view->placed = true;
		view_damage(view);
	}
}

void view_map(struct view *view)
{
	struct server *server = view->server;
	view->mapped = true;
	wl_list_remove(&view->link);
	wl_list_insert(server->views.prev, &view->link);
	if (view->kind == VIEW_POPUP) {
		struct xdg_surface *parent = view->xdg->popup.parent;
		if (parent && parent->view)
			view_move(view, parent->view->x + view->xdg->popup.box.x,
				  parent->view->y + view->xdg->popup.box.y);
		view->placed = true;
		view_damage(view);
		if (view->xdg->popup.grab)
			seat_set_keyboard_focus(server->seat, view->surface);
	} else {
		view->placed = false;
		view_arrange(view);
		view_damage(view);
		view_focus(view);
	}
	seat_pointer_refocus(server->seat);
}

static bool view_has_focus(struct view *view)
{
	struct surface *focus = view->server->seat->keyboard_focus;
	while (focus) {
		if (focus == view->surface)
			return true;
		if (focus->role != SURFACE_ROLE_SUBSURFACE || !focus->role_data)
			return false;
		focus = ((struct subsurface *)focus->role_data)->parent;
	}
	return false;
}

void view_unmap(struct view *view)
{
	struct server *server = view->server;
	view_damage(view);
	bool focused = view_has_focus(view);
	view->mapped = false;
	seat_view_unmapped(server->seat, view);
	if (focused) {
		struct view *next = NULL;
		if (view->kind == VIEW_POPUP && view->parent && view->parent->mapped)
			next = view->parent;
		if (!next)
			next = server_top_toplevel(server);
		if (next && next->kind == VIEW_TOPLEVEL)
			view_focus(next);
		else if (next)
			seat_set_keyboard_focus(server->seat, next->surface);
		else
			seat_set_keyboard_focus(server->seat, NULL);
	}
	seat_pointer_refocus(server->seat);
}

struct view *view_at(struct server *server, double x, double y, struct surface **surface,
		     double *sx, double *sy)
{
	struct view *view;
	wl_list_for_each_reverse (view, &server->views, link) {
		if (!view->mapped)
			continue;
		int gx, gy, gw, gh;
		view_get_geometry(view, &gx, &gy, &gw, &gh);
		struct surface *hit =
			surface_tree_at(view->surface, view->x - gx, view->y - gy, x, y, sx, sy);
		if (hit) {
			*surface = hit;
			return view;
		}
	}
	*surface = NULL;
	return NULL;
}

void server_arrange_views(struct server *server)
{
	struct view *view, *tmp;
	wl_list_for_each_safe (view, tmp, &server->views, link) {
		if (view->kind == VIEW_TOPLEVEL) {
			/* Windows left on an output that went away come back to the first one. */
			if (view->placed && !view->fullscreen && !view->maximized &&
			    !server_output_at(server, view->x, view->y))
				view->placed = false;
			view_arrange(view);
		}
	}
}

void server_cycle_focus(struct server *server)
{
	/* Alt+Tab: the bottom-most window comes to the top, so repeated presses visit all. */
	struct view *view;
	wl_list_for_each (view, &server->views, link) {
		if (view->mapped && view->kind == VIEW_TOPLEVEL) {
			if (view == server_top_toplevel(server))
				return;
			view_raise(view);
			view_focus(view);
			return;
		}
	}
}

int server_set_identify(struct server *server, const char *text)
{
	char *copy = NULL;
	if (text && *text) {
		if (!server->text) {
			server->text = text_renderer_create(IDENTIFY_FONT);
			if (!server->text) {
				log_error("the identify screen's font '%s' is not available",
					  IDENTIFY_FONT);
				return -ENOENT;
			}
		}
		copy = strdup(text);
		if (!copy)
			return -ENOMEM;
	}
	free(server->identify_text);
	server->identify_text = copy;
	if (!server->seat) /* at start-up, before any client */
		return 0;
	if (copy) {
		/* One log line (a journal entry per line otherwise): its lines joined by " / ". */
		char line[2048];
		size_t n = 0;
		for (const char *c = copy; *c && n + 4 < sizeof(line); c++) {
			if (*c == '\n') {
				memcpy(line + n, " / ", 3);
				n += 3;
			} else {
				line[n++] = *c;
			}
		}
		line[n] = '\0';
		log_info("identify screen: %s", line);
		seat_set_keyboard_focus(server->seat, NULL);
	} else {
		log_info("identify screen off");
		struct view *top = server_top_toplevel(server);
		if (top)
			view_focus(top);
	}
	seat_pointer_refocus(server->seat);
	server_damage_whole(server);
	return 0;
}
