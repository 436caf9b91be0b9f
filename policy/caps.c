/* The per-seat caps by name: the keys multiseat.conf and `multiseatctl set` share, as text. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Longest value quoted in a message; a pasted blob must not fill the line. */
#define QUOTE_MAX 64

static int parse_weight(const char *text, int64_t *value, const char **why)
{
	return policy_parse_integer(text, 1, 10000, false, value, why) < 0
		       ? (*why = "expected a weight from 1 to 10000", -EINVAL)
		       : 0;
}

static int parse_pids(const char *text, int64_t *value, const char **why)
{
	return policy_parse_integer(text, 1, 4194304, true, value, why) < 0
		       ? (*why = "expected a number of tasks (1 to 4194304), or max", -EINVAL)
		       : 0;
}

enum unit {
	UNIT_NUMBER,  /* "N", or "max" where the parser takes it */
	UNIT_BYTES,   /* the largest K/M/G/T suffix that is exact */
	UNIT_PERCENT, /* "N%" */
};

/*
 * Every cap, in enum policy_cap order: its key in multiseat.conf and `multiseatctl set`, the
 * cgroup v2 file it is, where its number is in struct policy_caps, its parser and how it is
 * written back. cpuset, a string, is parsed apart.
 */
static const struct {
	const char *name;
	const char *cgroup_file;
	size_t offset; /* of its int64_t in struct policy_caps */
	int (*parse)(const char *text, int64_t *value, const char **why);
	enum unit unit;
} caps_table[POLICY_CAP_COUNT] = {
	[POLICY_CAP_CPU_WEIGHT] = {"cpu.weight", "cpu.weight",
				   offsetof(struct policy_caps, cpu_weight), parse_weight,
				   UNIT_NUMBER},
	[POLICY_CAP_CPU_MAX] = {"cpu.max", "cpu.max", offsetof(struct policy_caps, cpu_max_percent),
				policy_parse_cpu_percent, UNIT_PERCENT},
	[POLICY_CAP_MEMORY_MAX] = {"memory.max", "memory.max",
				   offsetof(struct policy_caps, memory_max), policy_parse_bytes,
				   UNIT_BYTES},
	[POLICY_CAP_MEMORY_HIGH] = {"memory.high", "memory.high",
				    offsetof(struct policy_caps, memory_high), policy_parse_bytes,
				    UNIT_BYTES},
	[POLICY_CAP_MEMORY_SWAP_MAX] = {"memory.swap.max", "memory.swap.max",
					offsetof(struct policy_caps, memory_swap_max),
					policy_parse_bytes, UNIT_BYTES},
	[POLICY_CAP_PIDS_MAX] = {"pids.max", "pids.max", offsetof(struct policy_caps, pids_max),
				 parse_pids, UNIT_NUMBER},
	[POLICY_CAP_IO_WEIGHT] = {"io.weight", "io.weight", offsetof(struct policy_caps, io_weight),
				  parse_weight, UNIT_NUMBER},
	[POLICY_CAP_CPUSET] = {"cpuset", "cpuset.cpus", 0, NULL, UNIT_NUMBER},
};

static bool cap_valid(enum policy_cap cap)
{
	return (unsigned)cap < POLICY_CAP_COUNT;
}

static int64_t *number_of(struct policy_caps *caps, enum policy_cap cap)
{
	return (int64_t *)((char *)caps + caps_table[cap].offset);
}

static int64_t number_in(const struct policy_caps *caps, enum policy_cap cap)
{
	return *(const int64_t *)((const char *)caps + caps_table[cap].offset);
}

void policy_caps_init(struct policy_caps *caps)
{
	*caps = (struct policy_caps){
		.cpu_weight = POLICY_UNSET,
		.cpu_max_percent = POLICY_UNSET,
		.memory_max = POLICY_UNSET,
		.memory_high = POLICY_UNSET,
		.memory_swap_max = POLICY_UNSET,
		.pids_max = POLICY_UNSET,
		.io_weight = POLICY_UNSET,
	};
}

void policy_caps_finish(struct policy_caps *caps)
{
	free(caps->cpuset);
	policy_caps_init(caps);
}

const char *policy_cap_name(enum policy_cap cap)
{
	return cap_valid(cap) ? caps_table[cap].name : NULL;
}

const char *policy_cap_cgroup_file(enum policy_cap cap)
{
	return cap_valid(cap) ? caps_table[cap].cgroup_file : NULL;
}

int64_t policy_caps_number(const struct policy_caps *caps, enum policy_cap cap)
{
	return cap_valid(cap) && cap != POLICY_CAP_CPUSET ? number_in(caps, cap) : POLICY_UNSET;
}

int policy_cap_find(const char *name)
{
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (strcmp(caps_table[cap].name, name) == 0)
			return cap;
	}
	return -1;
}

bool policy_caps_has(const struct policy_caps *caps, enum policy_cap cap)
{
	if (!cap_valid(cap))
		return false;
	if (cap == POLICY_CAP_CPUSET)
		return caps->cpuset != NULL;
	return number_in(caps, cap) != POLICY_UNSET;
}

void policy_caps_unset(struct policy_caps *caps, enum policy_cap cap)
{
	if (!cap_valid(cap))
		return;
	if (cap == POLICY_CAP_CPUSET) {
		free(caps->cpuset);
		caps->cpuset = NULL;
	} else {
		*number_of(caps, cap) = POLICY_UNSET;
	}
}

/* One cap of `from` into `to` (unset too); 0 or -ENOMEM with `to` as it was. */
static int copy_cap(struct policy_caps *to, const struct policy_caps *from, enum policy_cap cap)
{
	if (cap != POLICY_CAP_CPUSET) {
		*number_of(to, cap) = number_in(from, cap);
		return 0;
	}
	char *copy = NULL;
	if (from->cpuset && !(copy = strdup(from->cpuset)))
		return -ENOMEM;
	free(to->cpuset);
	to->cpuset = copy;
	return 0;
}

