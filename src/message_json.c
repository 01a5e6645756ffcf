/* Delivery notifications in JSON, as Amazon SES sends them by mail (through
 * SNS, whose envelope carries the notification as a JSON string in its
 * "Message"): the recipients of "bouncedRecipients" and "delivery" become
 * delivery-status groups, those of "complainedRecipients" a complaint. Read
 * as a stream of keys and values, whatever the nesting, in bounded memory:
 * only the few keys that matter are kept. */
#include <string.h>

#include "message.h"

enum { J_OUTSIDE, J_STRING, J_ESCAPE, J_UNICODE };

static void
group_line(struct smtpcode__msg *m, const char *name, const char *value, size_t len)
{
	char line[SMTPCODE__MSG_JSON_VALUE_MAX + 40];
	size_t n = strlen(name);

	memcpy(line, name, n);
	if (len > sizeof line - n)
		len = sizeof line - n;
	memcpy(line + n, value, len);
	smtpcode__msg_dsn_line(m, line, n + len, m->json.line);
}

/* A recipient's object has closed: one delivery-status group, as its fields
 * would be written in a message/delivery-status part. */
static void
emit_recipient(struct smtpcode__msg *m)
{
	struct smtpcode__json *j = &m->json;

	if (!j->address_len)
		return;
	group_line(m, "Final-Recipient: rfc822; ", j->address, j->address_len);
	group_line(m, "Action: ", j->action_len ? j->action : "failed", j->action_len ? j->action_len : 6);
	if (j->status_len)
		group_line(m, "Status: ", j->status, j->status_len);
	if (j->diagnostic_len)
		group_line(m, "Diagnostic-Code: ", j->diagnostic, j->diagnostic_len);
	smtpcode__msg_dsn_line(m, "", 0, j->line);
	j->address_len = j->action_len = j->status_len = j->diagnostic_len = 0;
}

static int
key_is(const struct smtpcode__json *j, int level, const char *name)
{
	return smtpcode__msg_is(j->key[level], j->key_len[level], name);
}

static void
keep(char *buf, size_t *len, const char *s, size_t n)
{
	if (n > SMTPCODE__MSG_JSON_VALUE_MAX)
		n = SMTPCODE__MSG_JSON_VALUE_MAX;
	memcpy(buf, s, n);
	*len = n;
}

/* A string value of the key last seen at `level`. */
static void
value(struct smtpcode__msg *m, int level, const char *s, size_t n)
{
	struct smtpcode__json *j = &m->json;

	if (key_is(j, level, "notificationtype") || key_is(j, level, "eventtype")) {
		if (smtpcode__msg_is(s, n, "complaint"))
			m->is_feedback = 1;
	} else if (key_is(j, level, "emailaddress")) {
		if (m->is_feedback) {
			smtpcode__msg_feedback_recipient(m, s, n);
			return;
		}
		emit_recipient(m); /* one not closed yet */
		keep(j->address, &j->address_len, s, n);
		j->rcpt_depth = j->depth[level];
		j->rcpt_level = level;
	} else if (key_is(j, level, "action")) {
		keep(j->action, &j->action_len, s, n);
	} else if (key_is(j, level, "status")) {
		keep(j->status, &j->status_len, s, n);
	} else if (key_is(j, level, "diagnosticcode") || key_is(j, level, "smtpresponse")) {
		keep(j->diagnostic, &j->diagnostic_len, s, n);
		if (key_is(j, level, "smtpresponse") && j->delivered_len) {
			/* Delivered: each recipient of the "delivery" object. */
			size_t k;
			for (k = 0; k < j->delivered_len; k += strlen(j->delivered + k) + 1) {
				keep(j->address, &j->address_len, j->delivered + k, strlen(j->delivered + k));
				keep(j->action, &j->action_len, "delivered", 9);
				keep(j->diagnostic, &j->diagnostic_len, s, n);
				emit_recipient(m);
			}
			j->delivered_len = 0;
		}
	} else if (key_is(j, level, "complaintfeedbacktype")) {
		m->feedback_type_len = n < sizeof m->feedback_type ? n : sizeof m->feedback_type;
		memcpy(m->feedback_type, s, m->feedback_type_len);
	} else if (key_is(j, level, "recipients") && j->in_array[level]) {
		if (j->delivered_len + n + 1 <= sizeof j->delivered) {
			memcpy(j->delivered + j->delivered_len, s, n);
			j->delivered_len += n;
			j->delivered[j->delivered_len++] = '\0';
		}
	}
}

static void json_byte(struct smtpcode__msg *m, int level, unsigned char c);

/* A string has ended: a key when a colon follows, else a value. */
static void
string_end(struct smtpcode__msg *m, int level)
{
	struct smtpcode__json *j = &m->json;

	j->state[level] = J_OUTSIDE;
	if (j->nested[level]) {
		/* The envelope's "Message" string was a notification: its end. */
		j->nested[level] = 0;
		return;
	}
	j->pending[level] = 1; /* key or value: the next byte that is not blank says */
}

