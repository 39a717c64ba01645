/* sbx: a rootless sandbox.  Shared types and the functions each file offers. */
#ifndef SBX_H
#define SBX_H

#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <termios.h>
#include <sys/ioctl.h>

#define SBX_VERSION "0.1.0"

/* Exit codes, as timeout(1) and the shells use them. */
enum {
	EXIT_TIMEOUT = 124,
	EXIT_SBX_FAILED = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* One step of the mount plan.  The command line becomes an ordered list of
 * these; the child executes them in order inside the new root. */
enum mount_kind {
	MOUNT_BIND,    /* src -> dst, read-write */
	MOUNT_RO_BIND, /* src -> dst, read-only, recursively */
	MOUNT_TMPFS,   /* fresh tmpfs at dst */
};

struct mount_op {
	enum mount_kind kind;
	char *src; /* absolute host path (bind kinds only) */
	char *dst; /* absolute path inside the sandbox */
};

/* How the caller's environment becomes the command's. */
enum env_kind { ENV_SET, ENV_UNSET, ENV_KEEP, ENV_CLEAR };

struct env_op {
	enum env_kind kind;
	char *name;
	char *value;
};

enum net_mode { NET_NONE, NET_HOST, NET_USER };
enum map_users { MAP_USERS_NONE, MAP_USERS_AUTO, MAP_USERS_REQUIRED };
enum limits_mode { LIMITS_STRICT, LIMITS_BEST_EFFORT };

/* --rlimit NAME=SOFT[:HARD] */
struct rlimit_op {
	int resource;
	unsigned long long soft, hard; /* RLIM_INFINITY for unlimited */
};

/* Everything the sandbox will be, decided before any fork. */
struct config {
	char *rootfs;          /* absolute; "/" for the host root */
	struct mount_op *mounts;
	size_t n_mounts;
	struct env_op *env_ops;
	size_t n_env_ops;
	int *keep_fds;
	size_t n_keep_fds;
	char *hostname;
	char *chdir;           /* absolute path inside, or NULL */
	char *cwd;             /* the caller's working directory */
	uid_t uid, outer_uid;  /* inside / caller */
	gid_t gid, outer_gid;
	enum net_mode net;
	char **publish;        /* --publish HOST_PORT:SANDBOX_PORT[/udp], with --net user */
	size_t n_publish;
	enum map_users map_users; /* --map-users: subordinate id ranges via newuidmap */
	bool overlay;          /* --overlay: writable throwaway layer over the rootfs */
	long long overlay_size; /* bytes for the tmpfs holding the upper layer; 0: default */
	char *overlay_upper;   /* --overlay-upper DIR: keep the changes there */
	char *seccomp;         /* seccomp list: a name, a path, or "none" */
	char **seccomp_allow;  /* --seccomp-allow SYSCALL, in order */
	size_t n_seccomp_allow;
	char **seccomp_deny;   /* --seccomp-deny SYSCALL, in order */
	size_t n_seccomp_deny;
	bool seccomp_log;      /* explain each denial through user notification */
	bool print_policy;     /* --print-policy: print the configuration, run nothing */
	bool trace;            /* --trace: print each setup step with its duration */

	/* Resource limits (cgroup.c enforces them; 0 means none asked). */
	long long memory;      /* bytes */
	long long memory_swap; /* bytes of swap on top of memory; -1: none allowed */
	long long pids;
	double cpus;
	double timeout;        /* seconds of wall clock */
	double kill_after;     /* grace between SIGTERM and SIGKILL on timeout */
	enum limits_mode limits;
	bool limits_set;       /* --limits was given explicitly */
	char *cgroup;          /* --cgroup DIR */
	struct rlimit_op *rlimits;
	size_t n_rlimits;
	char *status_json;     /* --status-json FILE (or a number: an fd) */
	int status_fd;         /* --status-fd FD, -1 if none */
	char **argv;           /* the command, NULL-terminated */

