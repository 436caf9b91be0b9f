/* The control socket's pure parts: command table, request and reply lines, privilege rule. */
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_message.h"
#include "policy.h"

/*
 * One command a line reads better than the packed table clang-format makes. set takes each
 * of the 8 caps once at most.
 */
/* clang-format off */
static const struct control_command commands[] = {
	{"status", "", 0, 0, true, "every seat with its state, outputs, lease and devices"},
	{"seats", "", 0, 0, true, "one line per seat"},
	{"devices", "", 0, 0, true, "one line per input and sound device, assigned or not"},
	{"seat", "NAME", 1, 1, true, "one seat in detail"},
	{"attach", "SEAT DEVICE", 2, 2, false, "move an input or sound device to a seat"},
	{"detach", "DEVICE", 1, 1, false, "take a device from its seat"},
	{"forget", "SEAT|DEVICE", 1, 1, false, "drop saved assignments: the seat shows Press F<n> again"},
	{"identify", "", 0, 0, false, "show every seat's name on its screens for 10 s"},
	{"export-udev", "[DIR]", 0, 1, true, "the assignments as logind udev rules (files in DIR)"},
	{"import-udev", "", 0, 0, false, "save ID_SEAT assignments found in udev"},
	{"set", "SEAT KEY=VALUE...", 2, 1 + POLICY_CAP_COUNT, false, "change a seat's caps (memory.max=2G ...) live, and keep them"},
	{"restart", "SEAT", 1, 1, false, "restart a seat's compositor and session"},
	{"logout", "SEAT", 1, 1, false, "end the session of whoever is logged in at a desk"},
	{"reload", "", 0, 0, false, "re-read the configuration and apply the difference"},
};
/* clang-format on */

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Parsers nest no deeper than a request needs, so a hostile line cannot recurse far. */
#define PARSE_DEPTH 16

static void set_error(char *error, size_t error_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t error_size, const char *fmt, ...)
{
	if (error_size == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, error_size, fmt, ap);
	va_end(ap);
}

