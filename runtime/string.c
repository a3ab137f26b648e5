/* string.c - the string operations of the script language.
 *
 * Script strings live in MAXSTRINGLEN buffers (locals, globals, map
 * entries); every operation here keeps them NUL-terminated and truncates
 * silently, as upstream does: a string that does not fit is cut, never an
 * error.  Comparisons are on unsigned bytes (strcmp), so "<" orders UTF-8
 * text by code point.
 */

/* Copy at most MAXSTRINGLEN - 1 bytes of src; dst always ends with NUL.
 * dst and src may be the same buffer. */
static inline void _stp_strlcpy(char *dst, const char *src)
{
	size_t n;

	if (dst == src)
		return;
	n = strnlen(src, MAXSTRINGLEN - 1);
	memmove(dst, src, n);
	dst[n] = '\0';
}

/* dst = a . b, truncated to MAXSTRINGLEN - 1 bytes.  dst may be a's
 * buffer (the "s .= t" case); b is copied with memmove so that it may
 * even overlap the tail of dst. */
static void _stp_concat(char *dst, const char *a, const char *b)
{
	size_t la = strnlen(a, MAXSTRINGLEN - 1);
	size_t lb = strnlen(b, MAXSTRINGLEN - 1);

	if (dst != a)
		memmove(dst, a, la);
	if (lb > MAXSTRINGLEN - 1 - la)
		lb = MAXSTRINGLEN - 1 - la;
	memmove(dst + la, b, lb);
	dst[la + lb] = '\0';
}

/* <0, 0, >0 like strcmp: bytes compared as unsigned char. */
static inline int _stp_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}
