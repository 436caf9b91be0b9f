/* What multiseatctl prints for a reply. */
#ifndef MULTISEAT_CTL_PRINT_H
#define MULTISEAT_CTL_PRINT_H

#include <json-c/json.h>
#include <stdio.h>

#include "ctl.h"

/* The reply to opts->command as text (or JSON with --json); 0, -ENOMEM, or -1 said. */
int ctl_print_result(FILE *out, const struct options *opts, struct json_object *result);

#endif
