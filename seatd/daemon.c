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

#include "caps.h"
#include "child_output.h"
#include "claim.h"
#include "control.h"
#include "desk_login.h"
#include "input.h"
#include "notify.h"
#include "seat.h"
#include "seat_leases.h"
#include "services.h"
#include "sound.h"
#include "vt.h"

/* udev sends bursts (a hub brings several devices): one rescan after they settle. */
#define RESCAN_DELAY_MS 150

uint64_t daemon_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The seat of that name that is (or, with `doomed`, is no longer) wanted. */
static struct seat *find_seat(struct daemon *daemon, const char *name, bool doomed)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat->doomed == doomed && strcmp(seat->name, name) == 0)
			return seat;
	}
	return NULL;
}

struct seat *daemon_find_seat(struct daemon *daemon, const char *name)
{
	return find_seat(daemon, name, false);
}

/* ---- the config ---- */

void daemon_log_errors(const struct policy_errors *errors, enum log_level level)
{
	for (size_t i = 0; i < errors->count; i++)
		log_message(level, __FILE__, __LINE__, "%s",
			    errors->lines[i] ? errors->lines[i] : "(out of memory)");
	if (errors->dropped)
		log_message(level, __FILE__, __LINE__, "%zu more (out of memory to list them)",
			    errors->dropped);
}

static void log_errors(const struct policy_errors *errors)
{
	daemon_log_errors(errors, LOG_LEVEL_ERROR);
}

/*
 * Loads the config into `config`. A missing default file means the built-in defaults. On
 * failure, for the desks' screens, `summary` (NULL: not wanted) says why in a line and
 * `notes` gets the errors under `heading` (see admin_notes.h).
 */
static int load_config(const struct daemon_options *options, struct policy_config *config,
		       bool must_exist, char *summary, size_t summary_size, char *notes,
		       size_t notes_size, const char *heading)
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
	if (ret < 0 && summary && errors.count == 0)
		snprintf(summary, summary_size, "%s cannot be read: %s", options->config_path,
			 strerror(-ret));
	else if (ret < 0 && summary)
		snprintf(summary, summary_size, "%s has %zu error%s (below)", options->config_path,
			 errors.count + errors.dropped,
			 errors.count + errors.dropped == 1 ? "" : "s");
	if (ret < 0) {
		const struct policy_errors *lists[] = {&errors};
		admin_notes_format(notes, notes_size, heading, lists, 1);
	}
	policy_errors_finish(&errors);
	if (ret < 0)
		log_error("%s: not used (%s)", options->config_path,
			  ret == -EINVAL ? "errors above" : strerror(-ret));
	return ret;
}

/* SIGHUP and `multiseatctl reload`: a config with errors changes nothing. */
int daemon_reload(struct daemon *daemon, char *message, size_t size)
{
	struct policy_config fresh;
	char heading[300];
	/* Running on the defaults already, the seats' notices say so above the errors. */
	snprintf(heading, sizeof(heading),
		 "%s was not re-read; the desks run on as before:", daemon->options->config_path);
	int ret =
		load_config(daemon->options, &fresh, true, NULL, 0, daemon->config_notes,
			    sizeof(daemon->config_notes), daemon->config_error[0] ? NULL : heading);
	if (ret < 0) {
		snprintf(message, size, "%s has errors (see the log); the running seats are kept",
			 daemon->options->config_path);
		/* Where the admin looks after a reload: the free monitors. */
		struct seat *seat;
		wl_list_for_each (seat, &daemon->seats, link)
			seat_update_identify(seat);
		return ret;
	}
	log_info("%s re-read; applying the difference", daemon->options->config_path);
	if (fresh.vt != daemon->config.vt)
		log_info("a new vt takes effect when multiseatd starts again; tty%d stays the "
			 "desks' console until then",
			 daemon->config.vt);
	fresh.vt = daemon->config.vt;
	bool sysrq_changed = fresh.sysrq != daemon->config.sysrq;
	if (sysrq_changed)
		log_info("sysrq = %s: on every keyboard from now on",
			 fresh.sysrq ? "true" : "false");
	/* Seats keep pointers into the config only during reconcile; swapping is safe here. */
	policy_config_finish(&daemon->config);
	daemon->config = fresh;
	if (sysrq_changed) {
		struct seat *seat;
		wl_list_for_each (seat, &daemon->seats, link)
			seat_send_sysrq_setting(seat);
	}
	daemon->config_error[0] = '\0';
	daemon->config_notes[0] = '\0';
	daemon_reconcile(daemon);
	snprintf(message, size, "%s re-read and applied", daemon->options->config_path);
	return 0;
}

/* ---- reconcile ---- */

int daemon_save_state(struct daemon *daemon)
{
	int ret = policy_saved_save(&daemon->saved);
	if (ret < 0)
		log_error("%s cannot be written: %s; the assignments hold until the daemon stops",
			  daemon->saved.path, strerror(-ret));
	return ret;
}

