/* util.c: errors as values, allocation that cannot fail, and I/O helpers that
 * handle EINTR and short transfers.  Nothing here knows about sandboxes. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char error_buf[1024];
static char hint_buf[512];

/* Messages quote what the user gave: a newline there would break the one
 * line sbx promises, an escape sequence would drive the terminal.  Control
 * characters are shown as \n, \t or \xNN instead. */
void escape_controls(char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char out[sizeof error_buf];
	size_t o = 0;
	/* By hand, not a snprintf per character: every error recorded passes
	 * here, the policy search's expected misses too (a launch's hottest
	 * code before this). */
	for (const unsigned char *p = (const unsigned char *)buf; *p; p++) {
		char esc[4] = { (char)*p };
		size_t n = 1;
		if (*p == '\n' || *p == '\t') {
			esc[0] = '\\';
			esc[1] = *p == '\n' ? 'n' : 't';
			n = 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[*p >> 4];
			esc[3] = hex[*p & 15];
			n = 4;
		}
		if (o + n >= sizeof out)
			break;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

/* An errno's text as sbx says it, whichever C library it is linked with:
 * glibc's words, which sbx's messages (and bubblewrap's, which its
 * bubblewrap mode matches and callers may parse) have always used, for the
 * errors whose words musl's strerror changes ("Resource busy" for "Device
 * or resource busy", "Symbolic link loop" for "Too many levels of symbolic
 * links"); strerror's own for the rest, where the two agree. */
#define T(e, text) [e] = text
static const char *const errno_texts[] = {
	T(EIO, "Input/output error"),
	T(ECHILD, "No child processes"),
	T(ENOMEM, "Cannot allocate memory"),
	T(EBUSY, "Device or resource busy"),
	T(EXDEV, "Invalid cross-device link"),
	T(EMFILE, "Too many open files"),
	T(ENOTTY, "Inappropriate ioctl for device"),
	T(ESPIPE, "Illegal seek"),
	T(EDOM, "Numerical argument out of domain"),
	T(ERANGE, "Numerical result out of range"),
	T(EDEADLK, "Resource deadlock avoided"),
	T(ENAMETOOLONG, "File name too long"),
	T(ELOOP, "Too many levels of symbolic links"),
	T(ETIME, "Timer expired"),
	T(EOVERFLOW, "Value too large for defined data type"),
	T(EILSEQ, "Invalid or incomplete multibyte or wide character"),
	T(ENOTSOCK, "Socket operation on non-socket"),
	T(EMSGSIZE, "Message too long"),
	T(EOPNOTSUPP, "Operation not supported"),
	T(EADDRINUSE, "Address already in use"),
	T(EADDRNOTAVAIL, "Cannot assign requested address"),
	T(ENETUNREACH, "Network is unreachable"),
	T(ENETRESET, "Network dropped connection on reset"),
	T(ECONNABORTED, "Software caused connection abort"),
	T(EISCONN, "Transport endpoint is already connected"),
	T(ENOTCONN, "Transport endpoint is not connected"),
	T(ESHUTDOWN, "Cannot send after transport endpoint shutdown"),
	T(ETIMEDOUT, "Connection timed out"),
	T(EHOSTUNREACH, "No route to host"),
	T(EINPROGRESS, "Operation now in progress"),
	T(EUCLEAN, "Structure needs cleaning"),
	T(EDQUOT, "Disk quota exceeded"),
	T(EOWNERDEAD, "Owner died"),
};
#undef T

const char *errno_message(int e)
{
	if (e > 0 && (size_t)e < ARRAY_SIZE(errno_texts) && errno_texts[e])
		return errno_texts[e];
	return strerror(e);
}

static void record(const char *fmt, va_list ap, int err)
{
	int n = vsnprintf(error_buf, sizeof error_buf, fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof error_buf)
		snprintf(error_buf + n, sizeof error_buf - n, ": %s", errno_message(err));
	escape_controls(error_buf, sizeof error_buf);
}

/* Record "<what>: <strerror(errno)>" and return -1.  errno is preserved. */
int fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	record(fmt, ap, err);
	va_end(ap);
	errno = err;
	return -1;
}

/* Record a message that has no errno behind it. */
int failx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(fmt, ap, 0);
	va_end(ap);
	return -1;
}

