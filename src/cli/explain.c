#include <string.h>

#include "explain.h"
#include "safe_text.h"


int
classify_input(const char *buf, size_t len, enum smtpcode_stage stage, const char *host,
               struct smtpcode_result *r)
{
	return smtpcode_classify(buf, len, stage, host, host ? strlen(host) : 0, r);
}

#define sgr render_sgr
#define bounce_sgr render_bounce_sgr

/* Past a line break inside a reply, and past the next line's blanks and
 * codes ("550-5.1.1 "): where its text starts. */
static size_t
next_line_text(struct smtpcode_span s, size_t i)
{
	size_t k;

	while (i < s.len && (s.ptr[i] == '\r' || s.ptr[i] == '\n' || s.ptr[i] == ' ' || s.ptr[i] == '\t'))
		i++;
	for (k = i; k < s.len && k < i + 3 && s.ptr[k] >= '0' && s.ptr[k] <= '9'; k++)
		;
	if (k == i + 3 && k < s.len && (s.ptr[k] == '-' || s.ptr[k] == ' ')) {
		struct smtpcode_enhanced_code e;
		int n;
		i = k + 1;
		n = smtpcode_enhanced_parse(s.ptr + i, s.len - i, &e);
		if (n > 0)
			i += (size_t)n;
		while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
			i++;
	}
	return i;
}

/* Copies a span for people, every control character escaped (safe_text.h):
 * a line break kept as one (lines), unless the next line is indented, a
 * fold of the same line (a bounce wraps a long reply so), which is one
 * space; or, within a matched phrase, the break and the next line's codes
 * as one space, as the classifier read it (one_line). */
static const char *
show_as(char *buf, size_t size, struct smtpcode_span s, size_t max, int one_line)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t i = 0, o = 0, n = s.len < max ? s.len : max;

	while (i < n && o + 5 < size) {
		const unsigned char *nl = memchr(p + i, '\n', n - i);
		size_t stop = nl ? (size_t)(nl - p) : n;
		if (nl && stop > i && p[stop - 1] == '\r')
			stop--;
		i += safe_copy(buf + o, size - o - 4, s.ptr + i, stop - i);
		o += strlen(buf + o);
		if (i < stop)
			break; /* out of room */
		if (i < n && (p[i] == '\r' || p[i] == '\n')) {
			int fold;
			i = one_line ? next_line_text(s, i) : i + (p[i] == '\r' ? 2 : 1);
			fold = !one_line && i < s.len && (p[i] == ' ' || p[i] == '\t');
			while (fold && i < s.len && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i < s.len) /* the reply's last line break is not shown */
				buf[o++] = one_line || fold ? ' ' : '\n';
		}
	}
	if (i < s.len && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

static const char *
show(char *buf, size_t size, struct smtpcode_span s, size_t max)
{
	return show_as(buf, size, s, max, 1);
}

const char *
explain_escape(char *buf, size_t size, struct smtpcode_span s, size_t max)
{
	return show(buf, size, s, max);
}

void
explain_text(FILE *out, const struct style *st, const struct smtpcode_result *r)
{
	char codes[64] = "", buf[1024], span[600], span2[300];
	const struct smtpcode_basic *b = r->reply.code ? smtpcode_basic_lookup(r->reply.code) : NULL;
	const struct smtpcode_enhanced *e =
		r->reply.enhanced.cls ? smtpcode_enhanced_detail(r->reply.enhanced.subject, r->reply.enhanced.detail) : NULL;
	unsigned i;

	if (r->reply.code)
		snprintf(codes, sizeof codes, "%u", r->reply.code);
	if (r->reply.enhanced.cls)
		snprintf(codes + strlen(codes), sizeof codes - strlen(codes), "%s%u.%u.%u", *codes ? " " : "",
		         r->reply.enhanced.cls, r->reply.enhanced.subject, r->reply.enhanced.detail);
	fprintf(out, "%s%s%s  %s%s: %s%s\n", sgr(st, "\033[1m"), *codes ? codes : "(no code)", sgr(st, "\033[0m"),
	        bounce_sgr(st, r->bounce), smtpcode_reason_title(r->reason), smtpcode_bounce_name(r->bounce),
	        sgr(st, "\033[0m"));
	if (r->reply.raw.len) /* each of its lines on a line of its own */
		render_field(out, st, "Reply", show_as(span, sizeof span, r->reply.raw, 500, 0));
	snprintf(buf, sizeof buf, "%s%s%s%s%s",
	         r->carrier == SMTPCODE_CARRIER_BARE ? "a bare reply"
	         : r->carrier == SMTPCODE_CARRIER_NONE ? "text with no reply code"
	                                               : smtpcode_carrier_name(r->carrier),
	         r->stage ? "; stage " : "", r->stage ? smtpcode_stage_name(r->stage) : "",
	         r->host.len ? "; host " : "", r->host.len ? show(span, sizeof span, r->host, 200) : "");
	render_field(out, st, "Found in", buf);
	if (r->recipient.len || r->queue_id.len || r->log_status) { /* a log line's own fields */
		size_t o = 0;
		buf[0] = '\0';
		if (r->recipient.len)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "to %s", show(span, sizeof span, r->recipient, 200));
		if (r->queue_id.len && o < sizeof buf)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%squeue ID %s", o ? "; " : "",
			                      show(span, sizeof span, r->queue_id, 60));
		if (r->timestamp.len && o < sizeof buf)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%sat %s", o ? "; " : "",
			                      show(span, sizeof span, r->timestamp, 60));
		if (r->log_status && o < sizeof buf)
			snprintf(buf + o, sizeof buf - o, "%sthe log says %s", o ? "; " : "",
			         smtpcode_log_status_name(r->log_status));
		render_field(out, st, "Log", buf);
	}
	if (r->vendor) {
		snprintf(buf, sizeof buf, "%s (%s), recognised by \"%s\"", smtpcode_vendor_name(r->vendor),
		         smtpcode_vendor_title(r->vendor), show(span, sizeof span, r->vendor_evidence, 120));
		render_field(out, st, "Vendor", buf);
	}
	snprintf(buf, sizeof buf, "%s: %s", smtpcode_reason_name(r->reason), smtpcode_reason_description(r->reason));
	render_field(out, st, "Reason", buf);
	snprintf(buf, sizeof buf, "%s%s%s%s", smtpcode_signal_name(r->decided_by), r->matched.len ? " \"" : "",
	         r->matched.len ? show(span2, sizeof span2, r->matched, 120) : "", r->matched.len ? "\"" : "");
	render_field(out, st, "Decided by", buf);
	snprintf(buf, sizeof buf, "%s: %s", smtpcode_bounce_name(r->bounce), smtpcode_bounce_description(r->bounce));
	render_field(out, st, "Bounce", buf);
	snprintf(buf, sizeof buf, "%s: %s", smtpcode_verdict_name(r->verdict),
	         smtpcode_verdict_description(r->verdict));
	render_field(out, st, "Verdict", buf);
	snprintf(buf, sizeof buf, "%s [%s]", smtpcode_action_description(r->action), smtpcode_action_name(r->action));
	render_field(out, st, "What to do", buf);
	if (b) {
		snprintf(buf, sizeof buf, "%u %s", r->reply.code, smtpcode_text(b->title));
		render_field(out, st, "Basic code", buf);
	}
	if (e) {
		snprintf(buf, sizeof buf, "%s %s", smtpcode_text(e->code), smtpcode_text(e->title));
		render_field(out, st, "Enhanced", buf);
	}
	for (i = 1; i < 32 && r->reply.flags >> i; i++) /* not "several lines": the Reply shows them */
		if (r->reply.flags & (1u << i) && smtpcode_reply_flag_description((enum smtpcode_reply_flag)(1u << i)))
			render_field(out, st, "Note", smtpcode_reply_flag_description((enum smtpcode_reply_flag)(1u << i)));
}

