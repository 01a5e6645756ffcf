/* Cells of tsv and csv output (fields.h). */
#include "fields.h"

#include <string.h>

#include "safe_text.h"

void
fields_cell(FILE *out, const char *s, size_t len, int csv, int first)
{
	const char *end = s + len, *q;

	if (!first)
		putc(csv ? ',' : '\t', out);
	if (csv && (memchr(s, ',', len) || memchr(s, '"', len))) {
		putc('"', out);
		if (safe_formula_start(s, len))
			putc('\'', out);
		for (; (q = memchr(s, '"', (size_t)(end - s))) != NULL; s = q + 1) {
			safe_write(out, s, (size_t)(q + 1 - s));
			putc('"', out);
		}
		safe_write(out, s, (size_t)(end - s));
		putc('"', out);
		return;
	}
	if (safe_formula_start(s, len))
		putc('\'', out);
	safe_write(out, s, len);
}

void
fields_end(FILE *out, int csv)
{
	fputs(csv ? "\r\n" : "\n", out);
}
