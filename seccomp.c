/* seccomp.c: the system call filter.  The supervisor reads the seccomp list
 * (seccomp_list.c) and compiles it with libseccomp before the clone; the
 * payload only loads the result, last thing before exec and after
 * no_new_privs.  With --seccomp-log, refusals go to the supervisor as user
 * notifications, and it explains each one.
 *
 * libseccomp ANDs the comparisons of one rule and ORs its rules, and cannot
 * say "none of these": exceptions to a rule and repeated != are compiled
 * into the complementary set of masked comparisons (complement below).
 * Arguments the kernel declares int are compared on their low 32 bits only,
 * as the kernel reads them, so TIOCSTI | 1 << 32 is still TIOCSTI.  The
 * filter covers x86_64 and i386 with the same rules; x32 and every other
 * architecture are killed. */
#include "util.h"
#include "config.h"
#include "policy.h"
#include "filter.h"
#include "bpfopt.h"
#include "seccomp_list.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_ATOMS_PER_RULE 1024

/* One libseccomp rule: what the filter really checks, kept so the
 * supervisor can tell which errno a notified call was refused with. */
struct atom {
	uint32_t action; /* as written, before --seccomp-log */
	int nr;          /* native number, as libseccomp takes it */
	int arch_nr;     /* this architecture's number */
	unsigned n;
	struct scmp_arg_cmp cmp[6];
	const struct sc_rule *from;
};

struct arch_rules {
	uint32_t arch;
	bool narrow; /* 32-bit: every argument is 32 bits wide */
	struct atom *atoms;
	size_t n_atoms;
};

struct seccomp_filter {
	struct sc_list list;
	scmp_filter_ctx ctx;
	bool log;
	struct arch_rules arch[2];
	size_t n_arch;
	/* The program the payload loads: exported from ctx, or the copy of the
	 * default list compiled at build time. */
	struct sock_filter *bpf;
	size_t bpf_len;
	bool bpf_embedded;
	bool builtin_default; /* the list is the built-in default, unchanged */
	/* Loaded after it, in order: raw programs the caller gave
	 * (cfg->bpf_programs), and the terminal filter below. */
	struct sock_fprog extra[64];
	size_t n_extra;
};

/* ---- compiling --------------------------------------------------------- */

static void add_cube(struct cubes *out, uint64_t mask, uint64_t value)
{
	out->c = grow(out->c, &out->n, sizeof *out->c);
	out->c[out->n - 1] = (struct cube){ mask, value };
}

/* Cover, with cubes, every value of the subspace (the bits in `fixed` set as
 * in `val`) that none of the given cubes matches.  Where all remaining cubes
 * insist on the same value of a bit, flipping that bit leaves them all: one
 * cube each.  Otherwise split on a bit.  Every step fixes at least one bit,
 * so the recursion is at most `width` deep.  For personality's five allowed
 * values this gives 60 two-bit cubes. */
void complement(const struct cube *in, size_t n, uint64_t width, uint64_t fixed, uint64_t val,
		       struct cubes *out)
{
	struct cube *live = xcalloc(n, sizeof *live);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if ((in[i].value ^ val) & in[i].mask & fixed)
			continue; /* no value of this subspace matches it */
		if (!(in[i].mask & ~fixed)) {
			free(live); /* it matches the whole subspace */
			return;
		}
		live[k++] = in[i];
	}
	uint64_t ones = width, zeros = width;
	for (size_t i = 0; i < k; i++) {
		ones &= live[i].mask & live[i].value;
		zeros &= live[i].mask & ~live[i].value;
	}
	uint64_t agreed = (ones | zeros) & ~fixed;
	if (k == 0)
		add_cube(out, fixed, val);
	for (uint64_t b = k ? agreed : 0; b; b &= b - 1)
		add_cube(out, fixed | (b & -b), val | (zeros & b & -b));
	if (k && agreed)
		complement(live, k, width, fixed | agreed, val | (ones & agreed), out);
	else if (k) {
		uint64_t bit = live[0].mask & ~fixed;
		bit &= -bit;
		complement(live, k, width, fixed | bit, val, out);
		complement(live, k, width, fixed | bit, val | bit, out);
	}
	free(live);
}

/* The comparisons one argument's conditions become: any one of them may
 * match; `always` when the argument is not tested, none when it cannot
 * match at all. */
struct alts {
	bool always;
	size_t n;
	struct scmp_arg_cmp *cmp;
};

