/* sc_mount: the file system calls sc_mount.stp checks, in this order,
 * between two getpid calls that mark the part the script prints.  Every
 * call goes through syscall(2).  It runs as root in the test VM and
 * really mounts a tmpfs on /tmp/scm with the new mount API (fsopen,
 * fsconfig, fsmount, move_mount), changes it with mount_setattr, picks
 * and clones it (fspick, open_tree), takes a handle of it and opens it
 * again from its directory (name_to_handle_at, open_by_handle_at), and
 * watches it with
 * fanotify.  Descriptors: 3 is /tmp/scm's directory opened before the
 * first mark, then 4 the fs context, 5 the mount, 6 the picked context,
 * 7 the cloned tree, 8 the reopened directory, 9 the fanotify group.
 * Five calls fail: fsopen of a file system type that does not exist
 * (ENODEV), fsconfig with a command that does not exist (EOPNOTSUPP),
 * fanotify_mark of descriptor 99 (EBADF), move_mount of a path that does
 * not exist (ENOENT) and pivot_root onto a directory that is no mount
 * point (EINVAL).  The tmpfs is detached after the last mark.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct mount_attr attr;
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h;
	int dirfd, fsfd, mfd, mnt_id;

	mkdir("/tmp/scm", 0755);
	mkdir("/tmp/scn", 0755);
	dirfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	syscall(SYS_getpid);
	fsfd = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "size", "1m", 0);
	syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, "inode64", NULL, 0);
	syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	syscall(SYS_fsconfig, fsfd, 99, NULL, NULL, 0);
	mfd = syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	syscall(SYS_move_mount, mfd, "", AT_FDCWD, "/tmp/scm", MOVE_MOUNT_F_EMPTY_PATH);
	syscall(SYS_move_mount, AT_FDCWD, "/tmp/sc_nosuch", dirfd, "scm", 0);
	memset(&attr, 0, sizeof(attr));
	attr.attr_set = MOUNT_ATTR_NOEXEC;
	syscall(SYS_mount_setattr, AT_FDCWD, "/tmp/scm", AT_RECURSIVE, &attr, sizeof(attr));
	syscall(SYS_fspick, dirfd, "scm", FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT);
	syscall(SYS_open_tree, AT_FDCWD, "/tmp/scm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	syscall(SYS_fsopen, "sc_nosuchfs", 0);
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	syscall(SYS_name_to_handle_at, AT_FDCWD, "/tmp/scm", &h.fh, &mnt_id, AT_SYMLINK_FOLLOW);
	chdir("/tmp/scm");
	syscall(SYS_open_by_handle_at, AT_FDCWD, &h.fh, O_RDONLY | O_DIRECTORY);
	syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
		O_RDONLY | O_LARGEFILE);
	syscall(SYS_fanotify_mark, 9, FAN_MARK_ADD | FAN_MARK_ONLYDIR,
		FAN_OPEN | FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD, AT_FDCWD, "/tmp/scm");
	syscall(SYS_fanotify_mark, 99, FAN_MARK_REMOVE, FAN_MODIFY, dirfd, "scm");
	syscall(SYS_pivot_root, "/tmp/scm", "/tmp/scn");
	syscall(SYS_getpid);
	umount2("/tmp/scm", MNT_DETACH);
	return 0;
}
