/* supervisor.h: the supervisor (supervisor.c). */
#ifndef SBX_SUPERVISOR_H
#define SBX_SUPERVISOR_H

struct config;
struct launch;

/* supervisor.c: the run, from the clone to sbx's exit code (returned).
 * cfg is frozen; l comes with the environment and terminal decided (main),
 * is completed here (the per-user limits, the start time, the relay's
 * pipes) and handed to init. */
int supervise(const struct config *cfg, struct launch *l);

#endif
