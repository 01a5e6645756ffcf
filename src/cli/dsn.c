#include "dsn.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16         /* nested multiparts followed; deeper ones are skipped and reported */
#define BOUNDARY_MAX 200     /* RFC 2046 allows 70 */
#define FIELD_MAX 4096       /* one unfolded MIME header field */
#define ADDR_MAX 1024
#define ACTION_MAX 32

enum body_kind { BODY_SKIP, BODY_DSN, BODY_TEXT };
enum encoding { ENC_NONE, ENC_QP, ENC_BASE64 };

struct dsn_parser {
	dsn_fn *fn;
	void *ctx;
	int in_header;            /* reading an entity's header (else its body) */
	int top;                  /* the entity is the message itself */
	int depth;                /* open multiparts */
	int deep;                 /* a multipart beyond MAX_DEPTH was skipped */
	char boundary[MAX_DEPTH][BOUNDARY_MAX + 1];
	size_t boundary_len[MAX_DEPTH];
	enum body_kind body;
	int lines;                /* lines fed for this message */
	int is_report;            /* the message is a multipart/report */
	int saw_dsn;              /* it has a message/delivery-status part */
	long records;

	/* The entity's header: the field being read, and what was found. */
	char field[FIELD_MAX];
	size_t field_len;
	char type[64];            /* type/subtype, lower case */
	char part_boundary[BOUNDARY_MAX + 1];
	size_t part_boundary_len;
	enum encoding encoding;

	/* The decoder of the body being read. */
	enum encoding enc;
	char dec[DSN_GROUP_MAX];
	size_t dec_len;
	unsigned long dec_line;   /* input line the decoded line started on */
	int dec_open;             /* a quoted-printable soft line break is pending */
	unsigned b64_bits, b64_count;

