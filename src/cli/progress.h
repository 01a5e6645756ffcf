/* A progress line on standard error while scan or stats read a large input:
 * bytes read, lines a second and, when the size is known, the time left.
 * Shown only when standard error is a terminal (and standard output is not,
 * when records stream there as they are read), and only for an input of
 * PROGRESS_LARGE bytes or more, or one that takes longer than a second. */
#ifndef SMTPCODE_CLI_PROGRESS_H
#define SMTPCODE_CLI_PROGRESS_H

#include <time.h>

#include "input.h"

#define PROGRESS_LARGE (8LL * 1024 * 1024)

struct progress {
	int enabled;   /* standard error is a terminal */
	int shown;     /* a line is on the screen */
	struct input *in;
	unsigned long lines, next_check;
	struct timespec start, last;
};

/* `streaming`: output goes to standard output while the input is read. */
void progress_init(struct progress *p, int streaming);
/* Starts on an input, and ends it: the line is cleared. */
void progress_begin(struct progress *p, struct input *in);
void progress_end(struct progress *p);
/* Called for each line read; cheap, looks at the clock every 4096 lines. */
void progress_line(struct progress *p);

#endif
