/* compat.h - --compatible=VERSION: behave as an older systemtap did where
 * a later release changed the language or the tapsets incompatibly, as
 * systemtap 4.8 does for the same option (stap(1), DEPRECATION; NEWS).
 *
 * Every version-dependent behaviour is named here, with the release that
 * changed it; the passes ask compat_before(s->compatible, COMPAT_X), and
 * the tapsets test `%( systemtap_v < "X" %)` for their own (abort, rss
 * and the older variable names: named here too, to have one list).
 * doc/compatibility.md lists them with their tests.
 */
#ifndef STAP_COMPAT_H
#define STAP_COMPAT_H

#include <stdbool.h>

#define COMPAT_VERSION      "4.8"   /* what we are compatible with by default */

#define COMPAT_PTR_FORMAT   "1.3"   /* %p: before, zero-padded to the full pointer width */
#define COMPAT_EMPTY_SUM    "1.5"   /* @sum of no values: before, an error; since, 0 */
#define COMPAT_THIS         "1.8"   /* embedded C's THIS->arg: before, the only way */
#define COMPAT_GLUE_COMMENT "2.0"   /* string literals glued across a comment: before, not */
#define COMPAT_AUTOCAST     "2.6"   /* postfix -> [ ] $ $$ on any value: before, not operators */
#define COMPAT_PN_SYSTEM    "2.7"   /* pn() of a tracepoint names its system: before, not */
#define COMPAT_ABORT        "4.0"   /* abort(): before, no such function */
#define COMPAT_ATVAR_ENTRY  "4.1"   /* @var in a .return probe: before, its value at entry */
#define COMPAT_RSS_SHARED   "4.3"   /* proc_mem_rss counts shared pages: before, not */

/* Whether a session compatible with version `compatible` (NULL: the
 * current one) predates release `version`. */
bool compat_before(const char *compatible, const char *version);

/* Whether `version` is one --compatible accepts (not newer than
 * COMPAT_VERSION). */
bool compat_valid(const char *version);

#endif
