/* bench/hold.c: the payload for the memory figure, /hold in the rootfs.
 * Writes one byte to stdout once it runs, so the harness knows the sandbox
 * is fully built, then waits for EOF on stdin and exits 0.  No libc
 * (-static -nostdlib): its own footprint is a few pages. */
static long sys3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

void __attribute__((noreturn)) _start(void)
{
	char byte = 'R';
	sys3(1 /* write */, 1, (long)&byte, 1);
	while (sys3(0 /* read */, 0, (long)&byte, 1) > 0)
		;
	for (;;)
		sys3(231 /* exit_group */, 0, 0, 0);
}
