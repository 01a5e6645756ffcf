/* Joins the lines of one multi-line reply (reply_lines.h). A line opens a
 * reply when it starts (after blanks, and a transcript's "<<< " or "S: ",
 * or a quote's "> ") with a code and a dash and the
 * library finds no last line in it ("unterminated"); the lines after it with
 * the same code continue it, up to the one that ends it. Postfix's one-line
 * quotes ("550-5.7.1 a 550 5.7.1 b") are whole already and are not held. */
#include "reply_lines.h"

#include <string.h>

#include "smtpcode.h"

static const char *
skip_blanks(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	return s;
}

/* What a line carries before its reply: blanks, then a transcript's "<<< "
 * or "S: " (the server's side), or a quote's "> ". Returns its length. */
static size_t
line_prefix(const char *s, size_t len)
{
	size_t n = len;
	const char *p = skip_blanks(s, &n);

	if (n >= 4 && memcmp(p, "<<< ", 4) == 0)
		p += 4;
	else if (n >= 3 && (memcmp(p, "S: ", 3) == 0 || memcmp(p, "s: ", 3) == 0))
		p += 3;
	else if (n >= 2 && p[0] == '>' && p[1] == ' ')
		p += 2;
	n = len - (size_t)(p - s);
	p = skip_blanks(p, &n);
	return (size_t)(p - s);
}

/* The code of the reply text[0..len) starts with, when it is this code (any,
 * when 0); else 0. Sets *open when the reply has no last line yet. */
static unsigned
reply_at(const char *text, size_t len, unsigned code, int *open)
{
	struct smtpcode_reply r;

	if (smtpcode_parse_reply(text, len, &r) <= 0 || (code && r.code != code))
		return 0;
	*open = (r.flags & SMTPCODE_REPLY_UNTERMINATED) != 0;
	return r.code;
}

void
reply_lines_flush(struct reply_lines *j, reply_text_fn *emit, void *ctx)
{
	if (j->len)
		emit(ctx, j->buf, j->len, j->first, 0);
	j->len = 0;
	j->lines = 0;
}

void
reply_lines_put(struct reply_lines *j, const char *line, size_t len, unsigned long number, int truncated,
                reply_text_fn *emit, void *ctx)
{
	size_t cut = line_prefix(line, len), n = len - cut;
	const char *s = line + cut;
	unsigned code;
	int open = 0;

	if (j->len) {
		if (!truncated && j->lines < REPLY_LINES_MAX && j->len + 1 + n <= sizeof j->buf &&
		    reply_at(s, n, j->code, &open)) {
			j->buf[j->len++] = '\n';
			memcpy(j->buf + j->len, s, n);
			j->len += n;
			j->lines++;
			if (reply_at(j->buf, j->len, j->code, &open) && !open)
				reply_lines_flush(j, emit, ctx);
			return;
		}
		reply_lines_flush(j, emit, ctx);
	}
	if (!truncated && n >= 4 && n <= sizeof j->buf && s[3] == '-' && (code = reply_at(s, n, 0, &open)) != 0 &&
	    open) {
		memcpy(j->buf, s, n);
		j->len = n;
		j->first = number;
		j->code = code;
		j->lines = 1;
		return;
	}
	emit(ctx, line, len, number, truncated);
}
