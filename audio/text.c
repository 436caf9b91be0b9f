/* Checking and copying strings that come from PipeWire: bounded, valid UTF-8, no control codes. */
#include "text.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the valid UTF-8 character at `s` (at most `len` bytes available), or 0; *control
 * tells whether it is a control character (C0, DEL, C1).
 */
static size_t char_length(const unsigned char *s, size_t len, bool *control)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*control = c < 0x20 || c == 0x7f;
		return 1;
	}
	size_t n;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and what lies past U+10FFFF are not UTF-8. */
	static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min_cp[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*control = cp < 0xa0;
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
		len = max;
		for (int i = 0; i < 3 && len > 0 && (p[len] & 0xc0) == 0x80; i++)
			len--;
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
