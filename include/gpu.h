/* GPU library: what a DRM card offers (connectors, modes, planes), leases of it, KMS output. */
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

/*
 * What a monitor says about itself in its EDID (base block only). Strings are printable
 * ASCII, trimmed, "" when the EDID has none.
 */
struct gpu_edid {
	char vendor[4];		/* the PNP id, e.g. "DEL"; "" when not three letters */
	uint16_t product;	/* the manufacturer's product code */
	uint32_t serial_number; /* bytes 12-15; 0: none */
	char serial[14];	/* display descriptor 0xFF */
	char model[14];		/* display descriptor 0xFC, the monitor's name */
};

/*
 * Reads an EDID (the connector's "EDID" property blob: whole 128-byte blocks, the base block
 * first). 0; -EINVAL when `size` is not a whole number of blocks (at least one); -EBADMSG
 * when the base block's header, version (1.x) or checksum is wrong. Extension blocks are not
 * read. On an error `edid` is all empty.
 */
int gpu_edid_parse(const uint8_t *data, size_t size, struct gpu_edid *edid);
/*
 * The serial to show: the 0xFF descriptor's text, else the 32-bit number in decimal (into
 * `buf`), else NULL.
 */
const char *gpu_edid_serial(const struct gpu_edid *edid, char *buf, size_t size);

struct gpu_connector_info {
	uint32_t id;
	uint32_t type; /* DRM_MODE_CONNECTOR_* */
	/*
	 * The name that survives reboots (gpu_connector_name): "<type>-<n>" for the n-th
	 * connector of that type on this card by connector id, e.g. "Virtual-2".
	 */
	char name[32];
	/*
	 * As the kernel names it in sysfs: "<type>-<type id>", where the number counts
	 * connectors of that type across all cards in probe order, e.g. "Virtual-3".
	 */
	char kernel_name[32];
	enum gpu_connector_status status;
	uint32_t mm_width, mm_height;
	/* The preferred mode, or the first one; 0x0 when there is none. */
	uint32_t width, height, refresh_mhz;
	int mode_count;
	bool has_edid; /* the connector has an EDID and gpu_edid_parse took it */
	struct gpu_edid edid;
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
int gpu_connector_format_name(char *buf, size_t size, uint32_t connector_type, uint32_t index);

/* A connector as the naming needs it: its KMS object id and DRM_MODE_CONNECTOR_* type. */
struct gpu_connector_ref {
	uint32_t id;
	uint32_t type;
};

/*
 * The 1-based index of connectors[which] among the connectors of its type in `connectors`
 * (all of one card), ordered by connector id; 0 when `which` is out of range. Connector ids
 * are per card and the driver creates its connectors in a fixed order, so the index does not
 * depend on other cards or on which driver probed first, unlike the kernel's type id.
 */
unsigned int gpu_connector_card_index(const struct gpu_connector_ref *connectors, size_t count,
				      size_t which);
/*
 * The output name multiseat uses for connectors[which]: its type and card index,
 * "<type>-<index>" (gpu_connector_format_name). `connectors` must be every connector of the
 * card (a primary node's view, not a lease's). 0, -EINVAL (`which` out of range) or -ENOSPC.
 */
int gpu_connector_name(char *buf, size_t size, const struct gpu_connector_ref *connectors,
		       size_t count, size_t which);

/*
 * DRM leases: the master of a card hands a connector, a CRTC for it and that
 * CRTC's planes to another file (the lessee fd), which can then modeset them
 * and nothing else. One gpu_lessor per card fd keeps track of what its live
 * leases hold, because the kernel tells a lessor neither which objects it has
 * leased out nor which CRTC would be free for a connector.
 */

struct gpu_lessor;
struct gpu_lease;

/* What a lease holds for one of its connectors. */
struct gpu_lease_output {
	/* As the kernel names the connector in sysfs, e.g. "Virtual-2". */
	char name[32];
	uint32_t connector_id;
	uint32_t crtc_id;
	uint32_t primary_plane_id;
	/* 0 when no cursor plane was free for the CRTC. */
	uint32_t cursor_plane_id;
};

/*
 * Keeps the books of leases made from `card_fd`, a card node on which the
 * caller is (and stays) DRM master. The fd stays the caller's: it is not
 * closed, and must outlive the lessor. Use one lessor per card: two would not
 * know each other's leases. Returns NULL with errno set (ENOMEM) on failure.
 */
struct gpu_lessor *gpu_lessor_create(int card_fd);
/* Destroys the leases still on it (see gpu_lease_destroy), then itself. */
void gpu_lessor_destroy(struct gpu_lessor *lessor);

/*
 * Leases `connector_ids` (ids on the lessor's fd), each with a CRTC it can
 * drive, that CRTC's primary plane and, when one is free, its cursor plane.
 * CRTCs and planes held by live leases of this lessor are never picked; a
 * connector keeps the CRTC lighting it when that one is free, and a CRTC
 * lighting some other connector is turned off before it is leased. A lease
 * whose lessee fds have all been closed has ended in the kernel: this asks the
 * kernel which lessees remain, and the objects of ended leases are free again.
 * `flags` are those of the lessee fd: O_CLOEXEC, O_NONBLOCK.
 *
 * Returns NULL with errno set (and logs why): EINVAL for no connectors or one
 * named twice, ENOENT for an unknown connector, EBUSY for a connector that a
 * live lease holds, ENOSPC when no free CRTC or primary plane is left for a
 * connector, EACCES when the caller is not DRM master, or what the kernel said.
 */
struct gpu_lease *gpu_lease_create(struct gpu_lessor *lessor, const uint32_t *connector_ids,
				   size_t n_connectors, int flags);
/*
 * Takes the objects away from the lessee (drmModeRevokeLease) and turns its
 * CRTCs off, so that nothing the lessee drew stays on screen. The lessee fd
 * stays open but can no longer see or touch any KMS object; the objects are
 * free for new leases. Revoking twice returns 0 and does nothing; so does
 * revoking a lease that ended because all its fds were closed, but for turning
 * its CRTCs off. Returns 0 or -errno (logged); failing to turn a CRTC off is
 * logged but not an error: the revoke took place.
 */
int gpu_lease_revoke(struct gpu_lease *lease);
/* Revokes the lease if it is live, closes its fd unless taken, frees it. NULL: nothing. */
void gpu_lease_destroy(struct gpu_lease *lease);

/*
 * The lessee fd, still owned by the lease: valid until gpu_lease_destroy.
 * Send it over a Unix socket as it is (SCM_RIGHTS duplicates it). -1 once
 * taken.
 */
int gpu_lease_get_fd(const struct gpu_lease *lease);
/*
 * Hands the lessee fd over to the caller, who closes it; the lease then has
 * none (-1). The kernel ends the lease when every copy of the fd is closed.
 */
int gpu_lease_take_fd(struct gpu_lease *lease);
/* The kernel's id of the lessee, as drmModeListLessees reports it. */
uint32_t gpu_lease_get_lessee_id(const struct gpu_lease *lease);
/* The outputs of the lease, one per connector in the order asked for; *count is set. */
const struct gpu_lease_output *gpu_lease_get_outputs(const struct gpu_lease *lease, size_t *count);

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
	/*
	 * As the kernel names the connector in sysfs, e.g. "Virtual-1": on a lease the other
	 * connectors of the card are out of sight, so gpu_connector_name cannot be worked out.
	 */
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
