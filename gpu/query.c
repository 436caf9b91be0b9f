/* KMS object queries shared by the gpu library's files: properties, plane types, usable CRTCs. */
#include "query.h"

#include <string.h>
#include <xf86drm.h>

int gpu_object_get_props(int fd, uint32_t obj_id, uint32_t obj_type,
			 const struct gpu_prop_want *want, size_t count)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj_id, obj_type);
	if (props == NULL) {
		return neg_errno();
	}
	for (uint32_t i = 0; i < props->count_props; i++) {
		drmModePropertyRes *prop = drmModeGetProperty(fd, props->props[i]);
		if (prop == NULL) {
			continue;
		}
		for (size_t j = 0; j < count; j++) {
			if (strncmp(prop->name, want[j].name, DRM_PROP_NAME_LEN) != 0) {
				continue;
			}
			if (want[j].id != NULL) {
				*want[j].id = prop->prop_id;
			}
			if (want[j].value != NULL) {
				*want[j].value = props->prop_values[i];
			}
		}
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return 0;
}

uint64_t gpu_plane_get_type(int fd, uint32_t plane_id)
{
	uint64_t type = DRM_PLANE_TYPE_OVERLAY;
	gpu_object_get_props(fd, plane_id, DRM_MODE_OBJECT_PLANE,
			     &(struct gpu_prop_want){"type", NULL, &type}, 1);
	return type;
}

uint32_t gpu_connector_get_crtc_mask(int fd, const drmModeConnector *conn)
{
	uint32_t mask = 0;
	for (int i = 0; i < conn->count_encoders; i++) {
		drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoders[i]);
		if (enc != NULL) {
			mask |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
	}
	return mask;
}

int gpu_connector_get_current_crtc(int fd, const drmModeRes *res, const drmModeConnector *conn)
{
	if (conn->encoder_id == 0) {
		return -1;
	}
	drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoder_id);
	if (enc == NULL) {
		return -1;
	}
	int found = -1;
	for (int i = 0; i < res->count_crtcs && enc->crtc_id != 0; i++) {
		if (res->crtcs[i] == enc->crtc_id) {
			found = i;
		}
	}
	drmModeFreeEncoder(enc);
	return found;
}
