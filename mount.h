/* mount.h: the kernel's interfaces asked (kernel.c) and the mount
 * primitives (mount.c, resolve.c). */
#ifndef SBX_MOUNT_H
#define SBX_MOUNT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>

/* kernel.c: which kernel interfaces there are, learnt from the first use
 * or asked once (errno kept). */
bool kernel_has_syscall(long nr);
bool mount_api_is_new(void);            /* open_tree ... mount_setattr all there (5.12) */
bool mount_api_known(void);             /* learnt already (the first clone, mount.c) */
void mount_api_found(bool new_api);
bool kernel_has_openat2(void);          /* Linux 5.6 */
bool openat2_may_work(void);            /* not known to be missing */
void openat2_found(bool present);
void explain_missing_kernel_feature(void); /* errno ENOSYS: a hint naming the oldest kernel */

/* mount.c: mount primitives.  The new mount API with paths in the new root
 * resolved by openat2 RESOLVE_IN_ROOT where the kernel has them (5.12), the
 * same guarantees with mount(2) and a walk of our own where it does not
 * (back to 5.4).  A detached mount is an fd either way.  All return -1 with
 * the error recorded. */
struct open_how;
bool same_inode(int a, int b);                      /* two fds on the same file (resolve.c) */
int open_resolved(int dfd, const char *path, const struct open_how *how); /* openat2, O_PATH only */
int resolve_by_steps(int dfd, const char *path, int flags, unsigned long long resolve); /* its stand-in */
int open_source(const char *path);                  /* a host path, no symlinks followed */
int open_in_root(int rootfd, const char *path);     /* O_PATH, confined to the root */
int open_mount_point(int rootfd, const char *path, bool dir); /* creates it if it can */
int create_mount_point(int rootfd, const char *path, bool dir); /* the same after open_in_root failed */
int mount_staging(const char *path, const char *const *opts); /* the scratch tmpfs; its root fd */
int move_mount_to(int mnt, int to_dfd, const char *to); /* a detached mount onto to ("": to_dfd) */
int set_mount_attrs(int fd, unsigned long attrs, bool recursive, const char *shown);
int attach(int rootfd, int mnt, const char *path);  /* move a detached mount there */
int refuse_root_target(int target, int rootfd, const char *path); /* -1 if a mount on target covers the root */
int clone_fd(int fd, const char *path, unsigned long attrs); /* detached recursive copy */
int clone_at(int dirfd, const char *name, unsigned long attrs); /* the same for a name, not followed */
int clone_tree(const char *path, unsigned long attrs);
int new_fs(const char *type, const char *const *opts, unsigned long attrs);
int bind_on(int dir, const char *name, int target); /* mount(2) MS_BIND of dir/name on target, no check */
int mount_fs_on(int target, const char *name, const char *type, const char *const *opts,
		unsigned long attrs); /* mount(2), no check */
int mount_new_fs(int rootfd, const char *path, const char *type, const char *const *opts,
		 unsigned long attrs);
int mount_new_fs_at(int rootfd, const char *path, const char *type, const char *const *opts, unsigned long attrs,
		    bool dir_fd); /* with dir_fd: an O_PATH fd of the new mount's root */

#endif
