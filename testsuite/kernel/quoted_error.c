/* quoted_error: one write(2) to a bad descriptor of a 6-byte buffer with a
 * tab and a NUL in it, which quoted_error.stp quotes. */
#include <unistd.h>

int main(void)
{
	char buf[] = { 'a', 'b', '\t', 'c', '\0', 'd' };

	return write(-1, buf, sizeof(buf)) == -1 ? 0 : 1;
}
