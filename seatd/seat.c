/* A seat's compositor: started as the seat user with fresh leases and input fds, restarted with
 * backoff. */
#include "seat.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoff.h"
#include "caps.h"
#include "claim.h"
#include "daemon.h"
#include "desk_login.h"
#include "hardware.h"
#include "input.h"
#include "log.h"
#include "protocol.h"
#include "runtime_dir.h"
#include "seat_leases.h"
#include "services.h"
#include "sound.h"

/* How long a compositor gets to exit after SIGTERM before SIGKILL. */
#define STOP_TIMEOUT_MS 5000
/* The account a seat that cannot start shows why as: it exists on every Debian system. */
#define NOTICE_USER "nobody"
/* The session when the config names none. */
#define DEFAULT_SESSION "foot"

const char *seat_state_name(enum seat_state state)
{
	static const char *const names[] = {
		[SEAT_WAITING] = "waiting",	  [SEAT_NO_USER] = "no-user",
		[SEAT_STARTING] = "starting",	  [SEAT_RUNNING] = "running",
		[SEAT_RESTARTING] = "restarting", [SEAT_STOPPING] = "stopping",
		[SEAT_FAILED] = "failed",
	};
	return names[state];
}

static int handle_timer(void *data);
static void link_open(struct seat *seat, pid_t pid, int fd, bool greeter);
static void start_notice(struct seat *seat);

struct seat *seat_create(struct daemon *daemon, const char *name, int number)
{
	struct seat *seat = calloc(1, sizeof(*seat));
	if (!seat)
		return NULL;
	seat->daemon = daemon;
	seat->number = number;
	seat->link_fd = -1;
	seat->state = SEAT_WAITING;
	seat->name = strdup(name);
	seat->timer = wl_event_loop_add_timer(daemon->loop, handle_timer, seat);
	if (!seat->name || !seat->timer) {
		if (seat->timer)
			wl_event_source_remove(seat->timer);
		free(seat->name);
		free(seat);
		return NULL;
	}
	snprintf(seat->runtime_dir, sizeof(seat->runtime_dir), "%s/%s",
		 daemon->options->runtime_dir, name);
	wl_list_init(&seat->link);
	wl_list_init(&seat->devices);
	seat->caps = caps_desk_create(daemon->caps, name);
	seat->services = services_create(seat);
	seat->login = desk_login_create(seat);
	if (!seat->caps || !seat->services || !seat->login) {
		desk_login_destroy(seat->login);
		services_destroy(seat->services);
		caps_desk_destroy(seat->caps);
		wl_event_source_remove(seat->timer);
		free(seat->name);
		free(seat);
		return NULL;
	}
	return seat;
}

void seat_destroy(struct seat *seat)
{
	if (!seat)
		return;
	struct hw_input *input, *tmp;
	wl_list_for_each_safe (input, tmp, &seat->devices, seat_link)
		seat_device_detach(input);
	if (seat->link_source)
		wl_event_source_remove(seat->link_source);
	if (seat->link_failed)
		wl_event_source_remove(seat->link_failed);
	if (seat->link_fd >= 0)
		close(seat->link_fd);
	seat_outputs_clear(seat);
	desk_login_destroy(seat->login);
	services_destroy(seat->services);
	caps_desk_destroy(seat->caps);
	wl_event_source_remove(seat->timer);
	if (seat->has_settings)
		policy_effective_settings_finish(&seat->settings);
	wl_list_remove(&seat->link);
	free(seat->name);
	free(seat);
}

/* ---- the link ---- */

/* Whether messages go out: the link is open and no send on it has failed. */
static bool link_up(const struct seat *seat)
{
	return seat->link_fd >= 0 && !seat->link_failed;
}

static void close_link(struct seat *seat)
{
	/* A login's session cannot outlive the compositor its clients ran in. */
	if (seat->link_fd >= 0)
		desk_login_compositor_gone(seat->login);
	if (seat->link_source)
		wl_event_source_remove(seat->link_source);
	seat->link_source = NULL;
	if (seat->link_failed)
		wl_event_source_remove(seat->link_failed);
	seat->link_failed = NULL;
	if (seat->link_fd >= 0)
		close(seat->link_fd);
	seat->link_fd = -1;
}