/* Prepend context to the recorded message: "mount /proc: <what was there>". */
int fail_context(const char *fmt, ...)
{
	int err = errno;
	char prefix[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	size_t plen = strlen(prefix) + 2, olen = strlen(error_buf);
	if (plen + olen >= sizeof error_buf)
		olen = sizeof error_buf - plen - 1;
	memmove(error_buf + plen, error_buf, olen);
	memcpy(error_buf, prefix, plen - 2);
	memcpy(error_buf + plen - 2, ": ", 2);
	error_buf[plen + olen] = '\0';
	escape_controls(error_buf, sizeof error_buf);
	errno = err;
	return -1;
}

void set_hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(hint_buf, sizeof hint_buf, fmt, ap);
	va_end(ap);
	escape_controls(hint_buf, sizeof hint_buf);
}

const char *error_text(void) { return error_buf; }
const char *hint_text(void) { return hint_buf; }

/* bubblewrap's --level-prefix: each line of an error starts with "<3>"
 * (syslog's LOG_ERR), for logger --prio-prefix and systemd-cat. */
static bool level_prefix;

void use_level_prefix(void)
{
	level_prefix = true;
}

/* Who speaks in messages: "sbx", or "bwrap" in bubblewrap mode (callers
 * and bubblewrap's own tests match bubblewrap's "bwrap: ..."). */
static const char *program_name = "sbx";

void set_program_name(const char *name)
{
	program_name = name;
}

FILE *sbx_stderr; /* util.h: NULL until guard_stderr (relay.c) sets it */

/* "sbx: TEXT" on stderr, and each further line of TEXT (a hint) as it is. */
void print_error(const char *text)
{
	const char *prefix = level_prefix ? "<3>" : "";
	fprintf(stderr, "%s%s: ", prefix, program_name);
	for (const char *nl; (nl = strchr(text, '\n')); text = nl + 1)
		fprintf(stderr, "%.*s\n%s", (int)(nl - text), text, prefix);
	fprintf(stderr, "%s\n", text);
}

/* A warning: "sbx: TEXT" (with --level-prefix, "<4>", LOG_WARNING). */
void print_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s%s: ", level_prefix ? "<4>" : "", program_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Print the recorded error (and hint) once, and exit. */
void die(int code)
{
	char text[sizeof error_buf + sizeof hint_buf + 16];
	snprintf(text, sizeof text, "%s%s%s", error_buf[0] ? error_buf : "failed", hint_buf[0] ? "\nhint: " : "",
		 hint_buf);
	print_error(text);
	exit(code);
}

/* The exit status of sbx's own failures: 125, or 1 in bubblewrap mode, as
 * bubblewrap exits.  Set once by the front end, before any fork, so init
 * and the payload inherit it. */
static int failure_code = EXIT_SBX_FAILED;

void set_failure_status(int code)
{
	failure_code = code;
}

int failure_status(void)
{
	return failure_code;
}

