/* tests/unit/bpfopt.c: bpfopt.c's promise, that the program it returns
 * gives the same action as the one it was given for every input, checked
 * by running both on the same inputs: every constant either compares
 * against (and its neighbours) as the system call number, architecture and
 * argument words, and random ones.  The programs are libseccomp's own
 * output (what the pass is for: sbx's shape of list, and random rule sets)
 * and hand-made ones for the cases libseccomp does not emit. */
#include "unit.h"

#include "bpfopt.h"
#include "seccomp_list.h"
#include "bpfcheck.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Optimizes a copy of f and compares the two on many inputs. */
static size_t check_same(const struct sock_filter *f, size_t n, int rounds)
{
	struct sock_filter *g = malloc(n * sizeof *g);
	assert_non_null(g);
	memcpy(g, f, n * sizeof *g);
	size_t m = bpf_optimize(g, n);
	assert_true(m > 0 && m <= n);
	char why[160];
	if (!bpfcheck_same(f, n, g, m, rounds, why, sizeof why))
		fail_msg("%s", why);
	free(g);
	return m;
}

/* What libseccomp exports for ctx. */
static struct sock_filter *export(scmp_filter_ctx ctx, size_t *n)
{
	struct sock_filter *f = bpfcheck_export(ctx, n);
	assert_non_null(f);
	return f;
}

static scmp_filter_ctx new_ctx(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	assert_non_null(ctx);
	assert_int_equal(seccomp_arch_add(ctx, SCMP_ARCH_X86), 0);
	assert_int_equal(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), 0);
	return ctx;
}

/* "none of these values" on a 32-bit argument, as seccomp.c compiles it:
 * one masked rule per cube of the complement, over the whole word. */
static void add_none_of(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg, const uint64_t *values, size_t n)
{
	struct cube in[32];
	assert_true(n <= 32);
	for (size_t i = 0; i < n; i++)
		in[i] = (struct cube){ 0xffffffff, values[i] };
	struct cubes out = { 0 };
	complement(in, n, 0xffffffff, 0, 0, &out);
	for (size_t i = 0; i < out.n; i++) {
		struct scmp_arg_cmp c = { arg, SCMP_CMP_MASKED_EQ, out.c[i].mask, out.c[i].value };
		assert_int_equal(seccomp_rule_add_array(ctx, action, nr, 1, &c), 0);
	}
	free(out.c);
}

/* The default list's shape: plain refusals, clone flags, socket families
 * and personality's allowed values.  It must shrink to less than half:
 * personality's sixty masked tests become five equality tests. */
static void a_list_like_the_default_shrinks_and_means_the_same(void **state)
{
	(void)state;
	scmp_filter_ctx ctx = new_ctx();
	static const char *const denied[] = { "mount", "umount2", "unshare", "setns", "keyctl", "bpf", "ptrace" };
	for (size_t i = 0; i < sizeof denied / sizeof *denied; i++)
		assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name(denied[i]), 0),
				 0);
	for (int bit = 25; bit < 31; bit++)
		assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
						  SCMP_A0(SCMP_CMP_MASKED_EQ, 1ULL << bit, 1ULL << bit)),
				 0);
	static const uint64_t families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
	add_none_of(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0, families, 4);
	static const uint64_t personas[] = { 0, 8, 0x20000, 0x20008, 0xffffffff };
	add_none_of(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 0, personas, 5);
	size_t n;
	struct sock_filter *f = export(ctx, &n);
	size_t m = check_same(f, n, 60);
	if (m * 2 > n)
		fail_msg("%zu instructions became %zu", n, m);
	free(f);
	seccomp_release(ctx);
}

static const int calls[] = { 0, 1, 2, 3, 9, 16, 41, 56, 59, 135, 165, 257, 272, 435 };
static const enum scmp_compare ops[] = { SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ,
					 SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ };

static uint64_t datum(uint64_t *seed)
{
	uint64_t r = bpfcheck_next(seed);
	switch (r % 4) {
	case 0: return r >> 60;
	case 1: return 1ULL << (r >> 58);
	case 2: return (uint32_t)(r >> 16);
	default: return bpfcheck_next(seed);
	}
}

