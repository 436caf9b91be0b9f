/* The daemon's own reading of unassigned keyboards: which function key was pressed (libevdev). */
#include "input.h"

#include <errno.h>
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "sysrq.h"

struct input_key_reader {
	struct libevdev *evdev;
	int fd;
	struct sysrq_tracker sysrq;
	char sysrq_command; /* the last Alt+SysRq+<key> not yet taken */
};

int input_function_key_number(unsigned int code)
{
	if (code >= KEY_F1 && code <= KEY_F10)
		return (int)(code - KEY_F1) + 1;
	if (code == KEY_F11)
		return 11;
	if (code == KEY_F12)
		return 12;
	if (code >= KEY_F13 && code <= KEY_F24)
		return (int)(code - KEY_F13) + 13;
	return 0;
}

struct input_key_reader *input_key_reader_create(int fd)
{
	struct input_key_reader *reader = calloc(1, sizeof(*reader));
	if (!reader) {
		errno = ENOMEM;
		return NULL;
	}
	reader->fd = fd;
	int ret = libevdev_new_from_fd(fd, &reader->evdev);
	if (ret < 0) {
		input_key_reader_destroy(reader);
		errno = -ret;
		return NULL;
	}
	return reader;
}

void input_key_reader_destroy(struct input_key_reader *reader)
{
	if (!reader)
		return;
	libevdev_free(reader->evdev);
	free(reader);
}

int input_key_reader_get_fd(const struct input_key_reader *reader)
{
	return reader->fd;
}

static bool modifier_held(const struct libevdev *evdev)
{
	static const unsigned int modifiers[] = {KEY_LEFTCTRL,	KEY_RIGHTCTRL, KEY_LEFTALT,
						 KEY_RIGHTALT,	KEY_LEFTMETA,  KEY_RIGHTMETA,
						 KEY_LEFTSHIFT, KEY_RIGHTSHIFT};
	for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++) {
		if (libevdev_get_event_value(evdev, EV_KEY, modifiers[i]) > 0)
			return true;
	}
	return false;
}

int input_key_reader_dispatch(struct input_key_reader *reader)
{
	int pressed = 0;
	unsigned int flags = LIBEVDEV_READ_FLAG_NORMAL;
	/* Bounded: a device that never stops sending still lets the event loop go on. */
	for (int i = 0; i < 256; i++) {
		struct input_event ev;
		int ret = libevdev_next_event(reader->evdev, flags, &ev);
		if (ret == -EAGAIN) {
			if (flags == LIBEVDEV_READ_FLAG_SYNC) {
				flags = LIBEVDEV_READ_FLAG_NORMAL;
				continue;
			}
			break;
		}
		if (ret < 0)
			return ret;
		if (ret == LIBEVDEV_READ_STATUS_SYNC) {
			/* Events were dropped: catch up on state, and take no key from the gap. */
			flags = LIBEVDEV_READ_FLAG_SYNC;
			continue;
		}
		/*
		 * value 1 is a press; 2 is auto-repeat and 0 a release. Ctrl+Alt+F2 is someone
		 * reaching for a console, not choosing a desk: an F key with a modifier held
		 * claims nothing.
		 */
		if (flags != LIBEVDEV_READ_FLAG_NORMAL || ev.type != EV_KEY)
			continue;
		char command;
		if (sysrq_tracker_key(&reader->sysrq, ev.code, ev.value, &command)) {
			if (command)
				reader->sysrq_command = command;
			continue;
		}
		if (ev.value == 1 && !pressed && !modifier_held(reader->evdev))
			pressed = input_function_key_number(ev.code);
	}
	return pressed;
}

char input_key_reader_take_sysrq(struct input_key_reader *reader)
{
	char command = reader->sysrq_command;
	reader->sysrq_command = '\0';
	return command;
}
