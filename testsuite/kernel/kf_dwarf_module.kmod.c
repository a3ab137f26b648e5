// SPDX-License-Identifier: GPL-2.0-or-later
/* The module kf_dwarf_module probes through its DWARF (kbuild builds it
 * with -g, as the test kernel's config asks): a write of N bytes to
 * /proc/kf_dwarf_module_kmod sums a two-node list with scale N.
 *
 * dw_sum is built without optimization: its locals live in its stack
 * frame (reached through the CFA), and each source line has a statement
 * of its own (at -O2 GCC marks the statement of steps++ after the increment
 * it stands for); dw_write stays optimized (registers, location lists, an
 * inlined dw_clamp). */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

struct dw_point {
	int x, y;
	unsigned int flag : 3;
	const char *label;
	struct dw_point *next;
};

static struct dw_point origin = { 1, 2, 5, "origin", NULL };
const char *dw_last_tag;          /* global: GCC drops a write-only static */

noinline __attribute__((optimize("O0")))
long dw_sum(struct dw_point *p, int scale, const char *tag)
{
	long total = 0;
	int steps = 0;

	while (p) {
		total += (long)(p->x + p->y) * scale;
		steps++;
		p = p->next;
	}
	dw_last_tag = tag;
	return total + steps;
}
EXPORT_SYMBOL_GPL(dw_sum);

size_t dw_seen_len;               /* gives the inlined dw_clamp code of its own */

static __always_inline int dw_clamp(size_t len, int limit)
{
	WRITE_ONCE(dw_seen_len, len);
	return len > limit ? limit : (int)len;
}

static noinline ssize_t dw_write(struct file *f, const char __user *buf, size_t len,
				 loff_t *off)
{
	struct dw_point a = { 10, 20, 3, "a", &origin };
	char tag[16] = "written";
	int scale = dw_clamp(len, 100);

	return dw_sum(&a, scale, tag) ? (ssize_t)len : -EINVAL;
}

static const struct proc_ops dw_ops = { .proc_write = dw_write };

static int __init dw_init(void)
{
	return proc_create("kf_dwarf_module_kmod", 0200, NULL, &dw_ops) ? 0 : -ENOMEM;
}

static void __exit dw_exit(void)
{
	remove_proc_entry("kf_dwarf_module_kmod", NULL);
}

module_init(dw_init);
module_exit(dw_exit);
MODULE_LICENSE("GPL");
