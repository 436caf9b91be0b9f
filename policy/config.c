/* multiseat.conf: an INI file read with inih, every mistake reported with its file and line. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define SEEN_MAX 32

struct parser {
	FILE *file;
	const char *path;
	struct policy_config *config;
	struct policy_errors *errors;
	int line;	   /* of the line inih is handling */
	bool continuation; /* that line is an indented continuation of the one before */
	bool key_line;	   /* the line before was KEY = VALUE (continuations follow those) */
	bool in_section;   /* a [section] header was seen */
	bool section_ok;   /* keys of this section are read (else already reported) */
	bool daemon_seen;  /* [daemon] appeared */
	int daemon_line, defaults_line;
	struct policy_seat *seat; /* the current [seat.NAME], else NULL */
	bool in_defaults;
	struct {
		char name[32];
		int line;
	} seen[SEEN_MAX]; /* keys set in this section, for duplicates */
	int seen_count;
};

static void error(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void error(struct parser *p, const char *fmt, ...)
{
	char message[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	policy_errors_add(p->errors, p->path, p->line, "%s", message);
}

static void settings_init(struct policy_seat_settings *settings)
{
	*settings = (struct policy_seat_settings){.mode = -1};
	policy_caps_init(&settings->caps);
}

static void settings_finish(struct policy_seat_settings *settings)
{
	free(settings->user);
	free(settings->session);
	free(settings->keyboard_layout);
	free(settings->keyboard_variant);
	free(settings->keyboard_options);
	policy_caps_finish(&settings->caps);
	settings_init(settings);
}

static void seat_finish(struct policy_seat *seat)
{
	free(seat->name);
	for (size_t i = 0; i < seat->output_count; i++)
		free(seat->outputs[i].key);
	free(seat->outputs);
	for (size_t i = 0; i < seat->device_count; i++) {
		free(seat->devices[i].key);
		free(seat->devices[i].value);
	}
	free(seat->devices);
	settings_finish(&seat->settings);
}

int policy_config_init_defaults(struct policy_config *config, const char *path)
{
	*config = (struct policy_config){
		.autoseat = true,
		.log_level = LOG_LEVEL_INFO,
		.login_timeout_s = POLICY_LOGIN_TIMEOUT_DEFAULT,
		.vt = POLICY_VT_DEFAULT,
	};
	settings_init(&config->defaults);
	config->path = strdup(path);
	config->state_dir = strdup("/var/lib/multiseat");
	config->cgroup_root = strdup("/sys/fs/cgroup/multiseat");
	if (!config->path || !config->state_dir || !config->cgroup_root) {
		policy_config_finish(config);
		return -ENOMEM;
	}
	return 0;
}

void policy_config_finish(struct policy_config *config)
{
	free(config->path);
	free(config->state_dir);
	free(config->cgroup_root);
	settings_finish(&config->defaults);
	for (size_t i = 0; i < config->seat_count; i++)
		seat_finish(&config->seats[i]);
	free(config->seats);
	*config = (struct policy_config){0};
}

const struct policy_seat *policy_config_find_seat(const struct policy_config *config,
						  const char *name)
{
	for (size_t i = 0; i < config->seat_count; i++) {
		if (strcmp(config->seats[i].name, name) == 0)
			return &config->seats[i];
	}
	return NULL;
}

/* ---- values ---- */

static int set_string(struct parser *p, char **field, const char *value)
{
	char *copy = strdup(value);
	if (!copy) {
		error(p, "out of memory");
		return -ENOMEM;
	}
	free(*field);
	*field = copy;
	return 0;
}

static bool is_word(const char *value)
{
	if (!*value)
		return false;
	for (const char *c = value; *c; c++) {
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c))
			return false;
	}
	return true;
}

