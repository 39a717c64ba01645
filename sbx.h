/* sbx: a rootless sandbox.  Shared types and the functions each file offers. */
#ifndef SBX_H
#define SBX_H

#define _GNU_SOURCE
#include <sched.h>
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
	bool follow;     /* bind kinds: src is opened in the sandbox, links followed (see bwrap.c) */
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

/* A /proc/sys/user limit to set in the sandbox's user namespace. */
#define MAX_USER_QUOTAS 32
struct user_quota {
	char name[40];         /* max_inotify_instances, ... */
	long long max;
};

/* Everything the sandbox will be, decided before any fork. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

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
	struct timespec git_since; /* when the run began (supervisor.c), for quarantine_git */
	char *git_work_tree;   /* with it: the work tree, looked over after the run (gitquarantine.c) */
	struct file_id *git_kept; /* the .git (and git dirs) bound read-only: left alone after the run */
	size_t n_git_kept;
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

	/* Mostly for the bubblewrap front end (bwrap.c); any front end may set
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

	/* Computed by the supervisor before clone. */
	char **envp;           /* the command's environment */
	unsigned tty_fds;      /* bit n: the caller's fd n is a terminal */
	bool use_pty;          /* in the foreground: the command gets a pty for those fds */
	int stdio_pipe[3];     /* in the background: the command's end of a pipe for terminal fd n, or -1 */
	struct termios termios;
	struct winsize winsize;
	struct user_quota user_quotas[MAX_USER_QUOTAS]; /* to write inside */
	size_t n_user_quotas;
};

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

/* config.c: the model's builder, for the front ends; then the command's
 * environment (build_environment), --print-policy, and freeing. */
void config_defaults(struct config *cfg); /* every fd -1; the caller's cwd and ids */
struct mount_op *add_mount_op(struct config *cfg, enum mount_kind kind, char *src, char *dst); /* takes both */
void add_env_op(struct config *cfg, enum env_kind kind, const char *name, const char *value); /* copies */
void add_fd(int **list, size_t *n, int fd);
void add_string(char ***list, size_t *n, char *s); /* takes s */
void put_rlimit(struct config *cfg, struct rlimit_op op); /* replaces one for the same resource */
void print_policy(const struct config *cfg);
void build_environment(struct config *cfg);
void free_list(char **list, size_t n); /* free each string, then the array */
void free_config(struct config *cfg);

/* options.c: sbx's own command line and policy files, one front end over
 * config.c (bwrap.c is the other; main picks one).  Returns 0 to run a
 * command, 1 when --help, --version or --print-policy was handled, -1 on
 * an error (recorded). */
int parse_options(struct config *cfg, int argc, char **argv);
void print_usage(void);

/* workdir.c: dir (the caller's working directory) may be the work tree
 * that --bind-cwd makes writable: 0, or -1 with the error and a hint
 * recorded when it is a directory shared with other programs (/, /tmp,
 * $HOME, /run...), below /run, or holds one. */
int check_work_tree(const char *dir, uid_t uid);

/* home.c: the mount steps of --hide-home (first, before the user's) and
 * --protect-git (last), once every option is read; -1 with the error
 * recorded. */
int plan_home(struct config *cfg);
/* gitconfig.c: each variable of a git configuration file, in order: the
 * section and name lowercased, the subsection as written or NULL, the value
 * NULL for a bare name (true).  false at the first line git would refuse
 * (it then refuses the file), after the variables before it. */
typedef void gitconfig_fn(void *data, const char *section, const char *subsection, const char *name,
			  const char *value);
bool parse_gitconfig(const char *text, gitconfig_fn *each, void *data);
/* After the run: warn of each .git in the work tree that the run made or
 * changed (since: when sbx started), which git would trust. */
void quarantine_git(const struct config *cfg, const struct timespec *since); /* gitquarantine.c */

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
void say_policy_notes(void); /* those notes, on stderr, once the run goes on */
int split_policy_words(char *line, char **words, int max, int *count);

