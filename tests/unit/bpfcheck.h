/* tests/unit/bpfcheck.h: runs two classic BPF seccomp programs side by side
 * on the same inputs, for bpfopt.c's tests: tests/unit/bpfopt.c and the
 * fuzzer's fuzz_seccomp.c (static functions: each includes it once), and
 * exports libseccomp's own program for them to compare with.
 * Inputs: every constant either program compares against, and its
 * neighbours (three rounds, so that each word gets each), as the system
 * call number and as every argument word, on x86_64, i386, aarch64 and an
 * unknown architecture; then words picked at random among the constants,
 * their neighbours and anything. */
#ifndef SBX_BPFCHECK_H
#define SBX_BPFCHECK_H

#include <linux/filter.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t bpfcheck_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The action f returns for d; UINT64_MAX (wider than any action) for an
 * instruction this interpreter does not know, a load outside seccomp_data
 * or a run past the end, which bpfcheck_same counts as a difference. */
static uint64_t bpfcheck_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *in = &f[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k > sizeof *d - 4)
				return UINT64_MAX;
			memcpy(&a, (const char *)d + in->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_RET | BPF_K:
			return in->k;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & in->k) ? in->jt : in->jf;
			break;
		default:
			return UINT64_MAX;
		}
	}
	return UINT64_MAX;
}

/* A word to try: one of either program's constants, nearly one, or random. */
static uint32_t bpfcheck_pick(const struct sock_filter *f, size_t n, const struct sock_filter *g, size_t m,
			      uint64_t *seed)
{
	uint64_t r = bpfcheck_next(seed);
	uint32_t k = r % (n + m) < n ? f[r % (n + m)].k : g[r % (n + m) - n].k;
	switch ((r >> 32) % 8) {
	case 0: return k + 1;
	case 1: return k - 1;
	case 2: return ~k;
	case 3: return 0;
	case 4: return (uint32_t)bpfcheck_next(seed);
	default: return k;
	}
}

/* true when f and g (its optimized form) agree on every input tried;
 * else false, with the first input they differ on described in why. */
static bool bpfcheck_same(const struct sock_filter *f, size_t n, const struct sock_filter *g, size_t m,
			  int rounds, char *why, size_t why_size)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0 };
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	for (int r = 0; r < rounds; r++)
		for (size_t a = 0; a < sizeof arches / sizeof *arches; a++)
			for (size_t i = 0; i < n + m; i++) {
				uint32_t k = i < n ? f[i].k : g[i - n].k;
				struct seccomp_data d = { .arch = arches[a] };
				uint32_t w[12];
				d.nr = (int)(r == 0 ? k : bpfcheck_pick(f, n, g, m, &seed));
				for (size_t j = 0; j < 12; j++)
					w[j] = r < 3 ? k + (uint32_t)((j + (size_t)r) % 3) - 1 : bpfcheck_pick(f, n, g, m, &seed);
				memcpy(d.args, w, sizeof d.args);
				uint64_t want = bpfcheck_run(f, n, &d), got = bpfcheck_run(g, m, &d);
				if (want != got || want == UINT64_MAX) {
					snprintf(why, why_size, "nr %d arch %#x: %#llx before, %#llx after (%zu -> %zu instructions)",
						 d.nr, d.arch, (unsigned long long)want, (unsigned long long)got, n, m);
					return false;
				}
			}
	return true;
}

/* libseccomp's own program for ctx (malloc'd, *n instructions), through a
 * memfd as seccomp.c's export_bpf reads it, but not made smaller; NULL if
 * anything fails. */
static struct sock_filter *bpfcheck_export(scmp_filter_ctx ctx, size_t *n)
{
	*n = 0;
	int fd = memfd_create("bpfcheck", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct sock_filter *f = NULL;
	off_t size = seccomp_export_bpf(ctx, fd) == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (size > 0 && size % (off_t)sizeof *f == 0 && (f = malloc((size_t)size)) &&
	    pread(fd, f, (size_t)size, 0) != size) {
		free(f);
		f = NULL;
	}
	close(fd);
	if (f)
		*n = (size_t)size / sizeof *f;
	return f;
}

#endif
