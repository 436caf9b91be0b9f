/* Exclusive access to an evdev device: its events reach the grabbing file and nothing else. */
#include <errno.h>
#include <linux/input.h>
#include <sys/ioctl.h>

#include "input.h"

int input_evdev_grab(int fd)
{
	return ioctl(fd, EVIOCGRAB, (void *)1) < 0 ? -errno : 0;
}
