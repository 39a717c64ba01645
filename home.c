/* home.c: --hide-home and --protect-git, turned into mount steps once the
 * options are read (plan_home), before any fork.
 *
 * --hide-home (in the build and bats policies): on the host's root, the
 * caller's home becomes an empty tmpfs of the command's own at the same
 * path (so HOME and paths written into scripts still work, and caches and
 * tool homes can be written, then are gone), /home and /root become empty,
 * and what the command needs of the old home comes back read-only:
 *
 *   - the toolchains on its PATH: for each PATH entry inside the home, the
 *     tool's own directory at the top of the home when there is one
 *     (~/.cargo for ~/.cargo/bin, ~/.nvm, ~/.pyenv, ~/.rbenv ...; and
 *     ~/.rustup with ~/.cargo); ~/.local/bin with ~/.local/lib (Python's
 *     --user packages); else the entry, or when it is named bin the
 *     install prefix above it (~/go for ~/go/bin), never the home itself;
 *   - what --home-ro names.
 *
 * Inside those, credentials stay hidden: each file or directory of
 * credential_paths (tokens and keys that build tools keep in a home) is
 * covered by an empty read-only one.  The steps go before the user's own
 * mounts, so a bind the user names (--ro-bind ~/.ssh) still shows it.
 *
 * --protect-git (in the build policy): the work tree's .git, bound
 * read-only over the writable work tree, so that the command cannot leave
 * hooks or configuration (core.fsmonitor, core.pager ...) that git would
 * run outside; likewise the .git of each submodule .gitmodules names,
 * and what each repository's configuration (read as git reads it,
 * gitconfig.c, with what it includes) has git run or read from the work
 * tree: the hooks directory of core.hooksPath (all of .husky for husky's
 * .husky/_, whose hooks run the scripts above them) and included files.
 * What the command makes of its own is moved aside after the run
 * (gitquarantine.c). */
#include "util.h"
#include "config.h"
#include "home.h"
#include "git.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Relative to the home: where tools keep secrets ('*' as in glob(7)). */
static const char *const credential_paths[] = {
	".ssh", ".gnupg", ".password-store", ".local/share/keyrings", ".pki",
	".netrc", ".git-credentials", ".config/git/credentials", ".config/gh", ".config/hub", ".config/glab-cli",
	".aws", ".azure", ".config/gcloud", ".oci", ".boto", ".s3cfg", ".config/doctl", ".config/hcloud",
	".config/rclone", ".kube", ".docker", ".config/containers/auth.json", ".terraform.d",
	".vault-token", ".pgpass", ".my.cnf", ".pulumi", ".fly", ".config/op", ".huggingface",
	".cache/huggingface/token", ".config/configstore",
	".npmrc", ".yarnrc", ".yarnrc.yml", ".bunfig.toml", ".pypirc", ".config/pip", ".gem/credentials",
	".local/share/gem/credentials", ".bundle/config", ".cargo/credentials", ".cargo/credentials.toml",
	".m2/settings.xml", ".m2/settings-security.xml", ".gradle/gradle.properties", ".ivy2/.credentials",
	".sbt/.credentials", ".composer/auth.json", ".config/composer/auth.json", ".nuget/NuGet/NuGet.Config",
	".config/NuGet/NuGet.Config", ".nvm/versions/node/*/etc/npmrc",
};

/* Relative to each directory shown: install prefixes carry their own
 * configuration (npm's global npmrc lives in PREFIX/etc). */
static const char *const credential_names[] = {
	"etc/npmrc", ".npmrc", ".netrc", ".pypirc", ".git-credentials", "credentials", "credentials.toml",
	"pip.conf", "etc/pip.conf", /* an index URL may carry a password */
	/* version managers keep one prefix per version: nvm, pyenv, asdf, volta */
	"versions/*/etc/npmrc", "versions/node/*/etc/npmrc", "versions/*/pip.conf", "installs/*/*/etc/npmrc",
	"installs/*/*/pip.conf", "tools/image/node/*/etc/npmrc",
};

/* Top-level directories of a home that are not one tool's own. */
static const char *const shared_tops[] = { ".local", ".config", ".cache", ".var" };

