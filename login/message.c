/* The login worker's wire format: one checked, versioned message per SOCK_SEQPACKET packet. */
#include "login.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "wire_fields.h"

#define STR WIRE_STRING

static const struct wire_spec specs[] = {
	[LOGIN_REQUEST] = {"LOGIN_REQUEST",
			   sizeof(struct login_request),
			   {STR(struct login_request, service), STR(struct login_request, user),
			    STR(struct login_request, password), STR(struct login_request, desk),
			    STR(struct login_request, seat),
			    STR(struct login_request, wayland_display),
			    STR(struct login_request, runtime_dir),
			    STR(struct login_request, cgroup), STR(struct login_request, command),
			    STR(struct login_request, environment)}},
	[LOGIN_LOGOUT] = {"LOGIN_LOGOUT", 0, {{0, 0}}},
	[LOGIN_PROCEED] = {"LOGIN_PROCEED", 0, {{0, 0}}},
	[LOGIN_TEXT] = {"LOGIN_TEXT", sizeof(struct login_text), {STR(struct login_text, text)}},
	[LOGIN_FAILED] = {"LOGIN_FAILED",
			  sizeof(struct login_failed),
			  {STR(struct login_failed, text)}},
	[LOGIN_STARTED] = {"LOGIN_STARTED", sizeof(struct login_started), {{0, 0}}},
	[LOGIN_ENDED] = {"LOGIN_ENDED", sizeof(struct login_ended), {{0, 0}}},
	[LOGIN_AUTHENTICATED] = {"LOGIN_AUTHENTICATED",
				 sizeof(struct login_authenticated),
				 {STR(struct login_authenticated, user)}},
};

static const struct wire_spec *spec_of(uint16_t type)
{
	if (type >= sizeof(specs) / sizeof(specs[0]) || !specs[type].name)
		return NULL;
	return &specs[type];
}

const char *login_type_name(uint16_t type)
{
	const struct wire_spec *spec = spec_of(type);
	return spec ? spec->name : NULL;
}

void login_copy_string(char *field, size_t size, const char *text)
{
	wire_copy_string(field, size, text);
}

/* Says why in `error` and is -EPROTO. */
#define fail(error, error_size, ...) (format_error(error, error_size, __VA_ARGS__), -EPROTO)

/* What both ends check: the type, the size and the strings. 0 or -EPROTO with the reason. */
static int check(uint16_t type, const void *body, size_t size, char *error, size_t error_size)
{
	const struct wire_spec *spec = spec_of(type);
	if (!spec)
		return fail(error, error_size, "unknown message type %u", (unsigned)type);
	return wire_spec_check(spec, body, size, error, error_size);
}

int login_message_encode(uint16_t type, const void *body, size_t size, void *buf, size_t buf_size)
{
	if ((size > 0 && !body) || check(type, body, size, NULL, 0) < 0)
		return -EINVAL;
	if (buf_size < sizeof(struct login_header) + size)
		return -EINVAL;
	struct login_header header = {
		.version = LOGIN_VERSION,
		.type = type,
		.size = (uint32_t)size,
	};
	memcpy(buf, &header, sizeof(header));
	if (size > 0)
		memcpy((char *)buf + sizeof(header), body, size);
	return (int)(sizeof(header) + size);
}

int login_message_decode(const void *buf, size_t len, struct login_message *message, char *error,
			 size_t error_size)
{
	struct login_header header;
	if (len < sizeof(header))
		return fail(error, error_size, "a message of %zu bytes is shorter than its header",
			    len);
	memcpy(&header, buf, sizeof(header));
	if (header.version != LOGIN_VERSION)
		return fail(error, error_size, "message version %u, expected %u",
			    (unsigned)header.version, (unsigned)LOGIN_VERSION);
	size_t body = len - sizeof(header);
	if (header.size != body)
		return fail(error, error_size, "the header says %u bytes, the body has %zu",
			    (unsigned)header.size, body);
	if (body > sizeof(message->body))
		return fail(error, error_size, "a body of %zu bytes is larger than any message",
			    body);
	const char *data = (const char *)buf + sizeof(header);
	int ret = check(header.type, data, body, error, error_size);
	if (ret < 0)
		return ret;
	memset(message, 0, sizeof(*message));
	message->type = header.type;
	message->size = header.size;
	memcpy(&message->body, data, body);
	return 0;
}

void login_message_wipe(struct login_message *message)
{
	explicit_bzero(message, sizeof(*message));
}

int login_send(int sock, uint16_t type, const void *body, size_t size)
{
	unsigned char buf[LOGIN_MAX_MESSAGE];
	int n = login_message_encode(type, body, size, buf, sizeof(buf));
	if (n < 0)
		return n;
	ssize_t sent;
	do {
		/* MSG_NOSIGNAL: a daemon gone must not kill a worker that still has to clean up. */
		sent = send(sock, buf, (size_t)n, MSG_NOSIGNAL);
	} while (sent < 0 && errno == EINTR);
	int err = sent < 0 ? errno : 0;
	explicit_bzero(buf, (size_t)n);
	if (err)
		return -err;
	/* A SOCK_SEQPACKET send is all or nothing. */
	return sent == n ? 0 : -EIO;
}

int login_receive(int sock, struct login_message *message, char *error, size_t error_size)
{
	/* One byte more than the largest message: a longer packet is seen, not cut silently. */
	unsigned char buf[LOGIN_MAX_MESSAGE + 1];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	int ret;
	if ((msg.msg_flags & MSG_TRUNC) || (size_t)n > LOGIN_MAX_MESSAGE)
		ret = fail(error, error_size, "a message longer than %zu bytes",
			   (size_t)LOGIN_MAX_MESSAGE);
	else if (msg.msg_flags & MSG_CTRUNC)
		ret = fail(error, error_size, "a message carries fds; none is expected");
	else
		ret = login_message_decode(buf, (size_t)n, message, error, error_size);
	explicit_bzero(buf, sizeof(buf));
	return ret < 0 ? ret : 1;
}
