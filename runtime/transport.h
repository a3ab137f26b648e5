/* transport.h - records from the module to stapio, commands back
 * (doc/module-layout.md, "Transport").  transport.c implements it; the
 * session code (session.c) is its only user besides the print path. */
#ifndef _STP_TRANSPORT_H
#define _STP_TRANSPORT_H

enum stp_rec_type {
	STP_REC_STDOUT = 1,     /* script output */
	STP_REC_STDERR = 2,     /* ERROR:/WARNING: lines */
	STP_REC_EXIT = 3,       /* please send "stop" */
	STP_REC_DONE = 4,       /* payload: s32 status; the last record */
	STP_REC_SYSTEM = 5,     /* payload: a command for stapio to run (system()) */
	STP_REC_SWITCH_FILE = 6,  /* start the next -o output file (switch_file()) */
};

struct stp_rec {
	u32 type;
	u32 len;                /* payload bytes that follow */
};

/* Create /sys/kernel/debug/systemtap/<name>/{data,ctl} and a ring of
 * bytes bytes.  Process context (module init).  0 or -errno. */
static int _stp_transport_init(const char *name, size_t bytes);
/* Remove the files, free the ring.  Module exit. */
static void _stp_transport_exit(void);
/* Queue one record; any context but NMI.  When it does not fit it is
 * dropped whole, counted, and -ENOSPC returned. */
static int _stp_transport_write(enum stp_rec_type type, const void *p, size_t n);
/* Bytes dropped so far, and the number of records dropped. */
static u64 _stp_transport_lost_bytes(void);
static u64 _stp_transport_lost_records(void);

/* Implemented by session.c, called from the ctl file's write handler in
 * process context: "start <pid>" and "stop".  Return 0 or -errno (the
 * write then fails with it). */
static int _stp_session_start(pid_t target);
static int _stp_session_stop(void);

#endif
