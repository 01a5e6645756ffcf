/* The bounce-message reader: bytes into lines, lines into MIME entities,
 * bodies decoded (transfer encoding, charset, HTML) into the lines of the
 * parts that hold a report, and the records handed to the caller. What the
 * delivery-status fields and the human-readable text say is read in
 * src/message_dsn.c and src/message_text.c. */
#include <string.h>

#include "carrier.h"
#include "message.h"

/* Checked at compile time (as a negative array size when false: the single
 * header is also C99 and C++). */
typedef char smtpcode__msg_state_fits[sizeof(struct smtpcode__msg) <= SMTPCODE_MESSAGE_SIZE ? 1 : -1];
typedef char smtpcode__msg_boundary_fits[SMTPCODE__MSG_BOUNDARY_MAX < 256 ? 1 : -1]; /* boundary_len is uint8_t */

struct smtpcode__msg *
smtpcode__msg_of(struct smtpcode_message *m)
{
	return (struct smtpcode__msg *)(void *)m->opaque.bytes;
}

static const struct smtpcode__msg *
const_msg_of(const struct smtpcode_message *m)
{
	return (const struct smtpcode__msg *)(const void *)m->opaque.bytes;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_letter(int c)
{
	return (unsigned)(lower(c) - 'a') < 26u;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* The library uses no C string functions but mem*() and strlen(): the
 * WebAssembly explainer brings only those (web/wasm/libc.c). */
/* NUL-terminated s is t. */
static int
same(const char *s, const char *t)
{
	size_t n = strlen(t);

	return memcmp(s, t, n + 1) == 0;
}

/* Appends s[0..n) to buf (cap bytes, *len used); what does not fit is
 * dropped and *cut set. */
static void
append(char *buf, size_t cap, size_t *len, const char *s, size_t n, int *cut)
{
	if (n > cap - *len) {
		n = cap - *len;
		*cut = 1;
	}
	if (n)
		memcpy(buf + *len, s, n);
	*len += n;
}

uint32_t
smtpcode__msg_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint32_t)lower((unsigned char)s[i])) * 16777619u;
	return h;
}

