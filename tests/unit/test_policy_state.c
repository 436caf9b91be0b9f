/* Unit tests for the saved assignments file: round trips, stable text, corrupt and odd files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors_assert.h"
#include "policy.h"
#include "tmptree.h"

#define KBD "pci-0000:00:14.0-usb-0:1.4.2:1.0"
#define HUB "pci-0000:00:05.0-usb-0:1"
#define MOUSE "pci-0000:00:14.0-usb-0:2.1:1.0"
#define OUTPUT1 "pci-0000:00:02.0-Virtual-1"
#define OUTPUT2 "pci-0000:00:02.0-Virtual-2"

/* Each test's own temporary state dir, removed with everything in it afterwards. */
static int setup(void **state)
{
	return tmptree_fixture_setup(state, "/tmp/ms-state-XXXXXX", "state.json");
}

static int teardown(void **state)
{
	return tmptree_fixture_teardown(state);
}

static void write_text(const char *path, const char *text, size_t length)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, length), (ssize_t)length);
	close(fd);
}

/* The file's bytes, NUL-terminated; the caller frees them. */
static char *read_text(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	char *text = malloc(1 << 20);
	assert_non_null(text);
	*length = fread(text, 1, (1 << 20) - 1, file);
	text[*length] = '\0';
	fclose(file);
	return text;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* How many entries of the dir start with `prefix`; the last such name goes in `name`. */
static int count_prefixed(const char *dir, const char *prefix, char *name, size_t size)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int count = 0;
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strncmp(entry->d_name, prefix, strlen(prefix)) == 0) {
			count++;
			if (name) {
				int length = snprintf(name, size, "%s/%s", dir, entry->d_name);
				assert_true(length > 0 && (size_t)length < size);
			}
		}
	}
	closedir(d);
	return count;
}

static void fill(struct policy_saved *saved)
{
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_DEVICES, KBD, "seat-2"), 1);
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_DEVICES, HUB, "front-desk"), 1);
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_OVERRIDES, MOUSE, "seat-3"), 1);
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_OVERRIDES, KBD, NULL), 1);
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_OUTPUTS, OUTPUT2, "seat-2"), 1);
	assert_int_equal(policy_saved_set(saved, POLICY_SAVED_OUTPUTS, OUTPUT1, "seat-1"), 1);
	struct policy_caps caps;
	policy_caps_init(&caps);
	caps.memory_max = 2ll << 30;
	caps.cpu_max_percent = 50;
	assert_int_equal(policy_saved_set_cap(saved, "seat-2", POLICY_CAP_MEMORY_MAX, &caps), 1);
	assert_int_equal(policy_saved_set_cap(saved, "seat-1", POLICY_CAP_CPU_MAX, &caps), 1);
}

