/* GPU library: what a DRM card offers (connectors, modes, planes) and, later, leases of it. */
#ifndef MULTISEAT_GPU_H
#define MULTISEAT_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gpu_connector_status {
	GPU_CONNECTOR_CONNECTED,
	GPU_CONNECTOR_DISCONNECTED,
	GPU_CONNECTOR_UNKNOWN,
};

struct gpu_connector_info {
	uint32_t id;
	/* As the kernel names it in sysfs: "<type>-<type index>", e.g. "Virtual-2". */
	char name[32];
	enum gpu_connector_status status;
	uint32_t mm_width, mm_height;
	/* The preferred mode, or the first one; 0x0 when there is none. */
	uint32_t width, height, refresh_mhz;
	int mode_count;
};

struct gpu_card_info {
	char driver[32];
	bool atomic;
	int crtc_count;
	int plane_count;
	int connector_count;
	struct gpu_connector_info *connectors;
};

/*
 * Reads what the card behind `fd` offers without changing anything on it.
 * Returns 0 or a negative errno; on success the caller owns `info` and
 * releases it with gpu_card_info_finish().
 */
int gpu_card_info_init(struct gpu_card_info *info, int fd);
void gpu_card_info_finish(struct gpu_card_info *info);

const char *gpu_connector_status_name(enum gpu_connector_status status);

/* Formats "<type>-<index>" into `buf`; returns -ENOSPC when it does not fit. */
int gpu_connector_format_name(char *buf, size_t size, uint32_t connector_type,
			      uint32_t connector_type_id);

#endif