/*
 * What a failed send leads to, in this one place and after the code that sent is done: the
 * link closes (a login at the desk ends with it) and the compositor is stopped.
 */
static int handle_link_failed(void *data)
{
	struct seat *seat = data;
	if (seat->link_failed)
		wl_event_source_remove(seat->link_failed);
	seat->link_failed = NULL;
	close_link(seat);
	if (seat->pid > 0)
		kill(seat->pid, SIGTERM);
	return 0;
}

void seat_send(struct seat *seat, uint16_t opcode, const void *body, size_t size)
{
	seat_send_fd(seat, opcode, body, size, -1);
}

void seat_send_fd(struct seat *seat, uint16_t opcode, const void *body, size_t size, int fd)
{
	if (!link_up(seat))
		return;
	int ret = link_send(seat->link_fd, opcode, body, size, fd);
	if (ret == 0)
		return;
	/*
	 * A compositor that cannot keep up with its link is not usable: nothing more is sent,
	 * and it is stopped from handle_link_failed, not from inside whatever was sending.
	 */
	log_error("seat %s: %s could not be sent to the compositor: %s; stopping it", seat->name,
		  link_opcode_name(opcode), strerror(-ret));
	seat->link_failed = wl_event_loop_add_timer(seat->daemon->loop, handle_link_failed, seat);
	if (!seat->link_failed || wl_event_source_timer_update(seat->link_failed, 1) < 0)
		handle_link_failed(seat);
}

static uint32_t link_caps(uint32_t caps)
{
	uint32_t out = 0;
	if (caps & INPUT_CAP_KEYBOARD)
		out |= LINK_INPUT_KEYBOARD;
	if (caps & INPUT_CAP_POINTER)
		out |= LINK_INPUT_POINTER;
	if (caps & INPUT_CAP_TOUCH)
		out |= LINK_INPUT_TOUCH;
	if (caps & INPUT_CAP_TABLET)
		out |= LINK_INPUT_TABLET;
	return out;
}

/* Opens the device for the seat's compositor and sends it. */
static void send_device(struct seat *seat, struct hw_input *input)
{
	/*
	 * Sound cards are the seat's audio service's, not the compositor's. A stopping
	 * compositor gets nothing more: the hold keeps the device for the next one.
	 */
	if (!link_up(seat) || input->fd >= 0 || input->sound || seat->notice ||
	    seat->state == SEAT_STOPPING)
		return;
	/*
	 * The daemon's grabbed file itself goes to the compositor: no key of a desk reaches the
	 * console, SysRq, logind's power key or any other reader of the device, not even while
	 * it moves. The grab ends with the revoke.
	 */
	if (hw_input_hand_over(input) < 0)
		return;
	input->link_id = seat->daemon->hw.next_link_id++;
	struct link_input_add msg = {.id = input->link_id, .caps = link_caps(input->caps)};
	link_copy_string(msg.devnode, sizeof(msg.devnode), input->devnode);
	link_copy_string(msg.name, sizeof(msg.name), input->name);
	seat_send_fd(seat, LINK_INPUT_ADD, &msg, sizeof(msg), input->fd);
}

/* EVIOCREVOKE: every copy of the fd (the compositor's too) reads ENODEV from now on. */
static void revoke_device(struct seat *seat, struct hw_input *input)
{
	if (input->fd < 0)
		return;
	int ret = hw_input_take_back(input);
	if (ret < 0)
		log_error("seat %s: input %s could not be revoked: %s", seat->name, input->key,
			  strerror(-ret));
	struct link_input_remove msg = {.id = input->link_id};
	seat_send_fd(seat, LINK_INPUT_REMOVE, &msg, sizeof(msg), -1);
}

static void revoke_everything(struct seat *seat)
{
	struct hw_input *input;
	wl_list_for_each (input, &seat->devices, seat_link)
		revoke_device(seat, input);
	seat_leases_drop(seat);
}

/* ---- what the compositor may send ---- */

static int on_login(void *data, struct link_message *msg)
{
	struct seat *seat = data;
	if (!seat->greeter)
		return -EBADMSG;
	desk_login_handle(seat->login, &msg->body.login);
	return 0;
}

