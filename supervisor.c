/* supervisor.c: the part of sbx that stays outside.  It creates the sandbox
 * (one clone into every namespace, and into the limits' cgroup when there is
 * one: ns.c), writes the id maps (idmap.c), releases init, and then waits:
 * forwarding signals, relaying the terminal, answering --seccomp-log,
 * enforcing --timeout, and at the end turning what it heard into one exit
 * status and, if asked, a JSON report. */
#include "util.h"
#include "config.h"
#include "bwrap.h"
#include "git.h"
#include "hidden.h"
#include "idmap.h"
#include "ns.h"
#include "rootfs.h"
#include "filter.h"
#include "cgroup.h"
#include "net.h"
#include "relay.h"
#include "statusfile.h"
#include "supervisor.h"
#include "launch.h"
#include "init.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct supervisor {
	const struct config *cfg;
	const struct launch *launch;
	struct limits *limits;
	struct relay *relay;
	struct net_helper *net; /* --net user */
	struct status_file *status;
	struct overlay_keep *keep; /* --overlay-upper DIR, locked */
	pid_t init;
	int sock, sigfd, seccomp_listener;

	double started, deadline; /* monotonic seconds; deadline 0: none */
	time_t started_at;        /* wall clock, for report_foreign_dirs */
	int timeout_stage;        /* 0, 1 after SIGTERM, 2 after SIGKILL */

	bool have_exit;
	int exit_status;          /* the command's wait status, from init */
	int error_code;           /* 0, or 125/126/127 with error_msg */
	bool exit_reported_anyway; /* bubblewrap mode: an exit code even so (MSG_LATE_SETUP_ERROR) */
	char error_msg[sizeof((struct msg *)0)->text];
	struct rusage usage;
};

static double now(void)
{
	return monotonic_seconds();
}

/* ---- messages from inside ---------------------------------------------- */

static void take_message(struct supervisor *s, struct msg *m, int *fd)
{
	switch (m->kind) {
	case MSG_PTY:
		if (*fd >= 0) {
			relay_take_pty(s->relay, *fd);
			*fd = -1;
		}
		break;
	case MSG_SECCOMP_FD:
		if (*fd >= 0 && s->seccomp_listener < 0) {
			s->seccomp_listener = *fd;
			*fd = -1;
		}
		break;
	case MSG_EXIT:
		s->have_exit = true;
		s->exit_status = m->code;
		trace_step("init reported the command's end");
		break;
	case MSG_CWD_HIDDEN:
		note_cwd_hidden(s->cfg);
		break;
	case MSG_LATE_SETUP_ERROR:
		s->exit_reported_anyway = true;
		/* fall through */
	case MSG_SETUP_ERROR:
	case MSG_EXEC_ERROR:
		if (!s->error_code) {
			s->error_code = m->code;
			m->text[sizeof m->text - 1] = '\0';
			memcpy(s->error_msg, m->text, sizeof s->error_msg);
			/* Not found inside, but there on the host: say what hides
			 * it (sbx's own front end; bubblewrap's keeps its words). */
			if (m->kind == MSG_EXEC_ERROR && m->code == EXIT_NOT_FOUND && !s->cfg->cwd_home_fallback)
				explain_hidden_command(s->cfg, s->error_msg, sizeof s->error_msg);
		}
		break;
	}
}

/* Read every message waiting.  Returns false once every process inside has
 * closed the socket. */
static bool read_messages(struct supervisor *s)
{
	for (;;) {
		struct msg m;
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} control;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
				     .msg_controllen = sizeof control.buf };
		ssize_t n = recvmsg(s->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return true;
		if (n == 0)
			return false;
		int fd = -1;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
		if ((size_t)n == sizeof m)
			take_message(s, &m, &fd);
		if (fd >= 0)
			close(fd);
	}
}

/* ---- signals and the timeout ------------------------------------------- */

static void on_signal(struct supervisor *s, int sig)
{
	/* Resizing the pty signals its foreground group by itself. */
	if (sig == SIGWINCH && relay_resize(s->relay))
		return;
	kill(s->init, sig);
}

/* Like timeout(1): SIGTERM to the command (init passes it on), then after
 * the grace period SIGKILL to init, which takes the whole PID namespace with
 * it, and to everything left in the cgroup. */
static void on_deadline(struct supervisor *s)
{
	if (s->timeout_stage == 0) {
		kill(s->init, SIGTERM);
		s->timeout_stage = 1;
		s->deadline = now() + s->cfg->kill_after;
		return;
	}
	kill(s->init, SIGKILL);
	limits_kill(s->limits);
	s->timeout_stage = 2;
	s->deadline = 0;
}

