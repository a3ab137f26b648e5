/* utf_strings: UTF-16 and UTF-32 strings, good and bad, each passed to
 * utf_strings.stp as the buffer of a write(2) to a bad descriptor whose
 * count says which string it is. */
#include <stdint.h>
#include <unistd.h>

int main(void)
{
	/* h e-acute euro U+1F600 (a surrogate pair) " newline */
	uint16_t s16[] = { 'h', 0xe9, 0x20ac, 0xd83d, 0xde00, '"', '\n', 0 };
	uint32_t s32[] = { 'h', 0xe9, 0x20ac, 0x1f600, '"', '\n', 0 };
	uint16_t lone_low[] = { 'a', 0xdc00, 'b', 0 };
	uint16_t lone_high[] = { 'a', 0xd800, 'b', 0 };
	uint32_t too_big[] = { 'a', 0x110000, 0 };
	uint32_t surrogate32[] = { 'a', 0xdfff, 0 };
	uint16_t long16[400];
	int i;

	/* 399 euro signs, 3 UTF-8 bytes each: more than a string holds */
	for (i = 0; i < 399; i++)
		long16[i] = 0x20ac;
	long16[399] = 0;
	write(-1, s16, 1);
	write(-1, s32, 2);
	write(-1, lone_low, 3);
	write(-1, lone_high, 4);
	write(-1, too_big, 5);
	write(-1, surrogate32, 6);
	write(-1, long16, 7);
	return 0;
}
