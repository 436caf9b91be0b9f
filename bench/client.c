/* multiseat-bench-client: a wl_shm xdg-shell client that times its presented frames for bench/run.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "log.h"
#include "presentation-time-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#define BUFFER_COUNT 4
#define FALLBACK_WIDTH 1280
#define FALLBACK_HEIGHT 720
#define SQUARE_SIZE 64

enum client_mode {
	CLIENT_MODE_PARTIAL, /* a moving square: small damage every frame */
	CLIENT_MODE_FULL,    /* every pixel changes and is damaged every frame */
	CLIENT_MODE_IDLE,    /* one frame, then nothing */
};

static const char *const mode_names[] = {
	[CLIENT_MODE_PARTIAL] = "partial",
	[CLIENT_MODE_FULL] = "full",
	[CLIENT_MODE_IDLE] = "idle",
};

struct options {
	enum client_mode mode;
	int width, height; /* 0: take the compositor's size */
	bool fullscreen;
	double seconds;	 /* 0: no limit */
	uint64_t frames; /* 0: no limit */
	const char *report;
	bool log_frames;
	bool no_presentation; /* the same requests on every compositor, with or without it */
};

struct buffer {
	struct client *client;
	struct wl_buffer *wl_buffer;
	uint32_t *data;
	size_t size;
	int width, height;
	bool busy;
};

/* Kept in a list so the ones still in flight at exit can be destroyed. */
struct frame_feedback {
	struct wl_list link;
	struct wp_presentation_feedback *proxy;
	struct client *client;
};

struct client {
	struct options opt;

	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	uint32_t compositor_version;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wp_presentation *presentation;
	clockid_t presentation_clock;
	bool presentation_clock_known;

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct buffer buffers[BUFFER_COUNT];

	int width, height;		   /* size of the next frame */
	int opaque_width, opaque_height;   /* size of the opaque region last set */
	int pending_width, pending_height; /* from the latest xdg_toplevel.configure */
	bool configured;
	struct wl_callback *frame_callback; /* outstanding, or NULL */
	struct wl_list feedbacks;  /* struct frame_feedback: frames awaiting presentation */
	bool redraw_when_released; /* every buffer was busy when a frame was due */
	int square_x, square_y, square_dx, square_dy;

	bool running;
	const char *exit_reason;

