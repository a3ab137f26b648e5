/* runtime.h - what a generated module sees of the runtime.
 *
 * Pass 3 writes one C file per script (doc/module-layout.md):
 *
 *	#define STP_MODULE_NAME "stap_..."      (and every -D NAME=VAL)
 *	#include "runtime.h"                    this file: types and prototypes
 *	... tapset %{ %} blocks, globals, frames, functions, probe handlers ...
 *	static const struct stp_module_desc stp_module = { ... };
 *	#include "runtime.c"                    every runtime definition
 *
 * so the whole module is one translation unit and every runtime function
 * is static.  The runtime reaches the generated parts only through
 * stp_module.  Tapset C bodies use the smaller interface of
 * doc/runtime-api.md, which this file also provides.
 *
 * Nothing here sleeps or allocates after stp_module.init() returned:
 * probe handlers run with preemption (often interrupts) off.
 */
#ifndef _STP_RUNTIME_H
#define _STP_RUNTIME_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/ctype.h>      /* for embedded C: upstream's runtime has it too */
#include <linux/ptrace.h>
#include <linux/sched.h>
#include "compat/compat.h"

/* Every runtime function is static and a script uses only some of them:
 * an unused one is normal, not worth a warning. */
#pragma GCC diagnostic ignored "-Wunused-function"

/* ---- limits: every one may be overridden with -D NAME=VAL ---- */
#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif
#ifdef STP_SUPPRESS_TIME_LIMITS  /* --suppress-time-limits */
#ifndef MAXACTION
#define MAXACTION (LONG_MAX / 2)
#endif
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (LONG_MAX / 2)
#endif
#ifndef MAXTRYLOCK
#define MAXTRYLOCK INT_MAX
#endif
#endif
#ifndef MAXACTION
#define MAXACTION 1000          /* statements per probe hit */
#endif
#ifndef MAXACTION_INTERRUPTIBLE  /* the same, in begin, end and error probes */
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
/* The lower of the two: a hit under it needs no look at which applies. */
#define STP_MAXACTION_MIN \
	((MAXACTION) < (MAXACTION_INTERRUPTIBLE) ? (MAXACTION) : (MAXACTION_INTERRUPTIBLE))
#ifndef MAXNESTING
#define MAXNESTING 10           /* script function call depth */
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048      /* entries of an array without a size */
#endif
#ifndef MAXTRYLOCK
#define MAXTRYLOCK 1000         /* attempts at a global's lock */
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10         /* ns between attempts */
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100          /* skipped probe hits that end the session */
#endif
#ifndef MAXERRORS
#define MAXERRORS 0             /* errors tolerated before the session ends */
#endif
#ifndef STP_PRINT_BUF_SIZE
#define STP_PRINT_BUF_SIZE 8192 /* per-CPU output of one probe hit, flushed when full */
#endif
#ifndef STP_BUFFER_MB
#define STP_BUFFER_MB 4         /* transport buffer; stap -s N reaches it as staprun -s N (_stp_bufsize) */
#endif

/* ---- output sinks: print buffers and string results ---- */
enum stp_sink_kind {
	STP_SINK_PRINT,         /* the probe hit's output: flushed to the transport when full */
	STP_SINK_STRING,        /* a MAXSTRINGLEN string: silently truncated, always NUL-terminated */
};

struct stp_sink {
	char *buf;
	unsigned len;           /* bytes used (no NUL counted) */
	unsigned cap;           /* STP_SINK_STRING: MAXSTRINGLEN - 1 */
	enum stp_sink_kind kind;
};

/* Start a string sink over dst (a MAXSTRINGLEN buffer), dst becomes "". */
static inline void _stp_sink_string(struct stp_sink *s, char *dst);
/* Append n bytes / a NUL-terminated string / one byte. */
static void _stp_put(struct stp_sink *s, const char *p, size_t n);
static void _stp_puts(struct stp_sink *s, const char *str);
static void _stp_putc(struct stp_sink *s, char ch);
/* Take back what was written after the first len bytes (when nothing was
 * flushed in between). */
