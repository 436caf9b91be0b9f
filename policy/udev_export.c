/* Seats as logind sees them: udev's path tags, logind seat names, and 72-seat-*.rules files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* logind refuses longer seat names. */
#define LOGIND_SEAT_MAX 255
/* NAME_MAX less "72-seat-" and ".rules". */
#define ID_FOR_SEAT_MAX (255 - 14)

/* ASCII only: isalnum() would follow the locale, udev does not. */
static bool ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* What logind accepts (its seat_name_is_valid): "seat", then at least one [A-Za-z0-9_-]. */
static bool logind_seat_valid(const char *name)
{
	size_t length = strlen(name);
	if (length <= 4 || length > LOGIND_SEAT_MAX || strncmp(name, "seat", 4) != 0)
		return false;
	for (size_t i = 4; i < length; i++) {
		if (!ascii_alnum(name[i]) && name[i] != '-' && name[i] != '_')
			return false;
	}
	return true;
}

/*
 * path_id's tag: a run of anything but [0-9A-Za-z-] becomes one '_', with none at either
 * end. An ID_PATH that leaves nothing has no tag (udev then sets no ID_FOR_SEAT): EINVAL.
 */
char *policy_udev_path_tag(const char *id_path)
{
	if (!id_path) {
		errno = EINVAL;
		return NULL;
	}
	char *tag = malloc(strlen(id_path) + 1);
	if (!tag)
		return NULL;
	size_t length = 0;
	bool gap = false; /* characters dropped since the last one kept */
	for (const char *c = id_path; *c; c++) {
		if (!ascii_alnum(*c) && *c != '-') {
			gap = true;
			continue;
		}
		if (gap && length > 0)
			tag[length++] = '_';
		gap = false;
		tag[length++] = *c;
	}
	tag[length] = '\0';
	if (length == 0) {
		free(tag);
		errno = EINVAL;
		return NULL;
	}
	return tag;
}

char *policy_udev_seat_name(const char *seat)
{
	if (!seat) {
		errno = EINVAL;
		return NULL;
	}
	char *name;
	if (logind_seat_valid(seat))
		name = strdup(seat);
	else if (asprintf(&name, "seat-%s", seat) < 0)
		name = NULL;
	if (name && !logind_seat_valid(name)) {
		free(name);
		errno = EINVAL;
		return NULL;
	}
	return name;
}

/* N of "seatN" or "seat-N" (no leading zeros: "seat01" is another name), else -1. */
static int seat_number(const char *id_seat)
{
	const char *digits = id_seat + 4;
	if (*digits == '-')
		digits++;
	size_t length = strspn(digits, "0123456789");
	if (length == 0 || length > 9 || digits[length] != '\0' || digits[0] == '0')
		return -1;
	return atoi(digits);
}

int policy_udev_seat_lookup(const char *id_seat, const char *const *names, const int *numbers,
			    size_t count)
{
	if (!id_seat || !names)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (names[i] && strcmp(names[i], id_seat) == 0)
			return (int)i;
	}
	if (strncmp(id_seat, "seat", 4) != 0)
		return -1;
	if (id_seat[4] == '-') {
		for (size_t i = 0; i < count; i++) {
			if (names[i] && strcmp(names[i], id_seat + 5) == 0)
				return (int)i;
		}
	}
	/* seat0 is logind's default seat: no number of ours means it. */
	int n = seat_number(id_seat);
	if (n <= 0 || !numbers)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (numbers[i] == n)
			return (int)i;
	}
	return -1;
}

/*
 * Characters that are safe both inside a rule's "..." (no quote, backslash or glob
 * character) and in a file name (no '/'). udev's ID_FOR_SEAT only ever holds these.
 */
static bool id_for_seat_valid(const char *id)
{
	size_t length = strlen(id);
	if (length == 0 || length > ID_FOR_SEAT_MAX)
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = id[i];
		if (!ascii_alnum(c) && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

int policy_udev_rule_init(struct policy_udev_rule *rule, const char *id_for_seat,
			  const char *logind_seat)
{
	*rule = (struct policy_udev_rule){0};
	if (!id_for_seat || !logind_seat || !id_for_seat_valid(id_for_seat) ||
	    !logind_seat_valid(logind_seat))
		return -EINVAL;
	if (asprintf(&rule->file_name, "72-seat-%s.rules", id_for_seat) < 0)
		goto err;
	/* The line logind's AttachDevice writes, so that loginctl and we read each other's. */
	if (asprintf(&rule->text, "TAG==\"seat\", ENV{ID_FOR_SEAT}==\"%s\", ENV{ID_SEAT}=\"%s\"\n",
		     id_for_seat, logind_seat) < 0) {
		rule->text = NULL;
		goto err_file_name;
	}
	return 0;

err_file_name:
	free(rule->file_name);
err:
	*rule = (struct policy_udev_rule){0};
	return -ENOMEM;
}

void policy_udev_rule_finish(struct policy_udev_rule *rule)
{
	free(rule->file_name);
	free(rule->text);
	*rule = (struct policy_udev_rule){0};
}
