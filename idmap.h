/* idmap.h: the user namespace's ids: its maps (idmap.c) and the per-user
 * limits it shares with the caller (userquota.c). */
#ifndef SBX_IDMAP_H
#define SBX_IDMAP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct launch;

/* idmap.c: the user namespace's id maps.  The supervisor writes them (one
 * id, or with --map-users the caller's subordinate ranges through
 * newuidmap/newgidmap); the payload then takes its uid and gid inside. */
int write_id_maps(pid_t child, const struct config *cfg);
/* After a run with --map-users: name the directories of writable binds
 * that the run (changed since `since`) left to other ids, and the command
 * that removes them. */
void report_foreign_dirs(const struct config *cfg, time_t since);
void explain_userns_failure(int err);
bool id_map_is_full(const struct config *cfg); /* in the sandbox: more than one id mapped */
int enter_payload_ids(const struct config *cfg); /* payload: setgroups, setresgid, setresuid */

/* userquota.c: the per-user counts the sandbox shares with the caller
 * (inotify, fanotify, namespaces): the supervisor reads the caller's
 * /proc/sys/user limits once init is released and sends them down the
 * release pipe; init opens /proc/sys/user before the pivot and writes half
 * of each in the sandbox's user namespace before the command starts.  The
 * namespace counts are skipped when the command cannot make namespaces
 * (namespaces_refused: seccomp_refuses_namespaces). */
int user_quotas_send(const struct config *cfg, bool namespaces_refused, int fd);
int user_quotas_open(void);                  /* -1: nothing to cap, -2: failed */
int user_quotas_apply(int sync_fd, int dir); /* reads the record, closes neither */

#endif
