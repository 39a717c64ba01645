/* policy.c: where policies come from and how their lines split into words.
 * A name is looked up in $XDG_CONFIG_HOME/sbx/policy (or ~/.config),
 * /etc/sbx/policy, the data directory, policy/ beside the binary, and last
 * among the policies built into sbx; a name with a '/' is a path.
 *
 * Where a policy comes from decides what it may do.  The names sbx ships
 * (default, build, default.seccomp...) and the names a system policy uses
 * are taken only from system files, which root alone can write (the file
 * and every directory above it, reached without following a symlink), or
 * from the built-in copy: a user file of such a name could otherwise turn
 * off the seccomp filter of every later sandbox.  Anything else read from a
 * place a user can write is named on stderr, once.  The options the words
 * stand for are applied by optparse.c (policies) and seccomp_list.c
 * (seccomp lists). */
#include "util.h"
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_POLICY_SIZE (1 << 20)

/* A policy is a regular file: a FIFO or a device could block or never end. */
static int check_regular(int fd, const char *path, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return fail("%s", path);
	if (!S_ISREG(st->st_mode))
		return failx("%s: not a regular file", path);
	return 0;
}

/* The whole file, in a buffer of its size (one that grew since fstat is
 * read on, up to the limit), checked for size and NUL bytes. */
static char *read_text_fd(int fd, const char *path)
{
	struct stat st;
	if (check_regular(fd, path, &st) < 0) {
		close(fd);
		errno = EINVAL; /* there but unusable: an error, not a name to look up further */
		return NULL;
	}
	size_t cap = st.st_size < MAX_POLICY_SIZE ? (size_t)st.st_size + 1 : MAX_POLICY_SIZE + 1;
	char *text = xrealloc(NULL, cap + 1);
	ssize_t n = read_all(fd, text, cap);
	if (n == (ssize_t)cap && cap < MAX_POLICY_SIZE + 1) { /* grown meanwhile */
		text = xrealloc(text, MAX_POLICY_SIZE + 2);
		ssize_t more = read_all(fd, text + n, MAX_POLICY_SIZE + 1 - (size_t)n);
		n = more < 0 ? more : n + more;
	}
	close(fd);
	if (n < 0) {
		fail("read %s", path);
		free(text);
		return NULL;
	}
	if (n > MAX_POLICY_SIZE) {
		failx("%s: larger than %d bytes", path, MAX_POLICY_SIZE);
		free(text);
		return NULL;
	}
	if (memchr(text, '\0', (size_t)n)) {
		failx("%s: contains a NUL byte (not a text file)", path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	errno = 0;
	return text;
}

/* Only root can have put it there, or changed it since: owned by root and
 * writable by no one else.  Else NULL, or why not. */
static const char *root_only(int fd, bool dir)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return "cannot stat it";
	if (st.st_uid != 0)
		return dir ? "a directory above it is not owned by root" : "not owned by root";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return dir ? "a directory above it is writable by group or others" : "writable by group or others";
	return NULL;
}

/* Open the absolute PATH one component at a time, never following a
 * symlink, checking that root alone can write each directory on the way
 * and the file itself: then nobody but root chose what it says.  Returns
 * the open file (with dir_only an O_PATH fd of the directory PATH names),
 * or -1 with *why saying what failed the check (errno ENOENT and friends
 * when something is missing; *missing true when a component was simply not
 * there, in a directory reached without a symlink). */
static int walk_system_path(const char *path, bool dir_only, const char **why, bool *missing)
{
	*why = "not an absolute path";
	*missing = false;
	if (path[0] != '/')
		return -1;
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return *why = "cannot open /", -1;
	char *copy = xstrdup(path);
	int fd = -1;
	*why = root_only(dir, true);
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c && !*why;) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
			*why = "'.' or '..' in its path";
			break;
		}
		bool last_dir = !next && dir_only;
		int flags = next || last_dir ? O_PATH | O_DIRECTORY : O_RDONLY | O_NOCTTY | O_NONBLOCK;
		int sub = openat(dir, c, flags | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			*missing = errno == ENOENT;
			*why = errno == ELOOP || (errno == ENOTDIR && (next || last_dir)) ? "a symlink on its path"
											   : errno_message(errno);
			break;
		}
		*why = root_only(sub, next || last_dir);
		if (next) {
			close(dir);
			dir = sub;
		} else if (*why)
			close(sub);
		else
			fd = sub;
		c = next;
	}
	int saved = errno;
	close(dir);
	free(copy);
	errno = saved;
	if (fd < 0 && !*why)
		*why = "no file named"; /* PATH was "/" */
	return fd;
}

static int open_system_file(const char *path, const char **why)
{
	bool missing;
	return walk_system_path(path, false, why, &missing);
}

