/* launch.h: the launch state.  The configuration is frozen once parsed;
 * what is worked out from it and from the caller's process before the
 * clone lives here: the command's environment (build_environment,
 * config.c), its terminal or pipes (prepare_terminal and relay_open,
 * relay.c), the per-user limits to write inside (userquota.c), when the
 * run began (supervisor.c).  main fills the first part, the supervisor the
 * rest; init and the payload read their copy, and init adds what the
 * supervisor sends it after the clone (the ignored signals). */
#ifndef SBX_LAUNCH_H
#define SBX_LAUNCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

/* A /proc/sys/user limit to set in the sandbox's user namespace. */
#define MAX_USER_QUOTAS 32
struct user_quota {
	char name[40];         /* max_inotify_instances, ... */
	long long max;
};

struct seccomp_filter;

/* Which signals the caller left ignored: the supervisor reads them after
 * the clone and sends them down the release pipe; init (setup_sandbox)
 * hands them to the payload, which resets those. */
struct ignored_signals {
	unsigned long long set; /* bit n-1: signal n was SIG_IGN at the clone */
	unsigned known;         /* 0: /proc could not say; reset every signal */
	unsigned pad;           /* every byte sent is set */
};

struct launch {
	const struct seccomp_filter *seccomp; /* compiled (prepare_seccomp) */
	char **envp;           /* the command's environment */
	unsigned tty_fds;      /* bit n: the caller's fd n is a terminal */
	bool use_pty;          /* in the foreground: the command gets a pty for those fds */
	int stdio_pipe[3];     /* in the background: the command's end of a pipe for terminal fd n, or -1 */
	struct termios termios;
	struct winsize winsize;
	struct timespec git_since; /* when the run began, for quarantine_git */
	struct ignored_signals ignored; /* in init, from the supervisor (setup_sandbox) */
};

#endif
