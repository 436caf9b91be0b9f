/*
 * Test driver for the audio monitor: one monitor per socket given, its state as JSON lines on
 * stdout; commands on stdin: open PATH, default I NAME, state I, close I, quit.
 */
#include "audio.h"
#include "log.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wayland-server-core.h>

#define MAX_MONITORS 8

struct driver;

struct slot {
	struct driver *driver;
	int index;
	struct audio_monitor *monitor;
};

struct driver {
	struct wl_event_loop *loop;
	struct slot slots[MAX_MONITORS];
	int n_slots;
	bool destroy_on_disconnect;
	bool quit;
	char line[8192];
	size_t line_len;
};

static void print_object(struct json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(obj);
}

static struct json_object *string_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static void print_state(struct slot *slot, const char *event)
{
	struct json_object *obj = json_object_new_object();
	json_object_object_add(obj, "event", json_object_new_string(event));
	json_object_object_add(obj, "monitor", json_object_new_int(slot->index));
	json_object_object_add(obj, "ready",
			       json_object_new_boolean(audio_monitor_ready(slot->monitor)));
	size_t count;
	const struct audio_node *nodes = audio_monitor_nodes(slot->monitor, &count);
	struct json_object *list = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		struct json_object *node = json_object_new_object();
		json_object_object_add(node, "id", json_object_new_int64(nodes[i].id));
		json_object_object_add(node, "kind",
				       json_object_new_string(nodes[i].kind == AUDIO_NODE_SINK
								      ? "sink"
								      : "source"));
		json_object_object_add(node, "name", json_object_new_string(nodes[i].name));
		json_object_object_add(node, "description",
				       json_object_new_string(nodes[i].description));
		json_object_object_add(node, "card", json_object_new_int(nodes[i].card));
		json_object_array_add(list, node);
	}
	json_object_object_add(obj, "nodes", list);
	json_object_object_add(obj, "default_sink",
			       string_or_null(audio_monitor_default_sink(slot->monitor)));
	json_object_object_add(obj, "default_source",
			       string_or_null(audio_monitor_default_source(slot->monitor)));
	print_object(obj);
}

static void print_result(const char *event, int index, int result)
{
	struct json_object *obj = json_object_new_object();
	json_object_object_add(obj, "event", json_object_new_string(event));
	json_object_object_add(obj, "monitor", json_object_new_int(index));
	json_object_object_add(obj, "result", json_object_new_int(result));
	print_object(obj);
}

static void handle_changed(void *data)
{
	print_state(data, "changed");
}

static void handle_disconnected(void *data)
{
	struct slot *slot = data;
	if (slot->driver->destroy_on_disconnect) {
		/* What the daemon will do: drop the monitor from inside the listener. */
		audio_monitor_destroy(slot->monitor);
		slot->monitor = NULL;
		print_result("disconnected", slot->index, 0);
		return;
	}
	print_state(slot, "disconnected");
}

static const struct audio_monitor_events monitor_events = {
	.changed = handle_changed,
	.disconnected = handle_disconnected,
};

static struct slot *slot_get(struct driver *driver, const char *arg)
{
	char *end;
	long index = strtol(arg, &end, 10);
	if (end == arg || index < 0 || index >= driver->n_slots)
		return NULL;
	return &driver->slots[index];
}

static int slot_open(struct driver *driver, const char *path)
{
	struct slot *slot = &driver->slots[driver->n_slots];
	slot->driver = driver;
	slot->index = driver->n_slots++;
	slot->monitor = audio_monitor_create(driver->loop, path, &monitor_events, slot);
	if (slot->monitor == NULL) {
		int err = errno;
		fprintf(stderr, "audiomon: %s: %s\n", path, strerror(err));
		print_result("create-failed", slot->index, -err);
		return -err;
	}
	print_result("opened", slot->index, 0);
	return 0;
}

