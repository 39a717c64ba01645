/* net.h: the sandbox's network (net.c). */
#ifndef SBX_NET_H
#define SBX_NET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>

struct config;

/* net.c: the sandbox's network.  net_prepare (supervisor, before the clone)
 * picks the --net user helper (an object, with no helper in it for other
 * modes); net_start (supervisor, after the id maps, before init is
 * released) starts it against init's network namespace and waits until the
 * namespace is configured; net_stop kills and reaps it; net_free releases
 * the object.  net_loopback_up (init, before its id maps are written)
 * brings up loopback; setup_network (init, after them, before the root is
 * built) does the rest of the sandbox's side. */
struct net_helper;
struct net_helper *net_prepare(const struct config *cfg); /* NULL: error recorded */
int net_start(struct net_helper *h, pid_t child);
void net_stop(struct net_helper *h); /* again: nothing to do */
void net_free(struct net_helper *h); /* stopped first */
int net_loopback_up(const struct config *cfg); /* -1: error recorded */
int setup_network(const struct config *cfg);
const char *net_resolv_conf(const struct config *cfg); /* NULL: keep the rootfs's */

#endif
