/* Reads lines of any length in constant memory: a line longer than
 * LINE_MAX_BYTES is returned cut at that length and flagged, the rest of it
 * skipped. Lines may hold any bytes, NUL included. */
#ifndef SMTPCODE_CLI_LINES_H
#define SMTPCODE_CLI_LINES_H

#include <stdio.h>

#include "input.h"

#define LINE_MAX_BYTES (64 * 1024)

struct line_reader {
	struct input *in;
	size_t start, end;  /* unread bytes are buf[start..end) */
	int eof;
	int error;          /* a read error happened: input_error(in) says what */
	int skipping;       /* the rest of a line that was too long is still to be dropped */
	int restart;        /* the input starts anew (INPUT_RESTART) after the bytes held */
	unsigned long restarts; /* how many times it did: the lines are numbered from 1 again */
	unsigned long number; /* 1-based number of the line returned last */
	char buf[2 * LINE_MAX_BYTES];
};

void lines_init(struct line_reader *r, struct input *in);
/* The same, for an input whose first len (<= LINE_MAX_BYTES) bytes have been
 * read already, into data. */
void lines_init_buffered(struct line_reader *r, struct input *in, const char *data, size_t len);
/* Returns 1 and the next line (without its line break), 0 at the end of
 * input. When the input starts anew (a followed file rotated), what was
 * left of its last line is a line of its own, and the lines after it are
 * numbered from 1 again, with `restarts` one more. */
int lines_next(struct line_reader *r, const char **line, size_t *len, int *truncated);

#endif
