/* The headless backend: outputs are images in memory, vblank is a timer on the refresh grid. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"
#include "output.h"
#include "server.h"

struct headless_output {
	struct output *output;
	pixman_image_t *image;
	/* A timerfd of our own: vblanks at their exact due time, set in one system call. */
	int timer_fd;
	struct wl_event_source *timer;
	struct wl_event_source *idle; /* a frame due now: the output was idle */
	uint64_t next_ns;	      /* when the next frame is due */
	uint64_t period_ns;
	bool drawn;
};

struct headless {
	struct headless_output outputs[OPTIONS_MAX_OUTPUTS];
	int count;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void headless_vblank(struct headless_output *ho)
{
	struct output *output = ho->output;
	/* This frame is shown at its due time; the one after is due a period later. */
	uint64_t shown = ho->next_ns;
	ho->next_ns = shown + ho->period_ns;
	int ret = output_repaint(output);
	if (ret == 0) {
		/* Nothing to draw: this tick still answers frame callbacks. */
		wl_event_source_timer_update(output->idle_timer, 0);
		output_presented(output, shown, output->sequence + 1);
	} else if (ret > 0) {
		output_presented(output, shown, output->sequence + 1);
	}
}

static int handle_timer(int fd, uint32_t mask, void *data)
{
	uint64_t expirations;
	if (read(fd, &expirations, sizeof(expirations)) < 0) {
		/* EAGAIN: set again since it fired, for a later time. */
		if (errno != EAGAIN)
			log_error("headless vblank timer: %s", strerror(errno));
		return 0;
	}
	headless_vblank(data);
	return 0;
}

static void handle_idle_vblank(void *data)
{
	struct headless_output *ho = data;
	ho->idle = NULL;
	headless_vblank(ho);
}

static void headless_schedule_frame(struct output *output)
{
	struct headless_output *ho = output->backend_data;
	if (ho->idle)
		return;
	uint64_t now = now_ns();
	if (ho->next_ns <= now) {
		/* Idle for a period or more: no vblank to wait for, so the frame goes out now
		 * (as a monitor's next vblank would come at most a period later) and the
		 * refresh grid starts again from here. */
		ho->next_ns = now;
		ho->idle = wl_event_loop_add_idle(output->server->loop, handle_idle_vblank, ho);
		if (ho->idle)
			return;
	}
	struct itimerspec due = {
		.it_value = {.tv_sec = (time_t)(ho->next_ns / 1000000000u),
			     .tv_nsec = (long)(ho->next_ns % 1000000000u)},
	};
	if (timerfd_settime(ho->timer_fd, TFD_TIMER_ABSTIME, &due, NULL) < 0)
		log_error("headless vblank timer: %s", strerror(errno));
}

static int headless_begin_frame(struct output *output, pixman_image_t **image, int *age)
{
	struct headless_output *ho = output->backend_data;
	*image = ho->image;
	*age = ho->drawn ? 1 : 0;
	return 0;
}

static int headless_commit_frame(struct output *output, const pixman_region32_t *damage)
{
	struct headless_output *ho = output->backend_data;
	ho->drawn = true;
	return 0;
}

static int headless_scanout(struct output *output, struct wl_resource *buffer)
{
	/* Nothing to program: the buffer is the frame. Our own image is stale from now on. */
	struct headless_output *ho = output->backend_data;
	ho->drawn = false;
	return 0;
}

static void headless_destroy(struct server *server)
{
	struct headless *headless = server->backend_data;
	if (!headless)
		return;
	for (int i = 0; i < headless->count; i++) {
		struct headless_output *ho = &headless->outputs[i];
		output_destroy(ho->output);
		if (ho->idle)
			wl_event_source_remove(ho->idle);
		wl_event_source_remove(ho->timer);
		close(ho->timer_fd);
		pixman_image_unref(ho->image);
	}
	free(headless);
	server->backend_data = NULL;
}

static const struct backend_impl headless_impl = {
	.schedule_frame = headless_schedule_frame,
	.begin_frame = headless_begin_frame,
	.commit_frame = headless_commit_frame,
	.scanout = headless_scanout,
	.destroy = headless_destroy,
};

int headless_backend_create(struct server *server)
{
	struct headless *headless = calloc(1, sizeof(*headless));
	if (!headless)
		return -1;
	server->backend = &headless_impl;
	server->backend_data = headless;
	const struct options *opts = server->options;
	for (int i = 0; i < opts->headless_count; i++) {
		const struct headless_mode *mode = &opts->headless[i];
		struct headless_output *ho = &headless->outputs[i];
		ho->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, mode->width, mode->height,
						     NULL, 0);
		if (!ho->image) {
			log_error("no memory for a %dx%d headless output", mode->width,
				  mode->height);
			goto err;
		}
		ho->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (ho->timer_fd < 0) {
			log_error("no timer for a headless output: %s", strerror(errno));
			pixman_image_unref(ho->image);
			goto err;
		}
		ho->timer = wl_event_loop_add_fd(server->loop, ho->timer_fd, WL_EVENT_READABLE,
						 handle_timer, ho);
		if (!ho->timer) {
			close(ho->timer_fd);
			pixman_image_unref(ho->image);
			goto err;
		}
		ho->period_ns = 1000000000000ull / (uint64_t)mode->refresh_mhz;
		ho->next_ns = now_ns();
		headless->count++;
		char name[32];
		snprintf(name, sizeof(name), "HEADLESS-%d", i + 1);
		/* output_create schedules the first frame, which needs backend_data. */
		ho->output = output_create(server, name, mode->width, mode->height,
					   mode->refresh_mhz, (uint64_t)i, ho);
		if (!ho->output) {
			log_error("output %s could not be created", name);
			goto err;
		}
		log_info("output %s: %dx%d at %.3f Hz", name, mode->width, mode->height,
			 mode->refresh_mhz / 1000.0);
	}
	return 0;

err:
	headless_destroy(server);
	return -1;
}
