/* fuzz/fuzz_policy.c: policy files (apply_policy, split_words and
 * load_policy, through `sbx --policy FILE`).
 *
 * The input is the text of a policy file.  It may include other policies:
 * the scratch directory's search path holds a few, a cycle, and a chain
 * deeper than the include limit (harness.c).  Properties checked:
 *   - parsing returns 0 or -1 with a message, never exits, crashes or leaks;
 *   - print_policy is a policy that gives the same sandbox: fed back, it
 *     parses, yields the same configuration, and prints the same text (but
 *     for the comments saying which policy files were read). */
#include "../util.h"
#include "../config.h"
#include "../options.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_init();
	return 0;
}

/* As `sbx --policy PATH --print-policy` does: parsed, and printed (to the
 * harness's stdout) before the steps made from the host (plan_home) are
 * added.  1 when it was printed, < 0 on an error. */
static int parse_policy_file(struct config *cfg, const char *path)
{
	char *argv[] = { (char *)"sbx", (char *)"--policy", (char *)path, (char *)"--print-policy", NULL };
	harness_stdout_reset();
	return parse_options(cfg, 4, argv);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_list(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!same_str(a[i], b[i]))
			return false;
	return true;
}

/* The fields print_policy promises to reproduce: everything but the
 * output options (--status-json, --status-fd, --trace), which do not make
 * the sandbox, and what parse_options derives from the caller (cwd, argv). */
static const char *first_difference(const struct config *a, const struct config *b)
{
	if (!same_str(a->rootfs, b->rootfs))
		return "rootfs";
	if (a->n_mounts != b->n_mounts)
		return "number of mounts";
	for (size_t i = 0; i < a->n_mounts; i++)
		if (a->mounts[i].kind != b->mounts[i].kind || !same_str(a->mounts[i].src, b->mounts[i].src) ||
		    !same_str(a->mounts[i].dst, b->mounts[i].dst))
			return "a mount";
	if (a->n_env_ops != b->n_env_ops)
		return "number of environment operations";
	for (size_t i = 0; i < a->n_env_ops; i++)
		if (a->env_ops[i].kind != b->env_ops[i].kind || !same_str(a->env_ops[i].name, b->env_ops[i].name) ||
		    !same_str(a->env_ops[i].value, b->env_ops[i].value))
			return "an environment operation";
	if (a->n_keep_fds != b->n_keep_fds ||
	    (a->n_keep_fds && memcmp(a->keep_fds, b->keep_fds, a->n_keep_fds * sizeof *a->keep_fds)))
		return "keep-fd";
	if (!same_str(a->hostname, b->hostname))
		return "hostname";
	if (!same_str(a->chdir, b->chdir))
		return "chdir";
	if (a->uid != b->uid || a->gid != b->gid)
		return "uid/gid";
	if (a->net != b->net || !same_list(a->publish, a->n_publish, b->publish, b->n_publish))
		return "net/publish";
	if (a->map_users != b->map_users)
		return "map-users";
	if (a->overlay != b->overlay || a->overlay_size != b->overlay_size ||
	    !same_str(a->overlay_upper, b->overlay_upper))
		return "overlay";
	if (!same_str(a->seccomp, b->seccomp) ||
	    !same_list(a->seccomp_allow, a->n_seccomp_allow, b->seccomp_allow, b->n_seccomp_allow) ||
	    !same_list(a->seccomp_deny, a->n_seccomp_deny, b->seccomp_deny, b->n_seccomp_deny) ||
	    a->seccomp_log != b->seccomp_log)
		return "seccomp";
	if (a->memory != b->memory || a->memory_swap != b->memory_swap)
		return "memory";
	if (a->pids != b->pids)
		return "pids";
	if (a->cpus != b->cpus)
		return "cpus";
	if (a->timeout != b->timeout || a->kill_after != b->kill_after)
		return "timeout/kill-after";
	if (a->limits != b->limits || a->limits_set != b->limits_set || !same_str(a->cgroup, b->cgroup))
		return "limits/cgroup";
	if (a->n_rlimits != b->n_rlimits ||
	    (a->n_rlimits && memcmp(a->rlimits, b->rlimits, a->n_rlimits * sizeof *a->rlimits)))
		return "rlimit";
	return NULL;
}

/* A bind source with ":/" in it has no spelling: bind SRC[:DST] splits at
 * the last ':' followed by '/', so such a path always reads as SRC:DST.  A
 * limit of the syntax, not of print_policy. */
static bool unprintable(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].src && strstr(cfg->mounts[i].src, ":/"))
			return true;
	return false;
}

/* The policy after its "# policy NAME: ORIGIN" comments, which say what was
 * read to make it: the printed copy is read from another file. */
static const char *body(const char *text)
{
	while (strncmp(text, "# policy ", 9) == 0 && strchr(text, '\n'))
		text = strchr(text, '\n') + 1;
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = harness_file(0, "in.policy", data, size);
	struct config cfg = { 0 }, again = { 0 };
	int r = parse_policy_file(&cfg, in);
	if (r < 0 && !error_text()[0])
		harness_fail("parse failed without a message");
	if (r != 1 || unprintable(&cfg)) {
		free_config(&cfg);
		return 0;
	}

	char *printed = strdup(harness_stdout());
	const char *out = harness_file(1, "printed.policy", printed, strlen(printed));
	if (parse_policy_file(&again, out) != 1)
		harness_fail("print_policy output does not parse: %s\n---\n%s---", error_text(), printed);
	const char *diff = first_difference(&cfg, &again);
	if (diff)
		harness_fail("print_policy output gives another %s:\n---\n%s---", diff, printed);
	if (strcmp(body(printed), body(harness_stdout())) != 0)
		harness_fail("print_policy is not stable:\n---\n%s---\n%s---", printed, harness_stdout());
	free(printed);
	free_config(&cfg);
	free_config(&again);
	return 0;
}
