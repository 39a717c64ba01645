/* bench/true.c: the tiny payload, /true in the benchmark rootfs.
 * No libc at all (built -static -nostdlib), so exec and exit are all that is
 * left and the launch figures measure the launcher, not glibc's start-up. */
void __attribute__((noreturn)) _start(void)
{
	for (;;)
		__asm__ volatile("syscall" : : "a"(231 /* exit_group */), "D"(0) : "rcx", "r11", "memory");
}
