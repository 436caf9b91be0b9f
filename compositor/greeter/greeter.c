/* The greeter: two fields, a message line, the desk's name and the time; logins go to
 * multiseatd over the seat link, and only the logged-in user's clients are let in. */
#include "greeter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "keyboard.h"
#include "log.h"
#include "output.h"
#include "protocol.h"
#include "seat.h"
#include "seat_link.h"
#include "server.h"
#include "text.h"

/* Colours, 0xRRGGBB. */
#define BACKGROUND 0x1d2b3a
#define FIELD 0xf2f2f2
#define FIELD_TEXT 0x101010
#define FOCUS 0x4a90d9
#define LABEL 0xc8d2dc
#define INFO 0xe0e0e0
#define ERROR 0xff9a8a

/* The most password dots drawn: the field shows that something was typed, not how much. */
#define MAX_DOTS 24

enum greeter_state {
	GREETER_EDITING,  /* typing */
	GREETER_CHECKING, /* LINK_LOGIN sent; waiting for the answer */
	GREETER_WAITING,  /* a failed login: no new one until the delay has passed */
	GREETER_SESSION,  /* a session runs; the greeter is hidden */
};

struct greeter {
	struct server *server;
	char desk[32];
	enum greeter_state state;
	bool on_password; /* the field that takes keys */
	char user[sizeof(((struct link_login *)0)->user)];
	char password[sizeof(((struct link_login *)0)->password)];
	char message[256];
	bool message_error;

	bool accepted; /* a session runs for `uid` */
	uid_t uid;
	char session_user[64];

	struct wl_event_source *clock_timer; /* redraws the time each minute */
	struct wl_event_source *retry_timer; /* ends GREETER_WAITING */
	struct wl_event_source *sweep;	     /* idle: drops the clients no longer allowed */
	struct wl_listener client_created;
};

static void redraw(struct greeter *greeter)
{
	if (greeter->server->greeting)
		server_damage_whole(greeter->server);
}

static void set_message(struct greeter *greeter, bool error, const char *text)
{
	snprintf(greeter->message, sizeof(greeter->message), "%s", text ? text : "");
	greeter->message_error = error;
	redraw(greeter);
}

static void wipe_password(struct greeter *greeter)
{
	explicit_bzero(greeter->password, sizeof(greeter->password));
}

/* ---- clients ---- */

bool greeter_allows(const struct greeter *greeter, uid_t uid)
{
	/* The compositor's own user (tools of the desk, screenshots) and the session's. */
	return uid == getuid() || (greeter->accepted && uid == greeter->uid);
}

static void sweep_clients(void *data)
{
	struct greeter *greeter = data;
	greeter->sweep = NULL;
	struct wl_list *clients = wl_display_get_client_list(greeter->server->display);
	bool again = true;
	while (again) {
		again = false;
		struct wl_client *client;
		wl_client_for_each(client, clients)
		{
			pid_t pid;
			uid_t uid;
			gid_t gid;
			wl_client_get_credentials(client, &pid, &uid, &gid);
			if (greeter_allows(greeter, uid))
				continue;
			log_info("greeter: dropping client %d of uid %u: %s", (int)pid,
				 (unsigned)uid,
				 greeter->accepted ? "not the user logged in at this desk"
						   : "nobody is logged in at this desk");
			wl_client_destroy(client);
			again = true;
			break;
		}
	}
}

static void schedule_sweep(struct greeter *greeter)
{
	if (!greeter->sweep)
		greeter->sweep =
			wl_event_loop_add_idle(greeter->server->loop, sweep_clients, greeter);
	if (!greeter->sweep)
		log_error("greeter: cannot schedule dropping clients; they stay until they leave");
}

static void handle_client_created(struct wl_listener *listener, void *data)
{
	struct greeter *greeter = wl_container_of(listener, greeter, client_created);
	struct wl_client *client = data;
	uid_t uid;
	wl_client_get_credentials(client, NULL, &uid, NULL);
	/* Not destroyed here: libwayland still holds the client it just announced. The idle
	   sweep runs before any request of it is read. */
	if (!greeter_allows(greeter, uid))
		schedule_sweep(greeter);
}