static void set_user(struct parser *p, char **field, int *line, const char *name, const char *value)
{
	/* Login names as useradd takes them, plus %n (seat number) and %s (seat name). */
	bool ok = *value != '\0' && strlen(value) <= 32 && value[0] != '-';
	for (const char *c = value; ok && *c; c++) {
		if (*c == '%') {
			ok = c[1] == 'n' || c[1] == 's';
			c++;
		} else {
			ok = islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
			     *c == '_' || *c == '-' || *c == '.';
		}
	}
	if (!ok) {
		error(p,
		      "%s = %s: expected a user name (a-z, 0-9, '_', '-', '.'; %%n for the "
		      "seat's number, %%s for its name)",
		      name, value);
		return;
	}
	if (strcmp(value, "root") == 0) {
		error(p, "%s = root: sessions never run as root", name);
		return;
	}
	if (set_string(p, field, value) == 0)
		*line = p->line;
}

/* Keys both [seat-defaults] and [seat.NAME] take; false when `name` is not one of them. */
static bool seat_setting(struct parser *p, struct policy_seat_settings *s, const char *name,
			 const char *value)
{
	if (strcmp(name, "user") == 0) {
		set_user(p, &s->user, &s->user_line, name, value);
	} else if (strcmp(name, "session") == 0) {
		if (*value == '\0')
			error(p, "session = : expected a command");
		else
			set_string(p, &s->session, value);
	} else if (strcmp(name, "mode") == 0) {
		if (strcmp(value, "kiosk") == 0)
			s->mode = POLICY_MODE_KIOSK;
		else if (strcmp(value, "desktop") == 0)
			s->mode = POLICY_MODE_DESKTOP;
		else
			error(p, "mode = %s: expected kiosk or desktop", value);
	} else if (strcmp(name, "keyboard-layout") == 0 || strcmp(name, "keyboard-variant") == 0 ||
		   strcmp(name, "keyboard-options") == 0) {
		char **field = name[9] == 'l'	? &s->keyboard_layout
			       : name[9] == 'v' ? &s->keyboard_variant
						: &s->keyboard_options;
		if (!is_word(value))
			error(p,
			      "%s = %s: expected xkb names without spaces (e.g. us, de,fr or "
			      "grp:alt_shift_toggle)",
			      name, value);
		else
			set_string(p, field, value);
	} else if (policy_cap_find(name) >= 0) {
		const char *why;
		if (policy_caps_parse(&s->caps, policy_cap_find(name), value, &why) < 0)
			error(p, "%s = %s: %s", name, value, why);
	} else {
		return false;
	}
	return true;
}

/* ---- [daemon] ---- */

static void daemon_setting(struct parser *p, const char *name, const char *value)
{
	struct policy_config *c = p->config;
	const char *why;
	if (strcmp(name, "autoseat") == 0) {
		if (policy_parse_bool(value, &c->autoseat, &why) < 0)
			error(p, "autoseat = %s: %s", value, why);
	} else if (strcmp(name, "state-dir") == 0 || strcmp(name, "cgroup-root") == 0) {
		if (value[0] != '/' || !is_word(value))
			error(p, "%s = %s: expected an absolute path without spaces", name, value);
		else
			set_string(p, name[0] == 's' ? &c->state_dir : &c->cgroup_root, value);
	} else if (strcmp(name, "log-level") == 0) {
		if (log_level_parse(value, &c->log_level) < 0)
			error(p, "log-level = %s: expected silent, error, info or debug", value);
	} else if (strcmp(name, "allow-multiple-logins") == 0) {
		if (policy_parse_bool(value, &c->allow_multiple_logins, &why) < 0)
			error(p, "allow-multiple-logins = %s: %s", value, why);
	} else if (strcmp(name, "user-session") == 0) {
		if (policy_parse_bool(value, &c->user_session, &why) < 0)
			error(p, "user-session = %s: %s", value, why);
	} else if (strcmp(name, "login-timeout") == 0) {
		int64_t seconds;
		if (policy_parse_integer(value, 1, POLICY_LOGIN_TIMEOUT_MAX, false, &seconds,
					 &why) < 0)
			error(p, "login-timeout = %s: expected seconds, 1 to %d", value,
			      POLICY_LOGIN_TIMEOUT_MAX);
		else
			c->login_timeout_s = (int)seconds;
	} else if (strcmp(name, "vt") == 0) {
		int64_t number;
		if (strcmp(value, "none") == 0)
			c->vt = 0;
		else if (policy_parse_integer(value, 1, POLICY_VT_MAX, false, &number, &why) < 0)
			error(p, "vt = %s: expected a console number, 1 to %d, or none", value,
			      POLICY_VT_MAX);
		else
			c->vt = (int)number;
	} else if (strcmp(name, "sysrq") == 0) {
		if (policy_parse_bool(value, &c->sysrq, &why) < 0)
			error(p, "sysrq = %s: %s", value, why);
	} else if (strcmp(name, "caps") == 0) {
		if (strcmp(value, "required") == 0)
			c->caps_optional = false;
		else if (strcmp(value, "optional") == 0)
			c->caps_optional = true;
		else
			error(p, "caps = %s: expected required or optional", value);
	} else {
		error(p,
		      "unknown key '%s' in [daemon] (known: autoseat, state-dir, cgroup-root, "
		      "log-level, caps, allow-multiple-logins, user-session, login-timeout, vt, "
		      "sysrq)",
		      name);
	}
}

