/* ns.c: the child side of the mount namespace (the new root and everything
 * mounted in it) and of the UTS namespace.
 *
 * Everything uses the new mount API (open_tree, move_mount, mount_setattr,
 * fsopen/fsmount) and resolves every destination with openat2 inside the new
 * root (RESOLVE_IN_ROOT), so a symlink in a hostile rootfs cannot send a mount
 * onto a host path.  That needs Linux 5.12 or newer; on older kernels sbx
 * stops with a clear message instead of building a weaker sandbox. */
#include "sbx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the new root is assembled before pivot_root.  It is a host path, but
 * we are in our own private mount namespace by then, so the host never sees
 * the mount. */
#define STAGING "/tmp"

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_mount_setattr(int dfd, const char *path, unsigned flags, unsigned long attr_set)
{
	struct mount_attr attr = { .attr_set = attr_set };
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr);
}

static int sys_openat2(int dfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dfd, path, how, sizeof *how);
}

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void explain_missing_kernel_feature(void)
{
	if (errno == ENOSYS)
		set_hint("sbx needs Linux 5.12 or newer (open_tree, mount_setattr, openat2)");
}

/* Open path inside the new root as an O_PATH fd; symlinks are resolved as if
 * rootfd were "/", and /proc magic links are refused. */
static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;
	do
		fd = sys_openat2(rootfd, path, &how);
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	return fd;
}

/* Open the mount point path inside the root, creating it (and its parents)
 * when missing and the filesystem below lets us: a fresh tmpfs does, a
 * read-only rootfs does not, and then the error names the path. */
static int open_mount_point(int rootfd, const char *path, bool dir)
{
	int fd = open_in_root(rootfd, path);
	if (fd >= 0)
		return fd;
	if (errno == ENOSYS) {
		explain_missing_kernel_feature();
		return fail("open %s", path);
	}
	if (errno != ENOENT)
		return fail("mount point %s", path);

	const char *slash = strrchr(path, '/');
	char *parent = slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	const char *base = slash + 1;
	int pfd = open_mount_point(rootfd, parent, true);
	if (pfd < 0) {
		free(parent);
		return -1;
	}
	int r = dir ? mkdirat(pfd, base, 0755) : -1;
	if (!dir) {
		/* O_PATH fds cannot be used to create; reopen the directory. */
		int dirfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			int f = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			r = f < 0 ? -1 : close(f);
			close(dirfd);
		}
	}
	if (r < 0 && errno != EEXIST) {
		if (errno == EROFS || errno == EACCES || errno == EPERM)
			set_hint("create %s in the root filesystem, or mount a --tmpfs on %s first", path, parent);
		fail("mount point %s is missing and cannot be created", path);
		free(parent);
		close(pfd);
		return -1;
	}
	free(parent);
	close(pfd);
	fd = open_in_root(rootfd, path);
	if (fd < 0)
		return fail("mount point %s", path);
	return fd;
}

/* Attach a detached mount (from open_tree or fsmount) at path in the root. */
static int attach(int rootfd, int mnt, const char *path)
{
	struct stat st;
	if (fstat(mnt, &st) < 0)
		return fail("stat mount for %s", path);
	int target = open_mount_point(rootfd, path, S_ISDIR(st.st_mode));
	if (target < 0)
		return -1;
	int r = sys_move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(target);
	if (r < 0)
		return fail("mount on %s", path);
	return 0;
}

/* A detached recursive copy of a host path, with attrs added to every mount
 * in it (read-only, nosuid, ...); flags in a user namespace can only be
 * tightened, never loosened, so this is safe on locked mounts too. */
