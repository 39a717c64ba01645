/* tests/unit/parsers.c: the parsers of option values (values.c) — sizes
 * (--memory), ids (--uid), durations (--timeout), octal modes (bubblewrap's
 * --perms, --chmod), fd numbers (--status-fd, --keep-fd) and rlimits
 * (--rlimit).  Each accepts what the man page promises, rejects the rest
 * (out of range, overflowing, negative, trailing junk, empty) with a
 * message naming the option, and never stores a value it rejected. */
#include "unit.h"
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define UNTOUCHED 0x5eed

static long long size_of(const char *text)
{
	long long v = UNTOUCHED;
	if (parse_size("memory", text, &v) < 0) {
		assert_int_equal(v, UNTOUCHED);
		assert_non_null(strstr(error_text(), "--memory: '"));
		return -1;
	}
	return v;
}

static void size_units_are_binary_multiples(void **state)
{
	(void)state;
	assert_int_equal(size_of("4096"), 4096);
	assert_int_equal(size_of("1K"), 1024);
	assert_int_equal(size_of("512M"), 512LL << 20);
	assert_int_equal(size_of("2G"), 2LL << 30);
	assert_int_equal(size_of("3T"), 3LL << 40);
}

static void size_suffix_in_either_case_with_optional_ib(void **state)
{
	(void)state;
	assert_int_equal(size_of("2g"), 2LL << 30);
	assert_int_equal(size_of("2GiB"), 2LL << 30);
	assert_int_equal(size_of("2gib"), 2LL << 30);
	assert_int_equal(size_of("2GB"), 2LL << 30);
	assert_int_equal(size_of("2Gb"), 2LL << 30);
	assert_int_equal(size_of("2Gi"), 2LL << 30);
}

static void size_takes_a_fraction(void **state)
{
	(void)state;
	assert_int_equal(size_of("1.5G"), 3LL << 29);
	assert_int_equal(size_of("2.5K"), 2560);
	assert_int_equal(size_of("0.5G"), 1LL << 29); /* the unit first, then "at least a byte" */
	assert_int_equal(size_of(".5K"), 512);
}

static void size_rejects_junk_and_unknown_units(void **state)
{
	(void)state;
	const char *bad[] = { "", "G", "K1", "1X", "1E", "1P", "1KK", "1GiBx", "1 G", "1G ", "0x", "abc", "1iB", "0x10", "1e3",
				"1e3K", " 1G", "+1G", "0.1" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (size_of(bad[i]) != -1)
			fail_msg("size '%s' was accepted", bad[i]);
	}
}

static void size_rejects_zero_negative_and_non_numbers(void **state)
{
	(void)state;
	const char *bad[] = { "0", "0G", "-1", "-1G", "0.5", "inf", "infG", "nan", "-0" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (size_of(bad[i]) != -1)
			fail_msg("size '%s' was accepted", bad[i]);
	}
}

/* The product must fit a long long: 8000000T is 8.8e18, 8388608T is 2^63. */
static void size_rejects_what_overflows(void **state)
{
	(void)state;
	assert_int_equal(size_of("8000000T"), 8000000LL << 40);
	assert_int_equal(size_of("8388608T"), -1);
	assert_int_equal(size_of("9223372036854775807"), -1);
	assert_int_equal(size_of("99999999999999999999G"), -1);
	assert_int_equal(size_of("1e400"), -1);
}

static long long id_of(const char *text)
{
	unsigned v = UNTOUCHED;
	if (parse_id("uid", text, &v) < 0) {
		assert_int_equal(v, UNTOUCHED);
		assert_true(strncmp(error_text(), "--uid: '", 8) == 0);
		return -1;
	}
	return v;
}

