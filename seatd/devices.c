/* Enumerates seat hardware through libudev and reads each DRM card's connectors. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "log.h"

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static bool is_hub(struct udev_device *usb_device)
{
	const char *cls = udev_device_get_sysattr_value(usb_device, "bDeviceClass");
	return cls != NULL && strcmp(cls, "09") == 0;
}

static bool is_root_hub(struct udev_device *usb_device)
{
	/* Root hubs are named usbN; every other USB device is "<bus>-<port path>". */
	return strncmp(udev_device_get_sysname(usb_device), "usb", 3) == 0;
}

struct udev_device *devices_usb_hub_of(struct udev_device *dev)
{
	struct udev_device *usb =
		udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	if (usb == NULL) {
		return NULL;
	}
	/* A hub itself is not "below" a hub for grouping: start from its parent. */
	struct udev_device *parent =
		udev_device_get_parent_with_subsystem_devtype(usb, "usb", "usb_device");
	while (parent != NULL) {
		if (is_root_hub(parent)) {
			return NULL;
		}
		if (is_hub(parent)) {
			return parent;
		}
		parent = udev_device_get_parent_with_subsystem_devtype(parent, "usb", "usb_device");
	}
	return NULL;
}

static char *hub_name_of(struct udev_device *dev)
{
	struct udev_device *hub = devices_usb_hub_of(dev);
	return hub != NULL ? strdup(udev_device_get_sysname(hub)) : NULL;
}

static int grow(void **array, size_t count, size_t elem)
{
	void *bigger = realloc(*array, (count + 1) * elem);
	if (bigger == NULL) {
		return -ENOMEM;
	}
	*array = bigger;
	memset((char *)bigger + count * elem, 0, elem);
	return 0;
}

static const char *udev_property(void *data, const char *name)
{
	return udev_device_get_property_value(data, name);
}

static int add_card(struct devices *devices, struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);
	const char *devnode = udev_device_get_devnode(dev);
	/* card0-Virtual-1 are connectors and renderD128 is render-only: only cardN is a card. */
	if (devnode == NULL || strncmp(sysname, "card", 4) != 0 || strchr(sysname, '-') != NULL) {
		return 0;
	}
	if (grow((void **)&devices->cards, devices->card_count, sizeof(*devices->cards)) < 0) {
		return -ENOMEM;
	}
	struct devices_card *card = &devices->cards[devices->card_count++];
	card->sysname = strdup(sysname);
	card->devnode = strdup(devnode);
	card->id_path = dup_or_null(udev_device_get_property_value(dev, "ID_PATH"));
	if (card->sysname == NULL || card->devnode == NULL) {
		return -ENOMEM;
	}

	int fd = open(devnode, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		card->info_error = -errno;
		log_error("%s: cannot open %s: %s", sysname, devnode, strerror(errno));
		return 0;
	}
	card->info_error = gpu_card_info_init(&card->info, fd);
	if (card->info_error < 0) {
		log_error("%s: cannot read its connectors: %s", sysname,
			  strerror(-card->info_error));
	}
	close(fd);
	return 0;
}

static int add_input(struct devices *devices, struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);
	const char *devnode = udev_device_get_devnode(dev);
	/* Only evdev nodes: the legacy mouseN/jsN nodes duplicate them. */
	if (devnode == NULL || strncmp(sysname, "event", 5) != 0) {
		return 0;
	}
	if (grow((void **)&devices->inputs, devices->input_count, sizeof(*devices->inputs)) < 0) {
		return -ENOMEM;
	}
	struct devices_input *input = &devices->inputs[devices->input_count++];
	input->sysname = strdup(sysname);
	input->devnode = strdup(devnode);
	input->id_path = dup_or_null(udev_device_get_property_value(dev, "ID_PATH"));
	input->caps = input_classify(udev_property, dev);
	struct udev_device *parent =
		udev_device_get_parent_with_subsystem_devtype(dev, "input", NULL);
	input->name =
		dup_or_null(parent != NULL ? udev_device_get_sysattr_value(parent, "name") : NULL);
	input->hub = hub_name_of(dev);
	return input->sysname != NULL && input->devnode != NULL ? 0 : -ENOMEM;
}

static int add_sound(struct devices *devices, struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);
	/* The card itself, not its pcmC0D0p / controlC0 nodes. */
	if (strncmp(sysname, "card", 4) != 0) {
		return 0;
	}
	if (grow((void **)&devices->sounds, devices->sound_count, sizeof(*devices->sounds)) < 0) {
		return -ENOMEM;
	}
	struct devices_sound *sound = &devices->sounds[devices->sound_count++];
	sound->sysname = strdup(sysname);
	sound->id = dup_or_null(udev_device_get_sysattr_value(dev, "id"));
	sound->id_path = dup_or_null(udev_device_get_property_value(dev, "ID_PATH"));
	sound->hub = hub_name_of(dev);
	return sound->sysname != NULL ? 0 : -ENOMEM;
}