static void test_round_trip(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_string_equal(saved.path, f->path);
	fill(&saved);
	assert_int_equal(policy_saved_save(&saved), 0);
	policy_saved_finish(&saved);

	struct policy_saved loaded;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&loaded, f->dir), 0);
	assert_int_equal(policy_saved_load(&loaded, &errors), 0);
	assert_int_equal(errors.count, 0);
	assert_false(loaded.read_only);
	assert_int_equal(loaded.counts[POLICY_SAVED_DEVICES], 2);
	assert_int_equal(loaded.counts[POLICY_SAVED_OVERRIDES], 2);
	assert_int_equal(loaded.counts[POLICY_SAVED_OUTPUTS], 2);
	assert_int_equal(loaded.counts[POLICY_SAVED_CAPS], 2);
	/* Sorted by key, whatever order they were set in. */
	assert_string_equal(loaded.tables[POLICY_SAVED_DEVICES][0].key, HUB);
	assert_string_equal(loaded.tables[POLICY_SAVED_DEVICES][1].key, KBD);
	assert_string_equal(loaded.tables[POLICY_SAVED_OUTPUTS][0].key, OUTPUT1);

	bool found;
	assert_string_equal(policy_saved_get(&loaded, POLICY_SAVED_DEVICES, KBD, &found), "seat-2");
	assert_true(found);
	assert_string_equal(policy_saved_get(&loaded, POLICY_SAVED_DEVICES, HUB, NULL),
			    "front-desk");
	assert_string_equal(policy_saved_get(&loaded, POLICY_SAVED_OVERRIDES, MOUSE, &found),
			    "seat-3");
	assert_null(policy_saved_get(&loaded, POLICY_SAVED_OVERRIDES, KBD, &found));
	assert_true(found); /* an override to no seat */
	assert_null(policy_saved_get(&loaded, POLICY_SAVED_OVERRIDES, HUB, &found));
	assert_false(found);
	assert_string_equal(policy_saved_get(&loaded, POLICY_SAVED_OUTPUTS, OUTPUT2, &found),
			    "seat-2");

	struct policy_state view;
	policy_saved_view(&loaded, &view);
	assert_int_equal(view.device_count, 2);
	assert_ptr_equal(view.devices, loaded.tables[POLICY_SAVED_DEVICES]);
	assert_int_equal(view.output_count, 2);
	assert_string_equal(view.outputs[1].key, OUTPUT2);
	assert_string_equal(view.outputs[1].seat, "seat-2");

	/* The caps come back as values, each seat's own. */
	struct policy_caps caps;
	policy_caps_init(&caps);
	caps.pids_max = 100;
	assert_int_equal(policy_saved_apply_caps(&loaded, "seat-2", &caps), 1);
	assert_int_equal(caps.memory_max, 2ll << 30);
	assert_int_equal(caps.cpu_max_percent, POLICY_UNSET);
	assert_int_equal(caps.pids_max, 100);
	assert_int_equal(policy_saved_apply_caps(&loaded, "seat-1", &caps), 1);
	assert_int_equal(caps.cpu_max_percent, 50);
	assert_int_equal(policy_saved_apply_caps(&loaded, "seat-9", &caps), 0);
	assert_string_equal(policy_saved_get(&loaded, POLICY_SAVED_CAPS, "seat-2/memory.max", NULL),
			    "2G");
	policy_caps_finish(&caps);

	/* Loading again replaces what the struct held. */
	assert_int_equal(policy_saved_set(&loaded, POLICY_SAVED_OUTPUTS, "extra", "seat-9"), 1);
	assert_int_equal(policy_saved_load(&loaded, &errors), 0);
	assert_int_equal(loaded.counts[POLICY_SAVED_OUTPUTS], 2);
	policy_errors_finish(&errors);
	policy_saved_finish(&loaded);
}

static void test_text_is_stable(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	fill(&saved);
	assert_int_equal(policy_saved_save(&saved), 0);
	size_t first_length, second_length;
	char *first = read_text(f->path, &first_length);
	assert_int_equal(policy_saved_save(&saved), 0);
	char *second = read_text(f->path, &second_length);
	assert_int_equal(first_length, second_length);
	assert_memory_equal(first, second, first_length);

	/* The same entries set in another order give the same bytes. */
	struct policy_saved other;
	assert_int_equal(policy_saved_init(&other, f->dir), 0);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_OUTPUTS, OUTPUT1, "seat-1"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_OUTPUTS, OUTPUT2, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_OVERRIDES, KBD, NULL), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_OVERRIDES, MOUSE, "seat-3"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_DEVICES, HUB, "front-desk"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_DEVICES, KBD, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_CAPS, "seat-2/memory.max", "2G"), 1);
	assert_int_equal(policy_saved_set(&other, POLICY_SAVED_CAPS, "seat-1/cpu.max", "50%"), 1);
	assert_int_equal(policy_saved_save(&other), 0);
	free(second);
	second = read_text(f->path, &second_length);
	assert_string_equal(first, second);

	/* Human-readable: what the format promises, in this order. */
	const char *expected = "{\n"
			       "  \"version\": 1,\n"
			       "  \"output_names\": \"per-card\",\n"
			       "  \"devices\": {\n"
			       "    \"" HUB "\": \"front-desk\",\n"
			       "    \"" KBD "\": \"seat-2\"\n"
			       "  },\n"
			       "  \"overrides\": {\n"
			       "    \"" KBD "\": null,\n"
			       "    \"" MOUSE "\": \"seat-3\"\n"
			       "  },\n"
			       "  \"outputs\": {\n"
			       "    \"" OUTPUT1 "\": \"seat-1\",\n"
			       "    \"" OUTPUT2 "\": \"seat-2\"\n"
			       "  },\n"
			       "  \"caps\": {\n"
			       "    \"seat-1/cpu.max\": \"50%\",\n"
			       "    \"seat-2/memory.max\": \"2G\"\n"
			       "  }\n"
			       "}\n";
	assert_string_equal(first, expected);
	free(first);
	free(second);
	policy_saved_finish(&other);
	policy_saved_finish(&saved);
}

