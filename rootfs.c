/* rootfs.c: the sandbox's root, built by init in its new mount namespace:
 * the mount plan (the config's list of mount steps, after sbx's standard
 * mounts) executed in order, then pivot_root into it.  /proc and the
 * masks over kernel paths are procfs.c's, /sys is sysfs.c's, overlays are
 * overlay.c's.
 *
 * Everything goes through mount.c: the new mount API (open_tree, move_mount,
 * mount_setattr) and mount(2) on the resolved fd of the mount point, with
 * every destination resolved inside the
 * new root (openat2 RESOLVE_IN_ROOT), so a symlink in a hostile rootfs cannot
 * send a mount onto a host path; on kernels before 5.12, the same with
 * mount(2) and a resolver of sbx's own (see mount.c).
 *
 * Init assembles the new root on a scratch tmpfs that only its own mount
 * namespace ever sees:
 *
 *   STAGING/            scratch tmpfs (holds the overlay's layer too)
 *   STAGING/root        the new root: the rootfs, or the overlay over it
 *   STAGING/lower       with --overlay: the read-only rootfs under it
 *   STAGING/upper,work  with --overlay and no --overlay-upper
 *   STAGING/resolv.conf with --net user, bound over /etc/resolv.conf
 *   STAGING/heldN       with mount(2): mounts waiting to be moved into place
 *
 * After pivot_root the scratch tmpfs goes away with the old root. */
#include "util.h"
#include "config.h"
#include "rootfs.h"
#include "mount.h"
#include "net.h"
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

/* ---- the standard mounts ----------------------------------------------- */

