/* The session command: started with WAYLAND_DISPLAY, restarted with backoff when asked to. */
#ifndef MULTISEAT_COMPOSITOR_SESSION_H
#define MULTISEAT_COMPOSITOR_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

struct server;
struct session;

struct session *session_create(struct server *server, char **argv, bool restart);
void session_destroy(struct session *session);
/* Super+Enter in desktop mode: starts the configured terminal, not tracked as the session. */
void session_spawn_terminal(struct server *server);

#endif
