/* The clipboard: wl_data_source/device/offer within the seat; only the focused client sees it. */
#include "data_device.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wayland-server-protocol.h>

#include "resource.h"
#include "seat.h"
#include "server.h"
#include "surface.h"

#define DATA_DEVICE_VERSION 3
#define MAX_MIME_TYPES 64

struct data_source {
	struct wl_resource *resource;
	struct seat *seat;
	struct wl_array mime_types; /* char * */
	struct wl_list offers;	    /* offer resources' links */
	bool used;		    /* became a selection: offers may no longer be added */
};

static void handle_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

/* ---- offers ---- */

static void offer_accept(struct wl_client *client, struct wl_resource *resource, uint32_t serial,
			 const char *mime_type)
{
	/* Only meaningful for drag and drop, which is not offered. */
}

static void offer_receive(struct wl_client *client, struct wl_resource *resource,
			  const char *mime_type, int32_t fd)
{
	struct data_source *source = wl_resource_get_user_data(resource);
	if (source && source->resource)
		wl_data_source_send_send(source->resource, mime_type, fd);
	close(fd);
}

static void offer_finish(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_post_error(resource, WL_DATA_OFFER_ERROR_INVALID_FINISH,
			       "finish on a selection offer");
}

static void offer_set_actions(struct wl_client *client, struct wl_resource *resource,
			      uint32_t actions, uint32_t preferred)
{
	wl_resource_post_error(resource, WL_DATA_OFFER_ERROR_INVALID_OFFER,
			       "set_actions on a selection offer");
}

static const struct wl_data_offer_interface offer_impl = {
	.accept = offer_accept,
	.receive = offer_receive,
	.destroy = handle_destroy_request,
	.finish = offer_finish,
	.set_actions = offer_set_actions,
};

static void offer_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

/* ---- sources ---- */

static void source_offer(struct wl_client *client, struct wl_resource *resource,
			 const char *mime_type)
{
	struct data_source *source = wl_resource_get_user_data(resource);
	if (source->mime_types.size / sizeof(char *) >= MAX_MIME_TYPES)
		return;
	char **slot = wl_array_add(&source->mime_types, sizeof(char *));
	if (!slot) {
		wl_client_post_no_memory(client);
		return;
	}
	*slot = strndup(mime_type, 256);
	if (!*slot) {
		source->mime_types.size -= sizeof(char *);
		wl_client_post_no_memory(client);
	}
}

static void source_set_actions(struct wl_client *client, struct wl_resource *resource,
			       uint32_t actions)
{
	struct data_source *source = wl_resource_get_user_data(resource);
	if (source->used)
		wl_resource_post_error(resource, WL_DATA_SOURCE_ERROR_INVALID_SOURCE,
				       "set_actions after the source was used");
}

static const struct wl_data_source_interface source_impl = {
	.offer = source_offer,
	.destroy = handle_destroy_request,
	.set_actions = source_set_actions,
};

static void send_selection_to_client(struct seat *seat, struct wl_client *client);

static void source_handle_destroy(struct wl_resource *resource)
{
	struct data_source *source = wl_resource_get_user_data(resource);
	struct wl_resource *offer, *tmp;
	wl_resource_for_each_safe(offer, tmp, &source->offers)
	{
		wl_resource_set_user_data(offer, NULL);
		wl_list_remove(wl_resource_get_link(offer));
		wl_list_init(wl_resource_get_link(offer));
	}
	char **mime;
	wl_array_for_each (mime, &source->mime_types)
		free(*mime);
	wl_array_release(&source->mime_types);
	struct seat *seat = source->seat;
	if (seat && seat->selection == source) {
		seat->selection = NULL;
		if (seat->keyboard_focus)
			send_selection_to_client(
				seat, wl_resource_get_client(seat->keyboard_focus->resource));
	}
	free(source);
}

static void manager_create_data_source(struct wl_client *client, struct wl_resource *resource,
				       uint32_t id)
{
	struct data_source *source = calloc(1, sizeof(*source));
	if (!source) {
		wl_client_post_no_memory(client);
		return;
	}
	source->resource = resource_create(client, &wl_data_source_interface,
					   wl_resource_get_version(resource), id, &source_impl,
					   source, source_handle_destroy);
	if (!source->resource) {
		free(source);
		return;
	}
	wl_array_init(&source->mime_types);
	wl_list_init(&source->offers);
}

