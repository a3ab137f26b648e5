/* ksyms.h - kernel symbol addresses for a module, from /proc/kallsyms. */
#ifndef STAPRUN_KSYMS_H
#define STAPRUN_KSYMS_H

/* "_stp_ksym=ADDR,ADDR..." for the symbols module file `ko` names in its
 * .stap_ksyms section (malloc'd), or NULL: with *why set when a symbol
 * cannot be found, else the module asks for none. */
char *ksyms_params(const char *ko, char **why);

#endif
