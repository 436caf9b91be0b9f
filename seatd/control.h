/* multiseatd's control socket server: JSON lines from multiseatctl, privilege checks, replies. */
#ifndef MULTISEAT_SEATD_CONTROL_H
#define MULTISEAT_SEATD_CONTROL_H

#include "control_message.h"

struct wl_event_loop;

struct control_handler {
	/*
	 * Returns 0 with *result set (a json_object the control module sends and puts), or
	 * CONTROL_ERROR_USAGE / CONTROL_ERROR_FAILED with a one-line message in `error`. Only
	 * known commands with the right number of arguments arrive here, and changing commands
	 * only from privileged peers. Must not destroy the control.
	 */
	int (*handle)(void *data, const struct control_request *request,
		      struct json_object **result, char *error, size_t error_size);
};

/*
 * Listens on a Unix stream socket at `path` (mode 0666: reading is for everyone). A stale
 * socket file is replaced; a live one (another daemon answers) is -EADDRINUSE, a file that is
 * not a socket -EEXIST. NULL with errno set on failure.
 */
struct control *control_create(struct wl_event_loop *loop, const char *path,
			       const struct control_handler *handler, void *data);
/* Disconnects every client and removes the socket file (if it is still the one created). */
void control_destroy(struct control *control);
/* The group whose members may change things (default CONTROL_GROUP); for tests mostly. */
int control_set_group(struct control *control, const char *name);

#endif
