/* Outputs: the wl_output global, damage accumulation and the repaint cycle. */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <wayland-server-protocol.h>

#include "damage.h"
#include "emit.h"
#include "log.h"
#include "protocols.h"
#include "render.h"
#include "resource.h"
#include "server.h"
#include "surface.h"
#include "view.h"

static void output_handle_release(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static const struct wl_output_interface output_impl = {
	.release = output_handle_release,
};

static void handle_resource_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void output_send_state(struct output *output, struct wl_resource *resource)
{
	uint32_t version = wl_resource_get_version(resource);
	wl_output_send_geometry(resource, output->x, output->y, output->mm_width, output->mm_height,
				WL_OUTPUT_SUBPIXEL_UNKNOWN, "multiseat", output->name,
				WL_OUTPUT_TRANSFORM_NORMAL);
	wl_output_send_mode(resource, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED,
			    output->width, output->height, output->refresh_mhz);
	if (version >= WL_OUTPUT_SCALE_SINCE_VERSION)
		wl_output_send_scale(resource, 1);
	if (version >= WL_OUTPUT_NAME_SINCE_VERSION)
		wl_output_send_name(resource, output->name);
	if (version >= WL_OUTPUT_DESCRIPTION_SINCE_VERSION)
		wl_output_send_description(resource, output->description);
	if (version >= WL_OUTPUT_DONE_SINCE_VERSION)
		wl_output_send_done(resource);
}

static void output_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct output *output = data;
	struct wl_resource *resource =
		resource_create(client, &wl_output_interface, version, id, &output_impl, output,
				handle_resource_destroy);
	if (!resource)
		return;
	wl_list_insert(&output->resources, wl_resource_get_link(resource));
	output_send_state(output, resource);
}

struct output *output_from_resource(struct wl_resource *resource)
{
	if (!resource)
		return NULL;
	/* Outputs that went away leave inert resources behind. */
	return wl_resource_get_user_data(resource);
}

/* Stops showing a client buffer: the surface may have let it go already. */
static void output_end_scanout(struct output *output)
{
	struct wl_resource *buffer = output->scanout_buffer;
	if (!buffer)
		return;
	wl_list_remove(&output->scanout_buffer_destroy.link);
	wl_list_init(&output->scanout_buffer_destroy.link);
	output->scanout_buffer = NULL;
	/* wl_buffer_send_release without its varargs walk: each frame shown from a client. */
	if (output->scanout_release_pending)
		wl_resource_post_event_array(buffer, WL_BUFFER_RELEASE, NULL);
	output->scanout_release_pending = false;
}

static void handle_scanout_buffer_destroy(struct wl_listener *listener, void *data)
{
	struct output *output = wl_container_of(listener, output, scanout_buffer_destroy);
	output->scanout_release_pending = false;
	output_end_scanout(output);
	output_damage_whole(output);
}

static void output_begin_scanout(struct output *output, struct wl_resource *buffer)
{
	if (output->scanout_buffer == buffer)
		return;
	output_end_scanout(output);
	output->scanout_buffer = buffer;
	wl_resource_add_destroy_listener(buffer, &output->scanout_buffer_destroy);
}

bool server_defer_buffer_release(struct server *server, struct wl_resource *buffer)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (output->scanout_buffer == buffer) {
			output->scanout_release_pending = true;
			return true;
		}
	}
	return false;
}

void server_retake_buffer(struct server *server, struct wl_resource *buffer)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (output->scanout_buffer == buffer)
			output->scanout_release_pending = false;
	}
}

