/* options.c: the option table, the command-line parser, and the
 * environment the command will get.  One table serves every option so each is
 * defined and documented once. */
#include "sbx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

struct option_def {
	const char *name;
	int nargs;
	int (*apply)(struct config *cfg, char **args);
	const char *args_help;
	const char *help;
};

/* Make path absolute against the caller's cwd and fold "." and ".."
 * lexically (no symlinks followed: the path names a place inside the
 * sandbox, where the host's symlinks mean nothing). */
static char *lexical_abspath(const struct config *cfg, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cfg->cwd, path);
	char *out = xcalloc(1, strlen(joined) + 2);
	size_t len = 0;
	for (char *save, *part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "/%s", part);
	}
	if (len == 0)
		strcpy(out, "/");
	free(joined);
	return out;
}

static int parse_id(const char *opt, const char *text, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || v >= UINT_MAX)
		return failx("--%s: '%s' is not a valid id", opt, text);
	*out = (unsigned)v;
	return 0;
}

static void add_mount(struct config *cfg, enum mount_kind kind, char *src, char *dst)
{
	cfg->mounts = grow(cfg->mounts, &cfg->n_mounts, sizeof *cfg->mounts);
	struct mount_op *op = &cfg->mounts[cfg->n_mounts - 1];
	op->kind = kind;
	op->src = src;
	op->dst = dst;
}

/* SRC[:DST].  DST, when given, is absolute, so a ':' followed by '/' splits;
 * any other ':' belongs to the source path. */
static int add_bind(struct config *cfg, enum mount_kind kind, const char *opt, const char *arg)
{
	char *given = xstrdup(arg), *dst = NULL;
	char *colon = strrchr(given, ':');
	if (colon && colon[1] == '/') {
		*colon = '\0';
		dst = lexical_abspath(cfg, colon + 1);
	}
	if (!given[0]) {
		free(given);
		free(dst);
		return failx("--%s: '%s': empty source", opt, arg);
	}
	char *src = realpath(given, NULL);
	if (!src) {
		fail("--%s: source %s", opt, given);
		free(given);
		free(dst);
		return -1;
	}
	if (!dst)
		dst = lexical_abspath(cfg, given);
	free(given);
	add_mount(cfg, kind, src, dst);
	return 0;
}

static int opt_rootfs(struct config *cfg, char **a)
{
	char *path = realpath(a[0], NULL);
	if (!path)
		return fail("--rootfs %s", a[0]);
	struct stat st;
	if (stat(path, &st) < 0) {
		free(path);
		return fail("--rootfs %s", a[0]);
	}
	if (!S_ISDIR(st.st_mode)) {
		free(path);
		return failx("--rootfs %s: not a directory", a[0]);
	}
	free(cfg->rootfs);
	cfg->rootfs = path;
	return 0;
}

static int opt_bind(struct config *cfg, char **a) { return add_bind(cfg, MOUNT_BIND, "bind", a[0]); }
static int opt_ro_bind(struct config *cfg, char **a) { return add_bind(cfg, MOUNT_RO_BIND, "ro-bind", a[0]); }

static int opt_tmpfs(struct config *cfg, char **a)
{
	add_mount(cfg, MOUNT_TMPFS, NULL, lexical_abspath(cfg, a[0]));
	return 0;
}

static int opt_bind_cwd(struct config *cfg, char **a)
{
	(void)a;
	add_mount(cfg, MOUNT_BIND, xstrdup(cfg->cwd), xstrdup(cfg->cwd));
	free(cfg->chdir);
	cfg->chdir = xstrdup(cfg->cwd);
	return 0;
}

static int opt_chdir(struct config *cfg, char **a)
{
	free(cfg->chdir);
	cfg->chdir = lexical_abspath(cfg, a[0]);
	return 0;
}

static int opt_hostname(struct config *cfg, char **a)
{
	size_t len = strlen(a[0]);
	if (len == 0 || len > 64)
		return failx("--hostname: '%s' must be 1 to 64 characters", a[0]);
	free(cfg->hostname);
	cfg->hostname = xstrdup(a[0]);
	return 0;
}

static int opt_uid(struct config *cfg, char **a) { return parse_id("uid", a[0], &cfg->uid); }
static int opt_gid(struct config *cfg, char **a) { return parse_id("gid", a[0], &cfg->gid); }

