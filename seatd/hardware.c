/* Keeps the daemon's cards open as DRM master and its input devices listed with hubs and
 * properties. */
#include "hardware.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <xf86drm.h>

#include "input.h"
#include "log.h"
#include "sysrq.h"
#include "udev_hw.h"

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **bigger = realloc(*v, (*n + 1) * sizeof(**v));
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	bigger[*n] = strdup(s);
	if (!bigger[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* ---- cards ---- */

static void card_free(struct hw_card *card)
{
	gpu_lessor_destroy(card->lessor);
	gpu_card_info_finish(&card->info);
	if (card->fd >= 0)
		close(card->fd);
	wl_list_remove(&card->link);
	free(card->sysname);
	free(card->devnode);
	free(card->key);
	free(card);
}

int hw_card_reprobe(struct hw_card *card)
{
	struct gpu_card_info info;
	int ret = gpu_card_info_init(&info, card->fd);
	if (ret < 0) {
		log_error("%s: its connectors cannot be read: %s", card->sysname, strerror(-ret));
		return ret;
	}
	gpu_card_info_finish(&card->info);
	card->info = info;
	return 0;
}

/* The names multiseat.conf uses beside the kernel's, which dmesg and sysfs show. */
static void log_connector_names(const struct hw_card *card)
{
	char list[512] = "";
	size_t used = 0;
	for (int i = 0; i < card->info.connector_count && used < sizeof(list); i++) {
		const struct gpu_connector_info *c = &card->info.connectors[i];
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s-%s (kernel %s)",
					 used ? ", " : "", card->key, c->name, c->kernel_name);
	}
	if (used > 0)
		log_info("card %s: outputs %s", card->key, list);
}

static struct hw_card *card_open(struct hw *hw, struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);
	const char *devnode = udev_device_get_devnode(dev);
	struct hw_card *card = calloc(1, sizeof(*card));
	if (!card)
		return NULL;
	wl_list_init(&card->link);
	card->fd = -1;
	card->sysname = strdup(sysname);
	card->devnode = strdup(devnode);
	const char *place = udev_hw_place(dev);
	card->key = strdup(place ? place : sysname);
	card->devnum = udev_device_get_devnum(dev);
	if (!card->sysname || !card->devnode || !card->key)
		goto err;
	card->fd = open(devnode, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (card->fd < 0) {
		log_error("card %s (%s): cannot be opened: %s; not managing it", card->key, devnode,
			  strerror(errno));
		goto err;
	}
	/* The first opener is master; someone else (a desktop) may already be. */
	if (drmSetMaster(card->fd) < 0 && !drmIsMaster(card->fd)) {
		log_error("card %s (%s): another program is its DRM master; not managing it",
			  card->key, devnode);
		goto err;
	}
	drmSetClientCap(card->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmSetClientCap(card->fd, DRM_CLIENT_CAP_ATOMIC, 1);
	if (gpu_card_info_init(&card->info, card->fd) < 0) {
		log_error("card %s (%s): not a KMS card; not managing it", card->key, devnode);
		goto err;
	}
	card->lessor = gpu_lessor_create(card->fd);
	if (!card->lessor) {
		log_error("card %s (%s): cannot lease its connectors: %s", card->key, devnode,
			  strerror(errno));
		goto err;
	}
	log_info("card %s (%s, %s): %d connectors, DRM master", card->key, card->sysname,
		 card->info.driver, card->info.connector_count);
	log_connector_names(card);
	return card;

err:
	card_free(card);
	return NULL;
}

struct hw_card *hw_card_by_devnum(struct hw *hw, dev_t devnum)
{
	struct hw_card *card;
	wl_list_for_each (card, &hw->cards, link) {
		if (card->devnum == devnum)
			return card;
	}
	return NULL;
}

/* ---- input devices ---- */

void hw_input_unwatch(struct hw_input *input)
{
	if (input->watch_source)
		wl_event_source_remove(input->watch_source);
	input->watch_source = NULL;
	input_key_reader_destroy(input->watch);
	input->watch = NULL;
}

/* Read-write: the file may go on to a compositor, which sets the keyboard's LEDs. */
static int open_input(const struct hw_input *input)
{
	return open(input->devnode, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

static void grab(const struct hw_input *input, int fd)
{
	int ret = input_evdev_grab(fd);
	if (ret < 0 && ret != -ENODEV)
		log_error("input %s (%s) cannot be held for the desks alone: %s; its events may "
			  "reach other programs",
			  input->key, input->devnode, strerror(-ret));
}

void hw_input_hold(struct hw_input *input)
{
	if (input->sound || input->gone || input->hold_fd >= 0 || input->fd >= 0)
		return;
	input->hold_fd = open_input(input);
	if (input->hold_fd < 0) {
		if (errno != ENOENT && errno != ENODEV)
			log_error("input %s (%s) cannot be opened to hold it: %s", input->key,
				  input->devnode, strerror(errno));
		return;
	}
	grab(input, input->hold_fd);
}

int hw_input_hand_over(struct hw_input *input)
{
	hw_input_unwatch(input);
	hw_input_hold(input);
	if (input->hold_fd < 0)
		return -ENODEV; /* gone, or hw_input_hold logged why not */
	/* What queued while it was held is not the compositor's to read. */
	input_evdev_drain(input->hold_fd);
	input->fd = input->hold_fd;
	input->hold_fd = -1;
	return 0;
}

int hw_input_take_back(struct hw_input *input)
{
	if (input->fd < 0)
		return 0;
	/* Open before the revoke, grabbed right after it: one ioctl without a grab between. */
	int next = input->gone ? -1 : open_input(input);
	int ret = ioctl(input->fd, EVIOCREVOKE, NULL) < 0 ? -errno : 0;
	close(input->fd);
	input->fd = -1;
	if (next >= 0) {
		grab(input, next);
		input->hold_fd = next;
	} else {
		hw_input_hold(input); /* logs why it cannot */
	}
	/* ENODEV: the device was unplugged, and nobody can read it any more anyway. */
	return ret == -ENODEV ? 0 : ret;
}

void hw_input_release(struct hw_input *input)
{
	if (input->hold_fd < 0)
		return;
	close(input->hold_fd);
	input->hold_fd = -1;
}

/* Closes every file of the daemon's that grabs the device. */
static void input_let_go(struct hw_input *input)
{
	hw_input_unwatch(input); /* it reads the hold's file */
	hw_input_release(input);
	if (input->fd >= 0) {
		ioctl(input->fd, EVIOCREVOKE, NULL);
		close(input->fd);
		input->fd = -1;
	}
}

static void input_free(struct hw_input *input)
{
	input_let_go(input);
	wl_list_remove(&input->link);
	wl_list_remove(&input->seat_link); /* detached before it goes: alone by then */
	free(input->sysname);
	free(input->devnode);
	free(input->key);
	free(input->name);
	free(input->reason);
	free(input->usb_device);
	strv_free(input->hubs, input->hub_count);
	strv_free(input->properties, input->property_count);
	free(input);
}

/* The hubs above `dev`, nearest first, its USB device, and its claim group; all by ID_PATH. */
static int collect_usb(struct hw_input *input, struct udev_device *dev)
{
	for (struct udev_device *hub = udev_hw_hub_above(dev); hub; hub = udev_hw_hub_above(hub)) {
		if (strv_push(&input->hubs, &input->hub_count, udev_hw_place(hub)) < 0)
			return -ENOMEM;
	}
	struct udev_device *usb =
		udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	const char *usb_path = usb ? udev_hw_place(usb) : NULL;
	if (usb_path && !(input->usb_device = strdup(usb_path)))
		return -ENOMEM;
	/* The group by sysfs, named by the ID_PATH it has among the ones above. */
	char group[512];
	if (input_usb_group(udev_device_get_syspath(dev), udev_hw_is_hub_at,
			    udev_device_get_udev(dev), group, sizeof(group)) < 0)
		return 0;
	if (usb && strcmp(group, udev_device_get_syspath(usb)) == 0) {
		input->group = input->usb_device;
		return 0;
	}
	struct udev_device *group_dev =
		udev_device_new_from_syspath(udev_device_get_udev(dev), group);
	const char *group_path = group_dev ? udev_hw_place(group_dev) : NULL;
	for (size_t i = 0; group_path && i < input->hub_count; i++) {
		if (strcmp(input->hubs[i], group_path) == 0)
			input->group = input->hubs[i];
	}
	udev_device_unref(group_dev);
	return 0;
}

/* An input device, or a sound card (`sound`), at its place `key` (ID_PATH). */
static struct hw_input *input_new(struct udev_device *dev, const char *key, bool sound)
{
	struct hw_input *input = calloc(1, sizeof(*input));
	if (!input)
		return NULL;
	wl_list_init(&input->link);
	wl_list_init(&input->seat_link);
	input->fd = -1;
	input->hold_fd = -1;
	input->sound = sound;
	const char *sysname = udev_device_get_sysname(dev);
	input->sysname = strdup(sysname);
	if (sound) {
		/* cardN has no node of its own; its control node stands for it in tables. */
		char node[64];
		snprintf(node, sizeof(node), "/dev/snd/controlC%s", sysname + strlen("card"));
		input->devnode = strdup(node);
	} else {
		input->devnode = strdup(udev_device_get_devnode(dev));
	}
	input->key = strdup(key);
	input->devnum = udev_device_get_devnum(dev);
	input->caps = sound ? 0 : input_classify(udev_hw_property, dev);
	const char *name = sound ? udev_hw_sound_name(dev) : udev_hw_input_name(dev);
	input->name = strdup(name ? name : "");
	if (!input->sysname || !input->devnode || !input->key || !input->name ||
	    collect_usb(input, dev) < 0)
		goto err;
	struct udev_list_entry *entry;
	udev_list_entry_foreach (entry, udev_device_get_properties_list_entry(dev)) {
		const char *value = udev_list_entry_get_value(entry);
		size_t size =
			strlen(udev_list_entry_get_name(entry)) + strlen(value ? value : "") + 2;
		char *pair = malloc(size);
		if (!pair)
			goto err;
		snprintf(pair, size, "%s=%s", udev_list_entry_get_name(entry), value ? value : "");
		int ret = strv_push(&input->properties, &input->property_count, pair);
		free(pair);
		if (ret < 0)
			goto err;
	}
	return input;
err:
	input_free(input);
	return NULL;
}

struct hw_input *hw_input_by_key(struct hw *hw, const char *key_or_devnode)
{
	struct hw_input *input;
	wl_list_for_each (input, &hw->inputs, link) {
		if (strcmp(input->key, key_or_devnode) == 0 ||
		    strcmp(input->devnode, key_or_devnode) == 0 ||
		    strcmp(input->sysname, key_or_devnode) == 0)
			return input;
	}
	return NULL;
}

static struct hw_input *input_find(struct hw *hw, const char *sysname, dev_t devnum)
{
	struct hw_input *input;
	wl_list_for_each (input, &hw->inputs, link) {
		if (input->devnum == devnum && strcmp(input->sysname, sysname) == 0)
			return input;
	}
	return NULL;
}

static const char *card_sysname(struct wl_list *link)
{
	struct hw_card *card = wl_container_of(link, card, link);
	return card->sysname;
}

static const char *input_sysname(struct wl_list *link)
{
	struct hw_input *input = wl_container_of(link, input, link);
	return input->sysname;
}

/* Keeps lists sorted by sysname (natural order): seats and tables list devices stably. */
static void insert_sorted(struct wl_list *list, struct wl_list *link,
			  const char *(*sysname_of)(struct wl_list *link))
{
	const char *sysname = sysname_of(link);
	struct wl_list *pos = list;
	for (struct wl_list *l = list->next; l != list; l = l->next) {
		if (strverscmp(sysname, sysname_of(l)) < 0)
			break;
		pos = l;
	}
	wl_list_insert(pos, link);
}

/* ---- scanning ---- */

/* Each card udev_hw_for_each finds; opened, and made DRM master of, when it is new. */
static int visit_card(void *data, struct udev_device *dev)
{
	struct hw *hw = data;
	struct hw_card *card = hw_card_by_devnum(hw, udev_device_get_devnum(dev));
	if (!card) {
		card = card_open(hw, dev);
		if (!card)
			return 0; /* said why; the other cards go on */
		insert_sorted(&hw->cards, &card->link, card_sysname);
	}
	card->seen = true;
	return 0;
}

static int visit_device(struct hw *hw, struct udev_device *dev, bool sound)
{
	/* Devices without a place (virtual ones such as uinput) belong to no seat. */
	const char *place = udev_hw_place(dev);
	if (!place)
		return 0;
	struct hw_input *input =
		input_find(hw, udev_device_get_sysname(dev), udev_device_get_devnum(dev));
	if (!input) {
		input = input_new(dev, place, sound);
		if (!input)
			return -ENOMEM;
		insert_sorted(&hw->inputs, &input->link, input_sysname);
		log_info("device %s (%s, %s '%s') appeared", input->key, input->devnode,
			 hw_input_kind(input), input->name);
	}
	input->seen = true;
	return 0;
}

static int visit_input(void *data, struct udev_device *dev)
{
	return visit_device(data, dev, false);
}

static int visit_sound(void *data, struct udev_device *dev)
{
	return visit_device(data, dev, true);
}

static int scan_cards(struct hw *hw, void (*gone)(void *data, struct hw_card *card), void *data)
{
	struct hw_card *card, *tmp;
	wl_list_for_each (card, &hw->cards, link)
		card->seen = false;
	int ret = udev_hw_for_each(hw->udev, UDEV_HW_CARD, visit_card, hw);
	wl_list_for_each_safe (card, tmp, &hw->cards, link) {
		if (!card->seen) {
			log_info("card %s (%s) is gone", card->key, card->sysname);
			/* Its lessor frees the leases on it: their holders let go first. */
			if (gone)
				gone(data, card);
			card_free(card);
		}
	}
	return ret;
}

static int scan_inputs(struct hw *hw, void (*gone)(void *data, struct hw_input *input), void *data)
{
	struct hw_input *input, *tmp;
	wl_list_for_each (input, &hw->inputs, link)
		input->seen = false;
	int ret = udev_hw_for_each(hw->udev, UDEV_HW_INPUT, visit_input, hw);
	int ret2 = udev_hw_for_each(hw->udev, UDEV_HW_SOUND, visit_sound, hw);
	ret = ret < 0 ? ret : ret2;
	wl_list_for_each_safe (input, tmp, &hw->inputs, link) {
		if (!input->seen) {
			log_info("input %s (%s) is gone", input->key, input->devnode);
			if (gone)
				gone(data, input);
			input_free(input);
		}
	}
	return ret;
}

int hw_scan(struct hw *hw, void (*input_gone)(void *data, struct hw_input *input),
	    void (*card_gone)(void *data, struct hw_card *card), void *data)
{
	int ret = scan_cards(hw, card_gone, data);
	int ret2 = scan_inputs(hw, input_gone, data);
	return ret < 0 ? ret : ret2;
}

int hw_init(struct hw *hw, struct udev *udev)
{
	memset(hw, 0, sizeof(*hw));
	hw->udev = udev_ref(udev);
	wl_list_init(&hw->cards);
	wl_list_init(&hw->inputs);
	hw->next_link_id = 1;
	return 0;
}

static void policy_arrays_free(struct hw *hw)
{
	free(hw->connectors);
	free(hw->connector_cards);
	free(hw->connector_ids);
	free(hw->devices);
	free(hw->device_inputs);
	hw->connectors = NULL;
	hw->connector_cards = NULL;
	hw->connector_ids = NULL;
	hw->devices = NULL;
	hw->device_inputs = NULL;
	hw->connector_count = hw->device_count = 0;
}

/*
 * Once no file of the daemon grabs a keyboard, the kernel's SysRq filter sees it again, with
 * what it missed meanwhile: it is set straight (see sysrq.h), or Alt+SysRq held at a grab
 * would make the next letter typed at the console a SysRq command.
 */
static void input_reset_sysrq(const struct hw_input *input)
{
	if (input->sound || input->gone || !(input->caps & INPUT_CAP_KEYBOARD))
		return;
	int fd = open(input->devnode, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int ret = fd < 0 ? -errno : sysrq_filter_reset(fd);
	if (fd >= 0)
		close(fd);
	if (ret < 0 && ret != -ENODEV && ret != -ENOENT)
		log_error("keyboard %s (%s): the kernel's SysRq state cannot be reset: %s",
			  input->key, input->devnode, strerror(-ret));
}

void hw_finish(struct hw *hw)
{
	policy_arrays_free(hw);
	struct hw_input *input, *itmp;
	wl_list_for_each (input, &hw->inputs, link)
		input_let_go(input);
	wl_list_for_each (input, &hw->inputs, link)
		input_reset_sysrq(input);
	wl_list_for_each_safe (input, itmp, &hw->inputs, link)
		input_free(input);
	struct hw_card *card, *ctmp;
	wl_list_for_each_safe (card, ctmp, &hw->cards, link)
		card_free(card);
	udev_unref(hw->udev);
}

static enum policy_device_kind policy_kind(uint32_t caps)
{
	switch (input_kind_from_caps(caps)) {
	case INPUT_KIND_KEYBOARD:
		return POLICY_DEVICE_KEYBOARD;
	case INPUT_KIND_POINTER:
		return POLICY_DEVICE_POINTER;
	case INPUT_KIND_TOUCH:
		return POLICY_DEVICE_TOUCH;
	case INPUT_KIND_TABLET:
		return POLICY_DEVICE_TABLET;
	default:
		return POLICY_DEVICE_OTHER;
	}
}

size_t hw_input_chain_length(const struct hw_input *input)
{
	return input->hub_count + 2;
}

const char *hw_input_chain_key(const struct hw_input *input, size_t i)
{
	if (i == 0)
		return input->key;
	if (i == 1)
		return input->usb_device;
	return i - 2 < input->hub_count ? input->hubs[i - 2] : NULL;
}

const char *hw_input_kind(const struct hw_input *input)
{
	return input->sound ? "sound" : input_kind_name(input_kind_from_caps(input->caps));
}

int hw_policy_build(struct hw *hw, struct policy_hardware *out)
{
	policy_arrays_free(hw);
	size_t n_conn = 0, n_dev = (size_t)wl_list_length(&hw->inputs);
	struct hw_card *card;
	wl_list_for_each (card, &hw->cards, link)
		n_conn += (size_t)card->info.connector_count;
	hw->connectors = calloc(n_conn ? n_conn : 1, sizeof(*hw->connectors));
	hw->connector_cards = calloc(n_conn ? n_conn : 1, sizeof(*hw->connector_cards));
	hw->connector_ids = calloc(n_conn ? n_conn : 1, sizeof(*hw->connector_ids));
	hw->devices = calloc(n_dev ? n_dev : 1, sizeof(*hw->devices));
	hw->device_inputs = calloc(n_dev ? n_dev : 1, sizeof(*hw->device_inputs));
	if (!hw->connectors || !hw->connector_cards || !hw->connector_ids || !hw->devices ||
	    !hw->device_inputs) {
		policy_arrays_free(hw);
		return -ENOMEM;
	}
	wl_list_for_each (card, &hw->cards, link) {
		for (int i = 0; i < card->info.connector_count; i++) {
			const struct gpu_connector_info *c = &card->info.connectors[i];
			size_t k = hw->connector_count++;
			hw->connectors[k] = (struct policy_connector){
				.card = card->key,
				.name = c->name,
				.kernel_name = c->kernel_name,
				.connected = c->status == GPU_CONNECTOR_CONNECTED,
			};
			hw->connector_cards[k] = card;
			hw->connector_ids[k] = c->id;
		}
	}
	struct hw_input *input;
	wl_list_for_each (input, &hw->inputs, link) {
		size_t k = hw->device_count++;
		hw->devices[k] = (struct policy_device){
			.key = input->key,
			.kind = input->sound ? POLICY_DEVICE_SOUND : policy_kind(input->caps),
			.usb_device = input->usb_device,
			.hubs = (const char *const *)input->hubs,
			.hub_count = input->hub_count,
			.properties = (const char *const *)input->properties,
			.property_count = input->property_count,
		};
		hw->device_inputs[k] = input;
	}
	*out = (struct policy_hardware){
		.outputs = hw->connectors,
		.output_count = hw->connector_count,
		.devices = hw->devices,
		.device_count = hw->device_count,
	};
	return 0;
}
