/* Virtual keyboard and pointer protocols (wtype, test tools); only offered with --virtual-input. */
#include <errno.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-server-protocol.h>

#include "log.h"
#include "output.h"
#include "protocols.h"
#include "resource.h"
#include "seat.h"
#include "server.h"
#include "virtual-keyboard-unstable-v1-server-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-server-protocol.h"

#define KEYMAP_MAX_SIZE (1024 * 1024)

struct virtual_keyboard {
	struct server *server;
	struct seat_keymap keymap;
	struct wl_array pressed;
};

static void keyboard_keymap(struct wl_client *client, struct wl_resource *resource, uint32_t format,
			    int32_t fd, uint32_t size)
{
	struct virtual_keyboard *vk = wl_resource_get_user_data(resource);
	if (format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1 || size == 0 || size > KEYMAP_MAX_SIZE) {
		close(fd);
		wl_resource_post_error(resource, ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP,
				       "keymap format %u of %u bytes is not an xkb v1 keymap up to "
				       "1 MiB",
				       format, size);
		return;
	}
	char *text = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (text == MAP_FAILED) {
		wl_resource_post_error(resource, ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP,
				       "the keymap fd could not be mapped");
		return;
	}
	/* The text need not be NUL-terminated within `size`: copy it first. */
	char *copy = malloc(size + 1);
	if (!copy) {
		munmap(text, size);
		wl_client_post_no_memory(client);
		return;
	}
	memcpy(copy, text, size);
	copy[size] = '\0';
	munmap(text, size);
	struct seat_keymap fresh = {.fd = -1};
	int ret = seat_keymap_init_from_string(vk->server->seat, &fresh, copy);
	free(copy);
	if (ret < 0) {
		wl_resource_post_error(resource, ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP,
				       "the keymap does not compile");
		return;
	}
	seat_keymap_forget(vk->server->seat, &vk->keymap);
	seat_keymap_finish(&vk->keymap);
	vk->keymap = fresh;
}

static void track_key(struct virtual_keyboard *vk, uint32_t key, bool pressed)
{
	uint32_t *held;
	wl_array_for_each (held, &vk->pressed) {
		if (*held == key) {
			if (!pressed)
				*held = UINT32_MAX;
			return;
		}
	}
	if (pressed && vk->pressed.size < 64 * sizeof(uint32_t)) {
		uint32_t *slot = wl_array_add(&vk->pressed, sizeof(uint32_t));
		if (slot)
			*slot = key;
	}
}

static void keyboard_key(struct wl_client *client, struct wl_resource *resource, uint32_t time,
			 uint32_t key, uint32_t state)
{
	struct virtual_keyboard *vk = wl_resource_get_user_data(resource);
	if (!vk->keymap.keymap) {
		wl_resource_post_error(resource, ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP,
				       "key before keymap");
		return;
	}
	if (key > KEY_MAX)
		return;
	bool pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED;
	track_key(vk, key, pressed);
	seat_keyboard_key(vk->server->seat, &vk->keymap, time, key, pressed);
}

static void keyboard_modifiers(struct wl_client *client, struct wl_resource *resource,
			       uint32_t depressed, uint32_t latched, uint32_t locked,
			       uint32_t group)
{
	struct virtual_keyboard *vk = wl_resource_get_user_data(resource);
	if (!vk->keymap.keymap) {
		wl_resource_post_error(resource, ZWP_VIRTUAL_KEYBOARD_V1_ERROR_NO_KEYMAP,
				       "modifiers before keymap");
		return;
	}
	seat_keyboard_modifiers(vk->server->seat, &vk->keymap, depressed, latched, locked, group);
}

static void keyboard_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zwp_virtual_keyboard_v1_interface keyboard_impl = {
	.keymap = keyboard_keymap,
	.key = keyboard_key,
	.modifiers = keyboard_modifiers,
	.destroy = keyboard_destroy,
};

static void keyboard_handle_destroy(struct wl_resource *resource)
{
	struct virtual_keyboard *vk = wl_resource_get_user_data(resource);
	/* Keys still held by a vanished client are released, or they would stick. */
	uint32_t *held;
	wl_array_for_each (held, &vk->pressed) {
		if (*held != UINT32_MAX && vk->keymap.keymap)
			seat_keyboard_key(vk->server->seat, &vk->keymap, 0, *held, false);
	}
	seat_keymap_forget(vk->server->seat, &vk->keymap);
	seat_keymap_finish(&vk->keymap);
	wl_array_release(&vk->pressed);
	free(vk);
}

