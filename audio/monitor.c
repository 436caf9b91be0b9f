/* A read-only live view of one seat's PipeWire, dispatched on the daemon's wl_event_loop. */
#include "audio.h"
#include "log.h"
#include "text.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server-core.h>

/* metadata.h uses struct spa_hook without declaring it: pipewire.h first. */
#include <pipewire/pipewire.h>

#include <pipewire/extensions/metadata.h>

/* The seat's PipeWire runs as the seat user: nothing it sends may grow us without bound. */
#define MAX_NODES 512
/* Past this many, PipeWire's error events are logged at debug level only. */
#define MAX_LOGGED_ERRORS 20

#define KEY_DEFAULT_SINK "default.audio.sink"
#define KEY_DEFAULT_SOURCE "default.audio.source"
#define KEY_CONFIGURED_SINK "default.configured.audio.sink"
#define METADATA_DEFAULT "default"

struct monitor_node {
	struct wl_list link; /* audio_monitor.nodes, by id */
	struct audio_monitor *monitor;
	uint32_t id;
	/* NULL when binding failed: then the global's props are all we have. */
	struct pw_node *proxy;
	struct spa_hook listener;
	/* What the latest props say; the name and description are set only when listed. */
	bool listed;
	enum audio_node_kind kind;
	char *name, *description;
	int card;
};

struct audio_monitor {
	const struct audio_monitor_events *events;
	void *data;
	char *path; /* for log lines */

	struct pw_loop *loop;
	struct wl_event_source *source;
	struct pw_context *context;
	struct pw_core *core;
	struct spa_hook core_listener;
	struct pw_registry *registry;
	struct spa_hook registry_listener;

	struct wl_list nodes; /* monitor_node.link */
	size_t n_nodes;
	bool too_many_logged;

	uint32_t metadata_id; /* SPA_ID_INVALID when no "default" metadata is bound */
	uint32_t metadata_permissions;
	struct pw_metadata *metadata;
	struct spa_hook metadata_listener;
	char *default_sink, *default_source;

	/* What audio_monitor_nodes returns, rebuilt before each `changed`. */
	struct audio_node *list;
	size_t list_count, list_size;

	int sync_seq;
	bool bound_since_sync; /* objects bound whose first events are not in yet */
	bool ready;
	bool dirty;
	bool lost;	   /* the connection is gone; set while PipeWire dispatches */
	bool disconnected; /* ... and torn down, `disconnected` called */
	unsigned int errors_logged;
};

/* spa_dict_lookup compares keys with strcmp: a hostile server can send a NULL key. */
static const char *dict_get(const struct spa_dict *dict, const char *key)
{
	if (dict == NULL || dict->items == NULL)
		return NULL;
	for (uint32_t i = 0; i < dict->n_items; i++) {
		const struct spa_dict_item *item = &dict->items[i];
		if (item->key != NULL && strcmp(item->key, key) == 0)
			return item->value;
	}
	return NULL;
}

static bool streq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A node.name we list: one we can hand out and write back as a default. */
static bool name_usable(const char *name)
{
	if (name == NULL)
		return false;
	size_t len = strnlen(name, AUDIO_NAME_MAX + 1);
	return len > 0 && len <= AUDIO_NAME_MAX && audio_text_is_clean(name, len);
}

/* An ALSA card number property: a plain decimal number, or -1. */
static int parse_card(const char *value)
{
	if (value == NULL || value[0] == '\0')
		return -1;
	int card = 0;
	for (const char *p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || card > 99999)
			return -1;
		card = card * 10 + (*p - '0');
	}
	return card;
}

/* spa_strerror negates its argument: an error code from the server may be INT_MIN. */
static const char *error_text(int res)
{
	return res < 0 && res > -4096 ? strerror(-res) : "unknown error";
}

static void log_pw_error(struct audio_monitor *monitor, uint32_t id, int res, const char *message)
{
	/* The server's words, on one line and not too many of them. */
	char *text = audio_text_copy_display(message, 256);
	const char *shown = text != NULL ? text : "";
	if (monitor->errors_logged < MAX_LOGGED_ERRORS) {
		monitor->errors_logged++;
		log_error("audio %s: PipeWire error on object %u: %s (%s)%s", monitor->path, id,
			  shown, error_text(res),
			  monitor->errors_logged == MAX_LOGGED_ERRORS
				  ? "; further errors are logged at debug level"
				  : "");
	} else {
		log_debug("audio %s: PipeWire error on object %u: %s (%s)", monitor->path, id,
			  shown, error_text(res));
	}
	free(text);
}

