/* What surface.c and subsurface.c share: double-buffered state and applying it. */
#ifndef MULTISEAT_COMPOSITOR_SURFACE_H
#define MULTISEAT_COMPOSITOR_SURFACE_H

#include <stdbool.h>

struct server;
struct surface;
struct surface_state;

void surface_state_init(struct surface_state *state);
void surface_state_finish(struct surface_state *state);
/* Moves what `src` carries into `dst` (pending -> a sub-surface's cache). */
void surface_state_move(struct surface_state *dst, struct surface_state *src);

/* Makes `from` (pending or a sub-surface's cache) the surface's current state. */
void surface_apply(struct surface *surface, struct surface_state *from);
/* A sub-surface whose commits wait for its parent's (itself or through an ancestor). */
bool surface_is_synchronized(struct surface *surface);
/* surface_tree_for_each callback: damages where the surface is, at x, y. */
void surface_damage_at(struct surface *surface, int x, int y, void *data);

/* subsurface.c */
int subcompositor_create(struct server *server);
/* The parent committed: sub-surfaces take their new positions and cached states. */
void subsurfaces_parent_committed(struct surface *parent);

#endif
