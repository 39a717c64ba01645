/* ns.c: the child side of the mount namespace (the new root and everything
 * mounted in it) and of the UTS namespace.
 *
 * Everything uses the new mount API (open_tree, move_mount, mount_setattr,
 * fsopen/fsmount) and resolves every destination with openat2 inside the new
 * root (RESOLVE_IN_ROOT), so a symlink in a hostile rootfs cannot send a mount
 * onto a host path.  That needs Linux 5.12 or newer; on older kernels sbx
 * stops with a clear message instead of building a weaker sandbox.
 *
 * Init assembles the new root on a scratch tmpfs that only its own mount
 * namespace ever sees:
 *
 *   STAGING/            scratch tmpfs (holds the overlay's layer too)
 *   STAGING/root        the new root: the rootfs, or the overlay over it
 *   STAGING/lower       with --overlay: the read-only rootfs under it
 *   STAGING/upper,work  with --overlay and no --overlay-upper
 *   STAGING/resolv.conf with --net user, bound over /etc/resolv.conf
 *
 * After pivot_root the scratch tmpfs goes away with the old root. */
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

/* A host path, but we are in our own private mount namespace by then, so the
 * host never sees what is mounted there. */
#define STAGING "/tmp"
#define NEW_ROOT STAGING "/root"

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
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

/* ---- the standard mounts ----------------------------------------------- */

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

/* With --net user the resolver is the network helper's DNS forwarder: a
 * generated resolv.conf, written on the scratch tmpfs, is bound read-only
 * over the rootfs's (which names the host's resolvers, often a loopback
 * address that means nothing in the sandbox's network namespace).  A rootfs
 * with no /etc/resolv.conf and no way to create one gets none. */
