/* A seat user's session bus, PipeWire and WirePlumber: started, watched and restarted. */
#include "services.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "audio.h"
#include "backoff.h"
#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "seat.h"
#include "spawn.h"

/* How often a service waiting for another's socket looks again. */
#define WAIT_POLL_MS 100
/* After the daemon's view of PipeWire was refused or lost: the next try, not sooner. */
#define MONITOR_RETRY_MS 1000
/* A service still running this long after services_stop is killed. */
#define STOP_TIMEOUT_MS 5000
/* Where the seats' services read their configuration, under the daemon's runtime directory. */
#define CONFIG_DIR "services-config"

enum service_kind {
	SERVICE_BUS,
	SERVICE_PIPEWIRE,
	SERVICE_WIREPLUMBER,
	SERVICE_PULSE, /* PulseAudio clients' server, where pipewire-pulse is installed */
	SERVICE_COUNT,
};

static const char *const programs[SERVICE_COUNT] = {
	[SERVICE_BUS] = "dbus-daemon",
	[SERVICE_PIPEWIRE] = "pipewire",
	[SERVICE_WIREPLUMBER] = "wireplumber",
	[SERVICE_PULSE] = "pipewire-pulse",
};

struct service {
	pid_t pid;
	int attempt;
	int restarts;
	uint64_t started_ms;
	uint64_t next_start_ms; /* not before then (backoff) */
	bool missing;		/* not installed: said once, never tried */
	bool restart_now;	/* stopped on purpose: back without backoff */
	bool stopping;		/* being stopped by services_stop: its exit is expected */
	bool termed;		/* and sent SIGTERM already */
};

struct services {
	struct seat *seat;
	bool running; /* between services_start and services_stop */
	struct service service[SERVICE_COUNT];
	struct wl_event_source *timer;
	char bus_socket[300];
	char pipewire_socket[300];
	char env_bus[340];
	char env_pipewire[300];
	char env_config[300];
	const char *session_env[3];
	/* The daemon's own view of the seat's PipeWire, for status and default sinks. */
	struct audio_monitor *monitor;
	bool monitor_lost;
	uint64_t monitor_next_ms; /* no new connection before then */
	int default_card;	  /* a card that joined: its sink becomes the default; -1 none */
	uint64_t kill_at_ms;	  /* the stopping ones still running then get SIGKILL; 0 none */
};

/* ---- configuration ---- */

struct config_file {
	const char *path;
	const char *text;
};

/*
 * PipeWire 0.3.65's drop-ins (pipewire.conf.d) can add modules but not take one out, so the
 * seats get whole configuration files of their own in XDG_CONFIG_HOME. Left out of the stock
 * sets: libpipewire-module-rt (realtime through RTKit or the portal is refused to a user
 * without a logind session, and realtime threads would not be held by the seat's CPU cap;
 * each try logs warnings), the portal module (no xdg-desktop-portal on a seat's bus) and the
 * X11 bell (no X server). /etc's drop-ins still apply.
 */