pixman_image_t *output_snapshot(struct output *output)
{
	if (!output->scanout_buffer)
		return output->last_image ? pixman_image_ref(output->last_image) : NULL;
	/* A client's buffer is on screen: copy it out, guarded against the client shrinking its
	 * pool (the reader guards its own buffer, and two guards cannot nest). */
	struct wl_shm_buffer *shm = wl_shm_buffer_get(output->scanout_buffer);
	pixman_image_t *copy = pixman_image_create_bits_no_clear(PIXMAN_x8r8g8b8, output->width,
								 output->height, NULL, 0);
	if (!shm || !copy)
		return copy;
	wl_shm_buffer_begin_access(shm);
	pixman_image_t *source = pixman_image_create_bits_no_clear(
		PIXMAN_x8r8g8b8, wl_shm_buffer_get_width(shm), wl_shm_buffer_get_height(shm),
		wl_shm_buffer_get_data(shm), wl_shm_buffer_get_stride(shm));
	if (source) {
		pixman_image_composite32(PIXMAN_OP_SRC, source, NULL, copy, 0, 0, 0, 0, 0, 0,
					 output->width, output->height);
		pixman_image_unref(source);
	}
	wl_shm_buffer_end_access(shm);
	return copy;
}

static int handle_idle_timer(void *data)
{
	struct output *output = data;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	output_presented(output, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
			 output->sequence);
	return 0;
}

/* Outputs stay sorted by `order`: equal ones in the order they came. */
static void insert_ordered(struct server *server, struct output *output)
{
	struct output *other;
	wl_list_for_each (other, &server->outputs, link) {
		if (other->order > output->order) {
			wl_list_insert(other->link.prev, &output->link);
			return;
		}
	}
	wl_list_insert(server->outputs.prev, &output->link);
}

struct output *output_create(struct server *server, const char *name, int width, int height,
			     int refresh_mhz, uint64_t order, void *backend_data)
{
	struct output *output = calloc(1, sizeof(*output));
	if (!output)
		return NULL;
	output->server = server;
	output->backend_data = backend_data;
	output->order = order;
	snprintf(output->name, sizeof(output->name), "%s", name);
	snprintf(output->description, sizeof(output->description), "multiseat %s %dx%d", name,
		 width, height);
	output->width = width;
	output->height = height;
	output->refresh_mhz = refresh_mhz > 0 ? refresh_mhz : 60000;
	output->pace_fd = -1;
	/* 96 dpi when the monitor does not say. */
	output->mm_width = width * 254 / 960;
	output->mm_height = height * 254 / 960;
	wl_list_init(&output->resources);
	wl_list_init(&output->xdg_resources);
	wl_list_init(&output->feedbacks);
	wl_list_init(&output->scanout_buffer_destroy.link);
	output->scanout_buffer_destroy.notify = handle_scanout_buffer_destroy;
	wl_signal_init(&output->events_frame);
	wl_signal_init(&output->events_destroy);
	pixman_region32_init_rect(&output->damage, 0, 0, width, height);
	damage_history_init(&output->history);
	if (render_init(output) < 0)
		goto err_free;
	output->idle_timer = wl_event_loop_add_timer(server->loop, handle_idle_timer, output);
	if (!output->idle_timer)
		goto err_render;
	output->global =
		wl_global_create(server->display, &wl_output_interface, 4, output, output_bind);
	if (!output->global)
		goto err_timer;
	insert_ordered(server, output);
	server_arrange_outputs(server);
	signal_emit_mutable(&server->events_new_output, output);
	server_arrange_views(server);
	output->needs_frame = true;
	output_schedule_frame(output);
	return output;

err_timer:
	wl_event_source_remove(output->idle_timer);
err_render:
	render_finish(output);
err_free:
	pixman_region32_fini(&output->damage);
	damage_history_finish(&output->history);
	free(output);
	return NULL;
}

void output_destroy(struct output *output)
{
	if (!output)
		return;
	signal_emit_mutable(&output->events_destroy, output);
	presentation_output_destroyed(output);
	struct wl_resource *resource, *tmp;
	wl_resource_for_each_safe(resource, tmp, &output->resources)
	{
		wl_resource_set_user_data(resource, NULL);
		wl_list_remove(wl_resource_get_link(resource));
		wl_list_init(wl_resource_get_link(resource));
	}
	wl_resource_for_each_safe(resource, tmp, &output->xdg_resources)
	{
		wl_resource_set_user_data(resource, NULL);
		wl_list_remove(wl_resource_get_link(resource));
		wl_list_init(wl_resource_get_link(resource));
	}
	output_end_scanout(output);
	render_finish(output);
	wl_global_destroy(output->global);
	wl_event_source_remove(output->idle_timer);
	if (output->pace_source)
		wl_event_source_remove(output->pace_source);
	if (output->pace_fd >= 0)
		close(output->pace_fd);
	wl_list_remove(&output->link);
	pixman_region32_fini(&output->damage);
	damage_history_finish(&output->history);
	struct server *server = output->server;
	free(output);
	server_arrange_outputs(server);
	server_arrange_views(server);
}

