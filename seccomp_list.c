/* seccomp_list.c: the seccomp list language.  A list (policy/NAME.seccomp)
 * is read into rules, in order; seccomp.c compiles them into the filter.
 *
 * One statement a line; '#' starts a comment; a line ending in '\'
 * continues on the next:
 *
 *   allow | kill | log | errno ENAME      the first statement: the default
 *   ACTION SYSCALL...                     ACTION: allow, deny (= errno EPERM),
 *                                         errno ENAME, kill, log
 *   ACTION SYSCALL if COND [and COND]...  COND: argN OP VALUE, N in 0..5,
 *                                         OP in == != < <= > >= & (any of
 *                                         these bits set); VALUE: numbers
 *                                         and constants joined by '|'
 *   optional ACTION SYSCALL...            names libseccomp does not know are
 *                                         skipped instead of an error
 *   kept ACTION SYSCALL...                only where what the command writes
 *                                         is kept (a writable bind or
 *                                         --overlay-upper); left out else
 *   include NAME                          another list: NAME.seccomp on the
 *                                         policy path, or a file when NAME
 *                                         has a '/' (relative to this list)
 *
 * An unconditional rule replaces every earlier rule for its system call, so
 * later lines and the command line win; the conditional rules after it with
 * another action are its exceptions ("deny personality", then "allow
 * personality if arg0 == 0").  Only != may repeat on one argument ("none of
 * these").  Every error is "FILE:LINE: message". */
#include "util.h"
#include "config.h"
#include "policy.h"
#include "seccomp_list.h"
#include "compat.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define MAX_LIST_DEPTH 8
#define MAX_WORDS 64

static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=", "&" };

