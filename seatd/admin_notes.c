/* A few lines of the config's and the assignment's messages, for the identify screens. */
#include "admin_notes.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static void append(char *out, size_t size, size_t *used, const char *text, size_t length)
{
	if (*used + 1 >= size)
		return;
	size_t room = size - *used - 1;
	if (length > room)
		length = utf8_cut(text, length, room);
	memcpy(out + *used, text, length);
	*used += length;
	out[*used] = '\0';
}

static bool shown_line(const char *line)
{
	return line && line[0];
}

void admin_notes_format(char *out, size_t size, const char *heading,
			const struct policy_errors *const *lists, size_t count)
{
	if (size == 0)
		return;
	out[0] = '\0';
	size_t total = 0;
	for (size_t l = 0; l < count; l++) {
		for (size_t i = 0; lists[l] && i < lists[l]->count; i++)
			total += shown_line(lists[l]->lines[i]);
		total += lists[l] ? lists[l]->dropped : 0;
	}
	if (total == 0)
		return;
	size_t used = 0, shown = 0;
	if (heading) {
		append(out, size, &used, heading, strlen(heading));
		append(out, size, &used, "\n", 1);
	}
	for (size_t l = 0; l < count && shown < ADMIN_NOTES_LINES; l++) {
		for (size_t i = 0; lists[l] && i < lists[l]->count && shown < ADMIN_NOTES_LINES;
		     i++) {
			const char *line = lists[l]->lines[i];
			if (!shown_line(line))
				continue;
			if (shown++ > 0)
				append(out, size, &used, "\n", 1);
			size_t length = utf8_cut(line, strlen(line), ADMIN_NOTES_LINE_MAX);
			append(out, size, &used, line, length);
			if (length < strlen(line))
				append(out, size, &used, "…", strlen("…"));
		}
	}
	if (total == shown)
		return;
	char tail[80];
	int n = shown > 0 ? snprintf(tail, sizeof(tail), "\nand %zu more: journalctl -u multiseatd",
				     total - shown)
			  : snprintf(tail, sizeof(tail), "%zu messages: journalctl -u multiseatd",
				     total);
	if (n > 0)
		append(out, size, &used, tail, (size_t)n);
}
