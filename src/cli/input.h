/* An input file for scan and stats: a named file or standard input, plain or
 * gzip-compressed (recognised by its magic bytes 1f 8b, whatever its name),
 * read in constant memory. */
#ifndef SMTPCODE_CLI_INPUT_H
#define SMTPCODE_CLI_INPUT_H

#include <stdio.h>

#define INPUT_CHUNK (64 * 1024)

struct input;

/* Opens `path` ("-" is standard input). Returns NULL with errno set when the
 * file cannot be opened or zlib cannot start. */
struct input *input_open(const char *path);
/* Closes the input (standard input is left open) and frees it. */
void input_close(struct input *in);

/* Reads up to `size` bytes of (decompressed) data. Returns the number read,
 * 0 at the end of the input, or -1 after an error (see input_error). */
long input_read(struct input *in, char *buf, size_t size);

/* What went wrong, for a message: "read error: ...", "truncated gzip data". */
const char *input_error(const struct input *in);
/* The name shown in records and messages: the path, "-" for standard input. */
const char *input_name(const struct input *in);
/* Bytes read from the file so far (compressed bytes for gzip), and its size,
 * or -1 when it is not known (a pipe). */
long long input_consumed(const struct input *in);
long long input_size(const struct input *in);
int input_is_gzip(const struct input *in);

#endif
