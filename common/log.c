/* Logging to stderr with a level filter; the process-wide state is the level and the format. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum log_level current_level = LOG_LEVEL_INFO;
static const char *current_program = "multiseat";
/* stderr is a journal stream: each line starts with its syslog priority instead. */
static bool to_journal;

static const char *const level_names[] = {
	[LOG_LEVEL_SILENT] = "silent",
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/* The sd-daemon(3) prefixes journald reads from a stream: LOG_ERR, LOG_INFO, LOG_DEBUG. */
static const char *const journal_prefixes[] = {
	[LOG_LEVEL_SILENT] = "",
	[LOG_LEVEL_ERROR] = "<3>",
	[LOG_LEVEL_INFO] = "<6>",
	[LOG_LEVEL_DEBUG] = "<7>",
};

bool log_fd_is_journal(int fd, const char *journal_stream)
{
	unsigned long long dev, ino;
	char end;
	struct stat st;
	if (!journal_stream || sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	return fstat(fd, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(enum log_level level, const char *program)
{
	current_level = level;
	if (program != NULL) {
		current_program = program;
	}
	/* systemd (or multiseatd for its children) names the stream stderr is in
	   JOURNAL_STREAM; an stderr redirected since is not that stream. */
	to_journal = log_fd_is_journal(STDERR_FILENO, getenv("JOURNAL_STREAM"));
}

enum log_level log_get_level(void)
{
	return current_level;
}

bool log_to_journal(void)
{
	return to_journal;
}

int log_level_parse(const char *name, enum log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_vmessage(enum log_level level, const char *file, int line, const char *fmt, va_list ap)
{
	if (level > current_level || level == LOG_LEVEL_SILENT) {
		return;
	}
	/* One buffered write per message keeps lines from several processes unmixed. */
	char buf[2048];
	int n;
	if (to_journal) {
		/* The journal has the program (its identifier) and the level (the priority). */
		n = snprintf(buf, sizeof(buf), "%s[%s:%d] ", journal_prefixes[level], file, line);
	} else {
		n = snprintf(buf, sizeof(buf), "%s: %s: [%s:%d] ", current_program,
			     level_names[level], file, line);
	}
	if (n < 0) {
		return;
	}
	if ((size_t)n < sizeof(buf)) {
		int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
		if (m > 0) {
			n += m;
		}
	}
	if ((size_t)n >= sizeof(buf) - 1) {
		n = (int)sizeof(buf) - 2;
	}
	buf[n++] = '\n';
	fwrite(buf, 1, (size_t)n, stderr);
}

void log_message(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmessage(level, file, line, fmt, ap);
	va_end(ap);
}

void format_error(char *buf, size_t size, const char *fmt, ...)
{
	if (!buf || size == 0)
		return;
	va_list args;
	va_start(args, fmt);
	vsnprintf(buf, size, fmt, args);
	va_end(args);
}
