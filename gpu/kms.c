/* KMS output on a card or a DRM lease: CRTC and plane choice, dumb buffers, modesets and page
 * flips. */
#include "gpu.h"
#include "log.h"
#include "query.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

/* Damage rectangles remembered of one commit; more are merged into their bounding box. */
#define KMS_DAMAGE_MAX 16

struct kms_fb {
	uint32_t handle;
	uint32_t id;
	uint32_t pitch;
	uint64_t size;
	void *map;
	/* Number of the commit that last showed it; 0 when its contents match no shown frame. */
	uint64_t shown;
};

struct kms_damage {
	bool full;
	int count;
	struct gpu_kms_rect rects[KMS_DAMAGE_MAX];
};

struct kms_props {
	uint32_t conn_crtc_id;
	uint32_t crtc_mode_id, crtc_active;
	uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h, crtc_x, crtc_y, crtc_w, crtc_h;
	uint32_t fb_damage_clips;
};

struct kms_output {
	struct gpu_kms_output pub; /* first: users hold a pointer to it */
	struct gpu_kms *kms;
	struct kms_output *next;
	/* Sent as the events' user_data: an event for an output removed since is recognised. */
	uint64_t serial;
	uint32_t plane_id;
	drmModeModeInfo mode;
	uint32_t mode_blob;
	struct kms_props prop;
	struct kms_fb fbs[2];
	int back;
	bool begun;
	bool pending;
	bool enabled;
	uint64_t commits;
	struct kms_damage last_damage;
};

struct gpu_kms {
	int fd;
	bool atomic;
	const struct gpu_kms_listener *listener;
	void *data;
	struct kms_output *outputs; /* in the order they were added */
	uint64_t last_serial;
};

static struct kms_output *output_from_pub(struct gpu_kms_output *pub)
{
	return (struct kms_output *)pub;
}

static void atomic_add(drmModeAtomicReq *req, uint32_t object, uint32_t prop, uint64_t value,
		       bool *ok)
{
	if (drmModeAtomicAddProperty(req, object, prop, value) < 0) {
		*ok = false;
	}
}

static const drmModeModeInfo *connector_mode(const drmModeConnector *conn)
{
	for (int i = 0; i < conn->count_modes; i++) {
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			return &conn->modes[i];
		}
	}
	return conn->count_modes > 0 ? &conn->modes[0] : NULL;
}

static bool same_timings(const drmModeModeInfo *a, const drmModeModeInfo *b)
{
	return a->clock == b->clock && a->hdisplay == b->hdisplay &&
	       a->hsync_start == b->hsync_start && a->hsync_end == b->hsync_end &&
	       a->htotal == b->htotal && a->vdisplay == b->vdisplay &&
	       a->vsync_start == b->vsync_start && a->vsync_end == b->vsync_end &&
	       a->vtotal == b->vtotal && a->flags == b->flags;
}

static bool connector_usable(int fd, const drmModeConnector *conn)
{
	if (conn->connection != DRM_MODE_CONNECTED || connector_mode(conn) == NULL) {
		return false;
	}
	/* Head-mounted displays are for the programs that lease them, not for a desktop. */
	uint64_t non_desktop = 0;
	gpu_object_get_props(fd, conn->connector_id, DRM_MODE_OBJECT_CONNECTOR,
			     &(struct gpu_prop_want){"non-desktop", NULL, &non_desktop}, 1);
	return non_desktop == 0;
}

static struct kms_output *find_output(struct gpu_kms *kms, uint32_t connector_id)
{
	for (struct kms_output *out = kms->outputs; out != NULL; out = out->next) {
		if (out->pub.connector_id == connector_id) {
			return out;
		}
	}
	return NULL;
}

static bool crtc_taken(const struct gpu_kms *kms, uint32_t crtc_id)
{
	for (const struct kms_output *out = kms->outputs; out != NULL; out = out->next) {
		if (out->pub.crtc_id == crtc_id) {
			return true;
		}
	}
	return false;
}

