/* Logins at a desktop desk: one PAM worker at a time, the desk's sockets opened to its user,
 * the greeter told what happened, and failed attempts slowed down. */
#include "desk_login.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio.h"
#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "login.h"
#include "protocol.h"
#include "runtime_dir.h"
#include "seat.h"

/* The PAM service: data/pam.d/multiseat. */
#define PAM_SERVICE "multiseat"
/* The session when the config names none. */
#define DEFAULT_LOGIN_SESSION "foot"
/* What a wrong password, an unknown user and a refused name all say. */
#define AUTH_FAILED "Wrong user name or password"

enum desk_login_state {
	LOGIN_IDLE,	      /* the greeter shows */
	LOGIN_AUTHENTICATING, /* the worker runs PAM */
	LOGIN_OPENING,	      /* accepted: the worker opens and starts the session */
	LOGIN_ACTIVE,	      /* the session runs */
	LOGIN_ENDING,	      /* logout sent; waiting for LOGIN_ENDED */
};

/* The desk's files a logged-in user may reach: the Wayland socket, PipeWire, its pulse. */
enum grant_path {
	GRANT_RUNTIME_DIR,
	GRANT_WAYLAND,
	GRANT_PIPEWIRE,
	GRANT_PULSE_DIR,
	GRANT_PULSE,
	GRANT_COUNT,
};

struct desk_login {
	struct seat *seat;
	enum desk_login_state state;
	struct login_session *session;
	struct wl_event_source *source;
	struct wl_event_source *deadline; /* login-timeout, until the session has started */
	int timeout_s;			  /* its length when it was set */
	char typed[sizeof(((struct link_login *)0)->user)]; /* the name typed, for logs */
	char user[256];					    /* the account, once known */
	uid_t uid;
	pid_t session_pid;
	time_t since;
	char runtime_dir[256];
	bool granted;
	bool link_gone; /* the compositor went: nothing more to tell it */
	int failures;
	uint64_t retry_at_ms;
};

static const char *state_name(enum desk_login_state state)
{
	static const char *const names[] = {
		[LOGIN_IDLE] = "greeter",     [LOGIN_AUTHENTICATING] = "authenticating",
		[LOGIN_OPENING] = "starting", [LOGIN_ACTIVE] = "session",
		[LOGIN_ENDING] = "ending",
	};
	return names[state];
}

struct desk_login *desk_login_create(struct seat *seat)
{
	struct desk_login *login = calloc(1, sizeof(*login));
	if (!login)
		return NULL;
	login->seat = seat;
	login->uid = (uid_t)-1;
	return login;
}

/* ---- the desk's files ---- */

static void grant_path(const struct desk_login *login, enum grant_path which, char *path,
		       size_t size, unsigned *mode)
{
	const struct seat *seat = login->seat;
	static const char *const names[] = {
		[GRANT_PIPEWIRE] = "pipewire-0",
		[GRANT_PULSE_DIR] = "pulse",
		[GRANT_PULSE] = "pulse/native",
	};
	*mode = AUDIO_ACL_READ | AUDIO_ACL_WRITE;
	if (which == GRANT_RUNTIME_DIR || which == GRANT_PULSE_DIR)
		*mode = AUDIO_ACL_EXECUTE; /* through it, not list it */
	if (which == GRANT_RUNTIME_DIR)
		snprintf(path, size, "%s", seat->runtime_dir);
	else if (which == GRANT_WAYLAND)
		snprintf(path, size, "%s/%s", seat->runtime_dir, seat->wayland_socket);
	else
		snprintf(path, size, "%s/%s", seat->runtime_dir, names[which]);
}

/* Opens (uid) or closes (AUDIO_NO_USER) the desk's sockets. -errno when the Wayland
   socket cannot be opened: without it the session could show nothing. */
static int set_access(struct desk_login *login, uid_t uid)
{
	for (int i = 0; i < GRANT_COUNT; i++) {
		char path[512];
		unsigned mode;
		grant_path(login, i, path, sizeof(path), &mode);
		int ret = audio_acl_set_user_mode(path, uid, mode);
		/* PipeWire's sockets are there only when it runs (and pulse when installed); a
		   file gone (the seat stopped and removed its directory) took its ACL along. */
		if (ret == -ENOENT && (i >= GRANT_PIPEWIRE || uid == AUDIO_NO_USER))
			continue;
		if (ret < 0) {
			log_error("seat %s: %s: cannot %s %s: %s", login->seat->name, path,
				  uid == AUDIO_NO_USER ? "close it again to" : "open it to",
				  login->user, strerror(-ret));
			if (uid != AUDIO_NO_USER && i <= GRANT_WAYLAND)
				return ret;
		}
	}
	login->granted = uid != AUDIO_NO_USER;
	return 0;
}