int
smtpcode__msg_same_address(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int
smtpcode__msg_in_list(const char *list, size_t list_len, const char *s, size_t len)
{
	size_t k;

	for (k = 0; k < list_len; k += strlen(list + k) + 1)
		if (smtpcode__msg_same_address(list + k, strlen(list + k), s, len))
			return 1;
	return 0;
}

/* ---- records ---- */

static void
hand_on(struct smtpcode__msg *m, struct smtpcode_recipient *r)
{
	r->index = ++m->records;
	if (r->flags & SMTPCODE_RECIPIENT_CUT)
		m->problems |= SMTPCODE_MESSAGE_CUT;
	m->fn(m->ctx, r);
}

/* A record's fields but its classification. */
static void
record_init(struct smtpcode_recipient *r, enum smtpcode_report report, const char *addr, size_t addr_len,
            const char *text, size_t len, uint64_t line, unsigned flags)
{
	memset(r, 0, sizeof *r);
	r->line = line;
	r->report = report;
	r->address.ptr = addr_len ? addr : NULL;
	r->address.len = addr_len;
	r->text.ptr = len ? text : NULL;
	r->text.len = len;
	r->flags = flags;
}

/* How many successes of a transcript are passed over, at most: each try
 * reads the rest of the text again. */
#define SUCCESSES_PASSED 4

void
smtpcode__msg_emit(struct smtpcode__msg *m, enum smtpcode_report report, const char *addr, size_t addr_len, int cut,
                   enum smtpcode_dsn_action action, const char *text, size_t len, uint64_t line, unsigned flags,
                   const struct smtpcode_result *res)
{
	struct smtpcode_recipient r;
	struct smtpcode_result next;
	int tries;

	record_init(&r, report, addr, addr_len, text, len, line, flags | (cut ? (unsigned)SMTPCODE_RECIPIENT_CUT : 0u));
	r.action = action;
	r.result = *res;
	/* A failure (or a delay) whose first reply is a success: a transcript,
	 * "250 2.1.0 Ok" to MAIL FROM before the refusal; the reply that counts
	 * comes after it. */
	for (tries = 0; tries < SUCCESSES_PASSED && (action == SMTPCODE_DSN_FAILED || action == SMTPCODE_DSN_DELAYED) &&
	                r.result.reason == SMTPCODE_REASON_ACCEPTED && r.result.reply.raw.len;
	     tries++) {
		const char *after = r.result.reply.raw.ptr + r.result.reply.raw.len;
		if (after < text || after >= text + len ||
		    smtpcode_classify(after, (size_t)(text + len - after), m->stage, NULL, 0, &next) != 0)
			break;
		if (!next.host.len) /* "while talking to HOST" came before */
			next.host = r.result.host;
		r.result = next;
	}
	/* A text whose reply for the recipient is a success: a report of
	 * deliveries (Postfix's "successfully delivered to the destination(s)"),
	 * not of a failure. */
	if (report == SMTPCODE_REPORT_TEXT && action == SMTPCODE_DSN_FAILED &&
	    r.result.reason == SMTPCODE_REASON_ACCEPTED && r.result.reply.code / 100 == 2)
		r.action = SMTPCODE_DSN_DELIVERED;
	/* A delay notice: the sending side still retries, so the failure is a
	 * passing one, whether its words name no class ("Connection timed out")
	 * or a refusal the next try may not meet (a 554 greeting of one MX). */
	if (action == SMTPCODE_DSN_DELAYED && r.result.bounce != SMTPCODE_BOUNCE_NONE &&
	    r.result.bounce != SMTPCODE_BOUNCE_SOFT) {
		r.result.bounce = SMTPCODE_BOUNCE_SOFT;
		r.result.verdict = smtpcode_verdict_for(SMTPCODE_BOUNCE_SOFT);
	}
	hand_on(m, &r);
}

void
smtpcode__msg_emit_report(struct smtpcode__msg *m, enum smtpcode_report report, const char *addr, size_t addr_len,
                          const char *why, size_t why_len, uint64_t line, unsigned flags)
{
	struct smtpcode_recipient r;
	struct smtpcode_result *res = &r.result;

	record_init(&r, report, addr, addr_len, why, why_len, line, flags);
	if (report == SMTPCODE_REPORT_FEEDBACK && m->feedback_type_len) {
		r.feedback_type.ptr = m->feedback_type;
		r.feedback_type.len = m->feedback_type_len;
	}
	res->reason = report == SMTPCODE_REPORT_FEEDBACK ? SMTPCODE_REASON_COMPLAINT : SMTPCODE_REASON_AUTO_REPLY;
	res->action = smtpcode_reason_action(res->reason);
	res->bounce = SMTPCODE_BOUNCE_NONE;
	/* A person read it, or a responder answered for the mailbox: it exists. */
	res->verdict = SMTPCODE_VERDICT_DELIVERABLE;
	res->decided_by = SMTPCODE_SIGNAL_REPORT;
	res->matched = r.text;
	res->stage = m->stage;
	hand_on(m, &r);
}

/* ---- the message's own header fields ---- */

/* The address of a header field's value into buf, without angle brackets. */
static void
keep_address(const char *s, size_t len, char *buf, size_t *buf_len)
{
	struct smtpcode__addr a;
	int cut = 0;

	*buf_len = 0;
	if (smtpcode__msg_field_address(s, len, &a))
		append(buf, SMTPCODE__MSG_ADDR_MAX, buf_len, s + a.start, a.end - a.start, &cut);
}

/* Adds the addresses of a list field (X-Failed-Recipients, Original-Rcpt-To)
 * to a NUL-separated list. */
static void
list_addresses(const char *s, size_t len, char *list, size_t *list_len, unsigned *count, int *cut)
{
	struct smtpcode__addr a;
	size_t from = 0;

	while (smtpcode__msg_next_address(s, len, from, &a)) {
		size_t n = a.end - a.start;
		if (*list_len + n + 1 > SMTPCODE__MSG_LIST_MAX) {
			*cut = 1;
			return;
		}
		memcpy(list + *list_len, s + a.start, n);
		*list_len += n;
		list[(*list_len)++] = '\0';
		(*count)++;
		from = a.end;
	}
}

/* A word in s, case-insensitively (w lower case). */
static int
has_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w), i, k;

	for (i = 0; i + n <= len; i++) {
		for (k = 0; k < n && lower((unsigned char)s[i + k]) == w[k]; k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

/* Is a Return-Path the null path "<>" (RFC 5321 4.5.5: notices about a
 * delivery are sent with it, so that no notice answers another)? */
static int
is_null_path(const char *v, size_t len)
{
	size_t i, n = 0;
	char kept[2];

	for (i = 0; i < len; i++) {
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')
			continue;
		if (n == 2)
			return 0;
		kept[n++] = v[i];
	}
	return n == 2 && kept[0] == '<' && kept[1] == '>';
}

/* 'r' when s[0..n) starts with the prefix of an answer ("Re:", "AW:",
 * "SV:", ...), 'f' with that of a forward ("Fwd:", "Fw:", "WG:", "TR:",
 * "RV:", "I:", ...), else 0. */
static int
prefix_at(const char *s, size_t n)
{
	static const char answers[][5] = {"re", "aw", "sv", "vs", "antw", "odp", "ynt", "res"};
	static const char forwards[][7] = {"fwd", "fw", "wg", "tr", "rv", "i", "enc", "vb", "doorst", "pd", "ilt"};
	size_t k, i;

	for (k = 0; k < n && k < 7 && s[k] != ':'; k++)
		;
	if (k == 0 || k == n || s[k] != ':')
		return 0;
	for (i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (smtpcode__msg_is(s, k, answers[i]))
			return 'r';
	for (i = 0; i < sizeof forwards / sizeof forwards[0]; i++)
		if (smtpcode__msg_is(s, k, forwards[i]))
			return 'f';
	return 0;
}

/* The prefix a mail client puts before the subject of a message it answers
 * or forwards (prefix_at()), after a ticket system's or a list's tags
 * ("[Ticket #4821] Re: ...") or as the start of one ("[Fwd: ...]", as
 * some clients write it). */
static int
subject_prefix(const char *s, size_t n)
{
	for (;;) {
		const char *close;
		int p;
		while (n > 0 && is_blank((unsigned char)*s))
			s++, n--;
		if (n == 0 || *s != '[')
			return prefix_at(s, n);
		if ((p = prefix_at(s + 1, n - 1)) != 0)
			return p;
		if (!(close = (const char *)memchr(s, ']', n)))
			return 0;
		n -= (size_t)(close + 1 - s);
		s = close + 1;
	}
}

/* A field of the message's own header (or of a forwarded bounce's). */
static void
top_field(struct smtpcode__msg *m, const char *name, size_t nlen, const char *v, size_t vlen)
{
	int prefix;

	if (smtpcode__msg_is(name, nlen, "from")) {
		keep_address(v, vlen, m->from, &m->from_len);
		m->from_daemon = (smtpcode__msg_kinds(v, vlen) & SMTPCODE__MSG_DAEMON) != 0;
	} else if (smtpcode__msg_is(name, nlen, "to")) {
		keep_address(v, vlen, m->to, &m->to_len);
	} else if (smtpcode__msg_is(name, nlen, "subject")) {
		m->subject_len = smtpcode__decode_words(v, vlen, m->subject, sizeof m->subject);
		m->subject_kinds = smtpcode__msg_subject_kinds(m->subject, m->subject_len);
		/* "Re: Undelivered Mail ...": a person's answer about a bounce. */
		prefix = subject_prefix(m->subject, m->subject_len);
		if (prefix == 'r')
			m->subject_kinds &= ~(unsigned)SMTPCODE__MSG_BOUNCE;
		m->subject_forwarded = prefix == 'f';
	} else if (smtpcode__msg_is(name, nlen, "auto-submitted")) {
		if (has_word(v, vlen, "auto-replied"))
			m->auto_submitted = 1;
		if (has_word(v, vlen, "rejected"))
			m->rejected = 1;
	} else if (smtpcode__msg_is(name, nlen, "x-autoreply") || smtpcode__msg_is(name, nlen, "x-autorespond") ||
	           smtpcode__msg_is(name, nlen, "x-autoresponder")) {
		m->auto_submitted = 1;
	} else if (smtpcode__msg_is(name, nlen, "list-id") || smtpcode__msg_is(name, nlen, "list-unsubscribe")) {
		/* A list's post or a newsletter, which may teach what bounces say. */
		m->list_post = 1;
	} else if (smtpcode__msg_is(name, nlen, "return-path")) {
		m->null_sender = is_null_path(v, vlen);
	} else if (smtpcode__msg_is(name, nlen, "precedence")) {
		if (has_word(v, vlen, "auto_reply") || has_word(v, vlen, "auto-reply"))
			m->auto_submitted = 1;
		if (has_word(v, vlen, "bulk") || has_word(v, vlen, "list"))
			m->list_post = 1;
	} else if (smtpcode__msg_is(name, nlen, "x-failed-recipients") || smtpcode__msg_is(name, nlen, "x-bounced-address")) {
		list_addresses(v, vlen, m->xfr, &m->xfr_len, &m->xfr_count, &m->xfr_cut);
		m->xfr_line = m->field_line;
	}
}

/* A field of the returned message's header: only what names its recipient. */
static void
embedded_field(struct smtpcode__msg *m, const char *name, size_t nlen, const char *v, size_t vlen)
{
	if (smtpcode__msg_is(name, nlen, "to") && !m->original_to_len)
		keep_address(v, vlen, m->original_to, &m->original_to_len);
	else if (smtpcode__msg_is(name, nlen, "x-hmxmroriginalrecipient"))
		keep_address(v, vlen, m->original_rcpt, &m->original_rcpt_len);
}

/* ---- MIME header fields ---- */

/* A parameter value (quoted or a token) at s[*i], into out. */
static size_t
param_value(const char *s, size_t len, size_t *i, char *out, size_t cap, int fold)
{
	size_t n = 0;

	if (*i < len && s[*i] == '"') {
		for ((*i)++; *i < len && s[*i] != '"'; (*i)++) {
			if (s[*i] == '\\' && *i + 1 < len)
				(*i)++;
			if (n < cap)
				out[n++] = (char)(fold ? lower((unsigned char)s[*i]) : s[*i]);
		}
		if (*i < len)
			(*i)++;
	} else {
		for (; *i < len && s[*i] != ';' && !is_space((unsigned char)s[*i]); (*i)++)
			if (n < cap)
				out[n++] = (char)(fold ? lower((unsigned char)s[*i]) : s[*i]);
	}
	return n;
}

static void
content_type(struct smtpcode__msg *m, const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && is_space((unsigned char)s[i]))
		i++;
	while (i < len && s[i] != ';' && !is_space((unsigned char)s[i])) {
		if (n + 1 < sizeof m->type)
			m->type[n++] = (char)lower((unsigned char)s[i]);
		i++;
	}
	m->type[n] = '\0';
	while (i < len) {
		char name[24], value[SMTPCODE__MSG_BOUNDARY_MAX];
		size_t k = 0, vn;
		while (i < len && (s[i] == ';' || is_space((unsigned char)s[i])))
			i++;
		while (i < len && s[i] != '=' && s[i] != ';' && !is_space((unsigned char)s[i])) {
			if (k + 1 < sizeof name)
				name[k++] = (char)lower((unsigned char)s[i]);
			i++;
		}
		name[k] = '\0';
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (same(name, "boundary")) {
			vn = param_value(s, len, &i, value, sizeof value, 0);
			/* Trailing blanks are not part of a boundary (RFC 2046). */
			while (vn > 0 && is_blank((unsigned char)value[vn - 1]))
				vn--;
			memcpy(m->part_boundary, value, vn);
			m->part_boundary_len = vn;
		} else if (same(name, "charset")) {
			vn = param_value(s, len, &i, value, sizeof value, 1);
			m->charset_given = 1;
			m->charset = smtpcode__charset_from_name(value, vn);
		} else if (same(name, "report-type")) {
			vn = param_value(s, len, &i, value, sizeof m->report_type - 1, 1);
			memcpy(m->report_type, value, vn);
			m->report_type[vn] = '\0';
		} else {
			param_value(s, len, &i, value, 0, 0);
		}
	}
}

static void
transfer_encoding(struct smtpcode__msg *m, const char *s, size_t len)
{
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	while (len > 0 && is_space((unsigned char)*s))
		s++, len--;
	m->encoding = smtpcode__msg_is(s, len, "quoted-printable") ? SMTPCODE__ENC_QP
	              : smtpcode__msg_is(s, len, "base64")         ? SMTPCODE__ENC_BASE64
	                                                           : SMTPCODE__ENC_NONE;
}

/* The header field in m->field is complete. */
static void
field_end(struct smtpcode__msg *m)
{
	const char *s = m->field.text;
	size_t len = m->field.len, v, n;

	if (len == 0)
		return;
	if (m->field.cut)
		m->problems |= SMTPCODE_MESSAGE_LONG_FIELD;
	m->field.len = 0;
	m->field.cut = 0;
	n = smtpcode__msg_field_name(s, len, &v);
	if (n == 0)
		return;
	if (smtpcode__msg_is(s, n, "content-type"))
		content_type(m, s + v, len - v);
	else if (smtpcode__msg_is(s, n, "content-transfer-encoding"))
		transfer_encoding(m, s + v, len - v);
	else if (m->header_of == SMTPCODE__HEADER_TOP)
		top_field(m, s, n, s + v, len - v);
	else if (m->header_of == SMTPCODE__HEADER_EMBEDDED && !m->embedded_done)
		embedded_field(m, s, n, s + v, len - v);
}

static void
header_begin(struct smtpcode__msg *m, enum smtpcode__msg_header of)
{
	m->in_header = 1;
	m->header_of = of;
	m->header_lines = 0;
	m->field.len = 0;
	m->field.cut = 0;
	m->type[0] = '\0';
	m->report_type[0] = '\0';
	m->part_boundary_len = 0;
	m->charset = 0;
	m->charset_given = 0;
	m->encoding = SMTPCODE__ENC_NONE;
}

/* ---- bodies: decoding ---- */

static void
body_reset(struct smtpcode__msg *m, enum smtpcode__msg_body body)
{
	m->body = body;
	m->enc = m->encoding;
	m->qp_state = 0;
	m->qp_blanks = 0;
	m->b64_bits = 0;
	m->b64_count = 0;
	m->dec_len = 0;
	m->dec_open = 0;
	m->html_state = 0;
	m->html_tag_len = 0;
	m->html_entity_len = 0;
	m->html_skip = 0;
	m->html_anchor = 0;
	m->html_mailto_match = 0;
	m->html_mailto_len = 0;
	m->html_mailto_open = 0;
	m->part_lines = 0;
	m->part_recipients = 0;
	m->text_ended = 0;
	/* UTF-8, and mail that names no charset or one unknown, pass as they are. */
	m->decoding = m->charset != SMTPCODE__CHARSET_UNKNOWN && m->charset != SMTPCODE__CHARSET_UTF_8;
	/* Only text: delivery-status fields are ASCII (or UTF-8). */
	m->sniff_iso2022 = !m->charset_given && (body == SMTPCODE__BODY_TEXT || body == SMTPCODE__BODY_HTML ||
	                                         body == SMTPCODE__BODY_PREAMBLE);
	if (m->decoding)
		smtpcode__decoder_init(&m->decoder, m->charset);
}

/* A decoded line (or a piece of a long one) of the part. */
static void
decoded_line(struct smtpcode__msg *m, const char *s, size_t len, int continued)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	switch (m->body) {
	case SMTPCODE__BODY_DSN:
		if (!continued)
			smtpcode__msg_dsn_line(m, s, len, m->dec_line);
		break;
	case SMTPCODE__BODY_FEEDBACK:
		if (!continued)
			smtpcode__msg_feedback_line(m, s, len);
		break;
	case SMTPCODE__BODY_TEXT:
	case SMTPCODE__BODY_HTML:
	case SMTPCODE__BODY_PREAMBLE:
		/* In a person's message (nothing in its header says it is a
		 * report), what it quotes ("> ") is the mail it answers, a
		 * bounce's words among them: not a report of this message. */
		if (!continued)
			m->person_quote = !m->headless && len > 0 && s[0] == '>' && !smtpcode__msg_outer_is_report(m) &&
			                  !(m->subject_kinds & SMTPCODE__MSG_BOUNCE);
		if (!m->person_quote)
			smtpcode__msg_text_line(m, s, len, m->dec_line, continued);
		break;
	default:
		break;
	}
}

/* UTF-8 bytes of the part, after its transfer encoding, charset and HTML:
 * into lines. */
static void
text_bytes(struct smtpcode__msg *m, const char *s, size_t n)
{
	while (n > 0) {
		const char *nl = (const char *)memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) : n;
		if (m->dec_len == 0 && !m->dec_open)
			m->dec_line = m->line;
		while (k > sizeof m->dec - m->dec_len) {
			/* A decoded line longer than the buffer: passed on in pieces. */
			size_t room = sizeof m->dec - m->dec_len;
			memcpy(m->dec + m->dec_len, s, room);
			decoded_line(m, m->dec, sizeof m->dec, m->dec_open);
			m->dec_open = 1;
			m->dec_len = 0;
			s += room, n -= room, k -= room;
		}
		memcpy(m->dec + m->dec_len, s, k);
		m->dec_len += k;
		if (!nl)
			return;
		decoded_line(m, m->dec, m->dec_len, m->dec_open);
		m->dec_len = 0;
		m->dec_open = 0;
		s += k + 1, n -= k + 1;
	}
}

