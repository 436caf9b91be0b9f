/* The smaller protocol globals, each in its own file, and the hooks the core calls into them. */
#ifndef MULTISEAT_COMPOSITOR_PROTOCOLS_H
#define MULTISEAT_COMPOSITOR_PROTOCOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

#include "viewporter-server-protocol.h"

struct server;
struct output;
struct surface;

/* xdg_shell.c */
int xdg_shell_create(struct server *server);
/* Checks an xdg surface's commit (configure acked, role set); false after a protocol error. */
bool xdg_surface_precommit(struct surface *surface);
/* The xdg surface's state follows its wl_surface's commit (after surface_apply). */
void xdg_surface_committed(struct surface *surface);
bool xdg_surface_get_position(struct surface *surface, int *x, int *y);
void xdg_note_button_serial(struct server *server, uint32_t serial);

/* xdg_popup.c */
void popup_dismiss_all(struct server *server);

/* presentation.c: wp_presentation */
int presentation_create(struct server *server);
void presentation_discard_list(struct wl_list *feedbacks);
void presentation_surface_drawn(struct surface *surface, struct output *output);
void presentation_output_presented(struct server *server, struct output *output, uint64_t time_ns,
				   uint32_t sequence);
void presentation_output_destroyed(struct output *output);

/* xdg_output.c: zxdg_output_manager_v1 */
int xdg_output_manager_create(struct server *server);
void xdg_output_send_state(struct output *output);

/* viewporter.c: wp_viewporter */
int viewporter_create(struct server *server);

/* decoration.c: zxdg_decoration_manager_v1 */
int decoration_manager_create(struct server *server);

/* screencopy.c: zwlr_screencopy_manager_v1 */
int screencopy_manager_create(struct server *server);

/* virtual_input.c: zwp_virtual_keyboard_manager_v1 and zwlr_virtual_pointer_manager_v1 */
int virtual_input_create(struct server *server);

#endif
