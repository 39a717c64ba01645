/* fault: run a command with chosen system calls failing.
 *
 *   fault SPEC... -- COMMAND [ARG...]
 *
 *   SPEC  NAME=ERRNO             NAME always fails with ERRNO
 *         NAME&MASK=ERRNO        only when its first argument has a bit of
 *                                MASK (clone&CLONE_NEWUSER=EPERM: a user
 *                                namespace refused, other clones work)
 *         NAME.argN&MASK=ERRNO   the same for argument N (0..5)
 *         NAME.argN=VALUE=ERRNO  only when argument N is VALUE
 *                                (write.arg2=4=EACCES: every 4-byte write)
 *   NAME: a system call name (see calls[] below) or number; MASK, VALUE: a
 *   number, or CLONE_* names joined by '|'; ERRNO (after the last '='): a
 *   name (EPERM, ENOSYS, ...) or a number.
 *
 * Installs a seccomp filter (x86_64; other architectures are killed), sets
 * no_new_privs (which an unprivileged filter needs) and execs COMMAND.  The
 * filter is inherited by everything COMMAND starts, so sbx under fault
 * meets the failure in the supervisor, in init and in the payload alike,
 * as it would on a kernel without the call or in a container whose seccomp
 * profile refuses it.  A MASK is tested on the argument's low 32 bits (the
 * kernel reads clone's and unshare's flags as an int); a VALUE on all 64.
 * Seccomp sees no path names, so a write to one file is failed by its
 * length: sbx writes "deny" to /proc/PID/setgroups in one 4-byte write(2),
 * and nothing else of that size before the command runs.
 * Exit 2 on a bad SPEC or when the filter cannot be installed; 127 when
 * COMMAND cannot be run. */
#include "probe.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define C(name) { #name, SYS_##name }
static const struct {
	const char *name;
	long nr;
} calls[] = {
	C(openat2),  C(open_tree),   C(move_mount), C(fsopen),	   C(fsconfig),	   C(fsmount),
	C(fspick),   C(mount_setattr), C(mount),    C(umount2),	   C(pivot_root),  C(clone),
	C(clone3),   C(unshare),     C(setns),	    C(pidfd_open), C(pidfd_send_signal), C(memfd_create),
	C(seccomp),  C(prctl),	     C(keyctl),	    C(close_range), C(sethostname), C(socket),
	C(capset),   C(setresuid),   C(setresgid),  C(setgroups),  C(openat),	   C(ioctl),
	C(setsid),   C(signalfd4),   C(socketpair), C(pipe2),	   C(wait4),	   C(waitid),
	C(prlimit64), C(setrlimit),  C(mkdirat),    C(symlinkat),  C(fchdir),	   C(execve),
	C(write),    C(read),	     C(sendmsg),    C(recvmsg),	   C(poll),	   C(getrandom),
};
#undef C

#define E(name) { #name, name }
static const struct {
	const char *name;
	int value;
} errnos[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO),	  E(E2BIG),  E(EBADF), E(EAGAIN), E(ENOMEM),
	E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOSPC),
	E(EROFS), E(ENOSYS), E(EUSERS), E(EOPNOTSUPP),
};
static const struct {
	const char *name;
	unsigned long value;
} flags[] = {
	E(CLONE_NEWUSER), E(CLONE_NEWNS), E(CLONE_NEWPID), E(CLONE_NEWNET), E(CLONE_NEWUTS),
	E(CLONE_NEWIPC),  E(CLONE_NEWCGROUP), E(CLONE_NEWTIME),
};
#undef E

#define N_OF(a) (sizeof(a) / sizeof *(a))
#define MAX_SPECS 32

struct spec {
	long nr;
	int arg;             /* -1: always */
	bool equal;          /* argument == value, else argument & value */
	unsigned long value;
	int err;
};

static int usage(const char *why, const char *what)
{
	fprintf(stderr, "fault: %s: %s\nusage: fault NAME[.argN(=|&)VALUE]=ERRNO... -- COMMAND [ARG...]\n", why,
		what);
	return 2;
}

