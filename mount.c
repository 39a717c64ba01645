/* mount.c: mount primitives for rootfs.c and overlay.c (paths in the new root
 * are resolved by resolve.c; which calls the kernel has, kernel.c asks).
 *
 * Where the kernel has them (Linux 5.12), the new mount API (open_tree,
 * move_mount, mount_setattr, fsopen/fsconfig/fsmount), with every path
 * inside the new root resolved by openat2(RESOLVE_IN_ROOT), so that a
 * symlink in a hostile rootfs can neither send a mount onto a host path nor
 * make sbx create anything outside the root.
 *
 * On older kernels (back to 5.4) the same guarantees by older means, chosen
 * per feature from what the kernel answers ENOSYS to (kernel.c; any other
 * error stays an error):
 *
 *   no openat2 (< 5.6)   paths are resolved one component at a time from
 *                        the root fd with O_PATH|O_NOFOLLOW, following
 *                        symlinks ourselves, inside the root
 *                        (resolve.c)
 *   no open_tree, move_mount, fsopen or mount_setattr (< 5.12)
 *                        mount(2) on /proc/self/fd/N paths of fds resolved
 *                        as above.  A "detached" mount is one mounted in
 *                        the holding area (the staging tmpfs, unbindable so
 *                        that no recursive bind of a host path copies it)
 *                        and moved into place with MS_MOVE; mount flags
 *                        are set by remounting each mount of the tree (see
 *                        remount_tree).
 *
 * Either way a detached mount is an fd (of the mount's root), so the
 * callers do not care which path runs.
 *
 * A new filesystem (and a bind of a mount of our own) whose place is known
 * goes there straight with one mount(2) on the /proc/self/fd/N path of the
 * resolved mount point, with both APIs (mount_fs_on, bind_on): the new API
 * takes four calls or more for the same mount.  The detached ones of the
 * new API remain for what must be cloned (a host tree, with flags set on
 * every mount in it) or looked at before it is placed. */
#include "util.h"
#include "mount.h"
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

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

/* /proc/self/fd/N, naming what fd is open on for the path-based calls
 * (mount(2), chmod); name, if not empty, is looked up in it. */
struct fd_path {
	char text[PATH_MAX + 32];
};

static const char *fd_path(struct fd_path *p, int fd, const char *name)
{
	static const char prefix[] = "/proc/self/fd/";
	size_t n = 0;
	if (fd != AT_FDCWD) {
		memcpy(p->text, prefix, sizeof prefix - 1);
		n = sizeof prefix - 1;
		n += format_uint(p->text + n, (unsigned)fd);
		if (name && name[0])
			p->text[n++] = '/';
	}
	/* Cut short as snprintf would: the kernel refuses what is too long. */
	size_t len = name ? strnlen(name, sizeof p->text - n - 1) : 0;
	memcpy(p->text + n, name ? name : "", len);
	p->text[n + len] = '\0';
	return p->text;
}

/* ---- mount(2): flags set by remounting ---------------------------------- */

struct mountinfo {
	int id, parent;
	char *point; /* unescaped, as init sees it */
};

