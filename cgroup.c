/* cgroup.c: resource limits without root.
 *
 * Limits on memory, processes and CPU need a cgroup the caller may write.
 * Each limit goes where delegation.c finds a delegated cgroup offering its
 * controller (--cgroup DIR, the caller's own cgroup v2, or a cgroup v1
 * hierarchy).  The sandbox gets a leaf "sbx-PID" (PID: the supervisor's) in
 * each such cgroup, with the limits written before anything runs in it: v2
 * by clone3 CLONE_INTO_CGROUP, v1 by writing the child's pid while it still
 * waits for the go-ahead.  The leaf is removed at the end; a leaf left by a
 * sbx that was SIGKILLed is removed by the next run that uses the same
 * parent: its name says whose it was.
 *
 * Where no cgroup can carry a limit, --limits best-effort falls back to
 * rlimits set in the payload (RLIMIT_NPROC for --pids, RLIMIT_AS for
 * --memory) and says in one line what was and was not enforced; --limits
 * strict (the default when a limit is asked for) refuses to run instead.
 * --rlimit values are always applied as given. */
#include "util.h"
#include "config.h"
#include "cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

enum ctl { CTL_MEMORY, CTL_PIDS, CTL_CPU, N_CTL };
static const char *const ctl_names[N_CTL] = { "memory", "pids", "cpu" };
static const char *const ctl_options[N_CTL] = { "--memory", "--pids", "--cpus" };
#define BIT(c) (1u << (c))

/* HOW_RLIMIT_PER_UID: --pids by RLIMIT_NPROC with --map-users, where the
 * command can switch to other uids, each counted on its own: not a total. */
enum how { HOW_NONE, HOW_RLIMIT, HOW_CGROUP1, HOW_CGROUP2, HOW_RLIMIT_PER_UID };
static const char *const how_names[] = { "none", "rlimit", "cgroup1", "cgroup2", "rlimit-per-uid" };

#define CPU_PERIOD_US 100000

/* A cgroup made for this sandbox. */
struct leaf {
	int version;
	unsigned ctls; /* the limits it carries: BIT(CTL_...) */
	char *parent;  /* the delegated cgroup it is made in */
	char *path;    /* parent/sbx-PID */
	int fd;        /* the leaf directory: CLONE_INTO_CGROUP and openat */
};

struct limits {
	const struct config *cfg;
	enum how how[N_CTL];
	char *why_not[N_CTL]; /* why no cgroup carries this limit */
	struct leaf leaves[N_CTL];
	size_t n_leaves;
	/* Filled in by limits_finish; -1: not known. */
	long long memory_peak, cpu_usec, oom_kills;
};

static bool wants(const struct config *cfg, enum ctl c)
{
	return c == CTL_MEMORY ? cfg->memory > 0 : c == CTL_PIDS ? cfg->pids > 0 : cfg->cpus > 0;
}

static bool strict(const struct config *cfg)
{
	return !cfg->limits_set || cfg->limits == LIMITS_STRICT;
}

/* Decide where each asked limit goes; one leaf per distinct parent.  A
 * --cgroup DIR outside any cgroup file system is a mistake, not a reason
 * to fall back. */
static int place_limits(struct limits *l)
{
	struct statfs fs;
	if (l->cfg->cgroup && (statfs(l->cfg->cgroup, &fs) < 0 ||
			       (fs.f_type != CGROUP2_SUPER_MAGIC && fs.f_type != CGROUP_SUPER_MAGIC)))
		return failx("--cgroup %s: not a directory in a cgroup file system", l->cfg->cgroup);
	for (int c = 0; c < N_CTL; c++) {
		if (!wants(l->cfg, c))
			continue;
		int version;
		char *parent = delegated_cgroup(l->cfg->cgroup, ctl_names[c], &version, &l->why_not[c]);
		if (!parent)
			continue;
		size_t i = 0;
		while (i < l->n_leaves && strcmp(l->leaves[i].parent, parent) != 0)
			i++;
		if (i == l->n_leaves)
			l->leaves[l->n_leaves++] = (struct leaf){ .version = version, .parent = parent, .fd = -1 };
		else
			free(parent);
		l->leaves[i].ctls |= BIT(c);
	}
	return 0;
}

/* ---- files in a leaf ---------------------------------------------------- */