static bool number(const char *text, unsigned long *out)
{
	char *end;
	errno = 0;
	*out = strtoul(text, &end, 0);
	return text[0] >= '0' && text[0] <= '9' && !*end && !errno;
}

/* Numbers and CLONE_* names joined by '|'. */
static bool parse_value(char *text, unsigned long *out)
{
	*out = 0;
	for (char *save, *t = strtok_r(text, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		unsigned long v;
		size_t i = 0;
		while (i < N_OF(flags) && strcmp(flags[i].name, t) != 0)
			i++;
		if (i < N_OF(flags))
			v = flags[i].value;
		else if (!number(t, &v))
			return false;
		*out |= v;
	}
	return true;
}

static int parse_spec(const char *arg, struct spec *s)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", arg);
	char *eq = strrchr(buf, '=');
	if (!eq)
		return usage("no '=' in", arg);
	*eq = '\0';
	const char *err = eq + 1;
	/* the condition: ".argN=V", ".argN&M", or "&M" for arg0 */
	char *dot = strchr(buf, '.'), *cond = dot ? dot + 1 : strchr(buf, '&');
	s->arg = -1;
	if (cond) {
		char *op = cond;
		s->arg = 0;
		if (dot) {
			*dot = '\0';
			if (strncmp(cond, "arg", 3) != 0 || cond[3] < '0' || cond[3] > '5')
				return usage("bad argument in", arg);
			s->arg = cond[3] - '0';
			op = cond + 4;
		}
		if (*op != '=' && *op != '&')
			return usage("expected = or & in", arg);
		s->equal = *op == '=';
		*op = '\0';
		if (!parse_value(op + 1, &s->value) || (!s->equal && (s->value == 0 || s->value > 0xffffffffUL)))
			return usage("bad value in", arg);
	}
	unsigned long v;
	size_t i = 0;
	while (i < N_OF(calls) && strcmp(calls[i].name, buf) != 0)
		i++;
	if (i < N_OF(calls))
		s->nr = calls[i].nr;
	else if (number(buf, &v) && v < 1024)
		s->nr = (long)v;
	else
		return usage("unknown system call in", arg);
	i = 0;
	while (i < N_OF(errnos) && strcmp(errnos[i].name, err) != 0)
		i++;
	if (i < N_OF(errnos))
		s->err = errnos[i].value;
	else if (number(err, &v) && v > 0 && v < 4096)
		s->err = (int)v;
	else
		return usage("unknown errno in", arg);
	return 0;
}

#define ARG_LO(n) (offsetof(struct seccomp_data, args[0]) + 8 * (n))
#define ARG_HI(n) (ARG_LO(n) + 4)

int main(int argc, char **argv)
{
	struct spec specs[MAX_SPECS];
	int n = 0, i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (n == MAX_SPECS)
			return usage("too many", "specs");
		if (parse_spec(argv[i], &specs[n++]) != 0)
			return 2;
	}
	if (i + 1 >= argc)
		return usage("no command after", "--");

	/* [0] load arch, [1] x86_64?, [2] kill; then per spec a block:
	 *   load nr; nr == NR? (else skip the block)
	 *   & : load the argument's low half; any bit of MASK? (else skip)
	 *   ==: load the low half; equal? (else skip); the high half; equal?
	 *   return ERRNO
	 * and at the end allow.  (x86_64 is little-endian: low half first.) */
	struct sock_filter f[3 + MAX_SPECS * 7 + 1];
	size_t len = 0;
	f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	for (int k = 0; k < n; k++) {
		const struct spec *s = &specs[k];
		unsigned char cond_len = s->arg < 0 ? 0 : s->equal ? 4 : 2;
		f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)s->nr, 0, cond_len + 1);
		if (s->arg >= 0 && !s->equal) {
			f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(s->arg));
			f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (unsigned)s->value, 0, 1);
		} else if (s->arg >= 0) {
			f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(s->arg));
			f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)s->value, 0, 3);
			f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(s->arg));
			f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(s->value >> 32), 0, 1);
		}
		f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)s->err);
	}
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)len, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("fault: install the filter");
		return 2;
	}
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
