/* netfilter.c - netfilter hooks: netfilter.hook("HOOK").pf("PF") (either
 * order) [.priority("N"|"NAME")], one nf_hook_ops per probe registered in
 * the initial network namespace while the session runs.
 *
 * Names are the kernel's UAPI ones: protocol families NFPROTO_IPV4, _IPV6,
 * _ARP, _BRIDGE (PF_INET, AF_INET and NF_INET style spellings too); hooks
 * NF_INET_* (and the older NF_IP_* / NF_IP6_*), NF_ARP_*, NF_BR_*; the
 * priority a number or an NF_IP_PRI_* / NF_IP6_PRI_* / NF_BR_PRI_* name.
 * A number is accepted for each as well.
 *
 * Target variables, typed from the kernel's BTF (nf_hook_slow's
 * parameters and struct nf_hook_state): $hooknum, $skb, $in and $out (the
 * devices, 0 when none; also as $indev, $outdev), $indev_name and
 * $outdev_name ("" when none), $state, and $verdict: NF_ACCEPT (1) unless
 * the probe sets it.  Setting it needs guru mode, and only NF_DROP (0) and
 * NF_ACCEPT (1) are taken: any other verdict from a hook either leaks the
 * packet (NF_STOLEN, NF_STOP) or loops or queues it (NF_REPEAT, NF_QUEUE)
 * behind the kernel's back.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "elab_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"
#include "session.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

static const struct pp_family_pattern patterns[] = {
	{ "netfilter.hook(string).pf(string)", 0 },
	{ "netfilter.pf(string).hook(string)", 0 },
	{ "netfilter.hook(string).pf(string).priority(string)", 0 },
	{ "netfilter.pf(string).hook(string).priority(string)", 0 },
	{ "netfilter.hook(string).pf(string).priority(number)", 0 },
	{ "netfilter.pf(string).hook(string).priority(number)", 0 },
	{ NULL, 0 },
};

struct nf_name {
	const char *name;
	long long value;
	int pf;                 /* the family a hook or priority name is of; 0 any */
};

enum { PF_IPV4 = 2, PF_ARP = 3, PF_BRIDGE = 7, PF_IPV6 = 10 };

static const struct nf_name families[] = {
	{ "NFPROTO_IPV4", PF_IPV4, 0 },	    { "PF_INET", PF_IPV4, 0 },
	{ "AF_INET", PF_IPV4, 0 },	    { "NF_INET", PF_IPV4, 0 },
	{ "NFPROTO_IPV6", PF_IPV6, 0 },	    { "PF_INET6", PF_IPV6, 0 },
	{ "AF_INET6", PF_IPV6, 0 },	    { "NF_INET6", PF_IPV6, 0 },
	{ "NFPROTO_ARP", PF_ARP, 0 },	    { "NF_ARP", PF_ARP, 0 },
	{ "NFPROTO_BRIDGE", PF_BRIDGE, 0 }, { "PF_BRIDGE", PF_BRIDGE, 0 },
	{ "AF_BRIDGE", PF_BRIDGE, 0 },	    { "NF_BRIDGE", PF_BRIDGE, 0 },
	{ NULL, 0, 0 },
};

/* pf -1: an IP family (IPv4 or IPv6) */
static const struct nf_name hooks[] = {
	{ "NF_INET_PRE_ROUTING", 0, -1 }, { "NF_INET_LOCAL_IN", 1, -1 },
	{ "NF_INET_FORWARD", 2, -1 },	  { "NF_INET_LOCAL_OUT", 3, -1 },
	{ "NF_INET_POST_ROUTING", 4, -1 },
	{ "NF_IP_PRE_ROUTING", 0, PF_IPV4 }, { "NF_IP_LOCAL_IN", 1, PF_IPV4 },
	{ "NF_IP_FORWARD", 2, PF_IPV4 },     { "NF_IP_LOCAL_OUT", 3, PF_IPV4 },
	{ "NF_IP_POST_ROUTING", 4, PF_IPV4 },
	{ "NF_IP6_PRE_ROUTING", 0, PF_IPV6 }, { "NF_IP6_LOCAL_IN", 1, PF_IPV6 },
	{ "NF_IP6_FORWARD", 2, PF_IPV6 },     { "NF_IP6_LOCAL_OUT", 3, PF_IPV6 },
	{ "NF_IP6_POST_ROUTING", 4, PF_IPV6 },
	{ "NF_ARP_IN", 0, PF_ARP },	    { "NF_ARP_OUT", 1, PF_ARP },
	{ "NF_ARP_FORWARD", 2, PF_ARP },
	{ "NF_BR_PRE_ROUTING", 0, PF_BRIDGE }, { "NF_BR_LOCAL_IN", 1, PF_BRIDGE },
	{ "NF_BR_FORWARD", 2, PF_BRIDGE },     { "NF_BR_LOCAL_OUT", 3, PF_BRIDGE },
	{ "NF_BR_POST_ROUTING", 4, PF_BRIDGE }, { "NF_BR_BROUTING", 5, PF_BRIDGE },
	{ NULL, 0, 0 },
};

