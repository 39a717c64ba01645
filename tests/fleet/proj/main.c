/* rot13: rotate each argument by 13 letters and print it. */
#include <stdio.h>
#include "rot13.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		rot13(argv[i]);
		puts(argv[i]);
	}
	return 0;
}
