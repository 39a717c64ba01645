/* gitquarantine.c: --protect-git after the run.  The work tree's .git and
 * its submodules' were read-only during the run (home.c), but the command
 * could still make git metadata of its own in the writable tree: a new
 * repository, a submodule's directory moved aside and replaced, a .git
 * file pointing elsewhere, a bare repository a user might cd into, or the
 * configuration and hooks of a nested repository nobody listed.  git run
 * there later, outside any sandbox, would obey it (core.fsmonitor,
 * core.pager, hooks/ ...).
 *
 * So once the command and all its processes are gone, the tree is walked
 * (nothing followed: every directory is opened O_NOFOLLOW from its parent's
 * descriptor, no other file is opened; nested .git directories and .git.*
 * names included; a directory of the caller's that the command made
 * unreadable or read-only gets its owner's rwx back first) and what the
 * run made or changed is moved aside, in place, where git does not look:
 *
 *   - a .git (directory, file or link) made, replaced or whose
 *     configuration or hooks changed during the run is renamed
 *     .git.sbx-untrusted (.1, .2 ... when that is taken), and the HEAD in
 *     it HEAD.sbx-untrusted, so that it is not a bare repository either;
 *   - a directory that git would take for a bare repository (HEAD, a file
 *     or a link, and objects with refs or a commondir, links too) made or
 *     changed likewise has its HEAD renamed;
 *   - a hooks directory git would use (core.hooksPath) that was not there
 *     before the run (home.c keeps its path), made by it, or a link on
 *     the way there: the run's topmost new name is renamed the same way.
 *
 * Each is named on stderr, with how to put it back. */
#include "util.h"
#include "config.h"
#include "git.h"
#include "compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SHOWN 5
#define MAX_DIRS_LOOKED 200000
#define MAX_DEPTH 256
#define MAX_SUFFIX 100
#define MAX_GIT_NESTING 16
#define SBX_STRINGIFY_(x) #x
#define SBX_STRINGIFY(x) SBX_STRINGIFY_(x)

static const char untrusted[] = ".sbx-untrusted";

struct walk {
	struct timespec since;
	const struct file_id *kept;
	size_t n_kept;
	dev_t dev;
	size_t looked, n, n_unlooked;
	bool capped, too_deep;
	char *shown[MAX_SHOWN];
};

/* since was read from the coarse clock before the command started.  A
 * file time is never below the coarse clock of its change, so every change
 * of the run counts (a time equal to since too).  A time can be above it
 * while the change came before the start (the kernel keeps fine-grained
 * times for files that were looked at), so a nested repository the caller
 * made in the last clock tick (a few ms) before sbx started can be taken
 * for the run's and moved aside, with a warning: erring on the safe side.
 * The work tree's own .git and its submodules', read-only all along, are
 * never judged by time. */
static bool after(const struct timespec *t, const struct timespec *since)
{
	return t->tv_sec > since->tv_sec || (t->tv_sec == since->tv_sec && t->tv_nsec >= since->tv_nsec);
}

/* name in dir (not followed) was changed (its inode: made, written,
 * renamed, chmod'ed) since the run began. */
static bool changed_at(int dir, const char *name, const struct timespec *since)
{
	struct stat st;
	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && after(&st.st_ctim, since);
}

/* name in dir was made since the run began: its birth time where the file
 * system keeps one; else any change counts, which errs on the safe side. */
static bool made_at(int dir, const char *name, const struct timespec *since)
{
	struct statx sx;
	if (statx(dir, name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_BTIME | STATX_CTIME, &sx) < 0)
		return false;
	struct statx_timestamp t = (sx.stx_mask & STATX_BTIME) ? sx.stx_btime : sx.stx_ctime;
	struct timespec ts = { t.tv_sec, t.tv_nsec };
	return after(&ts, since);
}

static bool config_changed(int gd, const struct timespec *since, int depth);

static DIR *open_dir_at(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	return d;
}

/* Whether a git directory below d (worktrees/NAME, modules/NAME, where a
 * submodule's NAME may hold slashes) had what git runs changed. */
