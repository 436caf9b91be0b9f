/* The two ways to drive outputs: a DRM device, or none at all (headless). */
#ifndef MULTISEAT_COMPOSITOR_BACKEND_H
#define MULTISEAT_COMPOSITOR_BACKEND_H

struct server;

/* One output per --headless mode, frames paced by a timer at its refresh rate. */
int headless_backend_create(struct server *server);

/* Every connected connector of the card or lease at `path`. */
int drm_backend_create(struct server *server, const char *path);

/*
 * Under multiseatd: no outputs until the seat link brings a lease. set_lease takes the
 * lessee fd (closed on failure too) and replaces any lease before it; revoke drops the
 * outputs of a revoked lease; rescan re-reads its connectors. set_lease fails with
 * -EINVAL when the backend is not a leased DRM one.
 */
int drm_backend_create_leased(struct server *server);
int drm_backend_set_lease(struct server *server, int fd, const char *what);
void drm_backend_revoke(struct server *server);
void drm_backend_rescan(struct server *server);

#endif
