/* The seat link: messages between multiseatd and one seat's compositor over a socketpair. */
#ifndef MULTISEAT_PROTOCOL_H
#define MULTISEAT_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The daemon creates a SOCK_SEQPACKET socketpair per compositor and passes one end as
 * `--seat-fd N`. Every packet is one message: a header, then exactly `size` bytes of the
 * body struct its opcode names, and at most one fd (SCM_RIGHTS) where the opcode carries one.
 * Strings are NUL-terminated inside their arrays. Anything else is a protocol error: the
 * receiver reports it and closes the link; it never aborts.
 *
 * The daemon speaks first with LINK_HELLO; the compositor answers LINK_READY once it listens.
 */

#define LINK_VERSION 3
/* The largest message: the header and the largest body below. */
#define LINK_MAX_MESSAGE 1280

enum link_opcode {
	/* daemon -> compositor */
	LINK_HELLO = 1,	       /* struct link_hello: first message, once */
	LINK_DRM_LEASE = 2,    /* struct link_drm_lease + the lessee fd: drive these outputs */
	LINK_DRM_REVOKED = 3,  /* struct link_drm_slot: that lease is gone; its outputs too */
	LINK_DRM_RESCAN = 4,   /* struct link_drm_slot: a connector of that lease changed */
	LINK_INPUT_ADD = 5,    /* struct link_input_add + the device fd */
	LINK_INPUT_REMOVE = 6, /* struct link_input_remove: already revoked; forget it */
	LINK_IDENTIFY = 7, /* struct link_identify: show text instead of the session, "" = stop */
	LINK_KEYMAP = 8,   /* struct link_keymap: the seat's keyboard layout changed */
	LINK_SESSION_START = 9,	  /* no body: start the session the hello held back */
	LINK_SESSION_PLACED = 10, /* struct link_session_placed: that child may run now */
	LINK_LOGIN_TEXT = 11,	  /* struct link_login_text: a PAM message for the greeter */
	LINK_LOGIN_FAILED =
		12, /* struct link_login_failed: show why; accept no input for a while */
	LINK_LOGIN_ACCEPTED = 13, /* struct link_login_accepted: this user's session starts now */
	LINK_LOGGED_OUT = 14,	  /* no body: the session is over; drop its clients, greet again */
	LINK_SYSRQ_SETTING = 15,  /* struct link_sysrq_setting: [daemon] sysrq changed */
	/* compositor -> daemon */
	LINK_READY = 64,	   /* struct link_ready: listening, the session may be started */
	LINK_ERROR = 65,	   /* struct link_error: something the administrator should read */
	LINK_SESSION_SPAWNED = 66, /* struct link_session_spawned: place this waiting child */
	LINK_LOGIN = 67,	   /* struct link_login: what was typed into the greeter */
	LINK_SYSRQ = 68, /* struct link_sysrq: Alt+SysRq+<key> on a keyboard of the seat */
};

struct link_header {
	uint16_t opcode;
	uint16_t size; /* of the body that follows */
};

struct link_keymap {
	char layout[64];
	char variant[64];
	char options[128];
};

/* The seat has no keyboard yet: start no session until LINK_SESSION_START. */
#define LINK_HELLO_HOLD_SESSION (1u << 0)
/*
 * The seat has a cgroup: every process the compositor starts for the session (the session
 * command, each restart of it, a terminal) waits before exec until multiseatd has moved it
 * into the seat's session cgroup. The compositor forks, sends LINK_SESSION_SPAWNED with the
 * child's pid and lets the child exec on LINK_SESSION_PLACED for that pid. The seat user
 * cannot move processes between cgroups (the files are root's); the daemon can.
 */
#define LINK_HELLO_PLACE_SESSIONS (1u << 1)
/*
 * A desktop desk: the compositor starts no session of its own; it shows the greeter, sends
 * what is typed there as LINK_LOGIN, and accepts Wayland clients only from the user of a
 * LINK_LOGIN_ACCEPTED, until LINK_LOGGED_OUT.
 */
#define LINK_HELLO_GREETER (1u << 2)
/*
 * [daemon] sysrq = true: Alt+SysRq+<key> on a device of the seat goes to no client; the
 * compositor sends the command as LINK_SYSRQ. Without it those keys reach clients as any.
 */
#define LINK_HELLO_SYSRQ (1u << 3)

struct link_hello {
	uint32_t version; /* LINK_VERSION */
	uint32_t number;  /* the seat's number: "Press F<number>" */
	uint32_t flags;	  /* LINK_HELLO_* */
	char seat[32];
	struct link_keymap keymap;
};

/*
 * A seat's outputs may be on several cards: one lease per card, each in a slot the daemon
 * numbers within the seat (0 .. LINK_MAX_SLOTS - 1). A card keeps its slot while the seat has
 * outputs on it. A new lease for a slot replaces the one before it in that slot only;
 * LINK_DRM_REVOKED and LINK_DRM_RESCAN name the slot they are about. A slot out of range is
 * a protocol error.
 */
#define LINK_MAX_SLOTS 4

