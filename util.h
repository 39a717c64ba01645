/* util.h: what every file uses: exit codes, ARRAY_SIZE, errors as
 * values (fail, failx, set_hint), allocation, AUTO_CLOSE and AUTO_FREE, small
 * file and process helpers (util.c). */
#ifndef SBX_UTIL_H
#define SBX_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define SBX_VERSION "0.1.0"

/* Exit codes, as timeout(1) and the shells use them. */
enum {
	EXIT_TIMEOUT = 124,
	EXIT_SBX_FAILED = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof *(a))

extern char **environ; /* the process's environment (unistd.h's, named once here) */

/* sbx's messages go to stderr through sbx_stderr once guard_stderr (relay.c)
 * has set it to a stream whose writes cannot block for long: the C library's
 * stderr cannot be replaced everywhere (musl declares it const).  The inner
 * stderr is the library's own (a macro is not expanded inside itself). */
extern FILE *sbx_stderr;
#undef stderr
#define stderr (sbx_stderr ? sbx_stderr : stderr)

/* musl's open() (and fopen) follows an O_CLOEXEC open with an
 * fcntl(FD_CLOEXEC) for kernels older than 2.6.23; its openat() makes the
 * one system call.  sbx needs Linux 5.4: every open is an openat (30 of a
 * launch's 486 system calls fewer).  glibc's open is already openat. */
#if !defined(__GLIBC__)
#include <fcntl.h>
#define open(...) openat(AT_FDCWD, __VA_ARGS__)
#endif

/* util.c: errors as values.  A failing function records what failed and why
 * and returns -1; callers add context; the top prints one line. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_text(void);
const char *errno_message(int e); /* strerror, in glibc's words whatever the C library */
const char *hint_text(void);
void die(int code) __attribute__((noreturn));
void escape_controls(char *buf, size_t size); /* in place: \n, \t, \xNN for control characters */
void print_error(const char *text);  /* "sbx: TEXT" (more lines of TEXT as they are) */
void use_level_prefix(void);         /* bubblewrap's --level-prefix: "<3>" before each line */
void set_program_name(const char *name); /* "sbx" unless bubblewrap mode says "bwrap" */
void print_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_failure_status(int code);   /* sbx's own failures exit with code (bubblewrap mode: 1) */
int failure_status(void);            /* that status: 125 unless set */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *grow(void *array, size_t *n, size_t size); /* append one zeroed slot */
void free_argv(char **argv); /* each string of a NULL-terminated array, then it (NULL: nothing) */
ssize_t read_all(int fd, void *buf, size_t len);
/* v in decimal at buf (room for 21 bytes), NUL-terminated; its length.
 * printf's work without printf, for the few numbers formatted on every
 * start. */
size_t format_uint(char *buf, unsigned long long v);
int write_all(int fd, const void *buf, size_t len);
void close_fd(int *fd); /* close it if open (>= 0), and make it -1; errno kept */
void free_ptr(void *p); /* free(*(void **)p) */
/* Closed or freed when the variable goes out of scope, on every path
 * (bubblewrap's autofd and autofree): AUTO_CLOSE int fd = open(...);
 * AUTO_FREE char *s = xstrdup(...).  To keep the fd or the memory past the
 * scope, copy it out and set the variable to -1 or NULL. */
#define AUTO_CLOSE __attribute__((cleanup(close_fd)))
#define AUTO_FREE __attribute__((cleanup(free_ptr)))
void default_signals(void); /* a child about to exec: default actions, none blocked */
void default_signals_among(unsigned long long set); /* the same for the signals in set (bit n-1: signal n) */
int write_file(const char *path, const char *text);
int read_small_file(const char *path, char *buf, size_t size);
int read_small_file_at(int dirfd, const char *path, char *buf, size_t size);
int for_each_line(const char *path, void (*fn)(char *line, void *arg), void *arg); /* -1: errno */
struct mountinfo_line {
	char *root, *point, *fstype, *source, *super;
};
bool split_mountinfo(char *line, struct mountinfo_line *m); /* in place; false: not a mountinfo line */
char *find_program(const char *name);
bool path_within(const char *path, const char *dir); /* dir or below it, by name */
const char *closest_name(const char *word, const char *const *names, size_t n); /* a near miss, or NULL */
void json_string(FILE *out, const char *s); /* a quoted, escaped JSON string */
char *passwd_name(uid_t uid); /* from /etc/passwd, malloc'd, or NULL */
char *passwd_home(uid_t uid); /* absolute only, malloc'd, or NULL */
void unescape_mountinfo(char *s);
int mount_id(int fd);
void trace_enable(bool timings);
void trace_step(const char *what); /* no-op unless --trace */
struct timespec clock_read(clockid_t clock); /* clock_gettime without the vDSO */
double monotonic_seconds(void);

#endif
