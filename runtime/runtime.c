/* runtime.c - every definition of the runtime core, included once near
 * the end of the generated module (doc/module-layout.md).  Order matters
 * only in that each file may use what an earlier one defined.  The probe
 * families' files (probes/NAME.c) are not here: pass 3 includes after this
 * file only those the script uses. */
#include "transport.h"

#include "sink.c"          /* print buffers, string sinks, printf directives */
#include "string.c"        /* string helpers of the language */
#include "stat.c"          /* statistics, histograms */
#include "map.c"           /* associative arrays, per-CPU statistics arrays */
#include "regex.c"         /* =~ and !~ */
#include "transport.c"     /* ring buffer, debugfs data and ctl files */
#include "context.c"       /* per-CPU contexts, errors, locks, _stp_probe_run */
#include "tapset_support.c" /* helpers of doc/runtime-api.md */
#include "usyms.c"         /* user-space symbols and stacks */
#include "session.c"       /* session states, the family list, module init/exit */
