/* fuzz/fuzz_options.c: the command line (parse_options, or parse_bwrap
 * as main picks it).
 *
 * The input is the argument vector after "sbx", its arguments separated by
 * NUL bytes (at most 64).  Whatever it holds, parse_options must return
 * -1 with an error recorded, 0, or 1 for --help/--version/--print-policy,
 * and never exit, crash or leak; an error always has a message.  When it
 * returns 0, the environment and the printed policy are built too.  A
 * first argument --bwrap takes the bubblewrap command line (bwrap.c), whose
 * --args, --file and --bind-data read file descriptors to their end and
 * close them: stdin and stdout are put back after each input. */
#include "../util.h"
#include "../config.h"
#include "../options.h"
#include "../bwrap.h"
#include "../launch.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = (char *)"sbx";
	for (char *p = copy; p <= copy + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	/* Options that read an fd to its end read it at parse time; only 0 and
	 * 1 are the harness's own (put back after each input).  Any other
	 * number could be one of libFuzzer's or the runner's descriptors, whose
	 * end may never come: point those at stdin (/dev/null) instead. */
	static const char *const readers[] = { "--args", "--file", "--bind-data", "--ro-bind-data",
					       "--seccomp", "--add-seccomp-fd" };
	for (int i = 1; i + 1 < argc; i++)
		for (size_t k = 0; k < ARRAY_SIZE(readers); k++)
			if (strcmp(argv[i], readers[k]) == 0 && strcmp(argv[i + 1], "1") != 0)
				argv[i + 1] = (char *)"0";

	struct config cfg = { 0 };
	struct launch launch = { 0 };
	harness_stdout_reset();
	int r = bwrap_invoked(argc, argv) ? parse_bwrap(&cfg, argc, argv) : parse_options(&cfg, argc, argv);
	harness_restore_fds();
	if (r < 0 && !error_text()[0])
		harness_fail("parse_options failed without a message");
	if (r == 0) {
		build_environment(&cfg, &launch);
		print_policy(&cfg);
		if (!cfg.argv || (!cfg.argv[0] && !cfg.seccomp_export))
			harness_fail("parse_options returned 0 without a command");
	}
	free_launch(&launch);
	free_config(&cfg);
	free(copy);
	return 0;
}