/* bwrap.c: bubblewrap's command line (argv[0] "bwrap", or "sbx --bwrap
 * ARGS": bwrap_invoked) translated into a config; the same return values as
 * parse_options. */
bool bwrap_invoked(int argc, char **argv);
int parse_bwrap(struct config *cfg, int argc, char **argv);
/* bwrapstatus.c: the JSON bubblewrap writes on --info-fd and
 * --json-status-fd, in its format. */
void bwrap_report_start(const struct config *cfg, pid_t child);
void bwrap_report_exit(const struct config *cfg, int code);

/* embedded.c (generated from policy/ at build time) */
struct embedded_file {
	const char *name;
	const char *text;
};
extern const struct embedded_file embedded_files[];
/* embedded_bpf.c (generated by the build from policy/default.seccomp) */
extern const unsigned char embedded_default_bpf[];      /* without the "kept" rules */
extern const size_t embedded_default_bpf_len;
extern const unsigned char embedded_default_kept_bpf[]; /* with them */
extern const size_t embedded_default_kept_bpf_len;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof *(a))

extern char **environ; /* the process's environment (unistd.h's, named once here) */

/* util.c: errors as values.  A failing function records what failed and why
 * and returns -1; callers add context; the top prints one line. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_text(void);
const char *hint_text(void);
void die(int code) __attribute__((noreturn));
void escape_controls(char *buf, size_t size); /* in place: \n, \t, \xNN for control characters */
void print_error(const char *text);  /* "sbx: TEXT" (more lines of TEXT as they are) */
void use_level_prefix(void);         /* bubblewrap's --level-prefix: "<3>" before each line */
void set_program_name(const char *name); /* "sbx" unless bubblewrap mode says "bwrap" */
void print_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_failure_status(int code);   /* sbx's own failures exit with code (bubblewrap mode: 1) */
int failure_status(void);            /* that status: 125 unless set */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *grow(void *array, size_t *n, size_t size); /* append one zeroed slot */
void free_argv(char **argv); /* each string of a NULL-terminated array, then it (NULL: nothing) */
ssize_t read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);
void close_fd(int *fd); /* close it if open (>= 0), and make it -1; errno kept */
void free_ptr(void *p); /* free(*(void **)p) */
/* Closed or freed when the variable goes out of scope, on every path
 * (bubblewrap's autofd and autofree): AUTO_CLOSE int fd = open(...);
 * AUTO_FREE char *s = xstrdup(...).  To keep the fd or the memory past the
 * scope, copy it out and set the variable to -1 or NULL. */
#define AUTO_CLOSE __attribute__((cleanup(close_fd)))
#define AUTO_FREE __attribute__((cleanup(free_ptr)))
void default_signals(void); /* a child about to exec: default actions, none blocked */
int write_file(const char *path, const char *text);
int read_small_file(const char *path, char *buf, size_t size);
int read_small_file_at(int dirfd, const char *path, char *buf, size_t size);
char *find_program(const char *name);
void wait_past(const struct timespec *t); /* until the coarse clock, file times', is past t */
const char *closest_name(const char *word, const char *const *names, size_t n); /* a near miss, or NULL */
void json_string(FILE *out, const char *s); /* a quoted, escaped JSON string */
char *passwd_name(uid_t uid); /* from /etc/passwd, malloc'd, or NULL */
char *passwd_home(uid_t uid); /* absolute only, malloc'd, or NULL */
void unescape_mountinfo(char *s);
int mount_id(int fd);
void trace_enable(bool timings);
void trace_step(const char *what); /* no-op unless --trace */
double monotonic_seconds(void);

/* idmap.c: the user namespace's id maps.  The supervisor writes them (one
 * id, or with --map-users the caller's subordinate ranges through
 * newuidmap/newgidmap); the payload then takes its uid and gid inside. */
