/* wl_seat: the global and the seat's lifetime; keyboard.c and pointer.c deliver its input. */
#include "seat.h"

#include <stdlib.h>

#include <wayland-server-protocol.h>

#include "resource.h"
#include "server.h"
#include "surface.h"

#define SEAT_VERSION 7

void seat_resource_unlink(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

bool seat_resource_is_focused(struct wl_resource *resource, struct surface *focus)
{
	return focus && wl_resource_get_client(resource) == wl_resource_get_client(focus->resource);
}

/* ---- wl_seat ---- */

static void seat_get_pointer(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	seat_pointer_create_resource(seat, client, wl_resource_get_version(resource), id);
}

static void seat_get_keyboard(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	seat_keyboard_create_resource(seat, client, wl_resource_get_version(resource), id);
}

static void seat_get_touch(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	seat_touch_create_resource(seat, client, wl_resource_get_version(resource), id);
}

static void seat_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_seat_interface seat_impl = {
	.get_pointer = seat_get_pointer,
	.get_keyboard = seat_get_keyboard,
	.get_touch = seat_get_touch,
	.release = seat_release,
};

struct seat *seat_from_resource(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

static void seat_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct seat *seat = data;
	struct wl_resource *resource = resource_create(client, &wl_seat_interface, version, id,
						       &seat_impl, seat, seat_resource_unlink);
	if (!resource)
		return;
	wl_list_insert(&seat->resources, wl_resource_get_link(resource));
	wl_seat_send_capabilities(resource, WL_SEAT_CAPABILITY_KEYBOARD |
						    WL_SEAT_CAPABILITY_POINTER |
						    WL_SEAT_CAPABILITY_TOUCH);
	if (version >= WL_SEAT_NAME_SINCE_VERSION)
		wl_seat_send_name(resource, "seat0");
}

struct seat *seat_create(struct server *server)
{
	struct seat *seat = calloc(1, sizeof(*seat));
	if (!seat)
		return NULL;
	seat->server = server;
	wl_list_init(&seat->resources);
	wl_list_init(&seat->data_devices);
	if (seat_keyboard_init(seat) < 0)
		goto err_free;
	if (seat_pointer_init(seat) < 0)
		goto err_keyboard;
	seat->global = wl_global_create(server->display, &wl_seat_interface, SEAT_VERSION, seat,
					seat_bind);
	if (!seat->global)
		goto err_pointer;
	return seat;

err_pointer:
	seat_pointer_finish(seat);
err_keyboard:
	seat_keyboard_finish(seat);
err_free:
	free(seat);
	return NULL;
}

void seat_destroy(struct seat *seat)
{
	if (!seat)
		return;
	wl_global_destroy(seat->global);
	seat_pointer_finish(seat);
	seat_keyboard_finish(seat);
	free(seat);
}