static bool plane_taken(const struct gpu_kms *kms, uint32_t plane_id)
{
	for (const struct kms_output *out = kms->outputs; out != NULL; out = out->next) {
		if (out->plane_id == plane_id) {
			return true;
		}
	}
	return false;
}

/*
 * The index in res->crtcs of a free CRTC the connector can use, or -1. With
 * `current_only`, only the CRTC already lighting it: keeping that one avoids
 * a needless modeset and leaves the others to connectors with fewer choices.
 */
static int pick_crtc(const struct gpu_kms *kms, const drmModeRes *res, const drmModeConnector *conn,
		     bool current_only)
{
	int current = gpu_connector_get_current_crtc(kms->fd, res, conn);
	if (current >= 0 && !crtc_taken(kms, res->crtcs[current])) {
		return current;
	}
	if (current_only) {
		return -1;
	}
	uint32_t mask = gpu_connector_get_crtc_mask(kms->fd, conn);
	for (int i = 0; i < res->count_crtcs && i < 32; i++) {
		if ((mask & (1u << i)) && !crtc_taken(kms, res->crtcs[i])) {
			return i;
		}
	}
	return -1;
}

static bool plane_has_xrgb8888(const drmModePlane *plane)
{
	for (uint32_t i = 0; i < plane->count_formats; i++) {
		if (plane->formats[i] == DRM_FORMAT_XRGB8888) {
			return true;
		}
	}
	return false;
}

/* The CRTC's free primary plane, preferring the one already on it; 0 when there is none. */
static uint32_t pick_primary_plane(const struct gpu_kms *kms, int crtc_index, uint32_t crtc_id)
{
	drmModePlaneRes *planes = drmModeGetPlaneResources(kms->fd);
	if (planes == NULL) {
		return 0;
	}
	uint32_t found = 0;
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		drmModePlane *plane = drmModeGetPlane(kms->fd, planes->planes[i]);
		if (plane == NULL) {
			continue;
		}
		bool usable = (plane->possible_crtcs & (1u << crtc_index)) &&
			      !plane_taken(kms, plane->plane_id) && plane_has_xrgb8888(plane);
		if (usable &&
		    gpu_plane_get_type(kms->fd, plane->plane_id) == DRM_PLANE_TYPE_PRIMARY &&
		    (found == 0 || plane->crtc_id == crtc_id)) {
			found = plane->plane_id;
		}
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(planes);
	return found;
}

