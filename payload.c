/* payload.c: the command's process, from init's clone to exec.  It enters
 * a new session (the pty or relay pipes for its terminal fds), its working
 * directory, closes stray fds, applies the rlimits, takes its ids, joins a
 * fresh keyring, drops every capability, sets no_new_privs, loads the
 * seccomp filter last, and execs; what fails goes to the supervisor as one
 * message (message.c), told apart as sbx's failure (125), a command that
 * cannot run (126) or is not there (127). */
#include "util.h"
#include "config.h"
#include "idmap.h"
#include "filter.h"
#include "cgroup.h"
#include "init.h"
#include "launch.h"
#include "protocol.h"
#include "hidden.h"

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* close_range(lo, hi); before Linux 5.9 (ENOSYS), each fd in the range that
 * /proc/self/fd lists, or without /proc every number up to the hard limit. */
static int close_fds_between(unsigned lo, unsigned hi)
{
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		for (struct dirent *e; (e = readdir(d));) {
			unsigned long fd = strtoul(e->d_name, NULL, 10);
			if (e->d_name[0] != '.' && fd >= lo && fd <= hi && (int)fd != dirfd(d))
				close((int)fd);
		}
		closedir(d);
		return 0;
	}
	struct rlimit rl;
	unsigned long top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? rl.rlim_max : 1UL << 20;
	for (unsigned long fd = lo; fd <= hi && fd < top; fd++)
		close((int)fd);
	return 0;
}

/* Close every fd above 2 except the ones asked for and the report socket
 * (close-on-exec, so it closes itself when exec succeeds). */
static int close_stray_fds(const struct config *cfg, int sock)
{
	if (cfg->inherit_fds) {
		/* Every fd passes on (a caller may hand some down on purpose),
		 * except the ones the sandbox must not have. */
		for (size_t i = 0; i < cfg->n_close_fds; i++)
			close(cfg->close_fds[i]);
		return 0;
	}
	size_t n = cfg->n_keep_fds + 1;
	AUTO_FREE int *keep = xcalloc(n, sizeof *keep);
	if (cfg->n_keep_fds)
		memcpy(keep, cfg->keep_fds, cfg->n_keep_fds * sizeof *keep);
	keep[n - 1] = sock;
	qsort(keep, n, sizeof *keep, cmp_int);
	unsigned from = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > from && close_fds_between(from, (unsigned)keep[i] - 1) < 0)
			return fail("close inherited file descriptors");
		from = (unsigned)keep[i] + 1;
	}
	if (close_fds_between(from, ~0U) < 0)
		return fail("close inherited file descriptors");
	for (size_t i = 0; i < cfg->n_keep_fds; i++)
		if (fcntl(cfg->keep_fds[i], F_SETFD, 0) < 0)
			return fail("--keep-fd %d", cfg->keep_fds[i]);
	return 0;
}

/* A new session: the command has no way to the caller's terminal (TIOCSTI
 * needs it to be the controlling terminal).  Each standard fd that was the
 * caller's terminal becomes the sandbox's own pty (which is then the
 * controlling terminal, so shells get job control) or a relay pipe
 * (relay.c decides which). */
static int enter_session(const struct config *cfg, const struct launch *l, int pty_slave)
{
	if (!cfg->no_new_session || pty_slave >= 0) {
		if (setsid() < 0)
			return fail("setsid");
		if (pty_slave >= 0 && ioctl(pty_slave, TIOCSCTTY, 0) < 0)
			return fail("set the controlling terminal");
	}
	for (int fd = 0; fd < 3; fd++) {
		int mine = pty_slave >= 0 && (l->tty_fds & (1u << fd)) ? pty_slave : l->stdio_pipe[fd];
		if (mine >= 0 && dup2(mine, fd) < 0)
			return fail("dup2 the terminal");
	}
	if (pty_slave >= 0)
		close(pty_slave);
	return 0;
}

