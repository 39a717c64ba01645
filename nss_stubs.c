/* nss_stubs.c: sbx's own, always failing, getpwuid and initgroups, linked
 * only into the static binary.
 *
 * libcap-ng keeps capng_change_id in the same object as the functions sbx
 * does use, and that function calls getpwuid and initgroups.  In a static
 * link those would pull in glibc's NSS code, which needs the shared NSS
 * modules of the very glibc version the binary was built with at run time,
 * and the linker says so on every build.  sbx never calls capng_change_id,
 * nor looks users up through NSS (idmap.c reads /etc/passwd itself), so the
 * references are met here instead: the NSS code is not linked, the build is
 * silent, and should anything ever call these, it gets a plain error rather
 * than a half-working lookup. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

struct passwd *getpwuid(uid_t uid)
{
	(void)uid;
	errno = ENOSYS;
	return NULL;
}

int initgroups(const char *user, gid_t group)
{
	(void)user;
	(void)group;
	errno = ENOSYS;
	return -1;
}
