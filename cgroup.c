/* cgroup.c: resource limits without root.
 *
 * Limits on memory, processes and CPU need a cgroup the caller may write.
 * Where none can be had, --limits best-effort falls back to rlimits set in
 * the payload (RLIMIT_NPROC for --pids, RLIMIT_AS for --memory) and says in
 * one line what was and was not enforced; --limits strict (the default
 * when a limit is asked for) refuses to run instead.  --rlimit values are
 * always applied as given. */
#include "sbx.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum how { HOW_NONE, HOW_RLIMIT };
static const char *const how_names[] = { "none", "rlimit" };

struct limits {
	const struct config *cfg;
	enum how memory, pids, cpus;
};

static bool wants_cgroup(const struct config *cfg)
{
	return cfg->memory || cfg->pids || cfg->cpus > 0;
}

/* No cgroup: say what the rlimits cover, or refuse under strict. */
static int fall_back_to_rlimits(struct limits *l)
{
	const struct config *cfg = l->cfg;
	bool strict = !cfg->limits_set || cfg->limits == LIMITS_STRICT;
	if (strict) {
		set_hint("run under a delegated cgroup (systemd-run --user --scope -p Delegate=yes sbx ...), "
			 "pass --cgroup DIR, or accept rlimits with --limits best-effort");
		return failx("cannot enforce %s%s%s: no delegated cgroup is available",
			     cfg->memory ? "--memory " : "", cfg->pids ? "--pids " : "", cfg->cpus > 0 ? "--cpus" : "");
	}
	char enforced[128] = "", missed[128] = "";
	if (cfg->pids) {
		l->pids = HOW_RLIMIT;
		strcat(enforced, " --pids (RLIMIT_NPROC)");
	}
	if (cfg->memory) {
		l->memory = HOW_RLIMIT;
		strcat(enforced, " --memory (RLIMIT_AS, per process)");
	}
	if (cfg->cpus > 0)
		strcat(missed, " --cpus");
	fprintf(stderr, "sbx: warning: no delegated cgroup; enforced:%s%s%s\n", enforced[0] ? enforced : " nothing",
		missed[0] ? "; not enforced:" : "", missed);
	return 0;
}

struct limits *limits_prepare(const struct config *cfg)
{
	struct limits *l = xcalloc(1, sizeof *l);
	l->cfg = cfg;
	if (wants_cgroup(cfg) && fall_back_to_rlimits(l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

int limits_cgroup_fd(const struct limits *l)
{
	(void)l;
	return -1;
}

int limits_attach(struct limits *l, pid_t pid)
{
	(void)l;
	(void)pid;
	return 0;
}

static int set_rlimit(int resource, unsigned long long soft, unsigned long long hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };
	if (setrlimit(resource, &rl) < 0)
		return fail("--rlimit %s=%llu:%llu", rlimit_name(resource), soft, hard);
	return 0;
}

/* In the payload, before exec.  RLIMIT_NPROC counts the processes of our
 * uid in this user namespace only, so other sandboxes and the caller's own
 * processes do not eat into it. */
int apply_rlimits(const struct limits *l)
{
	const struct config *cfg = l->cfg;
	if (l->pids == HOW_RLIMIT && set_rlimit(RLIMIT_NPROC, (unsigned long long)cfg->pids,
						 (unsigned long long)cfg->pids) < 0)
		return -1;
	if (l->memory == HOW_RLIMIT && set_rlimit(RLIMIT_AS, (unsigned long long)cfg->memory,
						   (unsigned long long)cfg->memory) < 0)
		return -1;
	for (size_t i = 0; i < cfg->n_rlimits; i++)
		if (set_rlimit(cfg->rlimits[i].resource, cfg->rlimits[i].soft, cfg->rlimits[i].hard) < 0)
			return -1;
	return 0;
}

void limits_kill(struct limits *l)
{
	(void)l;
}

void limits_finish(struct limits *l)
{
	(void)l;
}

void limits_report_json(const struct limits *l, FILE *out)
{
	const struct config *cfg = l->cfg;
	fprintf(out, ", \"limits\": {");
	const char *sep = "";
	if (cfg->memory) {
		fprintf(out, "%s\"memory\": {\"max\": %lld, \"how\": \"%s\"}", sep, cfg->memory, how_names[l->memory]);
		sep = ", ";
	}
	if (cfg->pids) {
		fprintf(out, "%s\"pids\": {\"max\": %lld, \"how\": \"%s\"}", sep, cfg->pids, how_names[l->pids]);
		sep = ", ";
	}
	if (cfg->cpus > 0)
		fprintf(out, "%s\"cpus\": {\"max\": %g, \"how\": \"%s\"}", sep, cfg->cpus, how_names[l->cpus]);
	fprintf(out, "}");
}

void limits_cleanup(struct limits *l)
{
	free(l);
}
