/*
 * libFuzzer harness of the control socket: the real server (seatd/control.c) on a real Unix
 * socket and event loop, fed the input as one client's bytes; every reply it sends must be
 * one that multiseatctl's parser takes.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include "control.h"
#include "fuzz.h"
#include "log.h"

/* The server promises its handler only known commands with fitting arguments. */
static int handle(void *data, const struct control_request *request, struct json_object **result,
		  char *error, size_t error_size)
{
	(void)data;
	const struct control_command *command = control_command_find(request->command);
	if (!command ||
	    control_command_check_args(command, request->arg_count, request->args, NULL, 0) != 0 ||
	    (!command->read_only && !request->privileged))
		abort();
	if (request->arg_count > 0 && strcmp(request->args[0], "fail") == 0) {
		snprintf(error, error_size, "%s failed: %s", command->name, request->args[0]);
		return CONTROL_ERROR_FAILED;
	}
	*result = json_object_new_object();
	json_object_object_add(*result, "command", json_object_new_string(request->command));
	return 0;
}

static const struct control_handler handler = {handle};

struct server {
	struct wl_event_loop *loop;
	struct control *control;
	struct sockaddr_un address;
};

static struct server *server(void)
{
	static struct server s;
	if (s.loop)
		return &s;
	log_init(LOG_LEVEL_SILENT, "fuzz_control");
	char dir[] = "/tmp/ms-fuzz-control-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	s.address.sun_family = AF_UNIX;
	snprintf(s.address.sun_path, sizeof(s.address.sun_path), "%s/control", dir);
	s.loop = wl_event_loop_create();
	if (!s.loop)
		abort();
	s.control = control_create(s.loop, s.address.sun_path, &handler, NULL);
	if (!s.control)
		abort();
	return &s;
}

/* Each complete reply line must parse; returns how many bytes of `buf` it used. */
static size_t check_replies(char *buf, size_t length)
{
	size_t used = 0;
	char *newline;
	while ((newline = memchr(buf + used, '\n', length - used))) {
		size_t line = (size_t)(newline - (buf + used));
		struct json_object *result = NULL;
		char error[512];
		if (control_reply_parse(buf + used, line, &result, error, sizeof(error)) == -EINVAL)
			abort();
		json_object_put(result);
		used += line + 1;
	}
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server *s = server();
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&s->address, sizeof(s->address)) < 0)
		abort();
	static char replies[1 << 16];
	size_t have = 0, sent = 0;
	bool closed = false, clean = false;
	/* A server that neither answers nor hangs up within this many turns is stuck. */
	for (int turn = 0; !closed; turn++) {
		if (turn > 100000)
			abort();
		if (sent < size) {
			ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				sent = size; /* the server dropped us: read what it said */
			if (sent == size)
				shutdown(fd, SHUT_WR);
		} else if (sent == 0 && size == 0) {
			shutdown(fd, SHUT_WR);
			sent = 1;
		}
		wl_event_loop_dispatch(s->loop, 0);
		ssize_t n = recv(fd, replies + have, sizeof(replies) - have, MSG_DONTWAIT);
		if (n > 0) {
			have += (size_t)n;
			size_t used = check_replies(replies, have);
			memmove(replies, replies + used, have - used);
			have -= used;
			if (have == sizeof(replies))
				abort(); /* a reply line longer than 64 KiB */
		} else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			closed = true;
			clean = n == 0;
		}
	}
	/* The server ends every reply with a newline, even the one before it hangs up. */
	if (clean && have != 0)
		abort();
	close(fd);
	wl_event_loop_dispatch(s->loop, 0);
	return 0;
}
