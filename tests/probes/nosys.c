/* nosys: run a command as if the kernel were older than Linux 5.12.
 *
 *   nosys COMMAND [ARG...]
 *
 * Installs a seccomp filter that makes the new mount API and openat2
 * (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr,
 * openat2) fail with ENOSYS, sets no_new_privs (which an unprivileged
 * filter needs), and execs COMMAND.  The filter is inherited by everything
 * the command starts, so sbx under nosys sees an old kernel everywhere:
 * in the supervisor, in init and in the payload.  Exit 2 if the filter
 * cannot be installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int hidden[] = {
	SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig,
	SYS_fsmount,   SYS_fspick,     SYS_mount_setattr, SYS_openat2,
};
#define N_HIDDEN (sizeof hidden / sizeof *hidden)

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nosys COMMAND [ARG...]\n");
		return 2;
	}
	/* [0] load arch, [1] check x86_64, [2] kill other arches, [3] load nr,
	 * then one compare per hidden call, then allow, then ENOSYS. */
	struct sock_filter f[4 + N_HIDDEN + 2];
	size_t n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < N_HIDDEN; i++) {
		/* On a match jump to the ENOSYS return, the last instruction. */
		unsigned char to_enosys = (unsigned char)(N_HIDDEN - i);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)hidden[i], to_enosys, 0);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("nosys: install the filter");
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
