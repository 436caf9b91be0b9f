/* Unit tests for the login worker's wire format: encode, decode, and what a receiver refuses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "login.h"

static struct login_request sample_request(void)
{
	struct login_request req;
	memset(&req, 0, sizeof(req));
	login_copy_string(req.service, sizeof(req.service), "multiseat");
	login_copy_string(req.user, sizeof(req.user), "alice");
	login_copy_string(req.password, sizeof(req.password), "s3cret");
	login_copy_string(req.desk, sizeof(req.desk), "seat-2");
	login_copy_string(req.runtime_dir, sizeof(req.runtime_dir), "/run/user/1000");
	login_copy_string(req.command, sizeof(req.command), "exec foot");
	return req;
}

static void test_round_trip(void **state)
{
	struct login_request req = sample_request();
	unsigned char buf[LOGIN_MAX_MESSAGE];
	int n = login_message_encode(LOGIN_REQUEST, &req, sizeof(req), buf, sizeof(buf));
	assert_int_equal(n, (int)(sizeof(struct login_header) + sizeof(req)));
	struct login_message msg;
	char error[128] = "";
	assert_int_equal(login_message_decode(buf, (size_t)n, &msg, error, sizeof(error)), 0);
	assert_int_equal(msg.type, LOGIN_REQUEST);
	assert_string_equal(msg.body.request.user, "alice");
	assert_string_equal(msg.body.request.password, "s3cret");
	login_message_wipe(&msg);
	assert_int_equal(msg.body.request.password[0], 0);

	n = login_message_encode(LOGIN_LOGOUT, NULL, 0, buf, sizeof(buf));
	assert_int_equal(n, (int)sizeof(struct login_header));
	assert_int_equal(login_message_decode(buf, (size_t)n, &msg, error, sizeof(error)), 0);
	assert_int_equal(msg.type, LOGIN_LOGOUT);
	assert_string_equal(login_type_name(LOGIN_ENDED), "LOGIN_ENDED");
	assert_null(login_type_name(4));
	assert_string_equal(login_type_name(LOGIN_PROCEED), "LOGIN_PROCEED");
	assert_string_equal(login_type_name(LOGIN_AUTHENTICATED), "LOGIN_AUTHENTICATED");
	assert_null(login_type_name(60000));
}

static void test_encode_refuses(void **state)
{
	unsigned char buf[LOGIN_MAX_MESSAGE];
	struct login_text text = {.kind = LOGIN_TEXT_INFO};
	memset(text.text, 'x', sizeof(text.text));
	/* Unterminated, wrong size, unknown type, no body, a buffer too small. */
	assert_int_equal(login_message_encode(LOGIN_TEXT, &text, sizeof(text), buf, sizeof(buf)),
			 -EINVAL);
	text.text[10] = '\0';
	assert_int_equal(
		login_message_encode(LOGIN_TEXT, &text, sizeof(text) - 1, buf, sizeof(buf)),
		-EINVAL);
	assert_int_equal(login_message_encode(99, &text, sizeof(text), buf, sizeof(buf)), -EINVAL);
	assert_int_equal(login_message_encode(LOGIN_TEXT, NULL, sizeof(text), buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(login_message_encode(LOGIN_TEXT, &text, sizeof(text), buf, 8), -EINVAL);
	assert_true(login_message_encode(LOGIN_TEXT, &text, sizeof(text), buf, sizeof(buf)) > 0);
}

static void expect_refused(const void *buf, size_t len, const char *reason)
{
	struct login_message msg;
	char error[256] = "";
	assert_int_equal(login_message_decode(buf, len, &msg, error, sizeof(error)), -EPROTO);
	if (!strstr(error, reason))
		fail_msg("error '%s' does not say '%s'", error, reason);
}

static void test_decode_refuses(void **state)
{
	struct login_request req = sample_request();
	unsigned char buf[LOGIN_MAX_MESSAGE + 64];
	int n = login_message_encode(LOGIN_REQUEST, &req, sizeof(req), buf, sizeof(buf));
	assert_true(n > 0);

	expect_refused(buf, 3, "shorter than its header");
	/* Truncated: the header promises more than came. */
	expect_refused(buf, (size_t)n - 1, "the header says");
	/* Oversized: more than the header promises, and more than any message. */
	memset(buf + n, 0, 64);
	expect_refused(buf, (size_t)n + 1, "the header says");
	struct login_header header;
	memcpy(&header, buf, sizeof(header));
	header.size += 64;
	memcpy(buf, &header, sizeof(header));
	expect_refused(buf, (size_t)n + 64, "larger than any message");
	header.size -= 64;

	/* Another version. */
	header.version = LOGIN_VERSION + 1;
	memcpy(buf, &header, sizeof(header));
	expect_refused(buf, (size_t)n, "version");
	header.version = LOGIN_VERSION;

	/* An unknown type, and a known type with the size of another. */
	header.type = 4;
	memcpy(buf, &header, sizeof(header));
	expect_refused(buf, (size_t)n, "unknown message type 4");
	header.type = LOGIN_STARTED;
	memcpy(buf, &header, sizeof(header));
	expect_refused(buf, (size_t)n, "LOGIN_STARTED: body of");
	header.type = LOGIN_REQUEST;
	memcpy(buf, &header, sizeof(header));

	/* Each string must hold its NUL: the last one (command) and one in the middle. */
	size_t body = sizeof(header);
	memset(buf + body + offsetof(struct login_request, command), 'a', sizeof(req.command));
	expect_refused(buf, (size_t)n, "not terminated");
	n = login_message_encode(LOGIN_REQUEST, &req, sizeof(req), buf, sizeof(buf));
	memset(buf + body + offsetof(struct login_request, password), 'p', sizeof(req.password));
	expect_refused(buf, (size_t)n, "not terminated");
}

static void test_socket(void **state)
{
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
	struct login_message msg;
	char error[256] = "";
	assert_int_equal(login_receive(fds[1], &msg, error, sizeof(error)), -EAGAIN);

	struct login_started started = {.pid = 1234};
	assert_int_equal(login_send(fds[0], LOGIN_STARTED, &started, sizeof(started)), 0);
	assert_int_equal(login_receive(fds[1], &msg, error, sizeof(error)), 1);
	assert_int_equal(msg.type, LOGIN_STARTED);
	assert_int_equal(msg.body.started.pid, 1234);

	/* A packet longer than any message is refused whole, not read in part. */
	unsigned char big[LOGIN_MAX_MESSAGE + 100];
	memset(big, 0, sizeof(big));
	struct login_header header = {LOGIN_VERSION, LOGIN_REQUEST, sizeof(big) - sizeof(header)};
	memcpy(big, &header, sizeof(header));
	assert_int_equal(send(fds[0], big, sizeof(big), 0), (ssize_t)sizeof(big));
	assert_int_equal(login_receive(fds[1], &msg, error, sizeof(error)), -EPROTO);
	assert_non_null(strstr(error, "longer than"));
	/* The peer gone: EOF, and a send gives -EPIPE, not SIGPIPE. */
	close(fds[0]);
	assert_int_equal(login_receive(fds[1], &msg, error, sizeof(error)), 0);
	assert_int_equal(login_send(fds[1], LOGIN_LOGOUT, NULL, 0), -EPIPE);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
