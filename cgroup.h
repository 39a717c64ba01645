/* cgroup.h: resource limits (cgroup.c) and the cgroup delegated to the
 * caller (delegation.c).  Not limits.h: that name is the C library's. */
#ifndef SBX_CGROUP_H
#define SBX_CGROUP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct config;

/* cgroup.c: resource limits.  The supervisor prepares them before the
 * clone (a cgroup leaf with the limits written, or rlimits where no cgroup
 * can be had and --limits best-effort allows it), the payload applies the
 * rlimits before exec, and the supervisor reads the usage and removes the
 * leaf at the end. */
struct limits;
struct limits *limits_prepare(const struct config *cfg); /* NULL: error recorded */
int limits_cgroup_fd(const struct limits *l);           /* for CLONE_INTO_CGROUP, or -1 */
bool limits_move_sandbox(const struct limits *l);       /* into a leaf of its own */
int limits_attach(struct limits *l, pid_t pid);         /* when clone3 could not place it */
int apply_rlimits(const struct limits *l);              /* in the payload */
void limits_kill(struct limits *l);                     /* SIGKILL all in the leaf */
void limits_finish(struct limits *l);                   /* collect usage after the end */
void limits_report_json(const struct limits *l, FILE *out); /* ", \"key\": ..." members */
void limits_cleanup(struct limits *l);                  /* remove the leaf, free */

/* delegation.c: for cgroup.c, the cgroup delegated to the caller where a
 * limit on controller ("memory", "pids", "cpu") can go, in --cgroup DIR
 * (dir) or found from the caller's own cgroups (dir NULL).  Returns the
 * directory to make the sandbox's leaf in, with *version 1 or 2; or NULL
 * with *why saying why not (both allocated). */
char *delegated_cgroup(const char *dir, const char *controller, int *version, char **why);

#endif
