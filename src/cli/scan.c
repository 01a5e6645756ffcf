#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "input.h"
#include "lines.h"
#include "progress.h"
#include "scan.h"

static void
record_jsonl(const char *name, unsigned long number, const struct smtpcode_result *r, int rc, int truncated)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "file", name);
	json_int(&j, "line", (long)number);
	result_json_members(&j, r);
	json_bool(&j, "classified", rc == 0);
	json_bool(&j, "truncated", truncated);
	json_end_object(&j);
}

static void
record_text(const char *name, unsigned long number, const struct smtpcode_result *r)
{
	char codes[40] = "-";

	if (r->reply.code && r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u %u.%u.%u", r->reply.code, r->reply.enhanced.cls,
		         r->reply.enhanced.subject, r->reply.enhanced.detail);
	else if (r->reply.code)
		snprintf(codes, sizeof codes, "%u", r->reply.code);
	else if (r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	printf("%s:%lu\t%s\t%s\t%s\t%s\t%s\t%s\n", name, number, codes, smtpcode_reason_name(r->reason),
	       smtpcode_bounce_name(r->bounce), smtpcode_verdict_name(r->verdict), smtpcode_action_name(r->action),
	       r->vendor ? smtpcode_vendor_name(r->vendor) : "-");
}

/* One field of a tsv or csv record. tsv: tabs, line breaks and other control
 * bytes become spaces, so a record is always one line of the same number of
 * fields. csv (RFC 4180): a field holding a comma, a quote or a line break is
 * quoted, its quotes doubled. */
static void
field(const char *s, size_t len, enum scan_format format, int first)
{
	size_t i;

	if (!first)
		putchar(format == SCAN_CSV ? ',' : '\t');
	if (format == SCAN_TSV) {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			putchar(c < 0x20 || c == 0x7f ? ' ' : c);
		}
		return;
	}
	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) && !memchr(s, '\r', len)) {
		fwrite(s, 1, len, stdout);
		return;
	}
	putchar('"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	putchar('"');
}

static void
field_str(const char *s, enum scan_format format)
{
	field(s ? s : "", s ? strlen(s) : 0, format, 0);
}

static const char *const columns[] = {"file", "line", "code", "enhanced", "stage", "host", "vendor",
                                      "reason", "action", "bounce", "verdict"};

void
scan_header(const struct scan_options *opt)
{
	size_t i;

	if (opt->format != SCAN_TSV && opt->format != SCAN_CSV)
		return;
	for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
		field(columns[i], strlen(columns[i]), opt->format, i == 0);
	fputs(opt->format == SCAN_CSV ? "\r\n" : "\n", stdout);
}

static void
record_fields(const char *name, unsigned long number, const struct smtpcode_result *r, enum scan_format format)
{
	char buf[32];

	field(name, strlen(name), format, 1);
	snprintf(buf, sizeof buf, "%lu", number);
	field_str(buf, format);
	if (r->reply.code)
		snprintf(buf, sizeof buf, "%u", r->reply.code);
	else
		buf[0] = '\0';
	field_str(buf, format);
	if (r->reply.enhanced.cls)
		snprintf(buf, sizeof buf, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	else
		buf[0] = '\0';
	field_str(buf, format);
	field_str(r->stage ? smtpcode_stage_name(r->stage) : "", format);
	field(r->host.len ? r->host.ptr : "", r->host.len, format, 0);
	field_str(r->vendor ? smtpcode_vendor_name(r->vendor) : "", format);
	field_str(smtpcode_reason_name(r->reason), format);
	field_str(smtpcode_action_name(r->action), format);
	field_str(smtpcode_bounce_name(r->bounce), format);
	field_str(smtpcode_verdict_name(r->verdict), format);
	fputs(format == SCAN_CSV ? "\r\n" : "\n", stdout);
}

void
scan_print(void *ctx, const char *name, unsigned long line, const struct smtpcode_result *r, int rc, int truncated)
{
	const struct scan_options *opt = ctx;

	switch (opt->format) {
	case SCAN_JSONL: record_jsonl(name, line, r, rc, truncated); break;
	case SCAN_TSV:
	case SCAN_CSV: record_fields(name, line, r, opt->format); break;
	default: record_text(name, line, r); break;
	}
}

/* Returns the number of records; *error is set after a read error. */
static long
scan_one(struct input *in, struct line_reader *reader, const struct scan_options *opt, struct progress *p,
         scan_fn *fn, void *ctx, int *error)
{
	const char *line;
	size_t len;
	int truncated;
	long records = 0;

	lines_init(reader, in);
	progress_begin(p, in);
	while (lines_next(reader, &line, &len, &truncated)) {
		struct smtpcode_result r;
		int rc = smtpcode_classify(line, len, opt->stage, NULL, 0, &r);
		progress_line(p);
		if (rc != 0 && !opt->all)
			continue;
		fn(ctx, input_name(in), reader->number, &r, rc, truncated);
		records++;
	}
	progress_end(p);
	if (reader->error) {
		fflush(stdout);
		if (reader->number)
			fprintf(stderr, "smtpcode: %s: %s (after line %lu)\n", input_name(in), input_error(in),
			        reader->number);
		else
			fprintf(stderr, "smtpcode: %s: %s\n", input_name(in), input_error(in));
		*error = 1;
	}
	return records;
}

int
scan_inputs(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, long *records)
{
	static char dash0[] = "-";
	static char *dash[] = {dash0};
	struct line_reader *reader = malloc(sizeof *reader);
	struct progress p;
	int i, failed = 0;

	*records = 0;
	if (!reader) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return 1;
	}
	if (n == 0) {
		paths = dash;
		n = 1;
	}
	progress_init(&p, opt->streaming);
	for (i = 0; i < n; i++) {
		struct input *in = input_open(paths[i]);
		long r;
		if (!in) {
			fflush(stdout);
			if (strcmp(paths[i], "-") == 0)
				fprintf(stderr, "smtpcode: cannot read standard input: %s\n", strerror(errno));
			else
				fprintf(stderr, "smtpcode: cannot open '%s': %s; skipping it\n", paths[i], strerror(errno));
			failed = 1;
			continue;
		}
		r = scan_one(in, reader, opt, &p, fn, ctx, &failed);
		input_close(in);
		*records += r;
	}
	free(reader);
	return failed;
}