#define K(name) { #name, (uint64_t)(name) }
static const struct constant {
	const char *name;
	uint64_t value;
} constants[] = {
	K(CLONE_VM), K(CLONE_FS), K(CLONE_FILES), K(CLONE_SIGHAND), K(CLONE_PIDFD), K(CLONE_PTRACE),
	K(CLONE_VFORK), K(CLONE_PARENT), K(CLONE_THREAD), K(CLONE_NEWNS), K(CLONE_SYSVSEM),
	K(CLONE_SETTLS), K(CLONE_PARENT_SETTID), K(CLONE_CHILD_CLEARTID), K(CLONE_DETACHED),
	K(CLONE_UNTRACED), K(CLONE_CHILD_SETTID), K(CLONE_NEWCGROUP), K(CLONE_NEWUTS), K(CLONE_NEWIPC),
	K(CLONE_NEWUSER), K(CLONE_NEWPID), K(CLONE_NEWNET), K(CLONE_IO), K(CLONE_NEWTIME),
	K(CLONE_CLEAR_SIGHAND), K(CLONE_INTO_CGROUP),
	K(TIOCSTI), K(TIOCLINUX), K(TIOCSCTTY), K(TIOCNOTTY), K(TIOCCONS), K(TIOCSETD), K(TIOCGETD),
	K(TIOCGWINSZ), K(TIOCSWINSZ), K(TIOCGPGRP), K(TIOCSPGRP), K(TIOCGPTPEER), K(TIOCSPTLCK),
	K(TIOCGPTN), K(TIOCEXCL), K(TIOCNXCL), K(TIOCOUTQ), K(TIOCVHANGUP), K(TIOCGSID),
	K(TCGETS), K(TCSETS), K(TCSETSW), K(TCSETSF), K(TCFLSH), K(FIONREAD), K(FIONBIO), K(FIOCLEX),
	K(FIONCLEX), K(FIOASYNC),
	K(AF_UNSPEC), K(AF_UNIX), K(AF_LOCAL), K(AF_INET), K(AF_INET6), K(AF_NETLINK), K(AF_PACKET),
	K(AF_KEY), K(AF_VSOCK), K(AF_BLUETOOTH), K(AF_CAN), K(AF_ALG), K(AF_XDP), K(AF_TIPC), K(AF_RDS),
	K(AF_LLC), K(AF_IB), K(AF_MPLS), K(AF_SMC), K(AF_KCM), K(AF_QIPCRTR), K(AF_APPLETALK),
	K(AF_AX25), K(AF_IPX), K(AF_X25), K(AF_NFC), K(AF_PHONET), K(AF_IEEE802154), K(AF_CAIF),
	K(AF_ISDN), K(AF_RXRPC), K(AF_PPPOX), K(AF_ATMPVC), K(AF_ATMSVC), K(AF_BRIDGE), K(AF_NETROM),
	K(AF_ROSE), K(AF_SECURITY), K(AF_IUCV),
	K(NETLINK_ROUTE), K(NETLINK_USERSOCK), K(NETLINK_FIREWALL), K(NETLINK_SOCK_DIAG),
	K(NETLINK_NFLOG), K(NETLINK_XFRM), K(NETLINK_SELINUX), K(NETLINK_ISCSI), K(NETLINK_AUDIT),
	K(NETLINK_FIB_LOOKUP), K(NETLINK_CONNECTOR), K(NETLINK_NETFILTER), K(NETLINK_IP6_FW),
	K(NETLINK_DNRTMSG), K(NETLINK_KOBJECT_UEVENT), K(NETLINK_GENERIC), K(NETLINK_SCSITRANSPORT),
	K(NETLINK_ECRYPTFS), K(NETLINK_RDMA), K(NETLINK_CRYPTO), K(NETLINK_SMC),
	K(SOCK_STREAM), K(SOCK_DGRAM), K(SOCK_RAW), K(SOCK_RDM), K(SOCK_SEQPACKET), K(SOCK_DCCP),
	K(SOCK_PACKET), K(SOCK_NONBLOCK), K(SOCK_CLOEXEC),
	K(PR_SET_PDEATHSIG), K(PR_GET_PDEATHSIG), K(PR_GET_DUMPABLE), K(PR_SET_DUMPABLE),
	K(PR_GET_KEEPCAPS), K(PR_SET_KEEPCAPS), K(PR_SET_NAME), K(PR_GET_NAME), K(PR_GET_SECCOMP),
	K(PR_SET_SECCOMP), K(PR_CAPBSET_READ), K(PR_CAPBSET_DROP), K(PR_GET_SECUREBITS),
	K(PR_SET_SECUREBITS), K(PR_SET_TIMERSLACK), K(PR_GET_TIMERSLACK), K(PR_SET_MM),
	K(PR_SET_PTRACER), K(PR_SET_CHILD_SUBREAPER), K(PR_GET_CHILD_SUBREAPER), K(PR_SET_NO_NEW_PRIVS),
	K(PR_GET_NO_NEW_PRIVS), K(PR_GET_TID_ADDRESS), K(PR_SET_THP_DISABLE), K(PR_GET_THP_DISABLE),
	K(PR_CAP_AMBIENT), K(PR_SET_SPECULATION_CTRL), K(PR_GET_SPECULATION_CTRL), K(PR_SET_TSC),
	K(PR_GET_TSC), K(PR_SET_VMA), K(PR_SET_SYSCALL_USER_DISPATCH),
	K(PER_LINUX), K(PER_LINUX_32BIT), K(PER_LINUX_FDPIC), K(PER_SVR4), K(PER_SVR3), K(PER_SCOSVR3),
	K(PER_OSR5), K(PER_WYSEV386), K(PER_ISCR4), K(PER_BSD), K(PER_SUNOS), K(PER_XENIX),
	K(PER_LINUX32), K(PER_LINUX32_3GB), K(PER_IRIX32), K(PER_IRIXN32), K(PER_IRIX64), K(PER_RISCOS),
	K(PER_SOLARIS), K(PER_UW7), K(PER_OSF4), K(PER_HPUX), K(PER_MASK), K(UNAME26),
	K(ADDR_NO_RANDOMIZE), K(FDPIC_FUNCPTRS), K(MMAP_PAGE_ZERO), K(ADDR_COMPAT_LAYOUT),
	K(READ_IMPLIES_EXEC), K(ADDR_LIMIT_32BIT), K(SHORT_INODE), K(WHOLE_SECONDS),
	K(STICKY_TIMEOUTS), K(ADDR_LIMIT_3GB),
	K(O_RDONLY), K(O_WRONLY), K(O_RDWR), K(O_ACCMODE), K(O_CREAT), K(O_EXCL), K(O_NOCTTY),
	K(O_TRUNC), K(O_APPEND), K(O_NONBLOCK), K(O_DSYNC), K(O_SYNC), K(O_ASYNC), K(O_DIRECT),
	K(O_DIRECTORY), K(O_NOFOLLOW), K(O_NOATIME), K(O_CLOEXEC), K(O_PATH), K(O_TMPFILE),
	K(S_ISUID), K(S_ISGID), K(S_ISVTX), K(S_IRWXU), K(S_IRUSR), K(S_IWUSR), K(S_IXUSR), K(S_IRWXG),
	K(S_IRGRP), K(S_IWGRP), K(S_IXGRP), K(S_IRWXO), K(S_IROTH), K(S_IWOTH), K(S_IXOTH),
};
#undef K

