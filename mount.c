/* mount.c: mount primitives for ns.c and overlay.c, on the new mount API
 * (open_tree, move_mount, mount_setattr, fsopen/fsconfig/fsmount) with every
 * path inside the new root resolved by openat2(RESOLVE_IN_ROOT), so that a
 * symlink in a hostile rootfs can neither send a mount onto a host path nor
 * make sbx create anything outside the root. */
#include "sbx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

int sys_mount_setattr(int dfd, const char *path, unsigned flags, unsigned long attr_set)
{
	struct mount_attr attr = { .attr_set = attr_set };
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr);
}

static int sys_openat2(int dfd, const char *path, const struct open_how *how)
{
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dfd, path, how, sizeof *how);
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	return fd;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void explain_missing_kernel_feature(void)
{
	if (errno == ENOSYS)
		set_hint("sbx needs Linux 5.12 or newer (openat2, open_tree, move_mount, fsopen, mount_setattr); "
			 "this kernel does not offer them");
}

/* ---- resolving paths --------------------------------------------------- */

/* Open a host path (a bind source, the rootfs, the overlay's upper dir)
 * without following any symlink.  The path was made canonical by realpath
 * when the options were parsed, so a symlink found now means a component
 * was swapped since then: refuse rather than bind what it points at.
 *
 * Why here, in init, and not in the supervisor before the clone: a clone of
 * a mount (open_tree OPEN_TREE_CLONE) is only allowed from the caller's own
 * mount namespace, and an fd opened before the clone belongs to the
 * supervisor's namespace (EINVAL); cloning in the supervisor would need
 * CAP_SYS_ADMIN there.  Init opens every source first thing in its private
 * copy of the namespace, before anything is attached, so nothing of the new
 * root can be confused with a source. */
int open_source(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(AT_FDCWD, path, &how);
	if (fd >= 0)
		return fd;
	if (errno == ELOOP) {
		set_hint("a component of %s became a symlink after sbx resolved it; run again", path);
		return failx("%s changed while the sandbox was starting", path);
	}
	explain_missing_kernel_feature();
	return fail("open %s", path);
}

/* Open path inside the new root as an O_PATH fd; symlinks are resolved as if
 * rootfd were "/", and /proc magic links are refused.  flags may add
 * O_NOFOLLOW to open a final symlink itself. */
static int open_in_root_flags(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(O_PATH | O_CLOEXEC | flags),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return sys_openat2(rootfd, path, &how);
}

int open_in_root(int rootfd, const char *path)
{
	return open_in_root_flags(rootfd, path, 0);
}

static bool same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* path could not be opened (ENOENT or ELOOP): say why in terms of the
 * rootfs, naming the symlink when there is one. */
static int explain_unresolvable(int rootfd, const char *path)
{
	int err = errno;
	if (err == ENOSYS) {
		explain_missing_kernel_feature();
		return fail("open %s", path);
	}
	if (err == ELOOP || err == EXDEV) {
		set_hint("symlinks in the rootfs may not lead through /proc/*/root, /proc/*/fd or loop");
		return fail("mount point %s", path);
	}
	char target[256] = "";
	int link = open_in_root_flags(rootfd, path, O_NOFOLLOW);
	if (link >= 0) {
		ssize_t n = readlinkat(link, "", target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		close(link);
	}
	if (target[0])
		return failx("mount point %s is a symlink to %s, which does not exist inside the root", path, target);
	errno = err;
	return fail("mount point %s", path);
}

/* Open the mount point path inside the root, creating it (and its parents)
 * when missing and the filesystem below lets us: a fresh tmpfs does, a
 * read-only rootfs does not, and then the error names the path. */
int open_mount_point(int rootfd, const char *path, bool dir)
{
	int fd = open_in_root(rootfd, path);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return explain_unresolvable(rootfd, path);
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return fail("mount point %s", path);
	int link = open_in_root_flags(rootfd, path, O_NOFOLLOW);
	if (link >= 0) { /* the name exists: a dangling symlink */
		close(link);
		errno = ENOENT;
		return explain_unresolvable(rootfd, path);
	}

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

/* ---- making and placing mounts ----------------------------------------- */

/* Attach a detached mount (from open_tree or fsmount) at path in the root.
 * A mount point that is the root itself ("/", or a symlink to "/" or
 * "../..") is refused: a mount there would cover the whole root. */
int attach(int rootfd, int mnt, const char *path)
{
	struct stat st;
	if (fstat(mnt, &st) < 0)
		return fail("stat mount for %s", path);
	int target = open_mount_point(rootfd, path, S_ISDIR(st.st_mode));
	if (target < 0)
		return -1;
	if (same_inode(target, rootfd)) {
		close(target);
		return failx("mount point %s is the root of the sandbox itself%s", path,
			     strcmp(path, "/") != 0 ? " (through a symlink in the rootfs)" : "");
	}
	int r = sys_move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(target);
	if (r < 0)
		return fail("mount on %s", path);
	return 0;
}

/* A detached recursive copy of the mount tree at fd, with attrs added to
 * every mount in it (read-only, nosuid, ...); flags in a user namespace can
 * only be tightened, never loosened, so this is safe on locked mounts too. */
int clone_fd(int fd, const char *path, unsigned long attrs)
{
	int tree = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0) {
		explain_missing_kernel_feature();
		return fail("clone mount %s", path);
	}
	if (attrs && sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0) {
		explain_missing_kernel_feature();
		fail("set mount flags on %s", path);
		close(tree);
		return -1;
	}
	return tree;
}

/* The same for a host path, opened race-free (open_source). */
int clone_tree(const char *path, unsigned long attrs)
{
	int fd = open_source(path);
	if (fd < 0)
		return -1;
	int tree = clone_fd(fd, path, attrs);
	close(fd);
	return tree;
}

/* A filesystem that refuses a configuration explains why in its context's
 * log ("e overlay: ..."); the last error line goes into our message. */
static void add_fs_log(int fs)
{
	char line[512], last[512] = "";
	ssize_t n;
	while ((n = read(fs, line, sizeof line - 1)) > 0) {
		line[n] = '\0';
		if (line[0] == 'e' && line[1] == ' ')
			memcpy(last, line + 2, (size_t)n - 1);
	}
	if (last[0])
		fail_context("%s", last);
}

/* A new detached filesystem instance (tmpfs, proc, devpts, overlay) with
 * options given as "key=value" or "flag" strings (NULL-terminated). */
int new_fs(const char *type, const char *const *opts, unsigned long attrs)
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
			add_fs_log(fs);
			close(fs);
			return -1;
		}
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		fail("create %s", type);
		add_fs_log(fs);
		close(fs);
		return -1;
	}
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	close(fs);
	if (mnt < 0)
		return fail("mount %s", type);
	return mnt;
}

int mount_new_fs(int rootfd, const char *path, const char *type, const char *const *opts,
			unsigned long attrs)
{
	int mnt = new_fs(type, opts, attrs);
	if (mnt < 0)
		return fail_context("%s on %s", type, path);
	int r = attach(rootfd, mnt, path);
	close(mnt);
	return r;
}