/* A tool at the top of the home that needs another there. */
static const struct { const char *tool, *needs; } companions[] = {
	{ ".cargo", ".rustup" }, /* cargo and rustc in ~/.cargo/bin are rustup's proxies */
};

struct plan {
	struct config *cfg;      /* git_work_tree is set here */
	char *homes[4];       /* hidden, each its real path too */
	size_t n_homes;
	char **trees;         /* shown read-only: real paths inside a hidden home */
	size_t n_trees;
	struct mount_op *ops; /* the steps, in order */
	size_t n_ops;
};

static bool is_credential(const struct plan *p, const char *path, const char **which);

static struct mount_op *push_op(struct plan *p, enum mount_kind kind, char *src, char *dst)
{
	return push_mount_op(&p->ops, &p->n_ops, kind, src, dst);
}

static const char *home_of(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_homes; i++)
		if (path_within(path, p->homes[i]))
			return p->homes[i];
	return NULL;
}

static bool is_dir(const char *path, bool follow)
{
	struct stat st;
	return (follow ? stat(path, &st) : lstat(path, &st)) == 0 && S_ISDIR(st.st_mode);
}

static void add_home(struct plan *p, const char *path)
{
	if (!path || path[0] != '/' || p->n_homes + 2 > ARRAY_SIZE(p->homes))
		return;
	char *real = realpath(path, NULL);
	/* A home of "/" (or a system directory by some accident) is not one
	 * to cover: only a directory of the caller's own is. */
	struct stat st;
	if (!real || strcmp(real, "/") == 0 || stat(real, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid()) {
		free(real);
		return;
	}
	const char *forms[2] = { path, real };
	for (size_t f = 0; f < 2; f++) {
		bool known = false;
		for (size_t i = 0; i < p->n_homes; i++)
			known |= strcmp(p->homes[i], forms[f]) == 0;
		/* the path as given too, when it is where HOME points; below
		 * /home it becomes a directory of the empty /home */
		if (!known && (f == 1 || is_dir(path, false) || path_within(path, "/home")))
			p->homes[p->n_homes++] = xstrdup(forms[f]);
	}
	free(real);
}

/* The directory of entry (a real path in home) to show for a PATH entry. */
static char *tree_for_entry(const char *home, const char *entry)
{
	const char *rel = entry + strlen(home) + 1;
	size_t top_len = strcspn(rel, "/");
	bool shared = rel[0] != '.';
	for (size_t i = 0; i < ARRAY_SIZE(shared_tops); i++)
		shared |= strlen(shared_tops[i]) == top_len && strncmp(rel, shared_tops[i], top_len) == 0;
	if (!shared)
		return xasprintf("%s/%.*s", home, (int)top_len, rel);
	const char *base = strrchr(entry, '/') + 1;
	if (strcmp(base, "bin") == 0 && base - 1 - entry > (ptrdiff_t)strlen(home) && strcmp(rel, ".local/bin") != 0)
		return xasprintf("%.*s", (int)(base - 1 - entry), entry);
	return xstrdup(entry);
}

static void add_tree(struct plan *p, char *tree)
{
	for (size_t i = 0; i < p->n_trees; i++)
		if (strcmp(p->trees[i], tree) == 0) {
			free(tree);
			return;
		}
	p->trees = grow(p->trees, &p->n_trees, sizeof *p->trees);
	p->trees[p->n_trees - 1] = tree;
}

/* The command's PATH: the caller's unless the options change it. */
static const char *command_path(const struct config *cfg)
{
	const char *path = getenv("PATH");
	for (size_t i = 0; i < cfg->n_env_ops; i++) {
		const struct env_op *op = &cfg->env_ops[i];
		if (op->kind == ENV_CLEAR)
			path = NULL;
		else if (op->name && strcmp(op->name, "PATH") == 0)
			path = op->kind == ENV_SET ? op->value : op->kind == ENV_KEEP ? getenv("PATH") : NULL;
	}
	return path;
}

/* A PATH entry that is a symlink in the home itself (~/bin -> dotfiles/bin)
 * is made again in the throwaway home, with the same text. */
static void keep_entry_link(struct plan *p, const char *entry)
{
	struct stat st;
	if (lstat(entry, &st) < 0 || !S_ISLNK(st.st_mode))
		return;
	char *parent = xasprintf("%.*s", (int)(strrchr(entry, '/') - entry), entry);
	char *real_parent = realpath(parent, NULL);
	char text[4096];
	ssize_t n = real_parent && strcmp(real_parent, parent) == 0 ? readlink(entry, text, sizeof text - 1) : -1;
	if (n > 0) {
		text[n] = '\0';
		push_op(p, MOUNT_SYMLINK, xstrdup(text), xstrdup(entry));
	}
	free(parent);
	free(real_parent);
}

/* path is in a writable bind (the work tree): the command can change
 * what it is, a link to anywhere, for the next run. */
static bool in_writable_bind(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->cfg->n_mounts; i++) {
		const struct mount_op *op = &p->cfg->mounts[i];
		if ((op->kind == MOUNT_BIND || op->kind == MOUNT_DEV_BIND) && op->src && path_within(path, op->src))
			return true;
	}
	return false;
}

