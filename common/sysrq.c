/* Alt+SysRq+<key> on the keyboards the daemon holds: found in the key events, checked against
 * kernel.sysrq, run through /proc/sysrq-trigger; and the kernel's SysRq filter set straight
 * when the daemon lets go of them. */
#include "sysrq.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* kernel.sysrq's bits (the kernel's admin guide, sysrq.rst). */
enum {
	ENABLE_LOG = 0x2,
	ENABLE_KEYBOARD = 0x4,
	ENABLE_DUMP = 0x8,
	ENABLE_SYNC = 0x10,
	ENABLE_REMOUNT = 0x20,
	ENABLE_SIGNAL = 0x40,
	ENABLE_BOOT = 0x80,
	ENABLE_RTNICE = 0x100,
	ONLY_ALL = 0, /* a command without a bit of its own: only with kernel.sysrq = 1 */
	ALWAYS = -1,  /* help */
};

/* The bit each command needs, 'a' to 'z'. */
static const int letter_bits[26] = {
	['a' - 'a'] = ONLY_ALL,	     ['b' - 'a'] = ENABLE_BOOT,	    ['c' - 'a'] = ENABLE_DUMP,
	['d' - 'a'] = ONLY_ALL,	     ['e' - 'a'] = ENABLE_SIGNAL,   ['f' - 'a'] = ENABLE_SIGNAL,
	['g' - 'a'] = ONLY_ALL,	     ['h' - 'a'] = ALWAYS,	    ['i' - 'a'] = ENABLE_SIGNAL,
	['j' - 'a'] = ENABLE_SIGNAL, ['k' - 'a'] = ENABLE_KEYBOARD, ['l' - 'a'] = ENABLE_DUMP,
	['m' - 'a'] = ENABLE_DUMP,   ['n' - 'a'] = ENABLE_RTNICE,   ['o' - 'a'] = ENABLE_BOOT,
	['p' - 'a'] = ENABLE_DUMP,   ['q' - 'a'] = ONLY_ALL,	    ['r' - 'a'] = ENABLE_KEYBOARD,
	['s' - 'a'] = ENABLE_SYNC,   ['t' - 'a'] = ENABLE_DUMP,	    ['u' - 'a'] = ENABLE_REMOUNT,
	['v' - 'a'] = ONLY_ALL,	     ['w' - 'a'] = ENABLE_DUMP,	    ['x' - 'a'] = ONLY_ALL,
	['y' - 'a'] = ONLY_ALL,	     ['z' - 'a'] = ENABLE_DUMP,
};

/* The command of a key, by its position on a US keyboard; 0 for none. */
static char command_of(unsigned int code)
{
	static const char row_digits[] = "1234567890"; /* KEY_1 .. KEY_0 */
	static const char row_q[] = "qwertyuiop";      /* KEY_Q .. KEY_P */
	static const char row_a[] = "asdfghjkl";       /* KEY_A .. KEY_L */
	static const char row_z[] = "zxcvbnm";	       /* KEY_Z .. KEY_M */
	if (code >= KEY_1 && code <= KEY_0)
		return row_digits[code - KEY_1];
	if (code >= KEY_Q && code <= KEY_P)
		return row_q[code - KEY_Q];
	if (code >= KEY_A && code <= KEY_L)
		return row_a[code - KEY_A];
	if (code >= KEY_Z && code <= KEY_M)
		return row_z[code - KEY_Z];
	return 0;
}

static bool taken(const struct sysrq_tracker *t, unsigned int code)
{
	return code < 256 && (t->taken[code / 8] & (1u << (code % 8)));
}

static void set_taken(struct sysrq_tracker *t, unsigned int code, bool on)
{
	if (code >= 256)
		return;
	if (on)
		t->taken[code / 8] |= (uint8_t)(1u << (code % 8));
	else
		t->taken[code / 8] &= (uint8_t) ~(1u << (code % 8));
}

bool sysrq_tracker_key(struct sysrq_tracker *t, unsigned int code, int value, char *command)
{
	*command = 0;
	if (code == KEY_LEFTALT || code == KEY_RIGHTALT) {
		if (value != 2)
			*(code == KEY_LEFTALT ? &t->left_alt : &t->right_alt) = value == 1;
		if (!t->left_alt && !t->right_alt)
			t->active = false;
		return false; /* Alt itself always goes on: the client saw it go down */
	}
	if (value != 1) {
		/* A repeat or release of a key taken on its press is taken too. */
		bool was = taken(t, code);
		if (was && value == 0)
			set_taken(t, code, false);
		return was;
	}
	if (code == KEY_SYSRQ && (t->left_alt || t->right_alt)) {
		t->active = true;
		set_taken(t, code, true);
		return true;
	}
	if (!t->active)
		return false;
	/* Alt+SysRq held, then a key: the command, and nothing else reads that key. */
	*command = command_of(code);
	set_taken(t, code, true);
	return true;
}