static int on_ready(void *data, struct link_message *msg)
{
	struct seat *seat = data;
	if (!seat->notice)
		seat->state = SEAT_RUNNING;
	link_copy_string(seat->wayland_socket, sizeof(seat->wayland_socket),
			 msg->body.ready.socket);
	log_info("seat %s: compositor %d ready on WAYLAND_DISPLAY=%s", seat->name, (int)seat->pid,
		 msg->body.ready.socket);
	return 0;
}

static int on_session_spawned(void *data, struct link_message *msg)
{
	struct seat *seat = data;
	struct link_session_placed placed = {.pid = msg->body.session_spawned.pid};
	placed.result = caps_desk_place_session(seat->caps, placed.pid, seat->pid);
	seat_send_fd(seat, LINK_SESSION_PLACED, &placed, sizeof(placed), -1);
	return 0;
}

static int on_sysrq(void *data, struct link_message *msg)
{
	struct seat *seat = data;
	claim_run_sysrq(seat->daemon, msg->body.sysrq.command[0], seat->name);
	return 0;
}

static int on_error(void *data, struct link_message *msg)
{
	struct seat *seat = data;
	log_error("seat %s: compositor reports: %s", seat->name, msg->body.error.message);
	return 0;
}

static const struct link_handler compositor_messages[] = {
	{LINK_READY, on_ready}, {LINK_ERROR, on_error}, {LINK_SESSION_SPAWNED, on_session_spawned},
	{LINK_LOGIN, on_login}, {LINK_SYSRQ, on_sysrq},
};

static int handle_link(int fd, uint32_t mask, void *data)
{
	struct seat *seat = data;
	/* A few messages per turn, so one busy compositor cannot starve the others. */
	for (int i = 0; i < 16 && link_up(seat); i++) {
		struct link_message msg;
		char error[256];
		int ret = link_receive(seat->link_fd, &msg, error, sizeof(error));
		if (ret == -EAGAIN)
			return 0;
		if (ret == 1) {
			ret = link_dispatch(compositor_messages,
					    sizeof(compositor_messages) /
						    sizeof(compositor_messages[0]),
					    seat, &msg, error, sizeof(error));
			if (ret == 0)
				continue;
		}
		if (ret == -EBADMSG)
			log_error("seat %s: the compositor sent %s; stopping it", seat->name,
				  error);
		else if (ret == -EPROTO)
			log_error(
				"seat %s: malformed message from the compositor (%s); stopping it",
				seat->name, error);
		else if (ret < 0)
			log_error("seat %s: the seat link failed: %s", seat->name, strerror(-ret));
		/* EOF or a broken link: the compositor is going; SIGCHLD tells the rest. */
		close_link(seat);
		if (ret != 0 && seat->pid > 0)
			kill(seat->pid, SIGTERM);
		return 0;
	}
	return 0;
}

/* ---- starting and stopping ---- */

/*
 * After the compositor: what ran in the desk's cgroup goes, but a login's worker, which has
 * to close its PAM session and report the end, kills what is left in login/ itself
 * (desk_login's finish), and services being stopped in order are killed after a timeout.
 */
static void kill_cgroups(struct seat *seat)
{
	bool login = desk_login_busy(seat->login), services = services_alive(seat->services);
	if (!login && !services) {
		caps_desk_kill(seat->caps, CGROUP_SEAT);
		return;
	}
	caps_desk_kill(seat->caps, CGROUP_COMPOSITOR);
	caps_desk_kill(seat->caps, CGROUP_SESSION);
	if (!login)
		caps_desk_kill(seat->caps, CGROUP_LOGIN);
	if (!services)
		caps_desk_kill(seat->caps, CGROUP_SERVICES);
}

static void schedule_retry(struct seat *seat, enum seat_state state)
{
	seat->state = state;
	seat->attempt = seat->attempt < 1 ? 1 : seat->attempt;
	int delay = backoff_delay_ms(seat->attempt);
	log_info("seat %s: next start in %d ms", seat->name, delay);
	wl_event_source_timer_update(seat->timer, delay);
}

static bool check_user(struct seat *seat)
{
	if (!seat->has_settings)
		return false; /* the settings' own error is in user_error already */
	if (!seat->settings.user) {
		snprintf(seat->user_error, sizeof(seat->user_error),
			 "no user is set for it (user = in [seat-defaults] or [seat.%s])",
			 seat->name);
		return false;
	}
	return spawn_user_lookup(seat->settings.user, &seat->user, seat->user_error,
				 sizeof(seat->user_error)) == 0;
}