const struct control_command *control_command_find(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

const struct control_command *control_command_at(size_t i)
{
	return i < COMMAND_COUNT ? &commands[i] : NULL;
}

int control_command_check_args(const struct control_command *command, size_t arg_count,
			       const char *const *args, char *error, size_t error_size)
{
	if (arg_count < command->min_args) {
		/* Name the words still missing: the usage string's words after those given. */
		const char *missing = command->args;
		for (size_t i = 0; i < arg_count && missing; i++) {
			missing = strchr(missing, ' ');
			if (missing)
				missing++;
		}
		set_error(error, error_size, "%s: missing %s", command->name,
			  missing && *missing ? missing : "arguments");
		return CONTROL_ERROR_USAGE;
	}
	if (arg_count > command->max_args) {
		set_error(error, error_size, "%s: unexpected argument '%s'", command->name,
			  args[command->max_args]);
		return CONTROL_ERROR_USAGE;
	}
	return 0;
}

/* Parses a whole line as one JSON object, with nothing but blanks after it. */
static struct json_object *parse_object(const char *line, size_t length, const char *what,
					char *error, size_t error_size)
{
	if (memchr(line, '\0', length) != NULL) {
		set_error(error, error_size, "%s contains a NUL byte", what);
		return NULL;
	}
	if (length > INT32_MAX) {
		set_error(error, error_size, "%s is too long", what);
		return NULL;
	}
	struct json_tokener *tokener = json_tokener_new_ex(PARSE_DEPTH);
	if (tokener == NULL) {
		set_error(error, error_size, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT);
	struct json_object *object = json_tokener_parse_ex(tokener, line, (int)length);
	enum json_tokener_error status = json_tokener_get_error(tokener);
	size_t end = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	if (status == json_tokener_continue) {
		set_error(error, error_size, "%s is not a JSON object (it ends too early)", what);
		goto fail;
	}
	/* Strict mode also refuses anything but blanks after the value. */
	if (status != json_tokener_success) {
		set_error(error, error_size, "%s is not valid JSON: %s at byte %zu", what,
			  json_tokener_error_desc(status), end + 1);
		goto fail;
	}
	if (!json_object_is_type(object, json_type_object)) {
		set_error(error, error_size, "%s is not a JSON object", what);
		goto fail;
	}
	return object;
fail:
	json_object_put(object);
	return NULL;
}

/* A JSON string as a C string, unless it holds a NUL (escaped as \u0000). */
static const char *string_value(struct json_object *value)
{
	if (!json_object_is_type(value, json_type_string))
		return NULL;
	const char *s = json_object_get_string(value);
	if (strlen(s) != (size_t)json_object_get_string_len(value))
		return NULL;
	return s;
}

int control_message_parse(struct control_message *message, const char *line, size_t length,
			  char *error, size_t error_size)
{
	*message = (struct control_message){0};
	struct json_object *json = parse_object(line, length, "request", error, error_size);
	if (json == NULL)
		return -EINVAL;
	struct json_object *value = NULL;
	const char *command = NULL;
	if (json_object_object_get_ex(json, "command", &value))
		command = string_value(value);
	if (command == NULL) {
		set_error(error, error_size,
			  json_object_is_type(value, json_type_string)
				  ? "request's \"command\" holds a NUL character (\\u0000)"
				  : "request has no string \"command\"");
		goto invalid;
	}
	size_t arg_count = 0;
	struct json_object *args = NULL;
	if (json_object_object_get_ex(json, "args", &args) && args != NULL) {
		if (!json_object_is_type(args, json_type_array)) {
			set_error(error, error_size,
				  "request's \"args\" is not an array of strings");
			goto invalid;
		}
		arg_count = json_object_array_length(args);
	}
	/* One more than needed, so that args is never a zero-size allocation. */
	message->args = calloc(arg_count + 1, sizeof(*message->args));
	if (message->args == NULL) {
		json_object_put(json);
		return -ENOMEM;
	}
	for (size_t i = 0; i < arg_count; i++) {
		struct json_object *arg = json_object_array_get_idx(args, i);
		message->args[i] = string_value(arg);
		if (message->args[i] == NULL) {
			set_error(error, error_size,
				  json_object_is_type(arg, json_type_string)
					  ? "request's argument %zu holds a NUL character (\\u0000)"
					  : "request's argument %zu is not a string",
				  i + 1);
			goto invalid;
		}
	}
	message->json = json;
	message->request.command = command;
	message->request.args = message->args;
	message->request.arg_count = arg_count;
	return 0;
invalid:
	free(message->args);
	message->args = NULL;
	json_object_put(json);
	return -EINVAL;
}

void control_message_finish(struct control_message *message)
{
	free(message->args);
	json_object_put(message->json);
	*message = (struct control_message){0};
}

/* The object as one line with its newline; takes the reference. */
static char *encode_line(struct json_object *object)
{
	if (object == NULL)
		return NULL;
	size_t length;
	const char *text = json_object_to_json_string_length(
		object, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &length);
	char *line = text ? malloc(length + 2) : NULL;
	if (line != NULL) {
		memcpy(line, text, length);
		line[length] = '\n';
		line[length + 1] = '\0';
	}
	json_object_put(object);
	return line;
}

char *control_request_encode(const char *command, const char *const *args, size_t arg_count)
{
	struct json_object *request = json_object_new_object();
	struct json_object *array = json_object_new_array();
	if (request == NULL || array == NULL)
		goto fail;
	if (json_object_object_add(request, "command", json_object_new_string(command)) < 0)
		goto fail;
	for (size_t i = 0; i < arg_count; i++) {
		if (json_object_array_add(array, json_object_new_string(args[i])) < 0)
			goto fail;
	}
	if (json_object_object_add(request, "args", array) < 0)
		goto fail;
	return encode_line(request);
fail:
	json_object_put(array);
	json_object_put(request);
	return NULL;
}

char *control_reply_encode_result(struct json_object *result)
{
	if (result == NULL)
		result = json_object_new_object();
	struct json_object *reply = json_object_new_object();
	if (reply == NULL || result == NULL)
		goto fail;
	if (json_object_object_add(reply, "ok", json_object_new_boolean(1)) < 0)
		goto fail;
	if (json_object_object_add(reply, "result", result) < 0)
		goto fail;
	return encode_line(reply);
fail:
	json_object_put(result);
	json_object_put(reply);
	return NULL;
}

char *control_reply_encode_error(int status, const char *message)
{
	if (status != CONTROL_ERROR_USAGE)
		status = CONTROL_ERROR_FAILED;
	struct json_object *reply = json_object_new_object();
	if (reply == NULL)
		return NULL;
	if (json_object_object_add(reply, "ok", json_object_new_boolean(0)) < 0 ||
	    json_object_object_add(reply, "error", json_object_new_string(message)) < 0 ||
	    json_object_object_add(reply, "status", json_object_new_int(status)) < 0) {
		json_object_put(reply);
		return NULL;
	}
	return encode_line(reply);
}

int control_reply_parse(const char *line, size_t length, struct json_object **result, char *error,
			size_t error_size)
{
	*result = NULL;
	struct json_object *reply = parse_object(line, length, "reply", error, error_size);
	if (reply == NULL)
		return -EINVAL;
	int ret = -EINVAL;
	struct json_object *ok, *value;
	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		set_error(error, error_size, "reply has no boolean \"ok\"");
		goto out;
	}
	if (json_object_get_boolean(ok)) {
		if (!json_object_object_get_ex(reply, "result", &value) ||
		    !json_object_is_type(value, json_type_object)) {
			set_error(error, error_size, "reply has no \"result\" object");
			goto out;
		}
		*result = json_object_get(value);
		ret = 0;
		goto out;
	}
	const char *message = NULL;
	if (json_object_object_get_ex(reply, "error", &value))
		message = string_value(value);
	set_error(error, error_size, "%s", message ? message : "failed (no reason given)");
	ret = CONTROL_ERROR_FAILED;
	if (json_object_object_get_ex(reply, "status", &value) &&
	    json_object_is_type(value, json_type_int) &&
	    json_object_get_int(value) == CONTROL_ERROR_USAGE)
		ret = CONTROL_ERROR_USAGE;
out:
	json_object_put(reply);
	return ret;
}

bool control_credentials_privileged(const struct control_credentials *credentials,
				    const gid_t *group)
{
	if (credentials->uid == 0)
		return true;
	if (group == NULL)
		return false;
	if (credentials->gid == *group)
		return true;
	for (size_t i = 0; i < credentials->group_count; i++) {
		if (credentials->groups[i] == *group)
			return true;
	}
	return false;
}

int control_group_lookup(const char *name, gid_t *gid)
{
	long hint = sysconf(_SC_GETGR_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 1024;
	/* Large NSS groups need more room than the hint; stop growing at a sane bound. */
	for (; size <= 1 << 20; size *= 2) {
		char *buffer = malloc(size);
		if (buffer == NULL)
			return -ENOMEM;
		struct group group, *found = NULL;
		int ret = getgrnam_r(name, &group, buffer, size, &found);
		if (ret == 0 && found != NULL)
			*gid = found->gr_gid;
		free(buffer);
		if (ret == ERANGE)
			continue;
		if (ret != 0)
			return -ret;
		return found != NULL ? 0 : -ENOENT;
	}
	return -ERANGE;
}
