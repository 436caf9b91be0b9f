/* Checking and copying strings that come from PipeWire: bounded, valid UTF-8, no control codes. */
#include "text.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Length of the valid UTF-8 character at `s`, or 0; *control: C0, DEL or C1. */
static size_t char_length(const unsigned char *s, size_t len, bool *control)
{
	uint32_t cp;
	size_t n = utf8_decode((const char *)s, len, &cp);
	*control = n > 0 && utf8_is_control(cp, false);
	return n;
}

bool audio_text_is_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		bool control;
		size_t n = char_length(p + i, len - i, &control);
		if (n == 0 || control)
			return false;
		i += n;
	}
	return true;
}

char *audio_text_copy_display(const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, max + 1);
	if (len > max) {
		/* Cut before a character that does not fit whole (p[len] exists: s is longer). */
		len = utf8_cut(s, len, max);
	}
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	size_t in = 0, out = 0;
	while (in < len) {
		bool control;
		size_t n = char_length(p + in, len - in, &control);
		if (n == 0 || control) {
			/* A control character is one space, an invalid byte too. */
			copy[out++] = ' ';
			in += n == 0 ? 1 : n;
			continue;
		}
		memcpy(copy + out, p + in, n);
		in += n;
		out += n;
	}
	copy[out] = '\0';
	return copy;
}
