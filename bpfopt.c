/* bpfopt.c: makes the classic BPF program libseccomp exports smaller
 * without changing its answer for any input.
 *
 * Why: the kernel turns a seccomp filter into eBPF and JIT-compiles it when
 * the payload loads it, in the payload's start-up, and that cost grows with
 * the program (for the default list, 556 instructions from libseccomp,
 * about 50 µs more than the 344 this pass leaves; see bench/).  Most of the
 * excess is the shape libseccomp gives argument tests, each on its own:
 *
 *	ld  [args[0] low]          reloaded before every test
 *	and #0x80000000            one bit of a "!=" rule (seccomp_list.c's
 *	jeq #0x80000000  DENY next   complement)
 *	ld  [args[0] low] ...
 *	ld  [args[0] high]; and #0; jeq #0   a test that always holds
 *
 * Four rewrites, each local and each sound on its own:
 *   1. "and #m; jeq #v" becomes "jset #m" (v == m, one bit set; or v == 0,
 *      the targets swapped), or an unconditional jump (m == 0, v == 0),
 *      when nothing after it reads the accumulator before loading it again
 *      and nothing else jumps to the jeq;
 *   2. a load of the word the accumulator already holds on every path to
 *      it is dropped;
 *   3. "jset #m1 T, else jset #m2 T" (the second reached only from the
 *      first) is one "jset #m1|m2 T";
 *   4. a load nothing reads, a jump to the next instruction, and what no
 *      path reaches, are dropped.
 * Jumps in classic BPF go forward only, so the program is a DAG in index
 * order: one sweep forward or backward sees every predecessor or successor
 * first.  Dropping instructions only brings targets closer, so the 8-bit
 * jump offsets still fit.  Instructions are dropped by marking them dead:
 * a dead one passes control to the next live one (skip()), which is what
 * it did in the program too, as each is a load of a value already there or
 * never read, or a jump to where control goes anyway.  tests/unit/bpfopt.c
 * runs original and result side by side on libseccomp's own output. */
#include "bpfopt.h"
#include "util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	LD_ABS = BPF_LD | BPF_W | BPF_ABS,
	AND_K = BPF_ALU | BPF_AND | BPF_K,
	JA = BPF_JMP | BPF_JA,
	JEQ = BPF_JMP | BPF_JEQ | BPF_K,
	JGT = BPF_JMP | BPF_JGT | BPF_K,
	JGE = BPF_JMP | BPF_JGE | BPF_K,
	JSET = BPF_JMP | BPF_JSET | BPF_K,
	RET_K = BPF_RET | BPF_K,
};

/* What the accumulator holds on entry to an instruction: the word of
 * seccomp_data at that offset, or one of these. */
enum { ACC_UNKNOWN = -1, ACC_UNREACHED = -2 };

struct prog {
	struct sock_filter *f;
	size_t n;
	bool *dead;
	size_t *jt, *jf;  /* absolute targets: jt alone for ja */
	unsigned *npred;  /* how many live instructions lead here */
	bool *live;	  /* the accumulator is read on some path from here before a load */
	int64_t *acc;	  /* on entry: a seccomp_data offset, ACC_UNKNOWN or ACC_UNREACHED */
	size_t *index;	  /* where each instruction kept goes (emit) */
	bool changed;
};

static bool is_cond(uint16_t code)
{
	return code == JEQ || code == JGT || code == JGE || code == JSET;
}

static size_t skip(const struct prog *p, size_t i)
{
	while (p->dead[i])
		i++;
	return i;
}

/* The live instructions control goes to after i: 0, 1 or 2 of them. */
static size_t successors(const struct prog *p, size_t i, size_t out[2])
{
	uint16_t code = p->f[i].code;
	if (code == RET_K)
		return 0;
	if (code == JA) {
		out[0] = skip(p, p->jt[i]);
		return 1;
	}
	if (is_cond(code)) {
		out[0] = skip(p, p->jt[i]);
		out[1] = skip(p, p->jf[i]);
		return 2;
	}
	out[0] = skip(p, i + 1);
	return 1;
}