/* ---- nodes ---- */

static struct monitor_node *node_find(struct audio_monitor *monitor, uint32_t id)
{
	struct monitor_node *node;
	wl_list_for_each (node, &monitor->nodes, link) {
		if (node->id == id)
			return node;
	}
	return NULL;
}

/* Takes what the props say about the node; marks the monitor dirty when the view changes. */
static void node_apply_props(struct monitor_node *node, const struct spa_dict *props)
{
	struct audio_monitor *monitor = node->monitor;
	const char *class = dict_get(props, PW_KEY_MEDIA_CLASS);
	const char *name = dict_get(props, PW_KEY_NODE_NAME);
	bool listed = true;
	enum audio_node_kind kind = AUDIO_NODE_SINK;
	if (streq(class, "Audio/Sink"))
		kind = AUDIO_NODE_SINK;
	else if (streq(class, "Audio/Source"))
		kind = AUDIO_NODE_SOURCE;
	else
		listed = false;
	if (listed && !name_usable(name)) {
		log_debug("audio %s: node %u has no usable node.name: not listed", monitor->path,
			  node->id);
		listed = false;
	}

	char *new_name = NULL, *new_description = NULL;
	int card = -1;
	if (listed) {
		const char *description = dict_get(props, PW_KEY_NODE_DESCRIPTION);
		if (description == NULL || description[0] == '\0')
			description = dict_get(props, PW_KEY_NODE_NICK);
		if (description == NULL || description[0] == '\0')
			description = name;
		new_name = strdup(name);
		new_description = audio_text_copy_display(description, AUDIO_NAME_MAX);
		if (new_name == NULL || new_description == NULL) {
			log_error("audio %s: node %u: out of memory: not listed", monitor->path,
				  node->id);
			free(new_name);
			free(new_description);
			new_name = new_description = NULL;
			listed = false;
		}
		/*
		 * A device carries api.alsa.card; the ALSA nodes WirePlumber makes from it carry
		 * api.alsa.pcm.card and alsa.card instead.
		 */
		static const char *const card_keys[] = {"api.alsa.card", "api.alsa.pcm.card",
							"alsa.card"};
		for (size_t i = 0; card < 0 && i < sizeof(card_keys) / sizeof(card_keys[0]); i++)
			card = parse_card(dict_get(props, card_keys[i]));
	}

	if (listed == node->listed && kind == node->kind && card == node->card &&
	    streq(new_name, node->name) && streq(new_description, node->description)) {
		free(new_name);
		free(new_description);
		return;
	}
	free(node->name);
	free(node->description);
	node->listed = listed;
	node->kind = kind;
	node->card = card;
	node->name = new_name;
	node->description = new_description;
	monitor->dirty = true;
}

static void handle_node_info(void *data, const struct pw_node_info *info)
{
	struct monitor_node *node = data;
	/* The full props come with the first info and with every change of them. */
	if (info != NULL && (info->change_mask & PW_NODE_CHANGE_MASK_PROPS) && info->props != NULL)
		node_apply_props(node, info->props);
}

static const struct pw_node_events node_events = {
	PW_VERSION_NODE_EVENTS,
	.info = handle_node_info,
};

static void node_destroy(struct monitor_node *node)
{
	if (node->listed)
		node->monitor->dirty = true;
	if (node->proxy != NULL) {
		spa_hook_remove(&node->listener);
		pw_proxy_destroy((struct pw_proxy *)node->proxy);
	}
	node->monitor->n_nodes--;
	wl_list_remove(&node->link);
	free(node->name);
	free(node->description);
	free(node);
}

