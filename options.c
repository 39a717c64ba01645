/* options.c: sbx's option table: every option, what it records in the
 * config as it is read (config.c's builders, values.c's parsers) and what
 * it checks of the host once the last one is read; the --help text and
 * the "did you mean" hint drawn from it.  One table serves the command
 * line and the policy files (optparse.c reads both through it), so each
 * option is defined and documented once. */
#include "util.h"
#include "config.h"
#include "options.h"
#include "optiondef.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* "/etc/hostname:etc/x", "a:" where "a" exists and "a:..." does not: SRC
 * with a DST that is not absolute, which sbx would otherwise take for one
 * source path and report missing. */
static int refuse_relative_dst(const char *opt, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	if (!colon || colon == arg || access(arg, F_OK) == 0)
		return 0;
	char *src = xasprintf("%.*s", (int)(colon - arg), arg);
	bool src_exists = access(src, F_OK) == 0;
	if (src_exists && colon[1])
		set_hint("a destination is a path inside the sandbox, from its root: --%s %s:/%s", opt, src, colon + 1);
	free(src);
	if (!src_exists)
		return 0;
	if (!colon[1])
		return failx("--%s %s: empty destination after ':'", opt, arg);
	return failx("--%s %s: destination '%s' is not an absolute path", opt, arg, colon + 1);
}

/* SRC[:DST].  DST, when given, is absolute, so a ':' followed by '/' splits;
 * any other ':' belongs to the source path.  The source as written (the
 * destination when *dst is NULL), malloc'd. */
static char *split_bind(const char *arg, const char **dst)
{
	char *src = xstrdup(arg);
	char *colon = strrchr(src, ':');
	*dst = NULL;
	if (colon && colon[1] == '/') {
		*colon = '\0';
		*dst = arg + (colon - src) + 1;
	}
	return src;
}

/* The step goes into the mount plan now, in its place; its source, as
 * written until then, is looked up by resolve_bind. */
static int add_bind(struct config *cfg, enum mount_kind kind, const char *opt, const char *arg)
{
	const char *dst;
	char *given = split_bind(arg, &dst);
	if (!given[0]) {
		free(given);
		return failx("--%s: '%s': empty source", opt, arg);
	}
	add_mount_op(cfg, kind, given, lexical_abspath(cfg, dst ? dst : given));
	return 0;
}

/* The source of a --bind or --ro-bind step, made absolute with symlinks
 * resolved; and a DST that is not absolute refused, now that the source
 * can be looked at. */
static int resolve_bind(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)cfg;
	const char *opt = op->kind == MOUNT_BIND ? "bind" : "ro-bind", *dst;
	char *given = split_bind(arg, &dst);
	if (!dst && refuse_relative_dst(opt, arg) < 0) {
		free(given);
		return -1;
	}
	char *src = realpath(given, NULL);
	if (!src)
		fail("--%s: source %s", opt, given);
	free(given);
	if (!src)
		return -1;
	free(op->src);
	op->src = src;
	return 0;
}

static int resolve_rootfs(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)op;
	char *path = realpath(arg, NULL);
	if (!path)
		return fail("--rootfs %s", arg);
	struct stat st;
	if (stat(path, &st) < 0) {
		free(path);
		return fail("--rootfs %s", arg);
	}
	if (!S_ISDIR(st.st_mode)) {
		free(path);
		return failx("--rootfs %s: not a directory", arg);
	}
	free(cfg->rootfs);
	cfg->rootfs = path;
	return 0;
}

static int opt_bind(struct config *cfg, char **a) { return add_bind(cfg, MOUNT_BIND, "bind", a[0]); }
static int opt_ro_bind(struct config *cfg, char **a) { return add_bind(cfg, MOUNT_RO_BIND, "ro-bind", a[0]); }

static int opt_tmpfs(struct config *cfg, char **a)
{
	/* "" would mean the current directory: surely a mistake */
	if (!a[0][0])
		return failx("--tmpfs: empty path");
	/* a destination is a place inside the sandbox: "--tmpfs cache" taken
	 * against the caller's cwd would be a guess */
	if (a[0][0] != '/') {
		set_hint("a destination is a path inside the sandbox, from its root: --tmpfs /%s, or --tmpfs \"$PWD/%s\"",
			 a[0], a[0]);
		return failx("--tmpfs %s: not an absolute path", a[0]);
	}
	add_mount_op(cfg, MOUNT_TMPFS, NULL, lexical_abspath(cfg, a[0]));
	return 0;
}

