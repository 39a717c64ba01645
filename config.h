/* config.h: the model: everything the sandbox will be, decided before any
 * fork (struct config, its mount and environment steps), the option values'
 * parsers (values.c) and the builders the front ends use (config.c). */
#ifndef SBX_CONFIG_H
#define SBX_CONFIG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One step of the mount plan.  The command line becomes an ordered list of
 * these; the child executes them in order inside the new root. */
enum mount_kind {
	MOUNT_BIND,       /* src -> dst, read-write */
	MOUNT_RO_BIND,    /* src -> dst, read-only, recursively */
	MOUNT_TMPFS,      /* fresh tmpfs at dst (mode, size) */
	MOUNT_DEV_BIND,   /* src -> dst, read-write, device nodes usable */
	MOUNT_PROC,       /* a new procfs at dst (its sys/ read-only) */
	MOUNT_DEV,        /* a minimal writable /dev at dst */
	MOUNT_MQUEUE,     /* a new mqueue filesystem at dst */
	MOUNT_DIR,        /* create the directory dst (mode) and its parents */
	MOUNT_SYMLINK,    /* create the symlink dst with the text src */
	MOUNT_CHMOD,      /* chmod the existing dst to mode */
	MOUNT_FILE,       /* create the regular file dst holding data (mode) */
	MOUNT_DATA,       /* data in a file of its own bound on dst (mode; readonly) */
	MOUNT_REMOUNT_RO, /* make the mount holding dst read-only (not recursively) */
	MOUNT_OVERLAY,    /* overlayfs of layers at dst: upper src with work, or a throwaway upper, or none */
	MOUNT_MASK,       /* an empty read-only file or directory over dst, if it is one (not a symlink) */
};

struct mount_op {
	enum mount_kind kind;
	char *src;       /* absolute host path (bind kinds); link text (MOUNT_SYMLINK) */
	char *dst;       /* absolute path inside the sandbox */
	bool optional;   /* bind kinds: skip when the source does not exist */
	bool readonly;   /* MOUNT_DATA */
	int mode;        /* permission bits, or -1 for the kind's default */
	long long size;  /* MOUNT_TMPFS: bytes, 0 for the default */
	bool owner;      /* MOUNT_TMPFS: its root belongs to the command's uid and gid */
	char *data;      /* MOUNT_FILE, MOUNT_DATA: the contents */
	size_t data_len;
	bool by_fd;      /* bind kinds: src is what the caller's fd src_fd names (bwrap's --bind-fd) */
	bool follow;     /* bind kinds: src is opened in the sandbox, links followed (see bwrapparse.c) */
	int src_fd;
	char **layers;   /* MOUNT_OVERLAY: the read-only layers (host paths), top first */
	size_t n_layers;
	char *work;      /* MOUNT_OVERLAY with an upper directory src: its work directory */
	bool tmp_upper;  /* MOUNT_OVERLAY: the upper layer is on the staging tmpfs, gone at exit */
};

/* A raw seccomp BPF program (struct sock_filter array) loaded on top of the
 * sbx filter. */
struct bpf_program {
	void *insns;
	size_t len; /* in instructions */
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

/* A file, by device and inode. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

/* Everything the sandbox will be, decided before any fork.  What a field
 * points to belongs to the config: a pointer field goes in owned_fields
 * (config.c) too, which free_config walks (tests/owned-fields checks). */
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
	bool hide_home;        /* --hide-home: a throwaway home, toolchains read-only (home.c) */
	char **home_ro;        /* --home-ro PATH: more of the home shown read-only */
	size_t n_home_ro;
	bool protect_git;      /* --protect-git: the work tree's .git read-only */
	char *git_work_tree;   /* with it: the work tree, looked over after the run (gitquarantine.c) */
	struct file_id *git_kept; /* the .git (and git dirs) bound read-only: left alone after the run */
	size_t n_git_kept;
	char **git_absent;     /* paths under the work tree git would read or run from, not there before the run */
	size_t n_git_absent;
	long long tmpfs_size;  /* bytes /tmp, /dev/shm, /run and --tmpfs hold together; 0: each its own tmpfs */
	char *seccomp;         /* seccomp list: a name, a path, or "none" */
	bool seccomp_system;   /* named by a system policy: a system list only */
	char **seccomp_allow;  /* --seccomp-allow SYSCALL, in order */
	size_t n_seccomp_allow;
	char **seccomp_deny;   /* --seccomp-deny SYSCALL, in order */
	size_t n_seccomp_deny;
	bool seccomp_log;      /* explain each denial through user notification */
	char *seccomp_export;  /* --seccomp-export FILE: write the BPF program, run nothing */
	bool print_policy;     /* --print-policy: print the configuration, run nothing */
	char **policy_origins; /* "NAME: ORIGIN" for each policy file read, in order */
	size_t n_policy_origins;
	bool trace;            /* --trace: print each setup step with its duration */
	bool verbose;          /* --verbose: say each setup step in words */

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
	char *argv0;           /* what the command sees as argv[0], if not argv[0] */
	bool set_pwd;          /* PWD names the directory the command starts in */
	bool cwd_home_fallback; /* the caller's cwd missing inside: the command's HOME, then / */