/* ---- [seat.NAME] lists ---- */

static void add_output(struct parser *p, struct policy_seat *seat, const char *key)
{
	if (!is_word(key)) {
		error(p, "outputs: '%s' is not a card ID_PATH or <card ID_PATH>-<connector>", key);
		return;
	}
	struct policy_output *outputs =
		realloc(seat->outputs, (seat->output_count + 1) * sizeof(*outputs));
	char *copy = strdup(key);
	if (outputs)
		seat->outputs = outputs;
	if (!outputs || !copy) {
		free(copy);
		error(p, "out of memory");
		return;
	}
	seat->outputs[seat->output_count++] = (struct policy_output){.key = copy, .line = p->line};
}

static void add_device(struct parser *p, struct policy_seat *seat, const char *entry)
{
	struct policy_rule rule = {.match = POLICY_MATCH_PATH, .line = p->line};
	const char *key = entry;
	if (strncmp(entry, "hub:", 4) == 0) {
		rule.match = POLICY_MATCH_HUB;
		key = entry + 4;
	} else if (strncmp(entry, "path:", 5) == 0) {
		key = entry + 5;
	} else if (strncmp(entry, "udev:", 5) == 0) {
		rule.match = POLICY_MATCH_PROPERTY;
		key = entry + 5;
	}
	const char *equals = rule.match == POLICY_MATCH_PROPERTY ? strchr(key, '=') : NULL;
	if (!is_word(key) || (rule.match == POLICY_MATCH_PROPERTY &&
			      (!equals || equals == key || equals[1] == '\0'))) {
		error(p, "devices: '%s' is not path:ID_PATH, hub:ID_PATH or udev:PROPERTY=VALUE",
		      entry);
		return;
	}
	rule.key = equals ? strndup(key, (size_t)(equals - key)) : strdup(key);
	rule.value = equals ? strdup(equals + 1) : NULL;
	struct policy_rule *devices =
		realloc(seat->devices, (seat->device_count + 1) * sizeof(*devices));
	if (devices)
		seat->devices = devices;
	if (!devices || !rule.key || (equals && !rule.value)) {
		free(rule.key);
		free(rule.value);
		error(p, "out of memory");
		return;
	}
	seat->devices[seat->device_count++] = rule;
}

/* Entries are separated by commas or spaces; a list may continue on indented lines. */
static void add_list(struct parser *p, struct policy_seat *seat, const char *name,
		     const char *value)
{
	char *copy = strdup(value);
	if (!copy) {
		error(p, "out of memory");
		return;
	}
	bool any = false;
	char *save = NULL;
	for (char *item = strtok_r(copy, ", \t", &save); item;
	     item = strtok_r(NULL, ", \t", &save)) {
		any = true;
		if (name[0] == 'o')
			add_output(p, seat, item);
		else
			add_device(p, seat, item);
	}
	free(copy);
	if (!any)
		error(p, "%s = : expected at least one entry", name);
}