static bool below_changed(DIR *d, const struct timespec *since, int depth)
{
	bool found = false;
	for (struct dirent *e; !found && depth < MAX_GIT_NESTING && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		DIR *sub = open_dir_at(dirfd(d), e->d_name);
		if (!sub)
			continue;
		struct stat st;
		if (fstatat(dirfd(sub), "HEAD", &st, AT_SYMLINK_NOFOLLOW) == 0)
			found = config_changed(dirfd(sub), since, depth + 1);
		else
			found = below_changed(sub, since, depth + 1);
		closedir(sub);
	}
	return found;
}

/* Whether what git would run in the git directory gd changed: its
 * configuration, a commondir that sends git elsewhere, its hooks, and
 * the same in each linked worktree's directory and each submodule's git
 * directory kept in it (modules/), at any depth. */
static bool config_changed(int gd, const struct timespec *since, int depth)
{
	static const char *const watched[] = { "config", "config.worktree", "commondir", "hooks", "gitdir" };
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++)
		if (changed_at(gd, watched[i], since))
			return true;
	static const char *const subs[] = { "hooks", "worktrees", "modules" };
	bool found = false;
	for (size_t s = 0; s < ARRAY_SIZE(subs) && !found; s++) {
		DIR *d = open_dir_at(gd, subs[s]);
		if (!d)
			continue;
		if (s == 0) {
			for (struct dirent *e; !found && (e = readdir(d));)
				found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && changed_at(dirfd(d), e->d_name, since);
		} else {
			found = below_changed(d, since, depth);
		}
		closedir(d);
	}
	return found;
}

/* The caller's own directory that the command made unreadable or
 * read-only (chmod 0111, 0555; its ctime says the run changed it): given
 * back its owner's rwx, so that nothing can be hidden from the look or
 * kept from being moved.  A directory read-only from before the run is
 * left so (the command could not write in it).  Through
 * an O_PATH descriptor, so a link is never followed; other owners' (under
 * --map-users) are left as they are. */
static void give_back(int dir, const char *name, const struct timespec *since)
{
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0700) != 0700 && after(&st.st_ctim, since)) {
		char self[64];
		snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
		if (chmod(self, (st.st_mode & 07777) | 0700) < 0) {
			/* as before: the look or the move says what failed */
		}
	}
	close(fd);
}

/* Renames dir/name to dir/name.sbx-untrusted[.N], never over anything
 * (then a random suffix, so a command that took every numbered name
 * first cannot keep it in place); returns the new name (to free) or NULL
 * with errno set. */
static char *move_aside(int dir, const char *name, const struct timespec *since)
{
	give_back(dir, ".", since);
	for (int i = 0; i < MAX_SUFFIX + 8; i++) {
		unsigned long long r = 0;
		if (i >= MAX_SUFFIX && getrandom(&r, sizeof r, 0) != sizeof r)
			r = (unsigned long long)i * 0x9e3779b97f4a7c15ULL ^ (unsigned long long)getpid();
		char *to = i == 0 ? xasprintf("%s%s", name, untrusted)
			   : i < MAX_SUFFIX ? xasprintf("%s%s.%d", name, untrusted, i)
					     : xasprintf("%s%s.%016llx", name, untrusted, r);
		if (renameat2(dir, name, dir, to, RENAME_NOREPLACE) == 0)
			return to;
		int e = errno;
		free(to);
		if (e != EEXIST) {
			errno = e;
			return NULL;
		}
	}
	errno = EEXIST;
	return NULL;
}

/* path/name as it may be shown: the command chose the names, so its
 * control characters are escaped. */
static void shown_as(char *out, size_t size, const char *path, const char *name)
{
	snprintf(out, size, "%s/%s", path, name);
	escape_controls(out, size);
}

static void tell(struct walk *w, const char *path, const char *name, const char *moved, int err)
{
	if (w->n++ >= MAX_SHOWN)
		return;
	char shown[4096], to[4096];
	shown_as(shown, sizeof shown, path, name);
	if (moved) {
		shown_as(to, sizeof to, path, moved);
		w->shown[w->n - 1] = xasprintf("sbx: warning: the command made or changed %s, which git would obey "
					       "outside the sandbox; moved it aside to %s\n", shown, to);
	} else {
		w->shown[w->n - 1] = xasprintf("sbx: warning: the command made or changed %s, which git would obey "
					       "outside the sandbox, and it could not be moved aside: %s\n",
					       shown, errno_message(err));
	}
}

