/* policy.h: policies and seccomp lists found by name (policy.c), and the
 * copies compiled into sbx (embedded.c). */
#ifndef SBX_POLICY_H
#define SBX_POLICY_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>

/* policy.c: find a policy, or a seccomp list (NAME.seccomp), on the search
 * path or among the copies compiled into sbx; returns its text and where it
 * came from, or NULL with the error recorded.  A name with a '/' is a path.
 * The names sbx ships, and every name when system_only (a system policy
 * naming another), come only from files that root alone can write or from
 * the built-in copy; what comes from anywhere else is noted, to be named on
 * stderr once (say_policy_notes).
 * split_policy_words: one line into at most max words (quotes group, #
 * starts a comment), in place. */
enum policy_kind { POLICY_FILE, POLICY_SECCOMP };
struct policy_origin {
	char *path;   /* the file read, or "(built-in)/NAME" */
	bool builtin; /* the copy compiled into sbx */
	bool system;  /* built in, or a file only root can have written */
};
char *load_policy(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin);
/* load_policy without copying the built-in text: free the result only if !origin->builtin */
char *peek_policy(enum policy_kind kind, const char *name, bool system_only, struct policy_origin *origin);
void say_policy_notes(void); /* those notes, on stderr, once the run goes on */
void policy_search_done(void); /* close the search path's directories (before the clone) */
int split_policy_words(char *line, char **words, int max, int *count);

/* embedded.c (generated from policy/ at build time) */
struct embedded_file {
	const char *name;
	const char *text;
};
extern const struct embedded_file embedded_files[];

#endif
