/* One seat at run time: its leases, its input fds, its compositor process and the seat link to it.
 */
#ifndef MULTISEAT_SEATD_SEAT_H
#define MULTISEAT_SEATD_SEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <wayland-server-core.h>

#include "policy.h"
#include "seat_cards.h"
#include "spawn.h"

struct daemon;
struct hw_card;
struct hw_input;
struct gpu_lease;
struct json_object;
struct caps_desk;
struct desk_login;

enum seat_state {
	SEAT_WAITING,	 /* no connected output: nothing to show a session on */
	SEAT_NO_USER,	 /* no usable seat user: never started as root */
	SEAT_STARTING,	 /* compositor forked, LINK_READY not yet received */
	SEAT_RUNNING,	 /* compositor ready */
	SEAT_RESTARTING, /* compositor exited; restart timer armed */
	SEAT_STOPPING,	 /* SIGTERM sent; waiting for it to exit */
	SEAT_FAILED,	 /* could not be started (see the log); retried with backoff */
};

/* The seat's outputs on one card and its lease of them; card NULL: a free slot. */
struct seat_card {
	struct hw_card *card;
	uint32_t connectors[SEAT_CARDS_MAX_OUTPUTS]; /* in connector id order */
	char *keys[SEAT_CARDS_MAX_OUTPUTS];
	size_t count;
	struct gpu_lease *lease; /* NULL while the seat is not running, or it could not be made */
};

struct seat {
	struct wl_list link;
	struct daemon *daemon;
	char *name;
	int number;
	struct policy_effective_settings settings;
	bool has_settings;

	/* Its input devices and sound cards (hw_input.seat_link), in the order they came. */
	struct wl_list devices;

	/* Outputs, per card: the index is the slot the seat link names (seat_leases.h). */
	struct seat_card cards[SEAT_CARDS_MAX];
	size_t output_count; /* on every card */

	struct caps_desk *caps; /* its cgroup, with its caps (caps.h) */
	struct spawn_user user;
	char user_error[256];
	char runtime_dir[256];
	struct services *services; /* session bus, PipeWire: beside the compositor */

	enum seat_state state;
	pid_t pid;
	int link_fd;
	struct wl_event_source *link_source;
	/* A send failed: nothing more is sent, and this stops the compositor soon (seat.c). */
	struct wl_event_source *link_failed;
	struct wl_event_source *timer; /* restart backoff, or the kill timeout while stopping */
	int attempt;
	int restarts;
	uint64_t started_ms;
	/* Set when the seat should be freed once its compositor has exited. */
	bool doomed;
	/* Set when the compositor should start again as soon as the old one has exited. */
	bool restart_pending;
	bool wanted; /* during reconcile */

	/* Claimed: it has a keyboard (or a touch screen); else it shows "Press F<n>". */
	bool claimed;
	bool session_held;	  /* the running compositor was told to hold its session */
	bool greeter;		  /* the running compositor greets (a desktop desk) */
	char wayland_socket[108]; /* its WAYLAND_DISPLAY, in runtime_dir */
	struct desk_login *login; /* logins at the greeter */
	char identify_sent[1200]; /* the identify text the compositor shows, "" for none */
	/* Its compositor only shows why the seat cannot start (user_error): no session. */
	bool notice;
};

struct seat *seat_create(struct daemon *daemon, const char *name, int number);
/* Frees at once; the compositor must be gone (see seat_stop). */
void seat_destroy(struct seat *seat);

/*
 * New settings for the seat (taken over). Returns true when they differ from the ones the
 * running compositor was started with (the caller then restarts it). Changed caps alone
 * need no restart: they are written to the seat's cgroup at once.
 */
bool seat_set_settings(struct seat *seat, struct policy_effective_settings *settings);
/*
 * `multiseatctl set`: `caps` (taken over; left unset) become the seat's and go to its
 * cgroup at once, as caps_desk_apply returns.
 */
int seat_set_caps(struct seat *seat, struct policy_caps *caps, char *error, size_t error_size);

/*
 * Starts the compositor when the seat can run (outputs, user) and it is not running. A seat
 * with outputs that cannot run (no such user, bad settings) shows why on them instead.
 */
void seat_start(struct seat *seat);
/* A seat that showed why it could not start tries again (its account may exist now). */
void seat_retry_notice(struct seat *seat);
/* Stops the compositor (revoke, SIGTERM, SIGKILL after a timeout); destroy afterwards if `doom`. */
void seat_stop(struct seat *seat, bool doom);
/* Stop, then start again once it has exited (restart SEAT, changed settings). */
void seat_restart(struct seat *seat);
/* A child exited: returns true when it was this seat's compositor. */
bool seat_handle_exit(struct seat *seat, pid_t pid, int status);

/* Hands the device to the seat (opens it, sends it to a running compositor). */
void seat_device_attach(struct seat *seat, struct hw_input *input, const char *reason);
/* Takes the device away from its seat: EVIOCREVOKE first, then the compositor is told. */
void seat_device_detach(struct hw_input *input);

/*
 * Whether the seat has a keyboard or touch screen now. An unclaimed seat's compositor shows
 * "Press F<n>" and holds its session back; claiming it starts the session.
 */
void seat_set_claimed(struct seat *seat, bool claimed);
/* Sends the identify text the seat should show now (after a change of claim or identify). */
void seat_update_identify(struct seat *seat);
/* Tells the running compositor [daemon] sysrq as it is now (after a reload changed it). */
void seat_send_sysrq_setting(struct seat *seat);

/* Sends a message to the running compositor (nothing when the link is down); a link that
   fails is closed and the compositor stopped. */
void seat_send(struct seat *seat, uint16_t opcode, const void *body, size_t size);
/* The same with an fd (-1: none), which stays the caller's. */
void seat_send_fd(struct seat *seat, uint16_t opcode, const void *body, size_t size, int fd);

const char *seat_state_name(enum seat_state state);
/* The seat as multiseatctl shows it. */
struct json_object *seat_to_json(struct seat *seat);
struct json_object *seat_input_to_json(const struct hw_input *input);

#endif