static const struct config_file config_files[] = {
	{"pipewire/pipewire.conf",
	 "# Written by multiseatd for every seat's PipeWire (see multiseatd(8)).\n"
	 "context.properties = {\n"
	 "    link.max-buffers = 16\n"
	 "    core.daemon = true\n"
	 "    core.name = pipewire-0\n"
	 "}\n"
	 "context.spa-libs = {\n"
	 "    audio.convert.* = audioconvert/libspa-audioconvert\n"
	 "    api.alsa.*      = alsa/libspa-alsa\n"
	 "    support.*       = support/libspa-support\n"
	 "}\n"
	 "context.modules = [\n"
	 "    { name = libpipewire-module-protocol-native }\n"
	 "    { name = libpipewire-module-profiler }\n"
	 "    { name = libpipewire-module-metadata }\n"
	 "    { name = libpipewire-module-spa-device-factory }\n"
	 "    { name = libpipewire-module-spa-node-factory }\n"
	 "    { name = libpipewire-module-client-node }\n"
	 "    { name = libpipewire-module-client-device }\n"
	 "    { name = libpipewire-module-access }\n"
	 "    { name = libpipewire-module-adapter }\n"
	 "    { name = libpipewire-module-link-factory }\n"
	 "    { name = libpipewire-module-session-manager }\n"
	 "]\n"
	 "# The drivers a graph without a sound card (the dummy sink) runs on.\n"
	 "context.objects = [\n"
	 "    { factory = spa-node-factory\n"
	 "        args = { factory.name = support.node.driver node.name = Dummy-Driver\n"
	 "                 node.group = pipewire.dummy priority.driver = 20000 } }\n"
	 "    { factory = spa-node-factory\n"
	 "        args = { factory.name = support.node.driver node.name = Freewheel-Driver\n"
	 "                 node.group = pipewire.freewheel node.freewheel = true\n"
	 "                 priority.driver = 19000 } }\n"
	 "]\n"},
	{"pipewire/pipewire-pulse.conf",
	 "# Written by multiseatd for every seat's pipewire-pulse: its socket is\n"
	 "# $XDG_RUNTIME_DIR/pulse/native.\n"
	 "context.spa-libs = {\n"
	 "    audio.convert.* = audioconvert/libspa-audioconvert\n"
	 "    support.*       = support/libspa-support\n"
	 "}\n"
	 "context.modules = [\n"
	 "    { name = libpipewire-module-protocol-native }\n"
	 "    { name = libpipewire-module-client-node }\n"
	 "    { name = libpipewire-module-adapter }\n"
	 "    { name = libpipewire-module-metadata }\n"
	 "    { name = libpipewire-module-protocol-pulse }\n"
	 "]\n"
	 "pulse.cmd = [\n"
	 "    { cmd = \"load-module\" args = \"module-always-sink\" flags = [ ] }\n"
	 "]\n"
	 "pulse.properties = {\n"
	 "    server.address = [ \"unix:native\" ]\n"
	 "}\n"},
	/* WirePlumber's own PipeWire context, likewise; and no Bluetooth component: Bluetooth
	   belongs to the host, not to one seat (and its logind watch needs the system bus). */
	{"wireplumber/wireplumber.conf",
	 "# Written by multiseatd for every seat's WirePlumber (see multiseatd(8)).\n"
	 "context.properties = {\n"
	 "    log.level = 2\n"
	 "    wireplumber.script-engine = lua-scripting\n"
	 "}\n"
	 "context.spa-libs = {\n"
	 "    api.alsa.*      = alsa/libspa-alsa\n"
	 "    audio.convert.* = audioconvert/libspa-audioconvert\n"
	 "    support.*       = support/libspa-support\n"
	 "}\n"
	 "context.modules = [\n"
	 "    { name = libpipewire-module-protocol-native }\n"
	 "    { name = libpipewire-module-client-node }\n"
	 "    { name = libpipewire-module-client-device }\n"
	 "    { name = libpipewire-module-adapter }\n"
	 "    { name = libpipewire-module-metadata }\n"
	 "    { name = libpipewire-module-session-manager }\n"
	 "]\n"
	 "wireplumber.components = [\n"
	 "    { name = libwireplumber-module-lua-scripting, type = module }\n"
	 "    { name = main.lua, type = config/lua }\n"
	 "    { name = policy.lua, type = config/lua }\n"
	 "]\n"},
	{"wireplumber/main.lua.d/60-multiseat.lua",
	 "-- Written by multiseatd for every seat's WirePlumber.\n"
	 "-- A seat sees the sound cards its user may open (multiseatd sets their ACLs);\n"
	 "-- nothing is reserved over D-Bus, where other seats' services are not.\n"
	 "alsa_monitor.properties[\"alsa.reserve\"] = false\n"
	 "-- Cameras are not assigned to seats.\n"
	 "v4l2_monitor.enabled = false\n"
	 "libcamera_monitor.enabled = false\n"},
	{"wireplumber/policy.lua.d/95-multiseat.lua",
	 "-- Written by multiseatd: a seat without a sound device gets a silent dummy sink,\n"
	 "-- so its applications can still play.\n"
	 "load_script(\"fallback-sink.lua\")\n"},
};

