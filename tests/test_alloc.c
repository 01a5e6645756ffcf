/* Proves the library never allocates: malloc and friends are interposed and
 * count calls while the library runs. It links the static library, whose
 * internal functions (the charset decoders) it calls too. Not built under
 * sanitizers, which interpose the same functions themselves (the symbol
 * check covers that build). */
#include <criterion/criterion.h>
#include <string.h>

#include "charset.h"
#include "smtpcode.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile int calls;

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

void *
malloc(size_t n)
{
	if (counting)
		calls++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (counting)
		calls++;
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (counting)
		calls++;
	return __libc_realloc(p, n);
}

void
free(void *p)
{
	if (counting && p)
		calls++;
	__libc_free(p);
}

static int records_read;

static void
no_record(void *ctx, const struct smtpcode_recipient *r)
{
	(void)ctx;
	(void)r;
	records_read++;
}

static void
exercise_library(void)
{
	static const char *const codes[] = {"5.1.1", "X.7.26", "5.X.X", "X.2.X", "5.01.1", "", "4.9.9"};
	size_t i;
	unsigned code;
	struct smtpcode_enhanced_code ec;

	for (code = 0; code < 1000; code++) {
		const struct smtpcode_basic *b = smtpcode_basic_lookup(code);
		if (b) {
			(void)smtpcode_text(b->meaning);
			(void)smtpcode_list_at(b->causes, 0);
		}
	}
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		(void)smtpcode_enhanced_lookup(codes[i], strlen(codes[i]));
		(void)smtpcode_enhanced_parse(codes[i], strlen(codes[i]), &ec);
		(void)smtpcode_basic_parse(codes[i], strlen(codes[i]), &code);
		(void)smtpcode_strerror(smtpcode_enhanced_parse(codes[i], strlen(codes[i]), &ec));
	}
	for (i = 0; i < smtpcode_enhanced_count(); i++) {
		const struct smtpcode_enhanced *e = smtpcode_enhanced_at(i);
		(void)smtpcode_enhanced_bounce(e, 5);
		(void)smtpcode_text(e->title);
	}
	for (i = 0; i < SMTPCODE_REASON_COUNT; i++) {
		const char *n = smtpcode_reason_name((enum smtpcode_reason)i);
		(void)smtpcode_reason_from_name(n, strlen(n));
		(void)smtpcode_reason_description((enum smtpcode_reason)i);
	}
	{
		static const char *const texts[] = {
			"550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
			"550-5.7.1 first line\r\n550 5.7.1 blocked using zen.spamhaus.org\r\n",
			"Diagnostic-Code: smtp; 421 4.7.0 [TSS04] deferred",
			"host mx.example.com[192.0.2.1] said: 554 5.7.606 banned (in reply to RCPT TO command)",
			"dsn=5.1.1, stat=User unknown", "", "hello",
		};
		struct smtpcode_result r;
		struct smtpcode_reply reply;
		struct smtpcode_span text;
		size_t k, pos;
		for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
			(void)smtpcode_classify(texts[k], strlen(texts[k]), SMTPCODE_STAGE_RCPT, "mx.example.com", 14, &r);
			(void)smtpcode_parse_reply(texts[k], strlen(texts[k]), &reply);
			pos = 0;
			while (smtpcode_reply_next_text(&reply, &pos, &text))
				;
		}
		(void)smtpcode_stage_from_name("rcpt", 4);
	}
	{
		/* The charset decoders (src/charset.h): every charset, whole and a
		 * byte a call; names; encoded words. */
		static const char mixed[] = "a\xe9\x82\xa0\x1b$B0!\x1b(B\x81\x30\x81\x30\xc3\xa9\xf0\x9f\x93\x1b$(D\xff";
		static const char words[] = "=?iso-2022-jp?B?GyRCJCI=?= =?utf-8?q?x=C3?= =?bogus?b?eA==?= y \xff";
		char out[SMTPCODE__DECODE_CAP(sizeof mixed) + SMTPCODE__DECODE_END_CAP];
		struct smtpcode__decoder d;
		size_t k, used;
		int cs;
		for (cs = 0; cs < SMTPCODE__CHARSET_COUNT; cs++) {
			smtpcode__decoder_init(&d, cs);
			(void)smtpcode__decode(&d, mixed, sizeof mixed - 1, out, sizeof out, &used);
			(void)smtpcode__decode_end(&d, out, sizeof out);
			for (k = 0; k < sizeof mixed - 1; k++)
				(void)smtpcode__decode(&d, mixed + k, 1, out, sizeof out, &used);
			(void)smtpcode__decode_end(&d, out, sizeof out);
			(void)smtpcode__charset_name(cs);
		}
		(void)smtpcode__charset_from_name("ks_c_5601-1987", 14);
		(void)smtpcode__decode_words(words, sizeof words - 1, out, sizeof out);
	}
	{
		/* The bounce-message reader: a DSN in base64 and quoted-printable, an
		 * old-style bounce in ISO-2022-JP and in HTML, a JSON notification, a
		 * feedback report, an automatic reply, an mbox; whole and a byte at
		 * a time. */
		static const char *const messages[] = {
			"From: MAILER-DAEMON@example.org\nContent-Type: multipart/report; report-type=delivery-status; "
			"boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
			"quoted-printable\n\n<a@example.com>: User unknown =E9=\ntoo\n--b\nContent-Type: "
			"message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
			"RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFAZXhhbXBsZS5jb20KQWN0aW9uOiBmYWlsZWQKU3RhdHVzOiA1LjAuMAo=\n"
			"--b\nContent-Type: message/rfc822\n\nTo: a@example.com\n\nhi\n--b--\n",
			"From: MAILER-DAEMON@example.jp\nSubject: =?ISO-2022-JP?B?GyRCJEckOSEjGyhC?=\n"
			"Content-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B$3\x1b(B\n<b@example.jp>:\n"
			"550 5.1.1 no such user\n--- Below this line is a copy of the message.\nTo: c@example.jp\n",
			"From: postmaster@example.com\nContent-Type: text/html\n\n<p><a href=\"mailto:d@example.com\">"
			"d@example.com</a><br>Remote Server returned &#39;550 5.1.1 not found&#39;</p>",
			"From: n@sns.example.com\n\n{\"Message\" : \"{\\\"notificationType\\\":\\\"Bounce\\\","
			"\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\"e@example.com\\\","
			"\\\"status\\\":\\\"5.1.1\\\"}]}\"}\n",
			"From: fbl@example.net\nContent-Type: multipart/report; report-type=feedback-report; boundary=f\n\n"
			"--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nOriginal-Rcpt-To: "
			"f@example.com\n--f--\n",
			"From: g@example.org\nSubject: Out of Office\nAuto-Submitted: auto-replied\n\nAway.\n",
		};
		static struct smtpcode_message m;
		size_t k, b;
		for (k = 0; k < sizeof messages / sizeof messages[0]; k++) {
			size_t len = strlen(messages[k]);
			(void)smtpcode_input_kind(messages[k], len);
			smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, no_record, NULL);
			smtpcode_message_feed(&m, messages[k], len);
			(void)smtpcode_message_end(&m);
			(void)smtpcode_message_problems(&m);
			smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, no_record, NULL);
			for (b = 0; b < len; b++)
				smtpcode_message_feed(&m, messages[k] + b, 1);
			(void)smtpcode_message_end(&m);
		}
		(void)smtpcode_mbox_from_line("From a@b Thu Mar 12 10:00:00 2026", 34);
		(void)smtpcode_message_problem_text(SMTPCODE_MESSAGE_CUT);
	}
	(void)smtpcode_vendor_from_name("gmail", 5);
	(void)smtpcode_verdict_from_name("retry", 5);
	(void)smtpcode_version();
	(void)smtpcode_data_version();
}

Test(alloc, interposer_sees_allocations)
{
	/* The check can fail: an allocation made while counting is seen. */
	void *p;

	calls = 0;
	counting = 1;
	p = malloc(16);
	counting = 0;
	free(p);
	cr_assert_eq(calls, 1, "the malloc interposer is not in effect");
}

Test(alloc, library_never_allocates)
{
	calls = 0;
	counting = 1;
	records_read = 0;
	exercise_library();
	counting = 0;
	cr_assert_eq(calls, 0, "the library made %d allocation calls", calls);
	cr_assert_eq(records_read, 12, "every message was read, whole and a byte at a time (%d records)", records_read);
}
