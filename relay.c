/* relay.c: how the caller's terminal reaches the command, and the bytes that
 * cross between them.
 *
 * The caller's terminal is never handed in.  A command holding it could read
 * a line the user typed for their shell, leave its modes changed after the
 * run, stop its output, or signal the caller's jobs (TIOCSWINSZ sends
 * SIGWINCH to the terminal's foreground group).  prepare_terminal decides,
 * before anything runs, what the command gets in place of each of its
 * standard fds that is a terminal:
 *   - sbx is the terminal's foreground job: one pty of the sandbox's own
 *     devpts, set up like the caller's terminal.  The caller's terminal goes
 *     raw meanwhile, so that every key, ^C and ^Z included, reaches the
 *     pty's line discipline (shells inside keep job control).
 *   - sbx runs in the background: a pipe each (as `docker run` without -t),
 *     and no terminal inside.  Input is read from the terminal only while
 *     sbx is its foreground job, so a background sandbox never takes what
 *     the user types to their shell (the command waits for input, or for
 *     `fg`).
 * bubblewrap mode keeps bubblewrap's behaviour (the fds pass as they are).
 *
 * The supervisor copies the bytes, and nothing here may block on what the
 * sandbox controls: every fd it uses is non-blocking (the caller's terminal
 * through an open file description of its own, so the caller's shell and
 * other jobs keep theirs as they were), each direction has a bounded buffer,
 * and a side is read only while its buffer has room.  A command that stops
 * reading, floods its terminal, or has its output answered by the terminal
 * (ESC[6n) only fills a buffer; deadlines and signals go on being served. */
#include "util.h"
#include "config.h"
#include "relay.h"
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

enum {
	CHANNEL_BUF = 16384,
	MAX_CHANNELS = 3,
	MAX_OWNED = 8,
	BACKGROUND_RECHECK_MS = 250, /* how often a paused input looks for `fg` */
};
/* At the end, output left in the pty or pipes goes out while it moves; a
 * terminal that takes nothing for DRAIN_IDLE seconds (stopped with ^S, a
 * stalled connection) is given up on, and the whole drain takes at most
 * DRAIN_MAX. */
static const double DRAIN_IDLE = 2.0, DRAIN_MAX = 10.0;

struct channel {
	int from, to;      /* -1 once closed */
	bool input;        /* from the caller's terminal into the sandbox */
	bool close_at_eof; /* `to` is a pipe into the sandbox: close it at `from`'s end, so the command sees EOF */
	bool from_done;    /* end of file, or nobody left to take the bytes */
	bool to_broken;    /* writing failed for good: what comes is discarded */
	int from_slot, to_slot; /* indexes in the last poll set, or -1 */
	size_t len;
	char *buf; /* CHANNEL_BUF bytes, made with the channel: most runs have
		    * no terminal and no channel, and the three buffers in
		    * place were twelve pages to fault in on every start */
};

struct relay {
	struct channel ch[MAX_CHANNELS];
	size_t n;
	int owned[MAX_OWNED]; /* fds to close at the end */
	unsigned shared;      /* bit n: the caller's fd n made non-blocking in place (see own_terminal_fd), */
	int shared_flags[3];  /* with its flags to put back */
	int terminal;         /* the caller's terminal, for window size and job control: fd 0, 1 or 2, or -1 */
	int term_in;          /* our description of the terminal pty input comes from, or -1 */
	int term_out;         /* our description of the terminal pty output goes to, or -1 */
	int pty;              /* the pty master, or -1 */
	bool raw;
	struct termios saved;
};

/* ---- deciding, before the clone ---------------------------------------- */

static bool is_foreground(int fd)
{
	pid_t fg = tcgetpgrp(fd);
	return fg > 0 && fg == getpgrp();
}

/* The terminal sbx takes modes, size and job control from: stdin's if
 * stdin is one, else stdout's, else stderr's. */
static int first_terminal(const struct launch *l)
{
	return l->tty_fds & 1 ? 0 : l->tty_fds & 2 ? 1 : 2;
}

void prepare_terminal(const struct config *cfg, struct launch *l)
{
	for (int fd = 0; fd < 3; fd++) {
		l->stdio_pipe[fd] = -1;
		if (isatty(fd))
			l->tty_fds |= 1u << fd;
	}
	if (cfg->no_pty || !l->tty_fds)
		return;
	int fd = first_terminal(l);
	/* A pty only for the foreground job: in the background, taking over
	 * the terminal's modes would stop us with SIGTTOU. */
	l->use_pty = is_foreground(fd) && tcgetattr(fd, &l->termios) == 0;
	if (l->use_pty && ioctl(fd, TIOCGWINSZ, &l->winsize) < 0)
		memset(&l->winsize, 0, sizeof l->winsize);
}

