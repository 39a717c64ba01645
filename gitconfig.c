/* gitconfig.c: git's configuration files, read the way git reads them
 * (git's config.c), for --protect-git to know what git will obey after
 * the run: which hooks directory (core.hooksPath) and which files it
 * includes (include.path, includeIf.*.path).
 *
 * The syntax: "[section]", "[section \"subsection\"]" (the subsection as
 * written, \" and \\ escaped) or the old "[section.subsection]"; section
 * and variable names of any case; a variable may follow the header on the
 * same line; "name = value" or a bare "name" (true); a value keeps its
 * inner blanks, drops those around it, may be quoted in part ("a" b"c"),
 * escaped (\t \b \n \" \\) and continued by a backslash at the end of the
 * line; # and ; start a comment outside quotes; CRLF as LF.  git refuses a
 * whole file at the first line it cannot read, and so runs nothing of it:
 * the reading stops there too. */
#include "util.h"
#include "git.h"

#include <stdlib.h>
#include <string.h>

struct source {
	const char *s;
	bool eof;
};

/* git's own character classes: ASCII only, whatever the locale. */
static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_keychar(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* The next character, CRLF as LF; at the end '\n' with eof set. */
static int next_char(struct source *src)
{
	if (*src->s == '\0') {
		src->eof = true;
		return '\n';
	}
	int c = (unsigned char)*src->s++;
	if (c == '\r' && *src->s == '\n')
		c = (unsigned char)*src->s++;
	return c;
}

struct strb {
	char *buf;
	size_t len, size; /* size: the text's length + 1, more than any part of it needs */
};

static void add(struct strb *b, int c)
{
	if (b->len + 1 < b->size)
		b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

static void reset(struct strb *b)
{
	b->len = 0;
	b->buf[0] = '\0';
}

/* After "[": the section (lowercased) and the subsection, if any, up to
 * the "]"; false where git gives up. */
static bool read_header(struct source *src, struct strb *section, struct strb *sub, bool *has_sub)
{
	reset(section);
	reset(sub);
	*has_sub = false;
	int c;
	for (;;) {
		c = next_char(src);
		if (src->eof)
			return false;
		if (c == ']')
			return section->len > 0;
		if (is_space(c))
			break;
		if (!is_keychar(c) && c != '.')
			return false;
		add(section, lower(c));
	}
	/* [section "subsection"] */
	do {
		if (c == '\n')
			return false;
		c = next_char(src);
	} while (is_space(c));
	if (c != '"')
		return false;
	*has_sub = true;
	for (;;) {
		c = next_char(src);
		if (c == '\n')
			return false;
		if (c == '"')
			break;
		if (c == '\\') {
			c = next_char(src);
			if (c == '\n')
				return false;
		}
		add(sub, c);
	}
	return next_char(src) == ']';
}

/* After "name =": the value, to the end of its (last) line. */
static bool read_value(struct source *src, struct strb *value)
{
	bool quote = false, comment = false;
	size_t trim = 0;
	reset(value);
	for (;;) {
		int c = next_char(src);
		if (c == '\n') {
			if (quote)
				return false;
			if (trim) {
				value->len = trim;
				value->buf[trim] = '\0';
			}
			return true;
		}
		if (comment)
			continue;
		if (is_space(c) && !quote) {
			if (!trim)
				trim = value->len;
			if (value->len)
				add(value, c);
			continue;
		}
		if (!quote && (c == ';' || c == '#')) {
			comment = true;
			continue;
		}
		trim = 0;
		if (c == '\\') {
			c = next_char(src);
			switch (c) {
			case '\n':
				continue;
			case 't':
				c = '\t';
				break;
			case 'b':
				c = '\b';
				break;
			case 'n':
				c = '\n';
				break;
			case '\\':
			case '"':
				break;
			default:
				return false;
			}
			add(value, c);
			continue;
		}
		if (c == '"') {
			quote = !quote;
			continue;
		}
		add(value, c);
	}
}

bool parse_gitconfig(const char *text, gitconfig_fn *each, void *data)
{
	size_t size = strlen(text) + 1;
	struct strb section = { xcalloc(1, size), 0, size }, sub = { xcalloc(1, size), 0, size },
		    name = { xcalloc(1, size), 0, size }, value = { xcalloc(1, size), 0, size };
	struct source src = { text, false };
	bool comment = false, has_sub = false, ok = true;
	reset(&section);
	reset(&sub);
	if (strncmp(src.s, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte order mark */
		src.s += 3;
	for (;;) {
		int c = next_char(&src);
		if (c == '\n') {
			if (src.eof)
				break;
			comment = false;
			continue;
		}
		if (comment || is_space(c))
			continue;
		if (c == '#' || c == ';') {
			comment = true;
			continue;
		}
		if (c == '[') {
			if (!(ok = read_header(&src, &section, &sub, &has_sub)))
				break;
			continue;
		}
		if (!is_alpha(c)) {
			ok = false;
			break;
		}
		reset(&name);
		add(&name, lower(c));
		for (;;) {
			c = next_char(&src);
			if (src.eof || !is_keychar(c))
				break;
			add(&name, lower(c));
		}
		while (c == ' ' || c == '\t')
			c = next_char(&src);
		bool bare = c == '\n';
		if (!bare && (c != '=' || !read_value(&src, &value))) {
			ok = false;
			break;
		}
		each(data, section.buf, has_sub ? sub.buf : NULL, name.buf, bare ? NULL : value.buf);
	}
	free(section.buf);
	free(sub.buf);
	free(name.buf);
	free(value.buf);
	return ok;
}
