/* build.c - pass 4: kbuild of the generated module (see build.h).
 *
 * Everything happens in the run's temporary directory, so a failed or
 * interrupted build leaves nothing behind in the cache; the caller copies
 * the finished .ko into the cache.
 *
 * The fast path.  `make -C BUILD M=DIR modules` spends about 0.7 s before
 * compiling anything: the kernel's top Makefile probes the compiler for
 * some thirty flags (cc-option) on every run, then runs three sub-makes
 * (scripts/Makefile.build for DIR, Makefile.modpost, Makefile.modfinal)
 * with the results in their environment.  So once per kernel and
 * environment, a full run records that environment (a $(shell env -0)
 * line in the Kbuild file, evaluated by the Makefile.build sub-make); later
 * builds run the three sub-makes directly with it.  Values naming the
 * module directory are stored with @DIR@ in its place, variables the top
 * Makefile removed are recorded to be removed again.  The record lives
 * next to the kernel-feature headers and its key covers the build tree
 * and this process's environment.  A fast build that fails for any reason
 * is retried the full way, whose output is the one shown; -B options
 * (which change the top-level flags) and -vvv always take the full way.
 */
#define _GNU_SOURCE 1  /* nftw's FTW_DEPTH / FTW_PHYS */
#include "config.h"

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "hash.h"
#include "session.h"

extern char **environ;

int build_check_tree(const char *release, const char *build_dir, bool dir_given)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/Makefile", build_dir);
	if (stat(path, &st) == 0)
		return 0;
	if (dir_given)
		fprintf(stderr, "stap: %s is not a kernel build tree (it has no Makefile)\n",
			build_dir);
	else
		fprintf(stderr,
			"stap: no kernel build tree for %s at %s\n"
			"stap: install the kernel headers (Debian/Ubuntu: package linux-headers-%s; "
			"Fedora/RHEL: kernel-devel-%s), or build for another kernel with -r\n",
			release, build_dir, release, release);
	return 1;
}

/* Set by a SIGINT, SIGTERM or SIGHUP while the temporary directory
 * exists: make is stopped, the directory removed, the run ends. */
