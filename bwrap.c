/* bwrap.c: bubblewrap compatibility.  When sbx is run as "bwrap" (a
 * symlink) or as "sbx --bwrap ARGS...", it reads bubblewrap's command line
 * and fills the same struct config its own options fill: the mount
 * operations become the same ordered mount plan (config.h, struct mount_op),
 * executed in argument order inside the new root.  This file only
 * translates; it builds no sandbox of its own.
 *
 * What the caller gets is what bubblewrap would give (see "bubblewrap
 * compatibility mode" in sbx(1) for the list of differences):
 *   - the root is an empty tmpfs and only what the options put there
 *     appears: no built-in /proc, /dev, /tmp or /run;
 *   - only the namespaces asked for are new, except the user and mount
 *     namespaces, which are always new (as with an unprivileged bwrap);
 *   - the caller's whole environment and every open fd pass on, and the
 *     command shares the caller's terminal (no pty) and session unless
 *     --new-session;
 *   - no seccomp filter unless the caller gives one, except that without
 *     --new-session TIOCSTI and TIOCLINUX are still refused: with the
 *     terminal shared, they would let the command type into the caller's
 *     shell (bubblewrap's own advice is --new-session; this costs callers
 *     nothing);
 *   - failures exit with status 1, like bubblewrap's.
 * What sbx keeps, because it costs the caller nothing: every capability is
 * dropped unless --cap-add, no_new_privs is set, init is not dumpable, and
 * the sandbox always dies with sbx (and each process with its parent, as
 * --die-with-parent asks).
 *
 * Not supported: --exec-label and --file-label (SELinux); on a system
 * without SELinux sbx fails as bubblewrap does there, elsewhere it says that
 * sbx does not do labels. */
#include "util.h"
#include "config.h"
#include "bwrap.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The version of bubblewrap whose command line this follows. */
#define BWRAP_VERSION "0.8.0"

/* A command run as /proc/self/exe in bubblewrap mode is sbx itself, run
 * again by a caller that nests bubblewrap in bubblewrap (bubblewrap's own
 * tests do): the name it was invoked by is lost, so the outer sbx says it
 * in the environment, and the inner one takes the word out. */
#define SELF_MARK "SBX_BWRAP_SELF"
#define SELF_EXE "/proc/self/exe"

bool bwrap_invoked(int argc, char **argv)
{
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
	const char *base = slash ? slash + 1 : argv[0];
	const char *mark = getenv(SELF_MARK);
	bool self = mark && argv[0] && strcmp(argv[0], SELF_EXE) == 0 && strcmp(mark, "1") == 0;
	if (mark)
		unsetenv(SELF_MARK);
	return self || (base && strcmp(base, "bwrap") == 0) || (argc > 1 && strcmp(argv[1], "--bwrap") == 0);
}

/* As bubblewrap: the first line names the program as it was invoked
 * (callers and bubblewrap's own tests match it). */
static void print_bwrap_usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n"
		"(sbx %s in bubblewrap compatibility mode; see \"bubblewrap compatibility mode\" in sbx(1))\n\n"
		"    --help --version --args FD --argv0 VALUE --level-prefix\n"
		"    --unshare-all --share-net --unshare-user[-try] --unshare-ipc --unshare-pid --unshare-net\n"
		"    --unshare-uts --unshare-cgroup[-try] --disable-userns --assert-userns-disabled\n"
		"    --userns FD --userns2 FD --pidns FD --uid UID --gid GID --hostname NAME --chdir DIR\n"
		"    --clearenv --setenv VAR VALUE --unsetenv VAR\n"
		"    --lock-file DEST --sync-fd FD --block-fd FD --userns-block-fd FD --info-fd FD --json-status-fd FD\n"
		"    --bind[-try] SRC DEST --dev-bind[-try] SRC DEST --ro-bind[-try] SRC DEST --remount-ro DEST\n"
		"    --proc DEST --dev DEST --tmpfs DEST --mqueue DEST --dir DEST --symlink SRC DEST\n"
		"    --bind-fd FD DEST --ro-bind-fd FD DEST --overlay-src SRC --overlay RWSRC WORKDIR DEST\n"
		"    --tmp-overlay DEST --ro-overlay DEST\n"
		"    --file FD DEST --bind-data FD DEST --ro-bind-data FD DEST --chmod OCTAL PATH\n"
		"    --perms OCTAL --size BYTES (modify the next operation)\n"
		"    --seccomp FD --add-seccomp-fd FD --new-session --die-with-parent --as-pid-1\n"
		"    --cap-add CAP --cap-drop CAP\n",
		argv0 ? argv0 : "bwrap", SBX_VERSION);
}

/* ---- the argument list ------------------------------------------------- */

/* The words still to read: argv, with the contents of each --args FD
 * spliced in where it appeared. */
struct words {
	char **w;
	size_t n, i;
	void **owned; /* what --args allocated: freed when parsing ends */
	size_t n_owned;
};

