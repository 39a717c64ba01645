/* bpfopt.c: makes the classic BPF program libseccomp exports smaller
 * without changing its answer for any input.
 *
 * Why: the kernel turns a seccomp filter into eBPF and JIT-compiles it when
 * the payload loads it, in the payload's start-up, and that cost grows with
 * the program (the default list: 556 instructions from libseccomp, 173
 * after this pass; loading it alone in a fresh process took about 130 µs
 * before and 75-90 after, on a 2-vCPU VM).  Most of the excess is the
 * shape libseccomp gives argument tests, each on its own:
 *
 *	ld  [args[0] low]          reloaded before every test
 *	and #0x80000000            one bit of a "!=" rule (seccomp_list.c's
 *	jeq #0x80000000  DENY next   complement)
 *	ld  [args[0] low] ...
 *	ld  [args[0] high]; and #0; jeq #0   a test that always holds
 *
 * Five rewrites, each local and each sound on its own:
 *   1. "and #m; jeq #v" becomes "jset #m" (v == m, one bit set; or v == 0,
 *      the targets swapped), or an unconditional jump (m == 0, v == 0),
 *      when nothing after it reads the accumulator before loading it again
 *      and nothing else jumps to the jeq;
 *   2. a load of the word the accumulator already holds on every path to
 *      it is dropped;
 *   3. "jset #m1 T, else jset #m2 T" (the second reached only from the
 *      first) is one "jset #m1|m2 T";
 *   4. a load nothing reads, a jump to the next instruction, and what no
 *      path reaches, are dropped;
 *   5. a run of tests on one word that leaves only a few values out
 *      becomes one equality test per value (personality's sixty masked
 *      tests become five; see shorten_chain).
 * Jumps in classic BPF go forward only, so the program is a DAG in index
 * order: one sweep forward or backward sees every predecessor or successor
 * first.  Dropping instructions only brings targets closer; where a rewrite
 * moves a jump's target (3 and 5), it checks that the index distance, an
 * upper bound, stays within the 8-bit offset.  Instructions are dropped by
 * marking them dead:
 * a dead one passes control to the next live one (skip()), which is what
 * it did in the program too, as each is a load of a value already there or
 * never read, or a jump to where control goes anyway (or, in rewrites 1, 3
 * and 5, an instruction no jump reaches any more).  tests/unit/bpfopt.c
 * runs original and result side by side on libseccomp's own output and on
 * hand-made programs, and the seccomp fuzzer on every list it compiles. */
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

enum { MAX_ROUNDS = 16 };

struct chain;

struct prog {
	struct sock_filter *f;
	size_t n;
	bool *dead;
	size_t *jt, *jf;  /* absolute targets: jt alone for ja */
	unsigned *npred;  /* how many live instructions lead here */
	bool *live;	  /* the accumulator is read on some path from here before a load */
	int64_t *acc;	  /* on entry: a seccomp_data offset, ACC_UNKNOWN or ACC_UNREACHED */
	size_t *index;	  /* where each instruction kept goes (emit) */
	size_t *next;	  /* for a dead instruction: one further on, all dead between (skip) */
	bool *seen;	  /* in a chain read already (rewrite 5) */
	struct chain *chain; /* rewrite 5's scratch space (6 KiB) */
	unsigned long budget; /* what rewrite 5 may still spend, in cube visits */
	bool changed;
};

static bool is_cond(uint16_t code)
{
	return code == JEQ || code == JGT || code == JGE || code == JSET;
}

/* The first live instruction from i on.  Instructions only ever die, so
 * where a dead one led to stays right: each walk leaves the answer behind
 * in next[] (path compression), and long runs of dead instructions are
 * crossed in a step or two the next time. */