/* ---- telling the compositor ---- */

static void tell(struct desk_login *login, uint16_t opcode, const void *body, size_t size)
{
	if (!login->link_gone)
		seat_send(login->seat, opcode, body, size);
}

static void tell_failed(struct desk_login *login, const char *text, uint32_t retry_ms)
{
	struct link_login_failed failed = {.retry_ms = retry_ms};
	link_copy_string(failed.text, sizeof(failed.text), text);
	tell(login, LINK_LOGIN_FAILED, &failed, sizeof(failed));
}

/* ---- the worker ---- */

static int handle_deadline(void *data);

/* No more login-timeout: the session started, or the login is over. */
static void disarm_deadline(struct desk_login *login)
{
	if (login->deadline)
		wl_event_source_remove(login->deadline);
	login->deadline = NULL;
}

/* The worker is done (it reported its end, or it is gone): forget it; the desk greets. */
static void finish(struct desk_login *login)
{
	if (login->source)
		wl_event_source_remove(login->source);
	login->source = NULL;
	disarm_deadline(login);
	/* It exits right after its last report: destroy waits a moment at most. */
	login_session_destroy(login->session);
	login->session = NULL;
	/* What a PAM module left running (its helper daemonised) goes with the login. */
	caps_desk_kill(login->seat->caps, CGROUP_LOGIN);
	if (login->granted)
		set_access(login, AUDIO_NO_USER);
	login->state = LOGIN_IDLE;
	login->session_pid = 0;
	login->uid = (uid_t)-1;
	login->user[0] = '\0';
	login->since = 0;
	/* The daemon stops once every login has reported its end (PAM closed its session). */
	if (login->seat->daemon->stopping)
		daemon_check_done(login->seat->daemon);
}

/* A login ending must report its end within login-timeout, or its worker is killed. */
static void arm_deadline(struct desk_login *login)
{
	struct wl_event_loop *loop = login->seat->daemon->loop;
	if (!login->deadline)
		login->deadline = wl_event_loop_add_timer(loop, handle_deadline, login);
	login->timeout_s = login->seat->daemon->config.login_timeout_s;
	if (login->deadline)
		wl_event_source_timer_update(login->deadline, login->timeout_s * 1000);
}

static void failed_attempt(struct desk_login *login, const char *text)
{
	login->failures++;
	uint32_t delay = login_retry_delay_ms(login->failures);
	login->retry_at_ms = daemon_now_ms() + delay;
	log_info("seat %s: login of '%s' failed: %s (attempt %d here; the next in %u ms)",
		 login->seat->name, login->typed, text, login->failures, delay);
	tell_failed(login, text, delay);
}

static const struct seat *desk_of(const struct desk_login *login, uid_t uid)
{
	struct seat *seat;
	wl_list_for_each (seat, &login->seat->daemon->seats, link) {
		if (seat != login->seat && seat->login && desk_login_holds(seat->login, uid))
			return seat;
	}
	return NULL;
}

static void handle_authenticated(struct desk_login *login, const struct login_authenticated *auth)
{
	struct daemon *daemon = login->seat->daemon;
	snprintf(login->user, sizeof(login->user), "%s", auth->user);
	login->uid = auth->uid;
	const struct seat *other = desk_of(login, auth->uid);
	if (other && !daemon->config.allow_multiple_logins) {
		char text[sizeof(auth->user) + 64];
		snprintf(text, sizeof(text), "%.64s is logged in at desk %.32s already", auth->user,
			 other->name);
		log_info("seat %s: login of %s refused: logged in at seat %s already "
			 "(allow-multiple-logins = false)",
			 login->seat->name, auth->user, other->name);
		tell_failed(login, text, 0);
		finish(login); /* closing the socket ends the worker without a session */
		return;
	}
	if (set_access(login, auth->uid) < 0) {
		tell_failed(login, "This desk cannot be opened to you; see the system log", 0);
		finish(login);
		return;
	}
	struct link_login_accepted accepted = {.uid = auth->uid};
	link_copy_string(accepted.user, sizeof(accepted.user), auth->user);
	tell(login, LINK_LOGIN_ACCEPTED, &accepted, sizeof(accepted));
	int ret = login_session_proceed(login->session);
	if (ret < 0) {
		log_error("seat %s: the login worker of %s cannot be told to go on: %s",
			  login->seat->name, auth->user, strerror(-ret));
		tell(login, LINK_LOGGED_OUT, NULL, 0);
		finish(login);
		return;
	}
	login->state = LOGIN_OPENING;
}

