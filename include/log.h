/* Logging for every multiseat program: level filter, file:line prefix, printf-checked. */
#ifndef MULTISEAT_LOG_H
#define MULTISEAT_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_SILENT = 0,
	LOG_LEVEL_ERROR = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/*
 * Messages above `level` are dropped; `program` prefixes every line. When stderr is the
 * journal stream JOURNAL_STREAM names, a line starts with its sd-daemon(3) priority ("<3>"
 * error, "<6>" info, "<7>" debug) instead of the program and level.
 */
void log_init(enum log_level level, const char *program);
enum log_level log_get_level(void);
/* Whether log_init found stderr to be a journal stream. */
bool log_to_journal(void);
/* Whether `fd` is the stream `journal_stream` ("DEV:INODE", NULL: none) names. */
bool log_fd_is_journal(int fd, const char *journal_stream);

/* Parses "silent", "error", "info" or "debug"; returns -EINVAL otherwise. */
int log_level_parse(const char *name, enum log_level *level);

void log_message(enum log_level level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void log_vmessage(enum log_level level, const char *file, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#define log_error(...) log_message(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

/*
 * For functions that hand their caller one line on failure: formats into `buf` (nothing when
 * it is NULL or `size` is 0), truncating.
 */
void format_error(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