	/* Computed by the supervisor before clone. */
	char **envp;           /* the command's environment */
	unsigned tty_fds;      /* bit n: the caller's fd n is a terminal */
	bool use_pty;          /* stdin is a terminal: give the command a pty */
	struct termios termios;
	struct winsize winsize;
};

/* options.c */
int parse_options(struct config *cfg, int argc, char **argv);
void print_usage(void);
void print_policy(const struct config *cfg);
const char *rlimit_name(int resource);
void build_environment(struct config *cfg);
void free_config(struct config *cfg);
/* Find a policy file (or "NAME.seccomp") on the search path, or the copy
 * compiled into sbx; returns its text and where it came from, or NULL with
 * the error recorded. */
char *load_policy_text(const char *name, char **origin);

/* embedded.c (generated from policy/ at build time) */
struct embedded_file {
	const char *name;
	const char *text;
};
extern const struct embedded_file embedded_files[];

/* util.c: errors as values.  A failing function records what failed and why
 * and returns -1; callers add context; the top prints one line. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_text(void);
const char *hint_text(void);
void die(int code) __attribute__((noreturn));
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *grow(void *array, size_t *n, size_t size); /* append one zeroed slot */
ssize_t read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);
int write_file(const char *path, const char *text);
int read_small_file(const char *path, char *buf, size_t size);
void trace_enable(void);
void trace_step(const char *what); /* no-op unless --trace */

/* idmap.c: parent side of the user namespace. */
int write_id_maps(pid_t child, const struct config *cfg);
void explain_userns_failure(int err);

/* ns.c: child side, the mount tree, hostname. */
int build_root(const struct config *cfg);
int set_hostname(const char *name);

/* net.c */
int bring_up_loopback(void);

/* seccomp.c: compiled in the supervisor, loaded by the payload last thing
 * before exec.  With --seccomp-log the payload hands the listener fd to the
 * supervisor, which explains and answers each refused call. */
int prepare_seccomp(const struct config *cfg);
int install_seccomp(int *listener);
int handle_seccomp_notification(int listener); /* -1 once the listener is closed */

/* cgroup.c: resource limits.  The supervisor prepares them before the
 * clone (a cgroup leaf with the limits written, or rlimits where no cgroup
 * can be had and --limits best-effort allows it), the payload applies the
 * rlimits before exec, and the supervisor reads the usage and removes the
 * leaf at the end. */
struct limits;
struct limits *limits_prepare(const struct config *cfg); /* NULL: error recorded */
int limits_cgroup_fd(const struct limits *l);           /* for CLONE_INTO_CGROUP, or -1 */
int limits_attach(struct limits *l, pid_t pid);         /* when clone3 could not place it */
int apply_rlimits(const struct limits *l);              /* in the payload */
void limits_kill(struct limits *l);                     /* SIGKILL all in the leaf */
void limits_finish(struct limits *l);                   /* collect usage after the end */
void limits_report_json(const struct limits *l, FILE *out); /* ", \"key\": ..." members */
void limits_cleanup(struct limits *l);                  /* remove the leaf, free */

/* supervisor.c */
void prepare_terminal(struct config *cfg);
int supervise(struct config *cfg);

/* sandbox.c: init and the payload.  The signals passed on to the command
 * (unless the caller ignores them). */
extern const int forwarded_signals[];
#define N_FORWARDED 7
void __attribute__((noreturn)) run_init(const struct config *cfg, const struct limits *limits, int sock, int sync_fd);

/* Messages from the sandbox to the supervisor, on one socket. */
enum msg_kind {
	MSG_SETUP_ERROR, /* sbx failed inside: exit 125 */
	MSG_EXEC_ERROR,  /* exec failed: code says 126 or 127 */
	MSG_PTY,         /* carries the pty master fd */
	MSG_SECCOMP_FD,  /* carries the seccomp listener fd (--seccomp-log) */
	MSG_EXIT,        /* the command's wait status */
};

struct msg {
	int kind;
	int code;
	char text[1024];
};

#endif
