/* rootfs.h: the new root: built from the mount plan (rootfs.c) with /proc
 * (procfs.c), /sys (sysfs.c) and overlays (overlay.c). */
#ifndef SBX_ROOTFS_H
#define SBX_ROOTFS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stddef.h>

struct config;
struct mount_op;

/* rootfs.c: in init, the new root built from the mount plan and entered
 * (pivot_root). */
int build_root(const struct config *cfg);

/* procfs.c: for rootfs.c, /proc at path (new, or the host's host_proc
 * bound), with sys/ and sysrq-trigger read-only; the kernel paths sbx
 * masks, and one path of a MOUNT_MASK step, covered with an empty file
 * (made in the staging tmpfs, scratch) or directory. */
int mount_proc(int rootfd, const char *path);
int bind_host_proc(int rootfd, int host_proc, const char *path);
int mask_kernel_paths(int rootfd, int scratch);
int mask_user_path(int rootfd, int scratch, const char *path);

/* sysfs.c: /sys for the sandbox's own network namespace (a fresh sysfs,
 * or the root's with the network's entries covered) and /sys/fs/cgroup
 * showing its own cgroups only; part of the standard mounts. */
int mount_sysfs(int rootfd, const struct config *cfg);

/* overlay.c: --overlay.  Mounts the overlay of the rootfs (a detached
 * tree) on "root" in the scratch tmpfs (mounted at staging) and returns an
 * O_PATH fd of it.  keep_dir: the --overlay-upper directory, or -1. */
int mount_overlay(const struct config *cfg, int scratch, const char *staging, int rootfs, int keep_dir);
/* The supervisor's side of --overlay-upper DIR: locked before the clone
 * (NULL: error recorded; without DIR, nothing to do); after the run, made
 * removable by its owner; then released. */
struct overlay_keep *overlay_keep_lock(const struct config *cfg);
void overlay_keep_finish(struct overlay_keep *k);
void overlay_keep_release(struct overlay_keep *k);
/* bubblewrap's overlays (MOUNT_OVERLAY) at op->dst; fds: upper, work, then
 * the layers top first, opened before anything was mounted (rootfs.c). */
int mount_overlay_op(const struct config *cfg, int rootfd, int scratch, const struct mount_op *op, const int *fds,
		     size_t index);

#endif
