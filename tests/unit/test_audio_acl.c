/* audio_acl_set_user on real files: the named-user entries of their access ACLs. */
#include <acl/libacl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audio.h"
#include "tmptree.h"

struct fixture {
	char dir[64];
	char node[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/ms-acl-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->node, sizeof(f->node), "%s/pcmC0D0p", f->dir);
	FILE *file = fopen(f->node, "w");
	if (!file)
		return -1;
	fclose(file);
	chmod(f->node, 0660);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tmptree_remove(f->dir);
	free(f);
	return 0;
}

/* The named users of the file's access ACL, as "uid:perms" joined by spaces. */
static void named_users(const char *path, char *out, size_t size)
{
	out[0] = '\0';
	acl_t acl = acl_get_file(path, ACL_TYPE_ACCESS);
	assert_non_null(acl);
	acl_entry_t entry;
	for (int ret = acl_get_entry(acl, ACL_FIRST_ENTRY, &entry); ret == 1;
	     ret = acl_get_entry(acl, ACL_NEXT_ENTRY, &entry)) {
		acl_tag_t tag;
		assert_int_equal(acl_get_tag_type(entry, &tag), 0);
		if (tag != ACL_USER)
			continue;
		uid_t *uid = acl_get_qualifier(entry);
		acl_permset_t perms;
		assert_int_equal(acl_get_permset(entry, &perms), 0);
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%u:%c%c%c", len ? " " : "", (unsigned)*uid,
			 acl_get_perm(perms, ACL_READ) ? 'r' : '-',
			 acl_get_perm(perms, ACL_WRITE) ? 'w' : '-',
			 acl_get_perm(perms, ACL_EXECUTE) ? 'x' : '-');
		acl_free(uid);
	}
	acl_free(acl);
}

/* The mask entry's permissions: the named user's rw only counts within it. */
static void mask_of(const char *path, char *out)
{
	strcpy(out, "none");
	acl_t acl = acl_get_file(path, ACL_TYPE_ACCESS);
	assert_non_null(acl);
	acl_entry_t entry;
	for (int ret = acl_get_entry(acl, ACL_FIRST_ENTRY, &entry); ret == 1;
	     ret = acl_get_entry(acl, ACL_NEXT_ENTRY, &entry)) {
		acl_tag_t tag;
		acl_permset_t perms;
		if (acl_get_tag_type(entry, &tag) == 0 && tag == ACL_MASK &&
		    acl_get_permset(entry, &perms) == 0)
			snprintf(out, 8, "%c%c", acl_get_perm(perms, ACL_READ) ? 'r' : '-',
				 acl_get_perm(perms, ACL_WRITE) ? 'w' : '-');
	}
	acl_free(acl);
}

static void test_grant_is_idempotent(void **state)
{
	struct fixture *f = *state;
	char users[128], mask[8];
	assert_int_equal(audio_acl_set_user(f->node, 4001), 1);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "4001:rw-");
	mask_of(f->node, mask);
	assert_string_equal(mask, "rw");
	/* Already so: nothing is written. */
	assert_int_equal(audio_acl_set_user(f->node, 4001), 0);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "4001:rw-");
}

static void test_moving_to_another_user_drops_the_first(void **state)
{
	struct fixture *f = *state;
	char users[128];
	assert_int_equal(audio_acl_set_user(f->node, 4001), 1);
	assert_int_equal(audio_acl_set_user(f->node, 4002), 1);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "4002:rw-");
}

static void test_revoke(void **state)
{
	struct fixture *f = *state;
	char users[128];
	/* Nothing to revoke yet. */
	assert_int_equal(audio_acl_set_user(f->node, AUDIO_NO_USER), 0);
	assert_int_equal(audio_acl_set_user(f->node, 4001), 1);
	assert_int_equal(audio_acl_set_user(f->node, AUDIO_NO_USER), 1);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "");
	assert_int_equal(audio_acl_set_user(f->node, AUDIO_NO_USER), 0);
}

/* Entries someone else left (a crashed daemon, a hand-made setfacl) are not kept. */
static void test_stray_entries_go(void **state)
{
	struct fixture *f = *state;
	char users[128];
	acl_t acl = acl_from_text("u::rw-,u:4005:r--,u:4006:rwx,g::rw-,m::rwx,o::---");
	assert_non_null(acl);
	assert_int_equal(acl_set_file(f->node, ACL_TYPE_ACCESS, acl), 0);
	acl_free(acl);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "4005:r-- 4006:rwx");
	assert_int_equal(audio_acl_set_user(f->node, 4006), 1);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "4006:rw-");
	assert_int_equal(audio_acl_set_user(f->node, AUDIO_NO_USER), 1);
	named_users(f->node, users, sizeof(users));
	assert_string_equal(users, "");
}

static void test_missing_node(void **state)
{
	struct fixture *f = *state;
	char path[160];
	snprintf(path, sizeof(path), "%s/controlC9", f->dir);
	assert_int_equal(audio_acl_set_user(path, 4001), -ENOENT);
	assert_int_equal(audio_acl_set_user(path, AUDIO_NO_USER), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grant_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moving_to_another_user_drops_the_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_entries_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_node, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