static int fb_init(int fd, struct kms_fb *fb, uint32_t width, uint32_t height)
{
	memset(fb, 0, sizeof(*fb));
	int ret;
	if (drmModeCreateDumbBuffer(fd, width, height, 32, 0, &fb->handle, &fb->pitch, &fb->size) <
	    0) {
		return neg_errno();
	}
	if (fb->pitch < width * 4 || fb->size < (uint64_t)fb->pitch * height) {
		ret = -EINVAL;
		goto err_dumb;
	}
	uint32_t handles[4] = {fb->handle}, pitches[4] = {fb->pitch}, offsets[4] = {0};
	if (drmModeAddFB2(fd, width, height, DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &fb->id, 0) < 0) {
		ret = neg_errno();
		goto err_dumb;
	}
	uint64_t offset;
	if (drmModeMapDumbBuffer(fd, fb->handle, &offset) < 0) {
		ret = neg_errno();
		goto err_fb;
	}
	fb->map = mmap(NULL, fb->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	if (fb->map == MAP_FAILED) {
		ret = neg_errno();
		goto err_fb;
	}
	return 0;

err_fb:
	drmModeRmFB(fd, fb->id);
err_dumb:
	drmModeDestroyDumbBuffer(fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
	return ret;
}

static void fb_finish(int fd, struct kms_fb *fb)
{
	if (fb->handle == 0) {
		return;
	}
	munmap(fb->map, fb->size);
	drmModeRmFB(fd, fb->id);
	drmModeDestroyDumbBuffer(fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

static int output_props(struct kms_output *out)
{
	int fd = out->kms->fd;
	struct kms_props *p = &out->prop;
	struct gpu_prop_want conn[] = {{"CRTC_ID", &p->conn_crtc_id, NULL}};
	struct gpu_prop_want crtc[] = {{"MODE_ID", &p->crtc_mode_id, NULL},
				       {"ACTIVE", &p->crtc_active, NULL}};
	struct gpu_prop_want plane[] = {
		{"FB_ID", &p->fb_id, NULL},
		{"CRTC_ID", &p->crtc_id, NULL},
		{"SRC_X", &p->src_x, NULL},
		{"SRC_Y", &p->src_y, NULL},
		{"SRC_W", &p->src_w, NULL},
		{"SRC_H", &p->src_h, NULL},
		{"CRTC_X", &p->crtc_x, NULL},
		{"CRTC_Y", &p->crtc_y, NULL},
		{"CRTC_W", &p->crtc_w, NULL},
		{"CRTC_H", &p->crtc_h, NULL},
		{"FB_DAMAGE_CLIPS", &p->fb_damage_clips, NULL},
	};
	int ret =
		gpu_object_get_props(fd, out->pub.connector_id, DRM_MODE_OBJECT_CONNECTOR, conn, 1);
	if (ret == 0) {
		ret = gpu_object_get_props(fd, out->pub.crtc_id, DRM_MODE_OBJECT_CRTC, crtc, 2);
	}
	if (ret == 0) {
		ret = gpu_object_get_props(fd, out->plane_id, DRM_MODE_OBJECT_PLANE, plane,
					   sizeof(plane) / sizeof(plane[0]));
	}
	if (ret < 0) {
		return ret;
	}
	/* Everything but FB_DAMAGE_CLIPS is mandatory for atomic drivers. */
	if (!p->conn_crtc_id || !p->crtc_mode_id || !p->crtc_active || !p->fb_id || !p->crtc_id ||
	    !p->src_x || !p->src_y || !p->src_w || !p->src_h || !p->crtc_x || !p->crtc_y ||
	    !p->crtc_w || !p->crtc_h) {
		return -EOPNOTSUPP;
	}
	return 0;
}

static void output_free(struct kms_output *out)
{
	int fd = out->kms->fd;
	for (int i = 0; i < 2; i++) {
		fb_finish(fd, &out->fbs[i]);
	}
	if (out->mode_blob != 0) {
		drmModeDestroyPropertyBlob(fd, out->mode_blob);
	}
	free(out);
}

static int output_create(struct gpu_kms *kms, const drmModeConnector *conn, const drmModeRes *res,
			 int crtc_index, struct kms_output **result)
{
	struct kms_output *out = calloc(1, sizeof(*out));
	if (out == NULL) {
		return -ENOMEM;
	}
	out->kms = kms;
	out->serial = ++kms->last_serial;
	out->pub.connector_id = conn->connector_id;
	out->pub.crtc_id = res->crtcs[crtc_index];
	if (gpu_connector_format_name(out->pub.name, sizeof(out->pub.name), conn->connector_type,
				      conn->connector_type_id) < 0) {
		snprintf(out->pub.name, sizeof(out->pub.name), "connector-%u", conn->connector_id);
	}
	out->mode = *connector_mode(conn);
	out->pub.width = out->mode.hdisplay;
	out->pub.height = out->mode.vdisplay;
	uint64_t total = (uint64_t)out->mode.htotal * out->mode.vtotal;
	out->pub.refresh_mhz = total > 0 ? (int)(out->mode.clock * 1000000ULL / total)
					 : (int)out->mode.vrefresh * 1000;
	out->pub.mm_width = (int)conn->mmWidth;
	out->pub.mm_height = (int)conn->mmHeight;

	int ret;
	if (out->pub.width <= 0 || out->pub.height <= 0) {
		ret = -EINVAL;
		goto err_free;
	}
	out->plane_id = pick_primary_plane(kms, crtc_index, out->pub.crtc_id);
	if (kms->atomic) {
		if (out->plane_id == 0) {
			ret = -ENOENT;
			goto err_free;
		}
		ret = output_props(out);
		if (ret < 0) {
			goto err_free;
		}
		if (drmModeCreatePropertyBlob(kms->fd, &out->mode, sizeof(out->mode),
					      &out->mode_blob) < 0) {
			ret = neg_errno();
			out->mode_blob = 0;
			goto err_free;
		}
	}
	for (int i = 0; i < 2; i++) {
		ret = fb_init(kms->fd, &out->fbs[i], out->mode.hdisplay, out->mode.vdisplay);
		if (ret < 0) {
			goto err_free;
		}
	}
	*result = out;
	return 0;

err_free:
	output_free(out);
	return ret;
}

/* Turns the output's CRTC off; the connector may already be gone. */
static void output_disable(struct kms_output *out, bool connector_exists)
{
	struct gpu_kms *kms = out->kms;
	int ret = 0;
	if (kms->atomic) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		if (req == NULL) {
			return;
		}
		bool ok = true;
		if (connector_exists) {
			atomic_add(req, out->pub.connector_id, out->prop.conn_crtc_id, 0, &ok);
		}
		atomic_add(req, out->pub.crtc_id, out->prop.crtc_active, 0, &ok);
		atomic_add(req, out->pub.crtc_id, out->prop.crtc_mode_id, 0, &ok);
		atomic_add(req, out->plane_id, out->prop.fb_id, 0, &ok);
		atomic_add(req, out->plane_id, out->prop.crtc_id, 0, &ok);
		if (!ok) {
			ret = -ENOMEM;
		} else if (drmModeAtomicCommit(kms->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) <
			   0) {
			ret = neg_errno();
		}
		drmModeAtomicFree(req);
	} else if (drmModeSetCrtc(kms->fd, out->pub.crtc_id, 0, 0, 0, NULL, 0, NULL) < 0) {
		ret = neg_errno();
	}
	if (ret < 0) {
		log_error("%s: cannot turn CRTC %u off: %s", out->pub.name, out->pub.crtc_id,
			  strerror(-ret));
	}
}

static void output_remove(struct kms_output *out, bool connector_exists)
{
	struct gpu_kms *kms = out->kms;
	log_info("%s: removed", out->pub.name);
	if (kms->listener != NULL && kms->listener->output_removed != NULL) {
		kms->listener->output_removed(kms->data, &out->pub);
	}
	if (out->enabled) {
		output_disable(out, connector_exists);
	}
	output_free(out);
}

static void output_append(struct gpu_kms *kms, struct kms_output *out)
{
	struct kms_output **link = &kms->outputs;
	while (*link != NULL) {
		link = &(*link)->next;
	}
	*link = out;
}

/* Gives every usable connector without an output one, if a CRTC is free for it. */
static void add_outputs(struct gpu_kms *kms, const drmModeRes *res)
{
	if (res->count_connectors <= 0) {
		return;
	}
	drmModeConnector **conns = calloc((size_t)res->count_connectors, sizeof(*conns));
	if (conns == NULL) {
		log_error("out of memory reading connectors");
		return;
	}
	for (int i = 0; i < res->count_connectors; i++) {
		if (find_output(kms, res->connectors[i]) != NULL) {
			continue;
		}
		/* A connector can vanish between the two calls (MST unplug): NULL, skipped. */
		conns[i] = drmModeGetConnector(kms->fd, res->connectors[i]);
		if (conns[i] != NULL && !connector_usable(kms->fd, conns[i])) {
			drmModeFreeConnector(conns[i]);
			conns[i] = NULL;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < res->count_connectors; i++) {
			if (conns[i] == NULL) {
				continue;
			}
			int crtc_index = pick_crtc(kms, res, conns[i], pass == 0);
			if (crtc_index < 0) {
				continue;
			}
			struct kms_output *out = NULL;
			int ret = output_create(kms, conns[i], res, crtc_index, &out);
			if (ret < 0) {
				log_error("connector %u: cannot drive it: %s",
					  conns[i]->connector_id, strerror(-ret));
			} else {
				output_append(kms, out);
				log_info("%s: %dx%d@%d.%03d Hz on CRTC %u, plane %u (%s%s)",
					 out->pub.name, out->pub.width, out->pub.height,
					 out->pub.refresh_mhz / 1000, out->pub.refresh_mhz % 1000,
					 out->pub.crtc_id, out->plane_id,
					 kms->atomic ? "atomic" : "legacy",
					 out->prop.fb_damage_clips ? ", damage clips" : "");
				if (kms->listener != NULL && kms->listener->output_added != NULL) {
					kms->listener->output_added(kms->data, &out->pub);
				}
			}
			drmModeFreeConnector(conns[i]);
			conns[i] = NULL;
		}
	}
	for (int i = 0; i < res->count_connectors; i++) {
		if (conns[i] != NULL) {
			log_info("connector %u is connected but no CRTC is free for it",
				 conns[i]->connector_id);
			drmModeFreeConnector(conns[i]);
		}
	}
	free(conns);
}

struct gpu_kms *gpu_kms_create(int fd, const struct gpu_kms_listener *listener, void *data)
{
	int ret;
	struct gpu_kms *kms = calloc(1, sizeof(*kms));
	if (kms == NULL) {
		ret = -ENOMEM;
		log_error("out of memory");
		goto err;
	}
	kms->fd = fd;
	kms->listener = listener;
	kms->data = data;

	const char *legacy = getenv("MULTISEAT_KMS_LEGACY");
	if (legacy == NULL || strcmp(legacy, "1") != 0) {
		kms->atomic = drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
	} else {
		/* The fd may have been made atomic by its previous user. */
		drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 0);
	}
	/* After ATOMIC: turning that off also turns universal planes off. */
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) != 0) {
		log_debug("no universal planes: %s", strerror(errno));
	}

	uint64_t dumb = 0;
	if (drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &dumb) != 0 || dumb == 0) {
		ret = -EOPNOTSUPP;
		log_error("the DRM device has no dumb buffers");
		goto err_kms;
	}
	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		ret = neg_errno();
		log_error("not a KMS device: %s", strerror(-ret));
		goto err_kms;
	}
	add_outputs(kms, res);
	drmModeFreeResources(res);
	return kms;