static int opt_bind_cwd(struct config *cfg, char **a)
{
	(void)a;
	add_mount_op(cfg, MOUNT_BIND, xstrdup(cfg->cwd), xstrdup(cfg->cwd));
	free(cfg->chdir);
	cfg->chdir = xstrdup(cfg->cwd);
	return 0;
}

/* Only a project's own directory: not /, /tmp, $HOME, /run... */
static int resolve_bind_cwd(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)arg;
	(void)op;
	return check_work_tree(cfg->cwd, cfg->outer_uid);
}

static int opt_hide_home(struct config *cfg, char **a)
{
	(void)a;
	cfg->hide_home = true;
	return 0;
}

static int opt_show_home(struct config *cfg, char **a)
{
	(void)a;
	cfg->hide_home = false;
	return 0;
}

static int opt_home_ro(struct config *cfg, char **a)
{
	if (!a[0][0])
		return failx("--home-ro: empty path");
	add_string(&cfg->home_ro, &cfg->n_home_ro, xstrdup(a[0]));
	return 0;
}

static int opt_protect_git(struct config *cfg, char **a)
{
	(void)a;
	cfg->protect_git = true;
	return 0;
}

static int opt_writable_git(struct config *cfg, char **a)
{
	(void)a;
	cfg->protect_git = false;
	return 0;
}

static int opt_chdir(struct config *cfg, char **a)
{
	if (!a[0][0])
		return failx("--chdir: empty path");
	free(cfg->chdir);
	cfg->chdir = lexical_abspath(cfg, a[0]);
	return 0;
}