static inline void _stp_sink_truncate(struct stp_sink *s, unsigned len)
{
	if (s->len < len)
		return;
	s->len = len;
	if (s->kind == STP_SINK_STRING)
		s->buf[len] = '\0';
}
/* Send a full STP_SINK_PRINT sink's bytes as one STDOUT record and empty
 * it (context.c defines it; sink.c calls it when the buffer is full). */
static void _stp_print_flush(struct stp_sink *s);

/* One printf directive (translator/format.h has the same conversions):
 * conv is an enum stp_fmt_conv, flags STP_FMT_F_*, width/prec -1 when
 * absent (a '*' is resolved by the caller).  num is the value of numeric
 * conversions, %c, %b, and the address of %m/%M; str the value of %s. */
enum stp_fmt_conv {
	STP_FMT_SIGNED = 1,     /* %d %i */
	STP_FMT_UNSIGNED,       /* %u */
	STP_FMT_OCTAL,          /* %o */
	STP_FMT_HEX,            /* %x %X */
	STP_FMT_POINTER,        /* %p */
	STP_FMT_CHAR,           /* %c */
	STP_FMT_STRING,         /* %s */
	STP_FMT_BINARY,         /* %b */
	STP_FMT_MEMORY,         /* %m */
	STP_FMT_MEMHEX,         /* %M */
	STP_FMT_POINTER_PADDED, /* %p before systemtap 1.3 (--compatible) */
};
#define STP_FMT_F_LEFT  0x01
#define STP_FMT_F_PLUS  0x02
#define STP_FMT_F_SPACE 0x04
#define STP_FMT_F_ALT   0x08
#define STP_FMT_F_ZERO  0x10
#define STP_FMT_F_UPPER 0x20

static void _stp_fmt(struct stp_sink *s, int conv, unsigned flags, int width, int prec,
		     int64_t num, const char *str);
/* A '*' width or precision argument as _stp_fmt wants it: upstream
 * truncates the value to an int and clamps it to 0..buffer size (so a
 * negative one is 0, not "absent" and not left-justified). */
static inline int _stp_fmt_star(int64_t v)
{
	int i = (int)v;

	return i < 0 ? 0 : i > 65536 ? 65536 : i;
}
/* print(n) / the decimal text of n. */
static void _stp_put_long(struct stp_sink *s, int64_t n);
/* %m / %M of _stp_fmt with the read's result: 0, or -EFAULT when the
 * memory at addr could not be read (the output then stops short). */
static int _stp_fmt_memory(struct stp_sink *s, int conv, unsigned flags, int width, int prec,
			   unsigned long addr);

/* ---- statistics ---- */
enum stp_hist_kind { STP_HIST_NONE, STP_HIST_LINEAR, STP_HIST_LOG };

struct stp_hist_spec {
	enum stp_hist_kind kind;
	int64_t lo, hi, step;   /* STP_HIST_LINEAR */
	int nbuckets;           /* LINEAR: (hi-lo)/step + 3 (lo..hi, under and overflow);
				 * LOG: 128.  Informative: stat.c computes it itself */
};

/* One statistic.  hist[] has spec->nbuckets entries when a histogram is
 * kept; the variance is kept with a bit shift (@variance(x, shift)). */
struct stp_stat {
	int64_t count, sum, min, max;
	int64_t avg_s, m2;      /* running mean and sum of squares for @variance */
	int shift;
	int64_t hist[];
};

enum stp_stat_op { STP_STAT_COUNT, STP_STAT_SUM, STP_STAT_MIN, STP_STAT_MAX,
		   STP_STAT_AVG, STP_STAT_VARIANCE,
		   STP_STAT_SUM_NONEMPTY /* @sum before systemtap 1.5: empty is an error */ };

/* What <<< may leave out of a statistic (_stp_pstat_new, stp_map_spec.skip;
 * 0 keeps everything): pass 3 sets them for what the script never reads,
 * since each costs every <<< (the running variance a 64-bit division).
 * The extractors of what was left out give 0. */
