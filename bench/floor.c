/* bench/floor.c: the kernel floor of a launch: only the system calls a
 * sandbox like sbx's cannot avoid, with no parsing, no error reporting worth
 * the name and no libc.
 *
 *   floor [-n] [-f [-o]] ROOT CMD
 *
 * Default (what issue 5 lists): clone into new user, PID, mount, UTS, IPC
 * and network namespaces; the parent writes the id maps (uid and gid mapped
 * to themselves, setgroups denied) and releases the child; the child makes /
 * private, clones ROOT recursively with open_tree, makes it read-only,
 * nosuid, nodev with mount_setattr, attaches it over ROOT with move_mount,
 * mounts /proc, pivot_root(".", "."), detaches the old root, drops every
 * capability (bounding set, ambient, then capset), sets no_new_privs,
 * installs a raw BPF filter of 64 rules shaped like sbx's default list, and
 * execs CMD as PID 1.  The parent waits and exits with CMD's status.
 *
 *   -n  no network namespace (for the --net host figure)
 *   -f  the same feature set as sbx's default sandbox: also a cgroup
 *       namespace, /proc/sys and /proc/sysrq-trigger read-only, the kernel
 *       paths sbx masks (/proc/keys, /proc/timer_list, ...: each one there
 *       covered by a bind of one empty read-only file or directory made in
 *       a detached tmpfs), a tmpfs /dev with null zero full random urandom
 *       tty bound from the host, the usual links, devpts and /dev/shm, then
 *       /dev read-only; a tmpfs /tmp; the host name; loopback up; the
 *       caller's inotify and fanotify limits (/proc/sys/user/max_*, read by
 *       the parent after the clone and sent down the release pipe) halved in
 *       the new user namespace (not the namespace counts, which the filter
 *       leaves nothing to count); non-dumpable; and PID 1 forks the command (new
 *       session, stray fds closed, fresh session keyring) and waits for it.
 *       No /sys: bench/run's root has none, and there sbx mounts none.
 *   -o  with -f: without the masks, /proc/sysrq-trigger and the user limits
 *       (the -f of before sbx had them), to show what they cost.
 *
 * Built with -nostdlib: glibc's start-up alone (its CPUID probing of cache
 * sizes) costs about half a millisecond on a VM where CPUID traps to the
 * hypervisor, and that is not a kernel step.  bench/run shows it apart. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if.h>
#include <linux/in.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MNT_DETACH 2 /* <sys/mount.h> has these, but it clashes with <linux/mount.h> */
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REC 16384
#define SIGKILL 9
#define SIGCHLD 17
#define EPERM 1
#define EINTR 4
#define EINVAL 22
#define ENOSYS 38
#define EAFNOSUPPORT 97
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* ---- just enough of a libc --------------------------------------------- */

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define SYS(nr, ...) sys_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_n(nr, a, b, c, d, e, f, ...) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* The compiler may emit calls to memset and memcpy for struct copies and
 * zeroing, and must not turn these loops back into calls. */
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

NO_LIBCALLS void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *q = d;
	const unsigned char *p = s;
	while (n--)
		*q++ = *p++;
	return d;
}

NO_LIBCALLS static size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Append s to buf at *len (buf is large enough for everything we build). */
static void append(char *buf, size_t *len, const char *s)
{
	while (*s)
		buf[(*len)++] = *s++;
	buf[*len] = 0;
}

static void append_num(char *buf, size_t *len, long v)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n)
		buf[(*len)++] = digits[--n];
	buf[*len] = 0;
}

static void __attribute__((noreturn)) exit_now(int code)
{
	for (;;)
		SYS(SYS_exit_group, code);
}

/* Report a failed step as "floor: WHAT: errno N" and exit 125. */
static long check(long ret, const char *what)
{
	if (ret >= 0)
		return ret;
	char msg[256];
	size_t len = 0;
	append(msg, &len, "floor: ");
	append(msg, &len, what);
	append(msg, &len, ": errno ");
	append_num(msg, &len, -ret);
	append(msg, &len, "\n");
	SYS(SYS_write, 2, msg, len);
	exit_now(125);
}

