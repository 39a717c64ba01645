/* userquota.c: caps on the per-user counts the sandbox shares with its
 * caller.
 *
 * The kernel counts inotify instances and watches, fanotify groups and
 * marks, and namespaces per user, and checks a new one against the limit
 * of every user namespace from the process's own up to the initial one
 * (/proc/sys/user/max_*; each namespace has its own set).  One level up,
 * all that the sandbox holds is counted as the caller's, so a sandbox that
 * takes all 128 inotify instances leaves the caller's own programs none
 * until it ends.
 *
 * Parent side (the supervisor, before the clone): read the caller's limits.
 * Child side (init, before it builds the root): write half of each into
 * the sandbox's new user namespace, whose owner holds the CAP_SYS_RESOURCE
 * these files ask for.  The command holds no capabilities, so it cannot
 * raise them (they read as 0444 to it), and a namespace it might make
 * itself is checked against ours as well.  The counts inside are per uid:
 * with --map-users each uid of the sandbox has its own half. */
#include "util.h"
#include "config.h"
#include "idmap.h"
#include "launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USER_SYSCTLS "/proc/sys/user"

/* One number from a sysctl file: procfs hands it over whole in one read, so
 * no second read for the end of file (a dozen files on every start). */
static int read_sysctl_at(int dir, const char *name, char *text, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	while ((n = read(fd, text, size - 1)) < 0 && errno == EINTR)
		;
	close(fd);
	if (n <= 0 || (size_t)n == size - 1)
		return -1; /* empty, or perhaps cut short */
	text[n] = '\0';
	return 0;
}

void user_quotas_read(const struct config *cfg, struct launch *l)
{
	l->n_user_quotas = 0;
	/* A joined user namespace (bubblewrap's --userns) is not ours to cap. */
	if (!cfg->cap_user_quotas || cfg->userns_fd >= 0)
		return;
	DIR *d = opendir(USER_SYSCTLS);
	if (!d)
		return; /* a kernel without them: nothing to cap */
	struct dirent *e;
	while ((e = readdir(d)) && l->n_user_quotas < MAX_USER_QUOTAS) {
		struct user_quota *q = &l->user_quotas[l->n_user_quotas];
		char text[32], *end;
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "max_", 4) != 0 || len >= sizeof q->name ||
		    read_sysctl_at(dirfd(d), e->d_name, text, sizeof text) < 0)
			continue;
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || v < 0)
			continue;
		memcpy(q->name, e->d_name, len + 1);
		q->max = v / 2;
		l->n_user_quotas++;
	}
	closedir(d);
}

/* In init, through the caller's /proc still mounted (the sysctls shown are
 * those of the reader's user namespace, whichever procfs it is).  Each file
 * opened from the directory's fd: one path walk through /proc, not twelve. */
int user_quotas_apply(const struct launch *l)
{
	if (!l->n_user_quotas)
		return 0;
	AUTO_CLOSE int dir = open(USER_SYSCTLS, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return errno == ENOENT ? 0 : fail("open " USER_SYSCTLS);
	for (size_t i = 0; i < l->n_user_quotas; i++) {
		const struct user_quota *q = &l->user_quotas[i];
		char text[32];
		int len = snprintf(text, sizeof text, "%lld", q->max);
		int fd = openat(dir, q->name, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		ssize_t n = -1;
		while (fd >= 0 && (n = write(fd, text, (size_t)len)) < 0 && errno == EINTR)
			;
		int err = errno;
		close_fd(&fd);
		if (n != len) {
			errno = n < 0 ? err : EIO;
			return fail("cap %s in the sandbox's user namespace", q->name);
		}
	}
	return 0;
}
