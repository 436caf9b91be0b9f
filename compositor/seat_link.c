/* The compositor's end of the seat link: lease, input fds, layout and identify text from
 * multiseatd. */
#include "seat_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "evdev.h"
#include "greeter.h"
#include "keyboard.h"
#include "log.h"
#include "options.h"
#include "protocol.h"
#include "server.h"
#include "session.h"
#include "session_gate.h"
#include "view.h"

_Static_assert(LINK_MAX_SLOTS == DRM_BACKEND_SLOTS,
	       "a lease slot of the link is one of the backend");

/* How long the daemon may take to say hello after starting us. */
#define HELLO_TIMEOUT_MS 10000
/* How long a session process waits for the daemon to place it before it runs anyway. */
#define PLACE_TIMEOUT_MS 5000

struct seat_link {
	struct server *server;
	int fd;
	struct wl_event_source *source;
	struct link_hello hello;
	bool hold;		     /* the session waits for LINK_SESSION_START */
	struct session_gates *gates; /* with LINK_HELLO_PLACE_SESSIONS */
};

/* Reads one message, waiting up to `timeout_ms`. 1, 0 at end of link, or -errno. */
static int receive_waiting(struct seat_link *link, struct link_message *message, int timeout_ms,
			   char *error, size_t error_size)
{
	struct pollfd pfd = {.fd = link->fd, .events = POLLIN};
	int ret;
	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	return link_receive(link->fd, message, error, error_size);
}

static void apply_keymap(struct seat_link *link, const struct link_keymap *keymap)
{
	struct server *server = link->server;
	const char *layout = keymap->layout[0] ? keymap->layout : NULL;
	const char *variant = keymap->variant[0] ? keymap->variant : NULL;
	const char *options = keymap->options[0] ? keymap->options : NULL;
	/* seat_set_keymap has said why; the layout before stays. */
	if (seat_set_keymap(server->seat, layout, variant, options) < 0) {
		seat_link_send_error(link, -EINVAL, "keyboard layout '%s' cannot be compiled",
				     keymap->layout);
	}
}

static void handle_login_message(struct greeter *greeter, const struct link_message *message)
{
	switch (message->opcode) {
	case LINK_LOGIN_TEXT:
		greeter_login_text(greeter, message->body.login_text.kind == LINK_LOGIN_TEXT_ERROR,
				   message->body.login_text.text);
		break;
	case LINK_LOGIN_FAILED:
		greeter_login_failed(greeter, message->body.login_failed.text,
				     message->body.login_failed.retry_ms);
		break;
	case LINK_LOGIN_ACCEPTED:
		greeter_login_accepted(greeter, (uid_t)message->body.login_accepted.uid,
				       message->body.login_accepted.user);
		break;
	default:
		greeter_logged_out(greeter);
		break;
	}
}

/* LINK_DRM_REVOKED or LINK_DRM_RESCAN: 0, or -EPROTO for a slot there cannot be. */
static int handle_slot_message(struct seat_link *link, const struct link_message *message)
{
	struct server *server = link->server;
	const char *name = link_opcode_name(message->opcode);
	uint32_t slot = message->body.drm_slot.slot;
	int ret = message->opcode == LINK_DRM_REVOKED ? drm_backend_revoke(server, slot)
						      : drm_backend_rescan(server, slot);
	if (ret == -ERANGE) {
		log_error("seat link: %s for slot %u, beyond the %d there are; closing the link",
			  name, (unsigned)slot, DRM_BACKEND_SLOTS);
		return -EPROTO;
	}
	/* A lease that could not be driven, or hung up, leaves its slot empty: not fatal. */
	if (ret == -ENOENT)
		log_error("seat link: %s for slot %u, which holds no lease; ignored", name,
			  (unsigned)slot);
	else if (ret == -EINVAL)
		log_error("seat link: %s for slot %u, but this compositor does not drive DRM; "
			  "ignored",
			  name, (unsigned)slot);
	return 0;
}

