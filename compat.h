/* compat.h: the few Linux interfaces sbx uses that not every C library
 * wraps.  glibc has them all; musl (1.2.3, Debian 12's musl-tools, which the
 * static build links: GNUmakefile) lacks statx, renameat2 and PR_SET_VMA.
 * Each fallback is chosen by what the library's headers define, not by its
 * name, so a library that gains the wrapper simply uses its own: the
 * fallbacks are the raw system calls with the kernel's own definitions
 * (<linux/stat.h>), or the kernel's ABI constant where its header would
 * clash with the library's. */
#ifndef SBX_COMPAT_H
#define SBX_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef STATX_BASIC_STATS /* no statx in the library: struct statx from the kernel */
#include <linux/stat.h>
static inline int statx(int dir, const char *path, int flags, unsigned mask, struct statx *sx)
{
	return (int)syscall(SYS_statx, dir, path, flags, mask, sx);
}
#endif
#ifndef AT_STATX_DONT_SYNC
#define AT_STATX_DONT_SYNC 0x4000 /* <linux/fcntl.h>, which clashes with <fcntl.h> */
#endif

#ifndef RENAME_NOREPLACE /* no renameat2 in the library (glibc's is in <stdio.h>) */
#define RENAME_NOREPLACE (1 << 0) /* <linux/fs.h>, which clashes with <sys/mount.h> */
static inline int renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned flags)
{
	return (int)syscall(SYS_renameat2, from_dir, from, to_dir, to, flags);
}
#endif

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41 /* <linux/prctl.h>, which clashes with <sys/prctl.h> */
#endif

#endif
