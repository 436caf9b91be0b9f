/* Without journald: what a seat's child prints, line by line onto the daemon's stderr, tagged. */
#ifndef MULTISEAT_SEATD_CHILD_OUTPUT_H
#define MULTISEAT_SEATD_CHILD_OUTPUT_H

struct wl_event_loop;
struct child_outputs;

/* The pipes of the daemon's children, read on `loop`. NULL when out of memory. */
struct child_outputs *child_outputs_create(struct wl_event_loop *loop);
/*
 * Reads what the pipes still hold (their writers have exited), writes it out and frees
 * them; before the loop is destroyed. NULL is a no-op.
 */
void child_outputs_destroy(struct child_outputs *set);

/*
 * A pipe whose write end the caller hands to a child as its stdout and stderr (and closes
 * after the fork). Each line that comes through it goes to the daemon's stderr as
 * "TAG: line", in one write, so that lines of different children stay whole; a line longer
 * than 1 KiB is cut into lines. The pipe is read until every writer has closed it (the
 * child and what it started). The write end, close-on-exec, or a negative errno.
 */
int child_outputs_open(struct child_outputs *set, const char *tag);

#endif
