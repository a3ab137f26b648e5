/* gen.h - a hand-written "generated" module for the runtime-core test.
 *
 * It has the shape pass 3 gives a module (doc/module-layout.md): limits,
 * runtime.h, globals with rwlocks, a frame union, probe handlers, the
 * probe tables, runtime.c, the families' files and tables, stp_module.
 * Each stp_rc_<case>.c defines
 * STP_MODULE_NAME and one RC_<CASE> and includes this file; run.sh drives
 * them through the ctl/data files and check.sh checks the records.
 */
#include "runtime.h"
#include <linux/delay.h>
#include <linux/fs.h>

#ifndef RC_JIFFIES
#define RC_JIFFIES 1
#endif

/* ---- globals ---- */
struct { rwlock_t lock; int64_t value; } g_ticks, g_jiffies, g_profile;
static int64_t profile_regs;    /* timer.profile hits that saw registers */

/* ---- frames ---- */
struct frame_probe { int64_t i; char s[MAXSTRINGLEN]; };
struct frame_fn_long { int64_t v_x; int64_t __retvalue; };
struct frame_fn_str { const char *v_s; char __retvalue[MAXSTRINGLEN]; };
union stp_frame { struct frame_probe p; struct frame_fn_long l; struct frame_fn_str s; };

static const struct stp_module_desc stp_module;
static const struct stp_probe stp_probes[];
static bool _stp_lock_all(const struct stp_probe *p);     /* context.c internals */
static void _stp_unlock_all(const struct stp_probe *p);

/* ---- embedded-C functions, wrapped the way pass 3 wraps them ---- */
static void fn_twice(struct context *c)
{
	struct frame_fn_long *l = STP_FRAME(c, c->nesting);
#define STAP_ARG_x (l->v_x)
#define STAP_RETVALUE (l->__retvalue)
	{
		if (STAP_ARG_x < 0)
			STAP_ERROR("negative: %lld", (long long)STAP_ARG_x);
		STAP_PRINTF("twice(%lld)\n", (long long)STAP_ARG_x);
		STAP_RETURN(STAP_ARG_x * 2);
	}
	goto stp_embedded_out;
stp_embedded_out:
	;
#undef STAP_ARG_x
#undef STAP_RETVALUE
}

static void fn_shout(struct context *c)
{
	struct frame_fn_str *l = STP_FRAME(c, c->nesting);
#define STAP_ARG_s (l->v_s)
#define STAP_RETVALUE (l->__retvalue)
	{
		if (!*STAP_ARG_s)
			STAP_RETURN("(empty)");
		snprintf(STAP_RETVALUE, MAXSTRINGLEN, "%s!", STAP_ARG_s);
	}
	goto stp_embedded_out;
stp_embedded_out:
	;
#undef STAP_ARG_s
#undef STAP_RETVALUE
}

/* A call from depth 0 as pass 3 makes it: arguments in frame 1. */
static int64_t call_twice(struct context *c, int64_t x)
{
	struct frame_fn_long *l = STP_FRAME(c, 1);

	l->v_x = x;
	c->nesting++;
	fn_twice(c);
	c->nesting--;
	return l->__retvalue;
}

static const char *call_shout(struct context *c, const char *s)
{
	struct frame_fn_str *l = STP_FRAME(c, 1);

	l->v_s = s;
	c->nesting++;
	fn_shout(c);
	c->nesting--;
	return l->__retvalue;
}

/* ---- handlers ---- */
static void probe_begin_first(struct context *c)
{
	_stp_print("first\n");
}

