/* multiseatctl: command line client of multiseatd's control socket. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "ctl_table.h"

/* A daemon that does not answer in this time is stuck; better an error than a hung shell. */
#define REPLY_TIMEOUT_S 30
/* Far above any real reply; keeps a broken daemon from eating all memory. */
#define REPLY_MAX (64u << 20)

struct options {
	bool json;
	const char *socket;
	const struct control_command *command;
	const char *const *args;
	size_t arg_count;
};

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

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
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
			fail("%s needs a value (see --help)", argv[optind - 1]);
			return 2;
		default:
			fail("unknown option '%s' (see --help)", argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		fail("no command given (see --help)");
		return 2;
	}
	opts->command = control_command_find(argv[optind]);
	if (opts->command == NULL) {
		fail("unknown command '%s' (see --help)", argv[optind]);
		return 2;
	}
	opts->args = (const char *const *)&argv[optind + 1];
	opts->arg_count = (size_t)(argc - optind - 1);
	char error[256];
	if (control_command_check_args(opts->command, opts->arg_count, opts->args, error,
				       sizeof(error)) != 0) {
		fail("%s (usage: multiseatctl %s%s%s)", error, opts->command->name,
		     opts->command->args[0] ? " " : "", opts->command->args);
		return 2;
	}
	struct sockaddr_un addr;
	if (opts->socket[0] == '\0' || strlen(opts->socket) >= sizeof(addr.sun_path)) {
		fail("--socket: '%s' is not a usable socket path (1 to %zu bytes)", opts->socket,
		     sizeof(addr.sun_path) - 1);
		return 2;
	}
	return -1;
}

