/* Parsing the values of multiseat.conf: booleans, sizes, limits, CPU shares and lists. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "policy.h"

void policy_errors_add(struct policy_errors *errors, const char *file, int line, const char *fmt,
		       ...)
{
	if (!errors)
		return;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	char *text = NULL;
	if ((line > 0 ? asprintf(&text, "%s:%d: %s", file, line, message)
		      : asprintf(&text, "%s: %s", file, message)) < 0)
		text = NULL;
	/* One line each, for the journal, terminals and the screens: a control character
	 * quoted from the file (an escape sequence, a carriage return) is shown as '?'. */
	for (char *c = text; c && *c; c++) {
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			*c = '?';
	}
	char **lines = realloc(errors->lines, (errors->count + 1) * sizeof(*lines));
	if (!lines) {
		free(text);
		errors->dropped++;
		return;
	}
	errors->lines = lines;
	errors->lines[errors->count++] = text; /* NULL: no memory for the words */
}

const char *policy_excerpt(const char *text, size_t length, char *buffer, size_t size)
{
	size_t used = 0, i = 0;
	for (; i < length && used + 4 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		buffer[used++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	if (i < length)
		used += (size_t)snprintf(buffer + used, size - used, "...");
	buffer[used] = '\0';
	return buffer;
}

void policy_errors_finish(struct policy_errors *errors)
{
	for (size_t i = 0; i < errors->count; i++)
		free(errors->lines[i]);
	free(errors->lines);
	errors->lines = NULL;
	errors->count = errors->dropped = 0;
}

int policy_parse_bool(const char *text, bool *value, const char **why)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*value = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*value = false;
			return 0;
		}
	}
	*why = "expected true or false";
	return -EINVAL;
}

/* A non-negative decimal number with nothing else around it; `rest` gets what follows. */
static int parse_number(const char *text, int64_t *value, const char **rest)
{
	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	char *end;
	unsigned long long n = strtoull(text, &end, 10);
	if (errno == ERANGE || n > INT64_MAX)
		return -ERANGE;
	*value = (int64_t)n;
	*rest = end;
	return 0;
}

int policy_parse_integer(const char *text, int64_t min, int64_t max, bool allow_max, int64_t *value,
			 const char **why)
{
	if (allow_max && strcmp(text, "max") == 0) {
		*value = POLICY_MAX;
		return 0;
	}
	int64_t n;
	const char *rest;
	int ret = parse_number(text, &n, &rest);
	if (ret == 0 && *rest != '\0')
		ret = -EINVAL;
	if (ret < 0 || n < min || n > max) {
		*why = allow_max ? "expected a whole number in range, or max"
				 : "expected a whole number in range";
		return -EINVAL;
	}
	*value = n;
	return 0;
}

int policy_parse_bytes(const char *text, int64_t *value, const char **why)
{
	if (strcmp(text, "max") == 0) {
		*value = POLICY_MAX;
		return 0;
	}
	int64_t n;
	const char *rest;
	*why = "expected a size such as 512M, 2G or 1073741824 (K, M, G, T: powers of 1024), "
	       "or max";
	if (parse_number(text, &n, &rest) < 0)
		return -EINVAL;
	int shift = 0;
	switch (*rest) {
	case '\0':
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'T':
	case 't':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (shift && rest[1] != '\0')
		return -EINVAL;
	if (n > (INT64_MAX >> shift)) {
		*why = "too large";
		return -EINVAL;
	}
	*value = n << shift;
	return 0;
}

int policy_parse_cpu_share(const char *text, unsigned cpus, int64_t *value, const char **why)
{
	if (strcmp(text, "max") == 0) {
		*value = POLICY_MAX;
		return 0;
	}
	int64_t n;
	const char *rest;
	*why = "expected a share of one CPU such as 50% or 150%, or of the whole machine such as "
	       "25% of machine (at most 100000% of one CPU), or max";
	if (parse_number(text, &n, &rest) < 0 || rest[0] != '%' || n < 1 || n > 100000)
		return -EINVAL;
	if (strcmp(rest, "%") == 0) {
		*value = n;
		return 0;
	}
	/* A share of the machine becomes one of a CPU here, with the CPUs of this host. */
	if (strcmp(rest, "% of machine") != 0 || cpus < 1 || n * (int64_t)cpus > 100000)
		return -EINVAL;
	*value = n * (int64_t)cpus;
	return 0;
}

int policy_parse_cpu_percent(const char *text, int64_t *value, const char **why)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	return policy_parse_cpu_share(text, online > 0 ? (unsigned)online : 1, value, why);
}

int policy_parse_cpuset(const char *text, const char **why)
{
	if (strcmp(text, "auto") == 0)
		return 0;
	*why = "expected auto, or CPU numbers and ranges separated by commas (0-3,6)";
	const char *p = text;
	for (;;) {
		int64_t first, last;
		const char *rest;
		if (parse_number(p, &first, &rest) < 0 || first > 4095)
			return -EINVAL;
		last = first;
		p = rest;
		if (*p == '-') {
			if (parse_number(p + 1, &last, &rest) < 0 || last > 4095 || last < first)
				return -EINVAL;
			p = rest;
		}
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
}

bool policy_seat_name_valid(const char *name)
{
	size_t length = strlen(name);
	if (length == 0 || length > 32 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = name[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}