	/* Everything below is reported; times are CLOCK_MONOTONIC ns, 0 when it did not happen. */
	uint64_t start_ns, connected_ns, first_configure_ns, first_commit_ns;
	uint64_t first_callback_ns, first_presented_ns, last_presented_ns;
	uint64_t frames_committed, frame_callbacks, frames_presented, frames_discarded;
	uint64_t busy_skips;
	uint32_t refresh_ns;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The frames that count toward --frames: presented ones when the compositor can tell us. */
static uint64_t counted_frames(const struct client *c)
{
	return c->presentation ? c->frames_presented : c->frame_callbacks;
}

static void client_stop(struct client *c, const char *reason)
{
	if (c->running) {
		c->running = false;
		c->exit_reason = reason;
	}
}

static void check_frame_limit(struct client *c)
{
	if (c->opt.frames > 0 && counted_frames(c) >= c->opt.frames) {
		client_stop(c, "frames");
	}
}

static void log_frame(struct client *c, const char *source, uint64_t ns)
{
	if (c->opt.log_frames) {
		/* bench/run counts these lines live to know how many frames fell in a window. */
		printf("bench-client: frame %" PRIu64 " %" PRIu64 " %s\n", counted_frames(c), ns,
		       source);
	}
}

static void handle_buffer_release(void *data, struct wl_buffer *wl_buffer);

static const struct wl_buffer_listener buffer_listener = {
	.release = handle_buffer_release,
};

static void buffer_finish(struct buffer *b)
{
	if (b->wl_buffer != NULL) {
		wl_buffer_destroy(b->wl_buffer);
	}
	if (b->data != NULL) {
		munmap(b->data, b->size);
	}
	struct client *c = b->client;
	*b = (struct buffer){.client = c};
}

static int buffer_init(struct buffer *b, struct wl_shm *shm, int width, int height)
{
	int stride = width * 4;
	size_t size = (size_t)stride * (size_t)height;
	int fd = memfd_create("bench-client-buffer", MFD_CLOEXEC);
	if (fd < 0) {
		log_error("memfd_create: %s", strerror(errno));
		return -errno;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = errno;
		log_error("ftruncate of a %zu byte buffer: %s", size, strerror(err));
		close(fd);
		return -err;
	}
	void *data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (data == MAP_FAILED) {
		int err = errno;
		log_error("mmap of a %zu byte buffer: %s", size, strerror(err));
		close(fd);
		return -err;
	}
	struct wl_shm_pool *pool = wl_shm_create_pool(shm, fd, (int32_t)size);
	b->wl_buffer =
		wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	/* The compositor has its own mapping by now; ours stays valid without the fd. */
	close(fd);
	wl_buffer_add_listener(b->wl_buffer, &buffer_listener, b);
	b->data = data;
	b->size = size;
	b->width = width;
	b->height = height;
	b->busy = false;
	return 0;
}

/* A free buffer of the current size, allocating or replacing one if needed; NULL if all are busy.
 */
static struct buffer *client_next_buffer(struct client *c)
{
	struct buffer *stale = NULL, *empty = NULL;
	for (int i = 0; i < BUFFER_COUNT; i++) {
		struct buffer *b = &c->buffers[i];
		if (b->wl_buffer == NULL) {
			if (empty == NULL) {
				empty = b;
			}
		} else if (!b->busy) {
			if (b->width == c->width && b->height == c->height) {
				return b;
			}
			stale = b;
		}
	}
	struct buffer *b = stale != NULL ? stale : empty;
	if (b == NULL) {
		return NULL;
	}
	buffer_finish(b);
	if (buffer_init(b, c->shm, c->width, c->height) < 0) {
		client_stop(c, "error");
		return NULL;
	}
	return b;
}

static void paint_full(struct buffer *b, uint64_t frame)
{
	/* Every pixel depends on the frame number so no two consecutive frames share a pixel. */
	uint32_t t = (uint32_t)frame;
	for (int y = 0; y < b->height; y++) {
		uint32_t *row = b->data + (size_t)y * (size_t)b->width;
		uint32_t g = ((uint32_t)y + t * 3) & 0xff;
		for (int x = 0; x < b->width; x++) {
			uint32_t r = ((uint32_t)x + t * 5) & 0xff;
			row[x] = 0xff000000u | r << 16 | g << 8 | ((r ^ g) & 0xff);
		}
	}
}

static void fill_rect(struct buffer *b, int x0, int y0, int w, int h, uint32_t color)
{
	for (int y = y0; y < y0 + h && y < b->height; y++) {
		uint32_t *row = b->data + (size_t)y * (size_t)b->width;
		for (int x = x0; x < x0 + w && x < b->width; x++) {
			row[x] = color;
		}
	}
}

static void surface_damage(struct client *c, int x, int y, int w, int h)
{
	/* Scale is always 1 here, so surface and buffer coordinates agree for old compositors. */
	if (c->compositor_version >= WL_SURFACE_DAMAGE_BUFFER_SINCE_VERSION) {
		wl_surface_damage_buffer(c->surface, x, y, w, h);
	} else {
		wl_surface_damage(c->surface, x, y, w, h);
	}
}

static void handle_frame_done(void *data, struct wl_callback *callback, uint32_t time);

static const struct wl_callback_listener frame_listener = {
	.done = handle_frame_done,
};

static void handle_feedback_sync_output(void *data, struct wp_presentation_feedback *feedback,
					struct wl_output *output)
{
}

static void frame_feedback_destroy(struct frame_feedback *fb)
{
	if (fb == NULL) {
		return;
	}
	wl_list_remove(&fb->link);
	wp_presentation_feedback_destroy(fb->proxy);
	free(fb);
}

static void handle_feedback_presented(void *data, struct wp_presentation_feedback *feedback,
				      uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec,
				      uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo,
				      uint32_t flags)
{
	struct frame_feedback *fb = data;
	struct client *c = fb->client;
	frame_feedback_destroy(fb);

	uint64_t ns = (((uint64_t)tv_sec_hi << 32) | tv_sec_lo) * 1000000000u + tv_nsec;
	if (c->presentation_clock_known && c->presentation_clock != CLOCK_MONOTONIC) {
		/* Weston reports CLOCK_MONOTONIC_RAW: shift by the clocks' offset right now, which
		 * is exact to well under a microsecond over the few ms since presentation. */
		int64_t offset = (int64_t)clock_ns(CLOCK_MONOTONIC) -
				 (int64_t)clock_ns(c->presentation_clock);
		ns = (uint64_t)((int64_t)ns + offset);
	}
	c->frames_presented++;
	c->refresh_ns = refresh;
	if (c->first_presented_ns == 0) {
		c->first_presented_ns = ns;
	}
	c->last_presented_ns = ns;
	log_frame(c, "presented", ns);
	check_frame_limit(c);
}

static void handle_feedback_discarded(void *data, struct wp_presentation_feedback *feedback)
{
	struct frame_feedback *fb = data;
	fb->client->frames_discarded++;
	frame_feedback_destroy(fb);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = handle_feedback_sync_output,
	.presented = handle_feedback_presented,
	.discarded = handle_feedback_discarded,
};

static void client_draw(struct client *c)
{
	struct buffer *b = client_next_buffer(c);
	if (b == NULL) {
		/* The compositor holds every buffer; draw again as soon as it returns one. */
		c->redraw_when_released = true;
		c->busy_skips++;
		return;
	}
	c->redraw_when_released = false;

	switch (c->opt.mode) {
	case CLIENT_MODE_FULL:
		paint_full(b, c->frames_committed);
		surface_damage(c, 0, 0, b->width, b->height);
		break;
	case CLIENT_MODE_PARTIAL: {
		/* Repaint the whole buffer (its old content is unknown) but damage only the
		 * square's old and new place, as a small animation would. */
		int old_x = c->square_x, old_y = c->square_y;
		int max_x = b->width > SQUARE_SIZE ? b->width - SQUARE_SIZE : 0;
		int max_y = b->height > SQUARE_SIZE ? b->height - SQUARE_SIZE : 0;
		c->square_x += c->square_dx;
		c->square_y += c->square_dy;
		if (c->square_x < 0 || c->square_x > max_x) {
			c->square_dx = -c->square_dx;
			c->square_x = c->square_x < 0 ? 0 : max_x;
		}
		if (c->square_y < 0 || c->square_y > max_y) {
			c->square_dy = -c->square_dy;
			c->square_y = c->square_y < 0 ? 0 : max_y;
		}
		fill_rect(b, 0, 0, b->width, b->height, 0xff303030u);
		fill_rect(b, c->square_x, c->square_y, SQUARE_SIZE, SQUARE_SIZE,
			  0xff000000u | ((uint32_t)c->frames_committed * 0x010203u & 0xffffffu));
		if (c->frames_committed == 0) {
			surface_damage(c, 0, 0, b->width, b->height);
		} else {
			surface_damage(c, old_x, old_y, SQUARE_SIZE, SQUARE_SIZE);
			surface_damage(c, c->square_x, c->square_y, SQUARE_SIZE, SQUARE_SIZE);
		}
		break;
	}
	case CLIENT_MODE_IDLE:
		fill_rect(b, 0, 0, b->width, b->height, 0xff205080u);
		surface_damage(c, 0, 0, b->width, b->height);
		break;
	}

	if (b->width != c->opaque_width || b->height != c->opaque_height) {
		/* Every pixel is opaque: saying so lets a compositor skip what lies below. */
		struct wl_region *region = wl_compositor_create_region(c->compositor);
		wl_region_add(region, 0, 0, b->width, b->height);
		wl_surface_set_opaque_region(c->surface, region);
		wl_region_destroy(region);
		c->opaque_width = b->width;
		c->opaque_height = b->height;
	}
	wl_surface_attach(c->surface, b->wl_buffer, 0, 0);
	b->busy = true;
	/* Idle mode asks for one callback too: it is the fallback first-frame signal. */
	if (c->frame_callback == NULL &&
	    (c->opt.mode != CLIENT_MODE_IDLE || c->frames_committed == 0)) {
		c->frame_callback = wl_surface_frame(c->surface);
		wl_callback_add_listener(c->frame_callback, &frame_listener, c);
	}
	if (c->presentation != NULL) {
		struct frame_feedback *fb = calloc(1, sizeof(*fb));
		if (fb == NULL) {
			log_error("out of memory");
			client_stop(c, "error");
			return;
		}
		fb->client = c;
		fb->proxy = wp_presentation_feedback(c->presentation, c->surface);
		wp_presentation_feedback_add_listener(fb->proxy, &feedback_listener, fb);
		wl_list_insert(c->feedbacks.prev, &fb->link);
	}
	wl_surface_commit(c->surface);
	if (c->first_commit_ns == 0) {
		c->first_commit_ns = now_ns();
	}
	c->frames_committed++;
}

static void handle_buffer_release(void *data, struct wl_buffer *wl_buffer)
{
	struct buffer *b = data;
	struct client *c = b->client;
	b->busy = false;
	if (c->redraw_when_released && c->running) {
		client_draw(c);
	}
}

static void handle_frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	struct client *c = data;
	wl_callback_destroy(callback);
	c->frame_callback = NULL;
	c->frame_callbacks++;
	if (c->first_callback_ns == 0) {
		c->first_callback_ns = now_ns();
	}
	if (c->presentation == NULL) {
		log_frame(c, "callback", now_ns());
		check_frame_limit(c);
	}
	if (c->opt.mode != CLIENT_MODE_IDLE && c->running) {
		client_draw(c);
	}
}

