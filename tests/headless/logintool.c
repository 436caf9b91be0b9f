/* Test driver for the login worker: starts one login, prints each worker message as a line. */
/*
 * Usage: logintool --user NAME --runtime-dir DIR --command CMD [--service S] [--desk D]
 *                  [--seat S] [--wayland-display W] [--cgroup DIR] [--env NAME=VALUE]...
 *                  [--refuse | --hold]
 * The password is the first line of stdin (never an argument: /proc/PID/cmdline is public).
 * A later line "logout" sends LOGIN_LOGOUT; "destroy" destroys the session at once. It
 * prints "text info|error: TEXT", "failed CODE: TEXT", "authenticated UID NAME" (answered
 * with LOGIN_PROCEED, or with closing the socket under --refuse; under --hold only after a
 * line "proceed"), "started PID", "ended STATUS" and,
 * when the worker is gone, "worker gone", then exits 0 (1 on a protocol error).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "login.h"

static void usage(void)
{
	fprintf(stderr, "usage: logintool --user NAME --runtime-dir DIR --command CMD [--service S]"
			" [--desk D] [--seat S] [--wayland-display W] [--cgroup DIR]\n");
	exit(2);
}

static void set(char *field, size_t size, const char *value)
{
	if (strlen(value) >= size) {
		fprintf(stderr, "logintool: '%s' is too long\n", value);
		exit(2);
	}
	login_copy_string(field, size, value);
}

static int print_message(const struct login_message *msg)
{
	switch (msg->type) {
	case LOGIN_TEXT:
		printf("text %s: %s\n", msg->body.text.kind == LOGIN_TEXT_ERROR ? "error" : "info",
		       msg->body.text.text);
		break;
	case LOGIN_FAILED:
		printf("failed %d: %s\n", (int)msg->body.failed.code, msg->body.failed.text);
		break;
	case LOGIN_AUTHENTICATED:
		printf("authenticated %u %s\n", (unsigned)msg->body.authenticated.uid,
		       msg->body.authenticated.user);
		break;
	case LOGIN_STARTED:
		printf("started %d\n", (int)msg->body.started.pid);
		break;
	case LOGIN_ENDED:
		printf("ended %d\n", (int)msg->body.ended.status);
		break;
	default:
		printf("unexpected %u\n", (unsigned)msg->type);
		return -1;
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"service", required_argument, NULL, 's'},
		{"user", required_argument, NULL, 'u'},
		{"desk", required_argument, NULL, 'd'},
		{"seat", required_argument, NULL, 'S'},
		{"wayland-display", required_argument, NULL, 'w'},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"cgroup", required_argument, NULL, 'g'},
		{"command", required_argument, NULL, 'c'},
		{"env", required_argument, NULL, 'e'},
		{"refuse", no_argument, NULL, 'R'},
		{"hold", no_argument, NULL, 'H'},
		{0},
	};
	struct login_request req;
	memset(&req, 0, sizeof(req));
	login_copy_string(req.service, sizeof(req.service), "multiseat");
	login_copy_string(req.desk, sizeof(req.desk), "seat-test");
	login_copy_string(req.seat, sizeof(req.seat), "seat-test");
	login_copy_string(req.wayland_display, sizeof(req.wayland_display), "wayland-1");
	bool refuse = false, hold = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			set(req.service, sizeof(req.service), optarg);
			break;
		case 'u':
			set(req.user, sizeof(req.user), optarg);
			break;
		case 'd':
			set(req.desk, sizeof(req.desk), optarg);
			break;
		case 'S':
			set(req.seat, sizeof(req.seat), optarg);
			break;
		case 'w':
			set(req.wayland_display, sizeof(req.wayland_display), optarg);
			break;
		case 'r':
			set(req.runtime_dir, sizeof(req.runtime_dir), optarg);
			break;
		case 'g':
			set(req.cgroup, sizeof(req.cgroup), optarg);
			break;
		case 'c':
			set(req.command, sizeof(req.command), optarg);
			break;
		case 'e': {
			size_t used = strlen(req.environment);
			if (used + strlen(optarg) + 2 > sizeof(req.environment)) {
				fprintf(stderr, "logintool: too much --env\n");
				exit(2);
			}
			snprintf(req.environment + used, sizeof(req.environment) - used, "%s\n",
				 optarg);
			break;
		}
		case 'R':
			refuse = true;
			break;
		case 'H':
			hold = true;
			break;
		default:
			usage();
		}
	}
	if (!req.user[0] || !req.runtime_dir[0] || !req.command[0])
		usage();
	log_init(LOG_LEVEL_DEBUG, "logintool");

	/* Unbuffered reads: the password line must not stay in a stdio buffer. */
	char line[sizeof(req.password) + 1];
	size_t n = 0;
	while (n < sizeof(line) - 1) {
		ssize_t r = read(STDIN_FILENO, line + n, 1);
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	set(req.password, sizeof(req.password), line);
	explicit_bzero(line, sizeof(line));

	char error[256];
	struct login_session *session = login_session_start(&req, NULL, error, sizeof(error));
	explicit_bzero(req.password, sizeof(req.password));
	if (!session) {
		fprintf(stderr, "logintool: %s\n", error);
		return 1;
	}
	printf("worker %d\n", (int)login_session_worker(session));
	fflush(stdout);

	int status = 0;
	bool stdin_open = true;
	for (;;) {
		struct pollfd fds[] = {
			{.fd = login_session_fd(session), .events = POLLIN},
			{.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("logintool: poll");
			status = 1;
			break;
		}
		if (fds[1].revents) {
			char cmd[64];
			ssize_t r = read(STDIN_FILENO, cmd, sizeof(cmd) - 1);
			if (r <= 0) {
				stdin_open = false;
			} else {
				cmd[r] = '\0';
				if (strstr(cmd, "logout")) {
					int ret = login_session_logout(session);
					printf("logout sent %d\n", ret);
					fflush(stdout);
				}
				if (strstr(cmd, "proceed")) {
					int sent = login_session_proceed(session);
					printf("proceed sent %d\n", sent);
					fflush(stdout);
				}
				if (strstr(cmd, "destroy")) {
					printf("destroying\n");
					fflush(stdout);
					break;
				}
			}
		}
		if (fds[0].revents) {
			struct login_message msg;
			int ret = login_session_read(session, &msg, error, sizeof(error));
			if (ret == -EAGAIN)
				continue;
			if (ret == 0) {
				printf("worker gone\n");
				break;
			}
			if (ret < 0) {
				printf("error: %s\n", ret == -EPROTO ? error : strerror(-ret));
				status = 1;
				break;
			}
			if (print_message(&msg) < 0)
				status = 1;
			bool authenticated = msg.type == LOGIN_AUTHENTICATED;
			login_message_wipe(&msg);
			if (authenticated && refuse) {
				printf("refusing\n");
				fflush(stdout);
				break;
			}
			if (authenticated && !hold) {
				int sent = login_session_proceed(session);
				if (sent < 0) {
					printf("error: proceed: %s\n", strerror(-sent));
					status = 1;
					break;
				}
			}
		}
	}
	fflush(stdout);
	login_session_destroy(session);
	printf("destroyed\n");
	return status;
}
