/* The hostile-input suite of the library's bounce-message reader
 * (docs/robustness.md): messages that break the rules, are cut short, are
 * huge or nest without end, each with the records and the problems the
 * reader must give. Every message is fed whole and again in pieces of 1 to
 * 97 bytes, and both must give the same; and messages that make each part
 * of the reader work must take the same CPU time a byte at 10x and 100x
 * their size. Table-driven, like hostile.c; also built without Criterion as
 * a single process for valgrind's memcheck (the cases only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"
#include "table_test.h"
#include "text_buffer.h"

static void
add_base64(struct text *t, const char *s, size_t n, size_t line)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, k, col = 0;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)s[i] << 16;
		size_t have = n - i < 3 ? n - i : 3;
		char quad[4];
		if (have > 1)
			v |= (unsigned)(unsigned char)s[i + 1] << 8;
		if (have > 2)
			v |= (unsigned char)s[i + 2];
		for (k = 0; k < 4; k++)
			quad[k] = k <= have ? b64[(v >> (18 - 6 * k)) & 63] : '=';
		add_bytes(t, quad, 4);
		col += 4;
		if (line && col >= line) {
			add_bytes(t, "\n", 1);
			col = 0;
		}
	}
	add_bytes(t, "\n", 1);
}

/* ---- the cases ---- */

enum shape {
	NESTED,          /* the report inside `n` levels of multipart/mixed */
	NO_STATUS_PART,  /* a multipart/report with no delivery-status part, its text naming nobody */
	UNCLOSED,        /* the report's closing boundary never comes */
	HEADER_ONLY,     /* the message ends inside its header */
	EMPTY_MESSAGE,
	RECIPIENTS,      /* `n` recipients in one delivery-status part */
	HUGE_GROUP,      /* one recipient whose Diagnostic-Code is folded over `n` lines */
	BASE64_NOISE,    /* a base64 delivery-status part with junk between the characters */
	NO_ADDRESS,      /* Final-Recipient: rfc822; and nothing after it */
	LONG_BOUNDARY,   /* a boundary parameter of `n` characters */
	QP_GROUPS,       /* two recipients in a quoted-printable delivery-status part */
	RUN_TOGETHER,    /* two recipient groups with no blank line between them */
	BASE64_ONE_LINE, /* `n` recipients, base64 on one line */
	BASE64_CHUNKS,   /* base64 encoded in pieces, each padded, then joined */
	LONG_RECIPIENT,  /* a recipient address of `n` bytes */
	BIG_ATTACHMENT,  /* the report, then an attachment of `n` bytes in base64 */
	MANY_PARTS,      /* `n` text parts before the delivery-status part */
	BASE64_GARBAGE,  /* a base64 delivery-status part of random bytes */
	CUT_IN_GROUP,    /* two recipients, the message cut inside the second's group */
	CR_ONLY,         /* old Mac line ends: CR and no LF */
	ODD_HEADER,      /* the report after an odd header: see `n` (ODD_*) */
	TEXT_RECIPIENTS, /* an old-style bounce naming `n` recipients in its text */
	FORWARDED,       /* a bounce forwarded whole inside a person's message */
	HEADERS_NOT_REPLIES, /* a bounce whose returned header is full of SPF, DKIM and virus words */
	NAMED_AGAIN,     /* an old-style bounce whose second recipient's `n` lines name the first */
};

enum { ODD_BLANK_FIRST, ODD_BOM, ODD_SPACE_COLON, ODD_LONG_NAME, ODD_8BIT_NAME, ODD_NO_COLON };

struct message_case {
	const char *name;
	enum shape shape;
	size_t n;
	long expect_records;
	unsigned expect_problems;    /* exactly these smtpcode_message_problem bits */
	const char *expect_first;    /* the first record's address; NULL: not checked */
	int expect_cut;              /* of the first record */
	const char *expect_reasons;  /* the reasons of the first records, space-separated; NULL: not checked */
};

