/* bwrapdef.h: bubblewrap's option table (bwrap.c) as the walk of its
 * command line (bwrapparse.c) uses it: private to those two files. */
#ifndef SBX_BWRAPDEF_H
#define SBX_BWRAPDEF_H

#include <stdbool.h>
#include <stddef.h>

struct config;

/* What parsing carries from one option to the next. */
#define MAX_BWRAP_OPTIONS 80
struct pending {
	int perms;          /* --perms for the next operation, or -1 */
	long long size;     /* --size for the next operation, or 0 */
	bool have_seccomp;  /* --seccomp seen */
	size_t seccomp_index; /* its program in cfg->bpf_programs */
	bool have_add_seccomp;
	bool unshare_user, unshare_user_try;
	unsigned long unshared; /* CLONE_NEW* of the other namespaces asked for (--unshare-*) */
	unsigned seen[MAX_BWRAP_OPTIONS]; /* how often each of bwrap_options was given */
	char **overlay_srcs;  /* --overlay-src paths waiting for their overlay, in order */
	size_t n_overlay_srcs;
	size_t *unresolved;   /* the mount steps whose host paths are still as written */
	size_t n_unresolved;
};

/* One of bubblewrap's options: its name, how many words follow it, and
 * what it does (apply, told which variant by arg and flags). */
struct bwrap_option {
	const char *name;
	int nargs;
	int (*apply)(struct config *cfg, struct pending *p, const struct bwrap_option *o, char **a);
	unsigned long arg; /* the variant: a mount kind, a CLONE_NEW* flag, an env_kind, a field's offset */
	unsigned flags;
};

enum {
	B_TRY = 1 << 0,       /* the -try form: what is not there is skipped */
	B_PERMS = 1 << 1,     /* takes the --perms before it */
	B_SIZE = 1 << 2,      /* takes the --size before it */
	B_MODIFIER = 1 << 3,  /* --perms, --size: for the option right after it */
	B_OVERLAY = 1 << 4,   /* --overlay-src, and the overlays that take its paths */
	B_LAST_WINS = 1 << 5, /* taken once: given again, bubblewrap warns that only the last counts */
	B_CLOSE = 1 << 6,     /* an fd used before the command starts: the command does not get it */
	B_READONLY = 1 << 7,  /* --ro-bind-data */
	B_OFF = 1 << 8,       /* opt_flag: the option clears its field */
};

/* bwrap.c: the model's defaults, then bubblewrap's; the option named name
 * ("--bind"), or NULL; its place in the table (for pending's seen[]); an
 * fd argument read to its end and closed, as bubblewrap does with data
 * fds. */
void set_bwrap_defaults(struct config *cfg);
const struct bwrap_option *find_bwrap_option(const char *name);
size_t bwrap_option_index(const struct bwrap_option *def);
int slurp_fd(const char *opt, const char *text, char **data, size_t *len);

#endif
