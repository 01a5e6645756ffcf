/* scan -j N: the inputs are read in one thread, as scan reads them, and
 * classified by N others. What is read is cut into tasks: a plain log by
 * whole lines, about POOL_TASK_BYTES a task; a file of bounce messages whole
 * (up to POOL_MESSAGES_MAX; a longer one, a pipe or standard input is read
 * and classified by the reading thread itself, once every task before it is
 * written). Each task's records are written in the order of the input, so
 * the output is byte for byte what -j 1 writes, warnings included. */
#ifndef SMTPCODE_CLI_PARALLEL_H
#define SMTPCODE_CLI_PARALLEL_H

#include "scan_print.h"

#define POOL_TASK_BYTES (256 * 1024)

/* The threads there are to run on (at least 1). */
int parallel_cores(void);

/* scan_inputs() with opt->jobs threads classifying, the records written by
 * scan_print() through printer (whose out is standard output). */
int scan_parallel(char **paths, int n, const struct scan_options *opt, struct scan_printer *printer, long *records);

#endif