#define STP_STAT_NO_VARIANCE 0x1        /* @variance */
#define STP_STAT_NO_MINMAX   0x2        /* @min, @max */

/* A scalar statistics global: one stp_stat per CPU, merged on read. */
struct stp_pstat;
static struct stp_pstat *_stp_pstat_new(const struct stp_hist_spec *h, int shift,
					unsigned int skip);
static void _stp_pstat_free(struct stp_pstat *ps);
static void _stp_pstat_add(struct stp_pstat *ps, int64_t v);       /* this CPU's slot */
static const struct stp_stat *_stp_pstat_agg(struct stp_pstat *ps); /* merged; valid until the next agg */
static void _stp_pstat_clear(struct stp_pstat *ps);

/* @count ... @variance of s (NULL: no value, as for an absent array key).
 * @min/@max/@avg/@variance of an empty statistic is a script error
 * ("empty aggregate"); then 0 is returned and c->last_error is set. */
struct context;
static int64_t _stp_stat_get(struct context *c, const struct stp_stat *s,
			     enum stp_stat_op op, const char *loc);
/* print(@hist_linear(x, ...)) / print(@hist_log(x)): the ASCII bar chart. */
static void _stp_hist_print(struct stp_sink *out, const struct stp_stat *s,
			    const struct stp_hist_spec *h);
/* @hist_log(x)[i]: the count in bucket i (0 when out of range). */
static int64_t _stp_hist_bucket(const struct stp_stat *s, const struct stp_hist_spec *h,
				int64_t i);
/* The same with upstream's errors: "empty aggregate" (s NULL or count 0)
 * and "histogram index out of range"; then 0 and c->last_error set.
 * print(@hist_*(x)) of an empty x is "empty aggregate" too: the caller
 * checks before _stp_hist_print. */
static int64_t _stp_hist_get(struct context *c, const struct stp_stat *s,
			     const struct stp_hist_spec *h, int64_t i, const char *loc);

/* ---- associative arrays ---- */
#define STP_MAX_KEYS 9

enum stp_type { STP_LONG, STP_STRING, STP_STATS };

union stp_key {
	int64_t l;
	const char *s;          /* copied into the entry on insert */
};

struct stp_map_spec {
	unsigned maxentries;    /* declared size, or MAXMAPENTRIES */
	int nkeys;
	enum stp_type ktypes[STP_MAX_KEYS];
	enum stp_type vtype;
	bool wrap;              /* global a%[N]: a full array drops its oldest entry */
	const struct stp_hist_spec *hist;   /* STP_STATS values */
	int shift;              /* STP_STATS: @variance shift */
	unsigned int skip;      /* STP_STATS: STP_STAT_NO_* */
};

/* Preallocated: no allocation after _stp_map_new().  Entries keep
 * insertion order (unsorted foreach) until _stp_map_sort(). */
struct stp_map;
struct stp_map_entry;
static struct stp_map *_stp_map_new(const struct stp_map_spec *spec);
static void _stp_map_free(struct stp_map *m);
static void _stp_map_clear(struct stp_map *m);
static unsigned _stp_map_size(const struct stp_map *m);
/* NULL when absent. */
static struct stp_map_entry *_stp_map_find(struct stp_map *m, const union stp_key *k);
/* Find or add (value 0 / "" / empty stat).  NULL when the array is full
 * and does not wrap: the caller reports "Array overflow". */
static struct stp_map_entry *_stp_map_insert(struct stp_map *m, const union stp_key *k);
static void _stp_map_remove(struct stp_map *m, struct stp_map_entry *e);
/* delete a[*, k]: remove every entry whose keys match; NULL keys[i] wildcard. */
static void _stp_map_remove_matching(struct stp_map *m, const union stp_key *k,
				     const bool *wild);
static bool _stp_map_matches(const struct stp_map *m, const struct stp_map_entry *e,
			     const union stp_key *k, const bool *wild);