static int write_at(const struct leaf *lf, const char *name, const char *text)
{
	int fd = openat(lf->fd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open %s/%s", lf->path, name);
	int r = write_all(fd, text, strlen(text));
	int err = errno;
	close(fd);
	errno = err;
	return r < 0 ? fail("write %s to %s/%s", text, lf->path, name) : 0;
}

static int write_number(const struct leaf *lf, const char *name, long long v)
{
	char text[32];
	snprintf(text, sizeof text, "%lld", v);
	return write_at(lf, name, text);
}

static int read_at(const struct leaf *lf, const char *name, char *buf, size_t size)
{
	return read_small_file_at(lf->fd, name, buf, size);
}

/* A number file (memory.peak), or the value of "key N" in a flat keyed
 * file (memory.events, cpu.stat); -1 when absent. */
static long long read_value(const struct leaf *lf, const char *name, const char *key)
{
	char buf[4096];
	if (read_at(lf, name, buf, sizeof buf) < 0)
		return -1;
	if (!key)
		return strtoll(buf, NULL, 10);
	size_t len = strlen(key);
	for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, len) == 0 && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	return -1;
}

/* ---- making the leaves -------------------------------------------------- */

/* "sbx-PID" or "sbx-PID.supervisor": the pid of the sbx that made it. */
static pid_t leaf_owner(const char *name)
{
	int pid, end = 0;
	if (strncmp(name, "sbx-", 4) != 0 || !isdigit((unsigned char)name[4]) ||
	    sscanf(name, "sbx-%d%n", &pid, &end) != 1 || pid <= 0)
		return 0;
	if (name[end] != '\0' && strcmp(name + end, ".supervisor") != 0)
		return 0;
	return pid;
}

/* Leaves whose sbx is gone (it was SIGKILLed, or its supervisor leaf could
 * not be removed by itself).  rmdir refuses a cgroup that still holds a
 * process, so a leaf in use is never taken; a pid that was reused only
 * delays the cleanup. */
static void remove_stale_leaves(const char *parent)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		pid_t pid = leaf_owner(e->d_name);
		if (pid <= 0 || (pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM)))
			continue;
		char *path = xasprintf("%s/%s", parent, e->d_name);
		rmdir(path);
		free(path);
	}
	closedir(d);
}

/* The no-internal-processes rule: a v2 cgroup that hands controllers to its
 * children may hold no process itself.  (Only the root cgroup may; and
 * enabling just pids and cpu, which also work per thread, does succeed in a
 * cgroup with processes, but turns it into a thread root under which a new
 * leaf is "domain invalid" and clone3 into it fails with EOPNOTSUPP.)
 *
 * When the caller's cgroup holds sbx alone (systemd-run --user --scope runs
 * sbx as the scope's only process), sbx moves itself into a leaf of its own,
 * sbx-PID.supervisor.  The process that started sbx is not in that cgroup,
 * so it is untouched; the cgroup keeps the controllers enabled and so can
 * take no process directly afterwards.  A process cannot remove its own
 * cgroup: the supervisor leaf is removed by the next run (or by systemd
 * with the scope).  Processes other than sbx are never moved: they are not
 * ours to move. */
static int leave_parent(const char *parent)
{
	char *path = xasprintf("%s/cgroup.type", parent);
	bool root = access(path, F_OK) < 0 && errno == ENOENT; /* the root has no type */
	free(path);
	char buf[4096];
	path = xasprintf("%s/cgroup.procs", parent);
	int r = read_small_file(path, buf, sizeof buf);
	free(path);
	if (r < 0)
		return fail("read %s/cgroup.procs", parent);
	if (root || !buf[0])
		return 0;
	bool self = false;
	long other = 0;
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid == getpid())
			self = true;
		else if (!other)
			other = pid;
	}
	if (other || !self)
		return failx("cgroup %s also holds process %ld, and a cgroup with processes cannot pass controllers on "
			     "to a child", parent, other);
	char *dir = xasprintf("%s/sbx-%d.supervisor", parent, (int)getpid());
	char *pid = xasprintf("%d", (int)getpid());
	char *target = xasprintf("%s/cgroup.procs", dir);
	r = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		r = fail("mkdir %s", dir);
	else if (write_file(target, pid) < 0)
		r = fail_context("move sbx out of %s", parent);
	free(dir);
	free(pid);
	free(target);
	return r;
}

/* "+memory +pids" in the parent's cgroup.subtree_control (a controller
 * already enabled is left as it is), once the parent holds no process. */
