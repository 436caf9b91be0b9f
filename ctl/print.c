/* What multiseatctl prints for each command's reply: tables, messages, rule files. */
#include "print.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "reply.h"
#include "seat_text.h"
#include "table.h"

static int print_status(FILE *out, struct json_object *result)
{
	struct json_object *seats = reply_field(result, "seats", json_type_array);
	struct json_object *unassigned = reply_field(result, "unassigned", json_type_array);
	if (reply_array_length(seats) == 0)
		fputs("no seats\n", out);
	struct ctl_table usage = {.columns = 7};
	const char *header[] = {"SEAT", "STATE", "CPU", "MEM", "PIDS", "THROTTLED", "OOM"};
	ctl_table_add(&usage, header);
	for (size_t i = 0; i < reply_array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i);
		struct usage_text u;
		ctl_format_usage(seat, &u);
		const char *row[] = {reply_string(seat, "name"),
				     reply_string(seat, "state"),
				     u.cpu,
				     u.memory,
				     u.pids,
				     u.throttled,
				     u.oom};
		ctl_table_add(&usage, row);
	}
	if (reply_array_length(seats) > 0) {
		ctl_table_print(&usage, out, "");
		fputc('\n', out);
	}
	bool failed = usage.failed;
	ctl_table_finish(&usage);
	if (failed)
		return -ENOMEM;
	for (size_t i = 0; i < reply_array_length(seats); i++) {
		if (i > 0)
			fputc('\n', out);
		if (ctl_print_seat(out, json_object_array_get_idx(seats, i), false) < 0)
			return -ENOMEM;
	}
	if (reply_array_length(unassigned) == 0)
		return 0;
	struct ctl_table devices = {.columns = 4};
	for (size_t i = 0; i < reply_array_length(unassigned); i++) {
		struct json_object *device = json_object_array_get_idx(unassigned, i);
		const char *row[] = {reply_string(device, "kind"), reply_string(device, "key"),
				     reply_string(device, "devnode"), reply_string(device, "name")};
		ctl_table_add(&devices, row);
	}
	fputs("\nunassigned devices:\n", out);
	ctl_table_print(&devices, out, "    ");
	int ret = devices.failed ? -ENOMEM : 0;
	ctl_table_finish(&devices);
	return ret;
}

static int print_seats(FILE *out, struct json_object *result)
{
	struct json_object *seats = reply_field(result, "seats", json_type_array);
	if (reply_array_length(seats) == 0) {
		fputs("no seats\n", out);
		return 0;
	}
	struct ctl_table table = {.columns = 6};
	const char *header[] = {"SEAT", "STATE", "USER", "PID", "OUTPUTS", "DEVICES"};
	ctl_table_add(&table, header);
	for (size_t i = 0; i < reply_array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i);
		char pid[32], outputs[1024], devices[32];
		reply_format_int(seat, "pid", pid, sizeof(pid));
		reply_join_strings(reply_field(seat, "outputs", json_type_array), outputs,
				   sizeof(outputs));
		size_t count = 0;
		while (reply_seat_device_at(seat, count) != NULL)
			count++;
		snprintf(devices, sizeof(devices), "%zu", count);
		const char *row[] = {reply_string(seat, "name"),
				     reply_string(seat, "state"),
				     reply_string(seat, "user"),
				     pid,
				     outputs,
				     devices};
		ctl_table_add(&table, row);
	}
	ctl_table_print(&table, out, "");
	int ret = table.failed ? -ENOMEM : 0;
	ctl_table_finish(&table);
	return ret;
}

static int print_devices(FILE *out, struct json_object *result)
{
	struct ctl_table table = {.columns = 4};
	const char *header[] = {"DEVICE", "KIND", "SEAT", "REASON"};
	ctl_table_add(&table, header);
	struct json_object *seats = reply_field(result, "seats", json_type_array);
	for (size_t i = 0; i < reply_array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i), *device;
		for (size_t k = 0; (device = reply_seat_device_at(seat, k)) != NULL; k++) {
			const char *row[] = {
				reply_string(device, "key"), reply_string(device, "kind"),
				reply_string(seat, "name"), reply_string(device, "reason")};
			ctl_table_add(&table, row);
		}
	}
	struct json_object *unassigned = reply_field(result, "unassigned", json_type_array);
	for (size_t i = 0; i < reply_array_length(unassigned); i++) {
		struct json_object *device = json_object_array_get_idx(unassigned, i);
		const char *row[] = {reply_string(device, "key"), reply_string(device, "kind"),
				     reply_string(device, "seat"), reply_string(device, "reason")};
		ctl_table_add(&table, row);
	}
	if (table.rows > 1)
		ctl_table_print(&table, out, "");
	else
		fputs("no devices\n", out);
	int ret = table.failed ? -ENOMEM : 0;
	ctl_table_finish(&table);
	return ret;
}

