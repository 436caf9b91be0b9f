/* Which devices move together when a keyboard claims a seat: the USB hub it hangs off, by sysfs. */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

bool input_usb_is_root_hub(const char *name, size_t len)
{
	if (len < 4 || strncmp(name, "usb", 3) != 0)
		return false;
	for (size_t i = 3; i < len; i++) {
		if (!isdigit((unsigned char)name[i]))
			return false;
	}
	return true;
}

/* "1-4.2.1": bus, dash, ports separated by dots. Interfaces ("1-4.2:1.0") have a colon. */
static bool is_usb_device_name(const char *name, size_t len)
{
	size_t i = 0;
	while (i < len && isdigit((unsigned char)name[i]))
		i++;
	if (i == 0 || i >= len || name[i] != '-')
		return false;
	bool digit = false;
	for (i++; i < len; i++) {
		if (isdigit((unsigned char)name[i])) {
			digit = true;
		} else if (name[i] == '.' && digit) {
			digit = false;
		} else {
			return false;
		}
	}
	return digit;
}

int input_usb_group(const char *syspath, input_is_hub_fn is_hub, void *data, char *out, size_t size)
{
	/* Where each USB device's path ends, outermost first. */
	size_t ends[32];
	size_t count = 0;
	bool root = false;
	for (const char *p = syspath; *p;) {
		while (*p == '/')
			p++;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - start);
		if (len == 0)
			break;
		if (input_usb_is_root_hub(start, len)) {
			root = true;
			count = 0; /* a controller behind another bus starts afresh */
		} else if (root && is_usb_device_name(start, len)) {
			if (count == sizeof(ends) / sizeof(ends[0]))
				return -ENAMETOOLONG;
			ends[count++] = (size_t)(p - syspath);
		}
	}
	if (count == 0)
		return -ENOENT; /* not below a USB device (or it is a root hub itself) */
	if (ends[count - 1] >= size)
		return -ENAMETOOLONG;

	/* The nearest hub above the device's own USB device; a root hub does not count. */
	size_t group = ends[count - 1];
	for (size_t i = count - 1; i-- > 0;) {
		if (ends[i] >= size)
			return -ENAMETOOLONG;
		memcpy(out, syspath, ends[i]);
		out[ends[i]] = '\0';
		if (is_hub(data, out)) {
			group = ends[i];
			break;
		}
	}
	memcpy(out, syspath, group);
	out[group] = '\0';
	return 0;
}
