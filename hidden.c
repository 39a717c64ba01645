/* hidden.c: why a path the caller has is not there inside.
 *
 * `sbx -- /tmp/proj/tool` fails inside with "not found" although the file
 * is right there on the host: the sandbox's private /tmp covers it.  The
 * same goes for /var/tmp, the hidden home, a --tmpfs, and the current
 * directory, which the command then does not start in.  This file names
 * what covers such a path, from the mount plan alone, the way the child
 * will lay it out: the root, the standard mounts, then the plan's steps in
 * order, the last one over the path winning.
 *
 * It runs in the supervisor, on the host, with the caller's rights, after
 * the fact: the only file system access is one lstat of the path (no link
 * followed, nothing opened), to tell "hidden" from "missing everywhere". */
#include "util.h"
#include "config.h"
#include "hidden.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* The host path the command path names (against cwd when relative), or
 * NULL when a "." or ".." past a leading "./" would need folding: such a
 * path is left to the plain "not found".  malloc'd. */
static char *command_path(const char *cwd, const char *cmd)
{
	while (strncmp(cmd, "./", 2) == 0)
		cmd += 2 + strspn(cmd + 2, "/");
	for (const char *c = cmd; *c; c += strcspn(c, "/"), c += *c == '/') {
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.') || (n == 0 && c != cmd))
			return NULL;
	}
	if (cmd[0] == '/')
		return xstrdup(cmd);
	return xasprintf("%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", cmd);
}

/* A tmpfs of the plan at dst is the hidden home's when dst is a home or
 * /home itself (home.c puts them first in the plan). */
static bool home_cover(const struct config *cfg, const char *dst)
{
	if (!cfg->hide_home)
		return false;
	const char *env_home = getenv("HOME");
	char *pw = passwd_home(cfg->outer_uid), *homes = realpath("/home", NULL);
	bool home = strcmp(dst, "/root") == 0 || (homes && strcmp(dst, homes) == 0) || strcmp(dst, "/home") == 0 ||
		    (pw && strcmp(dst, pw) == 0) || (env_home && env_home[0] == '/' && strcmp(dst, env_home) == 0);
	free(pw);
	free(homes);
	return home;
}

/* What the plan's step op does to path: shows it as on the host (NULL in
 * *why), covers it (*why says with what), or leaves it as it was (false). */
static bool step_over(const struct config *cfg, const struct mount_op *op, const char *path, char **why)
{
	if (!op->dst || !path_within(path, op->dst))
		return false;
	switch (op->kind) {
	case MOUNT_BIND:
	case MOUNT_RO_BIND:
	case MOUNT_DEV_BIND:
		if (!op->by_fd && !op->follow && op->src && strcmp(op->src, op->dst) == 0)
			*why = NULL;
		else
			*why = xasprintf("a bind of %s on %s", op->by_fd || !op->src ? "another file" : op->src,
					 op->dst);
		return true;
	case MOUNT_TMPFS:
		*why = home_cover(cfg, op->dst) ? xasprintf("the hidden home (an empty %s)", op->dst)
						 : xasprintf("--tmpfs %s", op->dst);
		return true;
	case MOUNT_MASK:
		*why = xasprintf("the empty cover sbx puts over %s", op->dst);
		return true;
	case MOUNT_PROC:
	case MOUNT_DEV:
	case MOUNT_MQUEUE:
		*why = xasprintf("the sandbox's own %s", op->dst);
		return true;
	default:
		return false;
	}
}

char *what_hides(const struct config *cfg, const char *path)
{
	char *why = NULL;
	if (cfg->empty_root)
		why = xstrdup("the sandbox's root, an empty one");
	else if (strcmp(cfg->rootfs, "/") != 0)
		why = xasprintf("the sandbox's root, --rootfs %s", cfg->rootfs);
	static const struct {
		const char *dir, *what;
	} standard[] = {
		{ "/proc", "the sandbox's own /proc" },   { "/sys", "the sandbox's own /sys" },
		{ "/dev", "the sandbox's own /dev" },     { "/tmp", "the sandbox's private /tmp" },
		{ "/var/tmp", "the sandbox's private /var/tmp" }, { "/run", "the sandbox's empty /run" },
	};
	for (size_t i = 0; !cfg->no_std_mounts && i < ARRAY_SIZE(standard); i++)
		if (path_within(path, standard[i].dir)) {
			free(why);
			why = xstrdup(standard[i].what);
		}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		char *step_why;
		if (step_over(cfg, &cfg->mounts[i], path, &step_why)) {
			free(why);
			why = step_why;
		}
	}
	return why;
}

/* The hint: bind the directory read-only, or, when the path is in the
 * current directory (a project's, not a shared one that covers it as a
 * whole), --bind-cwd. */
static void hint_show(const struct config *cfg, const char *path, const char *why)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	bool cwd_project = strcmp(cfg->cwd, "/") != 0 && path_within(path, cfg->cwd) && !strstr(why, cfg->cwd);
	if (cwd_project)
		set_hint("run with --bind-cwd to show %s (writable), or --ro-bind %s to show it read-only", cfg->cwd,
			 cfg->cwd);
	else if (strstr(why, "hidden home"))
		set_hint("show it with --ro-bind %s (or the whole home with --show-home)", dir);
	else
		set_hint("show it with --ro-bind %s (or --bind %s, writable)", dir, dir);
	free(dir);
}

/* A command named by a path that failed inside as not found: when the host
 * has it, what hides it, as the error (and its hint) that replaces "command
 * not found" in text.  Nothing for a name looked up on PATH, or a path the
 * host has not either. */
void explain_hidden_command(const struct config *cfg, char *text, size_t size)
{
	const char *cmd = cfg->argv[0];
	if (!strchr(cmd, '/') || strchr(text, '\n'))
		return;
	char *path = command_path(cfg->cwd, cmd);
	struct stat st;
	char *why = path && lstat(path, &st) == 0 ? what_hides(cfg, path) : NULL;
	if (why) {
		hint_show(cfg, path, why);
		failx("%s: not found inside the sandbox: %s is hidden there by %s", cmd, path, why);
		snprintf(text, size, "%s\nhint: %s", error_text(), hint_text());
	}
	free(why);
	free(path);
}

/* In another root the caller's directory is not expected: nothing to
 * say, and so nothing for the payload to send (each message wakes the
 * supervisor, which then takes the CPU from the starting command). */
bool cwd_hidden_is_news(const struct config *cfg)
{
	return !cfg->empty_root && strcmp(cfg->rootfs, "/") == 0;
}

/* The command could not start in the caller's directory: one line saying
 * what hides it (or that the root has no such directory) and where the
 * command starts instead. */
void note_cwd_hidden(const struct config *cfg)
{
	if (!cwd_hidden_is_news(cfg))
		return;
	char *why = what_hides(cfg, cfg->cwd);
	char *text = why ? xasprintf("the current directory %s is hidden inside by %s: the command starts in / "
				     "(--bind-cwd or --ro-bind %s shows it)",
				     cfg->cwd, why, cfg->cwd)
			 : xasprintf("the current directory %s is not there inside: the command starts in /", cfg->cwd);
	/* Said while the command starts: the caller's terminal may be raw
	 * already (the pty came first), where a newline does not return the
	 * cursor to the first column. */
	struct termios t;
	bool raw = tcgetattr(STDERR_FILENO, &t) == 0 && !(t.c_oflag & OPOST);
	fprintf(stderr, "sbx: note: %s%s", text, raw ? "\r\n" : "\n");
	free(text);
	free(why);
}
