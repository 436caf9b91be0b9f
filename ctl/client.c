/* multiseatctl's end of the control socket: connect, send one request, read one reply line. */
#include "client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

/* A daemon that does not answer in this time is stuck; better an error than a hung shell. */
#define REPLY_TIMEOUT_S 30
/* Far above any real reply; keeps a broken daemon from eating all memory. */
#define REPLY_MAX (64u << 20)

/* A connected socket, or -1 after saying why. */
int ctl_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	memcpy(addr.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctl_fail("cannot create a socket: %s", strerror(errno));
		return -1;
	}
	struct timeval timeout = {.tv_sec = REPLY_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			ctl_fail("multiseatd is not running (no control socket at %s)", path);
		else
			ctl_fail("cannot connect to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_send_all(int fd, const char *data, size_t size)
{
	while (size > 0) {
		ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ctl_fail("cannot send the request: %s",
				 errno == EAGAIN ? "multiseatd does not read it" : strerror(errno));
			return -1;
		}
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/* The first line the daemon sends, without its newline; NULL after saying why. */
char *ctl_receive_line(int fd, size_t *length)
{
	size_t size = 0, capacity = 4096;
	char *buffer = malloc(capacity);
	while (buffer != NULL) {
		char *newline = memchr(buffer, '\n', size);
		if (newline != NULL) {
			*length = (size_t)(newline - buffer);
			return buffer;
		}
		if (size == capacity) {
			char *bigger = capacity < REPLY_MAX ? realloc(buffer, capacity * 2) : NULL;
			if (bigger == NULL) {
				ctl_fail("the reply from multiseatd is too long");
				free(buffer);
				return NULL;
			}
			buffer = bigger;
			capacity *= 2;
		}
		ssize_t n = recv(fd, buffer + size, capacity - size, 0);
		if (n > 0) {
			size += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			ctl_fail("no reply from multiseatd within %d seconds", REPLY_TIMEOUT_S);
		else if (n < 0 && size == 0)
			ctl_fail("cannot read the reply: %s", strerror(errno));
		else if (size == 0)
			ctl_fail("multiseatd closed the connection without replying");
		else
			ctl_fail("the reply from multiseatd is truncated (%zu bytes, no end of "
				 "line)",
				 size);
		free(buffer);
		return NULL;
	}
	ctl_fail("out of memory");
	return NULL;
}
