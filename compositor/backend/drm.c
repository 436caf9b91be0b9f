/* The DRM backend: outputs from gpu_kms, one per card or lease; flips pace frames. */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "gpu.h"
#include "log.h"
#include "output.h"
#include "server.h"

struct drm;

/* One card or lease: its fd, its KMS and (through drm_output.card) its outputs. */
struct drm_card {
	struct drm *drm;
	unsigned int slot;
	int fd; /* -1: the slot is empty */
	struct gpu_kms *kms;
	struct wl_event_source *kms_source;
	char what[96]; /* the path or the card's ID_PATH, for messages */
};

struct drm_output {
	struct drm *drm;
	struct drm_card *card;
	struct output *output;
	struct gpu_kms_output *kms_output;
	struct wl_event_source *idle;
	/* pixman wrappers of the two dumb buffers, made once per buffer. */
	pixman_image_t *images[2];
	void *image_data[2];
};

struct drm {
	struct server *server;
	/*
	 * Under multiseatd, one lease per card of the seat, in the slot the seat link names;
	 * a slot is empty between leases. With --drm PATH, that card is slot 0.
	 */
	struct drm_card cards[DRM_BACKEND_SLOTS];
	dev_t devnum;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct wl_event_source *monitor_source;
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
	int ret = gpu_kms_output_begin(out->card->kms, out->kms_output, &buffer);
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
	return gpu_kms_output_commit(out->card->kms, out->kms_output, count ? rects : NULL, count);
}

static void handle_frame_done(void *data, struct gpu_kms_output *kms_output, uint64_t time_ns,
			      unsigned int sequence)
{
	struct drm_output *out = kms_output->user_data;
	if (out)
		output_presented(out->output, time_ns, sequence);
}

static bool name_taken(struct server *server, const char *name)
{
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (strcmp(output->name, name) == 0)
			return true;
	}
	return false;
}

/*
 * The connector's name, unless an output of another card has it already (two cards of one
 * model both have a "Virtual-1"): then with the slot, as wl_output names must be unique.
 */
static void output_name(struct drm_card *card, const struct gpu_kms_output *kms_output, char *name,
			size_t size)
{
	snprintf(name, size, "%s", kms_output->name);
	if (!name_taken(card->drm->server, name))
		return;
	char suffix[16];
	int n = snprintf(suffix, sizeof(suffix), "@slot%u", card->slot);
	/* The suffix is kept whole: a cut connector name still differs from the other. */
	int room = (int)size - 1 - n;
	snprintf(name, size, "%.*s%s", room > 0 ? room : 0, kms_output->name, suffix);
}

static void handle_output_added(void *data, struct gpu_kms_output *kms_output)
{
	struct drm_card *card = data;
	struct drm *drm = card->drm;
	struct drm_output *out = calloc(1, sizeof(*out));
	if (!out) {
		log_error("no memory for output %s", kms_output->name);
		return;
	}
	out->drm = drm;
	out->card = card;
	out->kms_output = kms_output;
	kms_output->user_data = out;
	char name[sizeof(out->output->name)];
	output_name(card, kms_output, name, sizeof(name));
	/* Left to right: the cards in slot order, each card's outputs in connector order. */
	uint64_t order = (uint64_t)card->slot << 32 | kms_output->connector_id;
	out->output = output_create(drm->server, name, kms_output->width, kms_output->height,
				    kms_output->refresh_mhz, order, out);
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
	log_info("output %s: %dx%d at %.3f Hz, at x %d", out->output->name, kms_output->width,
		 kms_output->height, kms_output->refresh_mhz / 1000.0, out->output->x);
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
	log_info("output %s went away", out->output->name);
	drm_output_free(out);
}

static const struct gpu_kms_listener kms_listener = {
	.frame_done = handle_frame_done,
	.output_added = handle_output_added,
	.output_removed = handle_output_removed,
};

static void card_stop(struct drm_card *card);

static int handle_kms_readable(int fd, uint32_t mask, void *data)
{
	struct drm_card *card = data;
	struct drm *drm = card->drm;
	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) {
		if (drm->leased) {
			/* The daemon sends a new lease when there is one; other slots go on. */
			log_error("the DRM lease in slot %u (%s) hung up; waiting for another",
				  card->slot, card->what);
			card_stop(card);
			return 0;
		}
		log_error("the DRM device hung up");
		wl_display_terminate(drm->server->display);
		return 0;
	}
	if (gpu_kms_dispatch(card->kms) < 0)
		log_error("DRM events of %s could not be read", card->what);
	return 0;
}

static int handle_udev(int fd, uint32_t mask, void *data)
{
	struct drm *drm = data;
	struct drm_card *card = &drm->cards[0];
	struct udev_device *device = udev_monitor_receive_device(drm->monitor);
	if (!device)
		return 0;
	const char *action = udev_device_get_action(device);
	const char *hotplug = udev_device_get_property_value(device, "HOTPLUG");
	if (action && strcmp(action, "change") == 0 && hotplug && strcmp(hotplug, "1") == 0 &&
	    udev_device_get_devnum(device) == drm->devnum && card->kms) {
		log_info("monitor hotplug on %s", udev_device_get_sysname(device));
		if (gpu_kms_rescan(card->kms) < 0)
			log_error("the connectors could not be re-read");
		server_damage_whole(drm->server);
	}
	udev_device_unref(device);
	return 0;
}

