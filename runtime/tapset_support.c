/* tapset_support.c - the runtime helpers of doc/runtime-api.md.
 *
 * Contract: every function may run in probe context (preemption off,
 * maybe interrupts off, maybe NMI): none sleeps, allocates or faults.
 * Memory reads go through the *_nofault copies, a page at a time at most
 * so a string that ends before an unmapped page is still read whole.
 * Returns follow doc/runtime-api.md: 0 / a length, or -EFAULT.
 */
#include <linux/uaccess.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/stacktrace.h>
#ifdef CONFIG_X86_64
#include <asm/unwind.h>
#endif
#include <linux/timekeeping.h>

static long _stp_read_kernel(void *dst, unsigned long addr, size_t n)
{
	return copy_from_kernel_nofault(dst, (const void *)addr, n) ? -EFAULT : 0;
}

/* The size-byte integer just read into u, sign- or zero-extended. */
union _stp_loaded {
	u8 b;
	u16 h;
	u32 w;
	u64 q;
};

static int64_t _stp_widen_loaded(const union _stp_loaded *u, int size, bool sign)
{
	switch (size) {
	case 1: return sign ? (int64_t)(s8)u->b : (int64_t)u->b;
	case 2: return sign ? (int64_t)(s16)u->h : (int64_t)u->h;
	case 4: return sign ? (int64_t)(s32)u->w : (int64_t)u->w;
	default: return (int64_t)u->q;
	}
}

static bool _stp_tv_load(struct context *c, int64_t *v, unsigned long addr, int size,
			 bool sign, const char *loc)
{
	union _stp_loaded u;

	if (copy_from_kernel_nofault(&u, (const void *)addr, size)) {
		_stp_errorf(c, loc, "kernel read fault at 0x%016lx (addr)", addr);
		return true;
	}
	*v = _stp_widen_loaded(&u, size, sign);
	return false;
}

static long _stp_read_user(void *dst, unsigned long addr, size_t n)
{
	return copy_from_user_nofault(dst, (const void __user *)addr, n) ? -EFAULT : 0;
}

static bool _stp_tv_load_user(struct context *c, int64_t *v, unsigned long addr, int size,
			      bool sign, const char *loc)
{
	union _stp_loaded u;

	if (addr >= (unsigned long)c->kspill &&
	    addr < (unsigned long)(c->kspill + ARRAY_SIZE(c->kspill)))
		return _stp_tv_load(c, v, addr, size, sign, loc);
	if (_stp_read_user(&u, addr, size)) {
		_stp_errorf(c, loc, "user read fault at 0x%016lx (addr)", addr);
		return true;
	}
	*v = _stp_widen_loaded(&u, size, sign);
	return false;
}

static bool _stp_deref(struct context *c, int64_t *v, unsigned long addr, int size, bool user,
		       const char *loc)
{
	union _stp_loaded u;

	if (!user)
		return _stp_tv_load(c, v, addr, size, false, loc);
	if (_stp_read_user(&u, addr, size)) {
		_stp_errorf(c, loc, "user read fault at 0x%016lx (addr)", addr);
		return true;
	}
	*v = _stp_widen_loaded(&u, size, false);
	return false;
}

/* How much to read at addr at once: up to 64 bytes, never across a page. */
static size_t _stp_chunk(unsigned long addr, size_t left)
{
	size_t in_page = PAGE_SIZE - offset_in_page(addr);

	return min3(left, in_page, (size_t)64);
}

/* A NUL-terminated copy of at most max - 1 bytes: its length or -EFAULT
 * (dst then ""). (strncpy_from_*_nofault are not exported to modules.) */
static long _stp_string(char *dst, unsigned long addr, size_t max, bool user)
{
	size_t len = 0;

	if (!max)
		return 0;
	while (len < max - 1) {
		size_t n = _stp_chunk(addr + len, max - 1 - len);
		char *nul;
		long rc = user ? _stp_read_user(dst + len, addr + len, n)
			       : _stp_read_kernel(dst + len, addr + len, n);

		if (rc) {
			dst[0] = '\0';
			return -EFAULT;
		}
		nul = memchr(dst + len, '\0', n);
		if (nul)
			return nul - dst;
		len += n;
	}
	dst[len] = '\0';
	return len;
}

static long _stp_kernel_string(char *dst, unsigned long addr, size_t max)
{
	return _stp_string(dst, addr, max, false);
}

