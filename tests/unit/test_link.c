/* Unit tests for the seat link's wire format, over a real SOCK_SEQPACKET socketpair. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "protocol.h"

struct pair {
	int send, receive;
};

static int setup(void **state)
{
	static struct pair pair;
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
		return -1;
	pair.send = fds[0];
	pair.receive = fds[1];
	*state = &pair;
	return 0;
}

static int teardown(void **state)
{
	struct pair *pair = *state;
	if (pair->send >= 0)
		close(pair->send);
	close(pair->receive);
	return 0;
}

/* Sends raw bytes and fds as one packet, bypassing link_send's own checks. */
static void send_raw(int sock, const void *data, size_t size, const int *fds, int n_fds)
{
	struct iovec iov = {.iov_base = (void *)data, .iov_len = size};
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n_fds > 0) {
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, (size_t)n_fds * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &msg, 0), (ssize_t)size);
}

/* A packet of header + body as given. */
static void send_message_raw(int sock, uint16_t opcode, uint16_t claimed_size, const void *body,
			     size_t size, const int *fds, int n_fds)
{
	unsigned char buf[LINK_MAX_MESSAGE + 16];
	assert_true(sizeof(struct link_header) + size <= sizeof(buf));
	struct link_header header = {.opcode = opcode, .size = claimed_size};
	memcpy(buf, &header, sizeof(header));
	if (size > 0)
		memcpy(buf + sizeof(header), body, size);
	send_raw(sock, buf, sizeof(header) + size, fds, n_fds);
}

static int open_fds(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static int count_open_fds(void)
{
	int count = 0;
	for (int fd = 0; fd < 256; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			count++;
	}
	return count;
}

/* Receives and expects a protocol error whose reason contains `words`. */
static void expect_error(int sock, const char *words)
{
	struct link_message message;
	char error[256] = "";
	assert_int_equal(link_receive(sock, &message, error, sizeof(error)), -EPROTO);
	if (!strstr(error, words))
		fail_msg("the error is '%s', expected it to contain '%s'", error, words);
}

static void test_round_trip_every_message(void **state)
{
	struct pair *pair = *state;
	struct link_hello hello = {.version = LINK_VERSION, .number = 3};
	link_copy_string(hello.seat, sizeof(hello.seat), "seat-3");
	link_copy_string(hello.keymap.layout, sizeof(hello.keymap.layout), "de");
	link_copy_string(hello.keymap.variant, sizeof(hello.keymap.variant), "nodeadkeys");
	assert_int_equal(link_send(pair->send, LINK_HELLO, &hello, sizeof(hello), -1), 0);

	struct link_identify identify;
	link_copy_string(identify.text, sizeof(identify.text), "Press F3");
	assert_int_equal(link_send(pair->send, LINK_IDENTIFY, &identify, sizeof(identify), -1), 0);
	struct link_drm_slot revoked = {.slot = 2};
	assert_int_equal(link_send(pair->send, LINK_DRM_REVOKED, &revoked, sizeof(revoked), -1), 0);
	struct link_input_remove removal = {.id = 42};
	assert_int_equal(link_send(pair->send, LINK_INPUT_REMOVE, &removal, sizeof(removal), -1),
			 0);

	struct link_message message;
	char error[256];
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_HELLO);
	assert_int_equal(message.fd, -1);
	assert_int_equal(message.body.hello.number, 3);
	assert_string_equal(message.body.hello.seat, "seat-3");
	assert_string_equal(message.body.hello.keymap.layout, "de");
	assert_string_equal(message.body.hello.keymap.variant, "nodeadkeys");
	assert_string_equal(message.body.hello.keymap.options, "");

	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_IDENTIFY);
	assert_string_equal(message.body.identify.text, "Press F3");
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_DRM_REVOKED);
	assert_int_equal(message.size, sizeof(struct link_drm_slot));
	assert_int_equal(message.body.drm_slot.slot, 2);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_INPUT_REMOVE);
	assert_int_equal(message.body.input_remove.id, 42);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), -EAGAIN);
}

