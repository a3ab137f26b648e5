/* compat.c - version comparison for --compatible (compat.h). */
#define _GNU_SOURCE
#include <string.h>

#include "compat.h"

bool compat_before(const char *compatible, const char *version)
{
	return compatible && strverscmp(compatible, version) < 0;
}

bool compat_valid(const char *version)
{
	return strverscmp(version, COMPAT_VERSION) <= 0;
}
