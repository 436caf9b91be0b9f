/* multiseat-compositor: the per-seat Wayland compositor's entry point. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-server.h>

#include "backend.h"
#include "config.h"
#include "data_device.h"
#include "evdev.h"
#include "greeter.h"
#include "log.h"
#include "options.h"
#include "protocol.h"
#include "protocols.h"
#include "seat.h"
#include "seat_link.h"
#include "server.h"
#include "session.h"
#include "surface.h"
#include "text.h"
#include "view.h"

static int handle_terminate(int signal, void *data)
{
	struct server *server = data;
	log_info("signal %d: shutting down", signal);
	wl_display_terminate(server->display);
	return 0;
}

static int create_globals(struct server *server)
{
	if (wl_display_init_shm(server->display) < 0 || surface_globals_create(server) < 0 ||
	    xdg_shell_create(server) < 0 || xdg_output_manager_create(server) < 0 ||
	    viewporter_create(server) < 0 || decoration_manager_create(server) < 0 ||
	    presentation_create(server) < 0 || screencopy_manager_create(server) < 0 ||
	    data_device_manager_create(server) < 0)
		return -1;
	if (server->options->virtual_input && virtual_input_create(server) < 0)
		return -1;
	return 0;
}

int main(int argc, char *argv[])
{
	struct options options;
	char error[256];
	if (options_parse(&options, argc, argv, error, sizeof(error)) < 0) {
		fprintf(stderr, "multiseat-compositor: %s\nTry 'multiseat-compositor --help'.\n",
			error);
		return 2;
	}
	if (options.action == OPTIONS_HELP) {
		fputs(options_usage, stdout);
		return 0;
	}
	if (options.action == OPTIONS_VERSION) {
		printf("multiseat-compositor %s\n", MULTISEAT_VERSION);
		return 0;
	}
	log_init(options.log_level, "multiseat-compositor");

	struct server server = {
		.options = &options,
		.background = options.background,
		.exit_code = 0,
	};
	wl_list_init(&server.outputs);
	wl_list_init(&server.surfaces);
	wl_list_init(&server.views);
	wl_signal_init(&server.events_new_output);
	int ret = 1;

	server.display = wl_display_create();
	if (!server.display) {
		log_error("the Wayland display could not be created");
		return 1;
	}
	server.loop = wl_display_get_event_loop(server.display);
	struct wl_event_source *sigterm =
		wl_event_loop_add_signal(server.loop, SIGTERM, handle_terminate, &server);
	struct wl_event_source *sigint =
		wl_event_loop_add_signal(server.loop, SIGINT, handle_terminate, &server);
	/* A client closing its socket mid-write must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (!sigterm || !sigint) {
		log_error("SIGTERM and SIGINT could not be routed through the event loop");
		goto out_display;
	}

	if (options.seat_fd >= 0) {
		server.link = seat_link_create(&server, options.seat_fd);
		if (!server.link)
			goto out_display;
		/* The daemon's layout for this seat wins over the command line's. */
		const struct link_keymap *keymap = seat_link_keymap(server.link);
		snprintf(options.keyboard_layout, sizeof(options.keyboard_layout), "%s",
			 keymap->layout);
		snprintf(options.keyboard_variant, sizeof(options.keyboard_variant), "%s",
			 keymap->variant);
		options.keyboard_options = keymap->options[0] ? keymap->options : NULL;
	}
	if (options.identify && server_set_identify(&server, options.identify) < 0)
		goto out_display;
	if (create_globals(&server) < 0) {
		log_error("the Wayland globals could not be created");
		goto out_display;
	}
	server.seat = seat_create(&server);
	if (!server.seat)
		goto out_display;
	/* Before the socket: no client may connect before the greeter can turn it away. */
	if (server.link && !options.no_clients && seat_link_greets(server.link)) {
		server.greeter = greeter_create(&server, seat_link_seat_name(server.link));
		if (!server.greeter)
			goto out_seat;
	}

	if (options.no_clients) {
		server.socket = "";
	} else if (options.socket) {
		if (wl_display_add_socket(server.display, options.socket) < 0) {
			log_error("Wayland socket '%s' could not be created (in use, or "
				  "XDG_RUNTIME_DIR unset?)",
				  options.socket);
			goto out_seat;
		}
		server.socket = options.socket;
	} else {
		server.socket = wl_display_add_socket_auto(server.display);
		if (!server.socket) {
			log_error("no Wayland socket could be created (is XDG_RUNTIME_DIR set?)");
			goto out_seat;
		}
	}

	int backend_ret;
	if (options.drm_path)
		backend_ret = drm_backend_create(&server, options.drm_path);
	else if (options.headless_count > 0)
		backend_ret = headless_backend_create(&server);
	else
		backend_ret = drm_backend_create_leased(&server);
	if (backend_ret < 0)
		goto out_seat;
	if (!options.no_clients && (options.input_count > 0 || server.link)) {
		server.evdev = evdev_create(&server, options.inputs, options.input_count);
		if (!server.evdev)
			goto out_backend;
	}
	if (options.no_clients)
		log_info("showing text only: no Wayland socket, no session, no input");
	else
		log_info("listening on WAYLAND_DISPLAY=%s", server.socket);
	if (server.link && seat_link_start(server.link) < 0)
		goto out_backend;

	/* An unclaimed seat's session waits for LINK_SESSION_START (maybe handled already). */
	if (!options.no_clients && (!server.link || !seat_link_holds_session(server.link)) &&
	    server_start_session(&server) < 0)
		goto out_backend;
	/* Outputs and the session first: the keymap is needed only once a keyboard is in use. */
	if (!options.no_clients && seat_keyboard_load_keymap_later(server.seat) < 0)
		goto out_session;
	wl_display_run(server.display);
	ret = server.exit_code;

out_session:
	session_destroy(server.session);
out_backend:
	wl_display_destroy_clients(server.display);
	evdev_destroy(server.evdev);
	if (server.backend)
		server.backend->destroy(&server);
out_seat:
	wl_display_destroy_clients(server.display);
	greeter_destroy(server.greeter);
	seat_destroy(server.seat);
out_display:
	seat_link_destroy(server.link);
	text_renderer_destroy(server.text);
	free(server.identify_text);
	if (sigterm)
		wl_event_source_remove(sigterm);
	if (sigint)
		wl_event_source_remove(sigint);
	wl_display_destroy(server.display);
	return ret;
}
