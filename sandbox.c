/* sandbox.c: main, the top-level flow of a run.
 *
 *   sbx (supervisor, outside)  -- clone(all namespaces) -->  init (PID 1)  -- fork -->  payload
 *
 * main picks the front end, sbx's (optparse.c, over the option table in
 * options.c) or bubblewrap's (bwrapparse.c, over bwrap.c's), which reads
 * the options into one struct config (config.c, the model both build on
 * and neither goes past), compiles the seccomp filter, and
 * hands over to the supervisor (supervisor.c), which writes the id maps,
 * releases init, forwards signals, relays the terminal when there is one,
 * and turns what it hears into one exit status.  Init (init.c) builds the
 * sandbox, starts the payload, reaps orphans and forwards signals.  The
 * payload (payload.c) drops the last privileges and execs the command.
 * Everything that goes wrong inside travels to the supervisor as a message
 * on one socket (message.c), so the user sees a single clear line. */
#include "util.h"
#include "config.h"
#include "options.h"
#include "bwrap.h"
#include "policy.h"
#include "filter.h"
#include "relay.h"
#include "supervisor.h"
#include "launch.h"
#include "init.h"

#include <signal.h>

int main(int argc, char **argv)
{
	note_caller_memory(argv, environ);
	/* A caller that ignores SIGCHLD would have the kernel reap our
	 * children unseen: no exit status, and init waiting forever. */
	signal(SIGCHLD, SIG_DFL);
	struct config cfg = { 0 };
	int r = bwrap_invoked(argc, argv) ? parse_bwrap(&cfg, argc, argv) : parse_options(&cfg, argc, argv);
	if (r > 0) {
		say_policy_notes();
		free_config(&cfg);
		return 0;
	}
	if (r < 0)
		die(failure_status());
	if (cfg.trace || cfg.verbose) {
		trace_enable(cfg.trace);
		trace_step("options parsed");
	}
	/* The configuration is frozen from here on; what the run works out
	 * goes to the launch state. */
	struct launch launch = { 0 };
	build_environment(&cfg, &launch);
	struct seccomp_filter *filter = prepare_seccomp(&cfg);
	/* No fd of a host directory may reach the sandbox. */
	policy_search_done();
	if (!filter)
		die(failure_status());
	launch.seccomp = filter;
	say_policy_notes();
	trace_step("seccomp filter compiled");
	if (cfg.seccomp_export) {
		int failed = export_seccomp(filter, cfg.seccomp_export) < 0;
		seccomp_free(filter);
		free_launch(&launch);
		free_config(&cfg);
		if (failed)
			die(failure_status());
		return 0;
	}
	prepare_terminal(&cfg, &launch);
	int code = supervise(&cfg, &launch);
	seccomp_free(filter);
	free_launch(&launch);
	free_config(&cfg);
	return code;
}