/* ---- the clock ---- */

static void arm_clock(struct greeter *greeter)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long ms = (59 - now.tv_sec % 60) * 1000 + (999 - now.tv_nsec / 1000000) + 20;
	wl_event_source_timer_update(greeter->clock_timer, (int)ms);
}

static int handle_clock(void *data)
{
	struct greeter *greeter = data;
	if (greeter->server->greeting)
		redraw(greeter);
	arm_clock(greeter);
	return 0;
}

static int handle_retry(void *data)
{
	struct greeter *greeter = data;
	if (greeter->state == GREETER_WAITING) {
		greeter->state = GREETER_EDITING;
		redraw(greeter);
	}
	return 0;
}

/* ---- keys ---- */

static char *focused_field(struct greeter *greeter, size_t *size)
{
	*size = greeter->on_password ? sizeof(greeter->password) : sizeof(greeter->user);
	return greeter->on_password ? greeter->password : greeter->user;
}

/* Removes the last UTF-8 character. */
static void erase_last(char *field)
{
	size_t n = strlen(field);
	while (n > 0) {
		unsigned char c = (unsigned char)field[--n];
		field[n] = '\0';
		if ((c & 0xc0) != 0x80)
			break;
	}
}

static void submit(struct greeter *greeter)
{
	if (!greeter->user[0]) {
		greeter->on_password = false;
		set_message(greeter, true, "Type your user name first");
		return;
	}
	if (!greeter->server->link) {
		set_message(greeter, true, "This desk cannot log anyone in (no seat manager)");
		wipe_password(greeter);
		return;
	}
	int ret = seat_link_send_login(greeter->server->link, greeter->user, greeter->password);
	wipe_password(greeter);
	if (ret < 0) {
		set_message(greeter, true, "The login could not be sent to the seat manager");
		return;
	}
	greeter->state = GREETER_CHECKING;
	set_message(greeter, false, "Checking\u2026");
}

/* A key pressed (or repeated) while the greeter shows: its keysym and the text it types. */
static void handle_key(void *data, xkb_keysym_t sym, const char *utf8)
{
	struct greeter *greeter = data;
	if (greeter->state != GREETER_EDITING)
		return;
	size_t size;
	char *field = focused_field(greeter, &size);
	switch (sym) {
	case XKB_KEY_Return:
	case XKB_KEY_KP_Enter:
		if (!greeter->on_password && greeter->user[0]) {
			greeter->on_password = true;
			break;
		}
		submit(greeter);
		return;
	case XKB_KEY_Tab:
	case XKB_KEY_ISO_Left_Tab:
	case XKB_KEY_Up:
	case XKB_KEY_Down:
		greeter->on_password = !greeter->on_password;
		break;
	case XKB_KEY_BackSpace:
		erase_last(field);
		break;
	case XKB_KEY_Escape:
		wipe_password(greeter);
		memset(greeter->user, 0, sizeof(greeter->user));
		greeter->on_password = false;
		greeter->message[0] = '\0';
		break;
	default: {
		size_t n = strlen(field), add = strlen(utf8);
		/* Text only: no control characters (Ctrl+letters type those). */
		if (add == 0 || (unsigned char)utf8[0] < 0x20 || utf8[0] == 0x7f)
			return;
		if (n + add >= size)
			return;
		memcpy(field + n, utf8, add + 1);
		break;
	}
	}
	redraw(greeter);
}

/* ---- the answers ---- */

void greeter_login_text(struct greeter *greeter, bool error, const char *text)
{
	set_message(greeter, error, text);
}

void greeter_login_failed(struct greeter *greeter, const char *text, uint32_t retry_ms)
{
	struct server *server = greeter->server;
	wipe_password(greeter);
	greeter->on_password = greeter->user[0] != '\0';
	if (greeter->state == GREETER_SESSION || greeter->accepted) {
		/* Accepted, then the session could not be opened: the desk greets again. */
		greeter->accepted = false;
		server->greeting = true;
		seat_set_keyboard_focus(server->seat, NULL);
		seat_pointer_refocus(server->seat);
		schedule_sweep(greeter);
	}
	greeter->state = retry_ms > 0 ? GREETER_WAITING : GREETER_EDITING;
	if (retry_ms > 0)
		wl_event_source_timer_update(greeter->retry_timer, (int)retry_ms);
	set_message(greeter, true, text[0] ? text : "The login failed");
	server_damage_whole(server);
}