/*
 * Seats are kept apart by their users: the runtime directory, the Wayland socket, PipeWire
 * and the sound cards' ACLs are the seat user's. Two running seats of one user are not.
 */
static void warn_shared_user(struct seat *seat)
{
	struct seat *other;
	wl_list_for_each (other, &seat->daemon->seats, link) {
		if (other != seat && other->pid > 0 && other->user.uid == seat->user.uid) {
			log_error(
				"seat %s: runs as %s, as seat %s does: each can reach the other's "
				"session and sound cards; give every seat its own user (user = "
				"_desk%%n in [seat-defaults])",
				seat->name, seat->user.name, other->name);
			return;
		}
	}
}

void seat_start(struct seat *seat)
{
	struct daemon *daemon = seat->daemon;
	if (daemon->stopping || seat->doomed || seat->pid > 0)
		return;
	wl_event_source_timer_update(seat->timer, 0);
	if (seat->output_count == 0) {
		if (seat->state != SEAT_WAITING)
			log_info("seat %s: no connected output; waiting for one", seat->name);
		seat->state = SEAT_WAITING;
		return;
	}
	if (daemon->config_error[0]) {
		/* Whatever the defaults would run is not what the admin wrote: say what is wrong.
		 */
		snprintf(seat->user_error, sizeof(seat->user_error), "%s", daemon->config_error);
		seat->state = SEAT_NO_USER;
		start_notice(seat);
		return;
	}
	if (!check_user(seat)) {
		if (seat->state != SEAT_NO_USER)
			log_error("seat %s: not started: %s", seat->name, seat->user_error);
		seat->state = SEAT_NO_USER;
		start_notice(seat);
		return;
	}
	seat->user_error[0] = '\0';
	warn_shared_user(seat);

	int sv[2] = {-1, -1};
	char error[256];
	if (caps_desk_prepare(seat->caps, &seat->settings.caps, error, sizeof(error)) < 0) {
		log_error("seat %s: not started: %s", seat->name, error);
		snprintf(seat->user_error, sizeof(seat->user_error), "%s", error);
		goto fail;
	}
	mkdir(daemon->options->runtime_dir, 0755);
	int ret = runtime_dir_create(seat->runtime_dir, seat->user.uid, seat->user.gid);
	if (ret < 0) {
		log_error("seat %s: runtime directory %s cannot be made: %s", seat->name,
			  seat->runtime_dir, strerror(-ret));
		goto fail;
	}
	if (seat_leases_make(seat) < 0)
		goto fail;
	/* The services first, the seat's cards open to its user: the session finds them up. */
	services_start(seat->services);
	sound_sync_acls(daemon);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
		log_error("seat %s: no seat link: %s", seat->name, strerror(errno));
		goto fail;
	}
	struct spawn_compositor params = {
		.compositor = daemon->options->compositor,
		.seat = seat->name,
		.runtime_dir = seat->runtime_dir,
		.user = &seat->user,
		.link_fd = sv[1],
		.kiosk = seat->settings.mode == POLICY_MODE_KIOSK,
		/* A desktop desk greets: its sessions are the users' who log in. */
		.session = seat->settings.mode == POLICY_MODE_DESKTOP
				   ? NULL
				   : (seat->settings.session ? seat->settings.session
							     : DEFAULT_SESSION),
		.log_level = daemon->options->log_level,
		.cgroup = caps_desk_dir(seat->caps, CGROUP_COMPOSITOR),
		.env = services_session_env(seat->services),
		.outputs = daemon->outputs,
	};
	pid_t pid = spawn_compositor(&params, error, sizeof(error));
	close(sv[1]);
	if (pid < 0) {
		log_error("seat %s: the compositor cannot be started: %s", seat->name, error);
		close(sv[0]);
		goto fail;
	}
	seat->notice = false;
	seat->state = SEAT_STARTING;
	log_info("seat %s: compositor %d started as %s (uid %u) on %s", seat->name, (int)pid,
		 seat->user.name, (unsigned)seat->user.uid, seat_first_output(seat));
	link_open(seat, pid, sv[0], seat->settings.mode == POLICY_MODE_DESKTOP);
	return;