/* Arguments the kernel declares int or unsigned int (or a 32-bit type such
 * as pid_t, uid_t, umode_t): it reads only their low 32 bits, so they are
 * compared on those only.  Bit n of args is argument n.  Taken from the
 * SYSCALL_DEFINE prototypes; clone(2) counts too, as kernel/fork.c keeps
 * only lower_32_bits() of its flags.  Anything unlisted is compared as the
 * full 64-bit register. */
static const struct {
	const char *name;
	unsigned char args;
} int_args[] = {
	{ "ioctl", 0x03 }, { "fcntl", 0x03 }, { "socket", 0x07 }, { "socketpair", 0x07 },
	{ "socketcall", 0x01 }, { "setsockopt", 0x17 }, { "getsockopt", 0x07 }, { "accept4", 0x09 },
	{ "personality", 0x01 }, { "prctl", 0x01 }, { "arch_prctl", 0x01 }, { "clone", 0x01 },
	{ "setns", 0x03 }, { "kill", 0x03 }, { "tkill", 0x03 }, { "tgkill", 0x07 },
	{ "pidfd_open", 0x03 }, { "pidfd_send_signal", 0x0b }, { "pidfd_getfd", 0x07 }, { "kcmp", 0x07 },
	{ "open", 0x06 }, { "openat", 0x0d }, { "mknod", 0x06 }, { "mknodat", 0x0d }, { "mkdir", 0x02 },
	{ "mkdirat", 0x05 }, { "chmod", 0x02 }, { "fchmod", 0x03 }, { "fchmodat", 0x05 },
	{ "fchmodat2", 0x0d }, { "creat", 0x02 },
	{ "unlinkat", 0x05 }, { "faccessat", 0x05 }, { "faccessat2", 0x0d }, { "execveat", 0x11 },
	{ "flock", 0x03 }, { "dup3", 0x07 }, { "pipe2", 0x02 }, { "eventfd2", 0x03 },
	{ "epoll_create1", 0x01 }, { "timerfd_create", 0x03 }, { "inotify_init1", 0x01 },
	{ "fanotify_init", 0x03 }, { "memfd_create", 0x02 }, { "userfaultfd", 0x01 },
	{ "madvise", 0x04 }, { "getrandom", 0x04 }, { "seccomp", 0x03 }, { "bpf", 0x05 },
	{ "keyctl", 0x01 }, { "perf_event_open", 0x0e }, { "io_uring_setup", 0x01 },
	{ "umount2", 0x02 }, { "mount_setattr", 0x05 }, { "open_tree", 0x05 }, { "move_mount", 0x15 },
	{ "fsopen", 0x02 }, { "fsmount", 0x07 }, { "fspick", 0x05 }, { "fsconfig", 0x13 },
	{ "name_to_handle_at", 0x11 }, { "open_by_handle_at", 0x05 }, { "finit_module", 0x05 },
	{ "delete_module", 0x02 }, { "swapon", 0x02 }, { "syslog", 0x05 }, { "reboot", 0x07 },
	{ "quotactl", 0x05 }, { "setpriority", 0x07 }, { "wait4", 0x05 }, { "waitid", 0x0b },
	{ "rt_sigaction", 0x01 }, { "rt_sigprocmask", 0x01 }, { "setuid", 0x01 }, { "setgid", 0x01 },
	{ "setreuid", 0x03 }, { "setregid", 0x03 }, { "setresuid", 0x07 }, { "setresgid", 0x07 },
};

