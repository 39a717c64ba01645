/* sc_calls: make the system calls sbx's default seccomp list refuses, each
 * in a child process and three ways: the plain x86_64 call, the same number
 * with the x32 bit (0x40000000) set, and the i386 number through int $0x80
 * (which a 64-bit process may use: the filter then sees AUDIT_ARCH_I386).
 *
 *   sc_calls GROUP [native|x32|i386]...
 *   groups: ns mount keyring surface system tty ldisc socket netlink personality setuid
 *
 * Every call carries arguments the kernel itself would turn down with its
 * own error (EFAULT, EBADF, EINVAL, ENOTTY...) or would carry out, so:
 *   held:    the filter answered with its errno (x32: the filter killed the
 *            child with SIGSYS);
 *   ESCAPE:  the call succeeded, or came back with the kernel's own error:
 *            the filter let it through (x32: the call returned at all).
 * A few calls meet a capability check in the kernel first, whose EPERM
 * cannot be told from the filter's ("kernel says the same" below); they
 * are held on that errno but cannot show an escape. */
#include "probe.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define X32_BIT 0x40000000L
#define BUF (-1000L) /* replaced by the address of a zeroed low buffer */
#define FD (-1001L)  /* replaced by an fd open on /dev/null */
#define NONE (-1L)
#define EAF EAFNOSUPPORT
/* socket(AF_NETLINK, SOCK_RAW, PROTOCOL), natively (and with the x32 bit) */
#define NL(protocol) \
	{ "netlink", "socket(AF_NETLINK, " #protocol ")", SYS_socket, NONE, { AF_NETLINK, SOCK_RAW, protocol }, \
	  EPROTONOSUPPORT, EPROTONOSUPPORT, { 0 } }

struct attempt {
	const char *group, *what;
	long nr64, nr32; /* NONE where the architecture lacks the call */
	long a[5];
	int filter_errno; /* what the default list answers */
	int kernel_same;  /* an errno the kernel may answer itself, or 0 */
	unsigned buf[4];  /* initial contents of BUF, as i386 longs */
};

