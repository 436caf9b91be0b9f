/* Policy library: multiseat.conf, its values, and the rules that give outputs and devices seats. */
#ifndef MULTISEAT_POLICY_H
#define MULTISEAT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Every problem found in a file, each "FILE:LINE: what is wrong" (NULL when there was no
 * memory for the words; `dropped` counts those there was no memory to record at all). */
struct policy_errors {
	char **lines;
	size_t count;
	size_t dropped;
};

void policy_errors_finish(struct policy_errors *errors);
/*
 * A short, printable copy of `length` bytes of text quoted in a message: what is not
 * printable ASCII becomes '?', and "..." ends it when it did not fit in `size` (at least 5).
 */
const char *policy_excerpt(const char *text, size_t length, char *buffer, size_t size);
/* Adds one message (printf-style), FILE:LINE: first (just FILE: when line is 0); errors NULL:
   nothing (a caller that wants only the outcome). */
void policy_errors_add(struct policy_errors *errors, const char *file, int line, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

enum policy_seat_mode {
	POLICY_MODE_KIOSK,
	POLICY_MODE_DESKTOP,
};

/* How a `devices =` entry picks devices. */
enum policy_match {
	POLICY_MATCH_PATH,     /* path:ID_PATH, or a bare ID_PATH: that device */
	POLICY_MATCH_HUB,      /* hub:ID_PATH: every device below that USB hub */
	POLICY_MATCH_PROPERTY, /* udev:NAME=VALUE: devices with that udev property */
};

struct policy_rule {
	enum policy_match match;
	char *key;   /* the ID_PATH, or the property name */
	char *value; /* POLICY_MATCH_PROPERTY: the property value */
	int line;
};

/*
 * An `outputs =` entry: a card's ID_PATH (all its connectors) or "<card ID_PATH>-<connector>",
 * the connector named by its type and index on that card ("Virtual-2"). The kernel's name of
 * this boot is taken too where it names no connector of the card the new way (see
 * multiseat.conf(5)).
 */
struct policy_output {
	char *key;
	int line;
};

#define POLICY_UNSET (-1)
#define POLICY_MAX INT64_MAX /* "max" */

/* cgroup v2 limits; POLICY_UNSET where the file does not say. */
struct policy_caps {
	int64_t cpu_weight;	 /* 1..10000 */
	int64_t cpu_max_percent; /* of one CPU; POLICY_MAX for no limit */
	int64_t memory_max;	 /* bytes */
	int64_t memory_high;	 /* bytes */
	int64_t memory_swap_max; /* bytes */
	int64_t pids_max;	 /* tasks */
	int64_t io_weight;	 /* 1..10000 */
	char *cpuset;		 /* "auto" or a CPU list such as "0-3,6"; NULL when unset */
};

/* ---- The caps by name (caps.c): the keys multiseat.conf and `multiseatctl set` share ---- */

enum policy_cap {
	POLICY_CAP_CPU_WEIGHT,
	POLICY_CAP_CPU_MAX,
	POLICY_CAP_MEMORY_MAX,
	POLICY_CAP_MEMORY_HIGH,
	POLICY_CAP_MEMORY_SWAP_MAX,
	POLICY_CAP_PIDS_MAX,
	POLICY_CAP_IO_WEIGHT,
	POLICY_CAP_CPUSET,
	POLICY_CAP_COUNT
};
/* For messages that list the keys: the names in policy/caps.c's table, in order (a unit test
 * holds the two together, and the man pages' lists to them). */
#define POLICY_CAP_NAMES                                                                           \
	"cpu.weight, cpu.max, memory.max, memory.high, memory.swap.max, pids.max, io.weight, "     \
	"cpuset"

/* Every cap unset. */
void policy_caps_init(struct policy_caps *caps);
/* Frees the cpuset; the caps are unset afterwards. */
void policy_caps_finish(struct policy_caps *caps);
/* A copy to finish. 0, or -ENOMEM (then `copy` needs no finish). */
int policy_caps_copy(struct policy_caps *copy, const struct policy_caps *caps);
/* Every cap `over` sets replaces the one of `caps`. 0, or -ENOMEM with `caps` as it was. */
int policy_caps_merge(struct policy_caps *caps, const struct policy_caps *over);
bool policy_caps_equal(const struct policy_caps *a, const struct policy_caps *b);

/* "memory.max" for POLICY_CAP_MEMORY_MAX; NULL for no such cap. */
const char *policy_cap_name(enum policy_cap cap);
/* The cgroup v2 file the cap is ("cpu.max", "cpuset.cpus"); NULL for no such cap. */
const char *policy_cap_cgroup_file(enum policy_cap cap);
/* The value of a cap that is one number (POLICY_UNSET when unset, or for cpuset: a list). */
int64_t policy_caps_number(const struct policy_caps *caps, enum policy_cap cap);
/* The cap called `name`, or -1. */
int policy_cap_find(const char *name);
bool policy_caps_has(const struct policy_caps *caps, enum policy_cap cap);
void policy_caps_unset(struct policy_caps *caps, enum policy_cap cap);
/*
 * Sets one cap from its text as multiseat.conf takes it (the parsers above). 0, -EINVAL
 * with what was expected in `why` (the cap is as it was), or -ENOMEM.
 */
int policy_caps_parse(struct policy_caps *caps, enum policy_cap cap, const char *text,
		      const char **why);
/*
 * A set cap as text policy_caps_parse takes back: "256M" (the largest exact K/M/G/T),
 * "50%", "max", "200", written into `buf` (POLICY_CAP_TEXT_MAX bytes hold any), or the
 * cpuset itself (a list has no length limit). NULL when the cap is unset, or `size` is too
 * small.
 */
#define POLICY_CAP_TEXT_MAX 32
const char *policy_caps_format(const struct policy_caps *caps, enum policy_cap cap, char *buf,
			       size_t size);
/*
 * The KEY=VALUE arguments of `multiseatctl set`, all checked before any is used: KEY one of
 * the caps, at most once; VALUE what multiseat.conf takes for it, or "default" (drop what
 * `set` saved, so that the configuration's value applies again). On success `caps` holds
 * the values given (finish it), bit 1 << cap of *set is on for each of them and of *reset
 * for each "default". -EINVAL with one line in `error` naming the pair and what was
 * expected (then `caps` needs no finish), or -ENOMEM.
 */
int policy_caps_parse_pairs(const char *const *pairs, size_t count, struct policy_caps *caps,
			    unsigned *set, unsigned *reset, char *error, size_t error_size);

/* What [seat-defaults] and [seat.NAME] may set; NULL / POLICY_UNSET / -1 where unset. */
struct policy_seat_settings {
	char *user;    /* may hold %n (seat number) and %s (seat name) */
	int user_line; /* of its `user =` line; 0 when set elsewhere */
	char *session;
	int mode; /* enum policy_seat_mode, or -1 */
	char *keyboard_layout, *keyboard_variant, *keyboard_options;
	struct policy_caps caps;
};

struct policy_seat {
	char *name;
	int line; /* of its [seat.NAME] header */
	struct policy_output *outputs;
	size_t output_count;
	struct policy_rule *devices;
	size_t device_count;
	struct policy_seat_settings settings;
};

struct policy_config {
	char *path;
	bool autoseat;
	char *state_dir;
	char *cgroup_root;
	enum log_level log_level;
	bool caps_optional;	    /* seats may run uncapped when cgroup controllers are missing */
	bool allow_multiple_logins; /* one user at several desktop desks at once */
	bool user_session;	    /* a login may run ~/.config/multiseat/session instead */
	int login_timeout_s;	    /* PAM's time to check a login and start its session */
	int vt;			    /* the console the daemon owns while it runs; 0: none */
	bool sysrq; /* Alt+SysRq+<key> on held keyboards does what kernel.sysrq allows */
	struct policy_seat_settings defaults;
	struct policy_seat *seats; /* in file order */
	size_t seat_count;
};

/* [daemon] login-timeout: the default, and the range a file may set. */
#define POLICY_LOGIN_TIMEOUT_DEFAULT 60
#define POLICY_LOGIN_TIMEOUT_MAX 3600
/* [daemon] vt: tty1, where a display manager runs; the kernel has VTs 1 to 63. */
#define POLICY_VT_DEFAULT 1
#define POLICY_VT_MAX 63

/* The values used when the file does not set them (also: no file at all). */
int policy_config_init_defaults(struct policy_config *config, const char *path);

/*
 * Reads `path`. Returns 0, or -EINVAL with every problem in `errors` (then `config` holds
 * nothing and needs no finish), or another negative errno when the file cannot be read (also
 * reported in `errors`).
 */
int policy_config_load(struct policy_config *config, const char *path,
		       struct policy_errors *errors);
void policy_config_finish(struct policy_config *config);

const struct policy_seat *policy_config_find_seat(const struct policy_config *config,
						  const char *name);

/* Value parsers, shared with `multiseatctl set`. 0, or -EINVAL with a reason in `why`. */
int policy_parse_bool(const char *text, bool *value, const char **why);
/* A size with an optional K/M/G/T suffix (powers of 1024), or "max". */
int policy_parse_bytes(const char *text, int64_t *value, const char **why);
/* A whole number in [min, max], or "max" when allow_max. */
int policy_parse_integer(const char *text, int64_t min, int64_t max, bool allow_max, int64_t *value,
			 const char **why);
/*
 * cpu.max: "N%" of one CPU, "N% of machine" (of all `cpus` together: 25% of a 8-CPU machine
 * is 200% of one CPU), or "max". The value is always the share of one CPU, 1..100000.
 */
int policy_parse_cpu_share(const char *text, unsigned cpus, int64_t *value, const char **why);
/* policy_parse_cpu_share with the CPUs online on this host. */
int policy_parse_cpu_percent(const char *text, int64_t *value, const char **why);
/* "auto", or a CPU list: numbers and ranges separated by commas ("0-3,6"). */
int policy_parse_cpuset(const char *text, const char **why);
/* Seat names: 1..32 of a-z, 0-9, '-' and '_', starting with a letter or digit. */
bool policy_seat_name_valid(const char *name);

/* ---- Assignment rules (rules.c): which seat gets which output and device ---- */

/* What a device is, as the daemon classified it; the rules do not look at it. */
enum policy_device_kind {
	POLICY_DEVICE_KEYBOARD,
	POLICY_DEVICE_POINTER,
	POLICY_DEVICE_TOUCH,
	POLICY_DEVICE_TABLET,
	POLICY_DEVICE_SOUND,
	POLICY_DEVICE_OTHER,
};

/* A connector present on a card; its key is "<card>-<name>". */
struct policy_connector {
	const char *card; /* the card's ID_PATH */
	/* Its type and index among that card's connectors of the type (gpu_connector_name). */
	const char *name; /* e.g. "HDMI-A-1" */
	/*
	 * The kernel's name this boot, whose number counts across cards ("HDMI-A-3"); older
	 * versions keyed outputs by it. NULL: the same as name.
	 */
	const char *kernel_name;
	bool connected;
};

/* An input or sound device present. */
struct policy_device {
	const char *key; /* its ID_PATH */
	enum policy_device_kind kind;
	/* Its USB device's ID_PATH (NULL when not on USB): saved state may name it, for a
	 * keyboard on a root port claims with its USB device (and that device's other parts). */
	const char *usb_device;
	const char *const *hubs; /* ID_PATHs of the USB hubs above it, nearest first */
	size_t hub_count;
	const char *const *properties; /* its udev properties, "NAME=VALUE" */
	size_t property_count;
};

/* What the daemon sees now. Every string is borrowed. */
struct policy_hardware {
	const struct policy_connector *outputs;
	size_t output_count;
	const struct policy_device *devices;
	size_t device_count;
};

struct policy_state_entry {
	const char *key;
	union {
		const char *seat;  /* a seat name, in every table but POLICY_SAVED_CAPS */
		const char *value; /* POLICY_SAVED_CAPS: the cap's value, such as "2G" */
	};
};

/* The saved assignments (read and written by the daemon). Every string is borrowed. */
struct policy_state {
	/* A device's or a hub's ID_PATH -> seat name; a hub stands for every device below it. */
	const struct policy_state_entry *devices;
	size_t device_count;
	/* An output key -> the name of the autoseat it had, so names survive restarts. */
	const struct policy_state_entry *outputs;
	size_t output_count;
	/*
	 * `multiseatctl attach` (a seat) and `detach` (seat NULL): a device's, USB device's or
	 * hub's ID_PATH -> where it goes whatever the config and the saved claims say.
	 */
	const struct policy_state_entry *overrides;
	size_t override_count;
};

enum policy_reason {
	POLICY_REASON_NONE,	/* unassigned: nothing matches */
	POLICY_REASON_CONFIG,	/* a [seat.NAME] rule or outputs entry */
	POLICY_REASON_STATE,	/* the saved state */
	POLICY_REASON_CONFLICT, /* rules of two or more seats match: unassigned */
	POLICY_REASON_AUTOSEAT, /* outputs only: a connected output no [seat.NAME] names */
	POLICY_REASON_OVERRIDE, /* devices only: multiseatctl attach (a seat) or detach (none) */
};

/* A seat's claim on an output or device: the first of its entries that matches. */
struct policy_claim {
	int seat;			    /* index in policy_assignment.seats */
	const struct policy_rule *rule;	    /* devices */
	const struct policy_output *output; /* outputs */
};

/*
 * Where one output or device went, and why. An output a [seat.NAME] names has that seat here
 * even while it is disconnected; the seat lists only its connected outputs.
 */
struct policy_verdict {
	int seat; /* index in policy_assignment.seats, or -1 */
	enum policy_reason reason;
	/* CONFIG: claims[0]; CONFLICT: the first two of the claim_count seats that match. */
	struct policy_claim claims[2];
	size_t claim_count;
	/*
	 * STATE, OVERRIDE: the key whose entry decided (the device's own, or one of its hubs);
	 * AUTOSEAT: the output's key when the name came from the saved state, else NULL.
	 * Borrowed from the hardware or from output_keys.
	 */
	const char *state_key;
};

enum policy_seat_status {
	POLICY_SEAT_READY,
	/* A configured seat none of whose outputs is connected: "waiting for output". */
	POLICY_SEAT_WAITING_FOR_OUTPUT,
};

struct policy_assigned_seat {
	char *name;
	/* Configured seats: in file order, the lowest that no saved autoseat name holds; an
	 * autoseat seat-<n>: n. */
	int number;
	const struct policy_seat *config; /* NULL for an autoseat */
	enum policy_seat_status status;
	size_t *outputs; /* indices in the hardware's outputs, connected ones, by key */
	size_t output_count;
	size_t *devices; /* indices in the hardware's devices, ascending */
	size_t device_count;
};

/*
 * The outcome of the rules. It points into the config and the hardware (keep both while
 * it is used); the state may go once it is made.
 */
struct policy_assignment {
	/* Configured seats in file order, then autoseats by number. */
	struct policy_assigned_seat *seats;
	size_t seat_count;
	struct policy_verdict *outputs; /* one per hardware output */
	char **output_keys;		/* one per hardware output: "<card>-<connector>" */
	size_t output_count;
	struct policy_verdict *devices; /* one per hardware device */
	size_t device_count;
	/* Outputs and devices claimed by more than one seat, "FILE:LINE: ...". */
	struct policy_errors errors;
	/*
	 * For the admin, not errors: `outputs =` entries that matched by the kernel's name of
	 * this boot (with the name to write instead), or name no connector of a present card.
	 */
	struct policy_errors notes;
	/* Borrowed, for the explanations. */
	const struct policy_config *config;
	struct policy_hardware hardware;
};

/*
 * Decides every seat, output and device; `state` may be NULL. Returns 0 (conflicts are in
 * assignment->errors, not failures), -EINVAL when a string the hardware or state needs is
 * NULL, or -ENOMEM. On failure the assignment holds nothing and needs no finish.
 */
int policy_assignment_init(struct policy_assignment *assignment, const struct policy_config *config,
			   const struct policy_hardware *hardware,
			   const struct policy_state *state);
void policy_assignment_finish(struct policy_assignment *assignment);

/* The index of the seat called `name`, or -1. */
int policy_assignment_find_seat(const struct policy_assignment *assignment, const char *name);

/*
 * One line for people, e.g. "KEY: seat2 by FILE:14 (hub:ID_PATH)"; the caller frees it.
 * NULL with errno EINVAL (no such index) or ENOMEM.
 */
char *policy_assignment_explain_device(const struct policy_assignment *assignment, size_t index);
char *policy_assignment_explain_output(const struct policy_assignment *assignment, size_t index);

/* A seat's settings with every default applied. */
struct policy_effective_settings {
	char *user;    /* %n and %s expanded; NULL: none is set, the seat must not start */
	char *session; /* NULL: the daemon's built-in terminal */
	enum policy_seat_mode mode;
	char *keyboard_layout;			   /* never NULL */
	char *keyboard_variant, *keyboard_options; /* NULL when unset */
	struct policy_caps caps;		   /* POLICY_UNSET where nothing sets a cap */
};

struct policy_saved;

/*
 * Built-in defaults <- [seat-defaults] <- [seat.NAME] (`seat`; NULL for an autoseat) <- the
 * caps `multiseatctl set` saved for `name` (`saved` may be NULL), with the seat's `name` and
 * `number` put into the user name. Returns 0; -EINVAL, reported in `errors` (may be NULL),
 * when the user name comes out as root or not a valid user name; or -ENOMEM. On failure
 * `settings` holds nothing and needs no finish.
 */
int policy_effective_settings_init(struct policy_effective_settings *settings,
				   const struct policy_config *config,
				   const struct policy_seat *seat, const struct policy_saved *saved,
				   const char *name, int number, struct policy_errors *errors);
void policy_effective_settings_finish(struct policy_effective_settings *settings);
/*
 * The caps of policy_effective_settings_init alone: [seat-defaults] <- [seat.NAME] (`seat`
 * NULL for an autoseat) <- what `set` saved for `name` (`saved` may be NULL): the one place
 * the caps are merged. 0, or -ENOMEM (then `caps` needs no finish).
 */
int policy_effective_caps_init(struct policy_caps *caps, const struct policy_config *config,
			       const struct policy_seat *seat, const struct policy_saved *saved,
			       const char *name);

/* ---- Saved assignments (state.c): <state dir>/state.json ---- */

/* Which table of the saved state an entry is in. */
enum policy_saved_table {
	POLICY_SAVED_DEVICES,	/* device / USB device / hub ID_PATH -> seat (F<n>, import-udev) */
	POLICY_SAVED_OVERRIDES, /* multiseatctl attach/detach: key -> seat, or NULL = on no seat */
	POLICY_SAVED_OUTPUTS,	/* output key -> autoseat name, so names survive restarts */
	/* multiseatctl set: "SEAT/KEY" (seat1/memory.max) -> the value, as policy_caps_format
	 * writes it ("2G"); on top of the configuration's caps for that seat. */
	POLICY_SAVED_CAPS,
	/*
	 * OUTPUTS entries of a file from before output names were per card: keyed by the
	 * kernel's connector names, waiting for policy_saved_migrate_outputs (their card is not
	 * there yet). Not used for assignments.
	 */
	POLICY_SAVED_LEGACY_OUTPUTS,
};
#define POLICY_SAVED_TABLE_COUNT 5

/*
 * The saved state, owned. Each table is sorted by key (strcmp), keys unique; the strings
 * are owned (cast const away to free them). Only overrides may have a NULL seat.
 */
struct policy_saved {
	char *dir, *path; /* the state dir and <dir>/state.json */
	struct policy_state_entry *tables[POLICY_SAVED_TABLE_COUNT];
	size_t counts[POLICY_SAVED_TABLE_COUNT];
	/* The file could be neither read nor moved aside: it is never overwritten. */
	bool read_only;
};

/* Empty, for `state_dir`; no I/O. 0, -EINVAL (no or empty dir) or -ENOMEM. */
int policy_saved_init(struct policy_saved *saved, const char *state_dir);
void policy_saved_finish(struct policy_saved *saved);
/*
 * Replaces the tables with the file's. A missing file (or dir) is an empty state: 0. Every
 * problem goes to `errors` (may be NULL), and the tables are left empty: an unreadable file
 * sets read_only and returns its negative errno; a corrupt one is renamed aside to
 * <path>.corrupt-<YYYYmmdd-HHMMSS>[-N] (read_only when that fails too) and gives -EINVAL;
 * -ENOMEM sets read_only, so that a file which may be fine is not overwritten.
 * Except the caps: an entry of POLICY_SAVED_CAPS that is not valid (no such seat name or
 * key, a value its cap does not take, such as one a later version wrote) is reported in
 * `errors` and left out, and the rest is loaded (0): a cap is no reason to lose the seats.
 */
int policy_saved_load(struct policy_saved *saved, struct policy_errors *errors);
/*
 * Writes the tables atomically (temp file, fsync, rename, fsync of the dir), creating the
 * dir when missing. 0, -EROFS when read_only, or the negative errno of what failed (then
 * the old file is as it was, unless only the final fsync of the dir failed).
 */
int policy_saved_save(struct policy_saved *saved);
/*
 * Key: 1..255 bytes of printable ASCII. Seat: a valid seat name, or NULL in
 * POLICY_SAVED_OVERRIDES only. In POLICY_SAVED_CAPS the key is SEAT/KEY and `seat` the
 * value, which that cap must take. 1 changed, 0 already so, -EINVAL or -ENOMEM.
 */
int policy_saved_set(struct policy_saved *saved, enum policy_saved_table table, const char *key,
		     const char *seat);
/* 1 removed, 0 absent, -EINVAL (no such table, or no key). */
int policy_saved_remove(struct policy_saved *saved, enum policy_saved_table table, const char *key);
/* Drops the DEVICES and OVERRIDES entries naming `seat` (not OUTPUTS, not CAPS); how many. */
size_t policy_saved_forget_seat(struct policy_saved *saved, const char *seat);
/*
 * The seat of `key` (NULL when absent or an override to no seat), in POLICY_SAVED_CAPS its
 * value; `found` may be NULL.
 */
const char *policy_saved_get(const struct policy_saved *saved, enum policy_saved_table table,
			     const char *key, bool *found);
/*
 * Saves the value `caps` has for `cap` as the seat's POLICY_SAVED_CAPS entry, or drops the
 * entry when `caps` leaves the cap unset. 1 changed, 0 already so, -EINVAL (not a seat
 * name, no such cap) or -ENOMEM.
 */
int policy_saved_set_cap(struct policy_saved *saved, const char *seat, enum policy_cap cap,
			 const struct policy_caps *caps);
/*
 * The seat's saved caps on top of `caps` (each replaces the cap it names); with `caps`
 * fresh from policy_caps_init, just the saved ones. Returns how many, or -ENOMEM (then
 * `caps` may hold some of them).
 */
int policy_saved_apply_caps(const struct policy_saved *saved, const char *seat,
			    struct policy_caps *caps);
/* DEVICES and OUTPUTS, borrowed (valid until the next change), for policy_assignment_init. */
void policy_saved_view(const struct policy_saved *saved, struct policy_state *state);
/*
 * Moves POLICY_SAVED_LEGACY_OUTPUTS entries to OUTPUTS under today's names: an old key
 * "<card>-<kernel name>" means the connector that has that kernel name in this boot, as the
 * kernel's numbers are the only meaning it has. An entry whose card is present but has no such
 * connector (a name from another boot's numbering), or whose new key has an entry already, is
 * dropped; one whose card is absent waits. One line per entry moved or dropped goes to `notes`
 * (may be NULL). Returns how many entries changed (save the state then), -EINVAL when an
 * output has no card or name, or -ENOMEM.
 */
int policy_saved_migrate_outputs(struct policy_saved *saved, const struct policy_hardware *hardware,
				 struct policy_errors *notes);

/* ---- logind-compatible seat rules (udev_export.c) ---- */

/* udev's ID_PATH_TAG for an ID_PATH (path_id's rule); the caller frees it. NULL + errno. */
char *policy_udev_path_tag(const char *id_path);
/*
 * The logind name for one of our seats: the name itself when it is already a valid logind
 * name (starts with "seat"), else "seat-" + name. The caller frees it. NULL + errno.
 */
char *policy_udev_seat_name(const char *seat);
/*
 * Back from a logind ID_SEAT to one of `names` (count of them): an exact match first, then a
 * name X with "seat-" + X == id_seat, then "seatN" / "seat-N" for the seat whose numbers[i]
 * is N (numbers may be NULL). The index, or -1.
 */
int policy_udev_seat_lookup(const char *id_seat, const char *const *names, const int *numbers,
			    size_t count);

/* One logind-style rule file for /etc/udev/rules.d. */
struct policy_udev_rule {
	char *file_name; /* "72-seat-<ID_FOR_SEAT>.rules" */
	char *text;	 /* one line and '\n' */
};

/*
 * id_for_seat is "<subsystem>-<ID_PATH_TAG>" (udev's ID_FOR_SEAT property). 0, -ENOMEM, or
 * -EINVAL when logind_seat is not a valid logind name or id_for_seat is empty, too long for
 * a file name, or holds anything but A-Z, a-z, 0-9, '-', '_' and '.'.
 */
int policy_udev_rule_init(struct policy_udev_rule *rule, const char *id_for_seat,
			  const char *logind_seat);
void policy_udev_rule_finish(struct policy_udev_rule *rule);

#endif
