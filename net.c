/* net.c: the sandbox's network.
 *
 *   --net none  a new network namespace with only loopback, brought up here
 *               with one rtnetlink message;
 *   --net host  the host's namespace, shared: no network isolation at all;
 *   --net user  a new namespace connected to the outside by a user-mode
 *               network helper: pasta (package passt), or slirp4netns when
 *               pasta is missing.  The helper runs as the caller, outside,
 *               and turns the sandbox's packets into ordinary sockets of the
 *               caller's, so the sandbox reaches what the caller reaches.
 *
 * Both helpers give the sandbox the same network, so nothing inside depends
 * on which one runs:
 *
 *   eth0 10.0.2.100/24, default route via 10.0.2.2
 *   10.0.2.2   the host's loopback (a server on the host's 127.0.0.1:PORT is
 *              10.0.2.2:PORT inside); the helper maps it
 *   10.0.2.3   DNS: the helper forwards it to the host's first resolver;
 *              a generated /etc/resolv.conf names it (rootfs.c binds it)
 *
 * The sandbox's own 127.0.0.1 stays its own: pasta forwards no port from
 * the namespace's loopback to the host's (-T none -U none) and none from
 * the host into the sandbox except those given with --publish.
 *
 * The supervisor starts the helper after writing the id maps and before
 * releasing init, and waits until the helper says the namespace is
 * configured (pasta writes its pid file, slirp4netns its ready fd), so the
 * network is up before the command runs.  The helper dies with the
 * supervisor (PR_SET_PDEATHSIG) and is killed and reaped when the sandbox
 * ends. */
#include "util.h"
#include "config.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SANDBOX_ADDR "10.0.2.100"
#define HOST_LOOPBACK_ADDR "10.0.2.2"
#define DNS_ADDR "10.0.2.3"
#define READY_TIMEOUT_MS 10000

enum helper_kind { HELPER_PASTA, HELPER_SLIRP4NETNS };

struct net_helper {
	const struct config *cfg;
	enum helper_kind kind;
	char *path;     /* the helper's binary; NULL: no helper */
	pid_t pid;      /* once started */
	int log;        /* memfd holding the helper's stderr */
};

/* ---- finding the helper (supervisor, before the clone) ----------------- */

/* name on the caller's PATH (the helper runs with the caller's own
 * privileges, so the caller may choose it), or in the usual places. */
static int check_tun(void)
{
	if (access("/dev/net/tun", R_OK | W_OK) == 0)
		return 0;
	if (errno == ENOENT)
		set_hint("load the tun module (as root: modprobe tun)");
	else
		set_hint("as root: chmod 0666 /dev/net/tun (what udev sets on most distributions)");
	return fail("--net user: the network helper needs /dev/net/tun");
}

static int pick_helper(struct net_helper *h, const struct config *cfg)
{
	if (cfg->net != NET_USER) {
		if (cfg->n_publish)
			return failx("--publish needs --net user");
		return 0;
	}
	if ((h->path = find_program("pasta")))
		h->kind = HELPER_PASTA;
	else if ((h->path = find_program("slirp4netns")))
		h->kind = HELPER_SLIRP4NETNS;
	else {
		set_hint("install pasta (Debian/Ubuntu/Fedora package passt) or slirp4netns");
		return failx("--net user: neither pasta nor slirp4netns was found on PATH");
	}
	if (h->kind == HELPER_SLIRP4NETNS && cfg->n_publish) {
		set_hint("install pasta (package passt), which sbx prefers and which can publish ports");
		return failx("--publish: not supported with slirp4netns");
	}
	return check_tun();
}

struct net_helper *net_prepare(const struct config *cfg)
{
	struct net_helper *h = xcalloc(1, sizeof *h);
	h->cfg = cfg;
	h->pid = -1;
	h->log = -1;
	if (pick_helper(h, cfg) < 0) {
		net_free(h);
		return NULL;
	}
	return h;
}

/* ---- running it (supervisor, after the clone) -------------------------- */

static void add_arg(char ***argv, size_t *n, char *arg)
{
	*argv = grow(*argv, n, sizeof **argv);
	(*argv)[*n - 1] = arg;
}

