/* ns.h: the namespaces (ns.c). */
#ifndef SBX_NS_H
#define SBX_NS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <sys/types.h>

struct config;

/* ns.c: the namespaces.  clone_init (supervisor): init, cloned into new
 * namespaces (joining those bubblewrap's --userns and --pidns name first)
 * and into the limits' cgroup when cgroup_fd >= 0 (*placed: it is); sock
 * and *child_end are the supervisor's and init's ends of the socket.  0 in
 * init, its pid in the supervisor, -1 with the error recorded.  In init:
 * open_userns_files before the root is built, enter_late_user_namespaces
 * (bubblewrap's --userns2 and nested user namespace) after. */
struct userns_files {
	int limit; /* /proc/sys/user/max_user_namespaces */
	int self;  /* /proc/self, for the nested namespace's maps */
};
pid_t clone_init(const struct config *cfg, int cgroup_fd, bool *placed, int sock, int *child_end);
int open_userns_files(const struct config *cfg, struct userns_files *f);
int enter_late_user_namespaces(const struct config *cfg, struct userns_files *f);
int set_hostname(const char *name);

#endif
