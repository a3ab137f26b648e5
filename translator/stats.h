/* stats.h - the resource figures of the -v pass lines.
 *
 *   Pass 1: parsed user script and 3 library scripts using
 *   12345virt/6789res/1234shr/5678data kb, in 10usr/0sys/12real ms.
 *
 * stats_start() marks the beginning of a pass; stats_format() writes the
 * "using ... kb, in ... ms" part: memory now (from /proc/self/statm), CPU
 * and wall time since the mark.
 */
#ifndef STAP_STATS_H
#define STAP_STATS_H

#include <stddef.h>
#include <sys/resource.h>
#include <time.h>

struct stats_mark {
	struct timespec wall;
	struct rusage usage;
};

void stats_start(struct stats_mark *m);
/* "using Xvirt/Yres/Zshr/Wdata kb, in Ausr/Bsys/Creal ms" into buf. */
void stats_format(const struct stats_mark *since, char *buf, size_t len);

#endif
