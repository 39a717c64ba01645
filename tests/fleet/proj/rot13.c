/* rot13.c: the tiny C library the fleet test builds. */
#include "rot13.h"

void rot13(char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (c >= 'a' && c <= 'z')
			*s = (char)('a' + (c - 'a' + 13) % 26);
		else if (c >= 'A' && c <= 'Z')
			*s = (char)('A' + (c - 'A' + 13) % 26);
	}
}