err_kms:
	free(kms);
err:
	errno = -ret;
	return NULL;
}

void gpu_kms_destroy(struct gpu_kms *kms)
{
	if (kms == NULL) {
		return;
	}
	while (kms->outputs != NULL) {
		struct kms_output *out = kms->outputs;
		kms->outputs = out->next;
		output_free(out);
	}
	free(kms);
}

bool gpu_kms_is_atomic(const struct gpu_kms *kms)
{
	return kms->atomic;
}

int gpu_kms_get_fd(const struct gpu_kms *kms)
{
	return kms->fd;
}

static void handle_flip_complete(struct gpu_kms *kms, const struct drm_event_vblank *vblank)
{
	struct kms_output *out = kms->outputs;
	while (out != NULL && out->serial != vblank->user_data) {
		out = out->next;
	}
	if (out == NULL || !out->pending) {
		/* A flip of an output removed since. */
		return;
	}
	out->pending = false;
	uint64_t time_ns = vblank->tv_sec * 1000000000ULL + vblank->tv_usec * 1000ULL;
	if (kms->listener != NULL && kms->listener->frame_done != NULL) {
		kms->listener->frame_done(kms->data, &out->pub, time_ns, vblank->sequence);
	}
}

int gpu_kms_dispatch(struct gpu_kms *kms)
{
	/* The fd is the caller's and may be blocking: only read what is there. */
	struct pollfd pfd = {.fd = kms->fd, .events = POLLIN};
	int n = poll(&pfd, 1, 0);
	if (n < 0) {
		return errno == EINTR ? 0 : neg_errno();
	}
	if (n == 0 || !(pfd.revents & POLLIN)) {
		return 0;
	}
	/* The kernel hands out whole events only, so one read never splits one. */
	uint64_t buf[512];
	ssize_t len = read(kms->fd, buf, sizeof(buf));
	if (len < 0) {
		return errno == EINTR || errno == EAGAIN ? 0 : neg_errno();
	}
	const char *bytes = (const char *)buf;
	size_t pos = 0;
	while (pos + sizeof(struct drm_event) <= (size_t)len) {
		struct drm_event ev;
		memcpy(&ev, bytes + pos, sizeof(ev));
		if (ev.length < sizeof(ev) || ev.length > (size_t)len - pos) {
			break;
		}
		if (ev.type == DRM_EVENT_FLIP_COMPLETE &&
		    ev.length >= sizeof(struct drm_event_vblank)) {
			struct drm_event_vblank vblank;
			memcpy(&vblank, bytes + pos, sizeof(vblank));
			handle_flip_complete(kms, &vblank);
		}
		pos += ev.length;
	}
	return 0;
}

