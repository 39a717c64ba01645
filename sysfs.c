/* sysfs.c: /sys in the sandbox (for rootfs.c, with sbx's standard mounts).
 *
 * The host's /sys, part of the read-only copy of its root, shows the host's
 * network interfaces (/sys/class/net, /sys/devices/virtual/net, ...) and
 * every cgroup on the host with its usage.  So /sys becomes
 *
 *   - a fresh sysfs, read-only, nosuid, nodev, noexec.  Its network devices
 *     are those of the namespace of the process that mounts it, the
 *     sandbox's own.  The kernel lets a user namespace mount one only over
 *     a network namespace it owns (not with --net host: EPERM), and only
 *     where a sysfs is fully visible already (not in a container that has
 *     covered parts of its /sys: EPERM too);
 *   - where that is refused, the /sys the root has (the host's, read-only),
 *     its network entries covered empty, unless the network is the host's
 *     (--net host: then they describe the sandbox's own network, which
 *     `ip link` shows anyway);
 *
 * and either way /sys/fs/cgroup shows the sandbox's own cgroups, not the
 * host's: each hierarchy the host mounts there is mounted anew, read-only,
 * in the sandbox's cgroup namespace, made anew here so that its root is
 * the cgroup init is in by now (its limits' leaf, or the caller's cgroup).
 * When that root is
 * the hierarchy's own root (a caller in the root cgroup, as in some
 * containers and VMs), the mount would show every cgroup on the host: that
 * hierarchy is left out, an empty directory.  A hierarchy the kernel
 * refuses is left out the same way.  --verbose says what was left out. */
#include "util.h"
#include "config.h"
#include "rootfs.h"
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CGROUP_DIR "/sys/fs/cgroup"
#define KERNEL_FS_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* ---- what the host mounts at /sys/fs/cgroup ----------------------------- */

/* One cgroup file system the host mounts at /sys/fs/cgroup or one level
 * below it (name "" for the directory itself). */
struct hierarchy {
	char name[NAME_MAX + 1];
	bool v2;
	bool ours;      /* the host's mount shows our cgroup namespace's root (mountinfo says "/") */
	char opts[256]; /* v1: the host's super options, for a mount of the same hierarchy */
};

struct cgroup_layout {
	bool tmpfs; /* /sys/fs/cgroup is a tmpfs of directories (cgroup v1, or hybrid) */
	struct hierarchy *list;
	size_t n;
};

/* A v1 hierarchy is named by its controllers and name=; the flags must be
 * as the host set them or the kernel warns.  release_agent cannot be set
 * from a user namespace, and rw/ro are ours to choose. */
static void keep_v1_options(char *out, size_t size, char *super)
{
	out[0] = '\0';
	for (char *save, *o = strtok_r(super, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strncmp(o, "release_agent=", 14))
			continue;
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", len ? "," : "", o);
	}
}

static void read_mount_line(char *line, void *layout)
{
	struct cgroup_layout *l = layout;
	struct mountinfo_line mi;
	if (!split_mountinfo(line, &mi))
		return;
	const char *point = mi.point, *type = mi.fstype;
	const char *name;
	if (!strcmp(point, CGROUP_DIR))
		name = "";
	else if (!strncmp(point, CGROUP_DIR "/", sizeof CGROUP_DIR) && !strchr(point + sizeof CGROUP_DIR, '/'))
		name = point + sizeof CGROUP_DIR;
	else
		return;
	bool v2 = !strcmp(type, "cgroup2");
	if (!name[0]) { /* mounted over: what was below is hidden */
		l->n = 0;
		l->tmpfs = !strcmp(type, "tmpfs");
	}
	if (!v2 && strcmp(type, "cgroup"))
		return;
	size_t len = strlen(name);
	if (len > NAME_MAX)
		return;
	struct hierarchy *h = NULL;
	for (size_t i = 0; i < l->n && !h; i++)
		h = !strcmp(l->list[i].name, name) ? &l->list[i] : NULL;
	if (!h) {
		l->list = grow(l->list, &l->n, sizeof *l->list);
		h = &l->list[l->n - 1];
	}
	memcpy(h->name, name, len + 1);
	h->v2 = v2;
	h->ours = !strcmp(mi.root, "/");
	if (!v2)
		keep_v1_options(h->opts, sizeof h->opts, mi.super);
}

static int read_cgroup_layout(struct cgroup_layout *l)
{
	if (for_each_line("/proc/self/mountinfo", read_mount_line, l) < 0)
		return fail("read /proc/self/mountinfo");
	return 0;
}

/* ---- the sandbox's own cgroups ----------------------------------------- */

/* Is the mount at dir/path (path "" for dir itself) the root of its
 * hierarchy?  cgroup2's root alone has no cgroup.type, v1's alone has
 * cgroup.sane_behavior.  One faccessat, no open of the directory. */
