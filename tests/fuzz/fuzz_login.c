/*
 * libFuzzer harness of the login worker's messages (login/message.c), which the root daemon
 * reads from a worker that runs PAM modules: a decoded message encodes back to the same
 * bytes, and a refused one says why.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "login.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_message message;
	char error[256] = "";
	int ret = login_message_decode(data, size, &message, error, sizeof(error));
	if (ret < 0) {
		if (!error[0])
			abort();
		fuzz_check_line(error);
		return 0;
	}
	if (!login_type_name(message.type))
		abort();
	static unsigned char buf[LOGIN_MAX_MESSAGE];
	int length =
		login_message_encode(message.type, &message.body, message.size, buf, sizeof(buf));
	if (length != (int)size || memcmp(buf, data, size) != 0)
		abort();
	/* What the greeter's user name goes through before PAM sees it. */
	if (message.type == LOGIN_REQUEST)
		(void)login_name_plausible(message.body.request.user);
	login_message_wipe(&message);
	return 0;
}
