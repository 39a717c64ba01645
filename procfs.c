/* procfs.c: /proc in the sandbox (for rootfs.c): a new procfs, or with no
 * PID namespace of its own the host's bound, either way with sys/ and
 * sysrq-trigger read-only; and the masks over kernel state that is none of
 * the command's business, in /proc and /sys (sysfs.c makes /sys itself),
 * and over the paths of the mount plan's MOUNT_MASK steps (home.c's). */
#include "util.h"
#include "rootfs.h"
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bind path over itself read-only: /proc/sys and /proc/sysrq-trigger stay
 * out of reach even if some later bug gave the command a capability. */
static int remount_readonly(int rootfd, const char *path)
{
	AUTO_CLOSE int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail("open %s", path);
	AUTO_CLOSE int mnt = clone_fd(fd, path, MOUNT_ATTR_RDONLY);
	if (mnt < 0)
		return -1;
	if (move_mount_to(mnt, fd, "") < 0)
		return fail("mount on %s", path);
	return 0;
}

/* ---- /proc ------------------------------------------------------------- */

static int protect_proc(int rootfd, const char *path)
{
	char *sys = xasprintf("%s/sys", path), *sysrq = xasprintf("%s/sysrq-trigger", path);
	int r = remount_readonly(rootfd, sys) < 0 || remount_readonly(rootfd, sysrq) < 0 ? -1 : 0;
	free(sys);
	free(sysrq);
	return r;
}

int bind_host_proc(int rootfd, int host_proc, const char *path)
{
	int tree = clone_fd(host_proc, "/proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (tree < 0)
		return -1;
	int r = attach(rootfd, tree, path);
	close(tree);
	return r < 0 ? -1 : protect_proc(rootfd, path);
}

int mount_proc(int rootfd, const char *path)
{
	if (mount_new_fs(rootfd, path, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) < 0)
		return -1;
	return protect_proc(rootfd, path);
}

/* ---- masked kernel paths ----------------------------------------------- */

/* Kernel state that is none of the command's business, covered in sbx's
 * own /proc and /sys: runc's and Docker's default maskedPaths, and
 * /proc/key-users next to /proc/keys, which lists the keys the caller may
 * view by description (the user keyring, tokens kept in it).  Bubblewrap
 * masks nothing, and so neither does its front end (no standard mounts). */
static const char *const masked_paths[] = {
	"/proc/keys", "/proc/key-users",
	"/proc/kcore",                              /* the kernel's memory */
	"/proc/timer_list", "/proc/timer_stats",    /* kernel addresses and */
	"/proc/sched_debug", "/proc/latency_stats", /* other tasks' activity */
	"/proc/acpi", "/proc/asound", "/proc/scsi", /* hardware, partly writable */
	"/sys/firmware",                            /* ACPI tables, EFI variables */
	"/sys/devices/virtual/powercap",            /* energy counters: a side channel */
};
#define MASK_FILE "masked"
#define MASK_DIR "masked-dir"
#define MASK_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* The name of the empty file or directory that masks files or
 * directories (NULL on failure), made once in the staging area with a
 * read-only, nosuid, nodev, noexec mount of itself on it: each mask is then
 * one bind of that mount (a bind takes its flags along), not a clone, its
 * flags and a move, and no file system of its own to set up and tear
 * down. */
static const char *mask_for(int scratch, bool dir)
{
	static bool made[2]; /* in this process's staging area: init builds one root */
	const char *name = dir ? MASK_DIR : MASK_FILE, *what = dir ? "directory" : "file";
	if (made[dir])
		return name;
	if ((dir ? mkdirat(scratch, name, 0555) : mknodat(scratch, name, S_IFREG | 0444, 0)) < 0)
		return fail("create the empty %s for masking", what), NULL;
	AUTO_CLOSE int mnt = clone_at(scratch, name, MASK_ATTRS);
	if (mnt < 0)
		return fail_context("the empty %s for masking", what), NULL;
	if (move_mount_to(mnt, scratch, name) < 0)
		return fail("mount the empty %s for masking", what), NULL;
	made[dir] = true;
	return name;
}

/* The empty read-only file over a file, the empty read-only directory over
 * a directory: reading gives nothing, writing EROFS.  What this kernel or
 * the rootfs lacks is left alone, and so is a symlink (in a rootfs, it is
 * not the kernel's file). */
static int mask_path(int rootfd, int scratch, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	AUTO_CLOSE int fd = open_resolved(rootfd, path, &how);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : fail("open %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail("stat %s", path);
	bool dir = S_ISDIR(st.st_mode);
	if (!dir && !S_ISREG(st.st_mode))
		return 0;
	const char *mask = mask_for(scratch, dir);
	if (!mask || bind_on(scratch, mask, fd) < 0)
		return fail("mask %s", path);
	return 0;
}

int mask_kernel_paths(int rootfd, int scratch)
{
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(masked_paths) && r == 0; i++)
		r = mask_path(rootfd, scratch, masked_paths[i]);
	return r;
}

/* MOUNT_MASK: as above (home.c's hidden paths). */
int mask_user_path(int rootfd, int scratch, const char *path)
{
	return mask_path(rootfd, scratch, path);
}
