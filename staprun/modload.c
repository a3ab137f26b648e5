/* modload.c - finit_module/delete_module with plain-spoken failures.
 *
 * The kernel reports why it refused a module only as an errno (and a line
 * in its log).  A user who typed `stap` needs the reason in words: module
 * loading disabled, lockdown, a signature requirement, a symbol the kernel
 * does not export, a module built for another kernel.
 */
#define _GNU_SOURCE
#include "modload.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* First line of a small /proc or /sys file, or "" when unreadable. */
static const char *read_line(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return buf;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Lockdown mode in force: "integrity", "confidentiality" or NULL. */
static const char *lockdown_mode(void)
{
	static char buf[128];
	read_line("/sys/kernel/security/lockdown", buf, sizeof(buf));
	if (strstr(buf, "[integrity]"))
		return "integrity";
	if (strstr(buf, "[confidentiality]"))
		return "confidentiality";
	return NULL;
}

static void explain_failure(const char *path, int err)
{
	char buf[64];
	const char *mode;

	fprintf(stderr, "staprun: the kernel refused module %s: ", path);
	switch (err) {
	case ENOSYS:
		fputs("this kernel was built without module support\n", stderr);
		return;
	case EPERM:
		if (geteuid() != 0) {
			fputs("loading modules needs root\n", stderr);
		} else if (strcmp(read_line("/proc/sys/kernel/modules_disabled", buf, sizeof(buf)), "1") == 0) {
			fputs("module loading is disabled (kernel.modules_disabled=1)\n", stderr);
		} else if ((mode = lockdown_mode())) {
			fprintf(stderr, "kernel lockdown (%s) forbids loading unsigned modules\n", mode);
		} else {
			fputs("operation not permitted (a security module or a signature "
			      "requirement may forbid it; see dmesg)\n", stderr);
		}
		return;
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		fputs("the kernel requires modules signed with a trusted key "
		      "(module.sig_enforce or Secure Boot)\n", stderr);
		return;
	case ENOENT:
		fputs("it uses a symbol this kernel does not export (see dmesg for "
		      "\"Unknown symbol\")\n", stderr);
		return;
	case ENOEXEC:
		fputs("invalid module format: it was built for another kernel or "
		      "architecture\n", stderr);
		return;
	case EEXIST:
		fputs("a module with this name is already loaded\n", stderr);
		return;
	case EINVAL:
		fputs("invalid module or parameters (version magic mismatch? see dmesg)\n", stderr);
		return;
	case ENOMEM:
		fputs("out of kernel memory\n", stderr);
		return;
	default:
		fprintf(stderr, "%s\n", strerror(err));
		return;
	}
}

int modload_insert(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		fprintf(stderr, "staprun: cannot open module %s: %s\n", path, strerror(err));
		return -err;
	}
	long rc = syscall(SYS_finit_module, fd, params ? params : "", 0);
	int err = errno;
	close(fd);
	if (rc != 0) {
		explain_failure(path, err);
		return -err;
	}
	return 0;
}

int modload_remove(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK) != 0) {
		int err = errno;
		if (err == ENOENT)
			fprintf(stderr, "staprun: module %s is not loaded\n", name);
		else if (err == EWOULDBLOCK || err == EBUSY)
			fprintf(stderr, "staprun: module %s is in use\n", name);
		else
			fprintf(stderr, "staprun: cannot unload module %s: %s\n", name, strerror(err));
		return -err;
	}
	return 0;
}

const char *modload_name_of(const char *path, char *buf, unsigned len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".ko") == 0)
		n -= 3;
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[n] = '\0';
	return buf;
}

int modload_remove_wait(const char *name, int verbose)
{
	for (int tries = 0; tries < 50; tries++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0) {
			if (verbose)
				fprintf(stderr, "staprun: module %s unloaded\n", name);
			return 0;
		}
		if (errno != EWOULDBLOCK && errno != EBUSY && errno != EINTR)
			break;
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return modload_remove(name);
}

const char *modload_elf_section(const char *img, size_t size, const char *want, size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	size_t wlen = strlen(want);

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
		return NULL;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= strs->sh_size || sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset)
			continue;
		const char *name = img + strs->sh_offset + sh[i].sh_name;
		if (strnlen(name, strs->sh_size - sh[i].sh_name) == wlen && !strcmp(name, want)) {
			*len = sh[i].sh_size;
			return img + sh[i].sh_offset;
		}
	}
	return NULL;
}

char *modload_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *img = NULL;
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (img = malloc((size_t)n)) && fread(img, 1, (size_t)n, f) != (size_t)n) {
		free(img);
		img = NULL;
	}
	if (f)
		fclose(f);
	if (img)
		*size = (size_t)n;
	return img;
}

/* The value of "name=" in the module's .modinfo (NUL-separated
 * "key=value" strings), which is what the kernel will call it whatever
 * the file is called. */
const char *modload_module_name(const char *path, char *buf, unsigned len)
{
	const char *found = NULL;
	size_t size = 0, mlen = 0, vlen = 0;
	char *img = modload_read_file(path, &size);
	const char *mi = img ? modload_elf_section(img, size, ".modinfo", &mlen) : NULL;

	for (size_t i = 0; mi && i < mlen; i += strnlen(mi + i, mlen - i) + 1) {
		if (mlen - i > 5 && !memcmp(mi + i, "name=", 5)) {
			found = mi + i + 5;
			vlen = strnlen(found, mlen - i - 5);
			break;
		}
	}
	if (found && vlen && vlen < len) {
		memcpy(buf, found, vlen);
		buf[vlen] = '\0';
	} else {
		modload_name_of(path, buf, len);
	}
	free(img);
	return buf;
}
