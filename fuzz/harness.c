/* fuzz/harness.c: the scratch directory and the captured stdout that the
 * libFuzzer targets share (see harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char harness_dir[PATH_MAX];

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz harness: %s: %s\n", what, strerror(errno));
		abort();
	}
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	must(fd >= 0, path);
	must(write(fd, text, strlen(text)) == (ssize_t)strlen(text), path);
	close(fd);
}

/* Policies and seccomp lists on the search path ($XDG_CONFIG_HOME/sbx/policy),
 * for "policy NAME" and "include NAME" to find: plain ones, a cycle, a
 * chain deeper than the include limit, and the shapes of policy/. */
static const struct {
	const char *name, *text;
} policies[] = {
	{ "inc", "hostname inc\nsetenv A b\n" },
	{ "loop", "policy loop\n" },
	{ "pingpong", "policy pongping\n" },
	{ "pongping", "policy pingpong\n" },
	{ "build", "policy default\nbind-cwd\n" },
	{ "shell", "policy default\nchdir /tmp\nsetenv PS1 \"[sbx] \\\\w \\\\$ \"\n" },
	{ "bats", "policy default\nbind-cwd\nsetenv TMPDIR /tmp\nkeep-env BATS_LIB_PATH\n" },
	{ "chain1", "policy chain2\n" }, { "chain2", "policy chain3\n" }, { "chain3", "policy chain4\n" },
	{ "chain4", "policy chain5\n" }, { "chain5", "policy chain6\n" }, { "chain6", "policy chain7\n" },
	{ "chain7", "policy chain8\n" }, { "chain8", "policy chain9\n" }, { "chain9", "policy chain10\n" },
	{ "chain10", "hostname deep\n" },
	{ "nul-free.seccomp", "allow\ndeny keyctl add_key\n" },
	{ "list.seccomp", "errno EPERM\nallow read write exit_group\nallow ioctl if arg1 == TCGETS\n" },
	{ "kill.seccomp", "kill\nallow read write\n" },
	{ "loop.seccomp", "allow\ninclude loop\n" },
	{ "l1.seccomp", "allow\ninclude l2\n" }, { "l2.seccomp", "allow\ninclude l3\n" },
	{ "l3.seccomp", "allow\ninclude l4\n" }, { "l4.seccomp", "allow\ninclude l5\n" },
	{ "l5.seccomp", "allow\ninclude l6\n" }, { "l6.seccomp", "allow\ninclude l7\n" },
	{ "l7.seccomp", "allow\ninclude l8\n" }, { "l8.seccomp", "allow\ninclude l9\n" },
	{ "l9.seccomp", "allow\ndeny ptrace\n" },
};

void harness_init(void)
{
	if (harness_dir[0])
		return;
	if (geteuid() == 0)
		fprintf(stderr, "fuzz harness: warning: running as root; fuzz/run drops to an unprivileged user\n");
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	snprintf(tmpl, sizeof tmpl, "%s/sbx-fuzz.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	must(mkdtemp(tmpl) != NULL, "mkdtemp");
	must(realpath(tmpl, harness_dir) != NULL, "realpath");
	must(chdir(harness_dir) == 0, "chdir");

	/* What the inputs can name: a directory, a file, a FIFO, symlinks
	 * good and dangling, names with ':' (the SRC:DST separator). */
	must(mkdir("d", 0755) == 0 && mkdir("d/sub", 0755) == 0, "mkdir d");
	put("f", "x\n");
	must(mkfifo("p", 0644) == 0, "mkfifo");
	must(symlink("d", "l") == 0 && symlink("nope", "dl") == 0 && symlink("l2", "l1") == 0 &&
		     symlink("l1", "l2") == 0,
	     "symlink");
	must(mkdir("a:b", 0755) == 0 && mkdir("c:", 0755) == 0 && mkdir("c:/e", 0755) == 0, "mkdir a:b");
	must(mkdir("noperm", 0) == 0, "mkdir noperm");
	put("x.seccomp", "allow\ndeny keyctl\n");
	put("p1", "hostname p1\npolicy ./p2\n");
	put("p2", "tmpfs /x\n");
	must(mkdir("xdg", 0755) == 0 && mkdir("xdg/sbx", 0755) == 0 && mkdir("xdg/sbx/policy", 0755) == 0,
	     "mkdir xdg");
	for (size_t i = 0; i < sizeof policies / sizeof *policies; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "xdg/sbx/policy/%s", policies[i].name);
		put(path, policies[i].text);
	}
	must(mkdir("home", 0755) == 0, "mkdir home");

	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/xdg", harness_dir);
	setenv("XDG_CONFIG_HOME", path, 1);
	snprintf(path, sizeof path, "%s/home", harness_dir);
	setenv("HOME", path, 1);
	setenv("BATS_LIB_PATH", "/usr/lib/bats", 1);
	setenv("SECRET_TOKEN", "do-not-pass", 1);

	close(STDOUT_FILENO);
	harness_restore_fds();
}

/* stdin /dev/null, stdout a memfd (read back by harness_stdout), both put
 * back when an input closed them: bubblewrap mode reads data fds to their
 * end and closes them, as bwrap does (--args 1, --file 0 DEST). */
void harness_restore_fds(void)
{
	if (fcntl(STDIN_FILENO, F_GETFD) < 0) {
		int in = open("/dev/null", O_RDONLY);
		must(in >= 0 && (in == STDIN_FILENO || dup2(in, STDIN_FILENO) == STDIN_FILENO), "stdin");
		if (in != STDIN_FILENO)
			close(in);
	}
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		int out = memfd_create("fuzz-stdout", MFD_CLOEXEC);
		must(out >= 0 && (out == STDOUT_FILENO || dup2(out, STDOUT_FILENO) == STDOUT_FILENO), "memfd stdout");
		if (out != STDOUT_FILENO)
			close(out);
	}
}

const char *harness_file(int slot, const char *name, const void *data, size_t size)
{
	static char paths[4][PATH_MAX + 64];
	char *path = paths[slot & 3];
	snprintf(path, sizeof paths[0], "%s/%s", harness_dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	must(fd >= 0, path);
	must(size == 0 || write(fd, data, size) == (ssize_t)size, path);
	close(fd);
	return path;
}

void harness_stdout_reset(void)
{
	fflush(stdout);
	must(ftruncate(STDOUT_FILENO, 0) == 0 && lseek(STDOUT_FILENO, 0, SEEK_SET) == 0, "reset stdout");
}

const char *harness_stdout(void)
{
	static char *buf;
	fflush(stdout);
	off_t size = lseek(STDOUT_FILENO, 0, SEEK_END);
	must(size >= 0, "lseek stdout");
	free(buf);
	buf = malloc((size_t)size + 1);
	must(buf != NULL, "malloc");
	must(pread(STDOUT_FILENO, buf, (size_t)size, 0) == size, "read stdout");
	buf[size] = '\0';
	return buf;
}

void harness_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "\n==== property broken: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}