/* The calls that i386 multiplexes through socketcall(2) and ipc(2), where
 * their arguments sit in memory the filter cannot read (libseccomp turns a
 * rule on socket into one on socketcall with arg0 == SYS_SOCKET).  Index + 1
 * is the socketcall number. */
static const char *const socketcall_names[] = {
	"socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
	"socketpair", "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt",
	"getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg",
};
static const char *const ipc_names[] = {
	"semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl",
	"shmat", "shmdt", "shmget", "shmctl",
};

static bool in_names(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

bool args_hidden_on_i386(const char *name)
{
	return in_names(name, socketcall_names, ARRAY_SIZE(socketcall_names)) || in_names(name, ipc_names, ARRAY_SIZE(ipc_names));
}

const char *socketcall_name(uint64_t call)
{
	return call >= 1 && call <= ARRAY_SIZE(socketcall_names) ? socketcall_names[call - 1] : NULL;
}

bool is_int_arg(const char *name, unsigned arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(int_args); i++)
		if (strcmp(int_args[i].name, name) == 0)
			return int_args[i].args >> arg & 1;
	return false;
}

/* errno values by name, indexed by number: the names glibc's
 * strerrorname_np gives (one per number: EAGAIN, not EWOULDBLOCK), here so
 * that every C library reads and writes the same names (musl has no
 * strerrorname_np).  A number two names share would fail the build
 * (-Woverride-init). */
#define E(name) [name] = #name
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
	E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV),
	E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK),
	E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE),
	E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA),
	E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM),
	E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG),
	E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART), E(ESTRPIPE),
	E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
	E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
	E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE),
	E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM),
	E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED),
	E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};
#undef E

const char *errno_name(int e)
{
	return e > 0 && (size_t)e < ARRAY_SIZE(errno_names) ? errno_names[e] : NULL;
}

static int errno_by_name(const char *name)
{
	for (size_t e = 1; e < ARRAY_SIZE(errno_names); e++)
		if (errno_names[e] && strcmp(errno_names[e], name) == 0)
			return (int)e;
	return -1;
}

/* ---- reading a list ---------------------------------------------------- */

static void free_rule(struct sc_rule *r)
{
	free(r->name);
	free(r->where);
}

/* An unconditional rule replaces every earlier rule for its system call, so
 * later lines (and the command line) override earlier ones. */
static void add_rule(struct sc_list *l, const struct sc_rule *r)
{
	if (r->n_cond == 0) {
		size_t kept = 0;
		for (size_t i = 0; i < l->n_rules; i++) {
			if (strcmp(l->rules[i].name, r->name) == 0)
				free_rule(&l->rules[i]);
			else
				l->rules[kept++] = l->rules[i];
		}
		l->n_rules = kept;
	}
	l->rules = grow(l->rules, &l->n_rules, sizeof *l->rules);
	l->rules[l->n_rules - 1] = *r;
}

