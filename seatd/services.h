/*
 * A seat user's own services beside the compositor: a D-Bus session bus, PipeWire,
 * WirePlumber and, where installed, pipewire-pulse, run as the seat user in the seat's
 * services cgroup with the seat's runtime directory, so the seat's applications find them as
 * on any desktop. They start with the compositor, are restarted with backoff while it runs,
 * and stop with it.
 */
#ifndef MULTISEAT_SEATD_SERVICES_H
#define MULTISEAT_SEATD_SERVICES_H

#include <stdbool.h>
#include <sys/types.h>

struct seat;
struct json_object;
struct services;

/*
 * Writes the configuration the seats' PipeWire, pipewire-pulse and WirePlumber share under
 * `runtime_dir` (the daemon's): the stock modules less realtime (RTKit), the portal and the
 * X11 bell, which a seat cannot use and which warn at every start; no D-Bus device
 * reservation, no cameras, no Bluetooth (a host's, not a desk's), and a silent dummy sink
 * when a seat has no sound device. 0 or -errno (logged).
 */
int services_write_config(const char *runtime_dir);

struct services *services_create(struct seat *seat);
/* Kills what still runs. */
void services_destroy(struct services *services);

/* Starts them for the seat's compositor about to start (its runtime directory exists). */
void services_start(struct services *services);
/* Between services_start and services_stop (whether or not each process is up right now). */
bool services_running(const struct services *services);
/*
 * SIGTERM to each in order (WirePlumber and pipewire-pulse, then PipeWire, then the bus, each
 * once the ones before are gone), SIGKILL to those still running 5 s later; they are not
 * restarted until the next services_start.
 */
void services_stop(struct services *services);
/* Whether any of its processes is still running (not yet reaped). */
bool services_alive(const struct services *services);
/*
 * A sound card left the seat while the services had it open: PipeWire and WirePlumber
 * start again, so no descriptor of the card stays with the seat (the ACL is gone already).
 */
void services_restart_audio(struct services *services);
/* A sound card joined the running seat: its sink becomes the default once PipeWire has it. */
void services_sound_added(struct services *services, int alsa_card);
/* A child exited: true when it was one of these services. */
bool services_handle_exit(struct services *services, pid_t pid, int status);

/*
 * What the compositor's environment (and so the session's) needs to find them:
 * "DBUS_SESSION_BUS_ADDRESS=...", "PIPEWIRE_RUNTIME_DIR=...", NULL-terminated.
 */
const char *const *services_session_env(struct services *services);

/* The seat's "audio" status: each service's pid, PipeWire's sinks, sources and defaults. */
struct json_object *services_to_json(const struct services *services);

#endif