/* ---- our own descriptions of the caller's terminal ------------------------ */

static void own(struct relay *r, int fd)
{
	for (size_t i = 0; i < MAX_OWNED; i++)
		if (r->owned[i] < 0) {
			r->owned[i] = fd;
			return;
		}
	close(fd); /* cannot happen: at most 3 terminals, a pty and 3 pipes */
}

static void close_owned(struct relay *r, int *fd)
{
	for (size_t i = 0; i < MAX_OWNED; i++)
		if (r->owned[i] == *fd)
			r->owned[i] = -1;
	close(*fd);
	*fd = -1;
}

/* A non-blocking fd on the caller's terminal at fd, without touching the
 * caller's own open file description: O_NONBLOCK there would make the
 * shell's and other jobs' reads and writes fail with EAGAIN.  Opening
 * /proc/self/fd/N makes a new description of the same terminal.  Where that
 * is refused (a terminal of another user, after su; no /proc), the caller's
 * description is made non-blocking until relay_finish puts it back. */
static int own_terminal_fd(struct relay *r, int fd)
{
	char path[32];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int mine = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct stat a, b;
	if (mine >= 0 && fstat(mine, &a) == 0 && fstat(fd, &b) == 0 && S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev) {
		own(r, mine);
		return mine;
	}
	if (mine >= 0)
		close(mine);
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -1;
	if (!(flags & O_NONBLOCK) && !(r->shared & (1u << fd))) {
		if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
			return -1;
		r->shared |= 1u << fd;
		r->shared_flags[fd] = flags;
	}
	return fd;
}

static void add_channel(struct relay *r, int from, int to, bool input, bool close_at_eof)
{
	struct channel *c = &r->ch[r->n++];
	*c = (struct channel){
		.from = from, .to = to, .input = input, .close_at_eof = close_at_eof, .from_slot = -1, .to_slot = -1,
		.buf = xrealloc(NULL, CHANNEL_BUF),
	};
}

/* A pipe in place of the caller's terminal at fd: the command's end (blocking,
 * as stdio expects) in l->stdio_pipe[fd] for init to hand on, ours
 * non-blocking. */
static int terminal_pipe(struct relay *r, struct launch *l, int fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail("make a pipe for the terminal");
	int ours = fd == 0 ? p[1] : p[0];
	l->stdio_pipe[fd] = fd == 0 ? p[0] : p[1];
	own(r, ours);
	if (fcntl(ours, F_SETFL, O_NONBLOCK) < 0)
		return fail("make a pipe for the terminal");
	int term = own_terminal_fd(r, fd);
	if (term < 0)
		return fail("reach the terminal on fd %d", fd);
	if (fd == 0)
		add_channel(r, term, ours, true, true);
	else
		add_channel(r, ours, term, false, false);
	return 0;
}

static bool same_terminal(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_rdev == sb.st_rdev;
}

struct relay *relay_open(const struct config *cfg, struct launch *l)
{
	struct relay *r = xcalloc(1, sizeof *r);
	for (size_t i = 0; i < MAX_OWNED; i++)
		r->owned[i] = -1;
	r->terminal = r->term_in = r->term_out = r->pty = -1;
	if (cfg->no_pty || !l->tty_fds)
		return r;
	r->terminal = first_terminal(l);
	if (l->use_pty) {
		/* The pty's output goes to the terminal the command's output
		 * would have gone to; its input comes from the terminal, stdin's
		 * if that is one (with stdin redirected, what the user types
		 * still reaches the command's /dev/tty, as it would bare). */
		int out = l->tty_fds & 2 ? 1 : l->tty_fds & 4 ? 2 : 0;
		if ((r->term_out = own_terminal_fd(r, out)) < 0 || (r->term_in = own_terminal_fd(r, r->terminal)) < 0) {
			fail("reach the terminal");
			relay_free(r);
			return NULL;
		}
		return r;
	}
	for (int fd = 0; fd < 3; fd++) {
		if (!(l->tty_fds & (1u << fd)))
			continue;
		/* stdout and stderr on one terminal share one pipe: their
		 * lines stay in the order the command wrote them. */
		if (fd == 2 && l->stdio_pipe[1] >= 0 && same_terminal(1, 2)) {
			l->stdio_pipe[2] = l->stdio_pipe[1];
			continue;
		}
		if (terminal_pipe(r, l, fd) < 0) {
			relay_free(r);
			return NULL;
		}
	}
	return r;
}

/* Close this process's copies of the command's pipe ends (the supervisor
 * once init has its own, init once the payload has them). */