/* The value of an entry, by type. */
static int64_t *_stp_entry_long(struct stp_map_entry *e);
static char *_stp_entry_str(struct stp_map_entry *e);      /* MAXSTRINGLEN bytes */
static struct stp_stat *_stp_entry_stat(struct stp_map_entry *e);
static int64_t _stp_entry_key_long(const struct stp_map_entry *e, int i);
static const char *_stp_entry_key_str(const struct stp_map_entry *e, int i);
/* Iteration in the current order: first, then next until NULL.  The
 * current entry may be removed during the walk (next is fetched first by
 * the caller). */
static struct stp_map_entry *_stp_map_first(struct stp_map *m);
static struct stp_map_entry *_stp_map_next(struct stp_map *m, struct stp_map_entry *e);
/* Reorder for foreach: by = 0 the value (for STP_STATS: stat_op of it),
 * by = k the k-th key (1-based); dir +1 ascending, -1 descending.  Stable;
 * ties keep the previous order. */
static void _stp_map_sort(struct stp_map *m, int by, int dir, enum stp_stat_op stat_op);

/* Statistics arrays: one map per CPU; <<< touches only this CPU's map. */
struct stp_pmap;
static struct stp_pmap *_stp_pmap_new(const struct stp_map_spec *spec);
static void _stp_pmap_free(struct stp_pmap *pm);
/* a[k] <<< v.  -E2BIG when this CPU's map is full. */
static int _stp_pmap_add(struct stp_pmap *pm, const union stp_key *k, int64_t v);
/* All CPUs merged into one map (owned by pm, valid until the next agg or
 * clear); read under the global's write lock. */
static struct stp_map *_stp_pmap_agg(struct stp_pmap *pm);
static void _stp_pmap_clear(struct stp_pmap *pm);
static void _stp_pmap_remove_key(struct stp_pmap *pm, const union stp_key *k,
				 const bool *wild);

/* ---- strings ---- */
/* Copy at most MAXSTRINGLEN - 1 bytes, always NUL-terminated. */
static inline void _stp_strlcpy(char *dst, const char *src);
/* dst = a . b (dst may be a or b's buffer only when it is a). */
static void _stp_concat(char *dst, const char *a, const char *b);
/* <, ==, ... on strings: strcmp semantics on bytes. */
static inline int _stp_strcmp(const char *a, const char *b);

/* ---- regular expressions (runtime/regex.c) ---- */
/* s =~ re: POSIX ERE, re a literal of the script.  Returns 1 or 0 and
 * records the groups in c for matched()/ngroups(); a malformed re (pass 3
 * checks them, so only guru code can) is a script error. */
static int _stp_regex_match(struct context *c, const char *s, const char *re,
			    const char *loc);
/* Allocate / free the per-CPU work areas of the matcher: module init and
 * exit (process context).  0 or -ENOMEM; a match without them is a
 * script error. */
static int _stp_regex_init(void);
static void _stp_regex_exit(void);

/* ---- the probe context: one per CPU ---- */
struct stp_probe;

struct context {
	int busy;                       /* reentrancy guard: 1 while a handler runs
					   here; only this CPU touches it */
	const struct stp_probe *probe;
	const char *probe_point;        /* pp() */
	struct pt_regs *regs;           /* NULL for begin/end/timers without regs */
	/* args, entry_saved and user_mode_p are NULL/0 but in the hits of
	 * families that carry them (context.c, STP_HIT_*) */
	const int64_t *args;            /* the hit's arguments (tracepoints: each
					   one widened to 64 bits), or NULL */
	char *entry_saved;              /* a .return probe's @entry values, saved
					   at function entry (kretprobe instance
					   data), or NULL */
	unsigned long kspill[6];        /* a struct argument passed by value in
					   registers, stored so its members have
					   an address (_stp_kspill) */
	int user_mode_p;                /* regs are a user-mode register set */
	long actioncount;               /* statements so far in this hit */
	long actionlimit;               /* its limit: MAXACTION, or in begin, end
					   and error probes MAXACTION_INTERRUPTIBLE */
	int nesting;                    /* script function calls active */
	const char *last_error;         /* the pending error's message, or NULL */
	const char *last_loc;           /* where: "operator '/' at t.stp:3:9" */
	char error_buf[MAXSTRINGLEN];   /* room for a formatted last_error */
	struct stp_sink out;            /* this hit's output (STP_SINK_PRINT) */
	char *frames;                   /* MAXNESTING + 1 frames of stp_module.frame_size */
	char tok_buf[MAXSTRINGLEN];     /* tokenize() state (doc/runtime-api.md) */
	size_t tok_pos;
	int tok_more;
	void *tapset_data;              /* reserved for tapsets */
	struct stp_procfs_io *io;       /* a procfs hit's data, or NULL */
	/* the last =~ match, for matched(n) and ngroups() */
	char re_subject[MAXSTRINGLEN];
	int re_ngroups;                 /* 0 when the last match failed */
	int re_start[10], re_end[10];   /* group n: re_subject[start..end) */
};

