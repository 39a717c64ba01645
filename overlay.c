/* overlay.c: --overlay, a writable layer over the read-only rootfs.
 *
 * overlayfs mounted by init in the sandbox's own user namespace (Linux 5.11
 * or newer), before pivot_root:
 *
 *   lower  the read-only clone of the rootfs, attached as the new root
 *   upper  scratch/upper and scratch/work: a throwaway layer on the scratch
 *          tmpfs, as big as --overlay-size (default: half of RAM, the tmpfs
 *          default, charged to the sandbox's memory cgroup like any tmpfs);
 *          or with --overlay-upper DIR: DIR/upper and DIR/work, created when
 *          missing, so the changes are there for the next run (DIR was
 *          opened with the other sources, before anything was mounted).
 *
 * The supervisor's side of DIR (overlay_keep_lock, overlay_keep_finish):
 * before the clone it locks DIR by its inode (and the directories above
 * it, shared), so the same directory by another path, or one layer inside
 * another, is refused while the first sandbox runs; after the run it gives
 * the directories sbx made and overlayfs's scratch directories their
 * owner's permissions back, so that `rm -rf DIR` works.  Init makes DIR
 * private to its owner (0700) and creates upper and work, private too.
 *
 * The layers are handed to overlayfs as /proc/self/fd/N paths of fds that
 * were opened without following symlinks: overlayfs gets exactly the
 * directories checked here, and the sandbox's mountinfo shows no host path.
 *
 * A rootfs with nothing mounted inside it (a directory tree: the usual
 * --rootfs) gets one overlay over all of it.  A rootfs with submounts (the
 * host root) cannot: see overlay_each_directory.
 *
 * Permissions do not change: files keep their owners and modes, so the
 * command writes where it could write anyway, now into the layer.  Copying
 * up a file or directory whose owner is not mapped in the sandbox (the
 * host's root, seen as nobody) fails with EOVERFLOW: use a rootfs owned by
 * the caller, or shifted to its subordinate ids with --map-users. */
#include "util.h"
#include "config.h"
#include "rootfs.h"
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Create dir/name when missing and open it, refusing a symlink. */
static int open_layer_dir(int dir, const char *name, mode_t mode, const char *shown)
{
	if (mkdirat(dir, name, mode) < 0 && errno != EEXIST)
		return fail("create %s", shown);
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = open_resolved(dir, name, &how);
	if (fd < 0)
		return fail("open %s", shown);
	return fd;
}

/* overlayfs shows the top directory of the merged tree with the upper
 * directory's owner and mode.  A fresh upper directory takes the lower's,
 * so that --overlay changes where writes go, not who may write.  An owner
 * that is not mapped in the sandbox (the host's root, for the host root)
 * cannot be given away: the directory stays the caller's but loses its
 * write bits. */
