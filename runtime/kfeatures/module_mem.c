/* struct module's mem[] (6.4): one layout per kind of memory (MOD_TEXT,
 * MOD_RODATA, MOD_DATA, ...) replaced core_layout. */
#include <linux/module.h>

unsigned int stp_kf_module_mem(const struct module *m);
unsigned int stp_kf_module_mem(const struct module *m)
{
	return m->mem[MOD_TEXT].size;
}
