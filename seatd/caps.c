/* The desks' cgroups: where the subtree is, each desk's caps, cleaning up and usage figures. */
#include "caps.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include <wayland-server-core.h>

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

struct caps {
	struct cgroup_root *root; /* NULL: desks run uncapped (caps = optional) */
	bool refused;		  /* caps are required and cannot be had: no desk starts */
	bool optional;		  /* a desk whose caps did not all take runs with the rest */
	struct wl_list desks;	  /* caps_desk.link */
};

struct caps_desk {
	struct caps *caps;
	struct wl_list link; /* caps.desks */
	char *name;
	struct cgroup_seat *cgroup; /* seat-<name> with its caps; NULL until the desk starts */
	struct policy_caps wanted;  /* the caps last written, `cpuset = auto` as such */
	bool leaving;		    /* going away: it takes no share of the CPUs */
	char auto_cpus[64];	    /* what `cpuset = auto` last wrote; "" when none */
};

static void log_errors(const struct policy_errors *errors, enum log_level level)
{
	for (size_t i = 0; i < errors->count; i++)
		log_message(level, __FILE__, __LINE__, "%s",
			    errors->lines[i] ? errors->lines[i] : "(out of memory)");
}

struct caps *caps_create(const struct policy_config *config)
{
	struct caps *caps = calloc(1, sizeof(*caps));
	if (!caps)
		return NULL;
	wl_list_init(&caps->desks);
	caps->optional = config->caps_optional;
	struct policy_errors errors = {0};
	char *path = delegated_root(&errors);
	const char *root_path = path ? path : config->cgroup_root;
	/* Without systemd nobody else runs the hierarchy: the root's parent is ours too. */
	unsigned flags = CGROUP_ROOT_REQUIRE_V2 | (path ? 0 : CGROUP_ROOT_OWN_PARENT);
	int ret = cgroup_root_create(root_path, flags, &caps->root, &errors);
	bool usable = ret == 0 && caps->root->missing == 0;
	log_errors(&errors, !usable && !config->caps_optional ? LOG_LEVEL_ERROR : LOG_LEVEL_INFO);
	policy_errors_finish(&errors);
	if (usable) {
		log_info("cgroup v2 subtree %s: seats get cpu, memory, pids and io caps",
			 root_path);
	} else if (config->caps_optional) {
		log_info("the seats run %s (caps = optional in %s)",
			 ret == 0 ? "without the controllers named above" : "uncapped",
			 config->path);
	} else {
		log_error("seats are not started without their caps; set caps = optional in "
			  "[daemon] of %s to run them uncapped",
			  config->path);
		caps->refused = true;
	}
	free(path);
	return caps;
}

void caps_destroy(struct caps *caps)
{
	if (!caps)
		return;
	cgroup_root_destroy(caps->root);
	free(caps);
}

bool caps_refused(const struct caps *caps)
{
	return caps->refused;
}

bool caps_enabled(const struct caps *caps)
{
	return caps->root != NULL;
}

struct caps_desk *caps_desk_create(struct caps *caps, const char *name)
{
	struct caps_desk *desk = calloc(1, sizeof(*desk));
	if (!desk || !(desk->name = strdup(name))) {
		free(desk);
		return NULL;
	}
	desk->caps = caps;
	policy_caps_init(&desk->wanted);
	wl_list_insert(caps->desks.prev, &desk->link);
	return desk;
}

void caps_desk_set_leaving(struct caps_desk *desk, bool leaving)
{
	desk->leaving = leaving;
}

/*
 * The caps as the files take them: cpuset = auto becomes this desk's share of the CPUs, cut
 * among the desks that have a cgroup (a desk that never ran, waiting for its monitor, takes
 * none) and are not going away.
 */