static void *own(struct words *ws, void *p)
{
	ws->owned = grow(ws->owned, &ws->n_owned, sizeof *ws->owned);
	ws->owned[ws->n_owned - 1] = p;
	return p;
}

static int read_fd_contents(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xcalloc(1, cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* An fd argument: a number, in bubblewrap's words when it is none; and
 * open (bubblewrap finds out later, or never). */
static int fd_number(const char *text, int *out)
{
	char *end;
	errno = 0;
	long fd = strtol(text, &end, 10);
	if (!text[0] || *end || errno || fd < 0 || fd > INT_MAX)
		return failx("Invalid fd: %s", text);
	*out = (int)fd;
	return 0;
}

static int bwrap_fd(const char *opt, const char *text, int *out)
{
	return fd_number(text, out) < 0 ? -1 : parse_fd(opt, text, out);
}

/* Read an fd to its end and close it, as bubblewrap does with data fds. */
static int slurp_fd(const char *opt, const char *text, char **data, size_t *len)
{
	int fd;
	if (bwrap_fd(opt, text, &fd) < 0)
		return -1;
	int r = read_fd_contents(fd, data, len);
	if (r < 0)
		fail("%s %d: read", opt, fd);
	close(fd);
	return r;
}

/* Where the words of an --args FD end.  bubblewrap parses them on their
 * own: an option there takes its arguments from there only, and a word
 * that is no option (or "--") ends them, the rest of them unused. */
static char args_end[] = "";

/* --args FD: NUL-separated words, inserted in place of "--args FD", then
 * args_end. */
static int splice_args(struct words *ws, const char *fdtext)
{
	char *data;
	size_t len;
	if (slurp_fd("--args", fdtext, &data, &len) < 0)
		return -1;
	size_t count = 0;
	for (size_t k = 0; k < len; k++)
		if (data[k] == '\0')
			count++;
	if (len && data[len - 1] != '\0')
		count++;
	size_t rest = ws->n - ws->i;
	char **w = own(ws, xcalloc(count + 1 + rest + 1, sizeof *w));
	size_t m = 0;
	for (size_t k = 0; k < len; k += strlen(data + k) + 1)
		w[m++] = own(ws, xstrdup(data + k));
	w[m++] = args_end;
	memcpy(w + m, ws->w + ws->i, rest * sizeof *w);
	free(data);
	/* The words already read stay valid until parsing ends (the config
	 * copies what it keeps). */
	ws->w = w;
	ws->n = m + rest;
	ws->i = 0;
	return 0;
}

/* ---- building the config ----------------------------------------------- */

/* What parsing carries from one option to the next. */
#define MAX_BWRAP_OPTIONS 80
struct pending {
	int perms;          /* --perms for the next operation, or -1 */
	long long size;     /* --size for the next operation, or 0 */
	bool have_seccomp;  /* --seccomp seen */
	size_t seccomp_index; /* its program in cfg->bpf_programs */
	bool have_add_seccomp;
	bool unshare_user, unshare_user_try;
	unsigned long unshared; /* CLONE_NEW* of the other namespaces asked for (--unshare-*) */
	unsigned seen[MAX_BWRAP_OPTIONS]; /* how often each of bwrap_options was given */
	char **overlay_srcs;  /* --overlay-src paths waiting for their overlay, in order */
	size_t n_overlay_srcs;
	size_t *unresolved;   /* the mount steps whose host paths are still as written */
	size_t n_unresolved;
};

/* One of bubblewrap's options: its name, how many words follow it, and
 * what it does (apply, told which variant by arg and flags). */
struct bwrap_option {
	const char *name;
	int nargs;
	int (*apply)(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a);
	unsigned long arg; /* the variant: a mount kind, a CLONE_NEW* flag, an env_kind, a field's offset */
	unsigned flags;
};

enum {
	B_TRY = 1 << 0,       /* the -try form: what is not there is skipped */
	B_PERMS = 1 << 1,     /* takes the --perms before it */
	B_SIZE = 1 << 2,      /* takes the --size before it */
	B_MODIFIER = 1 << 3,  /* --perms, --size: for the option right after it */
	B_OVERLAY = 1 << 4,   /* --overlay-src, and the overlays that take its paths */
	B_LAST_WINS = 1 << 5, /* taken once: given again, bubblewrap warns that only the last counts */
	B_CLOSE = 1 << 6,     /* an fd used before the command starts: the command does not get it */
	B_READONLY = 1 << 7,  /* --ro-bind-data */
	B_OFF = 1 << 8,       /* opt_flag: the option clears its field */
};

/* The field of cfg an option's arg names (an offsetof). */
static void *field(struct config *cfg, const struct bwrap_option *o)
{
	return (char *)cfg + o->arg;
}

static char *inside_path(const char *p)
{
	return p[0] == '/' ? xstrdup(p) : xasprintf("/%s", p);
}

static struct mount_op *add_op(struct config *cfg, enum mount_kind kind, char *src, const char *dst)
{
	return add_mount_op(cfg, kind, src, inside_path(dst));
}

/* The mount step just added names host paths, to resolve once every
 * option is read (resolve_sources). */
static void note_unresolved(struct config *cfg, struct pending *p)
{
	p->unresolved = grow(p->unresolved, &p->n_unresolved, sizeof *p->unresolved);
	p->unresolved[p->n_unresolved - 1] = cfg->n_mounts - 1;
}

/* --bind SRC DEST and its kin; the -try forms skip a source that does not
 * exist.  The source is resolved after the last option (resolve_bind). */
static int opt_bind(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	add_op(cfg, o->arg, xstrdup(a[0]), a[1])->optional = o->flags & B_TRY;
	note_unresolved(cfg, p);
	return 0;
}

/* --bind-fd FD DEST: the source is the path the caller's fd names now; init
 * checks that it still is the same file when it opens it (rootfs.c), and the
 * fd itself does not reach the sandbox. */
static int opt_bind_fd(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	int fd;
	if (bwrap_fd(o->name, a[0], &fd) < 0)
		return -1;
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	char *src = realpath(link, NULL);
	if (!src)
		return fail("Can't find source path %s", link);
	struct mount_op *op = add_op(cfg, o->arg, src, a[1]);
	op->by_fd = true;
	op->src_fd = fd;
	add_fd(&cfg->close_fds, &cfg->n_close_fds, fd);
	return 0;
}

static int opt_overlay_src(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)cfg;
	(void)o;
	add_string(&p->overlay_srcs, &p->n_overlay_srcs, xstrdup(a[0]));
	return 0;
}

/* --overlay RWSRC WORKDIR DEST, --tmp-overlay DEST, --ro-overlay DEST */
enum overlay_kind { OVERLAY_RW, OVERLAY_TMP, OVERLAY_RO };

/* The overlays take the --overlay-src paths right before them: the first
 * given is the bottom layer (overlayfs's lowerdir lists the top first).
 * Their host paths are resolved after the last option (resolve_overlay). */
static int opt_overlay(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	bool rw = o->arg == OVERLAY_RW, ro = o->arg == OVERLAY_RO;
	size_t need = ro ? 2 : 1;
	if (p->n_overlay_srcs < need)
		return failx("%s requires at least %s --overlay-src", o->name, need == 2 ? "two" : "one");
	struct mount_op *op = add_op(cfg, MOUNT_OVERLAY, rw ? xstrdup(a[0]) : NULL, a[rw ? 2 : 0]);
	note_unresolved(cfg, p);
	op->work = rw ? xstrdup(a[1]) : NULL;
	op->readonly = ro;
	op->tmp_upper = !rw && !ro;
	op->n_layers = p->n_overlay_srcs;
	op->layers = xcalloc(op->n_layers, sizeof *op->layers);
	for (size_t k = 0; k < op->n_layers; k++)
		op->layers[k] = p->overlay_srcs[op->n_layers - 1 - k];
	free(p->overlay_srcs);
	p->overlay_srcs = NULL;
	p->n_overlay_srcs = 0;
	return 0;
}

/* bubblewrap's labels are SELinux contexts. */
static int opt_label(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)cfg;
	(void)p;
	(void)a;
	if (access("/sys/fs/selinux/enforce", F_OK) != 0)
		return failx("labeling not supported on this system");
	return failx("%s: SELinux labels are not supported by sbx", o->name);
}

