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

/*
 * KMS output: every connected connector of a card or a DRM lease driven with two
 * dumb buffers (XRGB8888), a modeset on its first frame and page flips after that.
 */

struct gpu_kms;

struct gpu_kms_rect {
	int x, y, width, height;
};

/* Read-only for users, except user_data. */
struct gpu_kms_output {
	/* As the kernel names the connector in sysfs, e.g. "Virtual-1". */
	char name[32];
	uint32_t connector_id, crtc_id;
	/* Of the mode in use: the preferred one, else the first. */
	int width, height;
	int refresh_mhz;
	int mm_width, mm_height;
	/* The user's; the library never reads or writes it. */
	void *user_data;
};

/* The back buffer to draw the next frame into. */
struct gpu_kms_buffer {
	void *data; /* mmap'd dumb buffer, DRM_FORMAT_XRGB8888 */
	int width, height;
	int stride; /* in bytes */
	/*
	 * 0: contents undefined; n: holds what was drawn n frames ago (2 with
	 * double buffering once both buffers have been shown).
	 */
	int age;
};

/*
 * Listeners are never called from inside gpu_kms_output_begin/commit; they may
 * call begin, commit and rescan, but not gpu_kms_destroy.
 */
struct gpu_kms_listener {
	/* A commit has completed (its modeset too): the new frame is on screen. */
	void (*frame_done)(void *data, struct gpu_kms_output *output,
			   uint64_t time_ns /* CLOCK_MONOTONIC */, unsigned int sequence);
	/*
	 * During gpu_kms_create (before it has returned the gpu_kms) and
	 * gpu_kms_rescan: a connector is connected and now has an output.
	 */
	void (*output_added)(void *data, struct gpu_kms_output *output);
	/*
	 * During gpu_kms_rescan: the connector is gone, disconnected or has a new
	 * preferred mode (it is then added again). The output is freed after this
	 * returns. gpu_kms_destroy does not call it.
	 */
	void (*output_removed)(void *data, struct gpu_kms_output *output);
};

/*
 * Takes over `fd`, a card node or a DRM lease; the caller keeps the fd and
 * closes it after gpu_kms_destroy. Uses atomic KMS when the driver offers it
 * and MULTISEAT_KMS_LEGACY is not "1". Every connected connector it may drive
 * gets a CRTC, that CRTC's primary plane and two dumb buffers; output_added is
 * called for each. Returns NULL with errno set on failure (and logs it).
 */
struct gpu_kms *gpu_kms_create(int fd, const struct gpu_kms_listener *listener, void *data);
/* Frees outputs and buffers (removing the shown buffer turns its CRTC off); does not close fd. */
void gpu_kms_destroy(struct gpu_kms *kms);
bool gpu_kms_is_atomic(const struct gpu_kms *kms);
/* Poll it for readability, then call gpu_kms_dispatch. */
int gpu_kms_get_fd(const struct gpu_kms *kms);
/* Reads pending DRM events and calls frame_done; never blocks. 0 or -errno. */
int gpu_kms_dispatch(struct gpu_kms *kms);

/* Fills `buffer` with the buffer to draw into; -EBUSY while a commit is pending on the output. */
int gpu_kms_output_begin(struct gpu_kms *kms, struct gpu_kms_output *output,
			 struct gpu_kms_buffer *buffer);
/*
 * Shows the buffer last returned by begin: the first commit of an output is a
 * modeset, later ones page flips; each ends in one frame_done. `damage` lists
 * what changed since the previous frame (NULL or n_damage 0: everything); it
 * becomes FB_DAMAGE_CLIPS where the plane has them. Returns 0 or -errno
 * (-EINVAL without begin, -EBUSY while a commit is pending).
 */
int gpu_kms_output_commit(struct gpu_kms *kms, struct gpu_kms_output *output,
			  const struct gpu_kms_rect *damage, int n_damage);

/*
 * Re-reads the connectors (on a udev "change" event with HOTPLUG=1 for the
 * card): outputs whose connector went away are turned off and removed,
 * newly connected connectors get outputs. Returns 0 or -errno.
 */
int gpu_kms_rescan(struct gpu_kms *kms);

#endif
