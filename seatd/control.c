/* multiseatd's control socket server: many non-blocking clients on the daemon's event loop. */
#include "control.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include "log.h"

/*
 * The socket is open to every local user, so one of them must not be able to use up the root
 * daemon's file descriptors. Root is never refused.
 */
#define CLIENTS_PER_USER_MAX 16
#define CLIENTS_MAX 256
/* After running out of fds, accepting waits this long instead of spinning on the backlog. */
#define ACCEPT_RETRY_MS 1000

struct control {
	struct wl_event_loop *loop;
	const struct control_handler *handler;
	void *data;
	char *path;
	/* Which file was bound, so destroy never removes a socket another daemon made since. */
	dev_t dev;
	ino_t ino;
	char *group;
	int fd;
	struct wl_event_source *source;
	struct wl_event_source *retry;
	struct wl_list clients;
	size_t client_count;
};

/*
 * Requests are answered in order, one at a time: while a reply waits to be written, the
 * client's further requests wait in its read buffer and in the kernel. A slow reader thus
 * holds one reply and CONTROL_REQUEST_MAX bytes, however much it sends.
 */
struct control_client {
	struct control *control;
	struct wl_list link;
	int fd;
	struct wl_event_source *source;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool privileged;
	bool eof;
	size_t in_length;
	char in[CONTROL_REQUEST_MAX];
	char *out;
	size_t out_length, out_sent;
};

static void client_destroy(struct control_client *client)
{
	wl_event_source_remove(client->source);
	close(client->fd);
	free(client->out);
	wl_list_remove(&client->link);
	client->control->client_count--;
	free(client);
}