/* PATH made absolute against the working directory, for the check and for
 * saying where a policy came from. */
static char *absolute(const char *path)
{
	char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
	if (cwd)
		while (strncmp(path, "./", 2) == 0)
			path += 2;
	char *abs = cwd ? xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path) : xstrdup(path);
	free(cwd);
	return abs;
}

/* The file at PATH, and whether it is a system file (open_system_file).
 * NULL with errno ENOENT, ENOTDIR or EACCES when it is not there to read
 * (the error recorded too), or another errno when it is there but unusable. */
static char *read_policy_file(const char *path, bool *system, const char **why)
{
	char *abs = absolute(path);
	int fd = open_system_file(abs, why);
	free(abs);
	*system = fd >= 0;
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail("%s", path), NULL;
	return read_text_fd(fd, path);
}

/* The directory sbx runs from, so policy/ beside a freshly built binary is
 * found without installing it. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf[0] ? buf : "/");
}

/* The policy search path, worked out once per run: every run looks up at
 * least "default" and "default.seccomp", and each lookup would otherwise
 * readlink /proc/self/exe again.  dirs[0] is the user's own directory; the
 * others are system directories, whose files count only when root alone
 * can write them. */
#define N_DIRS 4
static char *const *policy_dirs(void)
{
	static char *dirs[N_DIRS];
	static bool known;
	if (known)
		return dirs;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		dirs[0] = xasprintf("%s/sbx/policy", xdg);
	else if (home && home[0] == '/')
		dirs[0] = xasprintf("%s/.config/sbx/policy", home);
	dirs[1] = xstrdup("/etc/sbx/policy");
	dirs[2] = absolute(SBX_DATADIR "/policy");
	char *exe = exe_dir();
	if (exe)
		dirs[3] = xasprintf("%s/policy", exe);
	free(exe);
	known = true;
	return dirs;
}

/* Each directory of the search path is opened once per run, not once per
 * name looked up in it (from / down, a component at a time, for a system
 * directory): a run looks up two names at least, in directories that are
 * mostly not there at all.  A system directory is walked as open_system_file
 * walks, and its files are then opened beside that walk's end, never
 * following a symlink; where the walk fails a check, its files are opened
 * as any file, and count as the user's.  The fds close before the sandbox
 * starts (policy_search_done). */
struct search_dir {
	bool opened;      /* looked at this run */
	int fd;           /* O_PATH, or -1 with err */
	int err;
	bool checked;     /* reached the system way: the files in it may be system files */
	const char *why;  /* why not (a system directory that failed the check) */
};
static struct search_dir search[N_DIRS];

static void open_search_dir(struct search_dir *d, const char *path, bool system)
{
	d->opened = true;
	d->checked = false;
	d->why = NULL;
	d->fd = -1;
	if (system) {
		/* Most are not there at all, which one openat2 that follows no
		 * symlink can say: its ENOENT is the walk's and the plain
		 * open's alike.  (Without openat2, or where it is there, the
		 * walk.) */
		struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
		int probe = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
		if (probe < 0 && errno == ENOENT) {
			d->err = ENOENT;
			return;
		}
		if (probe >= 0)
			close(probe);
		bool missing;
		d->fd = walk_system_path(path, true, &d->why, &missing);
		d->err = errno;
		d->checked = d->fd >= 0;
		/* Missing in a directory reached without a symlink: as missing
		 * to an open that follows them. */
		if (d->fd >= 0 || missing)
			return;
	}
	d->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	d->err = errno;
}

void policy_search_done(void)
{
	for (size_t i = 0; i < N_DIRS; i++) {
		if (search[i].opened && search[i].fd >= 0)
			close(search[i].fd);
		search[i] = (struct search_dir){ .fd = -1 };
	}
}

/* An error that means "no such policy here": the search goes on. */
static bool absent(int err)
{
	return err == ENOENT || err == ENOTDIR || err == EACCES;
}

/* Most lookups find nothing, which is no error to record or name: the
 * path is written out (*path) only for a file that is there or a failure
 * that stops the search.  NULL, errno kept. */
static char *not_read(const char *dir, const char *file, char **path)
{
	int err = errno;
	if (!absent(err)) {
		*path = xasprintf("%s/%s", dir, file);
		errno = err;
		fail("%s", *path);
	}
	errno = err;
	return NULL;
}

/* FILE in search directory i; its full name, for messages, in *path (to
 * free) when it is there; as read_policy_file. */
