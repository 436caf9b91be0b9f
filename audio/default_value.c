/* The value of the default-node metadata keys: { "name": "<node.name>" } in PipeWire's JSON. */
#include "audio.h"
#include "text.h"

#include <errno.h>
#include <spa/utils/json.h>
#include <stdlib.h>
#include <string.h>

/* No sane value comes near this; spa_json counts in int. */
#define VALUE_MAX (64 * 1024)

/* Whether the key token is `name`, quoted or bare as the relaxed syntax allows. */
static bool key_is_name(const char *key, int len)
{
	return (len == 6 && memcmp(key, "\"name\"", 6) == 0) ||
	       (len == 4 && memcmp(key, "name", 4) == 0);
}

/* Whether the quoted string token holds a \u0000 escape, which would cut the name short. */
static bool has_nul_escape(const char *token, int len)
{
	for (int i = 0; i + 5 < len; i++) {
		if (token[i] == '\\') {
			if (token[i + 1] == 'u' && memcmp(token + i + 2, "0000", 4) == 0)
				return true;
			i++; /* the escaped character, which may be a backslash */
		}
	}
	return false;
}

static int parse_name(const char *token, int len, char *name, size_t size)
{
	if (spa_json_is_container(token, len) || spa_json_is_null(token, len))
		return -EINVAL;
	if (spa_json_is_string(token, len) && has_nul_escape(token, len))
		return -EINVAL;
	/* Unescaping never lengthens: len + 1 bytes hold the result. */
	char *buf = malloc((size_t)len + 1);
	if (buf == NULL)
		return -ENOMEM;
	int ret = -EINVAL;
	if (spa_json_parse_stringn(token, len, buf, len + 1) < 0)
		goto out;
	size_t n = strlen(buf);
	if (n == 0 || !audio_text_is_clean(buf, n))
		goto out;
	ret = -ENAMETOOLONG;
	if (n >= size)
		goto out;
	memcpy(name, buf, n + 1);
	ret = 0;
out:
	free(buf);
	return ret;
}

int audio_default_value_parse(const char *value, char *name, size_t size)
{
	if (value == NULL || size == 0)
		return -EINVAL;
	size_t len = strnlen(value, VALUE_MAX + 1);
	if (len > VALUE_MAX)
		return -EINVAL;
	struct spa_json it, object;
	spa_json_init(&it, value, len);
	if (spa_json_enter_object(&it, &object) <= 0)
		return -EINVAL;
	for (;;) {
		const char *key, *val;
		int key_len = spa_json_next(&object, &key);
		if (key_len <= 0)
			return -EINVAL;
		int val_len = spa_json_next(&object, &val);
		if (val_len <= 0)
			return -EINVAL;
		if (spa_json_is_container(key, key_len))
			return -EINVAL;
		/* The first "name" counts; a container value is skipped by the next spa_json_next.
		 */
		if (key_is_name(key, key_len))
			return parse_name(val, val_len, name, size);
	}
}

int audio_default_value_format(char *buf, size_t size, const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;
	if (len == 0 || !audio_text_is_clean(name, len))
		return -EINVAL;
	static const char head[] = "{ \"name\": \"", tail[] = "\" }";
	size_t need = sizeof(head) - 1 + sizeof(tail) - 1 + len;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '"' || name[i] == '\\')
			need++;
	}
	if (need >= size || need > VALUE_MAX)
		return -ENOSPC;
	char *p = buf;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '"' || name[i] == '\\')
			*p++ = '\\';
		*p++ = name[i];
	}
	memcpy(p, tail, sizeof(tail));
	return (int)need;
}
