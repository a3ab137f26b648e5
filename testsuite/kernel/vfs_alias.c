/* vfs_alias: write "hello" to a new file, then open it again and read it
 * back with a 64-byte buffer. */
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	int fd = open("/tmp/vfs_alias.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (write(fd, "hello", 5) != 5)
		return 1;
	close(fd);
	fd = open("/tmp/vfs_alias.txt", O_RDONLY);
	return read(fd, buf, sizeof(buf)) == 5 ? 0 : 1;
}
