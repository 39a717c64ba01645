/* optparse.c: parse_options, sbx's front end: the command line and the
 * policy files (found and read by policy.c) read through the one option
 * table (options.c), policies first so the command line wins; then, once
 * the last option is read, the one pass that looks at what they name of
 * the host (paths, fds: resolve_options), in their order, and the sizes
 * worked out from them; then the home's plan (home.c) and the command. */
#include "util.h"
#include "config.h"
#include "options.h"
#include "optiondef.h"
#include "policy.h"
#include "home.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* ---- resolving, once every option is read ----------------------------- */

/* An option that names something of the host (a path, an open fd) has it
 * looked at only once every option is read: parsing records, and
 * resolve_options checks what was recorded, in the order the options were
 * applied (bubblewrap's resolve-after-parse).  An error from a policy line
 * still names the line. */
struct deferred {
	const struct option_def *def;
	char *arg;    /* its argument as written, or NULL */
	char *where;  /* "FILE:LINE" of the policy line, or NULL: the command line */
	size_t mount; /* the mount step it added, or SIZE_MAX */
};

/* The state of one parse_options. */
struct parse {
	struct config *cfg;
	struct deferred *deferred;
	size_t n_deferred;
};

static bool is_policy(const struct option_def *def)
{
	return strcmp(def->name, "policy") == 0;
}

/* One option (not "policy") with its arguments; origin and lineno say
 * where, for a policy line (origin NULL: the command line). */
static int apply_option(struct parse *ps, const struct option_def *def, char **args, const char *origin, int lineno)
{
	size_t mounts = ps->cfg->n_mounts;
	if (def->apply && def->apply(ps->cfg, args) < 0)
		return -1;
	if (!def->resolve)
		return 0;
	ps->deferred = grow(ps->deferred, &ps->n_deferred, sizeof *ps->deferred);
	struct deferred *d = &ps->deferred[ps->n_deferred - 1];
	d->def = def;
	d->arg = def->nargs ? xstrdup(args[0]) : NULL;
	d->where = origin ? xasprintf("%s:%d", origin, lineno) : NULL;
	d->mount = ps->cfg->n_mounts > mounts ? mounts : SIZE_MAX;
	return 0;
}

static int resolve_options(struct parse *ps)
{
	for (size_t i = 0; i < ps->n_deferred; i++) {
		const struct deferred *d = &ps->deferred[i];
		struct mount_op *op = d->mount == SIZE_MAX ? NULL : &ps->cfg->mounts[d->mount];
		if (d->def->resolve(ps->cfg, d->arg, op) < 0)
			return d->where ? fail_context("%s", d->where) : -1;
	}
	return 0;
}

static void free_parse(struct parse *ps)
{
	for (size_t i = 0; i < ps->n_deferred; i++) {
		free(ps->deferred[i].arg);
		free(ps->deferred[i].where);
	}
	free(ps->deferred);
}

/* The bound on the tmpfs mounts together (--tmpfs-size, by default a
 * quarter of the RAM), never more than --memory: without a cgroup nothing
 * else stops files in a tmpfs from taking memory.  Whole pages, since the
 * kernel rounds a tmpfs size up to them. */
static void resolve_tmpfs_sizes(struct config *cfg)
{
	long long size = cfg->tmpfs_size;
	struct sysinfo si;
	if (!size)
		size = sysinfo(&si) == 0 ? (long long)(si.totalram / 4) * si.mem_unit : 1LL << 30;
	if (cfg->memory && cfg->memory < size)
		size = cfg->memory;
	long page = sysconf(_SC_PAGESIZE);
	page = page > 0 ? page : 4096;
	size -= size % page;
	cfg->tmpfs_size = size > page ? size : page;
	/* The throwaway --overlay layer is a tmpfs too (half the RAM by
	 * default): with --memory, no more than that either. */
	if (cfg->overlay && !cfg->overlay_upper && !cfg->overlay_size && cfg->memory) {
		long long half = sysinfo(&si) == 0 ? (long long)(si.totalram / 2) * si.mem_unit : cfg->memory;
		size = cfg->memory < half ? cfg->memory : half;
		cfg->overlay_size = size - size % page > page ? size - size % page : page;
	}
}


/* ---- policy files ------------------------------------------------------ */

static int apply_policy(struct parse *ps, const char *name, bool system_only, int depth,
			const char *const *stack);

#define MAX_POLICY_DEPTH 8
/* Returns -1 with the error recorded, -2 when the error is already located
 * (it came from a line of an included policy).  The names a system policy
 * uses (policy NAME, seccomp NAME) are system ones too. */
