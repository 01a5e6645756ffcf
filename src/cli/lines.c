#include "lines.h"

#include <string.h>

void
lines_init(struct line_reader *r, struct input *in)
{
	r->in = in;
	r->start = r->end = 0;
	r->eof = 0;
	r->error = 0;
	r->skipping = 0;
	r->restart = 0;
	r->restarts = 0;
	r->number = 0;
}

void
lines_init_buffered(struct line_reader *r, struct input *in, const char *data, size_t len)
{
	lines_init(r, in);
	memcpy(r->buf, data, len);
	r->end = len;
}

static void
fill(struct line_reader *r)
{
	long n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = input_read(r->in, r->buf + r->end, sizeof r->buf - r->end);
	if (n > 0) {
		r->end += (size_t)n;
	} else if (n == INPUT_RESTART) {
		r->restart = 1;
	} else {
		if (n < 0)
			r->error = 1;
		r->eof = 1;
	}
}

/* Drops the rest of a line that was too long, up to and including its '\n'. */
static void
skip_rest(struct line_reader *r)
{
	while (r->skipping) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			r->start = (size_t)(nl - r->buf) + 1;
			r->skipping = 0;
		} else {
			r->start = r->end;
			if (r->eof || r->restart) {
				r->skipping = 0;
				break;
			}
			fill(r);
		}
	}
}

int
lines_next(struct line_reader *r, const char **line, size_t *len, int *truncated)
{
	char *nl;
	size_t n;

	*truncated = 0;
	for (;;) {
		skip_rest(r);
		for (;;) {
			n = r->end - r->start;
			nl = memchr(r->buf + r->start, '\n', n < LINE_MAX_BYTES + 1 ? n : LINE_MAX_BYTES + 1);
			if (nl || n > LINE_MAX_BYTES || r->eof || r->restart)
				break;
			fill(r);
		}
		if (n > 0 || !r->restart)
			break;
		/* Every line of the old file is out: the new one's from 1. */
		r->restart = 0;
		r->number = 0;
		r->restarts++;
	}
	if (n == 0 && r->eof)
		return 0;
	if (!nl && n <= LINE_MAX_BYTES && r->error)
		return 0; /* a line cut short by a read error is not a line */
	r->number++;
	*line = r->buf + r->start;
	if (nl) {
		*len = (size_t)(nl - *line);
		r->start += *len + 1;
	} else if (n > LINE_MAX_BYTES) {
		/* Too long: hand out the first LINE_MAX_BYTES and drop the rest of
		 * the line on the next call, after the caller is done with this one. */
		*len = LINE_MAX_BYTES;
		*truncated = 1;
		r->start += LINE_MAX_BYTES;
		r->skipping = 1;
	} else {
		*len = n;
		r->start = r->end;
	}
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	return 1;
}