static void add_cmp(struct alts *a, unsigned arg, enum scmp_compare op, uint64_t x, uint64_t y)
{
	a->cmp = grow(a->cmp, &a->n, sizeof *a->cmp);
	a->cmp[a->n - 1] = (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = x, .datum_b = y };
}

static void add_cube_cmp(struct alts *a, unsigned arg, struct cube c)
{
	if (c.mask == UINT64_MAX)
		add_cmp(a, arg, SCMP_CMP_EQ, c.value, 0);
	else
		add_cmp(a, arg, SCMP_CMP_MASKED_EQ, c.mask, c.value);
}

/* `width` is the mask of the bits the argument really has: 32 for an int,
 * and for everything on i386. */
static void expand_arg(const struct sc_rule *r, unsigned arg, uint64_t width, struct alts *a)
{
	const struct sc_cond *c = NULL;
	struct cube points[SC_MAX_CONDS];
	size_t n = 0, n_ne = 0;
	for (unsigned i = 0; i < r->n_cond; i++) {
		if (r->cond[i].arg != arg)
			continue;
		c = &r->cond[i];
		n++;
		if (c->op == OP_NE && c->value <= width) /* other values cannot occur */
			points[n_ne++] = (struct cube){ width, c->value };
	}
	*a = (struct alts){ .always = n == 0 };
	if (n == 0)
		return;
	static const enum scmp_compare ordered[] = { [OP_LT] = SCMP_CMP_LT, [OP_LE] = SCMP_CMP_LE,
						     [OP_GT] = SCMP_CMP_GT, [OP_GE] = SCMP_CMP_GE };
	switch (c->op) {
	case OP_NE: /* none of these values (check_conds allows only != to repeat) */
		if (n_ne == 0)
			a->always = true;
		else if (n_ne == 1 && width == UINT64_MAX)
			add_cmp(a, arg, SCMP_CMP_NE, points[0].value, 0);
		else {
			struct cubes out = { 0 };
			complement(points, n_ne, width, 0, 0, &out);
			for (size_t i = 0; i < out.n; i++)
				add_cube_cmp(a, arg, out.c[i]);
			free(out.c);
		}
		break;
	case OP_EQ:
		if (c->value <= width)
			add_cube_cmp(a, arg, (struct cube){ width, c->value });
		break;
	case OP_ANY:
		for (uint64_t b = c->value & width; b; b &= b - 1)
			add_cube_cmp(a, arg, (struct cube){ b & -b, b & -b });
		break;
	default: /* ordered, on a 64-bit argument; on i386 a large bound decides alone */
		if (c->value <= width)
			add_cmp(a, arg, ordered[c->op], c->value, 0);
		else
			a->always = c->op == OP_LT || c->op == OP_LE;
		break;
	}
}

/* libseccomp numbers what an architecture lacks with pseudo numbers below
 * -10000; -100 to -224 stand for i386's calls behind socketcall and ipc. */
static bool on_arch(int nr)
{
	return nr >= 0 || (nr <= -100 && nr >= -224);
}

static uint64_t arg_width(const struct arch_rules *ar, const char *name, unsigned arg)
{
	return ar->narrow || is_int_arg(name, arg) ? INT32_MASK : UINT64_MAX;
}

static void append_atom(struct arch_rules *ar, const struct atom *a)
{
	ar->atoms = grow(ar->atoms, &ar->n_atoms, sizeof *ar->atoms);
	ar->atoms[ar->n_atoms - 1] = *a;
}

/* One libseccomp rule per combination of the arguments' alternatives
 * (libseccomp ANDs the comparisons of one rule and ORs its rules). */
static int emit_rule(struct arch_rules *ar, const struct sc_rule *r, uint32_t action, const struct atom *base)
{
	struct alts alts[6];
	size_t total = 1;
	for (unsigned arg = 0; arg < 6; arg++) {
		expand_arg(r, arg, arg_width(ar, r->name, arg), &alts[arg]);
		if (!alts[arg].always)
			total = total * alts[arg].n > MAX_ATOMS_PER_RULE ? SIZE_MAX : total * alts[arg].n;
	}
	int ret = 0;
	if (total == SIZE_MAX)
		ret = failx("%s: the conditions make more than %d filter rules", r->where, MAX_ATOMS_PER_RULE);
	for (size_t k = 0; ret == 0 && k < total; k++) {
		struct atom at = *base;
		at.action = action;
		at.from = r;
		size_t rest = k;
		for (unsigned arg = 0; arg < 6; arg++) {
			if (alts[arg].always)
				continue;
			at.cmp[at.n++] = alts[arg].cmp[rest % alts[arg].n];
			rest /= alts[arg].n;
		}
		append_atom(ar, &at);
	}
	for (unsigned arg = 0; arg < 6; arg++)
		free(alts[arg].cmp);
	return ret;
}

