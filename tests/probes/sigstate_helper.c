/* sigstate_helper: stands in for a setuid helper sbx runs (newuidmap):
 * writes the SigBlk and SigIgn lines of its /proc/self/status, as it
 * started, to OUT, then execs the real helper REAL with the same
 * arguments.  Built by the test that uses it with
 *   gcc -DREAL='"/path/real"' -DOUT='"/path/status"'
 * and bound over the helper (tests/root/root.bats). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argc;
	char line[256];
	FILE *in = fopen("/proc/self/status", "re"), *out = fopen(OUT, "we");
	while (in && out && fgets(line, sizeof line, in))
		if (strncmp(line, "SigBlk:", 7) == 0 || strncmp(line, "SigIgn:", 7) == 0)
			fputs(line, out);
	if (out)
		fclose(out);
	execv(REAL, argv);
	perror(REAL);
	return 127;
}
