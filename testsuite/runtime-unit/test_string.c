/* test_string.c - the language's string operations (runtime/string.c). */
#include "unit.h"

static void test_strings(void)
{
	char a[MAXSTRINGLEN], b[MAXSTRINGLEN], big[MAXSTRINGLEN + 50];

	unit_begin("string_ops");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	_stp_strlcpy(a, "hello");
	UNIT_EQ_STR(a, "hello");
	_stp_strlcpy(a, a);
	UNIT_EQ_STR(a, "hello");
	_stp_strlcpy(b, big);
	UNIT_EQ_LONG(strlen(b), MAXSTRINGLEN - 1);

	_stp_concat(b, "foo", "bar");
	UNIT_EQ_STR(b, "foobar");
	_stp_concat(a, a, " world");            /* s .= t */
	UNIT_EQ_STR(a, "hello world");
	_stp_concat(a, a, a);                   /* s .= s */
	UNIT_EQ_STR(a, "hello worldhello world");
	_stp_concat(a, "", "");
	UNIT_EQ_STR(a, "");
	_stp_strlcpy(a, "ab");
	_stp_concat(a, a, big);                 /* cut at MAXSTRINGLEN - 1 */
	UNIT_EQ_LONG(strlen(a), MAXSTRINGLEN - 1);
	UNIT_CHECK(a[0] == 'a' && a[1] == 'b' && a[2] == 'x', "prefix kept: %.4s", a);
	_stp_concat(b, big, "tail");
	UNIT_EQ_LONG(strlen(b), MAXSTRINGLEN - 1);

	UNIT_CHECK(_stp_strcmp("a", "b") < 0, "a < b");
	UNIT_CHECK(_stp_strcmp("b", "a") > 0, "b > a");
	UNIT_CHECK(_stp_strcmp("", "") == 0, "\"\" == \"\"");
	UNIT_CHECK(_stp_strcmp("ab", "abc") < 0, "ab < abc");
	UNIT_CHECK(_stp_strcmp("\xc3\xa9", "z") > 0, "bytes compare unsigned");
	unit_end();
}

int main(void)
{
	test_strings();
	return unit_failures != 0;
}