/* An unconditional rule followed by exceptions: the exceptions as written,
 * and the rule itself on every value of the tested argument that no
 * exception matches. */
static int emit_with_exceptions(struct arch_rules *ar, const struct sc_rule *u, const struct sc_rule *const *ex,
				size_t n_ex, uint32_t def, const struct atom *base)
{
	unsigned arg = ex[0]->cond[0].arg;
	uint64_t width = arg_width(ar, u->name, arg);
	struct cubes except = { 0 }, rest = { 0 };
	int r = 0;
	for (size_t i = 0; i < n_ex && r == 0; i++) {
		for (unsigned c = 0; c < ex[i]->n_cond; c++)
			if (ex[i]->cond[c].arg != arg)
				r = failx("%s: the exceptions to '%s' must all test the same one argument",
					  ex[i]->where, u->name);
		if (r == 0 && ex[i]->action != def)
			r = emit_rule(ar, ex[i], ex[i]->action, base);
		struct alts a;
		expand_arg(ex[i], arg, width, &a);
		if (a.always)
			add_cube(&except, 0, 0);
		for (size_t k = 0; k < a.n && r == 0; k++) {
			const struct scmp_arg_cmp *c = &a.cmp[k];
			if (c->op == SCMP_CMP_EQ)
				add_cube(&except, UINT64_MAX, c->datum_a);
			else if (c->op == SCMP_CMP_MASKED_EQ)
				add_cube(&except, c->datum_a, c->datum_b);
			else
				r = failx("%s: an exception to '%s' may only test arg%u with ==, != or &",
					  ex[i]->where, u->name, arg);
		}
		free(a.cmp);
	}
	if (r == 0)
		complement(except.c, except.n, width, 0, 0, &rest);
	for (size_t k = 0; k < rest.n; k++) {
		struct atom at = *base;
		at.action = u->action;
		at.from = u;
		at.n = 1;
		struct alts one = { 0 };
		add_cube_cmp(&one, arg, rest.c[k]);
		at.cmp[0] = one.cmp[0];
		free(one.cmp);
		append_atom(ar, &at);
	}
	free(except.c);
	free(rest.c);
	return r;
}

/* On i386 the arguments of socket(2) and friends may be behind socketcall(2),
 * where the filter cannot see them: a rule that depends on them counts as
 * matching when it refuses and as not matching when it allows. */
static void blind_arguments(struct arch_rules *ar, size_t from)
{
	size_t kept = from;
	bool have_unconditional = false;
	for (size_t i = from; i < ar->n_atoms; i++) {
		struct atom a = ar->atoms[i];
		if (a.n && (a.action == SCMP_ACT_ALLOW || a.action == SCMP_ACT_LOG))
			continue;
		a.n = 0;
		if (have_unconditional)
			continue;
		have_unconditional = true;
		ar->atoms[kept++] = a;
	}
	ar->n_atoms = kept;
}

/* Every rule of the list for one system call, on one architecture.  After
 * add_rule, an unconditional rule can only be the first for its name. */
static int compile_syscall(struct arch_rules *ar, const struct sc_list *l, size_t first, uint32_t def)
{
	const struct sc_rule *r0 = &l->rules[first];
	struct atom base = { .nr = seccomp_syscall_resolve_name(r0->name),
			     .arch_nr = seccomp_syscall_resolve_name_arch(ar->arch, r0->name) };
	if (!on_arch(base.arch_nr))
		return 0;
	const struct sc_rule **later = xcalloc(l->n_rules, sizeof *later);
	size_t n_later = 0;
	const struct sc_rule *u = r0->n_cond == 0 ? r0 : NULL;
	for (size_t i = u ? first + 1 : first; i < l->n_rules; i++)
		if (strcmp(l->rules[i].name, r0->name) == 0 && (!u || l->rules[i].action != u->action))
			later[n_later++] = &l->rules[i];
	size_t start = ar->n_atoms;
	int r = 0;
	if (u && u->action != def && n_later)
		r = emit_with_exceptions(ar, u, later, n_later, def, &base);
	else if (u && u->action != def)
		append_atom(ar, &(struct atom){ .action = u->action, .nr = base.nr, .arch_nr = base.arch_nr,
						.from = u });
	else
		for (size_t i = 0; i < n_later && r == 0; i++)
			if (later[i]->action != def)
				r = emit_rule(ar, later[i], later[i]->action, &base);
	free(later);
	if (ar->narrow && args_hidden_on_i386(r0->name))
		blind_arguments(ar, start);
	return r;
}