static const struct message_case message_cases[] = {
	{"a report 31 multiparts deep", NESTED, 30, 1, 0, "user0@example.com", 0, "user-unknown"},
	{"a report 33 multiparts deep", NESTED, 32, 0, SMTPCODE_MESSAGE_TOO_DEEP | SMTPCODE_MESSAGE_NO_REPORT, NULL, 0, NULL},
	{"a report 101 multiparts deep", NESTED, 100, 0, SMTPCODE_MESSAGE_TOO_DEEP | SMTPCODE_MESSAGE_NO_REPORT, NULL, 0,
	 NULL},
	{"a report 10 001 multiparts deep", NESTED, 10000, 0, SMTPCODE_MESSAGE_TOO_DEEP | SMTPCODE_MESSAGE_NO_REPORT, NULL,
	 0, NULL},
	{"a report with no delivery-status part, naming nobody", NO_STATUS_PART, 0, 0, SMTPCODE_MESSAGE_NO_RECIPIENT, NULL,
	 0, NULL},
	{"no closing boundary", UNCLOSED, 0, 1, SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY, "user0@example.com", 0, NULL},
	{"a message that ends in its header", HEADER_ONLY, 0, 0, SMTPCODE_MESSAGE_TRUNCATED | SMTPCODE_MESSAGE_NO_REPORT,
	 NULL, 0, NULL},
	{"an empty message", EMPTY_MESSAGE, 0, 0, SMTPCODE_MESSAGE_EMPTY, NULL, 0, NULL},
	{"100 000 recipients", RECIPIENTS, 100000, 100000, 0, "user0@example.com", 0, NULL},
	{"a recipient's fields over 64 KiB", HUGE_GROUP, 20000, 1, SMTPCODE_MESSAGE_CUT, "user0@example.com", 1, NULL},
	{"base64 with junk between the characters", BASE64_NOISE, 0, 1, SMTPCODE_MESSAGE_BAD_BASE64,
	 "user0@example.com", 0, "user-unknown"},
	{"a Final-Recipient with no address", NO_ADDRESS, 0, 1, 0, "", 0, "user-unknown"},
	{"a boundary of 10 000 characters", LONG_BOUNDARY, 10000, 0,
	 SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY | SMTPCODE_MESSAGE_NO_RECIPIENT | SMTPCODE_MESSAGE_LONG_FIELD, NULL, 0, NULL},
	{"two recipients in a quoted-printable part", QP_GROUPS, 0, 2, 0, "user0@example.com", 0,
	 "user-unknown mailbox-full"},
	{"two recipient groups run together", RUN_TOGETHER, 0, 2, 0, "user0@example.com", 0, "user-unknown mailbox-full"},
	{"1 500 recipients, base64 on one line", BASE64_ONE_LINE, 1500, 1500, 0, "user0@example.com", 0, NULL},
	{"base64 in padded pieces", BASE64_CHUNKS, 0, 2, 0, "user0@example.com", 0, "user-unknown mailbox-full"},
	{"a recipient of 2 000 bytes", LONG_RECIPIENT, 2000, 1, SMTPCODE_MESSAGE_CUT, NULL, 1, NULL},
	{"a 10 MB attachment after the report", BIG_ATTACHMENT, 10 << 20, 1, 0, "user0@example.com", 0, NULL},
	{"10 000 MIME parts", MANY_PARTS, 10000, 1, 0, "user0@example.com", 0, NULL},
	{"base64 garbage", BASE64_GARBAGE, 100000, 0, SMTPCODE_MESSAGE_NO_RECIPIENT | SMTPCODE_MESSAGE_BAD_BASE64, NULL,
	 0, NULL},
	{"cut inside the second recipient's group", CUT_IN_GROUP, 0, 2, SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY,
	 "user0@example.com", 0, "user-unknown mailbox-full"},
	{"CR-only line ends", CR_ONLY, 0, 2, 0, "user0@example.com", 0, "user-unknown mailbox-full"},
	{"a blank line before the header", ODD_HEADER, ODD_BLANK_FIRST, 2, 0, "user0@example.com", 0, NULL},
	{"a byte-order mark first", ODD_HEADER, ODD_BOM, 2, 0, "user0@example.com", 0, NULL},
	{"Content-Type : with a blank before the colon", ODD_HEADER, ODD_SPACE_COLON, 2, 0, "user0@example.com", 0, NULL},
	{"a header field name of 100 bytes", ODD_HEADER, ODD_LONG_NAME, 2, 0, "user0@example.com", 0, NULL},
	{"an 8-bit header field name", ODD_HEADER, ODD_8BIT_NAME, 2, 0, "user0@example.com", 0, NULL},
	{"a header line without a colon", ODD_HEADER, ODD_NO_COLON, 2, 0, "user0@example.com", 0, NULL},
	{"an old-style bounce naming 3 recipients", TEXT_RECIPIENTS, 3, 3, 0, "user0@example.com", 0,
	 "user-unknown mailbox-full user-unknown"},
	{"an old-style bounce naming 1 000 recipients", TEXT_RECIPIENTS, 1000, 1000, 0, "user0@example.com", 0, NULL},
	{"a bounce forwarded inside a message", FORWARDED, 0, 1, 0, "user0@example.com", 0, "user-unknown"},
	{"a returned header full of SPF, DKIM and virus words", HEADERS_NOT_REPLIES, 0, 1, 0, "user0@example.com", 0,
	 "user-unknown"},
	{"the first recipient named again in 200 KiB of the second's text", NAMED_AGAIN, 4000, 3,
	 SMTPCODE_MESSAGE_CUT | SMTPCODE_MESSAGE_TEXT_DROPPED, "user0@example.com", 1, "user-unknown mailbox-full user-unknown"},
};