static long _stp_user_string(char *dst, unsigned long addr, size_t max)
{
	return _stp_string(dst, addr, max, true);
}

/* ---- writes to user memory (guru mode) ---- */

/* copy_to_user_nofault refuses kernel addresses (access_ok) and, with
 * page faults off, a page that is not present or not yet writable (a
 * copy-on-write page not touched since fork): a probe handler cannot
 * wait for the fault to be served, so such a write fails as a bad
 * address does.  The bytes before the failing one may be written. */
static long _stp_write_user(unsigned long addr, const void *src, size_t n)
{
	return copy_to_user_nofault((void __user *)addr, src, n) ? -EFAULT : 0;
}

static long _stp_write_user_int(unsigned long addr, u64 v, size_t n)
{
	union { u8 b; u16 h; u32 w; u64 d; } u;

	if (!n)
		n = _stp_is_compat_task() ? 4 : sizeof(long);
	switch (n) {
	case 1: u.b = v; break;
	case 2: u.h = v; break;
	case 4: u.w = v; break;
	default: u.d = v; n = 8; break;
	}
	/* the union's first n bytes are v's n low bytes: x86 is little-endian */
	return _stp_write_user(addr, &u, n);
}

/* Guru mode's kernel writes (set_kernel_*, set_*_arg): pagefaults off,
 * so a write to read-only or unmapped memory is -EFAULT, not an oops. */
static long _stp_write_kernel_int(unsigned long addr, u64 v, size_t n)
{
	u8 b = v;
	u16 h = v;
	u32 w = v;

	if (addr < TASK_SIZE_MAX)
		return -EFAULT;
	pagefault_disable();
	switch (n) {
	case 1:
		__put_kernel_nofault((void *)addr, &b, u8, fault);
		break;
	case 2:
		__put_kernel_nofault((void *)addr, &h, u16, fault);
		break;
	case 4:
		__put_kernel_nofault((void *)addr, &w, u32, fault);
		break;
	default:
		__put_kernel_nofault((void *)addr, &v, u64, fault);
		break;
	}
	pagefault_enable();
	return 0;
fault:
	pagefault_enable();
	return -EFAULT;
}

/* ---- UTF-16 and UTF-32 strings ---- */

