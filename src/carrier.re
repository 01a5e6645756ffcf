/* What follows each carrier marker: the field parsers, one small re2c block
 * each, run only where the classifier's DFA found a marker. Keywords are
 * case-insensitive. */
#include <string.h>

#include "carrier.h"

/*!include:re2c "re2c_api.re" */

/*!re2c
	ws = [ \t]*;
	hostchar = [a-zA-Z0-9._-];
	host = hostchar+;
	addr = "<" [^>\r\n\x00]* ">";
*/

static void
set_host(struct smtpcode__carrier *c, const unsigned char *a, const unsigned char *b)
{
	/* A trailing dot (Sendmail's "relay=mx.example.com.") is not part of the name. */
	while (b > a && b[-1] == '.')
		b--;
	if (b > a && !c->host.len) {
		c->host.ptr = (const char *)a;
		c->host.len = (size_t)(b - a);
	}
}

static void
set_stage(struct smtpcode__carrier *c, enum smtpcode_stage s)
{
	if (c->stage == SMTPCODE_STAGE_UNKNOWN)
		c->stage = s;
}

/* Where the reply starts: the first marker that says so wins. */
static void
set_reply(struct smtpcode__carrier *c, enum smtpcode_carrier kind, const unsigned char *at)
{
	if (!c->reply_at) {
		c->reply_at = (const char *)at;
		c->kind = kind;
	}
}

static void
set_status(struct smtpcode__carrier *c, enum smtpcode_carrier kind, const unsigned char *a,
           const unsigned char *b)
{
	if (!c->status.len) {
		c->status.ptr = (const char *)a;
		c->status.len = (size_t)(b - a);
		if (c->kind == SMTPCODE_CARRIER_NONE)
			c->kind = kind;
	}
}

/* "smtp; " after Diagnostic-Code: and "dns; " after Remote-MTA: */
static const unsigned char *
after_type(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	/*!re2c
	ws [a-zA-Z0-9-]* ws ";" ws { return p; }
	* { return NULL; }
	$ { return NULL; }
	*/
}

static int
enhanced_field(const unsigned char *p, const unsigned char *lim, const unsigned char **a, const unsigned char **b)
{
	const unsigned char *m, *x, *y;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	/*!re2c
	ws @x enhanced @y { *a = x; *b = y; return 1; }
	* { return 0; }
	$ { return 0; }
	*/
}

/* Exim: what follows "SMTP error from remote mail server after ". */
static void
exim_after(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	if (c->kind == SMTPCODE_CARRIER_NONE)
		c->kind = SMTPCODE_CARRIER_EXIM;
	/*!re2c
	'pipelined '? 'rcpt to:' ws addr? ws ":" ws { set_stage(c, SMTPCODE_STAGE_RCPT); goto reply; }
	'mail from:' ws addr? [^:\r\n\x00]* ":" ws { set_stage(c, SMTPCODE_STAGE_MAIL); goto reply; }
	'end of data:' ws { set_stage(c, SMTPCODE_STAGE_END_OF_DATA); goto reply; }
	'data:' ws { set_stage(c, SMTPCODE_STAGE_DATA); goto reply; }
	'initial connection:' ws { set_stage(c, SMTPCODE_STAGE_CONNECT); goto reply; }
	('ehlo'|'helo'|'lhlo') " " host ":" ws { set_stage(c, SMTPCODE_STAGE_EHLO); goto reply; }
	* { return; }
	$ { return; }
	*/
reply:
	set_reply(c, SMTPCODE_CARRIER_EXIM, p);
}

static const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *lim)
{
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Sendmail: "stat=Deferred: 451 ..." */
static const unsigned char *
after_stat(const unsigned char *start, const unsigned char *lim)
{
	const unsigned char *p = skip_ws(start, lim), *from = p, *m;

	/*!re2c
	'deferred:' ws { return p; }
	* { return from; }
	$ { return from; }
	*/
}

/* [a-zA-Z0-9._-] */
static int
is_hostchar(unsigned char ch)
{
	static const unsigned char table[256] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
		0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
		0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	};

	return table[ch];
}

/* ws host: blanks, then a host name; it is [*a, *b). */
static int
host_field(const unsigned char *p, const unsigned char *lim, const unsigned char **a, const unsigned char **b)
{
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	*a = p;
	while (p < lim && is_hostchar(*p))
		p++;
	*b = p;
	return p > *a;
}

/* Postfix: the host in "host mx.example.com[192.0.2.1] said:", read
 * backwards from the marker, which starts at `at`. */
