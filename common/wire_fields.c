/* Fixed-size string fields of wire messages. */
#include "wire_fields.h"

#include <errno.h>
#include <string.h>

#include "log.h"

void wire_copy_string(char *field, size_t size, const char *text)
{
	if (size == 0)
		return;
	size_t n = text ? strnlen(text, size - 1) : 0;
	memcpy(field, text ? text : "", n);
	memset(field + n, 0, size - n);
}

const struct wire_string *wire_unterminated(const void *body, const struct wire_string *strings,
					    size_t count)
{
	for (size_t i = 0; i < count && strings[i].size > 0; i++) {
		if (!memchr((const char *)body + strings[i].offset, '\0', strings[i].size))
			return &strings[i];
	}
	return NULL;
}

int wire_spec_check(const struct wire_spec *spec, const void *body, size_t size, char *error,
		    size_t error_size)
{
	if (size != spec->size) {
		format_error(error, error_size, "%s: body of %zu bytes, expected %u", spec->name,
			     size, (unsigned)spec->size);
		return -EPROTO;
	}
	const struct wire_string *s = wire_unterminated(body, spec->strings, WIRE_STRINGS_MAX);
	if (s) {
		format_error(error, error_size,
			     "%s: a string at byte %u is not terminated in its %u bytes",
			     spec->name, (unsigned)s->offset, (unsigned)s->size);
		return -EPROTO;
	}
	return 0;
}