static void node_add(struct audio_monitor *monitor, uint32_t id, uint32_t version,
		     const struct spa_dict *props)
{
	/*
	 * The global's props carry media.class, node.name, node.description and node.nick but not
	 * api.alsa.card, and later changes only come as info events: bind every node that is or
	 * may become a sink or source (no media.class yet) to read its full props.
	 */
	const char *class = dict_get(props, PW_KEY_MEDIA_CLASS);
	if (class != NULL && !streq(class, "Audio/Sink") && !streq(class, "Audio/Source"))
		return;
	if (monitor->n_nodes >= MAX_NODES) {
		if (!monitor->too_many_logged) {
			log_error("audio %s: more than %d nodes: ignoring the rest", monitor->path,
				  MAX_NODES);
			monitor->too_many_logged = true;
		}
		return;
	}
	struct monitor_node *node = calloc(1, sizeof(*node));
	if (node == NULL) {
		log_error("audio %s: node %u: out of memory: not listed", monitor->path, id);
		return;
	}
	node->monitor = monitor;
	node->id = id;
	node->card = -1;
	struct monitor_node *before;
	wl_list_for_each (before, &monitor->nodes, link) {
		if (before->id > id)
			break;
	}
	wl_list_insert(before->link.prev, &node->link);
	monitor->n_nodes++;

	/* Listed once its info is in, so that it first shows with its card and all. */
	node->proxy = pw_registry_bind(monitor->registry, id, PW_TYPE_INTERFACE_Node,
				       SPA_MIN(version, (uint32_t)PW_VERSION_NODE), 0);
	if (node->proxy == NULL) {
		log_error("audio %s: cannot bind node %u: %s; listing it as its global says",
			  monitor->path, id, strerror(errno));
		node_apply_props(node, props);
		return;
	}
	pw_node_add_listener(node->proxy, &node->listener, &node_events, node);
	monitor->bound_since_sync = true;
}

/* ---- the "default" metadata ---- */

static void set_default(struct audio_monitor *monitor, char **slot, const char *name)
{
	if (streq(*slot, name))
		return;
	char *copy = NULL;
	if (name != NULL && (copy = strdup(name)) == NULL)
		log_error("audio %s: out of memory: default node %s forgotten", monitor->path,
			  name);
	free(*slot);
	*slot = copy;
	monitor->dirty = true;
}

static int handle_metadata_property(void *data, uint32_t subject, const char *key, const char *type,
				    const char *value)
{
	struct audio_monitor *monitor = data;
	if (subject != PW_ID_CORE)
		return 0;
	if (key == NULL) {
		/* Every property was removed. */
		set_default(monitor, &monitor->default_sink, NULL);
		set_default(monitor, &monitor->default_source, NULL);
		return 0;
	}
	char **slot;
	if (strcmp(key, KEY_DEFAULT_SINK) == 0)
		slot = &monitor->default_sink;
	else if (strcmp(key, KEY_DEFAULT_SOURCE) == 0)
		slot = &monitor->default_source;
	else
		return 0;
	char name[AUDIO_NAME_MAX + 1];
	if (value == NULL) {
		set_default(monitor, slot, NULL);
	} else if (audio_default_value_parse(value, name, sizeof(name)) < 0) {
		log_debug("audio %s: %s is not {\"name\": \"<node>\"}: taken as unset",
			  monitor->path, key);
		set_default(monitor, slot, NULL);
	} else {
		set_default(monitor, slot, name);
	}
	return 0;
}

static const struct pw_metadata_events metadata_events = {
	PW_VERSION_METADATA_EVENTS,
	.property = handle_metadata_property,
};

static void metadata_forget(struct audio_monitor *monitor)
{
	if (monitor->metadata != NULL) {
		spa_hook_remove(&monitor->metadata_listener);
		pw_proxy_destroy((struct pw_proxy *)monitor->metadata);
		monitor->metadata = NULL;
	}
	monitor->metadata_id = SPA_ID_INVALID;
	set_default(monitor, &monitor->default_sink, NULL);
	set_default(monitor, &monitor->default_source, NULL);
}

