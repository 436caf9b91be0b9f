/* Children held before exec until multiseatd has moved them into the seat's session cgroup. */
#include "session_gate.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

struct gate {
	struct wl_list link;
	struct session_gates *gates;
	pid_t pid;
	int fd;
	struct wl_event_source *timer;
};

struct session_gates {
	struct wl_event_loop *loop;
	int timeout_ms;
	struct wl_list waiting; /* struct gate */
};

static void gate_release(struct gate *gate)
{
	wl_list_remove(&gate->link);
	if (gate->timer)
		wl_event_source_remove(gate->timer);
	close(gate->fd);
	free(gate);
}

static int handle_timeout(void *data)
{
	struct gate *gate = data;
	log_error("session process %d was not placed in the seat's session cgroup within %d ms; "
		  "it runs where the compositor runs",
		  (int)gate->pid, gate->gates->timeout_ms);
	gate_release(gate);
	return 0;
}

struct session_gates *session_gates_create(struct wl_event_loop *loop, int timeout_ms)
{
	struct session_gates *gates = calloc(1, sizeof(*gates));
	if (!gates)
		return NULL;
	gates->loop = loop;
	gates->timeout_ms = timeout_ms;
	wl_list_init(&gates->waiting);
	return gates;
}

void session_gates_destroy(struct session_gates *gates)
{
	if (!gates)
		return;
	/* The compositor is going away: what has not run yet never will. */
	struct gate *gate, *tmp;
	wl_list_for_each_safe (gate, tmp, &gates->waiting, link) {
		kill(gate->pid, SIGKILL);
		gate_release(gate);
	}
	free(gates);
}

int session_gates_add(struct session_gates *gates, pid_t pid, int gate_fd)
{
	struct gate *gate = calloc(1, sizeof(*gate));
	if (!gate)
		goto err;
	gate->timer = wl_event_loop_add_timer(gates->loop, handle_timeout, gate);
	if (!gate->timer)
		goto err_free;
	gate->gates = gates;
	gate->pid = pid;
	gate->fd = gate_fd;
	wl_list_insert(gates->waiting.prev, &gate->link);
	wl_event_source_timer_update(gate->timer, gates->timeout_ms);
	return 0;

err_free:
	free(gate);
err:
	close(gate_fd);
	return -ENOMEM;
}

bool session_gates_release(struct session_gates *gates, pid_t pid)
{
	struct gate *gate;
	wl_list_for_each (gate, &gates->waiting, link) {
		if (gate->pid == pid) {
			gate_release(gate);
			return true;
		}
	}
	return false;
}

void session_gate_wait(int wait_fd)
{
	char byte;
	ssize_t n;
	do {
		n = read(wait_fd, &byte, 1);
	} while (n < 0 && errno == EINTR);
	close(wait_fd);
}
