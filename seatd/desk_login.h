/* Logins at a desktop desk: the greeter's credentials to a PAM worker, the session's life. */
#ifndef MULTISEAT_SEATD_DESK_LOGIN_H
#define MULTISEAT_SEATD_DESK_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct seat;
struct link_login;
struct json_object;
struct desk_login;

/*
 * One per seat. A login runs in a worker process (login/): PAM authenticates, then the
 * daemon decides (one desk per user unless allow-multiple-logins), opens the desk's
 * Wayland socket and PipeWire to that uid with ACLs, tells the compositor which uid to let
 * in (LINK_LOGIN_ACCEPTED) and lets the worker start the session in the seat's session
 * cgroup. When it ends, the ACLs go, the compositor drops the user's clients and greets
 * again (LINK_LOGGED_OUT). Failed logins delay the next one: 1 s, 2 s, 4 s ... 30 s.
 */
struct desk_login *desk_login_create(struct seat *seat);
/* Ends a running session (blocks up to LOGIN_DESTROY_GRACE_MS for the worker). */
void desk_login_destroy(struct desk_login *login);

/* LINK_LOGIN from the seat's compositor. The caller wipes `credentials` afterwards. */
void desk_login_handle(struct desk_login *login, const struct link_login *credentials);
/*
 * The compositor is gone or going (stop, crash, restart): a session ends (its clients died
 * with the compositor) without blocking; nothing more is sent over the link.
 */
void desk_login_compositor_gone(struct desk_login *login);
/* `multiseatctl logout SEAT`. 0, or -ENOENT when nobody is logged in (said in `error`). */
int desk_login_logout(struct desk_login *login, char *error, size_t error_size);

/* True while a login runs or ends here (its worker has not reported its end yet). */
bool desk_login_busy(const struct desk_login *login);
/* True while `uid` has a session (or one starting) at this desk. */
bool desk_login_holds(const struct desk_login *login, uid_t uid);
/* {"state", "user", "uid", "since", "session_pid", "failures"} for multiseatctl status. */
struct json_object *desk_login_to_json(const struct desk_login *login);

#endif
