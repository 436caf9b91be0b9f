/* The seat's input devices through libinput's path backend. */
#ifndef MULTISEAT_COMPOSITOR_EVDEV_H
#define MULTISEAT_COMPOSITOR_EVDEV_H

#include <stdint.h>

struct server;
struct evdev;

/*
 * Adds each device path given; standalone mode opens them itself (under the
 * daemon, open_restricted hands back fds received over the seat link instead).
 * Returns NULL when libinput cannot start; a device that fails to open is
 * reported and skipped.
 */
struct evdev *evdev_create(struct server *server, const char *const *paths, int count);
void evdev_destroy(struct evdev *evdev);

/*
 * A device from the seat link: takes `fd` (closed on failure too). libinput finds
 * `devnode` in udev and gets `fd` from open_restricted. 0, -ENODEV when the device went away
 * (unplugged or revoked) before it could be added, or another -errno.
 */
int evdev_add_fd(struct evdev *evdev, uint32_t id, const char *devnode, int fd);
/* The device has left the seat (its fd is already revoked). -ENOENT for an unknown id. */
int evdev_remove(struct evdev *evdev, uint32_t id);

#endif