static bool is_hierarchy_root(int dir, const char *path, bool v2)
{
	char file[sizeof CGROUP_DIR + NAME_MAX + 32];
	snprintf(file, sizeof file, "%s%s%s", path, path[0] ? "/" : "", v2 ? "cgroup.type" : "cgroup.sane_behavior");
	bool there = faccessat(dir, file, F_OK, 0) == 0;
	return v2 ? !there : there;
}

/* A fresh mount of hierarchy h in our cgroup namespace, or -1 when it must
 * be left out: refused (said at once), or showing the whole host, its root
 * being the hierarchy's root: its name is then added to roots, said once
 * for all by the caller.  The host's own mount tells that without a mount
 * of ours (each costs a mount and an unmount): mountinfo shows its root
 * relative to our namespace's, "/" when they are the same cgroup. */
static int mount_hierarchy(const struct hierarchy *h, char *roots, size_t size)
{
	char host_path[sizeof CGROUP_DIR + NAME_MAX + 1]; /* small: init's stack stays in few pages */
	snprintf(host_path, sizeof host_path, "%s%s%s", CGROUP_DIR, h->name[0] ? "/" : "", h->name);
	bool host_root = h->ours && is_hierarchy_root(AT_FDCWD, host_path, h->v2);
	int mnt = -1;
	if (!host_root) {
		const char *const v1_opts[] = { h->opts, NULL };
		mnt = new_fs(h->v2 ? "cgroup2" : "cgroup", h->v2 || !h->opts[0] ? NULL : v1_opts, KERNEL_FS_ATTRS);
		if (mnt < 0) {
			char *note = xasprintf("%s left empty: %s", host_path, error_text());
			trace_step(note);
			free(note);
			return -1;
		}
		host_root = is_hierarchy_root(mnt, "", h->v2); /* in case the host's said otherwise */
	}
	if (!host_root)
		return mnt;
	size_t len = strlen(roots);
	snprintf(roots + len, size - len, " %s", host_path);
	close_fd(&mnt);
	return -1;
}

static void say_roots_left_out(const char *roots)
{
	if (!roots[0])
		return;
	char note[2048];
	snprintf(note, sizeof note,
		 "left empty:%s: the sandbox's cgroup is the root there, which would show every cgroup", roots);
	trace_step(note);
}

/* The host's symlinks in its /sys/fs/cgroup tmpfs (cpu -> cpu,cpuacct),
 * copied into ours at dir. */
static void copy_cgroup_links(int dir)
{
	DIR *d = opendir(CGROUP_DIR);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		char target[PATH_MAX];
		ssize_t n = e->d_type == DT_LNK ? readlinkat(dirfd(d), e->d_name, target, sizeof target - 1) : -1;
		if (n <= 0 || memchr(target, '/', (size_t)n))
			continue;
		target[n] = '\0';
		if (symlinkat(target, dir, e->d_name) < 0)
			continue; /* a name one of the hierarchies took: it wins */
	}
	closedir(d);
}

/* An empty read-only tmpfs over dir in the root, if it is there. */
static int cover_dir(int rootfd, const char *path)
{
	static const char *const opts[] = { "mode=0555", NULL };
	int fd = open_in_root(rootfd, path);
	if (fd < 0)
		return 0;
	struct stat st;
	bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	close(fd);
	return dir ? mount_new_fs(rootfd, path, "tmpfs", opts, KERNEL_FS_ATTRS) : 0;
}

/* The tmpfs of directories, one per hierarchy (those left out stay
 * empty), with the host's links, and the mounts of mnts attached in it;
 * then made read-only. */
static int attach_cgroup_tree(int rootfd, const struct cgroup_layout *l, const int *mnts)
{
	static const char *const opts[] = { "mode=0755", NULL };
	int dir = new_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (dir < 0)
		return fail_context("tmpfs on " CGROUP_DIR);
	int r = 0;
	for (size_t i = 0; i < l->n && r == 0; i++)
		if (mkdirat(dir, l->list[i].name, 0755) < 0)
			r = fail("create %s/%s", CGROUP_DIR, l->list[i].name);
	copy_cgroup_links(dir);
	if (r == 0)
		r = attach(rootfd, dir, CGROUP_DIR);
	for (size_t i = 0; i < l->n && r == 0; i++) {
		if (mnts[i] < 0)
			continue;
		char *path = xasprintf("%s/%s", CGROUP_DIR, l->list[i].name);
		r = attach(rootfd, mnts[i], path);
		free(path);
	}
	if (r == 0)
		r = set_mount_attrs(dir, MOUNT_ATTR_RDONLY, false, CGROUP_DIR);
	close(dir);
	return r;
}

/* Hybrid or v1 hosts: each hierarchy mounted anew where it is not left
 * out, in a tmpfs of directories.  Where every one is left out (a caller
 * in the root cgroups, as on many VMs) there is nothing to build: a fresh
 * sysfs's directory is empty already, the root's own is covered. */
