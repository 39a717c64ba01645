/* x32_call: make one x32 system call (getpid with the x32 bit, 0x40000000,
 * set) in this very process, so that a filter that kills x32 calls kills
 * the probe itself (sc_calls makes its calls in children).
 *
 *   x32_call
 *
 * Prints "ESCAPE: ..." and exits 1 when the call returns at all. */
#include "probe.h"

#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long r = syscall(0x40000000L | SYS_getpid);
	escape("x32 getpid returned %s", r < 0 ? ename(errno) : "success");
	return 1;
}
