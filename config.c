/* config.c: the model both front ends fill, struct config (config.h): its
 * defaults and the steps that add to it (a mount, an environment change, an
 * fd, a string to a list, an rlimit), which options.c and optparse.c
 * (sbx's options and policy files) and bwrap.c and bwrapparse.c
 * (bubblewrap's command line) share, neither front end calling the other;
 * then the rest of a configuration's life after parsing: the environment
 * the command gets, the configuration printed back as a policy
 * (--print-policy), and freeing it all, by the table of what it owns
 * (owned_fields). */
#include "util.h"
#include "config.h"
#include "launch.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- building a config ------------------------------------------------- */

/* What every configuration starts from, whichever front end fills it: the
 * caller's directory and ids, the host's root, no fd given (-1), the 2 s
 * grace after a timeout.  Each front end then sets its own defaults. */
void config_defaults(struct config *cfg)
{
	char *cwd = getcwd(NULL, 0);
	cfg->cwd = cwd ? cwd : xstrdup("/");
	cfg->rootfs = xstrdup("/");
	cfg->outer_uid = cfg->uid = getuid();
	cfg->outer_gid = cfg->gid = getgid();
	cfg->kill_after = 2;
	cfg->status_fd = -1;
	cfg->block_fd = cfg->userns_block_fd = cfg->info_fd = cfg->json_status_fd = -1;
	cfg->userns_fd = cfg->userns2_fd = cfg->pidns_fd = -1;
}

/* A step appended to the list *ops of *n; it takes src and dst
 * (absolute). */
struct mount_op *push_mount_op(struct mount_op **ops, size_t *n, enum mount_kind kind, char *src, char *dst)
{
	*ops = grow(*ops, n, sizeof **ops);
	struct mount_op *op = &(*ops)[*n - 1];
	op->kind = kind;
	op->src = src;
	op->dst = dst;
	op->mode = -1;
	return op;
}

/* The next step of the mount plan. */
struct mount_op *add_mount_op(struct config *cfg, enum mount_kind kind, char *src, char *dst)
{
	return push_mount_op(&cfg->mounts, &cfg->n_mounts, kind, src, dst);
}

/* The next change to the environment; name and value are copied. */
void add_env_op(struct config *cfg, enum env_kind kind, const char *name, const char *value)
{
	cfg->env_ops = grow(cfg->env_ops, &cfg->n_env_ops, sizeof *cfg->env_ops);
	struct env_op *op = &cfg->env_ops[cfg->n_env_ops - 1];
	op->kind = kind;
	op->name = name ? xstrdup(name) : NULL;
	op->value = value ? xstrdup(value) : NULL;
}

void add_fd(int **list, size_t *n, int fd)
{
	*list = grow(*list, n, sizeof **list);
	(*list)[*n - 1] = fd;
}

void add_string(char ***list, size_t *n, char *s)
{
	*list = grow(*list, n, sizeof **list);
	(*list)[*n - 1] = s;
}

/* One limit per resource: a later --rlimit (the command line after the
 * policies, or after the default core=0) replaces the earlier one, since a
 * hard limit, once lowered in the payload, could not be raised again. */
void put_rlimit(struct config *cfg, struct rlimit_op op)
{
	for (size_t i = 0; i < cfg->n_rlimits; i++)
		if (cfg->rlimits[i].resource == op.resource) {
			cfg->rlimits[i] = op;
			return;
		}
	cfg->rlimits = grow(cfg->rlimits, &cfg->n_rlimits, sizeof *cfg->rlimits);
	cfg->rlimits[cfg->n_rlimits - 1] = op;
}

/* ---- --print-policy ---------------------------------------------------- */

/* The shortest %g of v that reads back as v (plain %g keeps 6 digits:
 * --timeout 1234567 would print as 1.23457e+06). */
static void format_double(char *buf, size_t size, double v, const char *suffix)
{
	for (int digits = 6; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g%s", digits, v, suffix);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* Print a word so that split_words reads it back unchanged. */
static void print_word(const char *w)
{
	if (w[0] && !strpbrk(w, " \t\r\"'#\\")) {
		printf(" %s", w);
		return;
	}
	putchar(' ');
	putchar('"');
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			putchar('\\');
		putchar(*w);
	}
	putchar('"');
}

static void print_line(const char *name, const char *a, const char *b)
{
	printf("%s", name);
	if (a)
		print_word(a);
	if (b)
		print_word(b);
	putchar('\n');
}

static void print_number(const char *name, long long v)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", v);
	print_line(name, num, NULL);
}

