/* sink.c - output sinks and the printf directives of the script language.
 *
 * A sink is either the probe hit's print buffer (STP_SINK_PRINT: when it
 * fills, _stp_print_flush() of context.c hands it to the transport and the
 * write continues) or a MAXSTRINGLEN string (STP_SINK_STRING: what does
 * not fit is dropped, the text always stays NUL-terminated).
 *
 * _stp_fmt() renders one directive byte for byte as systemtap 4.8 does
 * (runtime.h lists the conversions).  Upstream's rules, including the odd
 * ones, which scripts can observe:
 *  - numbers are 64-bit; '#' gives "0x"/"0X" and "0" prefixes even for a
 *    zero value ("%#x" of 0 is "0x0"); %p is exactly %#x;
 *  - '0' pads between a '-' sign and the digits, and a precision does
 *    not cancel it; '-', '+', ' ' and '#' do;
 *  - %c writes the byte (value & 0xff); "%#c" escapes it like C: \n, \',
 *    \\, ... or \ooo for other non-printable bytes;
 *  - %s, %m and %M with the '0' flag (and no '-') append one NUL byte
 *    after the (space-padded) field;
 *  - %m/%M print `precision` bytes of memory (1 when absent or 0), %M as
 *    lower-case hex; '#' reads user memory instead of kernel memory;
 *  - %b writes the value's bytes in host order: its size is the precision
 *    (1, 2, 4, 8) or else the width when that is one of those, else 8;
 *    a wider field is padded with NUL bytes.
 * A width or precision < 0 means "absent".  The caller resolves '*' with
 * _stp_fmt_star() (runtime.h): upstream makes a negative '*' argument 0,
 * which differs from "absent" for the precision of %s.
 */
#include <linux/uaccess.h>

/* Fields wider than this are cut: a bound on the work of one directive
 * (upstream clamps to its print buffer size too). */
#define STP_FMT_MAXFIELD 65536

static inline void _stp_sink_string(struct stp_sink *s, char *dst)
{
	s->buf = dst;
	s->len = 0;
	s->cap = MAXSTRINGLEN - 1;
	s->kind = STP_SINK_STRING;
	dst[0] = '\0';
}

/* Append n bytes.  A full print sink is flushed and the write goes on; if
 * the flush made no room (a broken transport) the rest is dropped rather
 * than looping. */
static void _stp_put(struct stp_sink *s, const char *p, size_t n)
{
	while (n > 0) {
		size_t room = s->cap > s->len ? s->cap - s->len : 0;
		size_t k = n < room ? n : room;

		if (k) {
			memcpy(s->buf + s->len, p, k);
			s->len += k;
			p += k;
			n -= k;
		}
		if (n == 0 || s->kind == STP_SINK_STRING)
			break;
		_stp_print_flush(s);
		if (s->len >= s->cap)
			break;
	}
	if (s->kind == STP_SINK_STRING)
		s->buf[s->len] = '\0';
}

static void _stp_puts(struct stp_sink *s, const char *str)
{
	_stp_put(s, str, strlen(str));
}

static void _stp_putc(struct stp_sink *s, char ch)
{
	if (likely(s->len < s->cap)) {
		s->buf[s->len++] = ch;
		if (s->kind == STP_SINK_STRING)
			s->buf[s->len] = '\0';
		return;
	}
	_stp_put(s, &ch, 1);
}

/* n copies of ch. */
static void _stp_fmt_pad(struct stp_sink *s, char ch, long n)
{
	char chunk[32];

	if (n <= 0)
		return;
	memset(chunk, ch, sizeof(chunk));
	while (n > 0) {
		size_t k = n < (long)sizeof(chunk) ? (size_t)n : sizeof(chunk);

		_stp_put(s, chunk, k);
		n -= k;
	}
}

/* Digits of u in base, least significant first; returns how many. */
static int _stp_fmt_digits(char *tmp, uint64_t u, unsigned base, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = dig[u % base];
		u /= base;
	} while (u);
	return n;
}