static void keyboard_manager_create(struct wl_client *client, struct wl_resource *resource,
				    struct wl_resource *seat, uint32_t id)
{
	struct virtual_keyboard *vk = calloc(1, sizeof(*vk));
	if (!vk) {
		wl_client_post_no_memory(client);
		return;
	}
	vk->server = wl_resource_get_user_data(resource);
	vk->keymap.fd = -1;
	wl_array_init(&vk->pressed);
	struct wl_resource *keyboard =
		resource_create(client, &zwp_virtual_keyboard_v1_interface, 1, id, &keyboard_impl,
				vk, keyboard_handle_destroy);
	if (!keyboard) {
		free(vk);
		return;
	}
}

static const struct zwp_virtual_keyboard_manager_v1_interface keyboard_manager_impl = {
	.create_virtual_keyboard = keyboard_manager_create,
};

static void keyboard_manager_bind(struct wl_client *client, void *data, uint32_t version,
				  uint32_t id)
{
	resource_create(client, &zwp_virtual_keyboard_manager_v1_interface, version, id,
			&keyboard_manager_impl, data, NULL);
}

/* ---- pointer ---- */

struct virtual_pointer {
	struct server *server;
	struct output *output; /* absolute motion maps onto it; NULL = every output */
	struct wl_listener output_destroy;
	uint32_t axis_source;
};

static void pointer_motion(struct wl_client *client, struct wl_resource *resource, uint32_t time,
			   wl_fixed_t dx, wl_fixed_t dy)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	seat_pointer_motion(vp->server->seat, time, wl_fixed_to_double(dx), wl_fixed_to_double(dy));
}

static void pointer_motion_absolute(struct wl_client *client, struct wl_resource *resource,
				    uint32_t time, uint32_t x, uint32_t y, uint32_t x_extent,
				    uint32_t y_extent)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	if (x_extent == 0 || y_extent == 0 || x > x_extent || y > y_extent)
		return;
	struct server *server = vp->server;
	int left = 0, top = 0, width = 0, height = 0;
	if (vp->output) {
		left = vp->output->x;
		top = vp->output->y;
		width = vp->output->width;
		height = vp->output->height;
	} else {
		struct output *output;
		wl_list_for_each (output, &server->outputs, link) {
			if (output->x + output->width > width)
				width = output->x + output->width;
			if (output->y + output->height > height)
				height = output->y + output->height;
		}
	}
	seat_pointer_warp(server->seat, time, left + (double)x * width / x_extent,
			  top + (double)y * height / y_extent);
}

static void pointer_button(struct wl_client *client, struct wl_resource *resource, uint32_t time,
			   uint32_t button, uint32_t state)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	seat_pointer_button(vp->server->seat, time, button,
			    state == WL_POINTER_BUTTON_STATE_PRESSED);
}

static void pointer_axis(struct wl_client *client, struct wl_resource *resource, uint32_t time,
			 uint32_t axis, wl_fixed_t value)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	if (axis > WL_POINTER_AXIS_HORIZONTAL_SCROLL) {
		wl_resource_post_error(resource, ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS,
				       "axis %u is not a wl_pointer.axis", axis);
		return;
	}
	seat_pointer_axis(vp->server->seat, time, axis, wl_fixed_to_double(value), 0,
			  vp->axis_source);
}

static void pointer_frame(struct wl_client *client, struct wl_resource *resource)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	seat_pointer_frame(vp->server->seat);
}

static void pointer_axis_source(struct wl_client *client, struct wl_resource *resource,
				uint32_t source)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	if (source > WL_POINTER_AXIS_SOURCE_WHEEL_TILT) {
		wl_resource_post_error(resource, ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS_SOURCE,
				       "axis source %u is not a wl_pointer.axis_source", source);
		return;
	}
	vp->axis_source = source;
}

