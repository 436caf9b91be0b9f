/* Reading seat children's pipes and writing their lines, tagged, to the daemon's stderr. */
#include "child_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wayland-server-core.h>

/* The longest line passed on whole; a longer one goes on as several. */
#define LINE_MAX_BYTES 1024

struct child_output {
	struct wl_list link;
	struct wl_event_source *source;
	int fd;
	char tag[96];
	size_t used;
	char line[LINE_MAX_BYTES];
};

struct child_outputs {
	struct wl_event_loop *loop;
	struct wl_list outputs; /* child_output */
};

/* One write per line: the daemon's own lines and other children's do not cut into it. */
static void emit(const struct child_output *out, const char *text, size_t len)
{
	char buf[sizeof(out->tag) + 2 + LINE_MAX_BYTES + 1];
	int n = snprintf(buf, sizeof(buf), "%s: %.*s\n", out->tag, (int)len, text);
	if (n < 0)
		return;
	size_t size = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	for (size_t done = 0; done < size;) {
		ssize_t w = write(STDERR_FILENO, buf + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to say it */
		done += (size_t)w;
	}
}

static void output_destroy(struct child_output *out)
{
	if (out->used > 0)
		emit(out, out->line, out->used);
	if (out->source)
		wl_event_source_remove(out->source);
	close(out->fd);
	wl_list_remove(&out->link);
	free(out);
}

/* Takes in what the pipe has; false at its end (or on an error that ends it). */
static bool output_read(struct child_output *out)
{
	for (;;) {
		ssize_t n = read(out->fd, out->line + out->used, sizeof(out->line) - out->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
		out->used += (size_t)n;
		char *start = out->line, *nl;
		while ((nl = memchr(start, '\n', out->used - (size_t)(start - out->line)))) {
			emit(out, start, (size_t)(nl - start));
			start = nl + 1;
		}
		out->used -= (size_t)(start - out->line);
		memmove(out->line, start, out->used);
		if (out->used == sizeof(out->line)) {
			emit(out, out->line, out->used);
			out->used = 0;
		}
	}
}

static int handle_readable(int fd, uint32_t mask, void *data)
{
	struct child_output *out = data;
	if (!output_read(out) || (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)))
		output_destroy(out);
	return 0;
}

struct child_outputs *child_outputs_create(struct wl_event_loop *loop)
{
	struct child_outputs *set = calloc(1, sizeof(*set));
	if (!set)
		return NULL;
	set->loop = loop;
	wl_list_init(&set->outputs);
	return set;
}

void child_outputs_destroy(struct child_outputs *set)
{
	if (!set)
		return;
	struct child_output *out, *tmp;
	wl_list_for_each_safe (out, tmp, &set->outputs, link) {
		output_read(out);
		output_destroy(out);
	}
	free(set);
}

int child_outputs_open(struct child_outputs *set, const char *tag)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	struct child_output *out = calloc(1, sizeof(*out));
	int flags = fcntl(fds[0], F_GETFL);
	if (!out || flags < 0 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail;
	out->fd = fds[0];
	snprintf(out->tag, sizeof(out->tag), "%s", tag);
	out->source =
		wl_event_loop_add_fd(set->loop, out->fd, WL_EVENT_READABLE, handle_readable, out);
	if (!out->source)
		goto fail;
	wl_list_insert(&set->outputs, &out->link);
	return fds[1];

fail:
	free(out);
	close(fds[0]);
	close(fds[1]);
	return -ENOMEM;
}