static void metadata_add(struct audio_monitor *monitor, uint32_t id, uint32_t permissions,
			 uint32_t version, const struct spa_dict *props)
{
	if (!streq(dict_get(props, PW_KEY_METADATA_NAME), METADATA_DEFAULT))
		return;
	if (monitor->metadata_id != SPA_ID_INVALID) {
		log_info("audio %s: a second \"default\" metadata (%u): following %u only",
			 monitor->path, id, monitor->metadata_id);
		return;
	}
	monitor->metadata = pw_registry_bind(monitor->registry, id, PW_TYPE_INTERFACE_Metadata,
					     SPA_MIN(version, (uint32_t)PW_VERSION_METADATA), 0);
	if (monitor->metadata == NULL) {
		log_error("audio %s: cannot bind the default metadata %u: %s", monitor->path, id,
			  strerror(errno));
		return;
	}
	pw_metadata_add_listener(monitor->metadata, &monitor->metadata_listener, &metadata_events,
				 monitor);
	monitor->metadata_id = id;
	monitor->metadata_permissions = permissions;
	monitor->bound_since_sync = true;
}

/* ---- registry and core ---- */

/* Drops what we follow under `id`: the global is gone, or its id was given out again. */
static void forget_global(struct audio_monitor *monitor, uint32_t id)
{
	struct monitor_node *node = node_find(monitor, id);
	if (node != NULL)
		node_destroy(node);
	if (id == monitor->metadata_id)
		metadata_forget(monitor);
}

static void handle_registry_global(void *data, uint32_t id, uint32_t permissions, const char *type,
				   uint32_t version, const struct spa_dict *props)
{
	struct audio_monitor *monitor = data;
	if (monitor->lost)
		return;
	forget_global(monitor, id);
	if (streq(type, PW_TYPE_INTERFACE_Node))
		node_add(monitor, id, version, props);
	else if (streq(type, PW_TYPE_INTERFACE_Metadata))
		metadata_add(monitor, id, permissions, version, props);
}

static void handle_registry_global_remove(void *data, uint32_t id)
{
	struct audio_monitor *monitor = data;
	if (monitor->lost)
		return;
	forget_global(monitor, id);
}

static const struct pw_registry_events registry_events = {
	PW_VERSION_REGISTRY_EVENTS,
	.global = handle_registry_global,
	.global_remove = handle_registry_global_remove,
};

static void handle_core_done(void *data, uint32_t id, int seq)
{
	struct audio_monitor *monitor = data;
	if (monitor->lost || monitor->ready || id != PW_ID_CORE || seq != monitor->sync_seq)
		return;
	if (monitor->bound_since_sync) {
		/* The replies to the binds come after this done: one more round trip. */
		monitor->bound_since_sync = false;
		monitor->sync_seq = pw_core_sync(monitor->core, PW_ID_CORE, monitor->sync_seq);
		return;
	}
	monitor->ready = true;
	monitor->dirty = true;
}

static void handle_core_error(void *data, uint32_t id, int seq, int res, const char *message)
{
	struct audio_monitor *monitor = data;
	if (monitor->lost)
		return;
	/* libpipewire reports a dead connection as this error on the core. */
	if (id == PW_ID_CORE && (res == -EPIPE || res == -ECONNRESET)) {
		log_info("audio %s: PipeWire closed the connection", monitor->path);
		monitor->lost = true;
		return;
	}
	/* A global removed while our bind of it was on the way: its global_remove follows. */
	if (id != PW_ID_CORE && res == -ENOENT) {
		log_debug("audio %s: object %u: %s", monitor->path, id,
			  message != NULL ? message : "gone");
		return;
	}
	log_pw_error(monitor, id, res, message);
}

static const struct pw_core_events core_events = {
	PW_VERSION_CORE_EVENTS,
	.done = handle_core_done,
	.error = handle_core_error,
};

/* Lets go of every proxy and the connection; the loop and context stay until destroy. */
static void monitor_disconnect(struct audio_monitor *monitor)
{
	struct monitor_node *node, *tmp;
	wl_list_for_each_safe (node, tmp, &monitor->nodes, link)
		node_destroy(node);
	metadata_forget(monitor);
	if (monitor->registry != NULL) {
		spa_hook_remove(&monitor->registry_listener);
		pw_proxy_destroy((struct pw_proxy *)monitor->registry);
		monitor->registry = NULL;
	}
	if (monitor->core != NULL) {
		spa_hook_remove(&monitor->core_listener);
		pw_core_disconnect(monitor->core);
		monitor->core = NULL;
	}
	monitor->list_count = 0;
	monitor->ready = false;
}