/* 0, or -EPROTO when the message has no business on this end of the link. */
static int handle_message(struct seat_link *link, struct link_message *message)
{
	struct server *server = link->server;
	switch (message->opcode) {
	case LINK_DRM_LEASE: {
		const struct link_drm_lease *lease = &message->body.drm_lease;
		log_info("seat link: DRM lease %u of %s in slot %u", lease->lessee_id, lease->card,
			 lease->slot);
		int ret = drm_backend_set_lease(server, lease->slot, message->fd, lease->card);
		if (ret == -ERANGE)
			return -EPROTO;
		if (ret < 0)
			seat_link_send_error(link, -EINVAL,
					     "the DRM lease of %s in slot %u cannot be driven",
					     lease->card, lease->slot);
		break;
	}
	case LINK_DRM_REVOKED:
	case LINK_DRM_RESCAN:
		return handle_slot_message(link, message);
	case LINK_INPUT_ADD: {
		const struct link_input_add *add = &message->body.input_add;
		log_info("seat link: input device %u '%s' at %s", add->id, add->name, add->devnode);
		if (!server->evdev) {
			close(message->fd);
			seat_link_send_error(link, -ENODEV, "input device %s cannot be used",
					     add->devnode);
			break;
		}
		/* A device gone on the way is no fault: its LINK_INPUT_REMOVE follows. */
		int ret = evdev_add_fd(server->evdev, add->id, add->devnode, message->fd);
		if (ret < 0 && ret != -ENODEV)
			seat_link_send_error(link, -ENODEV, "input device %s cannot be used",
					     add->devnode);
		break;
	}
	case LINK_INPUT_REMOVE:
		log_info("seat link: input device %u left the seat", message->body.input_remove.id);
		if (server->evdev)
			evdev_remove(server->evdev, message->body.input_remove.id);
		break;
	case LINK_IDENTIFY:
		if (server_set_identify(server, message->body.identify.text) < 0)
			seat_link_send_error(link, -ENOENT, "the identify screen cannot be drawn");
		break;
	case LINK_KEYMAP:
		apply_keymap(link, &message->body.keymap);
		break;
	case LINK_SYSRQ_SETTING:
		if (message->body.sysrq_setting.on)
			link->hello.flags |= LINK_HELLO_SYSRQ;
		else
			link->hello.flags &= ~LINK_HELLO_SYSRQ;
		log_info("seat link: Alt+SysRq+<key> %s",
			 message->body.sysrq_setting.on ? "is the daemon's now"
							: "reaches clients as any key now");
		break;
	case LINK_SESSION_START:
		if (server->greeter) {
			log_info("seat link: the seat is claimed; its sessions come from logins");
			break;
		}
		log_info("seat link: the seat is claimed; starting the session");
		link->hold = false;
		if (server_start_session(server) < 0)
			seat_link_send_error(link, -ENOMEM, "the session cannot be started");
		break;
	case LINK_SESSION_PLACED: {
		const struct link_session_placed *placed = &message->body.session_placed;
		if (!link->gates || !session_gates_release(link->gates, placed->pid)) {
			log_info("seat link: pid %d was placed, but no such process waits",
				 (int)placed->pid);
			break;
		}
		if (placed->result < 0)
			log_error("session process %d runs outside the seat's session cgroup: %s",
				  (int)placed->pid, strerror(-placed->result));
		break;
	}
	case LINK_LOGIN_TEXT:
	case LINK_LOGIN_FAILED:
	case LINK_LOGIN_ACCEPTED:
	case LINK_LOGGED_OUT:
		if (!server->greeter) {
			log_error("seat link: %s, but this desk has no greeter; closing the link",
				  link_opcode_name(message->opcode));
			return -EPROTO;
		}
		handle_login_message(server->greeter, message);
		break;
	default:
		/* Well formed, but not for us (a second hello, or a compositor's message). */
		log_error("seat link: unexpected %s; closing the link",
			  link_opcode_name(message->opcode));
		if (message->fd >= 0)
			close(message->fd);
		return -EPROTO;
	}
	return 0;
}

static int handle_readable(int fd, uint32_t mask, void *data)
{
	struct seat_link *link = data;
	struct server *server = link->server;
	/* A few messages per turn, so one busy link cannot starve the clients. */
	for (int i = 0; i < 16; i++) {
		struct link_message message;
		char error[256];
		int ret = link_receive(link->fd, &message, error, sizeof(error));
		if (ret == -EAGAIN)
			return 0;
		if (ret == 0) {
			log_error("the seat link was closed by multiseatd; exiting");
		} else if (ret == -EPROTO) {
			log_error("seat link: %s; closing the link", error);
		} else if (ret < 0) {
			log_error("seat link: %s; exiting", strerror(-ret));
		} else if (handle_message(link, &message) == 0) {
			continue;
		}
		/* Without the daemon this seat has no devices to run on. */
		wl_event_source_remove(link->source);
		link->source = NULL;
		server->exit_code = 1;
		wl_display_terminate(server->display);
		return 0;
	}
	return 0;
}