/* 2^32 - 1 is (uid_t)-1, which setresuid and the id maps take as "none". */
static void id_range_ends_below_uint_max(void **state)
{
	(void)state;
	assert_int_equal(id_of("0"), 0);
	assert_int_equal(id_of("1000"), 1000);
	assert_int_equal(id_of("4294967294"), 4294967294LL);
	assert_int_equal(id_of("4294967295"), -1);
	assert_int_equal(id_of("4294967296"), -1);
	assert_int_equal(id_of("18446744073709551615"), -1);
	assert_int_equal(id_of("18446744073709551616"), -1);
}

static void id_rejects_negative_empty_and_junk(void **state)
{
	(void)state;
	const char *bad[] = { "", "-1", "-0", "-4294967295", "1a", "0x10", "1.0", "root" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (id_of(bad[i]) != -1)
			fail_msg("id '%s' was accepted", bad[i]);
	}
	assert_string_equal(error_text(), "--uid: 'root' is not a valid id");
}

static double duration_of(const char *text)
{
	double v = UNTOUCHED;
	if (parse_duration("timeout", text, &v) < 0) {
		assert_true(v == UNTOUCHED);
		return -1;
	}
	return v;
}

static void duration_units(void **state)
{
	(void)state;
	assert_true(duration_of("30") == 30);
	assert_true(duration_of("30s") == 30);
	assert_true(duration_of("0") == 0);
	assert_true(duration_of("2m") == 120);
	assert_true(duration_of("1.5h") == 5400);
	assert_true(duration_of("1d") == 86400);
	/* divided, not multiplied by 0.001: exactly the double "0.35" reads as */
	assert_true(duration_of("350ms") == 0.35);
}

static void duration_rejects_negative_huge_and_junk(void **state)
{
	(void)state;
	const char *bad[] = { "", "s", "ms", "-1", "-1s", "1e10", "20000000d", "5x", "5 s", "5sec", "nan", "inf",
			      "0x10", "1e3", " 5", "+5" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (duration_of(bad[i]) != -1)
			fail_msg("duration '%s' was accepted", bad[i]);
	}
}

static int mode_of(const char *text)
{
	int v = UNTOUCHED;
	if (parse_octal("--perms", text, &v) < 0) {
		assert_int_equal(v, UNTOUCHED);
		assert_non_null(strstr(error_text(), "is not an octal mode"));
		return -1;
	}
	return v;
}

static void octal_mode_up_to_07777(void **state)
{
	(void)state;
	assert_int_equal(mode_of("0"), 0);
	assert_int_equal(mode_of("755"), 0755);
	assert_int_equal(mode_of("0644"), 0644);
	assert_int_equal(mode_of("7777"), 07777);
	assert_int_equal(mode_of("07777"), 07777);
	assert_int_equal(mode_of("010000"), -1);
	assert_int_equal(mode_of("77777777777777777777777"), -1);
}

static void octal_rejects_non_octal_digits_and_signs(void **state)
{
	(void)state;
	const char *bad[] = { "", "8", "0789", "-1", "-0755", "0x1ff", "755 ", "u+x" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (mode_of(bad[i]) != -1)
			fail_msg("mode '%s' was accepted", bad[i]);
	}
}

static int fd_of(const char *text)
{
	int v = UNTOUCHED;
	if (parse_fd("--keep-fd", text, &v) < 0) {
		assert_int_equal(v, UNTOUCHED);
		assert_true(strncmp(error_text(), "--keep-fd", 9) == 0);
		return -1;
	}
	return v;
}

static void fd_must_be_open(void **state)
{
	(void)state;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd > 2);
	char text[16];
	snprintf(text, sizeof text, "%d", fd);
	assert_int_equal(fd_of(text), fd);
	assert_int_equal(fd_of("0"), 0);
	close(fd);
	assert_int_equal(fd_of(text), -1);
	assert_non_null(strstr(error_text(), "Bad file descriptor"));
}