/* With --seccomp-log a refusal goes to the supervisor, which explains it
 * and answers with the errno.  ENOSYS is not a refusal but a request to
 * fall back (clone3 -> clone), so it stays silent; kill stays kill. */
static uint32_t effective(const struct seccomp_filter *sc, uint32_t action)
{
	if (sc->log && is_errno(action) && (action & 0xffff) != ENOSYS)
		return SCMP_ACT_NOTIFY;
	return action;
}

/* The payload hands the listener over with sendmsg(2) after the filter is
 * loaded: were that call notified, it would wait for an answer from a
 * supervisor that has no listener yet.  So sendmsg is refused plainly, and
 * then there is nothing to explain with. */
static const struct sc_rule sendmsg_rule = { .name = (char *)"sendmsg", .where = (char *)"--seccomp-log" };

static void keep_sendmsg_plain(struct arch_rules *ar, uint32_t def)
{
	int nr = seccomp_syscall_resolve_name("sendmsg");
	bool refused = is_errno(def), seen = false;
	for (size_t i = 0; i < ar->n_atoms; i++)
		if (ar->atoms[i].nr == nr) {
			refused = seen ? refused : ar->atoms[i].n == 0 && is_errno(ar->atoms[i].action);
			seen = true;
		}
	if (!seen && refused)
		append_atom(ar, &(struct atom){ .action = def, .nr = nr, .arch_nr = nr, .from = &sendmsg_rule });
	if (refused)
		fprintf(stderr, "sbx: warning: --seccomp-log: the seccomp list refuses sendmsg, which sbx needs "
				"to hand the listener over; refusals will not be explained\n");
}

static int load_atoms(const struct seccomp_filter *sc, scmp_filter_ctx ctx, const struct arch_rules *ar, uint32_t def)
{
	for (size_t i = 0; i < ar->n_atoms; i++) {
		const struct atom *a = &ar->atoms[i];
		bool plain = !ar->narrow && strcmp(a->from->name, "sendmsg") == 0;
		uint32_t action = plain ? a->action : effective(sc, a->action);
		if (action == effective(sc, def))
			continue; /* libseccomp refuses a rule that only restates the default */
		int r = seccomp_rule_add_array(ctx, action, a->nr, a->n, a->cmp);
		if (r == -EEXIST)
			return failx("%s: conflicts with another rule for %s with a different action", a->from->where,
				     a->from->name);
		if (r < 0) {
			errno = -r;
			return fail("%s: libseccomp refused the rule for %s", a->from->where, a->from->name);
		}
	}
	return 0;
}

static scmp_filter_ctx new_filter(const struct seccomp_filter *sc, uint32_t arch, uint32_t def)
{
	scmp_filter_ctx ctx = seccomp_init(effective(sc, def));
	if (!ctx)
		return failx("seccomp: cannot initialise libseccomp"), NULL;
	int r = 0;
	if (arch != seccomp_arch_native() &&
	    ((r = seccomp_arch_add(ctx, arch)) < 0 || (r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0)) {
		seccomp_release(ctx);
		errno = -r;
		return fail("seccomp: add the i386 architecture"), NULL;
	}
	/* Other architectures would dodge every rule: kill them.  (x32 calls
	 * come as x86_64 with bit 30 set; libseccomp sends them here too.) */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		seccomp_release(ctx);
		errno = -r;
		return fail("seccomp: set filter attributes"), NULL;
	}
	return ctx;
}

/* One filter per architecture, compiled separately (libseccomp applies a
 * rule to every architecture of a filter, but i386 needs blind_arguments),
 * then merged into the one filter the payload loads. */
static int compile(struct seccomp_filter *sc, const struct sc_list *l)
{
	uint32_t native = seccomp_arch_native();
	sc->arch[sc->n_arch++] = (struct arch_rules){ .arch = native,
						    .narrow = native == SCMP_ARCH_X86 || native == SCMP_ARCH_ARM };
	if (native == SCMP_ARCH_X86_64)
		sc->arch[sc->n_arch++] = (struct arch_rules){ .arch = SCMP_ARCH_X86, .narrow = true };
	for (size_t a = 0; a < sc->n_arch; a++) {
		struct arch_rules *ar = &sc->arch[a];
		for (size_t i = 0; i < l->n_rules; i++) {
			size_t j = 0;
			while (j < i && strcmp(l->rules[j].name, l->rules[i].name) != 0)
				j++;
			if (j == i && compile_syscall(ar, l, i, l->default_action) < 0)
				return -1;
		}
		if (sc->log && !ar->narrow)
			keep_sendmsg_plain(ar, l->default_action);
		scmp_filter_ctx ctx = new_filter(sc, ar->arch, l->default_action);
		if (!ctx)
			return -1;
		if (load_atoms(sc, ctx, ar, l->default_action) < 0) {
			seccomp_release(ctx);
			return -1;
		}
		int r = sc->ctx ? seccomp_merge(sc->ctx, ctx) : 0;
		if (!sc->ctx)
			sc->ctx = ctx;
		if (r < 0) {
			seccomp_release(ctx);
			errno = -r;
			return fail("seccomp: merge the filters of two architectures");
		}
	}
	return 0;
}

