/* multiseatd's main loop: udev events, signals, the config, and reconciling seats with the rules.
 */
#include "daemon.h"

#include <errno.h>
#include <json-c/json.h>
#include <libudev.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "seat.h"

/* udev sends bursts (a hub brings several devices): one rescan after they settle. */
#define RESCAN_DELAY_MS 150

uint64_t daemon_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct seat *daemon_find_seat(struct daemon *daemon, const char *name)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (!seat->doomed && strcmp(seat->name, name) == 0)
			return seat;
	}
	return NULL;
}

/* ---- the config ---- */

static void log_errors(const struct policy_errors *errors)
{
	for (size_t i = 0; i < errors->count; i++)
		log_error("%s", errors->lines[i] ? errors->lines[i] : "(out of memory)");
	if (errors->dropped)
		log_error("%zu more errors (out of memory to list them)", errors->dropped);
}

/* Loads the config into `config`. A missing default file means the built-in defaults. */
static int load_config(const struct daemon_options *options, struct policy_config *config,
		       bool must_exist)
{
	struct stat st;
	if (!must_exist && !options->explicit_config && stat(options->config_path, &st) < 0 &&
	    errno == ENOENT) {
		log_info("%s does not exist: built-in defaults (autoseat)", options->config_path);
		return policy_config_init_defaults(config, options->config_path);
	}
	struct policy_errors errors = {0};
	int ret = policy_config_load(config, options->config_path, &errors);
	log_errors(&errors);
	policy_errors_finish(&errors);
	if (ret < 0)
		log_error("%s: not used (%s)", options->config_path,
			  ret == -EINVAL ? "errors above" : strerror(-ret));
	return ret;
}

/* SIGHUP and `multiseatctl reload`: a config with errors changes nothing. */
static int daemon_reload(struct daemon *daemon, char *message, size_t size)
{
	struct policy_config fresh;
	int ret = load_config(daemon->options, &fresh, true);
	if (ret < 0) {
		snprintf(message, size, "%s has errors (see the log); the running seats are kept",
			 daemon->options->config_path);
		return ret;
	}
	log_info("%s re-read; applying the difference", daemon->options->config_path);
	/* Seats keep pointers into the config only during reconcile; swapping is safe here. */
	policy_config_finish(&daemon->config);
	daemon->config = fresh;
	daemon_reconcile(daemon);
	snprintf(message, size, "%s re-read and applied", daemon->options->config_path);
	return 0;
}

/* ---- reconcile ---- */

static const char *override_for(struct daemon *daemon, const struct hw_input *input, bool *found)
{
	*found = false;
	/* The device's own key wins over its hubs; nearer hubs over farther ones. */
	for (size_t h = 0; h <= input->hub_count; h++) {
		const char *key = h == 0 ? input->key : input->hubs[h - 1];
		for (size_t i = daemon->override_count; i-- > 0;) {
			if (strcmp(daemon->overrides[i].key, key) == 0) {
				*found = true;
				return daemon->overrides[i].seat;
			}
		}
	}
	return NULL;
}

