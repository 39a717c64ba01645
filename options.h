/* options.h: sbx's own front end (optparse.c over options.c's table), the
 * work tree check of --bind-cwd (workdir.c) and sbx --version --verbose
 * (features.c). */
#ifndef SBX_OPTIONS_H
#define SBX_OPTIONS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <sys/types.h>

struct config;

/* optparse.c: sbx's own command line and policy files, one front end over
 * config.c (bwrapparse.c is the other; main picks one).  Returns 0 to run
 * a command, 1 when --help, --version or --print-policy was handled, -1 on
 * an error (recorded). */
int parse_options(struct config *cfg, int argc, char **argv);
/* options.c: --help, from the option table */
void print_usage(void);

/* workdir.c: dir (the caller's working directory) may be the work tree
 * that --bind-cwd makes writable: 0, or -1 with the error and a hint
 * recorded when it is a directory shared with other programs (/, /tmp,
 * $HOME, /run...), below /run, or holds one. */
int check_work_tree(const char *dir, uid_t uid);

/* features.c: sbx --version --verbose */
void print_features(void);

#endif