static void find_toolchains(struct plan *p)
{
	const char *path = command_path(p->cfg);
	char *copy = xstrdup(path ? path : "");
	for (char *save, *e = strtok_r(copy, ":", &save); e; e = strtok_r(NULL, ":", &save)) {
		if (e[0] != '/' || !home_of(p, e) || in_writable_bind(p, e))
			continue;
		char *real = realpath(e, NULL);
		const char *home = real && !in_writable_bind(p, real) ? home_of(p, real) : NULL;
		if (home && strcmp(real, home) != 0 && is_dir(real, false)) {
			keep_entry_link(p, e);
			char *tree = tree_for_entry(home, real);
			const char *which;
			if (is_credential(p, tree, &which)) { /* not by this rule: --ro-bind it */
				free(tree);
				free(real);
				continue;
			}
			for (size_t i = 0; i < ARRAY_SIZE(companions); i++) {
				char *tool = xasprintf("%s/%s", home, companions[i].tool);
				if (strcmp(tool, tree) == 0) {
					char *needs = xasprintf("%s/%s", home, companions[i].needs);
					if (is_dir(needs, false))
						add_tree(p, needs);
					else
						free(needs);
				}
				free(tool);
			}
			add_tree(p, tree);
			if (strcmp(real + strlen(home), "/.local/bin") == 0) {
				char *lib = xasprintf("%s/.local/lib", home);
				if (is_dir(lib, false))
					add_tree(p, lib);
				else
					free(lib);
			}
		}
		free(real);
	}
	free(copy);
}

/* --home-ro PATH: relative to the home, or absolute inside it. */
static int add_named_tree(struct plan *p, const char *home, const char *name)
{
	char *given = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", home, name);
	char *real = realpath(given, NULL);
	int r = 0;
	if (!real)
		r = fail("--home-ro %s", given);
	else if (!home_of(p, real) || strcmp(real, home_of(p, real)) == 0)
		r = failx("--home-ro %s: not inside your home directory", given);
	else
		add_tree(p, real); /* it keeps real */
	free(given);
	if (r < 0)
		free(real);
	return r;
}

static bool is_credential(const struct plan *p, const char *path, const char **which)
{
	const char *home = home_of(p, path);
	for (size_t i = 0; home && i < ARRAY_SIZE(credential_paths); i++) {
		char *cred = xasprintf("%s/%s", home, credential_paths[i]);
		bool inside = !strchr(cred, '*') && path_within(path, cred);
		free(cred);
		if (inside) {
			*which = credential_paths[i];
			return true;
		}
	}
	return false;
}

