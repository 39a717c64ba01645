/* sandbox.c: main, the supervisor, init and the payload.
 *
 *   sbx (supervisor, outside)  -- clone(all namespaces) -->  init (PID 1)  -- fork -->  payload
 *
 * The supervisor writes the id maps, releases init, forwards signals, relays
 * the terminal when there is one, and turns what it hears into one exit
 * status.  Init builds the sandbox (setup_sandbox below lists every step in
 * order), starts the payload, reaps orphans and forwards signals.  The
 * payload drops the last privileges and execs the command.  Everything that
 * goes wrong inside travels to the supervisor as a message on one socket, so
 * the user sees a single clear line. */
#include "sbx.h"

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const int forwarded_signals[N_FORWARDED] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* The caller's argv and environment strings, kept so init can wipe them. */
static char **caller_argv;
static char **caller_env;

/* ---- messages from inside to the supervisor ---------------------------- */

static int send_msg(int sock, int kind, int code, int fd)
{
	struct msg m = { .kind = kind, .code = code };
	snprintf(m.text, sizeof m.text, "%s", error_text());
	if (hint_text()[0]) {
		size_t len = strlen(m.text);
		snprintf(m.text + len, sizeof m.text - len, "\nhint: %s", hint_text());
	}
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	ssize_t n;
	while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n < 0 ? -1 : 0;
}

/* Inside, a failed step tells the supervisor and exits; nothing is printed
 * from inside, so the user never sees half-initialised output. */
static void __attribute__((noreturn)) report_and_exit(int sock, int kind, int code)
{
	send_msg(sock, kind, code, -1);
	_exit(code);
}

/* ---- the payload ------------------------------------------------------- */

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
	int *keep = xcalloc(n, sizeof *keep);
	if (cfg->n_keep_fds)
		memcpy(keep, cfg->keep_fds, cfg->n_keep_fds * sizeof *keep);
	keep[n - 1] = sock;
	qsort(keep, n, sizeof *keep, cmp_int);
	unsigned from = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > from && close_fds_between(from, (unsigned)keep[i] - 1) < 0) {
			free(keep);
			return fail("close inherited file descriptors");
		}
		from = (unsigned)keep[i] + 1;
	}
	free(keep);
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
static int enter_session(const struct config *cfg, int pty_slave)
{
	if (!cfg->no_new_session || pty_slave >= 0) {
		if (setsid() < 0)
			return fail("setsid");
		if (pty_slave >= 0 && ioctl(pty_slave, TIOCSCTTY, 0) < 0)
			return fail("set the controlling terminal");
	}
	for (int fd = 0; fd < 3; fd++) {
		int mine = pty_slave >= 0 && (cfg->tty_fds & (1u << fd)) ? pty_slave : cfg->stdio_pipe[fd];
		if (mine >= 0 && dup2(mine, fd) < 0)
			return fail("dup2 the terminal");
	}
	if (pty_slave >= 0)
		close(pty_slave);
	return 0;
}

static int enter_workdir(const struct config *cfg, int sock)
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
	for (char **e = cfg->envp; cfg->cwd_home_fallback && e && *e; e++)
		if (strncmp(*e, "HOME=", 5) == 0 && chdir(*e + 5) == 0)
			return 0;
	if (chdir("/") < 0)
		return fail("chdir /");
	if (!cfg->cwd_home_fallback)
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
 * nothing through exec.  libcap-ng does the dropping; the check after it
 * asks the kernel directly (capget and PR_CAPBSET_READ) rather than reading
 * /proc/self/status again, which is slow on the start-up path.
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