static int clone_tree(const char *path, unsigned long attrs)
{
	int fd = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0) {
		explain_missing_kernel_feature();
		return fail("clone mount %s", path);
	}
	if (attrs && sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0) {
		explain_missing_kernel_feature();
		fail("set mount flags on %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* A new detached filesystem instance (tmpfs, proc, devpts) with options given
 * as "key=value" pairs in opts (NULL-terminated). */
static int new_fs(const char *type, const char *const *opts, unsigned long attrs)
{
	int fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
	if (fs < 0) {
		explain_missing_kernel_feature();
		return fail("create %s", type);
	}
	for (const char *const *o = opts; o && *o; o++) {
		const char *eq = strchr(*o, '=');
		char *key = xasprintf("%.*s", (int)(eq ? eq - *o : (int)strlen(*o)), *o);
		int r = eq ? (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, eq + 1, 0)
			   : (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key, NULL, 0);
		free(key);
		if (r < 0) {
			fail("%s option %s", type, *o);
			close(fs);
			return -1;
		}
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		fail("create %s", type);
		close(fs);
		return -1;
	}
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	close(fs);
	if (mnt < 0)
		return fail("mount %s", type);
	return mnt;
}

static int mount_new_fs(int rootfd, const char *path, const char *type, const char *const *opts,
			unsigned long attrs)
{
	int mnt = new_fs(type, opts, attrs);
	if (mnt < 0)
		return fail_context("%s on %s", type, path);
	int r = attach(rootfd, mnt, path);
	close(mnt);
	return r;
}

/* Bind path over itself read-only: /proc/sys and /proc/sysrq-trigger stay
 * out of reach even if some later bug gave the command a capability. */
static int remount_readonly(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail("open %s", path);
	int mnt = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	int r = -1;
	if (mnt < 0)
		fail("clone %s", path);
	else if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY) < 0)
		fail("make %s read-only", path);
	else if (sys_move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		fail("mount on %s", path);
	else
		r = 0;
	close_fd(&mnt);
	close(fd);
	return r;
}

static int mount_proc(int rootfd)
{
	if (mount_new_fs(rootfd, "/proc", "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) < 0)
		return -1;
	if (remount_readonly(rootfd, "/proc/sys") < 0 || remount_readonly(rootfd, "/proc/sysrq-trigger") < 0)
		return -1;
	return 0;
}

static const char *const device_names[] = { "null", "zero", "full", "random", "urandom", "tty" };
#define N_DEVICES (sizeof device_names / sizeof *device_names)

/* A minimal /dev: a small tmpfs holding bind mounts of a few harmless host
 * devices (a user namespace cannot mknod), a private devpts instance, a
 * fresh /dev/shm and the usual links; then the tmpfs itself is made
 * read-only so nothing new can be planted there. */
static int mount_dev(int rootfd, const int *devices)
{
	static const char *const dev_opts[] = { "mode=0755", "size=64k", NULL };
	static const char *const pts_opts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
	static const char *const shm_opts[] = { "mode=1777", NULL };
	static const struct { const char *name, *target; } links[] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};

	if (mount_new_fs(rootfd, "/dev", "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0)
		return -1;
	for (size_t i = 0; i < N_DEVICES; i++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/%s", device_names[i]);
		if (devices[i] >= 0 && attach(rootfd, devices[i], path) < 0)
			return -1;
	}
	int dev = open_in_root(rootfd, "/dev");
	if (dev < 0)
		return fail("open /dev");
	int devdir = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(dev);
	if (devdir < 0)
		return fail("open /dev");
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlinkat(links[i].target, devdir, links[i].name) < 0) {
			fail("create /dev/%s", links[i].name);
			close(devdir);
			return -1;
		}
	if (mount_new_fs(rootfd, "/dev/pts", "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0 ||
	    mount_new_fs(rootfd, "/dev/shm", "tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0) {
		close(devdir);
		return -1;
	}
	int r = sys_mount_setattr(devdir, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY);
	close(devdir);
	if (r < 0)
		return fail("make /dev read-only");
	return 0;
}

static bool exists_in_root(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int mount_user_op(int rootfd, const struct mount_op *op, int tree)
{
	static const char *const tmpfs_opts[] = { "mode=0755", NULL };
	if (op->kind == MOUNT_TMPFS)
		return mount_new_fs(rootfd, op->dst, "tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (attach(rootfd, tree, op->dst) < 0)
		return fail_context("bind %s", op->src);
	return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching
 * it leaves no path back to the host's tree. */
static int enter_root(int rootfd)
{
	if (fchdir(rootfd) < 0)
		return fail("enter the new root");
	if (sys_pivot_root(".", ".") < 0)
		return fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return fail("detach the old root");
	if (chdir("/") < 0)
		return fail("chdir /");
	return 0;
}

/* Build the whole mount tree and pivot into it.  Every host path is cloned
 * first, before anything is attached at the staging point, so no source can
 * be confused with a path of the new root. */
int build_root(const struct config *cfg)
{
	int devices[N_DEVICES], *trees = xcalloc(cfg->n_mounts, sizeof *trees);
	int rootfs = -1, rootfd = -1, r = -1;
	for (size_t i = 0; i < N_DEVICES; i++)
		devices[i] = -1;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		trees[i] = -1;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fail("make mounts private");
		goto out;
	}
	rootfs = clone_tree(cfg->rootfs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (rootfs < 0) {
		fail_context("rootfs");
		goto out;
	}
	for (size_t i = 0; i < N_DEVICES; i++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/%s", device_names[i]);
		devices[i] = clone_tree(path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
		if (devices[i] < 0)
			goto out;
	}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind == MOUNT_TMPFS)
			continue;
		unsigned long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
		if (op->kind == MOUNT_RO_BIND)
			attrs |= MOUNT_ATTR_RDONLY;
		trees[i] = clone_tree(op->src, attrs);
		if (trees[i] < 0)
			goto out;
	}

	trace_step("rootfs and bind sources cloned");
	if (sys_move_mount(rootfs, "", AT_FDCWD, STAGING, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		fail("mount the rootfs on " STAGING);
		goto out;
	}
	rootfd = open(STAGING, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		fail("open the new root");
		goto out;
	}

	static const char *const tmp_opts[] = { "mode=1777", NULL };
	static const char *const run_opts[] = { "mode=0755", NULL };
	if (mount_proc(rootfd) < 0)
		goto out;
	trace_step("/proc mounted");
	if (mount_dev(rootfd, devices) < 0)
		goto out;
	trace_step("/dev built");
	if (mount_new_fs(rootfd, "/tmp", "tmpfs", tmp_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		goto out;
	/* /run holds the host's live sockets (D-Bus, systemd, container
	 * engines); a read-only bind does not stop connect(2), so hide it. */
	if (exists_in_root(rootfd, "/run") &&
	    mount_new_fs(rootfd, "/run", "tmpfs", run_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		goto out;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (mount_user_op(rootfd, &cfg->mounts[i], trees[i]) < 0)
			goto out;
	trace_step("/tmp, /run and user mounts done");
	r = enter_root(rootfd);
out:
	close_fd(&rootfs);
	close_fd(&rootfd);
	for (size_t i = 0; i < N_DEVICES; i++)
		close_fd(&devices[i]);
	for (size_t i = 0; i < cfg->n_mounts; i++)
		close_fd(&trees[i]);
	free(trees);
	return r;
}

int set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		return fail("set hostname %s", name);
	return 0;
}
