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
#include "udev_hw.h"

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* The sysname of the hub the daemon files `dev` under (its hub chain's first), or NULL. */
static char *hub_name_of(struct udev_device *dev)
{
	struct udev_device *hub = udev_hw_hub_above(dev);
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

static int add_card(void *data, struct udev_device *dev)
{
	struct devices *devices = data;
	const char *sysname = udev_device_get_sysname(dev);
	const char *devnode = udev_device_get_devnode(dev);
	if (grow((void **)&devices->cards, devices->card_count, sizeof(*devices->cards)) < 0) {
		return -ENOMEM;
	}
	struct devices_card *card = &devices->cards[devices->card_count++];
	card->sysname = strdup(sysname);
	card->devnode = strdup(devnode);
	card->id_path = dup_or_null(udev_hw_place(dev));
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

static int add_input(void *data, struct udev_device *dev)
{
	struct devices *devices = data;
	const char *sysname = udev_device_get_sysname(dev);
	const char *devnode = udev_device_get_devnode(dev);
	if (grow((void **)&devices->inputs, devices->input_count, sizeof(*devices->inputs)) < 0) {
		return -ENOMEM;
	}
	struct devices_input *input = &devices->inputs[devices->input_count++];
	input->sysname = strdup(sysname);
	input->devnode = strdup(devnode);
	input->id_path = dup_or_null(udev_hw_place(dev));
	input->caps = input_classify(udev_hw_property, dev);
	input->name = dup_or_null(udev_hw_input_name(dev));
	input->hub = hub_name_of(dev);
	return input->sysname != NULL && input->devnode != NULL ? 0 : -ENOMEM;
}

static int add_sound(void *data, struct udev_device *dev)
{
	struct devices *devices = data;
	const char *sysname = udev_device_get_sysname(dev);
	if (grow((void **)&devices->sounds, devices->sound_count, sizeof(*devices->sounds)) < 0) {
		return -ENOMEM;
	}
	struct devices_sound *sound = &devices->sounds[devices->sound_count++];
	sound->sysname = strdup(sysname);
	sound->id = dup_or_null(udev_device_get_sysattr_value(dev, "id"));
	sound->name = dup_or_null(udev_hw_sound_name(dev));
	sound->id_path = dup_or_null(udev_hw_place(dev));
	sound->hub = hub_name_of(dev);
	return sound->sysname != NULL ? 0 : -ENOMEM;
}

static int add_hub(void *data, struct udev_device *dev)
{
	struct devices *devices = data;
	if (grow((void **)&devices->hubs, devices->hub_count, sizeof(*devices->hubs)) < 0) {
		return -ENOMEM;
	}
	struct devices_hub *hub = &devices->hubs[devices->hub_count++];
	hub->sysname = strdup(udev_device_get_sysname(dev));
	hub->id_path = dup_or_null(udev_hw_place(dev));
	hub->product = dup_or_null(udev_device_get_sysattr_value(dev, "product"));
	return hub->sysname != NULL ? 0 : -ENOMEM;
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
	int ret = udev_hw_for_each(udev, UDEV_HW_CARD, add_card, devices);
	if (ret == 0) {
		ret = udev_hw_for_each(udev, UDEV_HW_INPUT, add_input, devices);
	}
	if (ret == 0) {
		ret = udev_hw_for_each(udev, UDEV_HW_SOUND, add_sound, devices);
	}
	if (ret == 0) {
		ret = udev_hw_for_each(udev, UDEV_HW_HUB, add_hub, devices);
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
		free(s->name);
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
