/* multiseatd's one process-wide object: config, hardware, seats, event loop. */
#ifndef MULTISEAT_SEATD_DAEMON_H
#define MULTISEAT_SEATD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wayland-server-core.h>

#include "hardware.h"
#include "log.h"
#include "policy.h"

struct udev_monitor;
struct control;

struct daemon_options {
	const char *config_path;
	const char *compositor;	 /* the multiseat-compositor binary */
	const char *runtime_dir; /* per-seat directories and the control socket */
	const char *log_level;	 /* passed on to compositors; NULL: their default */
	enum log_level level;
	bool explicit_config; /* given with --config: it must exist */
};

/* `multiseatctl attach/detach`: a device (or hub) put on a seat, or on none, by hand. */
struct daemon_override {
	char *key;
	char *seat; /* NULL: unassigned */
};

struct daemon {
	const struct daemon_options *options;
	struct wl_event_loop *loop;
	struct policy_config config;
	char control_path[256];

	struct udev *udev;
	struct udev_monitor *monitor;
	struct wl_event_source *monitor_source;
	struct hw hw;
	struct wl_list seats; /* seat, in assignment order */

	struct daemon_override *overrides;
	size_t override_count;

	struct wl_event_source *sigterm, *sigint, *sighup, *sigchld;
	struct wl_event_source *rescan_timer;
	struct control *control;
	bool stopping;
	bool done;
	int exit_code;
};

/* Runs the seat manager until SIGTERM; returns the exit status. */
int daemon_run(const struct daemon_options *options);

/* Recomputes who gets what and applies the difference; seats not affected are left alone. */
void daemon_reconcile(struct daemon *daemon);
struct seat *daemon_find_seat(struct daemon *daemon, const char *name);
uint64_t daemon_now_ms(void);
/* After a seat's compositor exited during shutdown: ends the loop once none is left. */
void daemon_check_done(struct daemon *daemon);

#endif
