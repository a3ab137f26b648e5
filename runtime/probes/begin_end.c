/* begin_end.c - begin, end and error probes: the session's own events.
 *
 * Contract: the family's table is struct stp_be_probe[], sorted by pass 3
 * by (kind, priority), ties in script order.  Pass 3 lists this family
 * first in stp_module.families, so (runtime.h):
 * - reg runs every begin probe in table order, in state STARTING, and
 *   stops early when one of them ends the session (exit() or an error):
 *   the session then registers nothing more.
 * - unreg runs last, after every other family is gone, in state STOPPING:
 *   the end probes, or the error probes instead when errors or skipped
 *   hits ended the session (as upstream does).
 * Neither can fail; nothing is allocated.
 */

enum stp_be_kind { STP_BEGIN, STP_END, STP_ERROR };

struct stp_be_probe {
	const struct stp_probe *probe;
	enum stp_be_kind kind;
	int64_t priority;               /* lower first; the table is sorted */
};

/* Run every probe of one kind in table order while the session stays in
 * `state`: exit() in a begin probe keeps the later ones from running. */
static void _stp_be_run(const struct stp_family *f, enum stp_be_kind kind, int state)
{
	const struct stp_be_probe *be = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++) {
		if (be[i].kind != kind)
			continue;
		if (atomic_read(&_stp_state) != state)
			break;
		_stp_probe_run_in(be[i].probe, NULL, NULL, NULL, state);
	}
}

static int _stp_be_register(const struct stp_family *f)
{
	_stp_be_run(f, STP_BEGIN, STP_SESSION_STARTING);
	return 0;
}

static void _stp_be_unregister(const struct stp_family *f)
{
	_stp_be_run(f, READ_ONCE(_stp_ended_by_error) ? STP_ERROR : STP_END,
		    STP_SESSION_STOPPING);
}

static const char *_stp_be_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_be_probe *be = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (be[i].probe == p)
			return "begin_end";
	return NULL;
}

static const struct stp_family_ops _stp_begin_end_ops = {
	.name = "begin/end/error",
	.type_of = _stp_be_type,
	.reg = _stp_be_register,
	.unreg = _stp_be_unregister,
};