/* "open PATH", "default I NAME", "state I", "close I", "quit". */
static void run_command(struct driver *driver, char *line)
{
	char *rest = NULL;
	char *verb = strtok_r(line, " ", &rest);
	if (verb == NULL)
		return;
	if (strcmp(verb, "quit") == 0) {
		driver->quit = true;
		return;
	}
	if (strcmp(verb, "open") == 0) {
		if (driver->n_slots == MAX_MONITORS) {
			fprintf(stderr, "audiomon: no room for another monitor\n");
			print_result("bad-command", -1, -ENOSPC);
			return;
		}
		slot_open(driver, rest);
		return;
	}
	char *arg = strtok_r(NULL, " ", &rest);
	struct slot *slot = arg != NULL ? slot_get(driver, arg) : NULL;
	if (slot == NULL || slot->monitor == NULL) {
		fprintf(stderr, "audiomon: no monitor for '%s %s'\n", verb, arg != NULL ? arg : "");
		print_result("bad-command", -1, -EINVAL);
		return;
	}
	if (strcmp(verb, "default") == 0) {
		/* The rest of the line, spaces and all, is the name. */
		print_result("set-default", slot->index,
			     audio_monitor_set_default_sink(slot->monitor, rest));
	} else if (strcmp(verb, "state") == 0) {
		print_state(slot, "state");
	} else if (strcmp(verb, "close") == 0) {
		audio_monitor_destroy(slot->monitor);
		slot->monitor = NULL;
		print_result("closed", slot->index, 0);
	} else {
		fprintf(stderr, "audiomon: unknown command '%s'\n", verb);
		print_result("bad-command", slot->index, -EINVAL);
	}
}

static int handle_stdin(int fd, uint32_t mask, void *data)
{
	struct driver *driver = data;
	ssize_t n = read(fd, driver->line + driver->line_len,
			 sizeof(driver->line) - 1 - driver->line_len);
	if (n <= 0) {
		driver->quit = true;
		return 0;
	}
	driver->line_len += (size_t)n;
	char *start = driver->line;
	char *newline;
	while ((newline = memchr(start, '\n', driver->line_len - (size_t)(start - driver->line)))) {
		*newline = '\0';
		run_command(driver, start);
		start = newline + 1;
	}
	driver->line_len -= (size_t)(start - driver->line);
	memmove(driver->line, start, driver->line_len);
	if (driver->line_len == sizeof(driver->line) - 1) {
		fprintf(stderr, "audiomon: command line too long\n");
		driver->quit = true;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct driver driver = {0};
	enum log_level level = LOG_LEVEL_INFO;
	const char *env = getenv("AUDIOMON_LOG");
	if (env != NULL && log_level_parse(env, &level) < 0) {
		fprintf(stderr, "audiomon: AUDIOMON_LOG=%s: not a log level\n", env);
		return 2;
	}
	log_init(level, "audiomon");
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "--destroy-on-disconnect") == 0) {
		driver.destroy_on_disconnect = true;
		first = 2;
	}
	if (argc - first < 1 || argc - first > MAX_MONITORS) {
		fprintf(stderr, "usage: audiomon [--destroy-on-disconnect] SOCKET...\n");
		return 2;
	}
	driver.loop = wl_event_loop_create();
	if (driver.loop == NULL) {
		fprintf(stderr, "audiomon: cannot create an event loop\n");
		return 1;
	}
	int status = 0;
	struct wl_event_source *input = wl_event_loop_add_fd(
		driver.loop, STDIN_FILENO, WL_EVENT_READABLE, handle_stdin, &driver);
	if (input == NULL) {
		fprintf(stderr, "audiomon: cannot watch stdin\n");
		status = 1;
		goto out;
	}
	for (int i = first; i < argc; i++) {
		if (slot_open(&driver, argv[i]) < 0) {
			status = 1;
			goto out;
		}
	}
	while (!driver.quit) {
		if (wl_event_loop_dispatch(driver.loop, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "audiomon: event loop: %s\n", strerror(errno));
			status = 1;
			break;
		}
	}
out:
	for (int i = 0; i < driver.n_slots; i++)
		audio_monitor_destroy(driver.slots[i].monitor);
	if (input != NULL)
		wl_event_source_remove(input);
	wl_event_loop_destroy(driver.loop);
	return status;
}
