/* deref_ops: one write(2) of 8 known bytes to a bad descriptor, whose
 * buffer deref_ops.stp reads with @uderef. */
#include <unistd.h>

int main(void)
{
	unsigned char b[8] = { 0x44, 0x33, 0x22, 0x11, 0xfe, 0xff, 0xff, 0xff };

	return write(-1, b, sizeof(b)) == -1 ? 0 : 1;
}