static int mount_cgroup_tree(int rootfd, const struct cgroup_layout *l, bool fresh)
{
	char roots[1024] = "";
	int *mnts = xrealloc(NULL, l->n * sizeof *mnts);
	size_t mounted = 0;
	for (size_t i = 0; i < l->n; i++)
		mounted += (mnts[i] = mount_hierarchy(&l->list[i], roots, sizeof roots)) >= 0;
	int r = mounted ? attach_cgroup_tree(rootfd, l, mnts) : fresh ? 0 : cover_dir(rootfd, CGROUP_DIR);
	for (size_t i = 0; i < l->n; i++)
		close_fd(&mnts[i]);
	free(mnts);
	say_roots_left_out(roots);
	return r;
}

/* cgroup2 alone on the directory itself, as on most hosts now.  Left
 * out, a fresh sysfs's directory is empty already; the root's own is
 * covered. */
static int mount_unified(int rootfd, const struct hierarchy *h, bool fresh)
{
	char roots[PATH_MAX] = "";
	int mnt = mount_hierarchy(h, roots, sizeof roots);
	int r = mnt >= 0 ? attach(rootfd, mnt, CGROUP_DIR) : fresh ? 0 : cover_dir(rootfd, CGROUP_DIR);
	close_fd(&mnt);
	say_roots_left_out(roots);
	return r;
}

static int mount_cgroups(int rootfd, bool fresh)
{
	int fd = open_in_root(rootfd, CGROUP_DIR);
	if (fd < 0) /* a rootfs's own /sys, without it */
		return 0;
	close(fd);
	/* The common case needs no mountinfo (a few hundred microseconds to
	 * read, the root's copy of every mount included). */
	struct statfs st;
	if (statfs(CGROUP_DIR, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) {
		struct hierarchy unified = { .v2 = true };
		return mount_unified(rootfd, &unified, fresh);
	}
	struct cgroup_layout l = { 0 };
	int r = read_cgroup_layout(&l);
	if (r == 0 && l.tmpfs)
		r = mount_cgroup_tree(rootfd, &l, fresh);
	else if (r == 0 && l.n && !l.list[0].name[0])
		r = mount_unified(rootfd, &l.list[0], fresh);
	else if (r == 0 && !fresh) /* no cgroups there, or something else: show none */
		r = cover_dir(rootfd, CGROUP_DIR);
	free(l.list);
	return r;
}

/* ---- the network's entries in the host's sysfs ------------------------- */

/* Each interface's directory lives in a net/ directory below its device
 * (/sys/class/net/eth0 -> ../../devices/pci0000:00/.../net/eth0), the
 * virtual ones together in /sys/devices/virtual/net: all covered, then
 * /sys/class/net itself. */
static int hide_host_network(int rootfd)
{
	int r = 0;
	DIR *d = opendir("/sys/class/net");
	for (struct dirent *e; d && r == 0 && (e = readdir(d));) {
		char target[PATH_MAX];
		ssize_t n = e->d_type == DT_LNK ? readlinkat(dirfd(d), e->d_name, target, sizeof target - 1) : -1;
		if (n <= 0)
			continue;
		target[n] = '\0';
		char *slash = strrchr(target, '/');
		if (!slash || strstr(target, "/virtual/"))
			continue;
		*slash = '\0';
		char *path = xasprintf("/sys/class/net/%s", target);
		r = cover_dir(rootfd, path);
		free(path);
	}
	if (d)
		closedir(d);
	if (r == 0)
		r = cover_dir(rootfd, "/sys/devices/virtual/net");
	if (r == 0)
		r = cover_dir(rootfd, "/sys/class/net");
	return r;
}

/* ---- /sys --------------------------------------------------------------- */

int mount_sysfs(int rootfd, const struct config *cfg)
{
	bool own_cgroupns = !(cfg->share_ns & CLONE_NEWCGROUP); /* rooted where init is (init.c) */
	AUTO_CLOSE int sys = open_in_root(rootfd, "/sys");
	if (sys < 0) /* a rootfs without /sys gets none */
		return 0;
	if (refuse_root_target(sys, rootfd, "/sys") < 0)
		return -1;
	bool fresh = mount_fs_on(sys, "", "sysfs", NULL, KERNEL_FS_ATTRS) == 0;
	if (fresh) {
		trace_step("/sys: a fresh sysfs");
	} else {
		fail("mount sysfs");
		char note[1200];
		snprintf(note, sizeof note, "/sys: the root's own, %s: a fresh sysfs was refused: %s",
			 cfg->net == NET_HOST ? "as it is" : "its network entries covered", error_text());
		trace_step(note);
		if (cfg->net != NET_HOST && hide_host_network(rootfd) < 0)
			return -1;
	}
	if (!own_cgroupns) /* the caller's cgroup namespace: a mount would show its view */
		return cover_dir(rootfd, CGROUP_DIR);
	return mount_cgroups(rootfd, fresh);
}
