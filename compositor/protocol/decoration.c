/* zxdg_decoration_manager_v1: clients draw their own decorations (desktop) or none (kiosk). */
#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "xdg-decoration-unstable-v1-server-protocol.h"

static uint32_t policy_mode(struct wl_resource *resource)
{
	struct server *server = wl_resource_get_user_data(resource);
	/* Server-side means "not the client": in kiosk mode nobody draws any. */
	return server->options->kiosk ? ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE
				      : ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE;
}

static void decoration_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void decoration_set_mode(struct wl_client *client, struct wl_resource *resource,
				uint32_t mode)
{
	if (mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE &&
	    mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE) {
		wl_resource_post_error(resource, WL_DISPLAY_ERROR_INVALID_METHOD,
				       "decoration mode %u is not a mode", mode);
		return;
	}
	/* The policy decides, whatever the client prefers. */
	zxdg_toplevel_decoration_v1_send_configure(resource, policy_mode(resource));
}

static void decoration_unset_mode(struct wl_client *client, struct wl_resource *resource)
{
	zxdg_toplevel_decoration_v1_send_configure(resource, policy_mode(resource));
}

static const struct zxdg_toplevel_decoration_v1_interface decoration_impl = {
	.destroy = decoration_destroy,
	.set_mode = decoration_set_mode,
	.unset_mode = decoration_unset_mode,
};

static void manager_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void manager_get_toplevel_decoration(struct wl_client *client, struct wl_resource *resource,
					    uint32_t id, struct wl_resource *toplevel)
{
	struct wl_resource *decoration = resource_create(
		client, &zxdg_toplevel_decoration_v1_interface, wl_resource_get_version(resource),
		id, &decoration_impl, wl_resource_get_user_data(resource), NULL);
	if (!decoration)
		return;
	zxdg_toplevel_decoration_v1_send_configure(decoration, policy_mode(decoration));
}

static const struct zxdg_decoration_manager_v1_interface manager_impl = {
	.destroy = manager_destroy,
	.get_toplevel_decoration = manager_get_toplevel_decoration,
};

static void manager_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &zxdg_decoration_manager_v1_interface, version, id, &manager_impl,
			data, NULL);
}

int decoration_manager_create(struct server *server)
{
	return wl_global_create(server->display, &zxdg_decoration_manager_v1_interface, 1, server,
				manager_bind)
		       ? 0
		       : -1;
}
