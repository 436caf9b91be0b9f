/* Fixed-size string fields of wire messages. */
#include "wire_fields.h"

#include <string.h>

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
