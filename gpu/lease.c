/* DRM leases of connectors with a CRTC and its planes, and the books of what each lessor leased. */
#include "gpu.h"
#include "log.h"
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

/* possible_crtcs masks are 32 bits wide: CRTCs past the 32nd cannot be named in them. */
#define MAX_CRTCS 32

struct gpu_lessor {
	int fd;
	struct gpu_lease *leases; /* every lease not yet destroyed, live or not */
};

struct gpu_lease {
	struct gpu_lessor *lessor;
	struct gpu_lease *next;
	int fd;
	uint32_t lessee_id;
	/* Until revoked or seen ended: its objects are not to be leased again. */
	bool live;
	size_t n_outputs;
	struct gpu_lease_output outputs[];
};

/* One connector of a lease being made. */
struct want_conn {
	drmModeConnector *conn;
	char name[32];
	/* Indices into the CRTC table, best first. */
	int cand[MAX_CRTCS];
	int n_cand;
	/* Whether its CRTC lights another connector, so has to be turned off first. */
	bool steal;
};

struct crtc_slot {
	uint32_t id;
	bool free;
	bool lit;
};

struct plane_slot {
	uint32_t id;
	uint64_t type;
	uint32_t possible_crtcs;
	uint32_t crtc_id;
};

struct gpu_lessor *gpu_lessor_create(int card_fd)
{
	struct gpu_lessor *lessor = calloc(1, sizeof(*lessor));
	if (lessor == NULL) {
		log_error("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	lessor->fd = card_fd;
	return lessor;
}

void gpu_lessor_destroy(struct gpu_lessor *lessor)
{
	if (lessor == NULL) {
		return;
	}
	while (lessor->leases != NULL) {
		gpu_lease_destroy(lessor->leases);
	}
	free(lessor);
}

static bool lessor_holds(const struct gpu_lessor *lessor, uint32_t id)
{
	for (const struct gpu_lease *lease = lessor->leases; lease != NULL; lease = lease->next) {
		for (size_t i = 0; lease->live && i < lease->n_outputs; i++) {
			const struct gpu_lease_output *o = &lease->outputs[i];
			if (o->connector_id == id || o->crtc_id == id ||
			    o->primary_plane_id == id ||
			    (o->cursor_plane_id != 0 && o->cursor_plane_id == id)) {
				return true;
			}
		}
	}
	return false;
}

/*
 * Leases whose lessee fds were all closed are gone from the kernel, and the
 * kernel may give their lessee ids to new leases: forget them before that.
 */
static int lessor_prune(struct gpu_lessor *lessor)
{
	drmModeLesseeListRes *list = drmModeListLessees(lessor->fd);
	if (list == NULL) {
		return neg_errno();
	}
	for (struct gpu_lease *lease = lessor->leases; lease != NULL; lease = lease->next) {
		bool listed = false;
		for (uint32_t i = 0; i < list->count; i++) {
			listed |= list->lessees[i] == lease->lessee_id;
		}
		if (lease->live && !listed) {
			log_info("lease %u ended: its lessee closed it", lease->lessee_id);
			lease->live = false;
		}
	}
	drmFree(list);
	return 0;
}

/* Legacy calls: they work on every driver and need no atomic client cap on the lessor's fd. */
static int crtc_turn_off(int fd, uint32_t crtc_id)
{
	/* Drivers without a cursor refuse this; there is then nothing to hide. */
	drmModeSetCursor(fd, crtc_id, 0, 0, 0);
	if (drmModeSetCrtc(fd, crtc_id, 0, 0, 0, NULL, 0, NULL) < 0) {
		return neg_errno();
	}
	return 0;
}

/* Kuhn's augmenting paths: a greedy pick could leave a connector without the one CRTC it can use.
 */
static bool match_crtc(const struct want_conn *want, int conn, int *owner, uint32_t *visited)
{
	for (int k = 0; k < want[conn].n_cand; k++) {
		int c = want[conn].cand[k];
		if (*visited & (1u << c)) {
			continue;
		}
		*visited |= 1u << c;
		if (owner[c] < 0 || match_crtc(want, owner[c], owner, visited)) {
			owner[c] = conn;
			return true;
		}
	}
	return false;
}

/* Candidates best first: the CRTC lighting the connector now, then dark ones, then lit ones. */
static void rank_crtcs(int fd, const drmModeRes *res, const struct crtc_slot *crtcs, int n_crtcs,
		       struct want_conn *want)
{
	uint32_t mask = gpu_connector_get_crtc_mask(fd, want->conn);
	int current = gpu_connector_get_current_crtc(fd, res, want->conn);
	want->n_cand = 0;
	for (int rank = 0; rank < 3; rank++) {
		for (int i = 0; i < n_crtcs; i++) {
			if (!(mask & (1u << i)) || !crtcs[i].free) {
				continue;
			}
			int r = i == current ? 0 : crtcs[i].lit ? 2 : 1;
			if (r == rank) {
				want->cand[want->n_cand++] = i;
			}
		}
	}
}

static int read_crtcs(int fd, const drmModeRes *res, const struct gpu_lessor *lessor,
		      struct crtc_slot *crtcs)
{
	int n = res->count_crtcs < MAX_CRTCS ? res->count_crtcs : MAX_CRTCS;
	for (int i = 0; i < n; i++) {
		crtcs[i].id = res->crtcs[i];
		crtcs[i].free = !lessor_holds(lessor, res->crtcs[i]);
		drmModeCrtc *crtc = drmModeGetCrtc(fd, res->crtcs[i]);
		crtcs[i].lit = crtc != NULL && crtc->mode_valid;
		drmModeFreeCrtc(crtc);
	}
	return n;
}

/* The planes no live lease holds; *planes is the caller's to free. */
static int read_free_planes(const struct gpu_lessor *lessor, struct plane_slot **planes,
			    size_t *count)
{
	drmModePlaneRes *res = drmModeGetPlaneResources(lessor->fd);
	if (res == NULL) {
		return neg_errno();
	}
	*count = 0;
	*planes = calloc(res->count_planes > 0 ? res->count_planes : 1, sizeof(**planes));
	if (*planes == NULL) {
		drmModeFreePlaneResources(res);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < res->count_planes; i++) {
		if (lessor_holds(lessor, res->planes[i])) {
			continue;
		}
		drmModePlane *plane = drmModeGetPlane(lessor->fd, res->planes[i]);
		if (plane == NULL) {
			continue;
		}
		(*planes)[(*count)++] = (struct plane_slot){
			.id = plane->plane_id,
			.type = gpu_plane_get_type(lessor->fd, plane->plane_id),
			.possible_crtcs = plane->possible_crtcs,
			.crtc_id = plane->crtc_id,
		};
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(res);
	return 0;
}

/*
 * Takes a plane of `type` for the CRTC out of `planes`: the one on the CRTC
 * now, else one made for this CRTC alone (the CRTC's own primary, which legacy
 * modesets use), else any it can show on. 0 when none is left.
 */
static uint32_t take_plane(struct plane_slot *planes, size_t count, uint64_t type, int crtc_index,
			   uint32_t crtc_id)
{
	uint32_t bit = 1u << crtc_index;
	size_t best = count;
	int best_score = 0;
	for (size_t i = 0; i < count; i++) {
		if (planes[i].id == 0 || planes[i].type != type ||
		    !(planes[i].possible_crtcs & bit)) {
			continue;
		}
		int score = planes[i].crtc_id == crtc_id      ? 3
			    : planes[i].possible_crtcs == bit ? 2
							      : 1;
		if (score > best_score) {
			best = i;
			best_score = score;
		}
	}
	if (best == count) {
		return 0;
	}
	uint32_t id = planes[best].id;
	planes[best].id = 0;
	return id;
}

/* Reads and checks the connectors asked for; on failure the caller frees what was read. */
static int read_connectors(struct gpu_lessor *lessor, const uint32_t *ids, size_t n,
			   struct want_conn *want)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (ids[j] == ids[i]) {
				log_error("connector %u is asked for twice", ids[i]);
				return -EINVAL;
			}
		}
		/* The current state only: a forced probe would be slow and could change it. */
		want[i].conn = drmModeGetConnectorCurrent(lessor->fd, ids[i]);
		if (want[i].conn == NULL) {
			int ret = neg_errno();
			log_error("connector %u: %s", ids[i], strerror(-ret));
			return ret;
		}
		const drmModeConnector *c = want[i].conn;
		if (gpu_connector_format_name(want[i].name, sizeof(want[i].name), c->connector_type,
					      c->connector_type_id) < 0) {
			snprintf(want[i].name, sizeof(want[i].name), "connector-%u", ids[i]);
		}
		if (lessor_holds(lessor, ids[i])) {
			log_error("%s: already leased", want[i].name);
			return -EBUSY;
		}
	}
	return 0;
}