int daemon_claim(struct daemon *daemon, struct hw_input *input, const char *key, const char *seat)
{
	/* A `detach` of the keyboard (or of its hub) would keep it off the seat it claims. */
	for (size_t i = 0; i < hw_input_chain_length(input); i++) {
		const char *k = hw_input_chain_key(input, i);
		bool found;
		if (k && !policy_saved_get(&daemon->saved, POLICY_SAVED_OVERRIDES, k, &found) &&
		    found)
			policy_saved_remove(&daemon->saved, POLICY_SAVED_OVERRIDES, k);
	}
	int ret = policy_saved_set(&daemon->saved, POLICY_SAVED_DEVICES, key, seat);
	if (ret < 0)
		return ret;
	daemon_save_state(daemon);
	daemon_reconcile(daemon);
	return 0;
}

static void apply_seat(struct daemon *daemon, const struct policy_assignment *a, size_t index,
		       bool claimed)
{
	const struct policy_assigned_seat *as = &a->seats[index];
	struct seat *seat = daemon_find_seat(daemon, as->name);
	/* A removed seat still in the list is one whose compositor is stopping (seat_stop). */
	if (!seat && (seat = find_seat(daemon, as->name, true))) {
		/*
		 * Wanted again before its compositor has gone (a monitor replugged at once): the
		 * same seat starts again when it exits. A second seat of that name would share its
		 * runtime directory and cgroup, which the first one's exit removes and kills.
		 */
		log_info("seat %s (F%d) is wanted again; it starts once compositor %d has exited",
			 seat->name, as->number, (int)seat->pid);
		seat->doomed = false;
		caps_desk_set_leaving(seat->caps, false);
		seat->restart_pending = true;
	}
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
	/* Before it may start: an unclaimed seat's compositor holds its session back. */
	seat_set_claimed(seat, claimed);

	struct policy_effective_settings settings;
	struct policy_errors errors = {0};
	if (policy_effective_settings_init(&settings, &daemon->config, as->config, &daemon->saved,
					   as->name, as->number, &errors) < 0) {
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
	if (seat_set_settings(seat, &settings) && seat->pid > 0 && !seat->notice) {
		log_info("seat %s: its settings changed; restarting its compositor", seat->name);
		seat_restart(seat);
	}
	seat_retry_notice(seat);

	/* A seat's outputs may be on several cards: one lease, one slot of the link, per card. */
	struct seat_cards outputs;
	seat_cards_init(&outputs);
	for (size_t i = 0; i < as->output_count; i++) {
		size_t k = as->outputs[i];
		int ret = seat_cards_add(&outputs, daemon->hw.connector_cards[k],
					 daemon->hw.connector_ids[k], a->output_keys[k]);
		if (ret == -ENOSPC)
			log_error("seat %s: output %s is left dark: a seat spans %d cards at most",
				  seat->name, a->output_keys[k], SEAT_CARDS_MAX);
		else if (ret == -E2BIG)
			log_error("seat %s: output %s is left dark: a seat has %d outputs at most",
				  seat->name, a->output_keys[k], SEAT_CARDS_MAX_OUTPUTS);
		/* -EEXIST: the same connector twice, once is enough. */
	}
	seat_set_outputs(seat, &outputs);
}

static bool claims_seat(const struct hw_input *input)
{
	return !input->sound && (input->caps & (INPUT_CAP_KEYBOARD | INPUT_CAP_TOUCH));
}

static void apply_devices(struct daemon *daemon, const struct policy_assignment *a)
{
	for (size_t k = 0; k < daemon->hw.device_count; k++) {
		struct hw_input *input = daemon->hw.device_inputs[k];
		const struct policy_verdict *v = &a->devices[k];
		const char *name = v->seat >= 0 ? a->seats[v->seat].name : NULL;
		struct seat *want = name ? daemon_find_seat(daemon, name) : NULL;
		char *reason =
			v->reason == POLICY_REASON_OVERRIDE
				? strdup(name ? "multiseatctl attach" : "multiseatctl detach")
				: policy_assignment_explain_device(a, k);
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

/* Conflicts (and notes on output names) are logged when they change, not on every udev event. */
static void log_conflicts(struct daemon *daemon, const struct policy_errors *errors,
			  const struct policy_errors *notes)
{
	char *text = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&text, &size);
	if (!stream) {
		log_errors(errors);
		return;
	}
	for (size_t i = 0; i < errors->count; i++)
		fprintf(stream, "%s\n", errors->lines[i] ? errors->lines[i] : "");
	for (size_t i = 0; i < notes->count; i++)
		fprintf(stream, "note %s\n", notes->lines[i] ? notes->lines[i] : "");
	if (fclose(stream) != 0 || !text) {
		free(text);
		log_errors(errors);
		return;
	}
	if (daemon->conflicts && strcmp(daemon->conflicts, text) == 0) {
		free(text);
		return;
	}
	log_errors(errors);
	daemon_log_errors(notes, LOG_LEVEL_INFO);
	/* Errors come first in the text, notes after them. */
	if (errors->count == 0 && daemon->conflicts && daemon->conflicts[0] &&
	    strncmp(daemon->conflicts, "note ", 5) != 0)
		log_info("no more conflicting rules");
	free(daemon->conflicts);
	daemon->conflicts = text;
}

/* Autoseat names go into the saved state, so a monitor keeps its seat's name and number. */
static void save_autoseat_names(struct daemon *daemon, const struct policy_assignment *a)
{
	bool changed = false;
	for (size_t o = 0; o < a->output_count; o++) {
		const struct policy_verdict *v = &a->outputs[o];
		if (v->reason == POLICY_REASON_AUTOSEAT &&
		    policy_saved_set(&daemon->saved, POLICY_SAVED_OUTPUTS, a->output_keys[o],
				     a->seats[v->seat].name) > 0)
			changed = true;
	}
	if (changed)
		daemon_save_state(daemon);
}

void daemon_reconcile(struct daemon *daemon)
{
	if (daemon->stopping)
		return;
	struct policy_hardware hardware;
	struct policy_state state;
	struct policy_assignment a;
	if (hw_policy_build(&daemon->hw, &hardware) < 0) {
		log_error("the seats cannot be worked out (out of memory); nothing changed");
		return;
	}
	/* Before the view: it borrows the tables this may change. */
	struct policy_errors migrated = {0};
	if (policy_saved_migrate_outputs(&daemon->saved, &hardware, &migrated) > 0)
		daemon_save_state(daemon);
	daemon_log_errors(&migrated, LOG_LEVEL_INFO);
	policy_errors_finish(&migrated);
	policy_saved_view(&daemon->saved, &state);
	if (policy_assignment_init(&a, &daemon->config, &hardware, &state) < 0) {
		log_error("the seats cannot be worked out (out of memory); nothing changed");
		return;
	}
	log_conflicts(daemon, &a.errors, &a.notes);
	const struct policy_errors *lists[] = {&a.errors, &a.notes};
	admin_notes_format(daemon->assignment_notes, sizeof(daemon->assignment_notes), NULL, lists,
			   2);
	/* A seat a keyboard or touch screen goes to is claimed. */
	bool *gets_keyboard = calloc(a.seat_count ? a.seat_count : 1, sizeof(*gets_keyboard));
	if (!gets_keyboard) {
		log_error("the seats cannot be worked out (out of memory); nothing changed");
		goto out;
	}
	for (size_t k = 0; k < a.device_count; k++) {
		if (a.devices[k].seat >= 0 && claims_seat(daemon->hw.device_inputs[k]))
			gets_keyboard[a.devices[k].seat] = true;
	}
	struct seat *seat, *tmp;
	wl_list_for_each (seat, &daemon->seats, link)
		seat->wanted = false;
	for (size_t i = 0; i < a.seat_count; i++)
		apply_seat(daemon, &a, i, gets_keyboard[i]);
	wl_list_for_each_safe (seat, tmp, &daemon->seats, link) {
		if (!seat->wanted && !seat->doomed) {
			log_info("seat %s is no longer wanted (config or monitors changed)",
				 seat->name);
			seat_stop(seat, true);
		}
	}
	apply_devices(daemon, &a);
	/* What actually arrived decides (an attach may name a seat that went). */
	wl_list_for_each (seat, &daemon->seats, link) {
		bool claimed = false;
		struct hw_input *input;
		wl_list_for_each (input, &seat->devices, seat_link)
			claimed = claimed || claims_seat(input);
		seat_set_claimed(seat, claimed);
		seat_update_identify(seat); /* the note may have changed */
	}
	save_autoseat_names(daemon, &a);
	caps_respread(daemon->caps);
	claim_watch_update(daemon);
	sound_sync_acls(daemon);
out:
	free(gets_keyboard);
	policy_assignment_finish(&a);
}

/* ---- events ---- */

static void handle_input_gone(void *data, struct hw_input *input)
{
	input->gone = true;
	seat_device_detach(input);
}

static void handle_card_gone(void *data, struct hw_card *card)
{
	struct daemon *daemon = data;
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link)
		seat_forget_card(seat, card);
}

static int handle_rescan(void *data)
{
	struct daemon *daemon = data;
	if (hw_scan(&daemon->hw, handle_input_gone, handle_card_gone, daemon) < 0)
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
				wl_list_for_each (seat, &daemon->seats, link)
					seat_notify_rescan(seat, card);
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
	/* Every child reaped first: systemd would kill what is left, logging each. */
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat->pid > 0 || services_alive(seat->services) || desk_login_busy(seat->login))
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
	notify_stopping();
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link)
		seat_stop(seat, false);
	daemon_check_done(daemon);
	return 0;
}

