/* uunwind.c - a program's call frame information (.eh_frame, which every
 * x86-64 program and library carries, stripped or not) as the small
 * table the runtime unwinds user stacks with (runtime/usyms.c).
 *
 * For each function of the file's symbol tables, libdw evaluates the CFI
 * row by row (dwarf_cfi_addrframe gives the row at an address and the
 * range it holds for).  A row is kept in the form x86-64 code uses:
 *   CFA = rsp or rbp + offset;  the return address at CFA - 8;
 *   rbp saved at CFA + offset, or unchanged.
 * Any other rule (a CFA expression, a register's rule the runtime cannot
 * follow) makes the row "unknown": the runtime then stops, or falls back
 * to frame pointers.  Rows are by their place in the file, like the
 * symbols, so a PIE or library unwinds wherever it was loaded.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

/* x86-64 DWARF registers */
#define DW_REG_RBP 6
#define DW_REG_RSP 7
#define DW_REG_RA 16

/* The register rule "saved at CFA + off": true with *off; *same: the
 * register is unchanged (same value). */
static bool saved_at(Dwarf_Frame *frame, int reg, int64_t *off, bool *same)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t n = 0;
	*same = false;
	if (dwarf_frame_register(frame, reg, mem, &ops, &n) != 0)
		return false;
	if (n == 0) {
		/* ops NULL: undefined; else the same value */
		*same = ops != NULL;
		return false;
	}
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (n == 1) {
		*off = 0;
		return true;
	}
	if (n == 2 && ops[1].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[1].number;
		return true;
	}
	if (n == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) &&
	    ops[2].atom == DW_OP_plus) {
		*off = (int64_t)ops[1].number;
		return true;
	}
	return false;
}

/* One row: the range's rules in *row; false when they are not of the
 * kind the runtime follows. */
static bool row_of(Dwarf_Frame *frame, struct ti_urow *row)
{
	Dwarf_Op *ops;
	size_t n;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0 || n != 1)
		return false;
	/* libdw gives a register rule as DW_OP_bregx reg, offset */
	uint64_t reg = ops[0].atom == DW_OP_bregx ? ops[0].number
		: ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31
		? (uint64_t)(ops[0].atom - DW_OP_breg0) : 99;
	int64_t cfa_off = (int64_t)(ops[0].atom == DW_OP_bregx ? ops[0].number2 : ops[0].number);
	if (reg != DW_REG_RSP && reg != DW_REG_RBP)
		return false;
	row->cfa_rbp = reg == DW_REG_RBP;
	row->cfa_off = (int32_t)cfa_off;
	int64_t off;
	bool same;
	if (!saved_at(frame, DW_REG_RA, &off, &same) || off != -8)
		return false;
	row->rbp_off = 0;
	if (saved_at(frame, DW_REG_RBP, &off, &same))
		row->rbp_off = off;
	else if (!same)
		row->rbp_off = 0;      /* undefined: left as it is */
	return true;
}

static int row_cmp(const void *a, const void *b)
{
	const struct ti_urow *x = a, *y = b;
	return (x->offset > y->offset) - (x->offset < y->offset);
}

bool ti_user_unwind(struct ti *ti, const struct ti_ufile *uf, const struct ti_urow **rows,
		    int *n)
{
	*rows = NULL;
	*n = 0;
	int fd = open(uf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	Dwarf_CFI *cfi = elf ? dwarf_getcfi_elf(elf) : NULL;
	if (!cfi) {
		if (elf)
			elf_end(elf);
		close(fd);
		return false;
	}
	int cap = 1024, k = 0;
	struct ti_urow *out = malloc((size_t)cap * sizeof(*out));
	for (int i = 0; out && i < uf->nsyms; i++) {
		const struct ti_usym *s = &uf->syms[i];
		uint64_t end = s->addr + (s->size ? s->size : 1);
		for (uint64_t pc = s->addr; pc < end;) {
			Dwarf_Frame *frame;
			Dwarf_Addr start, stop;
			bool signal;
			if (dwarf_cfi_addrframe(cfi, pc, &frame) != 0)
				break;
			dwarf_frame_info(frame, &start, &stop, &signal);
			struct ti_urow row = { 0 };
			uint64_t off;
			bool ok = row_of(frame, &row);
			free(frame);
			if (stop <= pc)
				break;
			if (stop > end)
				stop = end;
			if (ok && ti_user_offset(uf, pc, &off)) {
				if (k == cap) {
					cap *= 2;
					struct ti_urow *more = realloc(out, (size_t)cap * sizeof(*out));
					if (!more)
						break;
					out = more;
				}
				row.offset = off;
				row.len = (uint32_t)(stop - pc);
				out[k++] = row;
			}
			pc = stop;
		}
	}
	dwarf_cfi_end(cfi);
	elf_end(elf);
	close(fd);
	if (!out)
		return false;
	qsort(out, (size_t)k, sizeof(*out), row_cmp);
	struct ti_urow *kept = arena_alloc(ti->arena, (size_t)(k + 1) * sizeof(*kept));
	int m = 0;
	/* one row per place (a function by two names gives its rows twice) */
	for (int i = 0; i < k; i++)
		if (!m || out[i].offset != kept[m - 1].offset)
			kept[m++] = out[i];
	free(out);
	*rows = kept;
	*n = m;
	return true;
}