/* Picks a CRTC and planes for every connector into `outputs`. */
static int pick_objects(struct gpu_lessor *lessor, struct want_conn *want, size_t n,
			struct gpu_lease_output *outputs)
{
	drmModeRes *res = drmModeGetResources(lessor->fd);
	if (res == NULL) {
		int ret = neg_errno();
		log_error("cannot read KMS resources: %s", strerror(-ret));
		return ret;
	}
	struct crtc_slot crtcs[MAX_CRTCS];
	int n_crtcs = read_crtcs(lessor->fd, res, lessor, crtcs);
	int owner[MAX_CRTCS];
	for (int i = 0; i < MAX_CRTCS; i++) {
		owner[i] = -1;
	}
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		rank_crtcs(lessor->fd, res, crtcs, n_crtcs, &want[i]);
		uint32_t visited = 0;
		if (!match_crtc(want, (int)i, owner, &visited)) {
			log_error("%s: no free CRTC can drive it", want[i].name);
			ret = -ENOSPC;
		}
	}
	struct plane_slot *planes = NULL;
	size_t n_planes = 0;
	if (ret == 0) {
		ret = read_free_planes(lessor, &planes, &n_planes);
		if (ret < 0) {
			log_error("cannot read planes: %s", strerror(-ret));
		}
	}
	for (int c = 0; c < n_crtcs && ret == 0; c++) {
		if (owner[c] < 0) {
			continue;
		}
		struct want_conn *w = &want[owner[c]];
		struct gpu_lease_output *out = &outputs[owner[c]];
		snprintf(out->name, sizeof(out->name), "%s", w->name);
		out->connector_id = w->conn->connector_id;
		out->crtc_id = crtcs[c].id;
		out->primary_plane_id =
			take_plane(planes, n_planes, DRM_PLANE_TYPE_PRIMARY, c, out->crtc_id);
		out->cursor_plane_id =
			take_plane(planes, n_planes, DRM_PLANE_TYPE_CURSOR, c, out->crtc_id);
		w->steal = crtcs[c].lit &&
			   gpu_connector_get_current_crtc(lessor->fd, res, w->conn) != c;
		if (out->primary_plane_id == 0) {
			log_error("%s: no free primary plane for CRTC %u", w->name, out->crtc_id);
			ret = -ENOSPC;
		}
	}
	free(planes);
	drmModeFreeResources(res);
	return ret;
}