static void handle_presentation_clock_id(void *data, struct wp_presentation *presentation,
					 uint32_t clk_id)
{
	struct client *c = data;
	c->presentation_clock = (clockid_t)clk_id;
	struct timespec ts;
	/* A clock this kernel cannot read is no use for conversion: fall back to callbacks. */
	c->presentation_clock_known = clock_gettime(c->presentation_clock, &ts) == 0;
}

static const struct wp_presentation_listener presentation_listener = {
	.clock_id = handle_presentation_clock_id,
};

static void handle_wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = handle_wm_base_ping,
};

static void handle_xdg_surface_configure(void *data, struct xdg_surface *xdg_surface,
					 uint32_t serial)
{
	struct client *c = data;
	xdg_surface_ack_configure(xdg_surface, serial);

	int width = c->opt.width, height = c->opt.height;
	if (width == 0 || height == 0) {
		width = c->pending_width > 0 ? c->pending_width : FALLBACK_WIDTH;
		height = c->pending_height > 0 ? c->pending_height : FALLBACK_HEIGHT;
	}
	bool resized = width != c->width || height != c->height;
	c->width = width;
	c->height = height;

	if (!c->configured) {
		c->configured = true;
		c->first_configure_ns = now_ns();
		client_draw(c);
	} else if (resized && c->frame_callback == NULL) {
		/* An animating client picks the new size up at its next frame callback. */
		client_draw(c);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = handle_xdg_surface_configure,
};

static void handle_toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width,
				      int32_t height, struct wl_array *states)
{
	struct client *c = data;
	c->pending_width = width;
	c->pending_height = height;
}

