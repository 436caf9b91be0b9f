/* Unit tests for the daemon's login rules: the delay after failures, names, the command. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "login.h"

static void test_retry_delay_grows_and_is_capped(void **state)
{
	assert_int_equal(login_retry_delay_ms(-1), 0);
	assert_int_equal(login_retry_delay_ms(0), 0);
	assert_int_equal(login_retry_delay_ms(1), 1000);
	assert_int_equal(login_retry_delay_ms(2), 2000);
	assert_int_equal(login_retry_delay_ms(3), 4000);
	assert_int_equal(login_retry_delay_ms(5), 16000);
	assert_int_equal(login_retry_delay_ms(6), LOGIN_MAX_RETRY_MS);
	assert_int_equal(login_retry_delay_ms(1000), LOGIN_MAX_RETRY_MS);
	assert_int_equal(login_retry_delay_ms(INT32_MAX), LOGIN_MAX_RETRY_MS);
}

static void test_names(void **state)
{
	const char *good[] = {"alice", "Bob", "lab-1", "j.doe",
			      "_svc",  "a",   "x2",    "abcdefghijklmnopqrstuvwxyz012345"};
	const char *bad[] = {"",       "-rf",	       ".hidden",
			     "../etc", "a/b",	       "al ice",
			     "bob\n",  "\xc3\xa9mile", "abcdefghijklmnopqrstuvwxyz0123456",
			     "a;b",    "$(id)"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!login_name_plausible(good[i]))
			fail_msg("'%s' is refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (login_name_plausible(bad[i]))
			fail_msg("'%s' is taken", bad[i]);
}

static void test_session_command(void **state)
{
	char out[256];
	assert_int_equal(login_session_command("exec foot", false, out, sizeof(out)), 0);
	assert_string_equal(out, "exec foot");
	assert_int_equal(login_session_command("exec foot", true, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "$HOME/.config/multiseat/session"));
	/* The desk's session stays the fallback, on its own line after the user's. */
	const char *tail = "\nexec foot";
	assert_string_equal(out + strlen(out) - strlen(tail), tail);
	char tiny[8];
	assert_int_equal(login_session_command("exec foot", false, tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
	assert_int_equal(login_session_command("exec foot", true, out, 40), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_delay_grows_and_is_capped),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_session_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
