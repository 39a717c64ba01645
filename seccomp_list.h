/* seccomp_list.h: the seccomp list language (seccomp_list.c reads it) and
 * the rules it yields (seccomp.c compiles them).  Private to those two (and
 * their unit tests). */
#ifndef SBX_SECCOMP_LIST_H
#define SBX_SECCOMP_LIST_H

#include "config.h"

#include <stdint.h>

#define SC_MAX_CONDS 8
#define INT32_MASK 0xffffffffULL

/* argN OP VALUE; OP_ANY is '&': any of these bits set */
enum sc_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_ANY };

struct sc_cond {
	unsigned arg;
	enum sc_op op;
	uint64_t value;
};

struct sc_rule {
	uint32_t action; /* SCMP_ACT_* */
	char *name;
	struct sc_cond cond[SC_MAX_CONDS]; /* all must hold */
	unsigned n_cond;
	char *where; /* "FILE:LINE", or the option it came from */
};

/* In order; an unconditional rule is the first of its system call (it
 * replaced the earlier ones), the conditional rules after it are its
 * exceptions. */
struct sc_list {
	uint32_t default_action;
	bool have_default;
	bool drop_kept;   /* leave out the "kept" rules: nothing written inside is kept */
	struct sc_rule *rules;
	size_t n_rules;
};

/* The list --seccomp names, then --seccomp-allow and --seccomp-deny.  With
 * --seccomp none, an empty allow list. */
int read_seccomp_list(struct sc_list *l, const struct config *cfg);

/* Does anything the command writes outlive the sandbox: a writable bind
 * (--bind, --bind-cwd) or --overlay-upper?  The "kept" rules apply then. */
bool writes_are_kept(const struct config *cfg);

/* The kernel reads this argument as a 32-bit int. */
bool is_int_arg(const char *name, unsigned arg);
/* i386 may reach this call through socketcall(2) or ipc(2), with its
 * arguments in memory the filter cannot read. */
bool args_hidden_on_i386(const char *name);
/* socketcall(2)'s first argument as the call it stands for, or NULL. */
const char *socketcall_name(uint64_t call);

/* seccomp.c: the values none of the cubes in[] matches, within `width`,
 * as cubes added to out (see complement there). */
struct cube {
	uint64_t mask, value; /* matches x when (x & mask) == value */
};
struct cubes {
	struct cube *c;
	size_t n;
};
void complement(const struct cube *in, size_t n, uint64_t width, uint64_t fixed, uint64_t val,
		struct cubes *out);

/* The name of errno number e ("EPERM" for 1), or NULL when it has none
 * (seccomp_list.c's table). */
const char *errno_name(int e);

static inline bool is_errno(uint32_t action)
{
	return (action & 0xffff0000U) == 0x00050000U; /* SCMP_ACT_ERRNO(0) */
}

#endif
