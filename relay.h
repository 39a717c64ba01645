/* relay.h: the command's terminal or pipes, and the supervisor's copying
 * (relay.c). */
#ifndef SBX_RELAY_H
#define SBX_RELAY_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>

struct config;
struct launch;

/* relay.c: what the command gets in place of the caller's terminal (a pty
 * of its own in the foreground, pipes in the background, never the terminal
 * itself), and the supervisor's non-blocking copying between them.
 * prepare_terminal decides (before the clone); relay_open makes the pipes
 * and our own descriptions of the terminal; relay_poll_fds/relay_service
 * run inside the supervisor's poll loop; relay_finish drains what is left
 * (bounded in time), puts the terminal back and frees.  guard_stderr: sbx's
 * own messages never block on a stopped terminal either. */
struct relay;
struct pollfd;
void prepare_terminal(const struct config *cfg, struct launch *l);
struct relay *relay_open(const struct config *cfg, struct launch *l); /* NULL: error recorded */
void close_command_stdio(const struct launch *l); /* this process's copies of the command's pipe ends */
void relay_take_pty(struct relay *r, int master);
bool relay_resize(struct relay *r);           /* SIGWINCH; false: no pty */
size_t relay_poll_fds(struct relay *r, struct pollfd *fds, size_t max, int *timeout_ms);
bool relay_service(struct relay *r, const struct pollfd *fds);
void relay_finish(struct relay *r);
void relay_free(struct relay *r);             /* without draining (error paths) */
void guard_stderr(void);

#endif