/* The BPF program libseccomp made of ctx, read back through a memfd, so the
 * payload loads it with one seccomp(2) call and does no work of its own. */
static int export_bpf(struct seccomp_filter *sc)
{
	int fd = memfd_create("sbx-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return fail("seccomp: memfd_create");
	int r = seccomp_export_bpf(sc->ctx, fd);
	off_t size = r < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (r < 0 || size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0) {
		close(fd);
		errno = r < 0 ? -r : EIO;
		return fail("seccomp: export the filter");
	}
	sc->bpf = xcalloc(1, (size_t)size);
	ssize_t n = pread(fd, sc->bpf, (size_t)size, 0);
	close(fd);
	if (n != size)
		return fail("seccomp: read the filter back");
	/* The kernel's cost of loading it grows with its size (bpfopt.c). */
	sc->bpf_len = bpf_optimize(sc->bpf, (size_t)size / sizeof(struct sock_filter));
	/* The kernel takes at most BPF_MAXINSNS; say so now rather than have
	 * the payload's seccomp(2) fail with a bare EINVAL (and the length
	 * must fit sock_fprog's unsigned short anyway). */
	if (sc->bpf_len > BPF_MAXINSNS) {
		set_hint("fewer rules or conditions; rules with the same action and no condition cost least");
		return failx("seccomp: the filter has %zu instructions, more than the kernel's limit of %d",
			     sc->bpf_len, BPF_MAXINSNS);
	}
	return 0;
}

/* Whether the list in force is sbx's own default, as built in: named
 * "default", found to say what the copy inside sbx says, and unchanged by
 * --seccomp-allow, --seccomp-deny or --seccomp-log. */
static bool list_is_builtin_default(const struct config *cfg)
{
	if (strcmp(cfg->seccomp, "default") != 0 || cfg->n_seccomp_allow || cfg->n_seccomp_deny || cfg->seccomp_log)
		return false;
	const char *builtin = NULL;
	for (const struct embedded_file *e = embedded_files; e->name; e++)
		if (strcmp(e->name, "default.seccomp") == 0)
			builtin = e->text;
	struct policy_origin origin;
	char *text = peek_policy(POLICY_SECCOMP, "default", true, &origin);
	/* The compiled-in copy itself needs no comparing (it is 10 KiB). */
	bool same = text && builtin && (origin.builtin || strcmp(text, builtin) == 0);
	if (!origin.builtin)
		free(text);
	free(origin.path);
	return same;
}

/* The built-in default list was compiled when sbx was built (embedded_bpf.c):
 * it serves whenever that list is the one in force (most runs), and saves
 * compiling and generating the filter on every start. */
static void use_embedded_default(struct seccomp_filter *sc, const struct config *cfg)
{
	bool kept = writes_are_kept(cfg);
	sc->bpf = (struct sock_filter *)(kept ? embedded_default_kept_bpf : embedded_default_bpf);
	sc->bpf_len = (kept ? embedded_default_kept_bpf_len : embedded_default_bpf_len) / sizeof(struct sock_filter);
	sc->bpf_embedded = true;
}

/* The default list refuses every way to make a namespace: unshare and setns
 * outright, clone with any CLONE_NEW* flag, clone3 (ENOSYS), on each
 * architecture it lets in (tests/unit/default_filter.c runs the compiled
 * program to prove it).  The programs loaded beside it (the caller's
 * --seccomp programs, the terminal filter) can only refuse more: the kernel
 * takes the strictest answer. */
bool seccomp_refuses_namespaces(const struct seccomp_filter *sc)
{
	return sc && sc->builtin_default;
}

/* TIOCSTI and TIOCLINUX refused with EPERM, everything else allowed: for a
 * command that shares the caller's terminal and session but runs no sbx
 * list (bubblewrap mode without --new-session).  Written by hand, so
 * nothing is compiled at start-up: ioctl on the native architecture and,
 * on x86_64, on i386 and x32 too; the request compared on its low 32 bits
 * (the kernel reads an int), so TIOCSTI | 1 << 32 is refused as well.  A
 * negative fd (as an int, again) is no terminal: the call goes on, for the
 * kernel to answer EBADF as it does without the filter (bubblewrap, which
 * has none, passes such a call, and its own suite checks the answer). */
#if defined(__x86_64__)
#define X32_IOCTL (0x40000000 | 514)
#else
#define X32_IOCTL __NR_ioctl
#endif
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#define ARG1_LOW (offsetof(struct seccomp_data, args[1]) + 4)
#else
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#define ARG1_LOW offsetof(struct seccomp_data, args[1])
#endif
static struct sock_filter tty_filter[] = {
	/*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	/*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0 /* native, set at run time */, 0, 4),
	/*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/*  3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 6, 0),
	/*  4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X32_IOCTL, 5, 0),
	/*  5 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/*  6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 2),
	/*  7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/*  8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 54 /* i386 ioctl */, 1, 0),
	/*  9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1_LOW),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 2, 0),
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 1, 0),
	/* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 14 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
	/* 15 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x80000000, 0, 1),
	/* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 17 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
};

static int add_extra_program(struct seccomp_filter *sc, void *insns, size_t len)
{
	if (sc->n_extra == ARRAY_SIZE(sc->extra))
		return failx("seccomp: more than %zu filters", ARRAY_SIZE(sc->extra));
	sc->extra[sc->n_extra++] = (struct sock_fprog){ .len = (unsigned short)len, .filter = insns };
	return 0;
}

static int build_filter(struct seccomp_filter *sc, const struct config *cfg)
{
	if (cfg->block_tiocsti) {
		tty_filter[1].k = seccomp_arch_native();
		if (add_extra_program(sc, tty_filter, ARRAY_SIZE(tty_filter)) < 0)
			return -1;
	}
	for (size_t i = 0; i < cfg->n_bpf_programs; i++)
		if (add_extra_program(sc, cfg->bpf_programs[i].insns, cfg->bpf_programs[i].len) < 0)
			return -1;
	if (strcmp(cfg->seccomp, "none") == 0 && cfg->n_seccomp_allow == 0 && cfg->n_seccomp_deny == 0)
		return 0;
	sc->builtin_default = list_is_builtin_default(cfg);
	if (sc->builtin_default && embedded_default_bpf_len) {
		use_embedded_default(sc, cfg);
		return 0;
	}
	sc->log = cfg->seccomp_log;
	if (read_seccomp_list(&sc->list, cfg) < 0 || compile(sc, &sc->list) < 0)
		return -1;
	return export_bpf(sc);
}

struct seccomp_filter *prepare_seccomp(const struct config *cfg)
{
	struct seccomp_filter *sc = xcalloc(1, sizeof *sc);
	if (build_filter(sc, cfg) < 0) {
		seccomp_free(sc);
		return NULL;
	}
	return sc;
}

void seccomp_free(struct seccomp_filter *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->list.n_rules; i++) {
		free(sc->list.rules[i].name);
		free(sc->list.rules[i].where);
	}
	free(sc->list.rules);
	if (sc->ctx)
		seccomp_release(sc->ctx);
	for (size_t i = 0; i < sc->n_arch; i++)
		free(sc->arch[i].atoms);
	if (!sc->bpf_embedded)
		free(sc->bpf);
	free(sc);
}

int export_seccomp(const struct seccomp_filter *sc, const char *path)
{
	if (!sc->bpf)
		return failx("--seccomp-export: no filter (--seccomp none)");
	FILE *f = fopen(path, "we");
	if (!f)
		return fail("--seccomp-export %s", path);
	size_t n = fwrite(sc->bpf, sizeof *sc->bpf, sc->bpf_len, f);
	if (fclose(f) != 0 || n != sc->bpf_len)
		return fail("--seccomp-export %s", path);
	return 0;
}

/* After sbx's own filter: a caller's filter that refuses seccomp(2) must
 * not keep sbx's out. */
