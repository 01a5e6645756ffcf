/* scan --format clickhouse: a row in, a tuple out (clickhouse.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clickhouse.h"
#include "input.h"
#include "interrupt.h"
#include "lines.h"

/* TabSeparated's escapes undone into out (at least len bytes): \t \n \r
 * \0 \b \f \\ \' and, as ClickHouse reads them, \xHH and any other \c as c.
 * Returns the length. */
static size_t
unescape(char *out, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c != '\\' || i + 1 == len) {
			out[n++] = c;
			continue;
		}
		c = s[++i];
		switch (c) {
		case 't': out[n++] = '\t'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case '0': out[n++] = '\0'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'x': {
			static const char hex[] = "0123456789abcdef";
			const char *h1 = i + 1 < len && s[i + 1] ? strchr(hex, s[i + 1] | 0x20) : NULL;
			const char *h2 = i + 2 < len && s[i + 2] ? strchr(hex, s[i + 2] | 0x20) : NULL;
			if (h1 && h2) {
				out[n++] = (char)((h1 - hex) * 16 + (h2 - hex));
				i += 2;
			} else {
				out[n++] = 'x';
			}
			break;
		}
		default: out[n++] = c; break;
		}
	}
	return n;
}

/* A string of a tuple, quoted as ClickHouse reads it back: ' and \ escaped,
 * control bytes as \n, \t, \r, \0 or \xHH, so that the row stays one line
 * of TabSeparated. Other bytes as they are (a String holds any). */
static void
quoted(FILE *out, const char *s, size_t len)
{
	size_t i;

	putc('\'', out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\'': fputs("\\'", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\0': fputs("\\0", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				putc(c, out);
		}
	}
	putc('\'', out);
}

static void
member(FILE *out, const char *s, size_t len, int first)
{
	if (!first)
		putc(',', out);
	if (s)
		quoted(out, s, len);
	else
		fputs("NULL", out);
}

static void
name(FILE *out, const char *s)
{
	member(out, s, s ? strlen(s) : 0, 0);
}

static void
span(FILE *out, struct smtpcode_span s)
{
	member(out, s.len ? s.ptr : NULL, s.len, 0);
}

/* The tuple of a row: the members of explain --json, in the same order. */
static void
answer(FILE *out, const char *text, size_t len, enum smtpcode_stage stage)
{
	struct smtpcode_result r;
	char enh[40];

	smtpcode_classify(text, len, stage, NULL, 0, &r);
	putc('(', out);
	if (r.reply.code)
		fprintf(out, "%u", r.reply.code);
	else
		fputs("NULL", out);
	if (r.reply.enhanced.cls) {
		snprintf(enh, sizeof enh, "%u.%u.%u", r.reply.enhanced.cls, r.reply.enhanced.subject,
		         r.reply.enhanced.detail);
		name(out, enh);
	} else {
		name(out, NULL);
	}
	name(out, r.stage ? smtpcode_stage_name(r.stage) : NULL);
	span(out, r.host);
	name(out, r.vendor ? smtpcode_vendor_name(r.vendor) : NULL);
	name(out, smtpcode_reason_name(r.reason));
	name(out, smtpcode_action_name(r.action));
	name(out, smtpcode_bounce_name(r.bounce));
	name(out, smtpcode_verdict_name(r.verdict));
	name(out, smtpcode_signal_name(r.decided_by));
	span(out, r.matched);
	span(out, r.recipient);
	fputs(")\n", out);
}

static void
flush_idle(void *ctx)
{
	(void)ctx;
	fflush(stdout);
}

int
scan_clickhouse(char **paths, int n, const struct scan_options *opt, long *rows)
{
	static char dash0[] = "-";
	static char *dash[] = {dash0};
	struct line_reader *reader = malloc(sizeof *reader);
	char *text = malloc(LINE_MAX_BYTES);
	int i, failed = 0;

	*rows = 0;
	if (!reader || !text) {
		fprintf(stderr, "smtpcode: out of memory\n");
		free(reader);
		free(text);
		return 1;
	}
	if (n == 0) {
		paths = dash;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		struct input *in = input_open(paths[i]);
		const char *line;
		size_t len;
		int truncated;

		if (!in) {
			fprintf(stderr, "smtpcode: cannot open %s: %s; skipping it\n", paths[i], strerror(errno));
			failed = 1;
			continue;
		}
		input_no_gzip(in);
		/* ClickHouse waits for a block's answers before it writes more. */
		input_set_idle(in, flush_idle, NULL);
		lines_init(reader, in);
		while (lines_next(reader, &line, &len, &truncated)) {
			if (len == 2 && line[0] == '\\' && line[1] == 'N')
				fputs("(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL)\n", stdout);
			else
				answer(stdout, text, unescape(text, line, len), opt->stage);
			(*rows)++;
		}
		if (reader->error) {
			fprintf(stderr, "smtpcode: %s: %s\n", input_name(in), input_error(in));
			failed = 1;
		}
		input_close(in);
	}
	free(reader);
	free(text);
	return failed;
}
