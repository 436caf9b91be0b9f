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

/* The most string fields one message type has. */
#define WIRE_STRINGS_MAX 10

/* What both wire formats know of each message type: its name, body size and string fields. */
struct wire_spec {
	const char *name; /* NULL: no such type */
	uint32_t size;
	struct wire_string strings[WIRE_STRINGS_MAX]; /* ends at one of size 0 */
};

/*
 * The body's size and strings against `spec`: 0, or -EPROTO with "NAME: body of N bytes,
 * expected M" or "NAME: a string at byte O is not terminated in its S bytes" in `error`.
 */
int wire_spec_check(const struct wire_spec *spec, const void *body, size_t size, char *error,
		    size_t error_size);

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