static int valid_env_name(const char *name)
{
	return name[0] && !strchr(name, '=');
}

static int add_env(struct config *cfg, enum env_kind kind, const char *opt, const char *name, const char *value)
{
	if (kind != ENV_CLEAR && !valid_env_name(name))
		return failx("--%s: '%s' is not a valid variable name", opt, name);
	cfg->env_ops = grow(cfg->env_ops, &cfg->n_env_ops, sizeof *cfg->env_ops);
	struct env_op *op = &cfg->env_ops[cfg->n_env_ops - 1];
	op->kind = kind;
	op->name = name ? xstrdup(name) : NULL;
	op->value = value ? xstrdup(value) : NULL;
	return 0;
}

static int opt_setenv(struct config *cfg, char **a) { return add_env(cfg, ENV_SET, "setenv", a[0], a[1]); }
static int opt_unsetenv(struct config *cfg, char **a) { return add_env(cfg, ENV_UNSET, "unsetenv", a[0], NULL); }
static int opt_keep_env(struct config *cfg, char **a) { return add_env(cfg, ENV_KEEP, "keep-env", a[0], NULL); }
static int opt_clearenv(struct config *cfg, char **a)
{
	(void)a;
	return add_env(cfg, ENV_CLEAR, "clearenv", NULL, NULL);
}

static int opt_keep_fd(struct config *cfg, char **a)
{
	char *end;
	errno = 0;
	long fd = strtol(a[0], &end, 10);
	if (!a[0][0] || *end || errno || fd < 0 || fd > INT_MAX)
		return failx("--keep-fd: '%s' is not a file descriptor number", a[0]);
	if (fcntl((int)fd, F_GETFD) < 0)
		return fail("--keep-fd %ld", fd);
	cfg->keep_fds = grow(cfg->keep_fds, &cfg->n_keep_fds, sizeof *cfg->keep_fds);
	cfg->keep_fds[cfg->n_keep_fds - 1] = (int)fd;
	return 0;
}

static int opt_net(struct config *cfg, char **a)
{
	if (strcmp(a[0], "none") == 0)
		cfg->net = NET_NONE;
	else if (strcmp(a[0], "host") == 0)
		cfg->net = NET_HOST;
	else
		return failx("--net: '%s': expected none or host", a[0]);
	return 0;
}

static int opt_seccomp(struct config *cfg, char **a)
{
	if (strcmp(a[0], "default") == 0)
		cfg->seccomp = SECCOMP_DEFAULT;
	else if (strcmp(a[0], "none") == 0)
		cfg->seccomp = SECCOMP_NONE;
	else
		return failx("--seccomp: '%s': expected default or none", a[0]);
	return 0;
}

static const struct option_def options[] = {
	{ "rootfs", 1, opt_rootfs, "DIR", "use DIR as the root, read-only (default: the host's /)" },
	{ "bind", 1, opt_bind, "SRC[:DST]", "bind SRC read-write at DST (default: the same path)" },
	{ "ro-bind", 1, opt_ro_bind, "SRC[:DST]", "bind SRC read-only at DST" },
	{ "tmpfs", 1, opt_tmpfs, "DST", "mount a fresh tmpfs at DST" },
	{ "bind-cwd", 0, opt_bind_cwd, "", "bind the current directory read-write and start there" },
	{ "chdir", 1, opt_chdir, "DIR", "start the command in DIR" },
	{ "hostname", 1, opt_hostname, "NAME", "host name inside (default: sbx)" },
	{ "uid", 1, opt_uid, "N", "user id inside (default: yours; 0 makes the command root in its namespace)" },
	{ "gid", 1, opt_gid, "N", "group id inside (default: yours)" },
	{ "net", 1, opt_net, "none|host", "none: only loopback (default); host: share the host network" },
	{ "setenv", 2, opt_setenv, "NAME VALUE", "set an environment variable" },
	{ "unsetenv", 1, opt_unsetenv, "NAME", "remove an environment variable" },
	{ "keep-env", 1, opt_keep_env, "NAME", "pass the caller's NAME through" },
	{ "clearenv", 0, opt_clearenv, "", "start from an empty environment" },
	{ "keep-fd", 1, opt_keep_fd, "N", "pass file descriptor N to the command" },
	{ "seccomp", 1, opt_seccomp, "default|none", "system call filter (default: default)" },
};