#define CONTEXT c   /* embedded C in generated functions runs with c in scope */

/* Frame d (0: the probe's locals; d: a function called at depth d). */
#define STP_FRAME(c, d) ((void *)((c)->frames + (size_t)(d) * stp_module.frame_size))

/* ---- errors ---- */
/* Raise a script error in the running hit: the first one wins; the
 * generated code then unwinds to its catch or out label.  loc is a
 * static string like "operator '/' at t.stp:3:9" (or NULL). */
static void _stp_error(struct context *c, const char *msg, const char *loc);
static void _stp_errorf(struct context *c, const char *loc, const char *fmt, ...)
	__printf(3, 4);
/* abort(): end the session as exit() does and unwind the running hit as
 * an error would, but one no try/catch stops (a catch passes it on) and
 * that prints nothing and is not counted. */
static void _stp_abort(struct context *c);
static bool _stp_is_abort(const struct context *c);
/* Counted against MAXACTION; the generated code calls this per statement
 * (n > 1 for straight-line runs) and unwinds when it returns true. */
static inline bool _stp_action(struct context *c, long n, const char *loc)
{
	c->actioncount += n;
	if (unlikely(c->actioncount > STP_MAXACTION_MIN && c->actioncount > c->actionlimit)) {
		_stp_error(c, "MAXACTION exceeded", loc);
		return true;
	}
	return false;
}

/* ---- session ---- */
static void _stp_exit(void);                        /* exit(): end the session in order */
static const char *_stp_probe_type(const struct stp_probe *p);  /* probe_type() */
static pid_t _stp_stapio_pid(void);                 /* stp_pid(): who started the session */
static bool _stp_is_myproc(void);                   /* is_myproc() */
static void _stp_warn(const char *fmt, ...) __printf(1, 2);  /* "WARNING: ...\n" to stderr */
static void _stp_print(const char *s);              /* the running hit's output */
static void _stp_printf(const char *fmt, ...) __printf(1, 2);
static void _stp_system(const char *cmd);           /* system(): stapio runs cmd */
static void _stp_switch_file(void);                 /* switch_file(): the next -o file */
static pid_t _stp_target(void);                     /* -c / -x pid, 0 when none */
/* Whether t is the -c/-x target process or a descendant of it (true when
 * there is no target): process probes see only that tree, as upstream's. */
struct task_struct;
static bool _stp_in_target_tree(struct task_struct *t);
static long _stp_tz_gmtoff(void);                   /* local zone: seconds west of UTC */
static const char *_stp_tz_name(void);              /* local zone's name */
static int64_t _stp_gettime_ns(void);

/* ---- helpers of tapset C bodies (doc/runtime-api.md, tapset_support.c) ---- */
static long _stp_read_kernel(void *dst, unsigned long addr, size_t n);
/* A target variable's load (translator/tvar.h TV_LOAD): *v = the size-byte
 * integer at kernel address addr, sign- or zero-extended.  A fault raises
 * "kernel read fault at 0x... (addr)" at loc and returns true. */
static bool _stp_tv_load(struct context *c, int64_t *v, unsigned long addr, int size,
			 bool sign, const char *loc);
