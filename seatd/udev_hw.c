/* Which udev devices are seat hardware, what they are called and which USB hubs they are below. */
#include "udev_hw.h"

#include <ctype.h>
#include <errno.h>
#include <libudev.h>
#include <stddef.h>
#include <string.h>

#include "input.h"
#include "log.h"

/* "<prefix><digits>" and nothing more. */
static bool is_numbered(const char *sysname, const char *prefix)
{
	size_t len = strlen(prefix);
	if (!sysname || strncmp(sysname, prefix, len) != 0 || sysname[len] == '\0')
		return false;
	for (const char *p = sysname + len; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
	}
	return true;
}

bool udev_hw_is_card(const char *sysname, const char *devnode)
{
	return devnode && is_numbered(sysname, "card");
}

bool udev_hw_is_evdev(const char *sysname, const char *devnode)
{
	return devnode && is_numbered(sysname, "event");
}

bool udev_hw_is_sound_card(const char *sysname)
{
	return is_numbered(sysname, "card");
}

bool udev_hw_is_root_hub_name(const char *sysname)
{
	return sysname && input_usb_is_root_hub(sysname, strlen(sysname));
}

/* ---- USB hubs ---- */

static bool usb_is_hub(struct udev_device *usb)
{
	const char *cls = udev_device_get_sysattr_value(usb, "bDeviceClass");
	return cls && strcmp(cls, "09") == 0;
}

bool udev_hw_is_hub_at(void *udev, const char *syspath)
{
	struct udev_device *usb = udev_device_new_from_syspath(udev, syspath);
	bool hub = usb && usb_is_hub(usb);
	udev_device_unref(usb);
	return hub;
}

static struct udev_device *usb_parent(struct udev_device *dev)
{
	return udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
}

/*
 * The nearest hub strictly above `dev`, place or none; NULL on a root port or off USB. For a
 * USB device (a hub, say) that is the hub it hangs off; for anything else (an event node, an
 * interface, a sound card) the hub its USB device hangs off: a device's own USB device is never
 * its hub, even when that is a hub with a keyboard built in.
 */
static struct udev_device *usb_hub_of(struct udev_device *dev)
{
	const char *devtype = udev_device_get_devtype(dev);
	struct udev_device *usb =
		devtype && strcmp(devtype, "usb_device") == 0 ? dev : usb_parent(dev);
	if (!usb)
		return NULL;
	for (struct udev_device *parent = usb_parent(usb); parent; parent = usb_parent(parent)) {
		if (udev_hw_is_root_hub_name(udev_device_get_sysname(parent)))
			return NULL;
		if (usb_is_hub(parent))
			return parent;
	}
	return NULL;
}

struct udev_device *udev_hw_hub_above(struct udev_device *dev)
{
	struct udev_device *hub = usb_hub_of(dev);
	while (hub && !udev_hw_place(hub))
		hub = usb_hub_of(hub);
	return hub;
}

/* ---- devices ---- */

static bool dev_is_card(struct udev_device *dev)
{
	return udev_hw_is_card(udev_device_get_sysname(dev), udev_device_get_devnode(dev));
}

static bool dev_is_evdev(struct udev_device *dev)
{
	return udev_hw_is_evdev(udev_device_get_sysname(dev), udev_device_get_devnode(dev));
}

static bool dev_is_sound_card(struct udev_device *dev)
{
	return udev_hw_is_sound_card(udev_device_get_sysname(dev));
}

static bool dev_is_hub(struct udev_device *dev)
{
	const char *devtype = udev_device_get_devtype(dev);
	return devtype && strcmp(devtype, "usb_device") == 0 && usb_is_hub(dev) &&
	       !udev_hw_is_root_hub_name(udev_device_get_sysname(dev));
}

static const struct {
	const char *what, *subsystem;
	const char *sysname; /* a glob that narrows the enumeration; NULL: any */
	bool (*is)(struct udev_device *dev);
} kinds[] = {
	[UDEV_HW_CARD] = {"DRM cards", "drm", "card[0-9]*", dev_is_card},
	[UDEV_HW_INPUT] = {"input devices", "input", "event[0-9]*", dev_is_evdev},
	[UDEV_HW_SOUND] = {"sound cards", "sound", "card[0-9]*", dev_is_sound_card},
	[UDEV_HW_HUB] = {"USB hubs", "usb", NULL, dev_is_hub},
};

int udev_hw_for_each(struct udev *udev, enum udev_hw_kind kind, udev_hw_visit_fn visit, void *data)
{
	if ((size_t)kind >= sizeof(kinds) / sizeof(kinds[0]))
		return -EINVAL;
	struct udev_enumerate *e = udev_enumerate_new(udev);
	if (!e) {
		log_error("udev: cannot list the %s: %s", kinds[kind].what, strerror(ENOMEM));
		return -ENOMEM;
	}
	int ret = udev_enumerate_add_match_subsystem(e, kinds[kind].subsystem);
	if (ret >= 0 && kinds[kind].sysname)
		ret = udev_enumerate_add_match_sysname(e, kinds[kind].sysname);
	if (ret >= 0)
		ret = udev_enumerate_add_match_is_initialized(e);
	if (ret >= 0)
		ret = udev_enumerate_scan_devices(e);
	if (ret < 0) {
		log_error("udev: cannot list the %s (subsystem %s): %s", kinds[kind].what,
			  kinds[kind].subsystem, strerror(-ret));
		goto out;
	}
	ret = 0;
	struct udev_list_entry *entry;
	udev_list_entry_foreach (entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		if (!dev)
			continue; /* unplugged between the scan and now */
		int err = kinds[kind].is(dev) ? visit(data, dev) : 0;
		udev_device_unref(dev);
		if (err < 0 && ret == 0)
			ret = err;
	}
out:
	udev_enumerate_unref(e);
	return ret;
}

const char *udev_hw_place(struct udev_device *dev)
{
	return udev_device_get_property_value(dev, "ID_PATH");
}

const char *udev_hw_input_name(struct udev_device *dev)
{
	struct udev_device *parent =
		udev_device_get_parent_with_subsystem_devtype(dev, "input", NULL);
	return parent ? udev_device_get_sysattr_value(parent, "name") : NULL;
}

const char *udev_hw_sound_name(struct udev_device *dev)
{
	const char *model = udev_device_get_property_value(dev, "ID_MODEL");
	return model ? model : udev_device_get_sysattr_value(dev, "id");
}

const char *udev_hw_property(void *dev, const char *name)
{
	return udev_device_get_property_value(dev, name);
}
