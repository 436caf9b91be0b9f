/* The compositor's core: the server and the backend interface (outputs: output.h, surfaces:
 * surface.h, windows: view.h). */
#ifndef MULTISEAT_COMPOSITOR_SERVER_H
#define MULTISEAT_COMPOSITOR_SERVER_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

#include "options.h"

struct server;
struct output;
struct seat;
struct session;
struct text_renderer;

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

#endif