/* A connected socket, or -1 after saying why. */
static int connect_daemon(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	memcpy(addr.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail("cannot create a socket: %s", strerror(errno));
		return -1;
	}
	struct timeval timeout = {.tv_sec = REPLY_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fail("multiseatd is not running (no control socket at %s)", path);
		else
			fail("cannot connect to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *data, size_t size)
{
	while (size > 0) {
		ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail("cannot send the request: %s",
			     errno == EAGAIN ? "multiseatd does not read it" : strerror(errno));
			return -1;
		}
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/* The first line the daemon sends, without its newline; NULL after saying why. */
static char *receive_line(int fd, size_t *length)
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
				fail("the reply from multiseatd is too long");
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
			fail("no reply from multiseatd within %d seconds", REPLY_TIMEOUT_S);
		else if (n < 0 && size == 0)
			fail("cannot read the reply: %s", strerror(errno));
		else if (size == 0)
			fail("multiseatd closed the connection without replying");
		else
			fail("the reply from multiseatd is truncated (%zu bytes, no end of line)",
			     size);
		free(buffer);
		return NULL;
	}
	fail("out of memory");
	return NULL;
}

static struct json_object *field(struct json_object *object, const char *key, enum json_type type)
{
	struct json_object *value;
	if (!json_object_is_type(object, json_type_object) ||
	    !json_object_object_get_ex(object, key, &value) || !json_object_is_type(value, type))
		return NULL;
	return value;
}

static const char *field_string(struct json_object *object, const char *key)
{
	struct json_object *value = field(object, key, json_type_string);
	return value ? json_object_get_string(value) : NULL;
}

static bool field_int(struct json_object *object, const char *key, int64_t *number)
{
	struct json_object *value = field(object, key, json_type_int);
	if (value != NULL)
		*number = json_object_get_int64(value);
	return value != NULL;
}

static size_t array_length(struct json_object *array)
{
	return array ? json_object_array_length(array) : 0;
}

/* Strings of a JSON array joined with commas, "-" when there are none. */
static void join_strings(struct json_object *array, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < array_length(array); i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		if (!json_object_is_type(item, json_type_string))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? "," : "",
				 json_object_get_string(item));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(out, size, "-");
}

static void format_int(struct json_object *object, const char *key, char *out, size_t size)
{
	int64_t number;
	if (field_int(object, key, &number) && number > 0)
		snprintf(out, size, "%lld", (long long)number);
	else
		snprintf(out, size, "-");
}

static void format_uptime(struct json_object *seat, char *out, size_t size)
{
	struct json_object *value = field(seat, "uptime", json_type_double);
	if (value == NULL)
		value = field(seat, "uptime", json_type_int);
	ctl_format_duration(value ? json_object_get_double(value) : -1, false, out, size);
}

static const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

static void format_lease(struct json_object *lease, char *out, size_t size)
{
	int64_t lessee = 0, connectors = 0, crtcs = 0, planes = 0;
	field_int(lease, "lessee", &lessee);
	field_int(lease, "connectors", &connectors);
	field_int(lease, "crtcs", &crtcs);
	field_int(lease, "planes", &planes);
	const char *card = field_string(lease, "card");
	snprintf(out, size, "%s, lessee %lld: %lld connector%s, %lld CRTC%s, %lld plane%s",
		 card ? card : "?", (long long)lessee, (long long)connectors, plural(connectors),
		 (long long)crtcs, plural(crtcs), (long long)planes, plural(planes));
}

/* Room for more leases than a seat holds (one per card, seatd/seat_cards.h). */
#define MAX_LEASES 8

/* One line per lease ("leases", one per card; a daemon before it has only "lease"). */
static size_t format_leases(struct json_object *seat, char out[][256], size_t max)
{
	struct json_object *leases = field(seat, "leases", json_type_array);
	size_t count = 0;
	if (leases) {
		for (size_t i = 0; i < array_length(leases) && count < max; i++) {
			struct json_object *lease = json_object_array_get_idx(leases, i);
			if (lease && json_object_is_type(lease, json_type_object))
				format_lease(lease, out[count++], sizeof(out[0]));
		}
	} else {
		struct json_object *lease = field(seat, "lease", json_type_object);
		if (lease)
			format_lease(lease, out[count++], sizeof(out[0]));
	}
	if (count == 0)
		snprintf(out[count++], sizeof(out[0]), "none");
	return count;
}

/* The seat's input devices, then its sound devices. */
static struct json_object *seat_device_at(struct json_object *seat, size_t i)
{
	struct json_object *inputs = field(seat, "devices", json_type_array);
	if (i < array_length(inputs))
		return json_object_array_get_idx(inputs, i);
	struct json_object *sound = field(seat, "sound", json_type_array);
	i -= array_length(inputs);
	return i < array_length(sound) ? json_object_array_get_idx(sound, i) : NULL;
}

static void add_device_rows(struct ctl_table *table, struct json_object *seat)
{
	struct json_object *device;
	for (size_t i = 0; (device = seat_device_at(seat, i)) != NULL; i++) {
		const char *row[] = {field_string(device, "kind"), field_string(device, "key"),
				     field_string(device, "devnode"), field_string(device, "name")};
		ctl_table_add(table, row);
	}
}

/* A usage figure: its number (bytes as sizes), "max", or "-" when unknown. */
static void usage_value(struct json_object *usage, const char *key, bool bytes, char *out,
			size_t size)
{
	int64_t number;
	const char *text = field_string(usage, key);
	if (text && strcmp(text, "max") == 0)
		snprintf(out, size, "max");
	else if (!field_int(usage, key, &number) || number < 0)
		snprintf(out, size, "-");
	else if (bytes)
		ctl_format_size(number, out, size);
	else
		snprintf(out, size, "%lld", (long long)number);
}

/* "123M/256M", "12/200": what is used of the limit; the use alone when the limit is unknown. */
static void usage_pair(struct json_object *usage, const char *current, const char *max, bool bytes,
		       char *out, size_t size)
{
	char used[32], limit[32];
	usage_value(usage, current, bytes, used, sizeof(used));
	usage_value(usage, max, bytes, limit, sizeof(limit));
	if (strcmp(used, "-") == 0 || strcmp(limit, "-") == 0)
		snprintf(out, size, "%s", used);
	else
		snprintf(out, size, "%s/%s", used, limit);
}

/* The figures of a seat's "usage"; each "-" when the seat has no cgroup. */
struct usage_text {
	char cpu[32], memory[64], pids[64], throttled[32], oom[32];
};

static void format_usage(struct json_object *seat, struct usage_text *u)
{
	struct json_object *usage = field(seat, "usage", json_type_object);
	int64_t usec;
	if (field_int(usage, "cpu_usage_usec", &usec) && usec >= 0)
		ctl_format_duration((double)usec / 1e6, true, u->cpu, sizeof(u->cpu));
	else
		snprintf(u->cpu, sizeof(u->cpu), "-");
	usage_pair(usage, "memory_current", "memory_max", true, u->memory, sizeof(u->memory));
	usage_pair(usage, "pids_current", "pids_max", false, u->pids, sizeof(u->pids));
	usage_value(usage, "cpu_throttled_periods", false, u->throttled, sizeof(u->throttled));
	usage_value(usage, "oom_kills", false, u->oom, sizeof(u->oom));
}

/* "cpu.max=80%, memory.max=2G (set)": the caps in effect, "(set)" for multiseatctl set's. */
static void format_caps(struct json_object *seat, char *out, size_t size)
{
	struct json_object *caps = field(seat, "caps", json_type_object);
	struct json_object *saved = field(seat, "caps_set", json_type_object);
	size_t used = 0;
	snprintf(out, size, caps ? "none" : "-");
	if (!caps)
		return;
	json_object_object_foreach(caps, key, value)
	{
		if (!json_object_is_type(value, json_type_string))
			continue;
		int n = snprintf(out + used, size - used, "%s%s=%s%s", used ? ", " : "", key,
				 json_object_get_string(value),
				 field_string(saved, key) ? " (set)" : "");
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Appends `fmt` to out (used bytes so far in *used); stops quietly when out is full. */
static void append(char *out, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *out, size_t size, size_t *used, const char *fmt, ...)
{
	if (*used >= size)
		return;
	va_list args;
	va_start(args, fmt);
	int n = vsnprintf(out + *used, size - *used, fmt, args);
	va_end(args);
	if (n > 0)
		*used = (size_t)n >= size - *used ? size : *used + (size_t)n;
}

/* The seat's sound services ("pipewire running, ..."), "-" when the daemon gave none. */
static void format_audio_services(struct json_object *seat, char *out, size_t size)
{
	struct json_object *services =
		field(field(seat, "audio", json_type_object), "services", json_type_object);
	size_t used = 0;
	snprintf(out, size, "-");
	if (!services)
		return; /* json_object_object_foreach needs an object */
	out[0] = '\0';
	json_object_object_foreach(services, name, service)
	{
		const char *state = field_string(service, "state");
		int64_t restarts = 0;
		field_int(service, "restarts", &restarts);
		append(out, size, &used, "%s%s %s", used ? ", " : "", name, state ? state : "?");
		if (restarts > 0)
			append(out, size, &used, " (%lld restarts)", (long long)restarts);
	}
	if (!out[0])
		snprintf(out, size, "-");
}

/* The seat's PipeWire sinks by description, the default one marked with '*'. */
static void format_sinks(struct json_object *seat, char *out, size_t size)
{
	struct json_object *audio = field(seat, "audio", json_type_object);
	struct json_object *sinks = field(audio, "sinks", json_type_array);
	const char *fallback = field_string(audio, "default_sink");
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < array_length(sinks); i++) {
		struct json_object *sink = json_object_array_get_idx(sinks, i);
		const char *name = field_string(sink, "name");
		const char *description = field_string(sink, "description");
		bool is_default = name && fallback && strcmp(name, fallback) == 0;
		append(out, size, &used, "%s%s%s", used ? ", " : "", is_default ? "*" : "",
		       description ? description
		       : name	   ? name
				   : "?");
	}
	if (!out[0])
		snprintf(out, size, "-");
}

/* "alice (uid 1001) since 2026-11-21 14:03, session 812", "greeter", or "-" (kiosk). */
static void format_login(struct json_object *seat, char *out, size_t size)
{
	struct json_object *login = field(seat, "login", json_type_object);
	const char *state = field_string(login, "state");
	const char *user = field_string(login, "user");
	if (!login || !state) {
		snprintf(out, size, "-");
		return;
	}
	if (!user) {
		snprintf(out, size, "%s", state);
		return;
	}
	int64_t uid = -1, since = 0, pid = 0;
	field_int(login, "uid", &uid);
	field_int(login, "since", &since);
	field_int(login, "session_pid", &pid);
	char when[64] = "";
	time_t t = (time_t)since;
	struct tm tm;
	if (since > 0 && localtime_r(&t, &tm))
		strftime(when, sizeof(when), " since %Y-%m-%d %H:%M", &tm);
	size_t used = 0;
	out[0] = '\0';
	append(out, size, &used, "%s (uid %lld)%s", user, (long long)uid, when);
	if (pid > 0)
		append(out, size, &used, ", session %lld", (long long)pid);
	if (strcmp(state, "session") != 0)
		append(out, size, &used, " [%s]", state);
}

/* Room for every output of a seat (seatd/seat_cards.h). */
#define MAX_MONITORS 8

/*
 * One line per monitor ("monitors", a daemon before it has none): "KEY: MODEL (VENDOR),
 * serial S, kernel name K", each part only where the daemon knows it.
 */
static size_t format_monitors(struct json_object *seat, char out[][256], size_t max)
{
	struct json_object *monitors = field(seat, "monitors", json_type_array);
	size_t count = 0;
	for (size_t i = 0; i < array_length(monitors) && count < max; i++) {
		struct json_object *m = json_object_array_get_idx(monitors, i);
		const char *output = field_string(m, "output");
		if (!output)
			continue;
		const char *model = field_string(m, "model"), *vendor = field_string(m, "vendor");
		const char *serial = field_string(m, "serial");
		const char *kernel = field_string(m, "connector");
		size_t used = 0;
		out[count][0] = '\0';
		append(out[count], sizeof(out[0]), &used, "%s:", output);
		if (model)
			append(out[count], sizeof(out[0]), &used, " %s", model);
		if (vendor)
			append(out[count], sizeof(out[0]), &used, model ? " (%s)" : " %s", vendor);
		if (!model && !vendor)
			append(out[count], sizeof(out[0]), &used, " no EDID");
		if (serial)
			append(out[count], sizeof(out[0]), &used, ", serial %s", serial);
		if (kernel)
			append(out[count], sizeof(out[0]), &used, ", kernel name %s", kernel);
		count++;
	}
	return count;
}

static int print_seat_block(FILE *out, struct json_object *seat, bool with_usage)
{
	char number[32], pid[32], uptime[32], restarts[32], outputs[1024], caps[1024];
	char leases[MAX_LEASES][256];
	char usage[256] = "-", audio[256], sinks[512], login[256];
	const char *name = field_string(seat, "name"), *state = field_string(seat, "state");
	const char *mode = field_string(seat, "mode");
	format_int(seat, "number", number, sizeof(number));
	format_int(seat, "pid", pid, sizeof(pid));
	format_uptime(seat, uptime, sizeof(uptime));
	int64_t count = 0;
	field_int(seat, "restarts", &count);
	snprintf(restarts, sizeof(restarts), "%lld", (long long)count);
	join_strings(field(seat, "outputs", json_type_array), outputs, sizeof(outputs));
	size_t lease_count = format_leases(seat, leases, MAX_LEASES);
	char monitors[MAX_MONITORS][256];
	size_t monitor_count = format_monitors(seat, monitors, MAX_MONITORS);
	format_caps(seat, caps, sizeof(caps));
	format_audio_services(seat, audio, sizeof(audio));
	format_sinks(seat, sinks, sizeof(sinks));
	format_login(seat, login, sizeof(login));
	struct usage_text u;
	format_usage(seat, &u);
	if (field(seat, "usage", json_type_object))
		snprintf(usage, sizeof(usage), "cpu %s, mem %s, pids %s, throttled %s, oom %s",
			 u.cpu, u.memory, u.pids, u.throttled, u.oom);
	struct json_object *claimed_o;
	const char *claimed = "?";
	if (json_object_object_get_ex(seat, "claimed", &claimed_o))
		claimed = json_object_get_boolean(claimed_o) ? "yes" : "no (shows Press F<n>)";

	struct ctl_table header = {.columns = 2};
	const char *rows[][2] = {
		{"number:", number},
		{"claimed:", claimed},
		{"user:", field_string(seat, "user")},
		{"session:", field_string(seat, "session")},
		{"mode:", mode},
		{"pid:", pid},
		{"uptime:", uptime},
		{"restarts:", restarts},
		{"outputs:", outputs},
	};
	const char *more_rows[][2] = {
		{"caps:", caps},   {"audio:", audio}, {"sinks:", sinks},
		{"login:", login}, {"usage:", usage},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ctl_table_add(&header, rows[i]);
	for (size_t i = 0; i < monitor_count; i++) {
		const char *row[2] = {i > 0 ? "" : "monitors:", monitors[i]};
		ctl_table_add(&header, row);
	}
	/* A seat on several cards: a lease per card, a line each. */
	for (size_t i = 0; i < lease_count; i++) {
		const char *row[2] = {i > 0 ? "" : (lease_count > 1 ? "leases:" : "lease:"),
				      leases[i]};
		ctl_table_add(&header, row);
	}
	/* status has the usage in its table already. */
	for (size_t i = 0; i < sizeof(more_rows) / sizeof(more_rows[0]) - !with_usage; i++)
		ctl_table_add(&header, more_rows[i]);
	struct ctl_table devices = {.columns = 4};
	add_device_rows(&devices, seat);
	int ret = header.failed || devices.failed ? -ENOMEM : 0;
	if (ret == 0) {
		char *title = ctl_printable(name ? name : "?");
		char *status = ctl_printable(state ? state : "?");
		if (title && status) {
			fprintf(out, "%s: %s\n", title, status);
			ctl_table_print(&header, out, "  ");
			fprintf(out, "  devices:%s\n", devices.rows ? "" : "  none");
			ctl_table_print(&devices, out, "    ");
		} else {
			ret = -ENOMEM;
		}
		free(title);
		free(status);
	}
	ctl_table_finish(&header);
	ctl_table_finish(&devices);
	return ret;
}

static int print_status(FILE *out, struct json_object *result)
{
	struct json_object *seats = field(result, "seats", json_type_array);
	struct json_object *unassigned = field(result, "unassigned", json_type_array);
	if (array_length(seats) == 0)
		fputs("no seats\n", out);
	struct ctl_table usage = {.columns = 7};
	const char *header[] = {"SEAT", "STATE", "CPU", "MEM", "PIDS", "THROTTLED", "OOM"};
	ctl_table_add(&usage, header);
	for (size_t i = 0; i < array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i);
		struct usage_text u;
		format_usage(seat, &u);
		const char *row[] = {field_string(seat, "name"),
				     field_string(seat, "state"),
				     u.cpu,
				     u.memory,
				     u.pids,
				     u.throttled,
				     u.oom};
		ctl_table_add(&usage, row);
	}
	if (array_length(seats) > 0) {
		ctl_table_print(&usage, out, "");
		fputc('\n', out);
	}
	bool failed = usage.failed;
	ctl_table_finish(&usage);
	if (failed)
		return -ENOMEM;
	for (size_t i = 0; i < array_length(seats); i++) {
		if (i > 0)
			fputc('\n', out);
		if (print_seat_block(out, json_object_array_get_idx(seats, i), false) < 0)
			return -ENOMEM;
	}
	if (array_length(unassigned) == 0)
		return 0;
	struct ctl_table devices = {.columns = 4};
	for (size_t i = 0; i < array_length(unassigned); i++) {
		struct json_object *device = json_object_array_get_idx(unassigned, i);
		const char *row[] = {field_string(device, "kind"), field_string(device, "key"),
				     field_string(device, "devnode"), field_string(device, "name")};
		ctl_table_add(&devices, row);
	}
	fputs("\nunassigned devices:\n", out);
	ctl_table_print(&devices, out, "    ");
	int ret = devices.failed ? -ENOMEM : 0;
	ctl_table_finish(&devices);
	return ret;
}

static int print_seats(FILE *out, struct json_object *result)
{
	struct json_object *seats = field(result, "seats", json_type_array);
	if (array_length(seats) == 0) {
		fputs("no seats\n", out);
		return 0;
	}
	struct ctl_table table = {.columns = 6};
	const char *header[] = {"SEAT", "STATE", "USER", "PID", "OUTPUTS", "DEVICES"};
	ctl_table_add(&table, header);
	for (size_t i = 0; i < array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i);
		char pid[32], outputs[1024], devices[32];
		format_int(seat, "pid", pid, sizeof(pid));
		join_strings(field(seat, "outputs", json_type_array), outputs, sizeof(outputs));
		size_t count = 0;
		while (seat_device_at(seat, count) != NULL)
			count++;
		snprintf(devices, sizeof(devices), "%zu", count);
		const char *row[] = {field_string(seat, "name"),
				     field_string(seat, "state"),
				     field_string(seat, "user"),
				     pid,
				     outputs,
				     devices};
		ctl_table_add(&table, row);
	}
	ctl_table_print(&table, out, "");
	int ret = table.failed ? -ENOMEM : 0;
	ctl_table_finish(&table);
	return ret;
}

static int print_devices(FILE *out, struct json_object *result)
{
	struct ctl_table table = {.columns = 4};
	const char *header[] = {"DEVICE", "KIND", "SEAT", "REASON"};
	ctl_table_add(&table, header);
	struct json_object *seats = field(result, "seats", json_type_array);
	for (size_t i = 0; i < array_length(seats); i++) {
		struct json_object *seat = json_object_array_get_idx(seats, i), *device;
		for (size_t k = 0; (device = seat_device_at(seat, k)) != NULL; k++) {
			const char *row[] = {
				field_string(device, "key"), field_string(device, "kind"),
				field_string(seat, "name"), field_string(device, "reason")};
			ctl_table_add(&table, row);
		}
	}
	struct json_object *unassigned = field(result, "unassigned", json_type_array);
	for (size_t i = 0; i < array_length(unassigned); i++) {
		struct json_object *device = json_object_array_get_idx(unassigned, i);
		const char *row[] = {field_string(device, "key"), field_string(device, "kind"),
				     field_string(device, "seat"), field_string(device, "reason")};
		ctl_table_add(&table, row);
	}
	if (table.rows > 1)
		ctl_table_print(&table, out, "");
	else
		fputs("no devices\n", out);
	int ret = table.failed ? -ENOMEM : 0;
	ctl_table_finish(&table);
	return ret;
}

/* A message may have several lines; each is made printable on its own. */
static int print_message(FILE *out, struct json_object *result)
{
	const char *message = field_string(result, "message");
	if (message == NULL)
		return 0;
	char *copy = strdup(message);
	if (copy == NULL)
		return -ENOMEM;
	int ret = 0;
	char *rest = copy;
	for (char *line = strsep(&rest, "\n"); line != NULL; line = strsep(&rest, "\n")) {
		char *text = ctl_printable(line);
		if (text == NULL) {
			ret = -ENOMEM;
			break;
		}
		fprintf(out, "%s\n", text);
		free(text);
	}
	free(copy);
	return ret;
}

/* A file name the daemon gives for a rule: 72-seat-*.rules, nothing that leaves the folder. */
static bool rule_file_name_valid(const char *name)
{
	size_t len = strlen(name);
	return strncmp(name, "72-seat-", 8) == 0 && len > 14 && len < 240 &&
	       strcmp(name + len - 6, ".rules") == 0 && !strchr(name, '/');
}

/* Writes one rule file in `dir`: a temporary file renamed over it, so udev never reads half. */
static int write_rule(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	FILE *f = fopen(tmp, "we");
	if (f == NULL)
		return -errno;
	bool ok = fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	int err = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok || rename(tmp, path) < 0) {
		err = ok ? errno : err;
		unlink(tmp);
		return -err;
	}
	return 0;
}

