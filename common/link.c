/* The seat link's wire format: one checked message per SOCK_SEQPACKET packet, fds as SCM_RIGHTS. */
#include "protocol.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "wire_fields.h"

/* Room for a few fds: a sender that attaches more than one gets a protocol error, not a leak. */
#define LINK_MAX_FDS 4

struct link_spec {
	struct wire_spec wire; /* name, size, strings */
	bool fd;
	/* Whether the body has a uint32_t at slot_offset naming a lease slot (< LINK_MAX_SLOTS). */
	bool has_slot;
	uint16_t slot_offset;
};

#define STR WIRE_STRING
#define SLOT(type, field) .has_slot = true, .slot_offset = offsetof(type, field)

static const struct link_spec specs[] = {
	[LINK_HELLO] = {.wire = {.name = "LINK_HELLO",
				 .size = sizeof(struct link_hello),
				 .strings = {STR(struct link_hello, seat),
					     STR(struct link_hello, keymap.layout),
					     STR(struct link_hello, keymap.variant),
					     STR(struct link_hello, keymap.options)}}},
	[LINK_DRM_LEASE] = {.wire = {.name = "LINK_DRM_LEASE",
				     .size = sizeof(struct link_drm_lease),
				     .strings = {STR(struct link_drm_lease, card)}},
			    .fd = true,
			    SLOT(struct link_drm_lease, slot)},
	[LINK_DRM_REVOKED] = {.wire = {.name = "LINK_DRM_REVOKED",
				       .size = sizeof(struct link_drm_slot)},
			      SLOT(struct link_drm_slot, slot)},
	[LINK_DRM_RESCAN] = {.wire = {.name = "LINK_DRM_RESCAN",
				      .size = sizeof(struct link_drm_slot)},
			     SLOT(struct link_drm_slot, slot)},
	[LINK_INPUT_ADD] = {.wire = {.name = "LINK_INPUT_ADD",
				     .size = sizeof(struct link_input_add),
				     .strings = {STR(struct link_input_add, devnode),
						 STR(struct link_input_add, name)}},
			    .fd = true},
	[LINK_INPUT_REMOVE] = {.wire = {.name = "LINK_INPUT_REMOVE",
					.size = sizeof(struct link_input_remove)}},
	[LINK_IDENTIFY] = {.wire = {.name = "LINK_IDENTIFY",
				    .size = sizeof(struct link_identify),
				    .strings = {STR(struct link_identify, text)}}},
	[LINK_KEYMAP] = {.wire = {.name = "LINK_KEYMAP",
				  .size = sizeof(struct link_keymap),
				  .strings = {STR(struct link_keymap, layout),
					      STR(struct link_keymap, variant),
					      STR(struct link_keymap, options)}}},
	[LINK_SESSION_START] = {.wire = {.name = "LINK_SESSION_START"}},
	[LINK_SESSION_PLACED] = {.wire = {.name = "LINK_SESSION_PLACED",
					  .size = sizeof(struct link_session_placed)}},
	[LINK_LOGIN_TEXT] = {.wire = {.name = "LINK_LOGIN_TEXT",
				      .size = sizeof(struct link_login_text),
				      .strings = {STR(struct link_login_text, text)}}},
	[LINK_LOGIN_FAILED] = {.wire = {.name = "LINK_LOGIN_FAILED",
					.size = sizeof(struct link_login_failed),
					.strings = {STR(struct link_login_failed, text)}}},
	[LINK_LOGIN_ACCEPTED] = {.wire = {.name = "LINK_LOGIN_ACCEPTED",
					  .size = sizeof(struct link_login_accepted),
					  .strings = {STR(struct link_login_accepted, user)}}},
	[LINK_LOGGED_OUT] = {.wire = {.name = "LINK_LOGGED_OUT"}},
	[LINK_SYSRQ_SETTING] = {.wire = {.name = "LINK_SYSRQ_SETTING",
					 .size = sizeof(struct link_sysrq_setting)}},
	[LINK_READY] = {.wire = {.name = "LINK_READY",
				 .size = sizeof(struct link_ready),
				 .strings = {STR(struct link_ready, socket)}}},
	[LINK_ERROR] = {.wire = {.name = "LINK_ERROR",
				 .size = sizeof(struct link_error),
				 .strings = {STR(struct link_error, message)}}},
	[LINK_SESSION_SPAWNED] = {.wire = {.name = "LINK_SESSION_SPAWNED",
					   .size = sizeof(struct link_session_spawned)}},
	[LINK_LOGIN] = {.wire = {.name = "LINK_LOGIN",
				 .size = sizeof(struct link_login),
				 .strings = {STR(struct link_login, user),
					     STR(struct link_login, password)}}},
	[LINK_SYSRQ] = {.wire = {.name = "LINK_SYSRQ",
				 .size = sizeof(struct link_sysrq),
				 .strings = {STR(struct link_sysrq, command)}}},
};

_Static_assert(sizeof(struct link_header) + sizeof(struct link_input_add) <= LINK_MAX_MESSAGE,
	       "LINK_MAX_MESSAGE is too small");
_Static_assert(sizeof(struct link_header) + sizeof(struct link_hello) <= LINK_MAX_MESSAGE,
	       "LINK_MAX_MESSAGE is too small");
_Static_assert(sizeof(struct link_header) + sizeof(struct link_error) <= LINK_MAX_MESSAGE,
	       "LINK_MAX_MESSAGE is too small");
_Static_assert(sizeof(struct link_header) + sizeof(struct link_login) <= LINK_MAX_MESSAGE,
	       "LINK_MAX_MESSAGE is too small");

