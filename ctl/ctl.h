/* What multiseatctl's parts share: the command line as parsed, and how an error is said. */
#ifndef MULTISEAT_CTL_CTL_H
#define MULTISEAT_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "control_message.h"

struct options {
	bool json;
	const char *socket;
	const struct control_command *command;
	const char *const *args;
	size_t arg_count;
};

/* "multiseatctl: " and the message on stderr, one line. */
void ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