	/* The delivery-status group being read. */
	int group_open;
	unsigned long group_line;
	int keep;                 /* the field being read goes into the group's text */
	int field_id;             /* 1 Final-Recipient, 2 Original-Recipient, 3 Action */
	char group[DSN_GROUP_MAX];
	size_t group_len;
	int group_truncated;
	char final_rcpt[ADDR_MAX], orig_rcpt[ADDR_MAX], action[ACTION_MAX];
	size_t final_len, orig_len, action_len;
	int has_final, has_orig;
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The field name of "Name: value" matches name (case-insensitively); *value
 * is set past the colon and blanks. */
static int
field_is(const char *s, size_t len, const char *name, size_t *value)
{
	size_t n = strlen(name), i;

	if (len <= n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != name[i])
			return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++; /* "Name :" is obsolete syntax but seen */
	if (i >= len || s[i] != ':')
		return 0;
	i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*value = i;
	return 1;
}

static void
append(char *buf, size_t cap, size_t *len, const char *s, size_t n, int *truncated)
{
	if (n > cap - *len) {
		n = cap - *len;
		if (truncated)
			*truncated = 1;
	}
	memcpy(buf + *len, s, n);
	*len += n;
}

/* ---- delivery-status groups ---- */

static void
group_reset(struct dsn_parser *p)
{
	p->group_open = 0;
	p->keep = 0;
	p->field_id = 0;
	p->group_len = 0;
	p->group_truncated = 0;
	p->final_len = p->orig_len = p->action_len = 0;
	p->has_final = p->has_orig = 0;
}

/* The address of "rfc822; <user@example.com>": without its type, blanks and
 * angle brackets. */
static void
address(const char *s, size_t len, const char **addr, size_t *addr_len)
{
	const char *semi = memchr(s, ';', len);

	if (semi) {
		len -= (size_t)(semi + 1 - s);
		s = semi + 1;
	}
	while (len > 0 && is_space((unsigned char)*s))
		s++, len--;
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
		s++, len -= 2;
	*addr = s;
	*addr_len = len;
}

static void
group_end(struct dsn_parser *p)
{
	struct dsn_record rec;

	if (p->group_open && (p->has_final || p->has_orig)) {
		size_t i;
		if (p->has_final)
			address(p->final_rcpt, p->final_len, &rec.recipient, &rec.recipient_len);
		else
			address(p->orig_rcpt, p->orig_len, &rec.recipient, &rec.recipient_len);
		for (i = 0; i < p->action_len && !is_space((unsigned char)p->action[i]) && p->action[i] != ';'; i++)
			p->action[i] = (char)lower((unsigned char)p->action[i]);
		p->action[i] = '\0';
		rec.action = i ? p->action : NULL;
		rec.line = p->group_line;
		rec.text = p->group;
		rec.len = p->group_len;
		rec.truncated = p->group_truncated;
		p->fn(p->ctx, &rec);
		p->records++;
	}
	group_reset(p);
}

static void
group_line(struct dsn_parser *p, const char *s, size_t len, unsigned long number)
{
	size_t v, blank = 0;

	while (blank < len && is_space((unsigned char)s[blank]))
		blank++;
	if (blank == len) {
		group_end(p);
		return;
	}
	if (blank > 0) { /* a folded line: unfolded with one space */
		if (!p->group_open)
			return;
		s += blank, len -= blank;
		if (p->keep) {
			append(p->group, sizeof p->group, &p->group_len, " ", 1, &p->group_truncated);
			append(p->group, sizeof p->group, &p->group_len, s, len, &p->group_truncated);
		}
		if (p->field_id == 1) {
			append(p->final_rcpt, sizeof p->final_rcpt, &p->final_len, " ", 1, NULL);
			append(p->final_rcpt, sizeof p->final_rcpt, &p->final_len, s, len, NULL);
		} else if (p->field_id == 2) {
			append(p->orig_rcpt, sizeof p->orig_rcpt, &p->orig_len, " ", 1, NULL);
			append(p->orig_rcpt, sizeof p->orig_rcpt, &p->orig_len, s, len, NULL);
		}
		return;
	}
	if (!p->group_open) {
		p->group_open = 1;
		p->group_line = number;
	}
	p->keep = 0;
	p->field_id = 0;
	if (field_is(s, len, "final-recipient", &v)) {
		/* Not in the text classified: the library takes its "rfc822;" for
		 * the phrase of a message-format refusal. */
		p->field_id = 1;
		p->has_final = 1;
		p->final_len = 0;
		append(p->final_rcpt, sizeof p->final_rcpt, &p->final_len, s + v, len - v, NULL);
	} else if (field_is(s, len, "original-recipient", &v)) {
		p->field_id = 2;
		p->has_orig = 1;
		p->orig_len = 0;
		append(p->orig_rcpt, sizeof p->orig_rcpt, &p->orig_len, s + v, len - v, NULL);
	} else if (field_is(s, len, "action", &v)) {
		p->keep = 1;
		p->action_len = 0;
		append(p->action, sizeof p->action - 1, &p->action_len, s + v, len - v, NULL);
	} else if (field_is(s, len, "status", &v) || field_is(s, len, "remote-mta", &v) ||
	           field_is(s, len, "diagnostic-code", &v)) {
		p->keep = 1;
	}
	if (p->keep) {
		if (p->group_len > 0)
			append(p->group, sizeof p->group, &p->group_len, "\n", 1, &p->group_truncated);
		append(p->group, sizeof p->group, &p->group_len, s, len, &p->group_truncated);
	}
}

/* ---- decoded lines of a part ---- */

static void
decoded_line(struct dsn_parser *p, const char *s, size_t len, unsigned long number)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (p->body == BODY_DSN) {
		group_line(p, s, len, number);
	} else if (p->body == BODY_TEXT) {
		struct dsn_record rec;
		rec.line = number;
		rec.recipient = NULL;
		rec.recipient_len = 0;
		rec.action = NULL;
		rec.text = s;
		rec.len = len;
		rec.truncated = 0;
		p->fn(p->ctx, &rec);
		p->records++;
	}
}

/* Hands on the complete lines in dec (all of it when flush). */
static void
dec_emit(struct dsn_parser *p, int flush)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(p->dec + start, '\n', p->dec_len - start)) != NULL) {
		decoded_line(p, p->dec + start, (size_t)(nl - (p->dec + start)), p->dec_line);
		start = (size_t)(nl - p->dec) + 1;
	}
	if (flush || p->dec_len - start == sizeof p->dec) {
		if (p->dec_len > start)
			decoded_line(p, p->dec + start, p->dec_len - start, p->dec_line);
		start = p->dec_len;
	}
	memmove(p->dec, p->dec + start, p->dec_len - start);
	p->dec_len -= start;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
b64(int c)
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

static void
dec_byte(struct dsn_parser *p, char c, unsigned long number)
{
	if (p->dec_len == 0)
		p->dec_line = number;
	if (p->dec_len == sizeof p->dec)
		dec_emit(p, 0);
	if (p->dec_len < sizeof p->dec)
		p->dec[p->dec_len++] = c;
	if (c == '\n')
		dec_emit(p, 0);
}

