/* A journal stream: connect, header, and the name that JOURNAL_STREAM gives it. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A child that logs in bursts must not block on journald; as libsystemd does. */
#define STREAM_SNDBUF (8 * 1024 * 1024)

int journal_stream_open(const char *socket_path, const char *identifier, int priority,
			bool level_prefix)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	/* The header is line-based: an identifier with a newline would shift every field. */
	if (priority < 0 || priority > 7 || strchr(identifier, '\n'))
		return -EINVAL;
	memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail;
	/* Nothing is ever read from it; journald writes nothing. */
	shutdown(fd, SHUT_RD);
	int size = STREAM_SNDBUF;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* identifier, unit (none), priority, level prefix, forward to syslog, kmsg, console. */
	char header[512];
	int n = snprintf(header, sizeof(header), "%s\n\n%d\n%d\n0\n0\n0\n", identifier, priority,
			 level_prefix ? 1 : 0);
	if (n < 0 || (size_t)n >= sizeof(header)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	for (int done = 0; done < n;) {
		ssize_t w = write(fd, header + done, (size_t)(n - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		done += (int)w;
	}
	return fd;

fail : {
	int err = errno ? errno : EIO;
	close(fd);
	return -err;
}
}

int journal_stream_name(int fd, char *buf, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	int n = snprintf(buf, size, "%llu:%llu", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
