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
 * Parent side (the supervisor, once init is released): read the caller's
 * limits and send them down the pipe init was released through.  Child
 * side (init): open /proc/sys/user before it builds the root, and once the
 * root is built, before the command starts, write half of each into the
 * sandbox's new user namespace, whose owner holds the CAP_SYS_RESOURCE
 * these files ask for.  So the supervisor's dozen reads run beside init's
 * root building rather than before the clone.  The command holds no
 * capabilities, so it cannot raise them (they read as 0444 to it), and a
 * namespace it might make itself is checked against ours as well.  The
 * counts inside are per uid: with --map-users each uid of the sandbox has
 * its own half.
 *
 * The namespace counts (max_*_namespaces, eight of the twelve on Linux 6)
 * are left uncapped when the seccomp filter refuses the command every way
 * to make a namespace, as the default list does: the sandbox's own were
 * counted at the clone, and nothing inside can add one.  Each cap costs a
 * sysctl read here, a write in init, and the inode that write creates and
 * the namespace's end tears down again: the eight took 7% of a default
 * launch on a 2-CPU VM (without them it took 0.924-0.937 of the time,
 * bench/launch). */
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

/* What goes down the pipe: one write, well under PIPE_BUF. */
struct quota_record {
	size_t n;
	struct user_quota q[MAX_USER_QUOTAS];
};
_Static_assert(sizeof(struct quota_record) <= 4096, "the record must be one atomic pipe write");

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

static bool namespace_count(const char *name)
{
	size_t len = strlen(name), suffix = strlen("_namespaces");
	return len > suffix && strcmp(name + len - suffix, "_namespaces") == 0;
}

static void read_quotas(const struct config *cfg, bool namespaces_refused, struct quota_record *r)
{
	r->n = 0;
	/* A joined user namespace (bubblewrap's --userns) is not ours to cap. */
	if (!cfg->cap_user_quotas || cfg->userns_fd >= 0)
		return;
	DIR *d = opendir(USER_SYSCTLS);
	if (!d)
		return; /* a kernel without them: nothing to cap */
	struct dirent *e;
	while ((e = readdir(d)) && r->n < MAX_USER_QUOTAS) {
		struct user_quota *q = &r->q[r->n];
		char text[32], *end;
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "max_", 4) != 0 || len >= sizeof q->name ||
		    (namespaces_refused && namespace_count(e->d_name)) ||
		    read_sysctl_at(dirfd(d), e->d_name, text, sizeof text) < 0)
			continue;
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || v < 0)
			continue;
		memcpy(q->name, e->d_name, len + 1);
		q->max = v / 2;
		r->n++;
	}
	closedir(d);
}

int user_quotas_send(const struct config *cfg, bool namespaces_refused, int fd)
{
	struct quota_record r = { 0 }; /* every byte sent is set (no stack garbage down the pipe) */
	read_quotas(cfg, namespaces_refused, &r);
	return write_all(fd, &r, offsetof(struct quota_record, q) + r.n * sizeof r.q[0]);
}

/* In init, before the root is built: the caller's /proc is still there
 * (the sysctls shown are those of the reader's user namespace, whichever
 * procfs it is); the fd outlives the pivot.  -1: a kernel without them,
 * nothing to cap; -2: failed. */
int user_quotas_open(void)
{
	int dir = open(USER_SYSCTLS, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 && errno != ENOENT) {
		fail("open " USER_SYSCTLS);
		return -2;
	}
	return dir;
}

/* Each limit the supervisor sent, written through dir.  The record is the
 * supervisor's, trusted: still, only names under dir and no more than fit. */
int user_quotas_apply(int sync_fd, int dir)
{
	struct quota_record r;
	ssize_t got = read_all(sync_fd, &r, sizeof r);
	if (got < (ssize_t)offsetof(struct quota_record, q) || r.n > MAX_USER_QUOTAS ||
	    (size_t)got != offsetof(struct quota_record, q) + r.n * sizeof r.q[0])
		return failx("the supervisor's user quotas did not arrive");
	for (size_t i = 0; i < r.n && dir >= 0; i++) {
		const struct user_quota *q = &r.q[i];
		if (!memchr(q->name, '\0', sizeof q->name) || strchr(q->name, '/') || q->max < 0)
			return failx("the supervisor's user quotas did not arrive");
		char text[32];
		int len = (int)format_uint(text, (unsigned long long)q->max);
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
