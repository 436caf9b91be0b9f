/*
 * Runs a libFuzzer harness without libFuzzer, over the files named and the files in the
 * directories named (a seed corpus): so that every build runs each harness and its checks.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define INPUT_MAX (1 << 20)

static int run_file(const char *path, size_t *count)
{
	FILE *file = fopen(path, "rb");
	if (!file) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	static uint8_t data[INPUT_MAX];
	size_t size = fread(data, 1, sizeof(data), file);
	int failed = ferror(file);
	fclose(file);
	if (failed) {
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	(*count)++;
	return 0;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	int ret = 0;
	struct dirent *entry;
	while (ret == 0 && (entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		char child[4096];
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		ret = run_file(child, count);
	}
	closedir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		if (run_path(argv[i], &count) < 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "%s: no inputs\n", argv[0]);
		return 1;
	}
	printf("%zu inputs, no check failed\n", count);
	return 0;
}
