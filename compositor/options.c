/* Command-line parsing for multiseat-compositor. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char options_usage[] =
	"Usage: multiseat-compositor BACKEND [OPTION]... [-- SESSION...]\n"
	"The Wayland compositor of one multiseat seat.\n"
	"\n"
	"Backends (exactly one):\n"
	"      --drm PATH             drive every connected monitor of the DRM card (or lease) "
	"PATH\n"
	"      --headless WxH[@HZ]    an output without hardware; repeat for several outputs\n"
	"      --seat-fd N            under multiseatd: the seat link on fd N brings the DRM\n"
	"                             lease, the input devices and the keyboard layout\n"
	"\n"
	"Options:\n"
	"      --input PATH           read this evdev device (--drm only; repeatable)\n"
	"      --kiosk                every window fullscreen, newest on top\n"
	"      --restart              restart the session when it exits (1 s, 2 s, 4 s ... 30 s)\n"
	"      --identify TEXT        show TEXT large on every output instead of the session\n"
	"      --no-clients           only show text (--identify, or the seat link's): no\n"
	"                             Wayland socket, no session, no input\n"
	"      --keyboard-layout L    xkb layout, optionally with a variant: us, de(nodeadkeys)\n"
	"      --keyboard-options O   xkb options, e.g. compose:ralt\n"
	"      --repeat-rate N        key repeat in keys per second (0 = off; default 25)\n"
	"      --repeat-delay MS      delay before a held key repeats (default 600)\n"
	"      --virtual-input        offer the virtual keyboard and pointer protocols (wtype)\n"
	"      --terminal CMD         command Super+Enter starts (desktop mode)\n"
	"      --socket NAME          Wayland socket name (default: the first free wayland-N)\n"
	"      --background RRGGBB    colour behind the windows (default 303030)\n"
	"      --log-level LEVEL      silent, error, info (default) or debug\n"
	"  -h, --help                 show this help and exit\n"
	"  -V, --version              show the version and exit\n"
	"\n"
	"The SESSION command runs with WAYLAND_DISPLAY set; without --restart the\n"
	"compositor exits with the session's exit status.\n";

enum {
	OPT_DRM = 256,
	OPT_HEADLESS,
	OPT_INPUT,
	OPT_KIOSK,
	OPT_RESTART,
	OPT_IDENTIFY,
	OPT_LAYOUT,
	OPT_XKB_OPTIONS,
	OPT_REPEAT_RATE,
	OPT_REPEAT_DELAY,
	OPT_VIRTUAL_INPUT,
	OPT_TERMINAL,
	OPT_SOCKET,
	OPT_BACKGROUND,
	OPT_LOG_LEVEL,
	OPT_SEAT_FD,
	OPT_NO_CLIENTS,
};

static const struct option long_options[] = {
	{"drm", required_argument, NULL, OPT_DRM},
	{"headless", required_argument, NULL, OPT_HEADLESS},
	{"input", required_argument, NULL, OPT_INPUT},
	{"kiosk", no_argument, NULL, OPT_KIOSK},
	{"restart", no_argument, NULL, OPT_RESTART},
	{"identify", required_argument, NULL, OPT_IDENTIFY},
	{"keyboard-layout", required_argument, NULL, OPT_LAYOUT},
	{"keyboard-options", required_argument, NULL, OPT_XKB_OPTIONS},
	{"repeat-rate", required_argument, NULL, OPT_REPEAT_RATE},
	{"repeat-delay", required_argument, NULL, OPT_REPEAT_DELAY},
	{"virtual-input", no_argument, NULL, OPT_VIRTUAL_INPUT},
	{"terminal", required_argument, NULL, OPT_TERMINAL},
	{"socket", required_argument, NULL, OPT_SOCKET},
	{"background", required_argument, NULL, OPT_BACKGROUND},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"seat-fd", required_argument, NULL, OPT_SEAT_FD},
	{"no-clients", no_argument, NULL, OPT_NO_CLIENTS},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{0},
};

static int fail(char *error, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *error, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_int(const char *text, int min, int max, int *out)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || value < min || value > max)
		return -EINVAL;
	*out = (int)value;
	return 0;
}

int options_parse_mode(const char *text, struct headless_mode *mode)
{
	char *end;
	if (!text || text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	long width = strtol(text, &end, 10);
	if (errno || *end != 'x' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	long height = strtol(end + 1, &end, 10);
	if (errno || width < 1 || height < 1 || width > 16384 || height > 16384)
		return -EINVAL;
	double hz = 60.0;
	if (*end == '@') {
		const char *start = end + 1;
		if (*start < '0' || *start > '9')
			return -EINVAL;
		hz = strtod(start, &end);
		if (errno || hz < 1.0 || hz > 1000.0)
			return -EINVAL;
	}
	if (*end != '\0')
		return -EINVAL;
	mode->width = (int)width;
	mode->height = (int)height;
	mode->refresh_mhz = (int)(hz * 1000.0 + 0.5);
	return 0;
}

int options_parse_layout(const char *text, char *layout, size_t layout_size, char *variant,
			 size_t variant_size)
{
	size_t len = strlen(text);
	const char *open = strchr(text, '(');
	size_t name_len = open ? (size_t)(open - text) : len;
	if (name_len == 0 || name_len >= layout_size)
		return -EINVAL;
	for (size_t i = 0; i < name_len; i++) {
		char c = text[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == ','))
			return -EINVAL;
	}
	size_t variant_len = 0;
	if (open) {
		if (text[len - 1] != ')' || len - name_len < 3)
			return -EINVAL;
		variant_len = len - name_len - 2;
		if (variant_len >= variant_size || memchr(open + 1, '(', variant_len) ||
		    memchr(open + 1, ')', variant_len))
			return -EINVAL;
	}
	memcpy(layout, text, name_len);
	layout[name_len] = '\0';
	if (variant_size > 0) {
		if (open)
			memcpy(variant, open + 1, variant_len);
		variant[variant_len] = '\0';
	}
	return 0;
}

static int parse_colour(const char *text, uint32_t *out)
{
	if (strlen(text) != 6 || strspn(text, "0123456789abcdefABCDEF") != 6)
		return -EINVAL;
	*out = 0xff000000u | (uint32_t)strtoul(text, NULL, 16);
	return 0;
}

int options_parse(struct options *options, int argc, char **argv, char *error, size_t error_size)
{
	*options = (struct options){
		.action = OPTIONS_RUN,
		.repeat_rate = 25,
		.repeat_delay = 600,
		.background = 0xff303030,
		.log_level = LOG_LEVEL_INFO,
		.seat_fd = -1,
	};
	error[0] = '\0';
	opterr = 0;
	optind = 0; /* a full reset, so tests can parse several times */
	int opt;
	/* '+': stop at the first non-option, so the session keeps its own arguments. */
	while ((opt = getopt_long(argc, argv, "+:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			options->action = OPTIONS_HELP;
			return 0;
		case 'V':
			options->action = OPTIONS_VERSION;
			return 0;
		case OPT_DRM:
			if (options->drm_path)
				return fail(error, error_size, "--drm given twice");
			options->drm_path = optarg;
			break;
		case OPT_HEADLESS:
			if (options->headless_count == OPTIONS_MAX_OUTPUTS)
				return fail(error, error_size, "at most %d --headless outputs",
					    OPTIONS_MAX_OUTPUTS);
			if (options_parse_mode(optarg, &options->headless[options->headless_count]))
				return fail(error, error_size,
					    "--headless '%s': expected WIDTHxHEIGHT or "
					    "WIDTHxHEIGHT@HZ, e.g. 1280x720@60",
					    optarg);
			options->headless_count++;
			break;
		case OPT_INPUT:
			if (options->input_count == OPTIONS_MAX_INPUTS)
				return fail(error, error_size, "at most %d --input devices",
					    OPTIONS_MAX_INPUTS);
			options->inputs[options->input_count++] = optarg;
			break;
		case OPT_KIOSK:
			options->kiosk = true;
			break;
		case OPT_RESTART:
			options->restart = true;
			break;
		case OPT_NO_CLIENTS:
			options->no_clients = true;
			break;
		case OPT_IDENTIFY:
			if (optarg[0] == '\0')
				return fail(error, error_size, "--identify: the text is empty");
			/* "--identify -- foot": the text was forgotten. */
			if (strcmp(optarg, "--") == 0)
				return fail(error, error_size,
					    "--identify needs a TEXT before '--' (quote it: "
					    "--identify 'Press F1')");
			options->identify = optarg;
			break;
		case OPT_LAYOUT:
			if (options_parse_layout(optarg, options->keyboard_layout,
						 sizeof(options->keyboard_layout),
						 options->keyboard_variant,
						 sizeof(options->keyboard_variant)))
				return fail(error, error_size,
					    "--keyboard-layout '%s': expected LAYOUT or "
					    "LAYOUT(VARIANT), e.g. de(nodeadkeys)",
					    optarg);
			break;
		case OPT_XKB_OPTIONS:
			options->keyboard_options = optarg;
			break;
		case OPT_REPEAT_RATE:
			if (parse_int(optarg, 0, 1000, &options->repeat_rate))
				return fail(
					error, error_size,
					"--repeat-rate '%s': expected keys per second, 0 to 1000",
					optarg);
			break;
		case OPT_REPEAT_DELAY:
			if (parse_int(optarg, 1, 10000, &options->repeat_delay))
				return fail(
					error, error_size,
					"--repeat-delay '%s': expected milliseconds, 1 to 10000",
					optarg);
			break;
		case OPT_VIRTUAL_INPUT:
			options->virtual_input = true;
			break;
		case OPT_TERMINAL:
			options->terminal = optarg;
			break;
		case OPT_SOCKET:
			if (optarg[0] == '\0' || strchr(optarg, '/'))
				return fail(error, error_size,
					    "--socket '%s': expected a name without '/'", optarg);
			options->socket = optarg;
			break;
		case OPT_BACKGROUND:
			if (parse_colour(optarg, &options->background))
				return fail(error, error_size,
					    "--background '%s': expected RRGGBB in hex", optarg);
			break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(optarg, &options->log_level))
				return fail(
					error, error_size,
					"--log-level '%s': expected silent, error, info or debug",
					optarg);
			break;
		case OPT_SEAT_FD:
			if (parse_int(optarg, 0, INT_MAX, &options->seat_fd))
				return fail(error, error_size,
					    "--seat-fd '%s': expected a file descriptor number",
					    optarg);
			break;
		case ':':
			return fail(error, error_size, "%s needs a value", argv[optind - 1]);
		default:
			/* Inside a group such as "-xz" optind has not moved past it yet. */
			if (optopt > 0 && optopt < 256)
				return fail(error, error_size, "unknown option '-%c'", optopt);
			return fail(error, error_size, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			return fail(error, error_size,
				    "unexpected argument '%s' (put the session command after --)",
				    argv[optind]);
		options->session = &argv[optind];
	}
	if (options->seat_fd >= 0 && options->drm_path)
		return fail(error, error_size,
			    "--seat-fd and --drm exclude each other (the lease comes over the "
			    "seat link)");
	if (options->seat_fd >= 0 && options->input_count > 0)
		return fail(error, error_size,
			    "--seat-fd and --input exclude each other (input devices come over "
			    "the seat link)");
	if (!options->drm_path && options->headless_count == 0 && options->seat_fd < 0)
		return fail(error, error_size,
			    "no backend: give --drm PATH, --headless WxH or --seat-fd N");
	if (options->drm_path && options->headless_count > 0)
		return fail(error, error_size, "--drm and --headless exclude each other");
	if (options->input_count > 0 && !options->drm_path)
		return fail(error, error_size, "--input needs --drm");
	if (options->no_clients && (options->session || options->input_count > 0 ||
				    options->virtual_input || options->socket))
		return fail(error, error_size,
			    "--no-clients shows text only: no session, --input, --virtual-input "
			    "or --socket");
	return 0;
}
