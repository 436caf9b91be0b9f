/*
 * A seat's services without a seat: runs services.c as multiseatd does (its configuration,
 * environment, journal streams, restarts and stop) for one seat user, so that a test can
 * read what the real PipeWire, WirePlumber, pipewire-pulse and session bus print.
 *
 * Usage: seatstack BASE SEAT USER
 *   BASE  the daemon's runtime directory (the seat's is BASE/SEAT)
 * Prints the seat's audio status as one JSON line a second on stdout; SIGTERM stops the
 * services (services_stop) and exits once every one of them has been reaped, printing
 * "stopped". Also starts "probe", a shell through spawn_process with the log identifier
 * SEAT/probe, that prints one plain and one "<3>" line to stderr and exits.
 */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include "child_output.h"
#include "daemon.h"
#include "log.h"
#include "runtime_dir.h"
#include "seat.h"
#include "services.h"
#include "spawn.h"

static struct daemon daemon_state;
static struct seat seat_state;

static int handle_child(int sig, void *data)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (!services_handle_exit(seat_state.services, pid, status))
			log_info("probe %d exited with status %d", (int)pid, WEXITSTATUS(status));
	}
	return 0;
}

static int handle_term(int sig, void *data)
{
	log_info("stopping the services");
	daemon_state.stopping = true;
	services_stop(seat_state.services);
	daemon_check_done(&daemon_state); /* as the daemon's SIGTERM handler does */
	return 0;
}

static struct wl_event_source *tick_timer;

static int handle_tick(void *data)
{
	struct json_object *status = services_to_json(seat_state.services);
	printf("%s\n", json_object_to_json_string_ext(status, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(status);
	wl_event_source_timer_update(tick_timer, 1000);
	return 0;
}

/* A child started as the services are, that prints a line at each priority it may. */
static void start_probe(void)
{
	char identifier[128];
	snprintf(identifier, sizeof(identifier), "%s/probe", seat_state.name);
	const char *argv[] = {
		"/bin/sh", "-c",
		"echo \"probe says hello as $(id -un)\" >&2; echo '<3>probe fails' >&2", NULL};
	struct spawn_process process = {
		.argv = argv,
		.user = &seat_state.user,
		.seat = seat_state.name,
		.runtime_dir = seat_state.runtime_dir,
		.link_fd = -1,
		.log_identifier = identifier,
		.outputs = daemon_state.outputs,
	};
	char error[256];
	pid_t pid = spawn_process(&process, error, sizeof(error));
	if (pid < 0)
		log_error("probe: %s", error);
	else
		log_info("probe %d started", (int)pid);
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: seatstack BASE SEAT USER\n");
		return 2;
	}
	log_init(LOG_LEVEL_DEBUG, "seatstack");
	static struct daemon_options options;
	options.runtime_dir = argv[1];
	daemon_state.options = &options;
	wl_list_init(&daemon_state.seats);
	daemon_state.loop = wl_event_loop_create();
	daemon_state.outputs = child_outputs_create(daemon_state.loop);
	seat_state.daemon = &daemon_state;
	seat_state.name = argv[2];
	wl_list_insert(&daemon_state.seats, &seat_state.link);
	char error[256];
	if (!daemon_state.loop ||
	    spawn_user_lookup(argv[3], &seat_state.user, error, sizeof(error)) < 0) {
		fprintf(stderr, "seatstack: %s\n", error);
		return 1;
	}
	snprintf(seat_state.runtime_dir, sizeof(seat_state.runtime_dir), "%s/%s", argv[1], argv[2]);
	if (services_write_config(argv[1]) < 0 ||
	    runtime_dir_create(seat_state.runtime_dir, seat_state.user.uid, seat_state.user.gid) <
		    0)
		return 1;
	seat_state.services = services_create(&seat_state);
	tick_timer = wl_event_loop_add_timer(daemon_state.loop, handle_tick, NULL);
	struct wl_event_source *sigchld =
		wl_event_loop_add_signal(daemon_state.loop, SIGCHLD, handle_child, NULL);
	struct wl_event_source *sigterm =
		wl_event_loop_add_signal(daemon_state.loop, SIGTERM, handle_term, NULL);
	if (!seat_state.services || !tick_timer || !sigchld || !sigterm)
		return 1;
	wl_event_source_timer_update(tick_timer, 1000);
	services_start(seat_state.services);
	start_probe();
	/* As the daemon's loop: daemon_check_done (called by services.c) ends it. */
	while (!daemon_state.done) {
		if (wl_event_loop_dispatch(daemon_state.loop, -1) < 0 && errno != EINTR)
			return 1;
	}
	bool alive = services_alive(seat_state.services);
	services_destroy(seat_state.services);
	runtime_dir_remove(seat_state.runtime_dir);
	wl_event_source_remove(tick_timer);
	wl_event_source_remove(sigchld);
	wl_event_source_remove(sigterm);
	child_outputs_destroy(daemon_state.outputs);
	wl_event_loop_destroy(daemon_state.loop);
	printf("stopped%s\n", alive ? " with services running" : "");
	return alive ? 1 : 0;
}