/* One byte of a JSON text at `level` (0: the mail's body; 1: the JSON inside
 * the envelope's "Message" string). */
static void
json_byte(struct smtpcode__msg *m, int level, unsigned char c)
{
	struct smtpcode__json *j = &m->json;

	switch (j->state[level]) {
	case J_STRING:
		if (c == '\\') {
			j->state[level] = J_ESCAPE;
		} else if (c == '"') {
			string_end(m, level);
		} else if (c == '\n' || c == '\r') {
			/* A line break in a string: a mailer's, not the text's. */
		} else if (j->nested[level]) {
			json_byte(m, level + 1, c);
		} else if (j->token_len[level] < sizeof j->token[level]) {
			j->token[level][j->token_len[level]++] = (char)c;
		}
		return;
	case J_ESCAPE: {
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *e = (const char *)memchr(from, c, sizeof from - 1);
		j->state[level] = J_STRING;
		if (c == 'u') {
			j->state[level] = J_UNICODE;
			j->unicode[level] = 0;
			j->unicode_digits[level] = 0;
			return;
		}
		c = e ? (unsigned char)to[e - from] : c;
		if (j->nested[level])
			json_byte(m, level + 1, c);
		else if (j->token_len[level] < sizeof j->token[level])
			j->token[level][j->token_len[level]++] = (char)c;
		return;
	}
	case J_UNICODE: {
		unsigned d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 16;
		if (d == 16) {
			j->state[level] = J_STRING;
			return;
		}
		j->unicode[level] = j->unicode[level] << 4 | d;
		if (++j->unicode_digits[level] == 4) {
			/* Basic multilingual plane only: an address or a reply never needs more. */
			unsigned u = j->unicode[level];
			unsigned char out[3];
			size_t n = 0, i;
			if (u < 0x80)
				out[n++] = (unsigned char)u;
			else if (u < 0x800)
				out[n++] = (unsigned char)(0xc0 | u >> 6), out[n++] = (unsigned char)(0x80 | (u & 0x3f));
			else
				out[n++] = (unsigned char)(0xe0 | u >> 12), out[n++] = (unsigned char)(0x80 | (u >> 6 & 0x3f)),
				out[n++] = (unsigned char)(0x80 | (u & 0x3f));
			j->state[level] = J_STRING;
			for (i = 0; i < n; i++) {
				if (j->nested[level])
					json_byte(m, level + 1, out[i]);
				else if (j->token_len[level] < sizeof j->token[level])
					j->token[level][j->token_len[level]++] = (char)out[i];
			}
		}
		return;
	}
	default:
		break;
	}
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return;
	if (j->pending[level]) {
		j->pending[level] = 0;
		if (c == ':') {
			size_t n = j->token_len[level] < sizeof j->key[level] ? j->token_len[level] : sizeof j->key[level];
			memcpy(j->key[level], j->token[level], n);
			j->key_len[level] = n;
			return;
		}
		value(m, level, j->token[level], j->token_len[level]);
	}
	switch (c) {
	case '"':
		j->state[level] = J_STRING;
		j->token_len[level] = 0;
		/* The envelope's "Message" holds the notification, itself JSON. */
		if (level == 0 && key_is(j, 0, "message") && !j->in_array[0]) {
			j->nested[0] = 1;
			j->state[1] = J_OUTSIDE;
			j->pending[1] = 0;
			j->depth[1] = 0;
			j->in_array[1] = 0;
		}
		return;
	case '{':
		j->depth[level]++;
		j->in_array[level] = 0;
		return;
	case '}':
		if (j->address_len && j->rcpt_level == level && j->depth[level] == j->rcpt_depth)
			emit_recipient(m);
		if (j->depth[level] > 0 && --j->depth[level] == 0 && level == 0)
			j->done = 1; /* what follows (the SNS footer) is not the notification */
		j->key_len[level] = 0;
		return;
	case '[':
		j->in_array[level] = 1;
		return;
	case ']':
		j->in_array[level] = 0;
		return;
	case ',':
		if (!j->in_array[level])
			j->key_len[level] = 0;
		return;
	default:
		return; /* numbers, true, false, null: no key here needs one */
	}
}

void
smtpcode__msg_json_reset(struct smtpcode__msg *m)
{
	memset(&m->json, 0, sizeof m->json);
}

void
smtpcode__msg_json_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued)
{
	size_t i;

	if (m->json.done)
		return;
	m->json.line = number;
	for (i = 0; i < len; i++)
		json_byte(m, 0, (unsigned char)s[i]);
	if (!continued)
		json_byte(m, 0, '\n');
}

void
smtpcode__msg_json_end(struct smtpcode__msg *m)
{
	emit_recipient(m);
	smtpcode__msg_dsn_end(m);
}
