/*
 * libFuzzer harness of the udev side of seats (policy/udev_export.c): path tags, logind seat
 * names, the rule lines exported and the ID_SEAT values imported. The input is lines: an
 * ID_PATH, then seat names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

#define NAMES_MAX 8

static bool tag_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-' || c == '_';
}

/* The tag is udev's: [0-9A-Za-z-] runs joined by single '_', none at either end. */
static void check_tag(const char *tag)
{
	size_t length = strlen(tag);
	if (length == 0 || tag[0] == '_' || tag[length - 1] == '_' || strstr(tag, "__"))
		abort();
	for (size_t i = 0; i < length; i++) {
		if (!tag_char(tag[i]))
			abort();
	}
}

/* One rule: one line, in a file name with no '/'. */
static void check_rule(const char *tag, const char *logind_seat)
{
	char id_for_seat[300];
	snprintf(id_for_seat, sizeof(id_for_seat), "input-%s", tag);
	struct policy_udev_rule rule;
	if (policy_udev_rule_init(&rule, id_for_seat, logind_seat) < 0)
		return; /* too long for a file name */
	size_t length = strlen(rule.text);
	if (strchr(rule.file_name, '/') || length == 0 || rule.text[length - 1] != '\n' ||
	    strchr(rule.text, '\n') != rule.text + length - 1)
		abort();
	policy_udev_rule_finish(&rule);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *lines[NAMES_MAX + 1];
	size_t count = 0;
	for (char *line = text, *next; line && count < NAMES_MAX + 1; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lines[count++] = line;
	}
	char *tag = policy_udev_path_tag(lines[0]);
	if (tag)
		check_tag(tag);

	/* The seats this input names, each with the name logind knows it by. */
	const char *names[NAMES_MAX];
	char *logind[NAMES_MAX];
	size_t seats = 0;
	for (size_t i = 1; i < count; i++) {
		if (!policy_seat_name_valid(lines[i]))
			continue;
		char *name = policy_udev_seat_name(lines[i]);
		if (!name)
			abort(); /* every seat name has a logind name */
		names[seats] = lines[i];
		logind[seats++] = name;
	}
	bool distinct = true;
	for (size_t i = 0; i < seats; i++) {
		for (size_t j = i + 1; j < seats; j++)
			distinct = distinct && strcmp(logind[i], logind[j]) != 0;
	}
	for (size_t i = 0; i < seats; i++) {
		/* What the daemon writes, imported, names the seat it was written for (the
		 * config refuses seats that logind would not tell apart). */
		if (distinct && policy_udev_seat_lookup(logind[i], names, NULL, seats) != (int)i)
			abort();
		if (tag)
			check_rule(tag, logind[i]);
	}
	/* Anything udev may hold in ID_SEAT: an index in range, or none. */
	for (size_t i = 1; i < count; i++) {
		int numbers[NAMES_MAX];
		for (size_t n = 0; n < seats; n++)
			numbers[n] = (int)n + 1;
		int found = policy_udev_seat_lookup(lines[i], names, numbers, seats);
		if (found < -1 || found >= (int)seats)
			abort();
	}
	for (size_t i = 0; i < seats; i++)
		free(logind[i]);
	free(tag);
	free(text);
	return 0;
}
