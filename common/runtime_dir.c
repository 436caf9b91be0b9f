/* Runtime directories of seat users and logged-in users, made and removed by root. */
#include "runtime_dir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int runtime_dir_remove(const char *dir)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int runtime_dir_create(const char *dir, uid_t uid, gid_t gid)
{
	int ret = runtime_dir_remove(dir);
	if (ret < 0)
		return ret;
	/* Mode 0700 from mkdir on: no moment in which another user could get in. */
	if (mkdir(dir, 0700) < 0)
		return -errno;
	if (lchown(dir, uid, gid) < 0 || chmod(dir, 0700) < 0) {
		ret = -errno;
		rmdir(dir);
		return ret;
	}
	return 0;
}
