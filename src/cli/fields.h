/* Cells of tsv and csv output (scan --format tsv|csv, stats --format
 * tsv|csv), for spreadsheets and awk. Control characters are escaped
 * (safe_text.h), so a row is always one line of the same number of cells;
 * a cell that a spreadsheet would take for a formula ("=", "+", "-", "@", a
 * tab or a CR first) gets a single quote before it. csv (RFC 4180): a cell
 * holding a comma or a quote is quoted, its quotes doubled; rows end in CRLF. */
#ifndef SMTPCODE_CLI_FIELDS_H
#define SMTPCODE_CLI_FIELDS_H

#include <stddef.h>
#include <stdio.h>

/* One cell, after a separator unless it is the row's first. */
void fields_cell(FILE *out, const char *s, size_t len, int csv, int first);
/* The end of a row. */
void fields_end(FILE *out, int csv);

#endif
