/*
 * Audio library: who may open a seat's sound cards (ACLs), and a read-only live view of one
 * seat's PipeWire (sinks, sources, defaults).
 */
#ifndef MULTISEAT_AUDIO_H
#define MULTISEAT_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct wl_event_loop;
struct audio_monitor;

/* No named user: only the node's owner and group (root, audio) may open it. */
#define AUDIO_NO_USER ((uid_t)-1)

/*
 * Makes `uid` (read and write) the only named user in the access ACL of `path`, a device
 * node; AUDIO_NO_USER removes every named user. The owner, group and other entries stay as
 * udev made them. Returns 1 when the ACL changed, 0 when it was already so (nothing is
 * written, so watchers of the node see no attribute change), or a negative errno
 * (-EOPNOTSUPP: the filesystem has no ACLs).
 */
int audio_acl_set_user(const char *path, uid_t uid);

#define AUDIO_ACL_READ 4u
#define AUDIO_ACL_WRITE 2u
#define AUDIO_ACL_EXECUTE 1u
/*
 * The same with the permissions `mode` (AUDIO_ACL_*) for any file or directory: a desk's
 * sockets and their directories are opened to the user logged in at it this way.
 */
int audio_acl_set_user_mode(const char *path, uid_t uid, unsigned mode);

/*
 * Longest node.name (and default node name) the monitor keeps, in bytes without the NUL. A
 * node with a longer name is not listed; a longer node.description is cut to this length.
 */
#define AUDIO_NAME_MAX 1023

enum audio_node_kind {
	AUDIO_NODE_SINK,
	AUDIO_NODE_SOURCE,
};

struct audio_node {
	uint32_t id; /* the PipeWire global id */
	/* media.class Audio/Sink or Audio/Source; nodes of any other class are not listed. */
	enum audio_node_kind kind;
	const char *name; /* node.name */
	/* node.description, or node.nick, or node.name; control characters become spaces. */
	const char *description;
	int card; /* api.alsa.card as a number; -1 when not an ALSA node */
};

/*
 * Called from the event loop, never from inside an audio_monitor_* call. A listener may call
 * audio_monitor_destroy on its monitor.
 */
struct audio_monitor_events {
	/*
	 * Nodes or defaults changed. Not called until the monitor is ready; then once on becoming
	 * ready, and once per event-loop dispatch in which anything changed.
	 */
	void (*changed)(void *data);
	/*
	 * The connection is gone (PipeWire exited, closed it, or refused us), maybe before the
	 * monitor was ever ready. Called once; after it the monitor is inert until destroyed: not
	 * ready, no nodes, no defaults.
	 */
	void (*disconnected)(void *data);
};

/*
 * Connects to the PipeWire socket at `socket_path` (absolute) and follows its nodes and its
 * "default" metadata, dispatching on `loop`; nothing blocks. Several monitors may live in one
 * process (one per seat). Returns NULL with errno set, and logs why: EINVAL for a relative
 * path, ENAMETOOLONG, ECONNREFUSED or ENOENT when nothing listens there, EAGAIN when the
 * server's backlog is full, or what libpipewire said.
 */
struct audio_monitor *audio_monitor_create(struct wl_event_loop *loop, const char *socket_path,
					   const struct audio_monitor_events *events, void *data);
/* Disconnects and frees everything; NULL: nothing. */
void audio_monitor_destroy(struct audio_monitor *monitor);

/*
 * Whether the initial picture is complete: every global listed, and the properties of the
 * nodes and the "default" metadata read (core syncs until no bind is outstanding).
 */
bool audio_monitor_ready(const struct audio_monitor *monitor);

/* Sinks and sources, sorted by id; *count is set. Valid until the next event dispatch. */
const struct audio_node *audio_monitor_nodes(const struct audio_monitor *monitor, size_t *count);

/*
 * node.name of the default sink/source from the "default" metadata (keys default.audio.sink /
 * default.audio.source, value {"name": "..."}); NULL when there is none or it is unreadable.
 * Valid until the next event dispatch.
 */
const char *audio_monitor_default_sink(const struct audio_monitor *monitor);
const char *audio_monitor_default_source(const struct audio_monitor *monitor);

/*
 * Makes `node_name` the configured default sink as `wpctl set-default` does: sets
 * default.configured.audio.sink = { "name": "<node_name>" } (Spa:String:JSON) in the
 * "default" metadata; the session manager then switches default.audio.sink to it. The node
 * need not exist yet. Returns 0 once the request is queued, -EINVAL for an empty, too long or
 * unencodable name, -ENOENT when there is no "default" metadata (yet), -EACCES when PipeWire
 * does not let us write it, -ENOTCONN after disconnection, or another negative errno.
 */
int audio_monitor_set_default_sink(struct audio_monitor *monitor, const char *node_name);

/* ---- the default-node metadata value (default_value.c) ---- */

/*
 * Reads the node name out of a default-node metadata value, an object {"name": "..."} in the
 * relaxed JSON that PipeWire and WirePlumber use. Writes it into `name` (`size` bytes).
 * Returns 0, -EINVAL when `value` is not such an object or the name is empty, not a string or
 * has control characters, or -ENAMETOOLONG when it does not fit.
 */
int audio_default_value_parse(const char *value, char *name, size_t size);

/*
 * Writes { "name": "<name>" } into `buf`, escaped so that audio_default_value_parse reads
 * `name` back. Returns the length written, -EINVAL when `name` cannot be written so (empty,
 * control characters, invalid UTF-8), or -ENOSPC when it does not fit.
 */
int audio_default_value_format(char *buf, size_t size, const char *name);

#endif