static int apply_policy_line(struct parse *ps, char *line, int lineno, bool system, int depth,
			     const char *const *stack)
{
	char *words[4];
	int n = 0;
	if (split_policy_words(line, words, 4, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	const struct option_def *def = find_option(words[0]);
	if (!def || !option_in_policies(def)) {
		hint_unknown_option(words[0], "");
		return failx("unknown option '%s'", words[0]);
	}
	if (n - 1 != def->nargs)
		return failx("'%s' takes %d argument%s (%s), not %d", words[0], def->nargs, def->nargs == 1 ? "" : "s",
			     def->nargs ? def->args_help : "none", n - 1);
	if (is_policy(def))
		return apply_policy(ps, words[1], system, depth + 1, stack);
	if (apply_option(ps, def, words + 1, stack[depth], lineno) < 0)
		return -1;
	if (strcmp(def->name, "seccomp") == 0)
		ps->cfg->seccomp_system = system;
	return 0;
}

/* Apply a policy: its lines are options without the dashes; "policy NAME"
 * includes another.  stack holds the files being applied, to catch cycles.
 * Returns 0, -1 when the policy itself cannot be used, or -2 when one of its
 * lines failed (the message then starts with FILE:LINE). */
static int apply_policy(struct parse *ps, const char *name, bool system_only, int depth,
			const char *const *stack)
{
	struct config *cfg = ps->cfg;
	if (depth >= MAX_POLICY_DEPTH)
		return failx("policy %s: includes nest deeper than %d", name, MAX_POLICY_DEPTH);
	struct policy_origin from;
	char *text = load_policy(POLICY_FILE, name, system_only, &from);
	char *origin = from.path;
	if (!text) {
		free(origin);
		return fail_context("policy %s", name);
	}
	const char *chain[MAX_POLICY_DEPTH + 1] = { NULL };
	for (int i = 0; i < depth; i++) {
		chain[i] = stack[i];
		if (strcmp(stack[i], origin) == 0) {
			failx("policy %s includes itself", origin);
			free(text);
			free(origin);
			return -1;
		}
	}
	chain[depth] = origin;
	/* Once only: build includes default and ci-env, which includes
	 * default too; a second application would undo what came between. */
	char *said = xasprintf("%s: %s", name, from.builtin ? "built in" : origin);
	for (size_t i = 0; i < cfg->n_policy_origins; i++) {
		if (strcmp(cfg->policy_origins[i], said) == 0) {
			free(said);
			free(text);
			free(origin);
			return 0;
		}
	}
	add_string(&cfg->policy_origins, &cfg->n_policy_origins, said);

	int r = 0, lineno = 0;
	for (char *next, *line = text; line && r == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		r = apply_policy_line(ps, line, lineno, from.system, depth, chain);
		if (r == -1) {
			fail_context("%s:%d", origin, lineno);
			r = -2;
		}
	}
	free(text);
	free(origin);
	return r;
}

/* ---- the command line -------------------------------------------------- */

/* sbx's sandbox before any policy: the model's defaults (config.c), and a
 * host name, loopback only, the default seccomp list, halved user quotas. */
static void set_defaults(struct config *cfg)
{
	config_defaults(cfg);
	cfg->hostname = xstrdup("sbx");
	cfg->net = NET_NONE;
	cfg->seccomp = xstrdup("default");
	cfg->seccomp_system = true;
	cfg->cap_user_quotas = true;
	/* No core files: one would carry the sandbox's memory out of it
	 * (where core_pattern pipes cores to a program, the kernel ignores
	 * the limit and tells the program, which should keep nothing).
	 * --rlimit core=... replaces this. */
	put_rlimit(cfg, (struct rlimit_op){ .resource = RLIMIT_CORE, .soft = 0, .hard = 0 });
}

/* One option as written, "--name", "--name=value" or "-x": its definition,
 * and where its value is when written after '=' (else NULL).  Returns -1
 * with the error recorded when sbx has no such option, or the form does not
 * fit it. */
static int read_option(const char *word, const struct option_def **def, const char **inline_value)
{
	*inline_value = NULL;
	if (word[1] != '-' || !word[2]) {
		hint_unknown_option(word + 1, "--");
		return failx("unknown option %s", word);
	}
	const char *name = word + 2, *eq = strchr(name, '=');
	char *bare = eq ? xasprintf("%.*s", (int)(eq - name), name) : xstrdup(name);
	*def = find_option(bare);
	if (!*def) {
		hint_unknown_option(bare, "--");
		failx("unknown option --%s", bare);
		free(bare);
		return -1;
	}
	free(bare);
	if (!eq)
		return 0;
	if ((*def)->nargs == 0)
		return failx("%s: --%s takes no argument", word, (*def)->name);
	if ((*def)->nargs > 1) {
		set_hint("give them as separate words: --%s %s", (*def)->name, (*def)->args_help);
		return failx("%s: --%s takes %d arguments", word, (*def)->name, (*def)->nargs);
	}
	*inline_value = eq + 1;
	return 0;
}

/* Walk the options before the command.  Pass 0 applies the policies, pass 1
 * the other options, so the command line always wins over a policy.
 * Returns the index of the command, or -1. */
static int walk_options(struct parse *ps, int argc, char **argv, int pass, bool *saw_policy)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		const struct option_def *def = NULL;
		const char *inline_value;
		if (read_option(argv[i], &def, &inline_value) < 0)
			return -1;
		char *args[2] = { (char *)inline_value, NULL };
		int used = inline_value ? 0 : def->nargs;
		if (!inline_value) {
			/* "--setenv FOO -- make": the command's '--' taken for
			 * the option's value is surely not what was meant */
			for (int k = 1; k <= def->nargs && i + k < argc; k++)
				if (strcmp(argv[i + k], "--") == 0) {
					set_hint("give --%s its %s before the '--' that starts the command", def->name,
						 def->args_help);
					return failx("--%s: missing argument (found '--' where %s should be)", def->name,
						     def->args_help);
				}
			if (argc - i - 1 < def->nargs)
				return failx("--%s: missing argument (expected %s)", def->name, def->args_help);
		}
		char **values = inline_value ? args : argv + i + 1;
		if (is_policy(def)) {
			*saw_policy = true;
			if (pass == 0 && apply_policy(ps, values[0], false, 0, NULL) < 0)
				return -1;
		} else if (pass == 1 && apply_option(ps, def, values, NULL, 0) < 0) {
			return -1;
		}
		i += 1 + used;
	}
	return i;
}

