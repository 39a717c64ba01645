/* tests/unit/gitconfig.c: git's configuration syntax (gitconfig.c), as git
 * 2.39 reads each of these (git config -f FILE --list gives the same):
 * the header and a variable on one line, names of any case, subsections,
 * quoted, escaped and continued values, comments, CRLF; and a file git
 * refuses is read up to the line it refuses. */
#include "unit.h"
#include "git.h"

#include <string.h>

static char seen[4096];

static void collect(void *data, const char *section, const char *sub, const char *name, const char *value)
{
	(void)data;
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof seen - n, "%s%s%s.%s%s%s\n", section, sub ? "." : "", sub ? sub : "", name,
		 value ? "=" : "", value ? value : "");
}

static const char *parse(const char *text, bool want_ok)
{
	seen[0] = '\0';
	assert_int_equal(parse_gitconfig(text, collect, NULL), want_ok);
	return seen;
}

static void header_and_variable_on_one_line(void **state)
{
	(void)state;
	assert_string_equal(parse("[core] hooksPath = .githooks\n", true), "core.hookspath=.githooks\n");
	assert_string_equal(parse("[core]hooksPath=.githooks", true), "core.hookspath=.githooks\n");
	assert_string_equal(parse("\xef\xbb\xbf[core] ; c\n\tbare\n", true), "core.bare\n");
}

static void names_of_any_case_and_subsections(void **state)
{
	(void)state;
	assert_string_equal(parse("[CoRe]\n\tHOOKSPATH = x\n", true), "core.hookspath=x\n");
	assert_string_equal(parse("[includeIf \"gitdir:~/W/\"]\npath = a.cfg\n", true),
			    "includeif.gitdir:~/W/.path=a.cfg\n");
	assert_string_equal(parse("[a \"q\\\"\\\\x\"] k = v\n", true), "a.q\"\\x.k=v\n");
	assert_string_equal(parse("[Core.X] k = v\n", true), "core.x.k=v\n");
	assert_string_equal(parse("k = before any section\n[s]\n", true), ".k=before any section\n");
}

static void values_quoted_escaped_continued(void **state)
{
	(void)state;
	assert_string_equal(parse("[s]\n k =  a  b  \n", true), "s.k=a  b\n");
	assert_string_equal(parse("[s]\n k = \".h\"2 ; comment\n", true), "s.k=.h2\n");
	assert_string_equal(parse("[s]\n k = \"a ; b # c\" # d\n", true), "s.k=a ; b # c\n");
	assert_string_equal(parse("[s]\n k = a\\\n  b\n", true), "s.k=a  b\n");
	assert_string_equal(parse("[s]\n k = .h\\\n3\n", true), "s.k=.h3\n");
	assert_string_equal(parse("[s]\r\n k = a\\t\\\"\\\\\r\n", true), "s.k=a\t\"\\\n");
	assert_string_equal(parse("[s]\n k=v#c\n k2 = ;\n", true), "s.k=v\ns.k2=\n");
}

static void refused_lines_stop_the_reading(void **state)
{
	(void)state;
	assert_string_equal(parse("[s]\n a = 1\n b = \"open\n c = 3\n", false), "s.a=1\n");
	assert_string_equal(parse("[s]\n a = \\q\n", false), "");
	assert_string_equal(parse("[s\n", false), "");
	assert_string_equal(parse("[]\n", false), "");
	assert_string_equal(parse("[s \"x\" ]\n", false), "");
	assert_string_equal(parse("[s]\n a b\n", false), "");
	assert_string_equal(parse("[s]\n 1a = x\n", false), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_and_variable_on_one_line),
		cmocka_unit_test(names_of_any_case_and_subsections),
		cmocka_unit_test(values_quoted_escaped_continued),
		cmocka_unit_test(refused_lines_stop_the_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