/* Where each policy came from, as comments: a control character in a path
 * must not end the comment and start a line that reads back. */
static void print_origins(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_policy_origins; i++) {
		fputs("# policy ", stdout);
		for (const unsigned char *c = (const unsigned char *)cfg->policy_origins[i]; *c; c++)
			putchar(*c < 0x20 || *c == 0x7f ? '?' : *c);
		putchar('\n');
	}
}

static void print_mounts(const struct config *cfg)
{
	static const char *const mount_names[] = { "bind", "ro-bind", "tmpfs", "dev-bind", "proc", "dev", "mqueue",
						   "dir", "symlink", "chmod", "file", "bind-data", "remount-ro", "overlay",
						   "mask" };
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *op = &cfg->mounts[i];
		/* SRC alone when DST is the same path: SRC:DST would not read
		 * back when the path has a ':' (bind takes the last ':' before
		 * a '/' as the separator). */
		bool same = (op->kind == MOUNT_BIND || op->kind == MOUNT_RO_BIND) && op->src &&
			    strcmp(op->src, op->dst) == 0;
		char *arg = op->src && !same ? xasprintf("%s:%s", op->src, op->dst) : xstrdup(op->dst);
		print_line(mount_names[op->kind], arg, NULL);
		free(arg);
	}
}

/* The filesystem beyond the mount plan, the ids and the network. */
static void print_namespaces(const struct config *cfg)
{
	static const char *const net_names[] = { "none", "host", "user" };
	static const char *const map_names[] = { "none", "auto", "required" };
	if (cfg->chdir)
		print_line("chdir", cfg->chdir, NULL);
	print_line("hostname", cfg->hostname, NULL);
	print_number("uid", cfg->uid);
	print_number("gid", cfg->gid);
	print_line("net", net_names[cfg->net], NULL);
	for (size_t i = 0; i < cfg->n_publish; i++)
		print_line("publish", cfg->publish[i], NULL);
	if (cfg->map_users != MAP_USERS_NONE)
		print_line("map-users", map_names[cfg->map_users], NULL);
	if (cfg->hide_home)
		print_line("hide-home", NULL, NULL);
	for (size_t i = 0; i < cfg->n_home_ro; i++)
		print_line("home-ro", cfg->home_ro[i], NULL);
	if (cfg->protect_git)
		print_line("protect-git", NULL, NULL);
	if (cfg->overlay_upper)
		print_line("overlay-upper", cfg->overlay_upper, NULL);
	else if (cfg->overlay)
		print_line("overlay", NULL, NULL);
	if (cfg->tmpfs_size)
		print_number("tmpfs-size", cfg->tmpfs_size);
	if (cfg->overlay_size)
		print_number("overlay-size", cfg->overlay_size);
}

static void print_limits(const struct config *cfg)
{
	char num[32];
	if (cfg->memory)
		print_number("memory", cfg->memory);
	if (cfg->memory_swap) /* -1 stands for "memory-swap 0" (no swap at all) */
		print_number("memory-swap", cfg->memory_swap < 0 ? 0 : cfg->memory_swap);
	if (cfg->pids)
		print_number("pids", cfg->pids);
	if (cfg->cpus > 0) {
		format_double(num, sizeof num, cfg->cpus, "");
		print_line("cpus", num, NULL);
	}
	if (cfg->timeout > 0) {
		format_double(num, sizeof num, cfg->timeout, "s");
		print_line("timeout", num, NULL);
	}
	format_double(num, sizeof num, cfg->kill_after, "s");
	print_line("kill-after", num, NULL);
	if (cfg->die_with_parent)
		print_line("die-with-parent", NULL, NULL);
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		char soft[24], hard[24];
		const struct rlimit_op *r = &cfg->rlimits[i];
		snprintf(soft, sizeof soft, r->soft == RLIM_INFINITY ? "unlimited" : "%llu", r->soft);
		snprintf(hard, sizeof hard, r->hard == RLIM_INFINITY ? "unlimited" : "%llu", r->hard);
		char *arg = xasprintf("%s=%s:%s", rlimit_name(r->resource), soft, hard);
		print_line("rlimit", arg, NULL);
		free(arg);
	}
	if (cfg->cgroup)
		print_line("cgroup", cfg->cgroup, NULL);
	if (cfg->limits_set)
		print_line("limits", cfg->limits == LIMITS_STRICT ? "strict" : "best-effort", NULL);
}