/* --publish 8080:80/tcp becomes -t 8080:80: pasta binds the host port (on
 * every host address, like docker and podman do) and connects to the
 * sandbox's port. */
static char **helper_argv(const struct net_helper *h, pid_t child, int ready_fd)
{
	char **argv = NULL;
	size_t n = 0;
	add_arg(&argv, &n, xstrdup(h->path));
	if (h->kind == HELPER_SLIRP4NETNS) {
		/* Its defaults are the addresses above. */
		add_arg(&argv, &n, xstrdup("--configure"));
		add_arg(&argv, &n, xstrdup("--mtu=65520"));
		add_arg(&argv, &n, xasprintf("--ready-fd=%d", ready_fd));
		add_arg(&argv, &n, xasprintf("%d", (int)child));
		add_arg(&argv, &n, xstrdup("eth0"));
		add_arg(&argv, &n, NULL);
		return argv;
	}
	static const char *const fixed[] = {
		"--foreground", "--quiet", "--config-net", "--ipv4-only", "--ns-ifname", "eth0",
		"--address", SANDBOX_ADDR, "--netmask", "24", "--gateway", HOST_LOOPBACK_ADDR,
		"--dns-forward", DNS_ADDR, "--tcp-ns", "none", "--udp-ns", "none",
	};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		add_arg(&argv, &n, xstrdup(fixed[i]));
	/* Started by root, pasta would become nobody, who may not join the
	 * namespaces of root's sandbox: it stays the caller, as for anyone. */
	if (geteuid() == 0) {
		add_arg(&argv, &n, xstrdup("--runas"));
		add_arg(&argv, &n, xstrdup("0"));
	}
	bool tcp = false, udp = false;
	for (size_t i = 0; i < h->cfg->n_publish; i++) {
		const char *p = h->cfg->publish[i];
		const char *slash = strchr(p, '/');
		bool is_udp = slash && strcmp(slash, "/udp") == 0;
		add_arg(&argv, &n, xstrdup(is_udp ? "-u" : "-t"));
		add_arg(&argv, &n, xasprintf("%.*s", (int)(slash ? slash - p : (int)strlen(p)), p));
		*(is_udp ? &udp : &tcp) = true;
	}
	if (!tcp) {
		add_arg(&argv, &n, xstrdup("--tcp-ports"));
		add_arg(&argv, &n, xstrdup("none"));
	}
	if (!udp) {
		add_arg(&argv, &n, xstrdup("--udp-ports"));
		add_arg(&argv, &n, xstrdup("none"));
	}
	/* The pid file is written once the namespace is configured: a pipe
	 * makes that the go-ahead. */
	add_arg(&argv, &n, xstrdup("--pid"));
	add_arg(&argv, &n, xasprintf("/proc/self/fd/%d", ready_fd));
	add_arg(&argv, &n, xasprintf("%d", (int)child));
	add_arg(&argv, &n, NULL);
	return argv;
}

/* In the forked child: the helper gets /dev/null for stdin and stdout, the
 * log for stderr, the ready pipe as fd 3 and nothing else of ours; signals
 * unblocked (the supervisor blocks the ones it forwards); and it dies with
 * the supervisor. */
static void __attribute__((noreturn)) exec_helper(const struct net_helper *h, char **argv, pid_t supervisor,
						   int ready)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != supervisor)
		_exit(127);
	default_signals();
	/* Out of the way first, in case sbx was started with 0..3 closed and
	 * one of them is the log or the pipe. */
	int log = fcntl(h->log, F_DUPFD_CLOEXEC, 10), pipe_end = fcntl(ready, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (log < 0 || pipe_end < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(log, 2) < 0 ||
	    dup2(pipe_end, 3) < 0)
		_exit(127);
	syscall(SYS_close_range, 4, ~0U, 0);
	execv(argv[0], argv);
	_exit(127);
}

/* The helper's last words, without the noise of a missing syslog. */
static void last_log_line(const struct net_helper *h, char *last, size_t size)
{
	char buf[4096];
	last[0] = '\0';
	ssize_t n = pread(h->log, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strstr(line, "to syslog") && line[strspn(line, " \t")])
			snprintf(last, size, "%s", line + strspn(line, " \t"));
}

/* Wait for the helper's go-ahead: something to read on the ready pipe.
 * End of file means the helper exited first. */