static void handle_toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	client_stop(data, "closed");
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = handle_toplevel_configure,
	.close = handle_toplevel_close,
};

static void handle_registry_global(void *data, struct wl_registry *registry, uint32_t name,
				   const char *interface, uint32_t version)
{
	struct client *c = data;
	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		c->compositor_version = version < 4 ? version : 4;
		c->compositor = wl_registry_bind(registry, name, &wl_compositor_interface,
						 c->compositor_version);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		c->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(c->wm_base, &wm_base_listener, c);
	} else if (strcmp(interface, wp_presentation_interface.name) == 0 &&
		   !c->opt.no_presentation) {
		c->presentation = wl_registry_bind(registry, name, &wp_presentation_interface, 1);
		wp_presentation_add_listener(c->presentation, &presentation_listener, c);
	}
}

static void handle_registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_registry_global,
	.global_remove = handle_registry_global_remove,
};

static void report_time(FILE *f, const char *key, uint64_t ns)
{
	if (ns == 0) {
		fprintf(f, "  \"%s\": null,\n", key);
	} else {
		fprintf(f, "  \"%s\": %" PRIu64 ",\n", key, ns);
	}
}

/* Written to a temporary name and renamed so bench/run never reads half a report. */
static int client_write_report(const struct client *c, const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		log_error("report path too long: %s", path);
		return -ENAMETOOLONG;
	}
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		int err = errno;
		log_error("cannot write report %s: %s", tmp, strerror(err));
		return -err;
	}

	const char *source = NULL;
	uint64_t first = 0;
	if (c->presentation != NULL && c->first_presented_ns != 0) {
		source = "presentation";
		first = c->first_presented_ns;
	} else if (c->first_callback_ns != 0) {
		source = c->presentation != NULL ? "frame_callback (no frame was presented)"
						 : "frame_callback (no wp_presentation)";
		first = c->first_callback_ns;
	}

	fprintf(f, "{\n  \"client\": \"multiseat-bench-client\",\n");
	fprintf(f, "  \"mode\": \"%s\",\n", mode_names[c->opt.mode]);
	fprintf(f, "  \"clock\": \"CLOCK_MONOTONIC\",\n");
	report_time(f, "start_ns", c->start_ns);
	report_time(f, "connected_ns", c->connected_ns);
	report_time(f, "first_configure_ns", c->first_configure_ns);
	report_time(f, "first_commit_ns", c->first_commit_ns);
	report_time(f, "first_callback_ns", c->first_callback_ns);
	report_time(f, "first_presented_ns", c->first_presented_ns);
	report_time(f, "last_presented_ns", c->last_presented_ns);
	report_time(f, "first_frame_ns", first);
	if (source == NULL) {
		fprintf(f, "  \"first_frame_source\": null,\n");
	} else {
		fprintf(f, "  \"first_frame_source\": \"%s\",\n", source);
	}
	fprintf(f, "  \"presentation\": %s,\n", c->presentation != NULL ? "true" : "false");
	if (c->presentation_clock_known) {
		fprintf(f, "  \"presentation_clock_id\": %d,\n", (int)c->presentation_clock);
	} else {
		fprintf(f, "  \"presentation_clock_id\": null,\n");
	}
	fprintf(f, "  \"refresh_ns\": %" PRIu32 ",\n", c->refresh_ns);
	fprintf(f, "  \"width\": %d,\n  \"height\": %d,\n", c->width, c->height);
	fprintf(f, "  \"frames_committed\": %" PRIu64 ",\n", c->frames_committed);
	fprintf(f, "  \"frame_callbacks\": %" PRIu64 ",\n", c->frame_callbacks);
	fprintf(f, "  \"frames_presented\": %" PRIu64 ",\n", c->frames_presented);
	fprintf(f, "  \"frames_discarded\": %" PRIu64 ",\n", c->frames_discarded);
	fprintf(f, "  \"busy_skips\": %" PRIu64 ",\n", c->busy_skips);
	fprintf(f, "  \"exit_reason\": \"%s\"\n}\n", c->exit_reason ? c->exit_reason : "unknown");

	if (fclose(f) != 0) {
		int err = errno;
		log_error("cannot write report %s: %s", tmp, strerror(err));
		unlink(tmp);
		return -err;
	}
	if (rename(tmp, path) < 0) {
		int err = errno;
		log_error("cannot rename %s to %s: %s", tmp, path, strerror(err));
		unlink(tmp);
		return -err;
	}
	return 0;
}

