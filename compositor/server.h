/* The compositor's shared model: server, outputs, surfaces, views and the backend interface. */
#ifndef MULTISEAT_COMPOSITOR_SERVER_H
#define MULTISEAT_COMPOSITOR_SERVER_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

#include "damage.h"
#include "options.h"

struct server;
struct output;
struct seat;
struct session;
struct text_renderer;
struct draw_item;

/* What a backend does for its outputs; the core calls these, never the hardware. */
struct backend_impl {
	/* Ask for output_repaint() at the output's next opportunity (timer tick or after the flip).
	 */
	void (*schedule_frame)(struct output *output);
	/* The image to draw the next frame into; `age` as in EGL buffer age (0 = undefined). */
	int (*begin_frame)(struct output *output, pixman_image_t **image, int *age);
	/* Shows what begin_frame returned; the backend calls output_presented() when it is on
	 * screen. */
	int (*commit_frame)(struct output *output, const pixman_region32_t *damage);
	/* Optional: show a client's wl_shm `buffer` as the next frame instead of a composed
	 * image; 0 when it will (output_presented follows, as after commit_frame). */
	int (*scanout)(struct output *output, struct wl_resource *buffer);
	void (*destroy)(struct server *server);
};

struct output {
	struct server *server;
	struct wl_list link; /* server.outputs, left to right */
	uint64_t order;	     /* the backend's: server.outputs is sorted by it */
	void *backend_data;
	char name[32];
	char description[64];
	int x, y, width, height;
	int refresh_mhz;
	int mm_width, mm_height;
	struct wl_global *global;
	struct wl_list resources; /* wl_output resources */
	struct wl_list xdg_resources;

	pixman_region32_t damage;	    /* to repaint, output-local */
	struct damage_history history;	    /* of the frames shown, for buffer age */
	bool frame_scheduled;		    /* the backend will call output_repaint */
	bool needs_frame;		    /* something wants a repaint or frame callbacks */
	bool frame_had_damage;		    /* the last presented frame changed pixels */
	struct wl_event_source *idle_timer; /* frame callbacks when nothing changed on screen */
	uint64_t last_present_ns;
	uint32_t sequence;
	/* A flip done long before its refresh, held until then (see output_presented). */
	int pace_fd; /* timerfd, -1 until first needed */
	struct wl_event_source *pace_source;
	uint64_t paced_ns;
	uint32_t paced_sequence;

	/*
	 * Commits failed in a row. A lease the daemon revokes fails the commits made before its
	 * LINK_DRM_REVOKED (or SIGTERM) arrives: the first failure is retried quietly, a second
	 * one is said once, and then it is retried slowly.
	 */
	unsigned int commit_failures;
	pixman_image_t *last_image; /* what is on screen now, for screencopy; see scanout_buffer */
	/* A client's wl_buffer shown as it is, instead of last_image. Its wl_buffer.release waits
	 * until the output shows something else (release_pending: the surface has let it go). */
	struct wl_resource *scanout_buffer;
	struct wl_listener scanout_buffer_destroy;
	bool scanout_release_pending;
	/* render.c: what render_prepare found on this output, bottom to top */
	struct draw_item *draw_items;
	int draw_count, draw_capacity;
	bool draw_cursor_image; /* the built-in arrow, at cursor_x/y */
	int cursor_x, cursor_y;
	pixman_image_t *cursor_image;
	struct wl_list feedbacks; /* presentation feedback of surfaces in the frame in flight */
	struct wl_signal events_frame; /* after every repaint, data: struct output */
	struct wl_signal events_destroy;
};

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

struct server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct options *options;
	const char *socket;
	int exit_code;

	const struct backend_impl *backend;
	void *backend_data;
	struct wl_list outputs;
	struct wl_list surfaces;
	struct wl_list views; /* bottom to top */
	struct seat *seat;
	struct evdev *evdev;	/* NULL when the seat has no input devices (headless) */
	struct seat_link *link; /* under multiseatd */
	struct session *session;
	struct text_renderer *text;
	uint32_t background; /* a8r8g8b8 */

	uint32_t last_button_serial; /* xdg_toplevel.move must answer this press */
	char *identify_text;	     /* when set, every output shows this instead of the session */
	struct greeter *greeter;     /* a desktop desk under multiseatd (LINK_HELLO_GREETER) */
	bool greeting;		     /* the greeter shows: no session runs */

	struct wl_global *compositor_global, *subcompositor_global;
	struct wl_signal events_new_output;
};

/* The identify screen's font (fonts-dejavu-core). */
#define IDENTIFY_FONT "DejaVu Sans"

/* The screen is the compositor's (identify text or greeter): no client gets input. */
static inline bool server_covered(const struct server *server)
{
	return server->identify_text || server->greeting;
}

/* view.c */
/*
 * Shows `text` on every output instead of the session (NULL or "": the session again).
 * Clients lose keyboard and pointer focus meanwhile. -ENOENT when the font is missing.
 */
int server_set_identify(struct server *server, const char *text);

/* output.c */
/* `order` places it among the others, left to right (equal: after those there already). */
struct output *output_create(struct server *server, const char *name, int width, int height,
			     int refresh_mhz, uint64_t order, void *backend_data);
void output_destroy(struct output *output);
void output_damage_box(struct output *output, int x, int y, int width, int height);
void output_damage_whole(struct output *output);
void output_schedule_frame(struct output *output);
/* 1 when a frame was committed, 0 when nothing changed (frame callbacks follow), <0 on error. */
int output_repaint(struct output *output);
void output_presented(struct output *output, uint64_t time_ns, uint32_t sequence);
void server_damage_box(struct server *server, int x, int y, int width, int height);
void server_damage_whole(struct server *server);
void server_schedule_frames(struct server *server);
struct output *server_output_at(struct server *server, double x, double y);
struct output *server_primary_output(struct server *server);
struct output *output_from_resource(struct wl_resource *resource);
void server_arrange_outputs(struct server *server);
/* What the output shows now, to read (screencopy); NULL before the first frame. Unref it. */
pixman_image_t *output_snapshot(struct output *output);
/* True when the output still shows `buffer`: its release is deferred until it no longer does. */
bool server_defer_buffer_release(struct server *server, struct wl_resource *buffer);
/* A surface holds `buffer` again (attached anew before the output let go): it releases it. */
void server_retake_buffer(struct server *server, struct wl_resource *buffer);

/* surface.c */
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

/* render.c */
/* Gathers what is on `output` for the next frame; returns the surface that alone covers it,
 * opaque and unscaled, whose buffer can be shown without composition (else NULL). */
struct surface *render_prepare(struct output *output);
/* Draws what render_prepare gathered, within `damage`. */
void render_output(struct output *output, pixman_image_t *image, pixman_region32_t *damage);
/* The frame shows what render_prepare gathered without render_output (scan-out): presentation
 * feedback of every surface on it follows this frame, as render_output does for its own. */
void render_mark_drawn(struct output *output);
void render_finish(struct output *output);

/* view.c */
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