static int parse_number(const char *text, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (!*text || *end || errno || text[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* NUMBER or CONSTANT, joined by '|'. */
static int parse_value(const char *where, const char *text, uint64_t *out)
{
	char *copy = xstrdup(text), *save = NULL;
	*out = 0;
	int r = 0;
	if (!text[0] || text[0] == '|' || text[strlen(text) - 1] == '|' || strstr(text, "||"))
		r = failx("%s: '%s' is not a value", where, text);
	for (char *term = strtok_r(copy, "|", &save); term && r == 0; term = strtok_r(NULL, "|", &save)) {
		uint64_t v = 0;
		if (term[0] >= '0' && term[0] <= '9') {
			if (parse_number(term, &v) < 0)
				r = failx("%s: '%s' is not a number", where, term);
		} else {
			size_t i = 0;
			while (i < ARRAY_SIZE(constants) && strcmp(constants[i].name, term) != 0)
				i++;
			if (i == ARRAY_SIZE(constants))
				r = failx("%s: unknown constant '%s'", where, term);
			else
				v = constants[i].value;
		}
		*out |= v;
	}
	free(copy);
	return r;
}

/* allow | deny | kill | log | errno ENAME, from w[*i]. */
static int parse_action(const char *where, char **w, int n, int *i, uint32_t *action)
{
	const char *a = w[*i];
	(*i)++;
	if (strcmp(a, "allow") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(a, "deny") == 0)
		*action = SCMP_ACT_ERRNO(EPERM);
	else if (strcmp(a, "kill") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "log") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(a, "errno") == 0) {
		if (*i >= n)
			return failx("%s: unterminated rule: 'errno' needs an errno name such as EPERM", where);
		int e = errno_by_name(w[*i]);
		if (e < 0)
			return failx("%s: unknown errno '%s'", where, w[*i]);
		(*i)++;
		*action = SCMP_ACT_ERRNO(e);
	} else
		return failx("%s: unknown action '%s' (expected allow, deny, errno, kill, log, optional, kept or include)",
			     where, a);
	return 0;
}

/* argN OP VALUE, from w[*i]. */
static int parse_cond(const char *where, const char *sys, char **w, int n, int *i, struct sc_cond *c)
{
	if (*i + 3 > n)
		return failx("%s: unterminated condition: expected 'argN OP VALUE' after '%s'", where, w[*i - 1]);
	const char *arg = w[*i], *op = w[*i + 1];
	if (strncmp(arg, "arg", 3) != 0 || arg[3] < '0' || arg[3] > '5' || arg[4])
		return failx("%s: '%s' is not an argument (arg0 to arg5)", where, arg);
	c->arg = (unsigned)(arg[3] - '0');
	size_t k = 0;
	while (k < ARRAY_SIZE(op_names) && strcmp(op_names[k], op) != 0)
		k++;
	if (k == ARRAY_SIZE(op_names))
		return failx("%s: unknown operator '%s' (expected == != < <= > >= &)", where, op);
	c->op = (enum sc_op)k;
	if (parse_value(where, w[*i + 2], &c->value) < 0)
		return -1;
	*i += 3;
	if (c->op == OP_ANY && c->value == 0)
		return failx("%s: '%s & 0' never matches", where, arg);
	if (is_int_arg(sys, c->arg)) {
		if (c->value > INT32_MASK)
			return failx("%s: %s of %s is a 32-bit int: %#llx does not fit", where, arg, sys,
				     (unsigned long long)c->value);
		if (c->op >= OP_LT && c->op <= OP_GE)
			return failx("%s: %s of %s is a 32-bit int: only ==, != and & can be masked to its 32 bits",
				     where, arg, sys);
	}
	return 0;
}

/* Only != may repeat on one argument: "none of these values". */
static int check_conds(const char *where, const struct sc_rule *r)
{
	for (unsigned a = 0; a < r->n_cond; a++)
		for (unsigned b = a + 1; b < r->n_cond; b++)
			if (r->cond[a].arg == r->cond[b].arg && (r->cond[a].op != OP_NE || r->cond[b].op != OP_NE))
				return failx("%s: arg%u is tested twice: only != can be repeated on one argument",
					     where, r->cond[a].arg);
	return 0;
}

static bool valid_name(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			return false;
	return name[0] != '\0';
}

/* [optional] [kept] ACTION SYSCALL... [if COND [and COND]...] */
static int parse_rule(struct sc_list *l, const char *where, char **w, int n)
{
	int i = 0;
	bool optional = false, kept = false;
	for (; i < n && (strcmp(w[i], "optional") == 0 || strcmp(w[i], "kept") == 0); i++) {
		optional |= w[i][0] == 'o';
		kept |= w[i][0] == 'k';
	}
	if (i >= n)
		return failx("%s: unterminated rule: expected an action after '%s'", where, w[i - 1]);
	struct sc_rule proto = { 0 };
	if (parse_action(where, w, n, &i, &proto.action) < 0)
		return -1;
	int first = i;
	while (i < n && strcmp(w[i], "if") != 0)
		i++;
	int n_names = i - first;
	if (n_names == 0)
		return failx("%s: unterminated rule: expected a system call name after '%s'", where, w[first - 1]);
	if (i < n && n_names > 1)
		return failx("%s: a rule with 'if' applies to one system call, not %d", where, n_names);
	if (i < n) {
		i++; /* "if" */
		for (;;) {
			if (proto.n_cond == SC_MAX_CONDS)
				return failx("%s: more than %d conditions", where, SC_MAX_CONDS);
			if (parse_cond(where, w[first], w, n, &i, &proto.cond[proto.n_cond++]) < 0)
				return -1;
			if (i == n)
				break;
			if (strcmp(w[i], "and") != 0)
				return failx("%s: expected 'and' or the end of the line, not '%s'", where, w[i]);
			i++;
		}
	}
	if (check_conds(where, &proto) < 0)
		return -1;
	for (int k = first; k < first + n_names; k++) {
		if (!valid_name(w[k]) || seccomp_syscall_resolve_name(w[k]) == __NR_SCMP_ERROR) {
			if (optional && valid_name(w[k]))
				continue;
			return failx("%s: unknown system call '%s'", where, w[k]);
		}
		if (kept && l->drop_kept)
			continue;
		struct sc_rule r = proto;
		r.name = xstrdup(w[k]);
		r.where = xstrdup(where);
		add_rule(l, &r);
	}
	return 0;
}

/* The lists being read, outermost first. */
struct includes {
	const char *origin[MAX_LIST_DEPTH]; /* as load_policy found it */
	bool system[MAX_LIST_DEPTH];        /* a system list: it includes system lists only */
	const char *id[MAX_LIST_DEPTH];     /* its real path, to catch cycles */
};

static int parse_list(struct sc_list *l, const char *name, bool system_only, int depth, struct includes *inc);

/* The first statement of every list is its default action; an included
 * list must agree with the list that includes it. */
static int parse_default(struct sc_list *l, const char *where, char **w, int n)
{
	int i = 0;
	uint32_t action;
	if (strcmp(w[0], "errno") != 0 && n > 1)
		return failx("%s: the first statement must be the default action (allow, errno NAME, kill or log), "
			     "not a rule", where);
	if (parse_action(where, w, n, &i, &action) < 0)
		return -1;
	if (action == SCMP_ACT_ERRNO(EPERM) && strcmp(w[0], "deny") == 0)
		return failx("%s: the default action is written 'errno EPERM', not 'deny'", where);
	if (i != n)
		return failx("%s: unexpected '%s' after the default action", where, w[i]);
	if (l->have_default && action != l->default_action)
		return failx("%s: this list's default action differs from the list that includes it", where);
	l->default_action = action;
	l->have_default = true;
	return 0;
}

static int parse_statement(struct sc_list *l, const char *where, char **w, int n, int depth, struct includes *inc)
{
	if (strcmp(w[0], "include") != 0)
		return parse_rule(l, where, w, n);
	if (n != 2)
		return failx("%s: 'include' takes one list name", where);
	/* errors from the included list's own lines already say where */
	int r = parse_list(l, w[1], inc->system[depth], depth + 1, inc);
	if (r == -1)
		return fail_context("%s", where);
	return r;
}

static int split(char *line, char **w)
{
	int n = 0;
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_WORDS)
			return -1;
		w[n++] = t;
	}
	return n;
}

