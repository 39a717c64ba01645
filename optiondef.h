/* optiondef.h: sbx's option table (options.c) as the parser (optparse.c)
 * reads it: private to those two files. */
#ifndef SBX_OPTIONDEF_H
#define SBX_OPTIONDEF_H

#include <stdbool.h>

struct config;
struct mount_op;

enum group { G_FS, G_NS, G_ENV, G_SECCOMP, G_LIMITS, G_OUTPUT, G_POLICY };

/* An option: what it records as it is read (apply), and what it checks of
 * the host once every option is read (resolve: see resolve_options). */
struct option_def {
	const char *name;
	int nargs;
	int (*apply)(struct config *cfg, char **args);
	int (*resolve)(struct config *cfg, const char *arg, struct mount_op *op);
	enum group group;
	const char *args_help;
	const char *help;
};

/* options.c: the option named name (without its dashes), or NULL; whether
 * a policy file may use it (--print-policy and --seccomp-export are for
 * the command line only); the "did you mean" hint for a name sbx does not
 * know. */
const struct option_def *find_option(const char *name);
bool option_in_policies(const struct option_def *def);
void hint_unknown_option(const char *given, const char *dashes);

#endif