/* A mount of a kind that needs only DEST: --proc, --tmpfs, --dir... with
 * the --perms and --size it takes. */
static int opt_mount(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	struct mount_op *op = add_op(cfg, o->arg, NULL, a[0]);
	if (o->flags & B_PERMS)
		op->mode = p->perms;
	if (o->flags & B_SIZE)
		op->size = p->size;
	return 0;
}

static int opt_symlink(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	(void)o;
	add_op(cfg, MOUNT_SYMLINK, xstrdup(a[0]), a[1]);
	return 0;
}

static int opt_chmod(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	int mode;
	if (parse_octal(o->name, a[0], &mode) < 0)
		return -1;
	add_op(cfg, MOUNT_CHMOD, NULL, a[1])->mode = mode;
	return 0;
}

/* --file FD DEST, --bind-data FD DEST, --ro-bind-data FD DEST */
static int opt_data(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	char *data;
	size_t len;
	if (slurp_fd(o->name, a[0], &data, &len) < 0)
		return -1;
	struct mount_op *op = add_op(cfg, o->arg, NULL, a[1]);
	op->data = data;
	op->data_len = len;
	op->readonly = o->flags & B_READONLY;
	op->mode = p->perms;
	return 0;
}

static int opt_perms(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)cfg;
	if (p->perms >= 0)
		return failx("--perms given twice for the same action");
	return parse_octal(o->name, a[0], &p->perms);
}

