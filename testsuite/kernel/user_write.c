/* user_write: one write(2) of a 32-byte stack buffer to a bad descriptor,
 * into which user_write.stp writes through the guru-mode user writers,
 * then one of a string literal, in read-only memory, which they must fail
 * to write. */
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[32];

	/* touched, so its page is present and writable when the probe runs */
	memset(buf, '.', sizeof(buf));
	write(-1, buf, sizeof(buf));
	write(-1, "read-only", 2);
	return 0;
}
