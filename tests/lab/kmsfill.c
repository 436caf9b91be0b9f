/* Lab tool: fills every output of a DRM card with a solid colour through gpu_kms and holds it. */
#include "gpu.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTPUTS 16
#define MAX_COLOURS 16
#define SQUARE 64
/* With no frame_done for this long something is broken: say so instead of hanging. */
#define STALL_MS 10000

struct fill_output {
	struct gpu_kms_output *output;
	uint32_t colour;
	int committed, done;
	int ages[4]; /* 0, 1, 2, other */
	int bad_times;
	uint64_t last_time_ns;
	/* The square of the previous frame and the damage of that frame, for buffer age. */
	struct gpu_kms_rect square, last_damage[2];
	int n_last_damage;
	bool reported;
};

struct fill {
	struct gpu_kms *kms;
	int frames;
	bool square;
	uint32_t colours[MAX_COLOURS];
	int n_colours;
	/* Connector names in the order first seen: a connector keeps its colour across replugs. */
	char seen[MAX_OUTPUTS][32];
	int n_seen;
	struct fill_output outputs[MAX_OUTPUTS];
	int failed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct fill_output *find(struct fill *fill, const struct gpu_kms_output *output)
{
	for (int i = 0; i < MAX_OUTPUTS; i++) {
		if (fill->outputs[i].output == output) {
			return &fill->outputs[i];
		}
	}
	return NULL;
}

static void handle_output_added(void *data, struct gpu_kms_output *output)
{
	struct fill *fill = data;
	struct fill_output *fo = find(fill, NULL);
	if (fo == NULL) {
		fprintf(stderr, "kmsfill: more than %d outputs\n", MAX_OUTPUTS);
		return;
	}
	int index = 0;
	while (index < fill->n_seen && strcmp(fill->seen[index], output->name) != 0) {
		index++;
	}
	if (index == fill->n_seen && fill->n_seen < MAX_OUTPUTS) {
		snprintf(fill->seen[fill->n_seen++], sizeof(fill->seen[0]), "%s", output->name);
	}
	memset(fo, 0, sizeof(*fo));
	fo->output = output;
	fo->colour = fill->colours[index % fill->n_colours];
	printf("added %s %dx%d@%d connector %u crtc %u\n", output->name, output->width,
	       output->height, output->refresh_mhz, output->connector_id, output->crtc_id);
}

static void handle_output_removed(void *data, struct gpu_kms_output *output)
{
	struct fill *fill = data;
	struct fill_output *fo = find(fill, output);
	printf("removed %s\n", output->name);
	if (fo != NULL) {
		memset(fo, 0, sizeof(*fo));
	}
}

static void handle_frame_done(void *data, struct gpu_kms_output *output, uint64_t time_ns,
			      unsigned int sequence)
{
	struct fill *fill = data;
	struct fill_output *fo = find(fill, output);
	if (fo == NULL) {
		return;
	}
	if (time_ns < fo->last_time_ns || time_ns > now_ns()) {
		fo->bad_times++;
	}
	fo->last_time_ns = time_ns;
	fo->done++;
}

static void fill_rect(const struct gpu_kms_buffer *buf, struct gpu_kms_rect r, uint32_t colour)
{
	int x2 = r.x + r.width < buf->width ? r.x + r.width : buf->width;
	int y2 = r.y + r.height < buf->height ? r.y + r.height : buf->height;
	for (int y = r.y > 0 ? r.y : 0; y < y2; y++) {
		uint32_t *row = (uint32_t *)((char *)buf->data + (size_t)y * (size_t)buf->stride);
		for (int x = r.x > 0 ? r.x : 0; x < x2; x++) {
			row[x] = colour;
		}
	}
}

/* Where the square is in frame `n`: moving diagonally, 16 pixels a frame. */
static struct gpu_kms_rect square_at(const struct gpu_kms_output *output, int n)
{
	int w = output->width - SQUARE, h = output->height - SQUARE;
	return (struct gpu_kms_rect){w > 0 ? (16 * n) % w : 0, h > 0 ? (16 * n) % h : 0, SQUARE,
				     SQUARE};
}

/* Draws and commits the next frame, repainting only what the buffer's age requires. */
static int draw(struct fill *fill, struct fill_output *fo)
{
	struct gpu_kms_buffer buf;
	int ret = gpu_kms_output_begin(fill->kms, fo->output, &buf);
	if (ret < 0) {
		return ret;
	}
	fo->ages[buf.age >= 0 && buf.age <= 2 ? buf.age : 3]++;
	struct gpu_kms_rect full = {0, 0, buf.width, buf.height};
	struct gpu_kms_rect damage[2];
	int n_damage = 0;
	if (!fill->square) {
		/* The picture never changes: a buffer that has been shown already holds it. */
		if (buf.age == 0) {
			fill_rect(&buf, full, fo->colour);
		}
		return gpu_kms_output_commit(fill->kms, fo->output, NULL, 0);
	}
	struct gpu_kms_rect square = square_at(fo->output, fo->committed);
	if (fo->committed > 0) {
		damage[n_damage++] = fo->square;
		damage[n_damage++] = square;
	}
	if (buf.age != 2 || fo->committed < 2) {
		fill_rect(&buf, full, fo->colour);
	} else {
		/* The buffer holds the frame before last: repaint what changed in both frames
		 * since. */
		for (int i = 0; i < fo->n_last_damage; i++) {
			fill_rect(&buf, fo->last_damage[i], fo->colour);
		}
		for (int i = 0; i < n_damage; i++) {
			fill_rect(&buf, damage[i], fo->colour);
		}
	}
	fill_rect(&buf, square, 0xffffff);
	ret = gpu_kms_output_commit(fill->kms, fo->output, n_damage > 0 ? damage : NULL, n_damage);
	if (ret == 0) {
		fo->square = square;
		memcpy(fo->last_damage, damage, sizeof(damage));
		fo->n_last_damage = n_damage;
	}
	return ret;
}

static void report(struct fill *fill, struct fill_output *fo)
{
	const struct gpu_kms_output *o = fo->output;
	printf("output %s %dx%d@%d.%03d frames %d bad_times %d ages %d,%d,%d,%d", o->name, o->width,
	       o->height, o->refresh_mhz / 1000, o->refresh_mhz % 1000, fo->done, fo->bad_times,
	       fo->ages[0], fo->ages[1], fo->ages[2], fo->ages[3]);
	if (fill->square) {
		printf(" square %d,%d", fo->square.x, fo->square.y);
	}
	printf(" %s\n", gpu_kms_is_atomic(fill->kms) ? "atomic" : "legacy");
	fo->reported = true;
}

/* Commits where a frame is due; returns whether every output has shown all its frames. */
static bool step(struct fill *fill)
{
	bool all_done = true;
	for (int i = 0; i < MAX_OUTPUTS; i++) {
		struct fill_output *fo = &fill->outputs[i];
		if (fo->output == NULL || fo->reported) {
			continue;
		}
		if (fo->done >= fill->frames) {
			report(fill, fo);
			continue;
		}
		all_done = false;
		if (fo->committed == fo->done) {
			int ret = draw(fill, fo);
			if (ret < 0) {
				fprintf(stderr, "kmsfill: %s: frame %d: %s\n", fo->output->name,
					fo->committed, strerror(-ret));
				fill->failed = 1;
				fo->reported = true;
				continue;
			}
			fo->committed++;
		}
	}
	return all_done;
}

static int parse_colour(const char *text, uint32_t *colour)
{
	char *end;
	unsigned long v = strtoul(text, &end, 16);
	if (strlen(text) != 6 || *end != '\0') {
		return -EINVAL;
	}
	*colour = (uint32_t)v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: kmsfill CARD [--frames N] [--square] RRGGBB...\n"
			"  SIGUSR1 rescans the connectors; SIGTERM or the end of stdin ends it.\n");
	return 2;
}

