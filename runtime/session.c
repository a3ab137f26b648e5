/* session.c - the session's life: module init/exit, start, stop, exit().
 *
 * States (doc/module-layout.md; the variable is in context.c):
 *
 *	LOADED --start--> STARTING --> RUNNING --exit()/errors/skips--> STOP_REQUESTED
 *	any of them --stop--> STOPPING --> STOPPED
 *
 * - Module init allocates everything (contexts, every family's data,
 *   globals, transport); no probe runs before stapio writes "start <pid>"
 *   to ctl.
 * - Start registers the families of stp_module.families in order, all or
 *   nothing (runtime.h says what a family does).  The first is begin/end,
 *   whose registration runs the begin probes; when a probe ends the
 *   session while families are being registered (exit(), an error), no
 *   further family is registered and the stop sequence runs at once.
 * - exit() (any context, any CPU) only moves the state to STOP_REQUESTED
 *   and queues an EXIT record: stapio answers with "stop".
 * - Stop (process context, idempotent): unregisters the registered
 *   families in reverse order, each synchronously -- the last is
 *   begin/end, which then runs the end probes (or the error probes) --,
 *   writes the summary warnings and queues DONE with status 1 when any
 *   error happened (or too many hits were skipped), else 0.
 * - "stop" with no "start" before it only queues DONE (status 0).
 * Start and stop are serialized by one mutex (ctl writes, module exit).
 */
#include <linux/mutex.h>

static DEFINE_MUTEX(_stp_session_mutex);
static pid_t _stp_target_pid;

/* The local time zone, which the kernel does not keep: staprun passes the
 * one its TZ gives at load time (UTC when loaded otherwise). */
static long _stp_tz_offset;             /* seconds west of UTC */
module_param_named(_stp_tz_gmtoff, _stp_tz_offset, long, 0400);
MODULE_PARM_DESC(_stp_tz_gmtoff, "local time zone: seconds west of UTC (staprun)");
static char _stp_tz_zone[16] = "UTC";
module_param_string(_stp_tz_name, _stp_tz_zone, sizeof(_stp_tz_zone), 0400);
MODULE_PARM_DESC(_stp_tz_name, "local time zone's name (staprun)");

static long _stp_tz_gmtoff(void)
{
	return _stp_tz_offset;
}

static const char *_stp_tz_name(void)
{
	return _stp_tz_zone;
}

static pid_t _stp_target(void)
{
	return _stp_target_pid;
}

static bool _stp_in_target_tree(struct task_struct *t)
{
	pid_t target = _stp_target_pid;
	bool in = false;

	if (!target)
		return true;
	rcu_read_lock();
	for (; t->pid > 1; t = rcu_dereference(t->real_parent)) {
		if (t->tgid == target) {
			in = true;
			break;
		}
	}
	rcu_read_unlock();
	return in;
}

/* exit(), MAXERRORS and MAXSKIPPED: ask stapio for "stop", once.  From a
 * begin probe the state moves out of STARTING, which _stp_session_start
 * notices. */
static void _stp_request_stop(void)
{
	int old = atomic_read(&_stp_state);

	for (;;) {
		int seen;

		if (old != STP_SESSION_STARTING && old != STP_SESSION_RUNNING)
			return; /* already stopping: an end probe's exit() changes nothing */
		seen = atomic_cmpxchg(&_stp_state, old, STP_SESSION_STOP_REQUESTED);
		if (seen == old)
			break;
		old = seen;
	}
	_stp_transport_write(STP_REC_EXIT, NULL, 0);
}

static void _stp_exit(void)
{
	_stp_request_stop();
}

/* ---- probe families (runtime.h: alloc, reg, unreg, free) ---- */

static unsigned int _stp_families_alloced;  /* families[0..n) have their data */
static unsigned int _stp_families_live;     /* families[0..n) are registered */

static void _stp_free_families(void)
{
	while (_stp_families_alloced) {
		const struct stp_family *f = &stp_module.families[--_stp_families_alloced];

		if (f->ops->free)
			f->ops->free(f);
	}
}

static int _stp_alloc_families(void)
{
	int rc;

	for (; _stp_families_alloced < stp_module.nfamilies; _stp_families_alloced++) {
		const struct stp_family *f = &stp_module.families[_stp_families_alloced];

		rc = f->ops->alloc ? f->ops->alloc(f) : 0;
		if (rc) {
			_stp_free_families();
			return rc;
		}
	}
	return 0;
}

/* Register in order until one fails (-errno; families[_stp_families_live]
 * is the one) or a probe ends the session meanwhile (0: the caller sees
 * the state). */