static int lease_objects(struct gpu_lessor *lessor, struct gpu_lease *lease, int flags)
{
	uint32_t *objects = calloc(lease->n_outputs * 4, sizeof(*objects));
	if (objects == NULL) {
		return -ENOMEM;
	}
	int count = 0;
	for (size_t i = 0; i < lease->n_outputs; i++) {
		const struct gpu_lease_output *o = &lease->outputs[i];
		objects[count++] = o->connector_id;
		objects[count++] = o->crtc_id;
		objects[count++] = o->primary_plane_id;
		if (o->cursor_plane_id != 0) {
			objects[count++] = o->cursor_plane_id;
		}
	}
	int ret = drmModeCreateLease(lessor->fd, objects, count, flags, &lease->lessee_id);
	free(objects);
	if (ret < 0) {
		/* libdrm returns -errno here, not -1. */
		return ret;
	}
	lease->fd = ret;
	return 0;
}

struct gpu_lease *gpu_lease_create(struct gpu_lessor *lessor, const uint32_t *connector_ids,
				   size_t n_connectors, int flags)
{
	int ret;
	struct want_conn *want = NULL;
	struct gpu_lease *lease = NULL;
	if (n_connectors == 0) {
		log_error("a lease needs at least one connector");
		ret = -EINVAL;
		goto err;
	}
	/* Without universal planes the kernel hides primary and cursor planes from the lessor. */
	if (drmSetClientCap(lessor->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0) {
		ret = neg_errno();
		log_error("no universal planes: %s", strerror(-ret));
		goto err;
	}
	ret = lessor_prune(lessor);
	if (ret < 0) {
		log_error("cannot list lessees%s: %s", ret == -EACCES ? " (not DRM master)" : "",
			  strerror(-ret));
		goto err;
	}
	want = calloc(n_connectors, sizeof(*want));
	lease = calloc(1, sizeof(*lease) + n_connectors * sizeof(lease->outputs[0]));
	if (want == NULL || lease == NULL) {
		log_error("out of memory");
		ret = -ENOMEM;
		goto err_want;
	}
	lease->lessor = lessor;
	lease->fd = -1;
	lease->n_outputs = n_connectors;
	ret = read_connectors(lessor, connector_ids, n_connectors, want);
	if (ret == 0) {
		ret = pick_objects(lessor, want, n_connectors, lease->outputs);
	}
	if (ret < 0) {
		goto err_want;
	}
	for (size_t i = 0; i < n_connectors; i++) {
		/* The lessee could not take the CRTC from a connector it cannot see. */
		int off = want[i].steal ? crtc_turn_off(lessor->fd, lease->outputs[i].crtc_id) : 0;
		if (off < 0) {
			log_error("%s: cannot turn CRTC %u off for it: %s", want[i].name,
				  lease->outputs[i].crtc_id, strerror(-off));
		}
	}
	ret = lease_objects(lessor, lease, flags);
	if (ret < 0) {
		log_error("%s%s: cannot lease it: %s%s", want[0].name,
			  n_connectors > 1 ? " and more" : "", strerror(-ret),
			  ret == -EACCES ? " (not DRM master)" : "");
		goto err_want;
	}
	lease->live = true;
	lease->next = lessor->leases;
	lessor->leases = lease;
	for (size_t i = 0; i < n_connectors; i++) {
		const struct gpu_lease_output *o = &lease->outputs[i];
		log_info(
			"lease %u: %s (connector %u) on CRTC %u, primary plane %u, cursor plane %u",
			lease->lessee_id, o->name, o->connector_id, o->crtc_id, o->primary_plane_id,
			o->cursor_plane_id);
	}
	for (size_t i = 0; i < n_connectors; i++) {
		drmModeFreeConnector(want[i].conn);
	}
	free(want);
	return lease;

err_want:
	for (size_t i = 0; want != NULL && i < n_connectors; i++) {
		drmModeFreeConnector(want[i].conn);
	}
	free(want);
	free(lease);
err:
	errno = -ret;
	return NULL;
}

int gpu_lease_revoke(struct gpu_lease *lease)
{
	if (!lease->live) {
		return 0;
	}
	int fd = lease->lessor->fd;
	if (drmModeRevokeLease(fd, lease->lessee_id) < 0) {
		int ret = neg_errno();
		/* ENOENT: every lessee fd was closed, which ended the lease already. */
		if (ret != -ENOENT) {
			log_error("lease %u: cannot revoke it: %s", lease->lessee_id,
				  strerror(-ret));
			return ret;
		}
	}
	lease->live = false;
	for (size_t i = 0; i < lease->n_outputs; i++) {
		const struct gpu_lease_output *o = &lease->outputs[i];
		int ret = crtc_turn_off(fd, o->crtc_id);
		if (ret < 0) {
			log_error("%s: cannot turn CRTC %u off after revoking lease %u: %s",
				  o->name, o->crtc_id, lease->lessee_id, strerror(-ret));
		}
	}
	log_info("lease %u revoked", lease->lessee_id);
	return 0;
}

void gpu_lease_destroy(struct gpu_lease *lease)
{
	if (lease == NULL) {
		return;
	}
	gpu_lease_revoke(lease);
	if (lease->fd >= 0) {
		close(lease->fd);
	}
	struct gpu_lease **link = &lease->lessor->leases;
	while (*link != lease) {
		link = &(*link)->next;
	}
	*link = lease->next;
	free(lease);
}

int gpu_lease_get_fd(const struct gpu_lease *lease)
{
	return lease->fd;
}

int gpu_lease_take_fd(struct gpu_lease *lease)
{
	int fd = lease->fd;
	lease->fd = -1;
	return fd;
}

uint32_t gpu_lease_get_lessee_id(const struct gpu_lease *lease)
{
	return lease->lessee_id;
}

const struct gpu_lease_output *gpu_lease_get_outputs(const struct gpu_lease *lease, size_t *count)
{
	*count = lease->n_outputs;
	return lease->outputs;
}
