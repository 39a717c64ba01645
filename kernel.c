/* kernel.c: which kernel interfaces this kernel offers, for the mount
 * primitives (mount.c), the path resolver (resolve.c) and `sbx --version
 * --verbose` (features.c).  A missing system call answers ENOSYS; any other
 * error means it is there.
 *
 * A launch learns it from the calls it makes anyway, at no cost: openat2
 * from its first use (resolve.c), the new mount API from the first clone of
 * a mount (mount.c).  Only a question asked before that (features.c, or a
 * caller that needs the answer first) probes, once. */
#include "util.h"
#include "mount.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The mount calls go together: a detached tree from open_tree is of no use
 * if its flags cannot be set (mount_setattr, 5.12), so below 5.12 all of it
 * is mount(2). */
struct kernel_api {
	bool openat2_known, openat2;  /* Linux 5.6 */
	bool new_api_known, new_api;  /* open_tree, move_mount, fsopen, fsconfig, fsmount (5.2) and mount_setattr (5.12) */
};

static struct kernel_api api;

/* A call with arguments no kernel accepts: ENOSYS only if it is missing.
 * errno is left as it was. */
bool kernel_has_syscall(long nr)
{
	int saved = errno;
	bool missing = syscall(nr, -1, NULL, 0, NULL, 0) < 0 && errno == ENOSYS;
	errno = saved;
	return !missing;
}

bool mount_api_is_new(void)
{
	if (!api.new_api_known)
		mount_api_found(kernel_has_syscall(SYS_open_tree) && kernel_has_syscall(SYS_move_mount) &&
				kernel_has_syscall(SYS_fsopen) && kernel_has_syscall(SYS_fsconfig) &&
				kernel_has_syscall(SYS_fsmount) && kernel_has_syscall(SYS_mount_setattr));
	return api.new_api;
}

bool mount_api_known(void)
{
	return api.new_api_known;
}

void mount_api_found(bool new_api)
{
	api.new_api_known = true;
	api.new_api = new_api;
}

bool kernel_has_openat2(void)
{
	if (!api.openat2_known)
		openat2_found(kernel_has_syscall(SYS_openat2));
	return api.openat2;
}

bool openat2_may_work(void)
{
	return !api.openat2_known || api.openat2;
}

void openat2_found(bool present)
{
	api.openat2_known = true;
	api.openat2 = present;
}

void explain_missing_kernel_feature(void)
{
	if (errno == ENOSYS)
		set_hint("sbx needs Linux 5.4 or newer; this kernel lacks a system call it uses");
}
