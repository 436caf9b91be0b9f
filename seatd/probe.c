/* Renders a device snapshot for people (grouped by USB hub) and for programs (JSON). */
#include "probe.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "input.h"

static const char *or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

/* An input device's or sound card's place; the daemon leaves one without (virtual) alone. */
static const char *place_or_none(const char *id_path)
{
	return id_path != NULL ? id_path : "(no ID_PATH: belongs to no seat)";
}

/* The key multiseat.conf and state.json name the output by: the daemon's card key, the name. */
static void output_key(const struct devices_card *card, const struct gpu_connector_info *c,
		       char *buf, size_t size)
{
	snprintf(buf, size, "%s-%s", card->id_path != NULL ? card->id_path : card->sysname,
		 c->name);
}

/* "QEMU Monitor (RHT), serial 123": what the monitor's EDID says; "" without one. */
static void monitor_text(const struct gpu_connector_info *c, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!c->has_edid) {
		return;
	}
	char number[16];
	const char *serial = gpu_edid_serial(&c->edid, number, sizeof(number));
	snprintf(buf, size, "%s%s%s%s%s%s", c->edid.model, c->edid.model[0] ? " (" : "",
		 c->edid.vendor[0] ? c->edid.vendor : "?", c->edid.model[0] ? ")" : "",
		 serial ? ", serial " : "", serial ? serial : "");
}

static void print_card(FILE *out, const struct devices_card *card)
{
	if (card->info_error < 0) {
		fprintf(out, "  %-7s %-12s %s  (unreadable: %s)\n", card->sysname, "?",
			or_dash(card->id_path), strerror(-card->info_error));
		return;
	}
	const struct gpu_card_info *info = &card->info;
	fprintf(out, "  %-7s %-12s %s  %s, %d CRTCs, %d planes\n", card->sysname, info->driver,
		or_dash(card->id_path), info->atomic ? "atomic" : "legacy", info->crtc_count,
		info->plane_count);
	for (int i = 0; i < info->connector_count; i++) {
		const struct gpu_connector_info *c = &info->connectors[i];
		/* The kernel's name too: dmesg and sysfs use it, and it may differ. */
		char name[80], monitor[64];
		if (strcmp(c->name, c->kernel_name) != 0) {
			snprintf(name, sizeof(name), "%s (kernel %s)", c->name, c->kernel_name);
		} else {
			snprintf(name, sizeof(name), "%s", c->name);
		}
		fprintf(out, "    %-24s %-12s", name, gpu_connector_status_name(c->status));
		if (c->status == GPU_CONNECTOR_CONNECTED && c->width > 0) {
			fprintf(out, " %ux%u@%u.%03uHz  %ux%u mm", c->width, c->height,
				c->refresh_mhz / 1000, c->refresh_mhz % 1000, c->mm_width,
				c->mm_height);
		}
		monitor_text(c, monitor, sizeof(monitor));
		if (monitor[0] != '\0') {
			fprintf(out, "  %s", monitor);
		}
		fputc('\n', out);
	}
}

static void print_devices_below(FILE *out, const struct devices *devices, const char *hub)
{
	bool any = false;
	for (size_t i = 0; i < devices->input_count; i++) {
		const struct devices_input *in = &devices->inputs[i];
		if ((hub == NULL) != (in->hub == NULL) || (hub != NULL && strcmp(hub, in->hub))) {
			continue;
		}
		fprintf(out, "    %-9s %-8s %-28s %s\n",
			input_kind_name(input_kind_from_caps(in->caps)), in->sysname,
			or_dash(in->name), place_or_none(in->id_path));
		any = true;
	}
	for (size_t i = 0; i < devices->sound_count; i++) {
		const struct devices_sound *s = &devices->sounds[i];
		if ((hub == NULL) != (s->hub == NULL) || (hub != NULL && strcmp(hub, s->hub))) {
			continue;
		}
		fprintf(out, "    %-9s %-8s %-28s %s\n", "sound", s->sysname, or_dash(s->name),
			place_or_none(s->id_path));
		any = true;
	}
	if (!any) {
		fprintf(out, "    (nothing)\n");
	}
}

