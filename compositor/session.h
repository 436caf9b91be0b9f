/* The session command: started with WAYLAND_DISPLAY, restarted with backoff when asked to. */
#ifndef MULTISEAT_COMPOSITOR_SESSION_H
#define MULTISEAT_COMPOSITOR_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

struct server;
struct session;

struct session *session_create(struct server *server, char **argv, bool restart);
void session_destroy(struct session *session);
/*
 * Starts the session the command line names (after `--`, or --restart/--terminal), once:
 * at start-up, or when multiseatd lets a held one go. 0, or -1 when it could not be set up.
 */
int server_start_session(struct server *server);
/* Super+Enter in desktop mode: starts the configured terminal, not tracked as the session. */
void session_spawn_terminal(struct server *server);

#endif
