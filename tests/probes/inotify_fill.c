/* inotify_fill [hold|one]: open inotify instances until the kernel refuses
 * one, and print "opened N: REASON".  With hold, then print "holding" and
 * keep them until killed; with one, stop after the first ("opened 1: ok").
 * Exit 0 when at least one could be opened, 1 when none could. */
#include "probe.h"

#include <sys/inotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int max = strcmp(mode, "one") == 0 ? 1 : 100000;
	int n = 0;
	const char *why = "ok";
	while (n < max) {
		if (inotify_init1(IN_CLOEXEC) < 0) {
			why = strerror(errno);
			break;
		}
		n++;
	}
	printf("opened %d: %s\n", n, why);
	fflush(stdout);
	if (strcmp(mode, "hold") == 0) {
		puts("holding");
		fflush(stdout);
		for (;;)
			pause();
	}
	return n > 0 ? 0 : 1;
}