int write_id_maps(pid_t child, const struct config *cfg);
/* After a run with --map-users: name the directories of writable binds
 * that the run (changed since `since`) left to other ids, and the command
 * that removes them. */
void report_foreign_dirs(const struct config *cfg, time_t since);
void explain_userns_failure(int err);
bool id_map_is_full(void);             /* in the sandbox: more than one id mapped */
int enter_payload_ids(const struct config *cfg); /* payload: setgroups, setresgid, setresuid */

/* userquota.c: the per-user counts the sandbox shares with the caller
 * (inotify, fanotify, namespaces): the supervisor reads the caller's
 * /proc/sys/user limits before the clone, init writes half of each in the
 * sandbox's user namespace. */
void user_quotas_read(struct config *cfg);
int user_quotas_apply(const struct config *cfg);

/* ns.c: the namespaces.  clone_init (supervisor): init, cloned into new
 * namespaces (joining those bubblewrap's --userns and --pidns name first)
 * and into the limits' cgroup when cgroup_fd >= 0 (*placed: it is); sock
 * and *child_end are the supervisor's and init's ends of the socket.  0 in
 * init, its pid in the supervisor, -1 with the error recorded.  In init:
 * open_userns_files before the root is built, enter_late_user_namespaces
 * (bubblewrap's --userns2 and nested user namespace) after. */
struct userns_files {
	int limit; /* /proc/sys/user/max_user_namespaces */
	int self;  /* /proc/self, for the nested namespace's maps */
};
pid_t clone_init(const struct config *cfg, int cgroup_fd, bool *placed, int sock, int *child_end);
int open_userns_files(const struct config *cfg, struct userns_files *f);
int enter_late_user_namespaces(const struct config *cfg, struct userns_files *f);
int set_hostname(const char *name);

/* rootfs.c: in init, the new root built from the mount plan and entered
 * (pivot_root). */
int build_root(const struct config *cfg);

/* procfs.c: for rootfs.c, /proc at path (new, or the host's host_proc
 * bound), with sys/ and sysrq-trigger read-only; the kernel paths sbx
 * masks, and one path of a MOUNT_MASK step, covered with an empty file
 * (made in the staging tmpfs, scratch) or directory. */
int mount_proc(int rootfd, const char *path);
int bind_host_proc(int rootfd, int host_proc, const char *path);
int mask_kernel_paths(int rootfd, int scratch);
int mask_user_path(int rootfd, int scratch, const char *path);

/* sysfs.c: /sys for the sandbox's own network namespace (a fresh sysfs,
 * or the root's with the network's entries covered) and /sys/fs/cgroup
 * showing its own cgroups only; part of the standard mounts. */
int mount_sysfs(int rootfd, const struct config *cfg);

/* kernel.c: which kernel interfaces there are, asked once (errno kept). */
bool kernel_has_syscall(long nr);
bool mount_api_is_new(void);            /* open_tree ... mount_setattr all there (5.12) */
bool kernel_has_openat2(void);          /* Linux 5.6 */
void explain_missing_kernel_feature(void); /* errno ENOSYS: a hint naming the oldest kernel */

/* mount.c: mount primitives.  The new mount API with paths in the new root
 * resolved by openat2 RESOLVE_IN_ROOT where the kernel has them (5.12), the
 * same guarantees with mount(2) and a walk of our own where it does not
 * (back to 5.4).  A detached mount is an fd either way.  All return -1 with
 * the error recorded. */
