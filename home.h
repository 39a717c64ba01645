/* home.h: --hide-home and --protect-git (home.c). */
#ifndef SBX_HOME_H
#define SBX_HOME_H

struct config;

/* home.c: the mount steps of --hide-home (first, before the user's) and
 * --protect-git (last), once every option is read; -1 with the error
 * recorded. */
int plan_home(struct config *cfg);

#endif
