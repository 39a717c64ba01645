/* nosys: run a command as if the kernel were older than Linux 5.12.
 *
 *   nosys [CALL,CALL... --] COMMAND [ARG...]
 *
 * Installs a seccomp filter that makes the new mount API and openat2
 * (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr,
 * openat2), or only the CALLs listed (from those), fail with ENOSYS, sets
 * no_new_privs (which an unprivileged filter needs), and execs COMMAND.  The filter is inherited by everything
 * the command starts, so sbx under nosys sees an old kernel everywhere:
 * in the supervisor, in init and in the payload.  Exit 2 if the filter
 * cannot be installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define C(name) { #name, SYS_##name }
static const struct {
	const char *name;
	int nr;
} calls[] = {
	C(open_tree), C(move_mount), C(fsopen), C(fsconfig), C(fsmount), C(fspick), C(mount_setattr), C(openat2),
};
#undef C
#define N_CALLS (sizeof calls / sizeof *calls)

/* Is name in the comma-separated list? */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

static bool all_known(const char *list)
{
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		bool known = false;
		for (size_t i = 0; i < N_CALLS; i++)
			known |= strlen(calls[i].name) == strcspn(p, ",") && strncmp(p, calls[i].name, strcspn(p, ",")) == 0;
		if (!known)
			return false;
	}
	return list[0] != '\0';
}

int main(int argc, char **argv)
{
	/* A first argument made of call names and followed by "--" is the
	 * list (so that "nosys sbx -- cmd" still runs sbx). */
	int hidden[N_CALLS];
	size_t n_hidden = 0;
	const char *list = NULL;
	if (argc > 3 && strcmp(argv[2], "--") == 0 && all_known(argv[1])) {
		list = argv[1];
		argv += 2;
		argc -= 2;
	}
	for (size_t i = 0; i < N_CALLS; i++)
		if (!list || listed(list, calls[i].name))
			hidden[n_hidden++] = calls[i].nr;
	if (argc < 2) {
		fprintf(stderr, "usage: nosys [CALL,CALL... --] COMMAND [ARG...]\n");
		return 2;
	}
	/* [0] load arch, [1] check x86_64, [2] kill other arches, [3] load nr,
	 * then one compare per hidden call, then allow, then ENOSYS. */
	struct sock_filter f[4 + N_CALLS + 2];
	size_t n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n_hidden; i++) {
		/* On a match jump to the ENOSYS return, the last instruction. */
		unsigned char to_enosys = (unsigned char)(n_hidden - i);
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