static void apply_seat(struct daemon *daemon, const struct policy_assignment *a, size_t index)
{
	const struct policy_assigned_seat *as = &a->seats[index];
	struct seat *seat = daemon_find_seat(daemon, as->name);
	if (!seat) {
		seat = seat_create(daemon, as->name, as->number);
		if (!seat) {
			log_error("seat %s: out of memory", as->name);
			return;
		}
		wl_list_insert(daemon->seats.prev, &seat->link);
		log_info("seat %s (F%d): %s", seat->name, seat->number,
			 as->config ? "from the config" : "autoseat");
	}
	seat->wanted = true;
	seat->number = as->number;

	struct policy_effective_settings settings;
	struct policy_errors errors = {0};
	if (policy_effective_settings_init(&settings, &daemon->config, as->config, as->name,
					   as->number, &errors) < 0) {
		log_errors(&errors);
		snprintf(seat->user_error, sizeof(seat->user_error), "%s",
			 errors.count && errors.lines[0] ? errors.lines[0] : "invalid settings");
		policy_errors_finish(&errors);
		/* Without settings it cannot start again; a running compositor is stopped. */
		if (seat->has_settings) {
			policy_effective_settings_finish(&seat->settings);
			memset(&seat->settings, 0, sizeof(seat->settings));
			seat->has_settings = false;
		}
		if (seat->pid > 0)
			seat_stop(seat, false);
		else
			seat->state = SEAT_NO_USER;
		return;
	}
	policy_errors_finish(&errors);
	if (seat_set_settings(seat, &settings) && seat->pid > 0) {
		log_info("seat %s: its settings changed; restarting its compositor", seat->name);
		seat_restart(seat);
	}

	/* A seat's outputs are connectors of one card: one lease, one DRM device. */
	uint32_t ids[SEAT_MAX_OUTPUTS];
	char *keys[SEAT_MAX_OUTPUTS];
	struct hw_card *card = NULL;
	size_t count = 0;
	for (size_t i = 0; i < as->output_count && count < SEAT_MAX_OUTPUTS; i++) {
		size_t k = as->outputs[i];
		struct hw_card *c = daemon->hw.connector_cards[k];
		if (card && c != card) {
			log_error(
				"seat %s: output %s is on another card than %s; a seat drives one "
				"card, so it is left dark",
				seat->name, a->output_keys[k], keys[0]);
			continue;
		}
		card = c;
		ids[count] = daemon->hw.connector_ids[k];
		keys[count] = a->output_keys[k];
		count++;
	}
	seat_set_outputs(seat, card, ids, keys, count);
}

static void apply_devices(struct daemon *daemon, const struct policy_assignment *a)
{
	for (size_t k = 0; k < daemon->hw.device_count; k++) {
		struct hw_input *input = daemon->hw.device_inputs[k];
		const struct policy_verdict *v = &a->devices[k];
		struct seat *want =
			v->seat >= 0 ? daemon_find_seat(daemon, a->seats[v->seat].name) : NULL;
		char *reason = policy_assignment_explain_device(a, k);
		bool overridden;
		const char *seat_name = override_for(daemon, input, &overridden);
		if (overridden) {
			struct seat *chosen =
				seat_name ? daemon_find_seat(daemon, seat_name) : NULL;
			if (!seat_name || chosen) {
				want = chosen;
				free(reason);
				reason = strdup(seat_name ? "multiseatctl attach"
							  : "multiseatctl detach");
			}
		}
		free(input->reason);
		input->reason = reason;
		if (want == input->seat)
			continue;
		if (want)
			seat_device_attach(want, input, reason);
		else
			seat_device_detach(input);
	}
}

void daemon_reconcile(struct daemon *daemon)
{
	if (daemon->stopping)
		return;
	struct policy_hardware hardware;
	struct policy_assignment a;
	if (hw_policy_build(&daemon->hw, &hardware) < 0 ||
	    policy_assignment_init(&a, &daemon->config, &hardware, NULL) < 0) {
		log_error("the seats cannot be worked out (out of memory); nothing changed");
		return;
	}
	log_errors(&a.errors);
	struct seat *seat, *tmp;
	wl_list_for_each (seat, &daemon->seats, link)
		seat->wanted = false;
	for (size_t i = 0; i < a.seat_count; i++)
		apply_seat(daemon, &a, i);
	wl_list_for_each_safe (seat, tmp, &daemon->seats, link) {
		if (!seat->wanted && !seat->doomed) {
			log_info("seat %s is no longer wanted (config or monitors changed)",
				 seat->name);
			seat_stop(seat, true);
		}
	}
	apply_devices(daemon, &a);
	policy_assignment_finish(&a);
}

/* ---- events ---- */

