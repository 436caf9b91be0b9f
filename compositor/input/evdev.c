/* libinput path backend: keys, pointer, scroll and touch from the seat's own devices. */
#include "evdev.h"

#include <errno.h>
#include <fcntl.h>
#include <libinput.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <wayland-server-protocol.h>

#include "log.h"
#include "output.h"
#include "seat.h"
#include "seat_link.h"
#include "server.h"
#include "sysrq.h"

/* A device the seat link handed over. */
struct evdev_device {
	struct wl_list link;
	uint32_t id;
	char devnode[64];
	int fd; /* until libinput takes it in open_restricted; then -1 */
	struct libinput_device *device;
};

struct evdev {
	struct server *server;
	struct libinput *libinput;
	struct wl_event_source *source;
	/* Under multiseatd no path is ever opened here: only fds from the seat link are used. */
	bool restricted;
	struct wl_list devices; /* evdev_device */
	/* Alt+SysRq+<key> on the seat's own devices (never a client's virtual keyboard). */
	struct sysrq_tracker sysrq;
};

static int open_restricted(const char *path, int flags, void *data)
{
	struct evdev *evdev = data;
	if (evdev->restricted) {
		struct evdev_device *dev;
		wl_list_for_each (dev, &evdev->devices, link) {
			if (dev->fd >= 0 && strcmp(dev->devnode, path) == 0) {
				int fd = dev->fd;
				dev->fd = -1;
				return fd;
			}
		}
		log_error("%s: no fd for it came over the seat link; not opening it", path);
		return -EPERM;
	}
	int fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void close_restricted(int fd, void *data)
{
	close(fd);
}

static const struct libinput_interface libinput_impl = {
	.open_restricted = open_restricted,
	.close_restricted = close_restricted,
};

static void layout_size(struct server *server, int *width, int *height)
{
	*width = *height = 0;
	struct output *output;
	wl_list_for_each (output, &server->outputs, link) {
		if (output->x + output->width > *width)
			*width = output->x + output->width;
		if (output->y + output->height > *height)
			*height = output->y + output->height;
	}
}

static void handle_scroll(struct seat *seat, struct libinput_event_pointer *event,
			  enum libinput_event_type type)
{
	uint32_t time = libinput_event_pointer_get_time(event);
	uint32_t source = type == LIBINPUT_EVENT_POINTER_SCROLL_FINGER
				  ? WL_POINTER_AXIS_SOURCE_FINGER
				  : (type == LIBINPUT_EVENT_POINTER_SCROLL_CONTINUOUS
					     ? WL_POINTER_AXIS_SOURCE_CONTINUOUS
					     : WL_POINTER_AXIS_SOURCE_WHEEL);
	static const enum libinput_pointer_axis axes[] = {
		LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL,
		LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL,
	};
	for (int i = 0; i < 2; i++) {
		if (!libinput_event_pointer_has_axis(event, axes[i]))
			continue;
		double value = libinput_event_pointer_get_scroll_value(event, axes[i]);
		int32_t discrete = 0;
		if (type == LIBINPUT_EVENT_POINTER_SCROLL_WHEEL)
			discrete = (int32_t)(libinput_event_pointer_get_scroll_value_v120(event,
											  axes[i]) /
					     120);
		seat_pointer_axis(seat, time,
				  i == 0 ? WL_POINTER_AXIS_VERTICAL_SCROLL
					 : WL_POINTER_AXIS_HORIZONTAL_SCROLL,
				  value, discrete, source);
	}
	seat_pointer_frame(seat);
}

static void handle_event(struct evdev *evdev, struct libinput_event *event)
{
	struct server *server = evdev->server;
	struct seat *seat = server->seat;
	enum libinput_event_type type = libinput_event_get_type(event);
	switch (type) {
	case LIBINPUT_EVENT_DEVICE_ADDED: {
		struct libinput_device *device = libinput_event_get_device(event);
		log_info("input device '%s' added", libinput_device_get_name(device));
		if (libinput_device_has_capability(device, LIBINPUT_DEVICE_CAP_POINTER)) {
			seat->has_pointer_device = true;
			seat_damage_cursor(seat);
		}
		break;
	}
	case LIBINPUT_EVENT_DEVICE_REMOVED: {
		struct libinput_device *device = libinput_event_get_device(event);
		log_info("input device '%s' removed", libinput_device_get_name(device));
		/* A revoked fd reads ENODEV and libinput drops the device by itself. */
		struct evdev_device *dev;
		wl_list_for_each (dev, &evdev->devices, link) {
			if (dev->device == device)
				dev->device = NULL;
		}
		break;
	}
	case LIBINPUT_EVENT_KEYBOARD_KEY: {
		struct libinput_event_keyboard *key = libinput_event_get_keyboard_event(event);
		uint32_t code = libinput_event_keyboard_get_key(key);
		bool pressed =
			libinput_event_keyboard_get_key_state(key) == LIBINPUT_KEY_STATE_PRESSED;
		struct seat_link *link = evdev->server->link;
		char command;
		if (link && seat_link_sysrq(link) &&
		    sysrq_tracker_key(&evdev->sysrq, code, pressed ? 1 : 0, &command)) {
			if (command)
				seat_link_send_sysrq(link, command);
			break;
		}
		seat_keyboard_key(seat, &seat->keymap, libinput_event_keyboard_get_time(key), code,
				  pressed);
		break;
	}
	case LIBINPUT_EVENT_POINTER_MOTION: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(event);
		seat_pointer_motion(seat, libinput_event_pointer_get_time(p),
				    libinput_event_pointer_get_dx(p),
				    libinput_event_pointer_get_dy(p));
		seat_pointer_frame(seat);
		break;
	}
	case LIBINPUT_EVENT_POINTER_MOTION_ABSOLUTE: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(event);
		int width, height;
		layout_size(server, &width, &height);
		seat_pointer_warp(
			seat, libinput_event_pointer_get_time(p),
			libinput_event_pointer_get_absolute_x_transformed(p, (uint32_t)width),
			libinput_event_pointer_get_absolute_y_transformed(p, (uint32_t)height));
		seat_pointer_frame(seat);
		break;
	}
	case LIBINPUT_EVENT_POINTER_BUTTON: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(event);
		seat_pointer_button(seat, libinput_event_pointer_get_time(p),
				    libinput_event_pointer_get_button(p),
				    libinput_event_pointer_get_button_state(p) ==
					    LIBINPUT_BUTTON_STATE_PRESSED);
		seat_pointer_frame(seat);
		break;
	}
	case LIBINPUT_EVENT_POINTER_SCROLL_WHEEL:
	case LIBINPUT_EVENT_POINTER_SCROLL_FINGER:
	case LIBINPUT_EVENT_POINTER_SCROLL_CONTINUOUS:
		handle_scroll(seat, libinput_event_get_pointer_event(event), type);
		break;
	case LIBINPUT_EVENT_TOUCH_DOWN:
	case LIBINPUT_EVENT_TOUCH_MOTION: {
		struct libinput_event_touch *t = libinput_event_get_touch_event(event);
		int width, height;
		layout_size(server, &width, &height);
		double x = libinput_event_touch_get_x_transformed(t, (uint32_t)width);
		double y = libinput_event_touch_get_y_transformed(t, (uint32_t)height);
		if (type == LIBINPUT_EVENT_TOUCH_DOWN)
			seat_touch_down(seat, libinput_event_touch_get_time(t),
					libinput_event_touch_get_seat_slot(t), x, y);
		else
			seat_touch_motion(seat, libinput_event_touch_get_time(t),
					  libinput_event_touch_get_seat_slot(t), x, y);
		break;
	}
	case LIBINPUT_EVENT_TOUCH_UP: {
		struct libinput_event_touch *t = libinput_event_get_touch_event(event);
		seat_touch_up(seat, libinput_event_touch_get_time(t),
			      libinput_event_touch_get_seat_slot(t));
		break;
	}
	case LIBINPUT_EVENT_TOUCH_FRAME:
		seat_touch_frame(seat);
		break;
	default:
		break;
	}
}