static int make_dirs(char *path)
{
	for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		int ret = mkdir(path, 0755);
		int err = errno;
		*slash = '/';
		if (ret < 0 && err != EEXIST)
			return -err;
	}
	return 0;
}

int services_write_config(const char *runtime_dir)
{
	for (size_t i = 0; i < sizeof(config_files) / sizeof(config_files[0]); i++) {
		char path[512], tmp[520];
		snprintf(path, sizeof(path), "%s/%s/%s", runtime_dir, CONFIG_DIR,
			 config_files[i].path);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		int ret = make_dirs(path);
		FILE *f = ret < 0 ? NULL : fopen(tmp, "we");
		if (!f) {
			ret = ret < 0 ? ret : -errno;
			log_error("%s cannot be written: %s", path, strerror(-ret));
			return ret;
		}
		bool ok = fputs(config_files[i].text, f) >= 0;
		ok = fclose(f) == 0 && ok;
		if (!ok || chmod(tmp, 0644) < 0 || rename(tmp, path) < 0) {
			ret = -errno;
			log_error("%s cannot be written: %s", path, strerror(errno));
			unlink(tmp);
			return ret;
		}
	}
	return 0;
}

/* ---- starting ---- */

/* The program's path, from the PATH the seat's processes get; false when not installed. */
static bool find_program(const char *name, char *path, size_t size)
{
	static const char *const dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, size, "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

static bool is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int handle_timer(void *data);

struct services *services_create(struct seat *seat)
{
	struct services *services = calloc(1, sizeof(*services));
	if (!services)
		return NULL;
	services->seat = seat;
	services->default_card = -1;
	services->timer = wl_event_loop_add_timer(seat->daemon->loop, handle_timer, services);
	if (!services->timer) {
		free(services);
		return NULL;
	}
	snprintf(services->bus_socket, sizeof(services->bus_socket), "%s/bus", seat->runtime_dir);
	snprintf(services->pipewire_socket, sizeof(services->pipewire_socket), "%s/pipewire-0",
		 seat->runtime_dir);
	snprintf(services->env_bus, sizeof(services->env_bus),
		 "DBUS_SESSION_BUS_ADDRESS=unix:path=%s", services->bus_socket);
	snprintf(services->env_pipewire, sizeof(services->env_pipewire), "PIPEWIRE_RUNTIME_DIR=%s",
		 seat->runtime_dir);
	snprintf(services->env_config, sizeof(services->env_config), "XDG_CONFIG_HOME=%s/%s",
		 seat->daemon->options->runtime_dir, CONFIG_DIR);
	return services;
}

static void kill_all(struct services *services, int sig)
{
	for (int i = 0; i < SERVICE_COUNT; i++) {
		if (services->service[i].pid > 0)
			kill(services->service[i].pid, sig);
	}
}

static void drop_monitor(struct services *services)
{
	audio_monitor_destroy(services->monitor);
	services->monitor = NULL;
	services->monitor_lost = false;
}

void services_destroy(struct services *services)
{
	if (!services)
		return;
	drop_monitor(services);
	/* Their exits are reaped by the daemon's SIGCHLD handler, which no longer knows them. */
	kill_all(services, SIGKILL);
	wl_event_source_remove(services->timer);
	free(services);
}

const char *const *services_session_env(struct services *services)
{
	int n = 0;
	if (!services->service[SERVICE_BUS].missing)
		services->session_env[n++] = services->env_bus;
	services->session_env[n++] = services->env_pipewire;
	services->session_env[n] = NULL;
	return services->session_env;
}

/* Whatever `kind` waits for is there. */
static bool ready_for(const struct services *services, enum service_kind kind)
{
	if (kind != SERVICE_WIREPLUMBER && kind != SERVICE_PULSE)
		return true;
	/* WirePlumber gives up at once without PipeWire, and needs the session bus; neither
	   one still stopping (the seat started again at once) will do. */
	const struct service *bus = &services->service[SERVICE_BUS];
	const struct service *pipewire = &services->service[SERVICE_PIPEWIRE];
	return pipewire->pid > 0 && !pipewire->stopping && is_socket(services->pipewire_socket) &&
	       (kind == SERVICE_PULSE || bus->missing ||
		(bus->pid > 0 && !bus->stopping && is_socket(services->bus_socket)));
}

static void start_one(struct services *services, enum service_kind kind)
{
	struct seat *seat = services->seat;
	struct service *service = &services->service[kind];
	char path[256], address[340];
	if (!find_program(programs[kind], path, sizeof(path))) {
		/* pipewire-pulse is optional: PipeWire's own and ALSA clients play without it. */
		if (!service->missing && kind == SERVICE_PULSE)
			log_info("seat %s: pipewire-pulse is not installed; PulseAudio clients "
				 "have no server",
				 seat->name);
		else if (!service->missing)
			log_error("seat %s: %s is not installed; the seat runs without it%s",
				  seat->name, programs[kind],
				  kind == SERVICE_BUS ? "" : " (no sound)");
		service->missing = true;
		return;
	}
	service->missing = false;
	const char *argv[8] = {path, NULL};
	if (kind == SERVICE_BUS) {
		snprintf(address, sizeof(address), "--address=unix:path=%s", services->bus_socket);
		argv[1] = "--session";
		argv[2] = "--nofork";
		argv[3] = "--nopidfile";
		argv[4] = address;
		argv[5] = NULL;
	}
	const char *env[8];
	int n = 0;
	if (!services->service[SERVICE_BUS].missing)
		env[n++] = services->env_bus;
	env[n++] = services->env_pipewire;
	if (kind != SERVICE_BUS) {
		/* The configuration services_write_config wrote. */
		env[n++] = services->env_config;
		/* Without realtime every data thread's start says so at warning level, under
		   the default topic alone; its errors still show. */
		env[n++] = "PIPEWIRE_DEBUG=default:E";
	}
	/* PipeWire itself logs to the journal besides stderr unless stderr is the journal
	   stream JOURNAL_STREAM names; once is enough, and stderr is tagged with the seat.
	   (WirePlumber writes to the journal instead of stderr when stderr is a journal
	   stream: once too.) */
	if (kind == SERVICE_PIPEWIRE || kind == SERVICE_PULSE)
		env[n++] = "PIPEWIRE_LOG_SYSTEMD=false";
	env[n] = NULL;
	char identifier[128];
	snprintf(identifier, sizeof(identifier), "%s/%s", seat->name, programs[kind]);
	struct spawn_process process = {
		.argv = argv,
		.env = env,
		.user = &seat->user,
		.seat = seat->name,
		.runtime_dir = seat->runtime_dir,
		.link_fd = -1,
		.cgroup = caps_desk_dir(seat->caps, CGROUP_SERVICES),
		.log_identifier = identifier,
		.outputs = seat->daemon->outputs,
		/* At their default level PipeWire and pipewire-pulse print only warnings and
		   errors, WirePlumber notices and worse. */
		.log_priority = kind == SERVICE_BUS	      ? LOG_INFO
				: kind == SERVICE_WIREPLUMBER ? LOG_NOTICE
							      : LOG_WARNING,
	};
	char error[256];
	pid_t pid = spawn_process(&process, error, sizeof(error));
	if (pid < 0) {
		log_error("seat %s: %s cannot be started: %s", seat->name, programs[kind], error);
		service->attempt = backoff_next_attempt(service->attempt, 0);
		service->next_start_ms =
			daemon_now_ms() + (uint64_t)backoff_delay_ms(service->attempt);
		return;
	}
	service->pid = pid;
	service->started_ms = daemon_now_ms();
	log_info("seat %s: %s %d started as %s", seat->name, programs[kind], (int)pid,
		 seat->user.name);
}

static bool monitor_ready(const struct services *services)
{
	return services->monitor && audio_monitor_ready(services->monitor);
}

/* The sink of the card that joined last becomes the default once PipeWire lists it. */
static void pick_default(struct services *services)
{
	if (services->default_card < 0 || !monitor_ready(services))
		return;
	size_t count = 0;
	const struct audio_node *nodes = audio_monitor_nodes(services->monitor, &count);
	for (size_t i = 0; i < count; i++) {
		if (nodes[i].kind != AUDIO_NODE_SINK || nodes[i].card != services->default_card)
			continue;
		int ret = audio_monitor_set_default_sink(services->monitor, nodes[i].name);
		if (ret < 0) {
			log_error("seat %s: %s cannot be made the default sink: %s",
				  services->seat->name, nodes[i].name, strerror(-ret));
			return; /* again at the next change */
		}
		log_info("seat %s: default sink %s (card %d joined the seat)", services->seat->name,
			 nodes[i].name, services->default_card);
		services->default_card = -1;
		return;
	}
}

static void handle_monitor_changed(void *data)
{
	pick_default(data);
}

static void handle_monitor_disconnected(void *data)
{
	struct services *services = data;
	/* Dropped from the timer, not from inside the monitor's own callback. */
	services->monitor_lost = true;
	wl_event_source_timer_update(services->timer, 1);
}

static const struct audio_monitor_events monitor_events = {
	.changed = handle_monitor_changed,
	.disconnected = handle_monitor_disconnected,
};

/* Connects the daemon's view once PipeWire listens; false while it should be tried again. */
static bool watch_pipewire(struct services *services)
{
	uint64_t now = daemon_now_ms();
	if (services->monitor_lost) {
		drop_monitor(services);
		services->monitor_next_ms = now + MONITOR_RETRY_MS;
	}
	if (services->monitor)
		return true;
	if (services->service[SERVICE_PIPEWIRE].pid <= 0 || !is_socket(services->pipewire_socket))
		return services->service[SERVICE_PIPEWIRE].pid <= 0;
	if (now < services->monitor_next_ms)
		return false;
	services->monitor = audio_monitor_create(
		services->seat->daemon->loop, services->pipewire_socket, &monitor_events, services);
	if (!services->monitor) {
		log_debug("seat %s: PipeWire cannot be watched yet: %s", services->seat->name,
			  strerror(errno));
		services->monitor_next_ms = now + MONITOR_RETRY_MS;
	}
	return services->monitor != NULL;
}

/* Starts what is due and ready; the timer comes back for what is not yet. */
static void tick(struct services *services)
{
	uint64_t now = daemon_now_ms();
	uint64_t kill_at = services->kill_at_ms;
	if (kill_at && now >= kill_at) {
		services->kill_at_ms = kill_at = 0;
		for (int i = 0; i < SERVICE_COUNT; i++) {
			struct service *service = &services->service[i];
			if (service->pid <= 0 || !service->stopping)
				continue;
			log_error("seat %s: %s %d did not stop within %d ms; killing it",
				  services->seat->name, programs[i], (int)service->pid,
				  STOP_TIMEOUT_MS);
			kill(service->pid, SIGKILL);
		}
	}
	if (!services->running) {
		drop_monitor(services);
		wl_event_source_timer_update(services->timer, kill_at ? (int)(kill_at - now) : 0);
		return;
	}
	uint64_t next = watch_pipewire(services) ? 0 : now + WAIT_POLL_MS;
	for (int i = 0; i < SERVICE_COUNT; i++) {
		struct service *service = &services->service[i];
		if (service->pid > 0 || service->missing)
			continue;
		uint64_t at = service->next_start_ms;
		if (at <= now && ready_for(services, (enum service_kind)i)) {
			start_one(services, (enum service_kind)i);
			if (service->pid > 0 || service->missing)
				continue;
			at = service->next_start_ms;
		}
		if (at <= now)
			at = now + WAIT_POLL_MS;
		if (next == 0 || at < next)
			next = at;
	}
	if (kill_at && (next == 0 || kill_at < next))
		next = kill_at;
	wl_event_source_timer_update(services->timer, next ? (int)(next - now) : 0);
}

static int handle_timer(void *data)
{
	tick(data);
	return 0;
}

void services_start(struct services *services)
{
	services->running = true;
	services->monitor_next_ms = 0;
	for (int i = 0; i < SERVICE_COUNT; i++) {
		struct service *service = &services->service[i];
		service->attempt = 0;
		service->next_start_ms = 0;
		service->missing = false;
		service->restart_now = false;
	}
	tick(services);
}

bool services_running(const struct services *services)
{
	return services && services->running;
}

bool services_alive(const struct services *services)
{
	for (int i = 0; services && i < SERVICE_COUNT; i++) {
		if (services->service[i].pid > 0)
			return true;
	}
	return false;
}

/*
 * A stop goes in the order they depend on each other: PipeWire's clients first, then
 * PipeWire, then the bus, each once the ones before it are gone, so that none of them
 * logs the loss of another on its way out.
 */
static int stop_stage(enum service_kind kind)
{
	return kind == SERVICE_WIREPLUMBER || kind == SERVICE_PULSE ? 0
	       : kind == SERVICE_PIPEWIRE			    ? 1
								    : 2;
}

static void stop_next(struct services *services)
{
	int stage = 3;
	for (int i = 0; i < SERVICE_COUNT; i++) {
		const struct service *service = &services->service[i];
		if (service->pid > 0 && service->stopping && stop_stage(i) < stage)
			stage = stop_stage(i);
	}
	for (int i = 0; i < SERVICE_COUNT; i++) {
		struct service *service = &services->service[i];
		if (service->pid > 0 && service->stopping && !service->termed &&
		    stop_stage(i) == stage) {
			kill(service->pid, SIGTERM);
			service->termed = true;
		}
	}
}

void services_stop(struct services *services)
{
	bool was_running = services->running;
	services->running = false;
	services->default_card = -1;
	drop_monitor(services);
	for (int i = 0; i < SERVICE_COUNT; i++) {
		struct service *service = &services->service[i];
		if (service->pid > 0 && !service->stopping) {
			service->stopping = true;
			service->termed = false;
		}
	}
	stop_next(services);
	/* Called again (the compositor exited after seat_stop): the first deadline holds. */
	if (services_alive(services) && (was_running || !services->kill_at_ms))
		services->kill_at_ms = daemon_now_ms() + STOP_TIMEOUT_MS;
	tick(services);
}

void services_restart_audio(struct services *services)
{
	if (!services->running)
		return;
	for (int i = SERVICE_PIPEWIRE; i <= SERVICE_PULSE; i++) {
		struct service *service = &services->service[i];
		if (service->pid <= 0)
			continue;
		log_info("seat %s: restarting %s %d: a sound card left the seat",
			 services->seat->name, programs[i], (int)service->pid);
		kill(service->pid, SIGTERM);
		service->restart_now = true;
	}
}

void services_sound_added(struct services *services, int alsa_card)
{
	if (!services->running || alsa_card < 0)
		return;
	services->default_card = alsa_card;
	pick_default(services);
}

/*
 * A dead PipeWire's sockets: gone, so that WirePlumber waits for the next PipeWire's instead
 * of connecting to nobody. unlink never follows a link the seat user may have put there.
 */
static void remove_pipewire_sockets(struct services *services)
{
	char manager[320];
	snprintf(manager, sizeof(manager), "%s-manager", services->pipewire_socket);
	unlink(services->pipewire_socket);
	unlink(manager);
}

bool services_handle_exit(struct services *services, pid_t pid, int status)
{
	int kind = 0;
	while (kind < SERVICE_COUNT && services->service[kind].pid != pid)
		kind++;
	if (kind == SERVICE_COUNT || pid <= 0)
		return false;
	struct service *service = &services->service[kind];
	uint64_t ran = daemon_now_ms() - service->started_ms;
	bool stopped = service->stopping;
	service->pid = 0;
	service->stopping = false;
	if (kind == SERVICE_PIPEWIRE) {
		remove_pipewire_sockets(services);
		drop_monitor(services);
	}
	if (!services->running || stopped) {
		log_debug("seat %s: %s %d stopped", services->seat->name, programs[kind], (int)pid);
		stop_next(services);
		if (!services_alive(services)) {
			services->kill_at_ms = 0;
			/* What the bus started for them (activated services) goes with them. */
			caps_desk_kill(services->seat->caps, CGROUP_SERVICES);
		}
		struct daemon *daemon = services->seat->daemon;
		if (!services->running && daemon->stopping)
			daemon_check_done(daemon);
		else if (services->running)
			tick(services); /* started again meanwhile: its successor can start */
		return true;
	}
	/* Its clients cannot outlive PipeWire; they start again once PipeWire is back. */
	for (int i = SERVICE_WIREPLUMBER; kind == SERVICE_PIPEWIRE && i <= SERVICE_PULSE; i++) {
		struct service *client = &services->service[i];
		if (client->pid > 0) {
			kill(client->pid, SIGTERM);
			client->restart_now = true;
		}
	}
	if (service->restart_now) {
		service->restart_now = false;
		service->next_start_ms = 0;
	} else {
		if (WIFSIGNALED(status))
			log_error("seat %s: %s %d killed by signal %d after %llu ms",
				  services->seat->name, programs[kind], (int)pid, WTERMSIG(status),
				  (unsigned long long)ran);
		else
			log_error("seat %s: %s %d exited with status %d after %llu ms",
				  services->seat->name, programs[kind], (int)pid,
				  WEXITSTATUS(status), (unsigned long long)ran);
		service->restarts++;
		service->attempt = backoff_next_attempt(service->attempt, ran);
		service->next_start_ms =
			daemon_now_ms() + (uint64_t)backoff_delay_ms(service->attempt);
	}
	tick(services);
	return true;
}

/* ---- status ---- */

struct json_object *services_to_json(const struct services *services)
{
	struct json_object *audio = json_object_new_object();
	struct json_object *o = json_object_new_object();
	if (!audio || !o) {
		json_object_put(audio);
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(audio, "services", o);
	for (int i = 0; i < SERVICE_COUNT; i++) {
		const struct service *service = &services->service[i];
		struct json_object *s = json_object_new_object();
		const char *state = service->missing	? "not-installed"
				    : service->pid > 0	? "running"
				    : services->running ? "starting"
							: "stopped";
		json_object_object_add(s, "state", json_object_new_string(state));
		json_object_object_add(s, "pid",
				       service->pid > 0 ? json_object_new_int(service->pid) : NULL);
		json_object_object_add(s, "restarts", json_object_new_int(service->restarts));
		json_object_object_add(o, programs[i], s);
	}
	/* What PipeWire has, as the daemon's own connection to it sees it now. */
	struct json_object *sinks = json_object_new_array();
	struct json_object *sources = json_object_new_array();
	size_t count = 0;
	const struct audio_node *nodes =
		monitor_ready(services) ? audio_monitor_nodes(services->monitor, &count) : NULL;
	for (size_t i = 0; i < count; i++) {
		struct json_object *node = json_object_new_object();
		json_object_object_add(node, "id", json_object_new_int64(nodes[i].id));
		json_object_object_add(node, "name", json_object_new_string(nodes[i].name));
		json_object_object_add(node, "description",
				       json_object_new_string(nodes[i].description));
		json_object_object_add(node, "card",
				       nodes[i].card >= 0 ? json_object_new_int(nodes[i].card)
							  : NULL);
		json_object_array_add(nodes[i].kind == AUDIO_NODE_SINK ? sinks : sources, node);
	}
	bool ready = monitor_ready(services);
	const char *default_sink = ready ? audio_monitor_default_sink(services->monitor) : NULL;
	const char *default_source = ready ? audio_monitor_default_source(services->monitor) : NULL;
	json_object_object_add(audio, "connected", json_object_new_boolean(ready));
	json_object_object_add(audio, "sinks", sinks);
	json_object_object_add(audio, "sources", sources);
	json_object_object_add(audio, "default_sink",
			       default_sink ? json_object_new_string(default_sink) : NULL);
	json_object_object_add(audio, "default_source",
			       default_source ? json_object_new_string(default_source) : NULL);
	return audio;
}
