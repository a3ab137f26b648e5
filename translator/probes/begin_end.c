/* begin_end.c - the session's own events: begin, end and error, each with
 * an optional (priority) number that orders probes of one kind (lower
 * first; default 0).
 *
 * begin runs once when the session starts, end when it ends in order,
 * error when it ends because of an error.  No $target variables.  Any
 * 64-bit priority is valid.  All allowed for unprivileged users.
 */
#include "config.h"

#include "probes/registry.h"

static const struct pp_family_pattern patterns[] = {
	{ "begin", PPF_UNPRIV },
	{ "begin(number)", PPF_UNPRIV },
	{ "end", PPF_UNPRIV },
	{ "end(number)", PPF_UNPRIV },
	{ "error", PPF_UNPRIV },
	{ "error(number)", PPF_UNPRIV },
	{ NULL, 0 },
};

static void resolve(struct pp_request *req)
{
	pp_emit(req, req->point, NULL);
}

const struct probe_family probe_family_begin_end = {
	.name = "begin/end/error",
	.patterns = patterns,
	.target_vars = false,
	.resolve = resolve,
	.list_vars = NULL,
	.target_var = NULL,
};
