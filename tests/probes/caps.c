/* caps: check that the process holds no capability in any set and runs with
 * no_new_privs. Then report (without judging) whether a nested user
 * namespace can be made and used to mount. */
#include "probe.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const sets[] = {
	"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
};

int main(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int seen = 0, nnp = -1;

	if (!f) {
		printf("cannot open /proc/self/status: %s\n", ename(errno));
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
			size_t l = strlen(sets[i]);
			if (strncmp(line, sets[i], l) || line[l] != ':')
				continue;
			unsigned long long v = strtoull(line + l + 1, NULL, 16);
			seen++;
			if (v)
				escape("%s = %016llx", sets[i], v);
			else
				held("%s = 0", sets[i]);
		}
		if (!strncmp(line, "NoNewPrivs:", 11))
			nnp = atoi(line + 11);
	}
	fclose(f);

	if (seen != 5) {
		printf("found %d of 5 capability lines\n", seen);
		return 2;
	}
	if (nnp == 1)
		held("NoNewPrivs = 1");
	else
		escape("NoNewPrivs = %d", nnp);

	/* Report only: a nested user namespace grants capabilities over that
	 * namespace alone, which is not by itself a way out. */
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
			note("nested unshare(CLONE_NEWUSER|CLONE_NEWNS): %s",
			     ename(errno));
			_exit(0);
		}
		note("nested unshare(CLONE_NEWUSER|CLONE_NEWNS): allowed");
		if (mount("none", "/tmp", "tmpfs", 0, NULL) < 0)
			note("nested mount tmpfs on /tmp: %s", ename(errno));
		else
			note("nested mount tmpfs on /tmp: allowed");
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);

	return probe_exit();
}
