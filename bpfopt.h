/* bpfopt.h: a size pass over the classic BPF seccomp programs libseccomp
 * exports (bpfopt.c). */
#ifndef SBX_BPFOPT_H
#define SBX_BPFOPT_H

#include <linux/filter.h>
#include <stddef.h>

/* Rewrites prog[0..len) in place into a program that returns the same
 * action for every input, in fewer instructions where it can; returns the
 * new length.  A program with an instruction the pass does not know, or
 * that is not well formed, is left as it is (len is returned). */
size_t bpf_optimize(struct sock_filter *prog, size_t len);

#endif