fail:
	seat_leases_drop(seat);
	if (services_running(seat->services)) {
		services_stop(seat->services);
		sound_sync_acls(daemon);
	}
	schedule_retry(seat, SEAT_FAILED);
	seat->attempt = backoff_next_attempt(seat->attempt, 0);
}

/* The compositor `pid` runs with the seat link `fd`: hello, identify text, leases, devices. */
static void link_open(struct seat *seat, pid_t pid, int fd, bool greeter)
{
	seat->pid = pid;
	seat->link_fd = fd;
	seat->started_ms = daemon_now_ms();
	seat->link_source = wl_event_loop_add_fd(seat->daemon->loop, seat->link_fd,
						 WL_EVENT_READABLE, handle_link, seat);
	seat->session_held = !seat->claimed && !seat->notice;
	seat->greeter = greeter;
	seat->wayland_socket[0] = '\0';
	seat->identify_sent[0] = '\0';
	struct link_hello hello = {
		.version = LINK_VERSION,
		.number = (uint32_t)seat->number,
		.flags = (seat->session_held ? LINK_HELLO_HOLD_SESSION : 0) |
			 (caps_desk_dir(seat->caps, CGROUP_SEAT) ? LINK_HELLO_PLACE_SESSIONS : 0) |
			 (seat->greeter ? LINK_HELLO_GREETER : 0) |
			 (seat->daemon->config.sysrq ? LINK_HELLO_SYSRQ : 0),
	};
	link_copy_string(hello.seat, sizeof(hello.seat), seat->name);
	link_copy_string(hello.keymap.layout, sizeof(hello.keymap.layout),
			 seat->settings.keyboard_layout);
	link_copy_string(hello.keymap.variant, sizeof(hello.keymap.variant),
			 seat->settings.keyboard_variant);
	link_copy_string(hello.keymap.options, sizeof(hello.keymap.options),
			 seat->settings.keyboard_options);
	seat_send_fd(seat, LINK_HELLO, &hello, sizeof(hello), -1);
	seat_update_identify(seat);
	seat_leases_send(seat);
	struct hw_input *input;
	wl_list_for_each (input, &seat->devices, seat_link)
		send_device(seat, input);
	if (!seat->link_source)
		kill(pid, SIGTERM);
}

/*
 * A seat with monitors that cannot start says why on them instead of leaving them dark: a
 * compositor with no Wayland socket, no session and no input devices, run as the
 * unprivileged NOTICE_USER (the seat's own account may be what is missing), shows the reason.
 */
static void start_notice(struct seat *seat)
{
	struct daemon *daemon = seat->daemon;
	struct spawn_user nobody;
	char error[256];
	int sv[2];
	if (spawn_user_lookup(NOTICE_USER, &nobody, error, sizeof(error)) < 0) {
		log_error("seat %s: its monitors cannot say why it does not start: %s", seat->name,
			  error);
		return;
	}
	mkdir(daemon->options->runtime_dir, 0755);
	int ret = runtime_dir_create(seat->runtime_dir, nobody.uid, nobody.gid);
	if (ret < 0) {
		log_error("seat %s: runtime directory %s cannot be made: %s", seat->name,
			  seat->runtime_dir, strerror(-ret));
		return;
	}
	if (seat_leases_make(seat) < 0)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
		log_error("seat %s: no seat link: %s", seat->name, strerror(errno));
		seat_leases_drop(seat);
		return;
	}
	struct spawn_compositor params = {
		.compositor = daemon->options->compositor,
		.seat = seat->name,
		.runtime_dir = seat->runtime_dir,
		.user = &nobody,
		.link_fd = sv[1],
		.no_clients = true,
		.log_level = daemon->options->log_level,
		.outputs = daemon->outputs,
	};
	pid_t pid = spawn_compositor(&params, error, sizeof(error));
	close(sv[1]);
	if (pid < 0) {
		log_error("seat %s: its monitors cannot say why it does not start: %s", seat->name,
			  error);
		close(sv[0]);
		seat_leases_drop(seat);
		return;
	}
	seat->notice = true;
	log_info("seat %s: compositor %d shows why the seat does not start", seat->name, (int)pid);
	link_open(seat, pid, sv[0], false);
}