static int enter_workdir(const struct config *cfg, const struct launch *l, int sock)
{
	if (cfg->chdir) {
		if (chdir(cfg->chdir) < 0)
			return fail("--chdir %s", cfg->chdir);
		return 0;
	}
	if (chdir(cfg->cwd) == 0)
		return 0;
	/* Hidden or missing inside: bubblewrap goes to the command's HOME
	 * first, sbx straight to /, and the supervisor says why. */
	for (char **e = l->envp; cfg->cwd_home_fallback && e && *e; e++)
		if (strncmp(*e, "HOME=", 5) == 0 && chdir(*e + 5) == 0)
			return 0;
	if (chdir("/") < 0)
		return fail("chdir /");
	if (!cfg->cwd_home_fallback && cwd_hidden_is_news(cfg))
		send_msg(sock, MSG_CWD_HIDDEN, 0, -1);
	return 0;
}

/* PWD names where the command starts (bubblewrap's behaviour). */
static void set_pwd(const struct config *cfg)
{
	char buf[4096];
	if (cfg->set_pwd && getcwd(buf, sizeof buf))
		setenv("PWD", buf, 1);
}

/* Every capability goes: effective, permitted, inheritable, ambient and the
 * bounding set, so that even a command running as uid 0 inside gains
 * nothing through exec.
 *
 * The bounding set is dropped here, one PR_CAPBSET_DROP per capability
 * until the kernel says EINVAL (past its last one, whatever the headers
 * say): each 0 it returns is the kernel's word that the capability left
 * the set, and nothing ever puts one back, so no read-back is needed.
 * libcap-ng's own bounding-set path would read /proc/self/status three
 * times around the same drops.  libcap-ng then sets the other sets (one
 * capset, and the ambient set cleared), and one capget proves them.
 *
 * One exception: with --map-users (the full id map) a command that is root
 * inside keeps what root needs to manage the files and ids of the user
 * namespace: chown to a mapped id, dpkg and apt switching users.  These act
 * only on objects whose owners are mapped (the caller's and its subordinate
 * ids); mounts stay read-only, and mounting and namespaces stay denied by
 * seccomp. */
static const int userns_root_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE,
};

/* Drop every capability not in keep from the bounding set (needs
 * CAP_SETPCAP, so before the capset below). */
static int drop_bounding_set(unsigned long long keep)
{
	for (int cap = 0;; cap++) {
		if (cap < 64 && (keep & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			return 0; /* past the kernel's last capability */
		return fail("drop capabilities: capability %d from the bounding set", cap);
	}
}

static int drop_capabilities(bool keep_userns_root, unsigned long long cap_add)
{
	unsigned long long keep = 0;
	capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	/* Asked for by the caller (--cap-add in bwrap mode): kept in every
	 * set, ambient too, so they survive the exec of a non-root command. */
	for (int cap = 0; cap < 64 && cap <= (int)CAP_LAST_CAP; cap++)
		if (cap_add & (1ULL << cap)) {
			keep |= 1ULL << cap;
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE, cap);
		}
	for (size_t i = 0; keep_userns_root && i < ARRAY_SIZE(userns_root_caps); i++) {
		keep |= 1ULL << userns_root_caps[i];
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, userns_root_caps[i]);
	}
	if (drop_bounding_set(keep) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0)
		return failx("drop capabilities: libcap-ng could not apply the reduced set");
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 }; /* (valgrind sees only data[0] written) */
	if (syscall(SYS_capget, &head, data) < 0)
		return fail("read capabilities back");
	unsigned long long effective = data[0].effective | (unsigned long long)data[1].effective << 32;
	unsigned long long permitted = data[0].permitted | (unsigned long long)data[1].permitted << 32;
	unsigned long long inheritable = data[0].inheritable | (unsigned long long)data[1].inheritable << 32;
	if (effective != keep || permitted != keep || (inheritable & ~cap_add))
		return failx("drop capabilities: some remained");
	/* (The ambient set is always within permitted and inheritable, so it
	 * is empty now but for what is raised here.) */
	for (int cap = 0; cap < 64 && cap <= (int)CAP_LAST_CAP; cap++)
		if ((cap_add & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return fail("raise ambient capability %d", cap);
	return 0;
}

/* execvp reports EACCES when a directory of PATH could not be searched
 * (the caller's own ~/bin under su or sudo), even when the command is in
 * none of them: then the truth is "not found".  A file that exists but may
 * not be run is still "cannot run" (126). */
static bool found_on_path(const char *name)
{
	if (strchr(name, '/'))
		return true;
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path ? path : "/bin:/usr/bin");
	bool found = false;
	for (char *save, *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *d ? d : ".", name);
		found = access(p, F_OK) == 0;
		free(p);
	}
	free(dirs);
	return found;
}