/* The effective configuration as a policy that, fed back, gives the same
 * sandbox (everything absolute, every default spelled out). */
void print_policy(const struct config *cfg)
{
	static const char *const env_names[] = { "setenv", "unsetenv", "keep-env", "clearenv" };
	print_origins(cfg);
	printf("# sbx %s: effective policy\n", SBX_VERSION);
	print_line("rootfs", cfg->rootfs, NULL);
	print_mounts(cfg);
	print_namespaces(cfg);
	for (size_t i = 0; i < cfg->n_env_ops; i++)
		print_line(env_names[cfg->env_ops[i].kind], cfg->env_ops[i].name, cfg->env_ops[i].value);
	for (size_t i = 0; i < cfg->n_keep_fds; i++)
		print_number("keep-fd", cfg->keep_fds[i]);
	print_limits(cfg);
	print_line("seccomp", cfg->seccomp, NULL);
	for (size_t i = 0; i < cfg->n_seccomp_allow; i++)
		print_line("seccomp-allow", cfg->seccomp_allow[i], NULL);
	for (size_t i = 0; i < cfg->n_seccomp_deny; i++)
		print_line("seccomp-deny", cfg->seccomp_deny[i], NULL);
	if (cfg->seccomp_log)
		print_line("seccomp-log", NULL, NULL);
}

/* The variables that pass by default: what a program needs to behave as in
 * the caller's terminal, and nothing that usually carries a secret.  The
 * locale's LC_ names are the categories of locale(7), not any LC_ prefix:
 * ssh's SendEnv LC_* passes arbitrary LC_ variables, and tools hide tokens
 * in them for that reason (LC_SSH_TOKEN=...). */
static bool allowed_by_default(const char *entry)
{
	/* Each with its length: the caller's every variable is looked up. */
#define N(name) { name, sizeof name - 1 }
	static const struct {
		const char *name;
		size_t len;
	} names[] = {
		N("PATH"), N("TERM"), N("COLORTERM"), N("LANG"), N("LANGUAGE"), N("TZ"), N("HOME"),
		N("USER"), N("LOGNAME"), N("SHELL"), N("NO_COLOR"),
		N("LC_ALL"), N("LC_CTYPE"), N("LC_NUMERIC"), N("LC_TIME"), N("LC_COLLATE"),
		N("LC_MONETARY"), N("LC_MESSAGES"), N("LC_PAPER"), N("LC_NAME"), N("LC_ADDRESS"),
		N("LC_TELEPHONE"), N("LC_MEASUREMENT"), N("LC_IDENTIFICATION"),
	};
#undef N
	size_t len = strcspn(entry, "=");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].len == len && memcmp(entry, names[i].name, len) == 0)
			return true;
	return false;
}

/* The entry NAME=... where NAME is name's first len bytes. */
static char **env_find_len(char **env, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return &env[i];
	return NULL;
}

static char **env_find(char **env, size_t n, const char *name)
{
	return env_find_len(env, n, name, strlen(name));
}

static void env_put(char ***env, size_t *n, char *entry)
{
	char **slot = env_find_len(*env, *n, entry, strcspn(entry, "="));
	if (slot) {
		free(*slot);
		*slot = entry;
		return;
	}
	*env = grow(*env, n, sizeof **env);
	(*env)[*n - 1] = entry;
}

static void env_remove(char **env, size_t *n, const char *name)
{
	char **slot = env_find(env, *n, name);
	if (!slot)
		return;
	free(*slot);
	*slot = env[*n - 1];
	env[--*n] = NULL;
}

/* A --keep-env NAME that ends in '*' is a pattern: every name that starts
 * with what comes before it.  options.c checks the rest of its form. */
static bool is_env_pattern(const char *name)
{
	size_t len = strlen(name);
	return len > 0 && name[len - 1] == '*';
}

/* Whether NAME[at..at+wlen) is a word part: no letter on either side
 * (GH_PAT, PAT_2, but not PATH or DISPATCH). */
