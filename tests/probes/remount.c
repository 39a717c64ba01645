/* remount [DIR]: try to make DIR (default "/") writable again and write a
 * file into it.
 *   1. mount(NULL, DIR, NULL, MS_REMOUNT|MS_BIND, NULL): clears the
 *      per-mount read-only flag if permitted;
 *   2. mount(NULL, DIR, NULL, MS_REMOUNT, NULL): superblock remount rw;
 *   3. the same as 1 from a fresh nested user+mount namespace;
 *   4. create DIR/.sbx-remount-probe.PID.
 * Any success is an escape (the file is removed again). */
#include "probe.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";
	char file[4096];

	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		escape("bind-remount of %s read-write succeeded", dir);
	else
		held("bind-remount %s rw: %s", dir, ename(errno));

	if (mount(NULL, dir, NULL, MS_REMOUNT, NULL) == 0)
		escape("superblock remount of %s read-write succeeded", dir);
	else
		held("superblock remount %s rw: %s", dir, ename(errno));

	/* From a nested user namespace: the copied mounts must be locked. */
	int pfd[2];
	if (pipe(pfd) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			char r = 'h';
			close(pfd[0]);
			if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
				r = 'u';
			else if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND,
				       NULL) == 0)
				r = 'e';
			int e = errno;
			if (write(pfd[1], &r, 1) < 0 || write(pfd[1], &e, sizeof e) < 0)
				_exit(1);
			_exit(0);
		}
		close(pfd[1]);
		char r = 0;
		int e = 0;
		if (read(pfd[0], &r, 1) == 1 && read(pfd[0], &e, sizeof e) >= 0) {
			if (r == 'e')
				escape("bind-remount of %s rw from a nested user namespace succeeded", dir);
			else if (r == 'u')
				held("nested unshare: %s", ename(e));
			else
				held("nested bind-remount %s rw: %s", dir, ename(e));
		}
		close(pfd[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}

	snprintf(file, sizeof file, "%s/.sbx-remount-probe.%d",
		 strcmp(dir, "/") ? dir : "", (int)getpid());
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		escape("created %s", file);
		close(fd);
		unlink(file);
	} else {
		held("create %s: %s", file, ename(errno));
	}

	return probe_exit();
}
