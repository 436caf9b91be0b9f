/* multiseatd's control commands: status, seats and devices, attach/detach, forget, identify,
 * set, restart, reload, and logind's udev rules out and in. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cgroup.h"
#include "claim.h"
#include "control.h"
#include "daemon.h"
#include "desk_login.h"
#include "log.h"
#include "seat.h"
#include "udev_seats.h"

/* How long `multiseatctl identify` shows every seat's name. */
#define IDENTIFY_MS 10000

static int reply_message(struct json_object **result, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int reply_message(struct json_object **result, const char *fmt, ...)
{
	char text[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	*result = json_object_new_object();
	json_object_object_add(*result, "message", json_object_new_string(text));
	return 0;
}

static struct json_object *status_json(struct daemon *daemon)
{
	struct json_object *o = json_object_new_object();
	struct json_object *seats = json_object_new_array();
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (!seat->doomed)
			json_object_array_add(seats, seat_to_json(seat));
	}
	json_object_object_add(o, "seats", seats);
	struct json_object *unassigned = json_object_new_array();
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		if (!input->seat)
			json_object_array_add(unassigned, seat_input_to_json(input));
	}
	json_object_object_add(o, "unassigned", unassigned);
	return o;
}

static int set_override(struct daemon *daemon, const char *key, const char *seat)
{
	int ret = policy_saved_set(&daemon->saved, POLICY_SAVED_OVERRIDES, key, seat);
	if (ret > 0)
		daemon_save_state(daemon);
	return ret;
}

/*
 * A device key, devnode or sysname, or the ID_PATH of a hub or USB device some device hangs
 * below; `*input` is the device itself or one below that hub.
 */
static bool device_known(struct daemon *daemon, const char *what, const char **key,
			 struct hw_input **found)
{
	struct hw_input *input = hw_input_by_key(&daemon->hw, what);
	if (input) {
		*key = input->key;
		*found = input;
		return true;
	}
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		if (input->usb_device && strcmp(input->usb_device, what) == 0) {
			*key = input->usb_device;
			*found = input;
			return true;
		}
		for (size_t i = 0; i < input->hub_count; i++) {
			if (strcmp(input->hubs[i], what) == 0) {
				*key = input->hubs[i];
				*found = input;
				return true;
			}
		}
	}
	return false;
}

/* Drops every saved entry for `key`: a claim, an attach or a detach. */
static size_t forget_key(struct daemon *daemon, const char *key)
{
	size_t n = 0;
	n += policy_saved_remove(&daemon->saved, POLICY_SAVED_DEVICES, key) > 0;
	n += policy_saved_remove(&daemon->saved, POLICY_SAVED_OVERRIDES, key) > 0;
	return n;
}

/* forget SEAT|DEVICE: the seat's saved devices, or what put the device where it is. */
static int handle_forget(struct daemon *daemon, const struct control_request *req,
			 struct json_object **result, char *error, size_t error_size)
{
	const char *what = req->args[0];
	struct seat *seat = daemon_find_seat(daemon, what);
	const char *key = NULL;
	struct hw_input *input = NULL;
	size_t n;
	if (seat) {
		n = policy_saved_forget_seat(&daemon->saved, seat->name);
	} else if (device_known(daemon, what, &key, &input)) {
		if (key == input->key) {
			/* The device itself: whatever saved entry holds it, its own or its hub's.
			 */
			n = 0;
			for (size_t i = 0; i < hw_input_chain_length(input); i++) {
				const char *k = hw_input_chain_key(input, i);
				n += k ? forget_key(daemon, k) : 0;
			}
		} else {
			n = forget_key(daemon, key);
		}
	} else {
		/* Not plugged in now: a saved key can still be forgotten. */
		n = forget_key(daemon, what);
		if (n == 0) {
			snprintf(error, error_size,
				 "'%s' is no seat, no device and no saved key (see multiseatctl "
				 "status and devices)",
				 what);
			return CONTROL_ERROR_USAGE;
		}
	}
	log_info("control (uid %u): forget %s: %zu saved entr%s dropped", (unsigned)req->uid, what,
		 n, n == 1 ? "y" : "ies");
	if (n > 0) {
		daemon_save_state(daemon);
		daemon_reconcile(daemon);
	}
	seat = daemon_find_seat(daemon, what);
	if (seat && seat->claimed)
		return reply_message(result,
				     "%s: %zu saved entr%s forgotten; it still has a keyboard by "
				     "the config (see multiseatctl devices)",
				     what, n, n == 1 ? "y" : "ies");
	return reply_message(result, "%s: %zu saved entr%s forgotten%s", what, n,
			     n == 1 ? "y" : "ies", seat ? "; it shows its identify screen" : "");
}

