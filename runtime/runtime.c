/* runtime.c - every definition of the runtime, included once at the end
 * of the generated module (doc/module-layout.md).  Order matters only in
 * that each file may use what an earlier one defined. */
#include "transport.h"

#include "sink.c"          /* print buffers, string sinks, printf directives */
#include "string.c"        /* string helpers of the language */
#include "stat.c"          /* statistics, histograms */
#include "map.c"           /* associative arrays, per-CPU statistics arrays */
#include "regex.c"         /* =~ and !~ */
#include "transport.c"     /* ring buffer, debugfs data and ctl files */
#include "context.c"       /* per-CPU contexts, errors, locks, _stp_probe_run */
#include "tapset_support.c" /* helpers of doc/runtime-api.md */
#include "timer.c"         /* timer.* probes on hrtimers and kernel timers */
#include "session.c"       /* session states, begin/end/error, module init/exit */
