/* How long to wait before restarting something that keeps exiting (a session, a compositor). */
#ifndef MULTISEAT_BACKOFF_H
#define MULTISEAT_BACKOFF_H

#include <stdint.h>

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_CAP_MS 30000
/* A session that ran this long before exiting was healthy: the next restart waits 1 s again. */
#define BACKOFF_HEALTHY_MS 60000

/* Delay before restart number `attempt` (1-based): 1 s, 2 s, 4 s ... capped at 30 s. */
int backoff_delay_ms(int attempt);

/* The attempt number after a session exit, given how long the session ran. */
int backoff_next_attempt(int attempt, uint64_t ran_ms);

#endif