static int client_connect(struct client *c)
{
	c->display = wl_display_connect(NULL);
	if (c->display == NULL) {
		const char *name = getenv("WAYLAND_DISPLAY");
		log_error("cannot connect to Wayland display '%s': %s",
			  name != NULL ? name : "wayland-0", strerror(errno));
		return -1;
	}
	c->connected_ns = now_ns();
	c->registry = wl_display_get_registry(c->display);
	wl_registry_add_listener(c->registry, &registry_listener, c);
	/* Two round trips: the globals, then the events of what we bound (clock_id). */
	if (wl_display_roundtrip(c->display) < 0 || wl_display_roundtrip(c->display) < 0) {
		log_error("lost the Wayland connection during setup: %s", strerror(errno));
		return -1;
	}
	const char *missing = c->compositor == NULL ? "wl_compositor"
			      : c->shm == NULL	    ? "wl_shm"
			      : c->wm_base == NULL  ? "xdg_wm_base"
						    : NULL;
	if (missing != NULL) {
		log_error("the compositor does not offer %s, which this client needs", missing);
		return -1;
	}
	if (c->presentation != NULL && !c->presentation_clock_known) {
		log_info("wp_presentation uses a clock this system cannot read; timing frames by "
			 "frame callbacks");
		wp_presentation_destroy(c->presentation);
		c->presentation = NULL;
	}
	return 0;
}

static void client_create_window(struct client *c)
{
	c->surface = wl_compositor_create_surface(c->compositor);
	c->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	xdg_toplevel_set_title(c->toplevel, "multiseat bench client");
	xdg_toplevel_set_app_id(c->toplevel, "multiseat-bench-client");
	if (c->opt.fullscreen) {
		xdg_toplevel_set_fullscreen(c->toplevel, NULL);
	}
	/* The first commit carries no buffer: it asks for the initial configure. */
	wl_surface_commit(c->surface);
}

