/* values.c: the parsers of option values, shared by both front ends and
 * the policy files: paths inside the sandbox, ids, sizes, durations, octal
 * modes, fd numbers and rlimits (with the table of rlimit names, which
 * --print-policy uses too).
 * Each records an error naming the option and stores nothing when it
 * refuses a value (tests/unit/parsers.c). */
#include "util.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

int parse_id(const char *opt, const char *text, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || v >= UINT_MAX)
		return failx("--%s: '%s' is not a valid id", opt, text);
	*out = (unsigned)v;
	return 0;
}

/* Make path absolute against the caller's cwd and fold "." and ".."
 * lexically (no symlinks followed: the path names a place inside the
 * sandbox, where the host's symlinks mean nothing). */
char *lexical_abspath(const struct config *cfg, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cfg->cwd, path);
	char *out = xcalloc(1, strlen(joined) + 2);
	size_t len = 0;
	for (char *save, *part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "/%s", part);
	}
	if (len == 0)
		strcpy(out, "/");
	free(joined);
	return out;
}

/* The decimal number text starts with (digits and a point: strtod alone
 * also reads 0x10, 1e3, inf and leading blanks); *end past it.  False when
 * there is none or it is out of range. */
static bool read_decimal(const char *text, double *v, char **end)
{
	errno = 0;
	*v = strtod(text, end);
	return *end != text && strspn(text, "0123456789.") == (size_t)(*end - text) && !errno;
}

/* 512M, 2G, 1.5GiB, 4096 (bytes); binary multiples. */
int parse_size(const char *opt, const char *text, long long *out)
{
	char *end;
	double v;
	if (!read_decimal(text, &v, &end))
		goto bad;
	static const char units[] = "KMGT";
	double mult = 1;
	if (*end) {
		const char *u = strchr(units, *end >= 'a' ? *end - 32 : *end);
		if (!u)
			goto bad;
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
	}
	if (*end || !(v * mult >= 1) || v * mult > 9e18)
		goto bad;
	*out = (long long)(v * mult);
	return 0;
bad:
	return failx("--%s: '%s' is not a size (e.g. 512M, 2G)", opt, text);
}

/* 30, 30s, 500ms, 2m, 1.5h */
int parse_duration(const char *opt, const char *text, double *out)
{
	char *end;
	double v;
	if (!read_decimal(text, &v, &end))
		goto bad;
	double mult = 1, div = 1; /* v / 1000, not v * 0.001: 350ms is 0.35 exactly as "0.35" reads */
	if (strcmp(end, "ms") == 0)
		div = 1000;
	else if (strcmp(end, "m") == 0)
		mult = 60;
	else if (strcmp(end, "h") == 0)
		mult = 3600;
	else if (strcmp(end, "d") == 0)
		mult = 86400;
	else if (*end && strcmp(end, "s") != 0)
		goto bad;
	if (v * mult / div > 1e9)
		goto bad;
	*out = v * mult / div;
	return 0;
bad:
	return failx("--%s: '%s' is not a duration (e.g. 30s, 500ms, 2m)", opt, text);
}

int parse_octal(const char *opt, const char *text, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 8);
	if (!text[0] || *end || errno || v < 0 || v > 07777)
		return failx("%s: '%s' is not an octal mode", opt, text);
	*out = (int)v;
	return 0;
}

/* A file descriptor's number; opt is the option as written. */
int parse_fd_number(const char *opt, const char *text, int *out)
{
	char *end;
	errno = 0;
	long fd = strtol(text, &end, 10);
	if (!text[0] || *end || errno || fd < 0 || fd > INT_MAX)
		return failx("%s: '%s' is not a file descriptor number", opt, text);
	*out = (int)fd;
	return 0;
}

/* The number of an open file descriptor. */
int parse_fd(const char *opt, const char *text, int *out)
{
	int fd;
	if (parse_fd_number(opt, text, &fd) < 0)
		return -1;
	if (fcntl(fd, F_GETFD) < 0)
		return fail("%s %d", opt, fd);
	*out = fd;
	return 0;
}

static const struct { const char *name; int resource; } rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "?";
}

static int parse_rlimit_value(const char *text, unsigned long long *out)
{
	if (strcmp(text, "unlimited") == 0 || strcmp(text, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	char *end;
	errno = 0;
	*out = strtoull(text, &end, 10);
	return (!*text || *end || errno || text[0] == '-') ? -1 : 0;
}

/* NAME=SOFT[:HARD]; HARD defaults to SOFT.  NAME is one of the table's,
 * in any case, with or without RLIMIT_. */
int parse_rlimit(const char *opt, const char *text, struct rlimit_op *out)
{
	char *copy = xstrdup(text);
	char *eq = strchr(copy, '='), *colon;
	struct rlimit_op op = { .resource = -1 };
	if (eq) {
		*eq = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
			if (strcasecmp(copy, rlimit_names[i].name) == 0 ||
			    (strncasecmp(copy, "RLIMIT_", 7) == 0 && strcasecmp(copy + 7, rlimit_names[i].name) == 0))
				op.resource = rlimit_names[i].resource;
		colon = strchr(eq + 1, ':');
		if (colon)
			*colon = '\0';
		if (op.resource >= 0 && parse_rlimit_value(eq + 1, &op.soft) == 0 &&
		    parse_rlimit_value(colon ? colon + 1 : eq + 1, &op.hard) == 0 && op.soft <= op.hard) {
			free(copy);
			*out = op;
			return 0;
		}
	}
	free(copy);
	return failx("--%s: '%s': expected NAME=SOFT[:HARD] with NAME one of as, core, cpu, data, fsize, "
		     "locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack "
		     "and SOFT <= HARD (numbers or 'unlimited')", opt, text);
}
