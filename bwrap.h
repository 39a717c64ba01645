/* bwrap.h: the bubblewrap front end (bwrapparse.c over bwrap.c's table)
 * and its JSON reports (bwrapstatus.c). */
#ifndef SBX_BWRAP_H
#define SBX_BWRAP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <sys/types.h>

struct config;

/* bwrapparse.c: bubblewrap's command line (argv[0] "bwrap", or "sbx --bwrap
 * ARGS": bwrap_invoked) translated into a config; the same return values as
 * parse_options. */
bool bwrap_invoked(int argc, char **argv);
int parse_bwrap(struct config *cfg, int argc, char **argv);
/* bwrapstatus.c: the JSON bubblewrap writes on --info-fd and
 * --json-status-fd, in its format. */
void bwrap_report_start(const struct config *cfg, pid_t child);
void bwrap_report_exit(const struct config *cfg, int code);

#endif