/* Every signal back to its default action, none blocked (init has the
 * forwarded ones and SIGCHLD blocked).  The dispositions are init's, which
 * are the supervisor's at the clone: the default for every signal but those
 * the caller left ignored.  sbx installs no handler before the clone (its
 * SIGALRM handler and SIGPIPE's SIG_IGN come after, in the supervisor
 * alone) and init sets none, so only the ignored ones need a call; exec
 * would reset a handler anyway, but not SIG_IGN.  When the supervisor could
 * not read them, every signal is reset as before. */
static void reset_signals(const struct launch *l)
{
	if (l->ignored.known)
		default_signals_among(l->ignored.set);
	else
		default_signals();
}

void run_payload(const struct config *cfg, const struct launch *l, const struct limits *limits, int sock,
		 int pty_slave)
{
	trace_step("payload forked");
	reset_signals(l);
	/* Each process dies with its parent (bubblewrap's --die-with-parent,
	 * always); in a PID namespace of its own, init's end kills all. */
	if (!cfg->as_pid_1)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (enter_session(cfg, l, pty_slave) < 0 || enter_workdir(cfg, l, sock) < 0 || close_stray_fds(cfg, sock) < 0 ||
	    apply_rlimits(limits) < 0 || enter_payload_ids(cfg) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	/* A fresh session keyring: the caller's keys stay out of reach. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS) {
		fail("join a new session keyring");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	if (drop_capabilities(getuid() == 0 && id_map_is_full(cfg), cfg->cap_add) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fail("set no_new_privs");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	/* Last: after this, only what the filter allows. */
	int listener = -1;
	trace_step("capabilities dropped, no_new_privs");
	if (install_seccomp(l->seccomp, &listener) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	trace_step("seccomp loaded, exec");
	if (listener >= 0) {
		send_msg(sock, MSG_SECCOMP_FD, 0, listener);
		close(listener);
	}

	environ = l->envp;
	set_pwd(cfg);
	char *file = cfg->argv[0];
	if (cfg->argv0)
		cfg->argv[0] = cfg->argv0; /* this process's own copy of the config */
	execvp(file, cfg->argv);
	int err = errno;
	/* There, but ENOENT: what it asks the kernel to run is missing. */
	if (err == ENOENT && (strchr(file, '/') ? access(file, F_OK) == 0 : found_on_path(file))) {
		set_hint("its #! interpreter or the ELF program loader (ld.so) it names is missing in the sandbox");
		failx("cannot run %s: No such file or directory", file);
		report_and_exit(sock, MSG_EXEC_ERROR, EXIT_NOT_FOUND);
	}
	if (err == ENOENT || (err == EACCES && !found_on_path(file))) {
		failx("%s: command not found", file);
		report_and_exit(sock, MSG_EXEC_ERROR, EXIT_NOT_FOUND);
	}
	errno = err;
	fail("cannot run %s", file);
	report_and_exit(sock, MSG_EXEC_ERROR, EXIT_CANNOT_EXEC);
}

/* The payload starts the way posix_spawn starts a program: sharing init's
 * memory (CLONE_VM) on a stack of its own, with init asleep until it has
 * exec'd or exited (CLONE_VFORK).  Nothing is copied, which saves a tenth of
 * a millisecond on the start-up path (make bench).  Signal dispositions,
 * files, the working directory and credentials are the payload's own, as
 * after fork.
 *
 * THE INVARIANT THIS RELIES ON (check it when you touch init or the payload):
 *   1. init is suspended in clone() while the payload runs, holding no lock:
 *      not inside malloc, stdio or libcap-ng.  So the payload may call them
 *      (it does: libcap-ng's state, setenv for PWD, the keep-fd list, the
 *      messages of a failed exec), on init's heap and with init's thread
 *      data (errno, libcap-ng's thread-local state).
 *   2. the payload ends only in execve or _exit, never returns, never
 *      runs atexit handlers or flushes init's stdio buffers.
 *   3. once woken, init never again reads what the payload may have
 *      changed: environ, libcap-ng's state, the heap blocks it allocated
 *      (they are simply leaked), errno.  init_loop and kill_descendants
 *      (init.c) use no heap, no stdio and no environment.
 * The payload's stack is an array in start_payload's own frame.  init has
 * been deeper than that while it built the root (perf's page-fault
 * addresses: about 11 KiB below the array's top), so those pages are
 * already its own: the payload starts without a page fault for its stack,
 * where a static stack costs a fresh page or two (10 µs each on a VM), and
 * a larger array would reach fresh pages again.  The payload needs under
 * 5 KiB (the deepest measured, filling the array with a pattern: 4.6 KiB,
 * a 4 KiB PATH searched by musl's execvp; bubblewrap mode 4.4 KiB); the
 * array is 10 KiB, and a tripwire over its lowest 4.5 KiB makes a future
 * deeper payload fail loudly in the tests instead of scribbling on init's
 * stack.  The tripwire is wider than the largest buffer the payload keeps
 * on the stack (execvp's, PATH_MAX + NAME_MAX, filled from its low end),
 * so no frame can reach below the array without writing into it.
 * That is the musl build's (sbx's own static build); the glibc builds,
 * whose stdio alone needs more, keep a static stack of 256 KiB.
 * The sanitizer build forks instead (AddressSanitizer cannot follow the
 * stack switch), so the payload's code is tested both ways. */
struct payload_args {
	const struct config *cfg;
	const struct launch *l;
	const struct limits *limits;
	int sock, pty_slave;
};

static int payload_main(void *p)
{
	const struct payload_args *a = p;
	run_payload(a->cfg, a->l, a->limits, a->sock, a->pty_slave);
}

pid_t start_payload(const struct config *cfg, const struct launch *l, const struct limits *limits, int sock,
		    int pty_slave)
{
	/* On this stack, which stays as it is while init sleeps in clone. */
	struct payload_args args = { cfg, l, limits, sock, pty_slave };
#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer cannot follow a switch to another stack and warns on
	 * every run; the sanitizer build forks (the payload's code is the same). */
	pid_t pid = fork();
	if (pid == 0)
		payload_main(&args);
	return pid;
#elif defined(__GLIBC__)
	/* glibc's stdio writes an unbuffered stream (stderr) through an 8 KiB
	 * buffer on the stack, and its execvp falls back to /bin/sh with the
	 * arguments copied onto the stack: too deep for the small stack below.
	 * The glibc builds (the Debian package, valgrind's) keep a stack of
	 * their own, as before. */
	enum { STACK_SIZE = 256 * 1024 };
	static char stack[STACK_SIZE] __attribute__((aligned(16)));
	return clone(payload_main, stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
#else
	enum { STACK_SIZE = 10 * 1024, TRIPWIRE = PATH_MAX + NAME_MAX + 1 + 256 };
	_Static_assert(TRIPWIRE < STACK_SIZE / 2, "the tripwire leaves the payload most of its stack");
	char stack[STACK_SIZE] __attribute__((aligned(16)));
	memset(stack, 0xa5, TRIPWIRE);
	pid_t pid = clone(payload_main, stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
	for (size_t i = 0; pid > 0 && i < TRIPWIRE; i++)
		if ((unsigned char)stack[i] != 0xa5) {
			kill(pid, SIGKILL);
			failx("internal error: the command's start-up used more than its %d KiB of stack",
			      STACK_SIZE / 1024);
			report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
		}
	return pid;
#endif
}
