/* Fixed-size NUL-terminated string fields in wire structs: the seat link's and the login
 * worker's messages share how they are filled and checked. */
#ifndef MULTISEAT_WIRE_FIELDS_H
#define MULTISEAT_WIRE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/* Where one string field lies in a message body. */
struct wire_string {
	uint16_t offset, size;
};

#define WIRE_STRING(type, field)                                                                   \
	{                                                                                          \
		(uint16_t) offsetof(type, field), (uint16_t)sizeof(((type *)0)->field)             \
	}

/* Copies `text` (NULL: "") into a field of `size` bytes, truncating; always NUL-terminates
   and clears the rest. */
void wire_copy_string(char *field, size_t size, const char *text);
/*
 * The first of `strings` (up to `count`, ending early at one of size 0) that holds no NUL
 * in `body`, or NULL when all are terminated.
 */
const struct wire_string *wire_unterminated(const void *body, const struct wire_string *strings,
					    size_t count);

#endif