static void fd_rejects_negative_huge_and_junk(void **state)
{
	(void)state;
	const char *bad[] = { "", "-1", "2147483648", "99999999999999999999", "1x", "one", "0x1" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (fd_of(bad[i]) != -1)
			fail_msg("fd '%s' was accepted", bad[i]);
	}
	assert_string_equal(error_text(), "--keep-fd: '0x1' is not a file descriptor number");
}

/* What the options record while they are read: the number, open or not
 * (the open check comes once every option is read). */
static void fd_number_need_not_be_open(void **state)
{
	(void)state;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd > 2);
	close(fd);
	char text[16];
	snprintf(text, sizeof text, "%d", fd);
	int v = UNTOUCHED;
	assert_int_equal(parse_fd_number("--keep-fd", text, &v), 0);
	assert_int_equal(v, fd);
	v = UNTOUCHED;
	assert_int_equal(parse_fd_number("--status-fd", "-1", &v), -1);
	assert_int_equal(v, UNTOUCHED);
	assert_string_equal(error_text(), "--status-fd: '-1' is not a file descriptor number");
}

static int rlimit_of(const char *text, struct rlimit_op *op)
{
	op->resource = UNTOUCHED;
	if (parse_rlimit("rlimit", text, op) < 0) {
		assert_int_equal(op->resource, UNTOUCHED);
		assert_true(strncmp(error_text(), "--rlimit: '", 11) == 0);
		return -1;
	}
	return 0;
}

static void rlimit_names_soft_and_hard(void **state)
{
	(void)state;
	struct rlimit_op op;
	assert_int_equal(rlimit_of("core=0", &op), 0);
	assert_int_equal(op.resource, RLIMIT_CORE);
	assert_true(op.soft == 0 && op.hard == 0);
	assert_int_equal(rlimit_of("NOFILE=10:unlimited", &op), 0); /* any case; HARD defaults to SOFT */
	assert_int_equal(op.resource, RLIMIT_NOFILE);
	assert_true(op.soft == 10 && op.hard == RLIM_INFINITY);
	assert_int_equal(rlimit_of("RLIMIT_stack=infinity", &op), 0);
	assert_int_equal(op.resource, RLIMIT_STACK);
	assert_true(op.soft == RLIM_INFINITY && op.hard == RLIM_INFINITY);
	assert_string_equal(rlimit_name(RLIMIT_NPROC), "nproc");
	assert_string_equal(rlimit_name(-5), "?");
}

static void rlimit_rejects_unknown_names_and_soft_above_hard(void **state)
{
	(void)state;
	const char *bad[] = { "", "nofile", "nofile=", "bogus=1", "nofile=-1", "nofile=5:1", "nofile=1:2:3",
			      "nofile=1x", "=1" };
	struct rlimit_op op;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (rlimit_of(bad[i], &op) != -1)
			fail_msg("rlimit '%s' was accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_units_are_binary_multiples),
		cmocka_unit_test(size_suffix_in_either_case_with_optional_ib),
		cmocka_unit_test(size_takes_a_fraction),
		cmocka_unit_test(size_rejects_junk_and_unknown_units),
		cmocka_unit_test(size_rejects_zero_negative_and_non_numbers),
		cmocka_unit_test(size_rejects_what_overflows),
		cmocka_unit_test(id_range_ends_below_uint_max),
		cmocka_unit_test(id_rejects_negative_empty_and_junk),
		cmocka_unit_test(duration_units),
		cmocka_unit_test(duration_rejects_negative_huge_and_junk),
		cmocka_unit_test(octal_mode_up_to_07777),
		cmocka_unit_test(octal_rejects_non_octal_digits_and_signs),
		cmocka_unit_test(fd_must_be_open),
		cmocka_unit_test(fd_rejects_negative_huge_and_junk),
		cmocka_unit_test(fd_number_need_not_be_open),
		cmocka_unit_test(rlimit_names_soft_and_hard),
		cmocka_unit_test(rlimit_rejects_unknown_names_and_soft_above_hard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