static int add_hub(struct devices *devices, struct udev_device *dev)
{
	const char *devtype = udev_device_get_devtype(dev);
	if (devtype == NULL || strcmp(devtype, "usb_device") != 0 || !is_hub(dev) ||
	    is_root_hub(dev)) {
		return 0;
	}
	if (grow((void **)&devices->hubs, devices->hub_count, sizeof(*devices->hubs)) < 0) {
		return -ENOMEM;
	}
	struct devices_hub *hub = &devices->hubs[devices->hub_count++];
	hub->sysname = strdup(udev_device_get_sysname(dev));
	hub->id_path = dup_or_null(udev_device_get_property_value(dev, "ID_PATH"));
	hub->product = dup_or_null(udev_device_get_sysattr_value(dev, "product"));
	return hub->sysname != NULL ? 0 : -ENOMEM;
}

static int scan_subsystem(struct devices *devices, struct udev *udev, const char *subsystem,
			  int (*add)(struct devices *, struct udev_device *))
{
	struct udev_enumerate *e = udev_enumerate_new(udev);
	if (e == NULL) {
		return -ENOMEM;
	}
	int ret = udev_enumerate_add_match_subsystem(e, subsystem);
	if (ret >= 0) {
		ret = udev_enumerate_scan_devices(e);
	}
	if (ret < 0) {
		log_error("udev: cannot enumerate %s devices: %s", subsystem, strerror(-ret));
		goto out;
	}
	struct udev_list_entry *entry;
	udev_list_entry_foreach (entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		if (dev == NULL) {
			/* Unplugged between the scan and now. */
			continue;
		}
		ret = add(devices, dev);
		udev_device_unref(dev);
		if (ret < 0) {
			goto out;
		}
	}
	ret = 0;
out:
	udev_enumerate_unref(e);
	return ret;
}

/* Natural order, so card2 sorts before card10. */
static int sysname_cmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

static int card_cmp(const void *a, const void *b)
{
	return sysname_cmp(((const struct devices_card *)a)->sysname,
			   ((const struct devices_card *)b)->sysname);
}

static int input_cmp(const void *a, const void *b)
{
	return sysname_cmp(((const struct devices_input *)a)->sysname,
			   ((const struct devices_input *)b)->sysname);
}

static int sound_cmp(const void *a, const void *b)
{
	return sysname_cmp(((const struct devices_sound *)a)->sysname,
			   ((const struct devices_sound *)b)->sysname);
}

static int hub_cmp(const void *a, const void *b)
{
	return sysname_cmp(((const struct devices_hub *)a)->sysname,
			   ((const struct devices_hub *)b)->sysname);
}

/* qsort's array must not be NULL even when empty, and an empty list is NULL here. */
static void sort(void *array, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
	if (count > 1) {
		qsort(array, count, size, cmp);
	}
}

int devices_scan(struct devices *devices, struct udev *udev)
{
	memset(devices, 0, sizeof(*devices));
	int ret = scan_subsystem(devices, udev, "drm", add_card);
	if (ret == 0) {
		ret = scan_subsystem(devices, udev, "input", add_input);
	}
	if (ret == 0) {
		ret = scan_subsystem(devices, udev, "sound", add_sound);
	}
	if (ret == 0) {
		ret = scan_subsystem(devices, udev, "usb", add_hub);
	}
	if (ret < 0) {
		devices_finish(devices);
		return ret;
	}
	sort(devices->cards, devices->card_count, sizeof(*devices->cards), card_cmp);
	sort(devices->inputs, devices->input_count, sizeof(*devices->inputs), input_cmp);
	sort(devices->sounds, devices->sound_count, sizeof(*devices->sounds), sound_cmp);
	sort(devices->hubs, devices->hub_count, sizeof(*devices->hubs), hub_cmp);
	return 0;
}

void devices_finish(struct devices *devices)
{
	if (devices == NULL) {
		return;
	}
	for (size_t i = 0; i < devices->card_count; i++) {
		struct devices_card *c = &devices->cards[i];
		free(c->sysname);
		free(c->devnode);
		free(c->id_path);
		gpu_card_info_finish(&c->info);
	}
	for (size_t i = 0; i < devices->input_count; i++) {
		struct devices_input *in = &devices->inputs[i];
		free(in->sysname);
		free(in->devnode);
		free(in->id_path);
		free(in->name);
		free(in->hub);
	}
	for (size_t i = 0; i < devices->sound_count; i++) {
		struct devices_sound *s = &devices->sounds[i];
		free(s->sysname);
		free(s->id);
		free(s->id_path);
		free(s->hub);
	}
	for (size_t i = 0; i < devices->hub_count; i++) {
		struct devices_hub *h = &devices->hubs[i];
		free(h->sysname);
		free(h->id_path);
		free(h->product);
	}
	free(devices->cards);
	free(devices->inputs);
	free(devices->sounds);
	free(devices->hubs);
	memset(devices, 0, sizeof(*devices));
}
