/* tests/unit/escape.c: escape_controls, which every recorded error and
 * every name the command chose passes through before it is shown: control
 * characters become \n, \t or \xNN, the rest stays, and the result is cut
 * at the buffer's end, never past it. */
#include "unit.h"
#include "util.h"

#include <string.h>

static void expect_escaped(const char *in, size_t size, const char *want)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s", in);
	escape_controls(buf, size);
	if (strcmp(buf, want) != 0)
		fail_msg("'%s' in %zu bytes: got '%s', want '%s'", in, size, buf, want);
}

static void plain_text_stays(void **state)
{
	(void)state;
	expect_escaped("", 64, "");
	expect_escaped("open /srv/a b: No such file or directory", 64, "open /srv/a b: No such file or directory");
	expect_escaped("caf\xc3\xa9 \\ ~", 64, "caf\xc3\xa9 \\ ~");
}

static void controls_are_escaped(void **state)
{
	(void)state;
	expect_escaped("a\nb\tc", 64, "a\\nb\\tc");
	expect_escaped("\x1b[2J\x7f\x01", 64, "\\x1b[2J\\x7f\\x01");
	expect_escaped("\r", 64, "\\x0d");
}

static void cut_at_the_buffer(void **state)
{
	(void)state;
	expect_escaped("abcdef", 4, "abc");
	expect_escaped("\x1b\x1b", 6, "\\x1b\\");
	char big[2048];
	memset(big, '\n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	escape_controls(big, sizeof big);
	assert_true(strlen(big) < 1024);
	assert_int_equal(strlen(big) % 2, 0); /* never half an escape */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_stays),
		cmocka_unit_test(controls_are_escaped),
		cmocka_unit_test(cut_at_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