static int opt_size(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)cfg;
	(void)o;
	if (p->size)
		return failx("--size given twice for the same action");
	char *end;
	errno = 0;
	long long v = strtoll(a[0], &end, 10);
	if (!a[0][0] || *end || errno || v <= 0)
		return failx("--size: '%s' is not a number of bytes", a[0]);
	p->size = v;
	return 0;
}

static int opt_lock_file(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	(void)o;
	add_string(&cfg->lock_files, &cfg->n_lock_files, inside_path(a[0]));
	return 0;
}

/* --unshare-NS.  The user and mount namespaces are always new, as they are
 * for an unprivileged bubblewrap: --unshare-user[-try] is only noted, for
 * the checks of check_combinations. */
static int opt_unshare(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)a;
	if (o->arg == CLONE_NEWUSER)
		*(o->flags & B_TRY ? &p->unshare_user_try : &p->unshare_user) = true;
	else if (o->arg == CLONE_NEWNET)
		cfg->net = NET_NONE;
	else
		cfg->share_ns &= ~o->arg;
	p->unshared |= o->arg;
	return 0;
}

static int opt_unshare_all(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)o;
	(void)a;
	cfg->share_ns = 0;
	cfg->net = NET_NONE;
	p->unshare_user_try = true; /* -try: as bubblewrap */
	p->unshared |= CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWCGROUP;
	return 0;
}

static int opt_share_net(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	(void)o;
	(void)a;
	cfg->net = NET_HOST;
	return 0;
}

/* A bool field of cfg, set (cleared with B_OFF). */
static int opt_flag(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	(void)a;
	*(bool *)field(cfg, o) = !(o->flags & B_OFF);
	return 0;
}

static int opt_level_prefix(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)cfg;
	(void)p;
	(void)o;
	(void)a;
	use_level_prefix();
	return 0;
}

/* --uid, --gid */
static int opt_id(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	return parse_id(o->name + 2, a[0], field(cfg, o));
}

/* A string field of cfg, copied as it is. */
static int opt_string(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	char **s = field(cfg, o);
	free(*s);
	*s = xstrdup(a[0]);
	return 0;
}

static int opt_chdir(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	(void)o;
	free(cfg->chdir);
	cfg->chdir = inside_path(a[0]);
	return 0;
}

/* --setenv VAR VALUE, --unsetenv VAR, --clearenv (bubblewrap keeps PWD:
 * it sets it again after chdir anyway). */
static int opt_env(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	add_env_op(cfg, o->arg, o->nargs > 0 ? a[0] : NULL, o->nargs > 1 ? a[1] : NULL);
	return 0;
}

static int parse_cap(const char *name, unsigned long long *mask)
{
	if (strcasecmp(name, "ALL") == 0) {
		*mask = ~0ULL;
		return 0;
	}
	/* bubblewrap takes only full names (CAP_CHOWN, cap_chown), not CHOWN */
	if (strncasecmp(name, "CAP_", 4) != 0)
		return failx("unknown cap: %s", name);
	const char *bare = name + 4;
	char lower[64];
	size_t k = 0;
	for (; bare[k] && k < sizeof lower - 1; k++)
		lower[k] = (char)(bare[k] >= 'A' && bare[k] <= 'Z' ? bare[k] + 32 : bare[k]);
	lower[k] = '\0';
	int cap = capng_name_to_capability(lower);
	if (cap < 0 || cap >= 64)
		return failx("unknown cap: %s", name);
	*mask = 1ULL << cap;
	return 0;
}

/* --cap-add CAP (arg 1), --cap-drop CAP (arg 0) */
static int opt_cap(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	unsigned long long mask = 0;
	if (parse_cap(a[0], &mask) < 0)
		return -1;
	if (o->arg)
		cfg->cap_add |= mask;
	else
		cfg->cap_add &= ~mask;
	return 0;
}

static int add_seccomp_program(struct config *cfg, const char *opt, const char *fdtext)
{
	char *data;
	size_t len;
	int fd;
	if (fd_number(fdtext, &fd) < 0)
		return -1;
	if (read_fd_contents(fd, &data, &len) < 0) /* a closed fd too: EBADF */
		return fail("Can't read seccomp data");
	close(fd);
	/* struct sock_filter is 8 bytes; the kernel takes at most 4096. */
	if (len % 8 != 0) {
		free(data);
		return failx("Invalid seccomp data, must be multiple of 8");
	}
	if (len / 8 > 4096) { /* empty: the kernel says EINVAL when it is loaded, as with bubblewrap */
		free(data);
		return failx("%s: the data is not a seccomp BPF program (%zu bytes)", opt, len);
	}
	cfg->bpf_programs = grow(cfg->bpf_programs, &cfg->n_bpf_programs, sizeof *cfg->bpf_programs);
	cfg->bpf_programs[cfg->n_bpf_programs - 1] = (struct bpf_program){ .insns = data, .len = len / 8 };
	return 0;
}

