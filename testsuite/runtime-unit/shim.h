/* shim.h - just enough of the kernel for the data runtime in userspace.
 *
 * runtime/sink.c, string.c, stat.c, map.c and regex.c are kernel C, but
 * they only use the small set of kernel services stood in for below, so
 * the unit tests (testsuite/runtime-unit/test_*.c) compile them with the
 * host compiler under ASan/UBSan.  The suite force-includes this header
 * and points <linux/...> at empty files, then includes runtime.h and the
 * runtime files themselves.
 *
 * Per-CPU data is simulated with NR_CPUS fixed slots; a test picks the
 * "current" CPU by setting shim_cpu.
 */
#ifndef _STP_SHIM_H
#define _STP_SHIM_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <errno.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef struct { int counter; } atomic_t;
typedef struct { int dummy; } rwlock_t;
typedef struct { int dummy; } spinlock_t;
struct pt_regs;

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define fallthrough __attribute__((__fallthrough__))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define PAGE_SIZE 4096UL

#define NR_CPUS 4
static int shim_cpu;            /* the CPU the test pretends to run on */
#define nr_cpu_ids ((unsigned)NR_CPUS)
#define smp_processor_id() (shim_cpu)
#define raw_smp_processor_id() (shim_cpu)
#define for_each_possible_cpu(i) for ((i) = 0; (i) < NR_CPUS; (i)++)

static inline void *vzalloc(size_t n) { return calloc(1, n ? n : 1); }
static inline void vfree(const void *p) { free((void *)p); }
static inline void *kvzalloc(size_t n, int gfp) { (void)gfp; return calloc(1, n ? n : 1); }
static inline void kvfree(const void *p) { free((void *)p); }
#define GFP_KERNEL 0

static inline s64 div64_s64(s64 a, s64 b) { return a / b; }
static inline u64 div64_u64(u64 a, u64 b) { return a / b; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }

/* %m and %M read memory: the tests pass addresses of their own buffers;
 * address 1 stands for an unreadable one. */
static inline long copy_from_kernel_nofault(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)src < PAGE_SIZE)
		return -EFAULT;
	memcpy(dst, src, n);
	return 0;
}
static inline long copy_from_user_nofault(void *dst, const void *src, size_t n)
{
	return copy_from_kernel_nofault(dst, src, n);
}
#define __user

static inline long strscpy(char *dst, const char *src, size_t n)
{
	size_t k = strnlen(src, n);

	if (!n)
		return -E2BIG;
	if (k == n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, k + 1);
	return k;
}

#define STP_SHIM 1

/* runtime/compat/compat.h is all kernel-version glue for the runtime-core
 * files: claim its include guard so that runtime.h skips it here. */
#define _STP_COMPAT_H

#endif