static int enable_controllers(const struct leaf *lf)
{
	if (leave_parent(lf->parent) < 0)
		return -1;
	char want[64] = "";
	for (int c = 0; c < N_CTL; c++)
		if (lf->ctls & BIT(c))
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s+%s", want[0] ? " " : "",
				 ctl_names[c]);
	char *path = xasprintf("%s/cgroup.subtree_control", lf->parent);
	int r = write_file(path, want);
	free(path);
	return r;
}

static long long cpu_quota_us(double cpus)
{
	long long q = (long long)(cpus * CPU_PERIOD_US + 0.5);
	return q < 1000 ? 1000 : q; /* the kernel's minimum quota is 1 ms */
}

/* Swap on top of --memory: none unless --memory-swap (-1 is an explicit 0). */
static long long swap_allowed(const struct config *cfg)
{
	return cfg->memory_swap > 0 ? cfg->memory_swap : 0;
}

static int write_limits_v2(const struct config *cfg, const struct leaf *lf)
{
	if (lf->ctls & BIT(CTL_MEMORY)) {
		if (write_number(lf, "memory.max", cfg->memory) < 0)
			return -1;
		/* Absent without swap accounting, where there is no swap to limit. */
		if (write_number(lf, "memory.swap.max", swap_allowed(cfg)) < 0 && errno != ENOENT)
			return -1;
	}
	if ((lf->ctls & BIT(CTL_PIDS)) && write_number(lf, "pids.max", cfg->pids) < 0)
		return -1;
	if (lf->ctls & BIT(CTL_CPU)) {
		char text[64];
		snprintf(text, sizeof text, "%lld %d", cpu_quota_us(cfg->cpus), CPU_PERIOD_US);
		if (write_at(lf, "cpu.max", text) < 0)
			return -1;
	}
	return 0;
}

static int write_limits_v1(const struct config *cfg, const struct leaf *lf)
{
	/* memsw is memory plus swap, and may not be set below the memory limit:
	 * memory first. */
	if (lf->ctls & BIT(CTL_MEMORY)) {
		if (write_number(lf, "memory.limit_in_bytes", cfg->memory) < 0)
			return -1;
		if (write_number(lf, "memory.memsw.limit_in_bytes", cfg->memory + swap_allowed(cfg)) < 0 &&
		    errno != ENOENT)
			return -1;
	}
	if ((lf->ctls & BIT(CTL_PIDS)) && write_number(lf, "pids.max", cfg->pids) < 0)
		return -1;
	if ((lf->ctls & BIT(CTL_CPU)) && (write_number(lf, "cpu.cfs_period_us", CPU_PERIOD_US) < 0 ||
					  write_number(lf, "cpu.cfs_quota_us", cpu_quota_us(cfg->cpus)) < 0))
		return -1;
	return 0;
}

static int create_leaf(const struct config *cfg, struct leaf *lf)
{
	if (lf->version == 2 && enable_controllers(lf) < 0)
		return -1;
	remove_stale_leaves(lf->parent);
	lf->path = xasprintf("%s/sbx-%d", lf->parent, (int)getpid());
	if (mkdir(lf->path, 0755) < 0) {
		int err = errno;
		free(lf->path);
		lf->path = NULL;
		errno = err;
		return fail("mkdir %s/sbx-%d", lf->parent, (int)getpid());
	}
	lf->fd = open(lf->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lf->fd < 0)
		return fail("open %s", lf->path);
	return lf->version == 2 ? write_limits_v2(cfg, lf) : write_limits_v1(cfg, lf);
}

/* A cgroup whose last process has just exited can stay busy for a moment
 * (the kernel unlinks exiting tasks asynchronously): retry for up to 1 s. */
