/* workdir.c: which directory --bind-cwd (or a policy's bind-cwd line, as in
 * --policy build) may make writable.  That bind is implicit: the caller only
 * said "here".  So "here" must be a project's own directory, not one that
 * other programs share: from /tmp, a build would get the caller's tmux,
 * ssh-agent and X11 sockets (a bind, even read-only, lets it connect to
 * them); from $HOME, the files the caller's shells and tools run later; from
 * /run, the sockets of the session and of services.  Those are refused, and
 * so is a directory that holds one of them (/var holds /var/tmp).  A
 * project below one (/tmp/proj, ~/src/proj) is fine, except below /run,
 * all of which is shared.  An explicit --bind of any of them stays allowed:
 * there the caller named it.
 *
 * Directories are compared as the kernel sees them, by device and inode, so
 * a current directory reached through a symbolic link, or a bind-mounted
 * alias of /tmp, is /tmp all the same. */
#include "util.h"
#include "options.h"

#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

struct shared_dir {
	const char *path; /* as the caller knows it */
	const char *why;  /* what other programs keep there */
	bool subtree;     /* everything below it is shared too */
};

static const struct shared_dir fixed_dirs[] = {
	{ "/", "the whole file system", false },
	{ "/tmp", "every program's temporary files and sockets: tmux, ssh-agent, X11", false },
	{ "/var/tmp", "every program's temporary files", false },
	{ "/dev/shm", "every program's shared memory", false },
	{ "/run", "the sockets of running services and sessions", true },
	{ "/home", "every user's home directory", false },
};

#define N_FIXED ARRAY_SIZE(fixed_dirs)
#define N_DYNAMIC 3 /* /run/user/UID, and the home directory from /etc/passwd and from $HOME */
#define HOME_WHY "your home directory: the files your shells and tools read and run"

/* A shared directory as found on this host. */
struct found {
	const struct shared_dir *dir;
	char *real;      /* symbolic links resolved */
	struct stat st;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A tmpfs mounted at f itself: every directory on that device is below f,
 * wherever it is bound.  (Not for a directory on the root's file system,
 * as /run is on hosts without a /run tmpfs: that device is everyone's.) */
static bool own_tmpfs(const struct found *f)
{
	struct statfs fs;
	struct stat parent;
	char *up = xasprintf("%s/..", f->real);
	bool own = stat(up, &parent) == 0 && parent.st_dev != f->st.st_dev && statfs(f->real, &fs) == 0 &&
		   fs.f_type == TMPFS_MAGIC;
	free(up);
	return own;
}

/* here (the current directory, real path cwd) is below f: by path, or on
 * f's own tmpfs. */
static bool below(const struct found *f, const char *cwd, const struct stat *here)
{
	size_t len = strlen(f->real);
	if (strcmp(f->real, "/") != 0 && strncmp(cwd, f->real, len) == 0 && cwd[len] == '/')
		return true;
	return here->st_dev == f->st.st_dev && own_tmpfs(f);
}

/* here is a directory above f, by device and inode (so also through an
 * alias of that directory). */
static bool holds(const struct found *f, const struct stat *here)
{
	char *up = xstrdup(f->real);
	bool found = false;
	for (char *slash; !found && (slash = strrchr(up, '/')) && slash != up;) {
		*slash = '\0';
		struct stat st;
		found = stat(up, &st) == 0 && same_file(&st, here);
	}
	free(up);
	return found;
}

/* What is wrong with here as the work tree, or NULL.  Being one of the
 * shared directories is said first (/run/user/UID is that, before being
 * below /run). */
static char *why_shared(const struct found *found, size_t n, const char *cwd, const struct stat *here)
{
	for (size_t i = 0; i < n; i++) {
		const struct shared_dir *d = found[i].dir;
		if (!same_file(&found[i].st, here))
			continue;
		if (strcmp(cwd, found[i].real) == 0)
			return xasprintf("%s is shared with other programs (%s)", d->path, d->why);
		return xasprintf("%s is shared with other programs (%s; the current directory %s is the same directory)",
				 d->path, d->why, cwd);
	}
	for (size_t i = 0; i < n; i++) {
		const struct shared_dir *d = found[i].dir;
		if (d->subtree && below(&found[i], cwd, here))
			return xasprintf("%s is shared with other programs (it is below %s: %s)", cwd, d->path, d->why);
		if (holds(&found[i], here))
			return xasprintf("%s is shared with other programs (it holds %s: %s)", cwd, d->path, d->why);
	}
	/* The hidden directories of a home (~/.config, ~/.ssh, ~/.cargo ...)
	 * are where programs keep their configuration and credentials: no
	 * work tree there, at any depth (a link planted in a work tree can
	 * lead the user into one). */
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(found[i].real);
		if (strcmp(found[i].dir->why, HOME_WHY) != 0 || strncmp(cwd, found[i].real, len) != 0 || cwd[len] != '/' ||
		    cwd[len + 1] != '.')
			continue;
		return xasprintf("%s is in a hidden directory of your home (~/%.*s), where programs keep their "
				 "configuration and credentials",
				 cwd, (int)strcspn(cwd + len + 1, "/"), cwd + len + 1);
	}
	return NULL;
}

/* dir: the caller's working directory; uid: the caller's. */
int check_work_tree(const char *dir, uid_t uid)
{
	char *cwd = realpath(dir, NULL);
	struct stat here;
	if (!cwd || stat(cwd, &here) < 0) {
		fail("--bind-cwd: %s", dir);
		free(cwd);
		return -1;
	}
	char *run_user = xasprintf("/run/user/%u", (unsigned)uid);
	char *home = passwd_home(uid);
	const char *env_home = getenv("HOME");
	struct shared_dir dynamic[N_DYNAMIC] = {
		{ run_user, "your session's sockets: D-Bus, Wayland, PipeWire, GnuPG", true },
		{ home, HOME_WHY, false },
		{ env_home && env_home[0] == '/' ? env_home : NULL, HOME_WHY, false },
	};
	struct found found[N_FIXED + N_DYNAMIC];
	size_t n = 0;
	for (size_t i = 0; i < N_FIXED + N_DYNAMIC; i++) {
		const struct shared_dir *d = i < N_FIXED ? &fixed_dirs[i] : &dynamic[i - N_FIXED];
		if (!d->path)
			continue;
		found[n].dir = d;
		found[n].real = realpath(d->path, NULL); /* missing: nothing to share */
		if (found[n].real && stat(found[n].real, &found[n].st) == 0)
			n++;
		else
			free(found[n].real);
	}
	char *what = why_shared(found, n, cwd, &here);
	int r = 0;
	if (what) {
		set_hint("cd into the project's own directory first; to share %s all the same, name it: "
			 "--bind %s --chdir %s (and no bind-cwd)",
			 cwd, cwd, cwd);
		r = failx("--bind-cwd: %s", what);
	}
	for (size_t i = 0; i < n; i++)
		free(found[i].real);
	free(what);
	free(run_user);
	free(home);
	free(cwd);
	return r;
}
