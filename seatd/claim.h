/* Press F<n>: the daemon reads unassigned keyboards and gives a keyboard's hub to seat n. */
#ifndef MULTISEAT_SEATD_CLAIM_H
#define MULTISEAT_SEATD_CLAIM_H

#include <stdbool.h>

struct daemon;
struct hw_input;

/*
 * Watches every keyboard on no seat (without grabbing it) and stops watching the others.
 * Called after each reconcile (hw_input_unwatch stops one).
 */
void claim_watch_update(struct daemon *daemon);

/*
 * Gives `input`'s group (its hub, or its USB device on a root port) to the seat numbered
 * `number`, saving the choice, when that seat exists and has no keyboard. Returns 0, or a
 * negative errno with the reason logged (-ENOENT: no such seat; -EBUSY: it is claimed).
 */
int claim_seat(struct daemon *daemon, struct hw_input *input, int number);

/*
 * Alt+SysRq+`command` on a keyboard the daemon holds, read by its watch or by seat `from`'s
 * compositor: with [daemon] sysrq = true, runs it where kernel.sysrq allows it from a keyboard;
 * logs what came of it either way.
 */
void claim_run_sysrq(struct daemon *daemon, char command, const char *from);

/* `multiseatctl identify`: every seat shows its name for `ms` milliseconds. */
void claim_identify_all(struct daemon *daemon, int ms);

#endif
