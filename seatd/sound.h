/* Sound cards' device nodes: only the user of the running seat a card belongs to may open them. */
#ifndef MULTISEAT_SEATD_SOUND_H
#define MULTISEAT_SEATD_SOUND_H

struct daemon;

/*
 * Sets the ACL of every /dev/snd node of every sound card the daemon knows: the user of the
 * card's seat while that seat runs, nobody else (logind's uaccess, per seat). Idempotent and
 * cheap; called whenever devices, seats or their processes changed. Failures are logged.
 */
void sound_sync_acls(struct daemon *daemon);

/* The ALSA card number of a sound card's sysname ("card2" -> 2), -1 when it is none. */
int sound_card_number(const char *sysname);

#endif