struct link_drm_lease {
	uint32_t slot;
	uint32_t lessee_id;
	char card[96]; /* the card's ID_PATH, for messages */
};

struct link_drm_slot {
	uint32_t slot;
};

#define LINK_INPUT_KEYBOARD (1u << 0)
#define LINK_INPUT_POINTER (1u << 1)
#define LINK_INPUT_TOUCH (1u << 2)
#define LINK_INPUT_TABLET (1u << 3)

struct link_input_add {
	uint32_t id;	  /* the daemon's number for the device, unique in this link */
	uint32_t caps;	  /* LINK_INPUT_* */
	char devnode[64]; /* /dev/input/eventN: libinput looks it up in udev */
	char name[128];
};

struct link_input_remove {
	uint32_t id;
};

struct link_identify {
	char text[1200]; /* lines after an empty line are small print */
};

struct link_ready {
	char socket[108]; /* WAYLAND_DISPLAY */
};

struct link_session_spawned {
	int32_t pid; /* a child of the compositor, waiting before exec */
};

struct link_session_placed {
	int32_t pid;
	int32_t result; /* 0: it is in the session cgroup; else the negative errno of the move */
};

/* The greeter's credentials. Both ends wipe the password as soon as it is passed on. */
struct link_login {
	char user[64];
	char password[256];
};

#define LINK_LOGIN_TEXT_INFO 1
#define LINK_LOGIN_TEXT_ERROR 2

struct link_login_text {
	uint32_t kind; /* LINK_LOGIN_TEXT_* */
	char text[256];
};

struct link_login_failed {
	uint32_t retry_ms; /* the greeter takes no new login before this has passed */
	char text[256];	   /* "Wrong user name or password" */
};

struct link_login_accepted {
	uint32_t uid; /* the only user whose clients the compositor accepts from now on */
	char user[64];
};

struct link_sysrq {
	char command[2]; /* "s": the SysRq command, '0'-'9' or 'a'-'z' (the daemon checks) */
};

/* From now on, as LINK_HELLO_SYSRQ in the hello would have said. */
struct link_sysrq_setting {
	uint32_t on; /* nonzero: Alt+SysRq+<key> is the daemon's */
};

struct link_error {
	int32_t code; /* negative errno */
	char message[256];
};

/* A message as received: its body, and the fd it carried or -1 (the receiver owns it). */
struct link_message {
	uint16_t opcode;
	uint16_t size;
	int fd;
	union {
		struct link_hello hello;
		struct link_drm_lease drm_lease;
		struct link_drm_slot drm_slot;
		struct link_input_add input_add;
		struct link_input_remove input_remove;
		struct link_identify identify;
		struct link_keymap keymap;
		struct link_ready ready;
		struct link_error error;
		struct link_session_spawned session_spawned;
		struct link_session_placed session_placed;
		struct link_login login;
		struct link_login_text login_text;
		struct link_login_failed login_failed;
		struct link_login_accepted login_accepted;
		struct link_sysrq sysrq;
		struct link_sysrq_setting sysrq_setting;
		unsigned char bytes[LINK_MAX_MESSAGE];
	} body;
};

/* "LINK_HELLO" etc., or NULL for an unknown opcode. */
const char *link_opcode_name(uint16_t opcode);

/*
 * Sends one message (body may be NULL when size is 0; fd -1 for none). Refuses what the
 * receiver would refuse (wrong size, missing or extra fd, unterminated string): -EINVAL.
 * Returns 0 or a negative errno (-EAGAIN on a full non-blocking socket, -EPIPE when the
 * peer is gone).
 */
int link_send(int sock, uint16_t opcode, const void *body, size_t size, int fd);

/*
 * Receives one message. Returns 1 with `message` filled, 0 when the peer has closed the
 * link, -EAGAIN when nothing is waiting on a non-blocking socket, -EPROTO for a malformed
 * message (with the reason in `error`; any fd it carried is closed), or another negative
 * errno.
 */
int link_receive(int sock, struct link_message *message, char *error, size_t error_size);

/* What one end does with a message it may receive: the other end's opcodes, one each. */
struct link_handler {
	uint16_t opcode;
	/*
	 * 0, or a negative errno that ends the link: -EBADMSG says the sender may not send
	 * this message now. A handler that keeps message->fd sets it to -1.
	 */
	int (*handle)(void *data, struct link_message *message);
};

/*
 * Calls the handler for the message's opcode with `data`, then closes any fd the message
 * still holds and wipes it. The handler's result, or -EBADMSG when none takes the opcode;
 * for -EBADMSG, `error` says "LINK_X, which is not its to send" (the name read before the
 * wipe).
 */
int link_dispatch(const struct link_handler *handlers, size_t count, void *data,
		  struct link_message *message, char *error, size_t error_size);

/* explicit_bzero of the whole message (a LINK_LOGIN holds a password). */
void link_message_wipe(struct link_message *message);

/* Copies `text` into a fixed string field, truncating; always NUL-terminates. */
void link_copy_string(char *field, size_t size, const char *text);

#endif