static void remove_leaf(struct leaf *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	for (int i = 0; lf->path && i < 100; i++) {
		if (rmdir(lf->path) == 0 || errno != EBUSY)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	free(lf->path);
	lf->path = NULL;
}

/* Make every leaf; a leaf that fails gives its limits back to the fallback,
 * with the reason. */
static void create_leaves(struct limits *l)
{
	for (size_t i = 0; i < l->n_leaves; i++) {
		struct leaf *lf = &l->leaves[i];
		if (create_leaf(l->cfg, lf) == 0) {
			for (int c = 0; c < N_CTL; c++)
				if (lf->ctls & BIT(c))
					l->how[c] = lf->version == 2 ? HOW_CGROUP2 : HOW_CGROUP1;
			continue;
		}
		for (int c = 0; c < N_CTL; c++)
			if (lf->ctls & BIT(c)) {
				free(l->why_not[c]);
				l->why_not[c] = xstrdup(error_text());
			}
		remove_leaf(lf);
		lf->ctls = 0;
	}
}

/* ---- no cgroup for some limit: rlimits, or refuse ----------------------- */

static bool systemd_user_manager(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *path = xasprintf("%s/systemd/private", run && *run ? run : "/nonexistent");
	bool there = access(path, F_OK) == 0;
	free(path);
	return there;
}

static void append(char *buf, size_t size, const char *text)
{
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", text);
}

static int refuse(const struct limits *l)
{
	char opts[64] = "";
	const char *why = NULL;
	for (int c = 0; c < N_CTL; c++)
		if (wants(l->cfg, c) && l->why_not[c]) {
			append(opts, sizeof opts, ctl_options[c]);
			if (!why)
				why = l->why_not[c];
		}
	/* Under --map-users, RLIMIT_NPROC is no stand-in for --pids: it counts
	 * each uid apart, and root inside can switch to the others. */
	const char *nproc = l->cfg->map_users != MAP_USERS_NONE && wants(l->cfg, CTL_PIDS) && l->why_not[CTL_PIDS]
				    ? "; under --map-users best-effort leaves --pids unenforced (RLIMIT_NPROC counts "
				      "each uid apart, and the command can switch uids)"
				    : "";
	if (systemd_user_manager())
		set_hint("re-run under systemd-run --user --scope -p Delegate=yes sbx ..., pass --cgroup DIR, "
			 "or accept rlimits with --limits best-effort%s", nproc);
	else if (nproc[0])
		set_hint("pass --cgroup DIR (a cgroup delegated to you)%s", nproc);
	else
		set_hint("pass --cgroup DIR (a cgroup delegated to you), or accept rlimits with --limits best-effort "
			 "(--pids by RLIMIT_NPROC, --memory by RLIMIT_AS, --cpus not at all)");
	return failx("cannot enforce %s: %s", opts, why ? why : "no delegated cgroup");
}

/* Best effort: rlimits where they mean something, and one line saying
 * exactly which limit is enforced how, which is not at all, and why no
 * cgroup could take the others.  The line is a warning when some limit is
 * weaker than asked: --memory by RLIMIT_AS (each process's address space,
 * not a total), --cpus not at all, --pids under --map-users.  --pids alone
 * by RLIMIT_NPROC is the total asked for (the sandbox's one uid, counted
 * in its own user namespace), so then the line is only for --verbose:
 * --policy build and bats would otherwise say it on every run. */
static void fall_back_to_rlimits(struct limits *l)
{
	char enforced[768] = "", missed[192] = "", nocg[64] = "";
	const char *why = NULL;
	bool weaker = false;
	for (int c = 0; c < N_CTL; c++) {
		if (!wants(l->cfg, c))
			continue;
		if (l->how[c] == HOW_NONE) {
			append(nocg, sizeof nocg, ctl_names[c]);
			why = why ? why : l->why_not[c];
			if (c == CTL_PIDS && l->cfg->map_users != MAP_USERS_NONE)
				l->how[c] = HOW_RLIMIT_PER_UID;
			else if (c != CTL_CPU)
				l->how[c] = HOW_RLIMIT;
		}
		char text[384];
		if (l->how[c] == HOW_CGROUP1 || l->how[c] == HOW_CGROUP2)
			snprintf(text, sizeof text, "%s by %s", ctl_options[c], how_names[l->how[c]]);
		else if (l->how[c] == HOW_RLIMIT_PER_UID)
			text[0] = '\0'; /* said below, with the reason */
		else if (c == CTL_PIDS)
			snprintf(text, sizeof text, "--pids by RLIMIT_NPROC");
		else if (c == CTL_MEMORY && l->cfg->tmpfs_size && l->cfg->overlay && !l->cfg->overlay_upper &&
			 l->cfg->overlay_size)
			snprintf(text, sizeof text, "--memory by RLIMIT_AS (address space per process, not a total) "
				 "and by the tmpfs size (/tmp, /var/tmp, /dev/shm, /run and --tmpfs: %lld MiB in all; "
				 "the --overlay layer: %lld MiB more)",
				 l->cfg->tmpfs_size >> 20, l->cfg->overlay_size >> 20);
		else if (c == CTL_MEMORY && l->cfg->tmpfs_size)
			snprintf(text, sizeof text, "--memory by RLIMIT_AS (address space per process, not a total) "
				 "and by the tmpfs size (/tmp, /var/tmp, /dev/shm, /run and --tmpfs: %lld MiB in all)",
				 l->cfg->tmpfs_size >> 20);
		else if (c == CTL_MEMORY)
			snprintf(text, sizeof text, "--memory by RLIMIT_AS (address space per process, not a total)");
		else
			text[0] = '\0';
		if (text[0])
			append(enforced, sizeof enforced, text);
		else if (l->how[c] == HOW_RLIMIT_PER_UID)
			append(missed, sizeof missed, "--pids (RLIMIT_NPROC limits each uid apart, and with --map-users "
						      "the command can switch uids)");
		else
			append(missed, sizeof missed, ctl_options[c]);
		if (l->how[c] == HOW_NONE || l->how[c] == HOW_RLIMIT_PER_UID || (c == CTL_MEMORY && l->how[c] == HOW_RLIMIT))
			weaker = true;
	}
	if (!weaker && !l->cfg->verbose)
		return;
	fprintf(stderr, "sbx: %sno cgroup for %s (%s); enforced: %s%s%s\n", weaker ? "warning: " : "", nocg,
		why ? why : "none delegated", enforced[0] ? enforced : "nothing", missed[0] ? "; not enforced: " : "",
		missed);
}

/* ---- the interface ------------------------------------------------------ */

/* Some asked limit has no cgroup: none was found, or making its leaf failed
 * (both leave its reason in why_not). */
static bool unplaced(const struct limits *l)
{
	for (int c = 0; c < N_CTL; c++)
		if (wants(l->cfg, c) && l->why_not[c])
			return true;
	return false;
}

struct limits *limits_prepare(const struct config *cfg)
{
	struct limits *l = xcalloc(1, sizeof *l);
	l->cfg = cfg;
	l->memory_peak = l->cpu_usec = l->oom_kills = -1;
	if (!wants(cfg, CTL_MEMORY) && !wants(cfg, CTL_PIDS) && !wants(cfg, CTL_CPU))
		return l; /* no cgroup I/O at all */
	if (place_limits(l) < 0) {
		limits_cleanup(l);
		return NULL;
	}
	/* Strict and some limit has nowhere to go: fail before making anything. */
	if (!(strict(cfg) && unplaced(l))) {
		create_leaves(l);
		trace_step("cgroup leaves made, limits written");
	}
	if (!unplaced(l))
		return l;
	if (strict(cfg)) {
		refuse(l);
		limits_cleanup(l);
		return NULL;
	}
	fall_back_to_rlimits(l);
	return l;
}

/* Whether the sandbox goes into a leaf of its own, away from the cgroup
 * the supervisor is in (and the clone's cgroup namespace is rooted at). */
bool limits_move_sandbox(const struct limits *l)
{
	for (size_t i = 0; i < l->n_leaves; i++)
		if (l->leaves[i].fd >= 0)
			return true;
	return false;
}

/* clone3 can place the sandbox into one v2 leaf; with v1 leaves (which take
 * a pid), limits_attach places it everywhere instead. */
int limits_cgroup_fd(const struct limits *l)
{
	int fd = -1;
	for (size_t i = 0; i < l->n_leaves; i++) {
		if (l->leaves[i].version == 1)
			return -1;
		if (l->leaves[i].fd >= 0)
			fd = l->leaves[i].fd;
	}
	return fd;
}

/* The child has run nothing yet: it waits for the supervisor's go-ahead. */
int limits_attach(struct limits *l, pid_t pid)
{
	char text[32];
	snprintf(text, sizeof text, "%d", (int)pid);
	for (size_t i = 0; i < l->n_leaves; i++)
		if (l->leaves[i].fd >= 0 && write_at(&l->leaves[i], "cgroup.procs", text) < 0)
			return fail_context("place the sandbox in its cgroup");
	return 0;
}

static int set_rlimit(int resource, unsigned long long soft, unsigned long long hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };
	if (setrlimit(resource, &rl) < 0)
		return fail("--rlimit %s=%llu:%llu", rlimit_name(resource), soft, hard);
	return 0;
}

