/* Lab tool: leases a card's connectors to several lessees, drives them through gpu_kms, revokes. */
#include "gpu.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define FRAMES 5
#define MAX_OUTPUTS 4
/* A frame_done this late means the lease cannot flip: say so instead of hanging. */
#define FRAME_TIMEOUT_MS 10000

/* A lease driven through gpu_kms, as a seat's compositor would. */
struct seat {
	const char *tag;
	struct gpu_lease *lease;
	struct gpu_kms *kms;
	struct gpu_kms_output *outputs[MAX_OUTPUTS];
	int n_outputs;
	/* frame_done events of all its outputs together */
	int frames;
};

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);
	return name != NULL ? name : "unknown";
}

static void handle_output_added(void *data, struct gpu_kms_output *output)
{
	struct seat *seat = data;
	if (seat->n_outputs < MAX_OUTPUTS) {
		seat->outputs[seat->n_outputs++] = output;
	}
}

static void handle_frame_done(void *data, struct gpu_kms_output *output, uint64_t time_ns,
			      unsigned int sequence)
{
	struct seat *seat = data;
	seat->frames++;
}

static const struct gpu_kms_listener seat_listener = {
	.frame_done = handle_frame_done,
	.output_added = handle_output_added,
};

static uint32_t find_connector(const struct gpu_card_info *info, const char *name)
{
	for (int i = 0; i < info->connector_count; i++) {
		if (strcmp(info->connectors[i].name, name) == 0) {
			return info->connectors[i].id;
		}
	}
	return 0;
}

static void print_ids(const char *what, const uint32_t *ids, int count)
{
	printf(" %s ", what);
	for (int i = 0; i < count; i++) {
		printf("%s%u", i > 0 ? "," : "", ids[i]);
	}
	if (count == 0) {
		printf("-");
	}
}

/* What the lessee fd lets its holder see: "<tag> resources: connectors 37 crtcs 36 planes 34,35".
 */
static void print_resources(const char *tag, int fd)
{
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		printf("%s resources: error %s\n", tag, errname(errno));
		return;
	}
	printf("%s resources:", tag);
	print_ids("connectors", res->connectors, res->count_connectors);
	print_ids("crtcs", res->crtcs, res->count_crtcs);
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	if (planes != NULL) {
		print_ids("planes", planes->planes, (int)planes->count_planes);
		drmModeFreePlaneResources(planes);
	} else {
		printf(" planes error %s", errname(errno));
	}
	printf("\n");
	drmModeFreeResources(res);
}

/* "<tag> sees <name>: yes" or the errno of drmModeGetConnector on the lessee fd. */
static void print_sees(const char *tag, int fd, const char *name, uint32_t connector_id)
{
	drmModeConnector *conn = drmModeGetConnector(fd, connector_id);
	printf("%s sees %s: %s\n", tag, name, conn != NULL ? "yes" : errname(errno));
	drmModeFreeConnector(conn);
}

static void print_lessees(int card_fd)
{
	drmModeLesseeListRes *list = drmModeListLessees(card_fd);
	if (list == NULL) {
		printf("lessees: error %s\n", errname(errno));
		return;
	}
	printf("lessees:");
	print_ids("ids", list->lessees, (int)list->count);
	printf("\n");
	drmFree(list);
}

/* "lease <tag> <name>: lessee 1 connector 39 crtc 38 primary 36 cursor 37", one per connector. */
static struct gpu_lease *lease_connectors(struct gpu_lessor *lessor, const char *tag,
					  const char *names, const uint32_t *ids, size_t count)
{
	struct gpu_lease *lease = gpu_lease_create(lessor, ids, count, O_CLOEXEC);
	if (lease == NULL) {
		printf("lease %s %s: error %s\n", tag, names, errname(errno));
		return NULL;
	}
	size_t n;
	const struct gpu_lease_output *outputs = gpu_lease_get_outputs(lease, &n);
	for (size_t i = 0; i < n; i++) {
		const struct gpu_lease_output *o = &outputs[i];
		printf("lease %s %s: lessee %u connector %u crtc %u primary %u cursor %u\n", tag,
		       o->name, gpu_lease_get_lessee_id(lease), o->connector_id, o->crtc_id,
		       o->primary_plane_id, o->cursor_plane_id);
	}
	return lease;
}

static struct gpu_lease *lease_one(struct gpu_lessor *lessor, const char *tag, const char *name,
				   uint32_t connector_id)
{
	return lease_connectors(lessor, tag, name, &connector_id, 1);
}