static int opt_hostname(struct config *cfg, char **a)
{
	size_t len = strlen(a[0]);
	if (len == 0 || len > 64)
		return failx("--hostname: '%s' must be 1 to 64 characters", a[0]);
	/* a newline or an escape sequence in every prompt inside: no */
	for (const unsigned char *c = (const unsigned char *)a[0]; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return failx("--hostname: '%s' has a control character", a[0]);
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
	add_env_op(cfg, kind, name, value);
	return 0;
}

static int opt_setenv(struct config *cfg, char **a) { return add_env(cfg, ENV_SET, "setenv", a[0], a[1]); }
static int opt_unsetenv(struct config *cfg, char **a) { return add_env(cfg, ENV_UNSET, "unsetenv", a[0], NULL); }
/* --keep-env NAME, or PREFIX* for every name that starts with PREFIX (a
 * suite's own settings, RBENV_*): a '*' only at the end, after at least
 * one character, so that no pattern passes the whole environment. */
static int opt_keep_env(struct config *cfg, char **a)
{
	const char *star = strchr(a[0], '*');
	if (star && (star == a[0] || star[1])) {
		set_hint("a pattern is a prefix and one trailing '*': --keep-env 'RBENV_*'");
		return failx("--keep-env: '%s' is not a variable name or a PREFIX* pattern", a[0]);
	}
	return add_env(cfg, ENV_KEEP, "keep-env", a[0], NULL);
}
static int opt_clearenv(struct config *cfg, char **a)
{
	(void)a;
	return add_env(cfg, ENV_CLEAR, "clearenv", NULL, NULL);
}


static int opt_net(struct config *cfg, char **a)
{
	if (strcmp(a[0], "none") == 0)
		cfg->net = NET_NONE;
	else if (strcmp(a[0], "host") == 0)
		cfg->net = NET_HOST;
	else if (strcmp(a[0], "user") == 0)
		cfg->net = NET_USER;
	else
		return failx("--net: '%s': expected none, host or user", a[0]);
	return 0;
}

static int opt_seccomp(struct config *cfg, char **a)
{
	if (!a[0][0])
		return failx("--seccomp: empty list name");
	free(cfg->seccomp);
	cfg->seccomp = xstrdup(a[0]);
	cfg->seccomp_system = false; /* a system policy's line sets it after */
	return 0;
}

static int add_syscall_name(char ***list, size_t *n, const char *opt, const char *name)
{
	for (const char *c = name; *c; c++)
		if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			return failx("--%s: '%s' is not a system call name", opt, name);
	if (!name[0])
		return failx("--%s: empty system call name", opt);
	add_string(list, n, xstrdup(name));
	return 0;
}

static int opt_seccomp_allow(struct config *cfg, char **a)
{
	return add_syscall_name(&cfg->seccomp_allow, &cfg->n_seccomp_allow, "seccomp-allow", a[0]);
}

static int opt_seccomp_deny(struct config *cfg, char **a)
{
	return add_syscall_name(&cfg->seccomp_deny, &cfg->n_seccomp_deny, "seccomp-deny", a[0]);
}

static int opt_seccomp_log(struct config *cfg, char **a)
{
	(void)a;
	cfg->seccomp_log = true;
	return 0;
}

static int opt_seccomp_export(struct config *cfg, char **a)
{
	free(cfg->seccomp_export);
	cfg->seccomp_export = xstrdup(a[0]);
	return 0;
}

static int opt_print_policy(struct config *cfg, char **a)
{
	(void)a;
	cfg->print_policy = true;
	return 0;
}

/* A size that must be at least min bytes (a whole number of MiB): below
 * it, the likely slip is a missing unit ("--memory 512" is 512 bytes), and
 * the sandbox would die at its first allocation with no word why. */
static int parse_size_min(const char *opt, const char *text, long long *out, long long min)
{
	long long v;
	if (parse_size(opt, text, &v) < 0)
		return -1;
	if (v < min) {
		char amount[64];
		if (v < 1024 || strspn(text, "0123456789.") == strlen(text)) /* no unit: bytes, as given */
			snprintf(amount, sizeof amount, "%lld byte%s", v, v == 1 ? "" : "s");
		else if (v < 1024 * 1024)
			snprintf(amount, sizeof amount, "%.4g KiB", (double)v / 1024);
		else
			snprintf(amount, sizeof amount, "%.4g MiB", (double)v / (1024 * 1024));
		set_hint("sizes take K, M, G suffixes (512M, 2G); the smallest --%s is %lldM", opt, min >> 20);
		return failx("--%s %s: %s is below the %lld MiB minimum", opt, text, amount, min >> 20);
	}
	*out = v;
	return 0;
}

/* Docker and podman refuse less memory too: the dynamic loader and a shell
 * alone take a few MiB. */
#define MIN_MEMORY (6LL << 20)
#define MIN_TMPFS (1LL << 20)

static int opt_memory(struct config *cfg, char **a) { return parse_size_min("memory", a[0], &cfg->memory, MIN_MEMORY); }
static int opt_memory_swap(struct config *cfg, char **a)
{
	if (strcmp(a[0], "0") == 0) {
		cfg->memory_swap = -1;
		return 0;
	}
	return parse_size("memory-swap", a[0], &cfg->memory_swap);
}

static int opt_pids(struct config *cfg, char **a)
{
	char *end;
	errno = 0;
	long long v = strtoll(a[0], &end, 10);
	if (!a[0][0] || *end || errno || v < 1 || v > 4194304)
		return failx("--pids: '%s' is not a process count (1 to 4194304)", a[0]);
	cfg->pids = v;
	return 0;
}

static int opt_cpus(struct config *cfg, char **a)
{
	char *end;
	errno = 0;
	double v = strtod(a[0], &end);
	if (!a[0][0] || *end || errno || !(v >= 0.01) || v > 4096)
		return failx("--cpus: '%s' is not a CPU count (e.g. 0.5, 2)", a[0]);
	cfg->cpus = v;
	return 0;
}

static int opt_timeout(struct config *cfg, char **a) { return parse_duration("timeout", a[0], &cfg->timeout); }
static int opt_kill_after(struct config *cfg, char **a) { return parse_duration("kill-after", a[0], &cfg->kill_after); }

static int opt_die_with_parent(struct config *cfg, char **a)
{
	(void)a;
	cfg->die_with_parent = true;
	return 0;
}

static int opt_limits(struct config *cfg, char **a)
{
	if (strcmp(a[0], "strict") == 0)
		cfg->limits = LIMITS_STRICT;
	else if (strcmp(a[0], "best-effort") == 0)
		cfg->limits = LIMITS_BEST_EFFORT;
	else
		return failx("--limits: '%s': expected strict or best-effort", a[0]);
	cfg->limits_set = true;
	return 0;
}

static int resolve_cgroup(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)op;
	char *path = realpath(arg, NULL);
	if (!path)
		return fail("--cgroup %s", arg);
	free(cfg->cgroup);
	cfg->cgroup = path;
	return 0;
}