/* In the payload, before exec.  RLIMIT_NPROC counts the processes of our
 * uid in this user namespace only, so other sandboxes and the caller's own
 * processes do not eat into it. */
int apply_rlimits(const struct limits *l)
{
	const struct config *cfg = l->cfg;
	if ((l->how[CTL_PIDS] == HOW_RLIMIT || l->how[CTL_PIDS] == HOW_RLIMIT_PER_UID) &&
	    set_rlimit(RLIMIT_NPROC, (unsigned long long)cfg->pids, (unsigned long long)cfg->pids) < 0)
		return -1;
	if (l->how[CTL_MEMORY] == HOW_RLIMIT &&
	    set_rlimit(RLIMIT_AS, (unsigned long long)cfg->memory, (unsigned long long)cfg->memory) < 0)
		return -1;
	for (size_t i = 0; i < cfg->n_rlimits; i++)
		if (set_rlimit(cfg->rlimits[i].resource, cfg->rlimits[i].soft, cfg->rlimits[i].hard) < 0)
			return -1;
	return 0;
}

/* v1 has no cgroup.kill: signal each process listed.  Forking cannot
 * outrun this for long, since init's SIGKILL takes the PID namespace too. */
static void kill_listed(const struct leaf *lf)
{
	char buf[16384];
	if (read_at(lf, "cgroup.procs", buf, sizeof buf) < 0)
		return;
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		kill((pid_t)pid, SIGKILL);
	}
}

