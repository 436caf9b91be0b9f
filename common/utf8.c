/* The one UTF-8 decoder: the daemon's messages, multiseatctl, PipeWire names, the screens' text. */
#include "utf8.h"

size_t utf8_decode(const char *s, size_t length, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	if (length == 0)
		return 0;
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t value;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		value = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		value = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		value = c & 0x07;
	} else {
		return 0; /* a continuation byte, or a lead byte no valid character has */
	}
	if (length < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		value = (value << 6) | (p[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (value < min[n] || (value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
		return 0;
	*cp = value;
	return n;
}

bool utf8_is_control(uint32_t cp, bool tab_ok)
{
	if (cp == '\t')
		return !tab_ok;
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

size_t utf8_cut(const char *text, size_t length, size_t max)
{
	if (length <= max)
		return length;
	/* text[max] exists: back over the continuation bytes of the character it is in (three
	 * at most: more are not one character, and the decoder refuses them anyway). */
	for (int i = 0; i < 3 && max > 0 && ((unsigned char)text[max] & 0xc0) == 0x80; i++)
		max--;
	return max;
}
