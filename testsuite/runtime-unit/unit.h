/* unit.h - the frame of every runtime unit test.
 *
 * Built by testsuite/suites/runtime-unit.sh as
 *   cc -include shim.h -I<fake linux headers> -I runtime test_X.c
 * it pulls in runtime.h and the data runtime (sink, string, stat, map,
 * regex), stands in for the few runtime-core functions they call, and
 * gives the tests a checker that prints the suite protocol:
 *   PASS: runtime-unit/<group>   or   FAIL: runtime-unit/<group> (...)
 * with the mismatches indented below.
 */
#ifndef _STP_UNIT_H
#define _STP_UNIT_H

#include "runtime.h"

/* ---- stand-ins for runtime-core ---- */

/* What a print sink flushed, in order. */
static char unit_flushed[1 << 16];
static size_t unit_nflushed;

static void _stp_print_flush(struct stp_sink *s)
{
	size_t n = min(s->len, sizeof(unit_flushed) - unit_nflushed);

	memcpy(unit_flushed + unit_nflushed, s->buf, n);
	unit_nflushed += n;
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

/* ---- checking ---- */

static int unit_failures, unit_group_failures;
static const char *unit_group;
static char unit_detail[8192];
static size_t unit_ndetail;

static void unit_begin(const char *group)
{
	unit_group = group;
	unit_group_failures = 0;
	unit_ndetail = 0;
	unit_detail[0] = '\0';
}

static void unit_end(void)
{
	if (unit_group_failures == 0) {
		printf("PASS: runtime-unit/%s\n", unit_group);
	} else {
		printf("FAIL: runtime-unit/%s (%d mismatches)\n%s", unit_group,
		       unit_group_failures, unit_detail);
		unit_failures++;
	}
}

static __printf(1, 2) void unit_fail(const char *fmt, ...)
{
	va_list ap;

	unit_group_failures++;
	if (unit_ndetail + 200 >= sizeof(unit_detail))
		return;
	unit_ndetail += snprintf(unit_detail + unit_ndetail, sizeof(unit_detail) - unit_ndetail,
				 "    ");
	va_start(ap, fmt);
	unit_ndetail += vsnprintf(unit_detail + unit_ndetail,
				  sizeof(unit_detail) - unit_ndetail, fmt, ap);
	va_end(ap);
	unit_ndetail += snprintf(unit_detail + unit_ndetail, sizeof(unit_detail) - unit_ndetail,
				 "\n");
}

/* buf[0..n) as C-escaped text, for failure messages. */
static const char *unit_show(const char *buf, size_t n)
{
	static char out[4][1024];
	static int which;
	char *o = out[which++ & 3];
	size_t i, k = 0;

	for (i = 0; i < n && k + 5 < sizeof(out[0]); i++) {
		unsigned char ch = buf[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			o[k++] = ch;
		else
			k += snprintf(o + k, 5, "\\%03o", ch);
	}
	o[k] = '\0';
	return o;
}

#define UNIT_CHECK(cond, ...) do { if (!(cond)) unit_fail(__VA_ARGS__); } while (0)
#define UNIT_EQ_LONG(got, want) \
	UNIT_CHECK((int64_t)(got) == (int64_t)(want), "line %d: %s = %lld, want %lld", \
		   __LINE__, #got, (long long)(got), (long long)(want))
#define UNIT_EQ_STR(got, want) \
	UNIT_CHECK(strcmp((got), (want)) == 0, "line %d: %s = \"%s\", want \"%s\"", \
		   __LINE__, #got, unit_show(got, strlen(got)), unit_show(want, strlen(want)))

#endif