static void test_missing_file_is_empty(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), 0);
	assert_int_equal(errors.count, 0);
	for (int t = 0; t < POLICY_SAVED_TABLE_COUNT; t++)
		assert_int_equal(saved.counts[t], 0);
	assert_false(saved.read_only);
	policy_saved_finish(&saved);

	/* A missing dir too; saving then makes it, and its missing parent. */
	char dir[192];
	snprintf(dir, sizeof(dir), "%s/lib/multiseat", f->dir);
	assert_int_equal(policy_saved_init(&saved, dir), 0);
	assert_int_equal(policy_saved_load(&saved, NULL), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 1);
	assert_int_equal(policy_saved_save(&saved), 0);
	assert_true(exists(saved.path));
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	policy_saved_finish(&saved);
}

/*
 * Loads `text` (length bytes) from the state file; it must be rejected with every fragment
 * in some error line, be moved aside whole, and leave a state that saves.
 */
static void check_corrupt(struct tmptree_fixture *f, const char *text, size_t length, ...)
{
	write_text(f->path, text, length);
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 1);
	assert_int_equal(policy_saved_load(&saved, &errors), -EINVAL);

	va_list ap;
	va_start(ap, length);
	for (const char *part; (part = va_arg(ap, const char *));)
		assert_error_has(&errors, f->path, part, NULL);
	va_end(ap);
	assert_error_has(&errors, f->path, "moved aside to", ".corrupt-",
			 "starting with no saved assignments", NULL);
	for (int t = 0; t < POLICY_SAVED_TABLE_COUNT; t++)
		assert_int_equal(saved.counts[t], 0);
	assert_false(saved.read_only);

	assert_false(exists(f->path));
	char aside[256];
	assert_int_equal(count_prefixed(f->dir, "state.json.corrupt-", aside, sizeof(aside)), 1);
	size_t aside_length;
	char *bytes = read_text(aside, &aside_length);
	assert_int_equal(aside_length, length);
	assert_memory_equal(bytes, text, length);
	free(bytes);
	unlink(aside);

	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 1);
	assert_int_equal(policy_saved_save(&saved), 0);
	assert_int_equal(policy_saved_load(&saved, NULL), 0);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_DEVICES, KBD, NULL), "seat-1");
	unlink(f->path);
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

static void test_corrupt_garbage(void **state)
{
	static const char garbage[] = "\x7f"
				      "ELF\x02\x01\x01\0\0\0garbage";
	check_corrupt(*state, garbage, sizeof(garbage) - 1, ":1: not valid JSON (", NULL);
	/* The line is where the parser stopped. */
	const char *broken = "{\n  \"version\": 1,\n  \"devices\": {\"a\": seat-1}\n}\n";
	check_corrupt(*state, broken, strlen(broken), ":3: not valid JSON (unexpected character)",
		      NULL);
	const char *cut = "{\n  \"version\": 1,\n  \"devices\": {\n";
	check_corrupt(*state, cut, strlen(cut), ":4: not valid JSON (the file ends in the middle)",
		      NULL);
	const char *trailing = "{\"version\": 1}\n\n}\n";
	check_corrupt(*state, trailing, strlen(trailing), ":3: not valid JSON", NULL);
	check_corrupt(*state, "", 0, "not valid JSON (the file is empty)", NULL);
	const char *array = "[1, 2]\n";
	check_corrupt(*state, array, strlen(array), "expected a JSON object", "found an array",
		      NULL);
}

