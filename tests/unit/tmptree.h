/* Unit tests' temporary directory trees: removing one with everything in it. */
#ifndef MULTISEAT_TESTS_TMPTREE_H
#define MULTISEAT_TESTS_TMPTREE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Removes `path` and, for a directory, everything below it. */
static inline void tmptree_remove(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir) {
		unlink(path);
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		char child[1024];
		int n = snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		if (n > 0 && (size_t)n < sizeof(child))
			tmptree_remove(child);
	}
	closedir(dir);
	rmdir(path);
}

/* A test's own temporary directory, and the path of one file in it. */
struct tmptree_fixture {
	char dir[64];
	char path[128];
};

/* For a cmocka setup: `tmpl` ends in XXXXXX (mkdtemp); `file` is the name in it. */
static inline int tmptree_fixture_setup(void **state, const char *tmpl, const char *file)
{
	struct tmptree_fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s", tmpl);
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, file);
	*state = f;
	return 0;
}

/* For a cmocka teardown: the directory goes with everything in it. */
static inline int tmptree_fixture_teardown(void **state)
{
	struct tmptree_fixture *f = *state;
	tmptree_remove(f->dir);
	free(f);
	return 0;
}

#endif
