/* The saved assignments: <state dir>/state.json, read once at start and rewritten atomically. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output_names.h"
#include "policy.h"

#define STATE_FILE "state.json"
#define STATE_VERSION 1
/*
 * Files with this say how their output keys name connectors: by type and index on their card.
 * Older files lack it and name them as the kernel did in the boot they were written in. The
 * version stays 1, so that an older multiseatd still reads the file (it drops this field and
 * the legacy table when it writes, and its keys are then migrated again).
 */
#define STATE_OUTPUT_NAMES_KEY "output_names"
#define STATE_OUTPUT_NAMES "per-card"
/* Far more than any host's assignments; a bigger file is not ours (or not whole). */
#define STATE_SIZE_MAX (1024 * 1024)
/* ID_PATHs and output keys are far shorter; the cap keeps messages and rule names sane. */
#define KEY_MAX 255
/* Tries of .corrupt-<time>-N before giving up on moving a file aside. */
#define ASIDE_TRIES 100

static const char *const table_names[POLICY_SAVED_TABLE_COUNT] = {
	[POLICY_SAVED_DEVICES] = "devices",
	[POLICY_SAVED_OVERRIDES] = "overrides",
	[POLICY_SAVED_OUTPUTS] = "outputs",
	[POLICY_SAVED_CAPS] = "caps",
	[POLICY_SAVED_LEGACY_OUTPUTS] = "legacy_outputs",
};

static void report(struct policy_errors *errors, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The callers may not want the words, only the outcome. */
static void report(struct policy_errors *errors, const char *file, int line, const char *fmt, ...)
{
	if (!errors)
		return;
	char message[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	policy_errors_add(errors, file, line, "%s", message);
}

static bool table_valid(enum policy_saved_table table)
{
	return (unsigned)table < POLICY_SAVED_TABLE_COUNT;
}

/* Why `key` cannot be a key, or NULL. Printable ASCII only: the keys go into logs and rules. */
static const char *key_problem(const char *key)
{
	size_t length = strlen(key);
	if (length == 0)
		return "an empty key";
	if (length > KEY_MAX)
		return "a key longer than 255 bytes";
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c < 0x20 || c > 0x7e)
			return "a key with a byte that is not printable ASCII";
	}
	return NULL;
}

/*
 * Why a POLICY_SAVED_CAPS entry is not one, or NULL: the key is SEAT/KEY with a valid seat
 * name and a cap's key, the value (NULL: none) what that cap takes.
 */
static const char *cap_entry_problem(const char *key, const char *value)
{
	const char *slash = strchr(key, '/');
	char seat[40];
	size_t length = slash ? (size_t)(slash - key) : 0;
	if (!slash || length >= sizeof(seat))
		return "the key is not SEAT/KEY";
	memcpy(seat, key, length);
	seat[length] = '\0';
	if (!policy_seat_name_valid(seat))
		return "the key is not SEAT/KEY with a valid seat name";
	int cap = policy_cap_find(slash + 1);
	if (cap < 0)
		return "no such cap (known: " POLICY_CAP_NAMES ")";
	if (!value)
		return "no value";
	const char *why = NULL;
	if (cap == POLICY_CAP_CPUSET)
		return policy_parse_cpuset(value, &why) < 0 ? why : NULL;
	/* The numbers need no memory: parsing into a scratch struct only checks. */
	struct policy_caps scratch;
	policy_caps_init(&scratch);
	return policy_caps_parse(&scratch, cap, value, &why) < 0 ? why : NULL;
}

static void entry_free(struct policy_state_entry *entry)
{
	free((char *)entry->key);
	free((char *)entry->seat);
}

static void tables_clear(struct policy_saved *saved)
{
	for (size_t t = 0; t < POLICY_SAVED_TABLE_COUNT; t++) {
		for (size_t i = 0; i < saved->counts[t]; i++)
			entry_free(&saved->tables[t][i]);
		free(saved->tables[t]);
		saved->tables[t] = NULL;
		saved->counts[t] = 0;
	}
}