static int resolve_caps(struct caps_desk *desk, struct policy_caps *caps, char *cpus, size_t size)
{
	*caps = desk->wanted;
	if (!caps->cpuset || strcmp(caps->cpuset, "auto") != 0)
		return 0;
	unsigned index = 0, count = 0;
	struct caps_desk *other;
	wl_list_for_each (other, &desk->caps->desks, link) {
		if (other->leaving || (other != desk && !other->cgroup))
			continue;
		if (other == desk)
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
 * Notes what `cpuset = auto` gave the desk once its caps went to its cgroup (a write the
 * kernel refused was logged then, and is not retried until the desk's share changes).
 */
static void remember_auto_cpus(struct caps_desk *desk, const struct policy_caps *caps)
{
	bool is_auto = desk->wanted.cpuset && strcmp(desk->wanted.cpuset, "auto") == 0;
	bool on = desk->caps->root->enabled & CGROUP_CONTROLLER_CPUSET;
	snprintf(desk->auto_cpus, sizeof(desk->auto_cpus), "%s",
		 on && is_auto && caps->cpuset ? caps->cpuset : "");
}

/* Logs the cgroup errors once; the first, or `what` and the errno, goes to `error`. */
static void finish_errors(struct policy_errors *errors, int ret, const char *what, char *error,
			  size_t error_size)
{
	log_errors(errors, LOG_LEVEL_ERROR);
	if (ret < 0 && errors->count > 0 && errors->lines[0])
		snprintf(error, error_size, "%s", errors->lines[0]);
	else if (ret < 0)
		snprintf(error, error_size, "%s: %s", what, strerror(-ret));
	policy_errors_finish(errors);
}

/* The desk's caps from now on (a copy); 0 or -ENOMEM. */
static int want(struct caps_desk *desk, const struct policy_caps *caps)
{
	struct policy_caps copy;
	if (policy_caps_copy(&copy, caps) < 0)
		return -ENOMEM;
	policy_caps_finish(&desk->wanted);
	desk->wanted = copy;
	return 0;
}

/* Writes the desk's wanted caps to its cgroup; the cgroup's result. */
static int write_caps(struct caps_desk *desk, struct policy_errors *errors)
{
	struct policy_caps caps;
	char cpus[64];
	resolve_caps(desk, &caps, cpus, sizeof(cpus));
	struct cgroup_limit limits[POLICY_CAP_COUNT];
	caps_limits(&caps, limits);
	int ret;
	if (desk->cgroup) {
		ret = cgroup_seat_apply_limits(desk->cgroup, limits, POLICY_CAP_COUNT, errors);
	} else {
		ret = cgroup_seat_create(desk->caps->root, desk->name, limits, POLICY_CAP_COUNT,
					 COMPOSITOR_MEMORY_MIN, &desk->cgroup, errors);
		/* A cgroup left by an earlier daemon may still hold a session. */
		if (desk->cgroup && desk->cgroup->reused)
			cgroup_kill(cgroup_seat_path(desk->cgroup, CGROUP_SEAT), NULL, NULL);
	}
	if (desk->cgroup)
		remember_auto_cpus(desk, &caps);
	return ret;
}

int caps_desk_prepare(struct caps_desk *desk, const struct policy_caps *caps, char *error,
		      size_t error_size)
{
	if (desk->caps->refused) {
		snprintf(error, error_size, "its caps cannot be applied (see the cgroup errors)");
		return -ENOTSUP;
	}
	if (!desk->caps->root)
		return 0; /* caps = optional and no cgroup v2: uncapped */
	if (want(desk, caps) < 0) {
		snprintf(error, error_size, "out of memory");
		return -ENOMEM;
	}
	struct policy_errors errors = {0};
	int ret = write_caps(desk, &errors);
	finish_errors(&errors, ret, "its cgroup cannot be set up", error, error_size);
	if (desk->auto_cpus[0])
		caps_respread(desk->caps); /* one desk more shares the CPUs */
	if (ret < 0 && desk->caps->optional && desk->cgroup)
		return 0; /* some cap did not take: it runs with the ones that did */
	return desk->cgroup ? (ret < 0 ? ret : 0) : ret;
}

int caps_desk_apply(struct caps_desk *desk, const struct policy_caps *caps, char *error,
		    size_t error_size)
{
	if (!desk->cgroup)
		return 0;
	if (want(desk, caps) < 0) {
		snprintf(error, error_size, "out of memory");
		return -ENOMEM;
	}
	struct policy_errors errors = {0};
	int ret = write_caps(desk, &errors);
	finish_errors(&errors, ret, "its caps cannot be written", error, error_size);
	return ret < 0 ? ret : 1;
}

void caps_respread(struct caps *caps)
{
	struct caps_desk *desk;
	wl_list_for_each (desk, &caps->desks, link) {
		if (desk->leaving || !desk->cgroup || !desk->auto_cpus[0])
			continue;
		struct policy_caps resolved;
		char cpus[64];
		if (resolve_caps(desk, &resolved, cpus, sizeof(cpus)) < 0 ||
		    strcmp(cpus, desk->auto_cpus) == 0)
			continue;
		char was[sizeof(desk->auto_cpus)];
		snprintf(was, sizeof(was), "%s", desk->auto_cpus);
		struct policy_errors errors = {0};
		int ret = write_caps(desk, &errors);
		log_errors(&errors, LOG_LEVEL_ERROR);
		policy_errors_finish(&errors);
		if (ret == 0)
			log_info("seat %s: cpuset = auto now gives it CPUs %s (was %s): the number "
				 "of seats changed",
				 desk->name, cpus, was);
	}
}

void caps_missing_controllers(const struct caps *caps, const struct policy_caps *wanted,
			      char *names, size_t size)
{
	size_t used = 0;
	unsigned seen = 0;
	names[0] = '\0';
	if (!caps->root)
		return;
	const struct cgroup_root *root = caps->root;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		unsigned bit = cgroup_limit_controller(policy_cap_cgroup_file(cap));
		/* cpuset is turned on when the first desk sets it: only then can it be missing. */
		bool lacking = bit == CGROUP_CONTROLLER_CPUSET
				       ? (root->missing & bit) || !(root->available & bit)
				       : !(root->enabled & bit);
		if (!policy_caps_has(wanted, cap) || !lacking || (seen & bit))
			continue;
		seen |= bit;
		int n = snprintf(names + used, size - used, "%s%s", used ? ", " : "",
				 cgroup_controller_name(bit));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

const char *caps_desk_dir(const struct caps_desk *desk, enum cgroup_part part)
{
	return desk && desk->cgroup ? cgroup_seat_path(desk->cgroup, part) : NULL;
}

void caps_desk_kill(struct caps_desk *desk, enum cgroup_part part)
{
	if (!desk || !desk->cgroup)
		return;
	struct policy_errors errors = {0};
	if (cgroup_kill(cgroup_seat_path(desk->cgroup, part), NULL, &errors) < 0)
		log_errors(&errors, LOG_LEVEL_ERROR);
	policy_errors_finish(&errors);
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

int caps_desk_place_session(struct caps_desk *desk, pid_t pid, pid_t compositor)
{
	if (!desk->cgroup)
		return -ENOTSUP;
	/*
	 * Only a child of this desk's compositor: it waits before exec until we answer, so its
	 * pid cannot be reused meanwhile. Anything else is refused, never moved.
	 */
	pid_t parent = pid > 0 ? parent_of(pid) : -EINVAL;
	if (parent < 0 || parent != compositor) {
		log_error(
			"seat %s: the compositor asked to place pid %d in the session cgroup, but "
			"it is not the compositor's child; refused",
			desk->name, (int)pid);
		return -EPERM;
	}
	struct policy_errors errors = {0};
	const char *dir = cgroup_seat_path(desk->cgroup, CGROUP_SESSION);
	int ret = cgroup_move_pid(dir, pid, &errors);
	log_errors(&errors, LOG_LEVEL_ERROR);
	policy_errors_finish(&errors);
	if (ret == 0)
		log_debug("seat %s: session process %d runs in %s", desk->name, (int)pid, dir);
	return ret;
}

void caps_desk_destroy(struct caps_desk *desk)
{
	if (!desk)
		return;
	if (desk->cgroup) {
		caps_desk_kill(desk, CGROUP_SEAT);
		/* The killed may not be gone yet: a cgroup left behind is reused by the next
		 * start. */
		if (cgroup_seat_remove(desk->cgroup, NULL) < 0)
			log_debug("seat %s: its cgroup stays until its last process is gone",
				  desk->name);
		cgroup_seat_destroy(desk->cgroup);
	}
	wl_list_remove(&desk->link);
	policy_caps_finish(&desk->wanted);
	free(desk->name);
	free(desk);
}

static struct json_object *stat_or_null(int64_t value)
{
	if (value == POLICY_MAX)
		return json_object_new_string("max");
	return value >= 0 ? json_object_new_int64(value) : NULL;
}

struct json_object *caps_desk_usage_json(const struct caps_desk *desk)
{
	if (!desk->cgroup)
		return NULL;
	struct cgroup_seat_stats s;
	if (cgroup_seat_read_stats(desk->cgroup, &s) < 0)
		return NULL;
	struct json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "cgroup",
			       json_object_new_string(cgroup_seat_path(desk->cgroup, CGROUP_SEAT)));
	json_object_object_add(o, "cpu_usage_usec", stat_or_null(s.cpu_usage_usec));
	json_object_object_add(o, "cpu_throttled_periods", stat_or_null(s.cpu_nr_throttled));
	json_object_object_add(o, "memory_current", stat_or_null(s.memory_current));
	json_object_object_add(o, "memory_max", stat_or_null(s.memory_max));
	json_object_object_add(o, "oom_kills", stat_or_null(s.memory_oom_kill));
	json_object_object_add(o, "pids_current", stat_or_null(s.pids_current));
	json_object_object_add(o, "pids_max", stat_or_null(s.pids_max));
	return o;
}

struct json_object *caps_to_json(const struct policy_caps *caps)
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
