/* sdt.h - SDT markers for the test programs, written here: the same
 * note layout <sys/sdt.h> emits (documented on the SystemTap wiki's
 * "UserSpaceProbeImplementation" page), so that what stap reads from
 * these programs is what it reads from CPython or the JVM.
 *
 * TEST_MARK(provider, name, a, b, c) places a nop where the marker is and
 * a note in .note.stapsdt: the nop's address, the address of
 * .stapsdt.base (to detect a moved file), the semaphore's address and
 * "provider", "name", "-8@OP -8@OP -8@OP": each argument as a signed long
 * in whatever operand the compiler chose (a register, memory or a
 * constant).  TEST_SEMAPHORE(provider, name) defines the marker's
 * semaphore, raised by the kernel while the marker is probed;
 * TEST_MARK_ENABLED(provider, name) reads it.
 */
#ifndef TEST_SDT_H
#define TEST_SDT_H

#define TEST_SDT_S(x) #x
#define TEST_SDT_STR(x) TEST_SDT_S(x)

#define TEST_SEMAPHORE(provider, name) \
	__extension__ unsigned short provider##_##name##_semaphore \
	__attribute__((unused, section(".probes")))
#define TEST_MARK_ENABLED(provider, name) \
	__builtin_expect(provider##_##name##_semaphore != 0, 0)

#define TEST_SDT_NOTE(provider, name, sem, args)				\
	"990:	nop\n"								\
	".pushsection .note.stapsdt,\"?\",\"note\"\n"				\
	".balign 4\n"								\
	".4byte 992f-991f, 994f-993f, 3\n"					\
	"991:	.asciz \"stapsdt\"\n"						\
	"992:	.balign 4\n"							\
	"993:	.8byte 990b\n"							\
	".8byte _.stapsdt.base\n"						\
	".8byte " sem "\n"							\
	".asciz \"" #provider "\"\n"						\
	".asciz \"" #name "\"\n"						\
	".asciz \"" args "\"\n"							\
	"994:	.balign 4\n"							\
	".popsection\n"								\
	".ifndef _.stapsdt.base\n"						\
	".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
	".weak _.stapsdt.base\n"						\
	".hidden _.stapsdt.base\n"						\
	"_.stapsdt.base: .space 1\n"						\
	".size _.stapsdt.base, 1\n"						\
	".popsection\n"								\
	".endif\n"

/* No semaphore. */
#define TEST_MARK0(provider, name) \
	__asm__ __volatile__(TEST_SDT_NOTE(provider, name, "0", ""))
#define TEST_MARK2(provider, name, a, b)					\
	__asm__ __volatile__(TEST_SDT_NOTE(provider, name, "0", "-8@%0 -8@%1")	\
			     :: "nor"((long)(a)), "nor"((long)(b)))
#define TEST_MARK3(provider, name, a, b, c)					\
	__asm__ __volatile__(TEST_SDT_NOTE(provider, name, "0",		\
					   "-8@%0 -8@%1 -8@%2")			\
			     :: "nor"((long)(a)), "nor"((long)(b)), "nor"((long)(c)))
/* With the semaphore TEST_SEMAPHORE defined. */
#define TEST_MARK1_SEM(provider, name, a)					\
	__asm__ __volatile__(TEST_SDT_NOTE(provider, name,			\
					   TEST_SDT_STR(provider##_##name##_semaphore), \
					   "-8@%0")				\
			     :: "nor"((long)(a)))

#endif