/* A message may have several lines; each is made printable on its own. */
static int print_message(FILE *out, struct json_object *result)
{
	const char *message = reply_string(result, "message");
	if (message == NULL)
		return 0;
	char *copy = strdup(message);
	if (copy == NULL)
		return -ENOMEM;
	int ret = 0;
	char *rest = copy;
	for (char *line = strsep(&rest, "\n"); line != NULL; line = strsep(&rest, "\n")) {
		char *text = ctl_printable(line);
		if (text == NULL) {
			ret = -ENOMEM;
			break;
		}
		fprintf(out, "%s\n", text);
		free(text);
	}
	free(copy);
	return ret;
}

/* A file name the daemon gives for a rule: 72-seat-*.rules, nothing that leaves the folder. */
static bool rule_file_name_valid(const char *name)
{
	size_t len = strlen(name);
	return strncmp(name, "72-seat-", 8) == 0 && len > 14 && len < 240 &&
	       strcmp(name + len - 6, ".rules") == 0 && !strchr(name, '/');
}

/* Writes one rule file in `dir`: a temporary file renamed over it, so udev never reads half. */
static int write_rule(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	FILE *f = fopen(tmp, "we");
	if (f == NULL)
		return -errno;
	bool ok = fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	int err = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok || rename(tmp, path) < 0) {
		err = ok ? errno : err;
		unlink(tmp);
		return -err;
	}
	return 0;
}

/* export-udev: the rules on stdout, or as files in the folder given. */
static int print_export(FILE *out, const struct options *opts, struct json_object *result)
{
	const char *dir = opts->arg_count > 0 ? opts->args[0] : NULL;
	struct json_object *rules, *notes;
	if (!json_object_object_get_ex(result, "rules", &rules) ||
	    !json_object_is_type(rules, json_type_array))
		return -EINVAL;
	int failed = 0;
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *rule = json_object_array_get_idx(rules, i);
		const char *name = reply_string(rule, "file");
		const char *text = reply_string(rule, "text");
		if (name == NULL || text == NULL || !rule_file_name_valid(name)) {
			ctl_fail("the daemon sent a rule without a usable file name; skipped");
			failed = -EINVAL;
			continue;
		}
		if (dir == NULL) {
			fprintf(out, "# %s\n%s", name, text);
			continue;
		}
		int ret = write_rule(dir, name, text);
		if (ret < 0) {
			ctl_fail("%s/%s cannot be written: %s", dir, name, strerror(-ret));
			failed = ret;
		} else {
			fprintf(out, "wrote %s/%s\n", dir, name);
		}
	}
	if (json_object_object_get_ex(result, "notes", &notes) &&
	    json_object_is_type(notes, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(notes); i++) {
			char *text = ctl_printable(
				json_object_get_string(json_object_array_get_idx(notes, i)));
			fprintf(out, "# note: %s\n", text ? text : "");
			free(text);
		}
	}
	if (dir != NULL && failed == 0)
		fprintf(out, "# then: udevadm control --reload && udevadm trigger\n");
	return failed;
}

int ctl_print_result(FILE *out, const struct options *opts, struct json_object *result)
{
	if (opts->json) {
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(
				result, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						JSON_C_TO_STRING_NOSLASHESCAPE));
		return 0;
	}
	const char *name = opts->command->name;
	if (strcmp(name, "status") == 0)
		return print_status(out, result);
	if (strcmp(name, "seats") == 0)
		return print_seats(out, result);
	if (strcmp(name, "devices") == 0)
		return print_devices(out, result);
	if (strcmp(name, "seat") == 0)
		return ctl_print_seat(out, result, true);
	if (strcmp(name, "export-udev") == 0)
		return print_export(out, opts, result);
	return print_message(out, result);
}
