/* idmap.c: the parent side of the user namespace: writing the id maps, and
 * telling the user why a user namespace could not be made. */
#include "sbx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Map the caller's uid and gid to the ids chosen for the inside.  A single
 * line mapping our own id needs no privilege, but the kernel demands that
 * setgroups be denied before an unprivileged gid_map write (otherwise the
 * child could drop a group that was denying it access to a file). */
int write_id_maps(pid_t child, const struct config *cfg)
{
	char path[64], line[64];

	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
	snprintf(line, sizeof line, "%u %u 1\n", cfg->uid, cfg->outer_uid);
	if (write_file(path, line) < 0)
		return fail_context("map uid %u to %u", cfg->outer_uid, cfg->uid);

	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
	if (write_file(path, "deny") < 0 && errno != ENOENT)
		return fail_context("deny setgroups");

	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
	snprintf(line, sizeof line, "%u %u 1\n", cfg->gid, cfg->outer_gid);
	if (write_file(path, line) < 0)
		return fail_context("map gid %u to %u", cfg->outer_gid, cfg->gid);
	return 0;
}

static long read_sysctl(const char *path)
{
	char buf[32];
	if (read_small_file(path, buf, sizeof buf) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* clone(CLONE_NEWUSER) failed with err: find the likeliest cause and record
 * a hint that says how to fix it. */
void explain_userns_failure(int err)
{
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0) {
		set_hint("user namespaces are disabled (user.max_user_namespaces = 0); "
			 "as root: sysctl -w user.max_user_namespaces=15000");
		return;
	}
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		set_hint("unprivileged user namespaces are disabled; "
			 "as root: sysctl -w kernel.unprivileged_userns_clone=1");
		return;
	}
	if (err == ENOSPC) {
		set_hint("the limit of user namespaces is reached (user.max_user_namespaces); "
			 "raise it as root: sysctl -w user.max_user_namespaces=15000");
		return;
	}
	if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		set_hint("AppArmor restricts unprivileged user namespaces "
			 "(kernel.apparmor_restrict_unprivileged_userns = 1); an administrator can "
			 "install an AppArmor profile for sbx that allows 'userns,'");
		return;
	}
	if (err == EPERM)
		set_hint("user namespaces are not allowed here: if this runs in a container, its "
			 "seccomp profile may block clone(CLONE_NEWUSER) (e.g. docker run "
			 "--security-opt seccomp=unconfined)");
}