static void test_corrupt_version(void **state)
{
	const char *two = "{\"version\": 2, \"devices\": {}}";
	check_corrupt(*state, two, strlen(two), "\"version\" is 2, expected 1", NULL);
	const char *text = "{\"version\": \"1\"}";
	check_corrupt(*state, text, strlen(text), "\"version\" is \"1\", expected 1", NULL);
	const char *none = "{\"devices\": {}}";
	check_corrupt(*state, none, strlen(none), "\"version\" is missing", NULL);
}

static void test_corrupt_tables(void **state)
{
	const char *list = "{\"version\": 1, \"devices\": [\"seat-1\"]}";
	check_corrupt(*state, list, strlen(list), "\"devices\": expected an object",
		      "found an array", NULL);
	const char *bad_seat = "{\"version\": 1, \"outputs\": {\"" OUTPUT1 "\": \"Seat 1\"}}";
	check_corrupt(*state, bad_seat, strlen(bad_seat),
		      "\"outputs\": \"" OUTPUT1 "\": \"Seat 1\" is not a valid seat name", NULL);
	const char *number = "{\"version\": 1, \"devices\": {\"" KBD "\": 2}}";
	check_corrupt(*state, number, strlen(number),
		      "\"devices\": \"" KBD "\": expected a seat name, found a number", NULL);
	/* null means "on no seat" in overrides only. */
	const char *null_device = "{\"version\": 1, \"devices\": {\"" KBD "\": null}}";
	check_corrupt(*state, null_device, strlen(null_device), "expected a seat name, found null",
		      NULL);
	const char *empty_key = "{\"version\": 1, \"overrides\": {\"\": \"seat-1\"}}";
	check_corrupt(*state, empty_key, strlen(empty_key), "\"overrides\" has an empty key", NULL);
	char long_key[400];
	snprintf(long_key, sizeof(long_key), "{\"version\": 1, \"devices\": {\"%0300d\": \"a\"}}",
		 0);
	check_corrupt(*state, long_key, strlen(long_key), "a key longer than 255 bytes", NULL);
	/* Every problem is reported, not only the first. */
	const char *two =
		"{\"version\": 1, \"devices\": {\"a\": 1, \"b\": \"-x\"}, \"outputs\": 3}";
	check_corrupt(*state, two, strlen(two), "\"a\": expected a seat name",
		      "\"b\": \"-x\" is not a valid seat name", "\"outputs\": expected an object",
		      NULL);
	/* json-c cuts a key at a NUL: these two would become one key "a". */
	const char *nul_key = "{\"version\": 1,\n \"devices\": {\"a\\u0000x\": \"seat-1\", "
			      "\"a\\u0000y\": \"seat-2\"}}";
	check_corrupt(*state, nul_key, strlen(nul_key), ":2: a key holds \\u0000", NULL);
	/* In a value the length is known: the value is refused as a seat name. */
	const char *nul_value = "{\"version\": 1, \"devices\": {\"a\\\\u0000\": \"se\\u0000at\"}}";
	check_corrupt(*state, nul_value, strlen(nul_value),
		      "\"devices\": \"a\\u0000\": \"se\" is not a valid seat name", NULL);
}

/* A UTF-8 byte order mark, as some editors write one, is not an error. */
static void test_byte_order_mark(void **state)
{
	struct tmptree_fixture *f = *state;
	static const char text[] =
		"\xef\xbb\xbf{\"version\": 1, \"devices\": {\"" KBD "\": \"seat-2\"}}\n";
	write_text(f->path, text, sizeof(text) - 1);
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), 0);
	assert_int_equal(errors.count, 0);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_DEVICES, KBD, NULL), "seat-2");
	assert_int_equal(count_prefixed(f->dir, "state.json.corrupt", NULL, 0), 0);
	policy_saved_finish(&saved);
	policy_errors_finish(&errors);
}