static void
body_line(struct dsn_parser *p, const char *s, size_t len, unsigned long number)
{
	size_t i;

	if (p->body == BODY_SKIP)
		return;
	switch (p->enc) {
	case ENC_NONE: decoded_line(p, s, len, number); break;
	case ENC_QP: {
		int soft;
		while (len > 0 && is_space((unsigned char)s[len - 1]))
			len--;
		soft = len > 0 && s[len - 1] == '=';
		if (soft)
			len--;
		if (!p->dec_open)
			p->dec_line = number;
		for (i = 0; i < len; i++) {
			int h1, h2;
			if (s[i] == '=' && i + 2 < len && (h1 = hex((unsigned char)s[i + 1])) >= 0 &&
			    (h2 = hex((unsigned char)s[i + 2])) >= 0) {
				dec_byte(p, (char)(h1 * 16 + h2), p->dec_line);
				i += 2;
			} else {
				dec_byte(p, s[i], p->dec_line);
			}
		}
		p->dec_open = soft;
		if (!soft)
			dec_emit(p, 1);
		break;
	}
	case ENC_BASE64:
		for (i = 0; i < len; i++) {
			int v = b64((unsigned char)s[i]);
			if (v < 0)
				continue; /* '=', blanks and noise */
			p->b64_bits = (p->b64_bits << 6) | (unsigned)v;
			p->b64_count += 6;
			if (p->b64_count >= 8) {
				p->b64_count -= 8;
				dec_byte(p, (char)((p->b64_bits >> p->b64_count) & 0xff), number);
				p->b64_bits &= (1u << p->b64_count) - 1;
			}
		}
		break;
	}
}

/* The end of a body: what is left in the decoder and the group. */
static void
body_end(struct dsn_parser *p)
{
	if (p->body != BODY_SKIP) {
		dec_emit(p, 1);
		if (p->body == BODY_DSN)
			group_end(p);
	}
	p->dec_len = 0;
	p->dec_open = 0;
	p->b64_bits = p->b64_count = 0;
	p->body = BODY_SKIP;
}

/* ---- MIME headers ---- */

static void
header_begin(struct dsn_parser *p, int top)
{
	p->in_header = 1;
	p->top = top;
	p->field_len = 0;
	p->type[0] = '\0';
	p->part_boundary_len = 0;
	p->encoding = ENC_NONE;
}

/* Reads a parameter value (quoted or a token) at s[*i]. */
static size_t
param_value(const char *s, size_t len, size_t *i, char *out, size_t cap)
{
	size_t n = 0;

	if (*i < len && s[*i] == '"') {
		for ((*i)++; *i < len && s[*i] != '"'; (*i)++) {
			if (s[*i] == '\\' && *i + 1 < len)
				(*i)++;
			if (n < cap)
				out[n++] = s[*i];
		}
		if (*i < len)
			(*i)++;
	} else {
		for (; *i < len && s[*i] != ';' && !is_space((unsigned char)s[*i]); (*i)++)
			if (n < cap)
				out[n++] = s[*i];
	}
	return n;
}

static void
content_type(struct dsn_parser *p, const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && s[i] != ';' && !is_space((unsigned char)s[i])) {
		if (n + 1 < sizeof p->type)
			p->type[n++] = (char)lower((unsigned char)s[i]);
		i++;
	}
	p->type[n] = '\0';
	while (i < len) {
		char name[32];
		size_t k = 0;
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
		if (strcmp(name, "boundary") == 0)
			p->part_boundary_len = param_value(s, len, &i, p->part_boundary, BOUNDARY_MAX);
		else {
			char skip[1];
			param_value(s, len, &i, skip, 0);
		}
	}
}

static void
field_end(struct dsn_parser *p)
{
	size_t v;

	if (field_is(p->field, p->field_len, "content-type", &v))
		content_type(p, p->field + v, p->field_len - v);
	else if (field_is(p->field, p->field_len, "content-transfer-encoding", &v)) {
		const char *e = p->field + v;
		size_t n = p->field_len - v;
		while (n > 0 && is_space((unsigned char)e[n - 1]))
			n--;
		p->encoding = ENC_NONE;
		if (n == 16) {
			char low[17];
			size_t k;
			for (k = 0; k < 16; k++)
				low[k] = (char)lower((unsigned char)e[k]);
			low[16] = '\0';
			if (strcmp(low, "quoted-printable") == 0)
				p->encoding = ENC_QP;
		} else if (n == 6) {
			char low[7];
			size_t k;
			for (k = 0; k < 6; k++)
				low[k] = (char)lower((unsigned char)e[k]);
			low[6] = '\0';
			if (strcmp(low, "base64") == 0)
				p->encoding = ENC_BASE64;
		}
	}
	p->field_len = 0;
}