void seat_retry_notice(struct seat *seat)
{
	if (!seat->notice || seat->pid <= 0 || seat->state == SEAT_STOPPING ||
	    seat->daemon->config_error[0])
		return;
	struct spawn_user user;
	char error[256];
	if (!seat->has_settings || !seat->settings.user ||
	    spawn_user_lookup(seat->settings.user, &user, error, sizeof(error)) < 0)
		return;
	log_info("seat %s: its settings and user %s can be used now; starting the seat", seat->name,
		 user.name);
	seat_restart(seat);
}

void seat_stop(struct seat *seat, bool doom)
{
	seat->doomed = seat->doomed || doom;
	caps_desk_set_leaving(seat->caps, seat->doomed);
	seat->restart_pending = false;
	revoke_everything(seat);
	if (seat->pid <= 0) {
		wl_event_source_timer_update(seat->timer, 0);
		close_link(seat);
		if (seat->doomed) {
			log_info("seat %s removed", seat->name);
			seat_destroy(seat);
		} else {
			seat->state = SEAT_WAITING;
		}
		return;
	}
	if (seat->state != SEAT_STOPPING) {
		log_info("seat %s: stopping compositor %d", seat->name, (int)seat->pid);
		kill(seat->pid, SIGTERM);
		/* The seat's services go at the same time: nothing of the seat runs on alone. */
		services_stop(seat->services);
		sound_sync_acls(seat->daemon);
		seat->state = SEAT_STOPPING;
		wl_event_source_timer_update(seat->timer, STOP_TIMEOUT_MS);
	}
}

void seat_restart(struct seat *seat)
{
	if (seat->pid <= 0) {
		seat->attempt = 0;
		seat_start(seat);
		return;
	}
	seat_stop(seat, false);
	seat->restart_pending = true;
}

static int handle_timer(void *data)
{
	struct seat *seat = data;
	if (seat->state == SEAT_STOPPING && seat->pid > 0) {
		log_error("seat %s: compositor %d did not exit within %d ms; killing it",
			  seat->name, (int)seat->pid, STOP_TIMEOUT_MS);
		kill(-seat->pid, SIGKILL);
		kill(seat->pid, SIGKILL);
	} else if (seat->state == SEAT_RESTARTING || seat->state == SEAT_FAILED) {
		seat_start(seat);
	}
	return 0;
}

bool seat_handle_exit(struct seat *seat, pid_t pid, int status)
{
	if (seat->pid != pid)
		return false;
	struct daemon *daemon = seat->daemon;
	uint64_t ran = daemon_now_ms() - seat->started_ms;
	if (WIFSIGNALED(status))
		log_info("seat %s: compositor %d killed by signal %d after %llu ms", seat->name,
			 (int)pid, WTERMSIG(status), (unsigned long long)ran);
	else
		log_info("seat %s: compositor %d exited with status %d after %llu ms", seat->name,
			 (int)pid, WEXITSTATUS(status), (unsigned long long)ran);
	/* Whatever the session left behind goes with it: its process group, its cgroup. */
	kill(-pid, SIGKILL);
	services_stop(seat->services);
	sound_sync_acls(daemon);
	kill_cgroups(seat);
	seat->pid = 0;
	close_link(seat);
	revoke_everything(seat);
	bool was_notice = seat->notice;
	seat->notice = false;
	runtime_dir_remove(seat->runtime_dir);
	wl_event_source_timer_update(seat->timer, 0);

	if (seat->doomed) {
		log_info("seat %s removed", seat->name);
		seat_destroy(seat);
	} else if (daemon->stopping) {
		seat->state = SEAT_WAITING;
	} else if (seat->restart_pending) {
		seat->restart_pending = false;
		seat->attempt = 0;
		seat_start(seat);
	} else {
		seat->restarts += !was_notice;
		seat->attempt = backoff_next_attempt(seat->attempt, ran);
		schedule_retry(seat, SEAT_RESTARTING);
	}
	if (daemon->stopping)
		daemon_check_done(daemon);
	return true;
}

/* ---- settings and outputs ---- */

static bool str_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

