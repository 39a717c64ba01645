/* fuzz/fuzz_seccomp.c: the seccomp list language and its compiler
 * (read_seccomp_list, compile, export_bpf, through prepare_seccomp), which
 * build the BPF program without loading it.
 *
 * The input is a seccomp list.  Comment lines of the form
 *   #@log            set --seccomp-log
 *   #@allow NAME     add --seccomp-allow NAME
 *   #@deny NAME      add --seccomp-deny NAME
 * are read by this harness (the list language ignores them as comments).
 * Lists may include others: the scratch directory's search path holds a
 * few, a cycle and a chain deeper than the limit (harness.c).
 *
 * This file includes seccomp.c so it can look inside the filter it
 * compiles (struct seccomp_filter; the library archive's copy of seccomp.o
 * is then not linked).  Properties checked: prepare_seccomp returns a
 * filter with a program the kernel would take (a whole number of
 * instructions, at most BPF_MAXINSNS, ending in a return), or NULL with a
 * message; never exits, crashes or leaks (seccomp_free frees it all); and
 * the program bpfopt.c made smaller answers as libseccomp's own does, on
 * the inputs tests/unit/bpfcheck.h tries. */
#include "../seccomp.c"

#include "harness.h"
#include "../tests/unit/bpfcheck.h"

#include <ctype.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_init();
	return 0;
}

/* "#@allow NAME" and friends, into cfg (names copied, as the option parser
 * would: add_syscall_name's checks are the parser's, not the compiler's). */
static void harness_options(struct config *cfg, const char *text, size_t size)
{
	for (const char *line = text, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = memchr(line, '\n', (size_t)(text + size - line));
		if (strncmp(line, "#@log", 5) == 0)
			cfg->seccomp_log = true;
		bool allow = strncmp(line, "#@allow ", 8) == 0, deny = strncmp(line, "#@deny ", 7) == 0;
		if (!allow && !deny)
			continue;
		const char *name = line + (allow ? 8 : 7);
		size_t len = strcspn(name, "\n");
		bool ok = len > 0 && len < 64;
		for (size_t i = 0; ok && i < len; i++)
			ok = name[i] == '_' || islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]);
		if (!ok)
			continue;
		char ***list = allow ? &cfg->seccomp_allow : &cfg->seccomp_deny;
		size_t *n = allow ? &cfg->n_seccomp_allow : &cfg->n_seccomp_deny;
		*list = grow(*list, n, sizeof **list);
		(*list)[*n - 1] = strndup(name, len);
	}
}

/* libseccomp's program for the same rules, exported again, against the
 * one bpfopt.c shrank. */
static void same_as_libseccomp(const struct seccomp_filter *sc)
{
	size_t n;
	struct sock_filter *raw = bpfcheck_export(sc->ctx, &n);
	if (!raw)
		harness_fail("export the filter again");
	char why[160];
	if (!bpfcheck_same(raw, n, sc->bpf, sc->bpf_len, 3, why, sizeof why))
		harness_fail("the optimized program differs from libseccomp's: %s", why);
	free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = strndup((const char *)data, size);
	struct config cfg = { .seccomp = xstrdup(harness_file(0, "in.seccomp", data, size)) };
	harness_options(&cfg, text, strlen(text));
	struct seccomp_filter *sc = prepare_seccomp(&cfg);
	if (!sc && !error_text()[0])
		harness_fail("prepare_seccomp failed without a message");
	if (sc) {
		if (!sc->bpf || sc->bpf_len == 0)
			harness_fail("prepare_seccomp succeeded without a program");
		if (sc->bpf_len > BPF_MAXINSNS)
			harness_fail("a program of %zu instructions, more than the kernel loads (%d)", sc->bpf_len,
				     BPF_MAXINSNS);
		if (BPF_CLASS(sc->bpf[sc->bpf_len - 1].code) != BPF_RET)
			harness_fail("the program does not end in a return");
		if (sc->ctx)
			same_as_libseccomp(sc);
	}
	seccomp_free(sc);
	free_config(&cfg);
	free(text);
	return 0;
}