static int drop_capabilities(bool keep_userns_root, unsigned long long cap_add)
{
	unsigned long long keep = 0;
	capng_clear(CAPNG_SELECT_ALL);
	/* Asked for by the caller (--cap-add in bwrap mode): kept in every
	 * set, ambient too, so they survive the exec of a non-root command. */
	for (int cap = 0; cap < 64 && cap <= (int)CAP_LAST_CAP; cap++)
		if (cap_add & (1ULL << cap)) {
			keep |= 1ULL << cap;
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE | CAPNG_BOUNDING_SET,
				     cap);
		}
	for (size_t i = 0; keep_userns_root && i < sizeof userns_root_caps / sizeof *userns_root_caps; i++) {
		keep |= 1ULL << userns_root_caps[i];
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET, userns_root_caps[i]);
	}
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
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
	for (int cap = 0; cap < 64 && cap <= (int)CAP_LAST_CAP; cap++)
		if ((cap_add & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return fail("raise ambient capability %d", cap);
	/* (The ambient set is always within permitted and inheritable, so it
	 * is empty too.) */
	for (int cap = 0;; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap);
		if (r < 0)
			return 0;
		if (r && !(cap < 64 && (keep & (1ULL << cap))))
			return failx("drop capabilities: capability %d remained in the bounding set", cap);
	}
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

static void __attribute__((noreturn)) run_payload(const struct config *cfg, const struct limits *limits, int sock,
						     int pty_slave)
{
	trace_step("payload forked");
	default_signals();
	/* Each process dies with its parent (bubblewrap's --die-with-parent,
	 * always); in a PID namespace of its own, init's end kills all. */
	if (!cfg->as_pid_1)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (enter_session(cfg, pty_slave) < 0 || enter_workdir(cfg, sock) < 0 || close_stray_fds(cfg, sock) < 0 ||
	    apply_rlimits(limits) < 0 || enter_payload_ids(cfg) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	/* A fresh session keyring: the caller's keys stay out of reach. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS) {
		fail("join a new session keyring");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	if (drop_capabilities(getuid() == 0 && id_map_is_full(), cfg->cap_add) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fail("set no_new_privs");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	/* Last: after this, only what the filter allows. */
	int listener = -1;
	trace_step("capabilities dropped, no_new_privs");
	if (install_seccomp(&listener) < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	trace_step("seccomp loaded, exec");
	if (listener >= 0) {
		send_msg(sock, MSG_SECCOMP_FD, 0, listener);
		close(listener);
	}

	environ = cfg->envp;
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
 *      (they are simply leaked), errno.  init_loop and kill_descendants use
 *      no heap, no stdio and no environment.
 * The sanitizer build forks instead (AddressSanitizer cannot follow the
 * stack switch), so the payload's code is tested both ways. */
struct payload_args {
	const struct config *cfg;
	const struct limits *limits;
	int sock, pty_slave;
};

static int payload_main(void *p)
{
	const struct payload_args *a = p;
	run_payload(a->cfg, a->limits, a->sock, a->pty_slave);
}

static pid_t start_payload(struct payload_args *args)
{
#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer cannot follow a switch to another stack and warns on
	 * every run; the sanitizer build forks (the payload's code is the same). */
	pid_t pid = fork();
	if (pid == 0)
		payload_main(args);
	return pid;
#else
	enum { STACK_SIZE = 256 * 1024 };
	static char stack[STACK_SIZE] __attribute__((aligned(16)));
	return clone(payload_main, stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, args);
#endif
}

/* ---- init -------------------------------------------------------------- */

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
static int open_pty(const struct config *cfg, int sock)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail("open /dev/ptmx");
	int unlock = 0, slave = -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		fail("unlock the pty");
	else if ((slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		fail("open the pty");
	else if (tcsetattr(slave, TCSANOW, &cfg->termios) < 0 || ioctl(slave, TIOCSWINSZ, &cfg->winsize) < 0) {
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

/* bubblewrap's nested user namespace (cfg->nest_userns): once the root is
 * built (the mount namespace belongs to the sandbox's user namespace),
 * init moves into a new user namespace, nested in the sandbox's, where the
 * command's ids map to init's, alone, as the kernel lets a process map
 * itself (and so setgroups is denied there).  bubblewrap does so where its
 * first namespace had to map the caller to 0 (for --dev), and for
 * --disable-userns: then the sandbox's limit goes to 1 first, which the
 * nested namespace uses up, so that the command, even with capabilities
 * there (--cap-add), can raise only the nested namespace's own limit,
 * while every namespace it would create counts against the sandbox's as
 * well.  /proc may be gone from the new root by then: the files are
 * opened before. */
struct userns_files {
	int limit; /* /proc/sys/user/max_user_namespaces */
	int self;  /* /proc/self, for the nested namespace's maps */
};

static int open_userns_files(const struct config *cfg, struct userns_files *f)
{
	f->limit = f->self = -1;
	if (!cfg->nest_userns)
		return 0;
	if (cfg->disable_userns && (f->limit = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC)) < 0)
		return fail("disable user namespaces: open /proc/sys/user/max_user_namespaces");
	f->self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->self < 0)
		return fail("nested user namespace: open /proc/self");
	return 0;
}

static int write_proc(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
	int r = fd < 0 ? -1 : write_all(fd, text, strlen(text));
	if (r < 0)
		fail("nested user namespace: write %s", name);
	if (fd >= 0)
		close(fd);
	return r;
}

static int nest_user_namespace(const struct config *cfg, struct userns_files *f)
{
	if (!cfg->nest_userns)
		return 0;
	char uid_map[64], gid_map[64];
	snprintf(uid_map, sizeof uid_map, "%u %u 1", (unsigned)cfg->uid, (unsigned)geteuid());
	snprintf(gid_map, sizeof gid_map, "%u %u 1", (unsigned)cfg->gid, (unsigned)getegid());
	int r = 0;
	if (f->limit >= 0 && write_all(f->limit, "1", 1) < 0)
		r = fail("disable user namespaces: write max_user_namespaces");
	if (r == 0 && unshare(CLONE_NEWUSER) < 0)
		r = fail("create the nested user namespace");
	if (r == 0 && (write_proc(f->self, "uid_map", uid_map) < 0 || write_proc(f->self, "setgroups", "deny") < 0 ||
		       write_proc(f->self, "gid_map", gid_map) < 0))
		r = -1;
	close_fd(&f->limit);
	close_fd(&f->self);
	return r;
}

/* bubblewrap's --userns2: once the root is built, move into this user
 * namespace (a child of the one the sandbox was made in); and its
 * --assert-userns-disabled with a joined namespace: check that a new one
 * cannot be made (if it can, init is in it now, and sbx stops). */
static int enter_userns2(const struct config *cfg)
{
	if (cfg->userns2_fd >= 0 && setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
		return fail("Setting userns2 failed");
	if (cfg->assert_userns_disabled && !cfg->disable_userns && unshare(CLONE_NEWUSER) == 0)
		return failx("creation of new user namespaces was not disabled as requested");
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

/* Every step that builds the sandbox, in order.  Runs in init, which holds
 * all capabilities in the new user namespace and none outside it.  -1 on
 * failure, -2 when it was a lock file (see run_init).
 * (Resource limits and network helpers plug in here as they arrive.) */
static int setup_sandbox(const struct config *cfg, int sock, int *pty_slave)
{
	struct userns_files userns;
	if (block_on(cfg->userns_block_fd, "wait on the userns block fd") < 0 || user_quotas_apply(cfg) < 0 ||
	    open_userns_files(cfg, &userns) < 0)
		return -1;
	if (setup_network(cfg) < 0)
		return -1;
	trace_step("loopback up");
	if (build_root(cfg) < 0)
		return -1;
	trace_step("root built and entered");
	if (cfg->hostname && set_hostname(cfg->hostname) < 0)
		return -1;
	trace_step("hostname set");
	if (enter_userns2(cfg) < 0 || nest_user_namespace(cfg, &userns) < 0)
		return -1;
	if (hold_lock_files(cfg) < 0)
		return -2;
	if (cfg->use_pty && (*pty_slave = open_pty(cfg, sock)) < 0)
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
 * or environment from here on (the payload's invariant above). */
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
				struct msg m = { .kind = MSG_EXIT, .code = status };
				while (send(sock, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
					;
				_exit(0);
			}
	}
}

void __attribute__((noreturn)) run_init(const struct config *cfg, const struct limits *limits, int sock, int sync_fd)
{
	/* Every forwarded signal is blocked and taken with sigwaitinfo, also
	 * one the caller ignores: blocked signals are queued, not dropped. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < N_FORWARDED; i++)
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
	char go;
	if (read_all(sync_fd, &go, 1) != 1)
		_exit(EXIT_SBX_FAILED);
	close(sync_fd);
	trace_step("init released");
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
	int setup = setup_sandbox(cfg, sock, &pty_slave);
	/* bubblewrap takes its lock files after the point where it reports
	 * an exit code, when it has no PID namespace: so does sbx. */
	if (setup == -2 && (cfg->share_ns & CLONE_NEWPID))
		report_and_exit(sock, MSG_LATE_SETUP_ERROR, EXIT_SBX_FAILED);
	if (setup < 0)
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	if (cfg->as_pid_1)
		run_payload(cfg, limits, sock, pty_slave);
	struct payload_args args = { cfg, limits, sock, pty_slave };
	pid_t payload = start_payload(&args);
	if (payload < 0) {
		fail("start the command");
		report_and_exit(sock, MSG_SETUP_ERROR, EXIT_SBX_FAILED);
	}
	if (pty_slave >= 0)
		close(pty_slave);
	close_command_stdio(cfg);
	init_loop(payload, sock, &set);
}

int main(int argc, char **argv)
{
	caller_argv = argv;
	caller_env = environ;
	/* A caller that ignores SIGCHLD would have the kernel reap our
	 * children unseen: no exit status, and init waiting forever. */
	signal(SIGCHLD, SIG_DFL);
	struct config cfg = { 0 };
	int r = bwrap_invoked(argc, argv) ? parse_bwrap(&cfg, argc, argv) : parse_options(&cfg, argc, argv);
	if (r > 0) {
		say_policy_notes();
		free_config(&cfg);
		return 0;
	}
	if (r < 0)
		die(failure_status());
	if (cfg.trace || cfg.verbose) {
		trace_enable(cfg.trace);
		trace_step("options parsed");
	}
	build_environment(&cfg);
	if (prepare_seccomp(&cfg) < 0)
		die(failure_status());
	say_policy_notes();
	trace_step("seccomp filter compiled");
	if (cfg.seccomp_export) {
		int failed = export_seccomp(cfg.seccomp_export) < 0;
		free_config(&cfg);
		if (failed)
			die(failure_status());
		return 0;
	}
	prepare_terminal(&cfg);
	int code = supervise(&cfg);
	free_config(&cfg);
	return code;
}
