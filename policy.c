/* policy.c: where policies come from and how their lines split into words.
 * A name is looked up in $XDG_CONFIG_HOME/sbx/policy (or ~/.config),
 * /etc/sbx/policy, the data directory, policy/ beside the binary, and last
 * among the policies built into sbx; a name with a '/' is a path.  The
 * options the words stand for are applied by options.c (policies) and
 * seccomp_list.c (seccomp lists). */
#include "sbx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_POLICY_SIZE (1 << 20)

/* A policy is a regular file: a FIFO or a device could block or never end. */
static int check_regular(int fd, const char *path)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail("%s", path);
	if (!S_ISREG(st.st_mode))
		return failx("%s: not a regular file", path);
	return 0;
}

static char *read_text_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail("%s", path), NULL;
	if (check_regular(fd, path) < 0) {
		close(fd);
		errno = EINVAL; /* there but unusable: an error, not a name to look up further */
		return NULL;
	}
	char *text = xcalloc(1, MAX_POLICY_SIZE + 1);
	ssize_t n = read_all(fd, text, MAX_POLICY_SIZE + 1);
	close(fd);
	if (n < 0) {
		fail("read %s", path);
		free(text);
		return NULL;
	}
	if (n > MAX_POLICY_SIZE) {
		failx("%s: larger than %d bytes", path, MAX_POLICY_SIZE);
		free(text);
		return NULL;
	}
	if (memchr(text, '\0', (size_t)n)) {
		failx("%s: contains a NUL byte (not a text file)", path);
		free(text);
		return NULL;
	}
	return text;
}

/* The directory sbx runs from, so policy/ beside a freshly built binary is
 * found without installing it. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf[0] ? buf : "/");
}

/* The policy search path, worked out once per run: every run looks up at
 * least "default" and "default.seccomp", and each lookup would otherwise
 * readlink /proc/self/exe again. */
static char *const *policy_dirs(void)
{
	static char *dirs[4];
	static bool known;
	if (known)
		return dirs;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		dirs[0] = xasprintf("%s/sbx/policy", xdg);
	else if (home && home[0] == '/')
		dirs[0] = xasprintf("%s/.config/sbx/policy", home);
	dirs[1] = xstrdup("/etc/sbx/policy");
	dirs[2] = xstrdup(SBX_DATADIR "/policy");
	char *exe = exe_dir();
	if (exe)
		dirs[3] = xasprintf("%s/policy", exe);
	free(exe);
	known = true;
	return dirs;
}

char *load_policy_text(const char *name, char **origin)
{
	if (strchr(name, '/')) {
		*origin = xstrdup(name);
		return read_text_file(name);
	}
	if (!name[0] || name[0] == '.')
		return failx("'%s' is not a policy name", name), NULL;

	char *const *dirs = policy_dirs();

	/* A directory we may not enter (HOME of another user under setpriv or
	 * sudo) counts as holding no policy; a file that is there but cannot be
	 * read is an error, not something to skip silently. */
	char *text = NULL;
	bool broken = false;
	for (size_t i = 0; i < 4 && !text && !broken; i++) {
		if (!dirs[i])
			continue;
		char *path = xasprintf("%s/%s", dirs[i], name);
		errno = 0;
		text = read_text_file(path);
		if (text)
			*origin = path;
		else {
			if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
				broken = true;
			free(path);
		}
	}
	if (text || broken)
		return text;
	for (const struct embedded_file *e = embedded_files; e->name; e++)
		if (strcmp(e->name, name) == 0) {
			*origin = xasprintf("(built-in)/%s", name);
			return xstrdup(e->text);
		}
	set_hint("policies are searched in $XDG_CONFIG_HOME/sbx/policy, /etc/sbx/policy, "
		 SBX_DATADIR "/policy and policy/ beside sbx");
	failx("no policy named '%s'", name);
	return NULL;
}

/* Split one line into words: blanks separate, "double quotes" (with \\ \"
 * escapes) and 'single quotes' group, # starts a comment between words. */
int split_policy_words(char *line, char **words, int max, int *count)
{
	int n = 0;
	char *in = line, *out = line;
	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\r')
			in++;
		if (!*in || *in == '#')
			break;
		if (n == max)
			return failx("too many words");
		words[n++] = out;
		while (*in && *in != ' ' && *in != '\t' && *in != '\r') {
			if (*in == '"' || *in == '\'') {
				char q = *in++;
				while (*in && *in != q) {
					if (q == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
						in++;
					*out++ = *in++;
				}
				if (*in != q)
					return failx("unterminated %c quote", q);
				in++;
			} else
				*out++ = *in++;
		}
		char *next = *in ? in + 1 : in;
		*out++ = '\0';
		in = next;
	}
	*count = n;
	return 0;
}
