/* sc_fileio: the file system calls sc_fileio.stp checks, each once, in
 * this order (a static program: no loader, no libc start-up files). */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char buf[16];
	int fd = open("/tmp/sc_fileio.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (write(fd, "hello\n", 6) != 6)
		return 1;
	close(fd);
	fd = openat(AT_FDCWD, "/tmp/sc_fileio.txt", O_RDONLY | O_CLOEXEC);
	if (read(fd, buf, sizeof(buf)) != 6)
		return 1;
	close(fd);
	openat(AT_FDCWD, "/nonexistent", O_RDONLY);
	close(99);
	fd = syscall(SYS_open, "/tmp/sc_fileio.txt", O_RDONLY);
	syscall(SYS_creat, "/tmp/sc_creat.txt", 0600);
	syscall(SYS_getpid);
	return 0;
}