static void out_of_memory(void)
{
	static const char msg[] = "sbx: out of memory\n";
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(failure_code);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	char *p;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

/* Grow a heap array by one zeroed element; *n is its length. */
void *grow(void *array, size_t *n, size_t size)
{
	char *p = xrealloc(array, (*n + 1) * size);
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

size_t format_uint(char *buf, unsigned long long v)
{
	char digits[20];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = digits[n - 1 - i];
	buf[n] = '\0';
	return n;
}

/* Read up to len bytes, retrying on EINTR and short reads; stops at EOF. */
ssize_t read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void free_argv(char **argv)
{
	for (char **a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

void close_fd(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	*fd = -1;
}

void free_ptr(void *p)
{
	free(*(void **)p);
}

/* For a child about to exec a helper: every signal back to its default
 * action, none blocked.  The supervisor blocks SIGCHLD and the forwarded
 * signals for its signalfd, and a caller may have left some ignored; the
 * helper must get neither.  The raw system call, because glibc's sigaction
 * refuses signals 32 and 33 (it keeps them for itself). */
void default_signals(void)
{
	default_signals_among(~0ULL);
}

/* The same for the signals in set only (bit n-1 for signal n), for a child
 * that knows the others are at their default action already. */
void default_signals_among(unsigned long long set)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} dfl = { .handler = SIG_DFL };
	for (int sig = 1; sig < NSIG && sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && (set & (1ULL << (sig - 1))))
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* uid's login name or home directory from /etc/passwd itself (not NSS: sbx
 * links statically), malloc'd; NULL when uid has no entry (or, for a home,
 * no absolute one). */
static char *passwd_field(uid_t uid, bool home)
{
	char *value = NULL;
	FILE *f = fopen("/etc/passwd", "re");
	for (struct passwd *pw; f && !value && (pw = fgetpwent(f));)
		if (pw->pw_uid == uid && (!home || pw->pw_dir[0] == '/'))
			value = xstrdup(home ? pw->pw_dir : pw->pw_name);
	if (f)
		fclose(f);
	return value;
}

char *passwd_name(uid_t uid)
{
	return passwd_field(uid, false);
}

/* Asked more than once a run (the home to hide, the working directory):
 * /etc/passwd read once. */
char *passwd_home(uid_t uid)
{
	static uid_t known = (uid_t)-1;
	static char *home;
	if (uid != known) {
		free(home);
		home = passwd_field(uid, true);
		known = uid;
	}
	return home ? xstrdup(home) : NULL;
}

/* Write text to an existing file such as /proc/PID/uid_map in one write(2),
 * which those files require. */
int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open %s", path);
	ssize_t len = (ssize_t)strlen(text);
	ssize_t n;
	do
		n = write(fd, text, (size_t)len);
	while (n < 0 && errno == EINTR);
	int err = errno;
	close(fd);
	if (n != len) {
		errno = n < 0 ? err : EIO;
		return fail("write %s", path);
	}
	return 0;
}

/* Read a small file (a sysctl, a proc entry, a cgroup file) into a
 * NUL-terminated buffer; path is relative to dirfd as for openat(2). */
int read_small_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read_all(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

int read_small_file(const char *path, char *buf, size_t size)
{
	return read_small_file_at(AT_FDCWD, path, buf, size);
}

/* Each line of a file such as /proc/self/mountinfo, without its newline,
 * through a buffer on the stack: no stdio and no heap, whose growing line
 * and buffer cost init a dozen page faults and mmap/munmap pairs on every
 * start.  A line longer than the buffer (4 KiB) is passed over whole. */
int for_each_line(const char *path, void (*fn)(char *line, void *arg), void *arg)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t have = 0;
	bool too_long = false;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = errno;
			close(fd);
			if (n < 0) {
				errno = err;
				return -1;
			}
			break;
		}
		have += (size_t)n;
		char *line = buf, *nl;
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			*nl = '\0';
			if (!too_long)
				fn(line, arg);
			too_long = false;
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof buf - 1) /* no end in sight: drop what there is */
			too_long = true, have = 0;
	}
	if (have && !too_long) {
		buf[have] = '\0';
		fn(buf, arg);
	}
	return 0;
}

/* --trace: each step of the setup with the time since sbx started and since
 * the previous step, so anyone can see where the time goes.  Processes
 * inherit the start time through clone and fork, so the clock is shared. */
static bool tracing, trace_timings;
static unsigned long long trace_start, trace_last; /* in tenths of a microsecond */

/* The clock by a plain system call: musl's clock_gettime first looks the
 * vDSO up, which faults three of its pages in (a few tens of microseconds
 * on a VM, on every start) for a process that reads the clock a handful of
 * times. */
struct timespec clock_read(clockid_t clock)
{
	struct timespec ts = { 0 };
	syscall(SYS_clock_gettime, clock, &ts);
	return ts;
}