/* export-udev: the rules on stdout, or as files in the folder given. */
static int print_export(FILE *out, const struct options *opts, struct json_object *result)
{
	const char *dir = opts->arg_count > 0 ? opts->args[0] : NULL;
	struct json_object *rules, *notes;
	if (!json_object_object_get_ex(result, "rules", &rules) ||
	    !json_object_is_type(rules, json_type_array))
		return -EINVAL;
	int failed = 0;
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *rule = json_object_array_get_idx(rules, i);
		const char *name = field_string(rule, "file");
		const char *text = field_string(rule, "text");
		if (name == NULL || text == NULL || !rule_file_name_valid(name)) {
			fail("the daemon sent a rule without a usable file name; skipped");
			failed = -EINVAL;
			continue;
		}
		if (dir == NULL) {
			fprintf(out, "# %s\n%s", name, text);
			continue;
		}
		int ret = write_rule(dir, name, text);
		if (ret < 0) {
			fail("%s/%s cannot be written: %s", dir, name, strerror(-ret));
			failed = ret;
		} else {
			fprintf(out, "wrote %s/%s\n", dir, name);
		}
	}
	if (json_object_object_get_ex(result, "notes", &notes) &&
	    json_object_is_type(notes, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(notes); i++) {
			char *text = ctl_printable(
				json_object_get_string(json_object_array_get_idx(notes, i)));
			fprintf(out, "# note: %s\n", text ? text : "");
			free(text);
		}
	}
	if (dir != NULL && failed == 0)
		fprintf(out, "# then: udevadm control --reload && udevadm trigger\n");
	return failed;
}