/* Random rule sets: actions, calls, comparisons and values at random. */
static void random_libseccomp_filters_mean_the_same(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	static const uint32_t actions[] = { SCMP_ACT_ERRNO(EPERM), SCMP_ACT_ERRNO(ENOSYS), SCMP_ACT_KILL_PROCESS,
					    SCMP_ACT_TRAP, SCMP_ACT_LOG };
	for (int round = 0; round < 150; round++) {
		scmp_filter_ctx ctx = new_ctx();
		int rules = 1 + (int)(bpfcheck_next(&seed) % 25);
		for (int r = 0; r < rules; r++) {
			struct scmp_arg_cmp c[2];
			unsigned nc = (unsigned)(bpfcheck_next(&seed) % 3);
			for (unsigned i = 0; i < nc; i++) {
				uint64_t mask = datum(&seed);
				c[i] = (struct scmp_arg_cmp){ i * 2 + (unsigned)(bpfcheck_next(&seed) % 2),
							      ops[bpfcheck_next(&seed) % 7], mask, datum(&seed) & mask };
				if (c[i].op != SCMP_CMP_MASKED_EQ)
					c[i].datum_a = datum(&seed);
			}
			/* Conflicting rules are refused; the others make the filter. */
			seccomp_rule_add_array(ctx, actions[bpfcheck_next(&seed) % 5], calls[bpfcheck_next(&seed) % 14], nc, c);
		}
		size_t n;
		struct sock_filter *f = export(ctx, &n);
		check_same(f, n, 4);
		free(f);
		seccomp_release(ctx);
	}
}

#define LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off)
#define AND(m) BPF_STMT(BPF_ALU | BPF_AND | BPF_K, m)
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, t, f)
#define JSET(k, t, f) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, k, t, f)
#define RET(k) BPF_STMT(BPF_RET | BPF_K, k)
#define ARG0 offsetof(struct seccomp_data, args[0])

/* Where the masked value is read again after the jeq, the and stays. */
static void a_masked_value_read_later_is_kept(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		LD(ARG0), AND(0x10), JEQ(0x10, 0, 1), JEQ(0x10, 1, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_KILL),
	};
	assert_int_equal(check_same(f, 6, 8), 6);
}

/* A jset reached from elsewhere too is not merged into the one before. */
static void a_jset_with_two_ways_in_stays_apart(void **state)
{
	(void)state;
	struct sock_filter g[] = {
		LD(ARG0), JEQ(7, 1, 0), JSET(1, 2, 0), JSET(2, 1, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_ERRNO | 1),
	};
	assert_int_equal(check_same(g, 6, 8), 6);
}

/* Reloads, always-true tests and jumps to the next instruction go. */
static void reloads_and_empty_tests_go(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		LD(0), JEQ(41, 0, 8), LD(ARG0 + 4), AND(0), JEQ(0, 0, 5), LD(ARG0), JSET(1, 2, 0), LD(ARG0),
		JSET(2, 0, 1), RET(SECCOMP_RET_ERRNO | 97), RET(SECCOMP_RET_ALLOW),
	};
	/* ld [nr]; jeq #41; ld [args[0]]; jset #3; ret; ret */
	assert_int_equal(check_same(f, 11, 8), 6);
}

/* None of twenty values: more values left out than rewrite 5 takes
 * (sixteen), so the masked tests stay, and still mean the same. */
static void too_many_values_left_keep_their_tests(void **state)
{
	(void)state;
	scmp_filter_ctx ctx = new_ctx();
	uint64_t values[20];
	for (size_t i = 0; i < 20; i++)
		values[i] = i * 0x1001 + 3;
	add_none_of(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 0, values, 20);
	size_t n;
	struct sock_filter *f = export(ctx, &n);
	check_same(f, n, 20);
	free(f);
	seccomp_release(ctx);
}

/* A run that another jump enters halfway is left whole.  From its head
 * (nr 1) the run refuses every first argument but 0 and 1 (the jeq #7 adds
 * nothing but length); nr 2 jumps to its reload, after which bit 1 alone
 * is refused.  Only the and and jeq become one jset. */
static void a_run_entered_halfway_is_kept(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		LD(0),	       JEQ(1, 1, 0), JEQ(2, 3, 6), LD(ARG0),		    JSET(0xfffffffc, 5, 0), JEQ(7, 4, 0),
		LD(ARG0),      AND(2),	     JEQ(2, 1, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_ERRNO | 1),
	};
	assert_int_equal(check_same(f, 11, 8), 10);
	/* nr 2 jumps to the test after a reload the run needs (after an and
	 * that stays): the run ends before that test. */
	struct sock_filter g[] = {
		LD(0),	   JEQ(1, 1, 0), JEQ(2, 5, 6), LD(ARG0),		JSET(0xfffffffc, 5, 0), AND(3),
		JEQ(1, 3, 0), LD(ARG0),	    JEQ(2, 1, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_ERRNO | 1),
	};
	assert_int_equal(check_same(g, 11, 8), 11);
}

/* libseccomp masks an already masked word again, or tests it twice: the
 * run's tests after the first see the word through the first mask.  Here
 * the run leaves 0 and 1 (bits 8 and 9 clear, nothing but bit 0 outside
 * them), and becomes two equality tests and a jump. */
static void tests_after_a_mask_see_the_masked_word(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		LD(0),		  JEQ(1, 0, 7),		 LD(ARG0),		 AND(0x300),
		JEQ(0x100, 5, 0), JEQ(0x200, 4, 0),	 JEQ(0x300, 3, 0),	 LD(ARG0),
		JSET(0xfffffcfe, 1, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_ERRNO | 1),
	};
	assert_int_equal(check_same(f, 11, 8), 8);
}

