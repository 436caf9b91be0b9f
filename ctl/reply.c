/* Reading the daemon's JSON replies: typed fields, arrays, small formats. */
#include "reply.h"

#include <stdio.h>

struct json_object *reply_field(struct json_object *object, const char *key, enum json_type type)
{
	struct json_object *value;
	if (!json_object_is_type(object, json_type_object) ||
	    !json_object_object_get_ex(object, key, &value) || !json_object_is_type(value, type))
		return NULL;
	return value;
}

const char *reply_string(struct json_object *object, const char *key)
{
	struct json_object *value = reply_field(object, key, json_type_string);
	return value ? json_object_get_string(value) : NULL;
}

bool reply_int(struct json_object *object, const char *key, int64_t *number)
{
	struct json_object *value = reply_field(object, key, json_type_int);
	if (value != NULL)
		*number = json_object_get_int64(value);
	return value != NULL;
}

size_t reply_array_length(struct json_object *array)
{
	return array ? json_object_array_length(array) : 0;
}

/* Strings of a JSON array joined with commas, "-" when there are none. */
void reply_join_strings(struct json_object *array, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < reply_array_length(array); i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		if (!json_object_is_type(item, json_type_string))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? "," : "",
				 json_object_get_string(item));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(out, size, "-");
}

void reply_format_int(struct json_object *object, const char *key, char *out, size_t size)
{
	int64_t number;
	if (reply_int(object, key, &number) && number > 0)
		snprintf(out, size, "%lld", (long long)number);
	else
		snprintf(out, size, "-");
}

const char *reply_plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

/* The seat's input devices, then its sound devices. */
struct json_object *reply_seat_device_at(struct json_object *seat, size_t i)
{
	struct json_object *inputs = reply_field(seat, "devices", json_type_array);
	if (i < reply_array_length(inputs))
		return json_object_array_get_idx(inputs, i);
	struct json_object *sound = reply_field(seat, "sound", json_type_array);
	i -= reply_array_length(inputs);
	return i < reply_array_length(sound) ? json_object_array_get_idx(sound, i) : NULL;
}
