/* bench/launch.c: the timing harness behind bench/run.
 *
 *   launch [-m lat|tput|rss] [-r ROUNDS] [-n N] [-w WARMUP] [-j P]
 *          -- LABEL CMD [ARG...] [:: LABEL CMD [ARG...]]...
 *
 * Runs every command (looked up in PATH) with stdin and stdout on /dev/null
 * (so sbx never allocates a pty) and stderr inherited, and interleaves them:
 * in each round every command gets its turn, and the order rotates from one
 * round to the next, so slow drift of the machine (another tenant on the
 * shared cores, page cache, frequency) spreads over all commands alike.
 *
 *   lat   each turn is N launches one after another, each timed alone with
 *         CLOCK_MONOTONIC from posix_spawn to waitpid.  Prints per command
 *         the median, p90, min and mean in ns over all rounds.
 *   tput  each turn starts P workers at once (released together through a
 *         pipe), each doing N launches back to back; launches/s is P*N over
 *         the wall time until the last worker is done.  Prints the median
 *         over rounds.
 *   rss   each turn starts the command once with stdin and stdout on pipes.
 *         The payload (bench/hold.c) writes one byte when it runs, then
 *         waits for EOF on stdin.  Meanwhile we read, of the launcher (the
 *         process we started: the sbx supervisor, the outer bwrap), VmHWM,
 *         RssAnon and RssFile, and Pss and private memory from smaps_rollup
 *         where readable; and VmHWM of its child (sbx init, bwrap's PID 1).
 *         Then we close stdin and take ru_maxrss from wait4, which is what
 *         /usr/bin/time %M prints: the maximum over the launcher, every
 *         descendant it reaped, and the pages the launcher had before exec
 *         (ours, as posix_spawn shares our memory until then: see the bare
 *         row).  Prints medians in KiB.
 *
 * Output: one "LABEL KEY VALUE" line per figure on stdout, for bench/run.
 * Any launch that does not exit 0 stops everything with exit status 1. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum mode { LAT, TPUT, RSS };

/* What rss mode records per launch, in KiB (-1 when unreadable). */
enum mem {
	LAUNCHER_HWM, LAUNCHER_ANON, LAUNCHER_FILE, LAUNCHER_PSS, LAUNCHER_PRIVATE, PID1_HWM, TREE_MAXRSS, N_MEM
};
static const char *const mem_keys[N_MEM] = {
	"launcher_hwm_kb", "launcher_anon_kb", "launcher_file_kb", "launcher_pss_kb", "launcher_private_kb",
	"pid1_hwm_kb", "tree_maxrss_kb",
};

struct cmd {
	const char *label;
	char **argv;
	double *samples; /* lat: ns per launch; tput: launches/s per round */
	size_t n_samples;
	double *mem[N_MEM]; /* rss: one value per round */
};

static void die(const char *what)
{
	fprintf(stderr, "launch: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: launch [-m lat|tput|rss] [-r ROUNDS] [-n N] [-w WARMUP] [-j P] "
			"-- LABEL CMD [ARG...] [:: LABEL CMD [ARG...]]...\n");
	exit(2);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("calloc");
	return p;
}

/* Start argv with stdin from in_fd and stdout to out_fd. */
static pid_t spawn(char **argv, int in_fd, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		errno = err;
		fprintf(stderr, "launch: cannot run %s: %s\n", argv[0], strerror(err));
		exit(1);
	}
	return pid;
}

static void check_status(const struct cmd *c, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFEXITED(status))
		fprintf(stderr, "launch: %s: exit status %d:", c->label, WEXITSTATUS(status));
	else
		fprintf(stderr, "launch: %s: killed by signal %d:", c->label, WTERMSIG(status));
	size_t shown = 0;
	for (char **a = c->argv; *a; a++, shown++)
		if (shown < 12)
			fprintf(stderr, " %s", *a);
	fprintf(stderr, "%s\n", shown > 12 ? " ..." : "");
	exit(1);
}