static void write_file(const char *path, const char *text)
{
	int fd = (int)check(SYS(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC), path);
	check(SYS(SYS_write, fd, text, str_len(text)), path);
	SYS(SYS_close, fd);
}

static void write_id_maps(long pid)
{
	char path[64], map[64];
	static const char *const files[] = { "/uid_map", "/setgroups", "/gid_map" };
	long ids[] = { SYS(SYS_getuid, 0), 0, SYS(SYS_getgid, 0) };
	for (int i = 0; i < 3; i++) {
		size_t plen = 0, mlen = 0;
		append(path, &plen, "/proc/");
		append_num(path, &plen, pid);
		append(path, &plen, files[i]);
		/* setgroups must be denied before an unprivileged gid_map write */
		if (i == 1) {
			write_file(path, "deny");
			continue;
		}
		append_num(map, &mlen, ids[i]);
		append(map, &mlen, " ");
		append_num(map, &mlen, ids[i]);
		append(map, &mlen, " 1\n");
		write_file(path, map);
	}
}

/* A detached recursive clone of path with attrs set on every mount in it. */
static long try_clone_tree(int dir, const char *path, unsigned long attrs)
{
	long fd = SYS(SYS_open_tree, dir, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return fd; /* -errno */
	struct mount_attr attr = { .attr_set = attrs };
	check(SYS(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr), "mount_setattr");
	return fd;
}

static int clone_tree(const char *path, unsigned long attrs)
{
	return (int)check(try_clone_tree(AT_FDCWD, path, attrs), path);
}

static void attach(int tree, const char *path)
{
	check(SYS(SYS_move_mount, tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH), path);
	SYS(SYS_close, tree);
}

static void mount_fs(const char *type, const char *path, unsigned long flags, const char *opts)
{
	check(SYS(SYS_mount, type, path, type, flags, opts), path);
}

/* ---- the seccomp filter ------------------------------------------------ */

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))
#define RET_ERRNO(e) STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))
#define LOAD_NR STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LOAD_ARG(i) STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[i]))

/* System calls refused outright, as in sbx's default list (and a few more
 * obsolete ones to reach the same size). */
static const int denied[] = {
	SYS_unshare, SYS_setns, SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot,
	SYS_move_mount, SYS_open_tree, SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick,
	SYS_mount_setattr, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_bpf, SYS_perf_event_open,
	SYS_userfaultfd, SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
	SYS_open_by_handle_at, SYS_name_to_handle_at, SYS_lookup_dcookie, SYS_kexec_load,
	SYS_kexec_file_load, SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_acct,
	SYS_swapon, SYS_swapoff, SYS_reboot, SYS_syslog, SYS_quotactl, 443 /* quotactl_fd */,
	SYS_uselib, SYS_nfsservctl, SYS_vhangup, SYS_iopl, SYS_ioperm, SYS_create_module,
	SYS_get_kernel_syms, SYS_query_module, SYS_afs_syscall, SYS_tuxcall, SYS_security,
	SYS_vserver, SYS_getpmsg, SYS_putpmsg,
};
#define N_DENIED (sizeof denied / sizeof *denied)
#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP)

/* 51 refused calls, clone3 -> ENOSYS, 7 clone flags (one mask test), 2
 * ioctl requests, 3 socket families: 64 rules.  Hot calls never reach an
 * argument check, so the kernel's seccomp cache skips the filter for them,
 * as it does with sbx's. */
static void install_filter(void)
{
	struct sock_filter f[2 * N_DENIED + 40];
	size_t n = 0;
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = LOAD_NR;
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x40000000 /* x32 */, 0, 1);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	for (size_t i = 0; i < N_DENIED; i++) {
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[i], 0, 1);
		f[n++] = RET_ERRNO(EPERM);
	}
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
	f[n++] = RET_ERRNO(ENOSYS);
	/* clone: refuse namespace flags */
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4);
	f[n++] = LOAD_ARG(0);
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1);
	f[n++] = RET_ERRNO(EPERM);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* ioctl: refuse TIOCSTI and TIOCLINUX (low 32 bits, as the request is an int) */
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 5);
	f[n++] = LOAD_ARG(1);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 2, 0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = RET_ERRNO(EPERM);
	/* socket: refuse families that bypass the network namespace */
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 6);
	f[n++] = LOAD_ARG(0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_PACKET, 3, 0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK, 2, 0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_KEY, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = RET_ERRNO(EAFNOSUPPORT);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	check(SYS(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog), "seccomp");
}