static bool whole_word(const char *name, size_t len, size_t at, size_t wlen)
{
	return (at == 0 || !isalpha((unsigned char)name[at - 1])) &&
	       (at + wlen == len || !isalpha((unsigned char)name[at + wlen]));
}

/* Whether a variable's name says it holds a secret.  A --keep-env pattern
 * (RBENV_*) passes a suite's own settings, which can include its tokens
 * (RBENV_GITHUB_TOKEN): such a name passes only when named exactly.  Case
 * does not matter (npm_config__auth).  Most words count anywhere in the
 * name (MYSQL_PWD, CI_JOB_JWT, SENTRY_DSN); PAT (a personal access token:
 * GH_PAT) only as a word part of its own, so that PATH passes.  PWD and
 * OLDPWD are the shell's directories, not passwords. */
static bool looks_secret(const char *name, size_t len)
{
	static const char *const words[] = {
		"TOKEN", "SECRET", "PASS", "KEY", "CRED", "AUTH", "COOKIE", "SESSION", "PRIVATE",
		"PWD", "JWT", "DSN", "WEBHOOK", "LOGIN", "CERT", "SIGNING",
	};
	static const char *const whole_words[] = { "PAT" };
	if ((len == 3 && strncmp(name, "PWD", 3) == 0) || (len == 6 && strncmp(name, "OLDPWD", 6) == 0))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		size_t wlen = strlen(words[i]);
		for (size_t at = 0; at + wlen <= len; at++)
			if (strncasecmp(name + at, words[i], wlen) == 0)
				return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(whole_words); i++) {
		size_t wlen = strlen(whole_words[i]);
		for (size_t at = 0; at + wlen <= len; at++)
			if (strncasecmp(name + at, whole_words[i], wlen) == 0 && whole_word(name, len, at, wlen))
				return true;
	}
	return false;
}

/* Whether a variable's value holds a URL with a password in it
 * (https://gitlab-ci-token:TOKEN@host/, postgres://user:pw@db/): anywhere
 * in the value, a "://" whose authority (up to the next '/', '?', '#',
 * blank or the end) has a userinfo part, before its last '@', with a ':'
 * in it, even an empty password.  A user alone (ssh://git@host/) is no
 * password. */
static bool value_has_password(const char *value)
{
	for (const char *p = strstr(value, "://"); p; p = strstr(p, "://")) {
		p += 3;
		size_t alen = strcspn(p, "/?# \t\n\r\v\f");
		const char *at = NULL;
		for (size_t i = 0; i < alen; i++)
			if (p[i] == '@')
				at = p + i;
		if (at && memchr(p, ':', (size_t)(at - p)))
			return true;
	}
	return false;
}

/* The caller's variables whose names start with PATTERN's prefix (PATTERN
 * less its trailing '*'), into env; those whose name looks like a secret's
 * or whose value holds a password are left out, and said so (never with
 * the value) under --verbose. */
static void keep_env_pattern(char ***env, size_t *n, const char *pattern, bool verbose)
{
	size_t plen = strlen(pattern) - 1;
	for (char **e = environ; e && *e; e++) {
		size_t len = strcspn(*e, "=");
		if (len < plen || strncmp(*e, pattern, plen) != 0 || !(*e)[len])
			continue;
		const char *why = NULL;
		if (looks_secret(*e, len))
			why = "whose name looks like a secret's";
		else if (value_has_password(*e + len + 1))
			why = "whose value holds a URL with a password";
		if (why) {
			if (verbose)
				fprintf(stderr, "sbx: --keep-env '%s': not passing %.*s, %s (--keep-env %.*s passes it)\n",
					pattern, (int)len, *e, why, (int)len, *e);
			continue;
		}
		env_put(env, n, xstrdup(*e));
	}
}

/* The command's environment: the allow-list from the caller, then the
 * --setenv/--unsetenv/--keep-env/--clearenv operations in order, then a
 * standard PATH if the caller had none (unless --clearenv asked for nothing).
 * Everything is copied. */