void probe_print_table(FILE *out, const struct devices *devices)
{
	fprintf(out, "DRM cards: %zu\n", devices->card_count);
	for (size_t i = 0; i < devices->card_count; i++) {
		print_card(out, &devices->cards[i]);
	}
	fprintf(out, "USB hubs: %zu\n", devices->hub_count);
	for (size_t i = 0; i < devices->hub_count; i++) {
		const struct devices_hub *h = &devices->hubs[i];
		fprintf(out, "  hub %-6s %-20s %s\n", h->sysname, or_dash(h->product),
			h->id_path != NULL ? h->id_path
					   : "(no ID_PATH: devices below go to the next hub up)");
		print_devices_below(out, devices, h->sysname);
	}
	fprintf(out, "Not below a USB hub:\n");
	print_devices_below(out, devices, NULL);
}

static int add_string(json_object *obj, const char *key, const char *value)
{
	json_object *v = value != NULL ? json_object_new_string(value) : NULL;
	if (value != NULL && v == NULL) {
		return -ENOMEM;
	}
	if (json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_int(json_object *obj, const char *key, int64_t value)
{
	json_object *v = json_object_new_int64(value);
	if (v == NULL || json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_bool(json_object *obj, const char *key, bool value)
{
	json_object *v = json_object_new_boolean(value);
	if (v == NULL || json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int append(json_object *array, json_object *item)
{
	if (item == NULL || json_object_array_add(array, item) != 0) {
		json_object_put(item);
		return -ENOMEM;
	}
	return 0;
}

/* What the monitor's EDID says, or NULL (JSON null) without one. */
static int add_edid(json_object *o, const struct gpu_connector_info *c)
{
	if (!c->has_edid) {
		return json_object_object_add(o, "edid", NULL) != 0 ? -ENOMEM : 0;
	}
	json_object *e = json_object_new_object();
	if (e == NULL) {
		return -ENOMEM;
	}
	char number[16];
	const char *serial = gpu_edid_serial(&c->edid, number, sizeof(number));
	int ret = add_string(e, "vendor", c->edid.vendor[0] ? c->edid.vendor : NULL);
	ret |= add_int(e, "product", c->edid.product);
	ret |= add_string(e, "model", c->edid.model[0] ? c->edid.model : NULL);
	ret |= add_string(e, "serial", serial);
	ret |= c->edid.serial_number != 0 ? add_int(e, "serial_number", c->edid.serial_number)
					  : add_string(e, "serial_number", NULL);
	if (ret != 0 || json_object_object_add(o, "edid", e) != 0) {
		json_object_put(e);
		return -ENOMEM;
	}
	return 0;
}

static json_object *connector_json(const struct devices_card *card,
				   const struct gpu_connector_info *c)
{
	json_object *o = json_object_new_object();
	if (o == NULL) {
		return NULL;
	}
	char key[160];
	output_key(card, c, key, sizeof(key));
	int ret = add_string(o, "name", c->name);
	ret |= add_string(o, "output", key);
	ret |= add_string(o, "kernel_name", c->kernel_name);
	ret |= add_int(o, "id", c->id);
	ret |= add_string(o, "status", gpu_connector_status_name(c->status));
	ret |= add_int(o, "width", c->width);
	ret |= add_int(o, "height", c->height);
	ret |= add_int(o, "refresh_mhz", c->refresh_mhz);
	ret |= add_int(o, "mm_width", c->mm_width);
	ret |= add_int(o, "mm_height", c->mm_height);
	ret |= add_int(o, "modes", c->mode_count);
	ret |= add_edid(o, c);
	if (ret != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *card_json(const struct devices_card *card)
{
	json_object *o = json_object_new_object();
	json_object *conns = json_object_new_array();
	if (o == NULL || conns == NULL) {
		goto err;
	}
	int ret = add_string(o, "name", card->sysname);
	ret |= add_string(o, "devnode", card->devnode);
	ret |= add_string(o, "id_path", card->id_path);
	if (card->info_error < 0) {
		ret |= add_string(o, "error", strerror(-card->info_error));
	} else {
		ret |= add_string(o, "driver", card->info.driver);
		ret |= add_bool(o, "atomic", card->info.atomic);
		ret |= add_int(o, "crtcs", card->info.crtc_count);
		ret |= add_int(o, "planes", card->info.plane_count);
	}
	for (int i = 0; ret == 0 && i < card->info.connector_count; i++) {
		ret = append(conns, connector_json(card, &card->info.connectors[i]));
	}
	if (ret != 0 || json_object_object_add(o, "connectors", conns) != 0) {
		goto err;
	}
	return o;
err:
	json_object_put(conns);
	json_object_put(o);
	return NULL;
}

static json_object *input_json(const struct devices_input *in)
{
	static const struct {
		uint32_t cap;
		const char *name;
	} cap_names[] = {
		{INPUT_CAP_KEYBOARD, "keyboard"}, {INPUT_CAP_POINTER, "pointer"},
		{INPUT_CAP_TOUCH, "touch"},	  {INPUT_CAP_TABLET, "tablet"},
		{INPUT_CAP_KEYS, "keys"},	  {INPUT_CAP_JOYSTICK, "joystick"},
	};
	json_object *o = json_object_new_object();
	json_object *caps = json_object_new_array();
	if (o == NULL || caps == NULL) {
		goto err;
	}
	int ret = add_string(o, "name", in->sysname);
	ret |= add_string(o, "devnode", in->devnode);
	ret |= add_string(o, "id_path", in->id_path);
	ret |= add_bool(o, "assignable", in->id_path != NULL);
	ret |= add_string(o, "product", in->name);
	ret |= add_string(o, "kind", input_kind_name(input_kind_from_caps(in->caps)));
	ret |= add_string(o, "hub", in->hub);
	for (size_t i = 0; ret == 0 && i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (in->caps & cap_names[i].cap) {
			ret = append(caps, json_object_new_string(cap_names[i].name));
		}
	}
	if (ret != 0 || json_object_object_add(o, "capabilities", caps) != 0) {
		goto err;
	}
	return o;
err:
	json_object_put(caps);
	json_object_put(o);
	return NULL;
}

static json_object *sound_json(const struct devices_sound *s)
{
	json_object *o = json_object_new_object();
	if (o == NULL) {
		return NULL;
	}
	int ret = add_string(o, "name", s->sysname);
	ret |= add_string(o, "id", s->id);
	ret |= add_string(o, "product", s->name);
	ret |= add_string(o, "id_path", s->id_path);
	ret |= add_bool(o, "assignable", s->id_path != NULL);
	ret |= add_string(o, "hub", s->hub);
	if (ret != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *hub_json(const struct devices_hub *h)
{
	json_object *o = json_object_new_object();
	if (o == NULL) {
		return NULL;
	}
	int ret = add_string(o, "name", h->sysname);
	ret |= add_string(o, "id_path", h->id_path);
	ret |= add_string(o, "product", h->product);
	if (ret != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int probe_print_json(FILE *out, const struct devices *devices)
{
	int ret = -ENOMEM;
	json_object *root = json_object_new_object();
	json_object *cards = json_object_new_array();
	json_object *inputs = json_object_new_array();
	json_object *sounds = json_object_new_array();
	json_object *hubs = json_object_new_array();
	if (root == NULL || cards == NULL || inputs == NULL || sounds == NULL || hubs == NULL) {
		goto out;
	}
	int err = 0;
	for (size_t i = 0; err == 0 && i < devices->card_count; i++) {
		err = append(cards, card_json(&devices->cards[i]));
	}
	for (size_t i = 0; err == 0 && i < devices->input_count; i++) {
		err = append(inputs, input_json(&devices->inputs[i]));
	}
	for (size_t i = 0; err == 0 && i < devices->sound_count; i++) {
		err = append(sounds, sound_json(&devices->sounds[i]));
	}
	for (size_t i = 0; err == 0 && i < devices->hub_count; i++) {
		err = append(hubs, hub_json(&devices->hubs[i]));
	}
	if (err != 0) {
		goto out;
	}
	/* Ownership moves to root one array at a time; NULL marks what root now owns. */
	if (json_object_object_add(root, "cards", cards) != 0) {
		goto out;
	}
	cards = NULL;
	if (json_object_object_add(root, "inputs", inputs) != 0) {
		goto out;
	}
	inputs = NULL;
	if (json_object_object_add(root, "sounds", sounds) != 0) {
		goto out;
	}
	sounds = NULL;
	if (json_object_object_add(root, "hubs", hubs) != 0) {
		goto out;
	}
	hubs = NULL;
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	ret = 0;
out:
	json_object_put(hubs);
	json_object_put(sounds);
	json_object_put(inputs);
	json_object_put(cards);
	json_object_put(root);
	return ret;
}