static const struct link_spec *spec_of(uint16_t opcode)
{
	if (opcode >= sizeof(specs) / sizeof(specs[0]) || !specs[opcode].wire.name)
		return NULL;
	return &specs[opcode];
}

const char *link_opcode_name(uint16_t opcode)
{
	const struct link_spec *spec = spec_of(opcode);
	return spec ? spec->wire.name : NULL;
}

int link_dispatch(const struct link_handler *handlers, size_t count, void *data,
		  struct link_message *message, char *error, size_t error_size)
{
	uint16_t opcode = message->opcode;
	int ret = -EBADMSG;
	for (size_t i = 0; i < count; i++) {
		if (handlers[i].opcode == opcode) {
			ret = handlers[i].handle(data, message);
			break;
		}
	}
	if (message->fd >= 0)
		close(message->fd);
	link_message_wipe(message);
	if (ret == -EBADMSG) {
		const char *name = link_opcode_name(opcode);
		if (name)
			format_error(error, error_size, "%s, which is not its to send", name);
		else
			format_error(error, error_size, "opcode %u, which is not its to send",
				     opcode);
	}
	return ret;
}

void link_message_wipe(struct link_message *message)
{
	explicit_bzero(message, sizeof(*message));
	message->fd = -1;
}

void link_copy_string(char *field, size_t size, const char *text)
{
	wire_copy_string(field, size, text);
}

/* Says why in `error` and is -EPROTO. */
#define fail(error, error_size, ...) (format_error(error, error_size, __VA_ARGS__), -EPROTO)

/* The checks both ends make: size, fd, strings. 0 or -EPROTO with the reason. */
static int check(uint16_t opcode, const void *body, size_t size, bool has_fd, char *error,
		 size_t error_size)
{
	const struct link_spec *spec = spec_of(opcode);
	if (!spec)
		return fail(error, error_size, "unknown opcode %u", (unsigned)opcode);
	int ret = wire_spec_check(&spec->wire, body, size, error, error_size);
	if (ret < 0)
		return ret;
	if (has_fd != spec->fd)
		return fail(error, error_size,
			    spec->fd ? "%s: the fd is missing"
				     : "%s: carries an fd it must not have",
			    spec->wire.name);
	if (spec->has_slot) {
		uint32_t slot;
		memcpy(&slot, (const unsigned char *)body + spec->slot_offset, sizeof(slot));
		if (slot >= LINK_MAX_SLOTS)
			return fail(error, error_size, "%s: slot %u is out of range (0 to %d)",
				    spec->wire.name, (unsigned)slot, LINK_MAX_SLOTS - 1);
	}
	return 0;
}

int link_send(int sock, uint16_t opcode, const void *body, size_t size, int fd)
{
	if ((size > 0 && !body) || size > LINK_MAX_MESSAGE - sizeof(struct link_header))
		return -EINVAL;
	if (check(opcode, body, size, fd >= 0, NULL, 0) < 0)
		return -EINVAL;

	struct link_header header = {.opcode = opcode, .size = (uint16_t)size};
	struct iovec iov[2] = {
		{.iov_base = &header, .iov_len = sizeof(header)},
		{.iov_base = (void *)body, .iov_len = size},
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = size > 0 ? 2 : 1};
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	ssize_t n;
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* SOCK_SEQPACKET sends all of a packet or nothing. */
	return (size_t)n == sizeof(header) + size ? 0 : -EIO;
}

/* Collects the fds a packet carried; returns how many (at most max). */
static int collect_fds(struct msghdr *msg, int *fds, int max)
{
	int count = 0;
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
			if (count < max)
				fds[count++] = fd;
			else
				close(fd);
		}
	}
	return count;
}

int link_receive(int sock, struct link_message *message, char *error, size_t error_size)
{
	/* One byte more than the largest message, so that a longer one shows as truncated. */
	unsigned char buf[LINK_MAX_MESSAGE + 1];
	union {
		char buf[CMSG_SPACE(LINK_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;

	int fds[LINK_MAX_FDS];
	int n_fds = collect_fds(&msg, fds, LINK_MAX_FDS);
	int ret;
	if (n == 0 && n_fds == 0)
		return 0;
	if (msg.msg_flags & MSG_CTRUNC) {
		ret = fail(error, error_size, "too many fds in one message");
		goto err;
	}
	if (n_fds > 1) {
		ret = fail(error, error_size, "%d fds in one message, at most 1 allowed", n_fds);
		goto err;
	}
	if ((msg.msg_flags & MSG_TRUNC) || (size_t)n > LINK_MAX_MESSAGE) {
		ret = fail(error, error_size, "a message longer than %d bytes", LINK_MAX_MESSAGE);
		goto err;
	}
	struct link_header header;
	if ((size_t)n < sizeof(header)) {
		ret = fail(error, error_size, "a message of %zd bytes, shorter than its header", n);
		goto err;
	}
	memcpy(&header, buf, sizeof(header));
	size_t size = (size_t)n - sizeof(header);
	if (header.size != size) {
		ret = fail(error, error_size, "the header says %u bytes, the message has %zu",
			   (unsigned)header.size, size);
		goto err;
	}
	ret = check(header.opcode, buf + sizeof(header), size, n_fds == 1, error, error_size);
	if (ret < 0)
		goto err;

	memset(message, 0, sizeof(*message));
	message->opcode = header.opcode;
	message->size = header.size;
	memcpy(message->body.bytes, buf + sizeof(header), size);
	message->fd = n_fds == 1 ? fds[0] : -1;
	/* The packet may have held a password. */
	explicit_bzero(buf, (size_t)n);
	return 1;

err:
	explicit_bzero(buf, sizeof(buf));
	for (int i = 0; i < n_fds; i++)
		close(fds[i]);
	return ret;
}
