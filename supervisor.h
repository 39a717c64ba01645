/* supervisor.h: the supervisor (supervisor.c). */
#ifndef SBX_SUPERVISOR_H
#define SBX_SUPERVISOR_H

struct config;

/* supervisor.c */
int supervise(struct config *cfg);

#endif