static void pointer_axis_stop(struct wl_client *client, struct wl_resource *resource, uint32_t time,
			      uint32_t axis)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	if (axis > WL_POINTER_AXIS_HORIZONTAL_SCROLL) {
		wl_resource_post_error(resource, ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS,
				       "axis %u is not a wl_pointer.axis", axis);
		return;
	}
	seat_pointer_axis(vp->server->seat, time, axis, 0.0, 0, vp->axis_source);
}

static void pointer_axis_discrete(struct wl_client *client, struct wl_resource *resource,
				  uint32_t time, uint32_t axis, wl_fixed_t value, int32_t discrete)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	if (axis > WL_POINTER_AXIS_HORIZONTAL_SCROLL) {
		wl_resource_post_error(resource, ZWLR_VIRTUAL_POINTER_V1_ERROR_INVALID_AXIS,
				       "axis %u is not a wl_pointer.axis", axis);
		return;
	}
	seat_pointer_axis(vp->server->seat, time, axis, wl_fixed_to_double(value), discrete,
			  vp->axis_source);
}

static void pointer_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zwlr_virtual_pointer_v1_interface pointer_impl = {
	.motion = pointer_motion,
	.motion_absolute = pointer_motion_absolute,
	.button = pointer_button,
	.axis = pointer_axis,
	.frame = pointer_frame,
	.axis_source = pointer_axis_source,
	.axis_stop = pointer_axis_stop,
	.axis_discrete = pointer_axis_discrete,
	.destroy = pointer_destroy,
};

static void handle_output_destroy(struct wl_listener *listener, void *data)
{
	struct virtual_pointer *vp = wl_container_of(listener, vp, output_destroy);
	wl_list_remove(&vp->output_destroy.link);
	wl_list_init(&vp->output_destroy.link);
	vp->output = NULL;
}

static void pointer_handle_destroy(struct wl_resource *resource)
{
	struct virtual_pointer *vp = wl_resource_get_user_data(resource);
	wl_list_remove(&vp->output_destroy.link);
	free(vp);
}

static void create_pointer(struct wl_client *client, struct wl_resource *manager, uint32_t id,
			   struct wl_resource *output_resource)
{
	struct virtual_pointer *vp = calloc(1, sizeof(*vp));
	if (!vp) {
		wl_client_post_no_memory(client);
		return;
	}
	vp->server = wl_resource_get_user_data(manager);
	vp->axis_source = WL_POINTER_AXIS_SOURCE_WHEEL;
	wl_list_init(&vp->output_destroy.link);
	vp->output_destroy.notify = handle_output_destroy;
	struct wl_resource *resource = resource_create(client, &zwlr_virtual_pointer_v1_interface,
						       wl_resource_get_version(manager), id,
						       &pointer_impl, vp, pointer_handle_destroy);
	if (!resource) {
		free(vp);
		return;
	}
	vp->output = output_resource ? output_from_resource(output_resource) : NULL;
	if (vp->output)
		wl_signal_add(&vp->output->events_destroy, &vp->output_destroy);
}

static void pointer_manager_create(struct wl_client *client, struct wl_resource *resource,
				   struct wl_resource *seat, uint32_t id)
{
	create_pointer(client, resource, id, NULL);
}

static void pointer_manager_create_with_output(struct wl_client *client,
					       struct wl_resource *resource,
					       struct wl_resource *seat, struct wl_resource *output,
					       uint32_t id)
{
	create_pointer(client, resource, id, output);
}

static void pointer_manager_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct zwlr_virtual_pointer_manager_v1_interface pointer_manager_impl = {
	.create_virtual_pointer = pointer_manager_create,
	.destroy = pointer_manager_destroy,
	.create_virtual_pointer_with_output = pointer_manager_create_with_output,
};

static void pointer_manager_bind(struct wl_client *client, void *data, uint32_t version,
				 uint32_t id)
{
	resource_create(client, &zwlr_virtual_pointer_manager_v1_interface, version, id,
			&pointer_manager_impl, data, NULL);
}

int virtual_input_create(struct server *server)
{
	if (!wl_global_create(server->display, &zwp_virtual_keyboard_manager_v1_interface, 1,
			      server, keyboard_manager_bind))
		return -1;
	if (!wl_global_create(server->display, &zwlr_virtual_pointer_manager_v1_interface, 2,
			      server, pointer_manager_bind))
		return -1;
	return 0;
}