static int mirror_attrs(int upper, int lower, const char *shown)
{
	struct stat st;
	if (fstat(lower, &st) < 0)
		return fail("stat %s", shown);
	mode_t mode = st.st_mode & 07777;
	if (fchownat(upper, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0)
		mode &= (mode_t)~0222;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", upper);
	if (chmod(path, mode) < 0)
		return fail("chmod %s", shown);
	return 0;
}

/* The kept layer holds the command's files with their modes (copies of
 * the rootfs's among them): other accounts have no business in DIR. */
static int make_private(const struct config *cfg, int keep_dir)
{
	struct stat st;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", keep_dir);
	if (fstat(keep_dir, &st) < 0)
		return fail("--overlay-upper %s", cfg->overlay_upper);
	if ((st.st_mode & 077) && chmod(path, st.st_mode & 07700) < 0) {
		set_hint("use a directory of your own");
		return fail("--overlay-upper %s: make it private to its owner (mode 0700)", cfg->overlay_upper);
	}
	return 0;
}

/* 1 when the directory (an O_PATH fd) holds nothing, 0 when it holds
 * something, -1 on error. */
static int dir_is_empty(int fd)
{
	int rd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = rd < 0 ? NULL : fdopendir(rd);
	if (!d) {
		close_fd(&rd);
		return -1;
	}
	int empty = 1;
	for (struct dirent *e; empty && (e = readdir(d));)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* The layers' parent directories: with --overlay-upper DIR, DIR/upper (the
 * changes) and DIR/work (overlayfs's scratch, which must be on the same
 * filesystem: a sibling is); else the same on the scratch tmpfs. */
static int open_layers(const struct config *cfg, int scratch, int keep_dir, int *upper, int *work,
		       int *upper_fresh)
{
	int dir = keep_dir >= 0 ? keep_dir : scratch;
	char *shown_upper, *shown_work;
	if (cfg->overlay_upper) {
		shown_upper = xasprintf("%s/upper", cfg->overlay_upper);
		shown_work = xasprintf("%s/work", cfg->overlay_upper);
	} else {
		shown_upper = xstrdup("the overlay's upper layer");
		shown_work = xstrdup("the overlay's work directory");
	}
	*upper = open_layer_dir(dir, "upper", 0700, shown_upper);
	*work = *upper < 0 ? -1 : open_layer_dir(dir, "work", 0700, shown_work);
	if (*work >= 0 && (*upper_fresh = dir_is_empty(*upper)) < 0) {
		fail("read %s", shown_upper);
		close_fd(work);
	}
	free(shown_upper);
	free(shown_work);
	return *work < 0 ? -1 : 0;
}

/* Turn the errors overlayfs gives in a user namespace into advice. */
static void explain_overlay_failure(const struct config *cfg, int err)
{
	const char *msg = error_text();
	if (err == ENODEV)
		set_hint("this kernel has no overlayfs (CONFIG_OVERLAY_FS, module overlay)");
	else if (err == EBUSY && cfg->overlay_upper)
		set_hint("another sandbox is using --overlay-upper %s; overlayfs allows one at a time",
			 cfg->overlay_upper);
	else if (err == EBUSY)
		set_hint("another overlay is using the same upper or work directory; overlayfs allows one at a time");
	else if ((strstr(msg, "overlapping") || err == ELOOP) && cfg->overlay)
		set_hint("--overlay-upper %s must not be inside the rootfs %s (overlayfs refuses overlapping "
			 "layers): choose a directory on another filesystem or outside it",
			 cfg->overlay_upper ? cfg->overlay_upper : "", cfg->rootfs);
	else if (strstr(msg, "overlapping") || err == ELOOP)
		set_hint("overlayfs refuses layers inside one another: no --overlay-src, upper or work "
			 "directory may contain another");
	else if (err == EPERM || err == EINVAL)
		set_hint("overlayfs in an unprivileged user namespace needs Linux 5.11 or newer, not disabled by "
			 "the distribution, and an upper directory on a local filesystem with user xattrs "
			 "(ext4, xfs, btrfs, tmpfs)");
}

static void add_layer_option(char **opt, const char *key, int fd)
{
	char *more = *opt ? xasprintf("%s:/proc/self/fd/%d", *opt, fd) : xasprintf("%s=/proc/self/fd/%d", key, fd);
	free(*opt);
	*opt = more;
}

/* bubblewrap's --overlay, --tmp-overlay and --ro-overlay (MOUNT_OVERLAY).
 * fds holds what init opened before anything was mounted: the upper and
 * work directories (-1 when there are none), then the layers, top first.
 * The upper layer of --tmp-overlay is a fresh directory on the scratch
 * tmpfs, which the sandbox cannot reach and which goes away with it. */
int mount_overlay_op(const struct config *cfg, int rootfd, int scratch, const struct mount_op *op, const int *fds,
		     size_t index)
{
	int upper = fds[0], work = fds[1], tmp_upper = -1, tmp_work = -1, r = -1;
	char *lower = NULL, *upperdir = NULL, *workdir = NULL;
	if (op->tmp_upper) {
		char name[48];
		snprintf(name, sizeof name, "tmp-overlay-upper-%zu", index);
		tmp_upper = open_layer_dir(scratch, name, 0755, "the --tmp-overlay upper layer");
		snprintf(name, sizeof name, "tmp-overlay-work-%zu", index);
		tmp_work = tmp_upper < 0 ? -1 : open_layer_dir(scratch, name, 0755, "the --tmp-overlay work directory");
		if (tmp_work < 0)
			goto out;
		upper = tmp_upper;
		work = tmp_work;
	}
	for (size_t k = 0; k < op->n_layers; k++)
		add_layer_option(&lower, "lowerdir", fds[2 + k]);
	if (upper >= 0) {
		add_layer_option(&upperdir, "upperdir", upper);
		add_layer_option(&workdir, "workdir", work);
	}
	/* fsconfig takes strings of up to 255 bytes, about 14 layers; more go
	 * one by one as "lowerdir+" (Linux 6.8), top first like lowerdir. */
	size_t n = 0;
	const char **opts = xcalloc(op->n_layers + 4, sizeof *opts);
	char **each = xcalloc(op->n_layers, sizeof *each);
	if (mount_api_is_new() && strlen(lower) - strlen("lowerdir=") > 255)
		for (size_t k = 0; k < op->n_layers; k++)
			opts[n++] = each[k] = xasprintf("lowerdir+=/proc/self/fd/%d", fds[2 + k]);
	else
		opts[n++] = lower;
	opts[n++] = "userxattr";
	opts[n++] = upperdir;
	opts[n] = workdir;
	unsigned long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (upper < 0 ? MOUNT_ATTR_RDONLY : 0);
	int mnt = new_fs("overlay", opts, attrs);
	if (mnt < 0 && each[0])
		set_hint("more than about 14 --overlay-src layers need Linux 6.8 or newer (overlayfs's lowerdir+)");
	for (size_t k = 0; k < op->n_layers; k++)
		free(each[k]);
	free(each);
	free(opts);
	if (mnt < 0) {
		int err = errno;
		if (!hint_text()[0])
			explain_overlay_failure(cfg, err);
		errno = err;
		fail_context("overlay on %s", op->dst);
		goto out;
	}
	r = attach(rootfd, mnt, op->dst);
	close(mnt);
	if (r < 0)
		fail_context("overlay on %s", op->dst);
out:
	free(lower);
	free(upperdir);
	free(workdir);
	close_fd(&tmp_upper);
	close_fd(&tmp_work);
	return r;
}

/* Mount the overlay; returns its detached mount fd. */
static int new_overlay(const struct config *cfg, int lower, int upper, int work)
{
	char lowerdir[64], upperdir[64], workdir[64];
	snprintf(lowerdir, sizeof lowerdir, "lowerdir=/proc/self/fd/%d", lower);
	snprintf(upperdir, sizeof upperdir, "upperdir=/proc/self/fd/%d", upper);
	snprintf(workdir, sizeof workdir, "workdir=/proc/self/fd/%d", work);
	/* userxattr: overlayfs keeps its metadata (opaque directories,
	 * redirects) in user.overlay.* xattrs, which an unprivileged mounter
	 * may write; trusted.* would need CAP_SYS_ADMIN on the host. */
	const char *const opts[] = { lowerdir, upperdir, workdir, "userxattr", NULL };
	int mnt = new_fs("overlay", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0) {
		int err = errno;
		explain_overlay_failure(cfg, err);
		errno = err;
	}
	return mnt;
}

/* The top-level names of the rootfs under which something is mounted: the
 * direct submounts of the mount with id parent (from mountinfo, whose mount
 * points are below prefix; escapes like \040 can only make a name differ,
 * which errs on the side of leaving it alone) reduced to their first path
 * component.  NULL-terminated; NULL if mountinfo cannot be read. */
static char **busy_names(int parent, const char *prefix)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	char **names = NULL, *line = NULL;
	size_t n = 0, cap = 0, plen = strlen(prefix);
	while (getline(&line, &cap, f) > 0) {
		int id, par;
		char *mp = xcalloc(1, strlen(line) + 1);
		if (sscanf(line, "%d %d %*s %*s %s", &id, &par, mp) == 3 && par == parent &&
		    strncmp(mp, prefix, plen) == 0 && mp[plen] == '/') {
			const char *top = mp + plen + 1;
			names = grow(names, &n, sizeof *names);
			names[n - 1] = xasprintf("%.*s", (int)strcspn(top, "/"), top);
		}
		free(mp);
	}
	free(line);
	fclose(f);
	names = grow(names, &n, sizeof *names);
	return names;
}