static void
add_group(struct text *t, size_t i)
{
	if (i % 2 == 0)
		add(t, "Final-Recipient: rfc822; user%zu@example.com\nAction: failed\nStatus: 5.1.1\n"
		       "Diagnostic-Code: smtp; 550 5.1.1 <user%zu@example.com>: User unknown\n\n", i, i);
	else
		add(t, "Final-Recipient: rfc822; user%zu@example.com\nAction: failed\nStatus: 5.2.2\n"
		       "Diagnostic-Code: smtp; 552 5.2.2 <user%zu@example.com>: Mailbox full\n\n", i, i);
}

static void
add_report(struct text *t, const char *boundary, int status_part, int closed)
{
	add(t, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"%s\"\n\n", boundary);
	add(t, "--%s\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n", boundary);
	if (status_part) {
		add(t, "--%s\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n", boundary);
		add_group(t, 0);
	}
	add(t, "--%s\nContent-Type: message/rfc822\n\nSubject: the original\n\nHello.\n", boundary);
	if (closed)
		add(t, "--%s--\n", boundary);
}

static const char dsn_head[] = "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                               "--b\nContent-Type: message/delivery-status\n";

static void
build(const struct message_case *c, struct text *t)
{
	struct text inner = {NULL, 0, 0};
	size_t i;

	if (c->shape == ODD_HEADER) {
		if (c->n == ODD_BLANK_FIRST)
			add(t, "\n");
		else if (c->n == ODD_BOM)
			add(t, "\xef\xbb\xbf");
	}
	if (c->shape != EMPTY_MESSAGE && c->shape != FORWARDED)
		add(t, "From: MAILER-DAEMON@example.org\nTo: sender@example.net\nSubject: Undelivered\nMIME-Version: 1.0\n");
	switch (c->shape) {
	case NESTED:
		for (i = 0; i < c->n; i++)
			add(t, "Content-Type: multipart/mixed; boundary=\"n%zu\"\n\n--n%zu\n", i, i);
		add_report(t, "report", 1, 1);
		for (i = c->n; i-- > 0;)
			add(t, "--n%zu--\n", i);
		break;
	case NO_STATUS_PART:
		add_report(t, "report", 0, 1);
		break;
	case UNCLOSED:
		add_report(t, "report", 1, 0);
		break;
	case HEADER_ONLY:
		add(t, "Content-Type: multipart/report; boundary=x\n");
		break;
	case EMPTY_MESSAGE:
		break;
	case RECIPIENTS:
	case CUT_IN_GROUP:
		add(t, "%s\nReporting-MTA: dns; mx.example.org\n\n", dsn_head);
		for (i = 0; i < (c->shape == RECIPIENTS ? c->n : 2); i++)
			add_group(t, i);
		if (c->shape == RECIPIENTS)
			add(t, "--b--\n");
		else
			t->len -= 30; /* into the second group's Diagnostic-Code */
		break;
	case HUGE_GROUP:
		add(t, "%s\nFinal-Recipient: rfc822; user0@example.com\nAction: failed\nDiagnostic-Code: smtp; 550 5.1.1",
		    dsn_head);
		for (i = 0; i < c->n; i++)
			add(t, "\n    user unknown");
		add(t, "\n\n--b--\n");
		break;
	case BASE64_NOISE:
		add_group(&inner, 0);
		add(t, "%sContent-Transfer-Encoding: base64\n\n", dsn_head);
		for (i = 0; i < inner.len; i += 3) {
			add_base64(t, inner.s + i, inner.len - i < 3 ? inner.len - i : 3, 0);
			t->len--; /* its line break */
			add(t, (i / 3) % 5 == 0 ? " !*" : "");
		}
		add(t, "\n--b--\n");
		break;
	case NO_ADDRESS:
		add(t, "%s\nFinal-Recipient: rfc822;\nAction: failed\nStatus: 5.1.1\n\n--b--\n", dsn_head);
		break;
	case LONG_BOUNDARY:
		add(t, "Content-Type: multipart/report; boundary=\"");
		for (i = 0; i < c->n; i++)
			add(t, "%c", 'a' + (int)(i % 26));
		add(t, "\"\n\nthe body\n");
		break;
	case QP_GROUPS:
		add(t, "%sContent-Transfer-Encoding: quoted-printable\n\n", dsn_head);
		add(t, "Final-Recipient: rfc822; user0@example.com\nAction: failed\nStatus: 5.1.1\n"
		       "Diagnostic-Code: smtp; 550 5.1.1 <user0@example.com>: User unk=\nnown\n\n"
		       "Final-Recipient: rfc822; user1@example.com\nAction: failed\nStatus: 5.2.2\n"
		       "Diagnostic-Code: smtp; 552 5.2.2 Mailbox =3D full\n\n--b--\n");
		break;
	case RUN_TOGETHER:
		add(t, "%s\n", dsn_head);
		add_group(t, 0);
		t->len--; /* no blank line */
		add_group(t, 1);
		add(t, "--b--\n");
		break;
	case BASE64_ONE_LINE:
	case BASE64_CHUNKS:
		for (i = 0; i < (c->shape == BASE64_CHUNKS ? 2 : c->n); i++)
			add_group(&inner, i);
		add(t, "%sContent-Transfer-Encoding: base64\n\n", dsn_head);
		if (c->shape == BASE64_ONE_LINE) {
			add_base64(t, inner.s, inner.len, 0);
		} else {
			/* Pieces of 4, 5, 6, ... bytes, each padded on its own. */
			size_t at = 0, k = 4;
			while (at < inner.len) {
				size_t n = inner.len - at < k ? inner.len - at : k;
				add_base64(t, inner.s + at, n, 0);
				at += n;
				k++;
			}
		}
		add(t, "--b--\n");
		break;
	case LONG_RECIPIENT:
		add(t, "%s\nFinal-Recipient: rfc822; ", dsn_head);
		for (i = 0; i < c->n; i++)
			add(t, "u");
		add(t, "@example.com\nAction: failed\nStatus: 5.1.1\n\n--b--\n");
		break;
	case BIG_ATTACHMENT:
		add(t, "%s\n", dsn_head);
		add_group(t, 0);
		add(t, "--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n");
		for (i = 0; i < c->n / 57; i++)
			add(t, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n");
		add(t, "--b--\n");
		break;
	case MANY_PARTS:
		add(t, "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n");
		for (i = 0; i < c->n; i++)
			add(t, "--b\nContent-Type: text/plain\n\npart %zu: User unknown, mailbox full.\n", i);
		add(t, "--b\nContent-Type: message/delivery-status\n\n");
		add_group(t, 0);
		add(t, "--b--\n");
		break;
	case BASE64_GARBAGE: {
		unsigned x = 12345;
		add(t, "%sContent-Transfer-Encoding: base64\n\n", dsn_head);
		for (i = 0; i < c->n; i++) {
			char ch;
			x = x * 1103515245u + 12345u;
			ch = (char)(x >> 16);
			add_bytes(t, ch == '\n' || ch == '-' ? "." : &ch, 1);
			if (i % 76 == 75)
				add(t, "\n");
		}
		add(t, "\n--b--\n");
		break;
	}
	case CR_ONLY: {
		size_t from = t->len;
		add(t, "%s\n", dsn_head);
		add_group(t, 0);
		add_group(t, 1);
		add(t, "--b--\n");
		for (i = 0; i < t->len; i++)
			if (t->s[i] == '\n')
				t->s[i] = '\r';
		(void)from;
		break;
	}
	case ODD_HEADER:
		if (c->n == ODD_SPACE_COLON)
			add(t, "Content-Type : multipart/report; report-type=delivery-status; boundary=b\n\n");
		else {
			if (c->n == ODD_LONG_NAME) {
				for (i = 0; i < 100; i++)
					add(t, "X");
				add(t, ": a long name\n");
			} else if (c->n == ODD_8BIT_NAME) {
				add(t, "X-\xc3\xa9t\xc3\xa9: value\n");
			} else if (c->n == ODD_NO_COLON) {
				add(t, "this line has no colon\n");
			}
			add(t, "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n");
		}
		add(t, "--b\nContent-Type: message/delivery-status\n\n");
		add_group(t, 0);
		add_group(t, 1);
		add(t, "--b--\n");
		break;
	case TEXT_RECIPIENTS:
		add(t, "\nHi. This is the qmail-send program at mx.example.org.\n"
		       "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
		       "This is a permanent error; I've given up. Sorry it didn't work out.\n\n");
		for (i = 0; i < c->n; i++)
			add(t, "<user%zu@example.com>:\n192.0.2.1 does not like recipient.\nRemote host said: %s\n"
			       "Giving up on 192.0.2.1.\n\n",
			    i, i % 3 == 1 ? "552 5.2.2 Mailbox full" : "550 5.1.1 No such user");
		add(t, "--- Below this line is a copy of the message.\n\nReturn-Path: <sender@example.net>\n"
		       "Received: from user9999@example.com by mx.example.net\nTo: other@example.com\n\n"
		       "Please write to user9999@example.com.\n");
		break;
	case NAMED_AGAIN:
		add(t, "\nHi. This is the qmail-send program at mx.example.org.\n\n"
		       "<user0@example.com>:\nRemote host said: 550 5.1.1 No such user\n\n"
		       "<user1@example.com>:\nRemote host said: 552 5.2.2 Mailbox full\n");
		for (i = 0; i < c->n; i++)
			add(t, "Tried %zu times, as for user0@example.com, and gave up.\n", i);
		add(t, "\n<user2@example.com>:\nRemote host said: 550 5.1.1 No such user\n\n"
		       "--- Below this line is a copy of the message.\n\nTo: other@example.com\n\nHello.\n");
		break;
	case FORWARDED:
		add(t, "From: Person <person@example.net>\nTo: admin@example.net\nSubject: Fwd: look at this\n"
		       "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: text/plain\n\n"
		       "Why did this bounce? Write to me at person@example.net.\n\n--outer\n"
		       "Content-Type: message/rfc822\n\n"
		       "From: MAILER-DAEMON@example.org\nTo: person@example.net\nSubject: Undelivered Mail\n");
		add_report(t, "inner", 1, 1);
		add(t, "--outer--\n");
		break;
	case HEADERS_NOT_REPLIES:
		add(t, "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n"
		       "Received-SPF: pass (spf check)\nAuthentication-Results: mx; dkim=fail; spf=fail\n"
		       "X-Virus-Scanned: ClamAV found a virus\n\n"
		       "--b\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n\n"
		       "--b\nContent-Type: message/delivery-status\n\n");
		add_group(t, 0);
		add(t, "--b\nContent-Type: text/rfc822-headers\n\nReceived-SPF: fail\nDKIM-Signature: v=1; broken\n"
		       "X-Virus: Eicar-Test-Signature found\nContent-Transfer-Encoding: 8bit\n\n--b--\n");
		break;
	}
	free(inner.s);
}

/* ---- running a case ---- */

struct seen {
	long records;
	char first[96];
	int first_cut;
	char reasons[96];
	int numbered; /* the records came with index 1, 2, ... */
	int in_order; /* and with lines that never go back */
	uint64_t last_line;
};

static void
on_record(void *ctx, const struct smtpcode_recipient *r)
{
	struct seen *s = ctx;
	size_t n = strlen(s->reasons);

	if (r->index != (unsigned)(s->records + 1))
		s->numbered = 0;
	if (r->line < s->last_line)
		s->in_order = 0;
	s->last_line = r->line;
	if (s->records++ == 0) {
		snprintf(s->first, sizeof s->first, "%.*s", (int)(r->address.len < 90 ? r->address.len : 90),
		         r->address.ptr ? r->address.ptr : "");
		s->first_cut = (r->flags & SMTPCODE_RECIPIENT_CUT) != 0;
	}
	if (s->records <= 3 && n + 24 < sizeof s->reasons)
		snprintf(s->reasons + n, sizeof s->reasons - n, "%s%s", n ? " " : "", smtpcode_reason_name(r->result.reason));
}

/* Reads t in pieces of at most `piece` bytes (0: whole; SIZE_MAX: 1 to 97 at random). */
static unsigned
read_message(const struct text *t, size_t piece, struct seen *s, long *count)
{
	static struct smtpcode_message m;
	size_t at = 0;
	unsigned x = 7;

	memset(s, 0, sizeof *s);
	s->numbered = 1;
	s->in_order = 1;
	smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, on_record, s);
	while (at < t->len) {
		size_t k = t->len - at;
		if (piece == (size_t)-1) {
			x = x * 1103515245u + 12345u;
			k = (x >> 16) % 97 + 1;
		} else if (piece) {
			k = piece;
		}
		if (k > t->len - at)
			k = t->len - at;
		smtpcode_message_feed(&m, t->s + at, k);
		at += k;
	}
	*count = smtpcode_message_end(&m);
	return smtpcode_message_problems(&m);
}

