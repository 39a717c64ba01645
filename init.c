/* init.c: PID 1 of the sandbox (root in its user namespace, in every new
 * namespace, cloned by supervisor.c).  It waits for the supervisor to write
 * its id maps, hides itself (non-dumpable, the caller's argv and
 * environment wiped), builds the sandbox (setup_sandbox lists every step in
 * order), starts the payload (payload.c), then reaps orphans and forwards
 * signals until the payload ends, and sends its wait status to the
 * supervisor (message.c). */
#include "util.h"
#include "config.h"
#include "idmap.h"
#include "ns.h"
#include "rootfs.h"
#include "cgroup.h"
#include "net.h"
#include "relay.h"
#include "init.h"
#include "launch.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};
const size_t n_forwarded_signals = ARRAY_SIZE(forwarded_signals);

/* The caller's argv and environment strings, kept so init can wipe them. */
static char **caller_argv;
static char **caller_env;

void note_caller_memory(char **argv, char **env)
{
	caller_argv = argv;
	caller_env = env;
}

/* Init is a fork of sbx: wipe the caller's argv and environment from its
 * memory (so /proc/1/environ and /proc/1/cmdline hold nothing of them) and
 * call it sbx-init. */
static void scrub_caller_memory(void)
{
	char *start = caller_argv[0], *end = start;
	for (char **p = caller_argv; *p; p++)
		if (*p + strlen(*p) + 1 > end)
			end = *p + strlen(*p) + 1;
	for (char **p = caller_env; p && *p; p++)
		if (*p + strlen(*p) + 1 > end)
			end = *p + strlen(*p) + 1;
	static const char name[] = "sbx-init";
	if ((size_t)(end - start) >= sizeof name) {
		memset(start, 0, (size_t)(end - start));
		memcpy(start, name, sizeof name);
	}
	static char *empty[] = { NULL };
	environ = empty;
}

/* A pty from the sandbox's own devpts: its master goes to the supervisor,
 * which relays the caller's terminal; the slave becomes the command's
 * terminal with the caller's settings and window size. */