/* Sends what it can now; 0 (maybe with some left) or a negative errno for a dead peer. */
static int client_flush(struct control_client *client)
{
	while (client->out_sent < client->out_length) {
		ssize_t n =
			send(client->fd, client->out + client->out_sent,
			     client->out_length - client->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		client->out_sent += (size_t)n;
	}
	free(client->out);
	client->out = NULL;
	client->out_length = client->out_sent = 0;
	return 0;
}

static bool client_writing(const struct control_client *client)
{
	return client->out != NULL;
}

/* Takes `line`; only called with nothing queued. */
static int client_queue(struct control_client *client, char *line)
{
	client->out = line;
	client->out_length = strlen(line);
	client->out_sent = 0;
	return client_flush(client);
}

/* A client that broke the protocol: one error reply if the socket takes it, then goodbye. */
static void client_fail(struct control_client *client, const char *why)
{
	log_info("control: disconnecting client pid %d uid %u: %s", (int)client->pid,
		 (unsigned)client->uid, why);
	char *reply = control_reply_encode_error(CONTROL_ERROR_USAGE, why);
	if (reply != NULL)
		send(client->fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(reply);
}

/* The reply line to one well-formed request; NULL when out of memory. */
static char *control_answer(struct control *control, const struct control_request *request)
{
	char error[512] = "";
	const struct control_command *command = control_command_find(request->command);
	if (command == NULL) {
		snprintf(error, sizeof(error), "unknown command '%s'", request->command);
		return control_reply_encode_error(CONTROL_ERROR_USAGE, error);
	}
	if (control_command_check_args(command, request->arg_count, request->args, error,
				       sizeof(error)) != 0) {
		size_t used = strlen(error);
		snprintf(error + used, sizeof(error) - used, " (usage: %s%s%s)", command->name,
			 command->args[0] ? " " : "", command->args);
		return control_reply_encode_error(CONTROL_ERROR_USAGE, error);
	}
	if (!command->read_only && !request->privileged) {
		log_info("control: %s refused to pid %d uid %u (not root, not in group %s)",
			 command->name, (int)request->pid, (unsigned)request->uid, control->group);
		snprintf(error, sizeof(error), "permission denied: %s needs root or the %s group",
			 command->name, control->group);
		return control_reply_encode_error(CONTROL_ERROR_FAILED, error);
	}
	struct json_object *result = NULL;
	int ret = control->handler->handle(control->data, request, &result, error, sizeof(error));
	if (ret == 0)
		return control_reply_encode_result(result);
	json_object_put(result);
	if (error[0] == '\0')
		snprintf(error, sizeof(error), "%s failed", command->name);
	return control_reply_encode_error(ret, error);
}

/* 0, or a negative errno when the client is to be dropped. */
static int client_handle_line(struct control_client *client, const char *line, size_t length)
{
	char error[256];
	struct control_message message;
	int ret = control_message_parse(&message, line, length, error, sizeof(error));
	if (ret == -EINVAL) {
		client_fail(client, error);
		return -EPROTO;
	}
	if (ret < 0) {
		log_error("control: cannot parse a request: %s", strerror(-ret));
		return ret;
	}
	message.request.uid = client->uid;
	message.request.gid = client->gid;
	message.request.pid = client->pid;
	message.request.privileged = client->privileged;
	char *reply = control_answer(client->control, &message.request);
	control_message_finish(&message);
	if (reply == NULL) {
		log_error("control: out of memory for a reply to pid %d", (int)client->pid);
		return -ENOMEM;
	}
	return client_queue(client, reply);
}

/* Answers the complete lines read, as long as each reply goes out at once. */
static int client_process(struct control_client *client)
{
	while (!client_writing(client)) {
		char *newline = memchr(client->in, '\n', client->in_length);
		if (newline == NULL) {
			if (client->in_length == sizeof(client->in)) {
				char why[64];
				snprintf(why, sizeof(why), "request longer than %d bytes",
					 CONTROL_REQUEST_MAX);
				client_fail(client, why);
				return -EPROTO;
			}
			if (client->eof && client->in_length > 0)
				log_debug("control: pid %d left in the middle of a request",
					  (int)client->pid);
			return 0;
		}
		size_t length = (size_t)(newline - client->in);
		int ret = client_handle_line(client, client->in, length);
		client->in_length -= length + 1;
		memmove(client->in, newline + 1, client->in_length);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int client_read(struct control_client *client)
{
	while (!client->eof && client->in_length < sizeof(client->in)) {
		ssize_t n = recv(client->fd, client->in + client->in_length,
				 sizeof(client->in) - client->in_length, MSG_DONTWAIT);
		if (n > 0) {
			client->in_length += (size_t)n;
		} else if (n == 0) {
			client->eof = true;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return 0;
		} else if (errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}

static int handle_client_event(int fd, uint32_t mask, void *data)
{
	struct control_client *client = data;
	int ret = 0;
	if (mask & WL_EVENT_ERROR) {
		ret = -ECONNRESET;
		goto drop;
	}
	if (client_writing(client) && (ret = client_flush(client)) < 0)
		goto drop;
	if (!client_writing(client) && (mask & (WL_EVENT_READABLE | WL_EVENT_HANGUP)) &&
	    (ret = client_read(client)) < 0)
		goto drop;
	if ((ret = client_process(client)) < 0)
		goto drop;
	if (client_writing(client)) {
		wl_event_source_fd_update(client->source, WL_EVENT_WRITABLE);
	} else if (client->eof) {
		log_debug("control: pid %d disconnected", (int)client->pid);
		client_destroy(client);
	} else {
		wl_event_source_fd_update(client->source, WL_EVENT_READABLE);
	}
	return 0;
drop:
	if (ret != -EPROTO && ret != -ENOMEM)
		log_debug("control: pid %d gone: %s", (int)client->pid, strerror(-ret));
	client_destroy(client);
	return 0;
}

/* The peer's supplementary groups as the kernel recorded them at connect(); malloc'd. */
static int peer_groups(int fd, gid_t **groups, size_t *count)
{
	socklen_t size = 32 * sizeof(gid_t);
	for (int attempt = 0; attempt < 2; attempt++) {
		gid_t *buffer = malloc(size > 0 ? size : sizeof(gid_t));
		if (buffer == NULL)
			return -ENOMEM;
		socklen_t length = size;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buffer, &length) == 0) {
			*groups = buffer;
			*count = length / sizeof(gid_t);
			return 0;
		}
		int err = errno;
		free(buffer);
		if (err != ERANGE)
			return -err;
		/* The kernel says how much room the list needs. */
		size = length;
	}
	return -ERANGE;
}

static bool peer_privileged(struct control *control, int fd, const struct ucred *cred)
{
	if (cred->uid == 0)
		return true;
	/* Looked up at each connection, so a group made while the daemon runs counts. */
	gid_t group;
	int ret = control_group_lookup(control->group, &group);
	if (ret == -ENOENT)
		return false;
	if (ret < 0) {
		log_error("control: cannot look up group %s: %s", control->group, strerror(-ret));
		return false;
	}
	struct control_credentials credentials = {
		.uid = cred->uid,
		.gid = cred->gid,
		.pid = cred->pid,
	};
	gid_t *groups = NULL;
	ret = peer_groups(fd, &groups, &credentials.group_count);
	if (ret < 0) {
		/* Only the primary group can grant the right then. */
		log_error("control: cannot read the groups of pid %d: %s", (int)cred->pid,
			  strerror(-ret));
		credentials.group_count = 0;
	}
	credentials.groups = groups;
	bool privileged = control_credentials_privileged(&credentials, &group);
	free(groups);
	return privileged;
}

/* Whether another connection from this uid is within the limits. */
static bool control_accepts(struct control *control, uid_t uid)
{
	if (uid == 0)
		return true;
	if (control->client_count >= CLIENTS_MAX)
		return false;
	size_t same = 0;
	struct control_client *client;
	wl_list_for_each (client, &control->clients, link) {
		if (client->uid == uid)
			same++;
	}
	return same < CLIENTS_PER_USER_MAX;
}

static void control_add_client(struct control *control, int fd)
{
	struct ucred cred;
	socklen_t length = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0) {
		log_error("control: cannot read a client's credentials: %s", strerror(errno));
		close(fd);
		return;
	}
	if (!control_accepts(control, cred.uid)) {
		log_info("control: refusing pid %d uid %u: too many connections", (int)cred.pid,
			 (unsigned)cred.uid);
		char *reply = control_reply_encode_error(CONTROL_ERROR_FAILED,
							 "too many connections from this user");
		if (reply != NULL)
			send(fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
		free(reply);
		close(fd);
		return;
	}
	struct control_client *client = calloc(1, sizeof(*client));
	if (client == NULL) {
		log_error("control: out of memory for a client");
		close(fd);
		return;
	}
	client->control = control;
	client->fd = fd;
	client->uid = cred.uid;
	client->gid = cred.gid;
	client->pid = cred.pid;
	client->privileged = peer_privileged(control, fd, &cred);
	client->source = wl_event_loop_add_fd(control->loop, fd, WL_EVENT_READABLE,
					      handle_client_event, client);
	if (client->source == NULL) {
		log_error("control: cannot watch a client: %s", strerror(errno));
		free(client);
		close(fd);
		return;
	}
	wl_list_insert(&control->clients, &client->link);
	control->client_count++;
	log_debug("control: pid %d uid %u connected%s", (int)cred.pid, (unsigned)cred.uid,
		  client->privileged ? " (privileged)" : "");
}

static int handle_retry_timer(void *data)
{
	struct control *control = data;
	wl_event_source_fd_update(control->source, WL_EVENT_READABLE);
	return 0;
}

static int handle_listen_readable(int fd, uint32_t mask, void *data)
{
	struct control *control = data;
	/* A bounded batch, so a flood of connections cannot hold the loop. */
	for (int i = 0; i < 16; i++) {
		int client_fd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (client_fd >= 0) {
			control_add_client(control, client_fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		log_error("control: cannot accept a connection: %s", strerror(errno));
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* The backlog stays readable: pause rather than spin until fds free up. */
			wl_event_source_fd_update(control->source, 0);
			wl_event_source_timer_update(control->retry, ACCEPT_RETRY_MS);
		}
		break;
	}
	return 0;
}

/* Removes a socket file nobody listens on; a live one means another daemon runs. */
static int remove_stale_socket(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	int ret = connect(probe, (const struct sockaddr *)addr, sizeof(*addr));
	int err = errno;
	close(probe);
	if (ret == 0 || err == EAGAIN)
		return -EADDRINUSE;
	if (err != ECONNREFUSED)
		return -err;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int control_listen(struct control *control)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(control->path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, control->path, strlen(control->path) + 1);
	int ret = remove_stale_socket(control->path, &addr);
	if (ret < 0)
		return ret;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = -errno;
		goto close_fd;
	}
	struct stat st;
	/* bind() honours the umask; everyone may read, so everyone may connect. */
	if (chmod(control->path, 0666) < 0 || lstat(control->path, &st) < 0 || listen(fd, 32) < 0) {
		ret = -errno;
		goto unlink_path;
	}
	control->dev = st.st_dev;
	control->ino = st.st_ino;
	control->fd = fd;
	return 0;
unlink_path:
	unlink(control->path);
close_fd:
	close(fd);
	return ret;
}

struct control *control_create(struct wl_event_loop *loop, const char *path,
			       const struct control_handler *handler, void *data)
{
	int ret = -ENOMEM;
	struct control *control = calloc(1, sizeof(*control));
	if (control == NULL)
		goto fail;
	control->loop = loop;
	control->handler = handler;
	control->data = data;
	control->fd = -1;
	wl_list_init(&control->clients);
	control->path = strdup(path);
	control->group = strdup(CONTROL_GROUP);
	if (control->path == NULL || control->group == NULL)
		goto free_control;
	ret = control_listen(control);
	if (ret < 0)
		goto free_control;
	control->retry = wl_event_loop_add_timer(loop, handle_retry_timer, control);
	if (control->retry == NULL) {
		ret = -errno;
		goto close_socket;
	}
	control->source = wl_event_loop_add_fd(loop, control->fd, WL_EVENT_READABLE,
					       handle_listen_readable, control);
	if (control->source == NULL) {
		ret = -errno;
		goto remove_retry;
	}
	log_debug("control: listening on %s", path);
	return control;
remove_retry:
	wl_event_source_remove(control->retry);
close_socket:
	unlink(control->path);
	close(control->fd);
free_control:
	if (control != NULL) {
		free(control->group);
		free(control->path);
	}
	free(control);
fail:
	errno = -ret;
	return NULL;
}

void control_destroy(struct control *control)
{
	if (control == NULL)
		return;
	struct control_client *client, *tmp;
	wl_list_for_each_safe (client, tmp, &control->clients, link)
		client_destroy(client);
	wl_event_source_remove(control->source);
	wl_event_source_remove(control->retry);
	close(control->fd);
	struct stat st;
	if (lstat(control->path, &st) == 0 && st.st_dev == control->dev &&
	    st.st_ino == control->ino)
		unlink(control->path);
	free(control->group);
	free(control->path);
	free(control);
}

int control_set_group(struct control *control, const char *name)
{
	char *copy = strdup(name);
	if (copy == NULL)
		return -ENOMEM;
	free(control->group);
	control->group = copy;
	return 0;
}