static long _stp_read_user(void *dst, unsigned long addr, size_t n);
/* The same for a program's variable: the current task's user memory
 * ("user read fault ..."); a struct passed by value in registers lies in
 * c->kspill, which is read as kernel memory. */
static bool _stp_tv_load_user(struct context *c, int64_t *v, unsigned long addr, int size,
			      bool sign, const char *loc);
/* @kderef/@uderef: *v = the unsigned size-byte integer (1, 2, 4, 8) at addr
 * in the kernel or the current task's user space; a fault raises "kernel
 * (user) read fault at 0x... (addr)" at loc and returns true. */
static bool _stp_deref(struct context *c, int64_t *v, unsigned long addr, int size, bool user,
		       const char *loc);
static long _stp_kernel_string(char *dst, unsigned long addr, size_t max);
static long _stp_user_string(char *dst, unsigned long addr, size_t max);
/* Guru-mode writes to the current task's user memory: n bytes of src, or
 * the n low bytes of v (n 1, 2, 4, 8, or 0 for a C long of the task: 4
 * bytes in a 32-bit task).  0, or -EFAULT when addr is not a writable
 * user address whose page is present (no fault can be served). */
static long _stp_write_user(unsigned long addr, const void *src, size_t n);
static long _stp_write_user_int(unsigned long addr, u64 v, size_t n);
/* The n low bytes (1, 2, 4 or 8) of v at kernel address addr: 0, or
 * -EFAULT when addr is a user address or the write faults (read-only or
 * unmapped memory). */
static long _stp_write_kernel_int(unsigned long addr, u64 v, size_t n);
/* The string of width-byte code units at addr (2: UTF-16, a surrogate
 * pair joined into one character; 4: UTF-32) up to a 0 unit, as UTF-8 in
 * dst: at most max - 1 bytes, cut where a whole character ends.  Its
 * length; -EFAULT when a unit cannot be read, -EILSEQ at a unit that is
 * no character (a lone surrogate, above U+10FFFF); dst is then "". */
static long _stp_utf_string(char *dst, unsigned long addr, size_t max, int width, bool user);
static const char *_stp_kallsyms_name(unsigned long addr, char *buf, size_t n);
static const char *_stp_usym_name(unsigned long addr, char *buf, size_t n);
struct stp_usym;
struct stp_ufile;
/* The function of the current task's user space holding addr: its symbol
 * (NULL when the module carries none there) and *off, addr's offset in
 * it; *file (may be NULL) the file mapped there, when it is one of the
 * module's, even without a symbol.  Not in NMI (the address space's lock
 * is tried, never waited for: NULL when busy). */
static const struct stp_usym *_stp_usym_find(unsigned long addr, unsigned long *off,
					     const struct stp_ufile **file);
/* "func+0x1a/0x80 [/usr/bin/prog]", "0x7f3a... [/usr/bin/prog]" or
 * "0x7f3a... [unknown]" in buf. */
static const char *_stp_usym_line(unsigned long addr, char *buf, size_t n);
/* The user stack of the hit's task, innermost first (the first entry is
 * where it is in user space), by the call frame rows of the files the
 * module carries, else by frame pointers; at most max. */
static unsigned int _stp_ustack(struct context *c, unsigned long *entries, unsigned int max);
static const char *_stp_kallsyms_line(unsigned long addr, char *buf, size_t n);
static unsigned int _stp_kstack(struct pt_regs *regs, unsigned long *entries, unsigned int max);
static int _stp_is_compat_task(void);
#define _STP_QUOTE      0x1     /* _stp_text_quote/_stp_mem_quote: "text" or "text"... */
#define _STP_QUOTE_USER 0x2     /* _stp_mem_quote: addr is in the current task's user space */
#define _STP_QUOTE_BUFFER 0x4   /* a buffer, not a string: see struct stp_quoter */
static size_t _stp_text_quote(char *dst, size_t n, const char *src, size_t len, int flags);
static long _stp_mem_quote(char *dst, size_t n, unsigned long addr, size_t len, int flags);
static long _stp_buffer_quoted(char *dst, unsigned long addr, int64_t inlen, int64_t outlen,
			       int flags);
