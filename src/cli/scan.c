#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "lines.h"
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
record_text(const char *name, unsigned long number, const struct smtpcode_result *r, const struct style *st)
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
	(void)st;
	printf("%s:%lu\t%s\t%s\t%s\t%s\t%s\t%s\n", name, number, codes, smtpcode_reason_name(r->reason),
	       smtpcode_bounce_name(r->bounce), smtpcode_verdict_name(r->verdict), smtpcode_action_name(r->action),
	       r->vendor ? smtpcode_vendor_name(r->vendor) : "-");
}

long
scan_file(FILE *in, const char *name, const struct scan_options *opt)
{
	struct line_reader *reader = malloc(sizeof *reader);
	const char *line;
	size_t len;
	int truncated;
	long records = 0;

	if (!reader) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return -1;
	}
	lines_init(reader, in);
	while (lines_next(reader, &line, &len, &truncated)) {
		struct smtpcode_result r;
		int rc = smtpcode_classify(line, len, opt->stage, NULL, 0, &r);
		if (rc != 0 && !opt->all)
			continue;
		if (opt->format == SCAN_JSONL)
			record_jsonl(name, reader->number, &r, rc, truncated);
		else
			record_text(name, reader->number, &r, opt->style);
		records++;
	}
	if (reader->error) {
		fprintf(stderr, "smtpcode: %s: read error: %s\n", name, strerror(reader->error));
		free(reader);
		return -1;
	}
	free(reader);
	return records;
}
