/* idmap.c: the user namespace's id maps, both sides.
 *
 * Parent side (the supervisor, after the clone, before init is released):
 *   - by default, one line: the caller's uid and gid become --uid/--gid
 *     inside (default: the same numbers).  That needs no privilege.
 *   - with --map-users auto|required, the caller's subordinate ranges from
 *     /etc/subuid and /etc/subgid, written by the setuid helpers newuidmap
 *     and newgidmap (Debian package uidmap; sbx itself is never setuid):
 *         inside 0          = the caller
 *         inside 1..65535   = the caller's subordinate ids, in file order
 *     so root inside owns what the caller owns, and chown to other ids
 *     works.  auto falls back to the one-line map with a note when there
 *     are no ranges or no helpers; required fails.
 *
 * Child side (the payload): with the full map the command takes its ids for
 * real: --uid/--gid (default: the caller, which is 0 inside), no
 * supplementary groups. */
#include "util.h"
#include "config.h"
#include "idmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_INSIDE_IDS 65536UL /* 0..65535, as a classic distribution expects */

/* ---- the one-line map --------------------------------------------------- */

/* Map the caller's uid and gid to the ids chosen for the inside.  A single
 * line mapping our own id needs no privilege, but the kernel demands that
 * setgroups be denied before an unprivileged gid_map write (otherwise the
 * child could drop a group that was denying it access to a file). */
static int write_single_maps(pid_t child, const struct config *cfg)
{
	char path[64], line[64];

	/* bubblewrap's layout, mimicked in its mode: the caller is 0 in the
	 * sandbox's namespace, the command's ids come in a nested one. */
	unsigned uid = cfg->outer_ids_root ? 0 : cfg->uid, gid = cfg->outer_ids_root ? 0 : cfg->gid;
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
	snprintf(line, sizeof line, "%u %u 1\n", uid, cfg->outer_uid);
	if (write_file(path, line) < 0)
		return fail_context("map uid %u to %u", cfg->outer_uid, uid);

	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
	if (write_file(path, "deny") < 0 && errno != ENOENT)
		return fail_context("deny setgroups");

	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
	snprintf(line, sizeof line, "%u %u 1\n", gid, cfg->outer_gid);
	if (write_file(path, line) < 0)
		return fail_context("map gid %u to %u", cfg->outer_gid, gid);
	return 0;
}

/* ---- subordinate ranges -------------------------------------------------- */

/* The argument list for newuidmap/newgidmap: "PID 0 OUTER 1" and then the
 * ranges of /etc/subuid (or subgid) that belong to name or to the number
 * id, packed from inside id 1 up to 65535.  NULL (error recorded) when
 * there are none. */
static char **subid_argv(const char *helper, const char *file, const char *name, unsigned id, pid_t child)
{
	FILE *f = fopen(file, "re");
	if (!f) {
		fail("%s", file);
		return NULL;
	}
	char **argv = NULL;
	size_t n = 0;
	argv = grow(argv, &n, sizeof *argv), argv[n - 1] = xstrdup(helper);
	argv = grow(argv, &n, sizeof *argv), argv[n - 1] = xasprintf("%d", (int)child);
	argv = grow(argv, &n, sizeof *argv), argv[n - 1] = xasprintf("0 %u 1", id);
	char line[256], idtext[16];
	snprintf(idtext, sizeof idtext, "%u", id);
	unsigned long next = 1;
	while (next < MAX_INSIDE_IDS && fgets(line, sizeof line, f)) {
		char owner[128];
		unsigned long start, count;
		if (sscanf(line, "%127[^:\n]:%lu:%lu", owner, &start, &count) != 3 || count == 0 ||
		    (strcmp(owner, name) != 0 && strcmp(owner, idtext) != 0))
			continue;
		if (count > MAX_INSIDE_IDS - next)
			count = MAX_INSIDE_IDS - next;
		argv = grow(argv, &n, sizeof *argv), argv[n - 1] = xasprintf("%lu %lu %lu", next, start, count);
		next += count;
	}
	fclose(f);
	argv = grow(argv, &n, sizeof *argv); /* the terminating NULL */
	if (next > 1)
		return argv;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
	failx("%s has no range for %s", file, name);
	return NULL;
}

