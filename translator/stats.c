/* stats.c - memory and time figures for the -v pass lines (see stats.h). */
#include "config.h"

#include "stats.h"

#include <stdio.h>
#include <unistd.h>

void stats_start(struct stats_mark *m)
{
	clock_gettime(CLOCK_MONOTONIC, &m->wall);
	getrusage(RUSAGE_SELF, &m->usage);
}

static long ms_between(const struct timeval *a, const struct timeval *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000 + (long)(b->tv_usec - a->tv_usec) / 1000;
}

void stats_format(const struct stats_mark *since, char *buf, size_t len)
{
	struct stats_mark now;
	stats_start(&now);
	unsigned long size = 0, res = 0, shr = 0, text = 0, lib = 0, data = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &res, &shr, &text, &lib, &data) != 6)
			size = res = shr = data = 0;
		fclose(f);
	}
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	if (page_kb <= 0)
		page_kb = 4;
	long real = (long)(now.wall.tv_sec - since->wall.tv_sec) * 1000 +
		    (long)(now.wall.tv_nsec - since->wall.tv_nsec) / 1000000;
	snprintf(buf, len, "using %luvirt/%lures/%lushr/%ludata kb, in %ldusr/%ldsys/%ldreal ms",
		 size * (unsigned long)page_kb, res * (unsigned long)page_kb,
		 shr * (unsigned long)page_kb, data * (unsigned long)page_kb,
		 ms_between(&since->usage.ru_utime, &now.usage.ru_utime),
		 ms_between(&since->usage.ru_stime, &now.usage.ru_stime), real);
}