bool seat_set_settings(struct seat *seat, struct policy_effective_settings *settings)
{
	bool changed = !seat->has_settings;
	bool caps_changed = false;
	if (seat->has_settings) {
		const struct policy_effective_settings *old = &seat->settings;
		changed = str_differs(old->user, settings->user) ||
			  str_differs(old->session, settings->session) ||
			  old->mode != settings->mode ||
			  str_differs(old->keyboard_layout, settings->keyboard_layout) ||
			  str_differs(old->keyboard_variant, settings->keyboard_variant) ||
			  str_differs(old->keyboard_options, settings->keyboard_options);
		caps_changed = !policy_caps_equal(&old->caps, &settings->caps);
		policy_effective_settings_finish(&seat->settings);
	}
	seat->settings = *settings;
	seat->has_settings = true;
	memset(settings, 0, sizeof(*settings));
	/*
	 * Caps are the cgroup's files: they change under a running session, no restart. What
	 * the kernel refuses is logged by caps_desk_apply.
	 */
	char error[256];
	if (caps_changed &&
	    caps_desk_apply(seat->caps, &seat->settings.caps, error, sizeof(error)) > 0)
		log_info("seat %s: its caps changed; written to its cgroup", seat->name);
	return changed;
}

int seat_set_caps(struct seat *seat, struct policy_caps *caps, char *error, size_t error_size)
{
	/* A seat without settings cannot run; it gets its caps with them. */
	if (!seat->has_settings) {
		policy_caps_finish(caps);
		return 0;
	}
	policy_caps_finish(&seat->settings.caps);
	seat->settings.caps = *caps;
	policy_caps_init(caps);
	return caps_desk_apply(seat->caps, &seat->settings.caps, error, error_size);
}

/* ---- devices ---- */

void seat_device_attach(struct seat *seat, struct hw_input *input, const char *reason)
{
	if (input->seat == seat)
		return;
	if (input->seat)
		seat_device_detach(input);
	input->seat = seat;
	wl_list_insert(seat->devices.prev, &input->seat_link);
	log_info("input %s (%s, %s) joins seat %s: %s", input->key, input->devnode,
		 hw_input_kind(input), seat->name, reason ? reason : "");
	send_device(seat, input);
	if (input->sound)
		services_sound_added(seat->services, sound_card_number(input->sysname));
}

void seat_device_detach(struct hw_input *input)
{
	struct seat *seat = input->seat;
	if (!seat)
		return;
	revoke_device(seat, input);
	log_info("input %s (%s) leaves seat %s", input->key, input->devnode, seat->name);
	input->seat = NULL;
	wl_list_remove(&input->seat_link);
	wl_list_init(&input->seat_link);
	/*
	 * A card that is still there may be open in the seat's PipeWire: the ACL going (at the
	 * next sound_sync_acls) would not close that, a restart does. An unplugged one is
	 * closed already, and the seat's sound falls back to its next device at once.
	 */
	if (input->sound && !input->gone)
		services_restart_audio(seat->services);
}

/* ---- claiming ---- */

static void identify_text(const struct seat *seat, char *text, size_t size)
{
	/*
	 * What the admin should know about the config, in small print below (an empty line):
	 * a config's errors while it is not used, else the assignment's conflicts and notes.
	 */
	const struct daemon *daemon = seat->daemon;
	const char *note =
		daemon->config_notes[0] ? daemon->config_notes : daemon->assignment_notes;
	const char *gap = note[0] ? "\n\n" : "";
	if (seat->notice)
		snprintf(text, size,
			 "%.40s cannot start:\n%.200s\n(multiseatctl status; the journal)%s%s",
			 seat->name, seat->user_error, gap, note);
	else if (!seat->claimed && seat->number >= 1 && seat->number <= 24)
		snprintf(text, size, "Press F%d to use this screen\n%s%s%s", seat->number,
			 seat->name, gap, note);
	else if (!seat->claimed)
		snprintf(text, size, "%s\nhas no keyboard (multiseatctl attach)%s%s", seat->name,
			 gap, note);
	else if (seat->daemon->identifying)
		snprintf(text, size, "This screen is %s\n(F%d)%s%s", seat->name, seat->number, gap,
			 note);
	else
		text[0] = '\0';
}