static int wait_for(pid_t pid, struct rusage *ru)
{
	int status;
	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			die("wait4");
	return status;
}

static int devnull;

static double time_one(const struct cmd *c)
{
	double t0 = now_ns();
	pid_t pid = spawn(c->argv, devnull, devnull);
	int status = wait_for(pid, NULL);
	double t1 = now_ns();
	check_status(c, status);
	return t1 - t0;
}

/* P workers released together; returns launches per second. */
static double throughput(const struct cmd *c, int workers, int n)
{
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	pid_t *pids = xcalloc((size_t)workers, sizeof *pids);
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			close(go[1]);
			char b;
			while (read(go[0], &b, 1) < 0 && errno == EINTR)
				;
			for (int i = 0; i < n; i++) {
				pid_t pid = spawn(c->argv, devnull, devnull);
				check_status(c, wait_for(pid, NULL));
			}
			_exit(0);
		}
	}
	close(go[0]);
	double t0 = now_ns();
	close(go[1]); /* EOF releases every worker at once */
	int failed = 0;
	for (int w = 0; w < workers; w++) {
		int status = wait_for(pids[w], NULL);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	}
	double t1 = now_ns();
	free(pids);
	if (failed)
		exit(1);
	return (double)workers * n / ((t1 - t0) / 1e9);
}

/* A "Key:   123 kB" field from a /proc file, or -1. */
static double proc_field_kb(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t klen = strlen(key);
	double v = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtod(line + klen + 1, NULL);
			break;
		}
	fclose(f);
	return v;
}

/* The first child of pid, found by scanning /proc/N/stat for its ppid. */
static pid_t first_child(pid_t parent)
{
	DIR *d = opendir("/proc");
	if (!d)
		die("opendir /proc");
	pid_t found = -1;
	struct dirent *e;
	while (found < 0 && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = 0;
		char *rp = strrchr(buf, ')'); /* comm may hold spaces */
		int ppid;
		if (rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 && ppid == parent)
			found = (pid_t)pid;
	}
	closedir(d);
	return found;
}

