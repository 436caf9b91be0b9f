/* One seat as multiseatctl shows it. */
#ifndef MULTISEAT_CTL_SEAT_TEXT_H
#define MULTISEAT_CTL_SEAT_TEXT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

/* The figures of a seat's "usage"; each "-" when the seat has no cgroup. */
struct usage_text {
	char cpu[32], memory[64], pids[64], throttled[32], oom[32];
};
void ctl_format_usage(struct json_object *seat, struct usage_text *u);

/* The seat's block of `status` and `seat NAME` (with its usage); 0 or -ENOMEM. */
int ctl_print_seat(FILE *out, struct json_object *seat, bool with_usage);

#endif
