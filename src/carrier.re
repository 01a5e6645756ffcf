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
	addr = "<" [^<>\r\n\x00]* ">"; /* no "<" inside: a scan ends at the next marker's */
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

/* What the log did with the message: the first word of it counts. */
static void
set_log_status(struct smtpcode__carrier *c, enum smtpcode_log_status st)
{
	if (c->log_status == SMTPCODE_LOG_NONE)
		c->log_status = st;
}

/* A session transcript (Sendmail's "... while talking to mx.example.com.:",
 * then ">>> RCPT To:<a@example.com>" and "<<< 550 ..."): the reply is the
 * one after the last command sent, and answers it, unless other words
 * named the stage. A session that begins after a line that starts with a
 * reply (Sendmail v5's "554 <a@example.com>... 550 Host unknown", then the
 * next recipient's session) is not this reply's. */
static void
sent_stage(struct smtpcode__carrier *c, enum smtpcode_stage s, const unsigned char *p)
{
	if (c->late_session)
		return;
	c->sent_at = (const char *)p;
	c->data_sent = 0;
	c->greeting = 0;
	if (c->stage == SMTPCODE_STAGE_UNKNOWN || c->stage_sent) {
		c->stage = s;
		c->stage_sent = 1;
	}
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

/* How far past an Exim marker its parser may read: "pipelined mail from:",
 * a path of at most 256 bytes (RFC 5321 4.5.3.1.3), its parameters and the
 * colon fit with room to spare. Without a bound, a marker repeated with no
 * ">" or line end after it made each one read to the end of the input. */
#define EXIM_REACH 512

static void log_recipient(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim);

/* Exim: what follows "SMTP error from remote mail server after ". */
static void
exim_after(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m, *a, *b;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	if (c->kind == SMTPCODE_CARRIER_NONE)
		c->kind = SMTPCODE_CARRIER_EXIM;
	if (c->reply_at && c->stage != SMTPCODE_STAGE_UNKNOWN)
		return; /* an earlier marker said all this one could */
	if (lim - p > EXIM_REACH)
		lim = p + EXIM_REACH;
	/*!re2c
	'pipelined '? 'rcpt to:' ws @a addr? @b ws ":" ws {
		set_stage(c, SMTPCODE_STAGE_RCPT);
		if (b > a) /* the recipient refused, where the line names no other */
			log_recipient(c, a, b);
		goto reply;
	}
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

/* After "<<< ": is this a reply's last line ("550 ...", not "550-...")? */
static int
last_reply_line(const unsigned char *p, const unsigned char *lim)
{
	if (lim - p < 3 || p[0] < '2' || p[0] > '5' || (unsigned)(p[1] - '0') > 9u || (unsigned)(p[2] - '0') > 9u)
		return 0;
	return lim - p == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\r' || p[3] == '\n';
}

/* A reply that says the commands came out of order ("503 Need RCPT",
 * "554 5.5.1 No valid recipients"): after DATA, that no recipient was
 * taken, so the refusal that counts came before. */
static int
protocol_complaint(const unsigned char *p, const unsigned char *lim)
{
	if (p[0] == '5' && p[1] == '0' && p[2] == '3')
		return 1;
	return lim - p >= 8 && p[3] == ' ' && (p[4] == '4' || p[4] == '5') && p[5] == '.' && p[6] == '5' && p[7] == '.';
}

static int
word_end(const unsigned char *p, const unsigned char *lim)
{
	return p == lim || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ':';
}

/* The command on the line after mFILTER's "-------SMTP command". */
static void
command_named(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	while (p < lim && (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t'))
		p++;
	/*!re2c
	'data' { if (word_end(p, lim)) set_stage(c, SMTPCODE_STAGE_DATA); return; }
	'rcpt' { if (word_end(p, lim)) set_stage(c, SMTPCODE_STAGE_RCPT); return; }
	'mail' { if (word_end(p, lim)) set_stage(c, SMTPCODE_STAGE_MAIL); return; }
	'ehlo' | 'helo' | 'lhlo' { if (word_end(p, lim)) set_stage(c, SMTPCODE_STAGE_EHLO); return; }
	* { return; }
	$ { return; }
	*/
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

/* How far back from a " said:" marker its host is looked for: blanks, an
 * address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"), blanks, a host
 * name of at most 255 bytes and "host ". */
#define HOST_REACH (255 + 64 + 16)

/* Postfix: the host in "host mx.example.com[192.0.2.1] said:", read
 * backwards from the marker, which starts at `at`. The walk goes back at
 * most HOST_REACH bytes and never past the start of the marker walked from
 * before (c->walked), so no byte is walked over twice: an unbounded walk
 * before every marker made "] said:" repeated quadratic. */
static void
host_before(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *at)
{
	const unsigned char *p = at, *end, *floor = buf;

	if (c->walked && (const unsigned char *)c->walked > floor)
		floor = (const unsigned char *)c->walked;
	if (at - floor > HOST_REACH)
		floor = at - HOST_REACH;
	c->walked = (const char *)at;
	while (p > floor && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > floor && p[-1] == ']') {
		while (p > floor && p[-1] != '[')
			p--;
		if (p == floor)
			return;
		p--;
		while (p > floor && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
	}
	end = p;
	while (p > floor && is_hostchar(p[-1]))
		p--;
	if (p == end || p - floor < 5 || p[-1] != ' ' || ((p[-5] | 0x20) != 'h' || (p[-4] | 0x20) != 'o' ||
	                                                (p[-3] | 0x20) != 's' || (p[-2] | 0x20) != 't'))
		return;
	set_host(c, p, end);
}

/* Exchange quotes the reply ("Remote Server returned '550 5.1.1 ...'"):
 * the quote that ends its line is the carrier's, not the reply's. */
static void
closing_quote(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim, unsigned char quote)
{
	const unsigned char *end = (const unsigned char *)memchr(p, '\n', (size_t)(lim - p));

	if (!end)
		end = lim;
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > p && end[-1] == quote && !c->trailer_at)
		c->trailer_at = (const char *)end - 1;
}

/* The '"' that closes a quoted reply on its line (looked for in 2048 bytes). */
static void
quote_end(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *end = lim - p > 2048 ? p + 2048 : lim;

	for (; p < end && *p != '\n'; p++)
		if (*p == '"') {
			if (!c->trailer_at)
				c->trailer_at = (const char *)p;
			return;
		}
}

static int
is_white(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The start of the marker that ends at `end`, whitespace runs (a wrapped
 * line's break and indentation too) counted once. */
static const unsigned char *
marker_start(const unsigned char *buf, const unsigned char *end, size_t n)
{
	const unsigned char *p = end;

	while (n > 0 && p > buf) {
		p--;
		if (is_white(*p))
			while (p > buf && is_white(p[-1]))
				p--;
		n--;
	}
	return p;
}

/* ---- a log line's own fields: status, recipient, queue ID, time ---- */

/* The length of each marker's text, by marker. */
static const unsigned char marker_length[] = {
	0,
#define SMTPCODE__MARKER_LENGTH(name, text) sizeof text - 1,
	SMTPCODE__MARKERS(SMTPCODE__MARKER_LENGTH)
#undef SMTPCODE__MARKER_LENGTH
};

/* The "event" of an email service's JSON event (SendGrid's): what became
 * of the message. A failure with no word of its permanence ("failed") is
 * left to its code. */
static enum smtpcode_log_status
json_event(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	/*!re2c
	('bounce' | 'bounced' | 'dropped') ["] { return SMTPCODE_LOG_BOUNCED; }
	('deferred' | 'deferral') ["] { return SMTPCODE_LOG_DEFERRED; }
	'delivered' ["] { return SMTPCODE_LOG_SENT; }
	* { return SMTPCODE_LOG_NONE; }
	$ { return SMTPCODE_LOG_NONE; }
	*/
}

/* Postfix's "status=sent", Sendmail's "stat=Sent" or "stat=Deferred". */
static enum smtpcode_log_status
log_status(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	/*!re2c
	'sent' { return SMTPCODE_LOG_SENT; }
	'deferred' { return SMTPCODE_LOG_DEFERRED; }
	'softbounce' { return SMTPCODE_LOG_DEFERRED; } /* Postfix's soft_bounce = yes: kept, retried */
	'bounced' { return SMTPCODE_LOG_BOUNCED; }
	'expired' { return SMTPCODE_LOG_EXPIRED; }
	* { return SMTPCODE_LOG_NONE; }
	$ { return SMTPCODE_LOG_NONE; }
	*/
}

/* An address: <...>, or a bare run up to a blank, comma, semicolon or a
 * JSON string's closing quote (and without a final colon: Exim's "**
 * a@example.com: Unrouteable address"). */
static int
address_field(const unsigned char *p, const unsigned char *lim, const unsigned char **a, const unsigned char **b)
{
	const unsigned char *m, *x, *y;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	/*!re2c
	"<" @x [^<>\r\n\x00 \t]+ @y ">" { *a = x; *b = y; return 1; }
	@x [^<>\r\n\x00 \t,;"]+ @y {
		if (y[-1] == ':')
			y--;
		if (y > x && y[-1] == '\'') /* a quoted string's end ("{'a@b': ..."): never a domain's */
			y--;
		*a = x;
		*b = y;
		return y > x;
	}
	* { return 0; }
	$ { return 0; }
	*/
}

/* [A-Za-z0-9] */
static int
is_alnum(unsigned ch)
{
	return (ch | 0x20u) - 'a' < 26u || ch - '0' < 10u;
}

/* [A-Za-z0-9-] */
static int
is_idchar(unsigned char ch)
{
	return ch == '-' || is_alnum(ch);
}

/* The queue ID that ends at `end` and starts a word: at most 40 bytes are
 * looked at, so that many markers on a line cost a constant each. */
static int
queue_id_before(const unsigned char *buf, const unsigned char *end, const unsigned char **a)
{
	const unsigned char *p = end;

	while (p > buf && end - p < 40 && is_idchar(p[-1]))
		p--;
	if (p == end || (p > buf && p[-1] != ' ' && p[-1] != '\t'))
		return 0;
	*a = p;
	return 1;
}

/* Exim's message ID: 1abcDE-000123-AB (6-6-2 letters and digits), or the
 * longer 6-11-4 form. */
static int
exim_id(const unsigned char *a, const unsigned char *lim)
{
	const unsigned char *p = a, *m;

	/*!re2c
	[A-Za-z0-9]{6} "-" ([A-Za-z0-9]{6} "-" [A-Za-z0-9]{2} | [A-Za-z0-9]{11} "-" [A-Za-z0-9]{4}) {
		return p == lim;
	}
	* { return 0; }
	$ { return 0; }
	*/
}

static void
set_span(struct smtpcode_span *s, const unsigned char *a, const unsigned char *b)
{
	if (!s->len && b > a) {
		s->ptr = (const char *)a;
		s->len = (size_t)(b - a);
	}
}

/* " to=<a@example.com>" and " from=<...>" of Postfix and Sendmail: the
 * queue ID is the word before, with its colon ("4F2A1C0D3E: to=<...>"). */
static void
log_address(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *at, const unsigned char *p,
            const unsigned char *lim, int recipient)
{
	const unsigned char *a, *b, *q, *qa, *qb;

	if (recipient && !c->recipient.len && address_field(p, lim, &a, &b)) {
		/* Sendmail's "to=Vasya <a@example.com>": a name, then the address. */
		for (q = b; q < lim && *q != '<' && *q != ',' && *q != ';' && *q != '\n'; q++)
			;
		if (!memchr(a, '@', (size_t)(b - a)) && q < lim && *q == '<' && address_field(q, lim, &qa, &qb) &&
		    memchr(qa, '@', (size_t)(qb - qa)))
			a = qa, b = qb;
		/* A local user ("to=root") is a recipient; OpenSMTPD's "to=(hidden)"
		 * and Postfix's elided "to=<...>" are not. */
		if (is_alnum(*a))
			set_span(&c->recipient, a, b);
	}
	if (!c->queue_id.len && at > buf && at[-1] == ':' && queue_id_before(buf, at - 1, &a))
		set_span(&c->queue_id, a, at - 1);
}

/* An address at p ("<a@b>" or bare) as the log line's recipient, unless
 * one is known: only a real address, with an '@'. */
static void
log_recipient(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *a, *b;

	p = skip_ws(p, lim);
	if (!c->recipient.len && address_field(p, lim, &a, &b) && memchr(a, '@', (size_t)(b - a)))
		set_span(&c->recipient, a, b);
}

/* The "<a@b>:" that starts a Postfix bounce's line, before `end`. */
static void
paragraph_recipient(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *end)
{
	const unsigned char *a, *b;

	if (address_field(buf, end, &a, &b) && a == buf + 1 && end - b >= 2 && b[1] == ':' &&
	    memchr(a, '@', (size_t)(b - a)))
		set_span(&c->recipient, a, b);
}

/* The address in "<a@b>" that ends just before `close` (its '>'), looked
 * for in at most 256 bytes back. */
static void
dots_recipient(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *close)
{
	const unsigned char *a = close;

	while (a > buf && close - a < 256 && a[-1] != '<' && a[-1] != ' ' && a[-1] != '>')
		a--;
	if (a > buf && a[-1] == '<' && a < close && memchr(a, '@', (size_t)(close - a)))
		set_span(&c->recipient, a, close);
}

/* The user of Dovecot's "lda(a@b)" or "lmtp(a@b)", "lmtp(9610, a@b)", or
 * Dovecot 1's "deliver(a@b)"; a local user has no domain ("lda(kurio)"),
 * and a process number alone ("lmtp(9610)") is no user. */
static void
mda_user(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *a, *q = p;
	int letter = 0;

	while (q < lim && q - p < 12 && (unsigned)(*q - '0') < 10u)
		q++;
	if (q > p && lim - q >= 2 && q[0] == ',' && q[1] == ' ')
		p = q + 2;
	for (a = q = p; q < lim && q - p < 256 && *q != ')' && *q != '<' && *q != '>' && *q != ' ' && *q != ','; q++)
		letter |= (unsigned)((*q | 0x20) - 'a') < 26u;
	if (q < lim && (*q == ')' || *q == '<') && q > a && letter)
		set_span(&c->mda_user, a, q);
}

/* Do the words at p, right after an address (Sendmail's "<a@b>... ",
 * Postfix's "<a@b>: "), speak of the sender ("Domain of sender address",
 * "Sender address rejected", German "Absenderadresse abgelehnt")? */
int
smtpcode__about_sender(const char *p_, const char *lim_)
{
	const unsigned char *p = (const unsigned char *)p_, *lim = (const unsigned char *)lim_, *m;

	/*!re2c
	'domain of sender' | 'sender' | 'absender' { return 1; }
	* { return 0; }
	$ { return 0; }
	*/
}

/* Just past the ">: " that ends a Postfix log line's "helo=<...>", on the
 * line that starts at or before p; or NULL. At most 2048 bytes are looked
 * at, so that the markers of a long line cost a constant each. */
static const unsigned char *
after_helo(const unsigned char *p, const unsigned char *lim)
{
	static const char helo[] = " helo=<";
	const unsigned char *end = lim - p > 2048 ? p + 2048 : lim, *q;
	size_t i;

	for (; p < end && *p != '\n'; p++) {
		for (i = 0; i < sizeof helo - 1 && p + i < end && p[i] == (unsigned char)helo[i]; i++)
			;
		if (i < sizeof helo - 1)
			continue;
		for (q = p + i; q + 2 < end && *q != '\n'; q++)
			if (q[0] == '>' && q[1] == ':' && q[2] == ' ')
				return q + 3;
		return NULL;
	}
	return NULL;
}

/* amavis's log ID just before `close`, its ')': "(12345-01)", "(12345-01/2)". */
static int
amavis_log_id(const unsigned char *buf, const unsigned char *close)
{
	const unsigned char *a = close;
	int dash = 0;

	while (a > buf && close - a < 24 && (is_idchar(a[-1]) || a[-1] == '/'))
		dash |= *--a == '-';
	return dash && close - a >= 3 && a > buf && a[-1] == '(';
}

/* Exim's "1abcDE-000123-AB ** a@example.com ..." (and ==): an Exim message
 * ID before, an address after; else not Exim's ("** Address not found **"). */
static void
exim_line(struct smtpcode__carrier *c, const unsigned char *buf, const unsigned char *at, const unsigned char *p,
          const unsigned char *lim, enum smtpcode_log_status status)
{
	const unsigned char *id, *a, *b;

	if (!queue_id_before(buf, at, &id) || !exim_id(id, at) || !address_field(p, lim, &a, &b))
		return;
	/* A local delivery names the user, then the address: "=> daniel <daniel@example.com>". */
	if (!memchr(a, '@', (size_t)(b - a)) && lim - b > 2 && b[0] == ' ' && b[1] == '<')
		address_field(b + 1, lim, &a, &b);
	if (!memchr(a, '@', (size_t)(b - a)))
		return;
	set_span(&c->queue_id, id, at);
	set_span(&c->recipient, a, b);
	set_log_status(c, status);
}

size_t
smtpcode__log_prefix(const char *buf, const char *lim_)
{
	const unsigned char *p = (const unsigned char *)buf, *lim = (const unsigned char *)lim_, *m;

	/*!re2c
	[a-zA-Z0-9_.-]{1,64} " "+ "| " { return (size_t)(p - (const unsigned char *)buf); }
	* { return 0; }
	$ { return 0; }
	*/
}

size_t
smtpcode__syslog_tag(const char *buf, const char *lim_)
{
	const unsigned char *p = (const unsigned char *)buf, *lim = (const unsigned char *)lim_, *m;

	/*!re2c
	([a-zA-Z0-9._-]{1,64} " ")? [a-zA-Z0-9/._-]{1,64} "[" [0-9]{1,10} "]: " {
		return (size_t)(p - (const unsigned char *)buf);
	}
	* { return 0; }
	$ { return 0; }
	*/
}

size_t
smtpcode__timestamp(const char *buf, const char *lim_)
{
	const unsigned char *p = (const unsigned char *)buf, *lim = (const unsigned char *)lim_, *m;

	/*!re2c
	d2 = [0-9]{2};
	time = d2 ":" d2 ":" d2;
	[A-Z][a-z][a-z] " "+ [0-9]{1,2} " " time { return (size_t)(p - (const unsigned char *)buf); }
	[0-9]{4} "-" d2 "-" d2 [T ] time ("." [0-9]+)? ("Z" | [+-] d2 ":"? d2)? {
		return (size_t)(p - (const unsigned char *)buf);
	}
	"[" [0-9]{1,2} "/" [A-Z][a-z][a-z] "/" [0-9]{4} [ :] time ("." [0-9]+)? (" " [+-] [0-9]{4})? "]" {
		return (size_t)(p - (const unsigned char *)buf);
	}
	* { return 0; }
	$ { return 0; }
	*/
}

/* Exim's and CommuniGate's "host mx.example.com [192.0.2.1]" (a name with
 * a dot, a blank, an address literal): the remote host, where the carrier
 * names none in its own way. */
static void
named_host(struct smtpcode__carrier *c, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *a, *b;

	if (c->named_host.len || !host_field(p, lim, &a, &b) || !memchr(a, '.', (size_t)(b - a)))
		return;
	if (lim - b < 4 || b[0] != ' ' || b[1] != '[' || !(is_hostchar(b[2]) || b[2] == ':'))
		return;
	set_span(&c->named_host, a, b);
}

void
smtpcode__carrier_marker(struct smtpcode__carrier *c, enum smtpcode__marker mk, const char *buf_, const char *end_,
                         const char *lim_)
{
	const unsigned char *buf = (const unsigned char *)buf_, *p = (const unsigned char *)end_;
	const unsigned char *lim = (const unsigned char *)lim_, *a, *b, *q;

	/* A marker that ends in a blank (" ** ") matches again at every byte of
	 * a run of blanks after it: the first match takes the whole run, the
	 * others are passed over (doing the work for each byte would cost the
	 * run's length squared). */
	if (p - buf >= 1 && (p[-1] == ' ' || p[-1] == '\t')) {
		if (p - buf >= 2 && (p[-2] == ' ' || p[-2] == '\t'))
			return;
		while (p < lim && (*p == ' ' || *p == '\t'))
			p++;
	}
	/* Postfix's "(in reply to RCPT TO command)" is the carrier's, not the reply's. */
	if (mk >= SMTPCODE__MARKER_IN_REPLY_RCPT && mk <= SMTPCODE__MARKER_IN_REPLY_AUTH && !c->trailer_at)
		c->trailer_at = (const char *)marker_start(buf, p, marker_length[mk]);

	switch (mk) {
	case SMTPCODE__MARKER_DIAGNOSTIC:
		if ((q = after_type(p, lim)) != NULL)
			set_reply(c, SMTPCODE_CARRIER_DSN, q);
		break;
	case SMTPCODE__MARKER_DIAGNOSTIC_UNIX: /* the type has no blanks: "X-Unix" ends before ';' */
		c->program.ptr = (const char *)p - 7;
		c->program.len = 6;
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
	case SMTPCODE__MARKER_ACTION_EXPIRED: /* not RFC 3464's, but a failure all the same */
		c->dsn_class = 5;
		c->gave_up = 1;
		break;
	case SMTPCODE__MARKER_ACTION_DELIVERED:
	case SMTPCODE__MARKER_ACTION_RELAYED:
	case SMTPCODE__MARKER_ACTION_EXPANDED:
		c->dsn_class = 2;
		break;
	/* Postfix's address verification quotes the reply its probe got:
	 * "450 4.1.7 <a@b>: Sender address rejected: unverified address: host
	 * mx.example.org said: 550 5.1.1 ...". The reply is the one around it. */
	case SMTPCODE__MARKER_UNVERIFIED:
	case SMTPCODE__MARKER_UNDELIVERABLE_SENDER: /* the probe failed for good */
		if (!c->verifying)
			c->verifying = SMTPCODE__VERIFYING;
		break;
	case SMTPCODE__MARKER_SAID:
		if (c->verifying) {
			c->verifying = SMTPCODE__PROBE_REPLY;
			break;
		}
		if (!c->host.len) /* else host_before() would change nothing */
			host_before(c, buf, marker_start(buf, p, sizeof " said:" - 1));
		/* A bounce's recipient line pasted alone: "<a@b>: host mx said: 550 ...". */
		if (!c->recipient.len && !c->said_looked && *buf == '<' && !memchr(buf, '\n', (size_t)(p - buf)))
			paragraph_recipient(c, buf, p);
		c->said_looked = 1; /* once: a line of many " said:" costs no more */
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
		c->stat_seen = 1;
		if (c->kind == SMTPCODE_CARRIER_NONE || c->kind == SMTPCODE_CARRIER_SENDMAIL) {
			c->kind = SMTPCODE_CARRIER_SENDMAIL;
			set_reply(c, SMTPCODE_CARRIER_SENDMAIL, after_stat(p, lim));
		}
		{
			enum smtpcode_log_status st = log_status(skip_ws(p, lim), lim);
			if (st == SMTPCODE_LOG_SENT || st == SMTPCODE_LOG_DEFERRED)
				set_log_status(c, st);
		}
		break;
	case SMTPCODE__MARKER_RELAY_EQ:
	case SMTPCODE__MARKER_H_EQ:
		/* Postfix's relay=none: no host was reached. */
		if (!c->host.len && host_field(p, lim, &a, &b) && !(b - a == 4 && (a[0] | 0x20) == 'n' &&
		                                                    (a[1] | 0x20) == 'o' && (a[2] | 0x20) == 'n' &&
		                                                    (a[3] | 0x20) == 'e'))
			set_host(c, a, b);
		break;
	case SMTPCODE__MARKER_STATUS_EQ: /* Postfix's; Sendmail writes stat= */
		set_log_status(c, log_status(p, lim));
		if (c->kind == SMTPCODE_CARRIER_NONE || c->kind == SMTPCODE_CARRIER_SENDMAIL)
			c->kind = SMTPCODE_CARRIER_POSTFIX; /* its dsn= looked like Sendmail's */
		break;
	/* Postfix's reject_warning, the FILTER and HOLD actions of its access
	 * tables ("Sender address triggers FILTER ..."), and the WARN and INFO
	 * actions of its header and body checks ("warning: header Subject: ..."):
	 * the mail was taken. */
	case SMTPCODE__MARKER_REJECT_WARNING:
	case SMTPCODE__MARKER_ACCESS_FILTER:
	case SMTPCODE__MARKER_ACCESS_HOLD:
	case SMTPCODE__MARKER_CHECKS_WARNING_HEADER:
	case SMTPCODE__MARKER_CHECKS_WARNING_BODY:
	case SMTPCODE__MARKER_CHECKS_INFO_HEADER:
	case SMTPCODE__MARKER_CHECKS_INFO_BODY:
		c->warning_only = 1;
		break;
	case SMTPCODE__MARKER_TO_EQ:
	case SMTPCODE__MARKER_FROM_EQ:
		log_address(c, buf, marker_start(buf, p, marker_length[mk]), p, lim, mk == SMTPCODE__MARKER_TO_EQ);
		break;
	case SMTPCODE__MARKER_COMMA_TO_EQ: /* Courier's "error,relay=...,from=<...>,to=<a@b>: 550 ..." */
		log_recipient(c, p, lim);
		break;
	/* Sendmail's "<a@b>... User unknown": the address it refused, then why
	 * (not a sender's, as after "ruleset=check_mail"). */
	case SMTPCODE__MARKER_RECIPIENT_DOTS:
		/* Not the sender's: "<a@b>... Domain of sender address a@b does not exist". */
		if (c->stage != SMTPCODE_STAGE_MAIL && !smtpcode__about_sender((const char *)p, (const char *)lim))
			dots_recipient(c, buf, marker_start(buf, p, marker_length[mk]));
		break;
	/* Postfix's header_checks and body_checks refusal: "reject: header
	 * Subject: ... from host[192.0.2.1]; from=<a@b> to=<c@d> proto=ESMTP
	 * helo=<h>: 5.7.1 Message content rejected". The header's words are the
	 * message's; the reply is after the helo. */
	case SMTPCODE__MARKER_CHECKS_REJECT_HEADER:
	case SMTPCODE__MARKER_CHECKS_REJECT_BODY:
		/* Looked for once: a line of many such words costs no more. */
		if (!c->reply_at && !c->helo_looked && (q = after_helo(p, lim)) != NULL)
			set_reply(c, SMTPCODE_CARRIER_POSTFIX, q);
		c->helo_looked = 1;
		c->rejected = 1;
		break;
	/* Sendmail's own refusal of a client: "ruleset=check_rcpt, arg1=<a@b>,
	 * relay=..., reject=550 5.7.1 <a@b>... Relaying denied". */
	case SMTPCODE__MARKER_REJECT_EQ:
		set_reply(c, SMTPCODE_CARRIER_SENDMAIL, p);
		c->rejected = 1;
		break;
	case SMTPCODE__MARKER_RULESET_MAIL:
		set_stage(c, SMTPCODE_STAGE_MAIL);
		break;
	case SMTPCODE__MARKER_FROM_TO: /* Kerio's "mail from <a@b> to <c@d> rejected" */
		log_recipient(c, p - 1, lim);
		break;
	case SMTPCODE__MARKER_ADDRESS_REJECTED: /* Kerio's "sender <a@b> rejected: ..." */
		c->rejected = 1;
		break;
	/* Dovecot's local delivery: "lda(a@b)<pid><session>: msgid=<...>: saved
	 * mail to INBOX", "lmtp(9610, a@b): ...: msgid=<...>: failed to store
	 * into mailbox 'INBOX': Quota exceeded". Its other lines about the user
	 * (a disconnect) are no delivery's. */
	case SMTPCODE__MARKER_DOVECOT_LDA:
	case SMTPCODE__MARKER_DOVECOT_LMTP:
	case SMTPCODE__MARKER_DOVECOT_DELIVER:
		mda_user(c, p, lim);
		break;
	case SMTPCODE__MARKER_DOVECOT_MSGID:
		c->msgid_seen = 1;
		break;
	case SMTPCODE__MARKER_DOVECOT_SAVED:
	case SMTPCODE__MARKER_DOVECOT_STORED:
		if (c->mda_user.len)
			set_log_status(c, SMTPCODE_LOG_SENT);
		break;
	/* Exim's refusals of what a client sent it: "rejected RCPT <a@b>: ...". */
	case SMTPCODE__MARKER_REJECTED_RCPT:
		log_recipient(c, p, lim);
		set_stage(c, SMTPCODE_STAGE_RCPT);
		c->rejected = 1;
		break;
	case SMTPCODE__MARKER_REJECTED_MAIL:
		set_stage(c, SMTPCODE_STAGE_MAIL);
		c->rejected = 1;
		break;
	case SMTPCODE__MARKER_REJECTED_DATA:
		set_stage(c, SMTPCODE_STAGE_DATA);
		c->rejected = 1;
		break;
	/* The recipient a log line names in other words: Sendmail's
	 * "ruleset=check_rcpt, arg1=<a@b>", Haraka's "recipient <a@b>
	 * rejected", OpenSMTPD's "RCPT TO:<a@b>" => ...", Courier's "addr=<a@b>". */
	case SMTPCODE__MARKER_RULESET_RCPT:
	case SMTPCODE__MARKER_RECIPIENT_WORD:
	case SMTPCODE__MARKER_QUOTED_RCPT:
	case SMTPCODE__MARKER_ADDR_EQ:
	case SMTPCODE__MARKER_RECIPIENT_EQ: /* a policy server's (postgrey's) "recipient=a@b" */
	case SMTPCODE__MARKER_SOME_FAILED:  /* Haraka's "bouncing mail: Some recipients failed: <a@b>" */
	/* A notice's own sentence pasted alone: "The message you sent to a@b
	 * couldn't be delivered due to: ...", "Your message to a@b couldn't be
	 * delivered", "Your message wasn't delivered to a@b because ...". */
	case SMTPCODE__MARKER_MESSAGE_YOU_SENT_TO:
	case SMTPCODE__MARKER_YOUR_MESSAGE_TO:
	case SMTPCODE__MARKER_WASNT_DELIVERED_TO:
	/* Python's smtplib.SMTPRecipientsRefused: "{'a@b': (550, b'5.1.1 ...')}". */
	case SMTPCODE__MARKER_PYTHON_REFUSED:
		log_recipient(c, p, lim);
		break;
	/* qmail-send's report of a delivery, in which '_' stands for each space. */
	case SMTPCODE__MARKER_QMAIL_FAILURE:
	case SMTPCODE__MARKER_QMAIL_DEFERRAL:
	case SMTPCODE__MARKER_QMAIL_SUCCESS:
		if (!c->qmail_at)
			c->qmail_at = (const char *)p;
		set_log_status(c, mk == SMTPCODE__MARKER_QMAIL_FAILURE    ? SMTPCODE_LOG_BOUNCED
		                  : mk == SMTPCODE__MARKER_QMAIL_DEFERRAL ? SMTPCODE_LOG_DEFERRED
		                                                          : SMTPCODE_LOG_SENT);
		break;
	/* What the log did with the message, in each mail system's words:
	 * OpenSMTPD's "relay: PermFail for <id>: ...", "delivery: Ok for <id>:
	 * ..." and its mda's "result=TempFail stat=...", Courier's ",success: ",
	 * Haraka's outbound "[outbound] Temp fail for: Tried all MXs". */
	case SMTPCODE__MARKER_SMTPD_PERMFAIL:
	case SMTPCODE__MARKER_HARAKA_BOUNCING:
	case SMTPCODE__MARKER_RESULT_PERMFAIL:
	case SMTPCODE__MARKER_RESULT_PERMFAIL_QUOTED:
		set_log_status(c, SMTPCODE_LOG_BOUNCED);
		break;
	case SMTPCODE__MARKER_SMTPD_TEMPFAIL:
	case SMTPCODE__MARKER_HARAKA_TEMP_FAIL:
	case SMTPCODE__MARKER_RESULT_TEMPFAIL:
	case SMTPCODE__MARKER_RESULT_TEMPFAIL_QUOTED:
		set_log_status(c, SMTPCODE_LOG_DEFERRED);
		break;
	case SMTPCODE__MARKER_SMTPD_OK:
	case SMTPCODE__MARKER_RESULT_OK:
	case SMTPCODE__MARKER_RESULT_OK_QUOTED:
	case SMTPCODE__MARKER_COURIER_SUCCESS:
		set_log_status(c, SMTPCODE_LOG_SENT);
		break;
	/* amavis's verdict on a message: "(12345-01) Blocked INFECTED (name),
	 * [192.0.2.1] <a@b> -> <c@d>,<e@f>, ..." or "Passed CLEAN": a blocked
	 * message reached none of its recipients. */
	case SMTPCODE__MARKER_AMAVIS_BLOCKED:
	case SMTPCODE__MARKER_AMAVIS_PASSED:
		if (amavis_log_id(buf, marker_start(buf, p, marker_length[mk]))) {
			c->amavis = 1;
			set_log_status(c, mk == SMTPCODE__MARKER_AMAVIS_BLOCKED ? SMTPCODE_LOG_BOUNCED : SMTPCODE_LOG_SENT);
		}
		break;
	/* Stalwart's events: "DSN permanent failure notification
	 * (delivery.dsn-perm-fail) ..., to = "a@b", ..., code = 550, ...". */
	case SMTPCODE__MARKER_STALWART_PERM_FAIL:
		set_log_status(c, SMTPCODE_LOG_BOUNCED);
		break;
	case SMTPCODE__MARKER_STALWART_TEMP_FAIL:
		set_log_status(c, SMTPCODE_LOG_DEFERRED);
		break;
	case SMTPCODE__MARKER_STALWART_SUCCESS:
		set_log_status(c, SMTPCODE_LOG_SENT);
		break;
	/* Kerio's "Sent: Queue-ID: ...,Recipient: <a@b>, Result: delivered,
	 * Status: 2.0.0". */
	case SMTPCODE__MARKER_COMMA_RECIPIENT:
	case SMTPCODE__MARKER_COMMA_SP_RECIPIENT:
		log_recipient(c, p - 1, lim);
		break;
	/* An email service's event as a JSON line: {"email":"a@b", "event":"bounce",
	 * ...}, maddy's {"rcpt":"a@b", ...}, Stalwart's ' to = "a@b"', and
	 * Roundcube's 'SMTP Error (550): Failed to add recipient "a@b" (...)'. */
	case SMTPCODE__MARKER_STALWART_TO:
	case SMTPCODE__MARKER_FAILED_TO_ADD:
	case SMTPCODE__MARKER_JSON_RCPT:
	case SMTPCODE__MARKER_JSON_RCPT_SP:
	case SMTPCODE__MARKER_JSON_EMAIL:
	case SMTPCODE__MARKER_JSON_EMAIL_SP:
	case SMTPCODE__MARKER_JSON_RECIPIENT:
	case SMTPCODE__MARKER_JSON_RECIPIENT_SP:
		log_recipient(c, p, lim);
		break;
	case SMTPCODE__MARKER_JSON_EVENT:
	case SMTPCODE__MARKER_JSON_EVENT_SP:
		set_log_status(c, json_event(p, lim));
		break;
	case SMTPCODE__MARKER_EXIM_BOUNCED:
	case SMTPCODE__MARKER_EXIM_DEFERRED:
	case SMTPCODE__MARKER_EXIM_DELIVERED:
	case SMTPCODE__MARKER_EXIM_ALSO_DELIVERED:
		/* amavis's "<a@b> -> <c@d>": its first recipient. */
		if (c->amavis) {
			a = marker_start(buf, p, marker_length[mk]);
			if (mk == SMTPCODE__MARKER_EXIM_ALSO_DELIVERED && a > buf && a[-1] == '>')
				log_recipient(c, p, lim);
			break;
		}
		exim_line(c, buf, marker_start(buf, p, marker_length[mk]), p, lim,
		          mk == SMTPCODE__MARKER_EXIM_BOUNCED    ? SMTPCODE_LOG_BOUNCED
		          : mk == SMTPCODE__MARKER_EXIM_DEFERRED ? SMTPCODE_LOG_DEFERRED
		                                                 : SMTPCODE_LOG_SENT);
		break;
	/* Exchange's "451 4.4.0 Primary target IP address responded with: "454
	 * 4.7.0 ..." Attempted failover to alternate host, but ...": the quoted
	 * reply is the server's; the words after it, Exchange's own. */
	case SMTPCODE__MARKER_PRIMARY_TARGET:
		if (!c->reply_at) {
			quote_end(c, p, lim);
			set_reply(c, SMTPCODE_CARRIER_EXCHANGE, p);
		}
		break;
	/* Exchange 2010's "Remote Server at mx.example.com (192.0.2.1)
	 * returned '...'", and the French NDR's "Le serveur distant a retourné". */
	case SMTPCODE__MARKER_EXCHANGE_SQ:
	case SMTPCODE__MARKER_EXCHANGE_DQ:
	case SMTPCODE__MARKER_EXCHANGE_AT_SQ:
	case SMTPCODE__MARKER_EXCHANGE_FR_SQ:
		if (!c->reply_at)
			closing_quote(c, p, lim, mk == SMTPCODE__MARKER_EXCHANGE_DQ ? '"' : '\'');
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
	/* qmail ends a line with the enhanced code it means: "(#5.1.1)"; Yahoo!
	 * Japan's in brackets: "[#4.1.9]"; Exchange 2000 and 2003 after the
	 * host that wrote the text: "<mail.example.com #5.1.1>". */
	case SMTPCODE__MARKER_QMAIL_STATUS:
	case SMTPCODE__MARKER_BRACKET_STATUS:
	case SMTPCODE__MARKER_HOST_STATUS:
		if (!c->status.len && enhanced_field(p, lim, &a, &b) && b < lim &&
		    *b == (mk == SMTPCODE__MARKER_QMAIL_STATUS ? ')' : mk == SMTPCODE__MARKER_BRACKET_STATUS ? ']' : '>'))
			set_status(c, SMTPCODE_CARRIER_NONE, a, b);
		break;
	/* Sendmail writes ">>> " before a command it sent and "<<< " before a
	 * reply; MDaemon "--> " and "<-- ". */
	case SMTPCODE__MARKER_SENT_EHLO:
	case SMTPCODE__MARKER_SENT_HELO:
	case SMTPCODE__MARKER_ARROW_EHLO:
	case SMTPCODE__MARKER_ARROW_HELO:
		sent_stage(c, SMTPCODE_STAGE_EHLO, p);
		break;
	case SMTPCODE__MARKER_SENT_MAIL:
	case SMTPCODE__MARKER_ARROW_MAIL:
		sent_stage(c, SMTPCODE_STAGE_MAIL, p);
		break;
	case SMTPCODE__MARKER_SENT_RCPT:
	case SMTPCODE__MARKER_ARROW_RCPT:
		sent_stage(c, SMTPCODE_STAGE_RCPT, p);
		break;
	case SMTPCODE__MARKER_SENT_OTHER: /* QUIT, RSET, ...: the greeting is behind */
	case SMTPCODE__MARKER_ARROW_OTHER:
		c->greeting = 0;
		break;
	case SMTPCODE__MARKER_SENT_DATA:
	case SMTPCODE__MARKER_ARROW_DATA:
		if (c->late_session)
			break;
		/* Not yet the stage: a pipelining client sends MAIL, RCPT and
		 * DATA at once and writes only DATA, so the refusal that follows
		 * may be RCPT's ("<<< 550 5.1.1 <a@example.com>... User unknown"),
		 * then comes DATA's own ("<<< 503 5.5.1 No recipients"). Only
		 * a reply alone after DATA answers it; the classifier counts. */
		c->before_data = c->sent_at;
		c->sent_at = (const char *)p;
		c->greeting = 0;
		c->data_sent = 1;
		c->data_complaint = 0;
		c->replies_after_data = 0;
		break;
	case SMTPCODE__MARKER_GOT_REPLY:
	case SMTPCODE__MARKER_ARROW_GOT:
		if (c->late_session)
			break;
		/* A reply before any command of the session is the greeting. */
		if (c->greeting) {
			sent_stage(c, SMTPCODE_STAGE_CONNECT, p);
			c->greeting = 0;
		}
		if (c->data_sent && c->replies_after_data < 2 && last_reply_line(p, lim)) {
			c->replies_after_data++;
			c->data_complaint |= protocol_complaint(p, lim);
		}
		break;
	/* mFILTER names the command refused on the line after its own
	 * "-------SMTP command". */
	case SMTPCODE__MARKER_COMMAND_FIELD:
		command_named(c, p, lim);
		break;
	case SMTPCODE__MARKER_SENT_DOT: /* the message's end: its reply is end of data's */
	case SMTPCODE__MARKER_ARROW_DOT:
		sent_stage(c, SMTPCODE_STAGE_END_OF_DATA, p);
		break;
	case SMTPCODE__MARKER_HOST_WORD:
		named_host(c, p, lim);
		break;
	case SMTPCODE__MARKER_TALKING_TO:
		if (c->late_session)
			break;
		/* The last session's host is the one that answered. */
		if ((!c->host.len || c->session_host) && host_field(p, lim, &a, &b)) {
			c->host.len = 0;
			set_host(c, a, b);
			c->session_host = 1;
		}
		c->greeting = 1;
		/* Another session: what the last one said and sent is over. */
		if (c->stage_sent)
			c->stage = SMTPCODE_STAGE_UNKNOWN;
		c->sent_at = NULL;
		c->data_sent = 0;
		c->before_data = NULL;
		break;
	/* A delay notice in words: the message is still being retried. */
	case SMTPCODE__MARKER_DELAYED:
	case SMTPCODE__MARKER_WAS_DELAYED:
	case SMTPCODE__MARKER_IS_DELAYED:
	case SMTPCODE__MARKER_NOT_YET:
	case SMTPCODE__MARKER_RETRIED:
	case SMTPCODE__MARKER_KEEP_TRYING:
	case SMTPCODE__MARKER_WILL_RETRY:
		c->delayed = 1;
		break;
	case SMTPCODE__MARKER_SUSPENDED:
		c->suspended = 1;
		break;
	default:
		break;
	}
}

/* Is the colon at `colon` inside a log's key=value field, such as Exim's
 * cipher "X=TLS1.3:TLS_AES_256_GCM_SHA384:256", not after words that
 * introduce a reply ("said:550")? At most 80 bytes back are looked at. */
static int
in_field(const unsigned char *s, const unsigned char *colon)
{
	const unsigned char *q = colon;

	while (q > s && colon - q < 80 && q[-1] != ' ' && q[-1] != '\t') {
		q--;
		if (*q == '=')
			return 1;
	}
	return 0;
}

/* After a code: ", b'" or ", '" (Python's smtplib prints a reply as
 * "(550, b'5.1.1 ...')"). */
static int
python_bytes(const unsigned char *p, const unsigned char *lim)
{
	if (lim - p < 3 || p[0] != ',' || p[1] != ' ')
		return 0;
	p += 2;
	if (*p == 'b')
		p++;
	return p < lim && (*p == '\'' || *p == '"');
}

/* A unit of time after a number ("284 ms"): a duration, not a reply. */
static int
unit_after(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *m;

	/*!re2c
	'ms' | 'msec' | 'sec' | 'secs' | 'seconds' { return p == lim || !is_alnum(*p); }
	* { return 0; }
	$ { return 0; }
	*/
}

/* A telephone number's middle: after a number of its own ("+1 555 0199",
 * "(0) 555-0199"), three digits and, after a space or a dash, two digits
 * or more that end the number ("550 1234567 is not a valid account" and
 * "554 30 seconds ..." start no number before them); or, within a line,
 * three digits, a dash and four ("Fax 555-0198"). */
static int
phone_number(const unsigned char *s, const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *q = p + 4, *b = p;
	int digit = 0;

	while (q < lim && q - p < 16 && (unsigned)*q - '0' < 10u)
		q++;
	if (q - (p + 4) < 2 || (q < lim && (*q == '.' || *q == '@' || is_alnum(*q))))
		return 0;
	/* "Fax 555-0198": a local number, within a line. */
	if (p[3] == '-' && q - (p + 4) == 4 && p > s && p[-1] != '\n')
		return 1;
	/* A few bytes back at most: each candidate code costs a constant. */
	while (b > s && p - b < 2 && b[-1] == ' ')
		b--;
	if (b == p)
		return 0;
	while (b > s && p - b < 12 && ((unsigned)b[-1] - '0' < 10u || b[-1] == '+' || b[-1] == '(' || b[-1] == ')')) {
		digit |= (unsigned)b[-1] - '0' < 10u;
		b--;
	}
	return digit && (b == s || b[-1] == ' ');
}

/* Is the word that ends at `end` (a blank after it) `w`, lower case, in
 * any case? */
static int
word_before(const unsigned char *s, const unsigned char *end, const char *w)
{
	size_t n = strlen(w), i;
	const unsigned char *p;

	if ((size_t)(end - s) < n)
		return 0;
	p = end - n;
	if (p > s && is_alnum(p[-1]))
		return 0;
	for (i = 0; i < n; i++)
		if ((p[i] | 0x20) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Do the three digits at p (the first 2-5) begin a reply code: a word of
 * their own, followed by a space, a dash, a line break or the end? */
static int
code_at(const unsigned char *s, const unsigned char *lim, const unsigned char *p)
{
	const unsigned char *a, *b;
	unsigned before, c3;

	if (*p < '2' || *p > '5')
		return 0;
	before = p > s ? p[-1] : ' ';
	if (is_alnum(before) || before == '.' || before == '-' || before == '_' || before == '=' || before == '/' ||
	    before == '+')
		return 0;
	if (before == ':' && in_field(s, p - 1))
		return 0;
	/* A port after an address: "192.0.2.7:587", "[2001:db8::7]:465". */
	if (before == ':' && p - s >= 2 && ((unsigned)p[-2] - '0' < 10u || p[-2] == ']'))
		return 0;
	/* A number that a word names as something else: "on line 457", "port 465". */
	if (before == ' ' && p - s >= 5 && (word_before(s, p - 1, "line") || word_before(s, p - 1, "port")))
		return 0;
	/* The thousands or the milliseconds of a number ("1,500", a log's
	 * "15:30:23,390"). */
	if (before == ',' && p - s >= 2 && (unsigned)p[-2] - '0' < 10u)
		return 0;
	/* "Office 365", "sent 250 messages", a log's byte count after its
	 * status "(... timed out) 215": a 2xx or 3xx after a word or a closing
	 * parenthesis is prose, unless an enhanced code of its class follows
	 * ("returned 250 2.0.0 OK"). A failure's code after a word stays a code. */
	if (*p <= '3' && p - s >= 2 && before == ' ' && (is_alnum(p[-2]) || p[-2] == ')'))
		return p + 3 < lim && p[3] == ' ' && enhanced_field(p + 4, lim, &a, &b) && a == p + 4 && *a == *p;
	if (p + 3 == lim)
		return 1;
	c3 = p[3];
	if (c3 == ' ' && unit_after(p + 4, lim))
		return 0;
	if ((c3 == ' ' || c3 == '-') && phone_number(s, p, lim))
		return 0;
	if (c3 == ',' && before == '(' && python_bytes(p + 3, lim))
		return 1;
	return c3 == ' ' || c3 == '-' || c3 == '\r' || c3 == '\n' || c3 == '\t';
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