static int opt_seccomp(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	if (p->have_add_seccomp)
		return failx("--seccomp cannot be combined with --add-seccomp-fd");
	if (add_seccomp_program(cfg, o->name, a[0]) < 0)
		return -1;
	if (p->have_seccomp) { /* as bubblewrap: the last one counts (parse_words warned) */
		struct bpf_program *last = &cfg->bpf_programs[--cfg->n_bpf_programs];
		free(cfg->bpf_programs[p->seccomp_index].insns);
		cfg->bpf_programs[p->seccomp_index] = *last;
		return 0;
	}
	p->have_seccomp = true;
	p->seccomp_index = cfg->n_bpf_programs - 1;
	return 0;
}

static int opt_add_seccomp_fd(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	if (p->have_seccomp)
		return failx("--add-seccomp-fd cannot be combined with --seccomp");
	p->have_add_seccomp = true;
	return add_seccomp_program(cfg, o->name, a[0]);
}

/* --sync-fd FD: sbx holds it open until it exits; the sandbox does not get
 * it, so its end is sbx's end, not the command's (as bubblewrap). */
static int opt_sync_fd(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	int fd;
	if (bwrap_fd(o->name, a[0], &fd) < 0)
		return -1;
	add_fd(&cfg->close_fds, &cfg->n_close_fds, fd);
	return 0;
}

/* An fd field of cfg.  None of them reaches the command: init closes
 * --info-fd and --json-status-fd first thing, and those marked B_CLOSE
 * are used before the command starts. */
static int opt_fd(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a)
{
	(void)p;
	int *fd = field(cfg, o);
	if (bwrap_fd(o->name, a[0], fd) < 0)
		return -1;
	if (o->flags & B_CLOSE)
		add_fd(&cfg->close_fds, &cfg->n_close_fds, *fd);
	return 0;
}

/* The model's defaults (config.c), then bubblewrap's: the list at the top
 * of this file.  The rootfs stays unused: the root is an empty tmpfs. */
static void set_bwrap_defaults(struct config *cfg)
{
	config_defaults(cfg);
	set_program_name("bwrap");
	cfg->net = NET_HOST;
	cfg->seccomp = xstrdup("none");
	cfg->empty_root = cfg->no_std_mounts = true;
	cfg->share_ns = CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
	cfg->no_new_session = cfg->no_pty = true;
	cfg->inherit_env = cfg->inherit_fds = true;
	cfg->set_pwd = true;
	cfg->cwd_home_fallback = true;
	cfg->init_visible = true;
	cfg->block_tiocsti = true;
	cfg->error_exit = 1;
	set_failure_status(1);
}

#define FIELD(name) offsetof(struct config, name)
/* Every option of bubblewrap's that sbx takes (--help, --version and --args
 * aside: parse_words reads those itself). */