static int reply_text(struct json_object **result, const char *text)
{
	*result = json_object_new_object();
	json_object_object_add(*result, "message", json_object_new_string(text));
	return 0;
}

/*
 * The caps of `which` (bits 1 << cap) as they are now, "memory.max=2G, cpu.max=50%"; those
 * of `reset` say where their value comes from now that `set` no longer gives one.
 */
static void print_caps(FILE *out, const struct policy_caps *caps, unsigned which, unsigned reset)
{
	const char *separator = "";
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		char buf[POLICY_CAP_TEXT_MAX];
		if (!(which & (1u << cap)))
			continue;
		fprintf(out, "%s%s", separator, policy_cap_name(cap));
		separator = ", ";
		const char *text = policy_caps_format(caps, cap, buf, sizeof(buf));
		if (!text)
			fputs(" unset (the kernel's default)", out);
		else
			fprintf(out, "=%s%s", text,
				reset & (1u << cap) ? " (the configuration's)" : "");
	}
}

/* The seat's caps now: the config's, then what `set` saved. 0 or -ENOMEM. */
static int seat_caps(struct daemon *daemon, const char *name, struct policy_caps *caps)
{
	const struct policy_seat *config = policy_config_find_seat(&daemon->config, name);
	return policy_effective_caps_init(caps, &daemon->config, config, &daemon->saved, name);
}

/* set NAME KEY=default... for a seat that is gone: its saved caps can still be dropped. */
static int drop_gone_seat_caps(struct daemon *daemon, const char *name, unsigned reset,
			       const struct policy_caps *given, struct json_object **result)
{
	size_t dropped = 0;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (reset & (1u << cap))
			dropped += policy_saved_set_cap(&daemon->saved, name, cap, given) > 0;
	}
	if (dropped == 0)
		return -ENOENT;
	daemon_save_state(daemon);
	return reply_message(result, "%s is no seat now; %zu saved cap%s dropped", name, dropped,
			     dropped == 1 ? "" : "s");
}

/* Where the caps went, after the reply's list of them; `applied` as caps_desk_apply's. */
static void print_outcome(FILE *out, struct daemon *daemon, struct seat *seat, int applied,
			  const char *missing)
{
	if (applied > 0)
		fprintf(out, "; written to %s, the session keeps running",
			caps_desk_dir(seat->caps, CGROUP_SEAT));
	else if (caps_refused(daemon->caps))
		fprintf(out, "; not applied: no seat starts, their caps cannot be had (see the "
			     "cgroup errors in the log)");
	else if (!caps_enabled(daemon->caps))
		fprintf(out, "; not applied: the seats run uncapped (caps = optional, no cgroup "
			     "v2 subtree)");
	else
		fprintf(out, "; applied when its compositor starts");
	if (missing[0])
		fprintf(out, " (not enforced: the cgroup subtree lacks the %s controller%s)",
			missing, strchr(missing, ',') ? "s" : "");
}

/* The saved caps of `which` back to what `before` has (unset: none saved). */
static void restore_saved(struct daemon *daemon, const char *seat, unsigned which,
			  const struct policy_caps *before)
{
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (which & (1u << cap))
			policy_saved_set_cap(&daemon->saved, seat, cap, before);
	}
}

/* Logs the request, its pairs as they came. */
static void log_set(const struct control_request *req, const char *seat)
{
	char pairs[CONTROL_REQUEST_MAX] = "";
	for (size_t i = 1, used = 0; i < req->arg_count && used < sizeof(pairs); i++)
		used += (size_t)snprintf(pairs + used, sizeof(pairs) - used, "%s%s",
					 i > 1 ? " " : "", req->args[i]);
	log_info("control (uid %u): set %s %s", (unsigned)req->uid, seat, pairs);
}

/*
 * set SEAT KEY=VALUE...: the seat's caps changed in its cgroup and saved, all or none: bad
 * pairs change nothing, and neither does a value the kernel refuses.
 */