static const char *
run_message_case(const struct message_case *c, char *why, size_t why_size)
{
	struct text t = {NULL, 0, 0};
	struct seen s, pieces;
	long count, count2;
	unsigned problems, problems2;

	add(&t, "%s", "");
	build(c, &t);
	problems = read_message(&t, 0, &s, &count);
	/* Huge messages in pieces of 4 KiB, the others in random small pieces. */
	problems2 = read_message(&t, t.len > 1000000 ? 4096 : (size_t)-1, &pieces, &count2);
	free(t.s);
	why[0] = '\0';
	if (count != s.records)
		snprintf(why, why_size, "smtpcode_message_end() says %ld records, %ld were handed on", count, s.records);
	else if (!s.numbered)
		snprintf(why, why_size, "the records' index does not count 1, 2, ...");
	else if (!s.in_order || !pieces.in_order)
		snprintf(why, why_size, "a record's line comes before the one handed on before it");
	else if (s.records != c->expect_records)
		snprintf(why, why_size, "%ld records, expected %ld", s.records, c->expect_records);
	else if (problems != c->expect_problems)
		snprintf(why, why_size, "problems %#x, expected %#x", problems, c->expect_problems);
	else if (c->expect_first && strcmp(s.first, c->expect_first) != 0)
		snprintf(why, why_size, "first recipient \"%s\", expected \"%s\"", s.first, c->expect_first);
	else if (s.records && s.first_cut != c->expect_cut)
		snprintf(why, why_size, "cut %d, expected %d", s.first_cut, c->expect_cut);
	else if (c->expect_reasons && strcmp(s.reasons, c->expect_reasons) != 0)
		snprintf(why, why_size, "reasons \"%s\", expected \"%s\"", s.reasons, c->expect_reasons);
	else if (pieces.records != s.records || problems2 != problems || strcmp(pieces.first, s.first) != 0 ||
	         strcmp(pieces.reasons, s.reasons) != 0 || count2 != count)
		snprintf(why, why_size, "in pieces: %ld records, problems %#x, first \"%s\", reasons \"%s\"",
		         pieces.records, problems2, pieces.first, pieces.reasons);
	return why[0] ? why : NULL;
}

