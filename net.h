/* net.h: the sandbox's network (net.c). */
#ifndef SBX_NET_H
#define SBX_NET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>

struct config;

/* net.c: the sandbox's network.  net_prepare (supervisor, before the clone)
 * picks the --net user helper; net_start (supervisor, after the id maps,
 * before init is released) starts it against init's network namespace and
 * waits until the namespace is configured; net_stop kills and reaps it.
 * setup_network (init, before the root is built) brings up loopback. */
int net_prepare(const struct config *cfg);
int net_start(pid_t child);
void net_stop(void);
int setup_network(const struct config *cfg);
const char *net_resolv_conf(const struct config *cfg); /* NULL: keep the rootfs's */

#endif
