/* bench/sysloop.c: the cost of a few hot system calls, timed from inside.
 *
 *   sysloop [SCALE]     (default 1.0: about a second in all on a modern core)
 *
 * Each loop does one call (or one pair) many times with raw syscall(2), so
 * no libc cache or vDSO hides the kernel entry, and prints
 * "NAME NS_PER_CALL" lines.  bench/run runs it bare, inside sbx (default
 * seccomp filter) and inside bubblewrap (no filter) and compares. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	long n = (long)(1000000 * scale);
	if (n < 100)
		n = 100;
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (zero < 0 || null < 0)
		fail("open /dev/zero or /dev/null");
	static int word;
	char byte = 0;
	double t;

	t = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("getppid %.1f\n", (now_ns() - t) / (double)n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_read, zero, &byte, 1) != 1)
			fail("read /dev/zero");
	printf("read %.1f\n", (now_ns() - t) / (double)n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_write, null, &byte, 1) != 1)
			fail("write /dev/null");
	printf("write %.1f\n", (now_ns() - t) / (double)n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0)
			fail("futex wake");
	printf("futex %.1f\n", (now_ns() - t) / (double)n);

	long m = n / 4 > 100 ? n / 4 : 100;
	t = now_ns();
	for (long i = 0; i < m; i++) {
		void *p = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
					  -1, 0);
		if (p == MAP_FAILED || syscall(SYS_munmap, p, 4096) < 0)
			fail("mmap/munmap");
	}
	printf("mmap+munmap %.1f\n", (now_ns() - t) / (double)m);
	return 0;
}