static int opt_rlimit(struct config *cfg, char **a)
{
	struct rlimit_op op;
	if (parse_rlimit("rlimit", a[0], &op) < 0)
		return -1;
	put_rlimit(cfg, op);
	return 0;
}

static int opt_status_json(struct config *cfg, char **a)
{
	if (!a[0][0])
		return failx("--status-json: empty file name");
	free(cfg->status_json);
	cfg->status_json = xstrdup(a[0]);
	return 0;
}

static int opt_status_fd(struct config *cfg, char **a)
{
	return parse_fd_number("--status-fd", a[0], &cfg->status_fd);
}

static int opt_keep_fd(struct config *cfg, char **a)
{
	int fd;
	if (parse_fd_number("--keep-fd", a[0], &fd) < 0)
		return -1;
	add_fd(&cfg->keep_fds, &cfg->n_keep_fds, fd);
	return 0;
}

/* --status-fd and --keep-fd name fds that must be open. */
static int resolve_status_fd(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)cfg;
	(void)op;
	int fd;
	return parse_fd("--status-fd", arg, &fd);
}

static int resolve_keep_fd(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)cfg;
	(void)op;
	int fd;
	return parse_fd("--keep-fd", arg, &fd);
}

static int opt_publish(struct config *cfg, char **a)
{
	unsigned host, inside;
	char proto[4] = "tcp";
	int used = 0;
	if (sscanf(a[0], "%u:%u%n", &host, &inside, &used) != 2 || host == 0 || host > 65535 || inside == 0 ||
	    inside > 65535 || (a[0][used] && strcmp(a[0] + used, "/tcp") != 0 && strcmp(a[0] + used, "/udp") != 0))
		return failx("--publish: '%s': expected HOST_PORT:SANDBOX_PORT[/tcp|/udp]", a[0]);
	if (a[0][used])
		memcpy(proto, a[0] + used + 1, 3);
	add_string(&cfg->publish, &cfg->n_publish, xasprintf("%u:%u/%s", host, inside, proto));
	return 0;
}

static int opt_map_users(struct config *cfg, char **a)
{
	if (strcmp(a[0], "auto") == 0)
		cfg->map_users = MAP_USERS_AUTO;
	else if (strcmp(a[0], "required") == 0)
		cfg->map_users = MAP_USERS_REQUIRED;
	else if (strcmp(a[0], "none") == 0)
		cfg->map_users = MAP_USERS_NONE;
	else
		return failx("--map-users: '%s': expected auto, required or none", a[0]);
	return 0;
}

static int opt_overlay(struct config *cfg, char **a)
{
	(void)a;
	cfg->overlay = true;
	return 0;
}

static int opt_overlay_size(struct config *cfg, char **a)
{
	return parse_size_min("overlay-size", a[0], &cfg->overlay_size, MIN_TMPFS);
}

static int opt_tmpfs_size(struct config *cfg, char **a)
{
	return parse_size_min("tmpfs-size", a[0], &cfg->tmpfs_size, MIN_TMPFS);
}

static int resolve_overlay_upper(struct config *cfg, const char *arg, struct mount_op *op)
{
	(void)op;
	char *path = realpath(arg, NULL);
	if (!path)
		return fail("--overlay-upper %s", arg);
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(path);
		return failx("--overlay-upper %s: not a directory", arg);
	}
	free(cfg->overlay_upper);
	cfg->overlay_upper = path;
	cfg->overlay = true;
	return 0;
}

static int opt_trace(struct config *cfg, char **a)
{
	(void)a;
	cfg->trace = true;
	return 0;
}

static int opt_verbose(struct config *cfg, char **a)
{
	(void)a;
	cfg->verbose = true;
	return 0;
}

static const char *const group_names[] = {
	"Filesystem", "Namespaces and ids", "Environment and file descriptors", "System calls",
	"Resource limits", "Output", "Policies",
};