/* ---- linear time (Criterion only: under memcheck it would take an hour) ---- */

#ifdef HOSTILE_CRITERION

/* Messages that make each part of the reader work: a prefix (a header, the
 * start of a part), then a unit over and over. */
struct message_shape {
	const char *name, *prefix, *unit;
};

#define BOUNCE "From: MAILER-DAEMON@example.org\nSubject: failure notice\n"
#define REPORT BOUNCE "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"

static const struct message_shape message_shapes[] = {
	{"a recipient line and its reply", BOUNCE "\n", "<u@example.com>:\n550 5.1.1 No such user\n"},
	{"addresses on one line", BOUNCE "\n<u@example.com>:\n", "u@example.com "},
	{"addresses in angle brackets", BOUNCE "\n", "to <a@example.com> "},
	{"header fields in the report", BOUNCE "\n", "To: a@example.com\nSubject: x\n"},
	{"a returned header", BOUNCE "\nNo such user.\n\nReceived: from x\n", "X-A: b\n"},
	{"a folded header field", BOUNCE "X-Long: a\n", " b\n"},
	{"HTML tags and entities", BOUNCE "Content-Type: text/html\n\n", "<p>&amp;<br x>&#65;<!-- c -->"},
	{"quoted-printable", BOUNCE "Content-Transfer-Encoding: quoted-printable\n\n", "a=3D=\n"},
	{"base64 in a delivery-status part", REPORT "--b\nContent-Type: message/delivery-status\n"
	 "Content-Transfer-Encoding: base64\n\n", "QUJD"},
	{"delivery-status groups", REPORT "--b\nContent-Type: message/delivery-status\n\n",
	 "Final-Recipient: rfc822; u@example.com\nAction: failed\nStatus: 5.1.1\n\n"},
	{"a Diagnostic-Code folded on and on", REPORT "--b\nContent-Type: message/delivery-status\n\n"
	 "Final-Recipient: rfc822; u@example.com\nDiagnostic-Code: smtp; 550", " user unknown\n"},
	{"parts with no header", REPORT, "--b\n\nx\n"},
	{"boundary look-alikes in a preamble", REPORT, "--c\nContent-X: y\n"},
	{"ISO-2022-JP escapes", BOUNCE "Content-Type: text/plain; charset=iso-2022-jp\n\n", "\x1b$B$3\x1b(Ba\n"},
	{"JSON recipients", BOUNCE "\n{\"bouncedRecipients\":[", "{\"emailAddress\":\"u@example.com\",\"status\":\"5.1.1\"},"},
	{"escaped JSON in an envelope", BOUNCE "\n{\"Message\" : \"{\\\"bounce\\\":[", "{\\\"a\\\":\\\"b\\\"},"},
	{"an mbox From line look-alike", BOUNCE "\n", "From a b 10:00 2026\n"},
	{"CR-only line ends", BOUNCE "\r", "<u@example.com>: 550 5.1.1 x\r"},
	{"blank lines", BOUNCE "\n", "\n"},
};