static int poll_timeout_ms(const struct supervisor *s)
{
	if (!s->deadline)
		return -1;
	double left = s->deadline - now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static bool take_signals(struct supervisor *s, int *status)
{
	struct signalfd_siginfo si;
	while (read(s->sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo != SIGCHLD) {
			on_signal(s, (int)si.ssi_signo);
			continue;
		}
		if (wait4(s->init, status, WNOHANG, &s->usage) == s->init)
			return true;
	}
	return false;
}

/* Returns init's wait status once it has exited, or -1 on error.  Nothing
 * in here blocks: whatever the sandbox does to its terminal or its
 * messages, signals and the deadline are served.
 *
 * Why init's exit and not its report of the command's end (MSG_EXIT, sent
 * for a death by signal: an exit code comes as init's own), which comes a
 * tenth of a millisecond or more sooner: until init has exited, the
 * sandbox is not gone.  The PID namespace's other processes die
 * only in init's exit (the kernel kills and waits for them there); init's
 * mount tree, with the host's filesystems bound into it, is taken down in
 * it, and its lock files (--lock-file) and cgroup membership end with it;
 * wait4 gives the rusage the report needs; and an init that outlived sbx
 * would be reparented to the caller's subreaper, which would see a child it
 * never started.  --protect-git's walk (finish) must come after all of
 * that. */
static int supervise_loop(struct supervisor *s)
{
	enum { FIXED = 3 };
	for (;;) {
		/* After init's report of a death by signal only the socket's
		 * end would follow (init sends nothing more, and the payload's
		 * copy closed at its exec): no wake-up for it, init's exit is
		 * what ends the loop. */
		struct pollfd fds[FIXED + 8] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->have_exit ? -1 : s->sock, .events = POLLIN },
			{ .fd = s->seccomp_listener, .events = POLLIN },
		};
		int timeout = poll_timeout_ms(s);
		size_t n = FIXED + relay_poll_fds(s->relay, fds + FIXED, 8, &timeout);
		int ready = poll(fds, n, timeout);
		if (ready < 0 && errno != EINTR)
			return fail("poll"), -1;
		if (s->deadline && now() >= s->deadline)
			on_deadline(s);
		if (ready <= 0)
			continue;
		if (fds[2].revents && handle_seccomp_notification(s->launch->seccomp, s->seccomp_listener) < 0) {
			close(s->seccomp_listener);
			s->seccomp_listener = -1;
		}
		if (fds[1].revents && !read_messages(s)) {
			close(s->sock);
			s->sock = -1;
		}
		relay_service(s->relay, fds + FIXED);
		int status;
		if (fds[0].revents && take_signals(s, &status))
			return status;
	}
}

/* ---- the result -------------------------------------------------------- */

/* A setup or exec failure wins over the timeout: the command never ran, and
 * the message printed is that failure's. */