/* Every option, for the command line and for policy files alike. */
static const struct option_def options[] = {
	{ "rootfs", 1, NULL, resolve_rootfs, G_FS, "DIR", "use DIR as the root, read-only (default: the host's /)" },
	{ "bind", 1, opt_bind, resolve_bind, G_FS, "SRC[:DST]", "bind SRC read-write at DST (default: the same path)" },
	{ "ro-bind", 1, opt_ro_bind, resolve_bind, G_FS, "SRC[:DST]", "bind SRC read-only at DST" },
	{ "tmpfs", 1, opt_tmpfs, NULL, G_FS, "DST", "mount a fresh tmpfs at DST" },
	{ "tmpfs-size", 1, opt_tmpfs_size, NULL, G_FS, "SIZE", "what /tmp, /var/tmp, /dev/shm, /run, --tmpfs hold (RAM/4)" },
	{ "overlay", 0, opt_overlay, NULL, G_FS, "", "a writable throwaway layer over the root" },
	{ "overlay-size", 1, opt_overlay_size, NULL, G_FS, "SIZE", "size of the tmpfs holding that layer" },
	{ "overlay-upper", 1, NULL, resolve_overlay_upper, G_FS, "DIR", "keep the layer's changes in DIR" },
	{ "bind-cwd", 0, opt_bind_cwd, resolve_bind_cwd, G_FS, "", "bind the current directory read-write and start there" },
	{ "hide-home", 0, opt_hide_home, NULL, G_FS, "", "a throwaway home; toolchains in it shown read-only" },
	{ "home-ro", 1, opt_home_ro, NULL, G_FS, "PATH", "with --hide-home: show ~/PATH read-only too" },
	{ "show-home", 0, opt_show_home, NULL, G_FS, "", "undo --hide-home (as in the build policy)" },
	{ "protect-git", 0, opt_protect_git, NULL, G_FS, "", "the work tree's .git read-only (build policy)" },
	{ "writable-git", 0, opt_writable_git, NULL, G_FS, "", "undo --protect-git" },
	{ "chdir", 1, opt_chdir, NULL, G_FS, "DIR", "start the command in DIR" },
	{ "hostname", 1, opt_hostname, NULL, G_NS, "NAME", "host name inside (default: sbx)" },
	{ "uid", 1, opt_uid, NULL, G_NS, "N", "user id inside (default: yours; 0 is root in the namespace)" },
	{ "gid", 1, opt_gid, NULL, G_NS, "N", "group id inside (default: yours)" },
	{ "map-users", 1, opt_map_users, NULL, G_NS, "auto|required|none", "map 65536 ids from /etc/subuid (newuidmap)" },
	{ "net", 1, opt_net, NULL, G_NS, "none|host|user", "none: loopback only (default); host: shared; user: pasta" },
	{ "publish", 1, opt_publish, NULL, G_NS, "HPORT:SPORT", "with --net user: forward a host port inside" },
	{ "setenv", 2, opt_setenv, NULL, G_ENV, "NAME VALUE", "set an environment variable" },
	{ "unsetenv", 1, opt_unsetenv, NULL, G_ENV, "NAME", "remove an environment variable" },
	{ "keep-env", 1, opt_keep_env, NULL, G_ENV, "NAME|PREFIX*", "pass the caller's NAME, or each PREFIX... name but secrets" },
	{ "clearenv", 0, opt_clearenv, NULL, G_ENV, "", "start from an empty environment" },
	{ "keep-fd", 1, opt_keep_fd, resolve_keep_fd, G_ENV, "N", "pass file descriptor N to the command" },
	{ "seccomp", 1, opt_seccomp, NULL, G_SECCOMP, "NAME|FILE|none", "seccomp list to use (default: default)" },
	{ "seccomp-allow", 1, opt_seccomp_allow, NULL, G_SECCOMP, "SYSCALL", "allow SYSCALL whatever the list says" },
	{ "seccomp-deny", 1, opt_seccomp_deny, NULL, G_SECCOMP, "SYSCALL", "refuse SYSCALL with EPERM" },
	{ "seccomp-log", 0, opt_seccomp_log, NULL, G_SECCOMP, "", "explain every refused system call on stderr" },
	{ "seccomp-export", 1, opt_seccomp_export, NULL, G_SECCOMP, "FILE", "write the filter as raw BPF to FILE and exit" },
	{ "memory", 1, opt_memory, NULL, G_LIMITS, "SIZE", "memory limit, e.g. 512M (no swap unless --memory-swap)" },
	{ "memory-swap", 1, opt_memory_swap, NULL, G_LIMITS, "SIZE", "swap allowed on top of --memory" },
	{ "pids", 1, opt_pids, NULL, G_LIMITS, "N", "at most N processes and threads" },
	{ "cpus", 1, opt_cpus, NULL, G_LIMITS, "FLOAT", "CPU time as a number of CPUs, e.g. 0.5" },
	{ "timeout", 1, opt_timeout, NULL, G_LIMITS, "DURATION", "SIGTERM after DURATION (30s, 5m), exit 124" },
	{ "kill-after", 1, opt_kill_after, NULL, G_LIMITS, "DURATION", "then SIGKILL everything after this grace (2s)" },
	{ "die-with-parent", 0, opt_die_with_parent, NULL, G_LIMITS, "", "end the sandbox when sbx's parent process dies" },
	{ "rlimit", 1, opt_rlimit, NULL, G_LIMITS, "NAME=SOFT[:HARD]", "set an rlimit (nofile, core, fsize, ...)" },
	{ "cgroup", 1, NULL, resolve_cgroup, G_LIMITS, "DIR", "a delegated cgroup to create the sandbox's leaf in" },
	{ "limits", 1, opt_limits, NULL, G_LIMITS, "strict|best-effort", "fail, or warn, when a limit cannot be enforced" },
	{ "status-json", 1, opt_status_json, NULL, G_OUTPUT, "FILE", "write a JSON status report to FILE at the end" },
	{ "status-fd", 1, opt_status_fd, resolve_status_fd, G_OUTPUT, "FD", "JSON status on FD: child-pid first, report at the end" },
	{ "verbose", 0, opt_verbose, NULL, G_OUTPUT, "", "say each setup step (with --version: the features found)" },
	{ "trace", 0, opt_trace, NULL, G_OUTPUT, "", "print each setup step with its duration" },
	{ "policy", 1, NULL, NULL, G_POLICY, "NAME|FILE", "apply a policy (default: the 'default' policy)" },
	{ "print-policy", 0, opt_print_policy, NULL, G_POLICY, "", "print the effective policy and exit" },
};
#define N_OPTIONS ARRAY_SIZE(options)

