/* compat.h - the one place kernel differences live.  Pass 4 compiles the
 * tests in runtime/kfeatures/ against the target's headers and passes
 * their results (STP_HAVE_* macros) with -include; this header turns them
 * into one spelling for the rest of the runtime. */
#ifndef _STP_COMPAT_H
#define _STP_COMPAT_H

#endif
