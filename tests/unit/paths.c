/* tests/unit/paths.c: paths inside the sandbox.  lexical_abspath folds a
 * destination the user gave (--bind SRC:DST, --tmpfs, --chdir) to an
 * absolute one without looking at any file system; resolve_by_steps is the
 * walk that stands in for openat2 on kernels before 5.6, tried here on a
 * small tree with hostile symlinks, and, where the kernel has openat2,
 * compared with it case by case. */
#include "unit.h"
#include "config.h"
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- lexical_abspath --------------------------------------------------- */

static void expect_abspath(const char *cwd, const char *path, const char *want)
{
	struct config cfg = { .cwd = (char *)cwd };
	char *got = lexical_abspath(&cfg, path);
	if (strcmp(got, want) != 0)
		fail_msg("cwd %s, path '%s': got %s, want %s", cwd, path, got, want);
	free(got);
}

static void abspath_joins_relative_paths_to_the_cwd(void **state)
{
	(void)state;
	expect_abspath("/home/u", "x", "/home/u/x");
	expect_abspath("/home/u", "x/y", "/home/u/x/y");
	expect_abspath("/", "x", "/x");
	expect_abspath("/home/u", "/abs", "/abs");
	expect_abspath("/home/u", "...", "/home/u/...");
	expect_abspath("/home/u", ".hidden", "/home/u/.hidden");
}

static void abspath_empty_and_dot_are_the_cwd(void **state)
{
	(void)state;
	expect_abspath("/home/u", "", "/home/u");
	expect_abspath("/home/u", ".", "/home/u");
	expect_abspath("/home/u", "./", "/home/u");
	expect_abspath("/", "", "/");
	expect_abspath("/", ".", "/");
}

static void abspath_folds_slashes_and_dots(void **state)
{
	(void)state;
	expect_abspath("/", "//a///b//", "/a/b");
	expect_abspath("/", "/a/./b/.", "/a/b");
	expect_abspath("/", "/a/b/", "/a/b");
	expect_abspath("/", "/a/b/..", "/a");
	expect_abspath("/", "/a/../b", "/b");
	expect_abspath("/", "/a/b/../../c", "/c");
	expect_abspath("/", "/a/b/../c/./../d", "/a/d");
	expect_abspath("/x/y", "../z", "/x/z");
	expect_abspath("/x/y", "a/..", "/x/y");
}

/* ".." at the root stays there, as the kernel's does: nothing above "/". */
static void abspath_never_climbs_above_the_root(void **state)
{
	(void)state;
	expect_abspath("/", "/..", "/");
	expect_abspath("/", "/../..", "/");
	expect_abspath("/", "/../etc", "/etc");
	expect_abspath("/home/u", "../../../../etc/passwd", "/etc/passwd");
	expect_abspath("/a", "/a/../../../b/./c/", "/b/c");
	expect_abspath("/", "..", "/");
}

/* The one-character names next to ".." and "." are names. */
static void abspath_dotted_names_are_names(void **state)
{
	(void)state;
	expect_abspath("/", "/a/..b", "/a/..b");
	expect_abspath("/", "/a/b../c", "/a/b../c");
	expect_abspath("/", "/a/.b/..", "/a");
}

/* ---- resolve_by_steps --------------------------------------------------- */

/* The tree, under a fresh temporary directory that stands for a root:
 *   a/            a directory
 *   a/f           a file
 *   rel -> a/f    a relative link
 *   abs -> /a/f   an absolute one: inside the root, root/a/f
 *   up  -> ../../../..   climbs, as far as the root lets it
 *   adir -> /a    a link to a directory, to walk through
 *   loop -> loop  a loop
 *   chainN -> chainN-1 ... chain0 -> a/f   links 1 to 41 deep
 *   proc -> /proc/self/root   on the host, a magic link's parent */
struct tree {
	char dir[64];
	int fd;
};

static struct tree tree;

static int make_tree(void **state)
{
	(void)state;
	strcpy(tree.dir, "/tmp/sbx-unit-paths.XXXXXX");
	if (!mkdtemp(tree.dir))
		return -1;
	tree.fd = open(tree.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tree.fd < 0 || mkdirat(tree.fd, "a", 0755) < 0)
		return -1;
	int f = openat(tree.fd, "a/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (f < 0)
		return -1;
	close(f);
	if (symlinkat("a/f", tree.fd, "rel") < 0 || symlinkat("/a/f", tree.fd, "abs") < 0 ||
	    symlinkat("../../../..", tree.fd, "up") < 0 || symlinkat("/a", tree.fd, "adir") < 0 ||
	    symlinkat("loop", tree.fd, "loop") < 0 || symlinkat("a/f", tree.fd, "chain0") < 0)
		return -1;
	for (int i = 1; i <= 41; i++) {
		char name[32], target[32];
		snprintf(name, sizeof name, "chain%d", i);
		snprintf(target, sizeof target, "chain%d", i - 1);
		if (symlinkat(target, tree.fd, name) < 0)
			return -1;
	}
	return 0;
}

static int remove_tree(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tree.dir);
	int rc = system(cmd);
	free(cmd);
	close(tree.fd);
	return rc == 0 ? 0 : -1;
}

