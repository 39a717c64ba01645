/* sc_allowed: what the default seccomp list must keep working, next to what
 * it refuses (sc_calls): the harmless execution domains, the ordinary socket
 * families, routing netlink (getifaddrs(3) lists lo), fork-style clone,
 * ordinary ioctls, and from i386 code (int $0x80) personality and socketpair
 * through socketcall(2).
 *
 * Prints "ok: ..." per check, "broken: ..." when a check fails; exit 1 when
 * any is broken, 2 when the probe could not run. */
#include "probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int broken_count;

__attribute__((format(printf, 2, 3))) static void check(int good, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(good ? "ok: " : "broken: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
	broken_count += !good;
}

static long int80(long nr, long a, long b, long c)
{
	int ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* personality(2) changes the caller: try it in a child and report back. */
static long in_child(long nr, long arg, int i386)
{
	int p[2];
	if (pipe(p) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		long r = i386 ? int80(nr, arg, 0, 0) : syscall(nr, arg);
		if (!i386 && r < 0)
			r = -errno;
		(void)!write(p[1], &r, sizeof r);
		_exit(0);
	}
	close(p[1]);
	long r = -EIO;
	if (read(p[0], &r, sizeof r) != sizeof r)
		r = -EIO;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return r;
}

static void personalities(void)
{
	static const struct {
		const char *name;
		unsigned long value;
	} good[] = {
		{ "PER_LINUX", PER_LINUX },
		{ "PER_LINUX32", PER_LINUX32 },
		{ "UNAME26", UNAME26 },
		{ "PER_LINUX32|UNAME26", PER_LINUX32 | UNAME26 },
		{ "0xffffffff (query)", 0xffffffffUL },
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		long r = in_child(SYS_personality, (long)good[i].value, 0);
		check(r >= 0, "personality(%s): %s", good[i].name, r >= 0 ? "allowed" : ename((int)-r));
		r = in_child(136, (long)good[i].value, 1);
		check(r >= 0, "i386 personality(%s): %s", good[i].name, r >= 0 ? "allowed" : ename((int)-r));
	}
	/* the kernel reads an unsigned int: with bit 32 set this is still 0 */
	long r = in_child(SYS_personality, 1L << 32, 0);
	check(r >= 0, "personality(1<<32): %s", r >= 0 ? "allowed" : ename((int)-r));
}

static void sockets(void)
{
	static const struct {
		const char *name;
		int family, type;
	} good[] = {
		{ "AF_UNIX", AF_UNIX, SOCK_STREAM },
		{ "AF_INET", AF_INET, SOCK_DGRAM },
		{ "AF_INET6", AF_INET6, SOCK_DGRAM },
		{ "AF_NETLINK", AF_NETLINK, SOCK_RAW },
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int fd = socket(good[i].family, good[i].type | SOCK_CLOEXEC, 0);
		/* EAFNOSUPPORT for INET6 could be a kernel without IPv6 */
		check(fd >= 0 || (errno == EAFNOSUPPORT && good[i].family == AF_INET6), "socket(%s): %s",
		      good[i].name, fd >= 0 ? "allowed" : ename(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* getifaddrs(3) asks NETLINK_ROUTE (as iproute2 and getaddrinfo with
 * AI_ADDRCONFIG do; socket(AF_NETLINK) above is that protocol, 0), and
 * fails without it.  The sandbox's network namespace has lo, 127.0.0.1. */
static void netlink_route(void)
{
	struct ifaddrs *all;
	if (getifaddrs(&all) < 0) {
		check(0, "getifaddrs: %s", ename(errno));
		return;
	}
	bool lo = false;
	for (struct ifaddrs *i = all; i; i = i->ifa_next)
		lo |= strcmp(i->ifa_name, "lo") == 0 && i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		      ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
	freeifaddrs(all);
	check(lo, "getifaddrs lists lo with 127.0.0.1: %s", lo ? "yes" : "no");
}

static void i386_socketpair(void)
{
	unsigned *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (args == MAP_FAILED) {
		note("mmap: %s", ename(errno));
		exit(2);
	}
	args[0] = AF_UNIX;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	args[3] = (unsigned)(unsigned long)(args + 8);
	long r = int80(102, 8 /* SYS_SOCKETPAIR */, (long)args, 0);
	check(r == 0, "i386 socketcall(SYS_SOCKETPAIR, AF_UNIX): %s", r == 0 ? "allowed" : ename((int)-r));
}

static void processes(void)
{
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(7);
	int status = 0;
	if (pid > 0)
		waitpid((pid_t)pid, &status, 0);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7, "clone(SIGCHLD): %s",
	      pid > 0 ? "allowed" : ename(errno));
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct winsize ws;
	int r = ioctl(fd, TIOCGWINSZ, &ws);
	check(r < 0 && errno == ENOTTY, "ioctl(/dev/null, TIOCGWINSZ) reaches the kernel: %s",
	      r < 0 ? ename(errno) : "succeeded");
	close(fd);
}

int main(void)
{
	personalities();
	sockets();
	netlink_route();
	i386_socketpair();
	processes();
	return broken_count ? 1 : 0;
}
