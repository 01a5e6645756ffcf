/* explain on a whole message (or an mbox of them): the library's reader, one
 * answer per recipient, as text for people or as one JSON object. */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

struct explainer {
	FILE *out;
	const struct style *st;
	struct json *j;          /* NULL: text */
	unsigned long message;   /* 1, 2, ... */
	long classified;         /* records with something classified */
	long records;
};

int
recipient_classified(const struct smtpcode_recipient *rcpt)
{
	const struct smtpcode_result *r = &rcpt->result;

	return r->decided_by != SMTPCODE_SIGNAL_NONE || r->reply.enhanced.cls || rcpt->action != SMTPCODE_DSN_NONE;
}

void
recipient_json_members(struct json *j, const struct smtpcode_recipient *rcpt)
{
	if (rcpt->address.len)
		json_string_n(j, "recipient", rcpt->address.ptr, rcpt->address.len);
	else
		json_null(j, "recipient");
	json_name(j, "dsn_action", rcpt->action ? smtpcode_dsn_action_name(rcpt->action) : NULL);
	json_name(j, "report", smtpcode_report_name(rcpt->report));
	if (rcpt->feedback_type.len)
		json_string_n(j, "feedback_type", rcpt->feedback_type.ptr, rcpt->feedback_type.len);
	else
		json_null(j, "feedback_type");
}

/* What the record was read from, in words. */
static const char *
report_words(enum smtpcode_report r)
{
	switch (r) {
	case SMTPCODE_REPORT_DSN: return "the delivery-status fields";
	case SMTPCODE_REPORT_TEXT: return "the bounce's text";
	case SMTPCODE_REPORT_FEEDBACK: return "a complaint (feedback report)";
	case SMTPCODE_REPORT_AUTO_REPLY: return "an automatic reply";
	default: return "the message";
	}
}

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	struct explainer *e = ctx;
	const struct smtpcode_result *r = &rcpt->result;
	char buf[1600];

	e->records++;
	e->classified += recipient_classified(rcpt);
	if (e->j) {
		json_begin_object(e->j, NULL);
		json_int(e->j, "line", (long)rcpt->line);
		recipient_json_members(e->j, rcpt);
		result_json_members(e->j, r);
		json_bool(e->j, "classified", recipient_classified(rcpt));
		json_bool(e->j, "truncated", (rcpt->flags & SMTPCODE_RECIPIENT_CUT) != 0);
		json_end_object(e->j);
		return;
	}
	if (e->records > 1 || e->message > 1)
		fputc('\n', e->out);
	explain_escape(buf, sizeof buf, rcpt->address, 400);
	fprintf(e->out, "%sRecipient %ld%s%s%s\n", render_sgr(e->st, "\033[1m"), e->records,
	        rcpt->address.len ? ": " : " (the report names none)", buf, render_sgr(e->st, "\033[0m"));
	snprintf(buf, sizeof buf, "%s, read from %s, line %llu",
	         rcpt->action ? smtpcode_dsn_action_name(rcpt->action) : "no action given", report_words(rcpt->report),
	         (unsigned long long)rcpt->line);
	render_field(e->out, e->st, "Report", buf);
	if (rcpt->feedback_type.len) {
		explain_escape(buf, sizeof buf, rcpt->feedback_type, 60);
		render_field(e->out, e->st, "Feedback", buf);
	}
	explain_text(e->out, e->st, r);
	if (rcpt->flags & SMTPCODE_RECIPIENT_CUT)
		render_field(e->out, e->st, "Note", "the address or the text was longer than smtpcode keeps, and was cut");
}

/* One message of text[0..len). */
static void
one_message(struct explainer *e, struct smtpcode_message *m, enum smtpcode_stage stage, const char *text,
            size_t len, unsigned long long line)
{
	unsigned problems, bit;
	long before = e->records;

	e->message++;
	if (e->j) {
		json_begin_object(e->j, NULL);
		json_int(e->j, "message", (long)e->message);
		json_int(e->j, "line", (long)line);
		json_begin_array(e->j, "recipients");
	}
	smtpcode_message_init(m, stage, on_recipient, e);
	smtpcode_message_feed(m, text, len);
	smtpcode_message_end(m);
	problems = smtpcode_message_problems(m);
	if (e->j) {
		json_end_array(e->j);
		json_begin_array(e->j, "problems");
		for (bit = 1; bit; bit <<= 1)
			if (problems & bit)
				json_name(e->j, NULL, smtpcode_message_problem_text((enum smtpcode_message_problem)bit));
		json_end_array(e->j);
		json_end_object(e->j);
		return;
	}
	for (bit = 1; bit; bit <<= 1)
		if (problems & bit)
			fprintf(stderr, "smtpcode: message %lu: %s\n", e->message,
			        smtpcode_message_problem_text((enum smtpcode_message_problem)bit));
	if (e->records == before)
		fprintf(stderr, "smtpcode: message %lu names no recipient it could not deliver to\n", e->message);
}

long
explain_message(FILE *out, const struct style *st, int json, enum smtpcode_stage stage, const char *text, size_t len,
                enum smtpcode_input kind)
{
	struct explainer e;
	struct json j;
	struct smtpcode_message *m = malloc(sizeof *m);
	const char *p = text, *lim = text + len, *start = text;
	unsigned long long line = 1, start_line = 1;

	if (!m)
		return -1;
	memset(&e, 0, sizeof e);
	e.out = out;
	e.st = st;
	if (json) {
		json_init(&j, out);
		e.j = &j;
		json_begin_object(&j, NULL);
		json_name(&j, "input", kind == SMTPCODE_INPUT_MBOX ? "mbox" : "message");
		json_begin_array(&j, "messages");
	}
	if (kind == SMTPCODE_INPUT_MBOX) {
		/* Each message after its "From " line. */
		start = NULL;
		while (p < lim) {
			const char *nl = (const char *)memchr(p, '\n', (size_t)(lim - p)), *end = nl ? nl : lim;
			size_t n = (size_t)(end - p);
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (smtpcode_mbox_from_line(p, n)) {
				if (start)
					one_message(&e, m, stage, start, (size_t)(p - start), start_line);
				start = nl ? nl + 1 : lim;
				start_line = line + 1;
			}
			p = nl ? nl + 1 : lim;
			line++;
		}
		if (start)
			one_message(&e, m, stage, start, (size_t)(lim - start), start_line);
	} else {
		one_message(&e, m, stage, text, len, 1);
	}
	if (json) {
		json_end_array(&j);
		json_int(&j, "records", e.records);
		json_bool(&j, "invalid_utf8", j.replaced);
		json_end_object(&j);
	}
	free(m);
	return e.classified;
}