/* Binary search: true when found; `index` is where the key is or would go. */
static bool table_find(const struct policy_saved *saved, enum policy_saved_table table,
		       const char *key, size_t *index)
{
	const struct policy_state_entry *entries = saved->tables[table];
	size_t low = 0, high = saved->counts[table];
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int order = strcmp(entries[middle].key, key);
		if (order == 0) {
			*index = middle;
			return true;
		}
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	*index = low;
	return false;
}

static bool same_seat(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

int policy_saved_init(struct policy_saved *saved, const char *state_dir)
{
	*saved = (struct policy_saved){0};
	if (!state_dir || !*state_dir)
		return -EINVAL;
	saved->dir = strdup(state_dir);
	if (!saved->dir || asprintf(&saved->path, "%s/%s", state_dir, STATE_FILE) < 0) {
		free(saved->dir);
		*saved = (struct policy_saved){0};
		return -ENOMEM;
	}
	return 0;
}

void policy_saved_finish(struct policy_saved *saved)
{
	tables_clear(saved);
	free(saved->dir);
	free(saved->path);
	*saved = (struct policy_saved){0};
}

int policy_saved_set(struct policy_saved *saved, enum policy_saved_table table, const char *key,
		     const char *seat)
{
	if (!table_valid(table) || !key || key_problem(key))
		return -EINVAL;
	if (table == POLICY_SAVED_CAPS ? cap_entry_problem(key, seat) != NULL
	    : seat		       ? !policy_seat_name_valid(seat)
				       : table != POLICY_SAVED_OVERRIDES)
		return -EINVAL;
	size_t index;
	bool found = table_find(saved, table, key, &index);
	struct policy_state_entry *entries = saved->tables[table];
	if (found && same_seat(entries[index].seat, seat))
		return 0;
	char *seat_copy = NULL;
	if (seat && !(seat_copy = strdup(seat)))
		return -ENOMEM;
	if (found) {
		free((char *)entries[index].seat);
		entries[index].seat = seat_copy;
		return 1;
	}
	char *key_copy = strdup(key);
	if (!key_copy)
		goto err_seat;
	size_t count = saved->counts[table];
	entries = realloc(entries, (count + 1) * sizeof(*entries));
	if (!entries)
		goto err_key;
	saved->tables[table] = entries;
	memmove(&entries[index + 1], &entries[index], (count - index) * sizeof(*entries));
	entries[index] = (struct policy_state_entry){.key = key_copy, .seat = seat_copy};
	saved->counts[table] = count + 1;
	return 1;

err_key:
	free(key_copy);
err_seat:
	free(seat_copy);
	return -ENOMEM;
}

int policy_saved_remove(struct policy_saved *saved, enum policy_saved_table table, const char *key)
{
	if (!table_valid(table) || !key)
		return -EINVAL;
	size_t index;
	if (!table_find(saved, table, key, &index))
		return 0;
	struct policy_state_entry *entries = saved->tables[table];
	entry_free(&entries[index]);
	saved->counts[table]--;
	memmove(&entries[index], &entries[index + 1],
		(saved->counts[table] - index) * sizeof(*entries));
	return 1;
}

size_t policy_saved_forget_seat(struct policy_saved *saved, const char *seat)
{
	static const enum policy_saved_table tables[] = {POLICY_SAVED_DEVICES,
							 POLICY_SAVED_OVERRIDES};
	size_t dropped = 0;
	if (!seat)
		return 0;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		struct policy_state_entry *entries = saved->tables[tables[t]];
		size_t kept = 0;
		for (size_t i = 0; i < saved->counts[tables[t]]; i++) {
			if (entries[i].seat && strcmp(entries[i].seat, seat) == 0) {
				entry_free(&entries[i]);
				dropped++;
			} else {
				entries[kept++] = entries[i];
			}
		}
		saved->counts[tables[t]] = kept;
	}
	return dropped;
}

const char *policy_saved_get(const struct policy_saved *saved, enum policy_saved_table table,
			     const char *key, bool *found)
{
	size_t index;
	bool present = table_valid(table) && key && table_find(saved, table, key, &index);
	if (found)
		*found = present;
	return present ? saved->tables[table][index].seat : NULL;
}