static void test_login_messages(void **state)
{
	struct pair *pair = *state;
	struct link_login login;
	link_copy_string(login.user, sizeof(login.user), "alice");
	link_copy_string(login.password, sizeof(login.password), "s3cret word");
	assert_int_equal(link_send(pair->send, LINK_LOGIN, &login, sizeof(login), -1), 0);
	struct link_login_failed failed = {.retry_ms = 2000};
	link_copy_string(failed.text, sizeof(failed.text), "Wrong user name or password");
	assert_int_equal(link_send(pair->send, LINK_LOGIN_FAILED, &failed, sizeof(failed), -1), 0);
	struct link_login_accepted accepted = {.uid = 1001};
	link_copy_string(accepted.user, sizeof(accepted.user), "alice");
	assert_int_equal(
		link_send(pair->send, LINK_LOGIN_ACCEPTED, &accepted, sizeof(accepted), -1), 0);
	assert_int_equal(link_send(pair->send, LINK_LOGGED_OUT, NULL, 0, -1), 0);
	/* A password that fills its field has no NUL: refused before it is sent. */
	memset(login.password, 'p', sizeof(login.password));
	assert_int_equal(link_send(pair->send, LINK_LOGIN, &login, sizeof(login), -1), -EINVAL);

	struct link_message message;
	char error[256];
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_LOGIN);
	assert_string_equal(message.body.login.user, "alice");
	assert_string_equal(message.body.login.password, "s3cret word");
	link_message_wipe(&message);
	assert_int_equal(message.body.login.password[0], 0);
	assert_int_equal(message.fd, -1);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_LOGIN_FAILED);
	assert_int_equal(message.body.login_failed.retry_ms, 2000);
	assert_string_equal(message.body.login_failed.text, "Wrong user name or password");
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_LOGIN_ACCEPTED);
	assert_int_equal(message.body.login_accepted.uid, 1001);
	assert_string_equal(message.body.login_accepted.user, "alice");
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_LOGGED_OUT);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), -EAGAIN);

	/* An unterminated user name on the wire is a protocol error. */
	memset(login.user, 'u', sizeof(login.user));
	login.password[0] = '\0';
	send_message_raw(pair->send, LINK_LOGIN, sizeof(login), &login, sizeof(login), NULL, 0);
	expect_error(pair->receive, "not terminated");
}

