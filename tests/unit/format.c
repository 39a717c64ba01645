/* tests/unit/format.c: format_uint, which writes the numbers of every
 * start (user quotas, /proc/self/fd/N) without printf: the same digits as
 * printf's %llu, NUL-terminated, its length returned. */
#include "unit.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void expect_as_printf(unsigned long long v)
{
	char want[32], got[32];
	memset(got, 'x', sizeof got);
	int n = snprintf(want, sizeof want, "%llu", v);
	size_t len = format_uint(got, v);
	if (len != (size_t)n || strcmp(got, want) != 0)
		fail_msg("%llu: got '%.*s' (%zu), want '%s'", v, 21, got, len, want);
	assert_int_equal(got[len], '\0');
}

static void as_printf_writes_them(void **state)
{
	(void)state;
	static const unsigned long long edges[] = { 0, 1, 9, 10, 99, 100, 4095, 65536, 1000000007ULL,
						    UINT_MAX, (unsigned long long)LLONG_MAX, ULLONG_MAX - 1, ULLONG_MAX };
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
		expect_as_printf(edges[i]);
	for (unsigned long long v = 1; v < ULLONG_MAX / 7; v = v * 7 + 3)
		expect_as_printf(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(as_printf_writes_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
