/* statusfile.c: the --status-json file, a host path the supervisor writes
 * with the caller's rights after the run.  It often lies in the work tree the
 * sandbox may write (the build recipe: --bind-cwd --status-json
 * build-status.json), so what is at that path when sbx writes may be the
 * sandbox's doing: a symlink to ~/.bashrc, a FIFO nobody will open.  So:
 *   - the file is opened before anything runs, never through a symlink
 *     (O_NOFOLLOW), and only a regular file is taken (O_NONBLOCK, so a FIFO
 *     cannot make the open wait); any failure stops sbx with 125 before the
 *     command starts;
 *   - its directory is held open too, and the report is written at the end
 *     through the fd opened at the start, if the name still names that file;
 *   - if the name was replaced while the command ran, a new file is made
 *     beside it (O_EXCL, a fresh name) and renamed over whatever is there:
 *     rename(2) replaces a symlink or FIFO itself, never what it points to. */
#include "util.h"
#include "mount.h"
#include "statusfile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct status_file {
	char *path; /* as given, for messages */
	char *name; /* the last component */
	int dir;    /* O_PATH of the directory it is in */
	int fd;     /* the file, opened before the run */
};

void status_file_close(struct status_file *sf)
{
	if (!sf)
		return;
	if (sf->dir >= 0)
		close(sf->dir);
	if (sf->fd >= 0)
		close(sf->fd);
	free(sf->path);
	free(sf->name);
	free(sf);
}

static int refuse(struct status_file *sf, const char *why)
{
	failx("--status-json %s: %s", sf->path, why);
	set_hint("give a path to a regular file (or none yet); --status-fd N writes the report to a descriptor");
	return -1;
}

static int open_in_dir(struct status_file *sf)
{
	sf->fd = openat(sf->dir, sf->name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			0666);
	struct stat st;
	if (sf->fd < 0 && errno == ELOOP)
		return refuse(sf, "is a symbolic link, which sbx does not follow");
	if (sf->fd < 0 && (errno == ENXIO || errno == EISDIR))
		return refuse(sf, "is not a regular file");
	if (sf->fd < 0)
		return fail("--status-json %s", sf->path);
	if (fstat(sf->fd, &st) < 0)
		return fail("--status-json %s", sf->path);
	if (!S_ISREG(st.st_mode))
		return refuse(sf, "is not a regular file");
	if (fcntl(sf->fd, F_SETFL, 0) < 0)
		return fail("--status-json %s", sf->path);
	return 0;
}

/* Refuse a symlink on the way to dir that root does not own; then open
 * dir's real path with no symlink followed. */
static int open_dir(struct status_file *sf, const char *dir)
{
	size_t len = strlen(dir);
	char *prefix = xstrdup(dir);
	int r = 0;
	for (size_t i = 1; i <= len && r == 0; i++) {
		if (dir[i] != '/' && dir[i] != '\0')
			continue;
		prefix[i] = '\0';
		struct stat st;
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0) {
			r = refuse(sf, "the way to it passes through a symbolic link, which sbx does not follow there");
			set_hint("%s is a symbolic link (an earlier sandbox may have put it there); give the real path",
				 prefix);
		}
		prefix[i] = dir[i];
	}
	free(prefix);
	if (r < 0)
		return -1;
	char *real = realpath(dir, NULL);
	if (!real)
		return fail("--status-json %s: directory %s", sf->path, dir);
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	sf->dir = open_resolved(AT_FDCWD, real, &how);
	if (sf->dir < 0)
		fail("--status-json %s: directory %s", sf->path, real);
	free(real);
	return sf->dir < 0 ? -1 : 0;
}

struct status_file *status_file_open(const char *path)
{
	struct status_file *sf = xcalloc(1, sizeof *sf);
	sf->path = xstrdup(path);
	sf->dir = sf->fd = -1;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xasprintf("%.*s", (int)(slash == path ? 1 : slash - path), path) : xstrdup(".");
	sf->name = xstrdup(slash ? slash + 1 : path);
	int r = 0;
	if (!sf->name[0] || !strcmp(sf->name, ".") || !strcmp(sf->name, ".."))
		r = refuse(sf, "names a directory");
	else if ((r = open_dir(sf, dir)) == 0)
		r = open_in_dir(sf);
	free(dir);
	if (r < 0) {
		status_file_close(sf);
		return NULL;
	}
	return sf;
}

static int write_fd(int fd, const char *text, size_t len)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 || write_all(fd, text, len) < 0)
		return -1;
	return 0;
}

/* The name no longer names our file: a new one, renamed over it. */
static int replace(struct status_file *sf, const char *text, size_t len)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		char *tmp = xasprintf(".%s.sbx-%ld-%d", sf->name, (long)getpid(), attempt);
		int fd = openat(sf->dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0) {
			free(tmp);
			if (errno == EEXIST)
				continue;
			return fail("--status-json %s", sf->path);
		}
		int r = write_fd(fd, text, len);
		close(fd);
		if (r == 0 && renameat(sf->dir, tmp, sf->dir, sf->name) == 0) {
			free(tmp);
			return 0;
		}
		fail("--status-json %s", sf->path);
		unlinkat(sf->dir, tmp, 0);
		free(tmp);
		return -1;
	}
	return failx("--status-json %s: no free temporary name beside it", sf->path);
}

int status_file_write(struct status_file *sf, const char *text, size_t len)
{
	struct stat mine, there;
	if (fstat(sf->fd, &mine) == 0 && fstatat(sf->dir, sf->name, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
	    mine.st_dev == there.st_dev && mine.st_ino == there.st_ino) {
		if (write_fd(sf->fd, text, len) < 0)
			return fail("--status-json %s", sf->path);
		return 0;
	}
	fprintf(stderr, "sbx: warning: --status-json %s was replaced or removed while the command ran; "
			"writing the report in its place\n",
		sf->path);
	return replace(sf, text, len);
}