static int handle_set(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	const char *name = req->args[0];
	struct seat *seat = daemon_find_seat(daemon, name);
	struct policy_caps given, before, caps;
	unsigned set, reset;
	char why[256];
	int ret = policy_caps_parse_pairs(req->args + 1, req->arg_count - 1, &given, &set, &reset,
					  why, sizeof(why));
	if (!seat) {
		/* Only to drop what was saved for a seat that is gone. */
		int dropped = ret == 0 && set == 0 && policy_seat_name_valid(name)
				      ? drop_gone_seat_caps(daemon, name, reset, &given, result)
				      : -ENOENT;
		if (ret == 0)
			policy_caps_finish(&given);
		if (dropped == 0)
			return 0;
		snprintf(error, error_size, "unknown seat '%s' (see multiseatctl seats)", name);
		return CONTROL_ERROR_USAGE;
	}
	if (ret < 0) {
		snprintf(error, error_size, "%s", why);
		return ret == -ENOMEM ? CONTROL_ERROR_FAILED : CONTROL_ERROR_USAGE;
	}
	log_set(req, seat->name);

	/* What was saved before, to go back to. */
	policy_caps_init(&before);
	ret = policy_saved_apply_caps(&daemon->saved, seat->name, &before);
	size_t changed = 0;
	for (int cap = 0; cap < POLICY_CAP_COUNT && ret >= 0; cap++) {
		if ((set | reset) & (1u << cap)) {
			ret = policy_saved_set_cap(&daemon->saved, seat->name, cap, &given);
			changed += ret > 0;
		}
	}
	policy_caps_finish(&given);
	char *text = NULL;
	size_t size = 0;
	FILE *out = NULL;
	if (ret < 0 || seat_caps(daemon, seat->name, &caps) < 0)
		goto err_restore;
	if (!(out = open_memstream(&text, &size))) {
		policy_caps_finish(&caps);
		goto err_restore;
	}
	fprintf(out, "seat %s: ", seat->name);
	print_caps(out, &caps, set | reset, reset);
	char missing[64], refused[256] = "";
	caps_missing_controllers(daemon->caps, &caps, missing, sizeof(missing));
	int applied = seat_set_caps(seat, &caps, refused, sizeof(refused));
	if (applied < 0) {
		/* The old caps back, in the cgroup too; seat_set_caps logged what went wrong. */
		restore_saved(daemon, seat->name, set | reset, &before);
		if (seat_caps(daemon, seat->name, &caps) == 0)
			seat_set_caps(seat, &caps, why, sizeof(why));
		fclose(out);
		free(text);
		snprintf(error, error_size, "seat %s: nothing changed, its cgroup refused: %s",
			 seat->name, refused);
		policy_caps_finish(&before);
		return CONTROL_ERROR_FAILED;
	}
	policy_caps_finish(&before);
	print_outcome(out, daemon, seat, applied, missing);
	ret = 0;
	if (changed > 0 && daemon_save_state(daemon) < 0) {
		fprintf(out,
			"; but %s cannot be written (see the log): this holds until the "
			"daemon stops",
			daemon->saved.path);
		ret = CONTROL_ERROR_FAILED;
	}
	if (fclose(out) != 0 || !text) {
		free(text);
		snprintf(error, error_size, "out of memory");
		return CONTROL_ERROR_FAILED;
	}
	if (ret != 0)
		snprintf(error, error_size, "%s", text);
	else
		reply_text(result, text);
	free(text);
	return ret;

err_restore:
	restore_saved(daemon, seat->name, set | reset, &before);
	policy_caps_finish(&before);
	snprintf(error, error_size, "out of memory");
	return CONTROL_ERROR_FAILED;
}

typedef int command_fn(struct daemon *daemon, const struct control_request *req,
		       struct json_object **result, char *error, size_t error_size);

static int out_of_memory(char *error, size_t error_size)
{
	snprintf(error, error_size, "out of memory");
	return CONTROL_ERROR_FAILED;
}

static int cmd_status(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	*result = status_json(daemon);
	return 0;
}

static int cmd_devices(struct daemon *daemon, const struct control_request *req,
		       struct json_object **result, char *error, size_t error_size)
{
	*result = json_object_new_object();
	struct json_object *devices = json_object_new_array();
	struct hw_input *input;
	wl_list_for_each (input, &daemon->hw.inputs, link)
		json_object_array_add(devices, seat_input_to_json(input));
	json_object_object_add(*result, "devices", devices);
	return 0;
}

static int cmd_reload(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	char message[512];
	if (daemon_reload(daemon, message, sizeof(message)) < 0) {
		snprintf(error, error_size, "%s", message);
		return CONTROL_ERROR_FAILED;
	}
	return reply_message(result, "%s", message);
}

static int cmd_identify(struct daemon *daemon, const struct control_request *req,
			struct json_object **result, char *error, size_t error_size)
{
	claim_identify_all(daemon, IDENTIFY_MS);
	log_info("control (uid %u): identify", (unsigned)req->uid);
	return reply_message(result, "every seat shows its name for %d s", IDENTIFY_MS / 1000);
}

static int cmd_export_udev(struct daemon *daemon, const struct control_request *req,
			   struct json_object **result, char *error, size_t error_size)
{
	*result = udev_seats_export(daemon);
	return *result ? 0 : out_of_memory(error, error_size);
}

static int cmd_import_udev(struct daemon *daemon, const struct control_request *req,
			   struct json_object **result, char *error, size_t error_size)
{
	*result = udev_seats_import(daemon, req->uid);
	return *result ? 0 : out_of_memory(error, error_size);
}

