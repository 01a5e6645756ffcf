/* What scan.c and parallel.c share. scan.c reads the inputs, one after
 * another, in the thread that called it; given a pool (parallel.c), it hands
 * what it read to the pool's threads to classify, a task at a time, and the
 * pool writes their records in input order. */
#ifndef SMTPCODE_CLI_SCAN_INTERNAL_H
#define SMTPCODE_CLI_SCAN_INTERNAL_H

#include "scan.h"

enum scan_mode { MODE_UNDECIDED, MODE_LINES, MODE_MESSAGE, MODE_MBOX };

struct pool;
struct scan_state;

/* scan.c: scan_inputs(), with the classifying handed to `pool` where an
 * input allows (NULL: done here). */
int scan_run(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, struct pool *pool,
             long *records);

/* scan.c: the state of one thread that classifies; its warnings go to
 * note(note_ctx, text) (NULL: to standard error, after standard output is
 * flushed). NULL when out of memory. */
struct scan_state *scan_state_new(const struct scan_options *opt, void (*note)(void *, const char *), void *note_ctx);
void scan_state_free(struct scan_state *c);
/* Classifies a task, records to fn(ctx, ...): the lines packed by
 * pool_line() (each a 4-byte length, its truncated flag in the top bit, and
 * its bytes), numbered from first_line; or a whole input of bounce messages
 * (MODE_MESSAGE, MODE_MBOX). Returns the records. */
long scan_task_lines(struct scan_state *c, scan_fn *fn, void *ctx, const char *name, long long reference,
                     unsigned long first_line, const char *packed, size_t len);
long scan_task_messages(struct scan_state *c, scan_fn *fn, void *ctx, const char *name, const char *message_name,
                        enum scan_mode mode, const char *data, size_t len);

#define PACKED_TRUNCATED 0x80000000u

/* parallel.c, called by scan_run(). An input's lines go to the pool one by
 * one between pool_input() and pool_input_end(); a whole input of messages
 * at once (pool_messages() takes `data`, malloc'd). pool_drain() waits
 * until every record handed on is written: then scan_run() may write to
 * standard output itself. pool_note() writes a warning in its place among
 * the records. Each returns 0, or -1 when out of memory. */
int pool_input(struct pool *p, const char *name, long long reference);
int pool_line(struct pool *p, const char *line, size_t len, unsigned long number, int truncated);
int pool_input_end(struct pool *p);
int pool_messages(struct pool *p, const char *name, const char *message_name, enum scan_mode mode, char *data,
                  size_t len);
int pool_note(struct pool *p, const char *text);
int pool_drain(struct pool *p);

/* The most bytes of one input of messages handed to a thread whole; a
 * longer one is read here (after pool_drain()). */
#define POOL_MESSAGES_MAX (8 * 1024 * 1024)

#endif
