/* ptrace_init [PID]: try to reach into another process, by default PID 1
 * (inside sbx: its init). Attempts: PTRACE_ATTACH, process_vm_readv, open
 * /proc/PID/mem, readlink /proc/PID/exe, read /proc/PID/environ, open
 * /proc/PID/root. Every one must fail for the sandbox to hold.
 *
 * Given the PID of a child it may trace (e.g. `sh -c 'sleep 60 & exec
 * ptrace_init $!'`), every attempt succeeds: that shows the probe can see an
 * escape. */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* First readable address of the target, from its maps; 0 if unknown. */
static unsigned long first_addr(pid_t pid)
{
	char path[64], line[256];
	unsigned long lo = 0;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3 &&
		    perms[0] == 'r') {
			lo = a;
			break;
		}
	}
	fclose(f);
	return lo;
}

int main(int argc, char **argv)
{
	pid_t pid = argc > 1 ? (pid_t)atoi(argv[1]) : 1;
	char path[64], buf[256];

	if (pid <= 0) {
		fprintf(stderr, "usage: ptrace_init [PID]\n");
		return 2;
	}

	/* PTRACE_ATTACH */
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
		escape("PTRACE_ATTACH to pid %d succeeded", (int)pid);
		int st;
		waitpid(pid, &st, __WALL);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else {
		held("PTRACE_ATTACH pid %d: %s", (int)pid, ename(errno));
	}

	/* process_vm_readv: the access check comes before the copy, so with an
	 * unknown address EFAULT still means the check was passed. */
	unsigned long addr = first_addr(pid);
	char byte;
	struct iovec local = { .iov_base = &byte, .iov_len = 1 };
	struct iovec remote = {
		.iov_base = (void *)(addr ? addr : 0x400000UL), .iov_len = 1 };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n >= 0 || errno == EFAULT)
		escape("process_vm_readv on pid %d passed the access check (%s)",
		       (int)pid, n >= 0 ? "read a byte" : "EFAULT");
	else
		held("process_vm_readv pid %d: %s", (int)pid, ename(errno));

	/* /proc/PID/mem */
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		escape("opened %s", path);
		close(fd);
	} else {
		held("open %s: %s", path, ename(errno));
	}

	/* /proc/PID/exe */
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, sizeof buf - 1);
	if (n >= 0) {
		buf[n] = 0;
		escape("readlink %s = %s", path, buf);
	} else {
		held("readlink %s: %s", path, ename(errno));
	}

	/* /proc/PID/environ */
	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf);
		if (n >= 0)
			escape("read %s (%zd bytes)", path, n);
		else
			held("read %s: %s", path, ename(errno));
		close(fd);
	} else {
		held("open %s: %s", path, ename(errno));
	}

	/* /proc/PID/root */
	snprintf(path, sizeof path, "/proc/%d/root/", (int)pid);
	DIR *d = opendir(path);
	if (d) {
		escape("opened %s", path);
		closedir(d);
	} else {
		held("opendir %s: %s", path, ename(errno));
	}

	return probe_exit();
}