void print_usage(void)
{
	printf("usage: sbx [OPTIONS] [--] COMMAND [ARG...]\n"
	       "Run COMMAND in a rootless sandbox: its own user, PID, mount, UTS, IPC,\n"
	       "network and cgroup namespaces, a read-only root, no capabilities.\n");
	for (size_t g = 0; g < ARRAY_SIZE(group_names); g++) {
		printf("\n%s:\n", group_names[g]);
		for (size_t i = 0; i < N_OPTIONS; i++) {
			if (options[i].group != g)
				continue;
			char left[64];
			snprintf(left, sizeof left, "--%s %s", options[i].name, options[i].args_help);
			printf("  %-28s %s\n", left, options[i].help);
		}
	}
	printf("\n  %-28s %s\n  %-28s %s\n", "--help", "show this help", "--version", "show the version (--verbose: and the features found)");
	printf("\nExit status: the command's; 128+N if it died of signal N; 125 if sbx failed;\n"
	       "126 if the command could not be run; 127 if it was not found.  See sbx(1).\n");
}

const struct option_def *find_option(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* The hint for an option sbx does not know (given without its dashes):
 * the one it looks like, if any.  On the command line (dashes "--") --help
 * and --version count too; in a policy file (dashes "") they do not. */
bool option_in_policies(const struct option_def *def)
{
	return def->apply != opt_print_policy && def->apply != opt_seccomp_export;
}

void hint_unknown_option(const char *given, const char *dashes)
{
	const char *names[N_OPTIONS + 2];
	size_t n = 0;
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (dashes[0] || option_in_policies(&options[i]))
			names[n++] = options[i].name;
	if (dashes[0]) {
		names[n++] = "help";
		names[n++] = "version";
	}
	const char *near = closest_name(given, names, n);
	if (near && dashes[0])
		set_hint("did you mean --%s? (see 'sbx --help')", near);
	else if (near)
		set_hint("did you mean '%s'? (see sbx-policy(5))", near);
	else if (dashes[0])
		set_hint("see 'sbx --help'");
}