/* "SEAT/KEY", the key of a seat's cap in POLICY_SAVED_CAPS. 0 or -EINVAL. */
static int cap_key(const char *seat, enum policy_cap cap, char *buf, size_t size)
{
	const char *name = policy_cap_name(cap);
	if (!seat || !policy_seat_name_valid(seat) || !name)
		return -EINVAL;
	int length = snprintf(buf, size, "%s/%s", seat, name);
	return length < 0 || (size_t)length >= size ? -EINVAL : 0;
}

int policy_saved_set_cap(struct policy_saved *saved, const char *seat, enum policy_cap cap,
			 const struct policy_caps *caps)
{
	char key[80], buf[POLICY_CAP_TEXT_MAX];
	if (cap_key(seat, cap, key, sizeof(key)) < 0)
		return -EINVAL;
	if (!policy_caps_has(caps, cap))
		return policy_saved_remove(saved, POLICY_SAVED_CAPS, key);
	const char *value = policy_caps_format(caps, cap, buf, sizeof(buf));
	return value ? policy_saved_set(saved, POLICY_SAVED_CAPS, key, value) : -EINVAL;
}

int policy_saved_apply_caps(const struct policy_saved *saved, const char *seat,
			    struct policy_caps *caps)
{
	int count = 0;
	for (int cap = 0; cap < POLICY_CAP_COUNT; cap++) {
		char key[80];
		if (cap_key(seat, cap, key, sizeof(key)) < 0)
			return 0;
		const char *value = policy_saved_get(saved, POLICY_SAVED_CAPS, key, NULL);
		const char *why;
		if (!value)
			continue;
		/* Checked on the way in: only memory can fail here. */
		if (policy_caps_parse(caps, cap, value, &why) == -ENOMEM)
			return -ENOMEM;
		count++;
	}
	return count;
}

void policy_saved_view(const struct policy_saved *saved, struct policy_state *state)
{
	*state = (struct policy_state){
		.devices = saved->tables[POLICY_SAVED_DEVICES],
		.device_count = saved->counts[POLICY_SAVED_DEVICES],
		.outputs = saved->tables[POLICY_SAVED_OUTPUTS],
		.output_count = saved->counts[POLICY_SAVED_OUTPUTS],
		.overrides = saved->tables[POLICY_SAVED_OVERRIDES],
		.override_count = saved->counts[POLICY_SAVED_OVERRIDES],
	};
}

/* ---- load ---- */

/*
 * The whole file, up to STATE_SIZE_MAX + 1 bytes (one more tells a file that is too big),
 * NUL-terminated. 0, -ENOENT, -ENOMEM, -EISDIR, -EBADFD (not a regular file) or the errno
 * that kept it from being read.
 */
static int read_file(const char *path, char **text, size_t *length)
{
	/* O_NONBLOCK: a FIFO put there must not hang the daemon at start. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	int ret;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto err_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto err_fd;
	}
	/* A FIFO or device is not ours to parse, nor to move aside. */
	if (!S_ISREG(st.st_mode)) {
		ret = -EBADFD;
		goto err_fd;
	}
	char *buffer = malloc(STATE_SIZE_MAX + 2);
	if (!buffer) {
		ret = -ENOMEM;
		goto err_fd;
	}
	size_t used = 0;
	while (used < STATE_SIZE_MAX + 1) {
		ssize_t n = read(fd, buffer + used, STATE_SIZE_MAX + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto err_buffer;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buffer[used] = '\0';
	*text = buffer;
	*length = used;
	return 0;

err_buffer:
	free(buffer);
err_fd:
	close(fd);
	return ret;
}

static int line_at(const char *text, size_t offset)
{
	int line = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n')
			line++;
	}
	return line;
}

static const char *type_name(struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true or false";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

/*
 * The offset of a key holding \u0000, or -1. json-c ends a key at a NUL, so two keys that
 * differ only after one would silently become one entry. (A value's length is known: the
 * tables check it themselves.)
 */
static long nul_in_key(const char *text, size_t length)
{
	long start = -1, nul = -1;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '"' && start < 0) {
			start = (long)i;
			nul = -1;
		} else if (text[i] == '"') {
			size_t after = i + 1 + strspn(text + i + 1, " \t\r\n");
			if (nul >= 0 && after < length && text[after] == ':')
				return start;
			start = -1;
		} else if (start >= 0 && text[i] == '\\' && i + 1 < length) {
			if (nul < 0 && i + 5 < length && strncmp(text + i + 1, "u0000", 5) == 0)
				nul = (long)i;
			i++; /* the escaped character, which may be a quote */
		}
	}
	return -1;
}

