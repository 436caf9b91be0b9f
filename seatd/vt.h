/* The console the daemon owns while it runs, so that no desk's key reaches a VT or a getty. */
#ifndef MULTISEAT_SEATD_VT_H
#define MULTISEAT_SEATD_VT_H

struct wl_event_loop;
struct vt;

/*
 * Makes VT `number` the active console in graphics mode with its keyboard off, and refuses
 * every switch away from it until vt_destroy: the kernel's keyboard handler then turns no
 * key into text for a getty, a VT switch (Ctrl+Alt+F<n>) or a reboot (Ctrl+Alt+Del). The
 * console is given back on exit, and by a handler on a crash. NULL with errno when the VT
 * cannot be had (no such console, not a VT).
 */
struct vt *vt_create(struct wl_event_loop *loop, int number);
/* Gives the console back: text mode, its keyboard on, switches allowed, the VT active before. */
void vt_destroy(struct vt *vt);
/*
 * For a daemon that died without vt_destroy (SIGKILL): puts VT `number` back in text mode
 * with its keyboard on and switches allowed. Returns 0 or a negative errno.
 */
int vt_restore(int number);

#endif
