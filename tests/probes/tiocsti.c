/* tiocsti: try to push a character into a terminal's input queue with
 * TIOCSTI, on fds 0, 1, 2 and on /dev/tty. Each is tried with the plain
 * ioctl and with the request number's bit 32 set through the raw syscall
 * (the kernel truncates the request to 32 bits; a seccomp filter comparing
 * all 64 bits would miss it).
 *
 * Held: every attempt fails (EPERM, EIO, ENOTTY, ENXIO, EBADF...).
 * Escape: any attempt succeeds. The character pushed is a single space, so a
 * successful run on a real terminal leaves only harmless input behind. */
#include "probe.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void try_fd(int fd, const char *name)
{
	char c = ' ';
	unsigned long hi = (unsigned long)TIOCSTI | (1UL << 32);

	if (ioctl(fd, TIOCSTI, &c) == 0)
		escape("TIOCSTI on %s succeeded", name);
	else
		held("TIOCSTI on %s: %s", name, ename(errno));

	if (syscall(SYS_ioctl, fd, hi, &c) == 0)
		escape("TIOCSTI|1<<32 on %s succeeded", name);
	else
		held("TIOCSTI|1<<32 on %s: %s", name, ename(errno));
}

int main(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		char name[16];
		snprintf(name, sizeof name, "fd %d", fd);
		if (fcntl(fd, F_GETFD) < 0) {
			held("%s: not open", name);
			continue;
		}
		try_fd(fd, name);
	}

	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		held("open /dev/tty: %s", ename(errno));
	} else {
		try_fd(tty, "/dev/tty");
		close(tty);
	}
	return probe_exit();
}
