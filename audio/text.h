/* Checking and copying strings that come from PipeWire: bounded, valid UTF-8, no control codes. */
#ifndef MULTISEAT_AUDIO_TEXT_H
#define MULTISEAT_AUDIO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the `len` bytes at `s` are valid UTF-8 without control characters (C0, DEL, C1). */
bool audio_text_is_clean(const char *s, size_t len);

/*
 * A copy of `s` (NULL: NULL) for display: at most `max` bytes, cut at a character boundary,
 * with every control character and invalid byte replaced by a space. NULL with errno ENOMEM.
 */
char *audio_text_copy_display(const char *s, size_t max);

#endif
