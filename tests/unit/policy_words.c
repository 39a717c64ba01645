/* tests/unit/policy_words.c: split_policy_words, which cuts a line of a
 * policy file or a seccomp list into words in place: blanks (space, tab,
 * CR) separate, quotes group (in "...", \" and \\ escape; '...' is
 * literal), # starts a comment at the start of a word, and a line with
 * more words than the caller takes is refused rather than cut short. */
#include "unit.h"
#include "policy.h"

#include <string.h>

#define MAX_WORDS 8

/* The words of line, joined by '|', or "ERROR: <message>". */
static const char *split(const char *line, int max)
{
	static char buf[512], out[600];
	char *words[MAX_WORDS];
	int n = -1;
	snprintf(buf, sizeof buf, "%s", line);
	if (split_policy_words(buf, words, max, &n) < 0) {
		snprintf(out, sizeof out, "ERROR: %s", error_text());
		return out;
	}
	assert_true(n >= 0 && n <= max);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		/* every word lies inside the line's own buffer */
		assert_true(words[i] >= buf && words[i] < buf + sizeof buf);
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "|" : "", words[i]);
	}
	return out;
}

static void blanks_separate(void **state)
{
	(void)state;
	assert_string_equal(split("bind /a /b", MAX_WORDS), "bind|/a|/b");
	assert_string_equal(split("  \tbind\t\t/a  ", MAX_WORDS), "bind|/a");
	assert_string_equal(split("deny personality\r", MAX_WORDS), "deny|personality");
	assert_string_equal(split("\ra\r\r\tb", MAX_WORDS), "a|b");
}

static void empty_and_blank_lines_have_no_words(void **state)
{
	(void)state;
	assert_string_equal(split("", MAX_WORDS), "");
	assert_string_equal(split(" \t \r", MAX_WORDS), "");
}

static void hash_starts_a_comment_only_at_a_word(void **state)
{
	(void)state;
	assert_string_equal(split("# a comment", MAX_WORDS), "");
	assert_string_equal(split("tmpfs /x # why", MAX_WORDS), "tmpfs|/x");
	assert_string_equal(split("tmpfs /x#y", MAX_WORDS), "tmpfs|/x#y");
	assert_string_equal(split("a \"#b\"", MAX_WORDS), "a|#b");
}

static void double_quotes_group_and_escape(void **state)
{
	(void)state;
	assert_string_equal(split("env A=\"x y\" z", MAX_WORDS), "env|A=x y|z");
	assert_string_equal(split("\"a \\\"b\\\" c\"", MAX_WORDS), "a \"b\" c");
	assert_string_equal(split("\"a\\\\b\"", MAX_WORDS), "a\\b");
	/* other backslashes are kept as they are */
	assert_string_equal(split("\"a\\nb\" c\\d", MAX_WORDS), "a\\nb|c\\d");
	assert_string_equal(split("\"\" x", MAX_WORDS), "|x");
	assert_string_equal(split("x\"y z\"w", MAX_WORDS), "xy zw");
}

static void single_quotes_are_literal(void **state)
{
	(void)state;
	assert_string_equal(split("'a \"b\" \\c'", MAX_WORDS), "a \"b\" \\c");
	assert_string_equal(split("'a\\' b", MAX_WORDS), "a\\|b");
	assert_string_equal(split("'it'\"'\"'s'", MAX_WORDS), "it's");
}

static void an_unterminated_quote_is_an_error(void **state)
{
	(void)state;
	assert_string_equal(split("env A=\"x y", MAX_WORDS), "ERROR: unterminated \" quote");
	assert_string_equal(split("'x", MAX_WORDS), "ERROR: unterminated ' quote");
	assert_string_equal(split("\"x\\\"", MAX_WORDS), "ERROR: unterminated \" quote");
}

static void more_words_than_taken_is_an_error(void **state)
{
	(void)state;
	assert_string_equal(split("a b c", 3), "a|b|c");
	assert_string_equal(split("a b c # d e", 3), "a|b|c");
	assert_string_equal(split("a b c d", 3), "ERROR: too many words");
	assert_string_equal(split("a", 0), "ERROR: too many words");
	assert_string_equal(split("# nothing", 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blanks_separate),
		cmocka_unit_test(empty_and_blank_lines_have_no_words),
		cmocka_unit_test(hash_starts_a_comment_only_at_a_word),
		cmocka_unit_test(double_quotes_group_and_escape),
		cmocka_unit_test(single_quotes_are_literal),
		cmocka_unit_test(an_unterminated_quote_is_an_error),
		cmocka_unit_test(more_words_than_taken_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