static const size_t shape_sizes[] = {16384, 163840, 1638400};
#define SHAPE_SLACK 4.0

static double
cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static void
on_nothing(void *ctx, const struct smtpcode_recipient *r)
{
	(void)ctx;
	(void)r;
}

/* CPU seconds a byte to read buf[0..len) as a message: the best of 3
 * rounds of at least 20 ms, each cut short once it is over `enough` a byte
 * (so that one round that the scheduler interrupted does not decide alone). */
static double
read_per_byte(const char *buf, size_t len, double enough)
{
	static struct smtpcode_message m;
	double best = 0;
	int round;

	for (round = 0; round < 3; round++) {
		double t0 = cpu_seconds(), t;
		size_t runs = 0;
		do {
			smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, on_nothing, NULL);
			smtpcode_message_feed(&m, buf, len);
			smtpcode_message_end(&m);
			runs++;
			t = cpu_seconds() - t0;
			if (t / (double)(runs * len) > enough)
				break;
		} while (t < 0.02);
		t /= (double)(runs * len);
		if (round == 0 || t < best)
			best = t;
	}
	return best;
}

/* Fails when a byte takes more than SHAPE_SLACK times longer at 10x and
 * 100x the size than at 1x: CPU time ratios in one process, never an
 * absolute time. */
