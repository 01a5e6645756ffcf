/* Finds the reply inside what people paste and what logs hold, and what the
 * carrier says around it: the SMTP stage, the remote host, a DSN status.
 * One pass over the input; keywords are case-insensitive. */
#include <string.h>

#include "carrier.h"

/*!include:re2c "re2c_api.re" */

/*!re2c
	ws = [ \t]*;
	hostchar = [a-zA-Z0-9._-];
	host = hostchar+;
	ip = "[" [0-9a-fA-F.:]+ "]";
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

/* Where the reply starts, the first marker that says so wins. */
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

void
smtpcode__find_carrier(const char *buf, size_t len, struct smtpcode__carrier *c)
{
	const unsigned char *p = (const unsigned char *)buf, *lim = p + len, *m, *a, *b;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	memset(c, 0, sizeof *c);
	for (;;) {
	/*!re2c
	'diagnostic-code:' ws [a-zA-Z0-9-]* ws ";" ws { set_reply(c, SMTPCODE_CARRIER_DSN, p); continue; }
	'status:' ws @a enhanced @b { set_status(c, SMTPCODE_CARRIER_DSN, a, b); continue; }
	'remote-mta:' ws [a-zA-Z0-9-]* ws ";" ws @a host @b {
		set_host(c, a, b);
		if (c->kind == SMTPCODE_CARRIER_NONE)
			c->kind = SMTPCODE_CARRIER_DSN;
		continue;
	}

	'action:' ws 'failed' { c->dsn_class = 5; continue; }
	'action:' ws 'delayed' { c->dsn_class = 4; continue; }
	'action:' ws ('delivered'|'relayed'|'expanded') { c->dsn_class = 2; continue; }

	'host ' @a host @b ([ \t]* ip)? [ \t]+ 'said:' ws { set_host(c, a, b); set_reply(c, SMTPCODE_CARRIER_POSTFIX, p); continue; }
	'host ' @a host @b ([ \t]* ip)? [ \t]+ 'refused to talk to me:' ws {
		set_host(c, a, b);
		set_stage(c, SMTPCODE_STAGE_CONNECT);
		set_reply(c, SMTPCODE_CARRIER_POSTFIX, p);
		continue;
	}
	' said:' ws { set_reply(c, SMTPCODE_CARRIER_POSTFIX, p); continue; }
	'(in reply to rcpt to command)' { set_stage(c, SMTPCODE_STAGE_RCPT); continue; }
	'(in reply to mail from command)' { set_stage(c, SMTPCODE_STAGE_MAIL); continue; }
	'(in reply to end of data command)' { set_stage(c, SMTPCODE_STAGE_END_OF_DATA); continue; }
	'(in reply to data command)' { set_stage(c, SMTPCODE_STAGE_DATA); continue; }
	'(in reply to ' ('ehlo'|'helo'|'lhlo') ' command)' { set_stage(c, SMTPCODE_STAGE_EHLO); continue; }
	'(in reply to ' ('starttls'|'auth'|'xforward'|'xclient') ' command)' { set_stage(c, SMTPCODE_STAGE_EHLO); continue; }

	'smtp error from remote ' ('mail server'|'mailer') ' after ' {
		if (c->kind == SMTPCODE_CARRIER_NONE)
			c->kind = SMTPCODE_CARRIER_EXIM;
		c->exim = 1;
		continue;
	}
	'pipelined '? 'rcpt to:' ws addr? ws ":" ws {
		if (c->exim) {
			set_stage(c, SMTPCODE_STAGE_RCPT);
			set_reply(c, SMTPCODE_CARRIER_EXIM, p);
		}
		continue;
	}
	'mail from:' ws addr? [^:\r\n\x00]* ":" ws {
		if (c->exim) {
			set_stage(c, SMTPCODE_STAGE_MAIL);
			set_reply(c, SMTPCODE_CARRIER_EXIM, p);
		}
		continue;
	}
	'end of data:' ws { if (c->exim) { set_stage(c, SMTPCODE_STAGE_END_OF_DATA); set_reply(c, SMTPCODE_CARRIER_EXIM, p); } continue; }
	'data:' ws { if (c->exim) { set_stage(c, SMTPCODE_STAGE_DATA); set_reply(c, SMTPCODE_CARRIER_EXIM, p); } continue; }
	'initial connection:' ws { if (c->exim) { set_stage(c, SMTPCODE_STAGE_CONNECT); set_reply(c, SMTPCODE_CARRIER_EXIM, p); } continue; }
	('ehlo'|'helo') " " host ":" ws { if (c->exim) { set_stage(c, SMTPCODE_STAGE_EHLO); set_reply(c, SMTPCODE_CARRIER_EXIM, p); } continue; }
	'h=' @a host @b { set_host(c, a, b); continue; }

	'dsn=' @a enhanced @b { set_status(c, SMTPCODE_CARRIER_SENDMAIL, a, b); continue; }
	'stat=' ws ('deferred:' ws)? {
		if (c->kind == SMTPCODE_CARRIER_NONE || c->kind == SMTPCODE_CARRIER_SENDMAIL) {
			c->kind = SMTPCODE_CARRIER_SENDMAIL;
			set_reply(c, SMTPCODE_CARRIER_SENDMAIL, p);
		}
		continue;
	}
	'relay=' @a host @b { set_host(c, a, b); continue; }

	'remote server returned ' ['"] { set_reply(c, SMTPCODE_CARRIER_EXCHANGE, p); continue; }

	* { continue; }
	$ { return; }
	*/
	}
}

/* The first reply code at or after `from`: 3 digits starting 2-5 that begin
 * a word and are followed by a space, a dash, a line break or the end. */
const char *
smtpcode__find_code(const char *buf, size_t len, const char *from)
{
	const unsigned char *s = (const unsigned char *)buf, *lim = s + len;
	const unsigned char *p = (const unsigned char *)from;

	for (; p + 3 <= lim; p++) {
		unsigned c3, before;
		if (*p < '2' || *p > '5')
			continue;
		before = p > s ? p[-1] : ' ';
		if ((before | 0x20u) - 'a' < 26u || before - '0' < 10u || before == '.' || before == '-' ||
		    before == '_' || before == '=' || before == '/' || before == '+')
			continue;
		if ((unsigned)p[1] - '0' >= 10u || (unsigned)p[2] - '0' >= 10u)
			continue;
		if (p + 3 == lim)
			return (const char *)p;
		c3 = p[3];
		if (c3 == ' ' || c3 == '-' || c3 == '\r' || c3 == '\n')
			return (const char *)p;
	}
	return NULL;
}
