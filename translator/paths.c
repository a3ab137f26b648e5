/* paths.c - locate the tapset library and runtime for this binary. */
#include "config.h"

#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory this executable lives in, or NULL if /proc is missing. */
static const char *exe_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return dir;
}

/* Resolve dir/suffix into buf if it names a directory. */
static const char *try_dir(const char *dir, const char *suffix, char *buf)
{
	char cand[PATH_MAX + 64];
	if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, suffix) >= sizeof(cand))
		return NULL;
	if (!is_dir(cand) || !realpath(cand, buf))
		return NULL;
	return buf;
}

/* First existing directory of: $env, EXE/../tree_name (build tree),
 * EXE/../share/systemtap/inst_name (installed), PKGDATADIR/inst_name.
 * buf has room for PATH_MAX bytes. */
static const char *find_dir(const char *env, const char *tree_name, const char *inst_name,
			    char *buf)
{
	char suffix[128];
	const char *e = getenv(env), *dir = exe_dir(), *found = NULL;
	if (e && *e)
		return e;
	if (dir) {
		snprintf(suffix, sizeof(suffix), "../%s", tree_name);
		found = try_dir(dir, suffix, buf);
		if (!found) {
			snprintf(suffix, sizeof(suffix), "../share/systemtap/%s", inst_name);
			found = try_dir(dir, suffix, buf);
		}
	}
	if (!found) {
		snprintf(buf, PATH_MAX, "%s/%s", PKGDATADIR, inst_name);
		found = buf;
	}
	return found;
}

const char *paths_tapset_dir(void)
{
	static char buf[PATH_MAX];
	static const char *found;
	if (!found)
		found = find_dir("SYSTEMTAP_TAPSET", "tapsets", "tapset", buf);
	return found;
}

const char *paths_runtime_dir(const char *runtime_opt)
{
	static char buf[PATH_MAX];
	static const char *found;
	if (runtime_opt)
		return runtime_opt;
	if (!found)
		found = find_dir("SYSTEMTAP_RUNTIME", "runtime", "runtime", buf);
	return found;
}