/* A git directory made untrusted: HEAD renamed, so git no longer takes it
 * for a repository (it has no HEAD) even when run inside it. */
static void behead(int gd, const struct timespec *since)
{
	char *to = move_aside(gd, "HEAD", since);
	free(to);
}

/* A .git made, replaced or reconfigured: a directory made during the run
 * or whose configuration or hooks changed; a file or link changed at all
 * (the .git file of a worktree or submodule names the git directory).
 * Returns the directory, open, to be looked through (what the command
 * may have planted inside), or -1: a file, or read-only all along. */
static int quarantine_dotgit(int dir, const char *path, struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n_kept; i++)
		if (w->kept[i].dev == st->st_dev && w->kept[i].ino == st->st_ino)
			return -1; /* read-only all along: nothing in it is the command's */
	if (S_ISDIR(st->st_mode) && st->st_uid == geteuid() && (st->st_mode & 0700) != 0700)
		give_back(dir, ".git", &w->since);
	int gd = S_ISDIR(st->st_mode) ? openat(dir, ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
				       : -1;
	bool bad = gd >= 0 ? made_at(dir, ".git", &w->since) || config_changed(gd, &w->since, 0)
			   : changed_at(dir, ".git", &w->since);
	if (bad) {
		char *to = move_aside(dir, ".git", &w->since);
		int err = errno;
		if (to && gd >= 0)
			behead(gd, &w->since);
		tell(w, path, ".git", to, err);
		free(to);
	}
	return gd;
}

/* Whether git takes dir for a git directory (a bare repository), as git
 * itself checks: a HEAD (a file, or a link, which git follows into
 * refs/), and objects and refs (links too), or a commondir giving them;
 * and whether it was made or changed during the run.  Inside a .git only
 * what the run made counts: a linked worktree's HEAD changes with every
 * checkout. */
static void quarantine_bare(int dir, const char *path, struct walk *w, unsigned have, bool in_gitdir)
{
	enum { HEAD = 1, OBJECTS = 2, REFS = 4, COMMON = 8 };
	if (!(have & HEAD) || !((have & OBJECTS && have & REFS) || have & COMMON))
		return;
	bool made = made_at(dir, ".", &w->since);
	if (!made && (in_gitdir || (!changed_at(dir, "HEAD", &w->since) && !config_changed(dir, &w->since, 0))))
		return;
	char *to = move_aside(dir, "HEAD", &w->since);
	tell(w, path, "HEAD", to, errno);
	free(to);
}

/* The names in d, read before anything in it is renamed (a renamed entry
 * would otherwise be met again). */
static char **read_names(DIR *d, size_t *n)
{
	char **names = NULL;
	*n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = grow(names, n, sizeof *names);
		names[*n - 1] = xstrdup(e->d_name);
	}
	return names;
}

static void unlooked(struct walk *w, const char *path, const char *name, int err)
{
	if (w->n_unlooked++ < MAX_SHOWN) {
		char shown[4096];
		shown_as(shown, sizeof shown, path, name);
		fprintf(stderr, "sbx: warning: --protect-git: cannot look in %s (%s): git metadata the command left "
				"there was not checked\n", shown, errno_message(err));
	}
}

static void walk(int dir, const char *path, struct walk *w, int depth, bool in_gitdir);

static void descend(int dir, const char *path, const char *name, struct walk *w, int depth, bool in_gitdir, int fd)
{
	if (depth >= MAX_DEPTH || w->looked >= MAX_DIRS_LOOKED) {
		*(depth >= MAX_DEPTH ? &w->too_deep : &w->capped) = true;
		if (fd >= 0)
			close(fd);
		return;
	}
	w->looked++;
	if (fd < 0)
		fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		unlooked(w, path, name, errno);
		return;
	}
	char *sub = xasprintf("%s/%s", path, name);
	walk(fd, sub, w, depth + 1, in_gitdir);
	free(sub);
}

