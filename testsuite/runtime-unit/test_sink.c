/* test_sink.c - sinks and printf directives (runtime/sink.c).
 *
 * The format table holds systemtap 4.8's output for each directive; the
 * rows marked "upstream" are where it differs from C's printf. */
#include "unit.h"

#define F_L STP_FMT_F_LEFT
#define F_P STP_FMT_F_PLUS
#define F_S STP_FMT_F_SPACE
#define F_A STP_FMT_F_ALT
#define F_Z STP_FMT_F_ZERO
#define F_U STP_FMT_F_UPPER

static const char mem[] = "hello";

struct fmt_case {
	const char *what;
	int conv;
	unsigned flags;
	int width, prec;
	int64_t num;
	const char *str;
	const char *want;
	size_t wantlen;         /* 0: strlen(want) */
};

#define N(w, c, f, wd, p, v, out) { w, c, f, wd, p, v, NULL, out, 0 }
#define S(w, f, wd, p, s, out) { w, STP_FMT_STRING, f, wd, p, 0, s, out, 0 }
#define B(w, c, f, wd, p, v, out, len) { w, c, f, wd, p, v, NULL, out, len }

static const struct fmt_case cases[] = {
	N("%d 0", STP_FMT_SIGNED, 0, -1, -1, 0, "0"),
	N("%d -5", STP_FMT_SIGNED, 0, -1, -1, -5, "-5"),
	N("%d min", STP_FMT_SIGNED, 0, -1, -1, INT64_MIN, "-9223372036854775808"),
	N("%d max", STP_FMT_SIGNED, 0, -1, -1, INT64_MAX, "9223372036854775807"),
	N("%5d", STP_FMT_SIGNED, 0, 5, -1, 42, "   42"),
	N("%-5d", STP_FMT_SIGNED, F_L, 5, -1, 42, "42   "),
	N("%05d", STP_FMT_SIGNED, F_Z, 5, -1, 42, "00042"),
	N("%05d neg", STP_FMT_SIGNED, F_Z, 5, -1, -42, "-0042"),
	N("%-05d", STP_FMT_SIGNED, F_L | F_Z, 5, -1, 42, "42   "),
	N("%+d", STP_FMT_SIGNED, F_P, -1, -1, 5, "+5"),
	N("% d", STP_FMT_SIGNED, F_S, -1, -1, 5, " 5"),
	N("%+ d", STP_FMT_SIGNED, F_P | F_S, -1, -1, 5, "+5"),
	N("%+d neg", STP_FMT_SIGNED, F_P, -1, -1, -5, "-5"),
	N("%-+6d", STP_FMT_SIGNED, F_L | F_P, 6, -1, 3, "+3    "),
	N("%.3d", STP_FMT_SIGNED, 0, -1, 3, 7, "007"),
	N("%8.3d", STP_FMT_SIGNED, 0, 8, 3, -7, "    -007"),
	N("%08.3d upstream", STP_FMT_SIGNED, F_Z, 8, 3, 7, "00000007"),
	N("%.0d 0 upstream", STP_FMT_SIGNED, 0, -1, 0, 0, "0"),
	N("%2d wider", STP_FMT_SIGNED, 0, 2, -1, 12345, "12345"),
	N("%u -1", STP_FMT_UNSIGNED, 0, -1, -1, -1, "18446744073709551615"),
	N("%+u", STP_FMT_UNSIGNED, F_P, -1, -1, 5, "5"),
	N("%o", STP_FMT_OCTAL, 0, -1, -1, 8, "10"),
	N("%#o", STP_FMT_OCTAL, F_A, -1, -1, 8, "010"),
	N("%#o 0 upstream", STP_FMT_OCTAL, F_A, -1, -1, 0, "00"),
	N("%#.3o upstream", STP_FMT_OCTAL, F_A, -1, 3, 8, "0010"),
	N("%#5o", STP_FMT_OCTAL, F_A, 5, -1, 8, "  010"),
	N("%x", STP_FMT_HEX, 0, -1, -1, 255, "ff"),
	N("%X", STP_FMT_HEX, F_U, -1, -1, 255, "FF"),
	N("%#x", STP_FMT_HEX, F_A, -1, -1, 255, "0xff"),
	N("%#X", STP_FMT_HEX, F_A | F_U, -1, -1, 255, "0XFF"),
	N("%#x 0 upstream", STP_FMT_HEX, F_A, -1, -1, 0, "0x0"),
	/* the peer's output (testsuite/run/printf_hash_zero_x): '#' stops zeros */
	N("%#08x", STP_FMT_HEX, F_A | F_Z, 8, -1, 255, "    0xff"),
	N("%+05d", STP_FMT_SIGNED, F_P | F_Z, 5, -1, 7, "   +7"),
	N("%#8x", STP_FMT_HEX, F_A, 8, -1, 255, "    0xff"),
	N("%-#8x", STP_FMT_HEX, F_A | F_L, 8, -1, 255, "0xff    "),
	N("%x -1", STP_FMT_HEX, 0, -1, -1, -1, "ffffffffffffffff"),
	N("%.4x", STP_FMT_HEX, 0, -1, 4, 0xab, "00ab"),
	N("%p", STP_FMT_POINTER, 0, -1, -1, 0xdeadbeef, "0xdeadbeef"),
	N("%p 0", STP_FMT_POINTER, 0, -1, -1, 0, "0x0"),
	N("%20p", STP_FMT_POINTER, 0, 20, -1, 0x1234, "              0x1234"),
	N("%-10p", STP_FMT_POINTER, F_L, 10, -1, 0x10, "0x10      "),
	N("%p kernel", STP_FMT_POINTER, 0, -1, -1, (int64_t)0xffffffff81000000ULL,
	  "0xffffffff81000000"),
	N("%c", STP_FMT_CHAR, 0, -1, -1, 65, "A"),
	N("%3c", STP_FMT_CHAR, 0, 3, -1, 65, "  A"),
	N("%-3c", STP_FMT_CHAR, F_L, 3, -1, 65, "A  "),
	N("%05c", STP_FMT_CHAR, F_Z, 5, -1, 65, "    A"),
	N("%c low byte", STP_FMT_CHAR, 0, -1, -1, 0x141, "A"),
	N("%#c \\n", STP_FMT_CHAR, F_A, -1, -1, '\n', "\\n"),
	N("%#c 1", STP_FMT_CHAR, F_A, -1, -1, 1, "\\001"),
	N("%#c quote", STP_FMT_CHAR, F_A, -1, -1, '\'', "\\'"),
	N("%#c backslash", STP_FMT_CHAR, F_A, -1, -1, '\\', "\\\\"),
	N("%#c A", STP_FMT_CHAR, F_A, -1, -1, 'A', "A"),
	N("%#c 200", STP_FMT_CHAR, F_A, -1, -1, 200, "\\310"),
	N("%#6c", STP_FMT_CHAR, F_A, 6, -1, 1, "  \\001"),
	B("%c 0", STP_FMT_CHAR, 0, -1, -1, 0, "", 1),
	S("%s", 0, -1, -1, "abc", "abc"),
	S("%5s", 0, 5, -1, "abc", "  abc"),
	S("%-5s", F_L, 5, -1, "abc", "abc  "),
	S("%.2s", 0, -1, 2, "abc", "ab"),
	S("%5.1s", 0, 5, 1, "abc", "    a"),
	S("%.0s", 0, -1, 0, "abc", ""),
	S("%s NULL", 0, -1, -1, NULL, "<NULL>"),
	{ "%05s upstream NUL", STP_FMT_STRING, F_Z, 5, -1, 0, "ab", "   ab", 6 },
	/* the peer's output (testsuite/run/printf_left_zero_combo): no NUL */
	{ "%-05s no NUL", STP_FMT_STRING, F_Z | F_L, 5, -1, 0, "ab", "ab   ", 5 },
	B("%b", STP_FMT_BINARY, 0, -1, -1, 0x0102030405060708LL,
	  "\x08\x07\x06\x05\x04\x03\x02\x01", 8),
	B("%1b", STP_FMT_BINARY, 0, 1, -1, 0x41, "A", 1),
	B("%.2b", STP_FMT_BINARY, 0, -1, 2, 0x4142, "BA", 2),
	B("%4b", STP_FMT_BINARY, 0, 4, -1, 0x41424344, "DCBA", 4),
	B("%3b", STP_FMT_BINARY, 0, 3, -1, 0x41, "A\0\0\0\0\0\0\0", 8),
	B("%4.1b", STP_FMT_BINARY, 0, 4, 1, 0x41, "\0\0\0A", 4),
	B("%-4.1b", STP_FMT_BINARY, F_L, 4, 1, 0x41, "A\0\0\0", 4),
	B("%.3b", STP_FMT_BINARY, 0, -1, 3, 0x41, "A\0\0\0\0\0\0\0", 8),
	N("%m", STP_FMT_MEMORY, 0, -1, -1, (intptr_t)mem, "h"),
	N("%.3m", STP_FMT_MEMORY, 0, -1, 3, (intptr_t)mem, "hel"),
	N("%.0m", STP_FMT_MEMORY, 0, -1, 0, (intptr_t)mem, "h"),
	N("%5.3m", STP_FMT_MEMORY, 0, 5, 3, (intptr_t)mem, "  hel"),
	N("%-5.3m", STP_FMT_MEMORY, F_L, 5, 3, (intptr_t)mem, "hel  "),
	N("%M", STP_FMT_MEMHEX, 0, -1, -1, (intptr_t)mem, "68"),
	N("%.3M", STP_FMT_MEMHEX, 0, -1, 3, (intptr_t)mem, "68656c"),
	N("%8.3M", STP_FMT_MEMHEX, 0, 8, 3, (intptr_t)mem, "  68656c"),
	N("%4.3M narrow", STP_FMT_MEMHEX, 0, 4, 3, (intptr_t)mem, "68656c"),
	N("%#.2m user", STP_FMT_MEMORY, F_A, -1, 2, (intptr_t)mem, "he"),
	B("%06.2m upstream NUL", STP_FMT_MEMORY, F_Z, 6, 2, (intptr_t)mem, "    he", 7),
};

