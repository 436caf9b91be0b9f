/* The desks' cgroups: the daemon's cgroup v2 subtree, a cgroup per desk with its caps, usage. */
#ifndef MULTISEAT_SEATD_CAPS_H
#define MULTISEAT_SEATD_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "policy.h"

struct json_object;

/* The daemon's subtree, and the desks that have a cgroup in it (for `cpuset = auto`). */
struct caps;
/* One desk's cgroup (made when the desk first starts) and what it was given. */
struct caps_desk;

/*
 * Picks and sets up the subtree: under systemd (Delegate=yes) the daemon's own cgroup, the
 * daemon moving itself into its `daemon` leaf; else the config's cgroup-root. Says what it
 * found; caps_refused tells when caps are required and cannot be had. NULL: out of memory.
 */
struct caps *caps_create(const struct policy_config *config);
/* After every desk's caps_desk_destroy. */
void caps_destroy(struct caps *caps);
/* Caps are required (no `caps = optional`) and cannot be had: no desk may start. */
bool caps_refused(const struct caps *caps);
/* Whether desks get cgroups at all (false: uncapped, `caps = optional`). */
bool caps_enabled(const struct caps *caps);
/* The controllers of `wanted`'s caps the subtree lacks, "cpu, io" ("" for none). */
void caps_missing_controllers(const struct caps *caps, const struct policy_caps *wanted,
			      char *names, size_t size);
/* `cpuset = auto` is shared again among the desks with a cgroup (their number changed). */
void caps_respread(struct caps *caps);

struct caps_desk *caps_desk_create(struct caps *caps, const char *name);
/* Kills what runs in the desk's cgroup and removes it (reused at the next start if not gone). */
void caps_desk_destroy(struct caps_desk *desk);
/* A desk that is going away takes no share of the CPUs (`cpuset = auto`). */
void caps_desk_set_leaving(struct caps_desk *desk, bool leaving);
/*
 * Makes (or updates) the desk's cgroup with `caps` before its compositor starts. 0, or a
 * negative errno with the reason in `error` when the desk must not start.
 */
int caps_desk_prepare(struct caps_desk *desk, const struct policy_caps *caps, char *error,
		      size_t error_size);
/*
 * A live change: writes `caps` to the desk's cgroup now; the compositor and session keep
 * running. 1 written, 0 when the desk has no cgroup (uncapped, or not started yet:
 * caps_desk_prepare writes them then), or a negative errno with the first problem in
 * `error` (every one is logged).
 */
int caps_desk_apply(struct caps_desk *desk, const struct policy_caps *caps, char *error,
		    size_t error_size);
/* One part of the desk's cgroup (cgroup.h), NULL while it has none (or `desk` is NULL). */
const char *caps_desk_dir(const struct caps_desk *desk, enum cgroup_part part);
/* SIGKILLs everything in that part of the desk's cgroup and below (logged on failure); a
 * desk without a cgroup (or NULL) has nothing to kill. */
void caps_desk_kill(struct caps_desk *desk, enum cgroup_part part);
/*
 * LINK_SESSION_SPAWNED: moves `pid` into session/, when it is a child of `compositor` (the
 * desk's). 0, or a negative errno (-ENOTSUP without a cgroup, -EPERM for anyone else's pid).
 */
int caps_desk_place_session(struct caps_desk *desk, pid_t pid, pid_t compositor);
/* The desk's usage for `multiseatctl status` (NULL without a cgroup). */
struct json_object *caps_desk_usage_json(const struct caps_desk *desk);
/* The caps that are set, as multiseat.conf writes them; NULL when out of memory. */
struct json_object *caps_to_json(const struct policy_caps *caps);

#endif