void greeter_login_accepted(struct greeter *greeter, uid_t uid, const char *user)
{
	struct server *server = greeter->server;
	log_info("greeter: %s (uid %u) logged in; the screen is the session's", user,
		 (unsigned)uid);
	greeter->accepted = true;
	greeter->uid = uid;
	snprintf(greeter->session_user, sizeof(greeter->session_user), "%s", user);
	greeter->state = GREETER_SESSION;
	wipe_password(greeter);
	memset(greeter->user, 0, sizeof(greeter->user));
	greeter->message[0] = '\0';
	greeter->on_password = false;
	server->greeting = false;
	seat_pointer_refocus(server->seat);
	server_damage_whole(server);
}

void greeter_logged_out(struct greeter *greeter)
{
	struct server *server = greeter->server;
	if (greeter->accepted)
		log_info("greeter: %s logged out; dropping the session's clients",
			 greeter->session_user);
	greeter->accepted = false;
	greeter->session_user[0] = '\0';
	greeter->state = GREETER_EDITING;
	server->greeting = true;
	seat_set_keyboard_focus(server->seat, NULL);
	seat_pointer_refocus(server->seat);
	/* Every client of the session goes, with its windows and its clipboard. */
	schedule_sweep(greeter);
	server_damage_whole(server);
}

/* ---- drawing ---- */

static void fill(pixman_image_t *image, uint32_t rgb, int x, int y, int width, int height)
{
	pixman_color_t colour = colour_from_rgb(rgb);
	pixman_image_t *solid = pixman_image_create_solid_fill(&colour);
	pixman_image_composite32(PIXMAN_OP_SRC, solid, NULL, image, 0, 0, 0, 0, x, y,
				 width > 0 ? width : 0, height > 0 ? height : 0);
	pixman_image_unref(solid);
}

struct field_box {
	int x, y, width, height, text_size;
};

static void draw_field(struct text_renderer *text, pixman_image_t *image, pixman_region32_t *damage,
		       const struct field_box *box, const char *label, const char *content,
		       bool focused)
{
	int label_size = box->text_size * 3 / 4;
	text_draw_line(text, image, box->x, box->y - label_size / 2, label_size, LABEL, label);
	int border = box->height / 16 + 1;
	if (focused)
		fill(image, FOCUS, box->x - border, box->y - border, box->width + 2 * border,
		     box->height + 2 * border);
	fill(image, FIELD, box->x, box->y, box->width, box->height);
	int pad = box->height / 4;
	int baseline = box->y + (box->height + text_ascent(text, box->text_size)) / 2 -
		       box->text_size / 10;
	/* Clipped to the box: a long name does not run out of it. */
	pixman_region32_t clip;
	pixman_region32_init_rect(&clip, box->x, box->y, (unsigned)box->width,
				  (unsigned)box->height);
	pixman_region32_intersect(&clip, &clip, damage);
	pixman_image_set_clip_region32(image, &clip);
	int width = text_line_width(text, box->text_size, content);
	int x = box->x + pad;
	if (width > box->width - 2 * pad)
		x = box->x + box->width - pad - width; /* the end, where typing happens, shows */
	int end = x + text_draw_line(text, image, x, baseline, box->text_size, FIELD_TEXT, content);
	if (focused)
		fill(image, FIELD_TEXT, end + 2, box->y + pad, 2, box->height - 2 * pad);
	pixman_image_set_clip_region32(image, damage);
	pixman_region32_fini(&clip);
}

static void format_time(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || strftime(buf, size, "%H:%M", &tm) == 0)
		snprintf(buf, size, "--:--");
}