/* ---- sections ---- */

static void begin_section(struct parser *p, const char *name)
{
	struct policy_config *c = p->config;
	p->in_section = true;
	p->section_ok = false;
	p->seat = NULL;
	p->in_defaults = false;
	p->seen_count = 0;
	if (strcmp(name, "daemon") == 0) {
		if (p->daemon_seen) {
			error(p, "[daemon] appears twice (first on line %d)", p->daemon_line);
			return;
		}
		p->daemon_seen = true;
		p->daemon_line = p->line;
	} else if (strcmp(name, "seat-defaults") == 0) {
		if (p->defaults_line) {
			error(p, "[seat-defaults] appears twice (first on line %d)",
			      p->defaults_line);
			return;
		}
		p->defaults_line = p->line;
		p->in_defaults = true;
	} else if (strncmp(name, "seat.", 5) == 0) {
		const char *seat_name = name + 5;
		if (!policy_seat_name_valid(seat_name)) {
			error(p,
			      "[%s]: a seat name is 1 to 32 of a-z, 0-9, '-' and '_', starting "
			      "with a letter or digit",
			      name);
			return;
		}
		const struct policy_seat *other = policy_config_find_seat(c, seat_name);
		if (other) {
			error(p, "[%s] appears twice (first on line %d)", name, other->line);
			return;
		}
		struct policy_seat *seats = realloc(c->seats, (c->seat_count + 1) * sizeof(*seats));
		if (!seats) {
			error(p, "out of memory");
			return;
		}
		c->seats = seats;
		struct policy_seat *seat = &c->seats[c->seat_count];
		*seat = (struct policy_seat){.name = strdup(seat_name), .line = p->line};
		settings_init(&seat->settings);
		if (!seat->name) {
			error(p, "out of memory");
			return;
		}
		c->seat_count++;
		p->seat = seat;
	} else {
		error(p, "unknown section [%s] (known: [daemon], [seat-defaults], [seat.NAME])",
		      name);
		return;
	}
	p->section_ok = true;
}

static bool is_list_key(const char *name)
{
	return strcmp(name, "outputs") == 0 || strcmp(name, "devices") == 0;
}

/* A key set twice in one section is a mistake, unless it is a list. */
static bool first_time(struct parser *p, const char *name)
{
	if (is_list_key(name))
		return true;
	for (int i = 0; i < p->seen_count; i++) {
		if (strcmp(p->seen[i].name, name) == 0) {
			error(p, "'%s' is set twice in this section (first on line %d)", name,
			      p->seen[i].line);
			return false;
		}
	}
	if (p->seen_count < SEEN_MAX && strlen(name) < sizeof(p->seen[0].name)) {
		snprintf(p->seen[p->seen_count].name, sizeof(p->seen[0].name), "%s", name);
		p->seen[p->seen_count++].line = p->line;
	}
	return true;
}

static int handle_key(void *data, const char *section, const char *name, const char *value)
{
	struct parser *p = data;
	(void)section; /* the reader tracks sections itself, with their lines */
	if (!p->in_section) {
		error(p,
		      "'%s' is outside any section (start with [daemon], [seat-defaults] or "
		      "[seat.NAME])",
		      name);
		return 1;
	}
	if (!p->section_ok)
		return 1; /* the header was reported */
	if (p->continuation && !is_list_key(name)) {
		error(p,
		      "indented line: only outputs and devices continue on further lines "
		      "('%s' takes one value)",
		      name);
		return 1;
	}
	if (!p->continuation && !first_time(p, name))
		return 1;
	if (p->seat) {
		if (is_list_key(name))
			add_list(p, p->seat, name, value);
		else if (!seat_setting(p, &p->seat->settings, name, value))
			error(p,
			      "unknown key '%s' in [seat.%s] (known: outputs, devices, user, "
			      "session, mode, keyboard-layout, keyboard-variant, "
			      "keyboard-options and the caps " POLICY_CAP_NAMES ")",
			      name, p->seat->name);
	} else if (p->in_defaults) {
		if (!seat_setting(p, &p->config->defaults, name, value))
			error(p,
			      "unknown key '%s' in [seat-defaults] (known: user, session, mode, "
			      "keyboard-layout, keyboard-variant, keyboard-options and the "
			      "caps " POLICY_CAP_NAMES ")",
			      name);
	} else {
		daemon_setting(p, name, value);
	}
	return 1; /* keep going: every error is reported, not just the first */
}

