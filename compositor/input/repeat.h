/* Key repeat timing for the compositor's own key handling (bindings, identify, greeter). */
#ifndef MULTISEAT_COMPOSITOR_REPEAT_H
#define MULTISEAT_COMPOSITOR_REPEAT_H

#include <stdbool.h>
#include <stdint.h>

struct key_repeat {
	int rate;  /* per second; 0 = no repeat */
	int delay; /* ms before the first repeat */
	uint32_t key;
	bool active;
	uint64_t next_us; /* when the next repeat is due; microseconds so rates do not drift */
};

void key_repeat_init(struct key_repeat *repeat, int rate, int delay);
/* A key that repeats went down at `now_ms`; it replaces any key repeating before. */
void key_repeat_press(struct key_repeat *repeat, uint32_t key, uint64_t now_ms);
/* Stops repeating when `key` is the repeating one. */
void key_repeat_release(struct key_repeat *repeat, uint32_t key);
/* Milliseconds until the next repeat (0 when due), or -1 when nothing repeats. */
int64_t key_repeat_timeout(const struct key_repeat *repeat, uint64_t now_ms);
/* How many repeats are due at `now_ms`; advances the schedule past them. */
int key_repeat_fire(struct key_repeat *repeat, uint64_t now_ms);

#endif