static void
host_before(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *at)
{
	const unsigned char *p = at, *end;

	while (p > buf && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > buf && p[-1] == ']') {
		while (p > buf && p[-1] != '[')
			p--;
		if (p == buf)
			return;
		p--;
		while (p > buf && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
	}
	end = p;
	while (p > buf && is_hostchar(p[-1]))
		p--;
	if (p == end || p - buf < 5 || p[-1] != ' ' || ((p[-5] | 0x20) != 'h' || (p[-4] | 0x20) != 'o' ||
	                                              (p[-3] | 0x20) != 's' || (p[-2] | 0x20) != 't'))
		return;
	set_host(c, p, end);
}

/* The start of the marker that ends at `end`, whitespace runs counted once. */
static const unsigned char *
marker_start(const unsigned char *buf, const unsigned char *end, size_t n)
{
	const unsigned char *p = end;

	while (n > 0 && p > buf) {
		p--;
		if (*p == ' ' || *p == '\t')
			while (p > buf && (p[-1] == ' ' || p[-1] == '\t'))
				p--;
		n--;
	}
	return p;
}

void
smtpcode__carrier_marker(struct smtpcode__carrier *c, enum smtpcode__marker mk, const char *buf_, const char *end_,
                         const char *lim_)
{
	const unsigned char *buf = (const unsigned char *)buf_, *p = (const unsigned char *)end_;
	const unsigned char *lim = (const unsigned char *)lim_, *a, *b, *q;

	switch (mk) {
	case SMTPCODE__MARKER_DIAGNOSTIC:
		if ((q = after_type(p, lim)) != NULL)
			set_reply(c, SMTPCODE_CARRIER_DSN, q);
		break;
	case SMTPCODE__MARKER_STATUS:
		if (!c->status.len && enhanced_field(p, lim, &a, &b))
			set_status(c, SMTPCODE_CARRIER_DSN, a, b);
		break;
	case SMTPCODE__MARKER_REMOTE_MTA:
		if ((q = after_type(p, lim)) != NULL && host_field(q, lim, &a, &b)) {
			set_host(c, a, b);
			if (c->kind == SMTPCODE_CARRIER_NONE)
				c->kind = SMTPCODE_CARRIER_DSN;
		}
		break;
	case SMTPCODE__MARKER_ACTION_FAILED:
		c->dsn_class = 5;
		break;
	case SMTPCODE__MARKER_ACTION_DELAYED:
		c->dsn_class = 4;
		break;
	case SMTPCODE__MARKER_ACTION_DELIVERED:
	case SMTPCODE__MARKER_ACTION_RELAYED:
	case SMTPCODE__MARKER_ACTION_EXPANDED:
		c->dsn_class = 2;
		break;
	case SMTPCODE__MARKER_SAID:
		if (!c->host.len) /* else host_before() would change nothing */
			host_before(c, buf, marker_start(buf, p, sizeof " said:" - 1));
		set_reply(c, SMTPCODE_CARRIER_POSTFIX, skip_ws(p, lim));
		break;
	case SMTPCODE__MARKER_REFUSED:
		if (!c->host.len)
			host_before(c, buf, marker_start(buf, p, sizeof " refused to talk to me:" - 1));
		set_stage(c, SMTPCODE_STAGE_CONNECT);
		set_reply(c, SMTPCODE_CARRIER_POSTFIX, skip_ws(p, lim));
		break;
	case SMTPCODE__MARKER_IN_REPLY_RCPT:
		set_stage(c, SMTPCODE_STAGE_RCPT);
		break;
	case SMTPCODE__MARKER_IN_REPLY_MAIL:
		set_stage(c, SMTPCODE_STAGE_MAIL);
		break;
	case SMTPCODE__MARKER_IN_REPLY_END_OF_DATA:
		set_stage(c, SMTPCODE_STAGE_END_OF_DATA);
		break;
	case SMTPCODE__MARKER_IN_REPLY_DATA:
		set_stage(c, SMTPCODE_STAGE_DATA);
		break;
	case SMTPCODE__MARKER_IN_REPLY_EHLO:
	case SMTPCODE__MARKER_IN_REPLY_HELO:
	case SMTPCODE__MARKER_IN_REPLY_LHLO:
	case SMTPCODE__MARKER_IN_REPLY_STARTTLS:
	case SMTPCODE__MARKER_IN_REPLY_AUTH:
		set_stage(c, SMTPCODE_STAGE_EHLO);
		break;
	case SMTPCODE__MARKER_EXIM_SERVER:
	case SMTPCODE__MARKER_EXIM_MAILER:
		exim_after(c, p, lim);
		break;
	case SMTPCODE__MARKER_DSN_EQ:
		if (!c->status.len && enhanced_field(p, lim, &a, &b))
			set_status(c, SMTPCODE_CARRIER_SENDMAIL, a, b);
		break;
	case SMTPCODE__MARKER_STAT_EQ:
		if (c->kind == SMTPCODE_CARRIER_NONE || c->kind == SMTPCODE_CARRIER_SENDMAIL) {
			c->kind = SMTPCODE_CARRIER_SENDMAIL;
			set_reply(c, SMTPCODE_CARRIER_SENDMAIL, after_stat(p, lim));
		}
		break;
	case SMTPCODE__MARKER_RELAY_EQ:
	case SMTPCODE__MARKER_H_EQ:
		if (!c->host.len && host_field(p, lim, &a, &b))
			set_host(c, a, b);
		break;
	case SMTPCODE__MARKER_EXCHANGE_SQ:
	case SMTPCODE__MARKER_EXCHANGE_DQ:
		set_reply(c, SMTPCODE_CARRIER_EXCHANGE, p);
		break;
	/* qmail's "Connected to 192.0.2.1 but sender was rejected." and the
	 * like, and DragonFly's "did not like our RCPT TO:" name the command
	 * the server refused. */
	case SMTPCODE__MARKER_QMAIL_GREETING:
		set_stage(c, SMTPCODE_STAGE_CONNECT);
		break;
	case SMTPCODE__MARKER_QMAIL_NAME:
		set_stage(c, SMTPCODE_STAGE_EHLO);
		break;
	case SMTPCODE__MARKER_QMAIL_SENDER:
	case SMTPCODE__MARKER_LIKE_MAIL:
		set_stage(c, SMTPCODE_STAGE_MAIL);
		break;
	case SMTPCODE__MARKER_QMAIL_RECIPIENT:
	case SMTPCODE__MARKER_LIKE_RCPT:
		set_stage(c, SMTPCODE_STAGE_RCPT);
		break;
	case SMTPCODE__MARKER_QMAIL_DATA:
		set_stage(c, SMTPCODE_STAGE_END_OF_DATA);
		break;
	case SMTPCODE__MARKER_LIKE_DATA:
		set_stage(c, SMTPCODE_STAGE_DATA);
		break;
	/* qmail ends a line with the enhanced code it means: "(#5.1.1)". */
	case SMTPCODE__MARKER_QMAIL_STATUS:
		if (!c->status.len && enhanced_field(p, lim, &a, &b) && b < lim && *b == ')')
			set_status(c, SMTPCODE_CARRIER_NONE, a, b);
		break;
	/* A delay notice in words: the message is still being retried. */
	case SMTPCODE__MARKER_DELAYED:
	case SMTPCODE__MARKER_WAS_DELAYED:
	case SMTPCODE__MARKER_IS_DELAYED:
	case SMTPCODE__MARKER_NOT_YET:
	case SMTPCODE__MARKER_RETRIED:
	case SMTPCODE__MARKER_KEEP_TRYING:
		c->delayed = 1;
		break;
	default:
		break;
	}
}

/* Do the three digits at p (the first 2-5) begin a reply code: a word of
 * their own, followed by a space, a dash, a line break or the end? */
static int
code_at(const unsigned char *s, const unsigned char *lim, const unsigned char *p)
{
	unsigned before, c3;

	if (*p < '2' || *p > '5')
		return 0;
	before = p > s ? p[-1] : ' ';
	if ((before | 0x20u) - 'a' < 26u || before - '0' < 10u || before == '.' || before == '-' || before == '_' ||
	    before == '=' || before == '/' || before == '+')
		return 0;
	if (p + 3 == lim)
		return 1;
	c3 = p[3];
	return c3 == ' ' || c3 == '-' || c3 == '\r' || c3 == '\n';
}

/* The first reply code at or after `from`: 3 digits starting 2-5 that begin
 * a word and are followed by a space, a dash, a line break or the end. */
const char *
smtpcode__find_code(const char *buf, size_t len, const char *from)
{
	const unsigned char *s = (const unsigned char *)buf, *lim = s + len;
	const unsigned char *p = (const unsigned char *)from;

#ifdef SMTPCODE__SSE2
	/* 16 bytes at a time: where three digits in a row start (at the first
	 * 14 positions, whose three bytes are all in the 16). */
	const __m128i zero = _mm_setzero_si128(), nine = _mm_set1_epi8(9), digit0 = _mm_set1_epi8('0');
	for (; p + 16 <= lim; p += 14) {
		__m128i d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), digit0);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(d, nine), zero));
		unsigned three = m & m >> 1 & m >> 2 & 0x3fffu;
		for (; three; three &= three - 1)
			if (code_at(s, lim, p + __builtin_ctz(three)))
				return (const char *)p + __builtin_ctz(three);
	}
#endif
	while (p + 3 <= lim) {
		/* Not a digit at p + 2: no code starts at p, p + 1 or p + 2. */
		if ((unsigned)p[2] - '0' >= 10u) {
			p += 3;
			continue;
		}
		if ((unsigned)p[1] - '0' >= 10u) {
			p += 2;
			continue;
		}
		if (code_at(s, lim, p)) /* it checks *p is 2-5 */
			return (const char *)p;
		p++;
	}
	return NULL;
}