static volatile sig_atomic_t interrupted;
static struct sigaction saved[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Catch the signals while a temporary directory exists (no SA_RESTART:
 * the wait for make is interrupted, and make is told to stop). */
static void catch_signals(bool on)
{
	for (int i = 0; i < 3; i++) {
		if (on) {
			struct sigaction sa = { 0 };
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sigaction(caught[i], &sa, &saved[i]);
		} else {
			sigaction(caught[i], &saved[i], NULL);
		}
	}
}

int build_interrupted(void)
{
	return interrupted;
}

/* path made absolute (kbuild runs in the kernel tree: M= and -I paths
 * must not depend on our working directory). */
static const char *absolute(struct arena *a, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return path;
	const char *r = arena_strdup(a, real);
	free(real);
	return r;
}

const char *build_tmpdir(struct arena *a, const struct session *s)
{
	if (s->tmpdir) {
		if (mkdir(s->tmpdir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "stap: cannot create %s: %s\n", s->tmpdir, strerror(errno));
			return NULL;
		}
		catch_signals(true);
		return absolute(a, s->tmpdir);
	}
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char *dir = arena_printf(a, "%s/stapXXXXXX", base);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "stap: cannot create a temporary directory in %s: %s\n", base,
			strerror(errno));
		return NULL;
	}
	catch_signals(true);
	return absolute(a, dir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

void build_tmpdir_done(const struct session *s, const char *dir)
{
	if (!dir)
		return;
	if (s->keep_tmpdir || s->tmpdir)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
	else
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	catch_signals(false);
	if (interrupted)
		fprintf(stderr, "stap: interrupted\n");
}

int build_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* A variable of an enclosing make (stap run from a Makefile): kbuild
 * must not inherit its flags, overrides or jobserver. */
static bool outer_make_var(const char *kv)
{
	static const char *const names[] = { "MAKEFLAGS=", "MAKELEVEL=", "MFLAGS=",
					     "MAKEOVERRIDES=" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(kv, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* environ without an enclosing make's variables. */
static char **clean_environ(void)
{
	static char **env;
	if (env)
		return env;
	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		return environ;
	n = 0;
	for (char **e = environ; *e; e++)
		if (!outer_make_var(*e))
			env[n++] = *e;
	return env;
}

/* Spawn argv with envp (the cleaned environ when NULL), stdin from
 * /dev/null and output appended to log (unless show).  Returns the exit
 * status or -1. */
static int spawn_wait(const char *const *argv, char *const *envp, const char *log, bool show)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!show) {
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
			       envp ? envp : clean_environ());
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fprintf(stderr, "stap: cannot run %s: %s\n", argv[0], strerror(err));
		return -1;
	}
	int status;
	bool told = false;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
		if (interrupted && !told) {
			kill(pid, SIGTERM);
			told = true;
		}
	}
	if (interrupted)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int build_make(const struct session *s, const char *build_dir, const char *dir,
	       const char *log, bool show, const char *const *extra)
{
	const char *argv[64 + 16];
	char mdir[4200];
	int n = 0;
	snprintf(mdir, sizeof(mdir), "M=%s", dir);
	argv[n++] = "make";
	argv[n++] = "-C";
	argv[n++] = build_dir;
	argv[n++] = mdir;
	argv[n++] = show ? "V=1" : "-s";
	for (int i = 0; extra && extra[i] && n < 48; i++)
		argv[n++] = extra[i];
	for (int i = 0; i < s->make_opts.count && n < 78; i++)
		argv[n++] = s->make_opts.items[i];
	argv[n] = NULL;
	if (!show)
		unlink(log);
	return spawn_wait(argv, NULL, log, show);
}

/* Modules carry no debug information, as upstream's do not: the kernel's
 * -g would make a module eight times larger (the runtime includes many
 * kernel headers) and cost compile time, and oopses name functions from
 * the symbol table anyway.  CFLAGS_MODULE and LDFLAGS_MODULE are kbuild's
 * documented knobs for module objects and the final link; a -B setting of
 * either comes later on the make command line and wins. */
#define NO_DEBUG_CC "CFLAGS_MODULE=-g0"
#define NO_DEBUG_LINK "LDFLAGS_MODULE=--strip-debug"

/* ---- the recorded kbuild environment (the fast path) ---- */

/* Variables that say nothing about the kernel build, or that make sets
 * itself: never recorded, never part of the key. */
static bool volatile_var(const char *kv, size_t namelen)
{
	static const char *const names[] = {
		"MAKEFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MFLAGS", "MAKE_TERMOUT",
		"MAKE_TERMERR", "PWD", "OLDPWD", "SHLVL", "_", "TMPDIR", "SYSTEMTAP_DIR",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == namelen && strncmp(kv, names[i], namelen) == 0)
			return true;
	return false;
}

const char *build_env_file(struct arena *a, const struct session *s, const char *build_dir,
			   const char *cache_dir)
{
	if (!cache_dir || s->disable_cache || s->make_opts.count || s->verbose[3] >= 3)
		return NULL;
	struct hash h;
	char hex[HASH_HEX_LEN + 1];
	hash_init(&h);
	hash_str(&h, "kbuild environment " PACKAGE_VERSION);
	hash_str(&h, BUILD_RECIPE);
	hash_str(&h, build_dir);
	cache_hash_file(&h, arena_printf(a, "%s/include/generated/autoconf.h", build_dir));
	const char *stamps[] = { "Makefile", "Module.symvers", "include/generated/utsrelease.h" };
	for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		struct stat st;
		if (stat(arena_printf(a, "%s/%s", build_dir, stamps[i]), &st) == 0) {
			hash_u64(&h, (uint64_t)st.st_size);
			hash_u64(&h, (uint64_t)st.st_mtime);
		}
	}
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (eq && !volatile_var(*e, (size_t)(eq - *e)))
			hash_str(&h, *e);
	}
	hash_hex(&h, hex);
	return arena_printf(a, "%s/kfeatures/kbuild-%.32s.env", cache_dir, hex);
}