static void mask_matches(struct plan *p, const char *tree, const char *pattern)
{
	glob_t g;
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		const char *m = g.gl_pathv[i];
		if (path_within(m, tree) && lstat(m, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			push_op(p, MOUNT_MASK, NULL, xstrdup(m));
	}
	globfree(&g);
}

/* Bind each tree read-only, then cover the credentials inside it. */
static int show_trees(struct plan *p)
{
	for (size_t t = 0; t < p->n_trees; t++) {
		const char *tree = p->trees[t], *which;
		if (is_credential(p, tree, &which)) {
			set_hint("to show it all the same, name it: --ro-bind %s", tree);
			return failx("--hide-home: %s holds credentials (~/%s)", tree, which);
		}
		push_op(p, MOUNT_RO_BIND, xstrdup(tree), xstrdup(tree));
		const char *home = home_of(p, tree);
		for (size_t i = 0; i < ARRAY_SIZE(credential_paths); i++) {
			char *cred = xasprintf("%s/%s", home, credential_paths[i]);
			if (path_within(cred, tree) && strcmp(cred, tree) != 0)
				mask_matches(p, tree, cred);
			free(cred);
		}
		for (size_t i = 0; i < ARRAY_SIZE(credential_names); i++) {
			char *cred = xasprintf("%s/%s", tree, credential_names[i]);
			mask_matches(p, tree, cred);
			free(cred);
		}
	}
	return 0;
}

static void hide_homes(struct plan *p)
{
	struct mount_op *op;
	/* Everyone's homes: /home and /root empty (not the caller's own
	 * cover, so 0755 and 0700 as they usually are). */
	char *homes = realpath("/home", NULL); /* /home may lead elsewhere: /usr/home */
	if (homes && strcmp(homes, "/") != 0 && is_dir(homes, false) && !home_of(p, homes))
		push_op(p, MOUNT_TMPFS, NULL, homes);
	else
		free(homes);
	if (is_dir("/root", false) && !home_of(p, "/root")) {
		op = push_op(p, MOUNT_TMPFS, NULL, xstrdup("/root"));
		op->mode = 0700;
	}
	for (size_t i = 0; i < p->n_homes; i++) {
		op = push_op(p, MOUNT_TMPFS, NULL, xstrdup(p->homes[i]));
		op->mode = 0700;
		op->owner = true;
	}
}

/* The steps go first, before every mount the options asked for. */
static void prepend_ops(struct config *cfg, struct mount_op *ops, size_t n)
{
	if (!n)
		return;
	struct mount_op *all = xcalloc(n + cfg->n_mounts, sizeof *all);
	memcpy(all, ops, n * sizeof *ops);
	if (cfg->n_mounts)
		memcpy(all + n, cfg->mounts, cfg->n_mounts * sizeof *all);
	free(cfg->mounts);
	cfg->mounts = all;
	cfg->n_mounts += n;
}

static void append_ops(struct config *cfg, struct mount_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cfg->mounts = grow(cfg->mounts, &cfg->n_mounts, sizeof *cfg->mounts);
		cfg->mounts[cfg->n_mounts - 1] = ops[i];
	}
}

/* The directory sbx was started in, when it is a project in the home
 * (not the home itself, nor in one of its hidden directories) and no mount
 * of the user's brings it: read-only, so that `sbx -- make check` in
 * ~/src/proj still sees the project (what bind-cwd does, without writing). */
static void show_work_dir(struct plan *p)
{
	const struct config *cfg = p->cfg;
	const char *home = home_of(p, cfg->cwd);
	if (cfg->chdir || !home || strcmp(cfg->cwd, home) == 0 || cfg->cwd[strlen(home) + 1] == '.' ||
	    !is_dir(cfg->cwd, false))
		return;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind == MOUNT_BIND || op->kind == MOUNT_RO_BIND || op->kind == MOUNT_DEV_BIND)
			if (op->dst && path_within(cfg->cwd, op->dst))
				return;
	}
	char *real = realpath(cfg->cwd, NULL);
	if (real && strcmp(real, cfg->cwd) == 0)
		add_tree(p, real);
	else
		free(real);
}

static int plan_hidden_home(struct plan *p)
{
	struct config *cfg = p->cfg;
	char *pw = passwd_home(cfg->outer_uid);
	add_home(p, getenv("HOME"));
	add_home(p, pw);
	free(pw);
	hide_homes(p);
	find_toolchains(p);
	show_work_dir(p);
	for (size_t i = 0; i < cfg->n_home_ro; i++) {
		if (!p->n_homes)
			return failx("--home-ro %s: no home directory of yours was found", cfg->home_ro[i]);
		if (add_named_tree(p, p->homes[0], cfg->home_ro[i]) < 0)
			return -1;
	}
	return show_trees(p);
}