static char *read_search_file(size_t i, const char *file, char **path, bool *system, const char **why)
{
	struct search_dir *d = &search[i];
	const char *dir = policy_dirs()[i];
	if (!d->opened)
		open_search_dir(d, dir, i > 0);
	*path = NULL;
	*system = false;
	*why = d->why;
	if (d->fd < 0) {
		errno = d->err;
		return not_read(dir, file, path);
	}
	int fd = -1;
	if (d->checked) {
		fd = openat(d->fd, file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			*why = root_only(fd, false);
			*system = !*why;
		} else if (errno != ENOENT) {
			*why = errno == ELOOP ? "a symlink on its path" : errno_message(errno);
			fd = -1;
		} else
			return not_read(dir, file, path);
	}
	if (fd < 0)
		fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return not_read(dir, file, path);
	*path = xasprintf("%s/%s", dir, file);
	return read_text_fd(fd, *path);
}

/* Notes on where policies came from, each once per run (the same file is
 * often read twice: the default seccomp list, for one), said on stderr when
 * the run is sure to go on (say_policy_notes), so that a failing run still
 * prints one error line. */
static struct {
	char **text;
	size_t n, said;
} notes;

static void note_once(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note_once(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	for (size_t i = 0; i < notes.n; i++)
		if (strcmp(notes.text[i], msg) == 0) {
			free(msg);
			return;
		}
	notes.text = grow(notes.text, &notes.n, sizeof *notes.text);
	notes.text[notes.n - 1] = msg;
}

void say_policy_notes(void)
{
	for (; notes.said < notes.n; notes.said++)
		fprintf(stderr, "sbx: %s\n", notes.text[notes.said]);
}

static const char *kind_word(enum policy_kind kind)
{
	return kind == POLICY_SECCOMP ? "seccomp list" : "policy";
}

static const char *builtin_text(const char *file)
{
	for (const struct embedded_file *e = embedded_files; e->name; e++)
		if (strcmp(e->name, file) == 0)
			return e->text;
	return NULL;
}

/* A file given by its path: the caller's explicit choice, announced unless
 * only root could have written it.  A system policy may name only system
 * files, or a user could change what it says. */
static char *load_path(enum policy_kind kind, const char *path, bool system_only, struct policy_origin *origin)
{
	const char *why = NULL;
	char *text = read_policy_file(path, &origin->system, &why);
	origin->path = xstrdup(path);
	if (!text)
		return NULL;
	if (!origin->system && system_only) {
		free(text);
		set_hint("a system policy or seccomp list may only name files that root alone can write");
		return failx("%s: not a system file: %s", path, why), NULL;
	}
	if (!origin->system) {
		char *abs = absolute(path);
		note_once("%s '%s' from %s", kind_word(kind), path, abs);
		free(abs);
	}
	return text;
}

/* Add the name of file to names, for the kind of file wanted (NAME, or
 * NAME.seccomp), unless it is there already. */
static void add_kind_name(char ***names, size_t *n, enum policy_kind kind, const char *file)
{
	size_t len = strlen(file), suffix = strlen(".seccomp");
	bool seccomp = len > suffix && strcmp(file + len - suffix, ".seccomp") == 0;
	if (file[0] == '.' || seccomp != (kind == POLICY_SECCOMP))
		return;
	char *name = xasprintf("%.*s", (int)(seccomp ? len - suffix : len), file);
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0) {
			free(name);
			return;
		}
	*names = grow(*names, n, sizeof **names);
	(*names)[*n - 1] = name;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hint for a name not found: the one it looks like, and those there
 * are (built in, or a file on the search path), so a slip of the finger
 * needs no trip to the manual. */
static void hint_names(enum policy_kind kind, const char *name, const char *where)
{
	char **names = NULL;
	size_t n = 0;
	for (const struct embedded_file *e = embedded_files; e->name; e++)
		add_kind_name(&names, &n, kind, e->name);
	char *const *dirs = policy_dirs();
	for (size_t i = 0; i < N_DIRS; i++) {
		DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;
		for (struct dirent *e; d && (e = readdir(d));)
			if (e->d_type == DT_REG || e->d_type == DT_LNK || e->d_type == DT_UNKNOWN)
				add_kind_name(&names, &n, kind, e->d_name);
		if (d)
			closedir(d);
	}
	qsort(names, n, sizeof *names, compare_names);
	char list[320] = "";
	for (size_t i = 0, used = 0; i < n && used < sizeof list - 8; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
		used = w > 0 && used + (size_t)w < sizeof list ? used + (size_t)w : sizeof list;
	}
	const char *near = closest_name(name, (const char *const *)names, n);
	const char *plural = kind == POLICY_SECCOMP ? "seccomp lists" : "policies";
	if (near)
		set_hint("did you mean '%s'? %s: %s (%s)", near, plural, list, where);
	else
		set_hint("%s: %s (%s)", plural, list, where);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A name on the search path.  The names sbx ships, and the names a system
 * policy uses, come only from system files or the copy built into sbx: one
 * write to ~/.config/sbx/policy/default must not turn off every later
 * sandbox's seccomp filter.  A user file that loses to them is named once,
 * when it says something else. */
static char *load_name(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin,
		       bool lend_builtin)
{
	char *file = kind == POLICY_SECCOMP ? xasprintf("%s.seccomp", name) : xstrdup(name);
	const char *builtin = builtin_text(file);
	system_only = system_only || builtin;
	char *const *dirs = policy_dirs();

	/* A directory we may not enter (HOME of another user under setpriv or
	 * sudo) counts as holding no policy; a file that is there but cannot be
	 * read is an error, not something to skip silently. */
	char *text = NULL, *path = NULL;
	char *skipped[N_DIRS] = { NULL };
	char *skipped_text[N_DIRS] = { NULL };
	const char *skipped_why[N_DIRS] = { NULL };
	bool broken = false;
	for (size_t i = 0; i < N_DIRS && !text && !broken; i++) {
		if (!dirs[i])
			continue;
		bool system = false;
		const char *why = NULL;
		text = read_search_file(i, file, &path, &system, &why);
		if (i == 0) {
			why = "the user's own directory";
			system = false;
		}
		if (text && system_only && !system) {
			skipped[i] = path;
			skipped_text[i] = text;
			skipped_why[i] = why;
			text = path = NULL;
			continue;
		}
		if (text) {
			origin->path = path;
			origin->system = system;
			break;
		}
		if (!absent(errno))
			broken = true;
		free(path);
		path = NULL;
	}
	if (!text && !broken && builtin) {
		text = lend_builtin ? (char *)builtin : xstrdup(builtin);
		origin->path = xasprintf("(built-in)/%s", file);
		origin->system = origin->builtin = true;
	}
	for (size_t i = 0; i < N_DIRS; i++) {
		if (skipped[i] && text && strcmp(text, skipped_text[i]) != 0) {
			if (i == 0 && builtin)
				note_once("ignoring %s: %s '%s' is sbx's own (to use this file, give its path)", skipped[i],
					 kind_word(kind), name);
			else if (i == 0)
				note_once("ignoring %s: a system policy names %s '%s', and takes it from system files only",
					 skipped[i], kind_word(kind), name);
			else
				note_once("ignoring %s: %s", skipped[i], skipped_why[i]);
		}
		free(skipped[i]);
		free(skipped_text[i]);
	}
	if (text && !origin->system)
		note_once("%s '%s' from %s", kind_word(kind), name, origin->path);
	if (text || broken) {
		free(file);
		return text;
	}
	if (system_only)
		set_hint("a system policy takes the names it uses from /etc/sbx/policy, " SBX_DATADIR
			 "/policy and policy/ beside sbx, in files that root alone can write");
	else
		hint_names(kind, name, "searched in $XDG_CONFIG_HOME/sbx/policy, /etc/sbx/policy, " SBX_DATADIR
			   "/policy and policy/ beside sbx");
	failx("no %s%s named '%s'", system_only ? "system " : "", kind_word(kind), name);
	free(file);
	return NULL;
}

static char *find_policy(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin,
			 bool lend_builtin)
{
	*origin = (struct policy_origin){ 0 };
	if (strchr(name, '/'))
		return load_path(kind, name, system_only, origin);
	if (!name[0] || name[0] == '.')
		return failx("'%s' is not a %s name", name, kind_word(kind)), NULL;
	return load_name(kind, name, system_only, origin, lend_builtin);
}

char *load_policy(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin)
{
	return find_policy(kind, name, system_only, origin, false);
}

/* The same, but the compiled-in text, when that is what the search finds,
 * is not copied (10 KiB for the default list, three pages to fault in on
 * every start, only to be compared): origin->builtin says so, and then the
 * text is sbx's own and must not be freed. */
char *peek_policy(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin)
{
	return find_policy(kind, name, system_only, origin, true);
}

/* Split one line into words: blanks separate, "double quotes" (with \\ \"
 * escapes) and 'single quotes' group, # starts a comment between words. */
int split_policy_words(char *line, char **words, int max, int *count)
{
	int n = 0;
	char *in = line, *out = line;
	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\r')
			in++;
		if (!*in || *in == '#')
			break;
		if (n == max)
			return failx("too many words");
		words[n++] = out;
		while (*in && *in != ' ' && *in != '\t' && *in != '\r') {
			if (*in == '"' || *in == '\'') {
				char q = *in++;
				while (*in && *in != q) {
					if (q == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
						in++;
					*out++ = *in++;
				}
				if (*in != q)
					return failx("unterminated %c quote", q);
				in++;
			} else
				*out++ = *in++;
		}
		char *next = *in ? in + 1 : in;
		*out++ = '\0';
		in = next;
	}
	*count = n;
	return 0;
}
