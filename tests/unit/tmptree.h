/* Unit tests' temporary directory trees: removing one with everything in it. */
#ifndef MULTISEAT_TESTS_TMPTREE_H
#define MULTISEAT_TESTS_TMPTREE_H

#include <dirent.h>
#include <stdio.h>
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

#endif
