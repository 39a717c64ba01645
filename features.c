/* features.c: `sbx --version --verbose`: which kernel and system features
 * sbx found, so a user (or a bug report) can tell at a glance why something
 * does or does not work here.  Every probe is harmless: a system call with
 * arguments the kernel rejects before doing anything (kernel.c asks, and
 * mount.c and resolve.c act on the same answers), or a look at a file. */
#include "util.h"
#include "options.h"
#include "mount.h"
#include "filter.h"
#include "cgroup.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether this user may create a user namespace: try it in a child. */
static const char *userns_status(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno == ENOSPC ? 2 : 1);
	int st;
	pid_t r = -1;
	while (pid > 0 && (r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		; /* a signal handler's interruption must not leave a zombie */
	if (pid < 0 || r != pid || !WIFEXITED(st))
		return "unknown";
	switch (WEXITSTATUS(st)) {
	case 0:
		return "yes";
	case 2:
		return "no (limit reached or user.max_user_namespaces = 0)";
	default:
		return "no (denied: see sbx(1), DIAGNOSTICS)";
	}
}

static bool filesystem_known(const char *name)
{
	char buf[4096];
	if (read_small_file("/proc/filesystems", buf, sizeof buf) < 0)
		return false;
	for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strrchr(line, '\t');
		if (strcmp(tab ? tab + 1 : line, name) == 0)
			return true;
	}
	return false;
}

/* fallback: what --limits best-effort puts in the cgroup's place (as
 * cgroup.c does), or NULL when nothing can stand in. */
static void print_cgroup(const char *controller, const char *fallback)
{
	int version = 0;
	char *why = NULL;
	char *dir = delegated_cgroup(NULL, controller, &version, &why);
	if (dir)
		printf("  %-26s cgroup v%d, %s\n", controller, version, dir);
	else if (fallback)
		printf("  %-26s no cgroup: best-effort falls back to %s (%s)\n", controller, fallback,
		       why ? why : "no delegated cgroup");
	else
		printf("  %-26s no cgroup: not enforced, even best-effort (%s)\n", controller,
		       why ? why : "no delegated cgroup");
	free(dir);
	free(why);
}

static void print_program(const char *label, const char *name)
{
	char *path = find_program(name);
	printf("  %-26s %s\n", label, path ? path : "not found");
	free(path);
}

/* The C library sbx was built with: glibc says its version; others are
 * named by the build (GNUmakefile's SBX_LIBC; musl has no version macro). */
#ifndef SBX_LIBC
#define SBX_LIBC "a C library other than glibc"
#endif
#ifndef SBX_STATIC
#define SBX_STATIC 0
#endif
static const char *libc_name(void)
{
#ifdef __GLIBC__
	static char name[32];
	snprintf(name, sizeof name, "glibc %d.%d", __GLIBC__, __GLIBC_MINOR__);
	return name;
#else
	return SBX_LIBC;
#endif
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

void print_features(void)
{
	struct utsname u;
	uname(&u);
	const struct scmp_version *lib = seccomp_version();
	printf("kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	printf("C library: %s, %s\n", libc_name(), SBX_STATIC ? "linked statically" : "linked dynamically");
	printf("libseccomp: %u.%u.%u (API level %u)\n", lib->major, lib->minor, lib->micro, seccomp_api_get());
	printf("precompiled default seccomp filter: %s\n", yes(embedded_default_bpf_len > 0));
	printf("features:\n");
	printf("  %-26s %s\n", "unprivileged user ns", userns_status());
	printf("  %-26s %s\n", "openat2", yes(kernel_has_openat2()));
	printf("  %-26s %s\n", "mount_setattr", yes(kernel_has_syscall(SYS_mount_setattr)));
	printf("  %-26s %s\n", "open_tree/move_mount", yes(kernel_has_syscall(SYS_open_tree)));
	printf("  %-26s %s\n", "clone3", yes(kernel_has_syscall(SYS_clone3)));
	printf("  %-26s %s\n", "seccomp user notification", yes(seccomp_api_get() >= 5));
	printf("  %-26s %s\n", "overlayfs", yes(filesystem_known("overlay")));
	print_cgroup("memory", "RLIMIT_AS, per process");
	print_cgroup("pids", "RLIMIT_NPROC");
	print_cgroup("cpu", NULL);
	print_program("pasta (--net user)", "pasta");
	print_program("slirp4netns (--net user)", "slirp4netns");
	print_program("newuidmap (--map-users)", "newuidmap");
}