/* A file of the work tree, which the command may have planted: not
 * followed if a symlink, not waited on if a FIFO, at most size - 1 bytes.
 * NULL when it is not a regular file. */
static char *read_tree_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	ssize_t n = -1;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read_all(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* The value of "key = value" on line, or NULL. */
static char *line_value(char *line, const char *key, char sep)
{
	char *s = line + strspn(line, " \t");
	size_t n = strlen(key);
	if (strncmp(s, key, n) != 0)
		return NULL;
	s += n + strspn(s + n, " \t");
	if (*s++ != sep)
		return NULL;
	s += strspn(s, " \t");
	s[strcspn(s, "\r")] = '\0';
	return *s ? s : NULL;
}

static void protect_path(struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (strcmp(p->ops[i].dst, path) == 0)
			return;
	push_op(p, MOUNT_RO_BIND, xstrdup(path), xstrdup(path));
}

/* A repository's .git or git directory, read-only during the run and so
 * left where it is after it (gitquarantine.c). */
static void protect_git_path(struct plan *p, const char *path, const struct stat *st)
{
	struct config *cfg = p->cfg;
	cfg->git_kept = grow(cfg->git_kept, &cfg->n_git_kept, sizeof *cfg->git_kept);
	cfg->git_kept[cfg->n_git_kept - 1] = (struct file_id){ st->st_dev, st->st_ino };
	protect_path(p, path);
}

static int protect_hooks(struct plan *p, const char *tree, const char *dir, const char *gitdir);

/* dir/.git read-only, and the git directory it leads to when that is in the
 * work tree too (a symlink, or a "gitdir:" file).  Only what a bind can
 * take: real paths, no symlink on the way (open_source). */
static int protect_repo(struct plan *p, const char *tree, const char *dir)
{
	char *git = xasprintf("%s/.git", dir), *real = NULL, buf[4096];
	struct stat st;
	int r = 0;
	if (lstat(git, &st) < 0)
		goto out;
	bool is_git_dir = S_ISDIR(st.st_mode);
	if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))
		protect_git_path(p, git, &st);
	if (S_ISLNK(st.st_mode)) {
		/* No mount holds a link in place: the command could point it
		 * at a repository of its own making. */
		set_hint("make %s the repository itself, or let the command write it: --writable-git", git);
		r = failx("--protect-git: %s is a symbolic link, which cannot be kept read-only", git);
	} else if (S_ISREG(st.st_mode) && read_tree_file(git, buf, sizeof buf)) {
		buf[strcspn(buf, "\n")] = '\0';
		const char *to = line_value(buf, "gitdir", ':');
		char *target = !to ? NULL : to[0] == '/' ? xstrdup(to) : xasprintf("%s/%s", dir, to);
		real = target ? realpath(target, NULL) : NULL;
		free(target);
	}
	if (real && path_within(real, tree) && strcmp(real, tree) != 0 && is_dir(real, false) && stat(real, &st) == 0)
		protect_git_path(p, real, &st);
	if (r == 0 && (is_git_dir || real))
		r = protect_hooks(p, tree, dir, is_git_dir ? git : real);
out:
	free(real);
	free(git);
	return r;
}

/* Is path on or below what the plan already makes read-only? */
static bool is_protected(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == MOUNT_RO_BIND && path_within(path, p->ops[i].dst))
			return true;
	return false;
}

#define MAX_INCLUDE_DEPTH 10  /* git's own */
#define MAX_CONFIG_SIZE (1 << 20)

/* What git will obey in one repository after the run, as its configuration
 * says: the hooks directory (core.hooksPath) and the files it includes. */
struct gitconf {
	struct plan *p;
	const char *tree; /* the work tree */
	const char *dir;  /* the repository's: where git runs hooks, so a relative core.hooksPath is from it */
	const char *file; /* the file being read: a relative include is from its directory */
	int depth;
	int r;
};

/* A path in git's configuration: "~/" is the caller's home; relative to
 * base.  NULL for what cannot name the work tree here (~user/, %(prefix)/). */