/* 0 with *root (NULL when the file says null), -EINVAL (reported, with the line) or -ENOMEM. */
static int parse_json(const char *path, const char *text, size_t length,
		      struct policy_errors *errors, struct json_object **root)
{
	*root = NULL;
	/* A byte order mark, as some editors write: UTF-8 needs none, and it means nothing. */
	if (length >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		length -= 3;
	}
	long nul = nul_in_key(text, length);
	if (nul >= 0) {
		report(errors, path, line_at(text, (size_t)nul),
		       "a key holds \\u0000; keys are 1 to 255 bytes of printable ASCII");
		return -EINVAL;
	}
	if (strspn(text, " \t\r\n") == length) {
		report(errors, path, 0, "not valid JSON (the file is empty)");
		return -EINVAL;
	}
	struct json_tokener *tokener = json_tokener_new();
	if (!tokener)
		return -ENOMEM;
	/* Strict: a program wrote this file; a stray comma means something broke it. */
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	*root = json_tokener_parse_ex(tokener, text, (int)length);
	enum json_tokener_error error = json_tokener_get_error(tokener);
	size_t end = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	if (error == json_tokener_success) {
		size_t rest = end + strspn(text + end, " \t\r\n");
		if (rest == length)
			return 0;
		json_object_put(*root);
		*root = NULL;
		report(errors, path, line_at(text, rest), "not valid JSON (text after the end)");
		return -EINVAL;
	}
	if (error == json_tokener_continue)
		report(errors, path, line_at(text, length),
		       "not valid JSON (the file ends in the middle)");
	else
		report(errors, path, line_at(text, end < length ? end : length),
		       "not valid JSON (%s)", json_tokener_error_desc(error));
	return -EINVAL;
}

/* Copies one table into `into`; every problem is reported. -EINVAL, -ENOMEM or 0. */
static int load_table(const char *path, struct json_object *root, enum policy_saved_table table,
		      struct policy_saved *into, struct policy_errors *errors)
{
	const char *name = table_names[table];
	struct json_object *object;
	/* A table the file lacks is empty, so that a new table needs no new version. */
	if (!json_object_object_get_ex(root, name, &object))
		return 0;
	if (!json_object_is_type(object, json_type_object)) {
		report(errors, path, 0, "\"%s\": expected an object of key -> seat name, found %s",
		       name, type_name(object));
		return -EINVAL;
	}
	int ret = 0;
	char quoted[80];
	struct json_object_iterator it = json_object_iter_begin(object);
	struct json_object_iterator end = json_object_iter_end(object);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);
		struct json_object *value = json_object_iter_peek_value(&it);
		const char *problem = key_problem(key);
		if (problem) {
			report(errors, path, 0,
			       "\"%s\" has %s (\"%s\"); keys are 1 to 255 bytes of "
			       "printable ASCII",
			       name, problem,
			       policy_excerpt(key, strlen(key), quoted, sizeof(quoted)));
			ret = -EINVAL;
			continue;
		}
		const char *seat = NULL;
		if (json_object_is_type(value, json_type_string)) {
			seat = json_object_get_string(value);
			if (!policy_seat_name_valid(seat) ||
			    strlen(seat) != (size_t)json_object_get_string_len(value)) {
				char seat_quoted[80];
				report(errors, path, 0,
				       "\"%s\": \"%s\": \"%s\" is not a valid seat name (1 to 32 "
				       "of "
				       "a-z, 0-9, '-' and '_', starting with a letter or digit)",
				       name, key,
				       policy_excerpt(seat, strlen(seat), seat_quoted,
						      sizeof(seat_quoted)));
				ret = -EINVAL;
				continue;
			}
		} else if (!(value == NULL && table == POLICY_SAVED_OVERRIDES)) {
			report(errors, path, 0, "\"%s\": \"%s\": expected a seat name%s, found %s",
			       name, key, table == POLICY_SAVED_OVERRIDES ? " or null" : "",
			       type_name(value));
			ret = -EINVAL;
			continue;
		}
		if (ret < 0)
			continue; /* only looking for more problems now */
		int set = policy_saved_set(into, table, key, seat);
		if (set < 0)
			return set;
	}
	return ret;
}

