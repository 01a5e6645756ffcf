/* scan --follow: a log file read as it grows, as `tail -F` follows one. At
 * its end the file is looked at again every FOLLOW_POLL_MS: new bytes are
 * read; a file of the same name that is another file now (renamed away by a
 * log rotation, a new one made) is read from its start, and so is a file
 * cut shorter than what was read (truncated in place). Waiting ends when a
 * signal comes (interrupt.h) or when the reader of standard output has gone
 * away, a pipe closed. */
#ifndef SMTPCODE_CLI_FOLLOW_H
#define SMTPCODE_CLI_FOLLOW_H

#include <stddef.h>

#define FOLLOW_POLL_MS 200
/* follow_read(): the file starts anew (rotated or cut); read on. */
#define FOLLOW_RESTART (-2)

struct follow;

/* Opens path at its end (after its last complete line), or at its start.
 * A file that is not there yet is waited for. Returns NULL with errno set
 * when it is there but cannot be opened, or when out of memory. */
struct follow *follow_open(const char *path, int from_start);
void follow_close(struct follow *f);

/* Reads up to size bytes, waiting for them; idle(ctx) is called before each
 * wait. Returns the number read, 0 when the waiting ended, -1 after a read
 * error (follow_error() says what), or FOLLOW_RESTART. */
long follow_read(struct follow *f, char *buf, size_t size, void (*idle)(void *), void *ctx);

/* The lines before where the reading started; the file's modification time. */
unsigned long follow_lines_before(const struct follow *f);
const char *follow_error(const struct follow *f);
/* What made the file start anew: "was replaced by a new file", ... */
const char *follow_restart_reason(const struct follow *f);

#endif