static char *git_config_path(const char *base, const char *path)
{
	const char *home = getenv("HOME");
	if (strcmp(path, "~") == 0 || strncmp(path, "~/", 2) == 0)
		return home && home[0] == '/' ? xasprintf("%s%s", home, path + 1) : NULL;
	if (path[0] == '~' || strncmp(path, "%(prefix)/", 10) == 0)
		return NULL;
	return path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", base, path);
}

/* What git will read or run from after the run (path, absolute), made
 * read-only during it when it is in the work tree.  A symbolic link on the
 * way there, in the work tree, the command could point elsewhere: refused,
 * as a .git that is a link is.  A path not there yet, the command could
 * make: then the nearest directory above that is there is made read-only;
 * when that is the work tree itself (core.hooksPath = .githooks in a
 * repository without one), the path is kept for after the run instead, and
 * whatever the run made there is moved aside (gitquarantine.c). */
static void add_git_absent(struct config *cfg, const char *rel)
{
	for (size_t i = 0; i < cfg->n_git_absent; i++)
		if (strcmp(cfg->git_absent[i], rel) == 0)
			return;
	cfg->git_absent = grow(cfg->git_absent, &cfg->n_git_absent, sizeof *cfg->git_absent);
	cfg->git_absent[cfg->n_git_absent - 1] = xstrdup(rel);
}

/* The directory below the work tree that a ".." in path steps up from (to
 * free), or NULL; one kept read-only (the .git) cannot change.  git hands the path to the kernel as it is, which goes
 * through that directory before the "..": the command could make it, or
 * turn it into a link, and so choose where the path leads, while the
 * lexical path (all that is checked here) stays where it was. */
static char *dotdot_in_tree(const struct plan *p, const char *path, const char *tree)
{
	const struct config *cfg = p->cfg;
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cfg->cwd, path);
	char *found = NULL;
	for (char *dd = joined; !found && (dd = strstr(dd, "..")) != NULL; dd += 2) {
		if ((dd != joined && dd[-1] != '/') || (dd[2] != '/' && dd[2] != '\0'))
			continue;
		char *before = xasprintf("%.*s", (int)(dd - joined), joined);
		char *lex = lexical_abspath(cfg, before);
		if (path_within(lex, tree) && strcmp(lex, tree) != 0 && !is_protected(p, lex))
			found = lex;
		else
			free(lex);
		free(before);
	}
	free(joined);
	return found;
}

static int refuse_dotdot(struct gitconf *g, const char *path, const char *what)
{
	char *up = dotdot_in_tree(g->p, path, g->tree);
	if (up) {
		set_hint("name it without '..', or let the command write it: --writable-git");
		g->r = failx("--protect-git: %s: '..' after %s, which the command could make or turn into a symbolic link",
			     what, up);
		free(up);
	}
	return g->r;
}

static int protect_git_target(struct gitconf *g, const char *path, const char *what)
{
	struct plan *p = g->p;
	const char *tree = g->tree;
	char *lex = lexical_abspath(p->cfg, path), *real = realpath(path, NULL);
	char *err = NULL, *hint = NULL;
	if (strcmp(lex, tree) == 0) {
		err = xasprintf("%s is the work tree itself", what);
		hint = xstrdup("name a directory in it, or let the command write it: --writable-git");
	} else if (path_within(lex, tree)) {
		/* Down from the work tree, one name at a time. */
		size_t len = strlen(lex);
		for (size_t i = strlen(tree) + 1; i <= len && !err; i++) {
			if (lex[i] != '/' && lex[i] != '\0')
				continue;
			char *prefix = xasprintf("%.*s", (int)i, lex);
			char *above = xasprintf("%.*s", (int)(strrchr(prefix, '/') - prefix), prefix);
			struct stat st;
			bool there = lstat(prefix, &st) == 0, done = true;
			if (is_protected(p, prefix))
				;
			else if (there && S_ISLNK(st.st_mode)) {
				err = xasprintf("%s: %s is a symbolic link, which cannot be kept read-only", what, prefix);
				hint = xasprintf("make %s what it leads to, or let the command write it: --writable-git", prefix);
			} else if (!there && strcmp(above, tree) == 0) {
				add_git_absent(p->cfg, lex + strlen(tree) + 1);
			} else if (!there)
				protect_path(p, above);
			else if (i == len)
				protect_path(p, lex);
			else
				done = false;
			free(prefix);
			free(above);
			if (done)
				break;
		}
	}
	if (!err && real && path_within(real, tree) && !is_protected(p, real)) {
		if (strcmp(real, tree) == 0) {
			err = xasprintf("%s leads to the work tree itself", what);
			hint = xstrdup("name a directory in it, or let the command write it: --writable-git");
		} else
			protect_path(p, real);
	}
	if (err) {
		set_hint("%s", hint);
		g->r = failx("--protect-git: %s", err);
	}
	free(err);
	free(hint);
	free(lex);
	free(real);
	return g->r;
}