/* The blank line after an entity's header: what its body is. */
static void
header_end(struct dsn_parser *p)
{
	field_end(p);
	p->in_header = 0;
	p->body = BODY_SKIP;
	p->enc = p->encoding;
	p->dec_len = 0;
	p->dec_open = 0;
	p->b64_bits = p->b64_count = 0;
	if (strncmp(p->type, "multipart/", 10) == 0) {
		if (p->top && strcmp(p->type, "multipart/report") == 0)
			p->is_report = 1;
		if (p->depth < MAX_DEPTH && p->part_boundary_len > 0) {
			memcpy(p->boundary[p->depth], p->part_boundary, p->part_boundary_len);
			p->boundary_len[p->depth] = p->part_boundary_len;
			p->depth++;
		} else if (p->part_boundary_len > 0) {
			p->deep = 1;
		}
	} else if (strcmp(p->type, "message/delivery-status") == 0 ||
	           strcmp(p->type, "message/global-delivery-status") == 0) {
		p->body = BODY_DSN;
		p->saw_dsn = 1;
		group_reset(p);
	} else if ((p->type[0] == '\0' || strcmp(p->type, "text/plain") == 0) && !p->is_report) {
		p->body = BODY_TEXT;
	}
}

static void
header_line(struct dsn_parser *p, const char *s, size_t len)
{
	if (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
		if (p->field_len > 0) {
			while (len > 0 && (*s == ' ' || *s == '\t'))
				s++, len--;
			append(p->field, sizeof p->field, &p->field_len, " ", 1, NULL);
			append(p->field, sizeof p->field, &p->field_len, s, len, NULL);
		}
		return;
	}
	field_end(p);
	append(p->field, sizeof p->field, &p->field_len, s, len, NULL);
}

/* A boundary line of an open multipart: returns its level + 1 (negated for
 * the closing boundary), or 0. */
static int
boundary_line(const struct dsn_parser *p, const char *s, size_t len)
{
	int k;

	if (len < 3 || s[0] != '-' || s[1] != '-')
		return 0;
	for (k = p->depth - 1; k >= 0; k--) {
		size_t b = p->boundary_len[k], i;
		int close = 0;
		if (len - 2 < b || memcmp(s + 2, p->boundary[k], b) != 0)
			continue;
		i = 2 + b;
		if (i + 2 <= len && s[i] == '-' && s[i + 1] == '-') {
			close = 1;
			i += 2;
		}
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i == len)
			return close ? -(k + 1) : k + 1;
	}
	return 0;
}

/* ---- messages ---- */

struct dsn_parser *
dsn_new(dsn_fn *fn, void *ctx)
{
	struct dsn_parser *p = calloc(1, sizeof *p);

	if (p) {
		p->fn = fn;
		p->ctx = ctx;
	}
	return p;
}

void
dsn_free(struct dsn_parser *p)
{
	free(p);
}

void
dsn_begin(struct dsn_parser *p)
{
	p->depth = 0;
	p->deep = 0;
	p->lines = 0;
	p->is_report = 0;
	p->saw_dsn = 0;
	p->records = 0;
	p->body = BODY_SKIP;
	p->dec_len = 0;
	p->dec_open = 0;
	p->b64_bits = p->b64_count = 0;
	group_reset(p);
	header_begin(p, 1);
}

void
dsn_line(struct dsn_parser *p, const char *s, size_t len, unsigned long number)
{
	int b;

	p->lines++;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	b = p->depth > 0 ? boundary_line(p, s, len) : 0;
	if (b != 0) {
		if (!p->in_header)
			body_end(p);
		if (b < 0) {
			p->depth = -b - 1; /* closed: its epilogue is skipped */
			p->in_header = 0;
			p->body = BODY_SKIP;
		} else {
			p->depth = b;
			header_begin(p, 0);
		}
		return;
	}
	if (p->in_header) {
		if (len == 0)
			header_end(p);
		else
			header_line(p, s, len);
		return;
	}
	body_line(p, s, len, number);
}

const char *
dsn_end(struct dsn_parser *p, long *records)
{
	const char *problem = NULL;
	int in_top_header = p->in_header && p->top;

	if (!p->in_header)
		body_end(p);
	if (p->lines == 0)
		problem = "empty message";
	else if (in_top_header)
		problem = "the message ends inside its header (truncated?)";
	else if (p->depth > 0)
		problem = "no closing MIME boundary (truncated?); the recipients read so far are reported";
	else if (p->deep)
		problem = "multiparts nested more than 16 deep were skipped; recipients inside them are not reported";
	else if (p->is_report && !p->saw_dsn)
		problem = "a multipart/report without a message/delivery-status part; nothing to report";
	*records = p->records;
	return problem;
}