void limits_kill(struct limits *l)
{
	for (size_t i = 0; i < l->n_leaves; i++) {
		const struct leaf *lf = &l->leaves[i];
		if (lf->fd < 0)
			continue;
		if (lf->version == 2 && write_at(lf, "cgroup.kill", "1") == 0)
			continue;
		kill_listed(lf);
	}
}

void limits_finish(struct limits *l)
{
	for (size_t i = 0; i < l->n_leaves; i++) {
		const struct leaf *lf = &l->leaves[i];
		if (lf->fd < 0)
			continue;
		bool v2 = lf->version == 2;
		if (lf->ctls & BIT(CTL_MEMORY)) {
			l->memory_peak = read_value(lf, v2 ? "memory.peak" : "memory.max_usage_in_bytes", NULL);
			l->oom_kills = read_value(lf, v2 ? "memory.events" : "memory.oom_control", "oom_kill");
		}
		long long ns;
		if (v2)
			l->cpu_usec = read_value(lf, "cpu.stat", "usage_usec");
		else if ((lf->ctls & BIT(CTL_CPU)) && l->cpu_usec < 0 && (ns = read_value(lf, "cpuacct.usage", NULL)) >= 0)
			l->cpu_usec = ns / 1000; /* only where cpuacct shares the cpu hierarchy */
	}
}

static void json_number_or_null(FILE *out, const char *key, long long v)
{
	if (v >= 0)
		fprintf(out, ", \"%s\": %lld", key, v);
	else
		fprintf(out, ", \"%s\": null", key);
}

void limits_report_json(const struct limits *l, FILE *out)
{
	const struct config *cfg = l->cfg;
	fprintf(out, ", \"limits\": {");
	const char *sep = "";
	if (cfg->memory) {
		fprintf(out, "%s\"memory\": {\"max\": %lld, \"how\": \"%s\"}", sep, cfg->memory,
			how_names[l->how[CTL_MEMORY]]);
		sep = ", ";
	}
	if (cfg->pids) {
		fprintf(out, "%s\"pids\": {\"max\": %lld, \"how\": \"%s\"}", sep, cfg->pids,
			how_names[l->how[CTL_PIDS]]);
		sep = ", ";
	}
	if (cfg->cpus > 0)
		fprintf(out, "%s\"cpus\": {\"max\": %g, \"how\": \"%s\"}", sep, cfg->cpus, how_names[l->how[CTL_CPU]]);
	fprintf(out, "}");
	json_number_or_null(out, "memory-peak", l->memory_peak);
	if (l->cpu_usec >= 0)
		fprintf(out, ", \"cpu-usage\": %.6f", (double)l->cpu_usec / 1e6);
	else
		fprintf(out, ", \"cpu-usage\": null");
	fprintf(out, ", \"oom-killed\": %s, \"cgroup\": ", l->oom_kills > 0 ? "true" : "false");
	const char *path = NULL;
	for (size_t i = 0; i < l->n_leaves && !path; i++)
		path = l->leaves[i].path;
	if (path)
		json_string(out, path);
	else
		fprintf(out, "null");
}

void limits_cleanup(struct limits *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_leaves; i++) {
		remove_leaf(&l->leaves[i]);
		free(l->leaves[i].parent);
	}
	for (int c = 0; c < N_CTL; c++)
		free(l->why_not[c]);
	free(l);
}
