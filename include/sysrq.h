/*
 * SysRq for the keyboards the daemon holds. A held keyboard (EVIOCGRAB) reaches no other
 * reader, the kernel's SysRq filter included, so Alt+SysRq+<key> does nothing unless the admin
 * sets [daemon] sysrq = true: then whoever reads the keyboard (the daemon's F<n> watch, a desk's
 * compositor) finds the combination here and the daemon asks the kernel for that function,
 * only where the kernel's own kernel.sysrq setting allows it from a keyboard.
 */
#ifndef MULTISEAT_SYSRQ_H
#define MULTISEAT_SYSRQ_H

#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sysrq_tracker {
	bool left_alt, right_alt;
	bool active; /* Alt+SysRq went down and Alt is still held */
	/* Keys whose press was taken for SysRq: their repeats and releases are taken too. */
	uint8_t taken[32];
};

/*
 * Feeds one key event (an evdev code; value 1 press, 2 repeat, 0 release). True when the event
 * belongs to a SysRq combination and must go no further (to no client). *command is the SysRq
 * command ('0'-'9', 'a'-'z', by the key's position on a US keyboard, as the kernel reads it)
 * on the press that completes a combination, else 0.
 */
bool sysrq_tracker_key(struct sysrq_tracker *tracker, unsigned int code, int value, char *command);

/* Whether `command` is one a key can give: '0'-'9' or 'a'-'z'. */
bool sysrq_command_valid(char command);

/*
 * Whether kernel.sysrq `mask` (0: none, 1: all, else the kernel's bits) lets a keyboard run
 * `command`. Help ('h') is always allowed; a command the table does not know only with 1.
 */
bool sysrq_allowed(int mask, char command);

/*
 * Runs `command` the way the kernel would from a keyboard: reads kernel.sysrq from
 * `mask_path` and writes the command to `trigger_path` where it allows it (NULL: the proc
 * files). 0 when done; -EPERM when kernel.sysrq does not allow it (`mask` says what it is);
 * -EINVAL for a command that is not one; another negative errno when a file cannot be used.
 */
int sysrq_run(char command, const char *mask_path, const char *trigger_path, int *mask);

/*
 * The kernel's SysRq filter sees a keyboard only while no file grabs it, so it can miss the
 * release of keys that went down before a grab: with Alt+SysRq held while multiseatd starts
 * (or while a keyboard passes from one grabbing file to the next) it stays in SysRq mode, and
 * once the daemon lets go, the next letter typed at the console is a SysRq command (b: reboot).
 * A press and release of each Alt that is not held now ends that mode and forgets any Alt.
 * `keybits` (EVIOCGBIT(EV_KEY)) and `down` (EVIOCGKEY) are bitmaps of KEY_CNT bits. Writes
 * the events (with their SYN_REPORTs) to `out`; returns how many (at most 8).
 */
size_t sysrq_filter_reset_events(const uint8_t *keybits, const uint8_t *down,
				 struct input_event out[8]);

/* Sends those events into the evdev device open in `fd` (for writing). 0 or a negative errno. */
int sysrq_filter_reset(int fd);

/*
 * sysrq_filter_reset on every keyboard (a device with KEY_LEFTALT) among the event* nodes of
 * `dev_dir` (/dev/input) that is not a virtual device by `sys_dir` (/sys/class/input): for when
 * the daemon has let go of the keyboards. Returns how many were reset.
 */
int sysrq_filter_reset_all(const char *dev_dir, const char *sys_dir);

#endif