/* "c.s.d" into buf (24 bytes), without printf: scan writes one a record. */
static const char *
enhanced_text(char *buf, const struct smtpcode_enhanced_code *e)
{
	unsigned parts[3], i;
	char *p = buf + 23;

	parts[0] = e->cls;
	parts[1] = e->subject;
	parts[2] = e->detail;
	*p = '\0';
	for (i = 3; i-- > 0;) {
		unsigned v = parts[i];
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		if (i)
			*--p = '.';
	}
	return p;
}

static void
span_or_null(struct json *j, const char *key, struct smtpcode_span s)
{
	if (s.len)
		json_string_n(j, key, s.ptr, s.len);
	else
		json_null(j, key);
}

void
result_json_members(struct json *j, const struct smtpcode_result *r)
{
	char enh[24];
	const char *name;
	unsigned i;

	if (r->reply.code)
		json_int(j, "code", (long)r->reply.code);
	else
		json_null(j, "code");
	if (r->reply.enhanced.cls) {
		json_name(j, "enhanced", enhanced_text(enh, &r->reply.enhanced));
	} else {
		json_null(j, "enhanced");
	}
	json_name(j, "stage", r->stage ? smtpcode_stage_name(r->stage) : NULL);
	span_or_null(j, "host", r->host);
	json_name(j, "vendor", r->vendor ? smtpcode_vendor_name(r->vendor) : NULL);
	json_name(j, "reason", smtpcode_reason_name(r->reason));
	json_name(j, "action", smtpcode_action_name(r->action));
	json_name(j, "bounce", smtpcode_bounce_name(r->bounce));
	json_name(j, "verdict", smtpcode_verdict_name(r->verdict));
	json_name(j, "decided_by", smtpcode_signal_name(r->decided_by));
	span_or_null(j, "matched", r->matched);
	json_name(j, "carrier", smtpcode_carrier_name(r->carrier));
	span_or_null(j, "reply", r->reply.raw);
	span_or_null(j, "queue_id", r->queue_id);
	span_or_null(j, "timestamp", r->timestamp);
	json_name(j, "log_status", r->log_status ? smtpcode_log_status_name(r->log_status) : NULL);
	json_begin_array(j, "flags");
	/* Only the flags that are set are looked up; a flag with no name ends the list. */
	for (i = 0; i < 32 && r->reply.flags >> i; i++) {
		if (!(r->reply.flags & (1u << i)))
			continue;
		if (!(name = smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i))))
			break;
		json_name(j, NULL, name);
	}
	json_end_array(j);
}