/* ---- devices ---- */

static void send_selection_to_device(struct seat *seat, struct wl_resource *device)
{
	struct data_source *source = seat->selection;
	if (!source) {
		wl_data_device_send_selection(device, NULL);
		return;
	}
	struct wl_resource *offer = resource_create(
		wl_resource_get_client(device), &wl_data_offer_interface,
		wl_resource_get_version(device), 0, &offer_impl, source, offer_handle_destroy);
	if (!offer)
		return;
	wl_list_insert(&source->offers, wl_resource_get_link(offer));
	wl_data_device_send_data_offer(device, offer);
	char **mime;
	wl_array_for_each (mime, &source->mime_types)
		wl_data_offer_send_offer(offer, *mime);
	wl_data_device_send_selection(device, offer);
}

static void send_selection_to_client(struct seat *seat, struct wl_client *client)
{
	struct wl_resource *device;
	wl_resource_for_each(device, &seat->data_devices)
	{
		if (wl_resource_get_client(device) == client)
			send_selection_to_device(seat, device);
	}
}

void data_device_focus_changed(struct seat *seat)
{
	if (seat->keyboard_focus)
		send_selection_to_client(seat,
					 wl_resource_get_client(seat->keyboard_focus->resource));
}

static void device_start_drag(struct wl_client *client, struct wl_resource *resource,
			      struct wl_resource *source_resource, struct wl_resource *origin,
			      struct wl_resource *icon, uint32_t serial)
{
	/* Drag and drop is not offered: the drag ends at once, the client stays consistent. */
	if (source_resource)
		wl_data_source_send_cancelled(source_resource);
}

static void device_set_selection(struct wl_client *client, struct wl_resource *resource,
				 struct wl_resource *source_resource, uint32_t serial)
{
	struct seat *seat = wl_resource_get_user_data(resource);
	if (!seat)
		return;
	/* Only the client with keyboard focus may take the clipboard. */
	if (!seat->keyboard_focus ||
	    wl_resource_get_client(seat->keyboard_focus->resource) != client)
		return;
	struct data_source *source =
		source_resource ? wl_resource_get_user_data(source_resource) : NULL;
	if (source && source->used) {
		wl_resource_post_error(source_resource, WL_DATA_SOURCE_ERROR_INVALID_SOURCE,
				       "the source was already used");
		return;
	}
	if (seat->selection == source)
		return;
	if (seat->selection) {
		wl_data_source_send_cancelled(seat->selection->resource);
		seat->selection->seat = NULL;
	}
	seat->selection = source;
	if (source) {
		source->used = true;
		source->seat = seat;
	}
	send_selection_to_client(seat, client);
}

static const struct wl_data_device_interface device_impl = {
	.start_drag = device_start_drag,
	.set_selection = device_set_selection,
	.release = handle_destroy_request,
};

static void device_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void manager_get_data_device(struct wl_client *client, struct wl_resource *resource,
				    uint32_t id, struct wl_resource *seat_resource)
{
	struct seat *seat = seat_from_resource(seat_resource);
	struct wl_resource *device = resource_create(client, &wl_data_device_interface,
						     wl_resource_get_version(resource), id,
						     &device_impl, seat, device_handle_destroy);
	if (!device)
		return;
	wl_list_insert(&seat->data_devices, wl_resource_get_link(device));
	if (seat->keyboard_focus &&
	    wl_resource_get_client(seat->keyboard_focus->resource) == client)
		send_selection_to_device(seat, device);
}

static const struct wl_data_device_manager_interface manager_impl = {
	.create_data_source = manager_create_data_source,
	.get_data_device = manager_get_data_device,
};

static void manager_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	resource_create(client, &wl_data_device_manager_interface, version, id, &manager_impl, data,
			NULL);
}

int data_device_manager_create(struct server *server)
{
	return wl_global_create(server->display, &wl_data_device_manager_interface,
				DATA_DEVICE_VERSION, server, manager_bind)
		       ? 0
		       : -1;
}