static void handle_input_gone(void *data, struct hw_input *input)
{
	seat_device_detach(input);
}

static int handle_rescan(void *data)
{
	struct daemon *daemon = data;
	if (hw_scan(&daemon->hw, handle_input_gone, daemon) < 0)
		log_error("the device list could not be fully read");
	daemon_reconcile(daemon);
	return 0;
}

static int handle_udev(int fd, uint32_t mask, void *data)
{
	struct daemon *daemon = data;
	struct udev_device *dev;
	while ((dev = udev_monitor_receive_device(daemon->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *subsystem = udev_device_get_subsystem(dev);
		const char *hotplug = udev_device_get_property_value(dev, "HOTPLUG");
		if (action && subsystem && strcmp(subsystem, "drm") == 0 &&
		    strcmp(action, "change") == 0 && hotplug && strcmp(hotplug, "1") == 0) {
			struct hw_card *card =
				hw_card_by_devnum(&daemon->hw, udev_device_get_devnum(dev));
			if (card) {
				log_info("card %s: monitor hotplug", card->key);
				hw_card_reprobe(card);
				daemon_reconcile(daemon);
				struct seat *seat;
				wl_list_for_each (seat, &daemon->seats, link) {
					if (seat->card == card)
						seat_notify_rescan(seat);
				}
			}
		} else if (action &&
			   (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0)) {
			wl_event_source_timer_update(daemon->rescan_timer, RESCAN_DELAY_MS);
		}
		udev_device_unref(dev);
	}
	return 0;
}

void daemon_check_done(struct daemon *daemon)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat->pid > 0)
			return;
	}
	daemon->done = true;
}

static int handle_terminate(int signal, void *data)
{
	struct daemon *daemon = data;
	if (daemon->stopping)
		return 0;
	log_info("signal %d: stopping every seat", signal);
	daemon->stopping = true;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link)
		seat_stop(seat, false);
	daemon_check_done(daemon);
	return 0;
}

static int handle_hangup(int signal, void *data)
{
	char message[512];
	daemon_reload(data, message, sizeof(message));
	log_info("SIGHUP: %s", message);
	return 0;
}

static int handle_child(int signal, void *data)
{
	struct daemon *daemon = data;
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct seat *seat, *tmp;
		wl_list_for_each_safe (seat, tmp, &daemon->seats, link) {
			if (seat_handle_exit(seat, pid, status))
				break;
		}
	}
	return 0;
}

