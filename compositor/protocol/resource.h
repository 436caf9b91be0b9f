/* Creating a client's protocol object, answering a failed allocation with no_memory. */
#ifndef MULTISEAT_COMPOSITOR_RESOURCE_H
#define MULTISEAT_COMPOSITOR_RESOURCE_H

#include <stdint.h>
#include <wayland-server-core.h>

/*
 * wl_resource_create plus wl_resource_set_implementation. On failure, posts no_memory to the
 * client and returns NULL; the caller frees only what it allocated itself. `version` is an int
 * as in wl_resource_create: binds pass their uint32_t version, requests the parent's version.
 */
struct wl_resource *resource_create(struct wl_client *client, const struct wl_interface *interface,
				    int version, uint32_t id, const void *implementation,
				    void *data, wl_resource_destroy_func_t destroy);

#endif
