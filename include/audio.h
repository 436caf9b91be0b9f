/* Audio library: who may open a seat's sound devices (ACLs). */
#ifndef MULTISEAT_AUDIO_H
#define MULTISEAT_AUDIO_H

#include <sys/types.h>

/* No named user: only the node's owner and group (root, audio) may open it. */
#define AUDIO_NO_USER ((uid_t)-1)

/*
 * Makes `uid` (read and write) the only named user in the access ACL of `path`, a device
 * node; AUDIO_NO_USER removes every named user. The owner, group and other entries stay as
 * udev made them. Returns 1 when the ACL changed, 0 when it was already so (nothing is
 * written, so watchers of the node see no attribute change), or a negative errno
 * (-EOPNOTSUPP: the filesystem has no ACLs).
 */
int audio_acl_set_user(const char *path, uid_t uid);

#endif