static int open_pty(const struct launch *l, int sock)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail("open /dev/ptmx");
	int unlock = 0, slave = -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		fail("unlock the pty");
	else if ((slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		fail("open the pty");
	else if (tcsetattr(slave, TCSANOW, &l->termios) < 0 || ioctl(slave, TIOCSWINSZ, &l->winsize) < 0) {
		/* A pty nobody relays would swallow the command's output. */
		fail("set up the pty");
		close(slave);
		slave = -1;
	} else {
		send_msg(sock, MSG_PTY, 0, master);
	}
	close(master);
	return slave;
}

/* Wait until the caller writes to fd (or closes it), then close it. */
static int block_on(int fd, const char *what)
{
	if (fd < 0)
		return 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return fail("%s", what);
	close(fd);
	return 0;
}

/* A read lock on each file, held by init for the sandbox's life (with
 * --as-pid-1 the command inherits none: they close at exec). */
static int hold_lock_files(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_lock_files; i++) {
		int fd = open(cfg->lock_files[i], O_RDONLY | O_CLOEXEC);
		struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		if (fd < 0 || fcntl(fd, F_SETLK, &lock) < 0) {
			fail("Unable to open lock file %s", cfg->lock_files[i]); /* bubblewrap's words */
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	return 0;
}

/* The cgroup namespace the clone made is rooted at the cgroup the
 * supervisor is in, which is init's too unless the limits put it in a leaf
 * of its own: by clone3 (the namespace is made from the parent's cgroup all
 * the same) or, on cgroup v1 and older kernels, by the supervisor moving it
 * afterwards.  Then a new one, rooted at the leaf, is made now, before the
 * root is built (the cgroup2 mount under /sys shows it); everything in the
 * sandbox starts from init, so it all sees it. */
static int root_cgroup_namespace(const struct config *cfg, const struct limits *limits)
{
	if ((cfg->share_ns & CLONE_NEWCGROUP) || !limits_move_sandbox(limits))
		return 0;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return fail("create a cgroup namespace");
	return 0;
}

/* Every step that builds the sandbox, in order.  Runs in init, which holds
 * all capabilities in the new user namespace and none outside it.  -1 on
 * failure, -2 when it was a lock file (see run_init).
 * (Resource limits and network helpers plug in here as they arrive.) */
static int setup_sandbox(const struct config *cfg, struct launch *l, const struct limits *limits, int sock,
			 int sync_fd, int loopback, int *pty_slave)
{
	struct userns_files userns;
	AUTO_CLOSE int quotas = -1;
	if (block_on(cfg->userns_block_fd, "wait on the userns block fd") < 0 || (quotas = user_quotas_open()) < -1 ||
	    open_userns_files(cfg, &userns) < 0)
		return -1;
	if (loopback < 0 || setup_network(cfg) < 0) /* loopback < 0: its error is the one recorded */
		return -1;
	trace_step("network set up");
	if (root_cgroup_namespace(cfg, limits) < 0)
		return -1;
	if (build_root(cfg) < 0)
		return -1;
	trace_step("root built and entered");
	/* The supervisor read both meanwhile.  The quotas go in our user
	 * namespace, before any nested one (bubblewrap's --unshare-user with
	 * --userns2). */
	if (read_all(sync_fd, &l->ignored, sizeof l->ignored) != (ssize_t)sizeof l->ignored)
		return failx("the supervisor's word on ignored signals did not arrive");
	if (user_quotas_apply(sync_fd, quotas) < 0)
		return -1;
	close_fd(&quotas);
	close(sync_fd);
	trace_step("user quotas set");
	if (cfg->hostname && set_hostname(cfg->hostname) < 0)
		return -1;
	trace_step("hostname set");
	if (enter_late_user_namespaces(cfg, &userns) < 0)
		return -1;
	if (hold_lock_files(cfg) < 0)
		return -2;
	if (l->use_pty && (*pty_slave = open_pty(l, sock)) < 0)
		return -1;
	if (block_on(cfg->block_fd, "wait on the block fd") < 0)
		return -1;
	return 0;
}

/* Without a PID namespace of its own, the kernel does not end the
 * command's leftovers with init: init is their subreaper (set in run_init)
 * and kills them itself, from the list of its children it opened before
 * leaving the host's /proc. */
static int children_fd = -1;

static void kill_descendants(void)
{
	if (children_fd < 0)
		return;
	/* Kill every child there is, then wait for one: each death may hand
	 * us its own children (we are their subreaper), which the next read
	 * of the list shows.  Every process waited for was sent SIGKILL
	 * first, so no wait here lasts. */
	for (;;) {
		char buf[4096];
		ssize_t n = pread(children_fd, buf, sizeof buf - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			/* A full buffer may end in half a pid: leave that one
			 * for the next round. */
			char *last = strrchr(buf, ' ');
			if ((size_t)n == sizeof buf - 1 && last)
				*last = '\0';
			for (char *save, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
				kill((pid_t)atoi(t), SIGKILL);
		}
		if (waitpid(-1, NULL, 0) < 0 && errno != EINTR)
			return; /* ECHILD: none left */
	}
}

/* Wait for the payload, reaping every orphan that the PID namespace hands
 * to us, and pass forwarded signals on.  When the payload ends, init ends,
 * and the kernel kills whatever is left in the namespace.  No heap, stdio
 * or environment from here on (the payload's invariant: payload.c). */
static void __attribute__((noreturn)) init_loop(pid_t payload, int sock, const sigset_t *set)
{
	for (;;) {
		int sig = sigwaitinfo(set, NULL);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(payload, sig);
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == payload) {
				kill_descendants();
				/* An exit code passes on as init's own, which the
				 * supervisor waits for anyway: no message, no
				 * wake-up of it before that.  A death by a signal,
				 * which PID 1 cannot die of itself, is told. */
				if (WIFEXITED(status))
					_exit(WEXITSTATUS(status));
				struct msg m = { .kind = MSG_EXIT, .code = status };
				while (send(sock, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
					;
				_exit(0);
			}
	}
}

void run_init(const struct config *cfg, struct launch *l, const struct limits *limits, int sock, int sync_fd)
{
	/* Every forwarded signal is blocked and taken with sigwaitinfo, also
	 * one the caller ignores: blocked signals are queued, not dropped. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < n_forwarded_signals; i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* Die with the supervisor.  If it is already gone, the read below sees
	 * EOF instead of the go-ahead, so there is no window. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The info fds are the supervisor's: a reader of the info fd waits for
	 * its end (bubblewrap's --userns-block-fd protocol reads it before it
	 * lets the sandbox go on). */
	if (cfg->info_fd >= 0)
		close(cfg->info_fd);
	if (cfg->json_status_fd >= 0)
		close(cfg->json_status_fd);
	/* Without its hello the supervisor cannot know our pid: it sees the
	 * socket's end once we are gone. */
	if (init_in_nested_pidns(cfg) && send_msg(sock, MSG_HELLO, 0, -1) < 0)
		_exit(EXIT_SBX_FAILED);
	int loopback = net_loopback_up(cfg);
	if (loopback == 0 && cfg->net != NET_HOST)
		trace_step("loopback up");
	char go;
	if (read_all(sync_fd, &go, 1) != 1)
		_exit(EXIT_SBX_FAILED);
	trace_step("init released"); /* the ignored signals and user quotas follow on sync_fd (setup_sandbox) */
	/* Only now, after the supervisor wrote our id maps (which needs our
	 * /proc files to be owned by the caller): nobody inside may ptrace
	 * init, read its memory or reach /proc/1/exe.  In bubblewrap mode init
	 * stays as bubblewrap's PID 1 is, readable from outside (flatpak enter
	 * joins a sandbox through /proc/PID/root and ns/); the command still
	 * cannot reach it, since init keeps capabilities the command has not
	 * got, and the kernel lets a process trace or read only a process
	 * whose capabilities are a subset of its own. */
	if (!cfg->init_visible) {
		prctl(PR_SET_DUMPABLE, 0);
		scrub_caller_memory();
	}

	if (cfg->share_ns & CLONE_NEWPID) {
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		children_fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
	}
	int pty_slave = -1;
	int setup = setup_sandbox(cfg, l, limits, sock, sync_fd, loopback, &pty_slave);
	/* bubblewrap takes its lock files after the point where it reports
	 * an exit code, when it has no PID namespace: so does sbx. */
	if (setup == -2 && (cfg->share_ns & CLONE_NEWPID))
		report_and_exit(sock, MSG_LATE_SETUP_ERROR, EXIT_SBX_FAILED);
	if (setup < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	if (cfg->as_pid_1)
		run_payload(cfg, l, limits, sock, pty_slave);
	pid_t payload = start_payload(cfg, l, limits, sock, pty_slave);
	if (payload < 0) {
		fail("start the command");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	if (pty_slave >= 0)
		close(pty_slave);
	close_command_stdio(l);
	init_loop(payload, sock, &set);
}