static int handle_readable(int fd, uint32_t mask, void *data)
{
	struct evdev *evdev = data;
	if (libinput_dispatch(evdev->libinput) < 0)
		log_error("libinput could not read its devices");
	struct libinput_event *event;
	while ((event = libinput_get_event(evdev->libinput))) {
		handle_event(evdev, event);
		libinput_event_destroy(event);
	}
	return 0;
}

struct evdev *evdev_create(struct server *server, const char *const *paths, int count)
{
	struct evdev *evdev = calloc(1, sizeof(*evdev));
	if (!evdev)
		return NULL;
	evdev->server = server;
	evdev->restricted = server->options->seat_fd >= 0;
	wl_list_init(&evdev->devices);
	evdev->libinput = libinput_path_create_context(&libinput_impl, evdev);
	if (!evdev->libinput) {
		log_error("libinput could not start");
		goto err_free;
	}
	for (int i = 0; i < count; i++) {
		if (!libinput_path_add_device(evdev->libinput, paths[i]))
			log_error("input device %s could not be opened; going on without it",
				  paths[i]);
	}
	evdev->source = wl_event_loop_add_fd(server->loop, libinput_get_fd(evdev->libinput),
					     WL_EVENT_READABLE, handle_readable, evdev);
	if (!evdev->source)
		goto err_libinput;
	handle_readable(0, 0, evdev);
	return evdev;

err_libinput:
	libinput_unref(evdev->libinput);
err_free:
	free(evdev);
	return NULL;
}

