/* sc_fs: the file system metadata and descriptor calls sc_fs.stp checks,
 * in this order, between two getpid calls that mark the part the script
 * prints (a static program's start-up runs readlink of its own, and this
 * one prepares its directory with chdir, unlinkat and rmdir).  Every
 * call goes through syscall(2), so the system call is the one named,
 * whatever glibc would choose.  It works in /tmp (a tmpfs in the test VM)
 * on a directory it removes again.  Seven calls fail: fcntl of descriptor
 * 99 (EBADF), TCGETS on a regular file (ENOTTY), stat and faccessat of a
 * missing name (ENOENT), faccessat2 X_OK of a file without an execute bit
 * (EACCES, for root too), renameat2 RENAME_NOREPLACE onto an existing
 * name (EEXIST), rmdir of a directory that still has entries (ENOTEMPTY).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void cleanup(void)
{
	static const char *const names[] = { "f", "l", "h3", "h4", "l2" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(AT_FDCWD, names[i], 0);
	unlinkat(AT_FDCWD, "sub", AT_REMOVEDIR);
}

int main(void)
{
	char buf[256], a[3] = "abc", b[5] = "defgh";
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct timespec ts[2] = { { 1, 500 }, { 0, UTIME_OMIT } };
	struct stat st;
	struct statx stx;
	int p[2] = { -1, -1 }, fd, dfd, n;

	/* a fresh directory and a known umask before the marked part */
	if (chdir("/tmp/sc_fs.d") == 0)
		cleanup();
	chdir("/tmp");
	rmdir("/tmp/sc_fs.d");
	umask(022);

	syscall(SYS_getpid);
	syscall(SYS_umask, 077);
	syscall(SYS_umask, 022);
	syscall(SYS_mkdir, "sc_fs.d", 0755);
	syscall(SYS_chdir, "sc_fs.d");
	syscall(SYS_mkdirat, AT_FDCWD, "sub", 0700);
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_pwrite64, fd, "hello world\n", 12, (off_t)0);
	syscall(SYS_pread64, fd, buf, 5, (off_t)6);
	syscall(SYS_lseek, fd, (off_t)0, SEEK_END);
	syscall(SYS_fstat, fd, &st);
	syscall(SYS_ftruncate, fd, (off_t)4);
	syscall(SYS_truncate, "f", (off_t)8);
	syscall(SYS_fsync, fd);
	syscall(SYS_fdatasync, fd);
	syscall(SYS_fallocate, fd, FALLOC_FL_KEEP_SIZE, (off_t)0, (off_t)4096);
	syscall(SYS_flock, fd, LOCK_EX | LOCK_NB);
	syscall(SYS_flock, fd, LOCK_UN);
	syscall(SYS_fcntl, fd, F_GETFL, 0L);
	syscall(SYS_fcntl, fd, F_SETFD, (long)FD_CLOEXEC);
	syscall(SYS_fcntl, 99, F_GETFD, 0L);
	syscall(SYS_ioctl, fd, TCGETS, buf);
	syscall(SYS_dup, fd);
	syscall(SYS_dup2, 4, 7);
	syscall(SYS_dup3, 7, 8, O_CLOEXEC);
	syscall(SYS_symlink, "f", "l");
	syscall(SYS_stat, "f", &st);
	syscall(SYS_lstat, "l", &st);
	syscall(SYS_newfstatat, AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_statx, AT_FDCWD, "f", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, &stx);
	syscall(SYS_stat, "missing", &st);
	syscall(SYS_access, "f", R_OK | W_OK);
	syscall(SYS_faccessat, AT_FDCWD, "missing", F_OK);
	syscall(SYS_faccessat2, AT_FDCWD, "f", X_OK, AT_EACCESS);
	syscall(SYS_chmod, "f", 0600);
	syscall(SYS_fchmod, fd, 0640);
	syscall(SYS_fchmodat, AT_FDCWD, "f", 0644);
	syscall(SYS_chown, "f", 0, 0);
	syscall(SYS_fchown, fd, -1, 0);
	syscall(SYS_lchown, "l", 0, -1);
	syscall(SYS_fchownat, AT_FDCWD, "l", 0, 0, AT_SYMLINK_NOFOLLOW);
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	syscall(SYS_link, "f", "h");
	syscall(SYS_linkat, AT_FDCWD, "f", dfd, "h2", 0);
	syscall(SYS_symlinkat, "f", dfd, "l2");
	syscall(SYS_readlink, "l", buf, sizeof(buf));
	syscall(SYS_readlinkat, dfd, "l2", buf, sizeof(buf));
	syscall(SYS_rename, "h", "h3");
	syscall(SYS_renameat, dfd, "h2", dfd, "h4");
	syscall(SYS_renameat2, AT_FDCWD, "h3", AT_FDCWD, "h4", RENAME_NOREPLACE);
	syscall(SYS_utimensat, AT_FDCWD, "f", ts, 0);
	syscall(SYS_getdents64, dfd, buf, sizeof(buf));
	syscall(SYS_getcwd, buf, sizeof(buf));
	syscall(SYS_statfs, "/tmp", buf);
	syscall(SYS_fstatfs, fd, buf);
	syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK);
	syscall(SYS_writev, p[1], iov, 2);
	syscall(SYS_readv, p[0], iov, 2);
	syscall(SYS_ioctl, p[0], FIONREAD, &n);
	syscall(SYS_pipe, p);
	syscall(SYS_unlink, "h4");
	syscall(SYS_unlinkat, dfd, "l2", 0);
	syscall(SYS_unlinkat, AT_FDCWD, "sub", AT_REMOVEDIR);
	syscall(SYS_rmdir, "/tmp/sc_fs.d");
	syscall(SYS_chdir, "..");
	syscall(SYS_fchdir, dfd);
	syscall(SYS_sync);
	syscall(SYS_getpid);

	cleanup();
	chdir("/tmp");
	rmdir("/tmp/sc_fs.d");
	return 0;
}
