/* run.h - pass 5: load and run the module with staprun.
 *
 *	staprun [-v...] [-o FILE] [-c CMD | -x PID] MODULE.ko [global=value ...]
 *
 * staprun is $STAPRUN, else ../staprun/staprun next to this stap (a build
 * tree), else staprun in this stap's own directory (the bindir), else the
 * configured bindir's.  stap waits for it, forwards SIGTERM and SIGHUP
 * (SIGINT reaches it through the terminal's process group), and after -T
 * SECONDS sends it SIGTERM, which staprun turns into an orderly stop.
 */
#ifndef STAP_RUN_H
#define STAP_RUN_H

struct session;

/* Run the module at ko.  Returns staprun's exit status (1 when it could
 * not be started or died of a signal). */
int run_module(const struct session *s, const char *ko);

#endif
