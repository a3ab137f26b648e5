/* netfilter.c - netfilter.hook(...).pf(...) probes.
 *
 * Contract: the family's table is struct stp_nf_probe[] (translator/probes/
 * netfilter.c), each entry with its own struct nf_hook_ops.
 * - reg: session start, process context; one nf_register_net_hook per
 *   probe in the initial network namespace (where the host's interfaces
 *   are); a failure unregisters what was registered and fails the start.
 * - unreg: nf_unregister_net_hook waits (synchronize_net) until no hook
 *   function of ours runs any more.
 * - A hit runs in whatever context the packet is in (softirq for input,
 *   the sender's task for local output) with c->args:
 *   hook number, skb, in, out, the verdict and the nf_hook_state; the
 *   hook returns the verdict, NF_ACCEPT unless the probe (guru mode) set
 *   NF_DROP through __netfilter_set_verdict.
 */
#include <linux/netfilter.h>
#include <net/net_namespace.h>

struct stp_nf_probe {
	const struct stp_probe *probe;
	struct nf_hook_ops *ops;
	u8 pf;
	u8 hooknum;
	int priority;
};

/* c->args of a hit, as the translator names them */
enum { STP_NF_HOOK, STP_NF_SKB, STP_NF_IN, STP_NF_OUT, STP_NF_VERDICT, STP_NF_STATE,
       STP_NF_NARGS };

static unsigned int _stp_nf_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct stp_nf_probe *np = priv;
	int64_t args[STP_NF_NARGS] = {
		[STP_NF_HOOK] = state->hook,
		[STP_NF_SKB] = (long)skb,
		[STP_NF_IN] = (long)state->in,
		[STP_NF_OUT] = (long)state->out,
		[STP_NF_VERDICT] = NF_ACCEPT,
		[STP_NF_STATE] = (long)state,
	};

	_stp_probe_run_args(np->probe, NULL, args);
	return (unsigned int)args[STP_NF_VERDICT];
}

/* $verdict = v in a netfilter probe (guru mode; tapsets/netfilter.stp has
 * checked v): the hit's verdict. */
static void _stp_nf_set_verdict(struct context *c, int64_t v)
{
	/* c->args is this hit's args[] of _stp_nf_hook, which is not const */
	((int64_t *)c->args)[STP_NF_VERDICT] = v;
}

static int _stp_nf_register(const struct stp_family *f)
{
	const struct stp_nf_probe *e = f->probes;
	unsigned int i;
	int rc;

	for (i = 0; i < f->nprobes; i++) {
		struct nf_hook_ops *ops = e[i].ops;

		ops->hook = _stp_nf_hook;
		ops->priv = (void *)&e[i];
		ops->pf = e[i].pf;
		ops->hooknum = e[i].hooknum;
		ops->priority = e[i].priority;
		rc = nf_register_net_hook(&init_net, ops);
		if (rc) {
			_stp_warn("cannot register netfilter hook %u of protocol family %u: %d",
				  e[i].hooknum, e[i].pf, rc);
			while (i--)
				nf_unregister_net_hook(&init_net, e[i].ops);
			return rc;
		}
	}
	return 0;
}

static void _stp_nf_unregister(const struct stp_family *f)
{
	const struct stp_nf_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		nf_unregister_net_hook(&init_net, e[i].ops);
}

static const char *_stp_nf_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_nf_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p)
			return "netfilter";
	return NULL;
}

static const struct stp_family_ops _stp_netfilter_ops = {
	.name = "netfilter",
	.reg = _stp_nf_register,
	.unreg = _stp_nf_unregister,
	.type_of = _stp_nf_type,
};
