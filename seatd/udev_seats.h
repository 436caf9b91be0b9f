/* The seat assignments in systemd-logind's language: udev rules out, ID_SEAT properties in. */
#ifndef MULTISEAT_SEATD_UDEV_SEATS_H
#define MULTISEAT_SEATD_UDEV_SEATS_H

#include <sys/types.h>

struct daemon;
struct json_object;

/*
 * The current assignments as logind's rules: {"rules": [{"file", "text", "seat"}...],
 * "notes": [...]} (what logind cannot express, such as two seats on one card). NULL: no
 * memory.
 */
struct json_object *udev_seats_export(struct daemon *daemon);

/*
 * Saves the ID_SEAT that udev gives hubs and devices (other than seat0) as claims of the
 * seats of the same name or number, and reconciles. {"message": ...}; NULL: no memory.
 */
struct json_object *udev_seats_import(struct daemon *daemon, uid_t uid);

#endif
