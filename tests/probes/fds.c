/* fds [ALLOWED_FD...]: list the open file descriptors other than 0, 1, 2.
 * Any fd not named on the command line is a leak from outside. An allowed
 * fd that is not open makes the probe exit 2 ("missing"). */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#define MAXFD 4096

static int allowed[MAXFD];

static void check(int fd, int *present)
{
	char path[64], target[512];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		strcpy(target, "?");
	else
		target[n] = 0;
	if (fd < MAXFD && allowed[fd]) {
		present[fd] = 1;
		held("fd %d open as allowed -> %s", fd, target);
	} else {
		escape("fd %d leaked -> %s", fd, target);
	}
}

int main(int argc, char **argv)
{
	static int present[MAXFD];
	int missing = 0;

	for (int i = 1; i < argc; i++) {
		int fd = atoi(argv[i]);
		if (fd < 0 || fd >= MAXFD) {
			fprintf(stderr, "fds: bad fd %s\n", argv[i]);
			return 2;
		}
		allowed[fd] = 1;
	}

	DIR *d = opendir("/proc/self/fd");
	if (d) {
		struct dirent *e;
		int self = dirfd(d);
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			int fd = atoi(e->d_name);
			if (fd <= 2 || fd == self)
				continue;
			check(fd, present);
		}
		closedir(d);
	} else {
		/* No /proc: fall back to probing each number. */
		note("no /proc/self/fd (%s); probing fds 3..%d", ename(errno),
		     MAXFD - 1);
		for (int fd = 3; fd < MAXFD; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				check(fd, present);
	}

	for (int fd = 3; fd < MAXFD; fd++)
		if (allowed[fd] && !present[fd]) {
			printf("missing: allowed fd %d is not open\n", fd);
			missing = 1;
		}

	if (!probe_escapes)
		held("no fd other than 0, 1, 2%s is open",
		     argc > 1 ? " and the allowed ones" : "");
	if (probe_escapes)
		return 1;
	return missing ? 2 : 0;
}