/* cp (at most U+10FFFF) as UTF-8 into e (4 bytes): its length. */
static size_t _stp_utf8_put(char *e, u32 cp)
{
	if (cp < 0x80) {
		e[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		e[0] = 0xc0 | cp >> 6;
		e[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		e[0] = 0xe0 | cp >> 12;
		e[1] = 0x80 | ((cp >> 6) & 0x3f);
		e[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	e[0] = 0xf0 | cp >> 18;
	e[1] = 0x80 | ((cp >> 12) & 0x3f);
	e[2] = 0x80 | ((cp >> 6) & 0x3f);
	e[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* The width-byte code unit at addr, zero-extended into *u. */
static long _stp_utf_unit(u32 *u, unsigned long addr, int width, bool user)
{
	union { u16 h; u32 w; } v;
	long rc = user ? _stp_read_user(&v, addr, width) : _stp_read_kernel(&v, addr, width);

	if (rc)
		return rc;
	*u = width == 2 ? v.h : v.w;
	return 0;
}

/* A unit at a time: a string is short and a unit may straddle a page,
 * which the copy handles.  Each unit gives at least one output byte, so
 * the loop reads at most max - 1 units before the output is full. */
static long _stp_utf_string(char *dst, unsigned long addr, size_t max, int width, bool user)
{
	size_t len = 0, k;
	char e[4];
	u32 u, lo;
	long rc;

	if (!max)
		return 0;
	width = width == 2 ? 2 : 4;
	for (;; addr += width) {
		rc = _stp_utf_unit(&u, addr, width, user);
		if (rc)
			goto fail;
		if (!u)
			break;
		if (width == 2 && u >= 0xd800 && u <= 0xdbff) {
			/* a high surrogate: the low one must follow */
			addr += 2;
			rc = _stp_utf_unit(&lo, addr, 2, user);
			if (rc)
				goto fail;
			if (lo < 0xdc00 || lo > 0xdfff) {
				rc = -EILSEQ;
				goto fail;
			}
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		} else if ((u >= 0xd800 && u <= 0xdfff) || u > 0x10ffff) {
			/* a lone low surrogate, or no Unicode character */
			rc = -EILSEQ;
			goto fail;
		}
		k = _stp_utf8_put(e, u);
		if (len + k > max - 1)
			break;          /* full: cut where a whole character ends */
		memcpy(dst + len, e, k);
		len += k;
	}
	dst[len] = '\0';
	return len;
fail:
	dst[0] = '\0';
	return rc;
}

/* ---- symbols ---- */

static const char *_stp_kallsyms_name(unsigned long addr, char *buf, size_t n)
{
	const char *name = NULL;
	char *line;

	/* sprint_symbol_no_offset wants KSYM_SYMBOL_LEN bytes, too many for
	 * a probe's stack: this CPU's chunk has a line for it. */
	preempt_disable();
	line = _stp_this_chunk()->sym;
	/* "name", "name [module]", or "0x..." when no symbol holds addr */
	sprint_symbol_no_offset(line, addr);
	if (strncmp(line, "0x", 2) != 0 && n) {
		size_t len = strcspn(line, " ");

		len = min(len, n - 1);
		memcpy(buf, line, len);
		buf[len] = '\0';
		name = buf;
	}
	preempt_enable();
	return name;
}

/* "func+0x1a/0x80 [kernel]" (or "[module]"), as a backtrace line names
 * addr; "0x..." alone when no symbol holds it. */
static const char *_stp_kallsyms_line(unsigned long addr, char *buf, size_t n)
{
	char *line;

	preempt_disable();
	line = _stp_this_chunk()->sym;
	sprint_symbol(line, addr);
	if (strncmp(line, "0x", 2) == 0 || strchr(line, '['))
		snprintf(buf, n, "%s", line);
	else
		snprintf(buf, n, "%s [kernel]", line);
	preempt_enable();
	return buf;
}

/* The kernel stack of the hit, innermost first, without the frames of
 * this module (the handler and the glue that called it): the first entry
 * is the kernel code the probe fired in (a tracepoint's __traceiter, a
 * timer's interrupt).  With the kernel registers a probe saved (kprobes,
 * timer.profile), the unwind starts from them instead: the first entry is
 * the probed instruction, then its callers, with no kprobe or interrupt
 * frames in between. */
static unsigned int _stp_kstack(struct pt_regs *regs, unsigned long *entries, unsigned int max)
{
	unsigned int n, skip = 0;

#if defined(CONFIG_X86_64) && (defined(CONFIG_UNWINDER_ORC) || defined(CONFIG_UNWINDER_FRAME_POINTER))
	if (regs && !user_mode(regs)) {
		struct unwind_state state;
		unsigned long addr;

		/* (the unwinder's first frame is the caller of regs->ip) */
		entries[0] = instruction_pointer(regs);
		n = 1;
		for (unwind_start(&state, current, regs, NULL);
		     !unwind_done(&state) && n < max; unwind_next_frame(&state)) {
			addr = unwind_get_return_address(&state);
			if (!addr)
				break;
			entries[n++] = addr;
		}
		return n;
	}
#endif
	n = stack_trace_save(entries, max, 0);
	while (skip < n && within_module(entries[skip], THIS_MODULE))
		skip++;
	memmove(entries, entries + skip, (n - skip) * sizeof(*entries));
	return n - skip;
}

static int _stp_is_compat_task(void)
{
	return _stp_compat_task_p() ? 1 : 0;
}

static int64_t _stp_gettime_ns(void)
{
	/* The _fast variant: safe in NMI and while timekeeping updates. */
	return ktime_get_real_fast_ns();
}

/* ---- naming values and flag words from tables ---- */

static const char *_stp_name_find(const struct _stp_name *t, size_t n, long val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return NULL;
}

static size_t _stp_name_str(char *buf, size_t size, const struct _stp_name *t, size_t n, long val)
{
	const char *name = _stp_name_find(t, n, val);

	if (!size)
		return 0;
	if (name)
		strscpy(buf, name, size);
	else
		snprintf(buf, size, "0x%lx", val);
	return strlen(buf);
}

/* One pass over t: an entry names the bits of val it shares that no
 * earlier entry named, all of them at once (a multi-bit field such as
 * MAP_TYPE or O_SYNC).  The text stops growing where buf is full, a name
 * maybe cut short, as snprintf cuts it. */
static size_t _stp_bits_cat(char *buf, size_t size, const struct _stp_name *t, size_t n,
			    unsigned long val)
{
	size_t len, i;
	const char *sep;

	if (!size)
		return 0;
	len = strlen(buf);
	sep = len ? "|" : "";
	for (i = 0; i < n && val; i++) {
		if (!(val & (unsigned long)t[i].val))
			continue;
		val &= ~(unsigned long)t[i].val;
		len += snprintf(buf + len, size - len, "%s%s", sep, t[i].name);
		if (len >= size)
			return size - 1;
		sep = "|";
	}
	if (val)
		len += snprintf(buf + len, size - len, "%s0x%lx", sep, val);
	return min(len, size - 1);
}

static size_t _stp_bits_str(char *buf, size_t size, const struct _stp_name *t, size_t n,
			    unsigned long val, const char *zero_name)
{
	if (!size)
		return 0;
	if (!val) {
		strscpy(buf, zero_name ? zero_name : "0x0", size);
		return strlen(buf);
	}
	buf[0] = '\0';
	return _stp_bits_cat(buf, size, t, n, val);
}

/* ---- quoting ---- */

/* The printable text of byte b into e (at most 4 bytes), its length. */
static size_t _stp_escape(unsigned char b, char *e)
{
	char c;

	switch (b) {
	case '\0': c = '0'; break;     /* in buffers only */
	case '\a': c = 'a'; break;
	case '\b': c = 'b'; break;
	case '\t': c = 't'; break;
	case '\n': c = 'n'; break;
	case '\v': c = 'v'; break;
	case '\f': c = 'f'; break;
	case '\r': c = 'r'; break;
	case '\\': c = '\\'; break;
	case '"': c = '"'; break;
	default:
		if (b >= 0x20 && b <= 0x7e) {
			e[0] = b;
			return 1;
		}
		e[0] = '\\';
		e[1] = '0' + (b >> 6);
		e[2] = '0' + ((b >> 3) & 7);
		e[3] = '0' + (b & 7);
		return 4;
	}
	e[0] = '\\';
	e[1] = c;
	return 2;
}

/* How many bytes at p (len left) form one UTF-8 sequence of 2 to 4 bytes,
 * its code point in *cp; 1 for anything else (ASCII, a stray or cut
 * sequence), which is escaped byte by byte.  Like systemtap, no check for
 * overlong forms or surrogates. */
static size_t _stp_utf8_len(const unsigned char *p, size_t len, u32 *cp)
{
	size_t n, i;
	u32 c;

	if ((p[0] & 0xe0) == 0xc0)
		n = 2, c = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, c = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, c = p[0] & 0x07;
	else
		return 1;
	if (n > len)
		return 1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 1;
		c = c << 6 | (p[i] & 0x3f);
	}
	*cp = c;
	return n;
}

/* The printable text of the unit at p into e (at most 10 bytes), its
 * length; *used says how many input bytes it took.  A UTF-8 sequence is
 * \uXXXX, or \UXXXXXXXX above U+FFFF, as systemtap writes it. */
static size_t _stp_escape_unit(const unsigned char *p, size_t len, char *e, size_t *used)
{
	static const char hex[] = "0123456789ABCDEF";
	u32 cp = 0;
	size_t n = _stp_utf8_len(p, len, &cp), k, i;

	*used = n;
	if (n == 1)
		return _stp_escape(p[0], e);
	k = cp <= 0xffff ? 4 : 8;
	e[0] = '\\';
	e[1] = cp <= 0xffff ? 'u' : 'U';
	for (i = 0; i < k; i++)
		e[2 + i] = hex[(cp >> (4 * (k - 1 - i))) & 0xf];
	return k + 2;
}

/* Quoted text written in pieces, the way systemtap 4.8 cuts it: escapes
 * go in while they fit the output length; quoted text takes at least 5
 * ("" and ...) and its quotes count.  Input left over when the room ran
 * out makes the text cut: quoted, it then keeps the whole escapes that fit
 * before "...  In a buffer (_STP_QUOTE_BUFFER) the escape that did not fit
 * counts as read, so a buffer whose last byte did not fit is not marked
 * cut; in a string it counts as left over. */
struct stp_quoter {
	char *dst;
	size_t pos;             /* bytes written */
	size_t room;            /* escapes may still take this many */
	size_t keep_limit;      /* a cut quoted text keeps dst[0..keep) ... */
	size_t keep;            /* ... up to the last escape ending by keep_limit */
	int flags;
	bool stopped;           /* no more escapes go in */
	bool left_over;         /* input was not all taken */
};

static void _stp_quote_start(struct stp_quoter *q, char *dst, size_t n, int flags)
{
	size_t out = n - 1;     /* n >= 1: keep one byte for the NUL */

	q->dst = dst;
	q->pos = 0;
	q->flags = flags;
	q->stopped = false;
	q->left_over = false;
	q->room = out;
	if (!(flags & _STP_QUOTE))
		return;
	if (out < 5) {          /* "" and ... always fit where there is room */
		q->room = out >= 2 ? out - 2 : 0;
		q->keep_limit = out >= 5 ? 1 : 0;
	} else {
		q->room = out - 2;
		q->keep_limit = out - 4;
	}
	q->keep = 0;
	if (out) {
		dst[q->pos++] = '"';
		q->keep = 1;
	}
}

static void _stp_quote_add(struct stp_quoter *q, const unsigned char *p, size_t len)
{
	char e[10];
	size_t i, k, used;

	for (i = 0; i < len; i += used) {
		if (q->stopped || !q->room) {
			q->stopped = true;
			q->left_over = true;
			return;
		}
		k = _stp_escape_unit(p + i, len - i, e, &used);
		if (k > q->room) {
			q->stopped = true;
			q->left_over = !(q->flags & _STP_QUOTE_BUFFER) || i + used < len;
			return;
		}
		memcpy(q->dst + q->pos, e, k);
		q->pos += k;
		q->room -= k;
		if (q->pos <= q->keep_limit)
			q->keep = q->pos;
	}
}

static size_t _stp_quote_end(struct stp_quoter *q, size_t n, int flags)
{
	if (flags & _STP_QUOTE) {
		const char *tail = "\"";
		size_t k;

		if (q->left_over) {
			q->pos = q->keep;
			tail = "\"...";
		}
		k = min(strlen(tail), n - 1 - q->pos);
		memcpy(q->dst + q->pos, tail, k);
		q->pos += k;
	}
	q->dst[q->pos] = '\0';
	return q->pos;
}

static size_t _stp_text_quote(char *dst, size_t n, const char *src, size_t len, int flags)
{
	struct stp_quoter q;

	if (!n)
		return 0;
	_stp_quote_start(&q, dst, n, flags);
	_stp_quote_add(&q, (const unsigned char *)src, len);
	return _stp_quote_end(&q, n, flags);
}

/* Quote len bytes at addr, read in 64-byte pieces (a UTF-8 sequence cut by
 * a piece boundary is escaped byte by byte).  Reading stops once the
 * output is full, so a fault past that point is not seen. */
static long _stp_mem_quote(char *dst, size_t n, unsigned long addr, size_t len, int flags)
{
	bool user = flags & _STP_QUOTE_USER;
	unsigned char piece[64];
	struct stp_quoter q;
	size_t done = 0;

	if (!n)
		return -EFAULT;
	_stp_quote_start(&q, dst, n, flags | _STP_QUOTE_BUFFER);
	while (done < len) {
		size_t k = min_t(size_t, len - done, sizeof(piece));
		long rc = user ? _stp_read_user(piece, addr + done, k)
			       : _stp_read_kernel(piece, addr + done, k);

		if (rc) {
			dst[0] = '\0';
			return -EFAULT;
		}
		_stp_quote_add(&q, piece, k);
		done += k;
		if (q.stopped) {
			q.left_over = q.left_over || done < len;
			break;
		}
	}
	return _stp_quote_end(&q, n, flags);
}

/* kernel_buffer_quoted()/user_buffer_quoted() into a MAXSTRINGLEN dst:
 * as 4.8, an inlen of 0 or less reads up to MAXSTRINGLEN-1 bytes, an
 * outlen of 0 or less gives "", quoted text takes at least 5 bytes; a
 * fault gives the address in hex, unquoted, and -EFAULT (else 0) for the
 * *_quoted_error forms. */
static long _stp_buffer_quoted(char *dst, unsigned long addr, int64_t inlen, int64_t outlen,
			       int flags)
{
	size_t n;

	if (outlen <= 0) {
		dst[0] = '\0';
		return 0;
	}
	if (inlen <= 0)
		inlen = MAXSTRINGLEN - 1;
	n = clamp_t(int64_t, outlen, 5, MAXSTRINGLEN - 1) + 1;
	if (_stp_mem_quote(dst, n, addr, min_t(int64_t, inlen, INT_MAX), flags | _STP_QUOTE) < 0) {
		snprintf(dst, MAXSTRINGLEN, "0x%lx", addr);
		return -EFAULT;
	}
	return 0;
}