/* ---- control ---- */

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
	for (size_t i = 0; i < daemon->override_count; i++) {
		struct daemon_override *o = &daemon->overrides[i];
		if (strcmp(o->key, key) == 0) {
			char *copy = seat ? strdup(seat) : NULL;
			if (seat && !copy)
				return -ENOMEM;
			free(o->seat);
			o->seat = copy;
			return 0;
		}
	}
	struct daemon_override *bigger =
		realloc(daemon->overrides, (daemon->override_count + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	daemon->overrides = bigger;
	struct daemon_override *o = &bigger[daemon->override_count];
	o->key = strdup(key);
	o->seat = seat ? strdup(seat) : NULL;
	if (!o->key || (seat && !o->seat)) {
		free(o->key);
		free(o->seat);
		return -ENOMEM;
	}
	daemon->override_count++;
	return 0;
}

/* A device key, devnode or sysname, or the ID_PATH of a hub some device hangs below. */
static bool device_known(struct daemon *daemon, const char *what, const char **key)
{
	struct hw_input *input = hw_input_by_key(&daemon->hw, what);
	if (input) {
		*key = input->key;
		return true;
	}
	wl_list_for_each (input, &daemon->hw.inputs, link) {
		for (size_t i = 0; i < input->hub_count; i++) {
			if (strcmp(input->hubs[i], what) == 0) {
				*key = input->hubs[i];
				return true;
			}
		}
	}
	return false;
}

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

static int handle_control(void *data, const struct control_request *req,
			  struct json_object **result, char *error, size_t error_size)
{
	struct daemon *daemon = data;
	const char *cmd = req->command;
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "seats") == 0) {
		*result = status_json(daemon);
		return 0;
	}
	if (strcmp(cmd, "devices") == 0) {
		*result = json_object_new_object();
		struct json_object *devices = json_object_new_array();
		struct hw_input *input;
		wl_list_for_each (input, &daemon->hw.inputs, link)
			json_object_array_add(devices, seat_input_to_json(input));
		json_object_object_add(*result, "devices", devices);
		return 0;
	}
	if (strcmp(cmd, "reload") == 0) {
		char message[512];
		if (daemon_reload(daemon, message, sizeof(message)) < 0) {
			snprintf(error, error_size, "%s", message);
			return CONTROL_ERROR_FAILED;
		}
		return reply_message(result, "%s", message);
	}
	const char *seat_arg = NULL, *device_arg = NULL;
	if (strcmp(cmd, "seat") == 0 || strcmp(cmd, "restart") == 0 || strcmp(cmd, "attach") == 0)
		seat_arg = req->arg_count > 0 ? req->args[0] : NULL;
	if (strcmp(cmd, "attach") == 0)
		device_arg = req->arg_count > 1 ? req->args[1] : NULL;
	if (strcmp(cmd, "detach") == 0)
		device_arg = req->arg_count > 0 ? req->args[0] : NULL;
	struct seat *seat = seat_arg ? daemon_find_seat(daemon, seat_arg) : NULL;
	if (seat_arg && !seat) {
		snprintf(error, error_size, "unknown seat '%s'", seat_arg);
		return CONTROL_ERROR_USAGE;
	}
	const char *key = NULL;
	if (device_arg && !device_known(daemon, device_arg, &key)) {
		snprintf(error, error_size,
			 "unknown device '%s' (a device or hub ID_PATH, or "
			 "/dev/input/eventN)",
			 device_arg);
		return CONTROL_ERROR_USAGE;
	}
	if (strcmp(cmd, "seat") == 0 && seat) {
		*result = seat_to_json(seat);
		return 0;
	}
	if (strcmp(cmd, "restart") == 0 && seat) {
		seat_restart(seat);
		return reply_message(result, "seat %s: restarting its compositor", seat->name);
	}
	if ((strcmp(cmd, "attach") == 0 && seat && key) || (strcmp(cmd, "detach") == 0 && key)) {
		char *copy = strdup(key); /* reconcile may free the device the key lives in */
		if (!copy || set_override(daemon, copy, seat ? seat->name : NULL) < 0) {
			free(copy);
			snprintf(error, error_size, "out of memory");
			return CONTROL_ERROR_FAILED;
		}
		log_info("control (uid %u): %s %s%s%s", (unsigned)req->uid, cmd, copy,
			 seat ? " to seat " : "", seat ? seat->name : "");
		daemon_reconcile(daemon);
		reply_message(result, seat ? "%s is on seat %s now" : "%s is on no seat now", copy,
			      seat ? seat->name : "");
		free(copy);
		return 0;
	}
	snprintf(error, error_size, "'%s' needs more arguments (see multiseatctl --help)", cmd);
	return CONTROL_ERROR_USAGE;
}

static const struct control_handler control_handler = {
	.handle = handle_control,
};

/* ---- setup ---- */

