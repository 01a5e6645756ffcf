/* Text tables that fit a width: every column but the last as wide as its
 * widest cell, the last gets the rest; a cell too long is cut with an
 * ellipsis. Widths count UTF-8 characters. */
#ifndef SMTPCODE_CLI_TABLE_H
#define SMTPCODE_CLI_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLUMNS 8
#define TABLE_GAP 2
#define TABLE_MIN_LAST 12

struct table {
	int columns;
	int width[TABLE_MAX_COLUMNS];
};

/* Starts a table of `columns` columns; then table_measure() every row, then
 * table_fit() to `total` characters, then table_row() every row. */
void table_init(struct table *t, int columns);
void table_measure(struct table *t, const char *const *cells);
void table_fit(struct table *t, int total);
void table_row(const struct table *t, FILE *out, const char *const *cells, const char *const *sgr,
               const char *reset);

/* Characters in s (UTF-8 continuation bytes not counted). */
int table_text_width(const char *s);
/* Writes at most `width` characters of s, the last one an ellipsis when s is
 * cut; pads with spaces to `width` when pad is set. Returns the characters
 * written, padding not counted. */
int table_cell(FILE *out, const char *s, int width, int pad);

#endif