/* newuidmap wants each number as its own argument: split "a b c" words. */
static char **split_words(char **argv)
{
	char **out = NULL;
	size_t n = 0;
	for (char **a = argv; *a; a++) {
		for (char *save, *w = strtok_r(*a, " ", &save); w; w = strtok_r(NULL, " ", &save))
			out = grow(out, &n, sizeof *out), out[n - 1] = xstrdup(w);
		free(*a);
	}
	free(argv);
	out = grow(out, &n, sizeof *out);
	return out;
}

static char *find_helper(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xasprintf("%s/%s", dirs[i], name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_ISUID))
			return p;
		free(p);
	}
	return NULL;
}

/* Run a map helper; its complaint (one line on stderr) becomes our error. */
static int run_map_helper(char **argv)
{
	int err[2];
	if (pipe2(err, O_CLOEXEC) < 0)
		return fail("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		default_signals();
		int out = fcntl(err[1], F_DUPFD_CLOEXEC, 3); /* out of 0..2, which may be closed */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (out < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(err[1]);
	char msg[512] = "";
	ssize_t n = pid < 0 ? -1 : read_all(err[0], msg, sizeof msg - 1);
	close(err[0]);
	if (pid < 0)
		return fail("fork %s", argv[0]);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail("wait for %s", argv[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return failx("%s failed%s%s", argv[0], msg[0] ? ": " : "", msg);
}

/* Returns 0 when both maps are written; -1 when neither is (the one-line
 * map can still be written); -2 when only the uid map is. */
/* The caller's login name from /etc/passwd, which is where /etc/subuid's
 * names come from (usermod and useradd write both).  Read directly rather
 * than through getpwuid, which in a static binary would load glibc's NSS
 * modules; a user known only to a directory service can still be listed in
 * /etc/subuid by number, which subid_argv matches too. */
static int write_subid_maps(pid_t child, const struct config *cfg)
{
	char *name = passwd_name(cfg->outer_uid);
	if (!name)
		name = xstrdup("");
	char *newuidmap = find_helper("newuidmap"), *newgidmap = find_helper("newgidmap");
	char **uid_argv = NULL, **gid_argv = NULL;
	int r = -1;
	if (!newuidmap || !newgidmap) {
		set_hint("install newuidmap and newgidmap (Debian package uidmap)");
		failx("newuidmap/newgidmap not found (or not setuid)");
		goto out;
	}
	uid_argv = subid_argv(newuidmap, "/etc/subuid", name, cfg->outer_uid, child);
	gid_argv = uid_argv ? subid_argv(newgidmap, "/etc/subgid", name, cfg->outer_gid, child) : NULL;
	if (!gid_argv) {
		set_hint("as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", name);
		goto out;
	}
	uid_argv = split_words(uid_argv);
	gid_argv = split_words(gid_argv);
	if (run_map_helper(uid_argv) < 0)
		goto out;
	r = -2;
	if (run_map_helper(gid_argv) < 0)
		goto out;
	r = 0;
out:
	free_argv(uid_argv);
	free_argv(gid_argv);
	free(newuidmap);
	free(newgidmap);
	free(name);
	return r;
}

int write_id_maps(pid_t child, const struct config *cfg)
{
	if (cfg->map_users == MAP_USERS_NONE)
		return write_single_maps(child, cfg);
	int r = write_subid_maps(child, cfg);
	if (r == 0)
		return 0;
	fail_context("--map-users");
	if (r == -2 || cfg->map_users == MAP_USERS_REQUIRED)
		return -1;
	fprintf(stderr, "sbx: note: %s; mapping only your own id\n", error_text());
	set_hint("%s", "");
	return write_single_maps(child, cfg);
}

/* ---- after the run: what the caller cannot remove ----------------------- */

#define MAX_LEFT_SHOWN 8
#define MAX_DIRS_WALKED 100000

/* Directories of the writable binds that the run gave to another id (a
 * subordinate one, through chown inside) and that hold something: the
 * caller cannot remove them on the host.  Not descended into. */
struct leftovers {
	time_t since;
	uid_t me;
	size_t n, walked;
	char *shown[MAX_LEFT_SHOWN];
	uid_t first_uid;
};

static bool has_entries(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return true; /* unreadable to the caller: as good as full */
	}
	bool any = false;
	for (struct dirent *e; !any && (e = readdir(d));)
		any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return any;
}

static void find_leftovers(int dir, const char *path, dev_t dev, struct leftovers *l)
{
	DIR *d = fdopendir(dir);
	if (!d) {
		close(dir);
		return;
	}
	for (struct dirent *e; (e = readdir(d)) && l->walked < MAX_DIRS_WALKED;) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_dev != dev)
			continue;
		l->walked++;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		if (st.st_uid != l->me) {
			if (st.st_ctime >= l->since && has_entries(dirfd(d), e->d_name)) {
				if (l->n < MAX_LEFT_SHOWN) {
					l->shown[l->n] = sub;
					sub = NULL;
				}
				if (l->n++ == 0)
					l->first_uid = st.st_uid;
			}
		} else {
			int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				find_leftovers(fd, sub, dev, l);
		}
		free(sub);
	}
	closedir(d);
}

/* A path as a shell word the caller can paste: quoted when it needs it, and
 * with control characters escaped (the sandbox chose the names). */
static char *shell_word(const char *path)
{
	size_t size = strlen(path) * 4 + 3;
	char *shown = xcalloc(1, size);
	snprintf(shown, size, "%s", path);
	escape_controls(shown, size);
	if (shown[strspn(shown, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+-,:=@%")] == '\0')
		return shown;
	char *q = xcalloc(1, strlen(shown) * 4 + 3), *o = q;
	*o++ = '\'';
	for (const char *c = shown; *c; c++)
		o += *c == '\'' ? sprintf(o, "'\\''") : sprintf(o, "%c", *c);
	*o++ = '\'';
	free(shown);
	return q;
}

void report_foreign_dirs(const struct config *cfg, time_t since)
{
	if (cfg->map_users == MAP_USERS_NONE)
		return;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_op *m = &cfg->mounts[i];
		if ((m->kind != MOUNT_BIND && m->kind != MOUNT_DEV_BIND) || m->by_fd || m->follow || !m->src)
			continue;
		struct leftovers l = { .since = since, .me = geteuid() };
		struct stat st;
		int fd = open(m->src, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		char *where = shell_word(m->src);
		if (st.st_uid != l.me && st.st_ctime >= since) {
			/* the bind itself was given away: give it back */
			close(fd);
			fprintf(stderr, "sbx: note: --map-users: the command gave %s to uid %u: you cannot change what "
					"is in it yourself\n", where, (unsigned)st.st_uid);
			fprintf(stderr, "hint: take it back: sbx --map-users auto --bind %s -- chown -R 0:0 %s\n", where,
				where);
			free(where);
			continue;
		}
		int rd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		if (rd >= 0)
			find_leftovers(rd, m->src, st.st_dev, &l);
		if (l.n == 0) {
			free(where);
			continue;
		}
		char *first = shell_word(l.shown[0]);
		fprintf(stderr, "sbx: note: --map-users: the command left %zu director%s owned by other ids in %s "
				"(%s, uid %u): you cannot remove them yourself\n",
			l.n, l.n == 1 ? "y" : "ies", where, first, (unsigned)l.first_uid);
		fprintf(stderr, "hint: remove them where they are yours: sbx --map-users auto --bind %s -- rm -rf", where);
		for (size_t k = 0; k < l.n && k < MAX_LEFT_SHOWN; k++) {
			char *w = shell_word(l.shown[k]);
			fprintf(stderr, " %s", w);
			free(w);
			free(l.shown[k]);
		}
		fprintf(stderr, "%s\n", l.n > MAX_LEFT_SHOWN ? " ..." : "");
		free(where);
		free(first);
	}
}

/* ---- inside ------------------------------------------------------------- */

/* More than one id mapped: the supervisor wrote the subordinate ranges.
 * Without --map-users, in a user namespace of sbx's own whose maps sbx
 * wrote (not bubblewrap's --userns-block-fd, where the caller writes them,
 * nor --userns2), it wrote one id and nothing else can have: known without
 * reading the map (four system calls on the payload's way to exec).
 * Otherwise asked in the sandbox, where the map no longer changes. */
bool id_map_is_full(const struct config *cfg)
{
	if (cfg->map_users == MAP_USERS_NONE && cfg->userns_fd < 0 && cfg->userns_block_fd < 0 && cfg->userns2_fd < 0)
		return false;
	static int full = -1;
	if (full >= 0)
		return full;
	char buf[512];
	if (read_small_file("/proc/self/uid_map", buf, sizeof buf) < 0)
		return false;
	unsigned long total = 0;
	for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long inside, outside, count;
		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3)
			total += count;
	}
	full = total > 1;
	return full;
}

/* After a change to a non-zero uid the kernel empties the effective set;
 * keep_caps saved the permitted one, so raise it again: dropping the
 * bounding set afterwards still needs CAP_SETPCAP. */
static int raise_permitted(void)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &head, data) < 0)
		return fail("capget");
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted;
	if (syscall(SYS_capset, &head, data) < 0)
		return fail("capset");
	return 0;
}