void print_usage(void)
{
	printf("usage: sbx [OPTIONS] [--] COMMAND [ARG...]\n"
	       "Run COMMAND in a rootless sandbox: its own user, PID, mount, UTS, IPC,\n"
	       "network and cgroup namespaces, a read-only root, no capabilities.\n\n");
	for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
		char left[64];
		snprintf(left, sizeof left, "--%s %s", options[i].name, options[i].args_help);
		printf("  %-26s %s\n", left, options[i].help);
	}
	printf("  %-26s %s\n  %-26s %s\n", "--help", "show this help", "--version", "show the version");
	printf("\nExit status: the command's; 128+N if it died of signal N; 125 if sbx failed;\n"
	       "126 if the command could not be run; 127 if it was not found.\n");
}

static const struct option_def *find_option(const char *name)
{
	for (size_t i = 0; i < sizeof options / sizeof *options; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

static void set_defaults(struct config *cfg)
{
	char *cwd = getcwd(NULL, 0);
	cfg->cwd = cwd ? cwd : xstrdup("/");
	cfg->rootfs = xstrdup("/");
	cfg->hostname = xstrdup("sbx");
	cfg->outer_uid = cfg->uid = getuid();
	cfg->outer_gid = cfg->gid = getgid();
	cfg->net = NET_NONE;
	cfg->seccomp = SECCOMP_DEFAULT;
}

/* Returns 0 to run a command, 1 when --help or --version was handled, -1 on
 * error (recorded). */
int parse_options(struct config *cfg, int argc, char **argv)
{
	set_defaults(cfg);
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
		const char *name = argv[i] + 2;
		if (!*name) {
			i++;
			break;
		}
		if (strcmp(name, "help") == 0) {
			print_usage();
			return 1;
		}
		if (strcmp(name, "version") == 0) {
			printf("sbx %s\n", SBX_VERSION);
			return 1;
		}
		const struct option_def *def = find_option(name);
		if (!def) {
			set_hint("see 'sbx --help'");
			return failx("unknown option --%s", name);
		}
		if (argc - i - 1 < def->nargs)
			return failx("--%s: missing argument (expected %s)", name, def->args_help);
		if (def->apply(cfg, argv + i + 1) < 0)
			return -1;
		i += 1 + def->nargs;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i - 1], "--") != 0) {
		set_hint("see 'sbx --help'");
		return failx("unknown option %s", argv[i]);
	}
	if (i >= argc) {
		set_hint("usage: sbx [OPTIONS] [--] COMMAND [ARG...]");
		return failx("no command given");
	}
	/* Copies, so init can scrub the caller's argv and environment. */
	cfg->argv = xcalloc((size_t)(argc - i + 1), sizeof *cfg->argv);
	for (int j = i; j < argc; j++)
		cfg->argv[j - i] = xstrdup(argv[j]);
	return 0;
}

/* The variables that pass by default: what a program needs to behave as in
 * the caller's terminal, and nothing that usually carries a secret. */
static bool allowed_by_default(const char *entry)
{
	static const char *const names[] = {
		"PATH", "TERM", "COLORTERM", "LANG", "LANGUAGE", "TZ", "HOME",
		"USER", "LOGNAME", "SHELL", "NO_COLOR",
	};
	if (strncmp(entry, "LC_", 3) == 0)
		return true;
	size_t len = strcspn(entry, "=");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == len && strncmp(entry, names[i], len) == 0)
			return true;
	return false;
}

static char **env_find(char **env, size_t n, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return &env[i];
	return NULL;
}

static void env_put(char ***env, size_t *n, char *entry)
{
	size_t len = strcspn(entry, "=");
	char *name = xasprintf("%.*s", (int)len, entry);
	char **slot = env_find(*env, *n, name);
	free(name);
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

/* The command's environment: the allow-list from the caller, then the
 * --setenv/--unsetenv/--keep-env/--clearenv operations in order, then a
 * standard PATH if the caller had none (unless --clearenv asked for nothing).
 * Everything is copied. */
void build_environment(struct config *cfg)
{
	char **env = NULL;
	size_t n = 0;
	bool cleared = false;
	for (char **e = environ; e && *e; e++)
		if (allowed_by_default(*e))
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
	if (!cleared && !env_find(env, n, "PATH"))
		env_put(&env, &n, xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	env = grow(env, &n, sizeof *env); /* NULL terminator */
	cfg->envp = env;
}