static void test_formats(void)
{
	char buf[MAXSTRINGLEN];
	struct stp_sink s;
	size_t i, len;

	unit_begin("sink_formats");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct fmt_case *fc = &cases[i];

		_stp_sink_string(&s, buf);
		memset(buf, 'Z', sizeof(buf));
		buf[0] = '\0';
		_stp_fmt(&s, fc->conv, fc->flags, fc->width, fc->prec, fc->num, fc->str);
		len = fc->wantlen ? fc->wantlen : strlen(fc->want);
		if (s.len != len || memcmp(buf, fc->want, len) != 0 || buf[s.len] != '\0')
			unit_fail("%s: got \"%s\" (%u bytes), want \"%s\" (%zu bytes)", fc->what,
				  unit_show(buf, s.len), s.len, unit_show(fc->want, len), len);
	}
	unit_end();
}

static void test_memory_fault(void)
{
	char buf[MAXSTRINGLEN];
	struct stp_sink s;

	unit_begin("sink_memory_fault");
	_stp_sink_string(&s, buf);
	UNIT_EQ_LONG(_stp_fmt_memory(&s, STP_FMT_MEMORY, 0, -1, 4, 1), -EFAULT);
	UNIT_EQ_LONG(_stp_fmt_memory(&s, STP_FMT_MEMHEX, 0, -1, 2, (intptr_t)mem), 0);
	UNIT_EQ_STR(buf, "6865");
	unit_end();

	unit_begin("sink_star");
	UNIT_EQ_LONG(_stp_fmt_star(5), 5);
	UNIT_EQ_LONG(_stp_fmt_star(-3), 0);
	UNIT_EQ_LONG(_stp_fmt_star(1LL << 40), 0);             /* (int) of 2^40 */
	UNIT_EQ_LONG(_stp_fmt_star(100000000), 65536);
	_stp_sink_string(&s, buf);
	_stp_fmt(&s, STP_FMT_STRING, 0, -1, _stp_fmt_star(-1), 0, "abc");
	UNIT_EQ_STR(buf, "");                                   /* "%.*s" with -1 */
	unit_end();
}

