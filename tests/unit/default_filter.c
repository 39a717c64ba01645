/* tests/unit/default_filter.c: the default seccomp list as sbx ships it
 * (policy/default.seccomp, run from the repository's root as make
 * check-unit does), compiled by sbx's own path (prepare_seccomp: its rules
 * to libseccomp, the export, bpfopt.c), both ways the build embeds it:
 * with and without the rules for writes that are kept.  The program sbx
 * loads must answer as libseccomp's does (exported again from the same
 * context), on every input tests/unit/bpfcheck.h tries, over many rounds;
 * and it must be the smaller by half.  Like fuzz_seccomp.c, this includes
 * seccomp.c, to reach the context inside the filter. */
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
