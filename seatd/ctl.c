/* multiseatctl: command line client of multiseatd's control socket. */
#include <stdio.h>
#include <string.h>

#include "config.h"

static const char usage[] = "Usage: multiseatctl [--json] COMMAND [ARG]...\n"
			    "Show and change the seats of multiseatd.\n"
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
		printf("multiseatctl %s\n", MULTISEAT_VERSION);
		return 0;
	}
	/* The control socket arrives with the seat manager; until then no command exists. */
	fprintf(stderr, "multiseatctl: %s: no such command in this version (see --help)\n",
		argc > 1 ? argv[1] : "(none)");
	return 2;
}
