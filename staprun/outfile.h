/* outfile.h - the -o FILE the script's output goes to, rotated the way
 * upstream's stapio does it: `-S SIZE[,N]` numbers the files FILE.0,
 * FILE.1, ... and starts the next one before a write would take the
 * current one past SIZE megabytes, keeping the newest N; a switch asked
 * for otherwise (the script's switch_file(), SIGUSR2) goes from FILE to
 * FILE.1, FILE.2, ... */
#ifndef STAPRUN_OUTFILE_H
#define STAPRUN_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

struct outfile {
	const char *name;       /* -o FILE */
	long long max_bytes;    /* -S SIZE in bytes; 0: no limit */
	int max_files;          /* -S ,N; 0: keep every file */
	int num;                /* the current file's number; -1: plain FILE */
	long long written;      /* bytes in the current file */
	int fd;
};

/* Parse "SIZE[,N]" (SIZE megabytes from 1, N files from 1) into f.  0, or
 * -1 with nothing changed. */
int outfile_parse_limit(struct outfile *f, const char *arg);
/* Open the first file: FILE, or FILE.0 under a size limit.  0 or -errno
 * (printed). */
int outfile_open(struct outfile *f);
/* Before writing n bytes: start the next file if they would take a
 * non-empty file past the size limit.  0 or -errno (printed). */
int outfile_make_room(struct outfile *f, size_t n);
/* The n bytes went to f->fd. */
void outfile_wrote(struct outfile *f, size_t n);
/* Close the current file and open the next, removing the oldest beyond
 * the limit on files.  0 or -errno (printed; the old file stays). */
int outfile_switch(struct outfile *f);
void outfile_close(struct outfile *f);

#endif