/* With the full map init is root inside (the caller); the command becomes
 * --uid/--gid for real.  Left at their defaults (the caller's own numbers)
 * they mean the caller, which is 0 inside.  Supplementary groups go: the
 * caller's host groups mean nothing inside, and newgidmap left setgroups
 * allowed. */
int enter_payload_ids(const struct config *cfg)
{
	if (!id_map_is_full(cfg))
		return 0; /* one id: init already is --uid/--gid */
	uid_t uid = cfg->uid == cfg->outer_uid ? 0 : cfg->uid;
	gid_t gid = cfg->gid == cfg->outer_gid ? 0 : cfg->gid;
	if (setgroups(0, NULL) < 0)
		return fail("drop supplementary groups");
	if (setresgid(gid, gid, gid) < 0) {
		set_hint("--map-users maps ids 0 to %lu", MAX_INSIDE_IDS - 1);
		return fail("--gid %u", (unsigned)gid);
	}
	if (uid == 0)
		return 0;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail("keep capabilities");
	if (setresuid(uid, uid, uid) < 0) {
		set_hint("--map-users maps ids 0 to %lu", MAX_INSIDE_IDS - 1);
		return fail("--uid %u", (unsigned)uid);
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail("keep capabilities");
	return raise_permitted();
}

/* ---- explaining a failed clone ----------------------------------------- */

static long read_sysctl(const char *path)
{
	char buf[32];
	if (read_small_file(path, buf, sizeof buf) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Is this already inside sbx?  Its init, PID 1 here, calls itself sbx-init,
 * and its seccomp filter is in force.  Neither can be set up from outside
 * by an unprivileged user on the host (PID 1 is the host's init), and all
 * this decides is the wording of a hint, so a spoof gains nothing. */
static bool inside_sbx(void)
{
	char status[4096], cmdline[64];
	if (read_small_file("/proc/1/cmdline", cmdline, sizeof cmdline) < 0 || strcmp(cmdline, "sbx-init") != 0)
		return false;
	return read_small_file("/proc/self/status", status, sizeof status) == 0 && strstr(status, "\nSeccomp:\t2\n");
}

/* clone(CLONE_NEWUSER) failed with err: find the likeliest cause and record
 * a hint that says how to fix it. */
void explain_userns_failure(int err)
{
	if (err == EPERM && inside_sbx()) {
		set_hint("this already runs inside sbx, whose seccomp filter refuses new namespaces: sbx does not "
			 "nest; run it outside instead (a bats suite that calls sbx runs outside sbx, each test "
			 "sandboxed by sbx_run from lib/sbx.bash)");
		return;
	}
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0) {
		set_hint("user namespaces are disabled (user.max_user_namespaces = 0); "
			 "as root: sysctl -w user.max_user_namespaces=15000");
		return;
	}
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		set_hint("unprivileged user namespaces are disabled; "
			 "as root: sysctl -w kernel.unprivileged_userns_clone=1");
		return;
	}
	if (err == ENOSPC) {
		set_hint("the limit of user namespaces is reached (user.max_user_namespaces); "
			 "raise it as root: sysctl -w user.max_user_namespaces=15000");
		return;
	}
	if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		set_hint("AppArmor restricts unprivileged user namespaces "
			 "(kernel.apparmor_restrict_unprivileged_userns = 1); an administrator can "
			 "install an AppArmor profile for sbx that allows 'userns,'");
		return;
	}
	if (err == EPERM)
		set_hint("user namespaces are not allowed here: if this runs in a container, its "
			 "seccomp profile may block clone(CLONE_NEWUSER) (e.g. docker run "
			 "--security-opt seccomp=unconfined)");
}
