/* kill_host PID: PID is a process outside the sandbox. kill(PID, 0) and
 * kill(PID, SIGTERM) must both fail with ESRCH: the process is not even
 * visible. EPERM would mean it is visible (but not killable). */
#include "probe.h"

#include <signal.h>

int main(int argc, char **argv)
{
	if (argc != 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: kill_host PID\n");
		return 2;
	}
	pid_t pid = (pid_t)atoi(argv[1]);
	const int sigs[] = { 0, SIGTERM };

	for (size_t i = 0; i < 2; i++) {
		int sig = sigs[i];
		if (kill(pid, sig) == 0)
			escape("kill(%d, %d) succeeded", (int)pid, sig);
		else if (errno == ESRCH)
			held("kill(%d, %d): ESRCH", (int)pid, sig);
		else
			escape("kill(%d, %d): %s: the process is visible",
			       (int)pid, sig, ename(errno));
	}
	return probe_exit();
}