/* A row of a table that names values or flag bits (tapset decoders):
 * _STP_NAME(O_RDONLY) is { O_RDONLY, "O_RDONLY" }. */
struct _stp_name {
	long val;
	const char *name;
};
#define _STP_NAME(x) { (long)(x), #x }
static const char *_stp_name_find(const struct _stp_name *t, size_t n, long val);
static size_t _stp_name_str(char *buf, size_t size, const struct _stp_name *t, size_t n, long val);
static size_t _stp_bits_cat(char *buf, size_t size, const struct _stp_name *t, size_t n,
			    unsigned long val);
static size_t _stp_bits_str(char *buf, size_t size, const struct _stp_name *t, size_t n,
			    unsigned long val, const char *zero_name);

/* Embedded C bodies: pass 3 wraps each body so that these can leave it
 * with `goto stp_embedded_out;` (a label it places after the body).
 * STAP_RETURN picks by the type of STAP_RETVALUE: an int64_t is
 * assigned, a char[MAXSTRINGLEN] is copied into. */
static inline void _stp_ret_long(void *dst, int64_t v) { *(int64_t *)dst = v; }
static inline void _stp_ret_str(void *dst, const char *v) { strscpy(dst, v, MAXSTRINGLEN); }
#define STAP_RETURN(v) do {						\
		_Generic(&(STAP_RETVALUE), int64_t *: _stp_ret_long,	\
			 default: _stp_ret_str)((void *)&(STAP_RETVALUE), (v)); \
		goto stp_embedded_out;					\
	} while (0)
#define STAP_ERROR(...) do {						\
		_stp_errorf(CONTEXT, NULL, __VA_ARGS__);		\
		goto stp_embedded_out;					\
	} while (0)
#define STAP_PRINTF(...) _stp_printf(__VA_ARGS__)

/* ---- what the generated code describes ---- */

/* A global's lock as one probe uses it: shared (read, and <<<) or
 * exclusive (write, delete, foreach sort, reading statistics). */
struct stp_lock_use {
	rwlock_t *lock;
	bool write;
};

struct stp_probe {
	void (*handler)(struct context *c);
	const char *pp;                 /* the derived probe point: pp() */
	const char *pn;                 /* the script's point it came from, with
					   alias wildcards resolved: pn() */
	const struct stp_lock_use *locks;  /* sorted by global: one fixed order */
	unsigned nlocks;
};

/* ---- probe families (runtime/probes/NAME.c) ----
 * Each family a script uses has its runtime file compiled in (pass 3
 * includes it after runtime.c, then writes the family's table of probes
 * in the type that file defines) and one entry in stp_module.families.
 * The session (session.c) knows families only through that list:
 *   alloc   module init, process context: every allocation the family
 *           needs, so that nothing allocates once probes are live
 *   reg     session start, in list order: arms all of its probes or none
 *           (it unwinds itself); 0 or -errno
 *   unreg   session stop, in reverse order: returns only when no handler
 *           of the family runs any more and none can start
 *   free    module exit, and after a failed init, in reverse order; only
 *           after a successful alloc
 * Any of them may be NULL.  begin/end/error is a family like the others:
 * its reg runs the begin probes and its unreg the end (or error) probes;
 * pass 3 lists it first, so begin probes run before anything else is
 * armed and end probes after everything else is gone. */
struct stp_family;
struct stp_family_ops {
	const char *name;               /* "timer": for messages */
	int (*alloc)(const struct stp_family *f);
	int (*reg)(const struct stp_family *f);
	void (*unreg)(const struct stp_family *f);
	void (*free)(const struct stp_family *f);
	/* probe_type(): the kind of handler that runs p, in upstream's words
	 * ("kprobe", "hrtimer" ...), or NULL when p is not in f's table */
	const char *(*type_of)(const struct stp_family *f, const struct stp_probe *p);
};

