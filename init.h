/* init.h: inside the sandbox: PID 1 (init.c) and the command's process
 * (payload.c). */
#ifndef SBX_INIT_H
#define SBX_INIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stddef.h>
#include <sys/types.h>

struct config;
struct launch;
struct limits;

/* init.c: PID 1 of the sandbox.  The signals passed on to the command
 * (unless the caller ignores them); main notes where the caller's argv and
 * environment strings are, for init to wipe. */
extern const int forwarded_signals[];
extern const size_t n_forwarded_signals;
void note_caller_memory(char **argv, char **env);
void __attribute__((noreturn)) run_init(const struct config *cfg, struct launch *l, const struct limits *limits,
					int sock, int sync_fd);

/* payload.c: the command's process, started by init (or, with --as-pid-1,
 * init itself becoming it); it ends in exec or _exit. */
pid_t start_payload(const struct config *cfg, const struct launch *l, const struct limits *limits, int sock,
		    int pty_slave);
void __attribute__((noreturn)) run_payload(const struct config *cfg, const struct launch *l,
					   const struct limits *limits, int sock, int pty_slave);

#endif