static void rebuild_list(struct audio_monitor *monitor)
{
	size_t count = 0;
	struct monitor_node *node;
	wl_list_for_each (node, &monitor->nodes, link) {
		if (node->listed)
			count++;
	}
	if (count > monitor->list_size) {
		struct audio_node *list = realloc(monitor->list, count * sizeof(*list));
		if (list == NULL) {
			log_error("audio %s: out of memory: the node list is empty until the next "
				  "change",
				  monitor->path);
			monitor->list_count = 0;
			return;
		}
		monitor->list = list;
		monitor->list_size = count;
	}
	size_t i = 0;
	wl_list_for_each (node, &monitor->nodes, link) {
		if (!node->listed)
			continue;
		monitor->list[i++] = (struct audio_node){
			.id = node->id,
			.kind = node->kind,
			.name = node->name,
			.description = node->description,
			.card = node->card,
		};
	}
	monitor->list_count = count;
}

static int handle_loop_readable(int fd, uint32_t mask, void *data)
{
	struct audio_monitor *monitor = data;
	pw_loop_enter(monitor->loop);
	int ret = pw_loop_iterate(monitor->loop, 0);
	pw_loop_leave(monitor->loop);
	if (ret < 0 && ret != -EINTR && ret != -EAGAIN)
		log_error("audio %s: PipeWire loop: %s", monitor->path, error_text(ret));

	/* Listeners run last: they may destroy the monitor. */
	if (monitor->lost) {
		if (monitor->disconnected)
			return 0;
		monitor_disconnect(monitor);
		monitor->disconnected = true;
		/* Inert from now on: nothing of ours is left on the PipeWire loop. */
		wl_event_source_remove(monitor->source);
		monitor->source = NULL;
		if (monitor->events->disconnected != NULL)
			monitor->events->disconnected(monitor->data);
		return 0;
	}
	if (monitor->ready && monitor->dirty) {
		monitor->dirty = false;
		rebuild_list(monitor);
		if (monitor->events->changed != NULL)
			monitor->events->changed(monitor->data);
	}
	return 0;
}

/* ---- create and destroy ---- */

