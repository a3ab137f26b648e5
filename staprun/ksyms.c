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

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

/* The .stap_ksyms section of ELF64 file image `f` (n bytes): its bytes
 * and *len, or NULL when there is none. */
static const char *find_section(const unsigned char *f, size_t n, size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
	if (n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff > n || eh->e_shnum > (n - eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
	const Elf64_Shdr *names = &sh[eh->e_shstrndx];
	if (names->sh_offset > n || names->sh_size > n - names->sh_offset)
		return NULL;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= names->sh_size)
			continue;
		const char *nm = (const char *)f + names->sh_offset + sh[i].sh_name;
		size_t room = names->sh_size - sh[i].sh_name;
		if (strnlen(nm, room) == room || strcmp(nm, ".stap_ksyms") != 0)
			continue;
		if (sh[i].sh_offset > n || sh[i].sh_size > n - sh[i].sh_offset)
			return NULL;
		*len = sh[i].sh_size;
		return (const char *)f + sh[i].sh_offset;
	}
	return NULL;
}

static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long len;
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len)) && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		*n = (size_t)len;
	if (f)
		fclose(f);
	return buf;
}

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
	unsigned char *f = read_file(ko, &n);
	*why = NULL;
	if (!f)
		return NULL;            /* modload reports an unreadable module */
	const char *names = find_section(f, n, &len);
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