void seat_send_sysrq_setting(struct seat *seat)
{
	struct link_sysrq_setting msg = {.on = seat->daemon->config.sysrq};
	seat_send(seat, LINK_SYSRQ_SETTING, &msg, sizeof(msg));
}

void seat_update_identify(struct seat *seat)
{
	if (!link_up(seat))
		return;
	char text[sizeof(seat->identify_sent)];
	identify_text(seat, text, sizeof(text));
	if (strcmp(text, seat->identify_sent) == 0)
		return;
	struct link_identify msg;
	link_copy_string(msg.text, sizeof(msg.text), text);
	seat_send_fd(seat, LINK_IDENTIFY, &msg, sizeof(msg), -1);
	memcpy(seat->identify_sent, text, sizeof(text));
}

void seat_set_claimed(struct seat *seat, bool claimed)
{
	if (seat->claimed == claimed)
		return;
	seat->claimed = claimed;
	log_info("seat %s: %s", seat->name,
		 claimed ? "claimed (it has a keyboard)"
			 : "unclaimed: showing its identify screen");
	seat_update_identify(seat);
	if (claimed && seat->session_held && link_up(seat)) {
		seat_send_fd(seat, LINK_SESSION_START, NULL, 0, -1);
		seat->session_held = false;
	}
}

/* ---- status ---- */

static struct json_object *string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

struct json_object *seat_to_json(struct seat *seat)
{
	struct json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(seat->name));
	json_object_object_add(o, "number", json_object_new_int(seat->number));
	json_object_object_add(o, "state", json_object_new_string(seat_state_name(seat->state)));
	json_object_object_add(o, "user", string_or_null(seat->settings.user));
	if (seat->user_error[0])
		json_object_object_add(o, "problem", json_object_new_string(seat->user_error));
	json_object_object_add(o, "mode",
			       json_object_new_string(seat->settings.mode == POLICY_MODE_DESKTOP
							      ? "desktop"
							      : "kiosk"));
	json_object_object_add(o, "session",
			       json_object_new_string(seat->settings.session
							      ? seat->settings.session
							      : DEFAULT_SESSION));
	json_object_object_add(o, "pid", seat->pid > 0 ? json_object_new_int(seat->pid) : NULL);
	json_object_object_add(
		o, "uptime",
		seat->pid > 0 ? json_object_new_double(
					(double)(daemon_now_ms() - seat->started_ms) / 1000.0)
			      : NULL);
	json_object_object_add(o, "restarts", json_object_new_int(seat->restarts));
	seat_leases_add_json(seat, o);
	json_object_object_add(o, "claimed", json_object_new_boolean(seat->claimed));
	json_object_object_add(o, "caps",
			       seat->has_settings ? caps_to_json(&seat->settings.caps) : NULL);
	struct policy_caps saved;
	policy_caps_init(&saved);
	if (policy_saved_apply_caps(&seat->daemon->saved, seat->name, &saved) >= 0)
		json_object_object_add(o, "caps_set", caps_to_json(&saved));
	policy_caps_finish(&saved);
	json_object_object_add(o, "usage", caps_desk_usage_json(seat->caps));
	struct json_object *devices = json_object_new_array();
	struct json_object *sound = json_object_new_array();
	struct hw_input *input;
	wl_list_for_each (input, &seat->devices, seat_link)
		json_object_array_add(input->sound ? sound : devices, seat_input_to_json(input));
	json_object_object_add(o, "devices", devices);
	json_object_object_add(o, "sound", sound);
	json_object_object_add(o, "audio", services_to_json(seat->services));
	json_object_object_add(o, "login",
			       seat->settings.mode == POLICY_MODE_DESKTOP
				       ? desk_login_to_json(seat->login)
				       : NULL);
	return o;
}

struct json_object *seat_input_to_json(const struct hw_input *input)
{
	struct json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "key", json_object_new_string(input->key));
	json_object_object_add(o, "devnode", json_object_new_string(input->devnode));
	json_object_object_add(o, "name", json_object_new_string(input->name));
	json_object_object_add(o, "kind", json_object_new_string(hw_input_kind(input)));
	json_object_object_add(o, "seat", string_or_null(input->seat ? input->seat->name : NULL));
	json_object_object_add(o, "reason", string_or_null(input->reason));
	return o;
}
