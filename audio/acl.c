/* Who may open a sound card's device nodes: one named user entry in each node's access ACL. */
#include "audio.h"

#include <acl/libacl.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/acl.h>

/* Removes every ACL_USER entry; sets *changed when there was one. */
static int drop_named_users(acl_t acl, bool *changed)
{
	/* From the first entry again after each deletion: no iterator outlives a change. */
	for (;;) {
		acl_entry_t entry;
		int ret = acl_get_entry(acl, ACL_FIRST_ENTRY, &entry);
		for (; ret == 1; ret = acl_get_entry(acl, ACL_NEXT_ENTRY, &entry)) {
			acl_tag_t tag;
			if (acl_get_tag_type(entry, &tag) < 0)
				return -errno;
			if (tag == ACL_USER)
				break;
		}
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
		if (acl_delete_entry(acl, entry) < 0)
			return -errno;
		*changed = true;
	}
}

static int perm_is(acl_permset_t perms, acl_perm_t perm, bool wanted)
{
	return (acl_get_perm(perms, perm) == 1) == wanted;
}

/* The user's entry with exactly `mode` (AUDIO_ACL_*), when it is the only named one. */
static bool has_only_user(acl_t acl, uid_t uid, unsigned mode)
{
	int users = 0;
	bool right = false;
	acl_entry_t entry;
	for (int ret = acl_get_entry(acl, ACL_FIRST_ENTRY, &entry); ret == 1;
	     ret = acl_get_entry(acl, ACL_NEXT_ENTRY, &entry)) {
		acl_tag_t tag;
		if (acl_get_tag_type(entry, &tag) < 0 || tag != ACL_USER)
			continue;
		users++;
		uid_t *qualifier = acl_get_qualifier(entry);
		acl_permset_t perms;
		if (qualifier && *qualifier == uid && acl_get_permset(entry, &perms) == 0)
			right = perm_is(perms, ACL_READ, mode & AUDIO_ACL_READ) &&
				perm_is(perms, ACL_WRITE, mode & AUDIO_ACL_WRITE) &&
				perm_is(perms, ACL_EXECUTE, mode & AUDIO_ACL_EXECUTE);
		acl_free(qualifier);
	}
	return users == 1 && right;
}

static int add_user(acl_t *acl, uid_t uid, unsigned mode)
{
	acl_entry_t entry;
	acl_permset_t perms;
	if (acl_create_entry(acl, &entry) < 0 || acl_set_tag_type(entry, ACL_USER) < 0 ||
	    acl_set_qualifier(entry, &uid) < 0 || acl_get_permset(entry, &perms) < 0 ||
	    acl_clear_perms(perms) < 0 ||
	    ((mode & AUDIO_ACL_READ) && acl_add_perm(perms, ACL_READ) < 0) ||
	    ((mode & AUDIO_ACL_WRITE) && acl_add_perm(perms, ACL_WRITE) < 0) ||
	    ((mode & AUDIO_ACL_EXECUTE) && acl_add_perm(perms, ACL_EXECUTE) < 0) ||
	    acl_set_permset(entry, perms) < 0)
		return -errno;
	return 0;
}

int audio_acl_set_user(const char *path, uid_t uid)
{
	return audio_acl_set_user_mode(path, uid, AUDIO_ACL_READ | AUDIO_ACL_WRITE);
}

int audio_acl_set_user_mode(const char *path, uid_t uid, unsigned mode)
{
	acl_t acl = acl_get_file(path, ACL_TYPE_ACCESS);
	if (!acl)
		return -errno;
	int ret = 0;
	if (uid != AUDIO_NO_USER && has_only_user(acl, uid, mode))
		goto out;
	bool changed = false;
	ret = drop_named_users(acl, &changed);
	if (ret < 0)
		goto out;
	if (uid != AUDIO_NO_USER) {
		ret = add_user(&acl, uid, mode);
		if (ret < 0)
			goto out;
		changed = true;
	}
	if (!changed)
		goto out;
	/* The mask bounds the named entries: without it the user's rw would not count. */
	if (acl_calc_mask(&acl) < 0 || acl_set_file(path, ACL_TYPE_ACCESS, acl) < 0) {
		ret = -errno;
		goto out;
	}
	ret = 1;
out:
	acl_free(acl);
	return ret;
}
