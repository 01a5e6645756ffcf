/* scan --format clickhouse: smtpcode as a ClickHouse executable_pool
 * function (docs/scale.md). Each input line is one row of TabSeparated: a
 * reply or log line, its escapes undone, or \N (NULL). Each row gets one
 * output row, in order, even when nothing in it is classified: the tuple
 * (code,'enhanced','stage','host','vendor','reason','action','bounce',
 * 'verdict','decided_by','matched','recipient') in ClickHouse's quoted form,
 * NULL where there is no value and all NULL for a NULL row. Rows are never
 * read as messages or gzip, and the output is flushed whenever the input has
 * no more bytes ready, so that a block of rows is answered before ClickHouse
 * writes the next. */
#ifndef SMTPCODE_CLI_CLICKHOUSE_H
#define SMTPCODE_CLI_CLICKHOUSE_H

#include "scan.h"

/* Answers the rows of paths[0..n) ("-" or none: standard input). Returns 0,
 * or 1 after an input could not be read; *rows is the number answered. */
int scan_clickhouse(char **paths, int n, const struct scan_options *opt, long *rows);

#endif