static int handle_hangup(int signal, void *data)
{
	struct daemon *daemon = data;
	char message[512];
	notify_reloading();
	daemon_reload(daemon, message, sizeof(message));
	log_info("SIGHUP: %s", message);
	notify_ready(wl_list_length(&daemon->seats));
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
			if (seat_handle_exit(seat, pid, status) ||
			    services_handle_exit(seat->services, pid, status))
				break;
		}
	}
	return 0;
}

/* ---- setup ---- */

static int watch_udev(struct daemon *daemon)
{
	daemon->monitor = udev_monitor_new_from_netlink(daemon->udev, "udev");
	if (!daemon->monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(daemon->monitor, "drm", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(daemon->monitor, "input", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(daemon->monitor, "sound", NULL) < 0 ||
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
	/* Last, once no desk holds a keyboard: from here keys reach the console again. */
	vt_destroy(daemon->vt);
	caps_destroy(daemon->caps);
	daemon->caps = NULL;
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
	if (daemon->identify_timer)
		wl_event_source_remove(daemon->identify_timer);
	policy_saved_finish(&daemon->saved);
	free(daemon->conflicts);
	policy_config_finish(&daemon->config);
	child_outputs_destroy(daemon->outputs);
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
	/*
	 * A config the daemon cannot use leaves every desk dark if it exits: instead it runs on
	 * the built-in defaults, and every monitor says what is wrong until a reload fixes it.
	 */
	int loaded_config = load_config(options, &daemon.config, false, daemon.config_error,
					sizeof(daemon.config_error), daemon.config_notes,
					sizeof(daemon.config_notes),
					"Fix the file, then: systemctl reload multiseatd");
	if (loaded_config == -ENOMEM)
		return 1;
	if (loaded_config < 0) {
		log_error("%s cannot be used: every monitor says so until it is fixed and "
			  "reloaded (systemctl reload multiseatd)",
			  options->config_path);
		if (policy_config_init_defaults(&daemon.config, options->config_path) < 0)
			return 1;
	}
	if (policy_saved_init(&daemon.saved, daemon.config.state_dir) < 0) {
		policy_config_finish(&daemon.config);
		return 1;
	}
	struct policy_errors state_errors = {0};
	/*
	 * A bad state file is reported and set aside; the seats start without it. A bad saved
	 * cap is reported and left out, the rest is used.
	 */
	int loaded = policy_saved_load(&daemon.saved, &state_errors);
	log_errors(&state_errors);
	if (loaded == 0) {
		size_t devices = daemon.saved.counts[POLICY_SAVED_DEVICES];
		size_t caps = daemon.saved.counts[POLICY_SAVED_CAPS];
		log_info("%s: %zu saved device assignment%s, %zu saved cap%s", daemon.saved.path,
			 devices, devices == 1 ? "" : "s", caps, caps == 1 ? "" : "s");
	}
	policy_errors_finish(&state_errors);
	daemon.caps = caps_create(&daemon.config);
	if (!daemon.caps) {
		log_error("out of memory");
		return 1;
	}
	daemon.loop = wl_event_loop_create();
	if (!daemon.loop)
		return 1;
	/* Without it (out of memory) children write straight to our stderr, untagged. */
	daemon.outputs = child_outputs_create(daemon.loop);
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
	/* Without it the seats' WirePlumber would reserve over D-Bus and try Bluetooth: said. */
	services_write_config(options->runtime_dir);
	snprintf(daemon.control_path, sizeof(daemon.control_path), "%s/control",
		 options->runtime_dir);
	daemon.control =
		control_create(daemon.loop, daemon.control_path, &daemon_control_handler, &daemon);
	if (!daemon.control)
		goto out;
	/* Before any keyboard is opened, so that no key typed at a desk reaches a console. */
	if (daemon.config.vt > 0) {
		daemon.vt = vt_create(daemon.loop, daemon.config.vt);
		if (!daemon.vt)
			log_error("tty%d cannot be taken (%s): the desks' keyboards are held by "
				  "the daemon and their compositors alone, but the console is not "
				  "turned off",
				  daemon.config.vt, strerror(errno));
	}
	watch_udev(&daemon);
	if (hw_scan(&daemon.hw, NULL, NULL, NULL) < 0)
		log_error("the device list could not be fully read");
	daemon_reconcile(&daemon);
	log_info("running: %d seat%s; control socket %s", wl_list_length(&daemon.seats),
		 wl_list_length(&daemon.seats) == 1 ? "" : "s", daemon.control_path);
	/* After the first reconcile: every seat present at start-up has been placed. */
	notify_ready(wl_list_length(&daemon.seats));

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
