/* sd_notify for multiseatd: READY, RELOADING and STOPPING, or nothing without libsystemd. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"

#if HAVE_SD_NOTIFY
#include <systemd/sd-daemon.h>
#endif

static void send_state(const char *state)
{
#if HAVE_SD_NOTIFY
	/* 0: not under a service manager; < 0: its socket refused the message. */
	int ret = sd_notify(0, state);
	if (ret < 0)
		log_error("the service manager cannot be told %.*s: %s", (int)strcspn(state, "\n"),
			  state, strerror(-ret));
#else
	/* The unit built without libsystemd is Type=simple: only an edited unit gets here. */
	if (getenv("NOTIFY_SOCKET"))
		log_error("NOTIFY_SOCKET is set, but multiseatd was built without libsystemd: the "
			  "service manager is never told that the seats are up (use Type=simple)");
	(void)state;
#endif
}

void notify_ready(int seat_count)
{
	char state[96];
	snprintf(state, sizeof(state), "READY=1\nSTATUS=%d seat%s", seat_count,
		 seat_count == 1 ? "" : "s");
	send_state(state);
}

void notify_reloading(void)
{
	/* systemd 253 and later want the time the reload began (Type=notify-reload). */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	char state[96];
	snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
			 (unsigned long long)ts.tv_nsec / 1000);
	send_state(state);
}

void notify_stopping(void)
{
	send_state("STOPPING=1");
}
