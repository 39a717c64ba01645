/* ns.c: the sandbox's namespaces.
 *
 * The supervisor's side: which namespaces are new (all of them, but those
 * bubblewrap mode keeps from the caller), joining the ones bubblewrap's
 * --userns and --pidns name, and the clone that makes the rest with init
 * inside them (through a helper when init's PID namespace is to be nested
 * in a joined one).  idmap.c writes the new user namespace's id maps, and
 * only then does the supervisor release init.
 *
 * Init's side: once the root is built, bubblewrap's --userns2 and its
 * nested user namespace; and the UTS namespace's host name.  The mount
 * namespace is rootfs.c's. */
#include "util.h"
#include "config.h"
#include "idmap.h"
#include "ns.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the supervisor's side --------------------------------------------- */

static unsigned long namespace_flags(const struct config *cfg)
{
	unsigned long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	if (cfg->net != NET_HOST)
		flags |= CLONE_NEWNET;
	/* The user and mount namespaces are always new; others may be kept
	 * (bubblewrap mode without its --unshare-* options). */
	return flags & ~(cfg->share_ns & ~(unsigned long)(CLONE_NEWUSER | CLONE_NEWNS));
}

/* A fork-like clone (no new stack: the child continues in this function's
 * caller) into every namespace at once.  With a cgroup, clone3 places the
 * child in it atomically (CLONE_INTO_CGROUP); *placed says whether it did. */
static pid_t clone_sandbox(unsigned long flags, int cgroup_fd, bool *placed)
{
	*placed = false;
	if (cgroup_fd >= 0) {
		struct clone_args args = {
			.flags = flags | CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.cgroup = (unsigned long long)cgroup_fd,
		};
		pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
		if (pid >= 0) {
			*placed = true;
			return pid;
		}
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -1;
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* bubblewrap's --userns and --pidns: the sandbox is made inside the
 * namespaces given.  As bubblewrap does, the supervisor joins them itself
 * right before the clone: setns(CLONE_NEWUSER) makes it and its children
 * members (with every capability there, so no id maps to write), and
 * setns(CLONE_NEWPID) makes its children members of that PID namespace. */
#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer's check at exit stops the process with a helper task it
 * clones; once we have joined a PID namespace the helper is born there (or
 * cannot be, when that namespace is dying) and the check waits for it
 * forever.  The sanitizer build skips the check then (this hook is
 * LeakSanitizer's own way to be turned off at run time). */
static int leak_check_off;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return leak_check_off;
}
#define SKIP_LEAK_CHECK() (leak_check_off = 1)
#else
#define SKIP_LEAK_CHECK() ((void)0)
#endif

static int join_namespaces(const struct config *cfg, unsigned long *flags)
{
	if (cfg->userns_fd >= 0) {
		if (setns(cfg->userns_fd, CLONE_NEWUSER) < 0) {
			if (errno == EINVAL)
				return failx("Joining the specified user namespace failed, it might not be a "
					     "descendant of the current user namespace.");
			return fail("Joining specified user namespace failed");
		}
		*flags &= ~(unsigned long)CLONE_NEWUSER;
	}
	if (cfg->pidns_fd >= 0) {
		SKIP_LEAK_CHECK();
		if (setns(cfg->pidns_fd, CLONE_NEWPID) < 0)
			return fail("Setting pidns failed");
	}
	return 0;
}

/* After setns(CLONE_NEWPID) the kernel refuses CLONE_NEWPID to us (a new
 * PID namespace must be a child of the creator's own, and ours is still
 * the caller's).  So for --pidns with --unshare-pid a helper, born in the
 * joined namespace, makes the clone with CLONE_PARENT: init is still our
 * child, to wait for and to signal.  The helper's pid numbers are of the
 * joined namespace, so init's pid in ours comes from init itself: its first
 * message, whose sender the kernel names for us (SO_PASSCRED). */
static pid_t clone_nested(unsigned long flags, int cgroup_fd, bool *placed, int sock, int *child_end)
{
	int on = 1;
	if (setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0)
		return -1;
	pid_t helper = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (helper < 0)
		return -1;
	if (helper == 0) {
		pid_t pid = clone_sandbox(flags | CLONE_PARENT, cgroup_fd, placed);
		if (pid == 0)
			return 0; /* init, the supervisor's child */
		_exit(pid < 0 ? 2 + (errno & 0xff) % 250 : *placed ? 0 : 1);
	}
	int status;
	while (waitpid(helper, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		errno = WIFEXITED(status) ? WEXITSTATUS(status) - 2 : ECHILD;
		return -1;
	}
	*placed = WEXITSTATUS(status) == 0;
	/* Init has its own copy of the other end now: with ours closed, an
	 * init that dies before it says hello reads as end of file here, not
	 * as a wait for ever. */
	close(*child_end);
	*child_end = -1;
	struct msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof control.buf };
	ssize_t n;
	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	on = 0;
	setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS || m.kind != MSG_HELLO) {
		errno = ECHILD;
		return -1;
	}
	struct ucred cred;
	memcpy(&cred, CMSG_DATA(c), sizeof cred);
	return cred.pid;
}

/* Init, cloned into its namespaces: 0 in init, its pid in the supervisor,
 * -1 with the error recorded. */
pid_t clone_init(const struct config *cfg, int cgroup_fd, bool *placed, int sock, int *child_end)
{
	unsigned long flags = namespace_flags(cfg);
	if (join_namespaces(cfg, &flags) < 0)
		return -1;
	pid_t pid = init_in_nested_pidns(cfg) ? clone_nested(flags, cgroup_fd, placed, sock, child_end)
					     : clone_sandbox(flags, cgroup_fd, placed);
	if (pid < 0) {
		int err = errno;
		fail("create the sandbox namespaces");
		explain_userns_failure(err);
	}
	return pid;
}

/* ---- init's side ------------------------------------------------------- */

/* bubblewrap's nested user namespace (cfg->nest_userns): once the root is
 * built (the mount namespace belongs to the sandbox's user namespace),
 * init moves into a new user namespace, nested in the sandbox's, where the
 * command's ids map to init's, alone, as the kernel lets a process map
 * itself (and so setgroups is denied there).  bubblewrap does so where its
 * first namespace had to map the caller to 0 (for --dev), and for
 * --disable-userns: then the sandbox's limit goes to 1 first, which the
 * nested namespace uses up, so that the command, even with capabilities
 * there (--cap-add), can raise only the nested namespace's own limit,
 * while every namespace it would create counts against the sandbox's as
 * well.  /proc may be gone from the new root by then: the files are
 * opened before. */
int open_userns_files(const struct config *cfg, struct userns_files *f)
{
	f->limit = f->self = -1;
	if (!cfg->nest_userns)
		return 0;
	if (cfg->disable_userns && (f->limit = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC)) < 0)
		return fail("disable user namespaces: open /proc/sys/user/max_user_namespaces");
	f->self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->self < 0)
		return fail("nested user namespace: open /proc/self");
	return 0;
}

