/* The seat's input devices through libinput's path backend. */
#ifndef MULTISEAT_COMPOSITOR_EVDEV_H
#define MULTISEAT_COMPOSITOR_EVDEV_H

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

#endif
