/* `multiseatd --probe`: prints the seat hardware found, as a table or as JSON. */
#ifndef MULTISEAT_SEATD_PROBE_H
#define MULTISEAT_SEATD_PROBE_H

#include <stdbool.h>
#include <stdio.h>

#include "devices.h"

void probe_print_table(FILE *out, const struct devices *devices);
/* Returns 0, or -ENOMEM when the JSON document could not be built. */
int probe_print_json(FILE *out, const struct devices *devices);

#endif
