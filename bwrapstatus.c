/* bwrapstatus.c: the JSON bubblewrap writes about a run, for callers that
 * asked for it with --info-fd and --json-status-fd (bwrap.c reads those
 * options): the child's pid and its new namespaces once it is started, the
 * exit code at the end.  The supervisor calls these; they are apart from
 * bwrap.c so that the supervisor does not depend on a front end. */
#include "util.h"
#include "config.h"
#include "bwrap.h"

#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The namespaces bubblewrap reports: the new ones among these (it never
 * names the user namespace), in this order.  buf is a string even when no
 * namespace could be read (then ""). */
static void namespace_members(const struct config *cfg, pid_t child, char *buf, size_t size, const char *sep)
{
	static const struct { const char *name; unsigned long flag; } ns[] = {
		{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", CLONE_NEWNS },
		{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "uts", CLONE_NEWUTS },
	};
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(ns) && len < size; k++) {
		bool fresh = ns[k].flag == CLONE_NEWNET ? cfg->net != NET_HOST : !(cfg->share_ns & ns[k].flag);
		char path[64];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, ns[k].name);
		if (fresh && stat(path, &st) == 0)
			len += (size_t)snprintf(buf + len, size - len, "%s\"%s-namespace\": %lu", sep, ns[k].name,
						(unsigned long)st.st_ino);
	}
}

void bwrap_report_start(const struct config *cfg, pid_t child)
{
	char members[512];
	if (cfg->info_fd >= 0) {
		namespace_members(cfg, child, members, sizeof members, ",\n    ");
		dprintf(cfg->info_fd, "{\n    \"child-pid\": %d%s\n}\n", (int)child, members);
		close(cfg->info_fd);
	}
	if (cfg->json_status_fd >= 0) {
		namespace_members(cfg, child, members, sizeof members, ", ");
		dprintf(cfg->json_status_fd, "{ \"child-pid\": %d%s }\n", (int)child, members);
	}
}

void bwrap_report_exit(const struct config *cfg, int code)
{
	if (cfg->json_status_fd >= 0)
		dprintf(cfg->json_status_fd, "{ \"exit-code\": %d }\n", code);
}