/* Only what libseccomp emits is taken; jumps must stay inside, and the
 * last instruction must return, so that skip() always ends. */
static bool decode(struct prog *p)
{
	if (p->n == 0 || p->f[p->n - 1].code != RET_K)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct sock_filter *in = &p->f[i];
		switch (in->code) {
		case LD_ABS:
		case AND_K:
		case RET_K:
			break;
		case JA:
			if (in->k >= p->n - i - 1)
				return false;
			p->jt[i] = i + 1 + in->k;
			break;
		default:
			if (!is_cond(in->code) || i + 1 + in->jt >= p->n || i + 1 + in->jf >= p->n)
				return false;
			p->jt[i] = i + 1 + in->jt;
			p->jf[i] = i + 1 + in->jf;
		}
	}
	return true;
}

static void count_predecessors(struct prog *p)
{
	memset(p->npred, 0, p->n * sizeof *p->npred);
	for (size_t i = 0; i < p->n; i++) {
		size_t s[2], k = p->dead[i] ? 0 : successors(p, i, s);
		for (size_t j = 0; j < k; j++)
			p->npred[s[j]]++;
	}
}

/* Backward: a load ends the question, ret #k reads nothing, ja passes it
 * on, and every other instruction reads the accumulator. */
static void find_live(struct prog *p)
{
	for (size_t i = p->n; i-- > 0;) {
		if (p->dead[i])
			continue;
		uint16_t code = p->f[i].code;
		p->live[i] = code == JA ? p->live[skip(p, p->jt[i])] : code != LD_ABS && code != RET_K;
	}
}

static bool reads_nothing_after(const struct prog *p, size_t i)
{
	return !p->live[skip(p, p->jt[i])] && !p->live[skip(p, p->jf[i])];
}

/* Rewrite 1, at the and at i followed by the jeq at j. */
static void and_jeq_to_jset(struct prog *p, size_t i)
{
	size_t j = skip(p, i + 1);
	uint32_t m = p->f[i].k, v = p->f[j].k;
	if (p->f[j].code != JEQ || p->npred[j] != 1 || !reads_nothing_after(p, j))
		return;
	struct sock_filter *in = &p->f[i];
	if (m == 0 && v == 0) {
		*in = (struct sock_filter){ .code = JA };
		p->jt[i] = p->jt[j];
	} else if (v == 0) {
		*in = (struct sock_filter){ .code = JSET, .k = m };
		p->jt[i] = p->jf[j];
		p->jf[i] = p->jt[j];
	} else if (v == m && (m & (m - 1)) == 0) {
		*in = (struct sock_filter){ .code = JSET, .k = m };
		p->jt[i] = p->jt[j];
		p->jf[i] = p->jf[j];
	} else {
		return;
	}
	p->dead[j] = true;
	p->changed = true;
}

static void merge_acc(struct prog *p, size_t to, int64_t acc)
{
	if (p->acc[to] == ACC_UNREACHED)
		p->acc[to] = acc;
	else if (p->acc[to] != acc)
		p->acc[to] = ACC_UNKNOWN;
}

/* Rewrite 2, forward: what the accumulator holds, merged over every path. */
static void drop_reloads(struct prog *p)
{
	for (size_t i = 0; i < p->n; i++)
		p->acc[i] = ACC_UNREACHED;
	p->acc[skip(p, 0)] = ACC_UNKNOWN;
	for (size_t i = 0; i < p->n; i++) {
		int64_t acc = p->acc[i];
		if (p->dead[i] || acc == ACC_UNREACHED)
			continue;
		if (p->f[i].code == LD_ABS && acc == p->f[i].k) {
			p->dead[i] = true;
			p->changed = true;
		} else if (p->f[i].code == LD_ABS) {
			acc = p->f[i].k;
		} else if (p->f[i].code == AND_K) {
			acc = ACC_UNKNOWN;
		}
		size_t s[2], k = successors(p, i, s);
		for (size_t j = 0; j < k; j++)
			merge_acc(p, s[j], acc);
	}
}