int gpu_kms_output_begin(struct gpu_kms *kms, struct gpu_kms_output *output,
			 struct gpu_kms_buffer *buffer)
{
	struct kms_output *out = output_from_pub(output);
	if (out->pending) {
		return -EBUSY;
	}
	struct kms_fb *fb = &out->fbs[out->back];
	buffer->data = fb->map;
	buffer->width = out->pub.width;
	buffer->height = out->pub.height;
	buffer->stride = (int)fb->pitch;
	buffer->age = fb->shown != 0 ? (int)(out->commits + 1 - fb->shown) : 0;
	out->begun = true;
	return 0;
}

static bool rect_clip(const struct gpu_kms_rect *r, int width, int height, struct gpu_kms_rect *out)
{
	/* In 64 bits: x + width may not fit in an int. */
	long long x1 = r->x > 0 ? r->x : 0, y1 = r->y > 0 ? r->y : 0;
	long long x2 = (long long)r->x + r->width, y2 = (long long)r->y + r->height;
	x2 = x2 < width ? x2 : width;
	y2 = y2 < height ? y2 : height;
	if (x1 >= x2 || y1 >= y2) {
		return false;
	}
	*out = (struct gpu_kms_rect){(int)x1, (int)y1, (int)(x2 - x1), (int)(y2 - y1)};
	return true;
}