/* The seat args[index] names; NULL with the reply's error when there is none such. */
static struct seat *seat_arg(struct daemon *daemon, const struct control_request *req, size_t index,
			     char *error, size_t error_size)
{
	const char *name = req->arg_count > index ? req->args[index] : "";
	struct seat *seat = daemon_find_seat(daemon, name);
	if (!seat)
		snprintf(error, error_size, "unknown seat '%s'", name);
	return seat;
}

static int cmd_seat(struct daemon *daemon, const struct control_request *req,
		    struct json_object **result, char *error, size_t error_size)
{
	struct seat *seat = seat_arg(daemon, req, 0, error, error_size);
	if (!seat)
		return CONTROL_ERROR_USAGE;
	*result = seat_to_json(seat);
	return 0;
}

static int cmd_restart(struct daemon *daemon, const struct control_request *req,
		       struct json_object **result, char *error, size_t error_size)
{
	struct seat *seat = seat_arg(daemon, req, 0, error, error_size);
	if (!seat)
		return CONTROL_ERROR_USAGE;
	seat_restart(seat);
	return reply_message(result, "seat %s: restarting its compositor", seat->name);
}

static int cmd_logout(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	struct seat *seat = seat_arg(daemon, req, 0, error, error_size);
	if (!seat)
		return CONTROL_ERROR_USAGE;
	if (desk_login_logout(seat->login, error, error_size) < 0)
		return CONTROL_ERROR_FAILED;
	log_info("control (uid %u): logout at seat %s", (unsigned)req->uid, seat->name);
	return reply_message(result, "seat %s: logging out", seat->name);
}

/* attach SEAT DEVICE (`seat` set) and detach DEVICE (NULL): an override the rules follow. */
static int move_device(struct daemon *daemon, const struct control_request *req, struct seat *seat,
		       const char *device, struct json_object **result, char *error,
		       size_t error_size)
{
	const char *key = NULL;
	struct hw_input *input = NULL;
	if (!device_known(daemon, device, &key, &input)) {
		snprintf(error, error_size,
			 "unknown device '%s' (a device or hub ID_PATH, or /dev/input/eventN)",
			 device);
		return CONTROL_ERROR_USAGE;
	}
	char *copy = strdup(key); /* reconcile may free the device the key lives in */
	int ret = copy ? set_override(daemon, copy, seat ? seat->name : NULL) : -ENOMEM;
	if (ret < 0) {
		snprintf(error, error_size, "%s cannot be recorded: %s", copy ? copy : key,
			 strerror(-ret));
		free(copy);
		return CONTROL_ERROR_FAILED;
	}
	log_info("control (uid %u): %s %s%s%s", (unsigned)req->uid, req->command, copy,
		 seat ? " to seat " : "", seat ? seat->name : "");
	daemon_reconcile(daemon);
	reply_message(result, seat ? "%s is on seat %s now" : "%s is on no seat now", copy,
		      seat ? seat->name : "");
	free(copy);
	return 0;
}

static int cmd_attach(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	struct seat *seat = seat_arg(daemon, req, 0, error, error_size);
	if (!seat)
		return CONTROL_ERROR_USAGE;
	return move_device(daemon, req, seat, req->args[1], result, error, error_size);
}

static int cmd_detach(struct daemon *daemon, const struct control_request *req,
		      struct json_object **result, char *error, size_t error_size)
{
	return move_device(daemon, req, NULL, req->args[0], result, error, error_size);
}

/* What the daemon does for each command of the control codec's table (control_message.c). */
static const struct {
	const char *name;
	command_fn *run;
} handlers[] = {
	{"status", cmd_status},
	{"seats", cmd_status},
	{"devices", cmd_devices},
	{"seat", cmd_seat},
	{"attach", cmd_attach},
	{"detach", cmd_detach},
	{"forget", handle_forget},
	{"identify", cmd_identify},
	{"export-udev", cmd_export_udev},
	{"import-udev", cmd_import_udev},
	{"set", handle_set},
	{"restart", cmd_restart},
	{"logout", cmd_logout},
	{"reload", cmd_reload},
};

/* The control module hands over only known commands with their argument counts checked. */
static int handle_control(void *data, const struct control_request *req,
			  struct json_object **result, char *error, size_t error_size)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (strcmp(handlers[i].name, req->command) == 0)
			return handlers[i].run(data, req, result, error, error_size);
	}
	snprintf(error, error_size, "'%s' is a command this daemon does not carry out",
		 req->command);
	return CONTROL_ERROR_USAGE;
}

const struct control_handler daemon_control_handler = {
	.handle = handle_control,
};
