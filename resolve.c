/* resolve.c: opening paths without being fooled by symlinks.  Host paths
 * (bind sources) are opened with no symlink followed; paths inside the new
 * root are resolved as if the root were "/" (openat2 RESOLVE_IN_ROOT, or a
 * walk of our own on kernels before 5.6), so that a symlink in a hostile
 * rootfs can neither send a mount onto a host path nor make sbx create
 * anything outside the root.  Used by mount.c, rootfs.c and overlay.c. */
#include "util.h"
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- resolving paths --------------------------------------------------- */

/* What openat2 does, for kernels without it (before 5.6), for the flags sbx
 * uses: O_PATH, plus O_NOFOLLOW and O_DIRECTORY; RESOLVE_IN_ROOT,
 * RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS.
 *
 * The path is walked one component at a time with O_PATH|O_NOFOLLOW, from
 * the fds of the directories entered so far (a stack whose bottom is the
 * root): ".." pops one, never the root itself, so nothing above the root is
 * ever opened, as with RESOLVE_IN_ROOT.  A symlink is read and its text
 * walked in its place (an absolute one from the root again), at most 40
 * times per path, the kernel's limit.  A symlink on a procfs is never
 * followed: /proc/PID/root, cwd, fd/N are "magic" (they jump to their
 * object, not to their text), and telling them from the harmless /proc/self
 * needs the kernel's help; refusing them all refuses the dangerous ones as
 * RESOLVE_NO_MAGICLINKS does, with ELOOP. */
#define MAX_SYMLINKS 40

struct walk {
	int *dirs; /* dirs[0]: the root; dirs[n - 1]: where the walk is */
	size_t n;
};

static void walk_push(struct walk *w, int fd)
{
	w->dirs = grow(w->dirs, &w->n, sizeof *w->dirs);
	w->dirs[w->n - 1] = fd;
}

static void walk_pop_to(struct walk *w, size_t n)
{
	while (w->n > n)
		close(w->dirs[--w->n]);
}

/* The text of the symlink link, if following it is allowed; NULL with errno
 * set if not. */
static char *symlink_to_follow(int link, unsigned long long resolve, int *links)
{
	struct statfs sf;
	if ((resolve & RESOLVE_NO_SYMLINKS) || ++*links > MAX_SYMLINKS) {
		errno = ELOOP;
		return NULL;
	}
	if ((resolve & RESOLVE_NO_MAGICLINKS) && (fstatfs(link, &sf) < 0 || sf.f_type == PROC_SUPER_MAGIC)) {
		errno = ELOOP;
		return NULL;
	}
	char *text = xcalloc(1, PATH_MAX);
	ssize_t n = readlinkat(link, "", text, PATH_MAX - 1);
	if (n <= 0) {
		free(text);
		errno = n == 0 ? ENOENT : errno;
		return NULL;
	}
	text[n] = '\0';
	return text;
}