/* Rewrite 3, along the false branches from the jset at i. */
static void merge_jsets(struct prog *p, size_t i)
{
	for (;;) {
		size_t j = skip(p, p->jf[i]);
		if (p->f[j].code != JSET || p->npred[j] != 1 || skip(p, p->jt[j]) != skip(p, p->jt[i]))
			return;
		p->f[i].k |= p->f[j].k;
		p->jf[i] = p->jf[j];
		p->dead[j] = true;
		p->changed = true;
	}
}

/* Rewrite 4's first half: unread loads and jumps that go nowhere. */
static void drop_no_ops(struct prog *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->dead[i])
			continue;
		struct sock_filter *in = &p->f[i];
		if (is_cond(in->code) && skip(p, p->jt[i]) == skip(p, p->jf[i]))
			*in = (struct sock_filter){ .code = JA };
		if ((in->code == LD_ABS && !p->live[skip(p, i + 1)]) ||
		    (in->code == JA && skip(p, p->jt[i]) == skip(p, i + 1))) {
			p->dead[i] = true;
			p->changed = true;
		}
	}
}

static void one_round(struct prog *p)
{
	count_predecessors(p);
	find_live(p);
	for (size_t i = 0; i < p->n; i++)
		if (!p->dead[i] && p->f[i].code == AND_K)
			and_jeq_to_jset(p, i);
	drop_reloads(p);
	count_predecessors(p);
	for (size_t i = 0; i < p->n; i++)
		if (!p->dead[i] && p->f[i].code == JSET)
			merge_jsets(p, i);
	find_live(p);
	drop_no_ops(p);
}

/* Rewrite 4's second half, and the new offsets.  false if a jump would not
 * fit (which the argument above rules out; then nothing is changed). */
static bool emit(struct prog *p, struct sock_filter *out, size_t *len)
{
	bool *reached = p->live; /* reused: liveness is not needed any more */
	size_t *index = p->index;
	memset(reached, 0, p->n * sizeof *reached);
	reached[skip(p, 0)] = true;
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (p->dead[i] || !reached[i])
			continue;
		index[i] = n++;
		size_t s[2], k = successors(p, i, s);
		for (size_t j = 0; j < k; j++)
			reached[s[j]] = true;
	}
	for (size_t i = 0; i < p->n; i++) {
		if (p->dead[i] || !reached[i])
			continue;
		struct sock_filter in = p->f[i];
		size_t at = index[i], s[2];
		if (in.code == JA) {
			successors(p, i, s);
			in.k = (uint32_t)(index[s[0]] - at - 1);
		} else if (is_cond(in.code)) {
			successors(p, i, s);
			size_t t = index[s[0]] - at - 1, f = index[s[1]] - at - 1;
			if (t > UINT8_MAX || f > UINT8_MAX)
				return false;
			in.jt = (uint8_t)t;
			in.jf = (uint8_t)f;
		}
		out[at] = in;
	}
	*len = n;
	return true;
}

size_t bpf_optimize(struct sock_filter *prog, size_t len)
{
	if (len == 0)
		return 0;
	struct prog p = { .f = xcalloc(len, sizeof *prog), .n = len };
	memcpy(p.f, prog, len * sizeof *prog);
	p.dead = xcalloc(len + 1, sizeof *p.dead);
	p.jt = xcalloc(len + 1, sizeof *p.jt);
	p.jf = xcalloc(len + 1, sizeof *p.jf);
	p.index = xcalloc(len + 1, sizeof *p.index);
	p.npred = xcalloc(len + 1, sizeof *p.npred);
	p.live = xcalloc(len + 1, sizeof *p.live);
	p.acc = xcalloc(len + 1, sizeof *p.acc);
	size_t out_len = len;
	struct sock_filter *out = xcalloc(len, sizeof *out);
	if (decode(&p)) {
		do {
			p.changed = false;
			one_round(&p);
		} while (p.changed);
		if (emit(&p, out, &out_len))
			memcpy(prog, out, out_len * sizeof *prog);
		else
			out_len = len;
	}
	free(out);
	free(p.f);
	free(p.dead);
	free(p.jt);
	free(p.jf);
	free(p.npred);
	free(p.live);
	free(p.acc);
	free(p.index);
	return out_len;
}