/*
 * The caps `multiseatctl set` saved. Unlike the assignments, a bad entry is reported and
 * left out, the others kept: -ENOMEM or 0.
 */
static int load_caps(const char *path, struct json_object *root, struct policy_saved *into,
		     struct policy_errors *errors)
{
	const char *name = table_names[POLICY_SAVED_CAPS];
	struct json_object *object;
	if (!json_object_object_get_ex(root, name, &object))
		return 0;
	if (!json_object_is_type(object, json_type_object)) {
		report(errors, path, 0,
		       "\"%s\": expected an object of SEAT/KEY -> value, found %s; the saved caps "
		       "are ignored",
		       name, type_name(object));
		return 0;
	}
	char quoted[80], value_quoted[80];
	struct json_object_iterator it = json_object_iter_begin(object);
	struct json_object_iterator end = json_object_iter_end(object);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);
		struct json_object *value = json_object_iter_peek_value(&it);
		const char *problem = key_problem(key);
		if (problem) {
			report(errors, path, 0, "\"%s\" has %s (\"%s\"); ignored", name, problem,
			       policy_excerpt(key, strlen(key), quoted, sizeof(quoted)));
			continue;
		}
		policy_excerpt(key, strlen(key), quoted, sizeof(quoted));
		if (!json_object_is_type(value, json_type_string)) {
			report(errors, path, 0,
			       "\"%s\": \"%s\": expected a string such as \"2G\", found %s; "
			       "ignored",
			       name, quoted, type_name(value));
			continue;
		}
		const char *text = json_object_get_string(value);
		policy_excerpt(text, strlen(text), value_quoted, sizeof(value_quoted));
		if (strlen(text) != (size_t)json_object_get_string_len(value))
			problem = "a value with a NUL byte";
		else
			problem = cap_entry_problem(key, text);
		if (problem) {
			report(errors, path, 0, "\"%s\": \"%s\": \"%s\": %s; ignored", name, quoted,
			       value_quoted, problem);
			continue;
		}
		if (policy_saved_set(into, POLICY_SAVED_CAPS, key, text) == -ENOMEM)
			return -ENOMEM;
	}
	return 0;
}

/* Whether the file's output keys are per-card names: 0, or -EINVAL (reported). */
static int load_output_names(const char *path, struct json_object *root, bool *per_card,
			     struct policy_errors *errors)
{
	struct json_object *value;
	*per_card = json_object_object_get_ex(root, STATE_OUTPUT_NAMES_KEY, &value);
	if (!*per_card)
		return 0;
	/* A later naming would be misread as this one: the outputs could go to other seats. */
	if (!json_object_is_type(value, json_type_string) ||
	    strcmp(json_object_get_string(value), STATE_OUTPUT_NAMES) != 0) {
		report(errors, path, 0, "\"%s\" is %s, expected \"%s\" (the only naming read here)",
		       STATE_OUTPUT_NAMES_KEY,
		       json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN),
		       STATE_OUTPUT_NAMES);
		return -EINVAL;
	}
	return 0;
}