static void test_corrupt_twice_same_second(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	write_text(f->path, "one", 3);
	assert_int_equal(policy_saved_load(&saved, NULL), -EINVAL);
	write_text(f->path, "two", 3);
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_load(&saved, &errors), -EINVAL);
	/* Both kept: the second gets -2 when the clock has not moved on (else a new stamp). */
	assert_int_equal(count_prefixed(f->dir, "state.json.corrupt-", NULL, 0), 2);
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

static void test_too_big(void **state)
{
	struct tmptree_fixture *f = *state;
	size_t length = 1024 * 1024 + 10;
	char *text = malloc(length);
	assert_non_null(text);
	memset(text, ' ', length);
	memcpy(text, "{\"version\": 1}", 14);
	write_text(f->path, text, length);
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), -EINVAL);
	assert_error_has(&errors, "too big", NULL);
	assert_int_equal(count_prefixed(f->dir, "state.json.corrupt-", NULL, 0), 1);
	free(text);
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

static void test_unknown_keys_ignored(void **state)
{
	struct tmptree_fixture *f = *state;
	const char *text = "{\"version\": 1, \"future\": {\"x\": [1]}, "
			   "\"devices\": {\"" KBD "\": \"seat-4\"}}\n";
	write_text(f->path, text, strlen(text));
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, NULL), 0);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_DEVICES, KBD, NULL), "seat-4");
	assert_int_equal(saved.counts[POLICY_SAVED_OUTPUTS], 0);
	policy_saved_finish(&saved);
}

/* A bad cap is reported and left out; the assignments and the other caps load. */
static void test_bad_caps_ignored(void **state)
{
	struct tmptree_fixture *f = *state;
	const char *text = "{\"version\": 1, \"devices\": {\"" KBD "\": \"seat-4\"},\n"
			   "\"caps\": {\"seat-4/memory.max\": \"12Q\",\n"
			   "  \"seat-4/pids.max\": \"200\",\n"
			   "  \"seat-4/cpu.max\": 50,\n"
			   "  \"seat-4/colour\": \"blue\",\n"
			   "  \"Seat 4/cpu.weight\": \"10\",\n"
			   "  \"seat-4\": \"10\",\n"
			   "  \"seat-4/cpuset\": \"0-3,6\",\n"
			   "  \"seat-5/cpuset\": \"3-1\"}}\n";
	write_text(f->path, text, strlen(text));
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), 0);
	assert_false(saved.read_only);
	assert_int_equal(count_prefixed(f->dir, "state.json.corrupt-", NULL, 0), 0);
	assert_int_equal(errors.count, 6);
	assert_error_has(&errors, f->path,
			 "\"caps\": \"seat-4/memory.max\": \"12Q\": expected a size", "; ignored",
			 NULL);
	assert_error_has(&errors,
			 "\"seat-4/cpu.max\": expected a string such as \"2G\", found a number",
			 NULL);
	assert_error_has(&errors, "\"seat-4/colour\": \"blue\": no such cap (known: cpu.weight",
			 NULL);
	assert_error_has(
		&errors,
		"\"Seat 4/cpu.weight\": \"10\": the key is not SEAT/KEY with a valid seat name",
		NULL);
	assert_error_has(&errors, "\"seat-4\": \"10\": the key is not SEAT/KEY", NULL);
	assert_error_has(&errors, "\"seat-5/cpuset\": \"3-1\": expected auto, or CPU numbers",
			 NULL);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_DEVICES, KBD, NULL), "seat-4");
	assert_int_equal(saved.counts[POLICY_SAVED_CAPS], 2);
	struct policy_caps caps;
	policy_caps_init(&caps);
	assert_int_equal(policy_saved_apply_caps(&saved, "seat-4", &caps), 2);
	assert_int_equal(caps.pids_max, 200);
	assert_string_equal(caps.cpuset, "0-3,6");
	assert_int_equal(caps.memory_max, POLICY_UNSET);
	policy_caps_finish(&caps);
	policy_errors_finish(&errors);

	/* A caps table that is not an object is ignored as a whole, the rest loads. */
	const char *list = "{\"version\": 1, \"devices\": {\"" KBD "\": \"seat-4\"}, \"caps\": []}";
	write_text(f->path, list, strlen(list));
	assert_int_equal(policy_saved_load(&saved, &errors), 0);
	assert_int_equal(errors.count, 1);
	assert_error_has(&errors,
			 "\"caps\": expected an object of SEAT/KEY -> value, found an array", NULL);
	assert_int_equal(saved.counts[POLICY_SAVED_DEVICES], 1);
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