static void test_fd_passes_and_works(void **state)
{
	struct pair *pair = *state;
	int pipe_fds[2];
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	struct link_input_add add = {.id = 7, .caps = LINK_INPUT_KEYBOARD};
	link_copy_string(add.devnode, sizeof(add.devnode), "/dev/input/event3");
	link_copy_string(add.name, sizeof(add.name), "QEMU USB Keyboard");
	assert_int_equal(link_send(pair->send, LINK_INPUT_ADD, &add, sizeof(add), pipe_fds[1]), 0);
	close(pipe_fds[1]);

	struct link_message message;
	char error[256];
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_INPUT_ADD);
	assert_true(message.fd >= 0);
	assert_int_equal(message.body.input_add.id, 7);
	assert_string_equal(message.body.input_add.devnode, "/dev/input/event3");
	/* The received fd is the pipe's write end, close-on-exec. */
	assert_true(fcntl(message.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(message.fd, "x", 1), 1);
	char c = 0;
	assert_int_equal(read(pipe_fds[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(message.fd);
	close(pipe_fds[0]);
}

static void test_send_refuses_what_the_receiver_would(void **state)
{
	struct pair *pair = *state;
	struct link_identify identify;
	memset(identify.text, 'a', sizeof(identify.text)); /* unterminated */
	assert_int_equal(link_send(pair->send, LINK_IDENTIFY, &identify, sizeof(identify), -1),
			 -EINVAL);
	struct link_input_add add = {0};
	assert_int_equal(link_send(pair->send, LINK_INPUT_ADD, &add, sizeof(add), -1), -EINVAL);
	assert_int_equal(link_send(pair->send, LINK_INPUT_ADD, &add, sizeof(add) - 1, 0), -EINVAL);
	struct link_drm_slot slot = {.slot = 0};
	assert_int_equal(link_send(pair->send, LINK_DRM_REVOKED, &slot, sizeof(slot), 0), -EINVAL);
	/* The slot-less bodies of version 1 are gone. */
	assert_int_equal(link_send(pair->send, LINK_DRM_REVOKED, NULL, 0, -1), -EINVAL);
	assert_int_equal(link_send(pair->send, LINK_DRM_RESCAN, NULL, 0, -1), -EINVAL);
	/* A slot out of range is refused before it is sent. */
	slot.slot = LINK_MAX_SLOTS;
	assert_int_equal(link_send(pair->send, LINK_DRM_RESCAN, &slot, sizeof(slot), -1), -EINVAL);
	assert_int_equal(link_send(pair->send, 999, NULL, 0, -1), -EINVAL);
	assert_int_equal(link_send(pair->send, 0, NULL, 0, -1), -EINVAL);
	struct link_message message;
	assert_int_equal(link_receive(pair->receive, &message, NULL, 0), -EAGAIN);
}

static void test_malformed_messages_are_refused_and_fds_closed(void **state)
{
	struct pair *pair = *state;
	int before = count_open_fds();
	struct link_input_add add = {.id = 1};
	struct link_identify identify = {.text = "hi"};

	send_message_raw(pair->send, 999, 0, NULL, 0, NULL, 0);
	expect_error(pair->receive, "unknown opcode 999");

	send_message_raw(pair->send, LINK_IDENTIFY, sizeof(identify) - 1, &identify,
			 sizeof(identify) - 1, NULL, 0);
	expect_error(pair->receive, "LINK_IDENTIFY: body of 1199 bytes, expected 1200");

	send_message_raw(pair->send, LINK_IDENTIFY, 10, &identify, sizeof(identify), NULL, 0);
	expect_error(pair->receive, "the header says 10 bytes, the message has 1200");

	send_message_raw(pair->send, LINK_INPUT_ADD, sizeof(add), &add, sizeof(add), NULL, 0);
	expect_error(pair->receive, "LINK_INPUT_ADD: the fd is missing");

	int fd = open_fds();
	send_message_raw(pair->send, LINK_IDENTIFY, sizeof(identify), &identify, sizeof(identify),
			 &fd, 1);
	expect_error(pair->receive, "LINK_IDENTIFY: carries an fd it must not have");

	int two[2] = {fd, fd};
	send_message_raw(pair->send, LINK_INPUT_ADD, sizeof(add), &add, sizeof(add), two, 2);
	expect_error(pair->receive, "2 fds in one message");

	int many[8] = {fd, fd, fd, fd, fd, fd, fd, fd};
	send_message_raw(pair->send, LINK_INPUT_ADD, sizeof(add), &add, sizeof(add), many, 8);
	expect_error(pair->receive, "too many fds");

	memset(add.name, 'n', sizeof(add.name));
	send_message_raw(pair->send, LINK_INPUT_ADD, sizeof(add), &add, sizeof(add), &fd, 1);
	expect_error(pair->receive, "LINK_INPUT_ADD: a string at byte 72 is not terminated");
	close(fd);

	send_raw(pair->send, "ab", 2, NULL, 0);
	expect_error(pair->receive, "a message of 2 bytes, shorter than its header");

	unsigned char big[LINK_MAX_MESSAGE + 100];
	memset(big, 0, sizeof(big));
	send_raw(pair->send, big, sizeof(big), NULL, 0);
	expect_error(pair->receive, "longer than 1280 bytes");

	/* Every fd that came with a refused message is closed again. */
	assert_int_equal(count_open_fds(), before);

	/* The link itself still works: the receiver decides whether to close it. */
	struct link_drm_slot rescan = {.slot = LINK_MAX_SLOTS - 1};
	assert_int_equal(link_send(pair->send, LINK_DRM_RESCAN, &rescan, sizeof(rescan), -1), 0);
	struct link_message message;
	assert_int_equal(link_receive(pair->receive, &message, NULL, 0), 1);
	assert_int_equal(message.opcode, LINK_DRM_RESCAN);
	assert_int_equal(message.body.drm_slot.slot, LINK_MAX_SLOTS - 1);
}

static void test_lease_slots(void **state)
{
	struct pair *pair = *state;
	int before = count_open_fds();
	int fd = open_fds();
	struct link_drm_lease lease = {.slot = 1, .lessee_id = 17};
	link_copy_string(lease.card, sizeof(lease.card), "pci-0000:00:03.0");
	assert_int_equal(link_send(pair->send, LINK_DRM_LEASE, &lease, sizeof(lease), fd), 0);
	struct link_message message;
	char error[256];
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(message.opcode, LINK_DRM_LEASE);
	assert_int_equal(message.body.drm_lease.slot, 1);
	assert_int_equal(message.body.drm_lease.lessee_id, 17);
	assert_string_equal(message.body.drm_lease.card, "pci-0000:00:03.0");
	assert_true(message.fd >= 0);
	close(message.fd);

	/* Refused by the sender, and by the receiver when a sender skips the check. */
	lease.slot = LINK_MAX_SLOTS;
	assert_int_equal(link_send(pair->send, LINK_DRM_LEASE, &lease, sizeof(lease), fd), -EINVAL);
	send_message_raw(pair->send, LINK_DRM_LEASE, sizeof(lease), &lease, sizeof(lease), &fd, 1);
	expect_error(pair->receive, "LINK_DRM_LEASE: slot 4 is out of range (0 to 3)");
	struct link_drm_slot slot = {.slot = UINT32_MAX};
	send_message_raw(pair->send, LINK_DRM_REVOKED, sizeof(slot), &slot, sizeof(slot), NULL, 0);
	expect_error(pair->receive, "LINK_DRM_REVOKED: slot 4294967295 is out of range");
	send_message_raw(pair->send, LINK_DRM_RESCAN, 0, NULL, 0, NULL, 0);
	expect_error(pair->receive, "LINK_DRM_RESCAN: body of 0 bytes, expected 4");
	/* The body of version 1 (no slot): one uint32_t short. */
	send_message_raw(pair->send, LINK_DRM_LEASE, sizeof(lease) - 4, &lease.lessee_id,
			 sizeof(lease) - 4, &fd, 1);
	expect_error(pair->receive, "LINK_DRM_LEASE: body of 100 bytes, expected 104");
	/* Every slot in range goes through. */
	for (uint32_t i = 0; i < LINK_MAX_SLOTS; i++) {
		slot.slot = i;
		assert_int_equal(link_send(pair->send, LINK_DRM_RESCAN, &slot, sizeof(slot), -1),
				 0);
		assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
		assert_int_equal(message.body.drm_slot.slot, i);
	}
	close(fd);
	assert_int_equal(count_open_fds(), before);
}

static void test_peer_closing_reads_as_end(void **state)
{
	struct pair *pair = *state;
	struct link_ready ready;
	link_copy_string(ready.socket, sizeof(ready.socket), "wayland-1");
	assert_int_equal(link_send(pair->send, LINK_READY, &ready, sizeof(ready), -1), 0);
	close(pair->send);
	pair->send = -1;
	struct link_message message;
	assert_int_equal(link_receive(pair->receive, &message, NULL, 0), 1);
	assert_string_equal(message.body.ready.socket, "wayland-1");
	assert_int_equal(link_receive(pair->receive, &message, NULL, 0), 0);
}

static void test_send_to_a_closed_peer_is_epipe(void **state)
{
	struct pair *pair = *state;
	close(pair->receive);
	pair->receive = open_fds(); /* teardown closes something */
	struct link_drm_slot rescan = {.slot = 0};
	assert_int_equal(link_send(pair->send, LINK_DRM_RESCAN, &rescan, sizeof(rescan), -1),
			 -EPIPE);
}

static void test_copy_string_truncates_and_terminates(void **state)
{
	(void)state;
	char field[4];
	memset(field, 'x', sizeof(field));
	link_copy_string(field, sizeof(field), "abcdef");
	assert_string_equal(field, "abc");
	link_copy_string(field, sizeof(field), NULL);
	assert_string_equal(field, "");
	assert_string_equal(link_opcode_name(LINK_KEYMAP), "LINK_KEYMAP");
	assert_null(link_opcode_name(0));
	assert_null(link_opcode_name(63));
}

/* What a dispatch table's handlers saw. */
struct dispatched {
	int calls;
	char socket[64];
	int kept_fd;
};

static int on_ready(void *data, struct link_message *message)
{
	struct dispatched *seen = data;
	seen->calls++;
	link_copy_string(seen->socket, sizeof(seen->socket), message->body.ready.socket);
	return 0;
}

static int on_input_keep_fd(void *data, struct link_message *message)
{
	struct dispatched *seen = data;
	seen->calls++;
	seen->kept_fd = message->fd;
	message->fd = -1;
	return 0;
}

static int on_error_refused(void *data, struct link_message *message)
{
	(void)message;
	((struct dispatched *)data)->calls++;
	return -EBADMSG; /* "not now": a handler may refuse, as LINK_LOGIN without a greeter */
}

static void test_dispatch(void **state)
{
	struct pair *pair = *state;
	static const struct link_handler handlers[] = {
		{LINK_READY, on_ready},
		{LINK_INPUT_ADD, on_input_keep_fd},
		{LINK_ERROR, on_error_refused},
	};
	struct dispatched seen = {.kept_fd = -1};
	struct link_message message;
	char error[256];

	struct link_ready ready = {0};
	link_copy_string(ready.socket, sizeof(ready.socket), "wayland-1");
	assert_int_equal(link_send(pair->send, LINK_READY, &ready, sizeof(ready), -1), 0);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(link_dispatch(handlers, 3, &seen, &message, error, sizeof(error)), 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.socket, "wayland-1");
	/* Wiped afterwards, whatever it held (a LINK_LOGIN holds a password). */
	assert_int_equal(message.opcode, 0);
	assert_int_equal(message.body.bytes[0], 0);

	/* A message no handler takes is named, though the message is wiped (it used to be
	 * logged as "(null)"), and its fd is closed. */
	int before = count_open_fds();
	struct link_hello hello = {.version = LINK_VERSION, .number = 2};
	link_copy_string(hello.seat, sizeof(hello.seat), "seat-2");
	assert_int_equal(link_send(pair->send, LINK_HELLO, &hello, sizeof(hello), -1), 0);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(link_dispatch(handlers, 3, &seen, &message, error, sizeof(error)),
			 -EBADMSG);
	assert_string_equal(error, "LINK_HELLO, which is not its to send");
	assert_int_equal(seen.calls, 1);

	struct link_input_add add = {.id = 1, .caps = LINK_INPUT_KEYBOARD};
	int fd = open_fds();
	assert_int_equal(link_send(pair->send, LINK_INPUT_ADD, &add, sizeof(add), fd), 0);
	close(fd);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(link_dispatch(handlers, 1, &seen, &message, error, sizeof(error)),
			 -EBADMSG);
	assert_string_equal(error, "LINK_INPUT_ADD, which is not its to send");
	assert_int_equal(count_open_fds(), before);

	/* A handler that keeps the fd has it, open. */
	fd = open_fds();
	assert_int_equal(link_send(pair->send, LINK_INPUT_ADD, &add, sizeof(add), fd), 0);
	close(fd);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(link_dispatch(handlers, 3, &seen, &message, error, sizeof(error)), 0);
	assert_true(seen.kept_fd >= 0 && fcntl(seen.kept_fd, F_GETFD) >= 0);
	close(seen.kept_fd);

	/* A handler's refusal reads as the opcode not being the sender's to send. */
	struct link_error failure = {.code = -EIO};
	link_copy_string(failure.message, sizeof(failure.message), "oops");
	assert_int_equal(link_send(pair->send, LINK_ERROR, &failure, sizeof(failure), -1), 0);
	assert_int_equal(link_receive(pair->receive, &message, error, sizeof(error)), 1);
	assert_int_equal(link_dispatch(handlers, 3, &seen, &message, error, sizeof(error)),
			 -EBADMSG);
	assert_string_equal(error, "LINK_ERROR, which is not its to send");
	assert_int_equal(seen.calls, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_every_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_passes_and_works, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refuses_what_the_receiver_would, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_messages_are_refused_and_fds_closed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_closing_reads_as_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_to_a_closed_peer_is_epipe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
		cmocka_unit_test(test_copy_string_truncates_and_terminates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