/*
 * inih's line reader. Seeing each raw line first gives us its number, the section headers
 * (inih would merge repeated ones silently) and the lines inih would reject, which we report
 * ourselves and hand on as blank lines.
 */
static char *read_line(char *buffer, int size, void *data)
{
	struct parser *p = data;
	/* By hand, not fgets: a NUL byte would end the line there without a word. */
	int used = 0, c = EOF;
	bool nul = false, too_long = false;
	while ((c = getc(p->file)) != EOF) {
		if (c == '\0')
			nul = true;
		else if (used < size - 1)
			buffer[used++] = (char)c;
		else
			too_long = true;
		if (c == '\n')
			break;
	}
	if (c == EOF && used == 0 && !nul)
		return NULL;
	buffer[used] = '\0';
	p->line++;
	if (nul || too_long) {
		if (nul)
			error(p, "a NUL byte in this line (multiseat.conf is a text file)");
		else
			error(p, "line longer than %d characters", size - 2);
		p->key_line = false;
		buffer[0] = '\n';
		buffer[1] = '\0';
		return buffer;
	}
	char *start = buffer;
	while (*start == ' ' || *start == '\t')
		start++;
	char *end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	bool blank = start == end || *start == '#' || *start == ';';
	p->continuation = false;
	if (blank)
		return buffer; /* a blank line does not end a list: inih continues after it too */
	if (start > buffer && p->key_line) {
		p->continuation = true;
		return buffer;
	}
	p->key_line = false;
	if (*start == '[') {
		char *close = memchr(start, ']', (size_t)(end - start));
		if (!close || close + 1 != end) {
			error(p, "expected a section header such as [seat.NAME]");
			/* Its keys belong to no section we know: skip them, not the section before.
			 */
			p->in_section = true;
			p->section_ok = false;
			p->seat = NULL;
			p->in_defaults = false;
		} else {
			*close = '\0';
			begin_section(p, start + 1);
			*close = ']';
			return buffer;
		}
	} else if (start > buffer) {
		error(p, "an indented line continues a list (outputs, devices), but no key came "
			 "before it");
	} else if (!memchr(start, '=', (size_t)(end - start)) || *start == '=') {
		error(p, "expected KEY = VALUE");
	} else {
		p->key_line = true;
		return buffer;
	}
	buffer[0] = '\n';
	buffer[1] = '\0';
	return buffer;
}