static void
html_out(struct smtpcode__msg *m, const char *s, size_t n)
{
	if (m->html_skip)
		return;
	if (m->html_mailto_open == 1 && memchr(s, '@', n))
		m->html_mailto_open = 2;
	text_bytes(m, s, n);
}

/* A byte of an <a> tag's attributes: the address of its "mailto:" link. */
static void
html_anchor_byte(struct smtpcode__msg *m, unsigned char c)
{
	static const char mailto[] = "mailto:";

	if (m->html_mailto_match == sizeof mailto - 1) {
		if (c == '"' || c == '\'' || c == '?' || c == '>' || is_space(c))
			m->html_mailto_match = sizeof mailto; /* the address has ended */
		else if (m->html_mailto_len == sizeof m->html_mailto)
			m->html_mailto_match = sizeof mailto, m->html_mailto_len = 0; /* too long for one */
		else
			m->html_mailto[m->html_mailto_len++] = (char)c;
	} else if (m->html_mailto_match < sizeof mailto - 1) {
		m->html_mailto_match = lower(c) == mailto[m->html_mailto_match] ? m->html_mailto_match + 1
		                       : lower(c) == 'm'                       ? 1
		                                                               : 0;
		if (m->html_mailto_match == sizeof mailto - 1)
			m->html_mailto_len = 0;
	}
}

/* The UTF-8 bytes of code point c. */
static size_t
utf8(unsigned long c, char *out)
{
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* An entity's name (after '&', before ';') as text. */
static void
html_entity(struct smtpcode__msg *m)
{
	static const struct {
		char name[7];
		unsigned short c;
	} entities[] = {{"lt", '<'},  {"gt", '>'},   {"amp", '&'},  {"quot", '"'},
	             {"apos", '\''}, {"nbsp", ' '}, {"#", 0}};
	const char *e = m->html_entity;
	size_t n = m->html_entity_len, i;
	unsigned long c = 0;
	char out[4];

	if (n > 1 && e[0] == '#') {
		int hex = lower((unsigned char)e[1]) == 'x';
		for (i = hex ? 2 : 1; i < n && c < 0x110000; i++) {
			int d = lower((unsigned char)e[i]);
			if (d >= '0' && d <= '9')
				c = c * (hex ? 16 : 10) + (unsigned long)(d - '0');
			else if (hex && d >= 'a' && d <= 'f')
				c = c * 16 + (unsigned long)(d - 'a' + 10);
			else
				break;
		}
		html_out(m, out, utf8(c, out));
		return;
	}
	for (i = 0; i < sizeof entities / sizeof entities[0] - 1; i++)
		if (smtpcode__msg_is(e, n, entities[i].name)) {
			out[0] = (char)entities[i].c;
			html_out(m, out, 1);
			return;
		}
	html_out(m, "&", 1);
	html_out(m, e, n);
	html_out(m, ";", 1);
}

/* A tag's name is known (lower case in html_tag, '/' first for an end tag):
 * elements that break a line make one; the text of <style>, <script> and
 * <title> is not report text. */
static void
html_tag(struct smtpcode__msg *m)
{
	const char *t = m->html_tag;
	size_t n = m->html_tag_len;
	int end = n > 0 && t[0] == '/';

	if (end)
		t++, n--;
	if (smtpcode__msg_is(t, n, "a")) {
		/* A link to an address shown by a name alone ("<a
		 * href="mailto:a@b">Ann Example</a>", as Exchange lists its
		 * recipients) shows the address after it: the line names its
		 * recipient as text does. */
		if (end && m->html_mailto_open == 1 && m->html_mailto_len) {
			html_out(m, " <", 2);
			html_out(m, m->html_mailto, m->html_mailto_len);
			html_out(m, ">", 1);
		}
		m->html_mailto_open = 0;
		m->html_anchor = !end;
		m->html_mailto_match = 0;
		m->html_mailto_len = 0;
	}
	if (smtpcode__msg_is(t, n, "style") || smtpcode__msg_is(t, n, "script") || smtpcode__msg_is(t, n, "title")) {
		m->html_skip = !end;
		return;
	}
	if (smtpcode__msg_is(t, n, "br") || smtpcode__msg_is(t, n, "p") || smtpcode__msg_is(t, n, "div") ||
	    smtpcode__msg_is(t, n, "tr") || smtpcode__msg_is(t, n, "li") || smtpcode__msg_is(t, n, "hr") ||
	    smtpcode__msg_is(t, n, "pre") || smtpcode__msg_is(t, n, "table") || smtpcode__msg_is(t, n, "blockquote") ||
	    (n == 2 && t[0] == 'h' && t[1] >= '1' && t[1] <= '6'))
		html_out(m, "\n", 1);
	else if (smtpcode__msg_is(t, n, "td") || smtpcode__msg_is(t, n, "th"))
		html_out(m, " ", 1);
}

enum { HTML_TEXT, HTML_TAG_NAME, HTML_TAG, HTML_ENTITY, HTML_COMMENT };

/* HTML to text, a byte at a time: tags dropped (a line break for those that
 * break a line), entities decoded, comments skipped. */
static void
html_bytes(struct smtpcode__msg *m, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (m->html_state) {
		case HTML_TEXT:
			if (c != '<' && c != '&')
				continue;
			if (i > run)
				html_out(m, s + run, i - run);
			m->html_state = c == '<' ? HTML_TAG_NAME : HTML_ENTITY;
			m->html_tag_len = m->html_entity_len = 0;
			break;
		case HTML_TAG_NAME:
			if (c == '>' || is_space(c) || (c == '/' && m->html_tag_len > 0)) {
				html_tag(m);
				m->html_state = c == '>' ? HTML_TEXT : HTML_TAG;
				if (c == '>')
					m->html_anchor = 0; /* "<a>": no attributes */
			} else if (m->html_tag_len == 3 && memcmp(m->html_tag, "!--", 3) == 0) {
				m->html_state = HTML_COMMENT;
				m->html_tag_len = 0;
			} else if (m->html_tag_len < sizeof m->html_tag) {
				m->html_tag[m->html_tag_len++] = (char)lower(c);
				if (m->html_tag_len == 3 && memcmp(m->html_tag, "!--", 3) == 0) {
					m->html_state = HTML_COMMENT;
					m->html_tag_len = 0;
				}
			}
			break;
		case HTML_TAG:
			if (c == '>') {
				m->html_state = HTML_TEXT;
				if (m->html_anchor && m->html_mailto_len && memchr(m->html_mailto, '@', m->html_mailto_len))
					m->html_mailto_open = 1;
				m->html_anchor = 0;
			} else if (m->html_anchor) {
				html_anchor_byte(m, c);
			}
			break;
		case HTML_COMMENT:
			/* "-->": html_tag_len counts the dashes before '>'. */
			if (c == '>' && m->html_tag_len >= 2)
				m->html_state = HTML_TEXT;
			m->html_tag_len = c == '-' ? m->html_tag_len + 1 : 0;
			break;
		case HTML_ENTITY:
			if (c == ';') {
				html_entity(m);
				m->html_state = HTML_TEXT;
			} else if (m->html_entity_len < sizeof m->html_entity &&
			           ((unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || c == '#')) {
				m->html_entity[m->html_entity_len++] = (char)c;
			} else {
				/* Not an entity: the '&' and what followed, as they were. */
				html_out(m, "&", 1);
				html_out(m, m->html_entity, m->html_entity_len);
				m->html_state = HTML_TEXT;
				i--;
			}
			break;
		}
		run = i + 1;
	}
	if (m->html_state == HTML_TEXT && n > run)
		html_out(m, s + run, n - run);
}

/* An escape that designates a character set (ESC $ or ESC (), as
 * ISO-2022-JP text starts with. */
static int
iso2022_escape(const char *s, size_t n)
{
	const char *e = s, *lim = s + n;

	while ((e = (const char *)memchr(e, 0x1b, (size_t)(lim - e))) != NULL && e + 1 < lim) {
		if (e[1] == '$' || e[1] == '(')
			return 1;
		e++;
	}
	return 0;
}

/* Bytes after the transfer encoding: to UTF-8, then to text. */
static void
part_bytes(struct smtpcode__msg *m, const char *s, size_t n)
{
	char out[SMTPCODE__DECODE_CAP(256)];

	if (m->sniff_iso2022 && !m->decoding && iso2022_escape(s, n)) {
		/* No charset given, and ISO-2022-JP's escapes: 7-bit Japanese mail
		 * that did not say so. */
		m->charset = smtpcode__charset_from_name("iso-2022-jp", 11);
		m->decoding = m->charset != 0;
		if (m->decoding)
			smtpcode__decoder_init(&m->decoder, m->charset);
	}
	while (n > 0) {
		const char *p = s;
		size_t k = n;
		if (m->decoding) {
			size_t used = 0;
			k = smtpcode__decode(&m->decoder, s, n < 256 ? n : 256, out, sizeof out, &used);
			p = out;
			s += used, n -= used;
		} else {
			n = 0;
		}
		if (m->body == SMTPCODE__BODY_HTML)
			html_bytes(m, p, k);
		else
			text_bytes(m, p, k);
	}
}

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Quoted-printable, a piece of a line at a time; `end`: the piece ends the
 * line. A '=' at the end (blanks after it allowed) joins the next line. */
static void
qp_piece(struct smtpcode__msg *m, const char *s, size_t n, int end)
{
	char out[256];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o + 3 > sizeof out) {
			part_bytes(m, out, o);
			o = 0;
		}
		if (m->qp_state == 1) {
			int h = hex_digit(c);
			if (h >= 0) {
				m->qp_state = 2;
				m->qp_hex = (unsigned)h;
				continue;
			}
			if (is_blank(c)) {
				m->qp_blanks++;
				continue;
			}
			out[o++] = '=';
			m->qp_state = 0;
		} else if (m->qp_state == 2) {
			int h = hex_digit(c);
			m->qp_state = 0;
			if (h >= 0) {
				out[o++] = (char)(m->qp_hex << 4 | (unsigned)h);
				continue;
			}
			out[o++] = '=';
			out[o++] = "0123456789ABCDEF"[m->qp_hex];
		}
		if (c == '=') {
			m->qp_state = 1;
			m->qp_blanks = 0;
			continue;
		}
		out[o++] = (char)c;
	}
	if (end) {
		if (m->qp_state == 2) {
			out[o++] = '=';
			out[o++] = "0123456789ABCDEF"[m->qp_hex];
		}
		if (m->qp_state != 1) {
			/* A hard line break; blanks before it are not text (RFC 2045). */
			while (o > 0 && is_blank((unsigned char)out[o - 1]))
				o--;
			out[o++] = '\n';
		}
		m->qp_state = 0;
	}
	if (o)
		part_bytes(m, out, o);
}

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64, line breaks and blanks ignored. '=' ends a group of four: what
 * follows starts a new one, so chunks encoded apart and joined decode right. */