struct stp_family {
	const struct stp_family_ops *ops;
	const void *probes;             /* the family's table, its own entry type */
	unsigned int nprobes;
};

/* A function of a program or library the module carries symbols of
 * (stap -d FILE, --ldd, process probes, when a script names user
 * symbols): by its place in the file, so that the load address does not
 * matter.  Sorted by off. */
struct stp_usym {
	unsigned long long off;
	unsigned long long size;
	const char *name;
};

/* A row of a file's call frame information (.eh_frame) for the code at
 * [off, off + len): the CFA is rbp (cfa_rbp) or rsp plus cfa_off, the
 * return address is at CFA - 8, and rbp was saved at CFA + rbp_off (0:
 * unchanged).  Sorted by off. */
struct stp_urow {
	unsigned long long off;
	unsigned int len;
	int cfa_off;
	int rbp_off;
	int cfa_rbp;
};

struct stp_ufile {
	const char *path;               /* as the target names it */
	const struct stp_usym *syms;
	unsigned int nsyms;
	const struct stp_urow *rows;    /* when the script walks user stacks */
	unsigned int nrows;
};

/* The module as pass 3 describes it; runtime.c reads only this. */
struct stp_module_desc {
	const char *name;               /* STP_MODULE_NAME */
	size_t frame_size;              /* sizeof the largest probe/function frame */
	int (*init)(void);              /* allocate and initialize globals: 0 or -errno */
	void (*exit)(void);             /* free them */
	const struct stp_family *families;  /* those the script uses, begin/end first */
	unsigned int nfamilies;
	const struct stp_ufile *ufiles;     /* user symbols (usyms.c) */
	unsigned int nufiles;
};

/* Run one probe hit (every family ends here): takes this CPU's context
 * (a busy context means reentrancy: the hit is skipped and counted), the
 * probe's locks (trylock, in order; failure skips), calls the handler,
 * reports its error, flushes its output. */
static void _stp_probe_run(const struct stp_probe *p, struct pt_regs *regs);
/* The same with the hit's arguments in c->args (a family's glue code). */
static void _stp_probe_run_args(const struct stp_probe *p, struct pt_regs *regs,
				const int64_t *args);
/* A procfs probe's hit (process context), with c->io pointing at io. */
struct stp_procfs_io {
	char *buf;              /* read probe: what the reader gets ($value) */
	size_t len, cap;        /* its length and room (a NUL follows it) */
	const char *in;         /* write probe: one piece written, NUL-ended */
};
static void _stp_probe_run_io(const struct stp_probe *p, struct stp_procfs_io *io);
/* A netfilter probe's `$verdict = v` (runtime/probes/netfilter.c): the
 * hit's verdict, NF_DROP or NF_ACCEPT. */
static void _stp_nf_set_verdict(struct context *c, int64_t v);
/* The same with c->entry_saved: the storage of one function call's
 * @entry values (both the entry half that saves them and the .return
 * probe that reads them). */
static void _stp_probe_run_saved(const struct stp_probe *p, struct pt_regs *regs,
				 void *saved);
/* _stp_probe_run() and _stp_probe_run_saved() (saved may be NULL) for
 * handlers the kernel calls with preemption off and kernel registers
 * (kprobes), inlined into them: a hit's cost counts for every probed
 * call. */
static __always_inline void _stp_probe_run_kernel(const struct stp_probe *p,
						  struct pt_regs *regs);
static __always_inline void _stp_probe_run_kernel_saved(const struct stp_probe *p,
							struct pt_regs *regs, void *saved);

/* A struct argument passed by value in registers r1 (and r2, for 9 to 16
 * bytes) of the calling convention: stores them in c->kspill from slot
 * `slot` on and returns that address, for the safe reads of its
 * members. */
static inline int64_t _stp_kspill(struct context *c, int slot, unsigned long r1,
				  unsigned long r2)
{
	c->kspill[slot] = r1;
	if (slot + 1 < (int)ARRAY_SIZE(c->kspill))
		c->kspill[slot + 1] = r2;
	return (int64_t)(unsigned long)&c->kspill[slot];
}

#endif
