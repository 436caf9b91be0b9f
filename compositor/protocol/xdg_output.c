/* zxdg_output_manager_v1: each output's logical position, size and name. */
#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "xdg-output-unstable-v1-server-protocol.h"

static void send_state(struct output *output, struct wl_resource *resource)
{
	uint32_t version = wl_resource_get_version(resource);
	zxdg_output_v1_send_logical_position(resource, output->x, output->y);
	zxdg_output_v1_send_logical_size(resource, output->width, output->height);
	if (version >= ZXDG_OUTPUT_V1_NAME_SINCE_VERSION)
		zxdg_output_v1_send_name(resource, output->name);
	if (version >= ZXDG_OUTPUT_V1_DESCRIPTION_SINCE_VERSION)
		zxdg_output_v1_send_description(resource, output->description);
	/* From version 3 the wl_output.done that follows ends the batch. */
	if (version < 3)
		zxdg_output_v1_send_done(resource);
}

void xdg_output_send_state(struct output *output)
{
	struct wl_resource *resource;
	wl_resource_for_each(resource, &output->xdg_resources) send_state(output, resource);
}

static void xdg_output_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zxdg_output_v1_interface xdg_output_impl = {.destroy = xdg_output_destroy};

static void xdg_output_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void manager_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void manager_get_xdg_output(struct wl_client *client, struct wl_resource *resource,
				   uint32_t id, struct wl_resource *output_resource)
{
	struct output *output = output_from_resource(output_resource);
	struct wl_resource *xdg_output = resource_create(
		client, &zxdg_output_v1_interface, wl_resource_get_version(resource), id,
		&xdg_output_impl, output, xdg_output_handle_destroy);
	if (!xdg_output)
		return;
	if (!output) {
		/* The output is gone: an inert object. */
		wl_list_init(wl_resource_get_link(xdg_output));
		return;
	}
	wl_list_insert(&output->xdg_resources, wl_resource_get_link(xdg_output));
	send_state(output, xdg_output);
	if (wl_resource_get_version(xdg_output) >= 3) {
		struct wl_resource *wl_output;
		wl_resource_for_each(wl_output, &output->resources)
		{
			if (wl_resource_get_client(wl_output) == client &&
			    wl_resource_get_version(wl_output) >= WL_OUTPUT_DONE_SINCE_VERSION)
				wl_output_send_done(wl_output);
		}
	}
}

static const struct zxdg_output_manager_v1_interface manager_impl = {
	.destroy = manager_destroy,
	.get_xdg_output = manager_get_xdg_output,
};

static void manager_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &zxdg_output_manager_v1_interface, version, id, &manager_impl, data,
			NULL);
}

int xdg_output_manager_create(struct server *server)
{
	return wl_global_create(server->display, &zxdg_output_manager_v1_interface, 3, server,
				manager_bind)
		       ? 0
		       : -1;
}
