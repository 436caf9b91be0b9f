/* Unit tests for the control socket: request and reply lines, privilege rule, and the server. */
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include <cmocka.h>

#include "control.h"
#include "log.h"

/* ---- request lines ---- */

static void parse_fails(const char *line, size_t length, const char *expected)
{
	struct control_message message;
	char error[256] = "";
	assert_int_equal(control_message_parse(&message, line, length, error, sizeof(error)),
			 -EINVAL);
	assert_string_equal(error, expected);
	assert_null(message.json);
	assert_null(message.args);
}

static void test_parse_good(void **state)
{
	const char line[] = "{\"command\":\"attach\",\"args\":[\"seat3\","
			    "\"pci-0000:00:04.0-usb-0:2.1:1.0\"],\"future\":{\"x\":1}}  ";
	struct control_message message;
	char error[256];
	assert_int_equal(control_message_parse(&message, line, strlen(line), error, sizeof(error)),
			 0);
	assert_string_equal(message.request.command, "attach");
	assert_int_equal(message.request.arg_count, 2);
	assert_string_equal(message.request.args[0], "seat3");
	assert_string_equal(message.request.args[1], "pci-0000:00:04.0-usb-0:2.1:1.0");
	assert_false(message.request.privileged);
	control_message_finish(&message);

	/* No "args", and "args": null, both mean none. */
	const char *bare[] = {"{\"command\":\"status\"}", "{\"args\":null,\"command\":\"status\"}"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(control_message_parse(&message, bare[i], strlen(bare[i]), error,
						       sizeof(error)),
				 0);
		assert_string_equal(message.request.command, "status");
		assert_int_equal(message.request.arg_count, 0);
		assert_non_null(message.request.args);
		control_message_finish(&message);
	}
}

static void test_parse_errors(void **state)
{
#define FAILS(line, expected) parse_fails(line, strlen(line), expected)
	FAILS("", "request is not a JSON object (it ends too early)");
	FAILS("garbage", "request is not valid JSON: unexpected character at byte 1");
	FAILS("{\"command\":\"status\"", "request is not a JSON object (it ends too early)");
	FAILS("[\"status\"]", "request is not a JSON object");
	FAILS("\"status\"", "request is not a JSON object");
	FAILS("{\"command\":\"status\"} {}",
	      "request is not valid JSON: unexpected character at byte 22");
	FAILS("{}", "request has no string \"command\"");
	FAILS("{\"command\":3}", "request has no string \"command\"");
	FAILS("{\"command\":null}", "request has no string \"command\"");
	/* A NUL is named as such: the client sent a string, one the daemon cannot take. */
	FAILS("{\"command\":\"st\\u0000atus\"}",
	      "request's \"command\" holds a NUL character (\\u0000)");
	FAILS("{\"command\":\"seat\",\"args\":\"seat1\"}",
	      "request's \"args\" is not an array of strings");
	FAILS("{\"command\":\"attach\",\"args\":[\"seat1\",2]}",
	      "request's argument 2 is not a string");
	FAILS("{\"command\":\"seat\",\"args\":[[\"seat1\"]]}",
	      "request's argument 1 is not a string");
	FAILS("{\"command\":\"seat\",\"args\":[\"a\\u0000b\"]}",
	      "request's argument 1 holds a NUL character (\\u0000)");
	/* Strict JSON: no single quotes, no trailing commas. */
	FAILS("{'command':'status'}", "request is not valid JSON: unexpected character at byte 12");
	FAILS("{\"command\":\"status\",}",
	      "request is not valid JSON: unexpected character at byte 21");
#undef FAILS
	parse_fails("{\"command\":\"status\"}\0", 21, "request contains a NUL byte");
	parse_fails("{\"command\":\"sta\0tus\"}", 21, "request contains a NUL byte");

	/* Nesting is bounded. */
	char deep[200] = "{\"command\":\"status\",\"x\":";
	size_t n = strlen(deep);
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	parse_fails(deep, n, "request is not valid JSON: nesting too deep at byte 40");
}

