/* kimage.c - what a kernel image file holds for a kernel that is not
 * running: its BTF and its trace events' system names.
 *
 * Debian's /boot/vmlinuz-REL is a bzImage: setup code, then the
 * decompressor, whose payload (xz here; found by its magic) is the whole
 * vmlinux ELF with its .BTF section.  The ELF has no symbol table, so the
 * trace events' systems (not in BTF) are found by walking .data for
 * static struct trace_event_call objects, with member offsets taken from
 * the BTF itself: a candidate counts only when its class, its tracepoint
 * and the tracepoint's name, its class's system name and its print_fmt
 * (a string starting with '"') all resolve inside the image, and the
 * name is one of BTF's __traceiter_ functions.  On Debian 6.1 that finds
 * exactly tracefs's 628 non-syscall events and nothing else.
 */
#include "config.h"

#include <bpf/btf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

/* ---- the vmlinux inside a bzImage ---- */

/* Decompress the xz stream at buf[0..n) until it ends or fails; the
 * bytes decoded so far (a vmlinux is ~66 MB) or NULL.  The payload is
 * followed by other data, so an error after a whole ELF is normal. */
static unsigned char *unxz(const unsigned char *buf, size_t n, size_t *out_len)
{
	lzma_stream z = LZMA_STREAM_INIT;
	size_t cap = 96u << 20, len = 0;
	unsigned char *out = malloc(cap);
	if (!out || lzma_stream_decoder(&z, UINT64_MAX, 0) != LZMA_OK) {
		free(out);
		return NULL;
	}
	z.next_in = buf;
	z.avail_in = n;
	for (;;) {
		if (len == cap) {
			unsigned char *bigger = realloc(out, cap * 2);
			if (!bigger)
				break;
			out = bigger;
			cap *= 2;
		}
		z.next_out = out + len;
		z.avail_out = cap - len;
		lzma_ret r = lzma_code(&z, LZMA_FINISH);
		len = cap - z.avail_out;
		if (r != LZMA_OK)
			break;
	}
	lzma_end(&z);
	*out_len = len;
	return out;
}

/* The vmlinux ELF of a bzImage file (malloc'd), or NULL. */
static unsigned char *vmlinux_of(const char *path, size_t *len, const char **why)
{
	static const unsigned char magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	size_t n;
	unsigned char *img = ti_read_file(path, &n);
	if (!img) {
		*why = strerror(errno);
		return NULL;
	}
	unsigned char *elf = NULL;
	for (size_t off = 0; off + sizeof(magic) <= n && !elf; off++) {
		if (memcmp(img + off, magic, sizeof(magic)) != 0)
			continue;
		elf = unxz(img + off, n - off, len);
		if (elf && (*len < 4 || memcmp(elf, "\177ELF", 4) != 0)) {
			free(elf);
			elf = NULL;
		}
	}
	free(img);
	if (!elf)
		*why = "no xz-compressed vmlinux ELF inside it";
	return elf;
}

/* ---- trace event systems ---- */

struct img_sec {
	uint64_t va, size;
	const unsigned char *data;
};

struct img {
	struct img_sec sec[64];
	int nsec;
	const struct img_sec *data_sec;     /* .data */
};

/* n bytes at virtual address va, or NULL when not all inside one
 * section (with no overflow on a garbage va). */
static const void *img_at(const struct img *im, uint64_t va, size_t n)
{
	for (int i = 0; i < im->nsec; i++) {
		const struct img_sec *s = &im->sec[i];
		if (va >= s->va && va - s->va < s->size && n <= s->size - (va - s->va))
			return s->data + (va - s->va);
	}
	return NULL;
}

static bool img_ptr(const struct img *im, uint64_t va, uint64_t *out)
{
	const void *p = img_at(im, va, 8);
	if (p)
		memcpy(out, p, 8);
	return p != NULL;
}

/* A NUL-terminated identifier at va ([A-Za-z0-9_-]: systems such as
 * xhci-hcd have dashes; at most 63 bytes). */
static const char *img_ident(const struct img *im, uint64_t va)
{
	const char *s = img_at(im, va, 1);
	size_t i = 0;
	if (!s)
		return NULL;
	for (; i < 64; i++) {
		if (!img_at(im, va + i, 1))
			return NULL;
		char c = s[i];
		if (!c)
			return i ? s : NULL;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      (c >= 'A' && c <= 'Z')))
			return NULL;
	}
	return NULL;
}

