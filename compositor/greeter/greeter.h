/* The greeter of a desktop desk: user name and password fields drawn by the compositor. */
#ifndef MULTISEAT_COMPOSITOR_GREETER_H
#define MULTISEAT_COMPOSITOR_GREETER_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <xkbcommon/xkbcommon.h>

struct server;
struct greeter;

/*
 * Under LINK_HELLO_GREETER. While it shows (server->greeting), it owns the keyboard and the
 * screen; what is typed goes to multiseatd as LINK_LOGIN. From LINK_LOGIN_ACCEPTED until
 * LINK_LOGGED_OUT the screen is the session's. Wayland clients are accepted only from the
 * compositor's own uid and, while a session runs, from its user's; the others are dropped.
 * `desk` is the seat's name, shown on the greeter.
 */
struct greeter *greeter_create(struct server *server, const char *desk);
/* The greeter reads the seat's keys through its keyboard sink (keyboard.h), set here. */
void greeter_destroy(struct greeter *greeter);

/* Draws the greeter over the whole width x height image; `damage` is its clip region. */
void greeter_draw(struct greeter *greeter, pixman_image_t *image, int width, int height,
		  pixman_region32_t *damage);

/* What multiseatd answered (see include/protocol.h). */
void greeter_login_text(struct greeter *greeter, bool error, const char *text);
void greeter_login_failed(struct greeter *greeter, const char *text, uint32_t retry_ms);
void greeter_login_accepted(struct greeter *greeter, uid_t uid, const char *user);
void greeter_logged_out(struct greeter *greeter);

/* Whether a client of `uid` may stay connected now. */
bool greeter_allows(const struct greeter *greeter, uid_t uid);

#endif
