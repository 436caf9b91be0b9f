/* Per-seat cgroups: where the subtree is, each seat's caps, cleaning up and usage figures. */
#include "caps.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "daemon.h"
#include "desk_login.h"
#include "log.h"
#include "seat.h"
#include "services.h"

/* What the compositor keeps when its seat's session eats all the seat's memory. */
#define COMPOSITOR_MEMORY_MIN (64ll << 20)
#define CGROUP_MOUNT "/sys/fs/cgroup"

/*
 * Under systemd with Delegate=yes the service's own cgroup is ours: the daemon moves into a
 * leaf of it, since a cgroup with processes of its own cannot enable controllers for its
 * children. NULL (and the configured root is used) when not started by systemd.
 */
static char *delegated_root(struct policy_errors *errors)
{
	if (!getenv("INVOCATION_ID"))
		return NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	char text[4096];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char own[2048];
	if (cgroup_parse_proc_self(text, own, sizeof(own)) < 0)
		return NULL;
	char *root = NULL, *leaf = NULL;
	if (asprintf(&root, "%s%s", CGROUP_MOUNT, strcmp(own, "/") == 0 ? "" : own) < 0 ||
	    asprintf(&leaf, "%s/daemon", root) < 0) {
		free(root);
		return NULL;
	}
	if ((mkdir(leaf, 0755) < 0 && errno != EEXIST) || cgroup_move_pid(leaf, 0, errors) < 0) {
		policy_errors_add(errors, leaf, 0, "the daemon cannot move into it: %s",
				  strerror(errno));
		free(leaf);
		free(root);
		return NULL;
	}
	free(leaf);
	return root;
}

int caps_init(struct daemon *daemon)
{
	struct policy_errors errors = {0};
	char *path = delegated_root(&errors);
	const char *root_path = path ? path : daemon->config.cgroup_root;
	/* Without systemd nobody else runs the hierarchy: the root's parent is ours too. */
	unsigned flags = CGROUP_ROOT_REQUIRE_V2 | (path ? 0 : CGROUP_ROOT_OWN_PARENT);
	int ret = cgroup_root_create(root_path, flags, &daemon->cgroups, &errors);
	bool usable = ret == 0 && daemon->cgroups->missing == 0;
	daemon_log_errors(&errors, !usable && !daemon->config.caps_optional ? LOG_LEVEL_ERROR
									    : LOG_LEVEL_INFO);
	policy_errors_finish(&errors);
	if (usable) {
		log_info("cgroup v2 subtree %s: seats get cpu, memory, pids and io caps",
			 root_path);
	} else if (daemon->config.caps_optional) {
		log_info("the seats run %s (caps = optional in %s)",
			 ret == 0 ? "without the controllers named above" : "uncapped",
			 daemon->config.path);
	} else {
		log_error("seats are not started without their caps; set caps = optional in "
			  "[daemon] of %s to run them uncapped",
			  daemon->config.path);
		daemon->caps_refused = true;
	}
	free(path);
	return daemon->caps_refused ? -1 : 0;
}

void caps_finish(struct daemon *daemon)
{
	cgroup_root_destroy(daemon->cgroups);
	daemon->cgroups = NULL;
}

/*
 * The caps as the files take them: cpuset = auto becomes this seat's share of the CPUs, cut
 * among the seats that have a cgroup (a seat that never ran, waiting for its monitor, takes
 * none) and are not going away.
 */
static int resolve_caps(struct seat *seat, struct policy_caps *caps, char *cpus, size_t size)
{
	*caps = seat->settings.caps;
	if (!caps->cpuset || strcmp(caps->cpuset, "auto") != 0)
		return 0;
	unsigned index = 0, count = 0;
	struct seat *other;
	wl_list_for_each (other, &seat->daemon->seats, link) {
		if (other->doomed || (other != seat && !other->cgroup))
			continue;
		if (other == seat)
			index = count;
		count++;
	}
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int ret = cgroup_cpuset_auto(index, count, online > 0 ? (unsigned)online : 1, cpus, size);
	caps->cpuset = ret == 0 ? cpus : NULL;
	return ret;
}

_Static_assert(POLICY_UNSET == CGROUP_UNSET && POLICY_MAX == CGROUP_MAX,
	       "a cap's number goes to its cgroup file as it is");

