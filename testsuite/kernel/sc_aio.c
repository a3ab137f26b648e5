/* sc_aio: the asynchronous I/O, io_uring and key system calls sc_aio.stp
 * checks, in this order, between two getpid calls that mark the part the
 * script prints.  Every call goes through syscall(2).  The failures:
 * EINVAL (no such context, zero entries, a request already done), EFAULT
 * (no place for the context), EBADF (no descriptor 99), ENOKEY (a key
 * nobody added), ENODEV (a key type that does not exist). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char data[16] = "0123456789";
static char keybuf[16];

int main(void)
{
	aio_context_t ctx = 0;
	struct iocb cb;
	struct iocb *cbs[1] = { &cb };
	struct io_event ev[2];
	struct timespec ts = { 1, 0 }, zero = { 0, 0 };
	struct io_uring_params params;
	struct { const sigset_t *sigmask; size_t sigsetsize; } usig;
	sigset_t usr1;
	long fd, ufd, key;

	fd = open("/tmp/sc_aio.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_buf = (uintptr_t)data;
	cb.aio_nbytes = 10;
	memset(&params, 0, sizeof(params));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	usig.sigmask = &usr1;
	usig.sigsetsize = 8;
	syscall(SYS_getpid);
	/* asynchronous I/O */
	syscall(SYS_io_setup, 8, &ctx);
	syscall(SYS_io_submit, ctx, 1, cbs);
	syscall(SYS_io_getevents, ctx, 1, 2, ev, &ts);
	syscall(SYS_io_cancel, ctx, &cb, ev);
	syscall(SYS_io_pgetevents, ctx, 0, 2, ev, &zero, NULL);
	syscall(SYS_io_pgetevents, ctx, 0, 2, ev, &zero, &usig);
	syscall(SYS_io_destroy, ctx);
	syscall(SYS_io_destroy, 0);
	syscall(SYS_io_setup, 8, NULL);
	syscall(SYS_io_getevents, 0, 1, 2, ev, NULL);
	/* io_uring */
	ufd = syscall(SYS_io_uring_setup, 4, &params);
	syscall(SYS_io_uring_register, ufd, IORING_REGISTER_FILES, &fd, 1);
	syscall(SYS_io_uring_enter, ufd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0L);
	syscall(SYS_io_uring_register, ufd, IORING_UNREGISTER_FILES, NULL, 0);
	syscall(SYS_io_uring_register, ufd, 999, NULL, 0);
	close(ufd);
	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
	params.cq_entries = 16;
	ufd = syscall(SYS_io_uring_setup, 2, &params);
	memset(&params, 0, sizeof(params));
	syscall(SYS_io_uring_setup, 0, &params);
	syscall(SYS_io_uring_enter, 99, 1, 0, 0, NULL, 0L);
	close(ufd);
	/* keys */
	key = syscall(SYS_add_key, "user", "sc_aio:key", "secret", 6, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_request_key, "user", "sc_aio:key", NULL, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_keyctl, KEYCTL_READ, key, keybuf, sizeof(keybuf));
	syscall(SYS_keyctl, KEYCTL_UPDATE, key, "new", 3);
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, keybuf, sizeof(keybuf));
	syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f010000);
	syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_PROCESS_KEYRING, "user", "sc_aio:key", 0);
	syscall(SYS_keyctl, KEYCTL_REVOKE, key);
	syscall(SYS_keyctl, KEYCTL_UNLINK, key, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	syscall(SYS_request_key, "user", "sc_aio:none", NULL, 0);
	syscall(SYS_add_key, "sc_none", "x", NULL, 0, KEY_SPEC_THREAD_KEYRING);
	syscall(SYS_getpid);
	close(fd);
	unlink("/tmp/sc_aio.dat");
	return 0;
}
