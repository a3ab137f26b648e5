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
 *   not have fails the registration (-ENOENT), naming it.  Entries of a
 *   module's tracepoints attach through the tracepoint module notifier:
 *   at once for a module already loaded, and whenever one is loaded
 *   during the session; they detach when it unloads (a module that is
 *   never loaded just never fires).
 * - unreg: stops the notifier, unregisters every attached entry, then
 *   waits (tracepoint_synchronize_unregister) until no glue of ours runs
 *   on any CPU.
 * Nothing is allocated: each entry's resolved struct tracepoint pointer
 * goes to a slot pass 3 gave it (a static array of the generated code).
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/tracepoint.h>

struct stp_tp_probe {
	const struct stp_probe *probe;
	const char *name;               /* "sched_switch" */
	const char *module;             /* NULL: vmlinux; else "ext4" (as lsmod spells it) */
	void *glue;                     /* void glue(void *data, ARGS...) */
	struct tracepoint **tp;         /* its slot: set while registered */
};

/* The module entries' slots change under this (the notifier runs in
 * process context, serialized by the kernel's tracepoint module list
 * mutex; stop takes it too). */
static DEFINE_MUTEX(_stp_tp_mutex);
static const struct stp_family *_stp_tp_family;
static bool _stp_tp_notifier_on;

struct _stp_tp_find {
	const struct stp_family *f;
};

/* for_each_kernel_tracepoint(): vmlinux's tracepoints only. */
static void _stp_tp_match(struct tracepoint *tp, void *priv)
{
	struct _stp_tp_find *find = priv;
	const struct stp_tp_probe *e = find->f->probes;
	unsigned int i;

	for (i = 0; i < find->f->nprobes; i++)
		if (!e[i].module && !*e[i].tp && strcmp(tp->name, e[i].name) == 0)
			*e[i].tp = tp;
}

/* ---- module tracepoints: attached while their module is loaded ---- */

static void _stp_tp_module_coming(struct module *mod)
{
	const struct stp_tp_probe *e = _stp_tp_family->probes;
	unsigned int i, k;

	for (i = 0; i < _stp_tp_family->nprobes; i++) {
		if (!e[i].module || *e[i].tp || strcmp(e[i].module, mod->name) != 0)
			continue;
		for (k = 0; k < mod->num_tracepoints; k++) {
			struct tracepoint *tp = tracepoint_ptr_deref(&mod->tracepoints_ptrs[k]);
			int rc;

			if (strcmp(tp->name, e[i].name) != 0)
				continue;
			rc = tracepoint_probe_register(tp, e[i].glue, (void *)&e[i]);
			if (rc)
				_stp_warn("cannot attach tracepoint %s of module %s (%d)",
					  e[i].name, e[i].module, rc);
			else
				*e[i].tp = tp;
			break;
		}
	}
}

/* Before the module's tracepoints go away (the kernel warns about any
 * probe still attached to them then). */
static void _stp_tp_module_going(struct module *mod)
{
	const struct stp_tp_probe *e = _stp_tp_family->probes;
	unsigned int i;

	for (i = 0; i < _stp_tp_family->nprobes; i++) {
		if (!e[i].module || !*e[i].tp || strcmp(e[i].module, mod->name) != 0)
			continue;
		tracepoint_probe_unregister(*e[i].tp, e[i].glue, (void *)&e[i]);
		*e[i].tp = NULL;
	}
}

static int _stp_tp_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct tp_module *tp_mod = data;

	mutex_lock(&_stp_tp_mutex);
	if (val == MODULE_STATE_COMING)
		_stp_tp_module_coming(tp_mod->mod);
	else if (val == MODULE_STATE_GOING)
		_stp_tp_module_going(tp_mod->mod);
	mutex_unlock(&_stp_tp_mutex);
	return NOTIFY_OK;
}

static struct notifier_block _stp_tp_nb = { .notifier_call = _stp_tp_notify };

/* ---- the family ---- */

static void _stp_tp_unregister(const struct stp_family *f)
{
	const struct stp_tp_probe *e = f->probes;
	unsigned int i;

	/* No notifier call runs once this returns: the module entries
	 * stay as they are until the loop below. */
	if (_stp_tp_notifier_on) {
		unregister_tracepoint_module_notifier(&_stp_tp_nb);
		_stp_tp_notifier_on = false;
	}
	mutex_lock(&_stp_tp_mutex);
	for (i = 0; i < f->nprobes; i++) {
		if (!*e[i].tp)
			continue;
		tracepoint_probe_unregister(*e[i].tp, e[i].glue, (void *)&e[i]);
		*e[i].tp = NULL;
	}
	mutex_unlock(&_stp_tp_mutex);
	/* A glue call may still be running on another CPU: wait it out
	 * before the module (and its handlers) can go away. */
	tracepoint_synchronize_unregister();
}

static int _stp_tp_register(const struct stp_family *f)
{
	const struct stp_tp_probe *e = f->probes;
	struct _stp_tp_find find = { f };
	struct tracepoint *found;
	bool modules = false;
	unsigned int i;
	int rc = 0;

	_stp_tp_family = f;
	for (i = 0; i < f->nprobes; i++) {
		*e[i].tp = NULL;
		modules |= e[i].module != NULL;
	}
	for_each_kernel_tracepoint(_stp_tp_match, &find);
	/* Each vmlinux entry: its slot holds the tracepoint found; it stays
	 * set only once registered, so a failure unwinds exactly those. */
	for (i = 0; i < f->nprobes; i++) {
		if (e[i].module)
			continue;
		found = *e[i].tp;
		*e[i].tp = NULL;
		rc = found ? tracepoint_probe_register(found, e[i].glue, (void *)&e[i]) : -ENOENT;
		if (rc) {
			if (found)
				_stp_msg("ERROR: ", "cannot register tracepoint %s (%d)",
					 e[i].name, rc);
			else
				_stp_msg("ERROR: ", "tracepoint %s is not in this kernel", e[i].name);
			/* The later entries were found, not registered. */
			while (++i < f->nprobes)
				if (!e[i].module)
					*e[i].tp = NULL;
			goto fail;
		}
		*e[i].tp = found;
	}
	if (modules) {
		/* Replays MODULE_STATE_COMING for every module already loaded. */
		rc = register_tracepoint_module_notifier(&_stp_tp_nb);
		if (rc) {
			_stp_msg("ERROR: ", "cannot watch modules for their tracepoints (%d)", rc);
			goto fail;
		}
		_stp_tp_notifier_on = true;
	}
	return 0;
fail:
	_stp_tp_unregister(f);
	return rc;
}

static const char *_stp_tp_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_tp_probe *tp = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (tp[i].probe == p)
			return "kernel_tracepoint";
	return NULL;
}

static const struct stp_family_ops _stp_tracepoint_ops = {
	.name = "tracepoint",
	.type_of = _stp_tp_type,
	.reg = _stp_tp_register,
	.unreg = _stp_tp_unregister,
};