static void probe_begin(struct context *c)
{
	_stp_printf("begin %s\n", c->probe_point);
#ifdef RC_BASIC
	struct frame_probe *f = STP_FRAME(c, 0);
	char buf[64];
	long rc;

	/* a print bigger than the print buffer leaves in several records */
	for (f->i = 0; f->i < 1000; f->i++)
		_stp_printf("%09lld\n", f->i);
	_stp_warn("a warning %d", 42);
	/* tapset_support.c */
	rc = _stp_kernel_string(f->s, (unsigned long)"kernel text", MAXSTRINGLEN);
	_stp_printf("kstr %ld %s\n", rc, f->s);
	rc = _stp_kernel_string(f->s, (unsigned long)"kernel text", 4);
	_stp_printf("kstr4 %ld %s\n", rc, f->s);
	rc = _stp_kernel_string(f->s, 16, MAXSTRINGLEN);
	_stp_printf("kstr-bad %ld [%s]\n", rc, f->s);
	rc = _stp_read_kernel(&f->i, 8, sizeof(f->i));
	_stp_printf("kread-bad %ld\n", rc);
	rc = _stp_read_user(&f->i, 4096, sizeof(f->i));
	_stp_printf("uread-bad %ld\n", rc);
	/* begin runs in the task writing "start" to ctl: its argv[0] */
	rc = _stp_user_string(f->s, current->mm->arg_start, MAXSTRINGLEN);
	_stp_printf("ustr %d\n", rc > 0 && strlen(f->s) == rc);
	rc = _stp_user_string(f->s, current->mm->arg_start, 2);
	_stp_printf("ustr2 %ld %zu\n", rc, strlen(f->s));
	_stp_printf("sym %s\n", _stp_kallsyms_name((unsigned long)kfree + 3, buf, sizeof(buf)) ?: "NULL");
	_stp_printf("sym0 %s\n", _stp_kallsyms_name(16, buf, sizeof(buf)) ?: "NULL");
	_stp_printf("usym %s\n", _stp_usym_name(0x400000, buf, sizeof(buf)) ?: "NULL");
	_stp_printf("compat %d\n", _stp_is_compat_task());
	_stp_printf("time %d\n", _stp_gettime_ns() > 1600000000LL * NSEC_PER_SEC);
	_stp_printf("target %d\n", _stp_target());
	_stp_text_quote(f->s, MAXSTRINGLEN, "a\"b\\c\n\t\x01\xff", 9, 0);
	_stp_printf("q0 %s\n", f->s);
	_stp_text_quote(f->s, MAXSTRINGLEN, "a\"b\\c\n\t\x01\xff", 9, _STP_QUOTE);
	_stp_printf("q1 %s\n", f->s);
	rc = _stp_text_quote(f->s, 12, "abcdefghijklmnop", 16, _STP_QUOTE);
	_stp_printf("q2 %ld %s\n", rc, f->s);
	rc = _stp_text_quote(f->s, 8, "ab\001cdef", 7, 0);
	_stp_printf("q3 %ld %s\n", rc, f->s);
	rc = _stp_text_quote(f->s, 9, "ab", 2, _STP_QUOTE);
	_stp_printf("q4 %ld %s\n", rc, f->s);
	rc = _stp_mem_quote(f->s, MAXSTRINGLEN, (unsigned long)"x\0y\"z", 5, _STP_QUOTE);
	_stp_printf("m1 %ld %s\n", rc, f->s);
	rc = _stp_mem_quote(f->s, MAXSTRINGLEN, 16, 5, _STP_QUOTE);
	_stp_printf("m2 %ld [%s]\n", rc, f->s);
	rc = _stp_mem_quote(f->s, 10, (unsigned long)"0123456789abcdef", 16, _STP_QUOTE);
	_stp_printf("m3 %ld %s\n", rc, f->s);
	/* results copied out of frame 1 before the next call, as pass 3 does */
	f->i = call_twice(c, 21);
	_stp_printf("fn %lld", f->i);
	_stp_printf(" %s", call_shout(c, "hey"));
	_stp_printf(" %s\n", call_shout(c, ""));
	call_twice(c, -1);
	_stp_printf("fn-err [%s]\n", c->last_error);
	c->last_error = NULL;   /* as a try/catch would */
#endif
#ifdef RC_BEGINEXIT
	_stp_exit();
	_stp_print("after exit\n");
#endif
#ifdef RC_BEGINERROR
	_stp_error(c, "begin failed", NULL);
#endif
#ifdef RC_SKIP
	/* a held lock makes _stp_lock_all fail and undo what it took */
	write_lock(&g_profile.lock);
	_stp_printf("lock_all with profile held: %d\n", _stp_lock_all(&stp_probes[6]));
	write_unlock(&g_profile.lock);
	_stp_printf("ticks lock free again: %d\n", write_trylock(&g_ticks.lock));
	write_unlock(&g_ticks.lock);
	_stp_printf("lock_all: %d\n", _stp_lock_all(&stp_probes[6]));
	_stp_unlock_all(&stp_probes[6]);
#endif
}

static void probe_begin_last(struct context *c)
{
	_stp_print("last begin\n");
}