static size_t card_output_count(struct drm_card *card)
{
	size_t count = 0;
	struct output *output;
	wl_list_for_each (output, &card->drm->server->outputs, link) {
		struct drm_output *out = output->backend_data;
		count += out->card == card;
	}
	return count;
}

/* Lets go of the card or lease: its outputs disappear (the other cards' stay), the fd is closed. */
static void card_stop(struct drm_card *card)
{
	struct output *output, *tmp;
	wl_list_for_each_safe (output, tmp, &card->drm->server->outputs, link) {
		struct drm_output *out = output->backend_data;
		if (out->card == card)
			drm_output_free(out);
	}
	if (card->kms_source)
		wl_event_source_remove(card->kms_source);
	card->kms_source = NULL;
	gpu_kms_destroy(card->kms);
	card->kms = NULL;
	if (card->fd >= 0)
		close(card->fd);
	card->fd = -1;
}

/* Drives every connected connector of `fd` (taken; closed on failure). 0 or -errno. */
static int card_start(struct drm_card *card, int fd, const char *what)
{
	struct server *server = card->drm->server;
	snprintf(card->what, sizeof(card->what), "%s", what);
	card->fd = fd;
	card->kms = gpu_kms_create(card->fd, &kms_listener, card);
	if (!card->kms) {
		int err = errno;
		log_error("%s cannot be driven: %s", what, strerror(err));
		card_stop(card);
		return -err;
	}
	size_t outputs = card_output_count(card);
	if (outputs == 0)
		log_info("%s has no connected monitor yet; waiting for one", what);
	card->kms_source = wl_event_loop_add_fd(server->loop, gpu_kms_get_fd(card->kms),
						WL_EVENT_READABLE, handle_kms_readable, card);
	if (!card->kms_source) {
		card_stop(card);
		return -ENOMEM;
	}
	const char *kind = gpu_kms_is_atomic(card->kms) ? "atomic" : "legacy";
	if (card->drm->leased)
		log_info("lease slot %u (%s): %s KMS, %zu output%s", card->slot, what, kind,
			 outputs, outputs == 1 ? "" : "s");
	else
		log_info("%s: %s KMS", what, kind);
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
	for (unsigned int i = 0; i < DRM_BACKEND_SLOTS; i++)
		card_stop(&drm->cards[i]);
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
	if (fstat(drm->cards[0].fd, &st) < 0 || !S_ISCHR(st.st_mode))
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

static struct drm *drm_alloc(struct server *server, bool leased)
{
	struct drm *drm = calloc(1, sizeof(*drm));
	if (!drm)
		return NULL;
	drm->server = server;
	drm->leased = leased;
	for (unsigned int i = 0; i < DRM_BACKEND_SLOTS; i++)
		drm->cards[i] = (struct drm_card){.drm = drm, .slot = i, .fd = -1};
	return drm;
}

int drm_backend_create(struct server *server, const char *path)
{
	struct drm *drm = drm_alloc(server, false);
	if (!drm)
		return -ENOMEM;
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int err = errno;
		log_error("%s could not be opened: %s", path, strerror(err));
		free(drm);
		return -err;
	}
	server->backend = &drm_impl;
	server->backend_data = drm;
	int ret = card_start(&drm->cards[0], fd, path);
	if (ret < 0) {
		drm_destroy(server);
		return ret;
	}
	watch_hotplug(drm);
	return 0;
}

int drm_backend_create_leased(struct server *server)
{
	struct drm *drm = drm_alloc(server, true);
	if (!drm)
		return -ENOMEM;
	server->backend = &drm_impl;
	server->backend_data = drm;
	log_info("waiting for a DRM lease on the seat link");
	return 0;
}

/* The slot of a leased backend, or NULL with the reason in *error. */
static struct drm_card *leased_card(struct server *server, unsigned int slot, int *error)
{
	struct drm *drm = server->backend == &drm_impl ? server->backend_data : NULL;
	if (!drm || !drm->leased) {
		*error = -EINVAL;
		return NULL;
	}
	if (slot >= DRM_BACKEND_SLOTS) {
		*error = -ERANGE;
		return NULL;
	}
	return &drm->cards[slot];
}

int drm_backend_set_lease(struct server *server, unsigned int slot, int fd, const char *what)
{
	int error = 0;
	struct drm_card *card = leased_card(server, slot, &error);
	if (!card) {
		close(fd);
		if (error == -EINVAL)
			log_error("a DRM lease came, but this compositor does not drive DRM");
		else
			log_error("a DRM lease came for slot %u, beyond the %d this compositor has",
				  slot, DRM_BACKEND_SLOTS);
		return error;
	}
	if (card->fd >= 0)
		log_info("the lease in slot %u (%s) is replaced", slot, card->what);
	card_stop(card);
	return card_start(card, fd, what);
}

int drm_backend_revoke(struct server *server, unsigned int slot)
{
	int error = 0;
	struct drm_card *card = leased_card(server, slot, &error);
	if (!card)
		return error;
	if (card->fd < 0)
		return -ENOENT;
	log_info("the DRM lease in slot %u (%s) was revoked; its outputs are gone", slot,
		 card->what);
	card_stop(card);
	return 0;
}

int drm_backend_rescan(struct server *server, unsigned int slot)
{
	int error = 0;
	struct drm_card *card = leased_card(server, slot, &error);
	if (!card)
		return error;
	if (!card->kms)
		return -ENOENT;
	if (gpu_kms_rescan(card->kms) < 0)
		log_error("the connectors of the lease in slot %u (%s) could not be re-read", slot,
			  card->what);
	server_damage_whole(server);
	return 0;
}