const char *build_env_capture_line(struct arena *a, const char *dir)
{
	return arena_printf(a, "$(shell env -0 > '%s/kbuild.env')\n", dir);
}

/* The value of NAME in environ, or NULL. */
static const char *env_value(const char *name, size_t len)
{
	for (char **e = environ; *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

/* Read a whole file; *len gets its size.  malloc'd, NULL on error. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* Append s with every occurrence of from replaced by to. */
static void put_replaced(FILE *out, const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	const char *hit;
	while ((hit = strstr(s, from)) != NULL) {
		fwrite(s, 1, (size_t)(hit - s), out);
		fputs(to, out);
		s = hit + fl;
	}
	fputs(s, out);
}

int build_env_save(struct arena *a, const char *dir, const char *env_file)
{
	size_t len;
	char *dump = read_all(arena_printf(a, "%s/kbuild.env", dir), &len);
	if (!dump)
		return -1;
	char *tmp = arena_printf(a, "%s/kbuild.env.rec", dir);
	FILE *out = fopen(tmp, "wb");
	bool has_srctree = false, has_extmod = false;
	for (size_t off = 0; out && off < len; off += strlen(dump + off) + 1) {
		const char *kv = dump + off, *eq = strchr(kv, '=');
		if (!eq || volatile_var(kv, (size_t)(eq - kv)))
			continue;
		const char *mine = env_value(kv, (size_t)(eq - kv));
		if (mine && strcmp(mine, eq + 1) == 0)
			continue;
		has_srctree |= strncmp(kv, "srctree=", 8) == 0;
		has_extmod |= strncmp(kv, "KBUILD_EXTMOD=", 14) == 0;
		put_replaced(out, kv, dir, "@DIR@");
		fputc('\0', out);
	}
	/* What the top Makefile unexported (LC_ALL, GREP_OPTIONS, ...). */
	for (char **e = environ; out && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || volatile_var(*e, (size_t)(eq - *e)))
			continue;
		bool kept = false;
		for (size_t off = 0; off < len && !kept; off += strlen(dump + off) + 1)
			kept = strncmp(dump + off, *e, (size_t)(eq - *e) + 1) == 0;
		if (!kept) {
			fwrite(*e, 1, (size_t)(eq - *e), out);
			fputc('\0', out);
		}
	}
	free(dump);
	if (!out || fclose(out) != 0)
		return -1;
	/* Only a layout this code knows: the sub-makes find the source tree
	 * and the module directory in their environment. */
	if (!has_srctree || !has_extmod)
		return -1;
	return cache_copy_atomic(tmp, env_file);
}

/* environ with the recorded variables applied (@DIR@ -> dir).  *srctree
 * gets the kernel source tree.  NULL when the record is unusable. */
static char **fast_environ(struct arena *a, const char *env_file, const char *dir,
			   const char **srctree)
{
	size_t len;
	char *rec = read_all(env_file, &len);
	if (!rec)
		return NULL;
	size_t nrec = 0, nenv = 0;
	for (size_t off = 0; off < len; off += strlen(rec + off) + 1)
		nrec++;
	for (char **e = environ; *e; e++)
		nenv++;
	char **envp = arena_alloc(a, (nrec + nenv + 1) * sizeof(*envp));
	size_t n = 0;
	*srctree = NULL;
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		bool overridden = false;
		for (size_t off = 0; eq && off < len && !overridden; off += strlen(rec + off) + 1) {
			size_t nl = strcspn(rec + off, "=");
			overridden = nl == (size_t)(eq - *e) && strncmp(rec + off, *e, nl) == 0;
		}
		if (!overridden && !outer_make_var(*e))
			envp[n++] = *e;
	}
	for (size_t off = 0; off < len; off += strlen(rec + off) + 1) {
		if (!strchr(rec + off, '='))
			continue;  /* a variable the top Makefile removed */
		char *buf = NULL;
		size_t blen = 0;
		FILE *m = open_memstream(&buf, &blen);
		if (!m)
			break;
		put_replaced(m, rec + off, "@DIR@", dir);
		fclose(m);
		envp[n] = arena_strdup(a, buf);
		free(buf);
		if (strncmp(envp[n], "srctree=", 8) == 0)
			*srctree = envp[n] + 8;
		n++;
	}
	envp[n] = NULL;
	free(rec);
	return *srctree ? envp : NULL;
}

