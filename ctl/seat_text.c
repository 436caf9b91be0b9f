/* One seat as multiseatctl shows it: its state, monitors, leases, devices, caps, usage, sound
 * and login. */
#include "seat_text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reply.h"
#include "table.h"

static void format_uptime(struct json_object *seat, char *out, size_t size)
{
	struct json_object *value = reply_field(seat, "uptime", json_type_double);
	if (value == NULL)
		value = reply_field(seat, "uptime", json_type_int);
	ctl_format_duration(value ? json_object_get_double(value) : -1, false, out, size);
}

static void format_lease(struct json_object *lease, char *out, size_t size)
{
	int64_t lessee = 0, connectors = 0, crtcs = 0, planes = 0;
	reply_int(lease, "lessee", &lessee);
	reply_int(lease, "connectors", &connectors);
	reply_int(lease, "crtcs", &crtcs);
	reply_int(lease, "planes", &planes);
	const char *card = reply_string(lease, "card");
	snprintf(out, size, "%s, lessee %lld: %lld connector%s, %lld CRTC%s, %lld plane%s",
		 card ? card : "?", (long long)lessee, (long long)connectors,
		 reply_plural(connectors), (long long)crtcs, reply_plural(crtcs), (long long)planes,
		 reply_plural(planes));
}

/* Room for more leases than a seat holds (one per card, seatd/seat_cards.h). */
#define MAX_LEASES 8

/* One line per lease ("leases", one per card; a daemon before it has only "lease"). */
static size_t format_leases(struct json_object *seat, char out[][256], size_t max)
{
	struct json_object *leases = reply_field(seat, "leases", json_type_array);
	size_t count = 0;
	if (leases) {
		for (size_t i = 0; i < reply_array_length(leases) && count < max; i++) {
			struct json_object *lease = json_object_array_get_idx(leases, i);
			if (lease && json_object_is_type(lease, json_type_object))
				format_lease(lease, out[count++], sizeof(out[0]));
		}
	} else {
		struct json_object *lease = reply_field(seat, "lease", json_type_object);
		if (lease)
			format_lease(lease, out[count++], sizeof(out[0]));
	}
	if (count == 0)
		snprintf(out[count++], sizeof(out[0]), "none");
	return count;
}

static void add_device_rows(struct ctl_table *table, struct json_object *seat)
{
	struct json_object *device;
	for (size_t i = 0; (device = reply_seat_device_at(seat, i)) != NULL; i++) {
		const char *row[] = {reply_string(device, "kind"), reply_string(device, "key"),
				     reply_string(device, "devnode"), reply_string(device, "name")};
		ctl_table_add(table, row);
	}
}

/* A usage figure: its number (bytes as sizes), "max", or "-" when unknown. */
static void usage_value(struct json_object *usage, const char *key, bool bytes, char *out,
			size_t size)
{
	int64_t number;
	const char *text = reply_string(usage, key);
	if (text && strcmp(text, "max") == 0)
		snprintf(out, size, "max");
	else if (!reply_int(usage, key, &number) || number < 0)
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

void ctl_format_usage(struct json_object *seat, struct usage_text *u)
{
	struct json_object *usage = reply_field(seat, "usage", json_type_object);
	int64_t usec;
	if (reply_int(usage, "cpu_usage_usec", &usec) && usec >= 0)
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
	struct json_object *caps = reply_field(seat, "caps", json_type_object);
	struct json_object *saved = reply_field(seat, "caps_set", json_type_object);
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
				 reply_string(saved, key) ? " (set)" : "");
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
	struct json_object *services = reply_field(reply_field(seat, "audio", json_type_object),
						   "services", json_type_object);
	size_t used = 0;
	snprintf(out, size, "-");
	if (!services)
		return; /* json_object_object_foreach needs an object */
	out[0] = '\0';
	json_object_object_foreach(services, name, service)
	{
		const char *state = reply_string(service, "state");
		int64_t restarts = 0;
		reply_int(service, "restarts", &restarts);
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
	struct json_object *audio = reply_field(seat, "audio", json_type_object);
	struct json_object *sinks = reply_field(audio, "sinks", json_type_array);
	const char *fallback = reply_string(audio, "default_sink");
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < reply_array_length(sinks); i++) {
		struct json_object *sink = json_object_array_get_idx(sinks, i);
		const char *name = reply_string(sink, "name");
		const char *description = reply_string(sink, "description");
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
	struct json_object *login = reply_field(seat, "login", json_type_object);
	const char *state = reply_string(login, "state");
	const char *user = reply_string(login, "user");
	if (!login || !state) {
		snprintf(out, size, "-");
		return;
	}
	if (!user) {
		snprintf(out, size, "%s", state);
		return;
	}
	int64_t uid = -1, since = 0, pid = 0;
	reply_int(login, "uid", &uid);
	reply_int(login, "since", &since);
	reply_int(login, "session_pid", &pid);
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
	struct json_object *monitors = reply_field(seat, "monitors", json_type_array);
	size_t count = 0;
	for (size_t i = 0; i < reply_array_length(monitors) && count < max; i++) {
		struct json_object *m = json_object_array_get_idx(monitors, i);
		const char *output = reply_string(m, "output");
		if (!output)
			continue;
		const char *model = reply_string(m, "model"), *vendor = reply_string(m, "vendor");
		const char *serial = reply_string(m, "serial");
		const char *kernel = reply_string(m, "connector");
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

int ctl_print_seat(FILE *out, struct json_object *seat, bool with_usage)
{
	char number[32], pid[32], uptime[32], restarts[32], outputs[1024], caps[1024];
	char leases[MAX_LEASES][256];
	char usage[256] = "-", audio[256], sinks[512], login[256];
	const char *name = reply_string(seat, "name"), *state = reply_string(seat, "state");
	const char *mode = reply_string(seat, "mode");
	reply_format_int(seat, "number", number, sizeof(number));
	reply_format_int(seat, "pid", pid, sizeof(pid));
	format_uptime(seat, uptime, sizeof(uptime));
	int64_t count = 0;
	reply_int(seat, "restarts", &count);
	snprintf(restarts, sizeof(restarts), "%lld", (long long)count);
	reply_join_strings(reply_field(seat, "outputs", json_type_array), outputs, sizeof(outputs));
	size_t lease_count = format_leases(seat, leases, MAX_LEASES);
	char monitors[MAX_MONITORS][256];
	size_t monitor_count = format_monitors(seat, monitors, MAX_MONITORS);
	format_caps(seat, caps, sizeof(caps));
	format_audio_services(seat, audio, sizeof(audio));
	format_sinks(seat, sinks, sizeof(sinks));
	format_login(seat, login, sizeof(login));
	struct usage_text u;
	ctl_format_usage(seat, &u);
	if (reply_field(seat, "usage", json_type_object))
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
		{"user:", reply_string(seat, "user")},
		{"session:", reply_string(seat, "session")},
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