	/* Mostly for the bubblewrap front end (bwrap.c, bwrapparse.c); any front end may set
	 * them.  config_defaults (config.c) makes every fd here -1. */
	bool empty_root;        /* the root starts as an empty tmpfs; rootfs unused */
	bool no_std_mounts;     /* no built-in /proc, /dev, /tmp, /run */
	unsigned long share_ns; /* CLONE_NEW* of namespaces kept from the caller (not user, mount) */
	bool as_pid_1;          /* no init: the command itself is PID 1 */
	bool init_visible;      /* init stays dumpable, with the caller's argv and environment in place */
	bool no_new_session;    /* the command stays in the caller's session (no setsid) */
	bool no_pty;            /* never give the command a pty */
	bool inherit_env;       /* the whole environment passes, not the allow-list */
	bool inherit_fds;       /* every open fd passes on, except close_fds */
	int *close_fds;         /* fds the sandbox must not get */
	size_t n_close_fds;
	unsigned long long cap_add; /* capabilities the command keeps (bit n: capability n) */
	bool disable_userns;    /* the command cannot create user namespaces */
	bool nest_userns;       /* the command's ids are mapped in a user namespace nested in the sandbox's */
	bool outer_ids_root;    /* with nest_userns: the sandbox's own maps the caller to 0 (bubblewrap's --dev) */
	bool assert_userns_disabled;
	bool die_with_parent;   /* the supervisor dies (and so the sandbox) when its parent does */
	bool cap_user_quotas;   /* halve the caller's /proc/sys/user limits inside (userquota.c) */
	int block_fd;           /* init waits for data on it before starting the command */
	int userns_block_fd;    /* init waits for data on it once the id maps are written */
	int info_fd;            /* bubblewrap's --info-fd JSON */
	int json_status_fd;     /* bubblewrap's --json-status-fd JSON */
	int userns_fd;          /* join this user namespace instead of making one (no id maps) */
	int userns2_fd;         /* enter this user namespace once the root is built */
	int pidns_fd;           /* the sandbox's PID namespace is this one, or a child of it */
	char **lock_files;      /* paths inside on which init holds a read lock */
	size_t n_lock_files;
	struct bpf_program *bpf_programs; /* extra raw filters, loaded in order */
	size_t n_bpf_programs;
	bool block_tiocsti;     /* with no filter of sbx's own: still refuse TIOCSTI, TIOCLINUX */
	int error_exit;         /* exit status for sbx's failures and failed execs; 0: 125/126/127 */
};

/* bubblewrap's --pidns with --unshare-pid: init is PID 1 of a new namespace
 * below the joined one, and is cloned by a helper (supervisor.c). */
static inline bool init_in_nested_pidns(const struct config *cfg)
{
	return cfg->pidns_fd >= 0 && !(cfg->share_ns & CLONE_NEWPID);
}

/* values.c: the option values' parsers, pure but for the error each
 * records and parse_fd's look at the fd (tested alone: tests/unit).  opt is
 * the option's name without its dashes, except where said. */
char *lexical_abspath(const struct config *cfg, const char *path); /* against cfg->cwd, no I/O */
int parse_id(const char *opt, const char *text, unsigned *out);
int parse_size(const char *opt, const char *text, long long *out);     /* 512M, 2G: bytes */
int parse_duration(const char *opt, const char *text, double *out);    /* 30s, 500ms: seconds */
int parse_octal(const char *opt, const char *text, int *out);          /* a mode, at most 07777; opt as written */
int parse_fd_number(const char *opt, const char *text, int *out); /* opt as written: "--keep-fd" */
int parse_fd(const char *opt, const char *text, int *out);        /* the same, and open */
int parse_rlimit(const char *opt, const char *text, struct rlimit_op *out); /* NAME=SOFT[:HARD] */
const char *rlimit_name(int resource);

struct launch;

/* config.c: the model's builder, for the front ends; then the command's
 * environment (build_environment, into the launch state), --print-policy,
 * and freeing. */
void config_defaults(struct config *cfg); /* every fd -1; the caller's cwd and ids */
struct mount_op *push_mount_op(struct mount_op **ops, size_t *n, enum mount_kind kind, char *src, char *dst);
struct mount_op *add_mount_op(struct config *cfg, enum mount_kind kind, char *src, char *dst); /* takes both */
void add_env_op(struct config *cfg, enum env_kind kind, const char *name, const char *value); /* copies */
void add_fd(int **list, size_t *n, int fd);
void add_string(char ***list, size_t *n, char *s); /* takes s */
void put_rlimit(struct config *cfg, struct rlimit_op op); /* replaces one for the same resource */
void print_policy(const struct config *cfg);
void build_environment(const struct config *cfg, struct launch *l);
void free_list(char **list, size_t n); /* free each string, then the array */
void free_mount_op(struct mount_op *op); /* its own memory, not op itself */
void free_config(struct config *cfg);
void free_launch(struct launch *l); /* what build_environment allocated */

#endif