static const struct attempt attempts[] = {
	/* user and other namespaces: the ways back out of the sandbox */
	{ "ns", "unshare(CLONE_NEWUSER)", SYS_unshare, 310, { CLONE_NEWUSER }, EPERM, 0, { 0 } },
	{ "ns", "setns(-1, 0)", SYS_setns, 346, { -1, 0 }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWUSER|SIGCHLD)", SYS_clone, 120, { CLONE_NEWUSER | SIGCHLD }, EPERM, 0, { 0 } },
	/* each namespace flag with CLONE_SIGHAND but no CLONE_VM, which the
	 * kernel refuses with EINVAL before it looks at permissions */
	{ "ns", "clone(CLONE_NEWNS|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWNS | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWPID|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWPID | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWNET|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWNET | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWUTS|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWUTS | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWIPC|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWIPC | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone(CLONE_NEWCGROUP|CLONE_SIGHAND)", SYS_clone, 120, { CLONE_NEWCGROUP | CLONE_SIGHAND }, EPERM, 0, { 0 } },
	{ "ns", "clone3(NULL, 0)", SYS_clone3, 435, { 0, 0 }, ENOSYS, 0, { 0 } },

	/* the mount family */
	{ "mount", "mount(bad pointers)", SYS_mount, 21, { 1, 1, 1, 0, 0 }, EPERM, 0, { 0 } },
	{ "mount", "umount2(\"\", bad flags)", SYS_umount2, 52, { BUF, 0x80000000L }, EPERM, 0, { 0 } },
	{ "mount", "umount(bad pointer)", NONE, 22, { 1 }, EPERM, 0, { 0 } },
	{ "mount", "pivot_root(bad pointers)", SYS_pivot_root, 217, { 1, 1 }, EPERM, EPERM, { 0 } },
	{ "mount", "chroot(bad pointer)", SYS_chroot, 61, { 1 }, EPERM, 0, { 0 } },
	{ "mount", "open_tree(-1, bad, bad flags)", SYS_open_tree, 428, { -1, 1, -1 }, EPERM, 0, { 0 } },
	{ "mount", "move_mount(bad flags)", SYS_move_mount, 429, { -1, 1, -1, 1, -1 }, EPERM, EPERM, { 0 } },
	{ "mount", "fsopen(bad pointer, bad flags)", SYS_fsopen, 430, { 1, -1 }, EPERM, EPERM, { 0 } },
	{ "mount", "fsconfig(-1, bad command)", SYS_fsconfig, 431, { -1, 9999, 0, 0, 0 }, EPERM, 0, { 0 } },
	{ "mount", "fsmount(-1, bad flags)", SYS_fsmount, 432, { -1, -1, 0 }, EPERM, EPERM, { 0 } },
	{ "mount", "fspick(-1, bad, bad flags)", SYS_fspick, 433, { -1, 1, -1 }, EPERM, EPERM, { 0 } },
	{ "mount", "mount_setattr(-1, bad flags)", SYS_mount_setattr, 442, { -1, 1, -1, 0, 0 }, EPERM, 0, { 0 } },

	/* the kernel keyring, which is not namespaced */
	{ "keyring", "keyctl(9999)", SYS_keyctl, 288, { 9999 }, EPERM, 0, { 0 } },
	{ "keyring", "add_key(bad pointers)", SYS_add_key, 286, { 1, 1, 0, 0, 0 }, EPERM, 0, { 0 } },
	{ "keyring", "request_key(bad pointers)", SYS_request_key, 287, { 1, 1, 0, 0 }, EPERM, 0, { 0 } },

	/* large attack surfaces */
	{ "surface", "bpf(9999)", SYS_bpf, 357, { 9999, 0, 0 }, EPERM, EPERM, { 0 } },
	{ "surface", "perf_event_open(NULL)", SYS_perf_event_open, 336, { 0, 0, -1, -1, 0 }, EPERM, 0, { 0 } },
	{ "surface", "userfaultfd(UFFD_USER_MODE_ONLY)", SYS_userfaultfd, 374, { 1 | O_CLOEXEC }, EPERM, 0, { 0 } },
	{ "surface", "io_uring_setup(1, params)", SYS_io_uring_setup, 425, { 1, BUF }, EPERM, 0, { 0 } },
	{ "surface", "io_uring_enter(-1)", SYS_io_uring_enter, 426, { -1, 0, 0, 0, 0 }, EPERM, 0, { 0 } },
	{ "surface", "io_uring_register(-1)", SYS_io_uring_register, 427, { -1, 0, 0, 0 }, EPERM, 0, { 0 } },
	{ "surface", "open_by_handle_at(-1)", SYS_open_by_handle_at, 342, { -1, BUF, 0 }, EPERM, 0, { 0 } },
	{ "surface", "name_to_handle_at(bad flags)", SYS_name_to_handle_at, 341, { -1, 1, 0, 0, -1 }, EPERM, 0, { 0 } },
	{ "surface", "lookup_dcookie()", SYS_lookup_dcookie, 253, { 0, 0, 0 }, EPERM, 0, { 0 } },

	/* whole-system operations; most meet CAP_SYS_* in the kernel first */
	{ "system", "kexec_load(bad flags)", SYS_kexec_load, 283, { 0, 0, 0, -1 }, EPERM, EPERM, { 0 } },
	{ "system", "kexec_file_load(bad flags)", SYS_kexec_file_load, NONE, { -1, -1, 0, 0, -1 }, EPERM, EPERM, { 0 } },
	{ "system", "init_module(NULL)", SYS_init_module, 128, { 0, 0, 0 }, EPERM, EPERM, { 0 } },
	{ "system", "finit_module(-1)", SYS_finit_module, 350, { -1, 0, 0 }, EPERM, EPERM, { 0 } },
	{ "system", "delete_module(bad pointer)", SYS_delete_module, 129, { 1, 0 }, EPERM, EPERM, { 0 } },
	{ "system", "acct(bad pointer)", SYS_acct, 51, { 1 }, EPERM, EPERM, { 0 } },
	{ "system", "swapon(bad pointer, bad flags)", SYS_swapon, 87, { 1, -1 }, EPERM, 0, { 0 } },
	{ "system", "swapoff(bad pointer)", SYS_swapoff, 115, { 1 }, EPERM, EPERM, { 0 } },
	{ "system", "reboot(bad magic)", SYS_reboot, 88, { 0, 0, 0, 0 }, EPERM, EPERM, { 0 } },
	{ "system", "syslog(SIZE_BUFFER)", SYS_syslog, 103, { 10, 0, 0 }, EPERM, EPERM, { 0 } },
	{ "system", "quotactl(bad command)", SYS_quotactl, 131, { -1, 0, 0, 0 }, EPERM, 0, { 0 } },
	{ "system", "quotactl_fd(-1, bad command)", SYS_quotactl_fd, 443, { -1, -1, 0, 0 }, EPERM, 0, { 0 } },
	{ "system", "uselib(bad pointer)", SYS_uselib, 86, { 1 }, EPERM, 0, { 0 } },
	{ "system", "vm86old(NULL)", NONE, 113, { 0 }, EPERM, 0, { 0 } },
	{ "system", "vm86(0, NULL)", NONE, 166, { 0, 0 }, EPERM, 0, { 0 } },
	{ "system", "nfsservctl()", SYS_nfsservctl, 169, { 0, 0, 0 }, EPERM, 0, { 0 } },

	/* pushing input into a terminal: on /dev/null the kernel says ENOTTY;
	 * the request is an int, so bit 32 must not hide it from the filter */
	{ "tty", "ioctl(fd, TIOCSTI)", SYS_ioctl, 54, { FD, TIOCSTI, BUF }, EPERM, 0, { 0 } },
	{ "tty", "ioctl(fd, TIOCSTI|1<<32)", SYS_ioctl, NONE, { FD, TIOCSTI | 1L << 32, BUF }, EPERM, 0, { 0 } },
	{ "tty", "ioctl(fd, TIOCLINUX)", SYS_ioctl, 54, { FD, TIOCLINUX, BUF }, EPERM, 0, { 0 } },
	{ "tty", "ioctl(fd, TIOCLINUX|1<<32)", SYS_ioctl, NONE, { FD, TIOCLINUX | 1L << 32, BUF }, EPERM, 0, { 0 } },

	/* changing the line discipline, on /dev/null: ENOTTY from the kernel */
	{ "ldisc", "ioctl(fd, TIOCSETD)", SYS_ioctl, 54, { FD, TIOCSETD, BUF }, EPERM, 0, { 0 } },
	{ "ldisc", "ioctl(fd, TIOCSETD|1<<32)", SYS_ioctl, NONE, { FD, TIOCSETD | 1L << 32, BUF }, EPERM, 0, { 0 } },

	/* socket families outside the allow-list; the kernel may lack a
	 * family altogether and answer EAFNOSUPPORT itself */
	{ "socket", "socket(AF_VSOCK)", SYS_socket, 359, { AF_VSOCK, SOCK_STREAM, 0 }, EAF, EAF, { 0 } },
	{ "socket", "socket(AF_VSOCK|1<<32)", SYS_socket, NONE, { AF_VSOCK | 1L << 32, SOCK_STREAM, 0 }, EAF, EAF, { 0 } },
	{ "socket", "socket(AF_PACKET)", SYS_socket, 359, { AF_PACKET, SOCK_RAW, 0 }, EAF, EAF, { 0 } },
	{ "socket", "socket(AF_KEY)", SYS_socket, 359, { AF_KEY, SOCK_RAW, 2 }, EAF, EAF, { 0 } },
	{ "socket", "socket(AF_ALG)", SYS_socket, 359, { AF_ALG, SOCK_SEQPACKET, 0 }, EAF, EAF, { 0 } },
	{ "socket", "socketcall(SYS_SOCKET, AF_VSOCK)", NONE, 102, { 1, BUF }, EAF, EAF, { AF_VSOCK, SOCK_STREAM } },
	{ "socket", "socketcall(SYS_SOCKET, AF_PACKET)", NONE, 102, { 1, BUF }, EAF, EAF, { AF_PACKET, SOCK_RAW } },

	/* netlink protocols other than NETLINK_ROUTE: the kernel opens those it
	 * has and answers EPROTONOSUPPORT itself for those it lacks (31 is no
	 * protocol at all).  The protocol is an int, so bit 32 must not hide
	 * it.  On i386 the filter cannot see the family: every socket() there
	 * gets EAFNOSUPPORT, directly or through socketcall. */
	NL(NETLINK_SOCK_DIAG), NL(NETLINK_XFRM), NL(NETLINK_AUDIT), NL(NETLINK_NETFILTER),
	NL(NETLINK_KOBJECT_UEVENT), NL(NETLINK_GENERIC), NL(NETLINK_USERSOCK), NL(NETLINK_SELINUX),
	NL(NETLINK_FIB_LOOKUP), NL(NETLINK_CONNECTOR), NL(NETLINK_CRYPTO), NL(NETLINK_SMC),
	{ "netlink", "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT)", SYS_socket, NONE,
	  { AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_AUDIT }, EPROTONOSUPPORT, EPROTONOSUPPORT, { 0 } },
	{ "netlink", "socket(AF_NETLINK, NETLINK_AUDIT|1<<32)", SYS_socket, NONE,
	  { AF_NETLINK, SOCK_RAW, NETLINK_AUDIT | 1L << 32 }, EPROTONOSUPPORT, EPROTONOSUPPORT, { 0 } },
	{ "netlink", "socket(AF_NETLINK, 31)", SYS_socket, NONE, { AF_NETLINK, SOCK_RAW, 31 }, EPROTONOSUPPORT,
	  EPROTONOSUPPORT, { 0 } },
	{ "netlink", "socket(AF_NETLINK, NETLINK_AUDIT)", NONE, 359, { AF_NETLINK, SOCK_RAW, NETLINK_AUDIT }, EAF, EAF,
	  { 0 } },
	{ "netlink", "socketcall(SYS_SOCKET, AF_NETLINK, NETLINK_AUDIT)", NONE, 102, { 1, BUF }, EAF, EAF,
	  { AF_NETLINK, SOCK_RAW, NETLINK_AUDIT } },

	/* execution domains that weaken the process */
	{ "personality", "personality(ADDR_NO_RANDOMIZE)", SYS_personality, 136, { ADDR_NO_RANDOMIZE }, EPERM, 0, { 0 } },
	{ "personality", "personality(ADDR_NO_RANDOMIZE|1<<32)", SYS_personality, NONE,
	  { ADDR_NO_RANDOMIZE | 1L << 32 }, EPERM, 0, { 0 } },
	{ "personality", "personality(READ_IMPLIES_EXEC)", SYS_personality, 136, { READ_IMPLIES_EXEC }, EPERM, 0, { 0 } },
	{ "personality", "personality(PER_BSD)", SYS_personality, 136, { PER_BSD }, EPERM, 0, { 0 } },
	{ "personality", "personality(PER_LINUX32|ADDR_NO_RANDOMIZE)", SYS_personality, 136,
	  { PER_LINUX32 | ADDR_NO_RANDOMIZE }, EPERM, 0, { 0 } },

	/* set-user-ID and set-group-ID modes, given or asked for at creation,
	 * on the path "" (ENOENT from the kernel) or fd -1 (EBADF); the mode is
	 * an int, so bit 32 must not hide it; openat2 hides its mode: ENOSYS */
	{ "setuid", "chmod(\"\", 04755)", SYS_chmod, 15, { BUF, 04755 }, EPERM, 0, { 0 } },
	{ "setuid", "chmod(\"\", 02755)", SYS_chmod, 15, { BUF, 02755 }, EPERM, 0, { 0 } },
	{ "setuid", "chmod(\"\", 04000|1<<32)", SYS_chmod, NONE, { BUF, 04000 | 1L << 32 }, EPERM, 0, { 0 } },
	{ "setuid", "fchmod(-1, 06755)", SYS_fchmod, 94, { -1, 06755 }, EPERM, 0, { 0 } },
	{ "setuid", "fchmodat(AT_FDCWD, \"\", 04755)", SYS_fchmodat, 306, { AT_FDCWD, BUF, 04755 }, EPERM, 0, { 0 } },
	{ "setuid", "fchmodat2(AT_FDCWD, \"\", 02755, 0)", 452, 452, { AT_FDCWD, BUF, 02755, 0 }, EPERM, 0, { 0 } },
	{ "setuid", "open(\"\", O_CREAT, 04755)", SYS_open, 5, { BUF, O_CREAT | O_WRONLY, 04755 }, EPERM, 0, { 0 } },
	{ "setuid", "openat(AT_FDCWD, \"\", O_CREAT, 02755)", SYS_openat, 295, { AT_FDCWD, BUF, O_CREAT | O_WRONLY, 02755 },
	  EPERM, 0, { 0 } },
	{ "setuid", "creat(\"\", 04755)", SYS_creat, 8, { BUF, 04755 }, EPERM, 0, { 0 } },
	{ "setuid", "mknod(\"\", S_IFREG|04755)", SYS_mknod, 14, { BUF, 0100000 | 04755, 0 }, EPERM, 0, { 0 } },
	{ "setuid", "mknodat(AT_FDCWD, \"\", S_IFREG|02755)", SYS_mknodat, 297, { AT_FDCWD, BUF, 0100000 | 02755, 0 },
	  EPERM, 0, { 0 } },
	{ "setuid", "openat2(AT_FDCWD, \"\", how)", SYS_openat2, 437, { AT_FDCWD, BUF, 24 }, ENOSYS, 0, { 0 } },
};