static void _stp_fmt_number(struct stp_sink *s, int conv, unsigned flags, int width, int prec,
		       int64_t num)
{
	unsigned base = conv == STP_FMT_OCTAL ? 8 :
			(conv == STP_FMT_HEX || conv == STP_FMT_POINTER) ? 16 : 10;
	bool left = flags & STP_FMT_F_LEFT;
	/* systemtap 4.8 pads with spaces, not zeros, once a '+', ' ' or '#'
	 * flag is given ("%+05d" of 7 is "   +7", "%#010x" of 255 is
	 * "      0xff"); a '-' sign of its own does not stop zeros. */
	bool zero = (flags & STP_FMT_F_ZERO) && !left &&
		    !(flags & (STP_FMT_F_PLUS | STP_FMT_F_SPACE | STP_FMT_F_ALT));
	uint64_t u = (uint64_t)num;
	char sign = 0, tmp[24];
	const char *prefix = "";
	int ndig, digits;
	long pad;

	if (conv == STP_FMT_POINTER)
		flags |= STP_FMT_F_ALT;       /* %p is %#x */
	if (conv == STP_FMT_SIGNED) {
		if (num < 0) {
			sign = '-';
			u = -u;
		} else if (flags & STP_FMT_F_PLUS) {
			sign = '+';
		} else if (flags & STP_FMT_F_SPACE) {
			sign = ' ';
		}
	}
	if (flags & STP_FMT_F_ALT) {
		if (base == 16)
			prefix = (flags & STP_FMT_F_UPPER) ? "0X" : "0x";
		else if (base == 8)
			prefix = "0";
	}
	ndig = _stp_fmt_digits(tmp, u, base, flags & STP_FMT_F_UPPER);
	digits = prec > ndig ? prec : ndig;
	pad = (long)width - (sign != 0) - (long)strlen(prefix) - digits;

	if (!zero && !left)
		_stp_fmt_pad(s, ' ', pad);
	if (sign)
		_stp_putc(s, sign);
	_stp_puts(s, prefix);
	if (zero)
		_stp_fmt_pad(s, '0', pad);
	_stp_fmt_pad(s, '0', digits - ndig);
	while (ndig > 0)
		_stp_putc(s, tmp[--ndig]);
	if (left)
		_stp_fmt_pad(s, ' ', pad);
}

/* The C escape letter of ch for "%#c", or 0. */
static char _stp_fmt_escape_letter(unsigned char ch)
{
	switch (ch) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	case '\v': return 'v';
	case '\'': return '\'';
	case '\\': return '\\';
	}
	return 0;
}

static void _stp_fmt_char(struct stp_sink *s, unsigned flags, int width, int64_t num)
{
	unsigned char ch = (unsigned char)num;
	char text[4];
	int n = 0;
	char esc;

	if ((flags & STP_FMT_F_ALT) && (ch < 0x20 || ch > 0x7e || ch == '\'' || ch == '\\')) {
		text[n++] = '\\';
		esc = _stp_fmt_escape_letter(ch);
		if (esc) {
			text[n++] = esc;
		} else {
			text[n++] = '0' + ((ch >> 6) & 3);
			text[n++] = '0' + ((ch >> 3) & 7);
			text[n++] = '0' + (ch & 7);
		}
	} else {
		text[n++] = (char)ch;
	}
	if (!(flags & STP_FMT_F_LEFT))
		_stp_fmt_pad(s, ' ', width - n);
	_stp_put(s, text, n);
	if (flags & STP_FMT_F_LEFT)
		_stp_fmt_pad(s, ' ', width - n);
}

static void _stp_fmt_string(struct stp_sink *s, unsigned flags, int width, int prec,
			    const char *str)
{
	size_t len;

	if (!str)
		str = "<NULL>";
	len = prec >= 0 ? strnlen(str, prec) : strlen(str);
	if (!(flags & STP_FMT_F_LEFT))
		_stp_fmt_pad(s, ' ', (long)width - (long)len);
	_stp_put(s, str, len);
	if (flags & STP_FMT_F_LEFT)
		_stp_fmt_pad(s, ' ', (long)width - (long)len);
	if ((flags & STP_FMT_F_ZERO) && !(flags & STP_FMT_F_LEFT))
		_stp_putc(s, '\0');
}

