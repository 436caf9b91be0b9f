/* Lab tool: prints the key and motion events of evdev nodes for a while, one per line. */
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES 16

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char *argv[])
{
	if (argc < 3 || argc - 2 > MAX_NODES) {
		fprintf(stderr, "usage: evwatch SECONDS NODE...   (at most %d nodes)\n", MAX_NODES);
		return 2;
	}
	char *end;
	long seconds = strtol(argv[1], &end, 10);
	if (*end != '\0' || seconds <= 0 || seconds > 3600) {
		fprintf(stderr, "evwatch: SECONDS must be 1..3600, not '%s'\n", argv[1]);
		return 2;
	}
	int count = argc - 2;
	struct pollfd fds[MAX_NODES];
	struct libevdev *devs[MAX_NODES] = {0};
	int status = 1;
	for (int i = 0; i < count; i++) {
		fds[i].fd = open(argv[i + 2], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		fds[i].events = POLLIN;
		if (fds[i].fd < 0) {
			fprintf(stderr, "evwatch: %s: %s\n", argv[i + 2], strerror(errno));
			count = i;
			goto out;
		}
		int ret = libevdev_new_from_fd(fds[i].fd, &devs[i]);
		if (ret < 0) {
			fprintf(stderr, "evwatch: %s: %s\n", argv[i + 2], strerror(-ret));
			close(fds[i].fd);
			count = i;
			goto out;
		}
	}
	/* Tests wait for this line before they send input. */
	printf("watching\n");
	fflush(stdout);
	long long deadline = now_ms() + seconds * 1000;
	for (long long left; (left = deadline - now_ms()) > 0;) {
		int n = poll(fds, (nfds_t)count, (int)left);
		if (n < 0 && errno != EINTR) {
			perror("evwatch: poll");
			goto out;
		}
		for (int i = 0; n > 0 && i < count; i++) {
			if (!(fds[i].revents & POLLIN)) {
				continue;
			}
			struct input_event ev;
			int rc;
			while ((rc = libevdev_next_event(devs[i], LIBEVDEV_READ_FLAG_NORMAL,
							 &ev)) == LIBEVDEV_READ_STATUS_SUCCESS) {
				if (ev.type == EV_KEY || ev.type == EV_REL || ev.type == EV_ABS) {
					printf("%s %s %d\n", argv[i + 2],
					       libevdev_event_code_get_name(ev.type, ev.code),
					       ev.value);
				}
			}
			fflush(stdout);
		}
	}
	status = 0;
out:
	for (int i = 0; i < count; i++) {
		libevdev_free(devs[i]);
		close(fds[i].fd);
	}
	return status;
}
