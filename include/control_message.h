/* The control socket's language, shared by multiseatd and multiseatctl: the commands, the
 * request and reply lines (JSON), and who may change things. */
#ifndef MULTISEAT_CONTROL_MESSAGE_H
#define MULTISEAT_CONTROL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct json_object;

#define CONTROL_SOCKET_PATH "/run/multiseat/control"
/* Changing commands need root or this group (resolved at each connection). */
#define CONTROL_GROUP "multiseat"
/* The longest request line, its newline included. */
#define CONTROL_REQUEST_MAX 4096

/* Error statuses a reply carries; multiseatctl exits with them. */
enum control_error {
	CONTROL_ERROR_FAILED = 1, /* the command was understood but did not work */
	CONTROL_ERROR_USAGE = 2,  /* unknown command, seat or device; wrong arguments */
};

/* One request, valid for the duration of the handler call only. */
struct control_request {
	const char *command;
	const char *const *args;
	size_t arg_count;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool privileged; /* root or in the multiseat group */
};

/* The commands multiseatctl and multiseatd know. */
struct control_command {
	const char *name;
	const char *args; /* as usage shows them, "" when none */
	size_t min_args, max_args;
	bool read_only; /* allowed for everyone */
	const char *summary;
};

const struct control_command *control_command_find(const char *name);
/* The i-th command, NULL past the end. */
const struct control_command *control_command_at(size_t i);
/*
 * 0 when `arg_count` arguments fit the command, else CONTROL_ERROR_USAGE with a line such as
 * "seat needs NAME (usage: seat NAME)" in `error`.
 */
int control_command_check_args(const struct control_command *command, size_t arg_count,
			       const char *const *args, char *error, size_t error_size);

/* A request line taken apart: request.command and request.args point into `json`. */
struct control_message {
	struct json_object *json;
	const char **args;
	struct control_request request;
};

/*
 * Parses one request line (without its newline). Returns 0, or -EINVAL with a one-line
 * reason in `error` (not JSON, not an object, no string "command", "args" not an array of
 * strings, NUL bytes, text after the object), or -ENOMEM. Unknown members are ignored.
 * The peer fields of message->request are left zero.
 */
int control_message_parse(struct control_message *message, const char *line, size_t length,
			  char *error, size_t error_size);
void control_message_finish(struct control_message *message);

/* The request line multiseatctl sends, newline included; malloc'd, NULL on ENOMEM. */
char *control_request_encode(const char *command, const char *const *args, size_t arg_count);

/*
 * Reply lines, newline included; malloc'd, NULL on ENOMEM. The result is put (NULL sends an
 * empty object); an error status other than 1 or 2 is sent as 1.
 */
char *control_reply_encode_result(struct json_object *result);
char *control_reply_encode_error(int status, const char *message);

/*
 * Parses a reply line (without its newline). Returns 0 with *result (to put) for
 * {"ok":true}, CONTROL_ERROR_FAILED or CONTROL_ERROR_USAGE with the daemon's message in
 * `error` for {"ok":false}, or -EINVAL when the line is not a valid reply (reason in `error`).
 */
int control_reply_parse(const char *line, size_t length, struct json_object **result, char *error,
			size_t error_size);

/* Who a peer is, as the kernel recorded it when it connected. */
struct control_credentials {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	const gid_t *groups; /* supplementary groups */
	size_t group_count;
};

/*
 * Root, or the group (NULL when it does not exist) is the peer's primary or one of its
 * supplementary groups.
 */
bool control_credentials_privileged(const struct control_credentials *credentials,
				    const gid_t *group);
/* 0 with the group's id, -ENOENT when there is no such group, or another negative errno. */
int control_group_lookup(const char *name, gid_t *gid);

#endif
