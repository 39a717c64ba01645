/* bwrap.c: bubblewrap compatibility.  When sbx is run as "bwrap" (a
 * symlink) or as "sbx --bwrap ARGS...", it reads bubblewrap's command line
 * and fills the same struct config its own options fill: the mount
 * operations become the same ordered mount plan (config.h, struct mount_op),
 * executed in argument order inside the new root.  This file holds the
 * table of bubblewrap's options, what each records, and bubblewrap's
 * defaults; bwrapparse.c walks the command line through it.  Both only
 * translate; they build no sandbox of their own.
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
#include "bwrapdef.h"

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

/* ---- fds -------------------------------------------------------------- */

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
int slurp_fd(const char *opt, const char *text, char **data, size_t *len)
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

/* ---- building the config ----------------------------------------------- */

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
void set_bwrap_defaults(struct config *cfg)
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

const struct bwrap_option *find_bwrap_option(const char *name)
{
	for (size_t k = 0; k < N_BWRAP_OPTIONS; k++)
		if (strcmp(name, bwrap_options[k].name) == 0)
			return &bwrap_options[k];
	return NULL;
}

size_t bwrap_option_index(const struct bwrap_option *def)
{
	return (size_t)(def - bwrap_options);
}
