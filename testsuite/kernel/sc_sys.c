/* sc_sys: the administration system calls sc_sys.stp checks, in this
 * order, between two getpid calls that mark the part the script prints.
 * Every call goes through syscall(2).  It runs as root in the test VM, so
 * the calls that would change the system are made to fail early with a
 * known error: init_module of an image that is no ELF file (ENOEXEC),
 * finit_module, kexec_file_load, quotactl_fd and the landlock calls of
 * descriptor 99 (EBADF), delete_module of a module that is not loaded and
 * the two quotactl of a missing device (ENOENT), kexec_load with a flag it does
 * not know (EINVAL), seccomp with a NULL filter (EFAULT).  Others fail
 * for a value that does not exist: syslog's action 99, bpf's command
 * 9999, userfaultfd's flag 0x4, membarrier's command 0x4000, iopl's level
 * 4 (EINVAL), perf_event_open's event type 12345 (ENOENT), ustat of
 * device 0 (EINVAL), modify_ldt's function 99 and lookup_dcookie, which
 * 6.1 only stubs (ENOSYS).  The ones that succeed leave nothing behind:
 * syslog asks for the buffer size, bpf creates a one-entry array map,
 * perf_event_open a disabled software clock event of this task, seccomp
 * asks whether an action is available, membarrier and
 * landlock_create_ruleset ask what they support, sysfs asks about the
 * file system types, vhangup runs in a child of its own session (no
 * terminal to hang up), ioperm and iopl turn off what is already off,
 * modify_ldt reads an empty LDT.
 * Descriptors: 3 is the bpf map, 4 the perf event, 5 the userfaultfd.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kexec.h>
#include <linux/landlock.h>
#include <linux/membarrier.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MODULE_INIT_IGNORE_MODVERSIONS
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#endif
/* from <linux/quota.h>, which glibc's headers do not carry */
#define SUBCMDSHIFT 8
#define QCMD(cmd, type) (((cmd) << SUBCMDSHIFT) | ((type) & 0xff))
#define Q_GETQUOTA 0x800007
#define Q_SYNC 0x800001
#define Q_QUOTAON 0x800002
#define QFMT_VFS_V0 2
#define USRQUOTA 0
#define GRPQUOTA 1

int main(void)
{
	char image[64] = "not an ELF image";
	char buf[64] = { 0 };
	union bpf_attr battr;
	struct perf_event_attr pattr;
	unsigned int action = SECCOMP_RET_LOG;
	struct landlock_path_beneath_attr pb = { 0 };
	pid_t child;

	syscall(SYS_getpid);
	syscall(SYS_syslog, 10, NULL, 0);		/* SYSLOG_ACTION_SIZE_BUFFER */
	syscall(SYS_syslog, 99, buf, sizeof(buf));
	syscall(SYS_init_module, image, sizeof(image), "debug=1");
	syscall(SYS_finit_module, 99, "", MODULE_INIT_IGNORE_MODVERSIONS);
	syscall(SYS_delete_module, "sc_nosuchmod", O_NONBLOCK | O_TRUNC);
	memset(&battr, 0, sizeof(battr));
	battr.map_type = BPF_MAP_TYPE_ARRAY;
	battr.key_size = 4;
	battr.value_size = 4;
	battr.max_entries = 1;
	syscall(SYS_bpf, BPF_MAP_CREATE, &battr, sizeof(battr));
	syscall(SYS_bpf, 9999, NULL, 0);
	memset(&pattr, 0, sizeof(pattr));
	pattr.type = PERF_TYPE_SOFTWARE;
	pattr.size = sizeof(pattr);
	pattr.config = PERF_COUNT_SW_TASK_CLOCK;
	pattr.disabled = 1;
	syscall(SYS_perf_event_open, &pattr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	pattr.type = 12345;
	syscall(SYS_perf_event_open, &pattr, 0, -1, -1, 0);
	syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, NULL);
	syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	syscall(SYS_userfaultfd, 0x4);
	syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0);
	syscall(SYS_membarrier, 0x4000, 0);
	syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	syscall(SYS_landlock_add_rule, 99, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	syscall(SYS_landlock_restrict_self, 99, 0);
	syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), "/dev/sc_nosuchdev", 0, buf);
	syscall(SYS_quotactl, QCMD(Q_QUOTAON, USRQUOTA), "/dev/sc_nosuchdev", QFMT_VFS_V0,
		"/aquota.user");
	syscall(SYS_quotactl_fd, 99, QCMD(Q_SYNC, GRPQUOTA), 0, NULL);
	syscall(SYS_kexec_load, 0x100000, 0, NULL, KEXEC_ON_CRASH | KEXEC_ARCH_X86_64 | 0x100);
	syscall(SYS_kexec_file_load, 99, 99, 8, "quiet=1", KEXEC_FILE_NO_INITRAMFS);
	syscall(SYS_sysfs, 1, "proc");
	syscall(SYS_sysfs, 2, 0, buf);
	syscall(SYS_sysfs, 3);
	syscall(SYS_ustat, 0, buf);
	syscall(SYS_lookup_dcookie, 0x1234, buf, sizeof(buf));
	child = fork();
	if (child == 0) {
		syscall(SYS_setsid);
		syscall(SYS_vhangup);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	syscall(SYS_ioperm, 0x80, 1, 0);
	syscall(SYS_iopl, 0);
	syscall(SYS_iopl, 4);
	syscall(SYS_modify_ldt, 0, buf, sizeof(buf));
	syscall(SYS_modify_ldt, 99, buf, sizeof(buf));
	syscall(SYS_getpid);
	return 0;
}
