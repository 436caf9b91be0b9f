/* multiseatctl's end of the control socket. Each says what went wrong (ctl_fail) itself. */
#ifndef MULTISEAT_CTL_CLIENT_H
#define MULTISEAT_CTL_CLIENT_H

#include <stddef.h>

/* A socket connected to the daemon at `path`, with send and receive timeouts; -1. */
int ctl_connect(const char *path);
/* All of `data`; 0 or -1. */
int ctl_send_all(int fd, const char *data, size_t size);
/* The first line the daemon sends, without its newline (the caller frees it); NULL. */
char *ctl_receive_line(int fd, size_t *length);

#endif
