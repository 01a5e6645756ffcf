#include "table.h"

#include <string.h>

int
table_text_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
table_cell(FILE *out, const char *s, int width, int pad)
{
	int n = table_text_width(s);

	if (width <= 0)
		return 0;
	if (n > width) {
		/* Write width - 1 characters, then the ellipsis. */
		int chars = 0;
		const char *p = s;
		while (*p) {
			if (((unsigned char)*p & 0xc0) != 0x80) {
				if (chars == width - 1)
					break;
				chars++;
			}
			p++;
		}
		while (p > s && p[-1] == ' ')
			p--, chars--;
		fwrite(s, 1, (size_t)(p - s), out);
		fputs("\xe2\x80\xa6", out); /* U+2026 HORIZONTAL ELLIPSIS */
		n = chars + 1;
	} else {
		fputs(s, out);
	}
	if (pad)
		fprintf(out, "%*s", width - n, "");
	return n;
}

void
table_init(struct table *t, int columns)
{
	int i;

	t->columns = columns < TABLE_MAX_COLUMNS ? columns : TABLE_MAX_COLUMNS;
	for (i = 0; i < TABLE_MAX_COLUMNS; i++)
		t->width[i] = 0;
}

void
table_measure(struct table *t, const char *const *cells)
{
	int i;

	for (i = 0; i < t->columns; i++) {
		int w = table_text_width(cells[i] ? cells[i] : "");
		if (w > t->width[i])
			t->width[i] = w;
	}
}

void
table_fit(struct table *t, int total)
{
	int i, used, last = t->columns - 1;

	for (;;) {
		int widest = -1;
		used = 0;
		for (i = 0; i < last; i++)
			used += t->width[i] + TABLE_GAP;
		if (total - used >= TABLE_MIN_LAST || total - used >= t->width[last])
			break;
		for (i = 0; i < last; i++)
			if (t->width[i] > 4 && (widest < 0 || t->width[i] > t->width[widest]))
				widest = i;
		if (widest < 0)
			break;
		t->width[widest]--;
	}
	if (total - used < t->width[last] || t->width[last] == 0)
		t->width[last] = total - used > 1 ? total - used : 1;
}

void
table_row(const struct table *t, FILE *out, const char *const *cells, const char *const *sgr, const char *reset)
{
	int i, n, last = t->columns - 1, pending = 0;

	for (i = 0; i < t->columns; i++) {
		const char *s = cells[i] ? cells[i] : "";
		if (i == last && !*s)
			break;
		if (pending)
			fprintf(out, "%*s", pending, "");
		if (sgr && sgr[i] && *sgr[i])
			fputs(sgr[i], out);
		n = table_cell(out, s, t->width[i], 0);
		if (sgr && sgr[i] && *sgr[i])
			fputs(reset, out);
		pending = t->width[i] - n + TABLE_GAP;
	}
	putc('\n', out);
}