/* The three sub-makes of `make M=dir modules`, run directly. */
static int fast_make(struct arena *a, const char *build_dir, const char *dir,
		     const char *env_file, const char *log)
{
	const char *srctree;
	char **envp = fast_environ(a, env_file, dir, &srctree);
	if (!envp)
		return -1;
	char *inc = arena_printf(a, "-I%s", srctree);
	char *objarg = arena_printf(a, "obj=%s", dir);
	/* As the top Makefile runs them for `modules` with M= set. */
	const char *steps[3][4] = {
		{ arena_printf(a, "%s/scripts/Makefile.build", srctree), objarg, "need-builtin=1",
		  "need-modorder=1" },
		{ arena_printf(a, "%s/scripts/Makefile.modpost", srctree), NULL, NULL, NULL },
		{ arena_printf(a, "%s/scripts/Makefile.modfinal", srctree), NULL, NULL, NULL },
	};
	unlink(log);
	for (int i = 0; i < 3; i++) {
		const char *argv[] = { "make", "-rR", "-s", "--no-print-directory", inc, "-C",
				       build_dir, "-f", steps[i][0], NO_DEBUG_CC, NO_DEBUG_LINK,
				       steps[i][1], steps[i][2], steps[i][3], NULL };
		int rc = spawn_wait(argv, envp, log, false);
		if (rc)
			return rc;
	}
	return 0;
}

/* The compiler's messages from a failed build, without make's
 * directory chatter. */
static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, ": Entering directory") || strstr(line, ": Leaving directory"))
			continue;
		fputs(line, stderr);
	}
	fclose(f);
}

int build_module(struct arena *a, const struct session *s, const char *build_dir,
		 const char *runtime_dir, const char *kfeatures_header, const char *env_file,
		 const char *dir, const char *module)
{
	char *kbuild = arena_printf(a, "%s/Kbuild", dir);
	char *flags = arena_printf(a, "-I'%s'", runtime_dir);
	if (kfeatures_header)
		flags = arena_printf(a, "%s -include '%s'", flags, kfeatures_header);
	bool have_env = env_file && cache_exists(env_file);
	char *text = arena_printf(a, "obj-m := %s.o\nccflags-y := %s\n%s", module, flags,
				  env_file && !have_env ? build_env_capture_line(a, dir) : "");
	int rc = build_write_file(kbuild, text);
	if (rc) {
		fprintf(stderr, "stap: cannot write %s: %s\n", kbuild, strerror(-rc));
		return 1;
	}
	bool show = s->verbose[3] >= 3;
	char *log = arena_printf(a, "%s/make.log", dir);
	char *ko = arena_printf(a, "%s/%s.ko", dir, module);
	struct stat st;
	if (have_env && fast_make(a, build_dir, dir, env_file, log) == 0 && stat(ko, &st) == 0)
		return 0;
	if (interrupted)
		return 1;
	static const char *const targets[] = { NO_DEBUG_CC, NO_DEBUG_LINK, "modules", NULL };
	int status = build_make(s, build_dir, dir, log, show, targets);
	if (status == 0 && stat(ko, &st) == 0) {
		if (env_file && !have_env)
			build_env_save(a, dir, env_file);
		return 0;
	}
	if (!show)
		show_log(log);
	return 1;
}
