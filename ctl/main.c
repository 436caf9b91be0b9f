/* multiseatctl: command line client of multiseatd's control socket. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "ctl.h"
#include "print.h"
#include "table.h"

static void print_usage(FILE *out)
{
	fputs("Usage: multiseatctl [--json] [--socket PATH] COMMAND [ARG]...\n"
	      "Show and change the seats of multiseatd.\n"
	      "\n"
	      "Commands:\n",
	      out);
	const struct control_command *command;
	for (size_t i = 0; (command = control_command_at(i)) != NULL; i++) {
		char synopsis[64];
		snprintf(synopsis, sizeof(synopsis), "%s%s%s", command->name,
			 command->args[0] ? " " : "", command->args);
		fprintf(out, "  %-22s %s\n", synopsis, command->summary);
	}
	fputs("\n"
	      "Options:\n"
	      "  -j, --json         print the daemon's answer as JSON\n"
	      "  -s, --socket PATH  the control socket (default " CONTROL_SOCKET_PATH ")\n"
	      "  -h, --help         show this help and exit\n"
	      "  -V, --version      show the version and exit\n"
	      "\n"
	      "Changing commands need root or the " CONTROL_GROUP " group.\n"
	      "Exit status: 0 done, 1 failed, 2 wrong command, seat or device.\n",
	      out);
}

void ctl_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("multiseatctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_options(int argc, char *argv[], struct options *opts)
{
	/* One option a line reads better than the packed table clang-format makes. */
	/* clang-format off */
	static const struct option long_options[] = {
		{"json", no_argument, NULL, 'j'},
		{"socket", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	/* clang-format on */
	opterr = 0;
	int c;
	/* '+': options end at the command, so its arguments are never taken for options. */
	while ((c = getopt_long(argc, argv, "+:js:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts->json = true;
			break;
		case 's':
			opts->socket = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("multiseatctl %s\n", MULTISEAT_VERSION);
			return 0;
		case ':':
			ctl_fail("%s needs a value (see --help)", argv[optind - 1]);
			return 2;
		default:
			ctl_fail("unknown option '%s' (see --help)", argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		ctl_fail("no command given (see --help)");
		return 2;
	}
	opts->command = control_command_find(argv[optind]);
	if (opts->command == NULL) {
		ctl_fail("unknown command '%s' (see --help)", argv[optind]);
		return 2;
	}
	opts->args = (const char *const *)&argv[optind + 1];
	opts->arg_count = (size_t)(argc - optind - 1);
	char error[256];
	if (control_command_check_args(opts->command, opts->arg_count, opts->args, error,
				       sizeof(error)) != 0) {
		ctl_fail("%s (usage: multiseatctl %s%s%s)", error, opts->command->name,
			 opts->command->args[0] ? " " : "", opts->command->args);
		return 2;
	}
	struct sockaddr_un addr;
	if (opts->socket[0] == '\0' || strlen(opts->socket) >= sizeof(addr.sun_path)) {
		ctl_fail("--socket: '%s' is not a usable socket path (1 to %zu bytes)",
			 opts->socket, sizeof(addr.sun_path) - 1);
		return 2;
	}
	return -1;
}

/* Sends the request and prints the answer; the exit status. */
static int run(const struct options *opts)
{
	char *request = control_request_encode(opts->command->name, opts->args, opts->arg_count);
	if (request == NULL) {
		ctl_fail("out of memory");
		return 1;
	}
	int status = 1;
	int fd = ctl_connect(opts->socket);
	if (fd < 0)
		goto free_request;
	if (ctl_send_all(fd, request, strlen(request)) < 0)
		goto close_fd;
	size_t length;
	char *line = ctl_receive_line(fd, &length);
	if (line == NULL)
		goto close_fd;
	char error[1024];
	struct json_object *result;
	int ret = control_reply_parse(line, length, &result, error, sizeof(error));
	free(line);
	if (ret < 0) {
		ctl_fail("invalid reply from multiseatd: %s", error);
		goto close_fd;
	}
	if (ret > 0) {
		char *text = ctl_printable(error);
		ctl_fail("%s", text ? text : "out of memory");
		free(text);
		status = ret;
		goto close_fd;
	}
	ret = ctl_print_result(stdout, opts, result);
	if (ret == -ENOMEM)
		ctl_fail("out of memory");
	else if (ret == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		ctl_fail("cannot write the output: %s", strerror(errno));
	else if (ret == 0)
		status = 0;
	json_object_put(result);
close_fd:
	close(fd);
free_request:
	free(request);
	return status;
}

int main(int argc, char *argv[])
{
	struct options opts = {.socket = CONTROL_SOCKET_PATH};
	int status = parse_options(argc, argv, &opts);
	if (status >= 0)
		return status;
	return run(&opts);
}
