/* kernel.c: which kernel interfaces this kernel offers, asked once, for the
 * mount primitives (mount.c), the path resolver (resolve.c) and
 * `sbx --version --verbose` (features.c).  A missing system call answers
 * ENOSYS; any other error means it is there. */
#include "util.h"
#include "mount.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The mount calls go together: a detached tree from open_tree is of no use
 * if its flags cannot be set (mount_setattr, 5.12), so below 5.12 all of it
 * is mount(2). */
struct kernel_api {
	bool probed;
	bool openat2;  /* Linux 5.6 */
	bool new_api;  /* open_tree, move_mount, fsopen, fsconfig, fsmount (5.2) and mount_setattr (5.12) */
};

/* A call with arguments no kernel accepts: ENOSYS only if it is missing.
 * errno is left as it was. */
bool kernel_has_syscall(long nr)
{
	int saved = errno;
	bool missing = syscall(nr, -1, NULL, 0, NULL, 0) < 0 && errno == ENOSYS;
	errno = saved;
	return !missing;
}

static const struct kernel_api *kernel_api(void)
{
	static struct kernel_api api;
	if (!api.probed) {
		api.openat2 = kernel_has_syscall(SYS_openat2);
		api.new_api = kernel_has_syscall(SYS_open_tree) && kernel_has_syscall(SYS_move_mount) &&
			      kernel_has_syscall(SYS_fsopen) && kernel_has_syscall(SYS_fsconfig) &&
			      kernel_has_syscall(SYS_fsmount) && kernel_has_syscall(SYS_mount_setattr);
		api.probed = true;
	}
	return &api;
}

bool mount_api_is_new(void)
{
	return kernel_api()->new_api;
}

bool kernel_has_openat2(void)
{
	return kernel_api()->openat2;
}

void explain_missing_kernel_feature(void)
{
	if (errno == ENOSYS)
		set_hint("sbx needs Linux 5.4 or newer; this kernel lacks a system call it uses");
}