/* The caps as the cgroup files they are, in enum policy_cap order (strings borrowed). */
static void caps_limits(const struct policy_caps *caps, struct cgroup_limit *limits)
{
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		limits[cap] = (struct cgroup_limit){
			.file = policy_cap_cgroup_file(cap),
			.number = policy_caps_number(caps, cap),
			.cpus = cap == POLICY_CAP_CPUSET ? caps->cpuset : NULL,
		};
	}
}

/*
 * Notes what `cpuset = auto` gave the seat once its caps went to its cgroup (a write the
 * kernel refused was logged then, and is not retried until the seat's share changes).
 */
static void remember_auto_cpus(struct seat *seat, const struct policy_caps *caps)
{
	bool is_auto =
		seat->settings.caps.cpuset && strcmp(seat->settings.caps.cpuset, "auto") == 0;
	bool on = seat->daemon->cgroups->enabled & CGROUP_CONTROLLER_CPUSET;
	snprintf(seat->auto_cpus, sizeof(seat->auto_cpus), "%s",
		 on && is_auto && caps->cpuset ? caps->cpuset : "");
}

/* Logs the cgroup errors once; the first, or `what` and the errno, goes to `error`. */
static void finish_errors(struct policy_errors *errors, int ret, const char *what, char *error,
			  size_t error_size)
{
	daemon_log_errors(errors, LOG_LEVEL_ERROR);
	if (ret < 0 && errors->count > 0 && errors->lines[0])
		snprintf(error, error_size, "%s", errors->lines[0]);
	else if (ret < 0)
		snprintf(error, error_size, "%s: %s", what, strerror(-ret));
	policy_errors_finish(errors);
}

int caps_seat_prepare(struct seat *seat, char *error, size_t error_size)
{
	struct daemon *daemon = seat->daemon;
	if (daemon->caps_refused) {
		snprintf(error, error_size, "its caps cannot be applied (see the cgroup errors)");
		return -ENOTSUP;
	}
	if (!daemon->cgroups)
		return 0; /* caps = optional and no cgroup v2: uncapped */
	struct policy_caps caps;
	char cpus[64];
	resolve_caps(seat, &caps, cpus, sizeof(cpus));
	struct cgroup_limit limits[POLICY_CAP_COUNT];
	caps_limits(&caps, limits);
	struct policy_errors errors = {0};
	int ret;
	if (seat->cgroup) {
		ret = cgroup_seat_apply_limits(seat->cgroup, limits, POLICY_CAP_COUNT, &errors);
	} else {
		ret = cgroup_seat_create(daemon->cgroups, seat->name, limits, POLICY_CAP_COUNT,
					 COMPOSITOR_MEMORY_MIN, &seat->cgroup, &errors);
		/* A cgroup left by an earlier daemon may still hold a session. */
		if (seat->cgroup && seat->cgroup->reused)
			cgroup_kill(cgroup_seat_path(seat->cgroup, CGROUP_SEAT), NULL, NULL);
	}
	remember_auto_cpus(seat, &caps);
	finish_errors(&errors, ret, "its cgroup cannot be set up", error, error_size);
	if (seat->auto_cpus[0])
		caps_respread(daemon); /* one seat more shares the CPUs */
	if (ret < 0 && daemon->config.caps_optional && seat->cgroup)
		return 0; /* some cap did not take: it runs with the ones that did */
	return seat->cgroup ? (ret < 0 ? ret : 0) : ret;
}

int caps_seat_apply(struct seat *seat, char *error, size_t error_size)
{
	if (!seat->cgroup || !seat->has_settings)
		return 0;
	struct policy_caps caps;
	char cpus[64];
	resolve_caps(seat, &caps, cpus, sizeof(cpus));
	struct cgroup_limit limits[POLICY_CAP_COUNT];
	caps_limits(&caps, limits);
	struct policy_errors errors = {0};
	int ret = cgroup_seat_apply_limits(seat->cgroup, limits, POLICY_CAP_COUNT, &errors);
	remember_auto_cpus(seat, &caps);
	finish_errors(&errors, ret, "its caps cannot be written", error, error_size);
	return ret < 0 ? ret : 1;
}