static const struct bwrap_option bwrap_options[] = {
	/* Mounts and files, in order. */
	{ "--bind", 2, opt_bind, MOUNT_BIND, 0 },
	{ "--bind-try", 2, opt_bind, MOUNT_BIND, B_TRY },
	{ "--ro-bind", 2, opt_bind, MOUNT_RO_BIND, 0 },
	{ "--ro-bind-try", 2, opt_bind, MOUNT_RO_BIND, B_TRY },
	{ "--dev-bind", 2, opt_bind, MOUNT_DEV_BIND, 0 },
	{ "--dev-bind-try", 2, opt_bind, MOUNT_DEV_BIND, B_TRY },
	{ "--bind-fd", 2, opt_bind_fd, MOUNT_BIND, 0 },
	{ "--ro-bind-fd", 2, opt_bind_fd, MOUNT_RO_BIND, 0 },
	{ "--overlay-src", 1, opt_overlay_src, 0, B_OVERLAY },
	{ "--overlay", 3, opt_overlay, OVERLAY_RW, B_OVERLAY },
	{ "--tmp-overlay", 1, opt_overlay, OVERLAY_TMP, B_OVERLAY },
	{ "--ro-overlay", 1, opt_overlay, OVERLAY_RO, B_OVERLAY },
	{ "--exec-label", 1, opt_label, 0, B_LAST_WINS },
	{ "--file-label", 1, opt_label, 0, B_LAST_WINS },
	{ "--remount-ro", 1, opt_mount, MOUNT_REMOUNT_RO, 0 },
	{ "--proc", 1, opt_mount, MOUNT_PROC, 0 },
	{ "--dev", 1, opt_mount, MOUNT_DEV, 0 },
	{ "--mqueue", 1, opt_mount, MOUNT_MQUEUE, 0 },
	{ "--tmpfs", 1, opt_mount, MOUNT_TMPFS, B_PERMS | B_SIZE },
	{ "--dir", 1, opt_mount, MOUNT_DIR, B_PERMS },
	{ "--symlink", 2, opt_symlink, 0, 0 },
	{ "--chmod", 2, opt_chmod, 0, 0 },
	{ "--file", 2, opt_data, MOUNT_FILE, B_PERMS },
	{ "--bind-data", 2, opt_data, MOUNT_DATA, B_PERMS },
	{ "--ro-bind-data", 2, opt_data, MOUNT_DATA, B_PERMS | B_READONLY },
	{ "--perms", 1, opt_perms, 0, B_MODIFIER },
	{ "--size", 1, opt_size, 0, B_MODIFIER },
	{ "--lock-file", 1, opt_lock_file, 0, 0 },
	/* Namespaces and ids. */
	{ "--unshare-user", 0, opt_unshare, CLONE_NEWUSER, 0 },
	{ "--unshare-user-try", 0, opt_unshare, CLONE_NEWUSER, B_TRY },
	{ "--unshare-ipc", 0, opt_unshare, CLONE_NEWIPC, 0 },
	{ "--unshare-pid", 0, opt_unshare, CLONE_NEWPID, 0 },
	{ "--unshare-net", 0, opt_unshare, CLONE_NEWNET, 0 },
	{ "--unshare-uts", 0, opt_unshare, CLONE_NEWUTS, 0 },
	{ "--unshare-cgroup", 0, opt_unshare, CLONE_NEWCGROUP, 0 },
	{ "--unshare-cgroup-try", 0, opt_unshare, CLONE_NEWCGROUP, B_TRY },
	{ "--unshare-all", 0, opt_unshare_all, 0, 0 },
	{ "--share-net", 0, opt_share_net, 0, 0 },
	{ "--userns", 1, opt_fd, FIELD(userns_fd), B_CLOSE },
	{ "--userns2", 1, opt_fd, FIELD(userns2_fd), B_CLOSE },
	{ "--pidns", 1, opt_fd, FIELD(pidns_fd), B_CLOSE },
	{ "--disable-userns", 0, opt_flag, FIELD(disable_userns), 0 },
	{ "--assert-userns-disabled", 0, opt_flag, FIELD(assert_userns_disabled), 0 },
	{ "--uid", 1, opt_id, FIELD(uid), B_LAST_WINS },
	{ "--gid", 1, opt_id, FIELD(gid), B_LAST_WINS },
	{ "--hostname", 1, opt_string, FIELD(hostname), B_LAST_WINS },
	/* The command's process. */
	{ "--chdir", 1, opt_chdir, 0, B_LAST_WINS },
	{ "--setenv", 2, opt_env, ENV_SET, 0 },
	{ "--unsetenv", 1, opt_env, ENV_UNSET, 0 },
	{ "--clearenv", 0, opt_env, ENV_CLEAR, 0 },
	{ "--argv0", 1, opt_string, FIELD(argv0), 0 },
	{ "--cap-add", 1, opt_cap, 1, 0 },
	{ "--cap-drop", 1, opt_cap, 0, 0 },
	{ "--seccomp", 1, opt_seccomp, 0, B_LAST_WINS },
	{ "--add-seccomp-fd", 1, opt_add_seccomp_fd, 0, 0 },
	{ "--new-session", 0, opt_flag, FIELD(no_new_session), B_OFF },
	{ "--die-with-parent", 0, opt_flag, FIELD(die_with_parent), 0 },
	{ "--as-pid-1", 0, opt_flag, FIELD(as_pid_1), 0 },
	{ "--level-prefix", 0, opt_level_prefix, 0, 0 },
	/* File descriptors. */
	{ "--sync-fd", 1, opt_sync_fd, 0, B_LAST_WINS },
	{ "--block-fd", 1, opt_fd, FIELD(block_fd), B_LAST_WINS },
	{ "--userns-block-fd", 1, opt_fd, FIELD(userns_block_fd), B_LAST_WINS },
	{ "--info-fd", 1, opt_fd, FIELD(info_fd), B_LAST_WINS },
	{ "--json-status-fd", 1, opt_fd, FIELD(json_status_fd), B_LAST_WINS },
};
#define N_BWRAP_OPTIONS ARRAY_SIZE(bwrap_options)
_Static_assert(N_BWRAP_OPTIONS <= MAX_BWRAP_OPTIONS, "struct pending counts each option in seen[]");

static const struct bwrap_option *find_bwrap_option(const char *name)
{
	for (size_t k = 0; k < N_BWRAP_OPTIONS; k++)
		if (strcmp(name, bwrap_options[k].name) == 0)
			return &bwrap_options[k];
	return NULL;
}

/* ---- resolving, once every option is read ----------------------------- */

/* A host path as written, made absolute with symlinks followed. */
static int resolve_path(char **path)
{
	char *real = realpath(*path, NULL);
	if (!real)
		return fail("Can't find source path %s", *path);
	free(*path);
	*path = real;
	return 0;
}

