/* The console the daemon owns: graphics mode, keyboard off, switches refused; given back at the
 * end. */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <wayland-server-core.h>

#include "console_notice.h"
#include "log.h"

struct vt {
	int fd;
	int number;
	int previous; /* the VT active before, made active again at the end */
	int kbmode;   /* the keyboard mode to give back */
	struct wl_event_source *release, *acquire;
};

/*
 * The console a crash handler gives back. A signal handler gets no data pointer, so this is
 * the one piece of state outside the daemon's struct: without it a crash would leave the
 * host's console dark with its keyboard off.
 */
static volatile sig_atomic_t crash_fd = -1;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

static void give_back(int fd, int kbmode)
{
	struct vt_mode mode = {.mode = VT_AUTO};
	ioctl(fd, VT_SETMODE, &mode);
	ioctl(fd, KDSKBMODE, kbmode);
	ioctl(fd, KDSETMODE, KD_TEXT);
	/* Keys pressed while the keyboard was off never queued; what a getty left is stale. */
	tcflush(fd, TCIFLUSH);
}

/* The other cards' monitors: the console shows on one card only. */
static void notice_elsewhere(int fd, int number)
{
	int ret = console_notice_show(fd, number);
	if (ret < 0)
		log_error("tty%d: other cards' monitors stay dark (no console font: %s)", number,
			  strerror(-ret));
}

static void handle_crash(int signal)
{
	/* Only async-signal-safe calls here; the handler is reset, so raise() ends the process. */
	if (crash_fd >= 0)
		give_back(crash_fd, K_UNICODE);
	raise(signal);
}

static void set_crash_handlers(bool on)
{
	struct sigaction action = {.sa_flags = SA_RESETHAND | SA_NODEFER};
	action.sa_handler = on ? handle_crash : SIG_DFL;
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &action, NULL);
}

/* Another program asked to switch away from our console (chvt, a VT_ACTIVATE): refused. */
static int handle_release(int signal, void *data)
{
	struct vt *vt = data;
	(void)signal;
	log_info("tty%d: a switch to another console was refused while the desks run", vt->number);
	ioctl(vt->fd, VT_RELDISP, 0);
	return 0;
}

static int handle_acquire(int signal, void *data)
{
	struct vt *vt = data;
	(void)signal;
	ioctl(vt->fd, VT_RELDISP, VT_ACKACQ);
	return 0;
}

static int open_vt(int number)
{
	char path[32];
	snprintf(path, sizeof(path), "/dev/tty%d", number);
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct vt_stat state;
	if (ioctl(fd, VT_GETSTATE, &state) < 0) {
		int ret = errno == ENOTTY || errno == EINVAL ? -ENOTTY : -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int active_vt(int fd)
{
	struct vt_stat state;
	return ioctl(fd, VT_GETSTATE, &state) < 0 ? -errno : state.v_active;
}

/*
 * VT_WAITACTIVE would block for ever when the active VT's owner never lets go (another display
 * server in VT_PROCESS mode), so wait a bounded time instead.
 */
static bool activate(int fd, int number)
{
	if (ioctl(fd, VT_ACTIVATE, number) < 0)
		return false;
	for (int i = 0; i < 200; i++) {
		if (active_vt(fd) == number)
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	return false;
}

struct vt *vt_create(struct wl_event_loop *loop, int number)
{
	struct vt *vt = calloc(1, sizeof(*vt));
	if (!vt)
		return NULL;
	vt->number = number;
	vt->fd = open_vt(number);
	if (vt->fd < 0) {
		errno = -vt->fd;
		goto err_free;
	}
	vt->previous = active_vt(vt->fd);
	int kdmode = KD_TEXT;
	ioctl(vt->fd, KDGETMODE, &kdmode);
	if (ioctl(vt->fd, KDGKBMODE, &vt->kbmode) < 0 || vt->kbmode == K_OFF)
		vt->kbmode = K_UNICODE;
	if (kdmode == KD_GRAPHICS)
		log_info("tty%d was in graphics mode already (left so by a crash, or another "
			 "display server uses it)",
			 number);
	if (vt->previous != number && !activate(vt->fd, number))
		log_error("tty%d cannot be made the active console (is another display server "
			  "holding tty%d?); its keyboard is turned off all the same",
			  number, vt->previous);
	vt->release = wl_event_loop_add_signal(loop, SIGUSR1, handle_release, vt);
	vt->acquire = wl_event_loop_add_signal(loop, SIGUSR2, handle_acquire, vt);
	if (!vt->release || !vt->acquire) {
		errno = ENOMEM;
		goto err_sources;
	}
	struct vt_mode mode = {.mode = VT_PROCESS, .relsig = SIGUSR1, .acqsig = SIGUSR2};
	if (ioctl(vt->fd, KDSETMODE, KD_GRAPHICS) < 0 || ioctl(vt->fd, KDSKBMODE, K_OFF) < 0 ||
	    ioctl(vt->fd, VT_SETMODE, &mode) < 0)
		goto err_modes;
	tcflush(vt->fd, TCIFLUSH);
	crash_fd = vt->fd;
	set_crash_handlers(true);
	log_info("tty%d is the desks' console now: graphics mode, keyboard off, switches refused",
		 number);
	return vt;

err_modes : {
	int saved = errno;
	give_back(vt->fd, vt->kbmode);
	errno = saved;
}
err_sources:
	if (vt->release)
		wl_event_source_remove(vt->release);
	if (vt->acquire)
		wl_event_source_remove(vt->acquire);
	close(vt->fd);
err_free : {
	int saved = errno;
	free(vt);
	errno = saved;
}
	return NULL;
}

void vt_destroy(struct vt *vt)
{
	if (!vt)
		return;
	set_crash_handlers(false);
	crash_fd = -1;
	give_back(vt->fd, vt->kbmode);
	bool back =
		vt->previous > 0 && vt->previous != vt->number && activate(vt->fd, vt->previous);
	notice_elsewhere(vt->fd, back ? vt->previous : vt->number);
	wl_event_source_remove(vt->release);
	wl_event_source_remove(vt->acquire);
	close(vt->fd);
	log_info("tty%d: the console is given back", vt->number);
	free(vt);
}

int vt_restore(int number)
{
	int fd = open_vt(number);
	if (fd < 0)
		return fd;
	give_back(fd, K_UNICODE);
	notice_elsewhere(fd, number);
	close(fd);
	return 0;
}
