/* delegation.c: where a limit can go.  Finds, for one controller (memory,
 * pids, cpu), a cgroup delegated to the caller that offers it, in cgroup v2
 * or in that controller's v1 hierarchy, from /proc/self/mountinfo (where
 * each hierarchy is mounted, and which of its cgroups appears there) and
 * /proc/self/cgroup (the caller's cgroup in each).  The rule:
 *   1. --cgroup DIR: DIR itself for v2; for v1, the same cgroup path in the
 *      controller's hierarchy (DIR names it in any one of them).
 *   2. The caller's own cgroup v2, when delegated (we may write the
 *      directory, its cgroup.procs and cgroup.subtree_control, as systemd's
 *      Delegate=yes arranges) and its parent hands it the controller.
 *   3. The controller's v1 hierarchy: the caller's own cgroup when we may
 *      write it, else its child "sbx" when we may write that (an
 *      administrator created and chowned it: cgcreate -a USER -t USER).
 * Nothing here writes anything. */
#include "util.h"
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One mounted cgroup hierarchy, from /proc/self/mountinfo. */
struct cg_mount {
	int version;
	char *dir;  /* where it is mounted */
	char *root; /* the cgroup of the hierarchy that appears there */
	char *opts; /* v1: the super options, which name the controllers */
};

struct cg_mounts {
	struct cg_mount *m;
	size_t n;
};

/* Where a leaf goes: a delegated cgroup directory. */
struct placement {
	int version;
	char *parent;
};

/* "a,b,c" contains item as a whole word (cpu, not cpuset or cpuacct). */
static bool has_item(const char *list, const char *item)
{
	size_t len = strlen(item);
	for (const char *p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, item, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}

static void add_mount(char *line, void *mounts)
{
	struct cg_mounts *t = mounts;
	struct mountinfo_line mi;
	if (!split_mountinfo(line, &mi))
		return;
	int version = strcmp(mi.fstype, "cgroup2") == 0 ? 2 : strcmp(mi.fstype, "cgroup") == 0 ? 1 : 0;
	if (!version)
		return;
	t->m = grow(t->m, &t->n, sizeof *t->m);
	struct cg_mount *m = &t->m[t->n - 1];
	m->version = version;
	m->root = xstrdup(mi.root);
	m->dir = xstrdup(mi.point);
	m->opts = xstrdup(mi.super);
}

static void read_mounts(struct cg_mounts *t)
{
	for_each_line("/proc/self/mountinfo", add_mount, t);
}

static void free_mounts(struct cg_mounts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->m[i].dir);
		free(t->m[i].root);
		free(t->m[i].opts);
	}
	free(t->m);
}

/* The caller's cgroup in one hierarchy, from /proc/self/cgroup, whose v2 line
 * is "0::/path" and v1 lines "N:cpu,cpuacct:/path". */
static char *own_cgroup(int version, const char *ctl)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *ctls = strchr(line, ':');
		char *path = ctls ? strchr(ctls + 1, ':') : NULL;
		if (!path)
			continue;
		*ctls++ = '\0';
		*path++ = '\0';
		bool v2 = strcmp(line, "0") == 0 && !*ctls;
		if (version == 2 ? v2 : !v2 && has_item(ctls, ctl))
			found = xstrdup(path);
	}
	free(line);
	fclose(f);
	return found;
}


/* The directory of cgroup path cg in the hierarchy of ctl (v1) or in v2. */
static char *cgroup_dir(const struct cg_mounts *t, int version, const char *ctl, const char *cg)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct cg_mount *m = &t->m[i];
		if (m->version != version || (version == 1 && !has_item(m->opts, ctl)) || !path_within(cg, m->root))
			continue;
		const char *rest = strcmp(m->root, "/") == 0 ? cg : cg + strlen(m->root);
		return xasprintf("%s%s", m->dir, strcmp(rest, "/") == 0 ? "" : rest);
	}
	return NULL;
}

/* --cgroup DIR: the mount it is in, and its path as a cgroup path. */
static const struct cg_mount *mount_of(const struct cg_mounts *t, const char *dir, char **cg)
{
	const struct cg_mount *best = NULL;
	for (size_t i = 0; i < t->n; i++) {
		size_t len = strlen(t->m[i].dir);
		if (strncmp(dir, t->m[i].dir, len) == 0 && (dir[len] == '/' || dir[len] == '\0') &&
		    (!best || len > strlen(best->dir)))
			best = &t->m[i];
	}
	if (best) {
		const char *rest = dir + strlen(best->dir);
		*cg = xasprintf("%s%s", strcmp(best->root, "/") == 0 ? "" : best->root, rest);
		if (!**cg) {
			free(*cg);
			*cg = xstrdup("/");
		}
	}
	return best;
}