static void client_destroy(struct client *c)
{
	struct frame_feedback *fb, *tmp;
	wl_list_for_each_safe (fb, tmp, &c->feedbacks, link) {
		frame_feedback_destroy(fb);
	}
	if (c->frame_callback != NULL) {
		wl_callback_destroy(c->frame_callback);
	}
	for (int i = 0; i < BUFFER_COUNT; i++) {
		buffer_finish(&c->buffers[i]);
	}
	if (c->toplevel != NULL) {
		xdg_toplevel_destroy(c->toplevel);
	}
	if (c->xdg_surface != NULL) {
		xdg_surface_destroy(c->xdg_surface);
	}
	if (c->surface != NULL) {
		wl_surface_destroy(c->surface);
	}
	if (c->presentation != NULL) {
		wp_presentation_destroy(c->presentation);
	}
	if (c->wm_base != NULL) {
		xdg_wm_base_destroy(c->wm_base);
	}
	if (c->shm != NULL) {
		wl_shm_destroy(c->shm);
	}
	if (c->compositor != NULL) {
		wl_compositor_destroy(c->compositor);
	}
	if (c->registry != NULL) {
		wl_registry_destroy(c->registry);
	}
	if (c->display != NULL) {
		wl_display_disconnect(c->display);
	}
}

static void log_display_error(struct wl_display *display)
{
	int err = wl_display_get_error(display);
	const struct wl_interface *interface = NULL;
	uint32_t id = 0;
	if (err == EPROTO) {
		uint32_t code = wl_display_get_protocol_error(display, &interface, &id);
		log_error("protocol error %u on %s@%u", code,
			  interface != NULL ? interface->name : "unknown", id);
	} else {
		log_error("lost the Wayland connection: %s", strerror(err));
	}
}

/* Runs until --seconds, --frames, a signal, a close or an error; returns 0 or -1. */
static int client_run(struct client *c, int signal_fd)
{
	uint64_t deadline = 0;
	if (c->opt.seconds > 0) {
		deadline = c->start_ns + (uint64_t)(c->opt.seconds * 1e9);
	}
	while (c->running) {
		while (wl_display_prepare_read(c->display) != 0) {
			if (wl_display_dispatch_pending(c->display) < 0) {
				log_display_error(c->display);
				return -1;
			}
		}
		short display_events = POLLIN;
		if (wl_display_flush(c->display) < 0) {
			if (errno != EAGAIN) {
				wl_display_cancel_read(c->display);
				log_display_error(c->display);
				return -1;
			}
			display_events |= POLLOUT;
		}

		int timeout = -1;
		if (deadline != 0) {
			uint64_t now = now_ns();
			timeout = now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
		}
		struct pollfd fds[2] = {
			{.fd = wl_display_get_fd(c->display), .events = display_events},
			{.fd = signal_fd, .events = POLLIN},
		};
		int n = poll(fds, 2, timeout);
		if (n < 0 && errno != EINTR) {
			wl_display_cancel_read(c->display);
			log_error("poll: %s", strerror(errno));
			return -1;
		}
		if (n > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP))) {
			if (wl_display_read_events(c->display) < 0) {
				log_display_error(c->display);
				return -1;
			}
		} else {
			wl_display_cancel_read(c->display);
		}
		if (wl_display_dispatch_pending(c->display) < 0) {
			log_display_error(c->display);
			return -1;
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
			struct signalfd_siginfo info;
			if (read(signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
				client_stop(c, "signal");
			}
		}
		if (deadline != 0 && now_ns() >= deadline) {
			client_stop(c, "seconds");
		}
	}
	return c->exit_reason != NULL && strcmp(c->exit_reason, "error") == 0 ? -1 : 0;
}

static const char usage[] =
	"Usage: multiseat-bench-client [OPTION]...\n"
	"A wl_shm client for bench/run: draws in a frame-callback loop and times presentation.\n"
	"\n"
	"  --size WxH      window size (default: the compositor's, else 1280x720)\n"
	"  --fullscreen    ask to be fullscreen\n"
	"  --full          repaint and damage the whole window every frame\n"
	"  --idle          draw one frame, then request nothing more\n"
	"                  (default: a moving 64x64 square, damaged alone)\n"
	"  --seconds N     exit after N seconds\n"
	"  --frames N      exit after N frames were presented\n"
	"  --report FILE   write JSON timings (CLOCK_MONOTONIC ns) to FILE on exit\n"
	"  --log-frames    print a line for every presented frame\n"
	"  --no-presentation  time frames by frame callbacks even where wp_presentation\n"
	"                  exists, so every compositor sees the same requests\n"
	"  -h, --help      show this help and exit\n";