/* A bind's source.  1: a -try source that is not there, whose step goes. */
static int resolve_bind(struct mount_op *op)
{
	char *real = realpath(op->src, NULL);
	if (!real && op->optional && errno == ENOENT && op->src[0] == '/') {
		/* As bubblewrap: a -try source that does not resolve now is
		 * tried again inside, where a magic link such as
		 * /proc/self/ns/user names the sandbox's own namespace
		 * (Flatpak binds it on /run/.userns). */
		op->follow = true;
		return 0;
	}
	if (!real) {
		if (op->optional && (errno == ENOENT || errno == ENOTDIR))
			return 1;
		return fail("Can't find source path %s", op->src);
	}
	free(op->src);
	op->src = real;
	return 0;
}

/* An overlay's layers in the order given (the bottom one first), then its
 * upper and work directories. */
static int resolve_overlay(struct mount_op *op)
{
	for (size_t k = op->n_layers; k > 0; k--)
		if (resolve_path(&op->layers[k - 1]) < 0)
			return -1;
	if (op->src && resolve_path(&op->src) < 0)
		return -1;
	return op->work ? resolve_path(&op->work) : 0;
}

static void drop_mount(struct config *cfg, size_t i)
{
	free(cfg->mounts[i].src);
	free(cfg->mounts[i].dst);
	memmove(&cfg->mounts[i], &cfg->mounts[i + 1], (cfg->n_mounts - i - 1) * sizeof *cfg->mounts);
	cfg->n_mounts--;
}

/* The mount steps' host paths, in the order of the options, once every
 * option is read and checked (bubblewrap's resolve_symlinks_in_ops). */
static int resolve_sources(struct config *cfg, const struct pending *p)
{
	size_t dropped = 0;
	for (size_t k = 0; k < p->n_unresolved; k++) {
		size_t i = p->unresolved[k] - dropped;
		struct mount_op *op = &cfg->mounts[i];
		int r = op->kind == MOUNT_OVERLAY ? resolve_overlay(op) : resolve_bind(op);
		if (r < 0)
			return -1;
		if (r > 0) {
			drop_mount(cfg, i);
			dropped++;
		}
	}
	return 0;
}

/* ---- after the last option --------------------------------------------- */

static int check_combinations(const struct config *cfg, const struct pending *p)
{
	if (p->perms >= 0 || p->size)
		return failx("--perms and --size must be followed by an option that uses them");
	if (p->n_overlay_srcs)
		return failx("--overlay-src must be followed by another --overlay-src or one of --overlay, "
			     "--tmp-overlay, or --ro-overlay");
	if (cfg->as_pid_1 && !(p->unshared & CLONE_NEWPID))
		return failx("Specifying --as-pid-1 requires --unshare-pid");
	if (cfg->hostname && !(p->unshared & CLONE_NEWUTS))
		return failx("Specifying --hostname requires --unshare-uts");
	if (cfg->userns_block_fd >= 0 && !p->unshare_user)
		return failx("--userns-block-fd requires --unshare-user");
	if (cfg->userns_block_fd >= 0 && cfg->info_fd < 0)
		return failx("--userns-block-fd requires --info-fd");
	if (cfg->as_pid_1 && cfg->n_lock_files)
		return failx("Specifying --as-pid-1 and --lock-file is not permitted");
	if (cfg->userns_fd >= 0 && (p->unshare_user || p->unshare_user_try))
		return failx("--userns not compatible --unshare-user%s", p->unshare_user ? "" : "-try");
	if (cfg->disable_userns && !p->unshare_user)
		return failx("--disable-userns requires --unshare-user");
	if (cfg->disable_userns && cfg->userns_block_fd >= 0)
		return failx("--disable-userns is not compatible with --userns-block-fd");
	/* A user namespace sbx makes is open until --disable-userns closes
	 * it; a joined one (--userns) is checked in the sandbox. */
	if (cfg->assert_userns_disabled && !cfg->disable_userns && cfg->userns_fd < 0)
		return failx("creation of new user namespaces was not disabled as requested");
	return 0;
}

/* The user namespaces as bubblewrap lays them out for a caller other than
 * root: with --dev (for its devpts) the caller is 0 in the sandbox's
 * namespace, and the command's ids come in a second one nested in it; so
 * with --disable-userns.  Observable, and used: the namespace left at a
 * path inside (Flatpak binds /proc/self/ns/user to /run/.userns before
 * the nesting) is the parent of the command's, which a sub-sandbox
 * (--userns2) can enter. */
static void plan_user_namespaces(struct config *cfg)
{
	bool dev = false;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		dev |= cfg->mounts[i].kind == MOUNT_DEV;
	bool ours = cfg->userns_fd < 0 && cfg->userns_block_fd < 0; /* sbx makes it and writes its maps */
	cfg->outer_ids_root = ours && dev && cfg->outer_uid != 0 && (cfg->uid != 0 || cfg->gid != 0);
	cfg->nest_userns = ours && (cfg->outer_ids_root || cfg->disable_userns);
}

