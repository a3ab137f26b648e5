/* format.c - parse printf format strings (see format.h for the grammar).
 *
 * Upstream's rules, checked against systemtap 4.8: a single 'l' length is
 * accepted and ignored (values are 64-bit), other lengths (h, ll, z, j, L)
 * and floating conversions are not; "%%" takes no flags or width.
 */
#include "format.h"

#include <string.h>

int fmt_arg_count(const struct fmt_directive *d)
{
	if (d->conv == FMT_LITERAL)
		return 0;
	return 1 + (d->width == FMT_STAR) + (d->precision == FMT_STAR);
}

bool fmt_wants_string(const struct fmt_directive *d)
{
	return d->conv == FMT_STRING;  /* %m and %M take an address */
}

static unsigned flag_bit(char c)
{
	switch (c) {
	case '-': return FMT_F_LEFT;
	case '+': return FMT_F_PLUS;
	case ' ': return FMT_F_SPACE;
	case '#': return FMT_F_ALT;
	case '0': return FMT_F_ZERO;
	}
	return 0;
}

/* digits | '*' at *i; FMT_NONE when neither.  Counts saturate. */
static int read_count(const char *f, size_t len, size_t *i)
{
	if (*i < len && f[*i] == '*') {
		(*i)++;
		return FMT_STAR;
	}
	if (*i >= len || f[*i] < '0' || f[*i] > '9')
		return FMT_NONE;
	int v = 0;
	while (*i < len && f[*i] >= '0' && f[*i] <= '9') {
		if (v < 100000)
			v = v * 10 + (f[*i] - '0');
		(*i)++;
	}
	return v;
}

static bool conversion(char c, struct fmt_directive *d)
{
	static const struct { char c; enum fmt_conv conv; unsigned flags; } table[] = {
		{ 'd', FMT_SIGNED, 0 }, { 'i', FMT_SIGNED, 0 }, { 'u', FMT_UNSIGNED, 0 },
		{ 'o', FMT_OCTAL, 0 }, { 'x', FMT_HEX, 0 }, { 'X', FMT_HEX, FMT_F_UPPER },
		{ 'p', FMT_POINTER, 0 }, { 'c', FMT_CHAR, 0 }, { 's', FMT_STRING, 0 },
		{ 'b', FMT_BINARY, 0 }, { 'm', FMT_MEMORY, 0 }, { 'M', FMT_MEMHEX, 0 },
	};
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
		if (table[k].c == c) {
			d->conv = table[k].conv;
			d->flags |= table[k].flags;
			return true;
		}
	}
	return false;
}

/* One directive starting at f[*i] == '%'.  Returns NULL or an error. */
static const char *directive(const char *f, size_t len, size_t *i, struct fmt_directive *d)
{
	static const char incomplete[] = "trailing incomplete print format conversion";
	static const char invalid[] = "invalid or missing conversion specifier";
	size_t start = (*i)++;
	unsigned bit;

	*d = (struct fmt_directive){ FMT_LITERAL, 0, FMT_NONE, FMT_NONE, start, 0 };
	if (*i < len && f[*i] == '%') {
		d->len = 2;
		(*i)++;
		return NULL;  /* "%%": a literal percent sign */
	}
	while (*i < len && (bit = flag_bit(f[*i]))) {
		d->flags |= bit;
		(*i)++;
	}
	d->width = read_count(f, len, i);
	if (*i < len && f[*i] == '.') {
		(*i)++;
		d->precision = read_count(f, len, i);
		if (d->precision == FMT_NONE)
			d->precision = 0;
	}
	if (*i < len && f[*i] == 'l')
		(*i)++;
	if (*i >= len)
		return incomplete;
	if (!conversion(f[*i], d))
		return invalid;
	(*i)++;
	d->len = *i - start;
	return NULL;
}

bool fmt_parse(const char *fmt, size_t len,
	       void (*each)(const struct fmt_directive *d, void *ctx), void *ctx,
	       const char **err_msg, size_t *err_off)
{
	size_t i = 0;
	while (i < len) {
		const char *pct = memchr(fmt + i, '%', len - i);
		size_t next = pct ? (size_t)(pct - fmt) : len;
		if (next > i && each) {
			struct fmt_directive lit = { FMT_LITERAL, 0, FMT_NONE, FMT_NONE, i, next - i };
			each(&lit, ctx);
		}
		i = next;
		if (i >= len)
			break;
		struct fmt_directive d;
		const char *err = directive(fmt, len, &i, &d);
		if (err) {
			*err_msg = err;
			*err_off = d.start;
			return false;
		}
		if (each)
			each(&d, ctx);
	}
	return true;
}