static void device_free(struct evdev_device *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	wl_list_remove(&dev->link);
	free(dev);
}

static struct evdev_device *find_device(struct evdev *evdev, uint32_t id)
{
	struct evdev_device *dev;
	wl_list_for_each (dev, &evdev->devices, link) {
		if (dev->id == id)
			return dev;
	}
	return NULL;
}

int evdev_add_fd(struct evdev *evdev, uint32_t id, const char *devnode, int fd)
{
	if (find_device(evdev, id)) {
		close(fd);
		log_error("input device %u (%s) was already added", id, devnode);
		return -EEXIST;
	}
	struct evdev_device *dev = calloc(1, sizeof(*dev));
	if (!dev) {
		close(fd);
		return -ENOMEM;
	}
	dev->id = id;
	dev->fd = fd;
	snprintf(dev->devnode, sizeof(dev->devnode), "%s", devnode);
	wl_list_insert(evdev->devices.prev, &dev->link);
	/* Kept to tell, if libinput fails, a device already gone from one it cannot use. */
	int probe = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	/* libinput looks the node up in udev, then asks open_restricted for it: our fd. */
	dev->device = libinput_path_add_device(evdev->libinput, devnode);
	int version;
	bool gone = !dev->device && probe >= 0 && ioctl(probe, EVIOCGVERSION, &version) < 0 &&
		    errno == ENODEV;
	if (probe >= 0)
		close(probe);
	if (!dev->device) {
		/* Unplugged, or revoked by multiseatd, while the fd was on its way: not a fault. */
		if (gone)
			log_info("input device %u (%s) went away before it could be used", id,
				 devnode);
		else
			log_error("input device %u (%s) could not be used; going on without it", id,
				  devnode);
		device_free(dev);
		return gone ? -ENODEV : -EINVAL;
	}
	handle_readable(0, 0, evdev);
	return 0;
}

int evdev_remove(struct evdev *evdev, uint32_t id)
{
	struct evdev_device *dev = find_device(evdev, id);
	if (!dev)
		return -ENOENT;
	if (dev->device)
		libinput_path_remove_device(dev->device);
	device_free(dev);
	handle_readable(0, 0, evdev);
	return 0;
}

void evdev_destroy(struct evdev *evdev)
{
	if (!evdev)
		return;
	wl_event_source_remove(evdev->source);
	libinput_unref(evdev->libinput);
	struct evdev_device *dev, *tmp;
	wl_list_for_each_safe (dev, tmp, &evdev->devices, link)
		device_free(dev);
	free(evdev);
}