/* With prctl, not seccomp(2): bubblewrap's contract with its callers is
 * that every program but the last allows prctl (an allow list without
 * seccomp in it would otherwise stop the next program from loading). */
static int install_extra_programs(const struct seccomp_filter *sc)
{
	for (size_t i = 0; i < sc->n_extra; i++)
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sc->extra[i], 0, 0) < 0)
			return fail("load seccomp filter %zu", i + 1);
	return 0;
}

int install_seccomp(const struct seccomp_filter *sc, int *listener)
{
	*listener = -1;
	if (!sc->bpf)
		return install_extra_programs(sc);
	struct sock_fprog prog = { .len = (unsigned short)sc->bpf_len, .filter = sc->bpf };
	/* The kernel hands a listener out only for a filter with notify rules. */
	unsigned flags = sc->log ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0)
		return fail("load the seccomp filter");
	if (sc->log)
		*listener = (int)r;
	return install_extra_programs(sc);
}

/* ---- explaining refusals (--seccomp-log) ------------------------------- */

static const char *errno_text(int e)
{
	const char *n = errno_name(e);
	return n ? n : "an unnamed errno";
}

static bool cmp_matches(const struct scmp_arg_cmp *c, uint64_t x)
{
	switch (c->op) {
	case SCMP_CMP_NE: return x != c->datum_a;
	case SCMP_CMP_LT: return x < c->datum_a;
	case SCMP_CMP_LE: return x <= c->datum_a;
	case SCMP_CMP_EQ: return x == c->datum_a;
	case SCMP_CMP_GE: return x >= c->datum_a;
	case SCMP_CMP_GT: return x > c->datum_a;
	case SCMP_CMP_MASKED_EQ: return (x & c->datum_a) == c->datum_b;
	default: return false;
	}
}