void close_command_stdio(const struct launch *l)
{
	for (int fd = 0; fd < 3; fd++)
		if (l->stdio_pipe[fd] >= 0 && (fd == 0 || l->stdio_pipe[fd] != l->stdio_pipe[fd - 1]))
			close(l->stdio_pipe[fd]);
}

/* ---- the pty ----------------------------------------------------------- */

/* The pty master has arrived from init: relay it, and put the caller's
 * terminal in raw mode when stdin is the terminal. */
void relay_take_pty(struct relay *r, int master)
{
	if (r->term_out < 0 || fcntl(master, F_SETFL, O_NONBLOCK) < 0) {
		close(master);
		return;
	}
	own(r, master);
	r->pty = master;
	add_channel(r, master, r->term_out, false, false);
	if (r->term_in < 0)
		return;
	add_channel(r, r->term_in, master, true, false);
	if (tcgetattr(r->term_in, &r->saved) == 0) {
		struct termios raw = r->saved;
		cfmakeraw(&raw);
		/* TCSANOW: TCSADRAIN would wait for a stopped terminal. */
		if (tcsetattr(r->term_in, TCSANOW, &raw) == 0)
			r->raw = true;
	}
}

/* SIGWINCH: the new size goes to the pty, whose line discipline signals the
 * command's foreground group.  False when there is no pty to resize. */
bool relay_resize(struct relay *r)
{
	struct winsize ws;
	if (r->pty < 0)
		return false;
	if (ioctl(r->terminal, TIOCGWINSZ, &ws) == 0)
		ioctl(r->pty, TIOCSWINSZ, &ws);
	return true;
}

/* ---- moving bytes ------------------------------------------------------ */

/* Input is taken from the terminal only while sbx is its foreground job. */
static bool may_read(const struct relay *r, const struct channel *c)
{
	if (c->from < 0 || c->from_done || c->len == CHANNEL_BUF)
		return false;
	return !c->input || is_foreground(r->terminal);
}

/* Close the command's side fd (the pty master or an output pipe) and stop
 * every channel that used it. */
static void hang_up(struct relay *r, int fd)
{
	if (fd < 0)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct channel *c = &r->ch[i];
		if (c->from == fd)
			c->from = -1, c->from_done = true;
		if (c->to == fd)
			c->to = -1, c->to_broken = true, c->len = 0;
	}
	if (r->pty == fd)
		r->pty = -1;
	close_owned(r, &fd);
}

/* One non-blocking read and one non-blocking write; true if a byte moved. */
static bool pump(struct relay *r, struct channel *c, bool readable, bool writable)
{
	bool moved = false;
	if (readable && may_read(r, c)) {
		ssize_t n = read(c->from, c->buf + c->len, CHANNEL_BUF - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			moved = true;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR &&
				      !(c->input && errno == EIO && !is_foreground(r->terminal)))) {
			/* EOF; or EIO, which a pty master says once the command's
			 * side is closed (a read of the terminal by a job just
			 * sent to the background says EIO too: not an end). */
			c->from_done = true;
		}
	}
	if (writable && c->len > 0 && c->to >= 0) {
		ssize_t n = c->to_broken ? (ssize_t)c->len : write(c->to, c->buf, c->len);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			/* Nobody takes these bytes any more: a pty or pipe no
			 * process inside holds (input stops being read), or the
			 * caller's terminal hung up (the command's side is hung
			 * up in turn: it gets EIO or EPIPE, as it would bare,
			 * instead of writing into a void for ever). */
			c->to_broken = true;
			n = (ssize_t)c->len;
			if (c->input)
				c->from_done = true;
			else
				hang_up(r, c->from);
		}
		if (n > 0) {
			memmove(c->buf, c->buf + n, c->len - (size_t)n);
			c->len -= (size_t)n;
			moved = true;
		}
	}
	if (c->from_done && c->len == 0 && c->close_at_eof && c->to >= 0)
		close_owned(r, &c->to);
	return moved;
}

/* Add the relay's fds to a poll set (up to max entries); *timeout_ms is
 * lowered when input waits for sbx to come to the foreground. */
size_t relay_poll_fds(struct relay *r, struct pollfd *fds, size_t max, int *timeout_ms)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct channel *c = &r->ch[i];
		c->from_slot = c->to_slot = -1;
		if (n < max && may_read(r, c)) {
			c->from_slot = (int)n;
			fds[n++] = (struct pollfd){ .fd = c->from, .events = POLLIN };
		} else if (c->input && c->from >= 0 && !c->from_done && c->len < CHANNEL_BUF &&
			   (*timeout_ms < 0 || *timeout_ms > BACKGROUND_RECHECK_MS)) {
			*timeout_ms = BACKGROUND_RECHECK_MS;
		}
		if (n < max && c->len > 0 && c->to >= 0 && !c->to_broken) {
			c->to_slot = (int)n;
			fds[n++] = (struct pollfd){ .fd = c->to, .events = POLLOUT };
		}
	}
	return n;
}