void greeter_draw(struct greeter *greeter, pixman_image_t *image, int width, int height,
		  pixman_region32_t *damage)
{
	struct text_renderer *text = greeter->server->text;
	fill(image, BACKGROUND, 0, 0, width, height);
	if (!text)
		return;
	int small = height / 32 > 12 ? height / 32 : 12;
	int body = height / 24 > 14 ? height / 24 : 14;
	int title = height / 14 > 18 ? height / 14 : 18;
	int margin = small;

	char line[128];
	snprintf(line, sizeof(line), "Desk %s", greeter->desk);
	text_draw_line(text, image, margin, margin + text_ascent(text, small), small, LABEL, line);
	char clock[16];
	format_time(clock, sizeof(clock));
	text_draw_line(text, image, width - margin - text_line_width(text, body, clock),
		       margin + text_ascent(text, body), body, INFO, clock);

	int box_width = width / 2 < body * 18 ? width / 2 : body * 18;
	if (box_width < width * 2 / 5)
		box_width = width * 2 / 5;
	int box_height = body * 9 / 5;
	int x = (width - box_width) / 2;
	int top = height / 2 - box_height * 2;
	text_draw_line(text, image, x, top - box_height, title, INFO, "Log in");

	struct field_box user = {x, top + body, box_width, box_height, body};
	struct field_box password = {x, user.y + box_height * 2 + body / 2, box_width, box_height,
				     body};
	draw_field(text, image, damage, &user, "User name", greeter->user,
		   !greeter->on_password && greeter->state == GREETER_EDITING);
	char dots[MAX_DOTS * 3 + 1] = "";
	size_t count = 0;
	for (const char *p = greeter->password; *p && count < MAX_DOTS; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			memcpy(dots + count * 3, "\u2022", 3);
			count++;
		}
	}
	dots[count * 3] = '\0';
	draw_field(text, image, damage, &password, "Password", dots,
		   greeter->on_password && greeter->state == GREETER_EDITING);

	int below = password.y + box_height + body * 3 / 2;
	if (greeter->message[0])
		text_draw_line(text, image, x, below, body * 4 / 5,
			       greeter->message_error ? ERROR : INFO, greeter->message);
	const char *hint = "Tab: next field    Enter: log in    Esc: start over";
	text_draw_line(text, image, (width - text_line_width(text, small, hint)) / 2,
		       height - margin, small, LABEL, hint);
}

/* ---- life ---- */

struct greeter *greeter_create(struct server *server, const char *desk)
{
	struct greeter *greeter = calloc(1, sizeof(*greeter));
	if (!greeter)
		return NULL;
	greeter->server = server;
	snprintf(greeter->desk, sizeof(greeter->desk), "%s", desk);
	if (!server->text) {
		server->text = text_renderer_create(IDENTIFY_FONT);
		if (!server->text) {
			log_error("the greeter's font '%s' is not available", IDENTIFY_FONT);
			goto err;
		}
	}
	greeter->clock_timer = wl_event_loop_add_timer(server->loop, handle_clock, greeter);
	greeter->retry_timer = wl_event_loop_add_timer(server->loop, handle_retry, greeter);
	if (!greeter->clock_timer || !greeter->retry_timer)
		goto err_timers;
	arm_clock(greeter);
	greeter->client_created.notify = handle_client_created;
	wl_display_add_client_created_listener(server->display, &greeter->client_created);
	seat_keyboard_set_sink(server->seat, &(struct keyboard_sink){handle_key, greeter});
	server->greeting = true;
	log_info("greeter: desk %s greets; sessions start with logins", desk);
	return greeter;

err_timers:
	if (greeter->clock_timer)
		wl_event_source_remove(greeter->clock_timer);
	if (greeter->retry_timer)
		wl_event_source_remove(greeter->retry_timer);
err:
	free(greeter);
	return NULL;
}

void greeter_destroy(struct greeter *greeter)
{
	if (!greeter)
		return;
	wl_list_remove(&greeter->client_created.link);
	if (greeter->sweep)
		wl_event_source_remove(greeter->sweep);
	wl_event_source_remove(greeter->clock_timer);
	wl_event_source_remove(greeter->retry_timer);
	seat_keyboard_set_sink(greeter->server->seat, NULL);
	greeter->server->greeting = false;
	explicit_bzero(greeter, sizeof(*greeter));
	free(greeter);
}