static int wait_ready(struct net_helper *h, int ready)
{
	const char *name = strrchr(h->path, '/') + 1;
	struct pollfd p = { .fd = ready, .events = POLLIN };
	int n;
	do
		n = poll(&p, 1, READY_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return failx("--net user: %s did not configure the network within %d s", name, READY_TIMEOUT_MS / 1000);
	char buf[32];
	ssize_t got = n < 0 ? -1 : read(ready, buf, sizeof buf);
	if (got > 0)
		return 0;
	int status = 0;
	if (waitpid(h->pid, &status, 0) == h->pid)
		h->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return failx("--net user: could not run %s", h->path);
	char last[256];
	last_log_line(h, last, sizeof last);
	return failx("--net user: %s exited before the network was up%s%s", name, last[0] ? ": " : "", last);
}

int net_start(struct net_helper *h, pid_t child)
{
	if (!h->path)
		return 0;
	int pipefd[2];
	h->log = memfd_create("sbx-net-helper-log", MFD_CLOEXEC);
	if (h->log < 0 || pipe2(pipefd, O_CLOEXEC) < 0)
		return fail("--net user: set up the helper");
	char **argv = helper_argv(h, child, 3);
	pid_t supervisor = getpid();
	h->pid = fork();
	if (h->pid == 0)
		exec_helper(h, argv, supervisor, pipefd[1]);
	free_argv(argv);
	close(pipefd[1]);
	if (h->pid < 0) {
		close(pipefd[0]);
		return fail("--net user: fork");
	}
	int r = wait_ready(h, pipefd[0]);
	close(pipefd[0]);
	trace_step("network helper ready");
	return r;
}

void net_stop(struct net_helper *h)
{
	if (!h)
		return;
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
			;
		trace_step("network helper stopped");
	}
	h->pid = -1;
	close_fd(&h->log);
}

void net_free(struct net_helper *h)
{
	if (!h)
		return;
	net_stop(h);
	free(h->path);
	free(h);
}

/* ---- inside (init) ------------------------------------------------------ */

const char *net_resolv_conf(const struct config *cfg)
{
	return cfg->net == NET_USER ? "nameserver " DNS_ADDR "\n" : NULL;
}

static int bring_up_loopback(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof req,
			.nlmsg_type = RTM_NEWLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = 1,
		},
		.ifi = {
			.ifi_family = AF_UNSPEC,
			.ifi_index = 1, /* lo is always 1 in a new namespace */
			.ifi_flags = IFF_UP,
			.ifi_change = IFF_UP,
		},
	};
	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return fail("loopback: netlink socket");
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(sock, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
		fail("loopback: send");
		close(sock);
		return -1;
	}
	/* The kernel answers with an NLMSG_ERROR whose error is 0 on success. */
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	ssize_t n;
	do
		n = recv(sock, &ack, sizeof ack, 0);
	while (n < 0 && errno == EINTR);
	close(sock);
	if (n < 0)
		return fail("loopback: receive");
	if ((size_t)n < sizeof ack.nh || ack.nh.nlmsg_type != NLMSG_ERROR)
		return failx("loopback: unexpected netlink answer");
	if (ack.err.error != 0) {
		errno = -ack.err.error;
		return fail("loopback: bring up lo");
	}
	return 0;
}

/* Loopback, as soon as init is born: bringing it up asks for no more
 * than the CAP_NET_ADMIN that init holds in its new user namespace from the
 * clone on, not for the id maps, so it is done while the supervisor writes
 * them, in time init used to spend waiting for them.  Its failure is
 * reported once init is released, with the other setup errors. */
int net_loopback_up(const struct config *cfg)
{
	return cfg->net == NET_HOST ? 0 : bring_up_loopback();
}

/* After the id maps, before the root is built: /proc is still the host's
 * procfs then, whose /proc/sys/net shows (and lets init, root in the
 * namespace's owner, write) the sandbox's own network namespace. */
int setup_network(const struct config *cfg)
{
	/* The namespace is the sandbox's alone: let the command, which has no
	 * capabilities, listen on ports below 1024 too (a --publish target). */
	if (cfg->net == NET_USER && write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0") < 0)
		return fail_context("--net user");
	return 0;
}