void output_damage_box(struct output *output, int x, int y, int width, int height)
{
	if (damage_add_box(&output->damage, output->x, output->y, output->width, output->height, x,
			   y, width, height)) {
		output->needs_frame = true;
		output_schedule_frame(output);
	}
}

void output_damage_whole(struct output *output)
{
	output_damage_box(output, output->x, output->y, output->width, output->height);
}

void output_schedule_frame(struct output *output)
{
	if (output->frame_scheduled)
		return;
	output->frame_scheduled = true;
	output->server->backend->schedule_frame(output);
}

/* Shows `surface`'s buffer as the whole frame; false when the backend cannot right now. */
static bool output_scanout(struct output *output, struct surface *surface)
{
	if (output->server->backend->scanout(output, surface->buffer) < 0)
		return false;
	output_begin_scanout(output, surface->buffer);
	output->last_image = NULL;
	output->frame_had_damage = true;
	render_mark_drawn(output);
	damage_history_take(&output->history, &output->damage);
	output->frame_scheduled = true; /* until output_presented */
	return true;
}

int output_repaint(struct output *output)
{
	struct server *server = output->server;
	output->frame_scheduled = false;
	output->needs_frame = false;
	if (!pixman_region32_not_empty(&output->damage)) {
		/* Nothing changed on screen: answer frame callbacks one refresh later. */
		wl_event_source_timer_update(output->idle_timer,
					     (int)(1000000 / output->refresh_mhz) > 0
						     ? (int)(1000000 / output->refresh_mhz)
						     : 1);
		output->frame_scheduled = true;
		output->frame_had_damage = false;
		return 0;
	}
	struct surface *direct = render_prepare(output);
	if (direct && server->backend->scanout && output_scanout(output, direct))
		return 1;
	pixman_image_t *image;
	int age;
	if (server->backend->begin_frame(output, &image, &age) < 0) {
		output->frame_scheduled = true; /* the backend calls us again when it can */
		return -EBUSY;
	}
	pixman_region32_t repaint;
	pixman_region32_init(&repaint);
	damage_history_repaint(&output->history, &output->damage, age, output->width,
			       output->height, &repaint);
	render_output(output, image, &repaint);
	pixman_region32_fini(&repaint);
	if (server->backend->commit_frame(output, &output->damage) < 0) {
		if (++output->commit_failures == 2)
			log_error("output %s: the frame could not be shown; trying again",
				  output->name);
		/*
		 * Again from a timer, never at once: a revoked lease fails every commit, and a
		 * repaint scheduled from the repaint itself would keep the event loop from ever
		 * reaching a signal or the seat link's new lease. frame_scheduled holds the
		 * damage's own scheduling back until the timer's output_presented.
		 */
		int period_ms =
			(int)(1000000 / (output->refresh_mhz > 0 ? output->refresh_mhz : 60000));
		output->frame_scheduled = true;
		output_damage_whole(output);
		wl_event_source_timer_update(
			output->idle_timer,
			output->commit_failures > 1 ? 250 : (period_ms > 0 ? period_ms : 1));
		return -EIO;
	}
	if (output->commit_failures > 1)
		log_info("output %s: frames are shown again", output->name);
	output->commit_failures = 0;
	output_end_scanout(output);
	output->last_image = image;
	output->frame_had_damage = true;
	damage_history_take(&output->history, &output->damage);
	output->frame_scheduled = true; /* until output_presented */
	return 1;
}

