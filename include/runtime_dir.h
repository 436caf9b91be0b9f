/* A user's runtime directory (XDG_RUNTIME_DIR): made fresh and private, removed whole. */
#ifndef MULTISEAT_RUNTIME_DIR_H
#define MULTISEAT_RUNTIME_DIR_H

#include <sys/types.h>

/*
 * Makes `dir` an empty directory owned by uid:gid, mode 0700; whatever was there before (a
 * previous session's files) is removed first. The parent must exist. 0 or -errno.
 */
int runtime_dir_create(const char *dir, uid_t uid, gid_t gid);
/*
 * Removes `dir` and everything in it; a missing dir is not an error. A symlink left inside
 * is removed, never followed, and nothing on another file system mounted inside is touched.
 */
int runtime_dir_remove(const char *dir);

#endif
