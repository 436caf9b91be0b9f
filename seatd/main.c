/* multiseatd: the seat manager's entry point and command line. */
#include <errno.h>
#include <getopt.h>
#include <libudev.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "devices.h"
#include "log.h"
#include "policy.h"
#include "probe.h"
#include "sysrq.h"
#include "vt.h"

static const char usage[] =
	"Usage: multiseatd [OPTION]...\n"
	"Split this computer's monitors, keyboards, mice and sound cards into seats.\n"
	"\n"
	"  -c, --config FILE      the configuration (default " MULTISEAT_CONFIG_PATH ")\n"
	"      --compositor PATH  the seat compositor to run (default\n"
	"                         " MULTISEAT_COMPOSITOR_PATH ")\n"
	"      --runtime-dir DIR  seat runtime directories and the control socket\n"
	"                         (default /run/multiseat)\n"
	"  -p, --probe            print the seat hardware found (cards, monitors, input\n"
	"                         devices and sound cards by USB hub) and exit\n"
	"  -j, --json             with --probe: print JSON instead of a table\n"
	"      --check-config FILE  report every error in FILE with its line, print\n"
	"                         a summary of its seats and exit (0: no errors)\n"
	"      --restore-console  give the desks' console (the config's vt) back to the\n"
	"                         kernel and exit: for after a daemon that was killed\n"
	"  -l, --log-level LEVEL  silent, error, info (default) or debug\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n";

struct options {
	const char *config;
	const char *compositor;
	const char *runtime_dir;
	const char *log_level_name;
	bool probe;
	bool restore_console;
	const char *check_config;
	bool json;
	enum log_level log_level;
};