int main(int argc, char *argv[])
{
	struct fill fill = {.frames = 30};
	const char *card = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
			fill.frames = atoi(argv[++i]);
			if (fill.frames <= 0) {
				return usage();
			}
		} else if (strcmp(argv[i], "--square") == 0) {
			fill.square = true;
		} else if (card == NULL) {
			card = argv[i];
		} else if (fill.n_colours < MAX_COLOURS &&
			   parse_colour(argv[i], &fill.colours[fill.n_colours]) == 0) {
			fill.n_colours++;
		} else {
			return usage();
		}
	}
	if (card == NULL || fill.n_colours == 0) {
		return usage();
	}
	log_init(LOG_LEVEL_INFO, "kmsfill");
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int status = 1;
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("kmsfill: signalfd");
		return 1;
	}
	int fd = open(card, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kmsfill: %s: %s\n", card, strerror(errno));
		goto out_sfd;
	}
	static const struct gpu_kms_listener listener = {
		.frame_done = handle_frame_done,
		.output_added = handle_output_added,
		.output_removed = handle_output_removed,
	};
	fill.kms = gpu_kms_create(fd, &listener, &fill);
	if (fill.kms == NULL) {
		goto out_fd;
	}
	printf("kms %s\n", gpu_kms_is_atomic(fill.kms) ? "atomic" : "legacy");

	bool holding = false, stdin_open = true;
	uint64_t last_progress = now_ns();
	for (;;) {
		if (step(&fill) && !holding) {
			holding = true;
			printf("holding\n");
		}
		struct pollfd fds[3] = {
			{.fd = gpu_kms_get_fd(fill.kms), .events = POLLIN},
			{.fd = sfd, .events = POLLIN},
			{.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		int n = poll(fds, 3, 1000);
		if (n < 0 && errno != EINTR) {
			perror("kmsfill: poll");
			goto out_kms;
		}
		if (fds[0].revents & POLLIN) {
			last_progress = now_ns();
			int ret = gpu_kms_dispatch(fill.kms);
			if (ret < 0) {
				fprintf(stderr, "kmsfill: dispatch: %s\n", strerror(-ret));
				goto out_kms;
			}
		} else if (!holding && now_ns() - last_progress > STALL_MS * 1000000ULL) {
			fprintf(stderr, "kmsfill: no frame_done for %d ms\n", STALL_MS);
			goto out_kms;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGUSR1) {
					printf("rescan\n");
					holding = false;
					last_progress = now_ns();
					gpu_kms_rescan(fill.kms);
				} else {
					break;
				}
			}
		}
		if (fds[2].revents & (POLLIN | POLLHUP)) {
			char buf[256];
			ssize_t len = read(STDIN_FILENO, buf, sizeof(buf));
			if (len == 0) {
				break;
			}
			if (len < 0 && errno != EINTR && errno != EAGAIN) {
				stdin_open = false;
			}
		}
	}
	status = fill.failed;
	printf("exit %d\n", status);

out_kms:
	gpu_kms_destroy(fill.kms);
out_fd:
	close(fd);
out_sfd:
	close(sfd);
	return status;
}
