/* test_regex.c - s =~ re (runtime/regex.c): POSIX ERE, leftmost-longest,
 * groups for matched(n), errors for malformed patterns, bounded work. */
#include "unit.h"

static struct context ctx;

/* Group n of the last match as text, "<unset>" for a group that did not
 * take part. */
static const char *group(int n)
{
	static char buf[MAXSTRINGLEN];

	if (n >= ctx.re_ngroups || ctx.re_start[n] < 0)
		return "<unset>";
	snprintf(buf, sizeof(buf), "%.*s", ctx.re_end[n] - ctx.re_start[n],
		 ctx.re_subject + ctx.re_start[n]);
	return buf;
}

struct re_case {
	const char *s, *re;
	int result;
	int ngroups;            /* re_ngroups after a match */
	const char *g[3];       /* groups 0..2 when result is 1 */
};

static const struct re_case cases[] = {
	{ "hello", "ell", 1, 1, { "ell" } },
	{ "hello", "^h", 1, 1, { "h" } },
	{ "hello", "^e", 0 },
	{ "hello", "o$", 1, 1, { "o" } },
	{ "hello", "l$", 0 },
	{ "an example string", "str(ing)", 1, 2, { "string", "ing" } },
	{ "aaa", "a*", 1, 1, { "aaa" } },
	{ "baaa", "a*", 1, 1, { "" } },
	{ "baaa", "a+", 1, 1, { "aaa" } },
	{ "xabcabcy", "(abc)+", 1, 2, { "abcabc", "abc" } },
	{ "abcd", "a|ab|abc", 1, 1, { "abc" } },
	{ "xyabcd", "(a|ab)(c|bcd)", 1, 3, { "abcd" } },
	{ "foo123bar", "[0-9]+", 1, 1, { "123" } },
	{ "foo123bar", "[[:alpha:]]+$", 1, 1, { "bar" } },
	{ "foo bar", "[[:space:]][[:lower:]]", 1, 1, { " b" } },
	{ "x-y", "[^a-z]", 1, 1, { "-" } },
	{ "a]b", "[]]", 1, 1, { "]" } },
	{ "a-b", "[a-]+", 1, 1, { "a-" } },
	{ "a.b", "a\\.b", 1, 1, { "a.b" } },
	{ "axb", "a\\.b", 0 },
	{ "axb", "a.b", 1, 1, { "axb" } },
	{ "aaaa", "a{2,3}", 1, 1, { "aaa" } },
	{ "aaaa", "a{2}", 1, 1, { "aa" } },
	{ "aaaa", "a{2,}", 1, 1, { "aaaa" } },
	{ "ac", "ab{0}c", 1, 1, { "ac" } },
	{ "a{b", "a{b", 1, 1, { "a{b" } },
	{ "abab", "(a|b){3}", 1, 2, { "aba", "a" } },
	{ "", "^$", 1, 1, { "" } },
	{ "abc", "", 1, 1, { "" } },
	{ "color colour", "colou?r", 1, 1, { "color" } },
	{ "xyz", "(a)|(x)", 1, 3, { "x", "<unset>", "x" } },
	{ "ABC", "abc", 0 },
	{ "tab\there", "\t", 1, 1, { "\t" } },
	{ "0x1F", "0x[[:xdigit:]]+", 1, 1, { "0x1F" } },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", "(a|aa)*c", 1, 2,
	  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", "a" } },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "(a*)*b", 0 },
	{ "xyz", "(((((((((y)))))))))", 1, 10, { "y", "y", "y" } },
};

static void test_matches(void)
{
	unsigned i;
	int n, rc;

	unit_begin("regex_match");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct re_case *rc_ = &cases[i];

		ctx.last_error = NULL;
		rc = _stp_regex_match(&ctx, rc_->s, rc_->re, "here");
		if (ctx.last_error) {
			unit_fail("\"%s\" =~ \"%s\": error %s", rc_->s, rc_->re, ctx.last_error);
			continue;
		}
		if (rc != rc_->result) {
			unit_fail("\"%s\" =~ \"%s\" = %d, want %d", rc_->s, rc_->re, rc, rc_->result);
			continue;
		}
		if (!rc) {
			UNIT_CHECK(ctx.re_ngroups == 0, "\"%s\" =~ \"%s\": failed match has groups",
				   rc_->s, rc_->re);
			continue;
		}
		UNIT_CHECK(ctx.re_ngroups == rc_->ngroups, "\"%s\" =~ \"%s\": %d groups, want %d",
			   rc_->s, rc_->re, ctx.re_ngroups, rc_->ngroups);
		for (n = 0; n < 3 && rc_->g[n]; n++)
			UNIT_CHECK(!strcmp(group(n), rc_->g[n]),
				   "\"%s\" =~ \"%s\": group %d \"%s\", want \"%s\"", rc_->s, rc_->re,
				   n, group(n), rc_->g[n]);
	}
	unit_end();
}

static void test_groups10(void)
{
	unit_begin("regex_groups");
	UNIT_EQ_LONG(_stp_regex_match(&ctx, "abcdefghijk", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)",
				      NULL), 1);
	UNIT_EQ_LONG(ctx.re_ngroups, 10);
	UNIT_EQ_STR(group(9), "i");
	UNIT_EQ_STR(group(0), "abcdefghijk");
	/* the subject is kept: matched() works after the source changes */
	{
		char s[] = "key=value";

		UNIT_EQ_LONG(_stp_regex_match(&ctx, s, "=(.*)", NULL), 1);
		s[4] = 'X';
		UNIT_EQ_STR(group(1), "value");
	}
	unit_end();
}

static void test_errors(void)
{
	static const char *const bad[] = {
		"(ab", "ab)", "a{2,1}", "*a", "[a", "[[:foo:]]", "[z-a]", "a\\",
		"((((((((((((((((((x))))))))))))))))))", "(a{255}){255}",
	};
	unsigned i;

	unit_begin("regex_errors");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx.last_error = NULL;
		ctx.last_loc = NULL;
		UNIT_EQ_LONG(_stp_regex_match(&ctx, "ab", bad[i], "loc"), 0);
		UNIT_CHECK(ctx.last_error != NULL && ctx.last_loc && !strcmp(ctx.last_loc, "loc"),
			   "\"%s\" must be an error", bad[i]);
		UNIT_EQ_LONG(ctx.re_ngroups, 0);
	}
	unit_end();
}

int main(void)
{
	if (_stp_regex_init()) {
		printf("FAIL: runtime-unit/regex (no work area)\n");
		return 1;
	}
	test_matches();
	test_groups10();
	test_errors();
	_stp_regex_exit();
	return unit_failures != 0;
}
