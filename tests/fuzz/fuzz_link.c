/*
 * libFuzzer harness of the seat link's receiving end, which multiseatd and the compositor
 * share: a packet of any bytes with up to five fds attached, over a real SOCK_SEQPACKET
 * socketpair, then the dispatch both ends' tables go through. No fd may leak, a message
 * taken must be one link_send would send, and a refused one must say why.
 *
 * The input: the first byte's low three bits are how many fds to attach (0 to 5), the rest
 * is the packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "protocol.h"

static int taken_fd = -1;

static int take_fd(void *data, struct link_message *message)
{
	(void)data;
	taken_fd = message->fd;
	message->fd = -1;
	return 0;
}

static int keep_nothing(void *data, struct link_message *message)
{
	(void)data;
	(void)message;
	return 0;
}

/* What the compositor takes (from the daemon) and the daemon takes (from the compositor). */
static const struct link_handler handlers[] = {
	{LINK_DRM_LEASE, take_fd},	 {LINK_INPUT_ADD, take_fd},
	{LINK_IDENTIFY, keep_nothing},	 {LINK_KEYMAP, keep_nothing},
	{LINK_LOGIN_TEXT, keep_nothing}, {LINK_READY, keep_nothing},
	{LINK_ERROR, keep_nothing},	 {LINK_LOGIN, keep_nothing},
	{LINK_SYSRQ, keep_nothing},	 {LINK_SESSION_SPAWNED, keep_nothing},
};

static int pair[2] = {-1, -1};

/* The lowest fd number free now: a leak in between two calls raises it. */
static int probe_lowest(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort();
	close(fd);
	return fd;
}

static void send_packet(const uint8_t *data, size_t size, int fd_count)
{
	int fds[5];
	for (int i = 0; i < fd_count; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			abort();
	}
	struct iovec iov = {.iov_base = (void *)data, .iov_len = size};
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd_count > 0) {
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)fd_count);
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)fd_count);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)fd_count);
	}
	if (sendmsg(pair[0], &msg, MSG_NOSIGNAL) < 0)
		abort();
	for (int i = 0; i < fd_count; i++)
		close(fds[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (pair[0] < 0) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
			abort();
	}
	int lowest_free = probe_lowest();
	if (size == 0 || size - 1 > LINK_MAX_MESSAGE + 64)
		return 0;
	int fd_count = data[0] & 7;
	if (fd_count > 5)
		fd_count = 5;
	send_packet(data + 1, size - 1, fd_count);

	struct link_message message;
	char error[256] = "";
	int ret = link_receive(pair[1], &message, error, sizeof(error));
	if (ret == 1) {
		/* Taken: it must be a message the sending side would have sent as it is. */
		const char *name = link_opcode_name(message.opcode);
		if (!name)
			abort();
		if (link_send(pair[0], message.opcode, &message.body, message.size, message.fd) !=
		    0)
			abort();
		struct link_message again;
		if (link_receive(pair[1], &again, error, sizeof(error)) != 1 ||
		    again.opcode != message.opcode || again.size != message.size ||
		    memcmp(&again.body, &message.body, message.size) != 0)
			abort();
		if (again.fd >= 0)
			close(again.fd);
		taken_fd = -1;
		ret = link_dispatch(handlers, sizeof(handlers) / sizeof(handlers[0]), NULL,
				    &message, error, sizeof(error));
		if (ret == -EBADMSG && !strstr(error, "which is not its to send"))
			abort();
		if (ret != 0 && ret != -EBADMSG)
			abort();
		if (taken_fd >= 0)
			close(taken_fd);
	} else if (ret == -EPROTO) {
		if (!error[0])
			abort();
		fuzz_check_line(error);
	} else if (!(ret == 0 && size == 1)) {
		/* Only an empty packet reads as the end (on SOCK_SEQPACKET it looks like one);
		 * the peer never closes here. */
		abort();
	}
	if (probe_lowest() != lowest_free)
		abort();
	return 0;
}