/* The damage of one commit, clipped to the buffer; too many rectangles become their bounding box.
 */
static void damage_set(struct kms_damage *damage, const struct kms_output *out,
		       const struct gpu_kms_rect *rects, int count)
{
	memset(damage, 0, sizeof(*damage));
	if (rects == NULL || count <= 0) {
		damage->full = true;
		return;
	}
	int x1 = INT_MAX, y1 = INT_MAX, x2 = 0, y2 = 0, n = 0;
	struct gpu_kms_rect r;
	for (int i = 0; i < count; i++) {
		if (!rect_clip(&rects[i], out->pub.width, out->pub.height, &r)) {
			continue;
		}
		if (n < KMS_DAMAGE_MAX) {
			damage->rects[n] = r;
		}
		n++;
		x1 = r.x < x1 ? r.x : x1;
		y1 = r.y < y1 ? r.y : y1;
		x2 = r.x + r.width > x2 ? r.x + r.width : x2;
		y2 = r.y + r.height > y2 ? r.y + r.height : y2;
	}
	if (n > KMS_DAMAGE_MAX) {
		damage->rects[0] = (struct gpu_kms_rect){x1, y1, x2 - x1, y2 - y1};
		n = 1;
	}
	damage->count = n;
}

static void append_clips(struct drm_mode_rect *clips, size_t *n, const struct kms_damage *damage)
{
	for (int i = 0; i < damage->count; i++) {
		const struct gpu_kms_rect *r = &damage->rects[i];
		clips[(*n)++] =
			(struct drm_mode_rect){r->x, r->y, r->x + r->width, r->y + r->height};
	}
}

