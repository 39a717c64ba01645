/* seccomp.c: the system call filter.  The supervisor compiles it once with
 * libseccomp before the clone; the payload only loads it, last thing before
 * exec and after no_new_privs.
 *
 * The default filter allows everything except the calls listed here: kernel
 * interfaces an unprivileged build has no use for and that are a steady
 * source of privilege escalations, plus the ways back out of the
 * namespaces.  Hot calls (read, write, futex, mmap, ...) carry no argument
 * checks, so the kernel's per-syscall cache lets them skip the filter. */
#include "sbx.h"

#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>

static scmp_filter_ctx filter;

/* Calls refused outright with EPERM. */
static const char *const denied[] = {
	/* leaving or making namespaces, remounting */
	"unshare", "setns", "mount", "umount", "umount2", "pivot_root", "chroot",
	"move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	/* the kernel keyring is not namespaced */
	"keyctl", "add_key", "request_key",
	/* large attack surfaces with no place in a build */
	"bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
	/* whole-system operations */
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"acct", "swapon", "swapoff", "reboot", "syslog", "quotactl", "quotactl_fd",
	"uselib", "vm86", "vm86old", "nfsservctl",
};

/* Namespace flags that clone(2) must not carry.  (CLONE_NEWTIME shares its
 * bit with the exit signal in clone(2), and clone3 is refused as a whole.) */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS,
	CLONE_NEWIPC, CLONE_NEWCGROUP,
};

/* Resolve a syscall name; names that do not exist on this architecture
 * (vm86 on x86_64) are simply skipped. */
static int add_rule(uint32_t action, const char *name, unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	int r = seccomp_rule_add_array(filter, action, nr, n, cmp);
	if (r < 0 && r != -EOPNOTSUPP) {
		errno = -r;
		return fail("seccomp rule for %s", name);
	}
	return 0;
}

static int add_default_rules(void)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	for (size_t i = 0; i < sizeof denied / sizeof *denied; i++)
		if (add_rule(eperm, denied[i], 0, NULL) < 0)
			return -1;

	/* clone3 passes its flags in memory, where seccomp cannot look: make
	 * it ENOSYS so libc falls back to clone(2), whose flags we can check. */
	if (add_rule(SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof clone_ns_flags / sizeof *clone_ns_flags; i++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]);
		if (add_rule(eperm, "clone", 1, &c) < 0)
			return -1;
	}

	/* TIOCSTI pushes input into a terminal, TIOCLINUX can too.  The
	 * kernel reads the request as a 32-bit int, so compare only the low
	 * 32 bits: TIOCSTI | 1<<32 must not slip through. */
	static const unsigned long bad_ioctls[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < sizeof bad_ioctls / sizeof *bad_ioctls; i++) {
		struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, bad_ioctls[i]);
		if (add_rule(eperm, "ioctl", 1, &c) < 0)
			return -1;
	}

	/* Socket families that bypass the network namespace (AF_VSOCK reaches
	 * the hypervisor) or expose kernel subsystems (packet, key). */
	static const int bad_families[] = { AF_PACKET, AF_VSOCK, AF_KEY };
	for (size_t i = 0; i < sizeof bad_families / sizeof *bad_families; i++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffUL, (unsigned)bad_families[i]);
		if (add_rule(SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, &c) < 0)
			return -1;
	}
	return 0;
}

int prepare_seccomp(const struct config *cfg)
{
	if (strcmp(cfg->seccomp, "none") == 0)
		return 0;
	filter = seccomp_init(SCMP_ACT_ALLOW);
	if (!filter)
		return failx("seccomp: cannot initialise libseccomp");
	int r;
	/* Other architectures (x32, foreign) would dodge every rule: kill. */
	if ((r = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(filter, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		errno = -r;
		return fail("seccomp: set filter attributes");
	}
	/* 32-bit programs still run, under the same rules. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64 && (r = seccomp_arch_add(filter, SCMP_ARCH_X86)) < 0 &&
	    r != -EEXIST) {
		errno = -r;
		return fail("seccomp: add the i386 architecture");
	}
	return add_default_rules();
}

int install_seccomp(int *listener)
{
	*listener = -1;
	if (!filter)
		return 0;
	int r = seccomp_load(filter);
	if (r < 0) {
		errno = -r;
		return fail("load the seccomp filter");
	}
	return 0;
}

int handle_seccomp_notification(int listener)
{
	(void)listener;
	return -1;
}
