/* Exponential restart backoff, reset after a healthy run. */
#include "backoff.h"

int backoff_delay_ms(int attempt)
{
	if (attempt < 1)
		attempt = 1;
	int delay = BACKOFF_FIRST_MS;
	for (int i = 1; i < attempt && delay < BACKOFF_CAP_MS; i++)
		delay *= 2;
	return delay > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : delay;
}

int backoff_next_attempt(int attempt, uint64_t ran_ms)
{
	if (ran_ms >= BACKOFF_HEALTHY_MS || attempt < 0)
		return 1;
	return attempt < 1000 ? attempt + 1 : attempt;
}
