/* Internal to the gpu library: KMS object queries that kms.c and lease.c share. */
#ifndef MULTISEAT_GPU_QUERY_H
#define MULTISEAT_GPU_QUERY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drmMode.h>

/* libdrm returns -1 with errno set, and some paths leave errno 0: never report success. */
static inline int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

struct gpu_prop_want {
	const char *name;
	uint32_t *id;
	uint64_t *value;
};

/*
 * Reads the ids and values of named properties of a KMS object; those it
 * lacks are left alone. Returns 0 or -errno.
 */
int gpu_object_get_props(int fd, uint32_t obj_id, uint32_t obj_type,
			 const struct gpu_prop_want *want, size_t count);

/* The plane's "type" property (DRM_PLANE_TYPE_*); overlay when it cannot be read. */
uint64_t gpu_plane_get_type(int fd, uint32_t plane_id);

/*
 * The CRTCs the connector's encoders can drive, as a mask of indices into
 * drmModeGetResources()->crtcs of the same fd (renumbered for a lease).
 */
uint32_t gpu_connector_get_crtc_mask(int fd, const drmModeConnector *conn);

/* The index in res->crtcs of the CRTC lighting the connector now, or -1. */
int gpu_connector_get_current_crtc(int fd, const drmModeRes *res, const drmModeConnector *conn);

#endif