struct open_how;
bool same_inode(int a, int b);                      /* two fds on the same file (resolve.c) */
int open_resolved(int dfd, const char *path, const struct open_how *how); /* openat2, O_PATH only */
int resolve_by_steps(int dfd, const char *path, int flags, unsigned long long resolve); /* its stand-in */
int open_source(const char *path);                  /* a host path, no symlinks followed */
int open_in_root(int rootfd, const char *path);     /* O_PATH, confined to the root */
int open_mount_point(int rootfd, const char *path, bool dir); /* creates it if it can */
int mount_staging(const char *path, const char *const *opts); /* the scratch tmpfs; its root fd */
int move_mount_to(int mnt, int to_dfd, const char *to); /* a detached mount onto to ("": to_dfd) */
int set_mount_attrs(int fd, unsigned long attrs, bool recursive, const char *shown);
int attach(int rootfd, int mnt, const char *path);  /* move a detached mount there */
int clone_fd(int fd, const char *path, unsigned long attrs); /* detached recursive copy */
int clone_tree(const char *path, unsigned long attrs);
int new_fs(const char *type, const char *const *opts, unsigned long attrs);
int mount_new_fs(int rootfd, const char *path, const char *type, const char *const *opts,
		 unsigned long attrs);

/* overlay.c: --overlay.  Mounts the overlay of the rootfs (a detached
 * tree) on "root" in the scratch tmpfs (mounted at staging) and returns an
 * O_PATH fd of it.  keep_dir: the --overlay-upper directory, or -1. */
int mount_overlay(const struct config *cfg, int scratch, const char *staging, int rootfs, int keep_dir);
/* The supervisor's side of --overlay-upper DIR: locked before the clone
 * (NULL: error recorded; without DIR, nothing to do); after the run, made
 * removable by its owner; then released. */
struct overlay_keep *overlay_keep_lock(const struct config *cfg);
void overlay_keep_finish(struct overlay_keep *k);
void overlay_keep_release(struct overlay_keep *k);
/* bubblewrap's overlays (MOUNT_OVERLAY) at op->dst; fds: upper, work, then
 * the layers top first, opened before anything was mounted (rootfs.c). */
int mount_overlay_op(const struct config *cfg, int rootfd, int scratch, const struct mount_op *op, const int *fds,
		     size_t index);

/* net.c: the sandbox's network.  net_prepare (supervisor, before the clone)
 * picks the --net user helper; net_start (supervisor, after the id maps,
 * before init is released) starts it against init's network namespace and
 * waits until the namespace is configured; net_stop kills and reaps it.
 * setup_network (init, before the root is built) brings up loopback. */
int net_prepare(const struct config *cfg);
int net_start(pid_t child);
void net_stop(void);
int setup_network(const struct config *cfg);
const char *net_resolv_conf(const struct config *cfg); /* NULL: keep the rootfs's */

/* seccomp.c: compiled in the supervisor, loaded by the payload last thing
 * before exec.  With --seccomp-log the payload hands the listener fd to the
 * supervisor, which explains and answers each refused call. */
int prepare_seccomp(const struct config *cfg);
int install_seccomp(int *listener);
int export_seccomp(const char *path); /* --seccomp-export: the raw BPF program */
int handle_seccomp_notification(int listener); /* -1 once the listener is closed */
void explain_seccomp_kill(const struct config *cfg, int wait_status); /* SIGSYS in plain words */

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

/* delegation.c: for cgroup.c, the cgroup delegated to the caller where a
 * limit on controller ("memory", "pids", "cpu") can go, in --cgroup DIR
 * (dir) or found from the caller's own cgroups (dir NULL).  Returns the
 * directory to make the sandbox's leaf in, with *version 1 or 2; or NULL
 * with *why saying why not (both allocated). */
char *delegated_cgroup(const char *dir, const char *controller, int *version, char **why);

/* features.c: sbx --version --verbose */
void print_features(void);

/* relay.c: what the command gets in place of the caller's terminal (a pty
 * of its own in the foreground, pipes in the background, never the terminal
 * itself), and the supervisor's non-blocking copying between them.
 * prepare_terminal decides (before the clone); relay_open makes the pipes
 * and our own descriptions of the terminal; relay_poll_fds/relay_service
 * run inside the supervisor's poll loop; relay_finish drains what is left
 * (bounded in time), puts the terminal back and frees.  guard_stderr: sbx's
 * own messages never block on a stopped terminal either. */
