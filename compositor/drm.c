/* The DRM backend: outputs from gpu_kms, flips pace frames, udev reports monitor hotplug. */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "gpu.h"
#include "log.h"
#include "server.h"

struct drm;

struct drm_output {
	struct drm *drm;
	struct output *output;
	struct gpu_kms_output *kms_output;
	struct wl_event_source *idle;
	/* pixman wrappers of the two dumb buffers, made once per buffer. */
	pixman_image_t *images[2];
	void *image_data[2];
};

struct drm {
	struct server *server;
	int fd;
	dev_t devnum;
	struct gpu_kms *kms;
	struct wl_event_source *kms_source;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct wl_event_source *monitor_source;
	/* Under multiseatd: the fd is a lease from the seat link, and -1 between leases. */
	bool leased;
};

static void handle_idle_repaint(void *data)
{
	struct drm_output *out = data;
	out->idle = NULL;
	output_repaint(out->output);
}

static void drm_schedule_frame(struct output *output)
{
	struct drm_output *out = output->backend_data;
	/* On the next loop turn: every client commit of this turn lands in one frame. */
	if (!out->idle)
		out->idle =
			wl_event_loop_add_idle(out->drm->server->loop, handle_idle_repaint, out);
}

static int drm_begin_frame(struct output *output, pixman_image_t **image, int *age)
{
	struct drm_output *out = output->backend_data;
	struct gpu_kms_buffer buffer;
	int ret = gpu_kms_output_begin(out->drm->kms, out->kms_output, &buffer);
	if (ret < 0)
		return ret;
	int slot = out->image_data[0] == buffer.data ? 0
						     : (out->image_data[1] == buffer.data ? 1 : -1);
	if (slot < 0) {
		slot = out->images[0] ? 1 : 0;
		if (out->images[slot])
			pixman_image_unref(out->images[slot]);
		out->images[slot] = pixman_image_create_bits_no_clear(
			PIXMAN_x8r8g8b8, buffer.width, buffer.height, buffer.data, buffer.stride);
		out->image_data[slot] = buffer.data;
		if (!out->images[slot])
			return -ENOMEM;
	}
	*image = out->images[slot];
	*age = buffer.age;
	return 0;
}

static int drm_commit_frame(struct output *output, const pixman_region32_t *damage)
{
	struct drm_output *out = output->backend_data;
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles((pixman_region32_t *)damage, &n);
	struct gpu_kms_rect rects[16];
	int count = n <= 16 ? n : 0; /* many small rectangles: the whole output is cheaper */
	for (int i = 0; i < count; i++)
		rects[i] =
			(struct gpu_kms_rect){boxes[i].x1, boxes[i].y1, boxes[i].x2 - boxes[i].x1,
					      boxes[i].y2 - boxes[i].y1};
	return gpu_kms_output_commit(out->drm->kms, out->kms_output, count ? rects : NULL, count);
}

static void handle_frame_done(void *data, struct gpu_kms_output *kms_output, uint64_t time_ns,
			      unsigned int sequence)
{
	struct drm_output *out = kms_output->user_data;
	if (out)
		output_presented(out->output, time_ns, sequence);
}

static void handle_output_added(void *data, struct gpu_kms_output *kms_output)
{
	struct drm *drm = data;
	struct drm_output *out = calloc(1, sizeof(*out));
	if (!out) {
		log_error("no memory for output %s", kms_output->name);
		return;
	}
	out->drm = drm;
	out->kms_output = kms_output;
	kms_output->user_data = out;
	out->output = output_create(drm->server, kms_output->name, kms_output->width,
				    kms_output->height, kms_output->refresh_mhz, out);
	if (!out->output) {
		kms_output->user_data = NULL;
		free(out);
		log_error("output %s could not be created", kms_output->name);
		return;
	}
	if (kms_output->mm_width > 0 && kms_output->mm_height > 0) {
		out->output->mm_width = kms_output->mm_width;
		out->output->mm_height = kms_output->mm_height;
	}
	log_info("output %s: %dx%d at %.3f Hz", kms_output->name, kms_output->width,
		 kms_output->height, kms_output->refresh_mhz / 1000.0);
}

static void drm_output_free(struct drm_output *out)
{
	if (out->idle)
		wl_event_source_remove(out->idle);
	output_destroy(out->output);
	for (int i = 0; i < 2; i++) {
		if (out->images[i])
			pixman_image_unref(out->images[i]);
	}
	out->kms_output->user_data = NULL;
	free(out);
}

static void handle_output_removed(void *data, struct gpu_kms_output *kms_output)
{
	struct drm_output *out = kms_output->user_data;
	if (!out)
		return;
	log_info("output %s went away", kms_output->name);
	drm_output_free(out);
}

static const struct gpu_kms_listener kms_listener = {
	.frame_done = handle_frame_done,
	.output_added = handle_output_added,
	.output_removed = handle_output_removed,
};

static void drm_stop(struct drm *drm);

static int handle_kms_readable(int fd, uint32_t mask, void *data)
{
	struct drm *drm = data;
	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) {
		if (drm->leased) {
			/* The daemon sends a new lease when there is one. */
			log_error("the DRM lease hung up; waiting for another");
			drm_stop(drm);
			return 0;
		}
		log_error("the DRM device hung up");
		wl_display_terminate(drm->server->display);
		return 0;
	}
	if (gpu_kms_dispatch(drm->kms) < 0)
		log_error("DRM events could not be read");
	return 0;
}