/*
 * The FB_DAMAGE_CLIPS blob for showing `fb`, or 0 for full damage. Drivers
 * that upload each buffer to the host on its own (virtio-gpu) copy only the
 * clips into that buffer's host copy, which last got the frame this buffer
 * showed before; so the clips are everything damaged since then, not just
 * since the previous frame.
 */
static int damage_blob_create(const struct kms_output *out, const struct kms_fb *fb,
			      const struct kms_damage *damage, uint32_t *blob)
{
	*blob = 0;
	if (out->prop.fb_damage_clips == 0 || damage->full || fb->shown == 0) {
		return 0;
	}
	uint64_t since = out->commits + 1 - fb->shown;
	if (since > 2 || (since == 2 && out->last_damage.full)) {
		return 0;
	}
	struct drm_mode_rect clips[2 * KMS_DAMAGE_MAX];
	size_t n = 0;
	append_clips(clips, &n, damage);
	if (since == 2) {
		append_clips(clips, &n, &out->last_damage);
	}
	if (n == 0) {
		/* Nothing inside the buffer: no blob, which the kernel reads as full damage. */
		return 0;
	}
	if (drmModeCreatePropertyBlob(out->kms->fd, clips, n * sizeof(clips[0]), blob) < 0) {
		*blob = 0;
		return neg_errno();
	}
	return 0;
}

/* Takes the output's CRTC away from connectors another client left on it. */
static int detach_other_connectors(const struct kms_output *out, drmModeAtomicReq *req, bool *ok)
{
	int fd = out->kms->fd;
	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		return neg_errno();
	}
	for (int i = 0; i < res->count_connectors; i++) {
		if (res->connectors[i] == out->pub.connector_id) {
			continue;
		}
		uint32_t prop = 0;
		uint64_t crtc = 0;
		gpu_object_get_props(fd, res->connectors[i], DRM_MODE_OBJECT_CONNECTOR,
				     &(struct gpu_prop_want){"CRTC_ID", &prop, &crtc}, 1);
		if (prop != 0 && crtc == out->pub.crtc_id) {
			atomic_add(req, res->connectors[i], prop, 0, ok);
		}
	}
	drmModeFreeResources(res);
	return 0;
}

static int commit_atomic(struct kms_output *out, const struct kms_fb *fb,
			 const struct kms_damage *damage)
{
	struct gpu_kms *kms = out->kms;
	const struct kms_props *p = &out->prop;
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (req == NULL) {
		return -ENOMEM;
	}
	int ret = 0;
	bool ok = true;
	uint32_t damage_blob = 0;
	uint32_t flags = DRM_MODE_PAGE_FLIP_EVENT;
	if (!out->enabled) {
		/* Blocking: it waits for whatever else is still flipping instead of failing with
		 * EBUSY. */
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
		ret = detach_other_connectors(out, req, &ok);
		if (ret < 0) {
			goto out;
		}
		uint32_t plane = out->plane_id;
		uint64_t w = (uint64_t)out->pub.width, h = (uint64_t)out->pub.height;
		atomic_add(req, out->pub.connector_id, p->conn_crtc_id, out->pub.crtc_id, &ok);
		atomic_add(req, out->pub.crtc_id, p->crtc_mode_id, out->mode_blob, &ok);
		atomic_add(req, out->pub.crtc_id, p->crtc_active, 1, &ok);
		atomic_add(req, plane, p->crtc_id, out->pub.crtc_id, &ok);
		atomic_add(req, plane, p->src_x, 0, &ok);
		atomic_add(req, plane, p->src_y, 0, &ok);
		atomic_add(req, plane, p->src_w, w << 16, &ok);
		atomic_add(req, plane, p->src_h, h << 16, &ok);
		atomic_add(req, plane, p->crtc_x, 0, &ok);
		atomic_add(req, plane, p->crtc_y, 0, &ok);
		atomic_add(req, plane, p->crtc_w, w, &ok);
		atomic_add(req, plane, p->crtc_h, h, &ok);
	} else {
		flags |= DRM_MODE_ATOMIC_NONBLOCK;
	}
	atomic_add(req, out->plane_id, p->fb_id, fb->id, &ok);
	ret = damage_blob_create(out, fb, damage, &damage_blob);
	if (ret < 0) {
		goto out;
	}
	if (damage_blob != 0) {
		atomic_add(req, out->plane_id, p->fb_damage_clips, damage_blob, &ok);
	}
	if (!ok) {
		ret = -ENOMEM;
		goto out;
	}
	if (drmModeAtomicCommit(kms->fd, req, flags, (void *)(uintptr_t)out->serial) < 0) {
		ret = neg_errno();
	}
out:
	/* The committed state keeps its own reference to the blob. */
	if (damage_blob != 0) {
		drmModeDestroyPropertyBlob(kms->fd, damage_blob);
	}
	drmModeAtomicFree(req);
	return ret;
}