static void read_git_config(struct gitconf *g, const char *path);

static void git_config_var(void *data, const char *section, const char *sub, const char *name, const char *value)
{
	struct gitconf *g = data;
	bool hooks = strcmp(section, "core") == 0 && !sub && strcmp(name, "hookspath") == 0;
	bool include = strcmp(name, "path") == 0 &&
		       ((strcmp(section, "include") == 0 && !sub) || (strcmp(section, "includeif") == 0 && sub));
	if (!value || !value[0] || (!hooks && !include) || g->r < 0)
		return;
	const char *slash = strrchr(g->file, '/'); /* there is one: every file read is absolute */
	char *base = xasprintf("%.*s", slash ? (int)(slash - g->file) : 0, g->file);
	char *path = git_config_path(hooks ? g->dir : base, value);
	char *key = hooks ? xstrdup("core.hooksPath") : sub ? xasprintf("includeIf.%s.path", sub) : xstrdup("include.path");
	char *what = xasprintf("%s %s (%s in %s)", hooks ? "the hooks directory" : "the included file", value, key,
			       g->file);
	if (path && refuse_dotdot(g, path, what) < 0)
		;
	else if (path && hooks) {
		/* husky 9's hooks (.husky/_/pre-commit) run the scripts
		 * one level up (.husky/pre-commit), which git itself does
		 * not know of: all of .husky. */
		char *lex = lexical_abspath(g->p->cfg, path), *up = xasprintf("%.*s", (int)(strrchr(lex, '/') - lex), lex);
		if (strcmp(strrchr(lex, '/'), "/_") == 0 && path_within(up, g->tree) && strcmp(up, g->tree) != 0)
			protect_git_target(g, up, what);
		else
			protect_git_target(g, lex, what);
		free(lex);
		free(up);
	} else if (path) {
		/* Conditions or not: one that does not hold now may later. */
		protect_git_target(g, path, what);
		if (g->depth < MAX_INCLUDE_DEPTH) {
			const char *file = g->file;
			g->depth++;
			read_git_config(g, path);
			g->depth--;
			g->file = file;
		}
	}
	free(what);
	free(key);
	free(path);
	free(base);
}

/* One configuration file and what it includes, following links as git
 * does: before the run what they lead to is still the caller's own. */
static void read_git_config(struct gitconf *g, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		size_t size = st.st_size < MAX_CONFIG_SIZE ? (size_t)st.st_size + 1 : MAX_CONFIG_SIZE;
		text = xcalloc(1, size);
		ssize_t n = read_all(fd, text, size - 1);
		text[n < 0 ? 0 : n] = '\0';
	}
	if (fd >= 0)
		close(fd);
	if (text) {
		g->file = path;
		parse_gitconfig(text, git_config_var, g);
	}
	free(text);
}

/* core.hooksPath for the repository at dir, whose git directory is gitdir,
 * in every file git reads for it: the system's, the caller's, the
 * repository's (a linked worktree's common one too) and what they
 * include.  Every value, not only the one git takes now: an includeIf that
 * does not hold today may tomorrow (onbranch: after a checkout), and an
 * unread one costs nothing.  Not `git config --get`, though before the
 * run the repository is still the caller's own: it answers with the one
 * value of today, through the caller's GIT_DIR and GIT_CONFIG_* and
 * safe.directory, and not at all where git is not installed. */