/* Mutations of a good request never crash the parser, and what parses is well-formed. */
static void test_parse_mutations(void **state)
{
	const char good[] = "{\"command\":\"attach\",\"args\":[\"seat3\",\"pci-0\\u00e4:1.0\"]}";
	const char alphabet[] = "{}[]\",:\\u0 \x01\xff";
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char line[sizeof(good) + 8];
		memcpy(line, good, sizeof(good));
		size_t length = sizeof(good) - 1;
		for (int edits = 1 + round % 4; edits > 0; edits--) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % length;
			char c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			if (seed & 1)
				line[at] = c;
			else
				length = at + 1;
		}
		struct control_message message;
		char error[256];
		if (control_message_parse(&message, line, length, error, sizeof(error)) == 0) {
			assert_non_null(message.request.command);
			for (size_t i = 0; i < message.request.arg_count; i++)
				assert_non_null(message.request.args[i]);
			control_message_finish(&message);
		} else {
			assert_true(strlen(error) > 0);
		}
	}
}

static void test_request_encode(void **state)
{
	const char *args[] = {"seat3", "a \"quoted\" /path\n"};
	char *line = control_request_encode("attach", args, 2);
	assert_non_null(line);
	assert_string_equal(line, "{\"command\":\"attach\",\"args\":[\"seat3\","
				  "\"a \\\"quoted\\\" /path\\n\"]}\n");
	struct control_message message;
	char error[256];
	assert_int_equal(
		control_message_parse(&message, line, strlen(line) - 1, error, sizeof(error)), 0);
	assert_int_equal(message.request.arg_count, 2);
	assert_string_equal(message.request.args[1], args[1]);
	control_message_finish(&message);
	free(line);

	line = control_request_encode("status", NULL, 0);
	assert_string_equal(line, "{\"command\":\"status\",\"args\":[]}\n");
	free(line);
}

/* ---- replies ---- */

static void test_reply_encode(void **state)
{
	struct json_object *result = json_object_new_object();
	json_object_object_add(result, "devnode", json_object_new_string("/dev/input/event3"));
	char *line = control_reply_encode_result(result);
	assert_string_equal(line, "{\"ok\":true,\"result\":{\"devnode\":\"/dev/input/event3\"}}\n");
	free(line);

	line = control_reply_encode_result(NULL);
	assert_string_equal(line, "{\"ok\":true,\"result\":{}}\n");
	free(line);

	line = control_reply_encode_error(CONTROL_ERROR_USAGE, "unknown seat 'x'");
	assert_string_equal(line, "{\"ok\":false,\"error\":\"unknown seat 'x'\",\"status\":2}\n");
	free(line);

	/* Only 1 and 2 go out: multiseatctl exits with the status. */
	line = control_reply_encode_error(-5, "odd\nline");
	assert_string_equal(line, "{\"ok\":false,\"error\":\"odd\\nline\",\"status\":1}\n");
	free(line);
}

static int reply_parse(const char *line, struct json_object **result, char *error)
{
	return control_reply_parse(line, strlen(line), result, error, 256);
}

static void test_reply_parse(void **state)
{
	struct json_object *result;
	char error[256];
	assert_int_equal(
		reply_parse("{\"ok\":true,\"result\":{\"message\":\"done\"}}", &result, error), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(result, "message")),
			    "done");
	json_object_put(result);

	assert_int_equal(reply_parse("{\"ok\":false,\"error\":\"unknown seat 'x'\",\"status\":2}",
				     &result, error),
			 CONTROL_ERROR_USAGE);
	assert_null(result);
	assert_string_equal(error, "unknown seat 'x'");
	assert_int_equal(
		reply_parse("{\"ok\":false,\"error\":\"busy\",\"status\":1}", &result, error),
		CONTROL_ERROR_FAILED);
	assert_int_equal(reply_parse("{\"ok\":false,\"status\":9}", &result, error),
			 CONTROL_ERROR_FAILED);
	assert_string_equal(error, "failed (no reason given)");

	assert_int_equal(reply_parse("{\"ok\":true,\"res", &result, error), -EINVAL);
	assert_string_equal(error, "reply is not a JSON object (it ends too early)");
	assert_int_equal(reply_parse("{\"ok\":1}", &result, error), -EINVAL);
	assert_string_equal(error, "reply has no boolean \"ok\"");
	assert_int_equal(reply_parse("{\"ok\":true,\"result\":[]}", &result, error), -EINVAL);
	assert_string_equal(error, "reply has no \"result\" object");
	assert_null(result);
}

/* ---- commands ---- */