static int _stp_register_families(void)
{
	int rc;

	for (; _stp_families_live < stp_module.nfamilies; _stp_families_live++) {
		const struct stp_family *f = &stp_module.families[_stp_families_live];

		if (atomic_read(&_stp_state) != STP_SESSION_STARTING)
			break;
		rc = f->ops->reg ? f->ops->reg(f) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* Each unreg is synchronous (runtime.h), so when begin/end's runs the end
 * probes, no hit of any other family is in flight. */
static void _stp_unregister_families(void)
{
	while (_stp_families_live) {
		const struct stp_family *f = &stp_module.families[--_stp_families_live];

		if (f->ops->unreg)
			f->ops->unreg(f);
	}
}

/* ---- stop ---- */

static void _stp_summary(void)
{
	int errors = atomic_read(&_stp_error_count);
	int skipped = atomic_read(&_stp_skipped_count);
	u64 lost = _stp_transport_lost_records();

	if (_stp_ended_by_skips)
		_stp_warn("too many probe hits skipped (more than MAXSKIPPED=%d); "
			  "the session was ended early", MAXSKIPPED);
	if (errors || skipped)
		_stp_warn("Number of errors: %d, skipped probes: %d", errors, skipped);
	if (lost)
		_stp_warn("There were %llu transport failures (lost output).",
			  (unsigned long long)lost);
}

/* The STOPPING sequence; the caller holds the mutex.  A session never
 * started has no probe to stop and runs no end probe. */
static void _stp_stop_locked(void)
{
	s32 status = 0;

	if (atomic_read(&_stp_state) == STP_SESSION_LOADED)
		goto done;
	atomic_set(&_stp_state, STP_SESSION_STOPPING);
	_stp_unregister_families();
	_stp_usyms_close();
	_stp_summary();
	status = (atomic_read(&_stp_error_count) || _stp_ended_by_skips) ? 1 : 0;
done:
	_stp_transport_write(STP_REC_DONE, &status, sizeof(status));
	atomic_set(&_stp_state, STP_SESSION_STOPPED);
}

static int _stp_session_stop(void)
{
	mutex_lock(&_stp_session_mutex);
	if (atomic_read(&_stp_state) != STP_SESSION_STOPPED)
		_stp_stop_locked();
	mutex_unlock(&_stp_session_mutex);
	return 0;
}

/* The session's relay, staprun or stapio: the reader of the data file
 * (ctl commands come from short-lived children of it). */
static pid_t _stp_stapio_pid(void)
{
	return _stp_tr.reader_pid;
}

/* The hit's task belongs to the user who runs the session. */
static bool _stp_is_myproc(void)
{
	return uid_eq(current_uid(), _stp_tr.reader_uid);
}

static const char *_stp_probe_type(const struct stp_probe *p)
{
	unsigned int i;

	for (i = 0; p && i < stp_module.nfamilies; i++) {
		const struct stp_family *f = &stp_module.families[i];
		const char *type = f->ops->type_of ? f->ops->type_of(f, p) : NULL;

		if (type)
			return type;
	}
	return "";
}

/* ---- start ---- */

static int _stp_session_start(pid_t target)
{
	int rc = 0;

	mutex_lock(&_stp_session_mutex);
	if (atomic_read(&_stp_state) != STP_SESSION_LOADED) {
		rc = -EBUSY;
		goto out;
	}
	_stp_target_pid = target;
	_stp_usyms_open();
	atomic_set(&_stp_state, STP_SESSION_STARTING);
	rc = _stp_register_families();
	if (rc) {
		_stp_msg("ERROR: ", "could not register the %s probes (%d)",
			 stp_module.families[_stp_families_live].ops->name, rc);
		atomic_inc(&_stp_error_count);
		_stp_ended_by_error = true;
		goto stop;
	}
	/* Still STARTING: no begin probe or early hit called exit() or failed. */
	if (atomic_cmpxchg(&_stp_state, STP_SESSION_STARTING, STP_SESSION_RUNNING)
	    == STP_SESSION_STARTING)
		goto out;
stop:
	_stp_stop_locked();
out:
	mutex_unlock(&_stp_session_mutex);
	return rc;
}

/* ---- the module ---- */

static int __init _stp_module_init(void)
{
	int rc;

	rc = _stp_contexts_alloc();
	if (rc)
		return rc;
	rc = _stp_regex_init();
	if (rc)
		goto fail_regex;
	rc = _stp_alloc_families();
	if (rc)
		goto fail_families;
	rc = _stp_usyms_alloc();
	if (rc)
		goto fail_usyms;
	rc = stp_module.init ? stp_module.init() : 0;
	if (rc)
		goto fail_globals;
	rc = _stp_transport_init(stp_module.name, (size_t)STP_BUFFER_MB << 20);
	if (rc)
		goto fail_transport;
	return 0;

fail_transport:
	if (stp_module.exit)
		stp_module.exit();
fail_globals:
	_stp_usyms_free();
fail_usyms:
	_stp_free_families();
fail_families:
	_stp_regex_exit();
fail_regex:
	_stp_contexts_free();
	return rc;
}

static void __exit _stp_module_exit(void)
{
	int state = atomic_read(&_stp_state);

	/* Unloaded without "stop" (stapio killed): end the session here so
	 * no probe outlives the module. */
	if (state != STP_SESSION_LOADED && state != STP_SESSION_STOPPED)
		_stp_session_stop();
	_stp_transport_exit();
	if (stp_module.exit)
		stp_module.exit();
	_stp_usyms_free();
	_stp_free_families();
	_stp_regex_exit();
	_stp_contexts_free();
}

module_init(_stp_module_init);
module_exit(_stp_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SystemTap script " STP_MODULE_NAME);
