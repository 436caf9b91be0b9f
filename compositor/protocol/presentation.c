/* wp_presentation: feedback on when a surface's content reached the screen, or that it never did.
 */
#include <stdlib.h>
#include <time.h>

#include "output.h"
#include "presentation-time-server-protocol.h"
#include "protocols.h"
#include "resource.h"
#include "server.h"
#include "surface.h"

static void feedback_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

void presentation_discard_list(struct wl_list *feedbacks)
{
	struct wl_resource *resource, *tmp;
	wl_resource_for_each_safe(resource, tmp, feedbacks)
	{
		wp_presentation_feedback_send_discarded(resource);
		wl_resource_destroy(resource);
	}
}

void presentation_surface_drawn(struct surface *surface, struct output *output)
{
	if (wl_list_empty(&surface->feedbacks))
		return;
	wl_list_insert_list(output->feedbacks.prev, &surface->feedbacks);
	wl_list_init(&surface->feedbacks);
}

void presentation_output_presented(struct server *server, struct output *output, uint64_t time_ns,
				   uint32_t sequence)
{
	if (wl_list_empty(&output->feedbacks))
		return;
	uint64_t seconds = time_ns / 1000000000u;
	uint32_t refresh = (uint32_t)(1000000000000ull / (uint64_t)output->refresh_mhz);
	struct wl_resource *resource, *tmp;
	wl_resource_for_each_safe(resource, tmp, &output->feedbacks)
	{
		struct wl_client *client = wl_resource_get_client(resource);
		struct wl_resource *output_resource;
		wl_resource_for_each(output_resource, &output->resources)
		{
			if (wl_resource_get_client(output_resource) == client)
				wp_presentation_feedback_send_sync_output(resource,
									  output_resource);
		}
		wp_presentation_feedback_send_presented(
			resource, (uint32_t)(seconds >> 32), (uint32_t)seconds,
			(uint32_t)(time_ns % 1000000000u), refresh, 0, sequence,
			WP_PRESENTATION_FEEDBACK_KIND_VSYNC |
				WP_PRESENTATION_FEEDBACK_KIND_HW_CLOCK |
				WP_PRESENTATION_FEEDBACK_KIND_HW_COMPLETION);
		wl_resource_destroy(resource);
	}
}

void presentation_output_destroyed(struct output *output)
{
	presentation_discard_list(&output->feedbacks);
}

static void presentation_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void presentation_feedback(struct wl_client *client, struct wl_resource *resource,
				  struct wl_resource *surface_resource, uint32_t id)
{
	struct surface *surface = surface_from_resource(surface_resource);
	struct wl_resource *feedback = resource_create(client, &wp_presentation_feedback_interface,
						       1, id, NULL, NULL, feedback_handle_destroy);
	if (!feedback)
		return;
	wl_list_insert(surface->pending.feedbacks.prev, wl_resource_get_link(feedback));
}

static const struct wp_presentation_interface presentation_impl = {
	.destroy = presentation_destroy,
	.feedback = presentation_feedback,
};

static void presentation_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *resource = resource_create(client, &wp_presentation_interface, version,
						       id, &presentation_impl, data, NULL);
	if (!resource)
		return;
	wp_presentation_send_clock_id(resource, CLOCK_MONOTONIC);
}

int presentation_create(struct server *server)
{
	return wl_global_create(server->display, &wp_presentation_interface, 1, server,
				presentation_bind)
		       ? 0
		       : -1;
}