static int write_proc(int dir, const char *name, const char *text)
{
	AUTO_CLOSE int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return fail("nested user namespace: write %s", name);
	return 0;
}

static int nest_user_namespace(const struct config *cfg, struct userns_files *f)
{
	if (!cfg->nest_userns)
		return 0;
	char uid_map[64], gid_map[64];
	snprintf(uid_map, sizeof uid_map, "%u %u 1", (unsigned)cfg->uid, (unsigned)geteuid());
	snprintf(gid_map, sizeof gid_map, "%u %u 1", (unsigned)cfg->gid, (unsigned)getegid());
	int r = 0;
	if (f->limit >= 0 && write_all(f->limit, "1", 1) < 0)
		r = fail("disable user namespaces: write max_user_namespaces");
	if (r == 0 && unshare(CLONE_NEWUSER) < 0)
		r = fail("create the nested user namespace");
	if (r == 0 && (write_proc(f->self, "uid_map", uid_map) < 0 || write_proc(f->self, "setgroups", "deny") < 0 ||
		       write_proc(f->self, "gid_map", gid_map) < 0))
		r = -1;
	close_fd(&f->limit);
	close_fd(&f->self);
	return r;
}

/* bubblewrap's --userns2: once the root is built, move into this user
 * namespace (a child of the one the sandbox was made in); and its
 * --assert-userns-disabled with a joined namespace: check that a new one
 * cannot be made (if it can, init is in it now, and sbx stops). */
static int enter_userns2(const struct config *cfg)
{
	if (cfg->userns2_fd >= 0 && setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
		return fail("Setting userns2 failed");
	if (cfg->assert_userns_disabled && !cfg->disable_userns && unshare(CLONE_NEWUSER) == 0)
		return failx("creation of new user namespaces was not disabled as requested");
	return 0;
}

/* Once the root is built: --userns2, then the nested user namespace. */
int enter_late_user_namespaces(const struct config *cfg, struct userns_files *f)
{
	if (enter_userns2(cfg) < 0 || nest_user_namespace(cfg, f) < 0)
		return -1;
	return 0;
}

int set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		return fail("set hostname %s", name);
	return 0;
}
