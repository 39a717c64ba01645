/* tests/unit/default_filter.c: the default seccomp list as sbx ships it
 * (policy/default.seccomp, run from the repository's root as make
 * check-unit does), compiled by sbx's own path (prepare_seccomp: its rules
 * to libseccomp, the export, bpfopt.c), both ways the build embeds it:
 * with and without the rules for writes that are kept.  The program sbx
 * loads must answer as libseccomp's does (exported again from the same
 * context), on every input tests/unit/bpfcheck.h tries, over many rounds;
 * and it must be the smaller by half.  And it must refuse every way to make
 * a namespace, which userquota.c counts on (seccomp_refuses_namespaces).
 * Like fuzz_seccomp.c, this includes seccomp.c, to reach the context inside
 * the filter. */
/* seccomp.c first, with sbx's fail and print_error under the names the
 * test archive gives them (GNUmakefile), before cmocka's macro takes the
 * first name. */
#define fail sbx_fail
#define print_error sbx_print_error
#include "../../seccomp.c"
#undef fail
#undef print_error

#include "unit.h"
#include "bpfcheck.h"

/* An answer that keeps the call from running. */
static bool refused(uint64_t action)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO:
		return action <= UINT32_MAX;
	default:
		return false;
	}
}

/* unshare and clone with each namespace flag, among any other bits (and
 * any upper word), setns and clone3 with anything: refused, on the native
 * architecture and, on x86_64, on x32 and i386 (and aarch64, which the
 * filter does not let in at all). */
static void refuses_namespaces(const struct sock_filter *f, size_t n)
{
	static const uint64_t flags[] = { CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,    CLONE_NEWNET,
					  CLONE_NEWUTS,  CLONE_NEWIPC, CLONE_NEWCGROUP, CLONE_NEWTIME };
	static const char *const calls[] = { "unshare", "clone", "setns", "clone3" };
	struct {
		uint32_t audit, scmp, bit;
	} arches[] = {
		{ seccomp_arch_native(), seccomp_arch_native(), 0 },
#ifdef __x86_64__
		{ AUDIT_ARCH_X86_64, SCMP_ARCH_X86_64, 0x40000000 /* x32 */ },
		{ AUDIT_ARCH_I386, SCMP_ARCH_X86, 0 },
		{ AUDIT_ARCH_AARCH64, SCMP_ARCH_AARCH64, 0 },
#endif
	};
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (size_t a = 0; a < sizeof arches / sizeof *arches; a++)
		for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[a].scmp, calls[c]);
			if (nr < 0)
				continue; /* not on that architecture */
			for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
				/* In clone(2) that bit is part of the exit signal: only
				 * unshare and clone3 could ask for a time namespace. */
				if (flags[i] == CLONE_NEWTIME && strcmp(calls[c], "clone") == 0)
					continue;
				for (int round = 0; round < 300; round++) {
					uint64_t r = bpfcheck_next(&seed), r2 = bpfcheck_next(&seed);
					uint64_t other = round == 0 ? 0 : round == 1 ? SIGCHLD : round % 2 ? r : r & 0xffffffff;
					struct seccomp_data d = { .nr = (int)((uint32_t)nr | arches[a].bit), .arch = arches[a].audit };
					d.args[0] = flags[i] | other;
					for (size_t j = 1; j < 6; j++)
						d.args[j] = r2 * j;
					uint64_t action = bpfcheck_run(f, n, &d);
					if (!refused(action))
						fail_msg("%s(%#llx) on arch %#x (nr %d): %#llx, not refused", calls[c],
							 (unsigned long long)d.args[0], d.arch, d.nr, (unsigned long long)action);
				}
			}
		}
}

static void check_default(bool kept)
{
	struct config cfg = { .seccomp = (char *)"policy/default.seccomp" };
	struct mount_op bind = { .kind = MOUNT_BIND, .src = (char *)"/tmp", .dst = (char *)"/tmp" };
	if (kept) {
		cfg.mounts = &bind;
		cfg.n_mounts = 1;
	}
	struct seccomp_filter *sc = prepare_seccomp(&cfg);
	if (!sc)
		fail_msg("prepare_seccomp: %s", error_text());
	assert_non_null(sc->ctx);
	size_t n;
	struct sock_filter *raw = bpfcheck_export(sc->ctx, &n);
	assert_non_null(raw);
	char why[160];
	if (!bpfcheck_same(raw, n, sc->bpf, sc->bpf_len, 200, why, sizeof why))
		fail_msg("%s", why);
	if (sc->bpf_len * 2 > n)
		fail_msg("%zu instructions became %zu", n, sc->bpf_len);
	refuses_namespaces(sc->bpf, sc->bpf_len);
	refuses_namespaces(raw, n);
	free(raw);
	seccomp_free(sc);
}

static void the_default_filter_means_what_libseccomp_made(void **state)
{
	(void)state;
	check_default(false);
}

static void the_default_filter_with_kept_writes_too(void **state)
{
	(void)state;
	check_default(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_default_filter_means_what_libseccomp_made),
		cmocka_unit_test(the_default_filter_with_kept_writes_too),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
