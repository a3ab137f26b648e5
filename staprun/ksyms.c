/* ksyms.c - the kernel symbol addresses a module asks for, from
 * /proc/kallsyms, as its _stp_ksym module parameter.
 *
 * The translator never knows where the running kernel put a variable
 * (KASLR moves the kernel every boot; a module's data lives wherever
 * the module was loaded), so a script's @var names travel in the
 * module's ".stap_ksyms" section, NUL-separated, "name" for vmlinux and
 * "module:name" for a module's, and staprun answers at load time with
 * the addresses in the same order.  Reading /proc/kallsyms needs root
 * (kptr_restrict shows zeros to others), which staprun is.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "modload.h"

/* The address of symbol `want` ("name" or "module:name") in
 * /proc/kallsyms, or 0. */
static unsigned long lookup(FILE *ks, const char *want)
{
	const char *colon = strchr(want, ':');
	const char *name = colon ? colon + 1 : want;
	size_t mlen = colon ? (size_t)(colon - want) : 0;
	char line[512];
	rewind(ks);
	while (fgets(line, sizeof(line), ks)) {
		unsigned long addr;
		char type, sym[256], mod[256] = "";
		int got = sscanf(line, "%lx %c %255s [%255[^]]]", &addr, &type, sym, mod);
		if (got < 3 || strcmp(sym, name) != 0)
			continue;
		/* vmlinux's lines have no [module] */
		if (colon ? got == 4 && strlen(mod) == mlen && !strncmp(mod, want, mlen) : got == 3)
			return addr;
	}
	return 0;
}

char *ksyms_params(const char *ko, char **why)
{
	static char msg[512];
	size_t n, len;
	char *f = modload_read_file(ko, &n);
	*why = NULL;
	if (!f)
		return NULL;            /* modload reports an unreadable module */
	const char *names = modload_elf_section(f, n, ".stap_ksyms", &len);
	if (!names) {
		free(f);
		return NULL;
	}
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		count += names[i] == '\0';
	FILE *ks = fopen("/proc/kallsyms", "r");
	/* "0xffffffffc0123456," is 19 characters an address */
	size_t cap = 16 + 20 * count;
	char *out = malloc(cap);
	if (!ks || !out) {
		snprintf(msg, sizeof(msg), "cannot read /proc/kallsyms: %s", strerror(errno));
		*why = msg;
		goto fail;
	}
	strcpy(out, "_stp_ksym=");
	for (size_t i = 0; i < len;) {
		const char *sym = names + i;
		size_t sl = strnlen(sym, len - i);
		if (sl == len - i)
			break;          /* no NUL: not a name */
		i += sl + 1;
		if (!sl)
			continue;
		unsigned long addr = lookup(ks, sym);
		if (!addr) {
			snprintf(msg, sizeof(msg), "the script reads kernel symbol %s, which "
				 "/proc/kallsyms does not show (not loaded, or addresses hidden "
				 "by kptr_restrict)", sym);
			*why = msg;
			goto fail;
		}
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s%#lx", out[10] ? "," : "", addr);
	}
	fclose(ks);
	free(f);
	return out;
fail:
	if (ks)
		fclose(ks);
	free(out);
	free(f);
	return NULL;
}