struct relay;
struct pollfd;
void prepare_terminal(struct config *cfg);
struct relay *relay_open(struct config *cfg); /* NULL: error recorded */
void close_command_stdio(const struct config *cfg); /* this process's copies of the command's pipe ends */
void relay_take_pty(struct relay *r, int master);
bool relay_resize(struct relay *r);           /* SIGWINCH; false: no pty */
size_t relay_poll_fds(struct relay *r, struct pollfd *fds, size_t max, int *timeout_ms);
bool relay_service(struct relay *r, const struct pollfd *fds);
void relay_finish(struct relay *r);
void relay_free(struct relay *r);             /* without draining (error paths) */
void guard_stderr(void);

/* statusfile.c: --status-json FILE, opened before the run (no symlink
 * followed, regular files only) and written at the end without following
 * what the sandbox may have put at the path meanwhile. */
struct status_file;
struct status_file *status_file_open(const char *path); /* NULL: error recorded */
int status_file_write(struct status_file *sf, const char *text, size_t len);
void status_file_close(struct status_file *sf);

/* supervisor.c */
int supervise(struct config *cfg);

/* hidden.c: what covers a host path inside (the private /tmp, the hidden
 * home, a --tmpfs ...), from the mount plan; said when a command named by
 * path, or the current directory, is not there inside. */
char *what_hides(const struct config *cfg, const char *path); /* malloc'd; NULL: shown as on the host */
void explain_hidden_command(const struct config *cfg, char *text, size_t size);
void note_cwd_hidden(const struct config *cfg);

/* init.c: PID 1 of the sandbox.  The signals passed on to the command
 * (unless the caller ignores them); main notes where the caller's argv and
 * environment strings are, for init to wipe. */
extern const int forwarded_signals[];
extern const size_t n_forwarded_signals;
void note_caller_memory(char **argv, char **env);
void __attribute__((noreturn)) run_init(const struct config *cfg, const struct limits *limits, int sock, int sync_fd);

/* payload.c: the command's process, started by init (or, with --as-pid-1,
 * init itself becoming it); it ends in exec or _exit. */
pid_t start_payload(const struct config *cfg, const struct limits *limits, int sock, int pty_slave);
void __attribute__((noreturn)) run_payload(const struct config *cfg, const struct limits *limits, int sock,
					   int pty_slave);

/* message.c: from inside, one message (kind, code, the error and hint
 * recorded as its text, and fd when >= 0) to the supervisor;
 * report_and_exit sends it and _exits with code. */
int send_msg(int sock, int kind, int code, int fd);
void __attribute__((noreturn)) report_and_exit(int sock, int kind, int code);

/* Messages from the sandbox to the supervisor, on one socket. */
enum msg_kind {
	MSG_SETUP_ERROR, /* sbx failed inside: exit 125 */
	MSG_EXEC_ERROR,  /* exec failed: code says 126 or 127 */
	MSG_PTY,         /* carries the pty master fd */
	MSG_SECCOMP_FD,  /* carries the seccomp listener fd (--seccomp-log) */
	MSG_EXIT,        /* the command's wait status */
	MSG_HELLO,       /* init's first word when the supervisor learns its pid from it (--pidns) */
	MSG_LATE_SETUP_ERROR, /* as MSG_SETUP_ERROR, where bubblewrap still reports an exit code */
	MSG_CWD_HIDDEN,  /* the caller's directory is not there inside: the command starts in / */
};

/* bubblewrap's --pidns with --unshare-pid: init is PID 1 of a new namespace
 * below the joined one, and is cloned by a helper (supervisor.c). */
static inline bool init_in_nested_pidns(const struct config *cfg)
{
	return cfg->pidns_fd >= 0 && !(cfg->share_ns & CLONE_NEWPID);
}

struct msg {
	int kind;
	int code;
	char text[1024];
};

#endif