static void probe_timer(struct context *c)
{
	int64_t n;

	n = ++g_ticks.value;
	_stp_printf("tick %lld\n", n);
#ifdef RC_SKIP
	/* a probe firing inside this hit on this CPU: skipped, counted */
	_stp_probe_run(&stp_probes[5], NULL);
	_stp_probe_run(&stp_probes[5], NULL);
#endif
#ifdef RC_BASIC
	if (n == 5)
		_stp_exit();
#endif
#ifdef RC_ERROR
	/* MAXERRORS=1: the second error ends the session */
	if (n == 2)
		_stp_error(c, "division by zero", "operator '/' at t.stp:3:9");
	if (n == 4) {
		while (!_stp_action(c, 1, "keyword at t.stp:5:1"))
			;
	}
	if (n == 6)
		_stp_errorf(c, NULL, "formatted %d", 6);
#endif
}

static void probe_jiffies(struct context *c)
{
	g_jiffies.value++;
#if defined(RC_SKIP) && !defined(RC_NESTED_ONLY)
	mdelay(2);      /* the 200us hrtimer interrupts this hit: skips */
#endif
}

static void probe_profile(struct context *c)
{
	g_profile.value++;
	if (c->regs && !strcmp(c->probe_point, "timer.profile"))
		profile_regs++;
}

static void probe_end(struct context *c)
{
	_stp_printf("end ticks=%lld jiffies>0=%d profile>0=%d profile_regs>0=%d\n",
		    g_ticks.value, g_jiffies.value > 0, g_profile.value > 0, profile_regs > 0);
}

static void probe_error(struct context *c)
{
	_stp_printf("error probe ticks=%lld\n", g_ticks.value);
}

/* ---- probe tables ---- */
static const struct stp_lock_use locks_ticks_w[] = { { &g_ticks.lock, true } };
static const struct stp_lock_use locks_jiffies_w[] = { { &g_jiffies.lock, true } };
static const struct stp_lock_use locks_profile_w[] = { { &g_profile.lock, true } };
static const struct stp_lock_use locks_all_r[] = {
	{ &g_ticks.lock, false }, { &g_jiffies.lock, false }, { &g_profile.lock, false },
};

static const struct stp_probe stp_probes[] = {
	{ probe_begin_first, "begin(-1)", "begin(-1)", NULL, 0 },
	{ probe_begin, "begin", "begin", NULL, 0 },
	{ probe_begin_last, "begin(10)", "begin(10)", NULL, 0 },
	{ probe_timer, "timer.ms(" __stringify(RC_PERIOD_MS) ")",
	  "timer.ms(" __stringify(RC_PERIOD_MS) ")", locks_ticks_w, 1 },
	{ probe_jiffies, "timer.jiffies(1)", "timer.jiffies(1)", locks_jiffies_w, 1 },
	{ probe_profile, "timer.profile", "timer.profile", locks_profile_w, 1 },
	{ probe_end, "end", "end", locks_all_r, 3 },
	{ probe_error, "error", "error", locks_all_r, 3 },
};

static int stp_globals_init(void)
{
	rwlock_init(&g_ticks.lock);
	rwlock_init(&g_jiffies.lock);
	rwlock_init(&g_profile.lock);
	return 0;
}

static void stp_globals_exit(void)
{
}

#include "runtime.c"

/* The families, as pass 3 lays them out: each one's runtime file, then
 * its table. */
#include "probes/begin_end.c"
static const struct stp_be_probe stp_be_probes[] = {
	{ &stp_probes[0], STP_BEGIN, -1 },
	{ &stp_probes[1], STP_BEGIN, 0 },
	{ &stp_probes[2], STP_BEGIN, 10 },
	{ &stp_probes[6], STP_END, 0 },
	{ &stp_probes[7], STP_ERROR, 0 },
};

#include "probes/timer.c"
static const struct stp_timer_probe stp_timer_probes[] = {
	{ &stp_probes[3], STP_TIMER_HR, RC_PERIOD_MS * 1000000LL, RC_RANDOM_MS * 1000000LL },
	{ &stp_probes[4], STP_TIMER_JIFFIES, RC_JIFFIES, 0 },
	{ &stp_probes[5], STP_TIMER_PROFILE, 0, 0 },
#if defined(RC_SKIP) && !defined(RC_NESTED_ONLY)
	{ &stp_probes[5], STP_TIMER_HR, 200000, 0 },
#endif
};

static const struct stp_family stp_families[] = {
	{ &_stp_begin_end_ops, stp_be_probes, ARRAY_SIZE(stp_be_probes) },
	{ &_stp_timer_ops, stp_timer_probes, ARRAY_SIZE(stp_timer_probes) },
};

static const struct stp_module_desc stp_module = {
	.name = STP_MODULE_NAME,
	.frame_size = sizeof(union stp_frame),
	.init = stp_globals_init,
	.exit = stp_globals_exit,
	.families = stp_families,
	.nfamilies = ARRAY_SIZE(stp_families),
};
