/* The seats' cgroups: the daemon's cgroup v2 subtree, a cgroup per seat with its caps, usage. */
#ifndef MULTISEAT_SEATD_CAPS_H
#define MULTISEAT_SEATD_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

struct daemon;
struct seat;
struct json_object;

/*
 * Picks and sets up the subtree: under systemd (Delegate=yes) the daemon's own cgroup, the
 * daemon moving itself into its `daemon` leaf; else the configured cgroup-root. Returns 0
 * when seats may start (capped, or uncapped with `caps = optional`), or -1 when the caps
 * are required and cannot be had (said why).
 */
int caps_init(struct daemon *daemon);
void caps_finish(struct daemon *daemon);

/*
 * Makes (or updates) the seat's cgroup with its settings' caps before its compositor
 * starts. 0, or a negative errno with the reason in `error` when the seat must not start.
 */
int caps_seat_prepare(struct seat *seat, char *error, size_t error_size);
/*
 * A live change: writes the seat's caps (its settings') to its cgroup now; the compositor
 * and session keep running. 1 written, 0 when the seat has no cgroup (uncapped, or not
 * started yet: caps_seat_prepare writes them then), or a negative errno with the first
 * problem in `error` (every one is logged).
 */
int caps_seat_apply(struct seat *seat, char *error, size_t error_size);
/*
 * `multiseatctl set`: makes `caps` (taken over; it is left unset) the seat's and writes them
 * as caps_seat_apply does, with its result. The seat's settings are the seat's, but their caps
 * are this module's to change.
 */
int caps_seat_set(struct seat *seat, struct policy_caps *caps, char *error, size_t error_size);
/*
 * Spreads `cpuset = auto` again after seats came or went (called at the end of each
 * reconcile, and by caps_seat_prepare for a seat's first cgroup): each seat with a cgroup
 * whose share of the CPUs changed gets it written (and logged).
 */
void caps_respread(struct daemon *daemon);
/*
 * The cgroup controllers the caps set in `caps` need and the seats' subtree lacks, as names
 * ("memory, io"); "" when none is missing or the seats have no subtree at all.
 */
void caps_missing_controllers(const struct daemon *daemon, const struct policy_caps *caps,
			      char *names, size_t size);
/* The directory the seat's compositor is to run in; NULL when seats run uncapped. */
const char *caps_seat_compositor_dir(const struct seat *seat);
/* The directory the seat user's services (session bus, PipeWire) run in; NULL: uncapped. */
const char *caps_seat_services_dir(const struct seat *seat);
/*
 * Moves `pid`, a child of the seat's compositor waiting before exec (LINK_SESSION_SPAWNED),
 * into the seat's session cgroup. 0, -EPERM when it is not the compositor's child (refused
 * and logged), -ENOTSUP without a cgroup, or the negative errno of the move (logged).
 */
int caps_seat_place_session(struct seat *seat, pid_t pid);
/* The directory a login's session runs in; NULL when seats run uncapped. */
const char *caps_seat_session_dir(const struct seat *seat);
/* Kills whatever runs in the seat's session cgroup (a login whose worker is gone). */
void caps_seat_kill_session(struct seat *seat);
/* The directory a login's PAM worker runs in (with what PAM starts); NULL: uncapped. */
const char *caps_seat_login_dir(const struct seat *seat);
/* Kills the login worker and whatever PAM's modules started (stuck, or left behind). */
void caps_seat_kill_login(struct seat *seat);
/*
 * Kills whatever is left in the seat's cgroup (after its compositor exited), except a login
 * worker that has yet to close its PAM session and report its end (desk_login_busy) and
 * services still stopping in order (services_alive).
 */
void caps_seat_kill(struct seat *seat);
/* Kills what is left in the services' cgroup once the last of them stopped. */
void caps_seat_kill_services(struct seat *seat);
/* Kills and removes the seat's cgroup (the seat goes away). */
void caps_seat_release(struct seat *seat);
/* The seat's usage for multiseatctl status; NULL when it has no cgroup. */
struct json_object *caps_seat_to_json(const struct seat *seat);
/*
 * Adds the seat's caps to its status object: "caps", the caps in effect, and "caps_set",
 * those of them `multiseatctl set` saved, each {"memory.max": "2G", ...} with only the
 * caps that are set, as multiseat.conf writes them.
 */
void caps_seat_add_json(const struct seat *seat, struct json_object *object);

#endif
