/* wl_surface and wl_subsurface: the surface model, its double-buffered state and roles. */
#ifndef MULTISEAT_COMPOSITOR_SURFACE_H
#define MULTISEAT_COMPOSITOR_SURFACE_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

struct server;

enum surface_role {
	SURFACE_ROLE_NONE,
	SURFACE_ROLE_XDG,
	SURFACE_ROLE_SUBSURFACE,
	SURFACE_ROLE_CURSOR,
};

enum surface_state_field {
	SURFACE_STATE_BUFFER = 1 << 0,
	SURFACE_STATE_SCALE = 1 << 1,
	SURFACE_STATE_INPUT = 1 << 2,
	SURFACE_STATE_OPAQUE = 1 << 3,
	SURFACE_STATE_VIEWPORT = 1 << 4,
};

struct surface_state {
	uint32_t committed;	    /* enum surface_state_field */
	struct wl_resource *buffer; /* NULL with BUFFER set = detach */
	struct wl_listener buffer_destroy;
	int dx, dy;
	int scale;
	pixman_region32_t damage; /* surface coordinates */
	pixman_region32_t buffer_damage;
	pixman_region32_t input;
	pixman_region32_t opaque;
	bool has_src, has_dst;
	double src_x, src_y, src_w, src_h;
	int dst_w, dst_h;
	struct wl_list frame_callbacks;
	struct wl_list feedbacks; /* presentation feedback */
};

struct surface {
	struct server *server;
	struct wl_resource *resource;
	struct wl_list link; /* server.surfaces */
	enum surface_role role;
	void *role_data; /* struct xdg_surface, struct subsurface */
	struct wl_resource *role_resource;

	struct surface_state pending, current;
	/* The committed wl_shm buffer; kept until the next buffer replaces it. */
	struct wl_resource *buffer;
	struct wl_listener buffer_destroy;
	int buffer_width, buffer_height;
	uint32_t buffer_format; /* wl_shm format */
	int width, height;	/* surface-local size after scale and viewport */
	bool opaque;		/* every pixel is opaque: XRGB or an opaque region covering it */
	struct wl_resource *viewport;
	struct wl_listener viewport_destroy;

	struct wl_list subsurfaces_below; /* struct subsurface.parent_link, bottom to top */
	struct wl_list subsurfaces_above;
	struct wl_list frame_callbacks; /* committed, waiting for a repaint */
	struct wl_list feedbacks;	/* committed presentation feedback */
	struct wl_signal events_destroy;
};

struct subsurface {
	struct surface *surface, *parent;
	struct wl_resource *resource;
	struct wl_list parent_link;
	struct wl_listener parent_destroy;
	struct wl_listener surface_destroy;
	int x, y, pending_x, pending_y;
	bool synchronized;
	bool has_cache;
	struct surface_state cached;
};

int surface_globals_create(struct server *server);
struct surface *surface_from_resource(struct wl_resource *resource);
/* Claims a role; posts a protocol error on `error_resource` and returns false when it has another.
 */
bool surface_set_role(struct surface *surface, enum surface_role role, void *role_data,
		      struct wl_resource *role_resource, struct wl_resource *error_resource,
		      uint32_t error_code);
void surface_damage_where_drawn(struct surface *surface);
void surface_send_frame_done(struct surface *surface, uint32_t time_ms);
void surface_tree_for_each(struct surface *surface, int x, int y,
			   void (*fn)(struct surface *s, int x, int y, void *data), void *data);
struct surface *surface_tree_at(struct surface *surface, int x, int y, double px, double py,
				double *sx, double *sy);
bool surface_has_buffer(struct surface *surface);
/* The surface's top-left corner in global coordinates; false when it is not on screen. */
bool surface_get_position(struct surface *surface, int *x, int *y);

void surface_state_init(struct surface_state *state);
void surface_state_finish(struct surface_state *state);
/* Moves what `src` carries into `dst` (pending -> a sub-surface's cache). */
void surface_state_move(struct surface_state *dst, struct surface_state *src);

/* Makes `from` (pending or a sub-surface's cache) the surface's current state. */
void surface_apply(struct surface *surface, struct surface_state *from);
/* A sub-surface whose commits wait for its parent's (itself or through an ancestor). */
bool surface_is_synchronized(struct surface *surface);
/* surface_tree_for_each callback: damages where the surface is, at x, y. */
void surface_damage_at(struct surface *surface, int x, int y, void *data);

/* subsurface.c */
int subcompositor_create(struct server *server);
/* The parent committed: sub-surfaces take their new positions and cached states. */
void subsurfaces_parent_committed(struct surface *parent);

#endif
