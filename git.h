/* git.h: git's configuration files read (gitconfig.c) and the work
 * tree looked over after the run (gitquarantine.c). */
#ifndef SBX_GIT_H
#define SBX_GIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>

struct config;
struct timespec;

/* gitconfig.c: each variable of a git configuration file, in order: the
 * section and name lowercased, the subsection as written or NULL, the value
 * NULL for a bare name (true).  false at the first line git would refuse
 * (it then refuses the file), after the variables before it. */
typedef void gitconfig_fn(void *data, const char *section, const char *subsection, const char *name,
			  const char *value);
bool parse_gitconfig(const char *text, gitconfig_fn *each, void *data);
/* After the run: warn of each .git in the work tree that the run made or
 * changed (since: when sbx started), which git would trust. */
void quarantine_git(const struct config *cfg, const struct timespec *since); /* gitquarantine.c */

#endif