/* Serve what the poll set says is ready; true if any byte moved. */
bool relay_service(struct relay *r, const struct pollfd *fds)
{
	bool moved = false;
	for (size_t i = 0; i < r->n; i++) {
		struct channel *c = &r->ch[i];
		bool readable = c->from_slot >= 0 && fds[c->from_slot].revents;
		bool writable = (c->to_slot >= 0 && fds[c->to_slot].revents) || c->to_broken;
		/* Write what was just read at once, too: most of the time the
		 * other side has room, and it saves a round of poll. */
		moved |= pump(r, c, readable, writable || readable);
	}
	return moved;
}

/* ---- the end ----------------------------------------------------------- */

/* After the sandbox has ended: what the command wrote still goes out
 * (within DRAIN_IDLE/DRAIN_MAX), input stops. */
static void drain(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ch[i].input)
			r->ch[i].from_done = true, r->ch[i].len = 0;
	double start = monotonic_seconds(), last = start;
	for (;;) {
		struct pollfd fds[2 * MAX_CHANNELS];
		int ignored = -1;
		size_t n = relay_poll_fds(r, fds, 2 * MAX_CHANNELS, &ignored);
		double t = monotonic_seconds();
		double left = last + DRAIN_IDLE - t;
		if (start + DRAIN_MAX - t < left)
			left = start + DRAIN_MAX - t;
		if (n == 0 || left <= 0)
			return;
		if (poll(fds, n, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return;
		if (relay_service(r, fds))
			last = monotonic_seconds();
	}
}

void relay_free(struct relay *r)
{
	if (!r)
		return;
	if (r->raw) {
		/* Put back even if something moved sbx to the background
		 * meanwhile (where tcsetattr would stop it with SIGTTOU). */
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;
		sigaction(SIGTTOU, &ign, &old);
		tcsetattr(r->term_in, TCSANOW, &r->saved);
		sigaction(SIGTTOU, &old, NULL);
	}
	for (int fd = 0; fd < 3; fd++)
		if (r->shared & (1u << fd))
			fcntl(fd, F_SETFL, r->shared_flags[fd]);
	for (size_t i = 0; i < MAX_OWNED; i++)
		if (r->owned[i] >= 0)
			close(r->owned[i]);
	for (size_t i = 0; i < r->n; i++)
		free(r->ch[i].buf);
	free(r);
}

void relay_finish(struct relay *r)
{
	if (!r)
		return;
	drain(r);
	relay_free(r);
}

/* ---- sbx's own messages ------------------------------------------------ */

/* Once the sandbox runs, sbx's messages (a --seccomp-log line, "timed out")
 * must not block either: stderr may be a terminal someone has stopped, or a
 * pipe nobody reads, which the command may share (2>&1) and fill.  Each
 * write is bounded by an interval timer whose SIGALRM interrupts it (no
 * SA_RESTART; repeating, so a signal that lands just before the write does
 * not leave it blocked); sbx waits STDERR_PATIENCE seconds in all, then
 * drops what does not fit.  A non-blocking description would not do: the
 * command shares the caller's, and another may not be openable.  (SIGPIPE
 * is ignored by then: a reader gone is a dropped message, not sbx's end.) */
static const double STDERR_PATIENCE = 2.0;
static double stderr_patience;

static void on_alarm(int sig)
{
	(void)sig;
}

static void arm(double seconds)
{
	struct itimerval t = { 0 };
	if (seconds > 0) {
		t.it_value.tv_sec = (time_t)seconds;
		t.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) + 1;
		t.it_interval.tv_usec = 100000;
	}
	setitimer(ITIMER_REAL, &t, NULL);
}

static ssize_t write_patiently(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	size_t done = 0;
	while (done < len && stderr_patience > 0) {
		double start = monotonic_seconds();
		arm(stderr_patience);
		ssize_t n = write(STDERR_FILENO, buf + done, len - done);
		int err = errno;
		arm(0);
		stderr_patience -= monotonic_seconds() - start;
		if (n > 0)
			done += (size_t)n;
		else if (n == 0 || err != EINTR)
			break;
	}
	return (ssize_t)len; /* what could not be written is dropped, not retried */
}

void guard_stderr(void)
{
	static bool guarded;
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	if (guarded || sigaction(SIGALRM, &sa, NULL) < 0)
		return;
	cookie_io_functions_t io = { .write = write_patiently };
	FILE *f = fopencookie(NULL, "w", io);
	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 0);
	fflush(stderr);
	stderr_patience = STDERR_PATIENCE;
	sbx_stderr = f;
	guarded = true;
}
