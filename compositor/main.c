/* multiseat-compositor: the per-seat Wayland compositor's entry point. */
#include <stdio.h>
#include <string.h>

#include "config.h"

static const char usage[] = "Usage: multiseat-compositor [OPTION]... [-- SESSION...]\n"
			    "The Wayland compositor of one multiseat seat.\n"
			    "\n"
			    "  -h, --help     show this help and exit\n"
			    "  -V, --version  show the version and exit\n";

int main(int argc, char *argv[])
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("multiseat-compositor %s\n", MULTISEAT_VERSION);
		return 0;
	}
	/* Backends (--drm, --headless, --seat-fd) are the compositor's own issue. */
	fprintf(stderr, "multiseat-compositor: no backend is available in this version\n");
	return 2;
}