static const char *const device_paths[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty" };
#define device_name(i) (device_paths[i] + strlen("/dev/"))
#define N_DEVICES ARRAY_SIZE(device_paths)

/* With a tmpfs bound (cfg->tmpfs_size, set by sbx's own front end), /tmp,
 * /dev/shm, /run and each --tmpfs are directories of one tmpfs of that
 * size, so together they never hold more: tmpfs mounts of their own would
 * each take the kernel's default, half the RAM.  The bound on files (one
 * per page of the size, as many as non-empty files fit) keeps empty files,
 * which take no pages, from using kernel memory without end.  The pool is
 * mounted in the staging area (open_tree clones only what is attached)
 * and goes with the old root; the mounts cloned from it keep it alive.
 * in_scratch: the staging tmpfs is the pool (mount_scratch), pool/ is a
 * directory of it. */
/* The pool's bounds as tmpfs options: its size, and one inode per page of
 * it plus 64 (plus extra, for a tmpfs that holds more than the pool). */
static void pool_bounds(const struct config *cfg, int extra, char size[48], char inodes[48])
{
	snprintf(size, 48, "size=%lld", cfg->tmpfs_size);
	snprintf(inodes, 48, "nr_inodes=%lld", cfg->tmpfs_size / 4096 + 64 + extra);
}

static int mount_pool(const struct config *cfg, int scratch, bool in_scratch)
{
	char size[48], inodes[48];
	pool_bounds(cfg, 0, size, inodes);
	const char *const opts[] = { "mode=0755", size, inodes, NULL };
	if (mkdirat(scratch, "pool", 0700) < 0 ||
	    (!in_scratch && mount_fs_on(scratch, "pool", "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0))
		return fail("mount the tmpfs for /tmp, /var/tmp, /dev/shm and /run");
	int mnt = openat(scratch, "pool", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mnt < 0)
		return fail("open the tmpfs for /tmp, /var/tmp, /dev/shm and /run");
	return mnt;
}

/* The directory name of the pool, made with mode (and owned by the
 * command's uid and gid when owner is given: a home of its own), as a
 * detached mount. */
static int pool_dir(int pool, const char *name, int mode, const struct config *owner)
{
	if (mkdirat(pool, name, 0700) < 0 || fchmodat(pool, name, (mode_t)mode, 0) < 0 ||
	    (owner && fchownat(pool, name, owner->uid, owner->gid, AT_SYMLINK_NOFOLLOW) < 0))
		return fail("create %s in the tmpfs pool", name);
	return clone_at(pool, name, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

static int mount_pool_dir(int rootfd, int pool, const char *name, int mode, const struct config *owner,
			  const char *path)
{
	int mnt = pool_dir(pool, name, mode, owner);
	if (mnt < 0)
		return fail_context("tmpfs on %s", path);
	int r = attach(rootfd, mnt, path);
	close(mnt);
	return r;
}

/* Make the empty file name in a directory of our own fresh tmpfs and
 * attach the detached mount of a device on it. */
static int attach_device(int dirfd, int mnt, const char *name)
{
	/* mknod of a regular file needs no privilege, and no fd to close;
	 * like O_CREAT | O_EXCL it fails on anything there, a symlink too. */
	if (mknodat(dirfd, name, S_IFREG | 0644, 0) < 0)
		return fail("create device node %s", name);
	if (move_mount_to(mnt, dirfd, name) < 0)
		return fail("mount device node %s", name);
	return 0;
}

/* A minimal /dev: a small tmpfs holding bind mounts of a few harmless host
 * devices (a user namespace cannot mknod), a private devpts instance, a
 * fresh /dev/shm (a directory of the tmpfs pool when there is one) and the
 * usual links; then the tmpfs itself is made read-only so nothing new can
 * be planted there (unless writable: a /dev asked for in the mount plan,
 * which later steps may add to, as with bubblewrap's --dev). */
static int mount_dev(int rootfd, const char *at, const int *devices, bool writable, int pool)
{
	static const char *const dev_opts[] = { "mode=0755", "size=64k", NULL };
	static const char *const pts_opts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
	static const char *const shm_opts[] = { "mode=1777", NULL };
	static const struct { const char *name, *target; } links[] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" }, { "core", "/proc/kcore" }, /* as bubblewrap and runc make it */
	};

	AUTO_CLOSE int devdir = mount_new_fs_at(rootfd, at, "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, true);
	if (devdir < 0)
		return -1;
	/* The tmpfs is new and ours: every node is made and reached straight
	 * from its directory fd (O_PATH serves for the *at calls), without
	 * resolving paths again. */
	int r = 0;
	for (size_t i = 0; i < N_DEVICES && r == 0; i++)
		if (devices[i] >= 0)
			r = attach_device(devdir, devices[i], device_name(i));
	for (size_t i = 0; i < ARRAY_SIZE(links) && r == 0; i++)
		if (symlinkat(links[i].target, devdir, links[i].name) < 0)
			r = fail("create %s/%s", at, links[i].name);
	if (r == 0 && (mkdirat(devdir, "pts", 0755) < 0 || mkdirat(devdir, "shm", 0755) < 0))
		r = fail("create %s/pts and %s/shm", at, at);
	if (r == 0 && mount_fs_on(devdir, "pts", "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0)
		r = fail("mount devpts on %s/pts", at);
	/* With the new API the devices were cloned without flags (but the
	 * first clone, see clone_sources): one call gives all of them nosuid
	 * and noexec, which the tmpfs and devpts have already.  Before shm,
	 * which keeps exec. */
	if (r == 0 && mount_api_is_new())
		r = set_mount_attrs(devdir, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, true, at);
	AUTO_CLOSE int shm = r < 0 || pool < 0 ? -1 : pool_dir(pool, "shm", 01777, NULL);
	if (r == 0 && pool >= 0)
		r = shm < 0 || move_mount_to(shm, devdir, "shm") < 0 ? fail_context("%s/shm", at) : 0;
	else if (r == 0 && mount_fs_on(devdir, "shm", "tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		r = fail("mount a tmpfs on %s/shm", at);
	if (r == 0 && !writable)
		r = set_mount_attrs(devdir, MOUNT_ATTR_RDONLY, false, at);
	return r;
}

static bool exists_in_root(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

struct sources {
	const struct config *cfg;
	int rootfs;
	int host_proc; /* O_PATH of the host's /proc, for MOUNT_PROC without a PID namespace */
	int keep_dir; /* --overlay-upper DIR */
	int devices[N_DEVICES];
	int *trees; /* one per cfg->mounts entry; -1 for tmpfs */
	int pool; /* the tmpfs pool (mount_pool), or -1 */
	size_t n_trees;
	int **layers; /* per MOUNT_OVERLAY entry: upper, work, then the layers (mount_overlay_op) */
};

/* ---- the steps of the mount plan --------------------------------------- */

/* chmod what fd (O_PATH, resolved in the root) names. */
static int chmod_fd(int fd, int mode, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (chmod(proc, (mode_t)mode) < 0)
		return fail("chmod %s", path);
	return 0;
}

/* The parent directory of path, created if missing, opened for creating
 * entries in it; *base points at the last component. */
static int open_parent(int rootfd, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return failx("%s: not a path to create", path);
	*base = slash + 1;
	char *parent = slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	int pfd = open_mount_point(rootfd, parent, true);
	int dir = pfd < 0 ? -1 : openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd >= 0 && dir < 0)
		fail("open %s", parent);
	close_fd(&pfd);
	free(parent);
	return dir;
}

/* Each missing directory on the way gets the mode too (as with
 * bubblewrap); one already there is left as it is. */
static int make_dir(int rootfd, const struct mount_op *op)
{
	int mode = op->mode >= 0 ? op->mode : 0755;
	/* Missing parents (bubblewrap's rule): 0755, without the group's or
	 * the others' bits where the directory itself gives them nothing. */
	int parent_mode = 0755 & ~(mode & 0070 ? 0 : 0050) & ~(mode & 0007 ? 0 : 0005);
	/* Something there already is fine, as in bubblewrap (whose mkdir
	 * finds EEXIST), a symlink too, even a dangling one. */
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int last = open_resolved(rootfd, op->dst, &how);
	struct stat st;
	bool link = last >= 0 && fstat(last, &st) == 0 && S_ISLNK(st.st_mode);
	close_fd(&last);
	if (link)
		return 0;
	AUTO_FREE char *path = xstrdup(op->dst);
	int r = 0;
	for (char *next = path; r == 0 && next;) {
		next = strchr(next + 1, '/');
		if (next)
			*next = '\0';
		AUTO_CLOSE int fd = open_in_root(rootfd, path);
		if (fd < 0 && (fd = open_mount_point(rootfd, path, true)) >= 0)
			r = chmod_fd(fd, next ? parent_mode : mode, path);
		else if (fd < 0)
			r = -1;
		if (next)
			*next = '/';
	}
	return r;
}

/* An existing symlink with the same text is fine (bubblewrap's rule). */
static int make_symlink(int rootfd, const struct mount_op *op)
{
	const char *base;
	int dir = open_parent(rootfd, op->dst, &base);
	if (dir < 0)
		return -1;
	int r = 0;
	if (symlinkat(op->src, dir, base) < 0) {
		char text[PATH_MAX];
		ssize_t n = errno == EEXIST ? readlinkat(dir, base, text, sizeof text - 1) : -1;
		if (n >= 0)
			text[n] = '\0';
		if (n >= 0 && strcmp(text, op->src) != 0) /* bubblewrap's words: callers match them */
			r = failx("Can't make symlink at %s: existing destination is %s", op->dst, text);
		else if (n < 0) {
			errno = errno == EINVAL ? EEXIST : errno;
			r = fail("symlink %s", op->dst);
		}
	}
	close(dir);
	return r;
}

static int write_data(int fd, const struct mount_op *op, int mode)
{
	if (write_all(fd, op->data, op->data_len) < 0 || fchmod(fd, (mode_t)mode) < 0)
		return fail("write %s", op->dst);
	return 0;
}

static int make_file(int rootfd, const struct mount_op *op)
{
	const char *base;
	int dir = open_parent(rootfd, op->dst, &base);
	if (dir < 0)
		return -1;
	int fd = openat(dir, base, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dir);
	if (fd < 0)
		return fail("create %s", op->dst);
	int r = write_data(fd, op, op->mode >= 0 ? op->mode : 0666);
	close(fd);
	return r;
}

/* A detached mount of the file name on the scratch tmpfs, with attrs. */
static int clone_scratch_file(int scratch, const char *name, unsigned long attrs, const char *shown)
{
	int mnt = clone_at(scratch, name, attrs);
	return mnt < 0 ? fail_context("the file for %s", shown) : mnt;
}

/* The data goes into a file of its own on the scratch tmpfs, which is then
 * bound on the destination (the file outlives the scratch mount). */
static int bind_data(int rootfd, int scratch, const struct mount_op *op, size_t index)
{
	char name[32];
	snprintf(name, sizeof name, "data%zu", index);
	int dir = openat(scratch, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = dir < 0 ? -1 : openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	close_fd(&dir);
	if (fd < 0)
		return fail("create the data for %s", op->dst);
	int r = write_data(fd, op, op->mode >= 0 ? op->mode : 0600);
	close(fd);
	if (r < 0)
		return -1;
	unsigned long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (op->readonly ? MOUNT_ATTR_RDONLY : 0);
	AUTO_CLOSE int mnt = clone_scratch_file(scratch, name, attrs, op->dst);
	if (mnt < 0)
		return -1;
	return attach(rootfd, mnt, op->dst);
}

/* Only the mount that holds path, not the ones below it (bubblewrap's
 * --remount-ro); a path that is not a mount point makes the mount it is
 * on read-only. */
static int remount_ro(int rootfd, const struct mount_op *op)
{
	int fd = open_in_root(rootfd, op->dst);
	if (fd < 0)
		return fail("remount %s read-only", op->dst);
	int r = set_mount_attrs(fd, MOUNT_ATTR_RDONLY, false, op->dst);
	close(fd);
	return r;
}

/* A bind (or tmpfs) on "/" itself, as in bubblewrap's "--ro-bind / /":
 * stacked on the staging point of the new root, which is reopened so that
 * the steps after it work in the new top mount. */
static int cover_root(int *rootfd, int scratch, int mnt, const char *what)
{
	if (move_mount_to(mnt, scratch, "root") < 0)
		return fail("mount %s on /", what);
	int fd = open(NEW_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail("open the new root");
	close(*rootfd);
	*rootfd = fd;
	return 0;
}

/* In a root that starts empty, the missing parents of a bind, a file or a
 * symlink are made private (0700), as bubblewrap makes them; those of a
 * new filesystem or a --dir keep 0755 / its mode. */
static int make_private_parents(int rootfd, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	struct mount_op parent = { .kind = MOUNT_DIR, .mode = 0700 };
	parent.dst = xasprintf("%.*s", (int)(slash - path), path);
	int r = make_dir(rootfd, &parent);
	free(parent.dst);
	return r;
}

/* An IPC namespace has one mqueue filesystem: mount(2) refuses it twice on
 * one mount point (EBUSY), which bubblewrap's --mqueue twice shows; the
 * new mount API does not check, so sbx does. */
#define MQUEUE_MAGIC 0x19800202 /* not in every linux/magic.h */
static bool mqueue_mounted_at(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path);
	struct statfs fs;
	struct statx sx;
	bool there = fd >= 0 && fstatfs(fd, &fs) == 0 && fs.f_type == MQUEUE_MAGIC &&
		     statx(fd, "", AT_EMPTY_PATH, 0, &sx) == 0 && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	close_fd(&fd);
	return there;
}

/* MOUNT_TMPFS: a directory of the tmpfs pool when there is one and the
 * step asks no size of its own, else a tmpfs; over the whole root, it
 * covers it (*rootp). */
static int mount_tmpfs_op(int *rootp, int scratch, const struct sources *s, size_t index, bool on_root)
{
	const struct mount_op *op = &s->cfg->mounts[index];
	const unsigned long fs_attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	if (s->pool >= 0 && !op->size && !on_root) {
		char name[32];
		snprintf(name, sizeof name, "tmpfs%zu", index);
		return mount_pool_dir(*rootp, s->pool, name, op->mode >= 0 ? op->mode : 0755, op->owner ? s->cfg : NULL,
				      op->dst);
	}
	char mode[32], size[48], uid[32], gid[32];
	snprintf(mode, sizeof mode, "mode=%04o", op->mode >= 0 ? op->mode : 0755);
	snprintf(size, sizeof size, "size=%lld", op->size);
	snprintf(uid, sizeof uid, "uid=%u", (unsigned)s->cfg->uid);
	snprintf(gid, sizeof gid, "gid=%u", (unsigned)s->cfg->gid);
	const char *o[5] = { mode }, **next = o + 1;
	if (op->size)
		*next++ = size;
	if (op->owner) { /* a home of the command's own */
		*next++ = uid;
		*next++ = gid;
	}
	if (!on_root)
		return mount_new_fs(*rootp, op->dst, "tmpfs", o, fs_attrs);
	AUTO_CLOSE int mnt = new_fs("tmpfs", o, fs_attrs);
	return mnt < 0 ? -1 : cover_root(rootp, scratch, mnt, "tmpfs");
}

static int chmod_op(int rootfd, const struct mount_op *op)
{
	AUTO_CLOSE int fd = open_in_root(rootfd, op->dst);
	if (fd < 0)
		return fail("chmod %s", op->dst);
	return chmod_fd(fd, op->mode, op->dst);
}

static int mount_user_op(int *rootp, int scratch, const struct sources *s, size_t index)
{
	const struct mount_op *op = &s->cfg->mounts[index];
	int rootfd = *rootp;
	/* Covering the root is for a root that starts empty (bubblewrap's
	 * "--ro-bind / /"); over a rootfs, a mount on / is refused (attach). */
	bool on_root = s->cfg->empty_root && strcmp(op->dst, "/") == 0;
	bool private_parents = op->kind == MOUNT_BIND || op->kind == MOUNT_RO_BIND || op->kind == MOUNT_DEV_BIND ||
			       op->kind == MOUNT_SYMLINK || op->kind == MOUNT_FILE || op->kind == MOUNT_DATA ||
			       op->kind == MOUNT_OVERLAY;
	bool skipped = op->optional && s->trees[index] < 0; /* a -try bind whose source is missing */
	if (s->cfg->empty_root && private_parents && !on_root && !skipped && make_private_parents(rootfd, op->dst) < 0)
		return -1;
	switch (op->kind) {
	case MOUNT_TMPFS:
		return mount_tmpfs_op(rootp, scratch, s, index, on_root);
	case MOUNT_PROC:
		if (s->host_proc < 0)
			return mount_proc(rootfd, op->dst);
		/* In the caller's PID namespace a new procfs cannot be made
		 * (that needs privilege over the namespace); like bubblewrap,
		 * bind the caller's /proc, with sys/ read-only as above. */
		return bind_host_proc(rootfd, s->host_proc, op->dst);
	case MOUNT_DEV:
		return mount_dev(rootfd, op->dst, s->devices, true, -1);
	case MOUNT_MQUEUE:
		if (mqueue_mounted_at(rootfd, op->dst)) {
			errno = EBUSY;
			return fail("Can't mount mqueue on %s", op->dst);
		}
		return mount_new_fs(rootfd, op->dst, "mqueue", NULL,
				    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	case MOUNT_DIR:
		return make_dir(rootfd, op);
	case MOUNT_SYMLINK:
		return make_symlink(rootfd, op);
	case MOUNT_CHMOD:
		return chmod_op(rootfd, op);
	case MOUNT_FILE:
		return make_file(rootfd, op);
	case MOUNT_DATA:
		return bind_data(rootfd, scratch, op, index);
	case MOUNT_REMOUNT_RO:
		return remount_ro(rootfd, op);
	case MOUNT_OVERLAY:
		return mount_overlay_op(s->cfg, rootfd, scratch, op, s->layers[index], index);
	case MOUNT_MASK:
		return mask_user_path(rootfd, scratch, op->dst);
	case MOUNT_BIND:
	case MOUNT_RO_BIND:
	case MOUNT_DEV_BIND:
		if (s->trees[index] < 0) /* optional, and missing */
			return 0;
		if (on_root)
			return cover_root(rootp, scratch, s->trees[index], op->src);
		if (attach(rootfd, s->trees[index], op->dst) < 0)
			return fail_context("bind %s", op->src);
		return 0;
	}
	return failx("unknown mount step %d", (int)op->kind);
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
	AUTO_CLOSE int f = openat(dir, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	close(dir);
	if (f < 0 || write_all(f, text, strlen(text)) < 0)
		return fail("write resolv.conf");
	close_fd(&f);
	AUTO_CLOSE int mnt = clone_scratch_file(scratch, "resolv.conf",
				     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				     "resolv.conf");
	if (mnt < 0)
		return -1;
	int r = 0;
	bool present = exists_in_root(rootfd, "/etc/resolv.conf");
	if ((present || exists_in_root(rootfd, "/etc")) && attach(rootfd, mnt, "/etc/resolv.conf") < 0) {
		if (present)
			r = -1;
		else
			set_hint("%s", ""); /* missing and cannot be created: go without */
	}
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


static void close_sources(struct sources *s)
{
	close_fd(&s->rootfs);
	close_fd(&s->keep_dir);
	close_fd(&s->host_proc);
	close_fd(&s->pool);
	for (size_t i = 0; i < N_DEVICES; i++)
		close_fd(&s->devices[i]);
	for (size_t i = 0; i < s->n_trees; i++)
		close_fd(&s->trees[i]);
	free(s->trees);
	for (size_t i = 0; s->layers && i < s->n_trees; i++) {
		for (size_t k = 0; s->layers[i] && k < s->cfg->mounts[i].n_layers + 2; k++)
			close_fd(&s->layers[i][k]);
		free(s->layers[i]);
	}
	free(s->layers);
}

/* A --bind-fd source must still be the file the caller's fd names. */
static int check_same_file(int fd, const struct mount_op *op)
{
	if (!same_inode(fd, op->src_fd))
		return failx("bind fd %d: %s was replaced while the sandbox was starting", op->src_fd, op->src);
	return 0;
}

/* An overlay's directories: upper and work (if any), then the layers. */
static int open_overlay_sources(const struct mount_op *op, int **out)
{
	int *fds = *out = xcalloc(op->n_layers + 2, sizeof *fds);
	for (size_t k = 0; k < op->n_layers + 2; k++)
		fds[k] = -1;
	const char *upper_shown = op->src;
	if (op->src && (fds[0] = open_source(op->src)) < 0)
		return fail_context("--overlay upper directory");
	if (op->src && (fds[1] = open_source(op->work)) < 0)
		return fail_context("--overlay work directory of %s", upper_shown);
	for (size_t k = 0; k < op->n_layers; k++)
		if ((fds[2 + k] = open_source(op->layers[k])) < 0)
			return fail_context("--overlay-src");
	return 0;
}

/* Every host path is opened first, before anything is mounted at the
 * staging point, so no source can be confused with a path of the new root
 * (O_PATH, no symlinks followed: open_source). */
static int open_sources(const struct config *cfg, struct sources *s)
{
	s->cfg = cfg;
	s->rootfs = s->keep_dir = s->host_proc = s->pool = -1;
	s->n_trees = cfg->n_mounts;
	s->trees = xcalloc(cfg->n_mounts, sizeof *s->trees);
	s->layers = xcalloc(cfg->n_mounts, sizeof *s->layers);
	for (size_t i = 0; i < N_DEVICES; i++)
		s->devices[i] = -1;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		s->trees[i] = -1;

	if (!cfg->empty_root && (s->rootfs = open_source(cfg->rootfs)) < 0)
		return fail_context("rootfs");
	if (cfg->overlay_upper && (s->keep_dir = open_source(cfg->overlay_upper)) < 0)
		return fail_context("--overlay-upper");
	/* In the caller's PID namespace, /proc is the caller's; in a joined
	 * one (--pidns) it is made new, as in a namespace of our own. */
	bool callers_pids = (cfg->share_ns & CLONE_NEWPID) && cfg->pidns_fd < 0;
	for (size_t i = 0; i < cfg->n_mounts && callers_pids; i++)
		if (cfg->mounts[i].kind == MOUNT_PROC && s->host_proc < 0 && (s->host_proc = open_source("/proc")) < 0)
			return -1;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind == MOUNT_OVERLAY && open_overlay_sources(op, &s->layers[i]) < 0)
			return -1;
		if (op->kind != MOUNT_BIND && op->kind != MOUNT_RO_BIND && op->kind != MOUNT_DEV_BIND)
			continue;
		s->trees[i] = op->follow ? open(op->src, O_PATH | O_CLOEXEC) : open_source(op->src);
		if (s->trees[i] < 0 && op->optional && (errno == ENOENT || errno == ENOTDIR))
			continue; /* --bind-try: gone since the options were read */
		if (s->trees[i] < 0)
			return fail_context("bind %s", op->src);
		if (op->by_fd && check_same_file(s->trees[i], op) < 0)
			return -1;
	}
	return 0;
}

/* Replace the opened source *fd by a detached copy of its mount tree (left
 * as it is if that fails). */
static int detach_source(int *fd, const char *shown, unsigned long attrs)
{
	if (*fd < 0)
		return 0;
	int tree = clone_fd(*fd, shown, attrs);
	if (tree < 0)
		return -1;
	close(*fd);
	*fd = tree;
	return 0;
}

/* Each source becomes a detached mount tree with its flags: the rootfs
 * read-only, nosuid and nodev throughout, binds nosuid (and nodev but for
 * --dev-bind), read-only binds read-only throughout. */
static int clone_sources(struct sources *s)
{
	const struct config *cfg = s->cfg;
	if (detach_source(&s->rootfs, cfg->rootfs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
		return fail_context("rootfs");
	/* The host's devices, root's, cloned straight from their names.  Their
	 * nosuid and noexec: with mount_setattr, one call on all of /dev once
	 * they are in it (mount_dev), unless this clone is the first, which
	 * tells whether the kernel has it (clone_at); with mount(2), here. */
	for (size_t i = 0; i < N_DEVICES; i++) {
		bool later = mount_api_known() && mount_api_is_new();
		if ((s->devices[i] = clone_at(AT_FDCWD, device_paths[i], later ? 0 : MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)) < 0)
			return -1;
	}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind != MOUNT_BIND && op->kind != MOUNT_RO_BIND && op->kind != MOUNT_DEV_BIND)
			continue;
		unsigned long attrs = MOUNT_ATTR_NOSUID;
		if (op->kind != MOUNT_DEV_BIND)
			attrs |= MOUNT_ATTR_NODEV;
		if (op->kind == MOUNT_RO_BIND)
			attrs |= MOUNT_ATTR_RDONLY;
		if (detach_source(&s->trees[i], op->src, attrs) < 0)
			return fail_context("bind %s", op->src);
	}
	return 0;
}

/* The scratch tmpfs at STAGING with an empty root/ in it.  With --overlay
 * and no --overlay-upper it also holds the layer, so it gets that size.
 * Otherwise, with the new mount API, it is the tmpfs pool as well (*pool
 * set): one file system less to make at start and to tear down at the
 * end.  It gets the pool's bound on bytes exactly (the staging area's own
 * entries are empty files and directories: no pages), and eight inodes
 * more for them; nothing of it but the pool's directories is in reach of
 * the command.  Not with --net user, whose resolv.conf would take a page
 * of the bound. */
static int mount_scratch(const struct config *cfg, bool *pool)
{
	char size[48] = "size=1m", inodes[48] = "";
	size_t data = 0; /* the files of MOUNT_DATA steps live here */
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].kind == MOUNT_DATA)
			data += cfg->mounts[i].data_len + 4096;
	if (data)
		snprintf(size, sizeof size, "size=%zu", ((size_t)1 << 20) + data);
	bool tmp_overlay = false; /* bubblewrap's --tmp-overlay keeps its layers here */
	for (size_t i = 0; i < cfg->n_mounts; i++)
		tmp_overlay |= cfg->mounts[i].kind == MOUNT_OVERLAY && cfg->mounts[i].tmp_upper;
	bool layer = (cfg->overlay && !cfg->overlay_upper) || tmp_overlay;
	if (cfg->overlay && !cfg->overlay_upper && cfg->overlay_size)
		snprintf(size, sizeof size, "size=%lld", cfg->overlay_size);
	else if (layer)
		snprintf(size, sizeof size, "size=50%%"); /* what any tmpfs gets */
	/* With mount(2) the staging area is unbindable: nothing in it could be
	 * bound as /tmp. */
	*pool = cfg->tmpfs_size && !data && !layer && !net_resolv_conf(cfg) && mount_api_known() &&
		mount_api_is_new();
	if (*pool)
		pool_bounds(cfg, 8, size, inodes);
	const char *const opts[] = { "mode=0700", size, inodes[0] ? inodes : NULL, NULL };
	int mnt = mount_staging(STAGING, opts);
	if (mnt < 0)
		return fail_context("staging area");
	if (mkdirat(mnt, "root", 0755) < 0) {
		fail("create " NEW_ROOT);
		close(mnt);
		return -1;
	}
	return mnt;
}

/* The new root as an empty tmpfs (bubblewrap's starting point). */
static int mount_empty_root(int scratch)
{
	static const char *const opts[] = { "mode=0755", NULL };
	int mnt = new_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return fail_context("the root tmpfs");
	int r = move_mount_to(mnt, scratch, "root");
	close(mnt);
	if (r < 0)
		return fail("mount the root tmpfs on " NEW_ROOT);
	int rootfd = open(NEW_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail("open the new root");
	return rootfd;
}

/* A private sticky world-writable directory at path: name in the tmpfs pool
 * when there is one, else a tmpfs of its own. */
static int mount_tmp_dir(int rootfd, int pool, const char *name, const char *path)
{
	static const char *const tmp_opts[] = { "mode=1777", NULL };
	if (pool >= 0)
		return mount_pool_dir(rootfd, pool, name, 01777, NULL, path);
	return mount_new_fs(rootfd, path, "tmpfs", tmp_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

/* The standard mounts and the user's, in the new root. */
static int populate_root(const struct config *cfg, int scratch, int *rootp, const struct sources *s)
{
	int rootfd = *rootp;
	static const char *const run_opts[] = { "mode=0755", NULL };
	if (cfg->no_std_mounts)
		goto user_mounts;
	if (mount_proc(rootfd, "/proc") < 0)
		return -1;
	trace_step("/proc mounted");
	if (mount_sysfs(rootfd, cfg) < 0)
		return fail_context("/sys");
	trace_step("/sys mounted");
	if (mask_kernel_paths(rootfd, scratch) < 0)
		return -1;
	trace_step("kernel paths masked");
	if (mount_dev(rootfd, "/dev", s->devices, false, s->pool) < 0)
		return -1;
	trace_step("/dev built");
	if (mount_tmp_dir(rootfd, s->pool, "tmp", "/tmp") < 0)
		return -1;
	/* /var/tmp is shared by every program like /tmp: files left readable
	 * there, and sockets, would be within reach through the read-only root. */
	if (exists_in_root(rootfd, "/var/tmp") && mount_tmp_dir(rootfd, s->pool, "vartmp", "/var/tmp") < 0)
		return -1;
	/* /run holds the host's live sockets (D-Bus, systemd, container
	 * engines); a read-only bind does not stop connect(2), so hide it. */
	if (exists_in_root(rootfd, "/run") &&
	    (s->pool >= 0 ? mount_pool_dir(rootfd, s->pool, "run", 0755, NULL, "/run") < 0
			  : mount_new_fs(rootfd, "/run", "tmpfs", run_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0))
		return -1;
	const char *resolv = net_resolv_conf(cfg);
	if (resolv && bind_resolv_conf(scratch, rootfd, resolv) < 0)
		return fail_context("--net user: /etc/resolv.conf");
user_mounts:
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (mount_user_op(rootp, scratch, s, i) < 0)
			return -1;
	trace_step("/tmp, /var/tmp, /run and user mounts done");
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
	/* The sources are cloned before the staging tmpfs is mounted, so that
	 * a recursive copy of the host root does not take it along; with
	 * mount(2) the copies are made in the staging area, after it is
	 * mounted, and it is unbindable so that they skip it (mount.c). */
	if (open_sources(cfg, &s) < 0)
		goto out;
	/* The first clone finds out whether the kernel has the new mount API
	 * (clone_fd); without it, nothing is cloned yet, and the sources are
	 * cloned the mount(2) way below. */
	bool cloned = false;
	if (!mount_api_known() || mount_api_is_new()) {
		if (clone_sources(&s) == 0)
			cloned = true;
		else if (mount_api_is_new())
			goto out;
	}
	bool pool_in_scratch;
	if ((scratch = mount_scratch(cfg, &pool_in_scratch)) < 0)
		goto out;
	if (cfg->tmpfs_size && (s.pool = mount_pool(cfg, scratch, pool_in_scratch)) < 0)
		goto out;
	if (!cloned && clone_sources(&s) < 0)
		goto out;
	trace_step("rootfs and bind sources cloned");
	if (cfg->empty_root)
		rootfd = mount_empty_root(scratch);
	else if (cfg->overlay)
		rootfd = mount_overlay(cfg, scratch, STAGING, s.rootfs, s.keep_dir);
	else if (move_mount_to(s.rootfs, scratch, "root") < 0)
		fail("mount the rootfs on " NEW_ROOT);
	else /* the detached tree's fd is now the attached root's */
		rootfd = s.rootfs, s.rootfs = -1;
	if (rootfd < 0)
		goto out;
	if (populate_root(cfg, scratch, &rootfd, &s) < 0)
		goto out;
	r = enter_root(rootfd);
out:
	close_sources(&s);
	close_fd(&scratch);
	close_fd(&rootfd);
	return r;
}