static void test_commands(void **state)
{
	assert_null(control_command_find("frobnicate"));
	assert_null(control_command_find(""));
	const char *read_only[] = {"status", "seats", "devices", "seat", "export-udev"};
	const char *changing[] = {"attach",   "detach",	     "restart", "reload", "forget",
				  "identify", "import-udev", "set",	"logout"};
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		assert_true(control_command_find(read_only[i])->read_only);
	for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		assert_false(control_command_find(changing[i])->read_only);
	size_t count = 0;
	while (control_command_at(count) != NULL)
		count++;
	assert_int_equal(count, 14);

	char error[128];
	const struct control_command *attach = control_command_find("attach");
	const char *args[] = {"seat1", "dev", "extra"};
	assert_int_equal(control_command_check_args(attach, 2, args, error, sizeof(error)), 0);
	assert_int_equal(control_command_check_args(attach, 0, args, error, sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "attach: missing SEAT DEVICE");
	assert_int_equal(control_command_check_args(attach, 1, args, error, sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "attach: missing DEVICE");
	assert_int_equal(control_command_check_args(attach, 3, args, error, sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "attach: unexpected argument 'extra'");
	assert_int_equal(control_command_check_args(control_command_find("status"), 1, args, error,
						    sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "status: unexpected argument 'seat1'");

	/* set: a seat and at least one KEY=VALUE, each of the 8 caps once at most. */
	const struct control_command *set = control_command_find("set");
	const char *pairs[] = {"seat1", "a=1", "b=1", "c=1", "d=1",
			       "e=1",	"f=1", "g=1", "h=1", "i=1"};
	assert_int_equal(control_command_check_args(set, 1, pairs, error, sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "set: missing KEY=VALUE...");
	assert_int_equal(control_command_check_args(set, 9, pairs, error, sizeof(error)), 0);
	assert_int_equal(control_command_check_args(set, 10, pairs, error, sizeof(error)),
			 CONTROL_ERROR_USAGE);
	assert_string_equal(error, "set: unexpected argument 'i=1'");
}

/* ---- privilege ---- */

static void test_privileged(void **state)
{
	const gid_t group = 990, supplementary[] = {24, 990, 100}, other[] = {24, 100};
	struct control_credentials root = {.uid = 0, .gid = 0};
	assert_true(control_credentials_privileged(&root, NULL));
	assert_true(control_credentials_privileged(&root, &group));

	struct control_credentials user = {.uid = 1000, .gid = 1000};
	assert_false(control_credentials_privileged(&user, NULL));
	assert_false(control_credentials_privileged(&user, &group));
	user.groups = other;
	user.group_count = 2;
	assert_false(control_credentials_privileged(&user, &group));
	user.groups = supplementary;
	user.group_count = 3;
	assert_true(control_credentials_privileged(&user, &group));
	/* Without the group on the system nobody but root qualifies. */
	assert_false(control_credentials_privileged(&user, NULL));

	struct control_credentials primary = {.uid = 1000, .gid = 990};
	assert_true(control_credentials_privileged(&primary, &group));

	gid_t gid = 1;
	assert_int_equal(control_group_lookup("root", &gid), 0);
	assert_int_equal(gid, 0);
	assert_int_equal(control_group_lookup("no-such-group-for-multiseat", &gid), -ENOENT);
}

/* ---- the server, over real sockets in a temporary directory ---- */

struct server {
	char dir[64];
	char path[96];
	struct wl_event_loop *loop;
	struct control *control;
	int calls;
	struct control_request last; /* command and args not kept: only valid during the call */
	char last_command[32];
	size_t last_arg_count;
};

/* Answers like the daemon would, enough to see each path through the control module. */
static int handle(void *data, const struct control_request *request, struct json_object **result,
		  char *error, size_t error_size)
{
	struct server *server = data;
	server->calls++;
	server->last = *request;
	snprintf(server->last_command, sizeof(server->last_command), "%s", request->command);
	server->last_arg_count = request->arg_count;
	if (strcmp(request->command, "seat") == 0 && strcmp(request->args[0], "seat1") != 0) {
		snprintf(error, error_size, "unknown seat '%s'", request->args[0]);
		return CONTROL_ERROR_USAGE;
	}
	if (strcmp(request->command, "restart") == 0) {
		snprintf(error, error_size, "seat %s cannot start: no outputs", request->args[0]);
		return CONTROL_ERROR_FAILED;
	}
	if (strcmp(request->command, "detach") == 0)
		return CONTROL_ERROR_FAILED; /* no message: the module makes one */
	*result = json_object_new_object();
	if (strcmp(request->command, "status") == 0)
		json_object_object_add(*result, "seats", json_object_new_array());
	else
		json_object_object_add(*result, "message", json_object_new_string("done"));
	return 0;
}

static const struct control_handler handler = {.handle = handle};

static int server_setup(void **state)
{
	struct server *server = calloc(1, sizeof(*server));
	if (server == NULL)
		return -1;
	snprintf(server->dir, sizeof(server->dir), "/tmp/test-control-XXXXXX");
	if (mkdtemp(server->dir) == NULL || chmod(server->dir, 0755) < 0)
		return -1;
	snprintf(server->path, sizeof(server->path), "%s/control", server->dir);
	server->loop = wl_event_loop_create();
	if (server->loop == NULL)
		return -1;
	server->control = control_create(server->loop, server->path, &handler, server);
	if (server->control == NULL)
		return -1;
	*state = server;
	return 0;
}

static int server_teardown(void **state)
{
	struct server *server = *state;
	control_destroy(server->control);
	/* destroy removed the socket, so the directory is empty again. */
	int ret = rmdir(server->dir);
	wl_event_loop_destroy(server->loop);
	free(server);
	return ret;
}

static int client_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static void client_send(int fd, const char *data, size_t size)
{
	assert_int_equal(send(fd, data, size, MSG_NOSIGNAL), (ssize_t)size);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Runs the server until `fd` has a whole line (returned, malloc'd, without its newline) or
 * reaches its end (NULL; *closed set).
 */
static char *client_receive(struct server *server, int fd, bool *closed)
{
	static char buffer[65536];
	size_t size = 0;
	*closed = false;
	double deadline = now() + 5;
	while (now() < deadline) {
		wl_event_loop_dispatch(server->loop, 10);
		ssize_t n = recv(fd, buffer + size, 1, MSG_DONTWAIT);
		while (n > 0) {
			if (buffer[size] == '\n') {
				buffer[size] = '\0';
				return strdup(buffer);
			}
			size++;
			assert_true(size < sizeof(buffer));
			n = recv(fd, buffer + size, 1, MSG_DONTWAIT);
		}
		/* A reset after the last reply is as good as an end of file. */
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			*closed = true;
			return NULL;
		}
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	}
	fail_msg("no reply within 5 s");
	return NULL;
}

static void expect_reply(struct server *server, int fd, const char *expected)
{
	bool closed;
	char *line = client_receive(server, fd, &closed);
	assert_false(closed);
	assert_string_equal(line, expected);
	free(line);
}

static void expect_closed(struct server *server, int fd)
{
	bool closed;
	char *line = client_receive(server, fd, &closed);
	assert_null(line);
	assert_true(closed);
}

static void test_server_socket(void **state)
{
	struct server *server = *state;
	struct stat st;
	assert_int_equal(lstat(server->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);

	/* A second server on the same path finds the first one alive. */
	struct control *other = control_create(server->loop, server->path, &handler, server);
	assert_null(other);
	assert_int_equal(errno, EADDRINUSE);
	/* A file that is not a socket is never removed. */
	char file[96];
	snprintf(file, sizeof(file), "%s/file", server->dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	other = control_create(server->loop, file, &handler, server);
	assert_null(other);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(unlink(file), 0);
	/* Nor is a path that does not fit a socket address. */
	char long_path[200];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_null(control_create(server->loop, long_path, &handler, server));
	assert_int_equal(errno, ENAMETOOLONG);

	/* A socket left behind by a daemon that died is replaced. */
	char stale[96];
	snprintf(stale, sizeof(stale), "%s/stale", server->dir);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", stale);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	other = control_create(server->loop, stale, &handler, server);
	assert_non_null(other);
	fd = client_connect(stale);
	assert_true(fd >= 0);
	close(fd);
	control_destroy(other);
	assert_int_equal(lstat(stale, &st), -1);
	assert_int_equal(errno, ENOENT);
	control_destroy(NULL);
}

static void test_server_requests(void **state)
{
	struct server *server = *state;
	int fd = client_connect(server->path);
	assert_true(fd >= 0);

	const char status[] = "{\"command\":\"status\"}\n";
	client_send(fd, status, strlen(status));
	expect_reply(server, fd, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	assert_int_equal(server->calls, 1);
	assert_string_equal(server->last_command, "status");
	assert_int_equal(server->last.uid, getuid());
	assert_int_equal(server->last.pid, getpid());
	assert_int_equal(server->last.privileged, getuid() == 0);

	/* Unknown commands and wrong argument counts never reach the handler. */
	const char unknown[] = "{\"command\":\"frob\\u001b\",\"args\":[]}\n";
	client_send(fd, unknown, strlen(unknown));
	expect_reply(server, fd,
		     "{\"ok\":false,\"error\":\"unknown command 'frob\\u001b'\",\"status\":2}");
	const char missing[] = "{\"command\":\"attach\",\"args\":[\"seat1\"]}\n";
	client_send(fd, missing, strlen(missing));
	expect_reply(server, fd,
		     "{\"ok\":false,\"error\":\"attach: missing DEVICE (usage: attach SEAT "
		     "DEVICE)\",\"status\":2}");
	assert_int_equal(server->calls, 1);

	/* The handler's errors, with its message or one made up. */
	const char seat[] = "{\"command\":\"seat\",\"args\":[\"x\"]}\n";
	client_send(fd, seat, strlen(seat));
	expect_reply(server, fd, "{\"ok\":false,\"error\":\"unknown seat 'x'\",\"status\":2}");
	if (getuid() == 0) {
		const char restart[] = "{\"command\":\"restart\",\"args\":[\"seat2\"]}\n";
		client_send(fd, restart, strlen(restart));
		expect_reply(server, fd,
			     "{\"ok\":false,\"error\":\"seat seat2 cannot start: no "
			     "outputs\",\"status\":1}");
		const char detach[] = "{\"command\":\"detach\",\"args\":[\"dev\"]}\n";
		client_send(fd, detach, strlen(detach));
		expect_reply(server, fd, "{\"ok\":false,\"error\":\"detach failed\",\"status\":1}");
	}

	/* Several requests in one write are answered in order; one split in two is whole. */
	const char two[] = "{\"command\":\"seats\"}\n{\"command\":\"seat\",\"args\":[\"seat1\"]}\n";
	client_send(fd, two, strlen(two));
	expect_reply(server, fd, "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	assert_string_equal(server->last_command, "seat");
	expect_reply(server, fd, "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	client_send(fd, "{\"command\":", 11);
	for (int i = 0; i < 5; i++)
		wl_event_loop_dispatch(server->loop, 1);
	client_send(fd, "\"devices\"}\n", 11);
	expect_reply(server, fd, "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	assert_string_equal(server->last_command, "devices");

	/* A client that sends its request and shuts its side still gets the answer. */
	client_send(fd, status, strlen(status));
	shutdown(fd, SHUT_WR);
	expect_reply(server, fd, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	expect_closed(server, fd);
	close(fd);
}

static void test_server_bad_clients(void **state)
{
	struct server *server = *state;
	int good = client_connect(server->path);
	int garbage = client_connect(server->path);
	int longer = client_connect(server->path);
	int nul = client_connect(server->path);
	assert_true(good >= 0 && garbage >= 0 && longer >= 0 && nul >= 0);
	const char status[] = "{\"command\":\"status\"}\n";

	client_send(garbage, "garbage\n", 8);
	expect_reply(server, garbage,
		     "{\"ok\":false,\"error\":\"request is not valid JSON: unexpected "
		     "character at byte 1\",\"status\":2}");
	expect_closed(server, garbage);

	/* The other clients go on. */
	client_send(good, status, strlen(status));
	expect_reply(server, good, "{\"ok\":true,\"result\":{\"seats\":[]}}");

	/* Exactly the limit is fine; one byte more is not. */
	char line[CONTROL_REQUEST_MAX + 2];
	int n = snprintf(line, sizeof(line), "{\"command\":\"status\",\"pad\":\"");
	memset(line + n, 'x', CONTROL_REQUEST_MAX - (size_t)n - 3);
	memcpy(line + CONTROL_REQUEST_MAX - 3, "\"}\n", 3);
	client_send(good, line, CONTROL_REQUEST_MAX);
	expect_reply(server, good, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	memset(line, 'x', sizeof(line));
	client_send(longer, line, CONTROL_REQUEST_MAX + 1);
	expect_reply(server, longer,
		     "{\"ok\":false,\"error\":\"request longer than 4096 bytes\",\"status\":2}");
	expect_closed(server, longer);

	client_send(nul, "{\"command\":\0\"status\"}\n", 22);
	expect_reply(server, nul,
		     "{\"ok\":false,\"error\":\"request contains a NUL byte\",\"status\":2}");
	expect_closed(server, nul);

	/* A client that leaves in the middle of a request, or without reading its reply. */
	int partial = client_connect(server->path);
	client_send(partial, "{\"command\"", 10);
	close(partial);
	int rude = client_connect(server->path);
	for (int i = 0; i < 50; i++)
		client_send(rude, status, strlen(status));
	close(rude);
	for (int i = 0; i < 20; i++)
		wl_event_loop_dispatch(server->loop, 1);

	client_send(good, status, strlen(status));
	expect_reply(server, good, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	close(good);
	close(garbage);
	close(longer);
	close(nul);
}

/* A client as another user, run in a child while the parent serves. */
struct peer {
	uid_t uid;
	gid_t gid;
	gid_t supplementary; /* 0: none */
	int connections;     /* opened before the request, which goes on the last */
	const char *request;
};

static char *run_peer(struct server *server, const struct peer *peer)
{
	int pipe_fds[2];
	assert_int_equal(pipe(pipe_fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipe_fds[0]);
		gid_t groups[] = {peer->supplementary};
		if (setgroups(peer->supplementary ? 1 : 0, groups) < 0 || setgid(peer->gid) < 0 ||
		    setuid(peer->uid) < 0)
			_exit(3);
		int fd = -1;
		for (int i = 0; i < peer->connections; i++) {
			fd = client_connect(server->path);
			if (fd < 0)
				_exit(4);
		}
		send(fd, peer->request, strlen(peer->request), MSG_NOSIGNAL);
		char reply[1024];
		size_t size = 0;
		while (size < sizeof(reply) && !memchr(reply, '\n', size)) {
			ssize_t n = recv(fd, reply + size, sizeof(reply) - size, 0);
			if (n <= 0)
				break;
			size += (size_t)n;
		}
		if (write(pipe_fds[1], reply, size) < 0)
			_exit(5);
		_exit(0);
	}
	close(pipe_fds[1]);
	int status = -1;
	double deadline = now() + 5;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		assert_true(now() < deadline);
		wl_event_loop_dispatch(server->loop, 10);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char buffer[1024] = "";
	ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer) - 1);
	close(pipe_fds[0]);
	assert_true(n > 0);
	buffer[n] = '\0';
	char *newline = strchr(buffer, '\n');
	assert_non_null(newline);
	*newline = '\0';
	/* Let the server see the child's sockets close. */
	for (int i = 0; i < 10; i++)
		wl_event_loop_dispatch(server->loop, 1);
	return strdup(buffer);
}

static void test_server_permissions(void **state)
{
	struct server *server = *state;
	if (getuid() != 0)
		skip(); /* needs to become another user */
	const gid_t nogroup = 65534;
	struct group *users = getgrnam("users");
	if (users == NULL || users->gr_gid == nogroup)
		skip();
	const gid_t member = users->gr_gid;

	const char attach[] = "{\"command\":\"attach\",\"args\":[\"seat1\",\"dev\"]}\n";
	const char status[] = "{\"command\":\"status\"}\n";
	struct peer peer = {.uid = 65534, .gid = nogroup, .connections = 1, .request = attach};
	server->calls = 0;
	char *reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"permission denied: attach needs "
				   "root or the multiseat group\",\"status\":1}");
	free(reply);
	assert_int_equal(server->calls, 0);

	/* Reading is for everyone. */
	peer.request = status;
	reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	free(reply);
	assert_int_equal(server->last.uid, 65534);
	assert_false(server->last.privileged);

	/* Membership: a supplementary group of the peer process, or its primary one. */
	assert_int_equal(control_set_group(server->control, users->gr_name), 0);
	peer.request = attach;
	peer.supplementary = member;
	reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	free(reply);
	assert_true(server->last.privileged);
	assert_int_equal(server->last.gid, nogroup);
	peer.supplementary = 0;
	peer.gid = member;
	reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	free(reply);
	peer.gid = nogroup;
	reply = run_peer(server, &peer);
	char expected[256];
	snprintf(expected, sizeof(expected),
		 "{\"ok\":false,\"error\":\"permission denied: attach needs root or the %s "
		 "group\",\"status\":1}",
		 users->gr_name);
	assert_string_equal(reply, expected);
	free(reply);

	/* One user cannot hold more than 16 connections; the 17th is told why. */
	peer.request = status;
	peer.connections = 17;
	reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"too many connections from this "
				   "user\",\"status\":1}");
	free(reply);
	peer.connections = 16;
	reply = run_peer(server, &peer);
	assert_string_equal(reply, "{\"ok\":true,\"result\":{\"seats\":[]}}");
	free(reply);
}

int main(void)
{
	log_init(LOG_LEVEL_ERROR, "test_control");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_mutations),
		cmocka_unit_test(test_request_encode),
		cmocka_unit_test(test_reply_encode),
		cmocka_unit_test(test_reply_parse),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test_setup_teardown(test_server_socket, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_requests, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_server_bad_clients, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_server_permissions, server_setup,
						server_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