static void test_string_sink(void)
{
	char buf[MAXSTRINGLEN], big[1000];
	struct stp_sink s;

	unit_begin("sink_string");
	memset(big, 'x', sizeof(big));
	_stp_sink_string(&s, buf);
	UNIT_EQ_STR(buf, "");
	_stp_put(&s, big, sizeof(big));
	UNIT_EQ_LONG(s.len, MAXSTRINGLEN - 1);
	UNIT_EQ_LONG(strlen(buf), MAXSTRINGLEN - 1);
	_stp_putc(&s, 'y');
	_stp_puts(&s, "more");
	UNIT_EQ_LONG(strlen(buf), MAXSTRINGLEN - 1);
	UNIT_CHECK(buf[MAXSTRINGLEN - 2] == 'x', "the last byte kept must be the first put's");

	/* a wide field is cut at the string's end too */
	_stp_sink_string(&s, buf);
	_stp_puts(&s, "ab");
	_stp_fmt(&s, STP_FMT_SIGNED, STP_FMT_F_LEFT, 1000, -1, 7, NULL);
	UNIT_EQ_LONG(s.len, MAXSTRINGLEN - 1);
	UNIT_CHECK(buf[2] == '7' && buf[3] == ' ', "left-justified field: \"%.8s\"", buf);

	_stp_sink_string(&s, buf);
	_stp_puts(&s, "n=");
	_stp_put_long(&s, 0);
	_stp_putc(&s, ' ');
	_stp_put_long(&s, -1);
	_stp_putc(&s, ' ');
	_stp_put_long(&s, INT64_MIN);
	_stp_putc(&s, ' ');
	_stp_put_long(&s, INT64_MAX);
	UNIT_EQ_STR(buf, "n=0 -1 -9223372036854775808 9223372036854775807");
	unit_end();
}

