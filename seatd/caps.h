/* The seats' cgroups: the daemon's cgroup v2 subtree, a cgroup per seat with its caps, usage. */
#ifndef MULTISEAT_SEATD_CAPS_H
#define MULTISEAT_SEATD_CAPS_H

#include <stdbool.h>
#include <stddef.h>

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
/* The directory the seat's compositor is to run in; NULL when seats run uncapped. */
const char *caps_seat_compositor_dir(const struct seat *seat);
/* Kills whatever is left in the seat's cgroup (after its compositor exited). */
void caps_seat_kill(struct seat *seat);
/* Kills and removes the seat's cgroup (the seat goes away). */
void caps_seat_release(struct seat *seat);
/* The seat's usage for multiseatctl status; NULL when it has no cgroup. */
struct json_object *caps_seat_to_json(const struct seat *seat);

#endif