/* The errno the list gives this call: the first rule that matches, else
 * the default.  *allow_name is what --seccomp-allow would need; *rule the
 * atom that matched, or NULL for the default. */
static int refusal_errno(const struct seccomp_filter *sc, const struct seccomp_data *d, const char **allow_name,
			 const struct atom **rule)
{
	*rule = NULL;
	const struct arch_rules *ar = NULL;
	for (size_t i = 0; i < sc->n_arch; i++)
		if (sc->arch[i].arch == d->arch)
			ar = &sc->arch[i];
	/* by name, as the atoms are: i386's socket is -101 whichever way it came */
	char *name = seccomp_syscall_resolve_num_arch(d->arch, d->nr);
	if (name && ar && ar->narrow && strcmp(name, "socketcall") == 0)
		*allow_name = socketcall_name(d->args[0]);
	int nr = *allow_name ? seccomp_syscall_resolve_name_arch(d->arch, *allow_name)
		 : name	     ? seccomp_syscall_resolve_name_arch(d->arch, name)
			     : d->nr;
	free(name);
	for (size_t i = 0; ar && i < ar->n_atoms; i++) {
		const struct atom *a = &ar->atoms[i];
		bool match = a->arch_nr == nr;
		for (unsigned k = 0; match && k < a->n; k++)
			match = cmp_matches(&a->cmp[k], ar->narrow ? d->args[a->cmp[k].arg] & INT32_MASK
								   : d->args[a->cmp[k].arg]);
		if (match && is_errno(a->action)) {
			*rule = a;
			return a->action & 0xffff;
		}
	}
	return is_errno(sc->list.default_action) ? (int)(sc->list.default_action & 0xffff) : EPERM;
}