static int connect_socket(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	/*
	 * Non-blocking: a Unix socket connects at once or fails (EAGAIN when the backlog is full),
	 * so a stuck PipeWire can never hold the daemon here.
	 */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static struct pw_context *context_create(struct pw_loop *loop)
{
	/*
	 * client.conf (from pipewire-bin, which runs the seats' PipeWire anyway), as every
	 * PipeWire client has: it loads the native protocol and the metadata interface, and sets
	 * PipeWire's own log level to 0, so that only our log lines reach the daemon's stderr.
	 * No D-Bus: a root daemon has no business on a user's bus.
	 */
	struct pw_properties *props =
		pw_properties_new(PW_KEY_CONFIG_NAME, "client.conf", "support.dbus", "false", NULL);
	if (props == NULL)
		return NULL;
	/*
	 * The context starts a data-loop thread. It must not take the daemon's signals, which the
	 * daemon blocks and reads with signalfd on its own thread: a thread is born with its
	 * creator's mask, so block every signal around its birth.
	 */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	struct pw_context *context = pw_context_new(loop, props, 0);
	int saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return context;
}

struct audio_monitor *audio_monitor_create(struct wl_event_loop *loop, const char *socket_path,
					   const struct audio_monitor_events *events, void *data)
{
	int ret = -EINVAL;
	if (socket_path == NULL || socket_path[0] != '/') {
		log_error("audio: PipeWire socket path %s is not absolute",
			  socket_path != NULL ? socket_path : "(none)");
		goto fail;
	}
	ret = -ENOMEM;
	struct audio_monitor *monitor = calloc(1, sizeof(*monitor));
	if (monitor == NULL) {
		log_error("audio %s: out of memory", socket_path);
		goto fail;
	}
	static const struct audio_monitor_events no_events = {0};
	monitor->events = events != NULL ? events : &no_events;
	monitor->data = data;
	monitor->metadata_id = SPA_ID_INVALID;
	wl_list_init(&monitor->nodes);
	monitor->path = strdup(socket_path);
	if (monitor->path == NULL) {
		log_error("audio %s: out of memory", socket_path);
		goto free_monitor;
	}

	/* Counted since 0.3.49: every monitor holds one reference. */
	pw_init(NULL, NULL);
	monitor->loop = pw_loop_new(NULL);
	if (monitor->loop == NULL) {
		ret = -errno;
		log_error("audio %s: cannot create a PipeWire loop: %s", socket_path,
			  strerror(errno));
		goto deinit;
	}
	monitor->context = context_create(monitor->loop);
	if (monitor->context == NULL) {
		ret = -errno;
		log_error("audio %s: cannot create a PipeWire context: %s", socket_path,
			  strerror(errno));
		goto destroy_loop;
	}
	int fd = connect_socket(socket_path);
	if (fd < 0) {
		ret = fd;
		log_error("audio %s: cannot connect to PipeWire: %s", socket_path, strerror(-fd));
		goto destroy_context;
	}
	/* Takes the fd, but for when it fails before taking it: then it is still ours. */
	monitor->core = pw_context_connect_fd(monitor->context, fd, NULL, 0);
	if (monitor->core == NULL) {
		ret = -errno;
		log_error("audio %s: cannot set up the PipeWire connection: %s", socket_path,
			  strerror(errno));
		close(fd);
		goto destroy_context;
	}
	pw_core_add_listener(monitor->core, &monitor->core_listener, &core_events, monitor);
	monitor->registry = pw_core_get_registry(monitor->core, PW_VERSION_REGISTRY, 0);
	if (monitor->registry == NULL) {
		ret = -errno;
		log_error("audio %s: cannot get the PipeWire registry: %s", socket_path,
			  strerror(errno));
		goto disconnect;
	}
	pw_registry_add_listener(monitor->registry, &monitor->registry_listener, &registry_events,
				 monitor);
	monitor->sync_seq = pw_core_sync(monitor->core, PW_ID_CORE, 0);
	monitor->source = wl_event_loop_add_fd(loop, pw_loop_get_fd(monitor->loop),
					       WL_EVENT_READABLE, handle_loop_readable, monitor);
	if (monitor->source == NULL) {
		ret = -errno;
		log_error("audio %s: cannot watch the PipeWire loop: %s", socket_path,
			  strerror(errno));
		goto disconnect;
	}
	log_debug("audio %s: connected", socket_path);
	return monitor;

disconnect:
	monitor_disconnect(monitor);
destroy_context:
	pw_context_destroy(monitor->context);
destroy_loop:
	pw_loop_destroy(monitor->loop);
deinit:
	pw_deinit();
	free(monitor->path);
free_monitor:
	free(monitor);
fail:
	errno = -ret;
	return NULL;
}

void audio_monitor_destroy(struct audio_monitor *monitor)
{
	if (monitor == NULL)
		return;
	if (monitor->source != NULL)
		wl_event_source_remove(monitor->source);
	monitor_disconnect(monitor);
	pw_context_destroy(monitor->context);
	pw_loop_destroy(monitor->loop);
	pw_deinit();
	free(monitor->default_sink);
	free(monitor->default_source);
	free(monitor->list);
	free(monitor->path);
	free(monitor);
}

/* ---- queries ---- */

bool audio_monitor_ready(const struct audio_monitor *monitor)
{
	return monitor->ready;
}

const struct audio_node *audio_monitor_nodes(const struct audio_monitor *monitor, size_t *count)
{
	*count = monitor->list_count;
	return monitor->list;
}

const char *audio_monitor_default_sink(const struct audio_monitor *monitor)
{
	return monitor->default_sink;
}

const char *audio_monitor_default_source(const struct audio_monitor *monitor)
{
	return monitor->default_source;
}

int audio_monitor_set_default_sink(struct audio_monitor *monitor, const char *node_name)
{
	char value[2 * AUDIO_NAME_MAX + 32];
	if (node_name == NULL || strnlen(node_name, AUDIO_NAME_MAX + 1) > AUDIO_NAME_MAX ||
	    audio_default_value_format(value, sizeof(value), node_name) < 0)
		return -EINVAL;
	if (monitor->lost)
		return -ENOTCONN;
	if (monitor->metadata == NULL)
		return -ENOENT;
	if (!(monitor->metadata_permissions & PW_PERM_W))
		return -EACCES;
	int res = pw_metadata_set_property(monitor->metadata, PW_ID_CORE, KEY_CONFIGURED_SINK,
					   "Spa:String:JSON", value);
	return res < 0 ? res : 0;
}