static int parse_size(const char *text, int *width, int *height)
{
	char *end;
	errno = 0;
	long w = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != 'x') {
		return -EINVAL;
	}
	const char *rest = end + 1;
	long h = strtol(rest, &end, 10);
	if (errno != 0 || end == rest || *end != '\0' || w <= 0 || h <= 0 || w > 16384 ||
	    h > 16384) {
		return -EINVAL;
	}
	*width = (int)w;
	*height = (int)h;
	return 0;
}

static int parse_options(int argc, char *argv[], struct options *opt)
{
	enum {
		OPT_SIZE = 256,
		OPT_FULLSCREEN,
		OPT_FULL,
		OPT_IDLE,
		OPT_SECONDS,
		OPT_FRAMES,
		OPT_REPORT,
		OPT_LOG_FRAMES,
		OPT_NO_PRESENTATION
	};
	static const struct option long_options[] = {
		{"size", required_argument, NULL, OPT_SIZE},
		{"fullscreen", no_argument, NULL, OPT_FULLSCREEN},
		{"full", no_argument, NULL, OPT_FULL},
		{"idle", no_argument, NULL, OPT_IDLE},
		{"seconds", required_argument, NULL, OPT_SECONDS},
		{"frames", required_argument, NULL, OPT_FRAMES},
		{"report", required_argument, NULL, OPT_REPORT},
		{"log-frames", no_argument, NULL, OPT_LOG_FRAMES},
		{"no-presentation", no_argument, NULL, OPT_NO_PRESENTATION},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool full = false, idle = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		char *end;
		switch (c) {
		case OPT_SIZE:
			if (parse_size(optarg, &opt->width, &opt->height) < 0) {
				log_error("--size wants WxH (e.g. 1280x720), not '%s'", optarg);
				return -1;
			}
			break;
		case OPT_FULLSCREEN:
			opt->fullscreen = true;
			break;
		case OPT_FULL:
			full = true;
			break;
		case OPT_IDLE:
			idle = true;
			break;
		case OPT_SECONDS:
			errno = 0;
			opt->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(opt->seconds > 0) ||
			    opt->seconds > 86400) {
				log_error("--seconds wants a positive number, not '%s'", optarg);
				return -1;
			}
			break;
		case OPT_FRAMES: {
			errno = 0;
			unsigned long long frames = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || frames == 0 ||
			    optarg[0] == '-') {
				log_error("--frames wants a positive integer, not '%s'", optarg);
				return -1;
			}
			opt->frames = frames;
			break;
		}
		case OPT_REPORT:
			opt->report = optarg;
			break;
		case OPT_LOG_FRAMES:
			opt->log_frames = true;
			break;
		case OPT_NO_PRESENTATION:
			opt->no_presentation = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (full && idle) {
		log_error("--full and --idle exclude each other");
		return -1;
	}
	opt->mode = full ? CLIENT_MODE_FULL : idle ? CLIENT_MODE_IDLE : CLIENT_MODE_PARTIAL;
	return 0;
}

int main(int argc, char *argv[])
{
	struct client c = {
		.running = true,
		.square_dx = 7,
		.square_dy = 5,
	};
	c.start_ns = now_ns();
	wl_list_init(&c.feedbacks);
	for (int i = 0; i < BUFFER_COUNT; i++) {
		c.buffers[i].client = &c;
	}
	log_init(LOG_LEVEL_INFO, "multiseat-bench-client");
	if (parse_options(argc, argv, &c.opt) < 0) {
		return 2;
	}
	/* bench/run reads frame lines live through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals become events so a stopped run still writes its report. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return 1;
	}

	int status = 1;
	if (client_connect(&c) == 0) {
		client_create_window(&c);
		status = client_run(&c, signal_fd) == 0 ? 0 : 1;
	} else {
		c.exit_reason = "error";
	}
	if (status != 0) {
		c.exit_reason = "error";
	}
	if (c.opt.report != NULL && client_write_report(&c, c.opt.report) < 0) {
		status = 1;
	}
	client_destroy(&c);
	close(signal_fd);
	return status;
}