int caps_seat_set(struct seat *seat, struct policy_caps *caps, char *error, size_t error_size)
{
	/* A seat without settings cannot run; it gets its caps with them. */
	if (seat->has_settings) {
		policy_caps_finish(&seat->settings.caps);
		seat->settings.caps = *caps;
	} else {
		policy_caps_finish(caps);
	}
	policy_caps_init(caps);
	return caps_seat_apply(seat, error, error_size);
}

void caps_respread(struct daemon *daemon)
{
	struct seat *seat;
	wl_list_for_each (seat, &daemon->seats, link) {
		if (seat->doomed || !seat->cgroup || !seat->has_settings || !seat->auto_cpus[0])
			continue;
		struct policy_caps caps;
		char cpus[64];
		if (resolve_caps(seat, &caps, cpus, sizeof(cpus)) < 0 ||
		    strcmp(cpus, seat->auto_cpus) == 0)
			continue;
		char was[sizeof(seat->auto_cpus)], error[256];
		snprintf(was, sizeof(was), "%s", seat->auto_cpus);
		if (caps_seat_apply(seat, error, sizeof(error)) > 0)
			log_info("seat %s: cpuset = auto now gives it CPUs %s (was %s): the number "
				 "of seats changed",
				 seat->name, cpus, was);
	}
}