/* Terminate the line at its newline; the next line, or NULL at the end. */
static char *end_line(char *line)
{
	char *next = strchr(line, '\n');
	if (!next)
		return NULL;
	*next++ = '\0';
	return *next ? next : NULL;
}

static int parse_text(struct sc_list *l, const char *origin, char *text, int depth, struct includes *inc)
{
	bool first = true;
	int lineno = 0;
	for (char *line = text, *next; line; line = next) {
		int start = ++lineno;
		next = end_line(line);
		/* a trailing backslash joins the next line */
		size_t len;
		while ((len = strlen(line)) > 0 && line[len - 1] == '\\') {
			if (!next)
				return failx("%s:%d: unterminated line: the file ends after '\\'", origin, start);
			line[len - 1] = ' ';
			char *after = end_line(next);
			memmove(line + len, next, strlen(next) + 1);
			next = after;
			lineno++;
		}
		char *w[MAX_WORDS];
		int n = split(line, w);
		char *where = xasprintf("%s:%d", origin, start);
		int r = 0;
		if (n < 0)
			r = failx("%s: more than %d words", where, MAX_WORDS);
		else if (n > 0 && first) {
			r = parse_default(l, where, w, n);
			first = false;
		} else if (n > 0)
			r = parse_statement(l, where, w, n, depth, inc);
		free(where);
		if (r < 0)
			return -1;
	}
	if (first)
		return failx("%s:%d: no default action: the first statement must be allow, errno NAME, kill or log",
			     origin, lineno);
	return 0;
}