/*
 * The worker went without LOGIN_ENDED (killed, crashed), or it is given up on (`stuck`: no
 * answer within login-timeout, killed here): clean up after it.
 */
static void worker_lost(struct desk_login *login, bool stuck)
{
	const char *name = login->user[0] ? login->user : login->typed;
	if (stuck) {
		caps_desk_kill(login->seat->caps,
			       CGROUP_LOGIN); /* the worker and every PAM helper at once */
		login_session_kill(login->session);
		login->session = NULL;
	}
	if (login->state == LOGIN_AUTHENTICATING) {
		if (!stuck)
			log_error("seat %s: the login worker for '%s' ended without an answer",
				  login->seat->name, name);
		tell_failed(login,
			    stuck ? "The login took too long; try again"
				  : "The login failed; try again",
			    0);
	} else {
		if (!stuck)
			log_error("seat %s: the login worker of %s is gone; killing the session",
				  login->seat->name, name);
		caps_desk_kill(login->seat->caps, CGROUP_SESSION);
		if (login->runtime_dir[0])
			runtime_dir_remove(login->runtime_dir);
		/* Accepted, not started: a failure brings the greeter back, with the reason. */
		if (stuck && login->state != LOGIN_ENDING)
			tell_failed(login, "Your session did not start in time; try again", 0);
		else
			tell(login, LINK_LOGGED_OUT, NULL, 0);
	}
	finish(login);
}

/*
 * login-timeout: PAM (or the session's start) hangs; the desk must not stay "Checking...".
 * Armed until the session has started, so a login ended before then (its compositor gone)
 * that hangs is given up too.
 */
static int handle_deadline(void *data)
{
	struct desk_login *login = data;
	if (login->state == LOGIN_IDLE || login->state == LOGIN_ACTIVE)
		return 0;
	log_error("seat %s: the login of '%s' is still %s after %d s (login-timeout): its "
		  "worker %d and what PAM started are killed",
		  login->seat->name, login->user[0] ? login->user : login->typed,
		  state_name(login->state), login->timeout_s,
		  (int)login_session_worker(login->session));
	worker_lost(login, true);
	return 0;
}

static bool handle_message(struct desk_login *login, struct login_message *msg)
{
	const char *seat = login->seat->name;
	switch (msg->type) {
	case LOGIN_TEXT: {
		struct link_login_text text = {.kind = msg->body.text.kind == LOGIN_TEXT_ERROR
							       ? LINK_LOGIN_TEXT_ERROR
							       : LINK_LOGIN_TEXT_INFO};
		link_copy_string(text.text, sizeof(text.text), msg->body.text.text);
		tell(login, LINK_LOGIN_TEXT, &text, sizeof(text));
		return true;
	}
	case LOGIN_AUTHENTICATED:
		if (login->state != LOGIN_AUTHENTICATING)
			break;
		handle_authenticated(login, &msg->body.authenticated);
		return true;
	case LOGIN_FAILED:
		if (login->state == LOGIN_AUTHENTICATING) {
			failed_attempt(login, msg->body.failed.text);
		} else {
			log_error("seat %s: the session of %s could not start: %s", seat,
				  login->user, msg->body.failed.text);
			tell_failed(login, msg->body.failed.text, 0);
		}
		finish(login);
		return true;
	case LOGIN_STARTED:
		if (login->state != LOGIN_OPENING)
			break;
		login->state = LOGIN_ACTIVE;
		disarm_deadline(login);
		login->session_pid = msg->body.started.pid;
		login->since = time(NULL);
		login->failures = 0;
		log_info("seat %s: %s (uid %u) logged in; session %d", seat, login->user,
			 (unsigned)login->uid, (int)login->session_pid);
		return true;
	case LOGIN_ENDED:
		log_info("seat %s: %s logged out (session status %d); the desk greets again", seat,
			 login->user, (int)msg->body.ended.status);
		tell(login, LINK_LOGGED_OUT, NULL, 0);
		finish(login);
		return true;
	default:
		break;
	}
	log_error("seat %s: the login worker sent %s while %s; dropping it", seat,
		  login_type_name(msg->type), state_name(login->state));
	return false;
}

