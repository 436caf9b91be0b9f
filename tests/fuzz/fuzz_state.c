/*
 * libFuzzer harness of state.json: the loader, its checks and moving a bad file aside; a
 * file it takes must save and load back to the same tables.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "policy.h"

/* A state dir of this process on tmpfs, where the saves' fsyncs cost nothing. */
static const char *state_dir(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/dev/shm/ms-fuzz-state-XXXXXX");
		if (!mkdtemp(dir)) {
			snprintf(dir, sizeof(dir), "/tmp/ms-fuzz-state-XXXXXX");
			if (!mkdtemp(dir))
				abort();
		}
	}
	return dir;
}

/* Empties the dir: the state file, the files moved aside, a save's temp file. */
static void clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		abort();
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			unlinkat(dirfd(d), entry->d_name, 0);
	}
	closedir(d);
}

static void write_state(const char *dir, const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/state.json", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

static bool same_tables(const struct policy_saved *a, const struct policy_saved *b)
{
	for (int t = 0; t < POLICY_SAVED_TABLE_COUNT; t++) {
		if (a->counts[t] != b->counts[t])
			return false;
		for (size_t i = 0; i < a->counts[t]; i++) {
			const struct policy_state_entry *x = &a->tables[t][i],
							*y = &b->tables[t][i];
			if (strcmp(x->key, y->key) != 0 || (!x->seat) != (!y->seat) ||
			    (x->seat && strcmp(x->seat, y->seat) != 0))
				return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = state_dir();
	clear_dir(dir);
	write_state(dir, data, size);
	struct policy_saved saved, again;
	struct policy_errors errors = {0};
	if (policy_saved_init(&saved, dir) < 0 || policy_saved_init(&again, dir) < 0)
		abort();
	int ret = policy_saved_load(&saved, &errors);
	for (size_t i = 0; i < errors.count; i++) {
		if (errors.lines[i])
			fuzz_check_line(errors.lines[i]);
	}
	/* A refused file is reported, and its tables are empty. */
	if (ret < 0 && errors.count + errors.dropped == 0)
		abort();
	for (int t = 0; ret < 0 && t < POLICY_SAVED_TABLE_COUNT; t++) {
		if (saved.counts[t])
			abort();
	}
	if (ret == 0) {
		if (policy_saved_save(&saved) < 0 || policy_saved_load(&again, NULL) < 0 ||
		    !same_tables(&saved, &again))
			abort();
	}
	policy_errors_finish(&errors);
	policy_saved_finish(&saved);
	policy_saved_finish(&again);
	return 0;
}
