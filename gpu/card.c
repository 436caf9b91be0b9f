/* Read-only description of a DRM card: driver, connectors with their names, status, preferred
 * mode and EDID. */
#include "gpu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "log.h"
#include "query.h"

const char *gpu_connector_status_name(enum gpu_connector_status status)
{
	switch (status) {
	case GPU_CONNECTOR_CONNECTED:
		return "connected";
	case GPU_CONNECTOR_DISCONNECTED:
		return "disconnected";
	case GPU_CONNECTOR_UNKNOWN:
		break;
	}
	return "unknown";
}

static enum gpu_connector_status status_from_drm(drmModeConnection connection)
{
	switch (connection) {
	case DRM_MODE_CONNECTED:
		return GPU_CONNECTOR_CONNECTED;
	case DRM_MODE_DISCONNECTED:
		return GPU_CONNECTOR_DISCONNECTED;
	default:
		return GPU_CONNECTOR_UNKNOWN;
	}
}

/* The monitor's EDID, when the connector has one that can be read. */
static void connector_read_edid(int fd, struct gpu_connector_info *out)
{
	uint64_t blob_id = 0;
	if (gpu_object_get_props(fd, out->id, DRM_MODE_OBJECT_CONNECTOR,
				 &(struct gpu_prop_want){"EDID", NULL, &blob_id}, 1) < 0 ||
	    blob_id == 0 || blob_id > UINT32_MAX) {
		return;
	}
	drmModePropertyBlobRes *blob = drmModeGetPropertyBlob(fd, (uint32_t)blob_id);
	if (blob == NULL) {
		return;
	}
	int ret = gpu_edid_parse(blob->data, blob->length, &out->edid);
	out->has_edid = ret == 0;
	if (ret < 0) {
		log_debug("%s: its EDID (%u bytes) is not used: %s", out->kernel_name, blob->length,
			  ret == -EINVAL ? "not whole 128-byte blocks"
					 : "bad header, version or checksum");
	}
	drmModeFreePropertyBlob(blob);
}

static void connector_info_fill(int fd, struct gpu_connector_info *out,
				const drmModeConnector *conn)
{
	out->id = conn->connector_id;
	out->type = conn->connector_type;
	if (gpu_connector_format_name(out->kernel_name, sizeof(out->kernel_name),
				      conn->connector_type, conn->connector_type_id) < 0) {
		snprintf(out->kernel_name, sizeof(out->kernel_name), "connector-%u",
			 conn->connector_id);
	}
	if (conn->connection == DRM_MODE_CONNECTED) {
		connector_read_edid(fd, out);
	}
	out->status = status_from_drm(conn->connection);
	out->mm_width = conn->mmWidth;
	out->mm_height = conn->mmHeight;
	out->mode_count = conn->count_modes;

	const drmModeModeInfo *chosen = NULL;
	for (int i = 0; i < conn->count_modes; i++) {
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			chosen = &conn->modes[i];
			break;
		}
	}
	if (chosen == NULL && conn->count_modes > 0) {
		chosen = &conn->modes[0];
	}
	if (chosen != NULL) {
		out->width = chosen->hdisplay;
		out->height = chosen->vdisplay;
		/* vrefresh is rounded; derive millihertz from the clock for an exact figure. */
		uint64_t total = (uint64_t)chosen->htotal * chosen->vtotal;
		out->refresh_mhz = total > 0 ? (uint32_t)((chosen->clock * 1000000ULL) / total)
					     : chosen->vrefresh * 1000;
	}
}

/* Names need the whole card: a connector's index counts the others of its type. */
static int name_connectors(struct gpu_card_info *info)
{
	size_t count = (size_t)info->connector_count;
	struct gpu_connector_ref *refs = calloc(count ? count : 1, sizeof(*refs));
	if (refs == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		refs[i] = (struct gpu_connector_ref){info->connectors[i].id,
						     info->connectors[i].type};
	}
	for (size_t i = 0; i < count; i++) {
		struct gpu_connector_info *c = &info->connectors[i];
		if (gpu_connector_name(c->name, sizeof(c->name), refs, count, i) < 0) {
			snprintf(c->name, sizeof(c->name), "connector-%u", c->id);
		}
	}
	free(refs);
	return 0;
}

int gpu_card_info_init(struct gpu_card_info *info, int fd)
{
	memset(info, 0, sizeof(*info));

	drmVersion *version = drmGetVersion(fd);
	if (version == NULL) {
		return errno != 0 ? -errno : -ENODEV;
	}
	snprintf(info->driver, sizeof(info->driver), "%.*s", version->name_len, version->name);
	drmFreeVersion(version);

	/*
	 * Atomic is probed, not assumed. Turning it off again also turns universal
	 * planes off in the kernel, so those are asked for afterwards: without them
	 * primary and cursor planes are hidden.
	 */
	info->atomic = drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
	if (info->atomic) {
		drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 0);
	}
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);

	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		/* Render-only or non-KMS devices have no resources: not a display card. */
		int err = errno != 0 ? -errno : -EOPNOTSUPP;
		return err;
	}
	info->crtc_count = res->count_crtcs;

	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	if (planes != NULL) {
		info->plane_count = (int)planes->count_planes;
		drmModeFreePlaneResources(planes);
	}

	int ret = 0;
	if (res->count_connectors > 0) {
		info->connectors = calloc((size_t)res->count_connectors, sizeof(*info->connectors));
		if (info->connectors == NULL) {
			ret = -ENOMEM;
			goto out_res;
		}
	}
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *conn = drmModeGetConnector(fd, res->connectors[i]);
		if (conn == NULL) {
			/* A connector can vanish between the two calls (MST unplug); skip it. */
			continue;
		}
		connector_info_fill(fd, &info->connectors[info->connector_count++], conn);
		drmModeFreeConnector(conn);
	}
	ret = name_connectors(info);
	if (ret < 0) {
		gpu_card_info_finish(info);
	}

out_res:
	drmModeFreeResources(res);
	return ret;
}

void gpu_card_info_finish(struct gpu_card_info *info)
{
	if (info == NULL) {
		return;
	}
	free(info->connectors);
	memset(info, 0, sizeof(*info));
}