static int handle_worker(int fd, uint32_t mask, void *data)
{
	struct desk_login *login = data;
	for (int i = 0; i < 8 && login->session; i++) {
		struct login_message msg;
		char error[256];
		int ret = login_session_read(login->session, &msg, error, sizeof(error));
		if (ret == -EAGAIN)
			return 0;
		if (ret == 1) {
			bool ok = handle_message(login, &msg);
			login_message_wipe(&msg);
			if (ok)
				continue;
		} else if (ret < 0) {
			log_error("seat %s: login worker: %s", login->seat->name,
				  ret == -EPROTO ? error : strerror(-ret));
		}
		worker_lost(login, false);
		return 0;
	}
	return 0;
}

/* ---- a login ---- */

static int make_request(struct desk_login *login, const struct link_login *credentials,
			struct login_request *req)
{
	const struct seat *seat = login->seat;
	const char *base = seat->daemon->options->runtime_dir;
	memset(req, 0, sizeof(*req));
	login_copy_string(req->service, sizeof(req->service), PAM_SERVICE);
	login_copy_string(req->user, sizeof(req->user), credentials->user);
	login_copy_string(req->password, sizeof(req->password), credentials->password);
	login_copy_string(req->desk, sizeof(req->desk), seat->name);
	login_copy_string(req->seat, sizeof(req->seat), seat->name);
	int n = snprintf(req->wayland_display, sizeof(req->wayland_display), "%s/%s",
			 seat->runtime_dir, seat->wayland_socket);
	if (n < 0 || (size_t)n >= sizeof(req->wayland_display))
		return -ENAMETOOLONG;
	char users[256];
	snprintf(users, sizeof(users), "%s/users", base);
	if (mkdir(users, 0755) < 0 && errno != EEXIST)
		return -errno;
	n = snprintf(login->runtime_dir, sizeof(login->runtime_dir), "%s/%s.%s", users,
		     credentials->user, seat->name);
	if (n < 0 || (size_t)n >= sizeof(login->runtime_dir))
		return -ENAMETOOLONG;
	login_copy_string(req->runtime_dir, sizeof(req->runtime_dir), login->runtime_dir);
	const char *cgroup = caps_desk_dir(seat->caps, CGROUP_SESSION);
	login_copy_string(req->cgroup, sizeof(req->cgroup), cgroup ? cgroup : "");
	const char *session =
		seat->settings.session ? seat->settings.session : DEFAULT_LOGIN_SESSION;
	if (login_session_command(session, seat->daemon->config.user_session, req->command,
				  sizeof(req->command)) < 0)
		return -ENAMETOOLONG;
	snprintf(req->environment, sizeof(req->environment),
		 "PIPEWIRE_RUNTIME_DIR=%s\nPULSE_SERVER=unix:%s/pulse/native\n", seat->runtime_dir,
		 seat->runtime_dir);
	return 0;
}

