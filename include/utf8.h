/* UTF-8 as every part of multiseat reads it: one strict decoder, and cutting text whole. */
#ifndef MULTISEAT_UTF8_H
#define MULTISEAT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The character at `s` (`length` bytes there): its byte count (1 to 4) with *cp set, or 0
 * when the bytes are not one character of UTF-8: a stray continuation byte, a sequence cut
 * short, an overlong form, a UTF-16 surrogate or a code point past U+10FFFF.
 */
size_t utf8_decode(const char *s, size_t length, uint32_t *cp);
/* C0 (but not tab when `tab_ok`), DEL and the C1 controls U+0080..U+009F some terminals obey. */
bool utf8_is_control(uint32_t cp, bool tab_ok);
/* How many of the `length` bytes of `text` fit in `max`, not splitting a character. */
size_t utf8_cut(const char *text, size_t length, size_t max);

#endif
