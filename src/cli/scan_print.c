/* The records of scan in each --format (scan_print.h). */
#include <stdint.h>
#include <string.h>

#include "addresses.h"
#include "exit_status.h"
#include "explain.h"
#include "fields.h"
#include "safe_text.h"
#include "scan_print.h"

static void
record_jsonl(FILE *out, const struct scan_record *rec)
{
	const struct scan_msg *msg = rec->msg;
	const struct smtpcode_result *r = rec->r;
	struct json j;

	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string(&j, "file", rec->name);
	json_int(&j, "line", (long)rec->line);
	if (msg) {
		if (msg->message_name)
			json_string(&j, "message", msg->message_name);
		else
			json_int(&j, "message", (long)msg->message);
	}
	/* a bounce message's recipient, or a log line's to=<...>, Exim's ** a@example.com */
	if (rec->recipient.len)
		json_string_n(&j, "recipient", rec->recipient.ptr, rec->recipient.len);
	else
		json_null(&j, "recipient");
	if (msg) {
		if (msg->action)
			json_string(&j, "dsn_action", msg->action);
		else
			json_null(&j, "dsn_action");
		json_name(&j, "report", msg->report);
		if (msg->feedback_type.len)
			json_string_n(&j, "feedback_type", msg->feedback_type.ptr, msg->feedback_type.len);
		else
			json_null(&j, "feedback_type");
	}
	result_json_members(&j, r);
	json_bool(&j, "classified", rec->rc == 0);
	json_bool(&j, "truncated", rec->truncated);
	json_bool(&j, "invalid_utf8", j.replaced); /* last: known once every string is out */
	json_end_object(&j);
}

static void
record_text(FILE *out, const struct scan_record *rec)
{
	const struct smtpcode_result *r = rec->r;
	char codes[40] = "-";

	if (r->reply.code && r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u %u.%u.%u", r->reply.code, r->reply.enhanced.cls,
		         r->reply.enhanced.subject, r->reply.enhanced.detail);
	else if (r->reply.code)
		snprintf(codes, sizeof codes, "%u", r->reply.code);
	else if (r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	/* The name and the recipient escaped (safe_text.h): a tab or a line
	 * break in them must not forge a field or a record, nor ESC reach a
	 * terminal. */
	safe_write(out, rec->name, strlen(rec->name));
	fprintf(out, ":%lu\t%s\t%s\t%s\t%s\t%s\t%s", rec->line, codes, smtpcode_reason_name(r->reason),
	        smtpcode_bounce_name(r->bounce), smtpcode_verdict_name(r->verdict), smtpcode_action_name(r->action),
	        r->vendor ? smtpcode_vendor_name(r->vendor) : "-");
	if (rec->recipient.len) { /* of a bounce message or a log line */
		putc('\t', out);
		safe_write(out, rec->recipient.ptr, rec->recipient.len);
	}
	putc('\n', out);
}

static void
field(FILE *out, const char *s, size_t len, enum scan_format format, int first)
{
	fields_cell(out, s, len, format == SCAN_CSV, first);
}

static void
field_str(FILE *out, const char *s, enum scan_format format)
{
	field(out, s ? s : "", s ? strlen(s) : 0, format, 0);
}

static const char *const columns[] = {"file", "line", "code", "enhanced", "stage", "host", "vendor",
                                      "reason", "action", "bounce", "verdict", "recipient"};

void
scan_header(const struct scan_options *opt, FILE *out)
{
	size_t i;

	if (opt->format != SCAN_TSV && opt->format != SCAN_CSV)
		return;
	for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
		field(out, columns[i], strlen(columns[i]), opt->format, i == 0);
	fields_end(out, opt->format == SCAN_CSV);
}

static void
record_fields(FILE *out, const struct scan_record *rec, enum scan_format format)
{
	const struct smtpcode_result *r = rec->r;
	char buf[32];

	field(out, rec->name, strlen(rec->name), format, 1);
	snprintf(buf, sizeof buf, "%lu", rec->line);
	field_str(out, buf, format);
	if (r->reply.code)
		snprintf(buf, sizeof buf, "%u", r->reply.code);
	else
		buf[0] = '\0';
	field_str(out, buf, format);
	if (r->reply.enhanced.cls)
		snprintf(buf, sizeof buf, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	else
		buf[0] = '\0';
	field_str(out, buf, format);
	field_str(out, r->stage ? smtpcode_stage_name(r->stage) : "", format);
	field(out, r->host.len ? r->host.ptr : "", r->host.len, format, 0);
	field_str(out, r->vendor ? smtpcode_vendor_name(r->vendor) : "", format);
	field_str(out, smtpcode_reason_name(r->reason), format);
	field_str(out, smtpcode_action_name(r->action), format);
	field_str(out, smtpcode_bounce_name(r->bounce), format);
	field_str(out, smtpcode_verdict_name(r->verdict), format);
	field(out, rec->recipient.len ? rec->recipient.ptr : "", rec->recipient.len, format, 0);
	fields_end(out, format == SCAN_CSV);
}

/* The recipient, once: escaped, so that a line break in it cannot forge
 * another address for the list it feeds. */
static void
record_address(struct scan_printer *p, const struct scan_record *rec)
{
	char addr[ADDRESS_MAX];
	size_t len;

	if (!rec->recipient.len)
		return;
	len = address_normalise(addr, rec->recipient.ptr, rec->recipient.len);
	if (!p->seen) {
		uint32_t n = (uint32_t)len;
		fwrite(&n, sizeof n, 1, p->out);
		fwrite(addr, 1, len, p->out);
		return;
	}
	switch (address_set_add(p->seen, addr, len)) {
	case 1:
		safe_write(p->out, addr, len);
		putc('\n', p->out);
		break;
	case 0: break;
	default:
		fflush(p->out);
		fprintf(stderr, "smtpcode: out of memory for the addresses seen\n");
		exit(EXIT_IO);
	}
}

int
scan_print_addresses(FILE *out, struct address_set *seen, const char *buf, size_t len)
{
	size_t at = 0;

	while (at + sizeof(uint32_t) <= len) {
		uint32_t n;
		int added;
		memcpy(&n, buf + at, sizeof n);
		at += sizeof n;
		if (n > len - at)
			break;
		added = address_set_add(seen, buf + at, n);
		if (added < 0)
			return -1;
		if (added) {
			safe_write(out, buf + at, n);
			putc('\n', out);
		}
		at += n;
	}
	return 0;
}

void
scan_print(void *ctx, const struct scan_record *rec)
{
	struct scan_printer *p = ctx;

	switch (p->opt->format) {
	case SCAN_JSONL: record_jsonl(p->out, rec); break;
	case SCAN_TSV:
	case SCAN_CSV: record_fields(p->out, rec, p->opt->format); break;
	case SCAN_ADDRESSES: record_address(p, rec); break;
	default: record_text(p->out, rec); break;
	}
	if (p->out == stdout) {
		if (p->opt->line_buffered)
			fflush(stdout);
		exit_if_unwritable();
	}
}