/* -EINVAL with every problem reported, -ENOMEM, or 0 with the tables filled in `into`. */
static int load_root(const char *path, struct json_object *root, struct policy_saved *into,
		     struct policy_errors *errors)
{
	if (!json_object_is_type(root, json_type_object)) {
		report(errors, path, 0, "expected a JSON object with \"version\": %d, found %s",
		       STATE_VERSION, type_name(root));
		return -EINVAL;
	}
	struct json_object *version;
	if (!json_object_object_get_ex(root, "version", &version)) {
		report(errors, path, 0, "\"version\" is missing (expected %d)", STATE_VERSION);
		return -EINVAL;
	}
	/* Another version may mean anything: guessing could hand devices to the wrong seats. */
	if (!json_object_is_type(version, json_type_int) ||
	    json_object_get_int64(version) != STATE_VERSION) {
		report(errors, path, 0,
		       "\"version\" is %s, expected %d (the only version read here)",
		       json_object_to_json_string_ext(version, JSON_C_TO_STRING_PLAIN),
		       STATE_VERSION);
		return -EINVAL;
	}
	bool per_card;
	int ret = load_output_names(path, root, &per_card, errors);
	for (int t = 0; t < POLICY_SAVED_TABLE_COUNT; t++) {
		int table_ret =
			t == POLICY_SAVED_CAPS
				? load_caps(path, root, into, errors)
				: load_table(path, root, (enum policy_saved_table)t, into, errors);
		if (table_ret == -ENOMEM)
			return table_ret;
		if (table_ret < 0)
			ret = table_ret;
	}
	if (ret == 0 && !per_card)
		ret = policy_saved_outputs_to_legacy(into);
	return ret;
}

/*
 * Renames the corrupt file to <path>.corrupt-<time>[-N]: the user keeps what it held and
 * the next save starts afresh. 0, or a negative errno (reported).
 */
static int move_aside(struct policy_saved *saved, struct policy_errors *errors)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	int ret = -EEXIST;
	char *aside = NULL;
	for (int n = 1; n <= ASIDE_TRIES && ret == -EEXIST; n++) {
		free(aside);
		aside = NULL;
		if ((n == 1 ? asprintf(&aside, "%s.corrupt-%s", saved->path, stamp)
			    : asprintf(&aside, "%s.corrupt-%s-%d", saved->path, stamp, n)) < 0) {
			aside = NULL;
			ret = -ENOMEM;
			break;
		}
		/* NOREPLACE: never lose an earlier corrupt file's bytes. */
		ret = renameat2(AT_FDCWD, saved->path, AT_FDCWD, aside, RENAME_NOREPLACE) < 0
			      ? -errno
			      : 0;
		if (ret == -EINVAL || ret == -ENOSYS) {
			/* A file system without NOREPLACE: check first (racy, but only we write).
			 */
			struct stat st;
			if (lstat(aside, &st) == 0)
				ret = -EEXIST;
			else
				ret = rename(saved->path, aside) < 0 ? -errno : 0;
		}
	}
	if (ret == 0)
		report(errors, saved->path, 0,
		       "moved aside to %s; starting with no saved assignments", aside);
	else if (aside)
		report(errors, saved->path, 0,
		       "cannot be moved aside to %s: %s; it is left alone and assignments will "
		       "not be saved",
		       aside, strerror(-ret));
	else
		report(errors, saved->path, 0, "cannot be moved aside: %s", strerror(-ret));
	free(aside);
	return ret;
}

int policy_saved_load(struct policy_saved *saved, struct policy_errors *errors)
{
	tables_clear(saved);
	saved->read_only = false;
	char *text = NULL;
	size_t length = 0;
	int ret = read_file(saved->path, &text, &length);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0) {
		report(errors, saved->path, 0, "cannot be read: %s",
		       ret == -EBADFD ? "not a regular file" : strerror(-ret));
		saved->read_only = true;
		return ret;
	}
	struct policy_saved parsed = {0};
	struct json_object *root = NULL;
	if (length > STATE_SIZE_MAX) {
		report(errors, saved->path, 0, "larger than %d bytes, too big to be saved state",
		       STATE_SIZE_MAX);
		ret = -EINVAL;
	} else {
		ret = parse_json(saved->path, text, length, errors, &root);
	}
	if (ret == 0)
		ret = load_root(saved->path, root, &parsed, errors);
	json_object_put(root);
	free(text);
	if (ret == -ENOMEM) {
		report(errors, saved->path, 0, "out of memory while reading it");
		saved->read_only = true;
	} else if (ret < 0 && move_aside(saved, errors) < 0) {
		saved->read_only = true;
	}
	if (ret < 0) {
		tables_clear(&parsed);
		return ret;
	}
	for (size_t t = 0; t < POLICY_SAVED_TABLE_COUNT; t++) {
		saved->tables[t] = parsed.tables[t];
		saved->counts[t] = parsed.counts[t];
	}
	return 0;
}

