/* never.c - `never`: a probe that is resolved and type-checked but never
 * runs (useful to test a script, or to keep a function referenced).  No
 * $target variables; allowed for unprivileged users.
 */
#include "config.h"

#include "probes/registry.h"

static const struct pp_family_pattern patterns[] = {
	{ "never", PPF_UNPRIV },
	{ NULL, 0 },
};

static void resolve(struct pp_request *req)
{
	pp_emit(req, req->point, NULL);
}

const struct probe_family probe_family_never = {
	.name = "never",
	.patterns = patterns,
	.target_vars = false,
	.resolve = resolve,
	.list_vars = NULL,
	.target_var = NULL,
	/* Never armed: nothing at run time beyond its handler in stp_probes[]. */
	.runtime = NULL,
	.ops = NULL,
	.emit = NULL,
};