static void walk(int dir, const char *path, struct walk *w, int depth, bool in_gitdir)
{
	DIR *d = fdopendir(dir);
	if (!d) {
		close(dir);
		return;
	}
	size_t n;
	char **names = read_names(d, &n);
	unsigned have = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		static const char *const marks[] = { "HEAD", "objects", "refs", "commondir" };
		for (unsigned m = 0; m < 4; m++)
			if (strcmp(name, marks[m]) == 0 && (m != 0 || S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
				have |= 1u << m;
		if (strcmp(name, ".git") == 0) {
			int gd = quarantine_dotgit(dirfd(d), path, w, &st);
			if (gd >= 0)
				descend(dirfd(d), path, ".git", w, depth, true, gd);
			continue;
		}
		if (!S_ISDIR(st.st_mode) || st.st_dev != w->dev)
			continue;
		if (st.st_uid == geteuid() && (st.st_mode & 0700) != 0700)
			give_back(dirfd(d), name, &w->since);
		descend(dirfd(d), path, name, w, depth, in_gitdir, -1);
	}
	quarantine_bare(dirfd(d), path, w, have, in_gitdir);
	free_list(names, n);
	closedir(d);
}

/* A path under the work tree that git would read or run from
 * (core.hooksPath) and that was not there before the run (rel: its names
 * from the work tree down): when the run made it, or a link on the way
 * there that git would follow, its first name, which the run made, is
 * moved aside.  Nothing is followed. */
static void quarantine_absent(int tree, const char *path, const char *rel, struct walk *w)
{
	char *names = xstrdup(rel), *save = NULL, *top = NULL;
	int dir = tree;
	bool made = false;
	for (char *c = strtok_r(names, "/", &save), *next; c; c = next) {
		struct stat st;
		if (fstatat(dir, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		top = top ? top : c;
		next = strtok_r(NULL, "/", &save);
		if (!next || S_ISLNK(st.st_mode)) {
			made = true;
			break;
		}
		int fd = S_ISDIR(st.st_mode) ? openat(dir, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (dir != tree)
			close(dir);
		dir = fd;
		if (fd < 0)
			break;
	}
	if (dir != tree && dir >= 0)
		close(dir);
	if (made) {
		char *to = move_aside(tree, top, &w->since);
		tell(w, path, top, to, errno);
		free(to);
	}
	free(names);
}

void quarantine_git(const struct config *cfg, const struct timespec *since)
{
	if (!cfg->protect_git || !cfg->git_work_tree)
		return;
	struct walk w = { .since = *since, .kept = cfg->git_kept, .n_kept = cfg->n_git_kept };
	struct stat st;
	give_back(AT_FDCWD, cfg->git_work_tree, since);
	int fd = open(cfg->git_work_tree, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		unlooked(&w, cfg->git_work_tree, ".", errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	w.dev = st.st_dev;
	int again = cfg->n_git_absent ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	walk(fd, cfg->git_work_tree, &w, 0, false);
	for (size_t i = 0; i < cfg->n_git_absent && again >= 0; i++)
		quarantine_absent(again, cfg->git_work_tree, cfg->git_absent[i], &w);
	if (again >= 0)
		close(again);
	for (size_t i = 0; i < w.n && i < MAX_SHOWN; i++) {
		fputs(w.shown[i], stderr);
		free(w.shown[i]);
	}
	if (w.n > MAX_SHOWN)
		fprintf(stderr, "sbx: warning: and %zu more like it\n", w.n - MAX_SHOWN);
	if (w.n)
		fprintf(stderr, "hint: look at its config and hooks before you trust it; to keep it, rename it (and a "
				"HEAD%s in it) back; --writable-git lets a command you trust write git metadata\n",
			untrusted);
	if (w.capped || w.too_deep)
		fprintf(stderr, "sbx: warning: --protect-git: the work tree is %s; git metadata the command left "
				"beyond that was not looked for: check before you run git in %s\n",
			w.capped ? "too large (the look stops at " SBX_STRINGIFY(MAX_DIRS_LOOKED) " directories)"
				 : "too deep (the look stops " SBX_STRINGIFY(MAX_DEPTH) " levels down)",
			cfg->git_work_tree);
}