static void test_print_sink(void)
{
	char buf[16], text[100];
	struct stp_sink s = { .buf = buf, .len = 0, .cap = sizeof(buf), .kind = STP_SINK_PRINT };
	int i;

	unit_begin("sink_print_flush");
	for (i = 0; i < (int)sizeof(text); i++)
		text[i] = 'a' + i % 26;
	unit_nflushed = 0;
	_stp_put(&s, text, 10);
	UNIT_EQ_LONG(unit_nflushed, 0);
	_stp_put(&s, text + 10, 50);           /* crosses the buffer end three times */
	for (i = 60; i < 100; i++)
		_stp_putc(&s, text[i]);
	UNIT_EQ_LONG(unit_nflushed + s.len, 100);
	UNIT_EQ_LONG(unit_nflushed % sizeof(buf), 0);
	_stp_print_flush(&s);
	UNIT_EQ_LONG(unit_nflushed, 100);
	UNIT_CHECK(memcmp(unit_flushed, text, 100) == 0, "flushed bytes differ: %s",
		   unit_show(unit_flushed, 100));

	/* a directive wider than the buffer goes out whole, through flushes */
	unit_nflushed = 0;
	_stp_fmt(&s, STP_FMT_SIGNED, 0, 40, -1, 5, NULL);
	_stp_print_flush(&s);
	UNIT_EQ_LONG(unit_nflushed, 40);
	UNIT_CHECK(unit_flushed[39] == '5' && unit_flushed[0] == ' ', "wide field: %s",
		   unit_show(unit_flushed, 40));
	unit_end();
}

int main(void)
{
	test_formats();
	test_memory_fault();
	test_string_sink();
	test_print_sink();
	return unit_failures != 0;
}
