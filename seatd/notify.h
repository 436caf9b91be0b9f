/* Tells systemd (Type=notify) that multiseatd is ready, reloading or stopping. */
#ifndef MULTISEAT_SEATD_NOTIFY_H
#define MULTISEAT_SEATD_NOTIFY_H

/*
 * Each is a no-op outside a service manager (no NOTIFY_SOCKET). A message that cannot be sent
 * is logged; the daemon runs on regardless.
 */

/* Every seat present at start-up has been placed (or after a reload: applied). */
void notify_ready(int seat_count);
/* A reload begins; notify_ready() ends it. */
void notify_reloading(void);
/* The daemon has begun to stop its seats. */
void notify_stopping(void);

#endif