/* ---- save ---- */

/* mkdir -p: the state dir's parent may be missing on a fresh system (/var/lib is not). */
static int make_dirs(const char *dir)
{
	char *copy = strdup(dir);
	if (!copy)
		return -ENOMEM;
	int ret = 0;
	for (char *slash = copy + 1;; slash++) {
		bool last = *slash == '\0';
		if (*slash != '/' && !last)
			continue;
		*slash = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			ret = -errno;
			break;
		}
		if (last)
			break;
		*slash = '/';
	}
	free(copy);
	return ret;
}

/* The file's text: keys in table order (sorted), so that equal states give equal files. */
static int format_state(const struct policy_saved *saved, char **text)
{
	int ret = -ENOMEM;
	struct json_object *root = json_object_new_object();
	struct json_object *version = root ? json_object_new_int(STATE_VERSION) : NULL;
	if (!version || json_object_object_add(root, "version", version) < 0) {
		json_object_put(version);
		goto out;
	}
	struct json_object *names = json_object_new_string(STATE_OUTPUT_NAMES);
	if (!names || json_object_object_add(root, STATE_OUTPUT_NAMES_KEY, names) < 0) {
		json_object_put(names);
		goto out;
	}
	for (size_t t = 0; t < POLICY_SAVED_TABLE_COUNT; t++) {
		/* Most files never had one: no empty table for it. */
		if (t == POLICY_SAVED_LEGACY_OUTPUTS && saved->counts[t] == 0)
			continue;
		struct json_object *table = json_object_new_object();
		if (!table || json_object_object_add(root, table_names[t], table) < 0) {
			json_object_put(table);
			goto out;
		}
		for (size_t i = 0; i < saved->counts[t]; i++) {
			const struct policy_state_entry *entry = &saved->tables[t][i];
			struct json_object *seat = NULL;
			if (entry->seat && !(seat = json_object_new_string(entry->seat)))
				goto out;
			if (json_object_object_add(table, entry->key, seat) < 0) {
				json_object_put(seat);
				goto out;
			}
		}
	}
	const char *json = json_object_to_json_string_ext(
		root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (json && asprintf(text, "%s\n", json) >= 0)
		ret = 0;
out:
	json_object_put(root);
	return ret;
}

static int write_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t n = write(fd, text, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		length -= (size_t)n;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ret = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

int policy_saved_save(struct policy_saved *saved)
{
	if (saved->read_only)
		return -EROFS;
	char *text = NULL, *temp = NULL;
	int ret = format_state(saved, &text);
	if (ret < 0)
		return ret;
	if (asprintf(&temp, "%s.tmp", saved->path) < 0) {
		ret = -ENOMEM;
		goto err_text;
	}
	ret = make_dirs(saved->dir);
	if (ret < 0)
		goto err_temp;
	/* NOFOLLOW: a root daemon must not write through a link someone planted. */
	int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		ret = -errno;
		goto err_temp;
	}
	ret = write_all(fd, text, strlen(text));
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	/* close() can report a delayed write error (NFS): it counts. */
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0)
		goto err_unlink;
	if (rename(temp, saved->path) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	/* The new file is in place; without this the rename may not survive a crash. */
	ret = sync_dir(saved->dir);
	free(temp);
	free(text);
	return ret;

err_unlink:
	unlink(temp);
err_temp:
	free(temp);
err_text:
	free(text);
	return ret;
}