static int wait_frame(struct seat *seat, int frames)
{
	while (seat->frames < frames) {
		struct pollfd pfd = {.fd = gpu_kms_get_fd(seat->kms), .events = POLLIN};
		int n = poll(&pfd, 1, FRAME_TIMEOUT_MS);
		if (n < 0 && errno != EINTR) {
			return -errno;
		}
		if (n == 0) {
			return -ETIMEDOUT;
		}
		int ret = gpu_kms_dispatch(seat->kms);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

static int draw(struct seat *seat, struct gpu_kms_output *output, uint32_t colour)
{
	struct gpu_kms_buffer buf;
	int ret = gpu_kms_output_begin(seat->kms, output, &buf);
	if (ret < 0) {
		return ret;
	}
	for (int y = 0; y < buf.height; y++) {
		uint32_t *row = (uint32_t *)((char *)buf.data + (size_t)y * (size_t)buf.stride);
		for (int x = 0; x < buf.width; x++) {
			row[x] = colour;
		}
	}
	return gpu_kms_output_commit(seat->kms, output, NULL, 0);
}

/*
 * Shows `colour` on every output of the seat for FRAMES frames each, then says
 * "<tag> shows <colour> on <name>,<name> crtc <id>,<id>: <n> frames <api>".
 */
static int seat_show(struct seat *seat, uint32_t colour)
{
	int ret = 0;
	int start = seat->frames;
	for (int frame = 0; ret == 0 && frame < FRAMES; frame++) {
		for (int i = 0; ret == 0 && i < seat->n_outputs; i++) {
			ret = draw(seat, seat->outputs[i], colour);
		}
		if (ret == 0) {
			ret = wait_frame(seat, seat->frames + seat->n_outputs);
		}
	}
	if (ret < 0) {
		printf("%s shows %06x: error %s after %d frames\n", seat->tag, colour,
		       errname(-ret), seat->frames - start);
		return ret;
	}
	printf("%s shows %06x on ", seat->tag, colour);
	for (int i = 0; i < seat->n_outputs; i++) {
		printf("%s%s", i > 0 ? "," : "", seat->outputs[i]->name);
	}
	printf(" crtc ");
	for (int i = 0; i < seat->n_outputs; i++) {
		printf("%s%u", i > 0 ? "," : "", seat->outputs[i]->crtc_id);
	}
	printf(": %d frames %s\n", (seat->frames - start) / seat->n_outputs,
	       gpu_kms_is_atomic(seat->kms) ? "atomic" : "legacy");
	return 0;
}

/* Runs gpu_kms on the lessee fd, which must give it `n_outputs` outputs, and shows `colour`. */
static int seat_start(struct seat *seat, int n_outputs, uint32_t colour)
{
	seat->kms = gpu_kms_create(gpu_lease_get_fd(seat->lease), &seat_listener, seat);
	if (seat->kms == NULL) {
		printf("%s kms: error %s\n", seat->tag, errname(errno));
		return -1;
	}
	printf("%s kms: %d outputs\n", seat->tag, seat->n_outputs);
	if (seat->n_outputs != n_outputs) {
		return -1;
	}
	return seat_show(seat, colour);
}

static void seat_finish(struct seat *seat)
{
	gpu_kms_destroy(seat->kms);
	seat->kms = NULL;
	gpu_lease_destroy(seat->lease);
	seat->lease = NULL;
}

/* Lets the lab screenshot the monitors: goes on at a line on stdin (or its end). */
static void hold(const char *what)
{
	printf("holding %s\n", what);
	char line[64];
	if (fgets(line, sizeof(line), stdin) == NULL) {
		return;
	}
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr,
			"usage: leasecheck CARD CONNECTOR-A CONNECTOR-B\n"
			"  Leases A, then B, each to a lessee driven through gpu_kms;\n"
			"  revokes A, leases A's connector again, then both connectors\n"
			"  to one lessee. Waits for a line on stdin at every \"holding\".\n");
		return 2;
	}
	const char *name_a = argv[2], *name_b = argv[3];
	log_init(LOG_LEVEL_INFO, "leasecheck");
	setvbuf(stdout, NULL, _IOLBF, 0);
	int status = 1;

	int fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("open %s: error %s\n", argv[1], errname(errno));
		return 1;
	}
	/* The first opener of a card with no master is master; ask anyway in case it was not. */
	if (!drmIsMaster(fd)) {
		drmSetMaster(fd);
	}
	printf("master %s\n", drmIsMaster(fd) ? "yes" : "no");
	struct gpu_card_info info;
	if (gpu_card_info_init(&info, fd) < 0) {
		printf("card: error\n");
		goto out_fd;
	}
	uint32_t id_a = find_connector(&info, name_a), id_b = find_connector(&info, name_b);
	printf("card: %s connector %u, %s connector %u\n", name_a, id_a, name_b, id_b);
	gpu_card_info_finish(&info);
	struct gpu_lessor *lessor = gpu_lessor_create(fd);
	if (lessor == NULL || id_a == 0 || id_b == 0) {
		goto out_lessor;
	}

	struct seat a = {.tag = "A"}, b = {.tag = "B"}, c = {.tag = "C"}, d = {.tag = "D"};
	struct seat e = {.tag = "E"};
	a.lease = lease_one(lessor, "A", name_a, id_a);
	if (a.lease == NULL) {
		goto out_lessor;
	}
	print_resources("A", gpu_lease_get_fd(a.lease));
	print_sees("A", gpu_lease_get_fd(a.lease), name_b, id_b);
	if (seat_start(&a, 1, 0x00c0ff) < 0) {
		goto out_seats;
	}

	/* The kernel keeps its own books too: A's CRTC cannot go to a second lessee. */
	size_t n;
	const struct gpu_lease_output *oa = gpu_lease_get_outputs(a.lease, &n);
	uint32_t lessee_id;
	uint32_t twice[] = {id_b, oa->crtc_id, oa->primary_plane_id};
	int lfd = drmModeCreateLease(fd, twice, 3, O_CLOEXEC, &lessee_id);
	printf("kernel: A's CRTC leased again: %s\n", lfd >= 0 ? "ok" : errname(-lfd));
	if (lfd >= 0) {
		close(lfd);
	}
	struct gpu_lease *again = gpu_lease_create(lessor, &id_a, 1, O_CLOEXEC);
	printf("lease %s again: %s\n", name_a, again != NULL ? "ok" : errname(errno));
	gpu_lease_destroy(again);

	b.lease = lease_one(lessor, "B", name_b, id_b);
	if (b.lease == NULL) {
		goto out_seats;
	}
	print_resources("B", gpu_lease_get_fd(b.lease));
	print_sees("B", gpu_lease_get_fd(b.lease), name_a, id_a);
	if (seat_start(&b, 1, 0xff8000) < 0) {
		goto out_seats;
	}
	print_lessees(fd);
	hold("both");

	int ret = gpu_lease_revoke(a.lease);
	printf("revoke A: %s\n", ret == 0 ? "ok" : errname(-ret));
	print_resources("A after revoke", gpu_lease_get_fd(a.lease));
	print_sees("A after revoke", gpu_lease_get_fd(a.lease), name_a, id_a);
	ret = draw(&a, a.outputs[0], 0xff0000);
	printf("A after revoke commit: %s\n", ret == 0 ? "ok" : errname(-ret));
	print_lessees(fd);
	if (seat_show(&b, 0x8000ff) < 0) {
		goto out_seats;
	}
	hold("revoked");

	/* The revoked lease's objects make a new seat on the same monitor. */
	c.lease = lease_one(lessor, "C", name_a, id_a);
	if (c.lease == NULL || seat_start(&c, 1, 0x00ff80) < 0) {
		goto out_seats;
	}
	hold("reused");

	/* A lessee that closes its fd ends its lease; the lessor learns of it when it leases next.
	 */
	gpu_kms_destroy(c.kms);
	c.kms = NULL;
	close(gpu_lease_take_fd(c.lease));
	print_lessees(fd);
	d.lease = lease_one(lessor, "D", name_a, id_a);
	if (d.lease == NULL) {
		goto out_seats;
	}

	/* One seat with both monitors: a lease of two connectors, each with its own CRTC. */
	seat_finish(&d);
	seat_finish(&b);
	char both[80];
	snprintf(both, sizeof(both), "%s,%s", name_b, name_a);
	e.lease = lease_connectors(lessor, "E", both, (uint32_t[]){id_b, id_a}, 2);
	if (e.lease == NULL) {
		goto out_seats;
	}
	print_resources("E", gpu_lease_get_fd(e.lease));
	if (seat_start(&e, 2, 0xffff00) < 0) {
		goto out_seats;
	}
	hold("two");
	status = 0;

out_seats:
	seat_finish(&e);
	seat_finish(&d);
	seat_finish(&c);
	seat_finish(&b);
	seat_finish(&a);
out_lessor:
	gpu_lessor_destroy(lessor);
out_fd:
	close(fd);
	printf("exit %d\n", status);
	return status;
}
