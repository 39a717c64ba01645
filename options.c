/* options.c: the option table, the command-line parser, and applying
 * policy files (found and read by policy.c) through the same table.  One
 * table serves every option so each is defined and documented once.
 * Reading the options only records them in the config (config.c); what
 * they name of the host (paths, fds) is looked at in one pass after the
 * last option, in their order (resolve_options). */
#include "util.h"
#include "config.h"
#include "options.h"
#include "policy.h"
#include "home.h"

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
#include <sys/sysinfo.h>
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

enum group { G_FS, G_NS, G_ENV, G_SECCOMP, G_LIMITS, G_OUTPUT, G_POLICY };
static const char *const group_names[] = {
	"Filesystem", "Namespaces and ids", "Environment and file descriptors", "System calls",
	"Resource limits", "Output", "Policies",
};

/* An option: what it records as it is read (apply), and what it checks of
 * the host once every option is read (resolve: see resolve_options). */
struct option_def {
	const char *name;
	int nargs;
	int (*apply)(struct config *cfg, char **args);
	int (*resolve)(struct config *cfg, const char *arg, struct mount_op *op);
	enum group group;
	const char *args_help;
	const char *help;
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

static const struct option_def *find_option(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* The hint for an option sbx does not know (given without its dashes):
 * the one it looks like, if any.  On the command line (dashes "--") --help
 * and --version count too; in a policy file (dashes "") they do not. */
static void hint_unknown_option(const char *given, const char *dashes)
{
	const char *names[N_OPTIONS + 2];
	size_t n = 0;
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (dashes[0] || (options[i].apply != opt_print_policy && options[i].apply != opt_seccomp_export))
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
	if (!def || def->apply == opt_print_policy || def->apply == opt_seccomp_export) {
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
	if (def->apply == opt_seccomp)
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