/* NAME is found as NAME.seccomp on the policy path (or built in); a name
 * with a '/' is a file, relative to the list that includes it.  A list a
 * system policy names, and what a system list includes, must be system
 * lists too (system_only, see policy.c).  Returns 0,
 * -1 when the list itself cannot be used, or -2 when one of its lines failed
 * (the message then starts with FILE:LINE). */
static int parse_list(struct sc_list *l, const char *name, bool system_only, int depth, struct includes *inc)
{
	if (depth >= MAX_LIST_DEPTH)
		return failx("include %s: lists nest deeper than %d", name, MAX_LIST_DEPTH);
	const char *parent = depth ? inc->origin[depth - 1] : NULL;
	char *file;
	if (!strchr(name, '/'))
		file = xstrdup(name);
	else if (name[0] != '/' && parent && strncmp(parent, "(built-in)", 10) != 0)
		file = xasprintf("%.*s/%s", (int)(strrchr(parent, '/') - parent), parent,
				 strncmp(name, "./", 2) == 0 ? name + 2 : name);
	else
		file = xstrdup(name);
	struct policy_origin from;
	char *text = load_policy(POLICY_SECCOMP, file, system_only, &from);
	char *origin = from.path;
	free(file);
	if (!text) {
		free(origin);
		return depth ? -1 : fail_context("seccomp list %s", name);
	}
	/* the same file by another path is still the same list */
	char *id = strncmp(origin, "(built-in)", 10) == 0 ? xstrdup(origin) : realpath(origin, NULL);
	if (!id)
		id = xstrdup(origin);
	int r = 0;
	for (int i = 0; i < depth && r == 0; i++)
		if (strcmp(inc->id[i], id) == 0)
			r = failx("include %s: %s includes itself", name, origin);
	inc->origin[depth] = origin;
	inc->system[depth] = from.system;
	inc->id[depth] = id;
	if (r == 0 && parse_text(l, origin, text, depth, inc) < 0)
		r = -2;
	free(text);
	free(origin);
	free(id);
	return r;
}

/* --seccomp-allow and --seccomp-deny, after the list. */
static int add_option_rules(struct sc_list *l, const struct config *cfg)
{
	for (int pass = 0; pass < 2; pass++) {
		char **names = pass ? cfg->seccomp_deny : cfg->seccomp_allow;
		size_t n = pass ? cfg->n_seccomp_deny : cfg->n_seccomp_allow;
		const char *opt = pass ? "--seccomp-deny" : "--seccomp-allow";
		for (size_t i = 0; i < n; i++) {
			if (seccomp_syscall_resolve_name(names[i]) == __NR_SCMP_ERROR)
				return failx("%s: unknown system call '%s'", opt, names[i]);
			struct sc_rule r = { .action = pass ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW };
			r.name = xstrdup(names[i]);
			r.where = xstrdup(opt);
			add_rule(l, &r);
		}
	}
	return 0;
}

bool writes_are_kept(const struct config *cfg)
{
	if (cfg->overlay_upper)
		return true;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		enum mount_kind k = cfg->mounts[i].kind;
		if (k == MOUNT_BIND || k == MOUNT_DEV_BIND || (k == MOUNT_OVERLAY && cfg->mounts[i].src))
			return true;
	}
	return false;
}

int read_seccomp_list(struct sc_list *l, const struct config *cfg)
{
	*l = (struct sc_list){ .drop_kept = !writes_are_kept(cfg) };
	if (strcmp(cfg->seccomp, "none") == 0)
		*l = (struct sc_list){ .default_action = SCMP_ACT_ALLOW, .have_default = true };
	else if (parse_list(l, cfg->seccomp, cfg->seccomp_system, 0, &(struct includes){ 0 }) < 0)
		return -1;
	return add_option_rules(l, cfg);
}