/* Across seats: no output and no device rule may belong to two of them. */
static void check_conflicts(struct parser *p)
{
	struct policy_config *c = p->config;
	for (size_t a = 0; a < c->seat_count; a++) {
		struct policy_seat *sa = &c->seats[a];
		if (sa->output_count == 0) {
			policy_errors_add(p->errors, p->path, sa->line,
					  "[seat.%s] has no outputs (a seat needs outputs = a card "
					  "or <card ID_PATH>-<connector>)",
					  sa->name);
		}
		for (size_t b = a; b < c->seat_count; b++) {
			struct policy_seat *sb = &c->seats[b];
			for (size_t i = 0; i < sa->output_count; i++) {
				for (size_t j = a == b ? i + 1 : 0; j < sb->output_count; j++) {
					if (strcmp(sa->outputs[i].key, sb->outputs[j].key) != 0)
						continue;
					policy_errors_add(
						p->errors, p->path, sb->outputs[j].line,
						"output %s is also in [seat.%s] on line %d",
						sb->outputs[j].key, sa->name, sa->outputs[i].line);
				}
			}
			for (size_t i = 0; i < sa->device_count; i++) {
				for (size_t j = a == b ? i + 1 : 0; j < sb->device_count; j++) {
					struct policy_rule *ra = &sa->devices[i],
							   *rb = &sb->devices[j];
					if (ra->match != rb->match ||
					    strcmp(ra->key, rb->key) != 0 ||
					    (ra->value && strcmp(ra->value, rb->value) != 0))
						continue;
					policy_errors_add(
						p->errors, p->path, rb->line,
						"device %s%s%s is also in [seat.%s] on line "
						"%d",
						rb->key, rb->value ? "=" : "",
						rb->value ? rb->value : "", sa->name, ra->line);
				}
			}
		}
	}
}

/* logind knows a seat by policy_udev_seat_name: [seat.2] and [seat.seat-2] are one to it. */
static void check_logind_names(struct parser *p)
{
	struct policy_config *c = p->config;
	for (size_t a = 0; a < c->seat_count; a++) {
		char *name_a = policy_udev_seat_name(c->seats[a].name);
		for (size_t b = a + 1; name_a && b < c->seat_count; b++) {
			char *name_b = policy_udev_seat_name(c->seats[b].name);
			if (name_b && strcmp(name_a, name_b) == 0)
				policy_errors_add(p->errors, p->path, c->seats[b].line,
						  "[seat.%s] and [seat.%s] on line %d are both "
						  "logind's %s: rename one",
						  c->seats[b].name, c->seats[a].name,
						  c->seats[a].line, name_a);
			free(name_b);
		}
		free(name_a);
	}
}

/*
 * A user template must give a user name for the seats it is for: each [seat.NAME] with the
 * lowest number it can have (its place in the file), and the first autoseat, seat-1.
 */
static void check_users(struct parser *p)
{
	struct policy_config *c = p->config;
	for (size_t i = 0; i <= c->seat_count; i++) {
		bool autoseat = i == c->seat_count;
		if (autoseat && !c->autoseat)
			break;
		struct policy_effective_settings settings;
		int ret =
			policy_effective_settings_init(&settings, c, autoseat ? NULL : &c->seats[i],
						       NULL, autoseat ? "seat-1" : c->seats[i].name,
						       autoseat ? 1 : (int)i + 1, p->errors);
		if (ret == 0)
			policy_effective_settings_finish(&settings);
		else if (ret == -ENOMEM)
			policy_errors_add(p->errors, p->path, 0, "out of memory");
	}
}

int policy_config_load(struct policy_config *config, const char *path, struct policy_errors *errors)
{
	int ret = policy_config_init_defaults(config, path);
	if (ret < 0) {
		policy_errors_add(errors, path, 0, "out of memory");
		return ret;
	}
	struct parser p = {.path = path, .config = config, .errors = errors};
	p.file = fopen(path, "re");
	if (!p.file) {
		ret = -errno;
		policy_errors_add(errors, path, 0, "cannot read: %s", strerror(errno));
		policy_config_finish(config);
		return ret;
	}
	size_t before = errors->count + errors->dropped;
	ret = ini_parse_stream(read_line, &p, handle_key, &p);
	bool read_error = ferror(p.file);
	fclose(p.file);
	if (read_error)
		policy_errors_add(errors, path, 0, "read error");
	else if (ret > 0 && errors->count + errors->dropped == before)
		policy_errors_add(errors, path, ret, "this line is not valid INI");
	check_conflicts(&p);
	check_logind_names(&p);
	if (errors->count + errors->dropped == before)
		check_users(&p);
	if (errors->count + errors->dropped != before) {
		policy_config_finish(config);
		return read_error ? -EIO : -EINVAL;
	}
	return 0;
}
