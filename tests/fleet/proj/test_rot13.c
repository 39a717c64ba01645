/* test_rot13: checks rot13(); built with -DBROKEN it expects a wrong
 * answer, which is how the fleet test makes a failing test step. */
#include <stdio.h>
#include <string.h>
#include "rot13.h"

static int check(const char *in, const char *want)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", in);
	rot13(buf);
	if (strcmp(buf, want) != 0) {
		printf("FAIL: rot13(%s) = %s, want %s\n", in, buf, want);
		return 1;
	}
	printf("ok: rot13(%s) = %s\n", in, buf);
	return 0;
}

int main(void)
{
	int bad = 0;
	bad += check("Hello, World", "Uryyb, Jbeyq");
	bad += check("abcxyz", "nopklm");
#ifdef BROKEN
	bad += check("sbx", "sbx");
#endif
	printf("%s\n", bad ? "FAILED" : "PASSED");
	return bad != 0;
}