static void
b64_piece(struct smtpcode__msg *m, const char *s, size_t n)
{
	char out[256];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0) {
			if (s[i] == '=') {
				m->b64_bits = 0;
				m->b64_count = 0;
			} else if (!is_space((unsigned char)s[i])) {
				m->b64_junk++;
			}
			continue;
		}
		m->b64_bits = (m->b64_bits << 6) | (uint32_t)v;
		m->b64_count += 6;
		if (m->b64_count >= 8) {
			m->b64_count -= 8;
			out[o++] = (char)((m->b64_bits >> m->b64_count) & 0xff);
			m->b64_bits &= (1u << m->b64_count) - 1;
			if (o == sizeof out) {
				part_bytes(m, out, o);
				o = 0;
			}
		}
	}
	if (o)
		part_bytes(m, out, o);
}

/* A piece of a raw body line; `end`: it ends the line. */
static void
body_piece(struct smtpcode__msg *m, const char *s, size_t n, int end)
{
	if (m->body == SMTPCODE__BODY_SKIP)
		return;
	switch (m->enc) {
	case SMTPCODE__ENC_QP:
		qp_piece(m, s, n, end);
		break;
	case SMTPCODE__ENC_BASE64:
		b64_piece(m, s, n);
		break;
	default:
		part_bytes(m, s, n);
		if (end)
			part_bytes(m, "\n", 1);
		break;
	}
}

/* The body being read ends (a boundary, or the message's end). */
static void
body_end(struct smtpcode__msg *m)
{
	if (m->body == SMTPCODE__BODY_SKIP)
		return;
	if (m->enc == SMTPCODE__ENC_QP && m->qp_state)
		qp_piece(m, "", 0, 1);
	if (m->b64_junk) {
		m->problems |= SMTPCODE_MESSAGE_BAD_BASE64;
		m->b64_junk = 0;
	}
	if (m->decoding) {
		char out[SMTPCODE__DECODE_END_CAP];
		size_t k = smtpcode__decode_end(&m->decoder, out, sizeof out);
		if (k)
			text_bytes(m, out, k);
	}
	if (m->html_state == HTML_ENTITY) {
		html_out(m, "&", 1);
		html_out(m, m->html_entity, m->html_entity_len);
	}
	if (m->dec_len || m->dec_open)
		decoded_line(m, m->dec, m->dec_len, m->dec_open);
	m->dec_len = 0;
	m->dec_open = 0;
	switch (m->body) {
	case SMTPCODE__BODY_DSN:
		smtpcode__msg_dsn_end(m);
		break;
	case SMTPCODE__BODY_TEXT:
	case SMTPCODE__BODY_HTML:
	case SMTPCODE__BODY_PREAMBLE:
		smtpcode__msg_text_part_end(m);
		break;
	default:
		break;
	}
	m->body = SMTPCODE__BODY_SKIP;
}

/* ---- entities ---- */

static int
type_is(const struct smtpcode__msg *m, const char *t)
{
	return same(m->type, t);
}

static int
top_is_bounce(const struct smtpcode__msg *m)
{
	return m->is_report || m->from_daemon || m->xfr_count || (m->subject_kinds & SMTPCODE__MSG_BOUNCE);
}

/* Does the message say it is a report of some kind, by its header or its
 * structure? (Not by a bounce's subject: "Fwd: Undelivered Mail" is a
 * person forwarding one.) */
int
smtpcode__msg_outer_is_report(const struct smtpcode__msg *m)
{
	return m->is_report || m->from_daemon || m->xfr_count || m->is_feedback || m->auto_submitted ||
	       (m->subject_kinds & (SMTPCODE__MSG_COMPLAINT | SMTPCODE__MSG_AUTO_REPLY_SUBJECT));
}

/* Forgets what the outer message said of itself: the report is in the
 * message it forwards. */
static void
forget_outer(struct smtpcode__msg *m)
{
	m->from_len = m->to_len = m->subject_len = 0;
	m->subject_kinds = 0;
	m->subject_forwarded = 0;
	/* Not list_post: a list's digest forwards its posts whole. */
	m->from_daemon = m->auto_submitted = m->rejected = m->is_report = m->is_feedback = m->null_sender = 0;
	m->xfr_len = 0;
	m->xfr_count = 0;
	m->xfr_cut = 0;
	smtpcode__msg_text_reset(m);
}

/* What the body of a text entity is: the report, unless a report part was
 * read already. */
static enum smtpcode__msg_body
text_body(const struct smtpcode__msg *m, int html)
{
	if (m->text_done)
		return SMTPCODE__BODY_SKIP;
	return html ? SMTPCODE__BODY_HTML : SMTPCODE__BODY_TEXT;
}

/* Is the message in the message, whose header just ended, a delivery
 * report that is the report itself: one of the mail system's own, when the
 * message around it has said nothing (no part of its own named a
 * recipient or a failure)? */
static int
embedded_report(const struct smtpcode__msg *m)
{
	return type_is(m, "multipart/report") && same(m->report_type, "delivery-status") && m->from_daemon &&
	       !m->embedded_done && !m->dsn_records && !m->records && !m->rcpt_count && !m->text_kinds;
}

