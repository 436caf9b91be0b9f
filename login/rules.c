/* What multiseatd decides about a login before and around PAM: names, delays, the command. */
#include "login.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

uint32_t login_retry_delay_ms(int failures)
{
	if (failures <= 0)
		return 0;
	/* 1 s, 2 s, 4 s ...; the shift stops before it could pass the cap by much. */
	uint64_t delay = 1000ull << (failures > 6 ? 6 : failures - 1);
	return (uint32_t)(delay > LOGIN_MAX_RETRY_MS ? LOGIN_MAX_RETRY_MS : delay);
}

bool login_name_plausible(const char *name)
{
	size_t n = strnlen(name, LOGIN_NAME_MAX_CHARS + 1);
	if (n == 0 || n > LOGIN_NAME_MAX_CHARS || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int login_session_command(const char *session, bool user_session, char *out, size_t size)
{
	int n;
	if (user_session)
		n = snprintf(out, size,
			     "f=\"$HOME/.config/multiseat/session\"; "
			     "if [ -r \"$f\" ]; then exec /bin/sh \"$f\"; fi\n%s",
			     session);
	else
		n = snprintf(out, size, "%s", session);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