static int watch_udev(struct daemon *daemon)
{
	daemon->monitor = udev_monitor_new_from_netlink(daemon->udev, "udev");
	if (!daemon->monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(daemon->monitor, "drm", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(daemon->monitor, "input", NULL) < 0 ||
	    udev_monitor_enable_receiving(daemon->monitor) < 0) {
		log_error("udev events cannot be watched; devices plugged in later are ignored");
		return -EIO;
	}
	daemon->monitor_source =
		wl_event_loop_add_fd(daemon->loop, udev_monitor_get_fd(daemon->monitor),
				     WL_EVENT_READABLE, handle_udev, daemon);
	return daemon->monitor_source ? 0 : -ENOMEM;
}

static void daemon_finish(struct daemon *daemon)
{
	struct seat *seat, *tmp;
	wl_list_for_each_safe (seat, tmp, &daemon->seats, link)
		seat_destroy(seat);
	control_destroy(daemon->control);
	hw_finish(&daemon->hw);
	if (daemon->monitor_source)
		wl_event_source_remove(daemon->monitor_source);
	udev_monitor_unref(daemon->monitor);
	udev_unref(daemon->udev);
	struct wl_event_source *sources[] = {daemon->sigterm, daemon->sigint, daemon->sighup,
					     daemon->sigchld, daemon->rescan_timer};
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (sources[i])
			wl_event_source_remove(sources[i]);
	}
	for (size_t i = 0; i < daemon->override_count; i++) {
		free(daemon->overrides[i].key);
		free(daemon->overrides[i].seat);
	}
	free(daemon->overrides);
	policy_config_finish(&daemon->config);
	wl_event_loop_destroy(daemon->loop);
}

int daemon_run(const struct daemon_options *options)
{
	struct daemon daemon = {.options = options};
	wl_list_init(&daemon.seats);
	if (geteuid() != 0) {
		log_error("multiseatd must run as root: it opens every seat device and drops "
			  "privileges for each seat");
		return 1;
	}
	if (load_config(options, &daemon.config, false) < 0)
		return 1;
	daemon.loop = wl_event_loop_create();
	if (!daemon.loop)
		return 1;
	daemon.sigterm = wl_event_loop_add_signal(daemon.loop, SIGTERM, handle_terminate, &daemon);
	daemon.sigint = wl_event_loop_add_signal(daemon.loop, SIGINT, handle_terminate, &daemon);
	daemon.sighup = wl_event_loop_add_signal(daemon.loop, SIGHUP, handle_hangup, &daemon);
	daemon.sigchld = wl_event_loop_add_signal(daemon.loop, SIGCHLD, handle_child, &daemon);
	daemon.rescan_timer = wl_event_loop_add_timer(daemon.loop, handle_rescan, &daemon);
	/* A compositor closing its link mid-write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	daemon.udev = udev_new();
	hw_init(&daemon.hw, daemon.udev);
	if (!daemon.sigterm || !daemon.sigint || !daemon.sighup || !daemon.sigchld ||
	    !daemon.rescan_timer || !daemon.udev) {
		log_error("the event loop cannot be set up");
		goto out;
	}
	if (mkdir(options->runtime_dir, 0755) < 0 && errno != EEXIST) {
		log_error("%s cannot be made: %s", options->runtime_dir, strerror(errno));
		goto out;
	}
	snprintf(daemon.control_path, sizeof(daemon.control_path), "%s/control",
		 options->runtime_dir);
	daemon.control =
		control_create(daemon.loop, daemon.control_path, &control_handler, &daemon);
	if (!daemon.control)
		goto out;
	watch_udev(&daemon);
	if (hw_scan(&daemon.hw, NULL, NULL) < 0)
		log_error("the device list could not be fully read");
	daemon_reconcile(&daemon);
	log_info("running: %d seat%s; control socket %s", wl_list_length(&daemon.seats),
		 wl_list_length(&daemon.seats) == 1 ? "" : "s", daemon.control_path);

	while (!daemon.done) {
		if (wl_event_loop_dispatch(daemon.loop, -1) < 0 && errno != EINTR) {
			log_error("the event loop failed: %s", strerror(errno));
			daemon.exit_code = 1;
			break;
		}
		wl_event_loop_dispatch_idle(daemon.loop);
	}
	log_info("every seat has stopped; exiting");
out:
	daemon_finish(&daemon);
	return daemon.exit_code;
}
