/* An input file for scan and stats: a named file or standard input, plain or
 * gzip-compressed (recognised by its magic bytes 1f 8b, whatever its name),
 * read in constant memory; or a log followed as it grows (follow.h). */
#ifndef SMTPCODE_CLI_INPUT_H
#define SMTPCODE_CLI_INPUT_H

#include <stdio.h>

#define INPUT_CHUNK (64 * 1024)

/* input_read(): the followed file was replaced or cut, and what comes next
 * starts it anew, from its line 1 (input_restart_reason() says which). */
#define INPUT_RESTART (-2)

struct input;

/* Opens `path` ("-" is standard input). Returns NULL with errno set when the
 * file cannot be opened or zlib cannot start. */
struct input *input_open(const char *path);
/* Opens `path` to follow it as it grows (scan --follow): from its end, or
 * from its start when from_start is set; a file that is not there yet is
 * waited for. Returns NULL with errno set when it cannot be opened. */
struct input *input_open_follow(const char *path, int from_start);
/* Closes the input (standard input is left open) and frees it. */
void input_close(struct input *in);

/* Called before a read that would wait (a pipe, a terminal, a followed
 * file with nothing new): the caller writes out what it holds, so that
 * each record is out as soon as its line is read. NULL: none. */
void input_set_idle(struct input *in, void (*idle)(void *), void *ctx);

/* Reads the input as it is, never as gzip: for rows that may start with
 * any bytes (scan --format clickhouse). Before the first input_read(). */
void input_no_gzip(struct input *in);

/* Reads up to `size` bytes of (decompressed) data. Returns the number read,
 * 0 at the end of the input (or once a signal came, interrupt.h), -1 after an
 * error (see input_error), or INPUT_RESTART. */
long input_read(struct input *in, char *buf, size_t size);
/* Whether a read would return at once: the bytes are there (a regular
 * file always), or the input has ended. */
int input_ready(struct input *in);

/* What went wrong, for a message: "read error: ...", "truncated gzip data". */
const char *input_error(const struct input *in);
/* Why the followed file starts anew ("was replaced", "was cut short"). */
const char *input_restart_reason(const struct input *in);
/* The name shown in records and messages: the path, "-" for standard input. */
const char *input_name(const struct input *in);
/* Bytes read from the file so far (compressed bytes for gzip), and its size,
 * or -1 when it is not known (a pipe). */
long long input_consumed(const struct input *in);
long long input_size(const struct input *in);
int input_is_gzip(const struct input *in);
/* A regular file (not a pipe, a terminal or a followed file). */
int input_is_regular(const struct input *in);
/* The lines of a followed file before where its reading starts (0 from its
 * start); 0 for other inputs. */
unsigned long input_lines_before(const struct input *in);
/* Seconds since the epoch of the time its undated lines (syslog's "Nov  5
 * 10:00:00") were written by: the file's last change, else now. */
long long input_reference_time(const struct input *in);

#endif