/* What a walk gave: an fd, or -errno. */
static int walk(const char *path, int flags, unsigned long long resolve)
{
	errno = 0;
	int fd = resolve_by_steps(tree.fd, path, O_PATH | flags, resolve);
	return fd >= 0 ? fd : -errno;
}

static void expect_file(int fd, const char *rel)
{
	assert_true(fd >= 0);
	int want = openat(tree.fd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	assert_true(want >= 0);
	if (!same_inode(fd, want))
		fail_msg("not %s/%s", tree.dir, rel);
	close(want);
	close(fd);
}

static void steps_follow_links_inside_the_root(void **state)
{
	(void)state;
	expect_file(walk("a/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("rel", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("a", O_DIRECTORY, RESOLVE_IN_ROOT), "a");
	expect_file(walk("adir/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("a//./f", 0, RESOLVE_IN_ROOT), "a/f");
}

/* An absolute path, or an absolute link, starts again from the root. */
static void steps_absolute_means_from_the_root(void **state)
{
	(void)state;
	expect_file(walk("/a/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("abs", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("/", 0, RESOLVE_IN_ROOT), ".");
}

static void steps_never_climb_above_the_root(void **state)
{
	(void)state;
	expect_file(walk("..", 0, RESOLVE_IN_ROOT), ".");
	expect_file(walk("../../a/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("a/../../../a/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("up", 0, RESOLVE_IN_ROOT), ".");
	expect_file(walk("up/a/f", 0, RESOLVE_IN_ROOT), "a/f");
	expect_file(walk("adir/../../..", 0, RESOLVE_IN_ROOT), ".");
}

/* RESOLVE_BENEATH refuses, with EXDEV, what RESOLVE_IN_ROOT would clamp. */
static void steps_beneath_refuses_leaving(void **state)
{
	(void)state;
	expect_file(walk("a/../rel", 0, RESOLVE_BENEATH), "a/f");
	assert_int_equal(walk("/a/f", 0, RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(walk("..", 0, RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(walk("a/../..", 0, RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(walk("abs", 0, RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(walk("up", 0, RESOLVE_BENEATH), -EXDEV);
}

static void steps_refuse_links_when_told(void **state)
{
	(void)state;
	assert_int_equal(walk("rel", 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), -ELOOP);
	assert_int_equal(walk("adir/f", 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), -ELOOP);
	/* O_NOFOLLOW: the last component may be a link, and is opened itself;
	 * links before it are followed */
	expect_file(walk("adir/f", O_NOFOLLOW, RESOLVE_IN_ROOT), "a/f");
	int fd = walk("rel", O_NOFOLLOW, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
	struct stat st;
	assert_true(fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode));
	close(fd);
}

/* The kernel's limit: 40 links in one path. */
static void steps_count_links_like_the_kernel(void **state)
{
	(void)state;
	assert_int_equal(walk("loop", 0, RESOLVE_IN_ROOT), -ELOOP);
	expect_file(walk("chain39", 0, RESOLVE_IN_ROOT), "a/f"); /* 40 links */
	assert_int_equal(walk("chain40", 0, RESOLVE_IN_ROOT), -ELOOP);
	assert_int_equal(walk("chain41", 0, RESOLVE_IN_ROOT), -ELOOP);
}

static void steps_report_missing_and_wrong_type(void **state)
{
	(void)state;
	assert_int_equal(walk("nothing", 0, RESOLVE_IN_ROOT), -ENOENT);
	assert_int_equal(walk("a/nothing/f", 0, RESOLVE_IN_ROOT), -ENOENT);
	assert_int_equal(walk("a/f/g", 0, RESOLVE_IN_ROOT), -ENOTDIR);
	assert_int_equal(walk("a/f", O_DIRECTORY, RESOLVE_IN_ROOT), -ENOTDIR);
	assert_int_equal(walk("rel", O_DIRECTORY, RESOLVE_IN_ROOT), -ENOTDIR);
	/* a trailing slash asks for a directory, as O_DIRECTORY does */
	assert_int_equal(walk("a/f/", 0, RESOLVE_IN_ROOT), -ENOTDIR);
	assert_int_equal(walk("rel/", O_NOFOLLOW, RESOLVE_IN_ROOT), -ENOTDIR);
	expect_file(walk("adir/", O_NOFOLLOW, RESOLVE_IN_ROOT), "a");
	assert_int_equal(walk("", 0, RESOLVE_IN_ROOT), -ENOENT);
}

/* Links on a procfs are never followed with RESOLVE_NO_MAGICLINKS: among
 * them /proc/self/root, which leads out of any root. */
static void steps_refuse_proc_links(void **state)
{
	(void)state;
	int fd = resolve_by_steps(AT_FDCWD, "/proc/self/root/etc", O_PATH, RESOLVE_NO_MAGICLINKS);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, ELOOP);
	fd = resolve_by_steps(AT_FDCWD, "/proc/self/root/etc", O_PATH, 0);
	assert_true(fd >= 0);
	close(fd);
}

/* Every case above again, through openat2 where the kernel has it: the walk
 * must give the same file or the same error. */
static const struct {
	const char *path;
	int flags;
	unsigned long long resolve;
} cases[] = {
	{ "a/f", 0, RESOLVE_IN_ROOT },        { "rel", 0, RESOLVE_IN_ROOT },
	{ "adir/f", 0, RESOLVE_IN_ROOT },     { "a//./f", 0, RESOLVE_IN_ROOT },
	{ "/a/f", 0, RESOLVE_IN_ROOT },       { "abs", 0, RESOLVE_IN_ROOT },
	{ "/", 0, RESOLVE_IN_ROOT },          { "..", 0, RESOLVE_IN_ROOT },
	{ "../../a/f", 0, RESOLVE_IN_ROOT },  { "up/a/f", 0, RESOLVE_IN_ROOT },
	{ "adir/../../..", 0, RESOLVE_IN_ROOT },
	{ "a/../rel", 0, RESOLVE_BENEATH },   { "/a/f", 0, RESOLVE_BENEATH },
	{ "..", 0, RESOLVE_BENEATH },         { "abs", 0, RESOLVE_BENEATH },
	{ "up", 0, RESOLVE_BENEATH },         { "rel", 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS },
	{ "rel", O_NOFOLLOW, RESOLVE_IN_ROOT }, { "adir/f", O_NOFOLLOW, RESOLVE_IN_ROOT },
	{ "loop", 0, RESOLVE_IN_ROOT },
	{ "chain39", 0, RESOLVE_IN_ROOT },    { "chain40", 0, RESOLVE_IN_ROOT },
	{ "nothing", 0, RESOLVE_IN_ROOT },    { "a/f/g", 0, RESOLVE_IN_ROOT },
	{ "a/f", O_DIRECTORY, RESOLVE_IN_ROOT }, { "a", O_DIRECTORY, RESOLVE_IN_ROOT },
	{ "a/", 0, RESOLVE_IN_ROOT },         { "adir/", 0, RESOLVE_IN_ROOT },
	{ "a/f/", 0, RESOLVE_IN_ROOT },       { "rel/", 0, RESOLVE_IN_ROOT },
	{ "adir//", O_NOFOLLOW, RESOLVE_IN_ROOT }, { "rel/", O_NOFOLLOW, RESOLVE_IN_ROOT },
	{ "", 0, RESOLVE_IN_ROOT },
};

static void steps_agree_with_openat2(void **state)
{
	(void)state;
	struct open_how probe = { .flags = O_PATH };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &probe, sizeof probe);
	if (fd < 0)
		skip(); /* before Linux 5.6: the walk is all there is */
	close(fd);
	int differ = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC | cases[i].flags, .resolve = cases[i].resolve };
		errno = 0;
		int kernel = (int)syscall(SYS_openat2, tree.fd, cases[i].path, &how, sizeof how);
		int kernel_errno = errno;
		int ours = walk(cases[i].path, cases[i].flags, cases[i].resolve);
		if (kernel < 0 ? ours != -kernel_errno : ours < 0 || !same_inode(kernel, ours)) {
			print_message("'%s': openat2 %s, the walk %s\n", cases[i].path,
				      kernel >= 0 ? "opened it" : strerror(kernel_errno),
				      ours < 0 ? strerror(-ours) : kernel >= 0 ? "another file" : "opened it");
			differ++;
		}
		if (kernel >= 0)
			close(kernel);
		if (ours >= 0)
			close(ours);
	}
	assert_int_equal(differ, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abspath_joins_relative_paths_to_the_cwd),
		cmocka_unit_test(abspath_empty_and_dot_are_the_cwd),
		cmocka_unit_test(abspath_folds_slashes_and_dots),
		cmocka_unit_test(abspath_never_climbs_above_the_root),
		cmocka_unit_test(abspath_dotted_names_are_names),
		cmocka_unit_test(steps_follow_links_inside_the_root),
		cmocka_unit_test(steps_absolute_means_from_the_root),
		cmocka_unit_test(steps_never_climb_above_the_root),
		cmocka_unit_test(steps_beneath_refuses_leaving),
		cmocka_unit_test(steps_refuse_links_when_told),
		cmocka_unit_test(steps_count_links_like_the_kernel),
		cmocka_unit_test(steps_report_missing_and_wrong_type),
		cmocka_unit_test(steps_refuse_proc_links),
		cmocka_unit_test(steps_agree_with_openat2),
	};
	return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