int policy_caps_copy(struct policy_caps *copy, const struct policy_caps *caps)
{
	policy_caps_init(copy);
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (copy_cap(copy, caps, cap) < 0) {
			policy_caps_finish(copy);
			return -ENOMEM;
		}
	}
	return 0;
}

int policy_caps_merge(struct policy_caps *caps, const struct policy_caps *over)
{
	/* The only allocation first: on failure nothing has changed. */
	if (over->cpuset && copy_cap(caps, over, POLICY_CAP_CPUSET) < 0)
		return -ENOMEM;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (cap != POLICY_CAP_CPUSET && policy_caps_has(over, cap))
			copy_cap(caps, over, cap);
	}
	return 0;
}

bool policy_caps_equal(const struct policy_caps *a, const struct policy_caps *b)
{
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		if (cap != POLICY_CAP_CPUSET && number_in(a, cap) != number_in(b, cap))
			return false;
	}
	return (a->cpuset == NULL) == (b->cpuset == NULL) &&
	       (!a->cpuset || strcmp(a->cpuset, b->cpuset) == 0);
}

int policy_caps_parse(struct policy_caps *caps, enum policy_cap cap, const char *text,
		      const char **why)
{
	if (!cap_valid(cap) || !text) {
		*why = "no such cap";
		return -EINVAL;
	}
	if (cap == POLICY_CAP_CPUSET) {
		if (policy_parse_cpuset(text, why) < 0)
			return -EINVAL;
		char *copy = strdup(text);
		if (!copy) {
			*why = "out of memory";
			return -ENOMEM;
		}
		free(caps->cpuset);
		caps->cpuset = copy;
		return 0;
	}
	int64_t value;
	if (caps_table[cap].parse(text, &value, why) < 0)
		return -EINVAL;
	*number_of(caps, cap) = value;
	return 0;
}

/* Bytes with the largest suffix that loses nothing: 268435456 -> "256M", 1000 -> "1000". */
static int format_bytes(int64_t value, char *buf, size_t size)
{
	static const char suffixes[] = "KMGT";
	int shift = 0;
	while (shift < 40 && value != 0 && value % ((int64_t)1 << (shift + 10)) == 0)
		shift += 10;
	return shift ? snprintf(buf, size, "%lld%c", (long long)(value >> shift),
				suffixes[shift / 10 - 1])
		     : snprintf(buf, size, "%lld", (long long)value);
}

const char *policy_caps_format(const struct policy_caps *caps, enum policy_cap cap, char *buf,
			       size_t size)
{
	if (!policy_caps_has(caps, cap))
		return NULL;
	if (cap == POLICY_CAP_CPUSET)
		return caps->cpuset;
	int length;
	int64_t value = number_in(caps, cap);
	if (value == POLICY_MAX)
		length = snprintf(buf, size, "max");
	else if (caps_table[cap].unit == UNIT_BYTES)
		length = format_bytes(value, buf, size);
	else if (caps_table[cap].unit == UNIT_PERCENT)
		length = snprintf(buf, size, "%lld%%", (long long)value);
	else
		length = snprintf(buf, size, "%lld", (long long)value);
	return length < 0 || (size_t)length >= size ? NULL : buf;
}

static void set_error(char *error, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, size, fmt, ap);
	va_end(ap);
}

int policy_caps_parse_pairs(const char *const *pairs, size_t count, struct policy_caps *caps,
			    unsigned *set, unsigned *reset, char *error, size_t error_size)
{
	policy_caps_init(caps);
	*set = *reset = 0;
	if (count == 0) {
		set_error(error, error_size, "no KEY=VALUE given (keys: " POLICY_CAP_NAMES ")");
		return -EINVAL;
	}
	int ret = 0;
	for (size_t i = 0; i < count && ret == 0; i++) {
		const char *pair = pairs[i];
		const char *equals = strchr(pair, '=');
		size_t key_length = equals ? (size_t)(equals - pair) : strlen(pair);
		char key[32];
		int cap = -1;
		if (key_length < sizeof(key)) {
			memcpy(key, pair, key_length);
			key[key_length] = '\0';
			cap = policy_cap_find(key);
		}
		const char *value = equals ? equals + 1 : NULL;
		const char *why = NULL;
		if (!equals) {
			set_error(error, error_size,
				  "'%.*s' is not KEY=VALUE (such as memory.max=2G; "
				  "keys: " POLICY_CAP_NAMES ")",
				  QUOTE_MAX, pair);
			ret = -EINVAL;
		} else if (cap < 0) {
			set_error(error, error_size,
				  "unknown key '%.*s' (known: " POLICY_CAP_NAMES ")",
				  (int)(key_length < QUOTE_MAX ? key_length : QUOTE_MAX), pair);
			ret = -EINVAL;
		} else if ((*set | *reset) & (1u << cap)) {
			set_error(error, error_size, "%s is given twice", key);
			ret = -EINVAL;
		} else if (*value == '\0') {
			set_error(error, error_size,
				  "%s=: no value (give one, or default for the configuration's)",
				  key);
			ret = -EINVAL;
		} else if (strcmp(value, "default") == 0) {
			*reset |= 1u << cap;
		} else if ((ret = policy_caps_parse(caps, cap, value, &why)) < 0) {
			set_error(error, error_size, "%s=%.*s: %s", key, QUOTE_MAX, value, why);
		} else {
			*set |= 1u << cap;
		}
	}
	if (ret < 0) {
		policy_caps_finish(caps);
		*set = *reset = 0;
	}
	return ret;
}