/* Where the run's miss reads the accumulator (the masked word, here), it
 * cannot become equality tests on the whole word. */
static void a_run_whose_miss_reads_the_accumulator_is_kept(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		LD(ARG0),	  JSET(0xfffffcfe, 7, 0), AND(0x300),	     JEQ(0x100, 5, 0), JEQ(0x300, 4, 0),
		JEQ(0x100, 3, 0), JEQ(0x300, 2, 0),	  JEQ(0x200, 2, 0), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_ERRNO | 1),
		RET(SECCOMP_RET_ERRNO | 2),
	};
	assert_int_equal(check_same(f, 11, 8), 11);
}

/* Merging two jsets gives the first the second's false target; a merge
 * that would put it beyond an 8-bit offset is not made, and the rest of the
 * program is still optimized (the reload at 3 goes).  Once, such a merge
 * made the last step give up and return the program unchanged. */
static void a_merge_out_of_reach_is_not_made(void **state)
{
	(void)state;
	static struct sock_filter f[407];
	size_t n = 0;
	f[n++] = (struct sock_filter)LD(0);
	f[n++] = (struct sock_filter)JEQ(1, 0, 3);
	f[n++] = (struct sock_filter)LD(ARG0);
	f[n++] = (struct sock_filter)LD(ARG0);
	f[n++] = (struct sock_filter)JSET(1, 250, 200); /* 255, else the jset at 205 */
	while (n < 204) {
		f[n] = (struct sock_filter)JEQ((uint32_t)n, 200, 0);
		n++;
	}
	f[n++] = (struct sock_filter)RET(1);
	f[n++] = (struct sock_filter)JSET(2, 49, 200); /* 255, else 406 */
	while (n < 406) {
		f[n] = (struct sock_filter)RET((uint32_t)n);
		n++;
	}
	f[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	assert_true(check_same(f, n, 3) < n);
}

/* A cascade of jumps, half of them into its middle, is one return; the
 * pass once took seconds on it, removing one jump a round. */
static void a_cascade_of_jumps_is_one_return(void **state)
{
	(void)state;
	static struct sock_filter f[4096];
	size_t n = 4096, m = n / 2;
	for (size_t i = 0; i < m; i++)
		f[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(m + (n - 1 - m) / 2 - i - 1), 0, 0);
	for (size_t i = m; i < n - 1; i++)
		f[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(n - 2 - i), 0, 0);
	f[n - 1] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	assert_int_equal(bpf_optimize(f, n), 1);
	assert_int_equal(f[0].code, BPF_RET | BPF_K);
	assert_int_equal(f[0].k, SECCOMP_RET_ALLOW);
}

/* What the pass does not know, or a program that is not well formed, is
 * given back as it came. */
static void unknown_and_malformed_programs_are_left_alone(void **state)
{
	(void)state;
	struct sock_filter ret_a[] = { LD(0), AND(1), JEQ(1, 0, 0), BPF_STMT(BPF_RET | BPF_A, 0) };
	struct sock_filter ldx[] = { BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), LD(0), LD(0), RET(0) };
	struct sock_filter past_end[] = { LD(0), LD(0), JEQ(1, 5, 0), RET(0) };
	struct sock_filter no_ret[] = { LD(0), LD(0), JEQ(1, 0, 0) };
	struct {
		struct sock_filter *f;
		size_t n;
	} cases[] = { { ret_a, 4 }, { ldx, 4 }, { past_end, 4 }, { no_ret, 3 } };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct sock_filter copy[4];
		memcpy(copy, cases[i].f, cases[i].n * sizeof *copy);
		assert_int_equal(bpf_optimize(cases[i].f, cases[i].n), cases[i].n);
		assert_memory_equal(copy, cases[i].f, cases[i].n * sizeof *copy);
	}
	assert_int_equal(bpf_optimize(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_list_like_the_default_shrinks_and_means_the_same),
		cmocka_unit_test(random_libseccomp_filters_mean_the_same),
		cmocka_unit_test(a_masked_value_read_later_is_kept),
		cmocka_unit_test(a_jset_with_two_ways_in_stays_apart),
		cmocka_unit_test(reloads_and_empty_tests_go),
		cmocka_unit_test(too_many_values_left_keep_their_tests),
		cmocka_unit_test(a_run_entered_halfway_is_kept),
		cmocka_unit_test(tests_after_a_mask_see_the_masked_word),
		cmocka_unit_test(a_run_whose_miss_reads_the_accumulator_is_kept),
		cmocka_unit_test(a_merge_out_of_reach_is_not_made),
		cmocka_unit_test(a_cascade_of_jumps_is_one_return),
		cmocka_unit_test(unknown_and_malformed_programs_are_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
