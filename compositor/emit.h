/* Emitting a wl_signal whose listeners may add or remove other listeners while it runs. */
#ifndef MULTISEAT_COMPOSITOR_EMIT_H
#define MULTISEAT_COMPOSITOR_EMIT_H

#include <wayland-server-core.h>

/*
 * Calls every listener that was on `signal` when the call began and is still on it when its
 * turn comes. A listener may remove itself or any other listener, or move one to another signal
 * (focus moving from a dying surface to the next one): plain wl_signal_emit would then follow
 * that listener into the other signal's list.
 */
void signal_emit_mutable(struct wl_signal *signal, void *data);

#endif