static bool img_load(Elf *e, struct img *im)
{
	size_t shstr;
	Elf_Scn *s = NULL;
	if (elf_getshdrstrndx(e, &shstr) != 0)
		return false;
	im->nsec = 0;
	im->data_sec = NULL;
	while ((s = elf_nextscn(e, s)) && im->nsec < (int)(sizeof(im->sec) / sizeof(im->sec[0]))) {
		GElf_Shdr sh;
		Elf_Data *d;
		/* Per-CPU data is linked at address 0: never a pointer target. */
		if (!gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type != SHT_PROGBITS || !sh.sh_addr)
			continue;
		d = elf_getdata(s, NULL);
		if (!d || !d->d_buf || d->d_size < sh.sh_size)
			continue;
		im->sec[im->nsec] = (struct img_sec){ sh.sh_addr, sh.sh_size, d->d_buf };
		const char *name = elf_strptr(e, shstr, sh.sh_name);
		if (name && strcmp(name, ".data") == 0)
			im->data_sec = &im->sec[im->nsec];
		im->nsec++;
	}
	return im->data_sec != NULL;
}

/* TRACE_EVENT_FL_TRACEPOINT from BTF's enum (bit 4 on 6.1). */
static uint32_t flag_tracepoint(const struct btf *btf)
{
	int v = ti_btf_enum_value(btf, "TRACE_EVENT_FL_TRACEPOINT");
	return v >= 0 ? (uint32_t)v : 0x10;
}

/* BTF knows every tracepoint by its __traceiter_NAME function. */
static bool is_tracepoint(const struct btf *btf, const char *name)
{
	char fn[128];
	snprintf(fn, sizeof(fn), "__traceiter_%s", name);
	return btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) > 0;
}

int ti_image_event_systems(const unsigned char *elf, size_t len, const struct btf *btf,
			   void (*found)(void *arg, const char *system, const char *name),
			   void *arg)
{
	long c_class = ti_btf_member_offset(btf, "trace_event_call", "class");
	long c_tp = ti_btf_member_offset(btf, "trace_event_call", "tp");
	long c_flags = ti_btf_member_offset(btf, "trace_event_call", "flags");
	long c_fmt = ti_btf_member_offset(btf, "trace_event_call", "print_fmt");
	long k_system = ti_btf_member_offset(btf, "trace_event_class", "system");
	long t_name = ti_btf_member_offset(btf, "tracepoint", "name");
	if (c_class < 0 || c_tp < 0 || c_flags < 0 || c_fmt < 0 || k_system < 0 || t_name < 0)
		return -1;
	uint32_t fl_tp = flag_tracepoint(btf);

	Elf *e = elf_memory((char *)elf, len);
	struct img im;
	int n = -1;
	if (!e)
		return -1;
	if (!img_load(e, &im))
		goto out;
	n = 0;
	const struct img_sec *d = im.data_sec;
	for (uint64_t va = d->va; va + 8 <= d->va + d->size; va += 8) {
		uint64_t cls, tp, sys, nm, fmt;
		const uint32_t *flags = img_at(&im, va + (uint64_t)c_flags, 4);
		if (!flags || !(*flags & fl_tp))
			continue;
		if (!img_ptr(&im, va + (uint64_t)c_class, &cls) ||
		    !img_ptr(&im, va + (uint64_t)c_tp, &tp) ||
		    !img_ptr(&im, cls + (uint64_t)k_system, &sys) ||
		    !img_ptr(&im, tp + (uint64_t)t_name, &nm) ||
		    !img_ptr(&im, va + (uint64_t)c_fmt, &fmt))
			continue;
		const char *system = img_ident(&im, sys), *name = img_ident(&im, nm);
		const char *f = img_at(&im, fmt, 1);
		if (!system || !name || !f || *f != '"' || !is_tracepoint(btf, name))
			continue;
		found(arg, system, name);
		n++;
	}
out:
	elf_end(e);
	return n;
}

/* ---- the whole extraction ---- */

unsigned char *ti_image_vmlinux(const char *path, size_t *len, const char **why)
{
	elf_version(EV_CURRENT);
	return vmlinux_of(path, len, why);
}

void *ti_image_btf(const unsigned char *elf, size_t len, size_t *btf_len)
{
	Elf *e = elf_memory((char *)elf, len);
	size_t shstr;
	Elf_Scn *s = NULL;
	void *btf = NULL;
	if (!e)
		return NULL;
	if (elf_getshdrstrndx(e, &shstr) == 0) {
		while ((s = elf_nextscn(e, s))) {
			GElf_Shdr sh;
			const char *name;
			if (!gelf_getshdr(s, &sh) || !(name = elf_strptr(e, shstr, sh.sh_name)) ||
			    strcmp(name, ".BTF") != 0)
				continue;
			Elf_Data *d = elf_getdata(s, NULL);
			/* A copy: libelf's view of the image ends with elf_end. */
			if (d && d->d_buf && (btf = malloc(d->d_size))) {
				memcpy(btf, d->d_buf, d->d_size);
				*btf_len = d->d_size;
			}
			break;
		}
	}
	elf_end(e);
	return btf;
}