enum abi { NATIVE, X32, I386 };
static const char *const abi_names[] = { "native", "x32", "i386" };

static unsigned *low_buf; /* below 4 GiB, so i386 calls can point at it */
static int null_fd;

/* An i386 system call from 64-bit code: int $0x80 takes the i386 numbers
 * and registers (eax; ebx, ecx, edx, esi, edi) and returns in eax. */
static long int80(long nr, const long *a)
{
	int ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static long make_call(const struct attempt *t, enum abi abi)
{
	long a[5];
	memset(low_buf, 0, 4096);
	memcpy(low_buf, t->buf, sizeof t->buf);
	for (int i = 0; i < 5; i++)
		a[i] = t->a[i] == BUF ? (long)low_buf : t->a[i] == FD ? null_fd : t->a[i];
	if (abi == I386)
		return int80(t->nr32, a);
	long r = syscall(abi == X32 ? t->nr64 | X32_BIT : t->nr64, a[0], a[1], a[2], a[3], a[4]);
	return r < 0 ? -errno : r;
}

/* The call runs in a child: it may be killed, or may succeed at something
 * (a new namespace, a personality) that must not touch the probe. */
static void try(const struct attempt *t, enum abi abi)
{
	const char *how = abi_names[abi];
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		note("pipe: %s", ename(errno));
		exit(2);
	}
	pid_t pid = fork();
	if (pid == 0) {
		long r = make_call(t, abi);
		if (r == 0 && strncmp(t->what, "clone", 5) == 0)
			_exit(0); /* the new child of a clone that got through */
		if (r > 0 && strncmp(t->what, "clone", 5) == 0)
			waitpid((pid_t)r, NULL, __WALL);
		(void)!write(pipefd[1], &r, sizeof r);
		_exit(0);
	}
	close(pipefd[1]);
	long r = 0;
	ssize_t got = read(pipefd[0], &r, sizeof r);
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	if (got != sizeof r) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
			held("%s %s: killed by SIGSYS", how, t->what);
		else
			note("%s %s: the child died without answering (status %#x)", how, t->what, status);
		return;
	}
	if (abi == X32)
		escape("%s %s returned %s instead of being killed", how, t->what, r < 0 ? ename((int)-r) : "success");
	else if (r >= 0)
		escape("%s %s succeeded", how, t->what);
	else if (-r == t->filter_errno && -r == t->kernel_same)
		held("%s %s: %s (the kernel says the same)", how, t->what, ename((int)-r));
	else if (-r == t->filter_errno)
		held("%s %s: %s", how, t->what, ename((int)-r));
	else
		escape("%s %s reached the kernel: %s", how, t->what, ename((int)-r));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sc_calls GROUP [native|x32|i386]...\n");
		return 2;
	}
	low_buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (low_buf == MAP_FAILED || null_fd < 0) {
		note("setup: %s", ename(errno));
		return 2;
	}
	bool want[3] = { argc == 2, argc == 2, argc == 2 };
	for (int i = 2; i < argc; i++)
		for (int k = 0; k < 3; k++)
			want[k] |= strcmp(argv[i], abi_names[k]) == 0;
	int tried = 0;
	for (size_t i = 0; i < sizeof attempts / sizeof *attempts; i++) {
		const struct attempt *t = &attempts[i];
		if (strcmp(t->group, argv[1]) != 0)
			continue;
		for (int k = 0; k < 3; k++) {
			if (!want[k] || (k == I386 ? t->nr32 : t->nr64) == NONE)
				continue;
			try(t, (enum abi)k);
			tried++;
		}
	}
	if (tried == 0) {
		note("no attempt in group %s", argv[1]);
		return 2;
	}
	return probe_exit();
}
