/* An output: its place in the global space, its damage and frame pacing, what it shows. */
#ifndef MULTISEAT_COMPOSITOR_OUTPUT_H
#define MULTISEAT_COMPOSITOR_OUTPUT_H

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>

#include "damage.h"

struct server;
struct render_frame;

struct output {
	struct server *server;
	struct wl_list link; /* server.outputs, left to right */
	uint64_t order;	     /* the backend's: server.outputs is sorted by it */
	void *backend_data;
	char name[32];
	char description[64];
	int x, y, width, height;
	int refresh_mhz;
	int mm_width, mm_height;
	struct wl_global *global;
	struct wl_list resources; /* wl_output resources */
	struct wl_list xdg_resources;

	pixman_region32_t damage;	    /* to repaint, output-local */
	struct damage_history history;	    /* of the frames shown, for buffer age */
	bool frame_scheduled;		    /* the backend will call output_repaint */
	bool needs_frame;		    /* something wants a repaint or frame callbacks */
	bool frame_had_damage;		    /* the last presented frame changed pixels */
	struct wl_event_source *idle_timer; /* frame callbacks when nothing changed on screen */
	uint64_t last_present_ns;
	uint32_t sequence;
	/* A flip done long before its refresh, held until then (see output_presented). */
	int pace_fd; /* timerfd, -1 until first needed */
	struct wl_event_source *pace_source;
	uint64_t paced_ns;
	uint32_t paced_sequence;

	/*
	 * Commits failed in a row. A lease the daemon revokes fails the commits made before its
	 * LINK_DRM_REVOKED (or SIGTERM) arrives: the first failure is retried quietly, a second
	 * one is said once, and then it is retried slowly.
	 */
	unsigned int commit_failures;
	pixman_image_t *last_image; /* what is on screen now, for screencopy; see scanout_buffer */
	/* A client's wl_buffer shown as it is, instead of last_image. Its wl_buffer.release waits
	 * until the output shows something else (release_pending: the surface has let it go). */
	struct wl_resource *scanout_buffer;
	struct wl_listener scanout_buffer_destroy;
	bool scanout_release_pending;
	struct render_frame *frame; /* render.c's: what the next frame draws */
	struct wl_list feedbacks;   /* presentation feedback of surfaces in the frame in flight */
	struct wl_signal events_frame; /* after every repaint, data: struct output */
	struct wl_signal events_destroy;
};

/* `order` places it among the others, left to right (equal: after those there already). */
struct output *output_create(struct server *server, const char *name, int width, int height,
			     int refresh_mhz, uint64_t order, void *backend_data);
void output_destroy(struct output *output);
void output_damage_box(struct output *output, int x, int y, int width, int height);
void output_damage_whole(struct output *output);
void output_schedule_frame(struct output *output);
/* 1 when a frame was committed, 0 when nothing changed (frame callbacks follow), <0 on error. */
int output_repaint(struct output *output);
void output_presented(struct output *output, uint64_t time_ns, uint32_t sequence);
void server_damage_box(struct server *server, int x, int y, int width, int height);
void server_damage_whole(struct server *server);
void server_schedule_frames(struct server *server);
struct output *server_output_at(struct server *server, double x, double y);
struct output *server_primary_output(struct server *server);
struct output *output_from_resource(struct wl_resource *resource);
void server_arrange_outputs(struct server *server);
/* What the output shows now, to read (screencopy); NULL before the first frame. Unref it. */
pixman_image_t *output_snapshot(struct output *output);
/* True when the output still shows `buffer`: its release is deferred until it no longer does. */
bool server_defer_buffer_release(struct server *server, struct wl_resource *buffer);
/* A surface holds `buffer` again (attached anew before the output let go): it releases it. */
void server_retake_buffer(struct server *server, struct wl_resource *buffer);

#endif