static const char *
run_shape(const struct message_shape *sh, char *why, size_t why_size)
{
	size_t max = shape_sizes[COUNT_OF(shape_sizes) - 1], i, o, n = strlen(sh->prefix), unit = strlen(sh->unit);
	char *buf = malloc(max);
	double base, t;

	if (!buf)
		return "out of memory";
	memcpy(buf, sh->prefix, n);
	for (o = n; o < max; o += n) {
		n = max - o < unit ? max - o : unit;
		memcpy(buf + o, sh->unit, n);
	}
	why[0] = '\0';
	base = read_per_byte(buf, shape_sizes[0], 1e9);
	for (i = 1; i < COUNT_OF(shape_sizes) && !why[0]; i++) {
		t = read_per_byte(buf, shape_sizes[i], SHAPE_SLACK * base);
		if (t > SHAPE_SLACK * base)
			snprintf(why, why_size, "%.2f ns a byte at %zu bytes, %.2f at %zu: work grows with the size",
			         t * 1e9, shape_sizes[i], base * 1e9, shape_sizes[0]);
	}
	free(buf);
	return why[0] ? why : NULL;
}

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

TABLE_TEST(hostile_message, message, message_cases, run_message_case)
TABLE_TEST(hostile_message, linear_time, message_shapes, run_shape)
#else
/* A single process for valgrind: every case, TAP on stdout. */
int
main(void)
{
	size_t n = 0, failed = 0;

	TABLE_TAP(message_cases, run_message_case, n, failed);
	printf("1..%zu\n", n);
	return failed ? 1 : 0;
}
#endif