int resolve_by_steps(int dfd, const char *path, int flags, unsigned long long resolve)
{
	bool beneath = (resolve & RESOLVE_BENEATH) && !(resolve & RESOLVE_IN_ROOT);
	int start;
	if (!path[0]) {
		errno = ENOENT; /* as openat2 without AT_EMPTY_PATH */
		return -1;
	}
	if (path[0] == '/' && beneath) {
		errno = EXDEV;
		return -1;
	}
	if (path[0] == '/' && !(resolve & RESOLVE_IN_ROOT))
		start = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else if (dfd == AT_FDCWD)
		start = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else
		start = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (start < 0)
		return -1;
	struct walk w = { 0 };
	walk_push(&w, start);
	AUTO_FREE char *todo = xstrdup(path);
	size_t pos = 0;
	int links = 0, result = -1, err = 0;
	bool dir_only = flags & O_DIRECTORY;
	while (!err && result < 0) {
		pos += strspn(todo + pos, "/");
		if (!todo[pos])
			break;
		size_t len = strcspn(todo + pos, "/");
		AUTO_FREE char *name = xasprintf("%.*s", (int)len, todo + pos);
		pos += len;
		bool last = todo[pos + strspn(todo + pos, "/")] == '\0';
		/* A trailing slash, as the kernel reads it: the last component
		 * must be a directory, through a link even with O_NOFOLLOW. */
		bool slash = last && todo[pos] == '/';
		dir_only |= slash;
		struct stat st;
		AUTO_CLOSE int fd = -1;
		if (strcmp(name, ".") == 0) {
			/* stays */
		} else if (strcmp(name, "..") == 0) {
			if (w.n == 1 && beneath)
				err = EXDEV;
			walk_pop_to(&w, w.n > 1 ? w.n - 1 : 1);
		} else if ((fd = openat(w.dirs[w.n - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
			   fstat(fd, &st) < 0) {
			err = errno;
		} else if (S_ISLNK(st.st_mode) && !(last && !slash && (flags & O_NOFOLLOW))) {
			char *text = symlink_to_follow(fd, resolve, &links);
			if (!text) {
				err = errno;
			} else {
				if (text[0] == '/' && beneath)
					err = EXDEV;
				if (text[0] == '/')
					walk_pop_to(&w, 1);
				char *rest = todo[pos] ? xasprintf("%s/%s", text, todo + pos) : xstrdup(text);
				free(todo);
				free(text);
				todo = rest;
				pos = 0;
			}
		} else if (last) {
			result = fd;
			fd = -1;
		} else {
			walk_push(&w, fd);
			fd = -1;
		}
	}
	if (!err && result < 0 && (result = fcntl(w.dirs[w.n - 1], F_DUPFD_CLOEXEC, 0)) < 0)
		err = errno;
	struct stat st;
	if (!err && dir_only && (fstat(result, &st) < 0 || !S_ISDIR(st.st_mode)))
		err = ENOTDIR;
	walk_pop_to(&w, 0);
	free(w.dirs);
	if (err) {
		close_fd(&result);
		errno = err;
	}
	return result;
}

/* openat2 where the kernel has it, the walk above where it does not (the
 * first ENOSYS tells, kernel.c).  Only for O_PATH opens. */
int open_resolved(int dfd, const char *path, const struct open_how *how)
{
	if (openat2_may_work()) {
		int fd;
		do
			fd = (int)syscall(SYS_openat2, dfd, path, how, sizeof *how);
		while (fd < 0 && (errno == EAGAIN || errno == EINTR));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		openat2_found(false);
	}
	return resolve_by_steps(dfd, path, (int)how->flags, how->resolve);
}

/* Open a host path (a bind source, the rootfs, the overlay's upper dir)
 * without following any symlink.  The path was made canonical by realpath
 * when the options were parsed, so a symlink found now means a component
 * was swapped since then: refuse rather than bind what it points at.
 *
 * Why here, in init, and not in the supervisor before the clone: a clone of
 * a mount (open_tree OPEN_TREE_CLONE, or a bind with mount(2)) is only
 * allowed from the caller's own mount namespace, and an fd opened before
 * the clone belongs to the supervisor's namespace (EINVAL); cloning in the
 * supervisor would need CAP_SYS_ADMIN there.  Init opens every source first
 * thing in its private copy of the namespace, before anything is attached,
 * so nothing of the new root can be confused with a source. */
int open_source(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = open_resolved(AT_FDCWD, path, &how);
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
	return open_resolved(rootfd, path, &how);
}

int open_in_root(int rootfd, const char *path)
{
	return open_in_root_flags(rootfd, path, 0);
}

bool same_inode(int a, int b)
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
	return create_mount_point(rootfd, path, dir);
}

/* The rest of open_mount_point, for a path that open_in_root could not open
 * (errno says why). */
int create_mount_point(int rootfd, const char *path, bool dir)
{
	int fd;
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

	AUTO_FREE char *parent = slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	const char *base = slash + 1;
	AUTO_CLOSE int pfd = open_mount_point(rootfd, parent, true);
	if (pfd < 0)
		return -1;
	/* An empty file 0444, as bubblewrap makes them: mknod of a regular
	 * file needs no privilege and leaves no fd to close, and like
	 * O_CREAT | O_EXCL it does not follow a symlink there. */
	int r = dir ? mkdirat(pfd, base, 0755) : mknodat(pfd, base, S_IFREG | 0444, 0);
	if (r < 0 && errno != EEXIST) {
		if (errno == EROFS || errno == EACCES || errno == EPERM)
			set_hint("create %s in the root filesystem, or mount a --tmpfs on %s first", path, parent);
		return fail("mount point %s is missing and cannot be created", path);
	}
	fd = open_in_root(rootfd, path);
	if (fd < 0)
		return fail("mount point %s", path);
	return fd;
}