/* --help (or -h) and --version, wherever they are among the options:
 * 'h' or 'v' when one is there, else 0.  *verbose says whether --verbose is
 * there too.  Option values are skipped, so "--chdir --help" is no help
 * request. */
static int find_help_or_version(int argc, char **argv, bool *verbose)
{
	int found = 0;
	*verbose = false;
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		if (!found && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0))
			return 'h';
		if (strcmp(argv[i], "--version") == 0)
			found = 'v';
		else if (strcmp(argv[i], "--verbose") == 0)
			*verbose = true;
		else if (argv[i][1] == '-' && !strchr(argv[i], '=')) {
			const struct option_def *def = find_option(argv[i] + 2);
			if (def)
				i += def->nargs;
		}
	}
	return found;
}

/* The policies, the other options, then what they left to resolve:
 * returns the index of the command, or -1. */
static int read_options(struct parse *ps, int argc, char **argv)
{
	bool saw_policy = false;
	if (walk_options(ps, argc, argv, 0, &saw_policy) < 0)
		return -1;
	if (!saw_policy && apply_policy(ps, "default", true, 0, NULL) < 0)
		return -1;
	int i = walk_options(ps, argc, argv, 1, &saw_policy);
	if (i < 0 || resolve_options(ps) < 0)
		return -1;
	return i;
}

/* Returns 0 to run a command, 1 when --help or --version was handled (or
 * --print-policy printed), -1 on error (recorded). */
int parse_options(struct config *cfg, int argc, char **argv)
{
	bool verbose;
	switch (find_help_or_version(argc, argv, &verbose)) {
	case 'h':
		print_usage();
		return 1;
	case 'v':
		printf("sbx %s\n", SBX_VERSION);
		if (verbose)
			print_features();
		return 1;
	}
	set_defaults(cfg);
	struct parse ps = { .cfg = cfg };
	int i = read_options(&ps, argc, argv);
	free_parse(&ps);
	if (i < 0)
		return -1;
	resolve_tmpfs_sizes(cfg);
	if (cfg->print_policy) {
		print_policy(cfg);
		return 1;
	}
	if (plan_home(cfg) < 0)
		return -1;
	if (i >= argc && !cfg->seccomp_export) {
		set_hint("usage: sbx [OPTIONS] [--] COMMAND [ARG...]");
		return failx("no command given");
	}
	/* Copies, so init can scrub the caller's argv and environment. */
	cfg->argv = xcalloc((size_t)(argc - i + 1), sizeof *cfg->argv);
	for (int j = i; j < argc; j++)
		cfg->argv[j - i] = xstrdup(argv[j]);
	return 0;
}
