/* kcheck.c - the data runtime compiled as kernel code (runtime-unit.sh's
 * kbuild check): runtime.h, stand-ins for the two runtime-core functions
 * the data files call, then the files themselves.  It only has to build
 * without a warning; init exercises a little of each file so that the
 * compiler sees real uses. */
#define STP_MODULE_NAME "kcheck"
#include "runtime.h"

static void _stp_print_flush(struct stp_sink *s)
{
	s->len = 0;
}

static void _stp_error(struct context *c, const char *msg, const char *loc)
{
	if (!c->last_error) {
		c->last_error = msg;
		c->last_loc = loc;
	}
}

#include "sink.c"
#include "string.c"
#include "stat.c"
#include "map.c"
#include "regex.c"

static struct context kcheck_ctx;

static int __init kcheck_init(void)
{
	static const struct stp_hist_spec log = { .kind = STP_HIST_LOG, .nbuckets = 128 };
	struct stp_map_spec spec = { .maxentries = 8, .nkeys = 1,
				     .ktypes = { STP_LONG }, .vtype = STP_STATS, .hist = &log };
	union stp_key k = { .l = 1 };
	struct stp_pmap *pm = _stp_pmap_new(&spec);
	char buf[MAXSTRINGLEN];
	struct stp_sink s;
	int rc = 0;

	if (!pm || _stp_regex_init())
		goto out;
	_stp_sink_string(&s, buf);
	preempt_disable();
	_stp_pmap_add(pm, &k, 42);
	preempt_enable();
	_stp_hist_print(&s, _stp_entry_stat(_stp_map_first(_stp_pmap_agg(pm))), &log);
	pr_info("kcheck: hist\n%s", buf);
	_stp_sink_string(&s, buf);
	_stp_fmt(&s, STP_FMT_POINTER, 0, -1, -1, (int64_t)(unsigned long)&kcheck_ctx, NULL);
	_stp_putc(&s, ' ');
	_stp_fmt(&s, STP_FMT_MEMHEX, 0, -1, 4, (int64_t)(unsigned long)"\x01\x02\xab\xcd", NULL);
	_stp_putc(&s, ' ');
	rc = _stp_fmt_memory(&s, STP_FMT_MEMORY, 0, -1, 4, 16);
	preempt_disable();
	_stp_putc(&s, '0' + _stp_regex_match(&kcheck_ctx, "xabbbc", "(b+)c$", NULL));
	preempt_enable();
	pr_info("kcheck: fmt [%s] fault %d groups %d [%d,%d)\n", buf, rc, kcheck_ctx.re_ngroups,
		kcheck_ctx.re_start[1], kcheck_ctx.re_end[1]);
out:
	_stp_regex_exit();
	_stp_pmap_free(pm);
	return -ENODEV;
}

module_init(kcheck_init);
MODULE_LICENSE("GPL");
