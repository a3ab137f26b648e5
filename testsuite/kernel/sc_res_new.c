/* sc_res_new: close_range and openat2, the calls of syscalls_fsmisc.stp
 * newer than upstream's tapsets (sc_res covers the others), in this
 * order between two getpid calls that mark the part sc_res_new.stp
 * prints.  Every call goes through syscall(2).  Descriptors: 3 is /tmp,
 * 4 the file /tmp/sc_res_new.f.  Three calls fail: close_range with its
 * bounds the wrong way round (EINVAL), openat2 of an absolute path with
 * RESOLVE_BENEATH (EXDEV), openat2 with no struct open_how (EFAULT).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct open_how dir = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	struct open_how beneath = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	struct open_how file = { .flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0600 };

	syscall(SYS_getpid);
	syscall(SYS_close_range, 100, 200, 0);
	syscall(SYS_close_range, 5, 4, 0);
	syscall(SYS_openat2, AT_FDCWD, "/tmp", &dir, sizeof(dir));
	syscall(SYS_openat2, 3, "sc_res_new.f", &file, sizeof(file));
	syscall(SYS_openat2, AT_FDCWD, "/tmp", &beneath, sizeof(beneath));
	syscall(SYS_openat2, AT_FDCWD, "/tmp", NULL, sizeof(dir));
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	syscall(SYS_getpid);

	unlink("/tmp/sc_res_new.f");
	return 0;
}