static int commit_legacy(struct kms_output *out, const struct kms_fb *fb)
{
	struct gpu_kms *kms = out->kms;
	void *user_data = (void *)(uintptr_t)out->serial;
	if (out->enabled) {
		if (drmModePageFlip(kms->fd, out->pub.crtc_id, fb->id, DRM_MODE_PAGE_FLIP_EVENT,
				    user_data) < 0) {
			return neg_errno();
		}
		return 0;
	}
	uint32_t connector = out->pub.connector_id;
	if (drmModeSetCrtc(kms->fd, out->pub.crtc_id, fb->id, 0, 0, &connector, 1, &out->mode) <
	    0) {
		return neg_errno();
	}
	out->enabled = true;
	/*
	 * SetCrtc sends no event. Flipping to the buffer already shown does, with
	 * the kernel's timestamp, and keeps frame_done out of this call. A driver
	 * that refuses it could not flip later frames either.
	 */
	if (drmModePageFlip(kms->fd, out->pub.crtc_id, fb->id, DRM_MODE_PAGE_FLIP_EVENT,
			    user_data) < 0) {
		return neg_errno();
	}
	return 0;
}

int gpu_kms_output_commit(struct gpu_kms *kms, struct gpu_kms_output *output,
			  const struct gpu_kms_rect *damage, int n_damage)
{
	struct kms_output *out = output_from_pub(output);
	if (!out->begun) {
		return -EINVAL;
	}
	if (out->pending) {
		return -EBUSY;
	}
	struct kms_fb *fb = &out->fbs[out->back];
	struct kms_damage frame_damage;
	damage_set(&frame_damage, out, damage, n_damage);
	int ret = kms->atomic ? commit_atomic(out, fb, &frame_damage) : commit_legacy(out, fb);
	if (ret < 0) {
		/* It holds a frame that was never shown: no age to build on. */
		fb->shown = 0;
		log_debug("%s: commit failed: %s", out->pub.name, strerror(-ret));
		return ret;
	}
	fb->shown = ++out->commits;
	out->last_damage = frame_damage;
	out->back ^= 1;
	out->begun = false;
	out->enabled = true;
	out->pending = true;
	return 0;
}

int gpu_kms_rescan(struct gpu_kms *kms)
{
	drmModeRes *res = drmModeGetResources(kms->fd);
	if (res == NULL) {
		int ret = neg_errno();
		log_error("cannot read KMS resources: %s", strerror(-ret));
		return ret;
	}
	struct kms_output **link = &kms->outputs;
	while (*link != NULL) {
		struct kms_output *out = *link;
		drmModeConnector *conn = drmModeGetConnector(kms->fd, out->pub.connector_id);
		/* A new preferred mode (a resized virtual monitor) means a new output. */
		bool keep = conn != NULL && connector_usable(kms->fd, conn) &&
			    same_timings(connector_mode(conn), &out->mode);
		bool exists = conn != NULL;
		drmModeFreeConnector(conn);
		if (keep) {
			link = &out->next;
			continue;
		}
		*link = out->next;
		output_remove(out, exists);
	}
	add_outputs(kms, res);
	drmModeFreeResources(res);
	return 0;
}