/* The blank line after a header: what its body is. */
static void
header_end(struct smtpcode__msg *m)
{
	enum smtpcode__msg_header of = m->header_of;
	enum smtpcode__msg_body body = SMTPCODE__BODY_SKIP;

	field_end(m);
	m->in_header = 0;
	if (of == SMTPCODE__HEADER_EMBEDDED && embedded_report(m)) {
		/* A report that has said nothing itself, around a delivery report
		 * attached whole (a filtering gateway's wrapper that adds its
		 * disclaimer): the attached report is the report. */
		m->header_of = of = SMTPCODE__HEADER_TOP;
	} else if (of == SMTPCODE__HEADER_EMBEDDED) {
		/* The returned message: its body is never read. */
		m->embedded_done = 1;
		body_reset(m, SMTPCODE__BODY_SKIP);
		return;
	}
	if (m->type[0] == '\0') /* RFC 2045's default */
		memcpy(m->type, "text/plain", sizeof "text/plain");
	if (of == SMTPCODE__HEADER_TOP) {
		if (type_is(m, "multipart/report")) {
			if (same(m->report_type, "feedback-report"))
				m->is_feedback = 1;
			else if (same(m->report_type, "disposition-notification") && !m->rejected)
				m->text_done = 1; /* a read receipt (RFC 8098): no failure to read */
			else /* a delivery report, or a Sieve reject's notice (RFC 5429) */
				m->is_report = 1;
		}
	}
	if (memcmp(m->type, "multipart/", 10) == 0) {
		if (m->part_boundary_len == 0) {
			body = SMTPCODE__BODY_SKIP; /* no boundary: nothing can be found in it */
		} else if (m->depth < SMTPCODE__MSG_DEPTH_MAX && !m->too_deep) {
			memcpy(m->boundary[m->depth], m->part_boundary, m->part_boundary_len);
			m->boundary_len[m->depth] = (uint8_t)m->part_boundary_len;
			m->depth++;
			m->parts_seen = 0;
			m->candidate_len = 0;
			/* The preamble: never the report where parts follow, but read, in
			 * case the boundary is wrong and no part ever starts. */
			body = m->text_done ? SMTPCODE__BODY_SKIP : SMTPCODE__BODY_PREAMBLE;
		} else {
			m->too_deep = 1;
			m->problems |= SMTPCODE_MESSAGE_TOO_DEEP;
		}
	} else if (type_is(m, "message/delivery-status") || type_is(m, "message/global-delivery-status")) {
		body = SMTPCODE__BODY_DSN;
		smtpcode__msg_dsn_reset(m);
	} else if (type_is(m, "message/feedback-report")) {
		body = SMTPCODE__BODY_FEEDBACK;
		m->is_feedback = 1;
	} else if (type_is(m, "message/rfc822") || type_is(m, "message/global") ||
	           type_is(m, "text/rfc822-headers") || type_is(m, "message/global-headers")) {
		/* A message in the message. In a report, it is the returned
		 * message: only its header is read, for whom it was sent to. In
		 * mail that is no report and has said nothing yet, it may be a
		 * bounce forwarded whole: read as the message itself. A text that
		 * said, in a mail system's words, that delivery failed for good
		 * ("PERMANENT fatal delivery errors") was the report itself, and so
		 * was one that said it was not delivered, sent from the null path
		 * as a mail system's notice is (a filtering gateway's), and one
		 * whose own subject says it is a bounce ("Undelivered Mail
		 * Returned to Sender", not "Fwd: Undelivered Mail ...") and whose
		 * text said in a mail system's words that delivery failed (not a
		 * person's "this keeps coming back", over the bounce she got). */
		int headers_only = type_is(m, "text/rfc822-headers") || type_is(m, "message/global-headers");
		int bounce_subject = (m->subject_kinds & SMTPCODE__MSG_BOUNCE) && !m->subject_forwarded &&
		                     (m->text_kinds & (SMTPCODE__MSG_BOUNCE | SMTPCODE__MSG_FAILURE | SMTPCODE__MSG_DELAY));
		body_reset(m, SMTPCODE__BODY_SKIP);
		if (!headers_only && !smtpcode__msg_outer_is_report(m) && !m->dsn_records && !m->strong_count &&
		    !bounce_subject &&
		    !(m->text_kinds & SMTPCODE__MSG_FAILURE) &&
		    !(m->null_sender && (m->text_kinds & SMTPCODE__MSG_BOUNCE))) {
			forget_outer(m);
			header_begin(m, SMTPCODE__HEADER_TOP);
		} else if (!m->embedded_done) {
			header_begin(m, SMTPCODE__HEADER_EMBEDDED);
		}
		return;
	} else if (type_is(m, "text/plain") || type_is(m, "text/html")) {
		body = text_body(m, type_is(m, "text/html"));
	}
	body_reset(m, body);
}

/* Is s[0..len) a boundary line of an open multipart? Returns its level + 1,
 * negated for a closing boundary, or 0. */
static int
boundary_line(const struct smtpcode__msg *m, const char *s, size_t len)
{
	unsigned k;

	for (k = m->depth; k-- > 0;) {
		size_t b = m->boundary_len[k], i = 2 + b;
		int close = 0;
		if (len < i || memcmp(s + 2, m->boundary[k], b) != 0)
			continue;
		if (i + 2 <= len && s[i] == '-' && s[i + 1] == '-') {
			close = 1;
			i += 2;
		}
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i == len)
			return close ? -(int)(k + 1) : (int)(k + 1);
	}
	return 0;
}

/* A boundary of level k + 1 (negative: closing). */
static void
on_boundary(struct smtpcode__msg *m, int b)
{
	if (m->in_header)
		field_end(m);
	else
		body_end(m);
	m->too_deep = 0;
	m->in_header = 0;
	if (b < 0) {
		/* Closed: its epilogue is not read. */
		m->depth = (unsigned)(-b - 1);
		body_reset(m, SMTPCODE__BODY_SKIP);
		m->parts_seen = 1;
		return;
	}
	m->depth = (unsigned)b;
	m->parts_seen = 1;
	m->candidate_len = 0;
	header_begin(m, SMTPCODE__HEADER_PART);
}

/* A line "--x" in a multipart's preamble that may be its real boundary, and
 * the line after it: when that is a Content- field, the boundary declared
 * was wrong and x is taken instead. */
static int
wrong_boundary(struct smtpcode__msg *m, const char *s, size_t len)
{
	size_t v, n;

	if (m->depth == 0 || m->parts_seen || m->in_header)
		return 0;
	if (m->candidate_len) {
		n = smtpcode__msg_field_name(s, len, &v);
		if (n > 8 && smtpcode__msg_is(s, 8, "content-")) {
			memcpy(m->boundary[m->depth - 1], m->candidate, m->candidate_len);
			m->boundary_len[m->depth - 1] = (uint8_t)m->candidate_len;
			on_boundary(m, (int)m->depth);
			return 0; /* the line is the part's first header field */
		}
		m->candidate_len = 0;
	}
	if (len > 2 && len - 2 <= SMTPCODE__MSG_BOUNDARY_MAX && s[0] == '-' && s[1] == '-') {
		size_t i;
		for (i = 2; i < len && !is_space((unsigned char)s[i]); i++)
			;
		if (i == len) {
			memcpy(m->candidate, s + 2, len - 2);
			m->candidate_len = len - 2;
		}
	}
	return 0;
}

/* The first line of the message: a header, or delivery-status fields given
 * alone (a pasted DSN part)? */