void build_environment(const struct config *cfg, struct launch *l)
{
	char **env = NULL;
	size_t n = 0;
	bool cleared = false;
	for (char **e = environ; e && *e; e++)
		if (cfg->inherit_env || allowed_by_default(*e))
			env_put(&env, &n, xstrdup(*e));
	for (size_t i = 0; i < cfg->n_env_ops; i++) {
		const struct env_op *op = &cfg->env_ops[i];
		switch (op->kind) {
		case ENV_SET:
			env_put(&env, &n, xasprintf("%s=%s", op->name, op->value));
			break;
		case ENV_UNSET:
			env_remove(env, &n, op->name);
			break;
		case ENV_KEEP: {
			if (is_env_pattern(op->name)) {
				keep_env_pattern(&env, &n, op->name, cfg->verbose);
				break;
			}
			const char *v = getenv(op->name);
			if (v)
				env_put(&env, &n, xasprintf("%s=%s", op->name, v));
			break;
		}
		case ENV_CLEAR:
			for (size_t k = 0; k < n; k++)
				free(env[k]);
			n = 0;
			cleared = true;
			break;
		}
	}
	if (!cleared && !cfg->inherit_env && !env_find(env, n, "PATH"))
		env_put(&env, &n, xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	env = grow(env, &n, sizeof *env); /* NULL terminator */
	l->envp = env;
}

void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* An element of the arrays struct config owns, freed of its own memory. */
static void free_string(void *e)
{
	free(*(char **)e);
}

static void free_env_op(void *e)
{
	struct env_op *op = e;
	free(op->name);
	free(op->value);
}

static void free_bpf_program(void *e)
{
	free(((struct bpf_program *)e)->insns);
}

void free_mount_op(struct mount_op *op)
{
	free(op->src);
	free(op->dst);
	free(op->data);
	free_list(op->layers, op->n_layers);
	free(op->work);
}

static void free_mount_step(void *e)
{
	free_mount_op(e);
}

/* What struct config owns: free_config walks this table, so each kind of
 * field is freed in one place.  A pointer field of struct config that is
 * not here fails tests/owned-fields (make check). */
struct owned_field {
	size_t at;                     /* offsetof the field */
	size_t count_at;               /* offsetof its size_t count; 0: none */
	bool null_terminated;          /* no count: the elements end at a NULL */
	size_t size;                   /* an element's size, with free_each */
	void (*free_each)(void *elem); /* NULL: the elements own nothing */
};

#define AT(field) offsetof(struct config, field)
#define SIZE(field) sizeof *((struct config *)0)->field
#define OWN(field) { AT(field), 0, false, 0, NULL }
#define OWN_EACH(field, count, each) { AT(field), AT(count), false, SIZE(field), each }
#define OWN_ARGV(field) { AT(field), 0, true, SIZE(field), free_string }
static const struct owned_field owned_fields[] = {
	OWN(rootfs),
	OWN_EACH(mounts, n_mounts, free_mount_step),
	OWN_EACH(env_ops, n_env_ops, free_env_op),
	OWN(keep_fds),
	OWN(hostname),
	OWN(chdir),
	OWN(cwd),
	OWN_EACH(publish, n_publish, free_string),
	OWN(overlay_upper),
	OWN_EACH(home_ro, n_home_ro, free_string),
	OWN(git_work_tree),
	OWN(git_kept),
	OWN_EACH(git_absent, n_git_absent, free_string),
	OWN(seccomp),
	OWN_EACH(seccomp_allow, n_seccomp_allow, free_string),
	OWN_EACH(seccomp_deny, n_seccomp_deny, free_string),
	OWN(seccomp_export),
	OWN_EACH(policy_origins, n_policy_origins, free_string),
	OWN(cgroup),
	OWN(rlimits),
	OWN(status_json),
	OWN_ARGV(argv),
	OWN(argv0),
	OWN(close_fds),
	OWN_EACH(lock_files, n_lock_files, free_string),
	OWN_EACH(bpf_programs, n_bpf_programs, free_bpf_program),
};

/* Everything a front end allocated, by the table above. */
void free_config(struct config *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(owned_fields); i++) {
		const struct owned_field *f = &owned_fields[i];
		char *p;
		size_t n = 0;
		memcpy(&p, (char *)cfg + f->at, sizeof p);
		if (f->count_at)
			memcpy(&n, (char *)cfg + f->count_at, sizeof n);
		while (f->null_terminated && p && ((char **)p)[n])
			n++;
		for (size_t k = 0; f->free_each && k < n; k++)
			f->free_each(p + k * f->size);
		free(p);
	}
	memset(cfg, 0, sizeof *cfg);
}

void free_launch(struct launch *l)
{
	free_argv(l->envp);
	l->envp = NULL;
}
