/* sc_res: the credential, resource, extended-attribute and other file
 * system calls sc_res.stp checks, in this order, between two getpid calls
 * that mark the part the script prints.  Every call goes through
 * syscall(2), so the system call is the one named whatever glibc would
 * choose.  It runs as root in /tmp (a tmpfs in the test VM, which keeps
 * trusted.* attributes) on a directory it prepares before the first mark.
 * Descriptors: 3 is the file f, 4 the file g, 5 and 6 the first pipe, 7
 * and 8 the second, 9 and 10 the two inotify instances, 11 the memfd.
 * Eleven calls fail: getpgid and getsid of a pid that does not exist
 * (ESRCH), setsid in a process group leader (EPERM), sethostname and
 * setdomainname with a name longer than the kernel's (EINVAL), reboot
 * with a wrong magic (EINVAL), swapon and swapoff of a missing file
 * (ENOENT), lgetxattr and lremovexattr of an attribute the file does
 * not have (ENODATA), mknodat onto an existing name (EEXIST).
 * getrandom asks for GRND_INSECURE, which never waits for the entropy
 * pool a young VM may not have filled yet.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

/* the kernel's since 5.6; glibc names it only from 2.36 on */
#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

int main(void)
{
	char buf[256], data[5] = "abcde";
	struct iovec iov[1] = { { data, sizeof(data) } };
	struct rlimit core = { 0, RLIM_INFINITY }, nofile = { 256, 1024 }, old;
	struct utimbuf ub = { 1, 2 };
	struct timeval tv[2] = { { 3, 4 }, { 5, 6 } };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cap[2];
	struct utsname u;
	unsigned int r, e, s;
	struct sysinfo si;
	loff_t off = 0, off2 = 5;
	int p1[2], p2[2];
	int fd, fd2;

	/* a fresh directory, the file f with five bytes and the empty file g */
	mkdir("/tmp/sc_res.d", 0755);
	chdir("/tmp/sc_res.d");
	unlink("p");
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	fd2 = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, data, sizeof(data));
	memset(buf, 0, sizeof(buf));
	memset(&si, 0, sizeof(si));
	pipe(p1);
	pipe(p2);

	syscall(SYS_getpid);
	/* credentials and process groups */
	syscall(SYS_setuid, 0);
	syscall(SYS_setgid, 0);
	syscall(SYS_setreuid, -1, 0);
	syscall(SYS_setresuid, -1, -1, -1);
	syscall(SYS_getresuid, &r, &e, &s);
	syscall(SYS_setregid, -1, 0);
	syscall(SYS_setresgid, 0, -1, 0);
	syscall(SYS_getresgid, &r, &e, &s);
	syscall(SYS_setfsuid, 0);
	syscall(SYS_getgroups, 0, NULL);
	syscall(SYS_setgroups, 0, NULL);
	syscall(SYS_capget, &hdr, cap);
	syscall(SYS_capset, &hdr, cap);
	syscall(SYS_setpgid, 0, 0);
	syscall(SYS_getpgid, 999999);
	syscall(SYS_setsid);
	syscall(SYS_getsid, 999999);
	/* resources and the system */
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &old);
	syscall(SYS_setrlimit, RLIMIT_CORE, &core);
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &nofile, &old);
	syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &old);
	syscall(SYS_sysinfo, &si);
	syscall(SYS_uname, &u);
	syscall(SYS_personality, 0xffffffff);
	syscall(SYS_sethostname, "sc_res", 65);
	syscall(SYS_setdomainname, "sc_res", 65);
	syscall(SYS_reboot, 0, 0, 0, NULL);
	syscall(SYS_chroot, "/");
	syscall(SYS_mount, "none", "/tmp/sc_res.d", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
	syscall(SYS_umount2, "/tmp/sc_res.d", MNT_DETACH);
	syscall(SYS_swapon, "/tmp/sc_res.d/nothere", SWAP_FLAG_PREFER | 5);
	syscall(SYS_swapoff, "/tmp/sc_res.d/nothere");
	/* extended attributes */
	syscall(SYS_setxattr, "f", "trusted.sc", "abc", 3, XATTR_CREATE);
	syscall(SYS_lsetxattr, "f", "trusted.sc", "xy", 2, XATTR_REPLACE);
	syscall(SYS_fsetxattr, fd, "trusted.sc2", "v", 1, 0);
	syscall(SYS_getxattr, "f", "trusted.sc", buf, 64);
	syscall(SYS_lgetxattr, "f", "trusted.none", buf, 64);
	syscall(SYS_fgetxattr, fd, "trusted.sc2", buf, 64);
	syscall(SYS_listxattr, "f", NULL, 0);
	syscall(SYS_llistxattr, "f", NULL, 0);
	syscall(SYS_flistxattr, fd, buf, sizeof(buf));
	syscall(SYS_removexattr, "f", "trusted.sc");
	syscall(SYS_fremovexattr, fd, "trusted.sc2");
	syscall(SYS_lremovexattr, "f", "trusted.sc");
	/* inotify */
	syscall(SYS_inotify_init1, IN_CLOEXEC | IN_NONBLOCK);
	syscall(SYS_inotify_add_watch, 9, ".", IN_CREATE | IN_DELETE | IN_ONLYDIR);
	syscall(SYS_inotify_rm_watch, 9, 1);
	syscall(SYS_inotify_init);
	/* moving and hinting data */
	syscall(SYS_sendfile, fd2, fd, &off, 5);
	syscall(SYS_vmsplice, p1[1], iov, 1, 0);
	syscall(SYS_tee, p1[0], p2[1], 5, 0);
	syscall(SYS_splice, p1[0], NULL, fd2, &off2, 5, SPLICE_F_MOVE | SPLICE_F_MORE);
	syscall(SYS_copy_file_range, fd, NULL, fd2, NULL, 5, 0);
	syscall(SYS_readahead, fd, (off_t)0, 4096);
	syscall(SYS_fadvise64, fd, (off_t)0, 0, POSIX_FADV_DONTNEED);
	syscall(SYS_sync_file_range, fd, (off_t)0, (off_t)0,
		SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE);
	syscall(SYS_memfd_create, "sc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	memset(buf, 0, sizeof(buf));
	syscall(SYS_getrandom, buf, 8, GRND_NONBLOCK | GRND_INSECURE);
	syscall(SYS_preadv, fd, iov, 1, 0, 0);
	syscall(SYS_pwritev, fd, iov, 1, 0, 0);
	syscall(SYS_preadv2, fd, iov, 1, 0, 0, RWF_HIPRI);
	syscall(SYS_pwritev2, fd, iov, 1, 5, 0, RWF_DSYNC);
	syscall(SYS_syncfs, fd);
	/* nodes and times */
	syscall(SYS_mknod, "p", S_IFIFO | 0644, 0);
	syscall(SYS_mknodat, AT_FDCWD, "p", S_IFIFO | 0600, 0);
	syscall(SYS_utime, "f", &ub);
	syscall(SYS_utimes, "f", tv);
	syscall(SYS_futimesat, AT_FDCWD, "f", NULL);
	syscall(SYS_getpid);

	unlink("p");
	unlink("f");
	unlink("g");
	chdir("/tmp");
	rmdir("/tmp/sc_res.d");
	return 0;
}
