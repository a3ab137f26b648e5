/* examples.c - finding and listing the shipped examples (examples.h). */
#include "config.h"

#include "examples.h"

#include <dirent.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "paths.h"

/* The examples directory: "examples" beside the tapset directory. */
static char *examples_dir(struct arena *a)
{
	const char *tapsets = paths_tapset_dir();
	const char *slash = strrchr(tapsets, '/');
	return slash ? arena_printf(a, "%.*s/examples", (int)(slash - tapsets), tapsets)
		     : arena_strdup(a, "examples");
}

/* nftw has no user argument: the search's state while it walks. */
static const char *wanted;
static char found[4096];

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type == FTW_F && strcmp(path + ftw->base, wanted) == 0) {
		snprintf(found, sizeof(found), "%s", path);
		return 1;
	}
	return 0;
}

const char *examples_find(struct arena *a, const char *name)
{
	char *dir = examples_dir(a);
	size_t len = strlen(name);
	/* upstream names them with .stp; the bare name is accepted too */
	const char *file = len > 4 && strcmp(name + len - 4, ".stp") == 0
				   ? name : arena_printf(a, "%s.stp", name);
	struct stat st;
	char *direct = arena_printf(a, "%s/%s", dir, file);
	if (stat(direct, &st) == 0 && S_ISREG(st.st_mode))
		return direct;
	const char *base = strrchr(file, '/');
	wanted = base ? base + 1 : file;
	found[0] = '\0';
	if (nftw(dir, visit, 16, FTW_PHYS) == 1)
		return arena_strdup(a, found);
	return NULL;
}

/* From an example's header: the title (after "# NAME.stp - ") and the
 * families of its "# meta: families=..." line, each "" when absent. */
static void read_header(const char *path, char *title, size_t tlen, char *families, size_t flen)
{
	char line[512];
	FILE *f = fopen(path, "r");
	title[0] = families[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		line[strcspn(line, "\n")] = '\0';
		const char *dash = strstr(line, ".stp - ");
		const char *fam = strstr(line, "families=");
		if (!title[0] && dash)
			snprintf(title, tlen, "%s", dash + 7);
		if (strncmp(line, "# meta:", 7) == 0 && fam)
			snprintf(families, flen, "%.*s", (int)strcspn(fam + 9, " "), fam + 9);
	}
	fclose(f);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int examples_list(FILE *out)
{
	struct arena *a = arena_new();
	char *dir = examples_dir(a);
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "stap: cannot read the examples directory %s\n", dir);
		arena_free(a);
		return 1;
	}
	size_t n = 0, cap = 64;
	char **names = arena_alloc(a, cap * sizeof(*names));
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".stp") != 0)
			continue;
		if (n == cap) {
			names = arena_realloc(a, names, cap * sizeof(*names), 2 * cap * sizeof(*names));
			cap *= 2;
		}
		names[n++] = arena_strdup(a, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char title[256], families[128];
		read_header(arena_printf(a, "%s/%s", dir, names[i]), title, sizeof(title),
			    families, sizeof(families));
		fprintf(out, "%-26s %-30s %s\n", names[i], families, title);
	}
	arena_free(a);
	return 0;
}