static size_t skip(const struct prog *p, size_t i)
{
	size_t live = i;
	while (p->dead[live])
		live = p->next[live];
	while (i != live) {
		size_t on = p->next[i];
		p->next[i] = live;
		i = on;
	}
	return live;
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
		/* i takes j's false target: no merge that would put it out of
		 * an 8-bit jump's reach (as counted now, an upper bound). */
		if (p->f[j].code != JSET || p->npred[j] != 1 || skip(p, p->jt[j]) != skip(p, p->jt[i]) ||
		    skip(p, p->jf[j]) - i - 1 > UINT8_MAX)
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
	/* Backward: a run of jumps to the next instruction goes in one sweep. */
	for (size_t i = p->n; i-- > 0;) {
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

/* ---- rewrite 5: a chain of tests on one word ----------------------------
 *
 * seccomp_list.c writes "none of these values" as the complement's cubes,
 * one masked test each (personality's five allowed values: sixty tests
 * of two bits).  A run of tests on the word the accumulator holds, each
 * sending what it matches to the same place (hit) and the rest on to the
 * next test, until the last sends the rest elsewhere (miss), matches the
 * union of their cubes.  When that union leaves only a few values out,
 * the run becomes one equality test per value left out (to miss) and a
 * jump to hit. */

enum { MAX_CUBES = 512, MAX_MEMBERS = 256, MAX_POINTS = 16 };
#define CHAIN_BUDGET (1ul << 20) /* cube visits in all: a few milliseconds at worst */

struct cube32 {
	uint32_t mask, value; /* matches x when (x & mask) == value */
};

struct chain {
	uint32_t word; /* the seccomp_data offset tested */
	uint32_t amask; /* what the accumulator holds of it */
	size_t hit, miss;
	struct cube32 cubes[MAX_CUBES];
	size_t n_cubes;
	size_t members[MAX_MEMBERS]; /* the instructions of the run, in order */
	size_t n_members;
};

static bool add_cube32(struct chain *c, uint32_t mask, uint32_t value)
{
	if (c->n_cubes == MAX_CUBES)
		return false;
	if ((value & ~mask) == 0) /* else it matches nothing */
		c->cubes[c->n_cubes++] = (struct cube32){ mask, value };
	return true;
}

static bool add_member(struct chain *c, size_t i)
{
	if (c->n_members == MAX_MEMBERS)
		return false;
	c->members[c->n_members++] = i;
	return true;
}

/* The test at i, if it is one of the run: its cubes and members added, and
 * *next where its misses go.  The first test (c->hit unset) sets the hit
 * target.  The accumulator holds the word masked with c->amask: libseccomp
 * masks an already masked word again when the masks nest. */
static bool take_test(const struct prog *p, struct chain *c, size_t i, size_t *next)
{
	const struct sock_filter *in = &p->f[i];
	size_t j = in->code == AND_K ? skip(p, i + 1) : i;
	uint16_t code = p->f[j].code;
	if ((in->code == AND_K && (code != JEQ || p->npred[j] != 1)) || (code != JEQ && code != JSET))
		return false;
	size_t t = skip(p, p->jt[j]), f = skip(p, p->jf[j]);
	if (c->n_members == 0)
		c->hit = t;
	uint32_t mask = c->amask & (in->code == AND_K ? in->k : UINT32_MAX), k = p->f[j].k;
	bool ok = true;
	if (t == c->hit && code == JEQ) {
		ok = add_cube32(c, mask, k);
	} else if (t == c->hit) {
		for (uint32_t b = k & mask; ok && b; b &= b - 1)
			ok = add_cube32(c, b & -b, b & -b);
	} else if (f == c->hit && code == JSET) {
		ok = add_cube32(c, k & mask, 0);
		f = t;
	} else {
		return false;
	}
	if (!ok || !add_member(c, i) || (j != i && !add_member(c, j)))
		return false;
	c->amask = mask;
	*next = f;
	return true;
}

/* The run that starts at i, as long as it goes: false when it is too
 * short to be worth reading. */
static bool read_chain(const struct prog *p, size_t i, struct chain *c)
{
	c->word = (uint32_t)p->acc[i];
	c->amask = UINT32_MAX;
	c->n_cubes = c->n_members = 0;
	size_t next;
	if (!take_test(p, c, i, &next))
		return false;
	c->miss = next;
	for (;;) {
		size_t at = next, n_cubes = c->n_cubes, n_members = c->n_members;
		uint32_t amask = c->amask;
		if (p->npred[at] != 1)
			break;
		if (p->f[at].code == LD_ABS && p->f[at].k == c->word) {
			if (!add_member(c, at))
				break;
			c->amask = UINT32_MAX;
			at = skip(p, at + 1);
		}
		if ((at != next && p->npred[at] != 1) || !take_test(p, c, at, &next)) {
			c->n_cubes = n_cubes;
			c->n_members = n_members;
			c->amask = amask;
			break;
		}
		c->miss = next;
	}
	return c->n_members > 2;
}

/* The values of the 32-bit word no cube matches, when there are at most
 * MAX_POINTS of them: the subspace (the bits in fixed set as in val) is
 * split until each part is matched whole by a cube, or by none (then all
 * its values are left).  false when they are too many, or the search too
 * long. */
static bool values_left(const struct chain *c, uint32_t fixed, uint32_t val, uint32_t *points, size_t *n,
			unsigned long *budget)
{
	if (*budget < c->n_cubes)
		return false;
	*budget -= c->n_cubes;
	uint32_t split = 0;
	bool any = false;
	for (size_t i = 0; i < c->n_cubes; i++) {
		const struct cube32 *q = &c->cubes[i];
		if ((q->value ^ val) & q->mask & fixed)
			continue; /* matches nothing here */
		uint32_t open = q->mask & ~fixed;
		if (!open)
			return true; /* matches it all */
		any = true;
		if (!split)
			split = open & -open;
	}
	if (!any) { /* every value here is left: few enough? */
		uint32_t open = ~fixed;
		if (__builtin_popcount(open) > 4 || *n + (1u << __builtin_popcount(open)) > MAX_POINTS)
			return false;
		uint32_t sub = 0; /* each subset of the open bits, as in Knuth's 7.1.3 */
		do {
			points[(*n)++] = val | sub;
			sub = (sub - open) & open;
		} while (sub);
		return true;
	}
	return values_left(c, fixed | split, val, points, n, budget) &&
	       values_left(c, fixed | split, val | split, points, n, budget);
}

/* Rewrite 5 at i, where the accumulator holds a word of seccomp_data.
 * The sweep keeps the predecessor counts and liveness it started with.  A
 * run rewritten here leaves its miss with more jumps in than counted; no
 * later run of the sweep can be misled by that, as it could reach miss as
 * a member (where the count matters) only through this run's members, all
 * marked seen, where no run starts.  Liveness only becomes more cautious:
 * the rewrite reads the accumulator where the run did, and nowhere else. */
static void shorten_chain(struct prog *p, size_t i)
{
	struct chain *c = p->chain;
	uint32_t points[MAX_POINTS];
	size_t n_points = 0;
	if (p->seen[i] || p->acc[i] < 0)
		return;
	bool long_enough = read_chain(p, i, c);
	for (size_t k = 0; k < c->n_members; k++)
		p->seen[c->members[k]] = true;
	if (!long_enough)
		return;
	/* The new tests jump to miss from the run's first slots: within the
	 * 8-bit offset, as the run's span is. */
	size_t hit = c->hit, miss = skip(p, c->miss);
	if (hit == miss || p->live[hit] || p->live[miss] || miss - c->members[0] - 1 > UINT8_MAX ||
	    !values_left(c, 0, 0, points, &n_points, &p->budget) || n_points + 1 >= c->n_members)
		return;
	for (size_t k = 0; k < n_points; k++) {
		size_t at = c->members[k];
		p->f[at] = (struct sock_filter){ .code = JEQ, .k = points[k] };
		p->jt[at] = miss;
		p->jf[at] = c->members[k + 1];
	}
	size_t at = c->members[n_points];
	p->f[at] = (struct sock_filter){ .code = JA };
	p->jt[at] = hit;
	for (size_t k = n_points + 1; k < c->n_members; k++)
		p->dead[c->members[k]] = true;
	p->changed = true;
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
	count_predecessors(p);
	find_live(p);
	memset(p->seen, 0, p->n * sizeof *p->seen);
	for (size_t i = 0; i < p->n; i++)
		if (!p->dead[i] && (p->f[i].code == AND_K || p->f[i].code == JEQ || p->f[i].code == JSET))
			shorten_chain(p, i);
	find_live(p);
	drop_no_ops(p);
}

/* Rewrite 4's second half, and the new offsets.  false if a jump would not
 * fit (which the rewrites' checks rule out; then nothing is changed). */
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
	p.seen = xcalloc(len + 1, sizeof *p.seen);
	p.next = xcalloc(len + 1, sizeof *p.next);
	for (size_t i = 0; i < len; i++)
		p.next[i] = i + 1;
	p.chain = xcalloc(1, sizeof *p.chain);
	p.budget = CHAIN_BUDGET;
	p.npred = xcalloc(len + 1, sizeof *p.npred);
	p.live = xcalloc(len + 1, sizeof *p.live);
	p.acc = xcalloc(len + 1, sizeof *p.acc);
	size_t out_len = len;
	struct sock_filter *out = xcalloc(len, sizeof *out);
	if (decode(&p)) {
		/* libseccomp's programs settle in two or three rounds; the bound
		 * keeps a contrived one from taking long (every round's state is
		 * a correct program). */
		for (int round = 0; round < MAX_ROUNDS; round++) {
			p.changed = false;
			one_round(&p);
			if (!p.changed)
				break;
		}
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
	free(p.seen);
	free(p.next);
	free(p.chain);
	return out_len;
}