static void present(struct output *output, uint64_t time_ns, uint32_t sequence);

static int handle_pace_timer(int fd, uint32_t mask, void *data)
{
	(void)mask;
	struct output *output = data;
	uint64_t expirations;
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return 0; /* not due yet after all */
	present(output, output->paced_ns, output->paced_sequence);
	return 0;
}

/* Arms the pace timer for `due_ns` (CLOCK_MONOTONIC). 0, or -1 when it cannot be. */
static int pace(struct output *output, uint64_t due_ns, uint32_t sequence)
{
	if (output->pace_fd < 0) {
		output->pace_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (output->pace_fd < 0)
			return -1;
		output->pace_source =
			wl_event_loop_add_fd(output->server->loop, output->pace_fd,
					     WL_EVENT_READABLE, handle_pace_timer, output);
		if (!output->pace_source) {
			close(output->pace_fd);
			output->pace_fd = -1;
			return -1;
		}
	}
	struct itimerspec due = {.it_value = {.tv_sec = (time_t)(due_ns / 1000000000u),
					      .tv_nsec = (long)(due_ns % 1000000000u)}};
	if (timerfd_settime(output->pace_fd, TFD_TIMER_ABSTIME, &due, NULL) < 0)
		return -1;
	output->paced_ns = due_ns;
	output->paced_sequence = sequence;
	return 0;
}

/*
 * A flip that completes more than a quarter of a refresh early stands for the next refresh:
 * a virtual GPU without vblank (virtio-gpu, a lease on one) completes flips at once. It is
 * reported at that refresh, so clients draw at the monitor's rate instead of as often as the
 * CPU allows, and frame timing stays steady when other seats load the machine. A real
 * display's flips complete at vblank and are never held.
 */
void output_presented(struct output *output, uint64_t time_ns, uint32_t sequence)
{
	uint64_t period = 1000000000000ull / (uint64_t)output->refresh_mhz;
	uint64_t due = output->last_present_ns + period;
	if (output->last_present_ns && time_ns + period / 4 < due &&
	    pace(output, due, sequence) == 0)
		return;
	present(output, time_ns, sequence);
}

static void present(struct output *output, uint64_t time_ns, uint32_t sequence)
{
	struct server *server = output->server;
	output->frame_scheduled = false;
	output->last_present_ns = time_ns;
	output->sequence = sequence;
	signal_emit_mutable(&output->events_frame, output);
	presentation_output_presented(server, output, time_ns, sequence);
	uint32_t ms = (uint32_t)(time_ns / 1000000u);
	struct surface *surface;
	wl_list_for_each (surface, &server->surfaces, link)
		surface_send_frame_done(surface, ms);
	if (output->needs_frame || pixman_region32_not_empty(&output->damage))
		output_schedule_frame(output);
}

void server_damage_box(struct server *server, int x, int y, int width, int height)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (x < output->x + output->width && x + width > output->x &&
		    y < output->y + output->height && y + height > output->y)
			output_damage_box(output, x, y, width, height);
	}
}

void server_damage_whole(struct server *server)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link)
		output_damage_whole(output);
}

void server_schedule_frames(struct server *server)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		output->needs_frame = true;
		output_schedule_frame(output);
	}
}

struct output *server_output_at(struct server *server, double x, double y)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (x >= output->x && x < output->x + output->width && y >= output->y &&
		    y < output->y + output->height)
			return output;
	}
	return NULL;
}

struct output *server_primary_output(struct server *server)
{
	if (wl_list_empty(&server->outputs))
		return NULL;
	struct output *output = wl_container_of(server->outputs.next, output, link);
	return output;
}

void server_arrange_outputs(struct server *server)
{
	int x = 0;
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		bool moved = output->x != x || output->y != 0;
		output->x = x;
		output->y = 0;
		x += output->width;
		if (!moved)
			continue;
		struct wl_resource *resource;
		wl_resource_for_each(resource, &output->resources)
			output_send_state(output, resource);
		xdg_output_send_state(output);
		output_damage_whole(output);
	}
}
