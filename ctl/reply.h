/* Reading the daemon's JSON replies: what is missing or of another type reads as absent. */
#ifndef MULTISEAT_CTL_REPLY_H
#define MULTISEAT_CTL_REPLY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* object[key] when it is of `type`, else NULL. */
struct json_object *reply_field(struct json_object *object, const char *key, enum json_type type);
const char *reply_string(struct json_object *object, const char *key);
/* false when there is no such integer (then *number is as it was). */
bool reply_int(struct json_object *object, const char *key, int64_t *number);
/* 0 for NULL. */
size_t reply_array_length(struct json_object *array);
/* The strings of an array joined with commas, "-" when there are none. */
void reply_join_strings(struct json_object *array, char *out, size_t size);
/* A positive integer as text, else "-". */
void reply_format_int(struct json_object *object, const char *key, char *out, size_t size);
/* "" for 1, "s" otherwise. */
const char *reply_plural(int64_t n);
/* The seat's i-th device: its input devices, then its sound devices; NULL past the end. */
struct json_object *reply_seat_device_at(struct json_object *seat, size_t i);

#endif