/* Returns -1 to continue, or the exit status to leave with. */
static int parse_options(int argc, char *argv[], struct options *opts)
{
	/* One option a line reads better than the packed table clang-format makes. */
	/* clang-format off */
	static const struct option long_options[] = {
		{"config", required_argument, NULL, 'c'},
		{"compositor", required_argument, NULL, 'P'},
		{"runtime-dir", required_argument, NULL, 'R'},
		{"probe", no_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"check-config", required_argument, NULL, 'C'},
		{"restore-console", no_argument, NULL, 'T'},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	/* clang-format on */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":c:pjl:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config = optarg;
			break;
		case 'P':
			opts->compositor = optarg;
			break;
		case 'R':
			if (optarg[0] != '/') {
				fprintf(stderr,
					"multiseatd: --runtime-dir '%s': expected an "
					"absolute path\n",
					optarg);
				return 2;
			}
			opts->runtime_dir = optarg;
			break;
		case 'p':
			opts->probe = true;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'C':
			opts->check_config = optarg;
			break;
		case 'T':
			opts->restore_console = true;
			break;
		case 'l':
			if (log_level_parse(optarg, &opts->log_level) < 0) {
				fprintf(stderr,
					"multiseatd: --log-level: '%s' is not one of "
					"silent, error, info, debug\n",
					optarg);
				return 2;
			}
			opts->log_level_name = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("multiseatd %s\n", MULTISEAT_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "multiseatd: %s needs a value (see --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "multiseatd: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "multiseatd: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return 2;
	}
	if (opts->json && !opts->probe) {
		fprintf(stderr, "multiseatd: --json only applies to --probe\n");
		return 2;
	}
	if (opts->probe && opts->check_config) {
		fprintf(stderr, "multiseatd: --probe and --check-config do not go together\n");
		return 2;
	}
	if (opts->restore_console && (opts->probe || opts->check_config || opts->compositor ||
				      opts->runtime_dir || opts->json)) {
		fprintf(stderr, "multiseatd: --restore-console takes only --config\n");
		return 2;
	}
	if ((opts->probe || opts->check_config) &&
	    (opts->config || opts->compositor || opts->runtime_dir)) {
		fprintf(stderr, "multiseatd: --config, --compositor and --runtime-dir are for "
				"running the seats, not for --probe or --check-config\n");
		return 2;
	}
	return -1;
}

static int run_probe(const struct options *opts)
{
	struct udev *udev = udev_new();
	if (udev == NULL) {
		log_error("cannot create a udev context: %s", strerror(errno));
		return 1;
	}
	struct devices devices;
	int ret = devices_scan(&devices, udev);
	if (ret < 0) {
		log_error("cannot list devices: %s", strerror(-ret));
		udev_unref(udev);
		return 1;
	}
	int status = 0;
	if (opts->json) {
		if (probe_print_json(stdout, &devices) < 0) {
			log_error("out of memory while building the JSON output");
			status = 1;
		}
	} else {
		probe_print_table(stdout, &devices);
	}
	devices_finish(&devices);
	udev_unref(udev);
	if (fflush(stdout) != 0) {
		log_error("cannot write the output: %s", strerror(errno));
		status = 1;
	}
	return status;
}

static const char *mode_name(int mode)
{
	return mode == POLICY_MODE_DESKTOP ? "desktop" : mode == POLICY_MODE_KIOSK ? "kiosk" : NULL;
}

/* Every error on stderr, one a line; on success a short summary on stdout. */
static int run_check_config(const char *path)
{
	struct policy_config config;
	struct policy_errors errors = {0};
	int ret = policy_config_load(&config, path, &errors);
	for (size_t i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.lines[i] ? errors.lines[i] : "(out of memory)");
	if (errors.dropped)
		fprintf(stderr, "%s: %zu more errors (out of memory to list them)\n", path,
			errors.dropped);
	size_t count = errors.count + errors.dropped;
	policy_errors_finish(&errors);
	if (ret < 0) {
		if (ret == -EINVAL)
			fprintf(stderr, "%s: %zu error%s\n", path, count, count == 1 ? "" : "s");
		return 1;
	}
	printf("%s: no errors; %zu seat%s configured, autoseat %s\n", path, config.seat_count,
	       config.seat_count == 1 ? "" : "s", config.autoseat ? "on" : "off");
	for (size_t i = 0; i < config.seat_count; i++) {
		const struct policy_seat *seat = &config.seats[i];
		const char *mode = mode_name(seat->settings.mode);
		if (!mode)
			mode = mode_name(config.defaults.mode);
		printf("  %s: %zu output%s, %zu device rule%s, %s mode\n", seat->name,
		       seat->output_count, seat->output_count == 1 ? "" : "s", seat->device_count,
		       seat->device_count == 1 ? "" : "s", mode ? mode : "kiosk");
	}
	policy_config_finish(&config);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * systemd runs this after the daemon has ended, however it ended: a daemon killed with SIGKILL
 * could not give its console back itself. A config that cannot be read means the default vt.
 */
static int run_restore_console(const char *path)
{
	struct policy_config config;
	struct policy_errors errors = {0};
	int vt = POLICY_VT_DEFAULT;
	if (policy_config_load(&config, path, &errors) == 0) {
		vt = config.vt;
		policy_config_finish(&config);
	}
	policy_errors_finish(&errors);
	/* Whatever the daemon's grabs hid from the kernel's SysRq filter (see sysrq.h). */
	sysrq_filter_reset_all("/dev/input", "/sys/class/input");
	if (vt == 0)
		return 0;
	int ret = vt_restore(vt);
	if (ret < 0 && ret != -ENOENT && ret != -ENXIO && ret != -ENOTTY) {
		log_error("tty%d cannot be given back: %s", vt, strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct options opts = {.log_level = LOG_LEVEL_INFO};
	int status = parse_options(argc, argv, &opts);
	if (status >= 0) {
		return status;
	}
	log_init(opts.log_level, "multiseatd");
	if (opts.check_config)
		return run_check_config(opts.check_config);
	if (opts.probe)
		return run_probe(&opts);
	if (opts.restore_console)
		return run_restore_console(opts.config ? opts.config : MULTISEAT_CONFIG_PATH);
	struct daemon_options daemon_options = {
		.config_path = opts.config ? opts.config : MULTISEAT_CONFIG_PATH,
		.compositor = opts.compositor ? opts.compositor : MULTISEAT_COMPOSITOR_PATH,
		.runtime_dir = opts.runtime_dir ? opts.runtime_dir : "/run/multiseat",
		.log_level = opts.log_level_name,
		.level = opts.log_level,
		.explicit_config = opts.config != NULL,
	};
	return daemon_run(&daemon_options);
}