static void
first_field(struct smtpcode__msg *m, const char *s, size_t len)
{
	size_t v, n = smtpcode__msg_field_name(s, len, &v);

	if (n && smtpcode__msg_dsn_field(s, n)) {
		m->bare_dsn = 1;
		m->in_header = 0;
		m->is_report = 1;
		m->text_done = 1;
		body_reset(m, SMTPCODE__BODY_DSN);
		smtpcode__msg_dsn_reset(m);
	}
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void header_line(struct smtpcode__msg *m, const char *s, size_t len);

/* A header field as mail has them: a name of letters, digits and dashes
 * ("X-Failed-Recipients:"), not any text before a colon ("<a@b>:", "Remote
 * host said:"). */
static int
mail_header_field(const char *s, size_t n)
{
	size_t v, name = smtpcode__msg_field_name(s, n, &v), i;

	if (name == 0 || !is_letter((unsigned char)s[0]))
		return 0;
	for (i = 0; i < name; i++)
		if (!is_letter((unsigned char)s[i]) && !is_digit((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* After a first line that is no field: a field that starts a message's
 * header, or a DSN's ("From:", "Subject:", "Received:", "Reporting-MTA:"),
 * rather than a line of text that has a colon ("Error: No valid
 * recipients"). A DSN's field after a blank line is no header's: it starts
 * the delivery-status fields of a report pasted as text, under its heading
 * ("Delivery has failed", blank, "Final-Recipient: ..."). */
static int
header_after_first_line(const struct smtpcode__msg *m, const char *s, size_t n)
{
	size_t v, name = smtpcode__msg_field_name(s, n, &v);

	if (!mail_header_field(s, n))
		return 0;
	/* Outlook shows a report's opening sentence, then the subject and the
	 * date of the message it returns ("Your message did not reach some or
	 * all of the intended recipients.", "Subject: ...", "Sent: ..."). */
	if (smtpcode__msg_is(s, name, "subject") &&
	    (smtpcode__msg_kinds(m->first_text, m->first_len) & (SMTPCODE__MSG_BOUNCE | SMTPCODE__MSG_FAILURE)))
		return 0;
	return smtpcode__msg_mail_field(s, name) || (smtpcode__msg_dsn_field(s, name) && m->first_blanks == 0);
}

/* A first line that is no header field ("-------- Forwarded Message
 * --------", "This is the mail system at host ...", "** Address not found
 * **"): is a header next? An mbox's "From " line without a date is one's
 * start, and stays in it. */
static int
holds_first_line(const struct smtpcode__msg *m, const char *s, size_t n)
{
	return m->header_of == SMTPCODE__HEADER_TOP && m->header_lines == 0 && !m->bare_dsn && !m->first_held &&
	       !mail_header_field(s, n) && !(n >= 5 && memcmp(s, "From ", 5) == 0) &&
	       !(n >= 6 && memcmp(s, ">From ", 6) == 0);
}

/* A line of a text pasted alone and quoted, as a reply quotes it ("> "
 * before each line, as its first line has it): without its quote. */
static void
unquote(const struct smtpcode__msg *m, const char **s, size_t *n)
{
	if (m->quote_len && *n > 0 && (*s)[0] == '>') {
		size_t k = *n >= m->quote_len && (*s)[m->quote_len - 1] == ' ' ? m->quote_len : 1;
		*s += k;
		*n -= k;
	}
}

/* The held first line is settled by the next that is not blank: a header
 * follows when that is a field (a bounce forwarded with the fields its
 * forwarder wrote, or pasted after a line of its own), and the held line is
 * a stray line of it, as are the blank lines after it. Otherwise the input
 * has no header: it is the text of a report pasted alone, and is read as a
 * text/plain body from its first line. */
static void
first_line_settled(struct smtpcode__msg *m, int header_follows)
{
	uint64_t line = m->line, i;
	int held = m->first_held;
	const char *first = m->first_text;
	size_t first_len = m->first_len;

	m->first_held = 0;
	if (header_follows) {
		if (held)
			header_line(m, m->first_text, m->first_len);
		return;
	}
	header_end(m); /* an empty header: a text/plain body */
	m->headless = 1;
	if (!held)
		return;
	if (m->first_text[0] == '>')
		m->quote_len = m->first_len > 1 && m->first_text[1] == ' ' ? 2 : 1;
	m->line = m->first_line;
	unquote(m, &first, &first_len);
	body_piece(m, first, first_len, 1);
	for (i = 0; i < m->first_blanks; i++) {
		m->line++;
		body_piece(m, "", 0, 1);
	}
	m->line = line;
}

static void
header_line(struct smtpcode__msg *m, const char *s, size_t len)
{
	m->header_lines++;
	if (len > 0 && is_blank((unsigned char)s[0])) {
		/* A folded line: unfolded with one space. */
		if (m->field.len > 0) {
			while (len > 0 && is_blank((unsigned char)*s))
				s++, len--;
			append(m->field.text, sizeof m->field.text, &m->field.len, " ", 1, &m->field.cut);
			append(m->field.text, sizeof m->field.text, &m->field.len, s, len, &m->field.cut);
		}
		return;
	}
	field_end(m);
	m->field_line = m->line;
	append(m->field.text, sizeof m->field.text, &m->field.len, s, len, &m->field.cut);
}

/* A piece of a raw line: `start` it begins the line, `end` it ends it. */
static void
line_piece(struct smtpcode__msg *m, const char *s, size_t len, int start, int end)
{
	if (start && m->line == 1 && m->header_of == SMTPCODE__HEADER_TOP && m->in_header) {
		/* A UTF-8 byte-order mark before the first field is not part of it. */
		if (len >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb && (unsigned char)s[2] == 0xbf)
			s += 3, len -= 3;
	}
	if (start && end) {
		size_t n = len;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (m->depth > 0 && n >= 2 && s[0] == '-' && s[1] == '-') {
			int b = boundary_line(m, s, n);
			if (b) {
				on_boundary(m, b);
				return;
			}
		}
		if (m->depth > 0 && !m->parts_seen)
			wrong_boundary(m, s, n);
		if (m->in_header) {
			if (n == 0) {
				if (m->first_held)
					m->first_blanks++;
				else if (!(m->header_of == SMTPCODE__HEADER_TOP && m->header_lines == 0))
					header_end(m); /* (not blank lines before the first field) */
				return;
			}
			if (m->first_held) {
				first_line_settled(m, header_after_first_line(m, s, n));
				if (m->headless) {
					unquote(m, &s, &n);
					body_piece(m, s, n, 1);
					return;
				}
			} else if (holds_first_line(m, s, n)) {
				memcpy(m->first_text, s, n);
				m->first_len = n;
				m->first_line = m->line;
				m->first_blanks = 0;
				m->first_held = 1;
				return;
			}
			if (m->header_of == SMTPCODE__HEADER_TOP && m->header_lines == 0 && !m->bare_dsn) {
				first_field(m, s, n);
				if (m->bare_dsn) {
					body_piece(m, s, n, 1);
					return;
				}
			}
			header_line(m, s, n);
			return;
		}
		unquote(m, &s, &n);
		body_piece(m, s, n, 1); /* without a CR before the line break */
		return;
	}
	if (m->in_header && start && (m->first_held || holds_first_line(m, s, len))) {
		/* A first or second line too long for a header's: settled now
		 * (a first line that is a field is no line held). */
		first_line_settled(m, m->first_held && header_after_first_line(m, s, len));
	}
	if (m->in_header) {
		/* A header line longer than a raw line is kept: its first piece is
		 * read, the rest cut. */
		if (start)
			header_line(m, s, len);
		else
			m->field.cut = 1;
		return;
	}
	if (end && len > 0 && s[len - 1] == '\r')
		len--;
	if (start)
		unquote(m, &s, &len);
	body_piece(m, s, len, end);
}

/* ---- lines ---- */

/* A line goes on past the bytes fed: kept, or passed on in pieces. A piece
 * is passed on only when more bytes come than the buffer holds, so that a
 * line is cut into the same pieces however the bytes were fed. */
static void
line_partial(struct smtpcode__msg *m, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof m->line_buf - m->line_len;
		if (n <= room) {
			memcpy(m->line_buf + m->line_len, s, n);
			m->line_len += n;
			return;
		}
		memcpy(m->line_buf + m->line_len, s, room);
		line_piece(m, m->line_buf, sizeof m->line_buf, !m->line_open, 0);
		m->line_open = 1;
		m->line_len = 0;
		s += room, n -= room;
	}
}

/* The line in line_buf plus s[0..n) is complete: passed on whole when it
 * fits in the buffer, else in the pieces line_partial() makes. */
static void
line_complete(struct smtpcode__msg *m, const char *s, size_t n)
{
	if (!m->line_open && m->line_len == 0 && n <= sizeof m->line_buf) {
		line_piece(m, s, n, 1, 1);
	} else if (m->line_len + n <= sizeof m->line_buf) {
		memcpy(m->line_buf + m->line_len, s, n);
		line_piece(m, m->line_buf, m->line_len + n, !m->line_open, 1);
	} else {
		line_partial(m, s, n);
		line_piece(m, m->line_buf, m->line_len, !m->line_open, 1);
	}
	m->line_len = 0;
	m->line_open = 0;
	m->line++;
}

int
smtpcode_message_init(struct smtpcode_message *msg, enum smtpcode_stage stage, smtpcode_recipient_fn fn, void *ctx)
{
	struct smtpcode__msg *m;

	if (!msg || !fn || (unsigned)stage >= SMTPCODE_STAGE_COUNT)
		return SMTPCODE_EINVAL;
	m = smtpcode__msg_of(msg);
	/* Field by field: the buffers (most of the state) need no clearing. */
	m->fn = fn;
	m->ctx = ctx;
	m->stage = stage;
	m->problems = 0;
	m->records = 0;
	m->ended = 0;
	m->line = 1;
	m->bytes = 0;
	m->pending_cr = 0;
	m->line_open = 0;
	m->line_len = 0;
	m->depth = 0;
	m->too_deep = 0;
	m->parts_seen = 0;
	m->candidate_len = 0;
	m->bare_dsn = 0;
	m->headless = 0;
	m->quote_len = 0;
	m->first_held = 0;
	m->person_quote = 0;
	m->b64_junk = 0;
	forget_outer(m);
	m->list_post = 0;
	m->daemon_forwarded = 0;
	m->text_flushed = 0;
	m->original_to_len = m->original_rcpt_len = 0;
	m->embedded_done = 0;
	m->feedback_type_len = 0;
	m->feedback_rcpt_len = 0;
	m->feedback_rcpt_count = 0;
	m->dsn_records = 0;
	m->json_mode = 0;
	smtpcode__msg_dsn_reset(m);
	header_begin(m, SMTPCODE__HEADER_TOP);
	body_reset(m, SMTPCODE__BODY_SKIP);
	return 0;
}

int
smtpcode_message_feed(struct smtpcode_message *msg, const char *buf, size_t len)
{
	struct smtpcode__msg *m;
	const char *p = buf, *lim = buf + len;

	if (!msg || (!buf && len))
		return SMTPCODE_EINVAL;
	m = smtpcode__msg_of(msg);
	if (m->ended)
		return SMTPCODE_EINVAL;
	if (len == 0)
		return 0;
	m->bytes += len;
	if (m->pending_cr && *p == '\n')
		p++; /* the LF of a CRLF split between two pieces */
	m->pending_cr = 0;
	while (p < lim) {
		const char *nl = (const char *)memchr(p, '\n', (size_t)(lim - p)), *end = nl ? nl : lim, *cr;
		/* A CR that is not right before the LF ends a line too (CR-only
		 * line ends, as old Mac mail has them). */
		while ((cr = (const char *)memchr(p, '\r', (size_t)(end - p))) != NULL && cr + 1 < end) {
			line_complete(m, p, (size_t)(cr - p));
			p = cr + 1;
		}
		if (nl) {
			line_complete(m, p, (size_t)(nl - p)); /* a CR before it is taken off later */
			p = nl + 1;
		} else if (cr) {
			/* The piece ends in CR: a line end, and an LF first in the next
			 * piece belongs to it. */
			line_complete(m, p, (size_t)(cr - p));
			m->pending_cr = 1;
			p = lim;
		} else {
			line_partial(m, p, (size_t)(lim - p));
			p = lim;
		}
	}
	return 0;
}

/* Records for what the reader found that no delivery-status group named. */
static void
finish(struct smtpcode__msg *m)
{
	const char *addr = NULL;
	size_t addr_len = 0, k;
	unsigned flags = 0;

	if (m->text_flushed) {
		/* Its text's recipients were handed on to make room: it is the
		 * bounce they said it was, and the rest of them follow. */
		smtpcode__msg_text_finish(m);
		return;
	}
	if (!m->dsn_records && (m->is_feedback || ((m->text_kinds | m->subject_kinds) & SMTPCODE__MSG_COMPLAINT))) {
		/* A complaint (and no delivery-status fields, which would say it
		 * is a bounce): about each recipient it names, or the one the
		 * returned message was sent to, or (an unsubscription) its sender. */
		const char *why = m->feedback_type_len ? m->feedback_type : "complaint";
		size_t why_len = m->feedback_type_len ? m->feedback_type_len : 9;
		if (m->feedback_rcpt_count) {
			for (k = 0; k < m->feedback_rcpt_len; k += strlen(m->feedback_rcpt + k) + 1)
				smtpcode__msg_emit_report(m, SMTPCODE_REPORT_FEEDBACK, m->feedback_rcpt + k,
				                          strlen(m->feedback_rcpt + k), why, why_len, 1, 0);
			return;
		}
		if (m->original_rcpt_len)
			addr = m->original_rcpt, addr_len = m->original_rcpt_len, flags = SMTPCODE_RECIPIENT_FROM_ORIGINAL;
		else if (m->original_to_len)
			addr = m->original_to, addr_len = m->original_to_len, flags = SMTPCODE_RECIPIENT_FROM_ORIGINAL;
		else if (!m->is_feedback && m->from_len)
			addr = m->from, addr_len = m->from_len;
		smtpcode__msg_emit_report(m, SMTPCODE_REPORT_FEEDBACK, addr, addr_len, why, why_len, 1, flags);
		return;
	}
	if (m->dsn_records)
		return;
	if (!top_is_bounce(m) && (m->auto_submitted || (m->subject_kinds & SMTPCODE__MSG_AUTO_REPLY_SUBJECT))) {
		/* An automatic reply: about the mailbox that answered. */
		smtpcode__msg_emit_report(m, SMTPCODE_REPORT_AUTO_REPLY, m->from, m->from_len, m->subject,
		                          m->subject_len, 1, 0);
		return;
	}
	smtpcode__msg_text_finish(m);
}

long
smtpcode_message_end(struct smtpcode_message *msg)
{
	struct smtpcode__msg *m;

	if (!msg)
		return SMTPCODE_EINVAL;
	m = smtpcode__msg_of(msg);
	if (m->ended)
		return SMTPCODE_EINVAL;
	if (m->line_len || m->line_open)
		line_complete(m, m->line_buf, 0);
	if (m->first_held)
		first_line_settled(m, 0);
	if (m->bytes == 0)
		m->problems |= SMTPCODE_MESSAGE_EMPTY;
	if (m->in_header) {
		field_end(m);
		if (m->header_of == SMTPCODE__HEADER_TOP && m->header_lines > 0 && !m->bare_dsn)
			m->problems |= SMTPCODE_MESSAGE_TRUNCATED;
	}
	body_end(m);
	if (m->depth > 0)
		m->problems |= SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY;
	if (m->bytes)
		finish(m);
	if (m->is_report && !m->rejected && !m->dsn_records && !m->bare_dsn && m->records)
		m->problems |= SMTPCODE_MESSAGE_NO_STATUS;
	if (m->bytes && m->records == 0 && !(m->problems & SMTPCODE_MESSAGE_NO_RECIPIENT))
		m->problems |= SMTPCODE_MESSAGE_NO_REPORT;
	m->ended = 1;
	return (long)m->records;
}

unsigned
smtpcode_message_problems(const struct smtpcode_message *msg)
{
	return msg ? const_msg_of(msg)->problems : 0;
}

const char *
smtpcode_message_problem_text(enum smtpcode_message_problem problem)
{
	switch (problem) {
	case SMTPCODE_MESSAGE_EMPTY: return "the message is empty";
	case SMTPCODE_MESSAGE_TRUNCATED: return "the message ends inside its header (cut short?)";
	case SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY:
		return "a MIME multipart is never closed (cut short?); the recipients read so far are reported";
	case SMTPCODE_MESSAGE_TOO_DEEP: return "MIME parts nested more than 32 deep were skipped";
	case SMTPCODE_MESSAGE_CUT: return "a recipient's fields or text were longer than smtpcode keeps, and were cut";
	case SMTPCODE_MESSAGE_NO_REPORT: return "no bounce, complaint or automatic reply found in it";
	case SMTPCODE_MESSAGE_NO_RECIPIENT: return "a bounce that names no recipient";
	case SMTPCODE_MESSAGE_NO_STATUS:
		return "a multipart/report without delivery-status fields; its text was read instead";
	case SMTPCODE_MESSAGE_BAD_BASE64: return "bytes that are not base64 were skipped in a base64 part";
	case SMTPCODE_MESSAGE_TEXT_DROPPED: return "the report's text was longer than smtpcode keeps; the rest was not read";
	case SMTPCODE_MESSAGE_LONG_FIELD: return "a header field was longer than smtpcode keeps, and was cut";
	}
	return NULL;
}

static const char dsn_action_names[SMTPCODE_DSN_COUNT][10] = {
	"none", "failed", "delayed", "delivered", "relayed", "expanded",
};
static const char report_names[SMTPCODE_REPORT_COUNT][11] = {
	"dsn", "text", "feedback", "auto-reply",
};

const char *
smtpcode_dsn_action_name(enum smtpcode_dsn_action a)
{
	return (unsigned)a < SMTPCODE_DSN_COUNT ? dsn_action_names[a] : NULL;
}

const char *
smtpcode_report_name(enum smtpcode_report r)
{
	return (unsigned)r < SMTPCODE_REPORT_COUNT ? report_names[r] : NULL;
}

/* ---- telling an input's kind ---- */

int
smtpcode_mbox_from_line(const char *s, size_t len)
{
	size_t i = 5, year = 0, time = 0;

	if (!s || len < 5 || memcmp(s, "From ", 5) != 0)
		return 0;
	while (i < len && is_blank((unsigned char)s[i]))
		i++;
	if (i == len)
		return 0;
	while (i < len && !is_blank((unsigned char)s[i]))
		i++; /* the sender: one word */
	/* The date: asctime's "Www Mmm dd hh:mm:ss yyyy", sometimes with a zone
	 * after the time or the year. Wanted: a time and a year. (Some writers
	 * drop a leading zero: "00:0:00".) */
	for (; i < len; i++) {
		if (i + 3 <= len && is_digit((unsigned char)s[i]) && (i == 0 || !is_digit((unsigned char)s[i - 1]))) {
			size_t h = i + 1 + (i + 1 < len && is_digit((unsigned char)s[i + 1]));
			if (h + 1 < len && s[h] == ':' && is_digit((unsigned char)s[h + 1]))
				time = 1;
		}
		if (i + 4 <= len && is_digit((unsigned char)s[i]) && is_digit((unsigned char)s[i + 1]) &&
		    is_digit((unsigned char)s[i + 2]) && is_digit((unsigned char)s[i + 3]) &&
		    (i == 0 || !is_digit((unsigned char)s[i - 1])) && (i + 4 == len || !is_digit((unsigned char)s[i + 4])) &&
		    (i + 4 == len || s[i + 4] != ':') && (s[i] == '1' || s[i] == '2'))
			year = 1;
	}
	return time && year;
}

/* Does a reply start at s: a code ("550 ", "421-") or an enhanced code
 * ("5.1.1 ")? */
static int
reply_start(const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	if (n >= 3 && is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) && is_digit((unsigned char)s[2]))
		return n == 3 || s[3] == ' ' || s[3] == '-' || s[3] == '\r';
	return n >= 5 && is_digit((unsigned char)s[0]) && s[1] == '.' && is_digit((unsigned char)s[2]) &&
	       (s[3] == '.' || is_digit((unsigned char)s[3]));
}

/* A line of only dashes, equals signs, underscores, asterisks or tildes: a
 * rule, which parts paragraphs as a blank line does. */
static int
rule_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memchr("-=_*~", s[i], 5))
			return 0;
	return n >= 2;
}

/* The end of the line that starts at p: its LF, or a CR not before an LF
 * (CR-only line ends, as old Mac mail has them); NULL when none is before
 * lim. A CR before an LF stays in the line, for its reader to take off. */
static const char *
line_end(const char *p, const char *lim)
{
	for (; p < lim; p++)
		if (*p == '\n' || (*p == '\r' && (p + 1 == lim || p[1] != '\n')))
			return p;
	return NULL;
}

/* Does the line end in an address, brackets and all ("Failed Recipient:
 * <a@b>", "Recipient: [SMTP:a@b]")? A reply goes on after it. */
static int
ends_in_address(const char *s, size_t n)
{
	struct smtpcode__addr a = {0, 0};
	size_t from = 0, end = 0;

	while (smtpcode__msg_next_address(s, n, from, &a)) {
		end = a.end;
		from = a.end;
	}
	while (end > 0 && end < n && (s[end] == '>' || s[end] == ']' || s[end] == ')' || s[end] == '"' ||
	                              is_blank((unsigned char)s[end])))
		end++;
	return end == n;
}

/* A sentence of prose that names an address: it starts with a word of
 * letters, is no longer than a bounce's opening line and quotes no reply. A
 * JSON record, a log line, a row of a table (CSV, tab-separated) or of a
 * digest of replies that holds the same words is none. */
static int
opening_sentence(const char *s, size_t n)
{
	struct smtpcode__addr a = {0, 0};
	size_t i = 0;

	if (n > 200 || memchr(s, '\t', n) || smtpcode__find_code(s, n, s))
		return 0;
	while (i < n && is_letter((unsigned char)s[i]))
		i++;
	if (i == 0 || (i < n && s[i] != ' ' && s[i] != ':'))
		return 0;
	return smtpcode__msg_next_address(s, n, 0, &a);
}

/* A recipient's delivery-status fields, pasted without their part: 1 for
 * Final-Recipient, 2 for Action or Status, 0 for any other line. */
static int
dsn_recipient_field(const char *s, size_t n)
{
	size_t v, name = smtpcode__msg_field_name(s, n, &v);

	if (smtpcode__msg_is(s, name, "final-recipient"))
		return 1;
	return smtpcode__msg_is(s, name, "action") || smtpcode__msg_is(s, name, "status") ? 2 : 0;
}

/* "From a@b": an mbox's separator line with no date after its sender. */
static int
from_line_without_date(const char *s, size_t n)
{
	size_t i = 5;

	if (n < 6 || memcmp(s, "From ", 5) != 0 || is_blank((unsigned char)s[5]))
		return 0;
	while (i < n && !is_blank((unsigned char)s[i]))
		i++;
	return i == n;
}

/* Is the line at p a mail header field ("Subject: ...", "Received: ...")? */
static int
mail_header_field_at(const char *p, const char *lim)
{
	const char *nl = line_end(p, lim);
	size_t n = nl ? (size_t)(nl - p) : (size_t)(lim - p), v;
	size_t name = smtpcode__msg_field_name(p, n, &v);

	return name && smtpcode__msg_mail_field(p, name);
}

/* Is the input a bounce's text without its header, as a mail client shows
 * it and people paste it (or a forwarded bounce after its forwarder's
 * line)? Its first lines (up to 12 that are not blank, up to a log line;
 * not when the first is a reply: replies and logs are not) hold a
 * mail system's words that delivery failed or is delayed ("could not be
 * delivered", "Undeliverable", "will retry"), on one line or wrapped over
 * two, and are written as a report is: in paragraphs (a blank line or a
 * rule between two of them), or listing a recipient on a line of its own
 * ("bob@example.com", "<bob@example.com>: ..."); a file of replies or log
 * lines has them one a line. Or it starts as a recipient's paragraph does
 * ("<bob@example.com>: host mx.example.com said: 550 ..." and an indented
 * line after it), the words about the first recipient alone. Or it holds
 * a recipient's delivery-status fields (Final-Recipient, then Action or
 * Status), in whatever language the text around them is. */
static int
report_text(const char *p, const char *lim)
{
	const unsigned wanted = SMTPCODE__MSG_BOUNCE | SMTPCODE__MSG_FAILURE | SMTPCODE__MSG_DELAY;
	int lines = 0, marked = 0, blank = 0, paragraphs = 0, listed = 0, first_listed = 0, dsn = 0;
	size_t first_indent = 0; /* the first recipient's line's indent */
	unsigned state = 0; /* the markers' automaton after the last line, for words wrapped over two */
	unsigned line_kinds;
	int quoted = p < lim && *p == '>' && !(lim - p >= 3 && p[1] == '>' && p[2] == '>'); /* "> ", not ">>> " */

	while (p < lim && lines < 12) {
		const char *nl = line_end(p, lim), *end = nl ? nl : lim, *q = p;
		size_t n;
		while (q < end && (is_blank((unsigned char)*q) || *q == '\r'))
			q++;
		if (q < end && *q == '>' && quoted) /* a quoted text's quote */
			while (q < end && (*q == '>' || is_blank((unsigned char)*q)))
				q++;
		n = (size_t)(end - q);
		while (n > 0 && (is_blank((unsigned char)q[n - 1]) || q[n - 1] == '\r'))
			n--;
		if (n == 0 || rule_line(q, n)) {
			blank = lines > 0;
			state = 0;
		} else {
			struct smtpcode__addr a;
			size_t rest;
			int reply = reply_start(q, end);
			if ((reply && lines == 0) || smtpcode__timestamp(q, end) || smtpcode__log_prefix(q, end) ||
			    smtpcode__syslog_tag(q, end))
				break;
			if (lines == 1 && first_listed && (size_t)(q - p) > first_indent && !blank)
				return 1; /* an indented line under the first recipient's */
			paragraphs += blank;
			blank = 0;
			lines++;
			line_kinds = smtpcode__msg_line_kinds(q, n, &state);
			marked |= (line_kinds & wanted) != 0;
			dsn |= dsn_recipient_field(q, n);
			if (!reply && smtpcode__msg_recipient_line(q, n, &a, &rest)) {
				listed = 1;
				/* "<a@b>: host ... said:", or Exim's "  a@b" alone, its
				 * host and reply indented under it */
				first_listed = lines == 1 && ((q == p && rest > 0 && rest < n) || rest == n);
				first_indent = (size_t)(q - p);
			} else if (!reply && (line_kinds & SMTPCODE__MSG_RECIPIENT) &&
			           (ends_in_address(q, n) || ((line_kinds & wanted) && opening_sentence(q, n)))) {
				/* "Failed Recipient: a@b", "Recipient: [SMTP:a@b]"; or a line
				 * that is a bounce's opening itself ("The following message
				 * to <a@b> was undeliverable.") */
				listed = 1;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return (marked && (paragraphs > 0 || listed)) || dsn == 3;
}

enum smtpcode_input
smtpcode_input_kind(const char *buf, size_t len)
{
	const char *p = buf, *lim = buf + len, *nl, *first;
	size_t n, v, name;

	if (!buf)
		return SMTPCODE_INPUT_LINES;
	if (len >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
		p += 3;
	/* Blank lines first are passed over (a CR is a line's end, or the
	 * start of one's CRLF). */
	for (;;) {
		const char *q = p;
		while (q < lim && is_blank((unsigned char)*q))
			q++;
		if (q < lim && (*q == '\n' || *q == '\r')) {
			p = q + 1;
			continue;
		}
		break;
	}
	nl = line_end(p, lim);
	n = nl ? (size_t)(nl - p) : (size_t)(lim - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (smtpcode_mbox_from_line(p, n))
		return SMTPCODE_INPUT_MBOX;
	if (nl && from_line_without_date(p, n) && mail_header_field_at(nl + 1, lim))
		return SMTPCODE_INPUT_MESSAGE; /* a message saved with its "From a@b" line (a test's fixture) */
	name = smtpcode__msg_field_name(p, n, &v);
	if (name == 0 || !is_letter((unsigned char)p[0]))
		return report_text(p, lim) ? SMTPCODE_INPUT_MESSAGE : SMTPCODE_INPUT_LINES;
	/* A field every message has, or a DSN's own, decides alone; so does a
	 * first line too long for a log's (a header of many kilobytes). */
	if (smtpcode__msg_mail_field(p, name) || smtpcode__msg_dsn_field(p, name) || (!nl && n >= 4096))
		return nl || n >= 4096 ? SMTPCODE_INPUT_MESSAGE : SMTPCODE_INPUT_LINES;
	if (!nl)
		return SMTPCODE_INPUT_LINES; /* one line: a field to classify */
	/* Another name: the lines after it and its folded lines say: a field
	 * every message has or the header's end. A wrapped reply pasted alone
	 * ("Deferred: Connection refused by mx.example.com.", then an indented
	 * line) has neither; nor has a report whose first words look like a
	 * field ("MailEnable: Message could not be delivered to some
	 * recipients."), nor a program's errors logged one a line
	 * ("System.Net.Mail.SmtpException: ..."), whatever their number. */
	first = p;
	for (;;) {
		p = nl + 1;
		if (p >= lim)
			return lim - buf >= 4096 ? SMTPCODE_INPUT_MESSAGE : SMTPCODE_INPUT_LINES;
		nl = line_end(p, lim);
		n = nl ? (size_t)(nl - p) : (size_t)(lim - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			return SMTPCODE_INPUT_MESSAGE;
		name = smtpcode__msg_field_name(p, n, &v);
		if (name && (smtpcode__msg_mail_field(p, name) || smtpcode__msg_dsn_field(p, name)))
			return SMTPCODE_INPUT_MESSAGE;
		if (name && nl)
			continue;
		if (!is_blank((unsigned char)p[0]))
			return report_text(first, lim) ? SMTPCODE_INPUT_MESSAGE : SMTPCODE_INPUT_LINES;
		if (!nl) /* the start given ends in a folded line: a header's, if that long */
			return lim - buf >= 4096 ? SMTPCODE_INPUT_MESSAGE : SMTPCODE_INPUT_LINES;
	}
}
