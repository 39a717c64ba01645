/* fuzz/fuzz_gitconfig.c: git's configuration syntax (parse_gitconfig,
 * gitconfig.c), which --protect-git reads core.hooksPath and includes with.
 *
 * The input is a configuration file.  Properties checked: parse_gitconfig
 * returns, never crashes or leaks, and hands on only what git could: a
 * section of lowercase letters, digits, '-' and '.'; a name that starts
 * with a lowercase letter and holds lowercase letters, digits and '-'; a
 * value no longer than the input. */
#include "../util.h"
#include "../git.h"

#include "harness.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_init();
	return 0;
}

static size_t input_len;

static bool all_of(const char *s, const char *allowed)
{
	return s[strspn(s, allowed)] == '\0';
}

static void check(void *data, const char *section, const char *sub, const char *name, const char *value)
{
	(void)data;
	(void)sub;
	if (!all_of(section, "abcdefghijklmnopqrstuvwxyz0123456789-.") || name[0] < 'a' || name[0] > 'z' ||
	    !all_of(name, "abcdefghijklmnopqrstuvwxyz0123456789-") || (value && strlen(value) > input_len))
		harness_fail("section '%s', name '%s', value of %zu bytes from %zu", section, name,
			     value ? strlen(value) : 0, input_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xcalloc(1, size + 1);
	memcpy(text, data, size);
	input_len = size;
	parse_gitconfig(text, check, NULL);
	free(text);
	return 0;
}
