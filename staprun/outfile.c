/* outfile.c - the rotated -o FILE (outfile.h). */
#define _GNU_SOURCE
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int outfile_parse_limit(struct outfile *f, const char *arg)
{
	char *end;
	long mb, n = 0;

	errno = 0;
	mb = strtol(arg, &end, 10);
	if (errno || end == arg || mb < 1 || mb > 1024 * 1024)
		return -1;
	if (*end == ',') {
		const char *p = end + 1;
		n = strtol(p, &end, 10);
		if (errno || end == p || n < 1 || n > INT_MAX)
			return -1;
	}
	if (*end)
		return -1;
	f->max_bytes = (long long)mb << 20;
	f->max_files = (int)n;
	return 0;
}

static int open_num(struct outfile *f, int num)
{
	char path[PATH_MAX];
	const char *name = f->name;

	if (num >= 0) {
		snprintf(path, sizeof(path), "%s.%d", f->name, num);
		name = path;
	}
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		int err = errno;
		fprintf(stderr, "staprun: cannot open output file %s: %s\n", name, strerror(err));
		return -err;
	}
	f->fd = fd;
	f->num = num;
	f->written = 0;
	return 0;
}

int outfile_open(struct outfile *f)
{
	f->fd = -1;
	return open_num(f, f->max_bytes ? 0 : -1);
}

int outfile_switch(struct outfile *f)
{
	int old = f->fd, next = f->num + 1;

	if (next == 0)          /* from plain FILE: FILE.1 comes next */
		next = 1;
	int err = open_num(f, next);
	if (err)
		return err;
	close(old);
	if (f->max_files && next - f->max_files >= 0) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s.%d", f->name, next - f->max_files);
		unlink(path);
	}
	return 0;
}

int outfile_make_room(struct outfile *f, size_t n)
{
	if (!f->max_bytes || !f->written || f->written + (long long)n <= f->max_bytes)
		return 0;
	return outfile_switch(f);
}

void outfile_wrote(struct outfile *f, size_t n)
{
	f->written += (long long)n;
}

void outfile_close(struct outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