/* ---- the child's steps ------------------------------------------------- */

static void drop_capabilities(void)
{
	/* The bounding set needs CAP_SETPCAP, so it goes before capset. */
	for (long cap = 0;; cap++) {
		long r = SYS(SYS_prctl, PR_CAPBSET_DROP, cap);
		if (r == -EINVAL)
			break;
		check(r, "PR_CAPBSET_DROP");
	}
	check(SYS(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities");
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	check(SYS(SYS_capset, &hdr, data), "capset");
	check(SYS(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs");
}

static void build_dev(void)
{
	static const char *const hosts[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
					     "/dev/tty" };
	static const char *const paths[] = { "dev/null", "dev/zero", "dev/full", "dev/random", "dev/urandom",
					     "dev/tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "dev/fd" }, { "/proc/self/fd/0", "dev/stdin" },
		{ "/proc/self/fd/1", "dev/stdout" }, { "/proc/self/fd/2", "dev/stderr" },
		{ "pts/ptmx", "dev/ptmx" },
	};
	int trees[6];
	for (int i = 0; i < 6; i++)
		trees[i] = clone_tree(hosts[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	mount_fs("tmpfs", "dev", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k");
	for (int i = 0; i < 6; i++) {
		SYS(SYS_close, check(SYS(SYS_openat, AT_FDCWD, paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644),
				     paths[i]));
		attach(trees[i], paths[i]);
	}
	for (int i = 0; i < 5; i++)
		check(SYS(SYS_symlinkat, links[i][0], AT_FDCWD, links[i][1]), links[i][1]);
	check(SYS(SYS_mkdirat, AT_FDCWD, "dev/pts", 0755), "mkdir /dev/pts");
	check(SYS(SYS_mkdirat, AT_FDCWD, "dev/shm", 01777), "mkdir /dev/shm");
	mount_fs("devpts", "dev/pts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
	mount_fs("tmpfs", "dev/shm", MS_NOSUID | MS_NODEV, "mode=1777");
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	check(SYS(SYS_mount_setattr, AT_FDCWD, "dev", 0, &ro, sizeof ro), "make /dev read-only");
}

static void loopback_up(void)
{
	int s = (int)check(SYS(SYS_socket, AF_INET, SOCK_DGRAM | O_CLOEXEC, 0), "socket");
	struct ifreq ifr = { .ifr_name = "lo" };
	check(SYS(SYS_ioctl, s, SIOCGIFFLAGS, &ifr), "loopback flags");
	ifr.ifr_flags |= IFF_UP;
	check(SYS(SYS_ioctl, s, SIOCSIFFLAGS, &ifr), "loopback up");
	SYS(SYS_close, s);
}

static void __attribute__((noreturn)) run_command(char **argv, bool full)
{
	static char *empty_env[] = { 0 };
	if (full) {
		check(SYS(SYS_setsid, 0), "setsid");
		check(SYS(SYS_close_range, 3, ~0U, 0), "close_range");
		check(SYS(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0), "join session keyring");
	}
	drop_capabilities();
	install_filter();
	check(SYS(SYS_execve, argv[0], argv, empty_env), argv[0]);
	exit_now(127);
}

static int wait_status(long pid)
{
	int status = 0;
	long r;
	while ((r = SYS(SYS_wait4, pid, &status, 0, 0)) == -EINTR)
		;
	check(r, "wait4");
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff;
	return 128 + (status & 0x7f);
}

/* What -f does beyond the bare steps: FULL, and MASKS (sbx's kernel-path
 * masks, /proc/sysrq-trigger read-only, the per-user limits) unless -o. */
enum { FULL = 1, MASKS = 2 };

/* The kernel paths sbx masks (procfs.c), relative to the new root. */
static const char *const masked[] = {
	"proc/keys", "proc/key-users", "proc/kcore", "proc/timer_list", "proc/timer_stats", "proc/sched_debug",
	"proc/latency_stats", "proc/acpi", "proc/asound", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap",
};
/* The per-user limits sbx halves in its user namespace with its default
 * filter (userquota.c reads every max_* there is but the namespace counts,
 * which a filter that refuses new namespaces, as sbx's and this one do,
 * leaves nothing to count; these are this kernel's). */
static const char *const limits[] = {
	"max_fanotify_groups", "max_fanotify_marks", "max_inotify_instances", "max_inotify_watches",
};
#define N_LIMITS (sizeof limits / sizeof *limits)

/* A detached tmpfs, as sbx's staging area: the masks' empty file and
 * directory (each mounted read-only on itself once, so that each mask is a
 * plain bind) and tmp/, attached at /tmp. */
static int staging_tmpfs(void)
{
	int fs = (int)check(SYS(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), "fsopen");
	check(SYS(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0700", 0), "fsconfig");
	check(SYS(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, 0, 0, 0), "fsconfig create");
	int mnt = (int)check(SYS(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV), "fsmount");
	SYS(SYS_close, fs);
	check(SYS(SYS_mkdirat, mnt, "tmp", 01777), "mkdir tmp");
	check(SYS(SYS_fchmodat, mnt, "tmp", 01777), "chmod tmp"); /* past the umask */
	return mnt;
}

static void mask_object(int staging, const char *name)
{
	int fd = (int)check(try_clone_tree(staging, name,
					   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
			    name);
	check(SYS(SYS_move_mount, fd, "", staging, name, MOVE_MOUNT_F_EMPTY_PATH), name);
	SYS(SYS_close, fd);
}

static void mask_kernel_paths(int staging)
{
	check(SYS(SYS_mknodat, staging, "masked", S_IFREG | 0444, 0), "mknod");
	check(SYS(SYS_mkdirat, staging, "masked-dir", 0555), "mkdir");
	mask_object(staging, "masked");
	mask_object(staging, "masked-dir");
	for (size_t i = 0; i < sizeof masked / sizeof *masked; i++) {
		int fd = (int)SYS(SYS_openat, AT_FDCWD, masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* not on this kernel, or no /sys */
		struct stat st;
		check(SYS(SYS_fstat, fd, &st), masked[i]);
		const char *mask = S_ISDIR(st.st_mode) ? "masked-dir" : "masked";
		int tree = (int)check(SYS(SYS_open_tree, staging, mask, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), mask);
		check(SYS(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
		      masked[i]);
		SYS(SYS_close, tree);
		SYS(SYS_close, fd);
	}
}

/* The parent's limits, from the release pipe, halved through dir (opened
 * before the pivot: the sysctls shown are the reader's user namespace's). */
static void halve_user_limits(int sync_fd, int dir)
{
	long values[N_LIMITS];
	if (SYS(SYS_read, sync_fd, values, sizeof values) != (long)sizeof values)
		check(-1, "read the user limits");
	for (size_t i = 0; i < N_LIMITS; i++) {
		if (values[i] < 0)
			continue;
		char text[24];
		size_t len = 0;
		append_num(text, &len, values[i] / 2);
		int fd = (int)check(SYS(SYS_openat, dir, limits[i], O_WRONLY | O_CLOEXEC), limits[i]);
		check(SYS(SYS_write, fd, text, len), limits[i]);
		SYS(SYS_close, fd);
	}
	SYS(SYS_close, dir);
}

static long read_number(const char *path)
{
	int fd = (int)SYS(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[32];
	long n = SYS(SYS_read, fd, buf, sizeof buf - 1), v = 0;
	SYS(SYS_close, fd);
	if (n <= 0)
		return -1;
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (buf[i] - '0');
	return v;
}

static void send_user_limits(int sync_fd)
{
	long values[N_LIMITS];
	for (size_t i = 0; i < N_LIMITS; i++) {
		char path[64];
		size_t len = 0;
		append(path, &len, "/proc/sys/user/");
		append(path, &len, limits[i]);
		values[i] = read_number(path);
	}
	check(SYS(SYS_write, sync_fd, values, sizeof values), "send the user limits");
}

static void __attribute__((noreturn)) child(const char *root, char **argv, int sync_fd, int mode)
{
	SYS(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	char go;
	if (SYS(SYS_read, sync_fd, &go, 1) != 1)
		check(-1, "wait for the id maps");
	int user_dir = -1;
	if (mode & MASKS)
		user_dir = (int)check(SYS(SYS_openat, AT_FDCWD, "/proc/sys/user", O_PATH | O_DIRECTORY | O_CLOEXEC),
				      "/proc/sys/user");
	if (mode & FULL)
		SYS(SYS_prctl, PR_SET_DUMPABLE, 0);
	check(SYS(SYS_mount, 0, "/", 0, MS_REC | MS_PRIVATE, 0), "make / private");
	attach(clone_tree(root, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV), root);
	check(SYS(SYS_chdir, root), "chdir root"); /* now on top of the new mount */
	mount_fs("proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
	if (mode & FULL) {
		attach(clone_tree("proc/sys", MOUNT_ATTR_RDONLY), "proc/sys");
		int staging = -1;
		if (mode & MASKS) {
			long sysrq = try_clone_tree(AT_FDCWD, "proc/sysrq-trigger", MOUNT_ATTR_RDONLY);
			if (sysrq >= 0) /* a kernel without magic SysRq has none */
				attach((int)sysrq, "proc/sysrq-trigger");
			staging = staging_tmpfs();
			mask_kernel_paths(staging);
		}
		build_dev();
		if (staging >= 0) {
			int tmp = (int)check(SYS(SYS_open_tree, staging, "tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), "tmp");
			attach(tmp, "tmp");
			SYS(SYS_close, staging);
		} else {
			mount_fs("tmpfs", "tmp", MS_NOSUID | MS_NODEV, "mode=1777");
		}
		check(SYS(SYS_sethostname, "sbx", 3), "sethostname");
	}
	check(SYS(SYS_pivot_root, ".", "."), "pivot_root");
	check(SYS(SYS_umount2, ".", MNT_DETACH), "detach the old root");
	check(SYS(SYS_chdir, "/"), "chdir /");
	if (user_dir >= 0)
		halve_user_limits(sync_fd, user_dir);
	SYS(SYS_close, sync_fd);
	if (!(mode & FULL))
		run_command(argv, false);

	loopback_up();
	long pid = check(SYS(SYS_clone, SIGCHLD, 0, 0, 0, 0), "fork");
	if (pid == 0)
		run_command(argv, true);
	exit_now(wait_status(pid));
}

static void __attribute__((noreturn, used)) start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	bool net = true, full = false, old = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (str_eq(argv[i], "-n"))
			net = false;
		else if (str_eq(argv[i], "-f"))
			full = true;
		else if (str_eq(argv[i], "-o"))
			old = true;
		else
			break;
	}
	int mode = full ? FULL | (old ? 0 : MASKS) : 0;
	if (argc - i < 2) {
		static const char usage[] = "usage: floor [-n] [-f [-o]] ROOT CMD [ARG...]\n";
		SYS(SYS_write, 2, usage, sizeof usage - 1);
		exit_now(2);
	}
	const char *root = argv[i];
	char **cmd = &argv[i + 1];

	int sync[2];
	check(SYS(SYS_pipe2, sync, O_CLOEXEC), "pipe");
	unsigned long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	if (net)
		flags |= CLONE_NEWNET;
	if (full)
		flags |= CLONE_NEWCGROUP;
	/* fork-like: no new stack, the child continues here */
	long pid = check(SYS(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0), "clone");
	if (pid == 0) {
		SYS(SYS_close, sync[1]);
		child(root, cmd, sync[0], mode);
	}
	SYS(SYS_close, sync[0]);
	write_id_maps(pid);
	check(SYS(SYS_write, sync[1], "g", 1), "release the child");
	if (mode & MASKS)
		send_user_limits(sync[1]);
	SYS(SYS_close, sync[1]);
	exit_now(wait_status(pid));
}

/* The entry point: hand the initial stack (argc, argv...) to start(). */
__asm__(".globl _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start\n"
	"	hlt\n");
