/* Unit tests' checks of a struct policy_errors: which lines it holds. */
#ifndef MULTISEAT_TESTS_ERRORS_ASSERT_H
#define MULTISEAT_TESTS_ERRORS_ASSERT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

static inline void print_errors(const struct policy_errors *errors)
{
	for (size_t i = 0; i < errors->count; i++)
		print_message("  %s\n", errors->lines[i] ? errors->lines[i] : "(no memory)");
}

/* Some error line contains every one of the NULL-terminated fragments. */
static inline void assert_error_has(const struct policy_errors *errors, ...)
{
	for (size_t i = 0; i < errors->count; i++) {
		const char *line = errors->lines[i];
		bool all = line != NULL;
		va_list ap;
		va_start(ap, errors);
		for (const char *part; all && (part = va_arg(ap, const char *));)
			all = strstr(line, part) != NULL;
		va_end(ap);
		if (all)
			return;
	}
	print_errors(errors);
	fail_msg("no error line has the expected words");
}

#endif