static void rss_one(struct cmd *c, size_t k)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe");
	pid_t pid = spawn(c->argv, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	struct pollfd p = { .fd = out[0], .events = POLLIN };
	char b;
	if (poll(&p, 1, 20000) != 1 || read(out[0], &b, 1) != 1) {
		fprintf(stderr, "launch: %s: the payload never said it was running\n", c->label);
		kill(pid, SIGKILL);
		exit(1);
	}
	pid_t child = first_child(pid);
	c->mem[LAUNCHER_HWM][k] = proc_field_kb(pid, "status", "VmHWM");
	c->mem[LAUNCHER_ANON][k] = proc_field_kb(pid, "status", "RssAnon");
	c->mem[LAUNCHER_FILE][k] = proc_field_kb(pid, "status", "RssFile");
	c->mem[LAUNCHER_PSS][k] = proc_field_kb(pid, "smaps_rollup", "Pss");
	double clean = proc_field_kb(pid, "smaps_rollup", "Private_Clean");
	double dirty = proc_field_kb(pid, "smaps_rollup", "Private_Dirty");
	c->mem[LAUNCHER_PRIVATE][k] = clean < 0 || dirty < 0 ? -1 : clean + dirty;
	c->mem[PID1_HWM][k] = child > 0 ? proc_field_kb(child, "status", "VmHWM") : -1;
	close(in[1]);
	struct rusage ru;
	int status = wait_for(pid, &ru);
	close(out[0]);
	check_status(c, status);
	c->mem[TREE_MAXRSS][k] = (double)ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v by nearest rank; sorts v. */
static double quantile(double *v, size_t n, double q)
{
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(q * (double)n + 0.999999);
	if (i > 0)
		i--;
	if (i >= n)
		i = n - 1;
	return v[i];
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_results(enum mode mode, struct cmd *cmds, size_t n_cmds, int workers, int n)
{
	for (size_t c = 0; c < n_cmds; c++) {
		struct cmd *cm = &cmds[c];
		const char *l = cm->label;
		size_t m = cm->n_samples;
		if (mode == LAT) {
			double sum = 0;
			for (size_t i = 0; i < m; i++)
				sum += cm->samples[i];
			printf("%s mean_ns %.0f\n", l, sum / (double)m);
			printf("%s median_ns %.0f\n", l, median(cm->samples, m));
			printf("%s p90_ns %.0f\n", l, quantile(cm->samples, m, 0.9));
			printf("%s min_ns %.0f\n", l, cm->samples[0]);
			printf("%s n %zu\n", l, m);
		} else if (mode == TPUT) {
			printf("%s per_s %.1f\n", l, median(cm->samples, m));
			printf("%s min_per_s %.1f\n", l, quantile(cm->samples, m, 0));
			printf("%s launches %d\n", l, workers * n);
		} else {
			for (int x = 0; x < N_MEM; x++)
				printf("%s %s %.0f\n", l, mem_keys[x], median(cm->mem[x], m));
		}
	}
}

/* Split argv[from..] at "::" into LABEL CMD [ARG...] groups, in place. */
static struct cmd *split_commands(int argc, char **argv, int from, size_t *n_cmds)
{
	struct cmd *cmds = xcalloc((size_t)argc, sizeof *cmds);
	*n_cmds = 0;
	for (int i = from; i < argc;) {
		int j = i;
		while (j < argc && strcmp(argv[j], "::"))
			j++;
		if (j - i < 2)
			usage();
		if (j < argc)
			argv[j] = NULL; /* ends this command's argv */
		cmds[*n_cmds].label = argv[i];
		cmds[*n_cmds].argv = &argv[i + 1];
		(*n_cmds)++;
		i = j + 1;
	}
	return cmds;
}

int main(int argc, char **argv)
{
	enum mode mode = LAT;
	int rounds = 10, n = 10, warmup = 3, workers = 2, opt;
	while ((opt = getopt(argc, argv, "+m:r:n:w:j:")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "lat"))
				mode = LAT;
			else if (!strcmp(optarg, "tput"))
				mode = TPUT;
			else if (!strcmp(optarg, "rss"))
				mode = RSS;
			else
				usage();
			break;
		case 'r': rounds = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'j': workers = atoi(optarg); break;
		default: usage();
		}
	}
	if (rounds < 1 || n < 1 || warmup < 0 || workers < 1 || optind >= argc)
		usage();
	size_t n_cmds;
	struct cmd *cmds = split_commands(argc, argv, optind, &n_cmds);

	/* Above 2, so the dup2 onto 0 and 1 in spawn() always clears CLOEXEC. */
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || (devnull = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
		die("open /dev/null");
	close(fd);
	signal(SIGPIPE, SIG_IGN);

	size_t per_cmd = mode == LAT ? (size_t)rounds * (size_t)n : (size_t)rounds;
	for (size_t c = 0; c < n_cmds; c++) {
		cmds[c].samples = xcalloc(per_cmd, sizeof(double));
		for (int x = 0; x < N_MEM; x++)
			cmds[c].mem[x] = xcalloc(per_cmd, sizeof(double));
	}

	for (int w = 0; w < warmup; w++)
		for (size_t c = 0; c < n_cmds; c++)
			(void)time_one(&cmds[c]);

	/* Round r starts with command r mod n_cmds: the order rotates. */
	for (int r = 0; r < rounds; r++)
		for (size_t k = 0; k < n_cmds; k++) {
			struct cmd *c = &cmds[((size_t)r + k) % n_cmds];
			if (mode == LAT)
				for (int i = 0; i < n; i++)
					c->samples[c->n_samples++] = time_one(c);
			else if (mode == TPUT)
				c->samples[c->n_samples++] = throughput(c, workers, n);
			else
				rss_one(c, c->n_samples++);
		}

	print_results(mode, cmds, n_cmds, workers, n);
	return 0;
}