bool sysrq_command_valid(char command)
{
	return (command >= '0' && command <= '9') || (command >= 'a' && command <= 'z');
}

bool sysrq_allowed(int mask, char command)
{
	int bit;
	if (command >= '0' && command <= '9')
		bit = ENABLE_LOG;
	else if (command >= 'a' && command <= 'z')
		bit = letter_bits[command - 'a'];
	else
		return false;
	if (bit == ALWAYS)
		return true;
	if (mask == 1)
		return true;
	return mask > 1 && bit != ONLY_ALL && (mask & bit);
}

static int read_mask(const char *path, int *mask)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int ret = fscanf(f, "%d", mask) == 1 ? 0 : -EIO;
	fclose(f);
	return ret;
}

int sysrq_run(char command, const char *mask_path, const char *trigger_path, int *mask)
{
	*mask = 0;
	if (!sysrq_command_valid(command))
		return -EINVAL;
	int ret = read_mask(mask_path ? mask_path : "/proc/sys/kernel/sysrq", mask);
	if (ret < 0)
		return ret;
	if (!sysrq_allowed(*mask, command))
		return -EPERM;
	int fd = open(trigger_path ? trigger_path : "/proc/sysrq-trigger",
		      O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = write(fd, &command, 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

static bool bit_set(const uint8_t *bits, unsigned int code)
{
	return bits[code / 8] & (1u << (code % 8));
}

size_t sysrq_filter_reset_events(const uint8_t *keybits, const uint8_t *down,
				 struct input_event out[8])
{
	static const unsigned int alts[] = {KEY_LEFTALT, KEY_RIGHTALT};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(alts) / sizeof(alts[0]); i++) {
		/* A held Alt's own release, still to come, ends the mode as it should. */
		if (!bit_set(keybits, alts[i]) || bit_set(down, alts[i]))
			continue;
		for (int value = 1; value >= 0; value--) {
			out[n++] = (struct input_event){
				.type = EV_KEY, .code = alts[i], .value = value};
			out[n++] = (struct input_event){.type = EV_SYN, .code = SYN_REPORT};
		}
	}
	return n;
}

int sysrq_filter_reset(int fd)
{
	uint8_t keybits[KEY_CNT / 8] = {0}, down[KEY_CNT / 8] = {0};
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keybits)), keybits) < 0 ||
	    ioctl(fd, EVIOCGKEY(sizeof(down)), down) < 0)
		return -errno;
	struct input_event events[8];
	size_t n = sysrq_filter_reset_events(keybits, down, events);
	if (n == 0)
		return 0;
	ssize_t written = write(fd, events, n * sizeof(events[0]));
	if (written < 0)
		return -errno;
	return (size_t)written == n * sizeof(events[0]) ? 0 : -EIO;
}

/* Whether /sys/class/input/<node> leads to a virtual device (uinput and the like). */
static bool virtual_device(const char *sys_dir, const char *node)
{
	char path[512], target[512];
	if (snprintf(path, sizeof(path), "%s/%s", sys_dir, node) >= (int)sizeof(path))
		return true;
	ssize_t length = readlink(path, target, sizeof(target) - 1);
	if (length < 0)
		return true; /* not an input device we can tell anything of */
	target[length] = '\0';
	return strstr(target, "/devices/virtual/") != NULL;
}

int sysrq_filter_reset_all(const char *dev_dir, const char *sys_dir)
{
	DIR *dir = opendir(dev_dir);
	if (!dir)
		return 0;
	int count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		if (strncmp(entry->d_name, "event", 5) != 0 ||
		    virtual_device(sys_dir, entry->d_name))
			continue;
		int fd = openat(dirfd(dir), entry->d_name,
				O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			continue;
		uint8_t keybits[KEY_CNT / 8] = {0};
		if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keybits)), keybits) >= 0 &&
		    bit_set(keybits, KEY_LEFTALT) && sysrq_filter_reset(fd) == 0)
			count++;
		close(fd);
	}
	closedir(dir);
	return count;
}