/* The hooks a family has: its hook numbers are 0..count-1. */
static int hook_count(int pf)
{
	return pf == PF_ARP ? 3 : pf == PF_BRIDGE ? 6 : 5;
}

static const struct nf_name priorities[] = {
	{ "NF_IP_PRI_FIRST", INT_MIN, PF_IPV4 },
	{ "NF_IP_PRI_RAW_BEFORE_DEFRAG", -450, PF_IPV4 },
	{ "NF_IP_PRI_CONNTRACK_DEFRAG", -400, PF_IPV4 },
	{ "NF_IP_PRI_RAW", -300, PF_IPV4 },
	{ "NF_IP_PRI_SELINUX_FIRST", -225, PF_IPV4 },
	{ "NF_IP_PRI_CONNTRACK", -200, PF_IPV4 },
	{ "NF_IP_PRI_MANGLE", -150, PF_IPV4 },
	{ "NF_IP_PRI_NAT_DST", -100, PF_IPV4 },
	{ "NF_IP_PRI_FILTER", 0, PF_IPV4 },
	{ "NF_IP_PRI_SECURITY", 50, PF_IPV4 },
	{ "NF_IP_PRI_NAT_SRC", 100, PF_IPV4 },
	{ "NF_IP_PRI_SELINUX_LAST", 225, PF_IPV4 },
	{ "NF_IP_PRI_CONNTRACK_HELPER", 300, PF_IPV4 },
	{ "NF_IP_PRI_CONNTRACK_CONFIRM", INT_MAX, PF_IPV4 },
	{ "NF_IP_PRI_LAST", INT_MAX, PF_IPV4 },
	{ "NF_IP6_PRI_FIRST", INT_MIN, PF_IPV6 },
	{ "NF_IP6_PRI_RAW_BEFORE_DEFRAG", -450, PF_IPV6 },
	{ "NF_IP6_PRI_CONNTRACK_DEFRAG", -400, PF_IPV6 },
	{ "NF_IP6_PRI_RAW", -300, PF_IPV6 },
	{ "NF_IP6_PRI_SELINUX_FIRST", -225, PF_IPV6 },
	{ "NF_IP6_PRI_CONNTRACK", -200, PF_IPV6 },
	{ "NF_IP6_PRI_MANGLE", -150, PF_IPV6 },
	{ "NF_IP6_PRI_NAT_DST", -100, PF_IPV6 },
	{ "NF_IP6_PRI_FILTER", 0, PF_IPV6 },
	{ "NF_IP6_PRI_SECURITY", 50, PF_IPV6 },
	{ "NF_IP6_PRI_NAT_SRC", 100, PF_IPV6 },
	{ "NF_IP6_PRI_SELINUX_LAST", 225, PF_IPV6 },
	{ "NF_IP6_PRI_CONNTRACK_HELPER", 300, PF_IPV6 },
	{ "NF_IP6_PRI_LAST", INT_MAX, PF_IPV6 },
	{ "NF_BR_PRI_FIRST", INT_MIN, PF_BRIDGE },
	{ "NF_BR_PRI_NAT_DST_BRIDGED", -300, PF_BRIDGE },
	{ "NF_BR_PRI_FILTER_BRIDGED", -200, PF_BRIDGE },
	{ "NF_BR_PRI_BRNF", 0, PF_BRIDGE },
	{ "NF_BR_PRI_NAT_DST_OTHER", 100, PF_BRIDGE },
	{ "NF_BR_PRI_FILTER_OTHER", 200, PF_BRIDGE },
	{ "NF_BR_PRI_NAT_SRC", 300, PF_BRIDGE },
	{ "NF_BR_PRI_LAST", INT_MAX, PF_BRIDGE },
	{ NULL, 0, 0 },
};