static int protect_hooks(struct plan *p, const char *tree, const char *dir, const char *gitdir)
{
	struct gitconf g = { .p = p, .tree = tree, .dir = dir };
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *files[12], common[4096];
	size_t n = 0;
	const char *system = getenv("GIT_CONFIG_SYSTEM"), *global = getenv("GIT_CONFIG_GLOBAL");
	files[n++] = xstrdup("/etc/gitconfig");
	if (system && system[0] == '/')
		files[n++] = xstrdup(system);
	if (global && global[0] == '/')
		files[n++] = xstrdup(global);
	if (xdg && xdg[0] == '/')
		files[n++] = xasprintf("%s/git/config", xdg);
	if (home && home[0] == '/') {
		files[n++] = xasprintf("%s/.config/git/config", home);
		files[n++] = xasprintf("%s/.gitconfig", home);
	}
	char *path = xasprintf("%s/commondir", gitdir); /* a linked worktree's */
	if (read_tree_file(path, common, sizeof common) && common[0] && common[0] != '\n') {
		common[strcspn(common, "\n")] = '\0';
		files[n++] = common[0] == '/' ? xasprintf("%s/config", common) : xasprintf("%s/%s/config", gitdir, common);
	}
	free(path);
	files[n++] = xasprintf("%s/config", gitdir);
	files[n++] = xasprintf("%s/config.worktree", gitdir);
	for (size_t i = 0; i < n; i++) {
		if (g.r == 0)
			read_git_config(&g, files[i]);
		free(files[i]);
	}
	return g.r;
}

#define MAX_SUBMODULES 256

/* The work tree's .git and those of the submodules its .gitmodules lists
 * (git status goes into each, with the configuration found there). */
static int plan_git(struct plan *p)
{
	const struct config *cfg = p->cfg;
	const char *tree = NULL; /* --bind-cwd's bind, or the same by hand */
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		if (op->kind == MOUNT_BIND && op->src && strcmp(op->src, cfg->cwd) == 0 && strcmp(op->dst, cfg->cwd) == 0)
			tree = op->src;
	}
	if (!tree)
		return 0;
	free(p->cfg->git_work_tree);
	p->cfg->git_work_tree = xstrdup(tree);
	if (protect_repo(p, tree, tree) < 0)
		return -1;
	enum { TEXT_SIZE = 1 << 16 };
	char *text = xrealloc(NULL, TEXT_SIZE);
	char *modules = xasprintf("%s/.gitmodules", tree);
	bool found = read_tree_file(modules, text, TEXT_SIZE);
	free(modules);
	size_t n = 0;
	int r = 0;
	for (char *save, *line = found ? strtok_r(text, "\n", &save) : NULL; line && n < MAX_SUBMODULES;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *sub = line_value(line, "path", '=');
		if (!sub || sub[0] == '/' || strstr(sub, ".."))
			continue;
		char *dir = xasprintf("%s/%s", tree, sub), *real = realpath(dir, NULL);
		if (real && strcmp(real, dir) == 0) {
			r = protect_repo(p, tree, dir);
			n++;
		}
		free(dir);
		free(real);
		if (r < 0)
			break;
	}
	free(text);
	return r < 0 ? -1 : 0;
}

int plan_home(struct config *cfg)
{
	struct plan p = { .cfg = cfg };
	int r = 0;
	/* Over a rootfs of its own the caller's home is not there to hide. */
	bool host_root = strcmp(cfg->rootfs, "/") == 0 && !cfg->empty_root;
	if (!cfg->hide_home && cfg->n_home_ro)
		r = failx("--home-ro: only with --hide-home (without it, all of your home is visible)");
	else if (cfg->hide_home && host_root)
		r = plan_hidden_home(&p);
	if (r == 0) {
		prepend_ops(cfg, p.ops, p.n_ops);
		p.n_ops = 0;
		if (cfg->protect_git)
			r = plan_git(&p);
		append_ops(cfg, p.ops, p.n_ops);
	} else {
		for (size_t i = 0; i < p.n_ops; i++) {
			free(p.ops[i].src);
			free(p.ops[i].dst);
		}
	}
	free(p.ops);
	free_list(p.trees, p.n_trees);
	for (size_t i = 0; i < p.n_homes; i++)
		free(p.homes[i]);
	return r;
}
