/* A reply that a file or a paste holds one line per line of it
 * ("550-5.7.1 The email account that you tried to reach is disabled.",
 * then "550 5.7.1 Please try again later."), joined into one text so that
 * scan classifies it once, as the mail system sent it. */
#ifndef SMTPCODE_CLI_REPLY_LINES_H
#define SMTPCODE_CLI_REPLY_LINES_H

#include <stddef.h>

/* A reply of more lines or bytes than this is taken one line at a time: no
 * mail system sends one that long (RFC 5321 lines are 512 bytes). */
#define REPLY_LINES_MAX 64
#define REPLY_BYTES_MAX (16 * 1024)

typedef void reply_text_fn(void *ctx, const char *text, size_t len, unsigned long number, int truncated);

struct reply_lines {
	char buf[REPLY_BYTES_MAX];
	size_t len;          /* 0: nothing held */
	unsigned long first; /* the number of its first line */
	unsigned code;
	unsigned lines;
};

/* Each line of an input in turn: handed on to emit(ctx, ...) as it is, or
 * held while it opens or continues a reply whose last line is still to
 * come; then the reply's lines, joined by line breaks, under the number of
 * its first line. */
void reply_lines_put(struct reply_lines *j, const char *line, size_t len, unsigned long number, int truncated,
                     reply_text_fn *emit, void *ctx);
/* At the input's end: what is held, as it is. */
void reply_lines_flush(struct reply_lines *j, reply_text_fn *emit, void *ctx);

#endif
