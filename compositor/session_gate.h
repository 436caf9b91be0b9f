/* Session processes that wait before exec until multiseatd has put them in the seat's cgroup. */
#ifndef MULTISEAT_COMPOSITOR_SESSION_GATE_H
#define MULTISEAT_COMPOSITOR_SESSION_GATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <wayland-server-core.h>

struct session_gates;

/*
 * A child forked for the session blocks reading the other end of a pipe; closing the write
 * end (its "gate") lets it exec. A gate that is not released within `timeout_ms` is
 * released anyway, with a warning, so that a daemon that never answers cannot keep a seat
 * without its session.
 */
struct session_gates *session_gates_create(struct wl_event_loop *loop, int timeout_ms);
/* Kills every child still waiting (it never ran). NULL is a no-op. */
void session_gates_destroy(struct session_gates *gates);
/* Takes `gate_fd` (the write end `pid` waits on). 0, or -ENOMEM (the gate is released). */
int session_gates_add(struct session_gates *gates, pid_t pid, int gate_fd);
/* Lets `pid` run. False when no child of that pid waits (released already, or unknown). */
bool session_gates_release(struct session_gates *gates, pid_t pid);

/*
 * In the child, after fork: waits until the gate is released (the write end closed in
 * every process), then closes `wait_fd`. The write end must be closed in the child first.
 */
void session_gate_wait(int wait_fd);

#endif