static void test_unreadable_is_read_only(void **state)
{
	struct tmptree_fixture *f = *state;
	assert_int_equal(mkdir(f->path, 0755), 0);
	char inside[192];
	snprintf(inside, sizeof(inside), "%s/keep", f->path);
	write_text(inside, "x", 1);

	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), -EISDIR);
	assert_true(saved.read_only);
	assert_error_has(&errors, f->path, ": cannot be read: ", strerror(EISDIR), NULL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 1);
	assert_int_equal(policy_saved_save(&saved), -EROFS);

	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(exists(inside));
	assert_int_equal(count_prefixed(f->dir, "state.json.", NULL, 0), 0);
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

/* A FIFO must neither hang the load nor be moved aside. */
static void test_fifo_is_read_only(void **state)
{
	struct tmptree_fixture *f = *state;
	assert_int_equal(mkfifo(f->path, 0644), 0);
	struct policy_saved saved;
	struct policy_errors errors = {0};
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_load(&saved, &errors), -EBADFD);
	assert_true(saved.read_only);
	assert_error_has(&errors, f->path, ": cannot be read: not a regular file", NULL);
	assert_int_equal(policy_saved_save(&saved), -EROFS);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
}

static void test_save_leaves_no_temp(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	fill(&saved);
	/* A temp file from a save that died half way is simply replaced. */
	char temp[192];
	snprintf(temp, sizeof(temp), "%s.tmp", f->path);
	write_text(temp, "half", 4);
	assert_int_equal(policy_saved_save(&saved), 0);
	assert_false(exists(temp));
	assert_int_equal(count_prefixed(f->dir, "", NULL, 0), 3); /* ".", ".." and the file */
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	policy_saved_finish(&saved);
}

static void test_save_failure_keeps_old_file(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	fill(&saved);
	assert_int_equal(policy_saved_save(&saved), 0);
	size_t old_length;
	char *old = read_text(f->path, &old_length);
	/* A directory where the temp file goes makes the open fail. */
	char temp[192];
	snprintf(temp, sizeof(temp), "%s.tmp", f->path);
	assert_int_equal(mkdir(temp, 0755), 0);
	assert_int_equal(policy_saved_remove(&saved, POLICY_SAVED_DEVICES, KBD), 1);
	assert_int_equal(policy_saved_save(&saved), -EISDIR);
	size_t length;
	char *now = read_text(f->path, &length);
	assert_string_equal(now, old);
	rmdir(temp);
	free(old);
	free(now);
	policy_saved_finish(&saved);
}