void caps_missing_controllers(const struct daemon *daemon, const struct policy_caps *caps,
			      char *names, size_t size)
{
	size_t used = 0;
	unsigned seen = 0;
	names[0] = '\0';
	if (!daemon->cgroups)
		return;
	const struct cgroup_root *root = daemon->cgroups;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		unsigned bit = cgroup_limit_controller(policy_cap_cgroup_file(cap));
		/* cpuset is turned on when the first seat sets it: only then can it be missing. */
		bool lacking = bit == CGROUP_CONTROLLER_CPUSET
				       ? (root->missing & bit) || !(root->available & bit)
				       : !(root->enabled & bit);
		if (!policy_caps_has(caps, cap) || !lacking || (seen & bit))
			continue;
		seen |= bit;
		int n = snprintf(names + used, size - used, "%s%s", used ? ", " : "",
				 cgroup_controller_name(bit));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

const char *caps_seat_compositor_dir(const struct seat *seat)
{
	return seat->cgroup ? cgroup_seat_path(seat->cgroup, CGROUP_COMPOSITOR) : NULL;
}

const char *caps_seat_session_dir(const struct seat *seat)
{
	return seat->cgroup ? cgroup_seat_path(seat->cgroup, CGROUP_SESSION) : NULL;
}

/* Kills what runs in one of the seat's cgroups (and below it). */
static void kill_in(struct seat *seat, enum cgroup_part part)
{
	if (!seat->cgroup)
		return;
	struct policy_errors errors = {0};
	if (cgroup_kill(cgroup_seat_path(seat->cgroup, part), NULL, &errors) < 0)
		daemon_log_errors(&errors, LOG_LEVEL_ERROR);
	policy_errors_finish(&errors);
}

void caps_seat_kill_session(struct seat *seat)
{
	kill_in(seat, CGROUP_SESSION);
}

const char *caps_seat_login_dir(const struct seat *seat)
{
	return seat->cgroup ? cgroup_seat_path(seat->cgroup, CGROUP_LOGIN) : NULL;
}

void caps_seat_kill_login(struct seat *seat)
{
	kill_in(seat, CGROUP_LOGIN);
}

const char *caps_seat_services_dir(const struct seat *seat)
{
	return seat->cgroup ? cgroup_seat_path(seat->cgroup, CGROUP_SERVICES) : NULL;
}

/* The parent of `pid`, from /proc; a negative errno when it cannot be read. */
static pid_t parent_of(pid_t pid)
{
	char path[64], text[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	pid_t ppid;
	return cgroup_parse_proc_stat_ppid(text, &ppid) < 0 ? -EINVAL : ppid;
}

int caps_seat_place_session(struct seat *seat, pid_t pid)
{
	if (!seat->cgroup)
		return -ENOTSUP;
	/*
	 * Only a child of this seat's compositor: it waits before exec until we answer, so its
	 * pid cannot be reused meanwhile. Anything else is refused, never moved.
	 */
	pid_t parent = pid > 0 ? parent_of(pid) : -EINVAL;
	if (parent < 0 || parent != seat->pid) {
		log_error(
			"seat %s: the compositor asked to place pid %d in the session cgroup, but "
			"it is not the compositor's child; refused",
			seat->name, (int)pid);
		return -EPERM;
	}
	struct policy_errors errors = {0};
	const char *dir = cgroup_seat_path(seat->cgroup, CGROUP_SESSION);
	int ret = cgroup_move_pid(dir, pid, &errors);
	daemon_log_errors(&errors, LOG_LEVEL_ERROR);
	policy_errors_finish(&errors);
	if (ret == 0)
		log_debug("seat %s: session process %d runs in %s", seat->name, (int)pid, dir);
	return ret;
}

void caps_seat_kill_services(struct seat *seat)
{
	kill_in(seat, CGROUP_SERVICES);
}

void caps_seat_kill(struct seat *seat)
{
	bool login = desk_login_busy(seat->login), services = services_alive(seat->services);
	if (!login && !services) {
		kill_in(seat, CGROUP_SEAT);
		return;
	}
	/* A login's worker still has to close its PAM session and report the end; it kills
	   what is left in login/ itself (desk_login's finish). Services being stopped in order
	   are killed after a timeout, and what they leave when the last is gone. */
	kill_in(seat, CGROUP_COMPOSITOR);
	kill_in(seat, CGROUP_SESSION);
	if (!login)
		kill_in(seat, CGROUP_LOGIN);
	if (!services)
		kill_in(seat, CGROUP_SERVICES);
}

void caps_seat_release(struct seat *seat)
{
	if (!seat->cgroup)
		return;
	kill_in(seat, CGROUP_SEAT);
	/* The killed may not be gone yet: a cgroup left behind is reused by the next start. */
	if (cgroup_seat_remove(seat->cgroup, NULL) < 0)
		log_debug("seat %s: its cgroup stays until its last process is gone", seat->name);
	cgroup_seat_destroy(seat->cgroup);
	seat->cgroup = NULL;
}

static struct json_object *stat_or_null(int64_t value)
{
	if (value == POLICY_MAX)
		return json_object_new_string("max");
	return value >= 0 ? json_object_new_int64(value) : NULL;
}

struct json_object *caps_seat_to_json(const struct seat *seat)
{
	if (!seat->cgroup)
		return NULL;
	struct cgroup_seat_stats s;
	if (cgroup_seat_read_stats(seat->cgroup, &s) < 0)
		return NULL;
	struct json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "cgroup",
			       json_object_new_string(cgroup_seat_path(seat->cgroup, CGROUP_SEAT)));
	json_object_object_add(o, "cpu_usage_usec", stat_or_null(s.cpu_usage_usec));
	json_object_object_add(o, "cpu_throttled_periods", stat_or_null(s.cpu_nr_throttled));
	json_object_object_add(o, "memory_current", stat_or_null(s.memory_current));
	json_object_object_add(o, "memory_max", stat_or_null(s.memory_max));
	json_object_object_add(o, "oom_kills", stat_or_null(s.memory_oom_kill));
	json_object_object_add(o, "pids_current", stat_or_null(s.pids_current));
	json_object_object_add(o, "pids_max", stat_or_null(s.pids_max));
	return o;
}

/* The caps that are set, as multiseat.conf writes them; NULL when out of memory. */
static struct json_object *caps_json(const struct policy_caps *caps)
{
	struct json_object *o = json_object_new_object();
	for (int cap = 0; o && cap < POLICY_CAP_COUNT; cap++) {
		char buf[POLICY_CAP_TEXT_MAX];
		const char *text = policy_caps_format(caps, cap, buf, sizeof(buf));
		if (text)
			json_object_object_add(o, policy_cap_name(cap),
					       json_object_new_string(text));
	}
	return o;
}

void caps_seat_add_json(const struct seat *seat, struct json_object *object)
{
	json_object_object_add(object, "caps",
			       seat->has_settings ? caps_json(&seat->settings.caps) : NULL);
	struct policy_caps saved;
	policy_caps_init(&saved);
	if (policy_saved_apply_caps(&seat->daemon->saved, seat->name, &saved) >= 0)
		json_object_object_add(object, "caps_set", caps_json(&saved));
	policy_caps_finish(&saved);
}
