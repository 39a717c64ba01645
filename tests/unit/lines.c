/* tests/unit/lines.c: for_each_line, which reads /proc/self/mountinfo for
 * the cgroup mounts through a 4 KiB buffer on the stack, and
 * split_mountinfo.  Every line comes out whole and without its newline,
 * whichever read it straddles; the last one without a newline too; one
 * longer than the buffer is passed over, and the lines around it are not;
 * a mountinfo line splits into its root, mount point (unescaped), type,
 * source and super options. */
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seen {
	char *text; /* the lines, each followed by '|' */
	size_t len;
};

static void collect(char *line, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(line);
	s->text = realloc(s->text, s->len + n + 2);
	memcpy(s->text + s->len, line, n);
	s->text[s->len + n] = '|';
	s->len += n + 1;
	s->text[s->len] = '\0';
}

static char *lines_of(const char *content, size_t size)
{
	char path[] = "/tmp/sbx-unit-lines.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, size), (ssize_t)size);
	close(fd);
	struct seen s = { calloc(1, 1), 0 };
	assert_int_equal(for_each_line(path, collect, &s), 0);
	unlink(path);
	return s.text;
}

static void lines_come_out_whole(void **state)
{
	(void)state;
	char *got = lines_of("one\ntwo\n\nlast", 14);
	assert_string_equal(got, "one|two||last|");
	free(got);
	/* many lines of 100 bytes: some straddle the 4 KiB reads */
	char *big = malloc(100 * 101 + 1), *want = malloc(100 * 101 + 1);
	for (int i = 0; i < 100; i++) {
		memset(big + i * 101, 'a' + i % 26, 100);
		big[i * 101 + 100] = '\n';
		memcpy(want + i * 101, big + i * 101, 100);
		want[i * 101 + 100] = '|';
	}
	want[100 * 101] = '\0';
	got = lines_of(big, 100 * 101);
	assert_string_equal(got, want);
	free(got);
	free(big);
	free(want);
}

static void an_overlong_line_is_passed_over(void **state)
{
	(void)state;
	size_t n = 10000;
	char *text = malloc(n + 20);
	strcpy(text, "before\n");
	memset(text + 7, 'x', n);
	strcpy(text + 7 + n, "\nafter\n");
	char *got = lines_of(text, strlen(text));
	assert_string_equal(got, "before|after|");
	free(got);
	free(text);
	assert_int_equal(for_each_line("/nonexistent/sbx", collect, NULL), -1);
}

static void a_mountinfo_line_splits(void **state)
{
	(void)state;
	char line[] = "36 25 0:31 /user.slice /sys/fs/cgroup/a\\040b rw,nosuid shared:9 master:1 - cgroup cgroup "
		      "rw,memory";
	struct mountinfo_line m;
	assert_true(split_mountinfo(line, &m));
	assert_string_equal(m.root, "/user.slice");
	assert_string_equal(m.point, "/sys/fs/cgroup/a b");
	assert_string_equal(m.fstype, "cgroup");
	assert_string_equal(m.source, "cgroup");
	assert_string_equal(m.super, "rw,memory");
	char cut[] = "36 25 0:31 / /sys rw - sysfs";
	assert_false(split_mountinfo(cut, &m));
	char shortline[] = "36 25 0:31";
	assert_false(split_mountinfo(shortline, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_come_out_whole),
		cmocka_unit_test(an_overlong_line_is_passed_over),
		cmocka_unit_test(a_mountinfo_line_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