static bool _stp_binary_size_ok(int n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static void _stp_fmt_binary(struct stp_sink *s, unsigned flags, int width, int prec, int64_t num)
{
	int size = _stp_binary_size_ok(prec) ? prec : -1;
	union { u8 b1; u16 b2; u32 b4; u64 b8; char bytes[8]; } u;

	if (width < 0) {
		if (size < 0)
			size = 8;
		width = size;
	} else if (size < 0) {
		size = _stp_binary_size_ok(width) ? width : 8;
	}
	/* The value truncated to `size` bytes, stored in the host's order. */
	switch (size) {
	case 1: u.b1 = (u8)num; break;
	case 2: u.b2 = (u16)num; break;
	case 4: u.b4 = (u32)num; break;
	default: u.b8 = (u64)num; break;
	}
	if (!(flags & STP_FMT_F_LEFT))
		_stp_fmt_pad(s, '\0', width - size);
	_stp_put(s, u.bytes, size);
	if (flags & STP_FMT_F_LEFT)
		_stp_fmt_pad(s, '\0', width - size);
}

/* %m / %M: prec bytes at addr (kernel memory, or user memory with '#').
 * Returns 0, or -EFAULT when a byte could not be read: the directive's
 * output then stops there (upstream abandons the whole printf and raises
 * "kernel read fault"; a caller wanting that checks this result). */
static int _stp_fmt_memory(struct stp_sink *s, int conv, unsigned flags, int width, int prec,
			   unsigned long addr)
{
	static const char hex[] = "0123456789abcdef";
	long len = prec > 0 ? prec : 1;
	long shown = conv == STP_FMT_MEMHEX ? 2 * len : len;
	unsigned char chunk[64];
	char text[2 * sizeof(chunk)];
	long done = 0;

	if (!(flags & STP_FMT_F_LEFT))
		_stp_fmt_pad(s, ' ', width - shown);
	while (done < len) {
		size_t k = min_t(size_t, len - done, sizeof(chunk));
		const void *src = (const void *)(addr + done);
		long rc;
		size_t i;

		if (flags & STP_FMT_F_ALT)
			rc = copy_from_user_nofault(chunk, (const void __user *)src, k);
		else
			rc = copy_from_kernel_nofault(chunk, src, k);
		if (rc)
			return -EFAULT;
		if (conv == STP_FMT_MEMHEX) {
			for (i = 0; i < k; i++) {
				text[2 * i] = hex[chunk[i] >> 4];
				text[2 * i + 1] = hex[chunk[i] & 15];
			}
			_stp_put(s, text, 2 * k);
		} else {
			_stp_put(s, (const char *)chunk, k);
		}
		done += k;
	}
	if (flags & STP_FMT_F_LEFT)
		_stp_fmt_pad(s, ' ', width - shown);
	if ((flags & STP_FMT_F_ZERO) && !(flags & STP_FMT_F_LEFT))
		_stp_putc(s, '\0');
	return 0;
}

static void _stp_fmt(struct stp_sink *s, int conv, unsigned flags, int width, int prec,
		     int64_t num, const char *str)
{
	if (width > STP_FMT_MAXFIELD)
		width = STP_FMT_MAXFIELD;
	if (prec > STP_FMT_MAXFIELD)
		prec = STP_FMT_MAXFIELD;
	if (width < 0)
		width = -1;
	if (prec < 0)
		prec = -1;

	switch (conv) {
	case STP_FMT_POINTER_PADDED:
		/* digits to the full pointer width, or to what the width leaves
		 * after "0x" (no more than that width unless left-aligned) */
		if (width < 0)
			width = 2 + 2 * sizeof(void *);
		prec = width - 2;
		if (!(flags & STP_FMT_F_LEFT))
			prec = min_t(int, prec, 2 * sizeof(void *));
		_stp_fmt_number(s, STP_FMT_POINTER, flags, width, prec, num);
		break;
	case STP_FMT_SIGNED:
	case STP_FMT_UNSIGNED:
	case STP_FMT_OCTAL:
	case STP_FMT_HEX:
	case STP_FMT_POINTER:
		_stp_fmt_number(s, conv, flags, width, prec, num);
		break;
	case STP_FMT_CHAR:
		_stp_fmt_char(s, flags, width, num);
		break;
	case STP_FMT_STRING:
		_stp_fmt_string(s, flags, width, prec, str);
		break;
	case STP_FMT_BINARY:
		_stp_fmt_binary(s, flags, width, prec, num);
		break;
	case STP_FMT_MEMORY:
	case STP_FMT_MEMHEX:
		_stp_fmt_memory(s, conv, flags, width, prec, (unsigned long)num);
		break;
	}
}

static void _stp_put_long(struct stp_sink *s, int64_t n)
{
	char tmp[24];
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;
	int nd = _stp_fmt_digits(tmp, u, 10, false);

	if (n < 0)
		_stp_putc(s, '-');
	while (nd > 0)
		_stp_putc(s, tmp[--nd]);
}