/* path's part below dir ("/a/b" for dir/a/b, "" for dir), or NULL if path
 * is not dir or below it; NULL path: NULL. */
static const char *path_below(const char *path, const char *dir)
{
	size_t len = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	if (!path || strncmp(path, dir, len) != 0 || (path[len] != '/' && path[len] != '\0'))
		return NULL;
	return path + len;
}

/* Add the first component of the path rel ("/a/b": "a") to list. */
static char **add_top_name(char **list, const char *rel)
{
	size_t n = 0;
	while (list[n])
		n++;
	n++; /* count the NULL as a slot: grow() appends after it */
	list = grow(list, &n, sizeof *list);
	rel += strspn(rel, "/");
	list[n - 2] = xasprintf("%.*s", (int)strcspn(rel, "/"), rel);
	list[n - 1] = NULL;
	return list;
}

static bool in_list(char **list, const char *name)
{
	for (char **p = list; *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

/* An overlay of the directory lower (an O_PATH fd) with layers upper/name
 * and work/name (name NULL: upper and work themselves), mounted on top of
 * lower itself. */
static int overlay_dir(const struct config *cfg, int lower, int upper_root, int work_root, const char *name)
{
	int upper = upper_root, work = work_root, r = -1;
	if (name) {
		char *shown = xasprintf("the overlay's layer for /%s", name);
		/* mirrored on every run: after one, overlay_keep_finish gave the
		 * directory its write bits back */
		upper = open_layer_dir(upper_root, name, 0700, shown);
		work = upper < 0 ? -1 : open_layer_dir(work_root, name, 0700, shown);
		if (work >= 0 && mirror_attrs(upper, lower, shown) < 0)
			close_fd(&work);
		free(shown);
		if (work < 0)
			goto out;
	}
	int mnt = new_overlay(cfg, lower, upper, work);
	if (mnt < 0) {
		fail_context("--overlay%s%s", name ? " /" : "", name ? name : "");
		goto out;
	}
	r = move_mount_to(mnt, lower, "");
	if (r < 0)
		fail("mount the overlay on /%s", name ? name : "");
	close(mnt);
out:
	if (name) {
		close_fd(&upper);
		close_fd(&work);
	}
	return r;
}

/* Names the sandbox mounts something fresh on anyway. */
static bool replaced_anyway(const char *name)
{
	static const char *const names[] = { "proc", "dev", "tmp", "run", "sys" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* The rootfs has submounts (the host root: /proc, /sys, /home, ...).  They
 * are locked to it (they came from a more privileged mount namespace), and
 * the kernel refuses to give overlayfs a mount with locked mounts below it,
 * since that would show what they cover.  So each top-level directory with
 * nothing mounted at or below it (/usr, /etc, /var, /opt, ...) gets an
 * overlay of its own, with its layers in upper/NAME and work/NAME; the
 * submounts and the top level itself stay read-only. */
static int overlay_each_directory(const struct config *cfg, int root, char **busy, int upper_root, int work_root)
{
	int dirfd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dirfd < 0 ? NULL : fdopendir(dirfd);
	if (!dir) {
		close_fd(&dirfd);
		return fail("read the rootfs");
	}
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(dir));) {
		if (e->d_name[0] == '.' || in_list(busy, e->d_name) || replaced_anyway(e->d_name))
			continue;
		int lower = openat(root, e->d_name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (lower < 0)
			continue; /* a symlink (/bin -> usr/bin) or a file */
		r = overlay_dir(cfg, lower, upper_root, work_root, e->d_name);
		close(lower);
	}
	closedir(dir);
	return r;
}

int mount_overlay(const struct config *cfg, int scratch, const char *staging, int rootfs, int keep_dir)
{
	int upper = -1, work = -1, rootfd = -1;
	char **busy = NULL;
	if (move_mount_to(rootfs, scratch, "root") < 0) {
		fail("mount the rootfs under the overlay");
		goto out;
	}
	char *prefix = xasprintf("%s/root", staging);
	busy = busy_names(mount_id(rootfs), prefix);
	free(prefix);
	if (!busy) {
		fail("read /proc/self/mountinfo");
		goto out;
	}
	/* A kept layer inside the rootfs would overlap the lower layer (and
	 * change under it): refuse that for the whole root, and leave the
	 * directory that holds it read-only with one overlay per directory. */
	const char *inside = path_below(cfg->overlay_upper, cfg->rootfs);
	if (inside && !busy[0]) {
		set_hint("keep the layer outside the rootfs");
		failx("--overlay-upper %s is inside the rootfs %s: overlayfs layers may not overlap",
		      cfg->overlay_upper, cfg->rootfs);
		goto out;
	}
	if (inside)
		busy = add_top_name(busy, inside);
	if (keep_dir >= 0 && make_private(cfg, keep_dir) < 0)
		goto out;
	/* An empty upper layer (new, or nothing changed yet) takes the root's
	 * attributes; after that they are the command's to change. */
	int upper_fresh = 0;
	if (open_layers(cfg, scratch, keep_dir, &upper, &work, &upper_fresh) < 0)
		goto out;
	if (!busy[0] && upper_fresh && mirror_attrs(upper, rootfs, "the overlay's upper layer") < 0)
		goto out;
	/* With nothing mounted inside the rootfs, one overlay covers it all. */
	if (!busy[0] ? overlay_dir(cfg, rootfs, upper, work, NULL) < 0
		     : overlay_each_directory(cfg, rootfs, busy, upper, work) < 0)
		goto out;
	rootfd = openat(scratch, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open the new root");
	trace_step("overlay mounted");
out:
	free_argv(busy);
	close_fd(&upper);
	close_fd(&work);
	return rootfd;
}

/* ---- the supervisor's side of --overlay-upper DIR ---------------------- */

/* overlayfs only warns when two mounts share an upper or work directory, or
 * have one inside the other (and then behaves undefined), so sbx locks the
 * directories by their inodes for as long as the sandbox lives: DIR
 * exclusively, and every directory above DIR on the same filesystem
 * shared.  Another sandbox's DIR that is this one (by any path), or below
 * it, or above it, then cannot get its own locks.  DIR/upper and DIR/work
 * are locked exclusively too when they are there already: the same layer
 * reached through a bind mount elsewhere.  The fds are close-on-exec: init
 * inherits them (the locks last as long as either lives) and the command
 * does not. */
struct overlay_keep {
	int dir, upper, work; /* O_RDONLY, locked exclusively; -1 without DIR */
	int *above;           /* the directories above DIR, locked shared */
	size_t n_above;
};

/* The name of a directory fd, for messages. */
static char *fd_name(int fd)
{
	char link[64], buf[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n <= 0)
		return xstrdup("a directory above it");
	buf[n] = '\0';
	return xstrdup(buf);
}

/* Share a lock on every readable directory above DIR on its filesystem;
 * a directory locked exclusively there is another sandbox's layer that
 * holds DIR. */
static int lock_above(const struct config *cfg, struct overlay_keep *k, const struct stat *dir_st)
{
	struct stat below = *dir_st, st;
	int cur = openat(k->dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* up to another filesystem, or the top (whose ".." is itself) */
	while (cur >= 0 && fstat(cur, &st) == 0 && st.st_dev == dir_st->st_dev && st.st_ino != below.st_ino) {
		/* an unreadable directory cannot be locked: nobody's layer */
		int held = openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (held >= 0 && flock(held, LOCK_SH | LOCK_NB) < 0) {
			int err = errno;
			char *name = fd_name(held);
			close(held);
			close(cur);
			errno = err;
			if (err != EWOULDBLOCK)
				fail("--overlay-upper %s: lock %s", cfg->overlay_upper, name);
			else {
				set_hint("overlayfs layers must not be inside one another: use a directory outside it");
				failx("--overlay-upper %s is inside %s, which another running sandbox uses for its layer",
				      cfg->overlay_upper, name);
			}
			free(name);
			return -1;
		}
		if (held >= 0) {
			k->above = grow(k->above, &k->n_above, sizeof *k->above);
			k->above[k->n_above - 1] = held;
		}
		below = st;
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = up;
	}
	close_fd(&cur);
	return 0;
}

/* DIR/name, if it is there (init creates it, or refuses what it is),
 * locked exclusively; -1 when it is not there. */
static int lock_layer(const struct config *cfg, int dir, const char *name, int *fd)
{
	*fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return 0;
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		close_fd(fd);
		errno = err;
		if (err != EWOULDBLOCK)
			return fail("--overlay-upper %s: lock %s", cfg->overlay_upper, name);
		set_hint("overlayfs layers must not be inside one another: use a directory outside it");
		return failx("--overlay-upper %s: %s/%s is in use by another sandbox, as its layer or holding one",
			     cfg->overlay_upper, cfg->overlay_upper, name);
	}
	return 0;
}

struct overlay_keep *overlay_keep_lock(const struct config *cfg)
{
	struct overlay_keep *k = xcalloc(1, sizeof *k);
	k->dir = k->upper = k->work = -1;
	if (!cfg->overlay_upper)
		return k;
	struct stat st;
	k->dir = open(cfg->overlay_upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (k->dir < 0 || fstat(k->dir, &st) < 0) {
		fail("--overlay-upper %s", cfg->overlay_upper);
		goto fail;
	}
	if (flock(k->dir, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			failx("--overlay-upper %s is in use by another sandbox, as its layer or holding one",
			      cfg->overlay_upper);
		else
			fail("lock --overlay-upper %s", cfg->overlay_upper);
		goto fail;
	}
	if (lock_above(cfg, k, &st) < 0 || lock_layer(cfg, k->dir, "upper", &k->upper) < 0 ||
	    lock_layer(cfg, k->dir, "work", &k->work) < 0)
		goto fail;
	return k;
fail:
	overlay_keep_release(k);
	return NULL;
}

/* Give the caller's directory at dir/name its owner's permissions, if it
 * lacks them; depth more levels below it too.  Never follows a symlink. */
static void restore_owner_bits(int dir, const char *name, int depth)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return;
	if ((st.st_mode & 0700) != 0700 && fchmodat(dir, name, (st.st_mode & 07777) | 0700, 0) < 0)
		return; /* rm -rf will say what it cannot remove */
	int fd = depth > 0 ? openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		close_fd(&fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			restore_owner_bits(dirfd(d), e->d_name, depth - 1);
	closedir(d);
}

/* After the run, while the locks still hold: the directories sbx made in
 * DIR/upper (one per top-level directory over the host root, without
 * write bits while mounted) and overlayfs's scratch directories in
 * DIR/work (work/work is mode 000) get their owner's permissions back, so
 * the owner can remove DIR with rm -rf.  Directories of the command's own
 * keep their modes. */
void overlay_keep_finish(struct overlay_keep *k)
{
	if (!k || k->dir < 0)
		return;
	restore_owner_bits(k->dir, "upper", 1);
	restore_owner_bits(k->dir, "work", 2);
}

void overlay_keep_release(struct overlay_keep *k)
{
	if (!k)
		return;
	close_fd(&k->dir);
	close_fd(&k->upper);
	close_fd(&k->work);
	for (size_t i = 0; i < k->n_above; i++)
		close(k->above[i]);
	free(k->above);
	free(k);
}