double monotonic_seconds(void)
{
	struct timespec ts = clock_read(CLOCK_MONOTONIC);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Integers only: trace_step runs in the payload too, on its small stack
 * (payload.c), and musl's floating-point formatting alone needs 7 KiB. */
static unsigned long long monotonic_tenth_us(void)
{
	struct timespec ts = clock_read(CLOCK_MONOTONIC);
	return (unsigned long long)ts.tv_sec * 10000000 + (unsigned long long)ts.tv_nsec / 100;
}

void trace_enable(bool timings)
{
	tracing = true;
	trace_timings = timings;
	trace_start = trace_last = monotonic_tenth_us();
}

void trace_step(const char *what)
{
	if (!tracing)
		return;
	if (!trace_timings) {
		fprintf(stderr, "sbx: %s\n", what);
		return;
	}
	unsigned long long t = monotonic_tenth_us(), total = t - trace_start, step = t - trace_last;
	/* One line, one write: init's and the supervisor's lines would
	 * otherwise interleave (musl writes an unbuffered stderr in pieces). */
	char line[1024];
	int n = snprintf(line, sizeof line, "sbx: trace: %7llu.%llu us  +%6llu.%llu us  [%d] %s\n", total / 10,
			 total % 10, step / 10, step % 10, (int)getpid(), what);
	if (n < 0 || (size_t)n >= sizeof line)
		memcpy(line + sizeof line - 5, "...\n", 5);
	fputs(line, stderr);
	trace_last = t;
}

/* s as a JSON string, quoted, with quotes, backslashes and control
 * characters escaped. */
void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* The first executable NAME in the directories of $PATH (absolute ones
 * only), malloc'd; NULL when there is none. */
char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *found = NULL;
	for (char *save, *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);
		struct stat st;
		if (d[0] == '/' && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(dirs);
	return found;
}

/* /proc/self/mountinfo writes space, tab, newline and backslash in paths as
 * \ooo; undo that in place. */
void unescape_mountinfo(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* One line of /proc/self/mountinfo, "ID PARENT MAJ:MIN ROOT MOUNT_POINT
 * OPTS [TAGS...] - TYPE SOURCE SUPER", split in place, root and mount point
 * unescaped.  False for a line not of that shape. */
bool split_mountinfo(char *line, struct mountinfo_line *m)
{
	char *save, *field[5], *tok;
	for (int i = 0; i < 5; i++)
		if (!(field[i] = strtok_r(i ? NULL : line, " \n", &save)))
			return false;
	while ((tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "-") != 0)
		;
	m->fstype = strtok_r(NULL, " \n", &save);
	m->source = strtok_r(NULL, " \n", &save);
	m->super = strtok_r(NULL, " \n", &save);
	if (!m->fstype || !m->source || !m->super)
		return false;
	unescape_mountinfo(m->root = field[3]);
	unescape_mountinfo(m->point = field[4]);
	return true;
}

/* The id of the mount an fd is on (its fdinfo's mnt_id), or -1. */
int mount_id(int fd)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	if (read_small_file(path, buf, sizeof buf) < 0)
		return -1;
	const char *p = strstr(buf, "mnt_id:");
	return p ? atoi(p + 7) : -1;
}

/* How many single-character edits (insert, delete, replace, or swap two
 * neighbours) turn a into b; capped at 99.  Typed names are short. */
static int edit_distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAX || lb >= MAX)
		return 99;
	int d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb] > 99 ? 99 : d[la][lb];
}

/* The one of names[0..n) the user most likely meant by word, or NULL when
 * none is close: a slip of one edit in a short word, up to three in a long
 * one.  A tie goes to the first. */
const char *closest_name(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word);
	int allowed = len < 4 ? 1 : len < 8 ? 2 : 3, best = allowed + 1;
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		int d = edit_distance(word, names[i]);
		if (d < best) {
			best = d;
			found = names[i];
		}
	}
	return found;
}

/* path is dir or below it (both absolute, folded, without a trailing '/';
 * cgroup paths too). */
bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
