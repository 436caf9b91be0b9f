/* Policy library: the configuration file (multiseat.conf) and the values it holds. */
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
/* Adds one message (printf-style), FILE:LINE: first (just FILE: when line is 0). */
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

/* An `outputs =` entry: a card's ID_PATH (all its connectors) or "<card ID_PATH>-<connector>". */
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

/* What [seat-defaults] and [seat.NAME] may set; NULL / POLICY_UNSET / -1 where unset. */
struct policy_seat_settings {
	char *user; /* may hold %n (seat number) and %s (seat name) */
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
	bool caps_optional; /* seats may run uncapped when cgroup controllers are missing */
	struct policy_seat_settings defaults;
	struct policy_seat *seats; /* in file order */
	size_t seat_count;
};

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
/* "N%" of one CPU (1..100000), or "max". */
int policy_parse_cpu_percent(const char *text, int64_t *value, const char **why);
/* "auto", or a CPU list: numbers and ranges separated by commas ("0-3,6"). */
int policy_parse_cpuset(const char *text, const char **why);
/* Seat names: 1..32 of a-z, 0-9, '-' and '_', starting with a letter or digit. */
bool policy_seat_name_valid(const char *name);

#endif
