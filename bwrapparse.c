/* bwrapparse.c: parse_bwrap, the bubblewrap front end's walk of its
 * command line (argv[0] "bwrap", or "sbx --bwrap ARGS": bwrap_invoked):
 * the words, with --args FD's spliced in, each option applied through the
 * table (bwrap.c) in order; once the last is read, the checks that take
 * the options together and the one pass that resolves the mount steps'
 * host paths (bubblewrap's resolve_symlinks_in_ops); then the command. */
#include "util.h"
#include "config.h"
#include "bwrap.h"
#include "bwrapdef.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	free_mount_op(&cfg->mounts[i]);
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
	if ((def->flags & B_LAST_WINS) && p->seen[bwrap_option_index(def)]++)
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