static int exit_code(const struct supervisor *s, int init_status)
{
	if (s->error_code)
		return s->cfg->error_exit ? s->cfg->error_exit : s->error_code;
	if (s->timeout_stage)
		return EXIT_TIMEOUT;
	int st = s->have_exit ? s->exit_status : init_status;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	explain_seccomp_kill(s->launch->seccomp, s->cfg, st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return failure_status();
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The error sbx printed (text, with "\nhint: ..." when it gave one) as the
 * report's "error" and "hint" members. */
static void error_json(const char *text, FILE *out)
{
	const char *hint = strstr(text, "\nhint: ");
	char *error = xasprintf("%.*s", hint ? (int)(hint - text) : (int)strlen(text), text);
	fprintf(out, ", \"error\": ");
	json_string(out, error);
	if (hint) {
		fprintf(out, ", \"hint\": ");
		json_string(out, hint + strlen("\nhint: "));
	}
	free(error);
}

/* One JSON object on one line, for build systems to read instead of
 * parsing stderr. */
static void write_report(const struct supervisor *s, int code, int init_status, FILE *out)
{
	int st = s->have_exit ? s->exit_status : init_status;
	fprintf(out, "{\"exit-code\": %d", code);
	if (!s->error_code && WIFSIGNALED(st))
		fprintf(out, ", \"signal\": %d", WTERMSIG(st));
	else
		fprintf(out, ", \"signal\": null");
	fprintf(out, ", \"timed-out\": %s, \"sbx-failed\": %s", s->timeout_stage ? "true" : "false",
		s->error_code == EXIT_SBX_FAILED ? "true" : "false");
	if (s->error_code)
		error_json(s->error_msg, out);
	fprintf(out, ", \"wall-time\": %.6f, \"user-time\": %.6f, \"system-time\": %.6f, \"max-rss\": %ld",
		now() - s->started, seconds(s->usage.ru_utime), seconds(s->usage.ru_stime),
		s->usage.ru_maxrss * 1024L);
	if (s->limits)
		limits_report_json(s->limits, out);
	else /* sbx failed before the limits were looked at */
		fprintf(out, ", \"limits\": {}, \"memory-peak\": null, \"cpu-usage\": null, \"oom-killed\": false, "
			     "\"cgroup\": null");
	fprintf(out, "}\n");
	fflush(out);
}

static void report(const struct supervisor *s, int code, int init_status)
{
	const struct config *cfg = s->cfg;
	if (cfg->status_fd >= 0) {
		FILE *f = fdopen(dup(cfg->status_fd), "w");
		if (f) {
			write_report(s, code, init_status, f);
			fclose(f);
		}
	}
	if (s->status) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (f) {
			write_report(s, code, init_status, f);
			fclose(f);
		}
		if (!f || status_file_write(s->status, text, len) < 0)
			print_error(f ? error_text() : "--status-json: out of memory");
		free(text);
	}
}

/* Which signals the caller left ignored (SIG_IGN survives exec): init's,
 * which are the caller's (sbx ignores none of its own before the clone,
 * and init sets no disposition), from the SigIgn line of its status file.
 * Read by the supervisor once init is released, while init builds the
 * root, rather than before the clone, where the launch waits on it; one
 * read where asking sigaction would take a call per signal.  false when
 * /proc cannot say (init gone, say): the payload then resets every one. */
static bool read_ignored_signals(pid_t pid, unsigned long long *set)
{
	char path[32], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (read_small_file(path, buf, sizeof buf) < 0)
		return false;
	const char *line = strstr(buf, "\nSigIgn:\t");
	if (!line)
		return false;
	const char *hex = line + strlen("\nSigIgn:\t");
	char *end;
	errno = 0;
	*set = strtoull(hex, &end, 16);
	return errno == 0 && end != hex && *end == '\n';
}

/* Down the release pipe after the go-ahead, before the user quotas. */
static int send_ignored_signals(pid_t pid, int fd)
{
	struct ignored_signals sig = { 0 };
	sig.known = read_ignored_signals(pid, &sig.set);
	return write_all(fd, &sig, sizeof sig);
}

static bool ignored(int sig)
{
	struct sigaction old;
	return sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN;
}

static void block_signals(struct supervisor *s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	/* A signal the caller ignores stays ignored: not forwarded. */
	for (size_t i = 0; i < n_forwarded_signals; i++)
		if (!ignored(forwarded_signals[i]))
			sigaddset(&set, forwarded_signals[i]);
	/* Blocked before the clone, so init starts with them blocked too. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void __attribute__((noreturn)) abandon(struct supervisor *s, pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* The report says so too, with the error printed below. */
	if (s->status || s->cfg->status_fd >= 0) {
		s->error_code = failure_status();
		if (hint_text()[0])
			snprintf(s->error_msg, sizeof s->error_msg, "%s\nhint: %s", error_text(), hint_text());
		else
			snprintf(s->error_msg, sizeof s->error_msg, "%s", error_text());
		report(s, failure_status(), 0);
	}
	net_free(s->net);
	relay_free(s->relay);
	status_file_close(s->status);
	limits_cleanup(s->limits);
	overlay_keep_finish(s->keep); /* init is gone: the lock is ours alone */
	overlay_keep_release(s->keep);
	die(failure_status());
}

/* Everything the supervisor needs before the clone, and every host path it
 * will write, opened now: what fails here fails before anything runs. */
static void prepare(struct supervisor *s, const struct config *cfg, struct launch *l, int sv[2], int sync[2])
{
	block_signals(s);
	if (s->sigfd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(sync, O_CLOEXEC) < 0) {
		fail("set up the supervisor");
		abandon(s, -1);
	}
	if (cfg->status_json && !(s->status = status_file_open(cfg->status_json)))
		abandon(s, -1);
	if (!(s->limits = limits_prepare(cfg)) || !(s->net = net_prepare(cfg)) || !(s->relay = relay_open(cfg, l)))
		abandon(s, -1);
	if (!(s->keep = overlay_keep_lock(cfg)))
		abandon(s, -1);
}

/* The end: what is left to relay, the messages, the report. */
static int finish(struct supervisor *s, int status)
{
	const struct config *cfg = s->cfg;
	relay_finish(s->relay);
	s->relay = NULL;
	int code = exit_code(s, status);
	if (s->error_code)
		print_error(s->error_msg);
	else if (s->timeout_stage)
		fprintf(stderr, "sbx: %s: timed out after %gs\n", cfg->argv[0], cfg->timeout);
	limits_finish(s->limits);
	report(s, code, status);
	/* as bubblewrap: no exit-code when the command never ran, but for
	 * its late failures */
	if (!s->error_code || s->exit_reported_anyway)
		bwrap_report_exit(cfg, code);
	limits_cleanup(s->limits);
	net_free(s->net);
	status_file_close(s->status);
	overlay_keep_finish(s->keep);
	overlay_keep_release(s->keep);
	report_foreign_dirs(cfg, s->started_at);
	quarantine_git(cfg, &s->launch->git_since);
	return code;
}

/* bubblewrap's --die-with-parent: sbx dies with its parent, and the
 * sandbox with sbx. */
static void die_with_parent(void)
{
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		raise(SIGKILL);
}

/* Init (s->init), cloned and waiting on go_fd: into the limits' cgroup if
 * the clone did not place it, its id maps written, its network started;
 * then the go-ahead. */
static void release_init(struct supervisor *s, bool placed, int go_fd)
{
	const struct config *cfg = s->cfg;
	pid_t pid = s->init;
	/* The network helper joins init's namespaces once the id maps are
	 * written, and has configured the network before init goes on. */
	/* No id maps to write in a joined user namespace, nor with bubblewrap's
	 * --userns-block-fd: the caller writes them (newuidmap, say) once it
	 * has read init's pid from the info fd, then writes to that fd. */
	bool maps = cfg->userns_fd < 0 && cfg->userns_block_fd < 0;
	if ((!placed && limits_attach(s->limits, pid) < 0) || (maps && write_id_maps(pid, cfg) < 0) ||
	    net_start(s->net, pid) < 0)
		abandon(s, pid);
	if (cfg->status_fd >= 0)
		dprintf(cfg->status_fd, "{\"child-pid\": %d}\n", (int)pid);
	bwrap_report_start(cfg, pid);
	if (cfg->timeout > 0)
		s->deadline = now() + cfg->timeout;
	/* Init is waiting for this byte: its id maps are in place.  The
	 * signals the caller left ignored and the caller's user quotas follow,
	 * read while init builds the root. */
	if (write_all(go_fd, "g", 1) < 0) {
		fail("start the sandbox");
		abandon(s, pid);
	}
	trace_step("id maps written, init released");
	/* Failing to write means init is gone already (a setup error it
	 * reports itself): its report, not a broken pipe, is what sbx says. */
	if (send_ignored_signals(pid, go_fd) == 0 &&
	    user_quotas_send(cfg, seccomp_refuses_namespaces(s->launch->seccomp), go_fd) == 0)
		trace_step("ignored signals and user quotas sent");
	close(go_fd);
}

int supervise(const struct config *cfg, struct launch *l)
{
	struct supervisor s = { .cfg = cfg, .launch = l, .seccomp_listener = -1, .sock = -1, .sigfd = -1, .started = now(),
				.started_at = clock_read(CLOCK_REALTIME).tv_sec };
	/* For --protect-git: the clock file times come from (gitquarantine.c). */
	l->git_since = clock_read(CLOCK_REALTIME_COARSE);
	int sv[2], sync[2];
	prepare(&s, cfg, l, sv, sync);
	if (cfg->die_with_parent)
		die_with_parent();
	fflush(NULL);
	trace_step("ready to clone");
	bool placed;
	pid_t pid = clone_init(cfg, limits_cgroup_fd(s.limits), &placed, sv[0], &sv[1]);
	if (pid < 0)
		abandon(&s, -1);
	if (pid == 0) {
		trace_step(placed ? "cloned into the cgroup" : "cloned");
		close(sv[0]);
		close(sync[1]);
		close(s.sigfd);
		run_init(cfg, l, s.limits, sv[1], sync[0]);
	}
	if (sv[1] >= 0)
		close(sv[1]);
	close(sync[0]);
	close_command_stdio(l);
	/* From here on a reader of our stderr, status fd or info fd that went
	 * away is an error to report, not our death (init has its own
	 * dispositions already). */
	signal(SIGPIPE, SIG_IGN);
	guard_stderr();
	s.init = pid;
	s.sock = sv[0];
	release_init(&s, placed, sync[1]);

	int status = supervise_loop(&s);
	trace_step("init exited");
	net_stop(s.net);
	if (status == -1)
		abandon(&s, pid);
	return finish(&s, status);
}