struct seat_link *seat_link_create(struct server *server, int fd)
{
	struct stat st;
	int type = 0;
	socklen_t type_size = sizeof(type);
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_size) < 0 || type != SOCK_SEQPACKET) {
		log_error("--seat-fd %d is not a seat link (a SOCK_SEQPACKET socket from "
			  "multiseatd)",
			  fd);
		return NULL;
	}
	struct seat_link *link = calloc(1, sizeof(*link));
	if (!link)
		return NULL;
	link->server = server;
	link->fd = fd;

	struct link_message message;
	char error[256] = "";
	int ret = receive_waiting(link, &message, HELLO_TIMEOUT_MS, error, sizeof(error));
	if (ret <= 0) {
		log_error("seat link: no hello from multiseatd: %s",
			  ret == 0 ? "the link was closed"
				   : (ret == -EPROTO ? error : strerror(-ret)));
		goto err;
	}
	if (message.opcode != LINK_HELLO) {
		log_error("seat link: the first message is %s, expected LINK_HELLO",
			  link_opcode_name(message.opcode));
		if (message.fd >= 0)
			close(message.fd);
		goto err;
	}
	if (message.body.hello.version != LINK_VERSION) {
		log_error("seat link: multiseatd speaks version %u, this compositor %d",
			  message.body.hello.version, LINK_VERSION);
		goto err;
	}
	link->hello = message.body.hello;
	/* A desk with a greeter has no session of its own: logins start them. */
	link->hold = link->hello.flags & (LINK_HELLO_HOLD_SESSION | LINK_HELLO_GREETER);
	if (link->hello.flags & LINK_HELLO_PLACE_SESSIONS) {
		link->gates = session_gates_create(server->loop, PLACE_TIMEOUT_MS);
		if (!link->gates)
			goto err;
	}
	/* From here on the link is read from the event loop, which must never block. */
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		log_error("seat link: cannot be made non-blocking: %s", strerror(errno));
		goto err;
	}
	log_info("seat link: this is %s (F%u)%s", link->hello.seat, link->hello.number,
		 link->hold ? "; the session waits until the seat is claimed" : "");
	return link;

err:
	session_gates_destroy(link->gates);
	free(link);
	return NULL;
}

bool seat_link_greets(const struct seat_link *link)
{
	return link->hello.flags & LINK_HELLO_GREETER;
}

const char *seat_link_seat_name(const struct seat_link *link)
{
	return link->hello.seat;
}

int seat_link_send_login(struct seat_link *link, const char *user, const char *password)
{
	struct link_login login;
	link_copy_string(login.user, sizeof(login.user), user);
	link_copy_string(login.password, sizeof(login.password), password);
	int ret = link_send(link->fd, LINK_LOGIN, &login, sizeof(login), -1);
	explicit_bzero(&login, sizeof(login));
	if (ret < 0)
		log_error("seat link: LINK_LOGIN could not be sent: %s", strerror(-ret));
	return ret;
}

bool seat_link_sysrq(const struct seat_link *link)
{
	return link->hello.flags & LINK_HELLO_SYSRQ;
}

void seat_link_send_sysrq(struct seat_link *link, char command)
{
	struct link_sysrq msg = {.command = {command, '\0'}};
	int ret = link_send(link->fd, LINK_SYSRQ, &msg, sizeof(msg), -1);
	if (ret < 0)
		log_error("seat link: LINK_SYSRQ could not be sent: %s", strerror(-ret));
}

bool seat_link_holds_session(const struct seat_link *link)
{
	return link->hold;
}

bool seat_link_places_sessions(const struct seat_link *link)
{
	return link->gates != NULL;
}

void seat_link_place_session(struct seat_link *link, pid_t pid, int gate_fd)
{
	if (session_gates_add(link->gates, pid, gate_fd) < 0) {
		log_error("session process %d cannot wait to be placed; it runs unplaced",
			  (int)pid);
		return;
	}
	struct link_session_spawned spawned = {.pid = pid};
	int ret = link_send(link->fd, LINK_SESSION_SPAWNED, &spawned, sizeof(spawned), -1);
	if (ret < 0) {
		log_error("seat link: LINK_SESSION_SPAWNED could not be sent: %s", strerror(-ret));
		session_gates_release(link->gates, pid);
	}
}

void seat_link_session_reaped(struct seat_link *link, pid_t pid)
{
	/* Killed while it waited: its pid may be reused, so it is never signalled again. */
	if (link->gates)
		session_gates_release(link->gates, pid);
}

const struct link_keymap *seat_link_keymap(const struct seat_link *link)
{
	return &link->hello.keymap;
}

int seat_link_start(struct seat_link *link)
{
	link->source = wl_event_loop_add_fd(link->server->loop, link->fd, WL_EVENT_READABLE,
					    handle_readable, link);
	if (!link->source)
		return -ENOMEM;
	struct link_ready ready;
	link_copy_string(ready.socket, sizeof(ready.socket), link->server->socket);
	int ret = link_send(link->fd, LINK_READY, &ready, sizeof(ready), -1);
	if (ret < 0) {
		log_error("seat link: LINK_READY could not be sent: %s", strerror(-ret));
		return ret;
	}
	/* What came with the hello (lease, devices) is waiting already. */
	handle_readable(link->fd, 0, link);
	return link->source ? 0 : -EPROTO;
}

void seat_link_send_error(struct seat_link *link, int code, const char *fmt, ...)
{
	struct link_error error = {.code = code};
	va_list args;
	va_start(args, fmt);
	vsnprintf(error.message, sizeof(error.message), fmt, args);
	va_end(args);
	int ret = link_send(link->fd, LINK_ERROR, &error, sizeof(error), -1);
	if (ret < 0)
		log_error("seat link: an error report could not be sent: %s", strerror(-ret));
}

void seat_link_destroy(struct seat_link *link)
{
	if (!link)
		return;
	if (link->source)
		wl_event_source_remove(link->source);
	session_gates_destroy(link->gates);
	close(link->fd);
	free(link);
}
