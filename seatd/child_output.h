/* Without journald: what a seat's child prints, line by line onto the daemon's stderr, tagged. */
#ifndef MULTISEAT_SEATD_CHILD_OUTPUT_H
#define MULTISEAT_SEATD_CHILD_OUTPUT_H

struct wl_event_loop;

/* Pipes are read on `loop` from now on; without it child_output_open refuses. */
void child_output_init(struct wl_event_loop *loop);
/*
 * Reads what the pipes still hold (their writers have exited), writes it out and frees
 * them; before the loop is destroyed.
 */
void child_output_finish(void);

/*
 * A pipe whose write end the caller hands to a child as its stdout and stderr (and closes
 * after the fork). Each line that comes through it goes to the daemon's stderr as
 * "TAG: line", in one write, so that lines of different children stay whole; a line longer
 * than 1 KiB is cut into lines. The pipe is read until every writer has closed it (the
 * child and what it started). The write end, close-on-exec, or a negative errno.
 */
int child_output_open(const char *tag);

#endif
