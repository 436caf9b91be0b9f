/* Exclusive access to an evdev device: its events reach the grabbing file and nothing else. */
#include <errno.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "input.h"

int input_evdev_grab(int fd)
{
	return ioctl(fd, EVIOCGRAB, (void *)1) < 0 ? -errno : 0;
}

int input_evdev_drain(int fd)
{
	struct input_event events[64];
	/* Bounded: a device that never stops sending still lets the caller go on. */
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, events, sizeof(events));
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (n == 0)
			return -ENODEV;
	}
	return 0;
}