static int print_result(FILE *out, const struct options *opts, struct json_object *result)
{
	if (opts->json) {
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(
				result, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						JSON_C_TO_STRING_NOSLASHESCAPE));
		return 0;
	}
	const char *name = opts->command->name;
	if (strcmp(name, "status") == 0)
		return print_status(out, result);
	if (strcmp(name, "seats") == 0)
		return print_seats(out, result);
	if (strcmp(name, "devices") == 0)
		return print_devices(out, result);
	if (strcmp(name, "seat") == 0)
		return print_seat_block(out, result, true);
	if (strcmp(name, "export-udev") == 0)
		return print_export(out, opts, result);
	return print_message(out, result);
}

/* Sends the request and prints the answer; the exit status. */
static int run(const struct options *opts)
{
	char *request = control_request_encode(opts->command->name, opts->args, opts->arg_count);
	if (request == NULL) {
		fail("out of memory");
		return 1;
	}
	int status = 1;
	int fd = connect_daemon(opts->socket);
	if (fd < 0)
		goto free_request;
	if (send_all(fd, request, strlen(request)) < 0)
		goto close_fd;
	size_t length;
	char *line = receive_line(fd, &length);
	if (line == NULL)
		goto close_fd;
	char error[1024];
	struct json_object *result;
	int ret = control_reply_parse(line, length, &result, error, sizeof(error));
	free(line);
	if (ret < 0) {
		fail("invalid reply from multiseatd: %s", error);
		goto close_fd;
	}
	if (ret > 0) {
		char *text = ctl_printable(error);
		fail("%s", text ? text : "out of memory");
		free(text);
		status = ret;
		goto close_fd;
	}
	ret = print_result(stdout, opts, result);
	if (ret == -ENOMEM)
		fail("out of memory");
	else if (ret == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		fail("cannot write the output: %s", strerror(errno));
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
