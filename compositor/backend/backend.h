/* The two ways to drive outputs: a DRM device, or none at all (headless). */
#ifndef MULTISEAT_COMPOSITOR_BACKEND_H
#define MULTISEAT_COMPOSITOR_BACKEND_H

struct server;

/* One output per --headless mode, frames paced by a timer at its refresh rate. */
int headless_backend_create(struct server *server);

/* Every connected connector of the card or lease at `path`. */
int drm_backend_create(struct server *server, const char *path);

/*
 * Under multiseatd: no outputs until the seat link brings a lease. A seat may span cards: one
 * lease per card, each in its own slot (0 .. DRM_BACKEND_SLOTS - 1), driven on its own; all
 * their outputs form one desktop, left to right in slot order, then connector order.
 * set_lease takes the lessee fd (closed on failure too) and replaces the lease in that slot
 * only; revoke drops the outputs of that slot's lease; rescan re-reads its connectors. Each
 * returns 0, -EINVAL when the backend is not a leased DRM one, -ERANGE for a slot beyond
 * DRM_BACKEND_SLOTS, and (revoke, rescan) -ENOENT when the slot holds no lease.
 */
#define DRM_BACKEND_SLOTS 4

int drm_backend_create_leased(struct server *server);
int drm_backend_set_lease(struct server *server, unsigned int slot, int fd, const char *what);
int drm_backend_revoke(struct server *server, unsigned int slot);
int drm_backend_rescan(struct server *server, unsigned int slot);

#endif
