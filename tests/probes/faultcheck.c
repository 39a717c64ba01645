/* faultcheck: is this sandbox as strong as a normal sbx one?  Run as the
 * command of a sandbox that sbx set up while a fault was injected (fault,
 * fault_open.so), it checks each property sbx promises by default:
 *
 *   faultcheck OUTER_FILTERS [HOST_NS...]
 *
 *   - no capability in any set (effective, permitted, inheritable, bounding,
 *     ambient) and no_new_privs set;
 *   - seccomp in filter mode with more filters than the OUTER_FILTERS the
 *     caller installed itself (fault's one), and sbx's filter in force:
 *     unshare(CLONE_NEWUSER) refused;
 *   - the root read-only (creating a file in / fails);
 *   - no file descriptor other than 0, 1 and 2;
 *   - its own namespaces: none of /proc/self/ns/{user,mnt,pid,net,uts,ipc}
 *     is one of the HOST_NS given ("user:[4026531837]" as readlink prints);
 *   - a PID namespace of its own (at most a handful of processes in /proc)
 *     and only loopback in /proc/net/dev.
 * One line per property, "ESCAPE: ..." for each weaker than promised; exit
 * 1 when any is, 2 when the probe cannot look. */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

static void check_status(int outer_filters)
{
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int nnp = -1, mode = -1, filters = -1;
	if (!f) {
		printf("cannot open /proc/self/status: %s\n", ename(errno));
		exit(2);
	}
	while (fgets(line, sizeof line, f)) {
		for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
			size_t l = strlen(sets[i]);
			if (strncmp(line, sets[i], l) != 0 || line[l] != ':')
				continue;
			unsigned long long v = strtoull(line + l + 1, NULL, 16);
			if (v)
				escape("%s = %016llx", sets[i], v);
			else
				held("%s = 0", sets[i]);
		}
		if (strncmp(line, "NoNewPrivs:", 11) == 0)
			nnp = atoi(line + 11);
		if (strncmp(line, "Seccomp:", 8) == 0)
			mode = atoi(line + 8);
		if (strncmp(line, "Seccomp_filters:", 16) == 0)
			filters = atoi(line + 16);
	}
	fclose(f);
	if (nnp == 1)
		held("no_new_privs");
	else
		escape("NoNewPrivs = %d", nnp);
	if (mode != 2)
		escape("Seccomp = %d, not filter mode", mode);
	else if (filters >= 0 && filters <= outer_filters)
		escape("Seccomp_filters = %d: sbx added no filter to the caller's %d", filters, outer_filters);
	else
		held("seccomp filter mode, %d filters (the caller's %d and sbx's)", filters, outer_filters);
}

static void check_filter(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		printf("cannot fork: %s\n", ename(errno));
		exit(2);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		escape("unshare(CLONE_NEWUSER) succeeded: sbx's seccomp filter is not in force");
	else
		held("unshare(CLONE_NEWUSER) refused (%s)", WIFEXITED(status) ? ename(WEXITSTATUS(status)) : "killed");
}

static void check_readonly_root(void)
{
	char path[64];
	snprintf(path, sizeof path, "/.faultcheck.%d", (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		escape("created %s: the root is writable", path);
	} else
		held("the root is read-only (%s)", ename(errno));
}

static void check_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("cannot list /proc/self/fd: %s\n", ename(errno));
		exit(2);
	}
	int stray = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		char path[64], target[256];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		escape("fd %d leaked -> %s", fd, target);
		stray++;
	}
	closedir(d);
	if (!stray)
		held("no file descriptor but 0, 1, 2");
}

static void check_namespaces(int n_host, char **host)
{
	static const char *const names[] = { "user", "mnt", "pid", "net", "uts", "ipc" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[64], ns[64];
		snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
		ssize_t n = readlink(path, ns, sizeof ns - 1);
		if (n < 0) {
			printf("cannot read %s: %s\n", path, ename(errno));
			exit(2);
		}
		ns[n] = '\0';
		bool shared = false;
		for (int k = 0; k < n_host; k++)
			shared |= strcmp(host[k], ns) == 0;
		if (shared)
			escape("%s namespace is the host's (%s)", names[i], ns);
		else
			held("own %s namespace", names[i]);
	}
}

static void check_processes_and_network(void)
{
	DIR *d = opendir("/proc");
	int pids = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		pids += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (d)
		closedir(d);
	if (pids > 8)
		escape("%d processes visible in /proc: not a PID namespace of its own", pids);
	else
		held("%d processes visible", pids);

	FILE *f = fopen("/proc/net/dev", "re");
	char line[256];
	int others = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *name = line + strspn(line, " ");
		if (strcmp(name, "lo") != 0) {
			escape("network interface %s", name);
			others++;
		}
	}
	if (f)
		fclose(f);
	if (!others)
		held("only loopback");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: faultcheck OUTER_FILTERS [HOST_NS...]\n");
		return 2;
	}
	check_status(atoi(argv[1]));
	check_filter();
	check_readonly_root();
	check_fds();
	check_namespaces(argc - 2, argv + 2);
	check_processes_and_network();
	return probe_exit();
}
