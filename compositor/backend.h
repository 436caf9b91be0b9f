/* The two ways to drive outputs: a DRM device, or none at all (headless). */
#ifndef MULTISEAT_COMPOSITOR_BACKEND_H
#define MULTISEAT_COMPOSITOR_BACKEND_H

struct server;

/* One output per --headless mode, frames paced by a timer at its refresh rate. */
int headless_backend_create(struct server *server);

/* Every connected connector of the card or lease at `path`; input from server->options->inputs. */
int drm_backend_create(struct server *server, const char *path);

#endif