static int handle_udev(int fd, uint32_t mask, void *data)
{
	struct drm *drm = data;
	struct udev_device *device = udev_monitor_receive_device(drm->monitor);
	if (!device)
		return 0;
	const char *action = udev_device_get_action(device);
	const char *hotplug = udev_device_get_property_value(device, "HOTPLUG");
	if (action && strcmp(action, "change") == 0 && hotplug && strcmp(hotplug, "1") == 0 &&
	    udev_device_get_devnum(device) == drm->devnum) {
		log_info("monitor hotplug on %s", udev_device_get_sysname(device));
		if (gpu_kms_rescan(drm->kms) < 0)
			log_error("the connectors could not be re-read");
		server_damage_whole(drm->server);
	}
	udev_device_unref(device);
	return 0;
}

/* Lets go of the card or lease: its outputs disappear, the fd is closed. */
static void drm_stop(struct drm *drm)
{
	struct output *output, *tmp;
	wl_list_for_each_safe (output, tmp, &drm->server->outputs, link)
		drm_output_free(output->backend_data);
	if (drm->kms_source)
		wl_event_source_remove(drm->kms_source);
	drm->kms_source = NULL;
	gpu_kms_destroy(drm->kms);
	drm->kms = NULL;
	if (drm->fd >= 0)
		close(drm->fd);
	drm->fd = -1;
}

/* Drives every connected connector of `fd` (taken; closed on failure). 0 or -errno. */
static int drm_start(struct drm *drm, int fd, const char *what)
{
	struct server *server = drm->server;
	drm->fd = fd;
	drm->kms = gpu_kms_create(drm->fd, &kms_listener, drm);
	if (!drm->kms) {
		int err = errno;
		log_error("%s cannot be driven: %s", what, strerror(err));
		drm_stop(drm);
		return -err;
	}
	if (wl_list_empty(&server->outputs))
		log_info("%s has no connected monitor yet; waiting for one", what);
	drm->kms_source = wl_event_loop_add_fd(server->loop, gpu_kms_get_fd(drm->kms),
					       WL_EVENT_READABLE, handle_kms_readable, drm);
	if (!drm->kms_source) {
		drm_stop(drm);
		return -ENOMEM;
	}
	log_info("%s: %s KMS", what, gpu_kms_is_atomic(drm->kms) ? "atomic" : "legacy");
	server_damage_whole(server);
	return 0;
}

static void drm_destroy(struct server *server)
{
	struct drm *drm = server->backend_data;
	if (!drm)
		return;
	if (drm->monitor_source)
		wl_event_source_remove(drm->monitor_source);
	udev_monitor_unref(drm->monitor);
	udev_unref(drm->udev);
	drm_stop(drm);
	free(drm);
	server->backend_data = NULL;
}

static const struct backend_impl drm_impl = {
	.schedule_frame = drm_schedule_frame,
	.begin_frame = drm_begin_frame,
	.commit_frame = drm_commit_frame,
	.destroy = drm_destroy,
};

/* Connector hotplug arrives as a "change" uevent on the card; a lease fd has none. */
static void watch_hotplug(struct drm *drm)
{
	struct stat st;
	if (fstat(drm->fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return;
	drm->devnum = st.st_rdev;
	drm->udev = udev_new();
	if (!drm->udev)
		return;
	drm->monitor = udev_monitor_new_from_netlink(drm->udev, "udev");
	if (!drm->monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(drm->monitor, "drm", NULL) < 0 ||
	    udev_monitor_enable_receiving(drm->monitor) < 0) {
		log_error("monitor hotplug cannot be watched (no udev)");
		return;
	}
	drm->monitor_source =
		wl_event_loop_add_fd(drm->server->loop, udev_monitor_get_fd(drm->monitor),
				     WL_EVENT_READABLE, handle_udev, drm);
}

int drm_backend_create(struct server *server, const char *path)
{
	struct drm *drm = calloc(1, sizeof(*drm));
	if (!drm)
		return -ENOMEM;
	drm->server = server;
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int err = errno;
		log_error("%s could not be opened: %s", path, strerror(err));
		free(drm);
		return -err;
	}
	server->backend = &drm_impl;
	server->backend_data = drm;
	int ret = drm_start(drm, fd, path);
	if (ret < 0) {
		drm_destroy(server);
		return ret;
	}
	watch_hotplug(drm);
	return 0;
}

int drm_backend_create_leased(struct server *server)
{
	struct drm *drm = calloc(1, sizeof(*drm));
	if (!drm)
		return -ENOMEM;
	drm->server = server;
	drm->fd = -1;
	drm->leased = true;
	server->backend = &drm_impl;
	server->backend_data = drm;
	log_info("waiting for a DRM lease on the seat link");
	return 0;
}

static struct drm *leased_drm(struct server *server)
{
	struct drm *drm = server->backend == &drm_impl ? server->backend_data : NULL;
	return drm && drm->leased ? drm : NULL;
}

int drm_backend_set_lease(struct server *server, int fd, const char *what)
{
	struct drm *drm = leased_drm(server);
	if (!drm) {
		close(fd);
		log_error("a DRM lease came, but this compositor does not drive DRM");
		return -EINVAL;
	}
	drm_stop(drm);
	return drm_start(drm, fd, what);
}

void drm_backend_revoke(struct server *server)
{
	struct drm *drm = leased_drm(server);
	if (drm && drm->fd >= 0) {
		log_info("the DRM lease was revoked; waiting for another");
		drm_stop(drm);
	}
}

void drm_backend_rescan(struct server *server)
{
	struct drm *drm = leased_drm(server);
	if (!drm || !drm->kms)
		return;
	if (gpu_kms_rescan(drm->kms) < 0)
		log_error("the leased connectors could not be re-read");
	server_damage_whole(server);
}
