/* tracepoint.c - kernel.trace("system:name") probes.
 *
 * Contract: the family's table is struct stp_tp_probe[] (pass 3,
 * translator/probes/tracepoint.c), one entry per probe: the tracepoint's
 * name and a glue function pass 3 wrote with the tracepoint's prototype
 * (every argument a register-sized integer or pointer): it widens each
 * argument to 64 bits as its type says and runs the probe with them in
 * c->args.  Several entries may name one tracepoint.
 * - reg: finds each vmlinux tracepoint by name (for_each_kernel_tracepoint;
 *   kallsyms_lookup_name is not exported) and registers the glue with the
 *   entry as its data; all or none.  A tracepoint the running kernel does
 *   not have fails the registration (-ENOENT), naming it.
 * - unreg: unregisters every one, then waits (tracepoint_synchronize_
 *   unregister) until no glue of ours runs on any CPU.
 * Nothing is allocated: each entry's resolved struct tracepoint pointer
 * goes to a slot pass 3 gave it (a static array of the generated code).
 */
#include <linux/tracepoint.h>

struct stp_tp_probe {
	const struct stp_probe *probe;
	const char *name;               /* "sched_switch" */
	void *glue;                     /* void glue(void *data, ARGS...) */
	struct tracepoint **tp;         /* its slot: found at registration */
};

static unsigned int _stp_tp_live;       /* entries [0..live) are registered */

struct _stp_tp_find {
	const struct stp_family *f;
	unsigned int found;
};

static void _stp_tp_match(struct tracepoint *tp, void *priv)
{
	struct _stp_tp_find *find = priv;
	const struct stp_tp_probe *e = find->f->probes;
	unsigned int i;

	for (i = 0; i < find->f->nprobes; i++) {
		if (!*e[i].tp && strcmp(tp->name, e[i].name) == 0) {
			*e[i].tp = tp;
			find->found++;
		}
	}
}

static void _stp_tp_unregister(const struct stp_family *f)
{
	const struct stp_tp_probe *e = f->probes;

	if (!_stp_tp_live)
		return;
	while (_stp_tp_live) {
		unsigned int i = --_stp_tp_live;

		tracepoint_probe_unregister(*e[i].tp, e[i].glue, (void *)&e[i]);
	}
	/* A glue call may still be running on another CPU: wait it out
	 * before the module (and its handlers) can go away. */
	tracepoint_synchronize_unregister();
}

static int _stp_tp_register(const struct stp_family *f)
{
	const struct stp_tp_probe *e = f->probes;
	struct _stp_tp_find find = { f, 0 };
	unsigned int i;
	int rc;

	for (i = 0; i < f->nprobes; i++)
		*e[i].tp = NULL;
	for_each_kernel_tracepoint(_stp_tp_match, &find);
	for (i = 0; i < f->nprobes; i++) {
		if (!*e[i].tp) {
			_stp_msg("ERROR: ", "tracepoint %s is not in this kernel", e[i].name);
			rc = -ENOENT;
			goto fail;
		}
	}
	for (_stp_tp_live = 0; _stp_tp_live < f->nprobes; _stp_tp_live++) {
		i = _stp_tp_live;
		rc = tracepoint_probe_register(*e[i].tp, e[i].glue, (void *)&e[i]);
		if (rc) {
			_stp_msg("ERROR: ", "cannot register tracepoint %s (%d)", e[i].name, rc);
			goto fail;
		}
	}
	return 0;
fail:
	_stp_tp_unregister(f);
	return rc;
}

static const struct stp_family_ops _stp_tracepoint_ops = {
	.name = "tracepoint",
	.reg = _stp_tp_register,
	.unreg = _stp_tp_unregister,
};