static int bind_resolv_conf(int scratch, int rootfd, const char *text)
{
	int dir = openat(scratch, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return fail("open the staging area");
	int f = openat(dir, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	close(dir);
	if (f < 0 || write_all(f, text, strlen(text)) < 0) {
		fail("write resolv.conf");
		close_fd(&f);
		return -1;
	}
	close(f);
	int mnt = sys_open_tree(scratch, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mnt < 0)
		return fail("clone resolv.conf");
	int r = 0;
	bool present = exists_in_root(rootfd, "/etc/resolv.conf");
	if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) < 0)
		r = fail("make resolv.conf read-only");
	else if ((present || exists_in_root(rootfd, "/etc")) && attach(rootfd, mnt, "/etc/resolv.conf") < 0) {
		if (present)
			r = -1;
		else
			set_hint("%s", ""); /* missing and cannot be created: go without */
	}
	close(mnt);
	return r;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching
 * it leaves no path back to the host's tree (nor to the staging area). */
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

/* ---- the whole tree ----------------------------------------------------- */

struct sources {
	int rootfs;
	int keep_dir; /* --overlay-upper DIR */
	int devices[N_DEVICES];
	int *trees; /* one per cfg->mounts entry; -1 for tmpfs */
	size_t n_trees;
};

static void close_sources(struct sources *s)
{
	close_fd(&s->rootfs);
	close_fd(&s->keep_dir);
	for (size_t i = 0; i < N_DEVICES; i++)
		close_fd(&s->devices[i]);
	for (size_t i = 0; i < s->n_trees; i++)
		close_fd(&s->trees[i]);
	free(s->trees);
}

/* Every host path is cloned first, before anything is attached at the
 * staging point, so no source can be confused with a path of the new root. */
static int clone_sources(const struct config *cfg, struct sources *s)
{
	s->rootfs = s->keep_dir = -1;
	s->n_trees = cfg->n_mounts;
	s->trees = xcalloc(cfg->n_mounts, sizeof *s->trees);
	for (size_t i = 0; i < N_DEVICES; i++)
		s->devices[i] = -1;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		s->trees[i] = -1;

	s->rootfs = clone_tree(cfg->rootfs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (s->rootfs < 0)
		return fail_context("rootfs");
	if (cfg->overlay_upper && (s->keep_dir = open_source(cfg->overlay_upper)) < 0)
		return fail_context("--overlay-upper");
	for (size_t i = 0; i < N_DEVICES; i++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/%s", device_names[i]);
		s->devices[i] = clone_tree(path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
		if (s->devices[i] < 0)
			return -1;
	}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind == MOUNT_TMPFS)
			continue;
		unsigned long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
		if (op->kind == MOUNT_RO_BIND)
			attrs |= MOUNT_ATTR_RDONLY;
		s->trees[i] = clone_tree(op->src, attrs);
		if (s->trees[i] < 0)
			return fail_context("bind %s", op->src);
	}
	return 0;
}

/* The scratch tmpfs at STAGING with an empty root/ in it.  With --overlay
 * and no --overlay-upper it also holds the layer, so it gets that size. */
static int mount_scratch(const struct config *cfg)
{
	char size[48] = "size=1m";
	if (cfg->overlay && !cfg->overlay_upper && cfg->overlay_size)
		snprintf(size, sizeof size, "size=%lld", cfg->overlay_size);
	else if (cfg->overlay && !cfg->overlay_upper)
		snprintf(size, sizeof size, "size=50%%"); /* what any tmpfs gets */
	const char *const opts[] = { "mode=0700", size, NULL };
	int mnt = new_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return fail_context("staging area");
	if (sys_move_mount(mnt, "", AT_FDCWD, STAGING, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		fail("mount the staging area on " STAGING);
		close(mnt);
		return -1;
	}
	if (mkdirat(mnt, "root", 0755) < 0) {
		fail("create " NEW_ROOT);
		close(mnt);
		return -1;
	}
	return mnt;
}

/* The standard mounts and the user's, in the new root. */
static int populate_root(const struct config *cfg, int scratch, int rootfd, const struct sources *s)
{
	static const char *const tmp_opts[] = { "mode=1777", NULL };
	static const char *const run_opts[] = { "mode=0755", NULL };
	if (mount_proc(rootfd) < 0)
		return -1;
	trace_step("/proc mounted");
	if (mount_dev(rootfd, s->devices) < 0)
		return -1;
	trace_step("/dev built");
	if (mount_new_fs(rootfd, "/tmp", "tmpfs", tmp_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		return -1;
	/* /run holds the host's live sockets (D-Bus, systemd, container
	 * engines); a read-only bind does not stop connect(2), so hide it. */
	if (exists_in_root(rootfd, "/run") &&
	    mount_new_fs(rootfd, "/run", "tmpfs", run_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		return -1;
	const char *resolv = net_resolv_conf(cfg);
	if (resolv && bind_resolv_conf(scratch, rootfd, resolv) < 0)
		return fail_context("--net user: /etc/resolv.conf");
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (mount_user_op(rootfd, &cfg->mounts[i], s->trees[i]) < 0)
			return -1;
	trace_step("/tmp, /run and user mounts done");
	return 0;
}

/* Build the whole mount tree and pivot into it. */
int build_root(const struct config *cfg)
{
	struct sources s;
	int scratch = -1, rootfd = -1, r = -1;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fail("make mounts private");
		return -1;
	}
	if (clone_sources(cfg, &s) < 0)
		goto out;
	trace_step("rootfs and bind sources cloned");
	if ((scratch = mount_scratch(cfg)) < 0)
		goto out;
	if (cfg->overlay)
		rootfd = mount_overlay(cfg, scratch, STAGING, s.rootfs, s.keep_dir);
	else if (sys_move_mount(s.rootfs, "", scratch, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		fail("mount the rootfs on " NEW_ROOT);
	else if ((rootfd = open(NEW_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		fail("open the new root");
	if (rootfd < 0)
		goto out;
	if (populate_root(cfg, scratch, rootfd, &s) < 0)
		goto out;
	r = enter_root(rootfd);
out:
	close_sources(&s);
	close_fd(&scratch);
	close_fd(&rootfd);
	return r;
}

int set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		return fail("set hostname %s", name);
	return 0;
}
