/* The records of scan as text, jsonl, tsv, csv or addresses (--format). */
#ifndef SMTPCODE_CLI_SCAN_PRINT_H
#define SMTPCODE_CLI_SCAN_PRINT_H

#include <stdio.h>

#include "scan.h"

struct address_set;

/* The scan_fn's context: where records go and in which format. */
struct scan_printer {
	const struct scan_options *opt;
	FILE *out;
	/* --format addresses: the recipients written already, so that each is
	 * written once. NULL: each is written framed (a 4-byte length, then
	 * its bytes) for scan_print_addresses() to sort out later, in input
	 * order (parallel.c). */
	struct address_set *seen;
};

/* Writes the header line of the tsv and csv formats (nothing for the others). */
void scan_header(const struct scan_options *opt, FILE *out);
/* The scan_fn that writes a record; ctx is a scan_printer. */
void scan_print(void *ctx, const struct scan_record *rec);
/* Writes the framed recipients of buf[0..len) that `seen` has not had yet,
 * one a line. Returns -1 when out of memory, else 0. */
int scan_print_addresses(FILE *out, struct address_set *seen, const char *buf, size_t len);

#endif