/* What a netfilter probe resolved to: the elab_probe's data. */
struct nf_data {
	int pf, hook;
	long long priority;
	bool guru;                      /* $verdict may be set */
	struct ti_type skb, state, dev; /* struct sk_buff *, struct nf_hook_state *,
					   struct net_device * */
};

/* name in table (for family pf; 0 takes every name), or a decimal number:
 * its value in *v.  False when it is neither. */
static bool lookup(const struct nf_name *table, const char *name, int pf, long long *v)
{
	for (const struct nf_name *n = table; n->name; n++)
		if (strcmp(n->name, name) == 0 &&
		    (!pf || !n->pf || n->pf == pf ||
		     (n->pf == -1 && (pf == PF_IPV4 || pf == PF_IPV6)))) {
			*v = n->value;
			return true;
		}
	char *end;
	long long x = strtoll(name, &end, 0);
	if (!*name || *end)
		return false;
	*v = x;
	return true;
}

/* The kernel types of the hook's arguments, from nf_hook_slow's BTF
 * prototype (skb, state) and struct nf_hook_state (in, out). */
static bool kernel_types(struct pp_request *req, struct nf_data *d)
{
	const struct ti_function *f = ti_function(req->ti, NULL, "nf_hook_slow");
	struct ti_member in;
	if (!f || f->nparams < 2) {
		pp_error(req, "netfilter probes need nf_hook_slow in the kernel's BTF: %s",
			 ti_error(req->ti) ? ti_error(req->ti) : "not found");
		return false;
	}
	d->skb = f->params[0].type;
	d->state = f->params[1].type;
	if (!ti_member(ti_resolve(ti_target(d->state)), "in", &in)) {
		pp_error(req, "struct nf_hook_state has no member 'in' in this kernel's BTF");
		return false;
	}
	d->dev = in.type;
	return true;
}

static void resolve(struct pp_request *req)
{
	bool hook_first = req->pattern % 2 == 0;
	const char *hook = req->args[hook_first ? 1 : 2]->u.str.s;
	const char *pf = req->args[hook_first ? 2 : 1]->u.str.s;
	const struct node *prio = req->pattern >= 2 ? req->args[3] : NULL;
	struct nf_data *d = arena_alloc(req->arena, sizeof(*d));
	long long v;

	if (!lookup(families, pf, 0, &v) || v <= 0 || v > 12) {
		pp_error(req, "unknown netfilter protocol family \"%s\" (NFPROTO_IPV4, "
			 "NFPROTO_IPV6, NFPROTO_ARP or NFPROTO_BRIDGE)", pf);
		return;
	}
	d->pf = (int)v;
	if (!lookup(hooks, hook, d->pf, &v) || v < 0 || v >= hook_count(d->pf)) {
		pp_error(req, "unknown netfilter hook \"%s\" for %s", hook, pf);
		return;
	}
	d->hook = (int)v;
	if (prio && prio->kind == ND_STR) {
		if (!lookup(priorities, prio->u.str.s, 0, &v)) {
			pp_error(req, "unknown netfilter priority \"%s\" for %s", prio->u.str.s, pf);
			return;
		}
		d->priority = v;
	} else if (prio) {
		d->priority = prio->u.num;
	}
	if (d->priority < INT_MIN || d->priority > INT_MAX) {
		pp_error(req, "netfilter priority %lld is out of range", d->priority);
		return;
	}
	d->guru = req->sess && req->sess->guru;
	if (!req->listing && !kernel_types(req, d))
		return;
	pp_emit(req, req->point, d);
}

static void list_vars(FILE *out, const struct elab_probe *p)
{
	(void)p;
	fputs(" $hooknum:long $skb:struct sk_buff* $in:struct net_device* "
	      "$out:struct net_device* $indev:struct net_device* $outdev:struct net_device* "
	      "$indev_name:string $outdev_name:string $state:struct nf_hook_state* "
	      "$verdict:long", out);
}

/* c->args of a hit (runtime/probes/netfilter.c) */
enum { ARG_HOOK, ARG_SKB, ARG_IN, ARG_OUT, ARG_VERDICT, ARG_STATE };

