/* The compositor's command line: parsed into one struct, with a precise message on error. */
#ifndef MULTISEAT_COMPOSITOR_OPTIONS_H
#define MULTISEAT_COMPOSITOR_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define OPTIONS_MAX_OUTPUTS 8
#define OPTIONS_MAX_INPUTS 32

enum options_action {
	OPTIONS_RUN,
	OPTIONS_HELP,
	OPTIONS_VERSION,
};

struct headless_mode {
	int width, height;
	int refresh_mhz;
};

struct options {
	enum options_action action;
	const char *drm_path;
	int seat_fd; /* -1 when not under multiseatd */
	int headless_count;
	struct headless_mode headless[OPTIONS_MAX_OUTPUTS];
	int input_count;
	const char *inputs[OPTIONS_MAX_INPUTS];
	bool kiosk;
	bool restart;
	bool virtual_input;
	bool no_clients; /* text only: no socket, no session, no input (a seat that cannot start) */
	const char *identify;
	char keyboard_layout[64];
	char keyboard_variant[64];
	const char *keyboard_options;
	int repeat_rate;  /* keys per second; 0 disables repeat */
	int repeat_delay; /* ms */
	const char *terminal;
	const char *socket;
	uint32_t background; /* 0xffRRGGBB */
	enum log_level log_level;
	char **session; /* the command after "--", NULL-terminated; NULL when there is none */
};

extern const char options_usage[];

/*
 * Parses argv into `options` (defaults first). Returns 0, or -EINVAL with a
 * one-line message naming the offending argument in `error`.
 */
int options_parse(struct options *options, int argc, char **argv, char *error, size_t error_size);

/* "WxH" or "WxH@Hz" (Hz may have decimals, e.g. 59.94); returns -EINVAL otherwise. */
int options_parse_mode(const char *text, struct headless_mode *mode);

/* "us", "de(nodeadkeys)": the layout and the optional variant in parentheses. */
int options_parse_layout(const char *text, char *layout, size_t layout_size, char *variant,
			 size_t variant_size);

#endif
