/* multiseatd's one process-wide object: config, hardware, seats, event loop. */
#ifndef MULTISEAT_SEATD_DAEMON_H
#define MULTISEAT_SEATD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wayland-server-core.h>

#include "admin_notes.h"
#include "hardware.h"
#include "log.h"
#include "policy.h"

struct udev_monitor;
struct control;
struct control_handler;
struct caps;
struct vt;
struct child_outputs;

struct daemon_options {
	const char *config_path;
	const char *compositor;	 /* the multiseat-compositor binary */
	const char *runtime_dir; /* per-seat directories and the control socket */
	const char *log_level;	 /* passed on to compositors; NULL: their default */
	enum log_level level;
	bool explicit_config; /* given with --config: it must exist */
};

struct daemon {
	const struct daemon_options *options;
	struct wl_event_loop *loop;
	struct policy_config config;
	char control_path[256];
	/* Why the config cannot be used, while the desks run on the defaults; "" otherwise. */
	char config_error[256];
	/*
	 * Small print on every seat's identify screen or notice (admin_notes.h): the errors of
	 * a config that could not be used (at start, or refused by a reload), else the
	 * assignment's conflicts and its notes on `outputs =` entries (a monitor that does not
	 * exist, say). "" for none.
	 */
	char config_notes[ADMIN_NOTES_SIZE];
	char assignment_notes[ADMIN_NOTES_SIZE];

	struct udev *udev;
	struct udev_monitor *monitor;
	struct wl_event_source *monitor_source;
	struct hw hw;
	struct wl_list seats; /* seat, in assignment order */

	/* Claims (F<n>, import-udev), attach/detach by hand, autoseat names; on disk. */
	struct policy_saved saved;
	bool identifying; /* `multiseatctl identify`: every seat shows its name */
	char *conflicts;  /* the rule conflicts logged last, one per line */

	struct vt *vt; /* the console the desks own; NULL: none (vt = none, or no VTs) */
	struct child_outputs *outputs; /* seat children's pipes, without journald */
	struct caps *caps;	       /* the desks' cgroups (caps.h) */
	struct wl_event_source *identify_timer;

	struct wl_event_source *sigterm, *sigint, *sighup, *sigchld;
	struct wl_event_source *rescan_timer;
	struct control *control;
	bool stopping;
	bool done;
	int exit_code;
};

/* Runs the seat manager until SIGTERM; returns the exit status. */
int daemon_run(const struct daemon_options *options);

/* Logs every line of `errors` at `level`. */
void daemon_log_errors(const struct policy_errors *errors, enum log_level level);
/* SIGHUP and `multiseatctl reload`: a config with errors changes nothing (said in message). */
int daemon_reload(struct daemon *daemon, char *message, size_t size);
/* The control socket's commands (commands.c). */
extern const struct control_handler daemon_control_handler;

/* Recomputes who gets what and applies the difference; seats not affected are left alone. */
void daemon_reconcile(struct daemon *daemon);
struct seat *daemon_find_seat(struct daemon *daemon, const char *name);
uint64_t daemon_now_ms(void);
/*
 * Records that `key` (a device's group) belongs to seat `seat` from now on, forgetting any
 * `detach` that would keep `input` off it; saves the state and reconciles.
 */
int daemon_claim(struct daemon *daemon, struct hw_input *input, const char *key, const char *seat);
/* Writes the saved state; logs a failure (the running seats are not affected). */
int daemon_save_state(struct daemon *daemon);
/* During shutdown: ends the loop once no compositor, service or login worker is left. */
void daemon_check_done(struct daemon *daemon);

#endif