/* The option o, at ws->i, with its arguments; moves past them. */
static int take_option(struct config *cfg, struct words *ws, struct pending *p, const char *o)
{
	const struct bwrap_option *def = find_bwrap_option(o);
	if (!def)
		return failx("Unknown option %s", o);
	if ((def->flags & B_LAST_WINS) && p->seen[def - bwrap_options]++)
		print_warning("Only the last %s option will take effect", o);
	int nargs = def->nargs;
	bool short_of_args = ws->n - ws->i - 1 < (size_t)nargs;
	for (int k = 1; k <= nargs && !short_of_args; k++)
		short_of_args = ws->w[ws->i + (size_t)k] == args_end;
	if (short_of_args) {
		static const char *const counts[] = { "", "one argument", "two arguments", "three arguments" };
		return failx("%s takes %s", o, counts[nargs]);
	}
	/* A --perms or --size applies to the option right after it. */
	bool modifier = def->flags & B_MODIFIER;
	if (!modifier && (p->perms >= 0 || p->size) &&
	    !((def->flags & B_PERMS) && (!p->size || (def->flags & B_SIZE))))
		return failx("--perms and --size must be followed by an option that uses them, not %s", o);
	if (p->n_overlay_srcs && !(def->flags & B_OVERLAY))
		return failx("--overlay-src must be followed by another --overlay-src or one of --overlay, "
			     "--tmp-overlay, or --ro-overlay");
	if (def->apply(cfg, p, def, ws->w + ws->i + 1) < 0)
		return -1;
	if (!modifier)
		p->perms = -1, p->size = 0;
	ws->i += 1 + (size_t)nargs;
	return 0;
}

/* Once every option is read: the checks that take them together, and the
 * command. */
static int finish_words(struct config *cfg, struct words *ws, struct pending *p)
{
	if (check_combinations(cfg, p) < 0)
		return -1;
	plan_user_namespaces(cfg);
	/* With a session of its own the command cannot reach the caller's
	 * terminal with TIOCSTI: no filter is needed then. */
	cfg->block_tiocsti = cfg->no_new_session;
	if (ws->i >= ws->n) {
		print_bwrap_usage(stderr, ws->w[0]);
		return failx("No command specified");
	}
	if (resolve_sources(cfg, p) < 0)
		return -1;
	cfg->argv = xcalloc(ws->n - ws->i + 1, sizeof *cfg->argv);
	for (size_t j = ws->i; j < ws->n; j++)
		cfg->argv[j - ws->i] = xstrdup(ws->w[j]);
	if (strcmp(cfg->argv[0], SELF_EXE) == 0)
		add_env_op(cfg, ENV_SET, SELF_MARK, "1");
	return 0;
}

static int parse_words(struct config *cfg, struct words *ws, struct pending *p)
{
	if (ws->n > 1 && strcmp(ws->w[1], "--bwrap") == 0)
		ws->i = 2;
	while (ws->i < ws->n) {
		const char *o = ws->w[ws->i];
		if (o == args_end) {
			ws->i++;
			continue;
		}
		bool from_fd = false; /* o is one of an --args FD's words */
		for (size_t k = ws->i; k < ws->n && !from_fd; k++)
			from_fd = ws->w[k] == args_end;
		if (strcmp(o, "--") == 0 || strncmp(o, "--", 2) != 0) {
			if (!from_fd) {
				ws->i += strcmp(o, "--") == 0;
				break;
			}
			while (ws->w[ws->i] != args_end) /* the rest of the fd's words */
				ws->i++;
			continue;
		}
		if (strcmp(o, "--help") == 0) {
			print_bwrap_usage(stdout, ws->w[0]);
			return 1;
		}
		if (strcmp(o, "--version") == 0) {
			printf("bubblewrap %s (sbx %s)\n", BWRAP_VERSION, SBX_VERSION);
			return 1;
		}
		if (strcmp(o, "--args") == 0) {
			if (ws->i + 1 >= ws->n)
				return failx("--args takes an argument");
			const char *fd = ws->w[ws->i + 1];
			ws->i += 2;
			if (splice_args(ws, fd) < 0)
				return -1;
			continue;
		}
		if (take_option(cfg, ws, p, o) < 0)
			return -1;
	}
	return finish_words(cfg, ws, p);
}

int parse_bwrap(struct config *cfg, int argc, char **argv)
{
	set_bwrap_defaults(cfg);
	struct words ws = { .w = argv, .n = (size_t)argc, .i = 1 };
	struct pending p = { .perms = -1 };
	int r = parse_words(cfg, &ws, &p);
	free_list(p.overlay_srcs, p.n_overlay_srcs);
	free(p.unresolved);
	for (size_t k = 0; k < ws.n_owned; k++)
		free(ws.owned[k]);
	free(ws.owned);
	return r;
}