/* ---- is a cgroup delegated to us? --------------------------------------- */

static bool writable(const char *dir, const char *name)
{
	char *path = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	bool ok = faccessat(AT_FDCWD, path, W_OK | (name ? 0 : X_OK), AT_EACCESS) == 0;
	free(path);
	return ok;
}

/* v2: we may create children, move processes in and hand controllers on,
 * and the parent of dir has handed the controller down to it. */
static char *v2_refusal(const char *dir, const char *ctl)
{
	if (!writable(dir, NULL) || !writable(dir, "cgroup.procs") || !writable(dir, "cgroup.subtree_control"))
		return xasprintf("cgroup %s is not delegated to uid %d", dir, (int)geteuid());
	char *path = xasprintf("%s/cgroup.controllers", dir), buf[256];
	int r = read_small_file(path, buf, sizeof buf);
	free(path);
	buf[strcspn(buf, "\n")] = '\0';
	for (char *p = buf; r == 0 && *p; p++)
		if (*p == ' ')
			*p = ',';
	if (r < 0 || !has_item(buf, ctl))
		return xasprintf("cgroup %s does not offer the %s controller", dir, ctl);
	return NULL;
}

/* v1 has no delegation protocol: a directory we may write is ours. */
static char *v1_refusal(const char *dir, const char *ctl)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return xasprintf("no cgroup %s in the %s hierarchy", dir, ctl);
	if (!writable(dir, NULL))
		return xasprintf("cgroup %s is not delegated to uid %d", dir, (int)geteuid());
	return NULL;
}

/* --cgroup DIR decides the version; for v1, the same path serves in each
 * controller's hierarchy. */
static struct placement explicit_place(const struct cg_mounts *t, const char *dir, const char *ctl, char **why)
{
	struct placement p = { 0 };
	char *cg = NULL;
	const struct cg_mount *m = mount_of(t, dir, &cg);
	char *d = NULL;
	if (!m)
		*why = xasprintf("--cgroup %s is not in a cgroup file system", dir);
	else if (m->version == 2)
		*why = v2_refusal(d = xstrdup(dir), ctl);
	else if (!(d = cgroup_dir(t, 1, ctl, cg)))
		*why = xasprintf("no cgroup v1 %s hierarchy is mounted", ctl);
	else
		*why = v1_refusal(d, ctl);
	free(cg);
	if (*why)
		free(d);
	else
		p = (struct placement){ m->version, d };
	return p;
}

static struct placement auto_place_v1(const struct cg_mounts *t, const char *ctl, char **why)
{
	struct placement p = { 0 };
	char *cg = own_cgroup(1, ctl);
	char *own = cg ? cgroup_dir(t, 1, ctl, cg) : NULL;
	free(cg);
	if (!own)
		return p;
	char *sub = xasprintf("%s/sbx", own);
	char *why_own = v1_refusal(own, ctl), *why_sub = v1_refusal(sub, ctl);
	if (!why_own)
		p = (struct placement){ 1, xstrdup(own) };
	else if (!why_sub)
		p = (struct placement){ 1, xstrdup(sub) };
	else
		*why = xasprintf("neither cgroup %s nor %s is delegated to uid %d", own, sub, (int)geteuid());
	free(why_own);
	free(why_sub);
	free(own);
	free(sub);
	return p;
}

/* The caller's own cgroup v2 first, then the controller's v1 hierarchy; the
 * reason kept is the one about the place that would have served. */
static struct placement auto_place(const struct cg_mounts *t, const char *ctl, char **why)
{
	struct placement p = { 0 };
	char *cg = own_cgroup(2, NULL);
	char *dir = cg ? cgroup_dir(t, 2, NULL, cg) : NULL;
	free(cg);
	if (dir && !(*why = v2_refusal(dir, ctl)))
		return (struct placement){ 2, dir };
	free(dir);
	char *why_v1 = NULL;
	p = auto_place_v1(t, ctl, &why_v1);
	if (p.parent || why_v1) {
		free(*why);
		*why = why_v1;
	}
	if (!p.parent && !*why)
		*why = xasprintf("no cgroup file system offers the %s controller", ctl);
	return p;
}

char *delegated_cgroup(const char *dir, const char *controller, int *version, char **why)
{
	struct cg_mounts t = { 0 };
	read_mounts(&t);
	*why = NULL;
	struct placement p = dir ? explicit_place(&t, dir, controller, why) : auto_place(&t, controller, why);
	free_mounts(&t);
	*version = p.version;
	return p.parent;
}
