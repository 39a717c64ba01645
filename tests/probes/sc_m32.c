/* sc_m32: a real 32-bit program (gcc -m32 -static, built by the test when
 * gcc-multilib is there; not in PROBES), to see the i386 half of the filter
 * the way 32-bit libc uses it.  Prints one "call: result" line each. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r)
{
	const char *e = strerrorname_np(errno);
	printf("%s: %s\n", what, r >= 0 ? "ok" : e ? e : "error");
}

int main(void)
{
	printf("pointer size: %zu\n", sizeof(void *));
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	show("fork", pid > 0 ? waitpid(pid, NULL, 0) : -1);
	show("personality(PER_LINUX32)", personality(PER_LINUX32));
	show("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER));
	int sv[2];
	show("socketpair(AF_UNIX)", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	show("socket(AF_UNIX)", socket(AF_UNIX, SOCK_STREAM, 0));
	return 0;
}
