/*
 * What the admin should read on the free monitors' identify screens: a config's errors, the
 * assignment's conflicts and notes, as a few lines of small print. The journal has them all.
 */
#ifndef MULTISEAT_SEATD_ADMIN_NOTES_H
#define MULTISEAT_SEATD_ADMIN_NOTES_H

#include <stddef.h>

#include "policy.h"

/* At most this many messages are shown; a last line counts the rest. */
#define ADMIN_NOTES_LINES 4
/* A message longer than this many bytes is cut (at a UTF-8 boundary) and ends in "…". */
#define ADMIN_NOTES_LINE_MAX 180
/* Room for a heading, the lines and the count. */
#define ADMIN_NOTES_SIZE 860

/*
 * Writes `heading` (NULL: none) and the messages of `lists` (count of them, in order; NULL
 * entries and NULL lines skipped), one per line, into `out` (always NUL-terminated), then
 * "and N more: journalctl -u multiseatd" when some did not fit. "" when there are none.
 */
void admin_notes_format(char *out, size_t size, const char *heading,
			const struct policy_errors *const *lists, size_t count);

#endif
