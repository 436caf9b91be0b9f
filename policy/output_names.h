/* Internal to the policy library: output keys, and the kernel's names older versions keyed by. */
#ifndef MULTISEAT_POLICY_OUTPUT_NAMES_H
#define MULTISEAT_POLICY_OUTPUT_NAMES_H

#include <stddef.h>

#include "policy.h"

/* "<card>-<connector>", the key of an output in multiseat.conf and state.json; NULL + errno. */
char *policy_output_key(const char *card, const char *connector);

/*
 * For each of the hardware's outputs, the key an older version gave it ("<card>-<kernel
 * name>"), or NULL where that is its key anyway or is the key of another connector of the
 * card: a name that is valid the new way always means what it says the new way. *keys has
 * hardware->output_count entries; free it with policy_output_legacy_keys_free. 0 or -ENOMEM.
 */
int policy_output_legacy_keys(const struct policy_hardware *hardware, char ***keys);
void policy_output_legacy_keys_free(char **keys, size_t count);

/*
 * Notes on the config's `outputs =` entries (into `notes`, "FILE:LINE: ..."): those that
 * match an output only by its legacy key, with the key to write, those that name no
 * connector of a card that is present, and those on no card that is present. `keys` and `legacy` as in the assignment.
 */
void policy_output_notes(const struct policy_config *config, const struct policy_hardware *hardware,
			 char *const *keys, char *const *legacy, struct policy_errors *notes);

/* Moves every OUTPUTS entry to LEGACY_OUTPUTS (a file from before per-card names). */
int policy_saved_outputs_to_legacy(struct policy_saved *saved);

#endif