static int by_id(const void *a, const void *b)
{
	const struct mountinfo *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Every mount of our namespace, in mountinfo's order; NULL if unreadable. */
static struct mountinfo *read_mountinfo(size_t *n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	struct mountinfo *list = NULL;
	char *line = NULL;
	size_t cap = 0;
	*n = 0;
	while (getline(&line, &cap, f) > 0) {
		int id, parent;
		char *point = xcalloc(1, strlen(line) + 1);
		if (sscanf(line, "%d %d %*s %*s %s", &id, &parent, point) != 3) {
			free(point);
			continue;
		}
		unescape_mountinfo(point);
		list = grow(list, n, sizeof *list);
		list[*n - 1] = (struct mountinfo){ id, parent, point };
	}
	free(line);
	fclose(f);
	return list;
}

static void free_mountinfo(struct mountinfo *list, size_t n)
{
	for (size_t i = 0; i < n && list; i++)
		free(list[i].point);
	free(list);
}

/* Is the mount with id `id` below the mount `top` (sorted: the list sorted
 * by id)?  Bounded by the number of mounts, in case of a cycle. */
static bool mount_below(const struct mountinfo *sorted, size_t n, int id, int top)
{
	for (size_t steps = 0; steps <= n; steps++) {
		struct mountinfo key = { .id = id };
		const struct mountinfo *m = bsearch(&key, sorted, n, sizeof *sorted, by_id);
		if (!m || m->parent == m->id)
			return false;
		if (m->parent == top)
			return true;
		id = m->parent;
	}
	return false;
}

static unsigned long ms_flags(unsigned long attrs)
{
	return (attrs & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0) | (attrs & MOUNT_ATTR_NOSUID ? MS_NOSUID : 0) |
	       (attrs & MOUNT_ATTR_NODEV ? MS_NODEV : 0) | (attrs & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0);
}

/* Remount the mount whose root fd is open on with attrs added.  In a user
 * namespace the flags a more privileged namespace set are locked
 * (MNT_LOCK_*): a remount that would clear one fails with EPERM, so every
 * flag the mount has is passed again (statvfs tells them), atime included.
 * Flags can only be added, as with mount_setattr. */
static int remount_one(int fd, unsigned long attrs, const char *shown)
{
	static const struct {
		unsigned long st, ms;
	} kept[] = {
		{ ST_RDONLY, MS_RDONLY },	{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	{ ST_NOATIME, MS_NOATIME },	  { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME }, { ST_NOSYMFOLLOW, MS_NOSYMFOLLOW },
	};
	struct statvfs sv;
	if (fstatvfs(fd, &sv) < 0)
		return fail("statvfs %s", shown);
	unsigned long flags = MS_REMOUNT | MS_BIND | ms_flags(attrs);
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		if (sv.f_flag & kept[i].st)
			flags |= kept[i].ms;
	/* nodiratime alone means strictatime with it; without this the kernel
	 * would make it relatime, which a locked atime refuses. */
	if ((sv.f_flag & ST_NODIRATIME) && !(sv.f_flag & (ST_NOATIME | ST_RELATIME)))
		flags |= MS_STRICTATIME;
	struct fd_path p;
	if (mount(NULL, fd_path(&p, fd, ""), NULL, flags, NULL) < 0)
		return fail("remount %s", shown);
	return 0;
}

/* Open the mount point of a listed mount, walking from dir (at dir_point;
 * AT_FDCWD: from "/") without following any symlink, and check it leads to
 * that mount: mountinfo's mount points have no symlinks, and a walk that
 * meets one, or ends in another mount (*reached, then ESTALE), means the
 * mount is covered or something changed under us. */
static int open_listed(int dir, const char *dir_point, const struct mountinfo *m, int *reached)
{
	const char *rel = m->point + (strcmp(dir_point, "/") == 0 ? 0 : strlen(dir_point));
	rel += strspn(rel, "/");
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | (dir == AT_FDCWD ? 0 : RESOLVE_BENEATH),
	};
	*reached = -1;
	int fd = open_resolved(dir, dir == AT_FDCWD ? m->point : (rel[0] ? rel : "."), &how);
	if (fd < 0)
		return -1;
	*reached = mount_id(fd);
	if (*reached != m->id) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* The mount(2) way to mount_setattr: remount the mount fd is on, and with
 * recursive every mount below it, adding attrs.  mountinfo is read once;
 * each mount is reached by its mount point, from the top one.  A mount that
 * cannot be reached (a directory on the way that we may not search, which
 * the command cannot either, or a mount covered by another) is left as it
 * is: whatever reaches the path reaches the mount over it. */
static int remount_tree(int fd, unsigned long attrs, bool recursive, const char *shown)
{
	size_t n = 0;
	struct mountinfo *list = read_mountinfo(&n), *sorted = NULL;
	int id = mount_id(fd), top_fd = -1, r = -1;
	const struct mountinfo *top = NULL;
	for (size_t i = 0; i < n && !top; i++)
		if (list[i].id == id)
			top = &list[i];
	if (!list || !top) {
		fail("find the mount of %s in /proc/self/mountinfo", shown);
		goto out;
	}
	int reached;
	if ((top_fd = open_listed(AT_FDCWD, "/", top, &reached)) < 0) {
		fail("reach the mount of %s", shown);
		goto out;
	}
	if (remount_one(top_fd, attrs, shown) < 0)
		goto out;
	r = 0;
	if (!recursive)
		goto out;
	sorted = xcalloc(n, sizeof *sorted);
	memcpy(sorted, list, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_id);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct mountinfo *m = &list[i];
		if (!mount_below(sorted, n, m->id, id))
			continue;
		int sub = open_listed(top_fd, top->point, m, &reached);
		if (sub < 0 && errno == EACCES)
			continue;
		/* Covered: the walk ended in a mount not on the way to this
		 * one (else its mount point moved: fail). */
		if (sub < 0 && errno == ESTALE && reached >= 0 && reached != id &&
		    !mount_below(sorted, n, m->id, reached))
			continue;
		if (sub < 0) {
			r = fail("reach the mount on %s (below %s)", m->point, shown);
			break;
		}
		r = remount_one(sub, attrs, m->point);
		close(sub);
	}
out:
	close_fd(&top_fd);
	free(sorted);
	free_mountinfo(list, n);
	return r;
}

/* ---- mount(2): the holding area ----------------------------------------- */

/* Where mounts made with mount(2) wait to be placed, as detached mounts do
 * with the new API: the staging tmpfs, made unbindable so that a recursive
 * bind of a host path above it (the host root) skips it and all that is
 * mounted in it.  Set once by mount_staging. */
static int holding_area = -1;
static unsigned n_held;

/* A fresh empty directory or file in the holding area to mount on. */
static int make_hold_point(bool dir, char *name, size_t size)
{
	if (holding_area < 0)
		return failx("internal error: no holding area for mounts yet");
	snprintf(name, size, "held%u", n_held++);
	int fd = dir ? mkdirat(holding_area, name, 0700)
		     : openat(holding_area, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail("create a mount point in the staging area");
	if (!dir)
		close(fd);
	return 0;
}

/* The mount now on name in the holding area, as an fd of its root. */
static int open_held(const char *name, const char *shown)
{
	int fd = openat(holding_area, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail("open the new mount of %s", shown);
	if (mount_id(fd) == mount_id(holding_area)) {
		close(fd);
		return failx("the mount of %s did not appear", shown);
	}
	return fd;
}

/* A bind needs its source's mount to be bindable: a file of the staging
 * area itself (--file-data, resolv.conf) is bound while the area is
 * private for a moment. */
static int set_holding_propagation(unsigned long flag)
{
	struct fd_path p;
	if (mount(NULL, fd_path(&p, holding_area, ""), NULL, flag, NULL) < 0)
		return fail("change the staging area's propagation");
	return 0;
}

static int hold_bind(int fd, const char *shown, unsigned long attrs)
{
	struct stat st;
	char name[32];
	if (fstat(fd, &st) < 0)
		return fail("stat %s", shown);
	if (make_hold_point(S_ISDIR(st.st_mode), name, sizeof name) < 0)
		return -1;
	bool from_staging = mount_id(fd) == mount_id(holding_area);
	if (from_staging && set_holding_propagation(MS_PRIVATE) < 0)
		return -1;
	struct fd_path src, dst;
	int r = mount(fd_path(&src, fd, ""), fd_path(&dst, holding_area, name), NULL, MS_BIND | MS_REC, NULL);
	int err = errno;
	if (from_staging && set_holding_propagation(MS_UNBINDABLE) < 0)
		return -1;
	if (r < 0) {
		errno = err;
		return fail("bind %s", shown);
	}
	int held = open_held(name, shown);
	if (held >= 0 && attrs && remount_tree(held, attrs, true, shown) < 0)
		close_fd(&held);
	return held;
}

/* mount(2)'s data: "a=1,b" of { "a=1", "b", NULL }. */
static char *join_options(const char *const *opts)
{
	size_t len = 1;
	for (const char *const *o = opts; o && *o; o++)
		len += strlen(*o) + 1;
	char *data = xrealloc(NULL, len), *end = data;
	for (const char *const *o = opts; o && *o; o++) {
		if (end != data)
			*end++ = ',';
		size_t n = strlen(*o);
		memcpy(end, *o, n);
		end += n;
	}
	*end = '\0';
	return data;
}

static int hold_new_fs(const char *type, const char *const *opts, unsigned long attrs)
{
	char name[32];
	if (make_hold_point(true, name, sizeof name) < 0)
		return -1;
	char *data = join_options(opts);
	/* overlayfs takes a private clone of its upper layer's mount, which
	 * an unbindable mount (the staging area, holding the throwaway
	 * layer) refuses. */
	bool overlay = strcmp(type, "overlay") == 0;
	if (overlay && set_holding_propagation(MS_PRIVATE) < 0) {
		free(data);
		return -1;
	}
	struct fd_path dst;
	int r = mount(type, fd_path(&dst, holding_area, name), type, ms_flags(attrs), data[0] ? data : NULL);
	int err = errno;
	free(data);
	if (overlay && set_holding_propagation(MS_UNBINDABLE) < 0)
		return -1;
	errno = err;
	if (r < 0)
		return fail("mount %s", type);
	return open_held(name, type);
}

/* The scratch tmpfs at path (rootfs.c's staging area), which also serves as the
 * holding area for mount(2); returns an fd of its root. */
int mount_staging(const char *path, const char *const *opts)
{
	/* Straight into place with mount(2), either API: with the new one
	 * fsopen, fsconfig, fsmount and move_mount would make the same. */
	char *data = join_options(opts);
	int r = mount("none", path, "tmpfs", MS_NOSUID | MS_NODEV, data);
	free(data);
	if (r < 0)
		return fail("mount the staging area on %s", path);
	if (!mount_api_is_new() && mount(NULL, path, NULL, MS_UNBINDABLE, NULL) < 0)
		return fail("make the staging area unbindable");
	int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail("open the staging area");
	if (mount_api_is_new())
		return fd;
	close_fd(&holding_area);
	holding_area = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (holding_area < 0) {
		close(fd);
		return fail("open the staging area");
	}
	return fd;
}

/* ---- making and placing mounts ----------------------------------------- */

/* Move the detached mount mnt onto to (a name in to_dfd, or with "" to_dfd
 * itself): move_mount, or MS_MOVE out of the holding area. */
int move_mount_to(int mnt, int to_dfd, const char *to)
{
	if (mount_api_is_new())
		return sys_move_mount(mnt, "", to_dfd, to,
				      MOVE_MOUNT_F_EMPTY_PATH | (to[0] ? 0 : MOVE_MOUNT_T_EMPTY_PATH));
	struct fd_path src, dst;
	return mount(fd_path(&src, mnt, ""), fd_path(&dst, to_dfd, to), NULL, MS_MOVE, NULL);
}

/* Add attrs to the mount fd is on (and with recursive, to all below it). */
int set_mount_attrs(int fd, unsigned long attrs, bool recursive, const char *shown)
{
	if (!mount_api_is_new())
		return remount_tree(fd, attrs, recursive, shown);
	if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attrs) < 0)
		return fail("set mount flags on %s", shown);
	return 0;
}

/* Would a mount on target cover the whole root?  Only when target is the
 * root's own inode.  The root is the root of a mount, and most mount points
 * are not (statx says so from 5.8 on): for those one call answers, and the
 * root's inode is asked only for a target that is the root of a mount. */
static bool covers_root(int target, int rootfd)
{
	struct statx t;
	struct stat r;
	if (statx(target, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO, &t) < 0)
		return same_inode(target, rootfd);
	if ((t.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && !(t.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return false;
	return fstat(rootfd, &r) == 0 && r.st_dev == makedev(t.stx_dev_major, t.stx_dev_minor) && r.st_ino == t.stx_ino;
}

int refuse_root_target(int target, int rootfd, const char *path)
{
	if (!covers_root(target, rootfd))
		return 0;
	return failx("mount point %s is the root of the sandbox itself%s", path,
		     strcmp(path, "/") != 0 ? " (through a symlink in the rootfs)" : "");
}

/* Open the mount point path in the root for a mount of mnt (a detached
 * mount; -1: a new filesystem, a directory), creating it when missing (a
 * directory or a file, as mnt is: asked only then).  A mount point that is
 * the root itself ("/", or a symlink to "/" or "../..") is refused: a mount
 * there would cover the whole root. */
static int open_target(int rootfd, int mnt, const char *path)
{
	int target = open_in_root(rootfd, path);
	if (target < 0) {
		int err = errno;
		struct stat st;
		if (err == ENOENT && mnt >= 0 && fstat(mnt, &st) < 0)
			return fail("stat mount for %s", path);
		errno = err;
		target = create_mount_point(rootfd, path, err != ENOENT || mnt < 0 || S_ISDIR(st.st_mode));
		if (target < 0)
			return -1;
	}
	if (refuse_root_target(target, rootfd, path) < 0) {
		close(target);
		return -1;
	}
	return target;
}

/* Attach a detached mount (from clone_fd or new_fs) at path in the root. */
int attach(int rootfd, int mnt, const char *path)
{
	int target = open_target(rootfd, mnt, path);
	if (target < 0)
		return -1;
	int r = move_mount_to(mnt, target, "");
	close(target);
	if (r < 0)
		return fail("mount on %s", path);
	return 0;
}

/* open_tree's clone of name in dirfd ("": dirfd itself) with attrs set
 * throughout.  The first clone of a launch is how sbx learns whether the
 * kernel has the new mount API (kernel.c): its open_tree (5.2) and
 * mount_setattr (5.12) answer for the lot (move_mount, fsopen, fsconfig and
 * fsmount came with open_tree).  ENOSYS from either: the mount(2) way from
 * then on, and this clone fails with errno ENOSYS, having changed nothing,
 * for the caller to make again that way (build_root does). */
static int open_tree_clone(int dirfd, const char *name, unsigned long attrs, const char *shown)
{
	bool first = !mount_api_known() && attrs;
	const char *what = "clone mount";
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | (name[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH);
	int tree = sys_open_tree(dirfd, name, flags);
	if (tree >= 0 && attrs && sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0) {
		what = "set mount flags on";
		close_fd(&tree);
	}
	if (first && (tree >= 0 || errno == ENOSYS))
		mount_api_found(tree >= 0);
	if (tree < 0) {
		if (!first) /* else no hint: the caller goes on the mount(2) way */
			explain_missing_kernel_feature();
		return fail("%s %s", what, shown);
	}
	return tree;
}

/* A detached recursive copy of the mount tree at fd, with attrs added to
 * every mount in it (read-only, nosuid, ...); flags in a user namespace can
 * only be tightened, never loosened, so this is safe on locked mounts too. */
int clone_fd(int fd, const char *path, unsigned long attrs)
{
	if ((mount_api_known() || !attrs) && !mount_api_is_new())
		return hold_bind(fd, path, attrs);
	return open_tree_clone(fd, "", attrs, path);
}

/* The same for name in dirfd, a final symlink not followed: with the new
 * API straight from the name (no fd of it to open and close).  A host path
 * (dirfd AT_FDCWD) is for root-owned ones only, such as /dev/null: with
 * mount(2) it is opened with open_source, else only the last component is
 * kept from being a symlink. */
int clone_at(int dirfd, const char *name, unsigned long attrs)
{
	if ((mount_api_known() || !attrs) && !mount_api_is_new()) {
		int fd = dirfd == AT_FDCWD ? open_source(name) : openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return dirfd == AT_FDCWD ? -1 : fail("open %s", name);
		int mnt = hold_bind(fd, name, attrs);
		close(fd);
		return mnt;
	}
	return open_tree_clone(dirfd, name, attrs, name);
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
	if (!mount_api_is_new())
		return hold_new_fs(type, opts, attrs);
	AUTO_CLOSE int fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
	if (fs < 0) {
		explain_missing_kernel_feature();
		return fail("create %s: fsopen", type);
	}
	for (const char *const *o = opts; o && *o; o++) {
		const char *eq = strchr(*o, '=');
		AUTO_FREE char *key = xasprintf("%.*s", (int)(eq ? eq - *o : (int)strlen(*o)), *o);
		int r = eq ? (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, eq + 1, 0)
			   : (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key, NULL, 0);
		if (r < 0) {
			fail("%s option %s", type, *o);
			add_fs_log(fs);
			return -1;
		}
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		fail("create %s", type);
		add_fs_log(fs);
		return -1;
	}
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	close_fd(&fs);
	if (mnt < 0)
		return fail("mount %s", type);
	return mnt;
}

/* A new filesystem instance mounted straight onto the open target (or
 * onto name in it, a directory of a tmpfs of our own): one
 * mount(2) on /proc/self/fd/N, which reaches exactly what target is open on
 * (nothing is resolved again), with either kernel API.  With the new API
 * the same mount takes fsopen, a fsconfig per option, fsmount, move_mount
 * and a close, and a mount namespace of its own for the detached mount.
 * The same options and flags, so the same mount. */
int mount_fs_on(int target, const char *name, const char *type, const char *const *opts, unsigned long attrs)
{
	AUTO_FREE char *data = join_options(opts);
	struct fd_path p;
	/* The source shown is the one each API gave before: "none" where
	 * fsmount made the mount, the type where mount(2) did. */
	const char *source = mount_api_is_new() ? "none" : type;
	return mount(source, fd_path(&p, target, name), type, ms_flags(attrs), data[0] ? data : NULL);
}

/* Bind name in dir (a mount there, with its flags) onto the open target,
 * with mount(2) on /proc/self/fd paths, either API: one call where
 * open_tree, mount_setattr and move_mount would take three. */
int bind_on(int dir, const char *name, int target)
{
	struct fd_path src, dst;
	return mount(fd_path(&src, dir, name), fd_path(&dst, target, ""), NULL, MS_BIND, NULL);
}

/* A new filesystem instance on path in the root; with dir_fd, an fd of its
 * root (O_PATH, a directory to make things in), else -1. */
int mount_new_fs_at(int rootfd, const char *path, const char *type, const char *const *opts, unsigned long attrs,
		    bool dir_fd)
{
	int target = open_target(rootfd, -1, path);
	if (target < 0)
		return fail_context("%s on %s", type, path);
	if (mount_fs_on(target, "", type, opts, attrs) < 0) {
		fail("mount %s on %s", type, path);
		close(target);
		return -1;
	}
	if (!dir_fd) {
		close(target);
		return 0;
	}
	/* target stays the directory under the mount (an fd does not follow
	 * a mount made on it); the path now leads to the mount's root. */
	close(target);
	int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return fail("open %s", path);
	return fd;
}

int mount_new_fs(int rootfd, const char *path, const char *type, const char *const *opts, unsigned long attrs)
{
	return mount_new_fs_at(rootfd, path, type, opts, attrs, false);
}
