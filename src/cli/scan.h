/* smtpcode scan: one classification record per input line that holds a reply. */
#ifndef SMTPCODE_CLI_SCAN_H
#define SMTPCODE_CLI_SCAN_H

#include "render.h"

enum scan_format { SCAN_TEXT, SCAN_JSONL };

struct scan_options {
	enum scan_format format;
	int all;                     /* also report lines with nothing to classify */
	enum smtpcode_stage stage;
	const struct style *style;
};

/* Scans one input; `name` is shown in records ("-" for standard input).
 * Returns the number of records written, or -1 after a read error. */
long scan_file(FILE *in, const char *name, const struct scan_options *opt);

#endif