static void copy_word(char *dst, size_t size, const char *src)
{
	size_t n = strcspn(src, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The command name and its pid inside the sandbox (NSpid's last field). */
static void describe_process(pid_t pid, char *comm, size_t comm_size, char *nspid, size_t nspid_size)
{
	char path[64], buf[4096];
	copy_word(comm, comm_size, "?");
	copy_word(nspid, nspid_size, "?");
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	if (read_small_file(path, buf, sizeof buf) == 0)
		copy_word(comm, comm_size, buf);
	/* The command chose its name (prctl, /proc/self/comm): it reaches the
	 * caller's terminal, so no escape sequence may pass. */
	escape_controls(comm, comm_size);
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	char *line = read_small_file(path, buf, sizeof buf) == 0 ? strstr(buf, "\nNSpid:") : NULL;
	if (line) {
		line[strcspn(line + 1, "\n") + 1] = '\0';
		char *last = strrchr(line, '\t');
		if (last)
			copy_word(nspid, nspid_size, last + 1);
	}
}

/* The calls that take a file mode, and which argument holds it. */
static const struct {
	const char *name;
	unsigned arg;
} mode_args[] = {
	{ "chmod", 1 }, { "fchmod", 1 }, { "fchmodat", 2 }, { "fchmodat2", 2 }, { "open", 2 },
	{ "openat", 3 }, { "creat", 1 }, { "mknod", 1 }, { "mknodat", 2 },
};

/* Why, in words, when the rule that refused the call tested its mode for
 * the set-user-ID and set-group-ID bits (default.seccomp); else "". */
static const char *why_refused(const struct atom *rule, const struct seccomp_data *d, char *buf, size_t size)
{
	for (size_t i = 0; rule && i < ARRAY_SIZE(mode_args); i++) {
		if (strcmp(rule->from->name, mode_args[i].name) != 0)
			continue;
		uint64_t mode = d->args[mode_args[i].arg] & INT32_MASK;
		for (unsigned k = 0; k < rule->n; k++)
			if (rule->cmp[k].arg == mode_args[i].arg && rule->cmp[k].op == SCMP_CMP_MASKED_EQ &&
			    rule->cmp[k].datum_a & (S_ISUID | S_ISGID) && mode & (S_ISUID | S_ISGID)) {
				bool uid = mode & S_ISUID;
				snprintf(buf, size, " (mode %#llo is set-%s-ID: a file left with it in a writable place "
					 "would run as its %s outside the sandbox)", (unsigned long long)mode,
					 uid ? "user" : "group", uid ? "owner" : "group");
				return buf;
			}
	}
	return "";
}

static void explain_refusal(const struct seccomp_notif *req, int err, const char *allow_name, const struct atom *rule)
{
	const struct seccomp_data *d = &req->data;
	char comm[64], nspid[32], args[160];
	describe_process((pid_t)req->pid, comm, sizeof comm, nspid, sizeof nspid);
	size_t len = 0;
	for (int i = 0; i < 6; i++)
		len += (size_t)snprintf(args + len, sizeof args - len, "%s0x%llx", i ? ", " : "",
					(unsigned long long)d->args[i]);
	char *name = seccomp_syscall_resolve_num_arch(d->arch, d->nr);
	char fallback[32];
	snprintf(fallback, sizeof fallback, "syscall_%d", d->nr);
	if (!allow_name)
		allow_name = name ? name : fallback;
	/* A terminal in raw mode (sbx relaying a pty) needs the carriage return. */
	struct termios t;
	bool raw = tcgetattr(STDERR_FILENO, &t) == 0 && !(t.c_oflag & OPOST);
	char why[160];
	fprintf(stderr, "sbx: seccomp: %s[%s] called %s(%s)%s — refused with %s%s; --seccomp-allow %s would allow it%s",
		comm, nspid, name ? name : fallback, args, d->arch == (uint32_t)seccomp_arch_native() ? "" : " (i386)",
		errno_text(err), why_refused(rule, d, why, sizeof why), allow_name, raw ? "\r\n" : "\n");
	free(name);
}

int handle_seccomp_notification(const struct seccomp_filter *sc, int listener)
{
	static struct seccomp_notif *req;
	static struct seccomp_notif_resp *resp;
	struct pollfd p = { .fd = listener, .events = POLLIN };
	if (poll(&p, 1, 0) < 0)
		return errno == EINTR ? 0 : -1;
	if (!(p.revents & POLLIN))
		return p.revents & (POLLHUP | POLLERR | POLLNVAL) ? -1 : 0;
	if (!req && seccomp_notify_alloc(&req, &resp) < 0)
		return -1;
	memset(req, 0, sizeof *req);
	if (seccomp_notify_receive(listener, req) < 0)
		/* ENOENT: the caller died before we read it */
		return errno == ENOENT || errno == EINTR ? 0 : -1;
	const char *allow_name = NULL;
	const struct atom *rule;
	int err = refusal_errno(sc, &req->data, &allow_name, &rule);
	/* Explain only while the id is still live, so the pid read from /proc
	 * is really the caller and not a recycled one. */
	if (seccomp_notify_id_valid(listener, req->id) == 0)
		explain_refusal(req, err, allow_name, rule);
	memset(resp, 0, sizeof *resp);
	resp->id = req->id;
	resp->error = -err;
	if (seccomp_notify_respond(listener, resp) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* A kill rule (or a call from another architecture) ends the command with
 * SIGSYS; say so in plain words rather than leave a bare 159.  sbx's own
 * filter, compiled now or at build time, always kills other architectures
 * (x32 included); a caller's raw program may kill too.  The TIOCSTI filter
 * alone never kills. */
void explain_seccomp_kill(const struct seccomp_filter *sc, const struct config *cfg, int wait_status)
{
	bool can_kill = sc->bpf || cfg->n_bpf_programs;
	if (!can_kill || !WIFSIGNALED(wait_status) || WTERMSIG(wait_status) != SIGSYS)
		return;
	fprintf(stderr, "sbx: %s was killed by the seccomp filter (SIGSYS)\n", cfg->argv[0]);
}