static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	const struct nf_data *d = p->data;
	if (n->kind != ND_TARGET)
		return TYPE_UNKNOWN;
	const char *name = n->u.tgt.name + 1;
	if (strcmp(name, "indev_name") == 0 || strcmp(name, "outdev_name") == 0) {
		if (n->u.tgt.comps || n->u.tgt.addr_of) {
			*why = arena_printf(a, "$%s is a string: it has no members", name);
			return TYPE_UNKNOWN;
		}
		struct node *dev = ast_node_new(a, ND_TARGET, &n->pos);
		dev->u.tgt.name = name[0] == 'i' ? "$in" : "$out";
		struct node *call = ast_node_new(a, ND_CALL, &n->pos);
		call->u.call.name = "__netfilter_devname";
		call->u.call.args = dev;
		call->u.call.nargs = 1;
		n->u.tgt.expansion = call;
		return TYPE_STRING;
	}
	int arg;
	struct ti_type type = d->skb;
	bool typed = true;
	if (strcmp(name, "hooknum") == 0 || strcmp(name, "verdict") == 0) {
		arg = name[0] == 'h' ? ARG_HOOK : ARG_VERDICT;
		typed = false;
	} else if (strcmp(name, "skb") == 0) {
		arg = ARG_SKB;
	} else if (strcmp(name, "in") == 0 || strcmp(name, "indev") == 0) {
		arg = ARG_IN;
		type = d->dev;
	} else if (strcmp(name, "out") == 0 || strcmp(name, "outdev") == 0) {
		arg = ARG_OUT;
		type = d->dev;
	} else if (strcmp(name, "state") == 0) {
		arg = ARG_STATE;
		type = d->state;
	} else {
		*why = arena_printf(a, "a netfilter probe has no variable '$%s' ($hooknum, $skb, "
				    "$in, $out, $indev_name, $outdev_name, $state, $verdict)",
				    name);
		return TYPE_UNKNOWN;
	}
	const char *base = arena_printf(a, "c->args[%d]", arg);
	if (!typed) {
		if (n->u.tgt.comps || n->u.tgt.addr_of) {
			*why = arena_printf(a, "$%s is a number: it has no members", name);
			return TYPE_UNKNOWN;
		}
		struct tv_access *acc = arena_alloc(a, sizeof(*acc));
		acc->base_c = base;
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	if (tv_is_pretty(n))
		return tv_pretty(a, type, n, why);
	struct tv_access *acc = tv_build(a, base, type, false, n->u.tgt.comps,
					 n->u.tgt.addr_of, why);
	if (!acc)
		return TYPE_UNKNOWN;
	n->u.tgt.access = acc;
	return TYPE_LONG;
}

/* `$verdict = v` becomes __netfilter_set_verdict(v), in guru mode. */
static struct node *target_assign(struct arena *a, const struct elab_probe *p,
				  struct node *assign, const char **why)
{
	const struct nf_data *d = p->data;
	const struct node *lhs = assign->u.bin.lhs;
	if (strcmp(lhs->u.tgt.name, "$verdict") != 0 || lhs->u.tgt.comps) {
		*why = "of a netfilter probe's variables only $verdict can be set";
		return NULL;
	}
	if (!d->guru) {
		*why = "write to target variable not permitted; use -g";
		return NULL;
	}
	if (assign->op != OP_ASSIGN) {
		*why = "$verdict takes = only";
		return NULL;
	}
	struct node *call = ast_node_new(a, ND_CALL, &assign->pos);
	call->u.call.name = "__netfilter_set_verdict";
	call->u.call.args = assign->u.bin.rhs;
	call->u.call.nargs = 1;
	call->next = assign->next;
	return call;
}

static const char *emit(struct pp_table_req *e)
{
	fprintf(e->out, "static struct nf_hook_ops stp_nf_ops[%d];\n\n", e->n);
	fputs("static const struct stp_nf_probe stp_nf_probe[] = {\n", e->out);
	for (int i = 0; i < e->n; i++) {
		const struct nf_data *d = e->probes[i]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], &stp_nf_ops[%d], %d, %d, %s },\n",
			e->index[i], i, d->pf, d->hook,
			d->priority == INT_MIN ? "INT_MIN" : emit_num(e->arena, d->priority));
	}
	fputs("};\n", e->out);
	return "stp_nf_probe";
}

const struct probe_family probe_family_netfilter = {
	.name = "netfilter",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.target_assign = target_assign,
	.runtime = "probes/netfilter.c",
	.ops = "_stp_netfilter_ops",
	.emit = emit,
};