void desk_login_handle(struct desk_login *login, const struct link_login *credentials)
{
	struct seat *seat = login->seat;
	snprintf(login->typed, sizeof(login->typed), "%s", credentials->user);
	if (login->state != LOGIN_IDLE) {
		log_error("seat %s: a login of '%s' while the desk is %s; refused", seat->name,
			  credentials->user, state_name(login->state));
		tell_failed(login, "A login is in progress already", 0);
		return;
	}
	uint64_t now = daemon_now_ms();
	if (now < login->retry_at_ms) {
		uint32_t left = (uint32_t)(login->retry_at_ms - now);
		log_info("seat %s: login of '%s' refused: %u ms left of the delay after failures",
			 seat->name, credentials->user, left);
		char text[128];
		snprintf(text, sizeof(text), "Wait %u s before the next attempt",
			 (left + 999) / 1000);
		tell_failed(login, text, left);
		return;
	}
	if (!login_name_plausible(credentials->user)) {
		/* Said as a wrong password is: no hint which names exist. */
		failed_attempt(login, AUTH_FAILED);
		return;
	}
	struct login_request req;
	char error[256];
	int ret = make_request(login, credentials, &req);
	if (ret < 0) {
		explicit_bzero(&req, sizeof(req));
		log_error("seat %s: the login of %s cannot be prepared: %s", seat->name,
			  credentials->user, strerror(-ret));
		tell_failed(login, "The login failed; see the system log", 0);
		return;
	}
	login->session = login_session_start(&req, caps_desk_dir(seat->caps, CGROUP_LOGIN), error,
					     sizeof(error));
	explicit_bzero(&req, sizeof(req));
	if (!login->session) {
		log_error("seat %s: no login worker: %s", seat->name, error);
		tell_failed(login, "The login failed; see the system log", 0);
		return;
	}
	login->source = wl_event_loop_add_fd(seat->daemon->loop, login_session_fd(login->session),
					     WL_EVENT_READABLE, handle_worker, login);
	login->deadline = wl_event_loop_add_timer(seat->daemon->loop, handle_deadline, login);
	login->timeout_s = seat->daemon->config.login_timeout_s;
	if (!login->source || !login->deadline ||
	    wl_event_source_timer_update(login->deadline, login->timeout_s * 1000) < 0) {
		tell_failed(login, "The login failed; see the system log", 0);
		finish(login);
		return;
	}
	login->state = LOGIN_AUTHENTICATING;
	login->link_gone = false;
	log_info("seat %s: login of '%s' (worker %d)", seat->name, credentials->user,
		 (int)login_session_worker(login->session));
}

void desk_login_compositor_gone(struct desk_login *login)
{
	if (!login)
		return;
	login->link_gone = true;
	if (login->state == LOGIN_IDLE || login->state == LOGIN_ENDING)
		return;
	log_info("seat %s: the compositor is gone; ending the login of %s", login->seat->name,
		 login->user[0] ? login->user : login->typed);
	if (login_session_logout(login->session) < 0) {
		worker_lost(login, false);
		return;
	}
	login->state = LOGIN_ENDING;
	arm_deadline(login);
}

int desk_login_logout(struct desk_login *login, char *error, size_t error_size)
{
	if (!login || (login->state != LOGIN_ACTIVE && login->state != LOGIN_OPENING)) {
		snprintf(error, error_size, "nobody is logged in at seat %s",
			 login ? login->seat->name : "?");
		return -ENOENT;
	}
	log_info("seat %s: logging out %s", login->seat->name, login->user);
	int ret = login_session_logout(login->session);
	if (ret < 0) {
		worker_lost(login, false);
		return 0;
	}
	login->state = LOGIN_ENDING;
	arm_deadline(login);
	return 0;
}

bool desk_login_busy(const struct desk_login *login)
{
	return login && (login->state != LOGIN_IDLE || login->session);
}

bool desk_login_holds(const struct desk_login *login, uid_t uid)
{
	return login->uid == uid && (login->state == LOGIN_OPENING ||
				     login->state == LOGIN_ACTIVE || login->state == LOGIN_ENDING);
}

struct json_object *desk_login_to_json(const struct desk_login *login)
{
	struct json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(state_name(login->state)));
	bool known = login->state != LOGIN_IDLE && login->user[0];
	json_object_object_add(o, "user", known ? json_object_new_string(login->user) : NULL);
	json_object_object_add(o, "uid", known ? json_object_new_int64(login->uid) : NULL);
	json_object_object_add(o, "since",
			       login->since ? json_object_new_int64((int64_t)login->since) : NULL);
	json_object_object_add(o, "session_pid",
			       login->session_pid > 0 ? json_object_new_int(login->session_pid)
						      : NULL);
	json_object_object_add(o, "failures", json_object_new_int(login->failures));
	return o;
}

void desk_login_destroy(struct desk_login *login)
{
	if (!login)
		return;
	if (login->session)
		log_info("seat %s: ending the login of %s", login->seat->name,
			 login->user[0] ? login->user : login->typed);
	login->link_gone = true;
	finish(login);
	free(login);
}