static void test_set_remove_forget(void **state)
{
	struct tmptree_fixture *f = *state;
	struct policy_saved saved;
	assert_int_equal(policy_saved_init(&saved, f->dir), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-1"), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OVERRIDES, KBD, NULL), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OVERRIDES, KBD, NULL), 0);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OVERRIDES, KBD, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OVERRIDES, KBD, NULL), 1);

	/* Bad input changes nothing. */
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, "Seat 2"), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, ""), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, KBD, NULL), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OUTPUTS, OUTPUT1, NULL), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, "", "seat-1"), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, "a\nb", "seat-1"), -EINVAL);
	assert_int_equal(policy_saved_set(&saved, (enum policy_saved_table)7, KBD, "seat-1"),
			 -EINVAL);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_DEVICES, KBD, NULL), "seat-2");

	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, HUB, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_DEVICES, MOUSE, "seat-3"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OVERRIDES, MOUSE, "seat-2"), 1);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_OUTPUTS, OUTPUT1, "seat-2"), 1);
	/* Sorted as they went in. */
	for (size_t i = 1; i < saved.counts[POLICY_SAVED_DEVICES]; i++)
		assert_true(strcmp(saved.tables[POLICY_SAVED_DEVICES][i - 1].key,
				   saved.tables[POLICY_SAVED_DEVICES][i].key) < 0);

	struct policy_caps caps;
	policy_caps_init(&caps);
	caps.memory_high = 1536ll << 20;
	assert_int_equal(policy_saved_set_cap(&saved, "seat-2", POLICY_CAP_MEMORY_HIGH, &caps), 1);
	assert_int_equal(policy_saved_set_cap(&saved, "seat-2", POLICY_CAP_MEMORY_HIGH, &caps), 0);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_CAPS, "seat-2/memory.high", NULL),
			    "1536M");
	/* Bad caps change nothing either. */
	assert_int_equal(policy_saved_set_cap(&saved, "Seat 2", POLICY_CAP_MEMORY_HIGH, &caps),
			 -EINVAL);
	assert_int_equal(policy_saved_set_cap(&saved, "seat-2", (enum policy_cap)8, &caps),
			 -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_CAPS, "seat-2/pids.max", "0"),
			 -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_CAPS, "seat-2/pids.max", NULL),
			 -EINVAL);
	assert_int_equal(policy_saved_set(&saved, POLICY_SAVED_CAPS, "seat-2/pid.max", "10"),
			 -EINVAL);
	assert_int_equal(saved.counts[POLICY_SAVED_CAPS], 1);

	/* Devices and overrides of seat-2 go; the override to no seat, the output name and the
	 * caps stay. */
	assert_int_equal(policy_saved_forget_seat(&saved, "seat-2"), 3);
	assert_int_equal(saved.counts[POLICY_SAVED_CAPS], 1);
	/* An unset cap drops its entry. */
	policy_caps_unset(&caps, POLICY_CAP_MEMORY_HIGH);
	assert_int_equal(policy_saved_set_cap(&saved, "seat-2", POLICY_CAP_MEMORY_HIGH, &caps), 1);
	assert_int_equal(policy_saved_set_cap(&saved, "seat-2", POLICY_CAP_MEMORY_HIGH, &caps), 0);
	assert_int_equal(saved.counts[POLICY_SAVED_CAPS], 0);
	assert_int_equal(saved.counts[POLICY_SAVED_DEVICES], 1);
	assert_string_equal(saved.tables[POLICY_SAVED_DEVICES][0].key, MOUSE);
	assert_int_equal(saved.counts[POLICY_SAVED_OVERRIDES], 1);
	bool found;
	assert_null(policy_saved_get(&saved, POLICY_SAVED_OVERRIDES, KBD, &found));
	assert_true(found);
	assert_string_equal(policy_saved_get(&saved, POLICY_SAVED_OUTPUTS, OUTPUT1, NULL),
			    "seat-2");
	assert_int_equal(policy_saved_forget_seat(&saved, "seat-2"), 0);

	assert_int_equal(policy_saved_remove(&saved, POLICY_SAVED_DEVICES, MOUSE), 1);
	assert_int_equal(policy_saved_remove(&saved, POLICY_SAVED_DEVICES, MOUSE), 0);
	assert_int_equal(saved.counts[POLICY_SAVED_DEVICES], 0);
	assert_int_equal(policy_saved_remove(&saved, (enum policy_saved_table) - 1, MOUSE),
			 -EINVAL);
	policy_saved_finish(&saved);

	assert_int_equal(policy_saved_init(&saved, ""), -EINVAL);
	assert_int_equal(policy_saved_init(&saved, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_is_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_order_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_twice_same_second, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_caps_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_is_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_is_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_leaves_no_temp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_failure_keeps_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_remove_forget, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
