/* Key repeat timing: a delay, then `rate` repeats per second, without drift. */
#include "repeat.h"

#define KEY_REPEAT_MAX_RATE 1000

void key_repeat_init(struct key_repeat *repeat, int rate, int delay)
{
	*repeat = (struct key_repeat){
		.rate = rate > 0 ? (rate < KEY_REPEAT_MAX_RATE ? rate : KEY_REPEAT_MAX_RATE) : 0,
		.delay = delay > 0 ? delay : 1,
	};
}

void key_repeat_press(struct key_repeat *repeat, uint32_t key, uint64_t now_ms)
{
	if (repeat->rate == 0) {
		repeat->active = false;
		return;
	}
	repeat->key = key;
	repeat->active = true;
	repeat->next_us = (now_ms + (uint64_t)repeat->delay) * 1000u;
}

void key_repeat_release(struct key_repeat *repeat, uint32_t key)
{
	if (repeat->active && repeat->key == key)
		repeat->active = false;
}

int64_t key_repeat_timeout(const struct key_repeat *repeat, uint64_t now_ms)
{
	if (!repeat->active)
		return -1;
	uint64_t now_us = now_ms * 1000u;
	return repeat->next_us > now_us ? (int64_t)((repeat->next_us - now_us + 999u) / 1000u) : 0;
}

int key_repeat_fire(struct key_repeat *repeat, uint64_t now_ms)
{
	uint64_t now_us = now_ms * 1000u;
	if (!repeat->active || now_us < repeat->next_us)
		return 0;
	uint64_t interval_us = 1000000u / (uint64_t)repeat->rate;
	uint64_t count = (now_us - repeat->next_us) / interval_us + 1;
	repeat->next_us += count * interval_us;
	/* After a long stall (suspend), do not flood: at most a second's worth. */
	return count > (uint64_t)repeat->rate ? repeat->rate : (int)count;
}
