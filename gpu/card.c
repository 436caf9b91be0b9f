/* Read-only description of a DRM card: driver, connectors with their status and preferred mode. */
#include "gpu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

int gpu_connector_format_name(char *buf, size_t size, uint32_t connector_type,
			      uint32_t connector_type_id)
{
	const char *type = drmModeGetConnectorTypeName(connector_type);
	int n = snprintf(buf, size, "%s-%u", type != NULL ? type : "Unknown", connector_type_id);
	if (n < 0 || (size_t)n >= size) {
		return -ENOSPC;
	}
	return 0;
}

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

static void connector_info_fill(struct gpu_connector_info *out, const drmModeConnector *conn)
{
	out->id = conn->connector_id;
	if (gpu_connector_format_name(out->name, sizeof(out->name), conn->connector_type,
				      conn->connector_type_id) < 0) {
		snprintf(out->name, sizeof(out->name), "connector-%u", conn->connector_id);
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
		connector_info_fill(&info->connectors[info->connector_count++], conn);
		drmModeFreeConnector(conn);
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
