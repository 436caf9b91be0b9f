/* The compositor's end of the seat link (under multiseatd): see include/protocol.h. */
#ifndef MULTISEAT_COMPOSITOR_SEAT_LINK_H
#define MULTISEAT_COMPOSITOR_SEAT_LINK_H

#include <stdbool.h>
#include <sys/types.h>

struct server;
struct seat_link;
struct link_keymap;

/*
 * Takes the link on `fd` and waits (10 s at most) for multiseatd's hello. Returns NULL,
 * having logged why, when fd is not a seat link or the hello does not come or is wrong.
 */
struct seat_link *seat_link_create(struct server *server, int fd);
void seat_link_destroy(struct seat_link *link);
/* Whether the hello said to start no session before LINK_SESSION_START. */
bool seat_link_holds_session(const struct seat_link *link);
/* LINK_HELLO_GREETER: a desktop desk, whose sessions come from logins at its greeter. */
bool seat_link_greets(const struct seat_link *link);
/* The seat's name from the hello. */
const char *seat_link_seat_name(const struct seat_link *link);
/* Sends what the greeter took; the copies made here are wiped. 0 or a negative errno. */
int seat_link_send_login(struct seat_link *link, const char *user, const char *password);
/* LINK_HELLO_SYSRQ: Alt+SysRq+<key> on the seat's devices is the daemon's, not a client's. */
bool seat_link_sysrq(const struct seat_link *link);
/* Sends a SysRq command ('0'-'9', 'a'-'z') found on the seat's keyboards. */
void seat_link_send_sysrq(struct seat_link *link, char command);
/* Whether session processes are to wait until multiseatd has put them in the seat's cgroup. */
bool seat_link_places_sessions(const struct seat_link *link);
/*
 * Asks multiseatd to move `pid` (a child waiting on the pipe whose write end is `gate_fd`)
 * into the seat's session cgroup; takes `gate_fd` and closes it once the daemon answers (or
 * did not in time), which lets the child exec.
 */
void seat_link_place_session(struct seat_link *link, pid_t pid, int gate_fd);
/* A child was reaped: forget it if it was still waiting to be placed. */
void seat_link_session_reaped(struct seat_link *link, pid_t pid);
/* The seat's keyboard layout from the hello. */
const struct link_keymap *seat_link_keymap(const struct seat_link *link);
/*
 * Once the Wayland socket listens: tells multiseatd (LINK_READY) and handles its messages
 * from then on. A closed or broken link ends the compositor with exit code 1.
 */
int seat_link_start(struct seat_link *link);
void seat_link_send_error(struct seat_link *link, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
