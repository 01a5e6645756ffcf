/* The classifier: every sample in data/samples as the data says, the
 * distinctions that cost users money, carriers, and hostile input. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct smtpcode_result
classify(const char *s, enum smtpcode_stage stage)
{
	struct smtpcode_result r;

	smtpcode_classify(s, strlen(s), stage, NULL, 0, &r);
	return r;
}

static void
assert_spans_inside(const struct smtpcode_result *r, const char *buf, size_t len)
{
	const struct smtpcode_span spans[] = {r->reply.raw, r->reply.code_span, r->reply.enhanced_span, r->matched,
	                                      r->vendor_evidence, r->recipient, r->queue_id, r->timestamp};
	size_t i;

	for (i = 0; i < COUNT_OF(spans); i++)
		if (spans[i].len)
			cr_assert(spans[i].ptr >= buf && spans[i].ptr + spans[i].len <= buf + len, "span %zu outside", i);
}

static size_t sample_params[COUNT_OF(expect_samples)];

ParameterizedTestParameters(samples, classify_as_data_says)
{
	size_t i;

	for (i = 0; i < COUNT_OF(sample_params); i++)
		sample_params[i] = i;
	return cr_make_param_array(size_t, sample_params, expect_samples[0].input ? COUNT_OF(sample_params) : 0);
}

ParameterizedTest(size_t *index, samples, classify_as_data_says)
{
	const struct expect_sample *x = &expect_samples[*index];
	int stage = *x->stage ? smtpcode_stage_from_name(x->stage, strlen(x->stage)) : 0;
	struct smtpcode_result r = classify(x->input, (enum smtpcode_stage)stage);

	cr_assert_str_eq(smtpcode_reason_name(r.reason), x->reason, "%s: %s: reason (decided by %s '%.*s')", x->file,
	                 x->input, smtpcode_signal_name(r.decided_by), (int)r.matched.len, r.matched.ptr);
	cr_assert_str_eq(smtpcode_bounce_name(r.bounce), x->bounce, "%s: %s: bounce", x->file, x->input);
	cr_assert_str_eq(smtpcode_action_name(r.action), x->action, "%s: %s: action (reason %s)", x->file, x->input,
	                 x->reason);
	/* Wording that names a cause is never outranked by a generic one, nor
	 * by a code: it decides unless a vendor's own code or token does. */
	if (x->specific)
		cr_assert_geq(r.decided_by, SMTPCODE_SIGNAL_PHRASE, "%s: %s: '%s' is in it, yet %s '%.*s' decided",
		              x->file, x->input, x->specific, smtpcode_signal_name(r.decided_by), (int)r.matched.len,
		              r.matched.ptr);
	assert_spans_inside(&r, x->input, strlen(x->input));
}

static int
soft_5xx_allowed(enum smtpcode_reason reason)
{
	size_t i;

	for (i = 0; i < COUNT_OF(expect_soft_5xx_reasons); i++)
		if (strcmp(smtpcode_reason_name(reason), expect_soft_5xx_reasons[i]) == 0)
			return 1;
	return 0;
}

/* Whatever a sample's text says, a 5xx is soft only for a reason senders
 * rightly treat as temporary; at every stage, too. */
Test(samples, no_5xx_is_soft_unless_its_reason_allows)
{
	size_t i;
	int stage;

	for (i = 0; i < COUNT_OF(expect_samples) && expect_samples[i].input; i++) {
		for (stage = 0; stage < SMTPCODE_STAGE_COUNT; stage++) {
			struct smtpcode_result r = classify(expect_samples[i].input, (enum smtpcode_stage)stage);
			if (r.reply.code / 100 == 5 && r.bounce == SMTPCODE_BOUNCE_SOFT)
				cr_assert(soft_5xx_allowed(r.reason), "%s: soft for %s at stage %s", expect_samples[i].input,
				          smtpcode_reason_name(r.reason), smtpcode_stage_name((enum smtpcode_stage)stage));
		}
	}
}

struct expectation {
	const char *input;
	enum smtpcode_stage stage;
	const char *reason, *bounce, *verdict;
};

static void
check(const struct expectation *e)
{
	struct smtpcode_result r = classify(e->input, e->stage);

	if (e->reason)
		cr_assert_str_eq(smtpcode_reason_name(r.reason), e->reason, "%s: reason", e->input);
	if (e->bounce)
		cr_assert_str_eq(smtpcode_bounce_name(r.bounce), e->bounce, "%s: bounce", e->input);
	if (e->verdict)
		cr_assert_str_eq(smtpcode_verdict_name(r.verdict), e->verdict, "%s: verdict", e->input);
	assert_spans_inside(&r, e->input, strlen(e->input));
}

Test(distinctions, blocks_are_never_hard)
{
	static const struct expectation cases[] = {
		{"550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
		 SMTPCODE_STAGE_RCPT, "ip-blocklisted", "block", "blocked"},
		{"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net", 0,
		 "ip-blocklisted", "block", "blocked"},
		{"550 5.7.1 Our system has detected that this message is likely unsolicited mail", 0, NULL, "block",
		 "blocked"},
		{"554 5.7.1 Message rejected: Spam message rejected", 0, "spam", "block", "blocked"},
		{"550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy", 0,
		 "auth-dmarc", "block", "blocked"},
		/* 521 means a host that takes no mail; one that says the sender is
		 * blocked takes mail, only not this sender's. */
		{"521 <192.0.2.1> is blocked", 0, NULL, "block", "blocked"},
		{"521 5.7.1 Access denied", 0, NULL, "block", "blocked"},
		{"521 5.3.2 mx.example.org does not accept mail", 0, "domain-no-mail", "hard", "undeliverable"},
		{"521 Service not available", 0, "domain-no-mail", "hard", "undeliverable"},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
}

Test(distinctions, mailbox_full_is_soft_unless_abandoned)
{
	check(&(struct expectation){"552 5.2.2 The email account that you tried to reach is over quota", 0,
	                            "mailbox-full", "soft", "retry"});
	check(&(struct expectation){"552 5.2.2 Mailbox full", SMTPCODE_STAGE_RCPT, "mailbox-full", "soft", "retry"});
	check(&(struct expectation){"452 4.2.2 Mailbox full", 0, "mailbox-full", "soft", "retry"});
}

Test(distinctions, sender_side_stages_never_mark_the_recipient)
{
	/* A 5xx to MAIL FROM or at connect says nothing about the recipient. */
	struct smtpcode_result r = classify("550 5.1.1 User unknown", SMTPCODE_STAGE_MAIL);

	cr_assert_str_neq(smtpcode_verdict_name(r.verdict), "undeliverable");
	cr_assert_str_neq(smtpcode_bounce_name(r.bounce), "hard");
	r = classify("554 No SMTP service here", SMTPCODE_STAGE_CONNECT);
	cr_assert_str_neq(smtpcode_bounce_name(r.bounce), "hard");
	cr_assert_str_neq(smtpcode_verdict_name(r.verdict), "undeliverable");
	r = classify("550 Mailbox unavailable", SMTPCODE_STAGE_EHLO);
	cr_assert_str_neq(smtpcode_bounce_name(r.bounce), "hard");
	/* With no code at all, too (found by fuzz_classify). */
	r = classify("525\x19Invalid recipient", SMTPCODE_STAGE_MAIL);
	cr_assert_str_neq(smtpcode_verdict_name(r.verdict), "undeliverable");
	r = classify("user unknown", SMTPCODE_STAGE_CONNECT);
	cr_assert_str_neq(smtpcode_verdict_name(r.verdict), "undeliverable");
}

Test(distinctions, a_refusal_that_names_the_sender_is_about_the_sender)
{
	static const struct expectation cases[] = {
		/* The receiver could not verify the sender: nothing about the recipient. */
		{"550 Verification failed for <x@example.org>", SMTPCODE_STAGE_RCPT, "sender-rejected", "block", "blocked"},
		{"550-Verification failed for <x@example.org>\n550-Called:   192.0.2.7\n"
		 "550-Sent:     RCPT TO:<x@example.org>\n550-Response: 550 5.1.1 User unknown\n550 Sender verify failed",
		 SMTPCODE_STAGE_RCPT, "sender-rejected", "block", "blocked"},
		/* Lists and groups that take posts from members only. */
		{"You are not a member of this mailing list <list@example.org>.", 0, "sender-rejected", "block", "blocked"},
		{"550 5.7.1 Only members can post to this list", SMTPCODE_STAGE_RCPT, "sender-rejected", "block",
		 "blocked"},
		{"The group you tried to contact (team) may not exist, or you may not have permission to post messages "
		 "to the group.", 0, "sender-rejected", "block", "blocked"},
		/* The stage says who: MAIL FROM refuses the sender, the greeting the host. */
		{"host mx.example.org[192.0.2.7] said: 550 5.7.1 Access denied (in reply to MAIL FROM command)", 0,
		 "sender-rejected", "block", "blocked"},
		{"Connected to 192.0.2.7 but sender was rejected. Remote host said: 550 5.7.1 Access denied", 0,
		 "sender-rejected", "block", "blocked"},
		{"550 Access denied", SMTPCODE_STAGE_CONNECT, "ip-blocklisted", "block", "blocked"},
		{"SMTP error from remote mail server after EHLO mx.example.net: 550 Rejected", 0, "ip-blocklisted", "block",
		 "blocked"},
		{"421 Too many concurrent connections", SMTPCODE_STAGE_CONNECT, NULL, "soft", "retry"},
		/* Postfix's address verification quotes the reply its probe got
		 * from the sender's own domain: that reply is not the recipient's. */
		{"450 4.1.7 <s@example.com>: Sender address rejected: unverified address: host mx.example.com[192.0.2.7] "
		 "said: 550 5.1.1 <s@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
		 SMTPCODE_STAGE_RCPT, "sender-rejected", "soft", NULL},
		{"host mx.example.org[192.0.2.9] said: 450 4.1.7 <s@example.com>: Sender address rejected: unverified "
		 "address: host mx.example.com[192.0.2.7] said: 554 5.7.1 Service unavailable; Client host blocked using "
		 "zen.spamhaus.org (in reply to RCPT TO command)",
		 0, "sender-rejected", "soft", NULL},
	};
	size_t i;
	struct smtpcode_result r;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
	/* The reply and host are the refusal's, not the probe's. */
	r = classify("450 4.1.7 <s@example.com>: Sender address rejected: unverified address: host mx.example.com[192.0.2.7]"
	             " said: 550 5.1.1 User unknown", 0);
	cr_assert_eq(r.reply.code, 450);
	cr_assert_eq(r.host.len, 0);
	/* Its own words, before the probe answered, still count. */
	check(&(struct expectation){"450 4.1.1 <a@example.net>: Recipient address rejected: unverified address: Address "
	                            "verification in progress",
	                            SMTPCODE_STAGE_RCPT, "greylisted", "soft", NULL});
}

Test(distinctions, user_unknown_only_after_the_data_is_a_filter)
{
	/* Accepted at RCPT TO, refused as "unknown" once the message was seen:
	 * the recipient's side filtered it; the address was taken. */
	check(&(struct expectation){"host mx.example.jp[192.0.2.7] said: 550 Unknown user a@example.jp (in reply to "
	                            "end of DATA command)",
	                            0, "recipient-filtered", "block", NULL});
	check(&(struct expectation){"SMTP error from remote mail server after end of data: 550 5.1.1 User unknown", 0,
	                            "recipient-filtered", "block", NULL});
	check(&(struct expectation){"550 5.1.1 User unknown", SMTPCODE_STAGE_END_OF_DATA, "recipient-filtered", "block",
	                            NULL});
	check(&(struct expectation){"550 5.1.1 User unknown", SMTPCODE_STAGE_RCPT, "user-unknown", "hard",
	                            "undeliverable"});
}

Test(distinctions, dns_failures_temporary_and_permanent)
{
	/* A DNS answer that did not come is temporary; a name that does not exist is not. */
	check(&(struct expectation){"Name service error for domain example.com: Host not found, try again", 0,
	                            "network-error", "soft", "retry"});
	check(&(struct expectation){"Nov  5 10:00:00 mx postfix/smtp[12]: 4F2A: to=<a@example.com>, relay=none, delay=30, "
	                            "dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for "
	                            "name=example.com type=MX: Host not found, try again)",
	                            0, "network-error", "soft", "retry"});
	check(&(struct expectation){"Host or domain name not found. Name service error for name=example.com type=A: "
	                            "Host not found",
	                            0, "domain-not-found", "hard", "undeliverable"});
	check(&(struct expectation){"Deferred: Name server: example.jp.: host name lookup failure", 0, "network-error",
	                            "soft", "retry"});
	check(&(struct expectation){"Sorry, I couldn't find any host named mx.example.invalid. (#5.1.2)", 0,
	                            "domain-not-found", "hard", "undeliverable"});
	/* qmail's lookup that failed for now, without its code as bounces quote it. */
	check(&(struct expectation){"Sorry, I couldn't find any host by that name.", 0, "network-error", NULL, NULL});
}

Test(distinctions, expiry_and_delays)
{
	struct smtpcode_result r;
	const char *delayed = "Delivery to the following recipient has been delayed: Message will be retried for 2 "
	                      "more day(s)";

	check(&(struct expectation){"Could not deliver for the last 432000 seconds. Giving up.", 0, "expired", NULL,
	                            NULL});
	check(&(struct expectation){"Your message was not delivered within 0 days and 1 hours.", 0, "expired", NULL,
	                            NULL});
	check(&(struct expectation){"Nov  5 10:00:00 mx postfix/qmgr[7]: 4F2A: from=<a@example.org>, status=expired, "
	                            "returned to sender",
	                            0, "expired", NULL, NULL});
	check(&(struct expectation){"Message could not be delivered for 5 days. Message will be deleted from queue", 0,
	                            "expired", NULL, NULL});
	/* Where the report gives the cause of the failed attempts, the cause is the reason. */
	check(&(struct expectation){"mailbox is full: retry timeout exceeded", 0, "mailbox-full", NULL, NULL});
	check(&(struct expectation){"Unable to contact LDAP server. (#4.4.3) I'm not going to try again; this message "
	                            "has been in the queue too long.",
	                            0, "system-error", "unknown", NULL});
	/* Yahoo! Japan puts its code in brackets: a 4.x.x, given up on, whose
	 * words blame no one. */
	check(&(struct expectation){"Resources temporarily unavailable, please try again later [#4.1.9]. /I'm not going "
	                            "to try again; this message has been in the queue too long.",
	                            0, "service-unavailable", "unknown", NULL});
	/* Unless nothing was ever heard from the recipient's servers, and the
	 * sending side gave up. */
	check(&(struct expectation){"554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection "
	                            "timed out>",
	                            0, "expired", NULL, NULL});
	check(&(struct expectation){"Action: failed\nStatus: 4.4.1\nDiagnostic-Code: smtp; connect to "
	                            "mx.example.org[192.0.2.7]:25: Connection timed out",
	                            0, "expired", NULL, NULL});
	check(&(struct expectation){"Action: expired\nStatus:\nDiagnostic-Code: smtp; connection timed out", 0, "expired",
	                            NULL, NULL});
	check(&(struct expectation){"unable to connect to remote server [192.0.2.7:25]: Operation timed out I'm not going "
	                            "to try again; this message has been in the queue too long.",
	                            0, "expired", NULL, NULL});
	/* A server that answered and dropped the connection, or a DNS failure,
	 * is the cause even when the sending side gave up. */
	check(&(struct expectation){"Action: failed\nStatus: 4.4.2\nDiagnostic-Code: X-Postfix; lost connection with "
	                            "mx.example.org[192.0.2.7] while performing the HELO handshake",
	                            0, "network-error", NULL, NULL});
	check(&(struct expectation){"Deferred: Name server: example.org.: host name lookup failure Message could not be "
	                            "delivered for 5 days Message will be deleted from queue",
	                            0, "network-error", NULL, NULL});
	/* A failed DSN whose text also speaks of retrying still gave up. */
	check(&(struct expectation){"Action: failed\nStatus: 4.4.1\nDiagnostic-Code: smtp; connect to "
	                            "mx.example.org[192.0.2.7]:25: Connection timed out\nThe message will be retried.",
	                            0, "expired", NULL, NULL});
	/* While it still retries, the network is the reason. */
	check(&(struct expectation){"Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to "
	                            "mx.example.org[192.0.2.7]:25: Connection timed out",
	                            0, "network-error", "soft", NULL});
	check(&(struct expectation){"The recipient server did not accept our requests to connect. [mx.example.org "
	                            "192.0.2.7: timed out]",
	                            0, "expired", NULL, NULL});
	/* A delay notice: still being retried, so soft; alone it holds no reply. */
	cr_assert_eq(smtpcode_classify(delayed, strlen(delayed), 0, NULL, 0, &r), SMTPCODE_ENOREPLY);
	cr_assert_eq(r.reason, SMTPCODE_REASON_EXPIRED);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	check(&(struct expectation){"Delivery to the following recipient has been delayed. The error that the other "
	                            "server returned was: 550 5.2.2 Mailbox Full",
	                            0, "mailbox-full", "soft", "retry"});
	/* Gmail's words for connections never answered are its expiry in a
	 * failure report, and a network error still retried in a delay notice. */
	check(&(struct expectation){"Delivery to the following recipient has been delayed. Technical details: the "
	                            "recipient server did not accept our requests to connect",
	                            0, "network-error", "soft", "retry"});
	check(&(struct expectation){"Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: smtp; The recipient server did not "
	                            "accept our requests to connect. [mx.example.org. 192.0.2.7: timed out]",
	                            0, "network-error", "soft", "retry"});
	check(&(struct expectation){"Action: failed\nStatus: 4.4.1\nDiagnostic-Code: smtp; The recipient server did not "
	                            "accept our requests to connect. [mx.example.org. 192.0.2.7: timed out]",
	                            0, "expired", NULL, NULL});
}

/* Another reply of another class further down (Sendmail's per-host status
 * after the recipient's own refusal) decides only where the first says
 * nothing. */
Test(distinctions, the_first_replys_words_before_another_replys)
{
	check(&(struct expectation){"550 <a@example.org>... User unknown\n421 example.org (smtp)... Deferred: Connection "
	                            "timed out during user open with example.org",
	                            0, "user-unknown", "hard", NULL});
	check(&(struct expectation){"550 5.0.0 rejected\n421 example.org (smtp)... Deferred: Connection timed out", 0,
	                            "network-error", NULL, NULL});
	/* Lines of the same class compete as before. */
	check(&(struct expectation){"550 5.0.0 <a@example.org>... User unknown\n554 5.7.1 blocked using "
	                            "zen.spamhaus.org",
	                            0, "ip-blocklisted", "block", NULL});
}

Test(distinctions, more_mail_systems_wordings)
{
	static const struct expectation cases[] = {
		{"Invalid final delivery userid: a@example.net", 0, "user-unknown", "hard", NULL},
		/* IceWarp gives up on a host that never answered, behind a 554 of its own. */
		{"554 could not connect and send the mail to 192.0.2.8", 0, "expired", NULL, NULL},
		{"550 This message scored 13.2 points.", 0, "spam", "block", NULL},
		{"550 5.6.0 Messages without To: fields are not accepted here", 0, "message-format", "block", NULL},
		{"Your message couldn't be delivered. Despite repeated attempts to contact the recipient's email system "
		 "it didn't respond.", 0, "expired", NULL, NULL},
		{"주소를 찾을 수 없음", 0, "user-unknown", NULL, NULL},
		{"Your message wasn't delivered to a@example.net because the address couldn't be found.", 0,
		 "user-unknown", "hard", NULL},
		{"550 5.7.1 RCPT TO <a@example.net> refused: this host is not configured to relay mail", 0,
		 "relay-denied", "block", NULL},
		{"552 5.6.0 Headers too large (32768 max)", 0, "message-format", "block", NULL},
		{"550 5.0.0 <a@example.net>... Insufficient permission", 0, "system-error", NULL, NULL},
		{"550 5.1.1 Refused due to recipient preferences", 0, "recipient-filtered", "block", NULL},
		{"550 Too many connect", 0, "rate-limited", "soft", NULL},
		{"550 Sender quota exceeded, too many messages sent today", 0, "rate-limited", "soft", NULL},
		/* Exchange's failover report: the reply it quotes is the server's, the words after it Exchange's. */
		{"451 4.4.0 Primary target IP address responded with: \"454 4.7.0 Temporary authentication failure.\" "
		 "Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or "
		 "delivery failed to all alternate hosts. The last endpoint attempted was 192.0.2.3:25",
		 0, "smtp-auth", "soft", NULL},
		/* Exchange's store driver names where, a code or wording says why. */
		{"554 5.6.0 STOREDRV.Deliver; Corrupt message content", 0, "message-format", "block", NULL},
		{"432 4.3.2 STOREDRV; mailbox server is offline", 0, "service-unavailable", "soft", NULL},
		{"550 4.7.26 Access denied, a message sent over IPv6 [2001:db8::25] must pass either SPF or DKIM validation, "
		 "this message is not signed", 0, "auth-none", "block", NULL},
		{"The message can't be submitted because the sender's submission quota was exceeded", 0, "rate-limited",
		 NULL, NULL},
		{"H=mx.example.net [192.0.2.10]: Remote host closed connection in response to EHLO relay.example.org", 0,
		 "network-error", NULL, NULL},
		{"connect to mx.example.net[2001:db8::25]:25: Cannot assign requested address", 0, "network-error", NULL,
		 NULL},
		{"SMTP Error: Failed to add recipient : Temporary lookup failure", 0, "system-error", "soft", NULL},
		{"host mx.olc.protection.outlook.com[192.0.2.9] said: 451 4.7.652 The mail server [192.0.2.8] has "
		 "exceeded the maximum number of connections.", 0, "rate-limited", "soft", NULL},
		{"Your mail to the following recipients could not be delivered because they are not accepting mail "
		 "with attachments or embedded images", 0, "recipient-filtered", "block", NULL},
		{"Your message to the group was rejected due to spam classification. Set up SPF records for your "
		 "domain.", 0, "spam", "block", NULL},
		{"450 service permits 2 unverifyable sending IPs - mail.example.org is not 192.0.2.7", 0, "rdns",
		 "soft", NULL},
		{"The mail server could not deliver mail to a@example.net. The account or domain may not exist, they may "
		 "be blacklisted, or missing the proper dns entries.",
		 0, "domain-not-found", "hard", NULL},
		{"553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)", 0, "recipient-filtered", "block",
		 NULL},
		/* X.6.0 names the content, whatever umbrella words come with it. */
		{"550 5.6.0 <a@example.net>: Recipient address rejected: Media error", 0, "message-format", NULL, NULL},
		/* 503's own words after the refusal that caused it say nothing more. */
		{"550 Requested action not taken: mailbox unavailable 503 Bad sequence of commands", 0, "user-unknown",
		 "hard", NULL},
		{"503 5.5.1 Bad sequence of commands", 0, "syntax-error", NULL, NULL},
		{"550 <a@example.net>... User not exist", 0, "user-unknown", "hard", NULL},
		/* An access map's own text after "Recipient address rejected:"
		 * under X.7.1 is a policy refusal, not a bad address. */
		{"554 5.7.1 <a@example.net>: Recipient address rejected: Please see http://www.example.net/why.html", 0,
		 "policy", "block", NULL},
		/* Postfix's postscreen refuses a client that spoke before its turn. */
		{"521 5.7.0 Error: I can break rules, too. Goodbye.", 0, "syntax-error", NULL, NULL},
		/* Postfix local(8): the mailbox file reached mailbox_size_limit. */
		{"Nov  5 10:00:00 mx postfix/local[1]: A1: to=<a@example.net>, relay=local, delay=1, dsn=5.2.2, "
		 "status=bounced (cannot update mailbox /var/mail/a for user a. error writing message: File too large)",
		 0, "mailbox-full", NULL, NULL},
		{"Nov  5 10:00:00 mx postfix/smtp[1]: A1: to=<a@example.net>, relay=mx.example.net[192.0.2.1]:25, "
		 "delay=300, dsn=4.4.2, status=deferred (conversation with mx.example.net[192.0.2.1] timed out while "
		 "sending RCPT TO)",
		 0, "network-error", "soft", NULL},
		/* "does not accept mail" alone: the domain takes none; "from" a
		 * country, a kind of IP or a sender: the receiver's policy. */
		{"550 5.7.1 example.net does not accept mail from dynamic IP addresses", 0, "policy", "block", NULL},
		{"556 5.1.10 example.net does not accept mail (null MX)", 0, "domain-no-mail", "hard", NULL},
		/* "limit exceeded" names a rate unless it names storage or a run time. */
		{"452 4.2.2 Quota limit exceeded for a@example.net", 0, "mailbox-full", "soft", NULL},
		{"451 4.7.1 Hourly message limit exceeded, slow down", 0, "rate-limited", "soft", NULL},
		{"Command time limit exceeded: \"/usr/local/bin/deliver\"", 0, "mailer-error", NULL, NULL},
		/* A certificate that failed its check is TLS's, not sender verification's. */
		{"certificate verification failed for mx.example.net[192.0.2.1]:25: untrusted issuer", 0,
		 "tls-required", NULL, NULL},
		{"550 Relaying mail to example.org is not allowed", 0, "relay-denied", "block", NULL},
		{"No MX or A records for example.org", 0, "domain-not-found", NULL, NULL},
		{"554 delivery error: dd Not a valid recipient - mta.example.net", 0, "user-unknown", "hard", NULL},
		{"554 Sorry, this account has been terminated.", 0, "mailbox-disabled", "hard", NULL},
		{"Post by non-member to a members-only list", 0, "sender-rejected", NULL, NULL},
		{"451 4.7.1 Sender is on the grey list, retry shortly", 0, "greylisted", "soft", NULL},
		{"Cannot send message for 5 days", 0, "expired", NULL, NULL},
		{"550 5.4.310 DNS domain example.org does not exist [InfoDomainNonexistent]", 0, "domain-not-found",
		 "hard", NULL},
		/* The sender's address on the receiver's own list: no IP to delist. */
		{"554 5.7.1 <a@example.org>: Sender address rejected: blacklisted", 0, "sender-rejected", "block", NULL},
		{"550 Sorry, you are sending to/from an address that has been blacklisted", 0, "sender-rejected", NULL,
		 NULL},
		{"550 5.7.1 Your IP address is blacklisted", 0, "ip-blocklisted", "block", NULL},
		/* qmail's own lists. */
		{"553 sorry, this recipient is not in my validrcptto list (#5.7.1)", 0, "user-unknown", "hard", NULL},
		{"553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)", 0, "sender-rejected", NULL, NULL},
		/* SPFBL is a block list, not an SPF check. */
		{"550 5.7.1 [SPFBL] blocked", 0, "ip-blocklisted", "block", NULL},
		{"550 A URL in this email (example.net) is listed on a block list", 0, "domain-blocklisted", NULL, NULL},
		{"Technical details of permanent failure: DNS Error: DNS server returned answer with no data", 0,
		 "domain-not-found", NULL, NULL},
		/* A narrower wording outranks the short phrase inside it. */
		{"451 VS1-IP Excessive unknown recipients - possible Open Relay (#4.1.8)", 0, "reputation", "soft", NULL},
		{"550 5.1.1 Suspended user", 0, "mailbox-disabled", "hard", NULL},
		{"Your message wasn't delivered due to a permission or security issue.", 0, "policy", NULL, NULL},
		{"421 Too many auth failures, try again later", 0, "smtp-auth", "soft", NULL},
		{"550 You are registered as spammer (by user's reject list)", 0, "recipient-filtered", NULL, NULL},
		{"553 host denies relay.", 0, "relay-denied", "block", NULL},
		/* Given up under the 4.4.1 the mail system kept: no retry comes, so
		 * not soft; while it still retries, soft. */
		{"Action: failed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: "
		 "Connection refused",
		 0, "expired", "unknown", NULL},
		{"Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: "
		 "Connection refused",
		 0, "network-error", "soft", NULL},
		/* A delay notice that names no cause: still waiting to go. */
		{"Action: delayed\nStatus: 4.0.0", 0, "expired", "soft", NULL},
		/* A 4xx given up on takes its cause's type, never hard; while
		 * still retried, soft. */
		{"Action: failed\nStatus: 5.7.3\nDiagnostic-Code: smtp; 451 5.7.3 STARTTLS is required to send mail", 0,
		 "tls-required", "block", NULL},
		{"Action: delayed\nStatus: 5.7.3\nDiagnostic-Code: smtp; 451 5.7.3 STARTTLS is required to send mail", 0,
		 "tls-required", "soft", NULL},
		{"Action: failed\nStatus: 4.1.1\nDiagnostic-Code: smtp; 450 4.1.1 <a@example.org>: Recipient address "
		 "rejected: User unknown in local recipient table",
		 0, "user-unknown", "unknown", NULL},
		/* "Action: delivered" over a failure's Status (an Exchange receipt's "5.4.0"): delivered. */
		{"Final-Recipient: rfc822; yves@example.org\nAction: delivered\nStatus: 5.4.0", 0, "accepted", "none",
		 NULL},
		/* A delay notice's 4.4.7 ("Message delayed") is no expiry yet. */
		{"Action: delayed\nStatus: 4.4.7\nDiagnostic-Code: smtp; 400 4.4.7 Message delayed. Connection timed out", 0,
		 "network-error", "soft", NULL},
		/* A log's deferral is no giving up, whatever its words: Exim's host
		 * that failed before is still unreachable. */
		{"2026-12-01 07:44:15 1XE5ec-0000Ov-4m == me@example.net R=dnslookup T=remote_smtp defer (-53): retry "
		 "time not reached for any host",
		 0, "network-error", "soft", NULL},
		{"dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Operation timed out)", 0,
		 "network-error", "soft", NULL},
		/* Messaging Server's delay notice says how long it has tried. */
		{"Action: delayed\nStatus: 4.4.7\nDiagnostic-Code: X-Notice; unable to deliver this message after 1 day", 0,
		 "expired", "soft", NULL},
		/* The DNS failure an expiry notice quotes is its cause. */
		{"554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.0 Unable to lookup DNS for "
		 "example.org>",
		 0, "network-error", NULL, NULL},
		{"553-you are trying to use me [mx.example.net] as a relay, but I have not been configured to let you "
		 "[192.0.2.1] do this.",
		 0, "relay-denied", "block", NULL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
}

/* A refused SMTP login is fixed in the client's settings, not in SPF or
 * DKIM (the codes' own action was "fix-authentication"). */
Test(distinctions, a_refused_login_is_the_clients_to_fix)
{
	static const char *const replies[] = {
		"535 5.7.8 Authentication credentials invalid",
		"530 5.7.0 Authentication required",
		"534 5.7.9 Authentication mechanism is too weak",
		"535 Incorrect authentication data",
	};
	size_t i;

	for (i = 0; i < COUNT_OF(replies); i++) {
		struct smtpcode_result r = classify(replies[i], 0);
		cr_assert_str_eq(smtpcode_reason_name(r.reason), "smtp-auth", "%s", replies[i]);
		cr_assert_str_eq(smtpcode_action_name(r.action), "fix-client-config", "%s", replies[i]);
	}
}

Test(languages, common_bounce_wordings_in_utf8)
{
	static const struct expectation cases[] = {
		{"550 5.1.1 Empfänger unbekannt", 0, "user-unknown", "hard", NULL},
		{"552 Postfach voll", 0, "mailbox-full", "soft", NULL},
		{"550 Utilisateur inconnu", 0, "user-unknown", "hard", NULL},
		{"552 Boîte aux lettres pleine", 0, "mailbox-full", "soft", NULL},
		{"550 Le compte du destinataire est bloqué", 0, "mailbox-disabled", "hard", NULL},
		{"550 Usuario desconocido", 0, "user-unknown", "hard", NULL},
		{"552 Buzón lleno", 0, "mailbox-full", "soft", NULL},
		{"550 Utente sconosciuto", 0, "user-unknown", "hard", NULL},
		{"552 Casella piena", 0, "mailbox-full", "soft", NULL},
		{"550 Usuário desconhecido", 0, "user-unknown", "hard", NULL},
		{"552 Caixa postal cheia", 0, "mailbox-full", "soft", NULL},
		/* Cyrillic: the capital at the start of a sentence is compiled too. */
		{"550 5.1.1 Пользователь не найден", 0, "user-unknown", "hard", NULL},
		{"552 Почтовый ящик переполнен", 0, "mailbox-full", "soft", NULL},
		{"550 用户不存在", 0, "user-unknown", "hard", NULL},
		{"552 信箱已滿", 0, "mailbox-full", "soft", NULL},
		{"550 宛先不明", 0, "user-unknown", "hard", NULL},
		/* Other word orders and spellings; under a code that would say
		 * otherwise (550 a missing user, 554 a refusal), so the wording decides. */
		{"550 Почтовый ящик получателя переполнен", 0, "mailbox-full", "soft", NULL},
		{"550 La casella di posta è piena", 0, "mailbox-full", "soft", NULL},
		{"550 受信者のメールボックスの容量がいっぱいです", 0, "mailbox-full", "soft", NULL},
		{"550 收件人邮箱满", 0, "mailbox-full", "soft", NULL},
		{"554 宛先が見つかりません", 0, "user-unknown", "hard", NULL},
		/* Exchange's notices in Spanish, German, French and Portuguese. */
		{"550 El buzón del destinatario está lleno", 0, "mailbox-full", "soft", NULL},
		{"550 Das Postfach des Empfängers ist voll", 0, "mailbox-full", "soft", NULL},
		/* A block list: the recipient's own, or one of addresses. */
		{"550 5.7.1 Absender steht auf der persönlichen Sperrliste des Empfängers", 0, "recipient-filtered",
		 "block", NULL},
		{"554 5.7.1 Ihre IP-Adresse steht auf einer Sperrliste", 0, "ip-blocklisted", "block", NULL},
		{"550 5.7.1 Sender is on the recipient's personal block list", 0, "recipient-filtered", "block", NULL},
		{"550 La boîte aux lettres du destinataire est pleine", 0, "mailbox-full", "soft", NULL},
		{"550 A caixa de correio do destinatário está cheia", 0, "mailbox-full", "soft", NULL},
		/* Korean, Dutch, Polish, Czech, Turkish and Swedish. */
		{"554 존재하지 않는 사용자입니다", 0, "user-unknown", "hard", NULL},
		{"550 수신자의 메일함이 가득 찼습니다", 0, "mailbox-full", "soft", NULL},
		{"554 Gebruiker onbekend", 0, "user-unknown", "hard", NULL},
		{"550 Mailbox is vol", 0, "mailbox-full", "soft", NULL},
		{"554 Użytkownik nie istnieje", 0, "user-unknown", "hard", NULL},
		{"550 Skrzynka odbiorcy jest pełna", 0, "mailbox-full", "soft", NULL},
		{"554 Uživatel neexistuje", 0, "user-unknown", "hard", NULL},
		{"550 Schránka příjemce je plná", 0, "mailbox-full", "soft", NULL},
		{"554 kullanıcı bulunamadı", 0, "user-unknown", "hard", NULL},
		{"550 Posta kutusu dolu", 0, "mailbox-full", "soft", NULL},
		{"554 Okänd mottagare", 0, "user-unknown", "hard", NULL},
		{"550 Brevlådan är full", 0, "mailbox-full", "soft", NULL},
		/* Causes other than a mailbox's, and filters that write without
		 * diacritics (smtp-gated's Polish). */
		{"550 Anhang ist zu groß", 0, "message-too-large", "block", NULL},
		{"554 Pièce jointe trop volumineuse", 0, "message-too-large", "block", NULL},
		{"550 mx ME Adresse IP source bloquee pour incident de spam", 0, "ip-blocklisted", "block", NULL},
		{"421 Zbyt wiele polaczen, sprobuj pozniej", 0, "rate-limited", "soft", NULL},
		{"554 Przekroczony limit rozmiaru wiadomości", 0, "message-too-large", "block", NULL},
		{"554 Wysyłka bez autoryzacji zabroniona", 0, "smtp-auth", "block", NULL},
		{"554 Znaleziono wirusa", 0, "virus", "block", NULL},
		{"554 Adresa je vedena na černém seznamu", 0, "ip-blocklisted", "block", NULL},
		{"550 该用户未开通邮箱", 0, "mailbox-disabled", "hard", NULL},
		/* Domino's Japanese directory reply. */
		{"ユーザー taro@example.jp は Domino ディレクトリには見つかりません", 0, "user-unknown", "hard", NULL},
		/* Google Groups: the sender may not post, in any language. */
		{"連絡しようとしたグループが存在しないか、グループにメッセージを投稿する権限がない可能性があります。", 0,
		 "sender-rejected", "block", "blocked"},
		{"Sie nicht die erforderlichen Berechtigungen haben, um der Gruppe Nachrichten zu posten.", 0,
		 "sender-rejected", "block", "blocked"},
		/* Block lists, relaying, rates, timeouts, expiry, spam and viruses. */
		{"554 5.7.1 Su IP 198.51.100.7 figura en una lista negra", 0, "ip-blocklisted", "block", NULL},
		{"550 Адрес 198.51.100.7 внесён в чёрном списке", 0, "ip-blocklisted", "block", NULL},
		{"550 5.7.1 IPアドレスがブラックリストに載っています", 0, "ip-blocklisted", "block", NULL},
		{"550 5.7.1 Relais interdit pour ce domaine", 0, "relay-denied", "block", NULL},
		{"421 4.7.0 Zu viele Verbindungen, bitte später erneut versuchen", 0, "rate-limited", "soft", NULL},
		{"451 4.7.1 送信数の上限に達しました。しばらくしてから再送してください", 0, "rate-limited", "soft", NULL},
		{"452 Слишком много писем, повторите позже", 0, "rate-limited", "soft", NULL},
		{"Verbindung zu mx.example.de: Zeitüberschreitung", 0, "network-error", NULL, NULL},
		{"配送期限切れのため、メッセージを返送します", 0, "expired", NULL, NULL},
		{"550 5.7.1 スパムメール、ウイルスが検出されました", 0, "virus", "block", NULL},
		{"550 该邮箱已被冻结", 0, "mailbox-disabled", "hard", NULL},
		{"550 受信拒否設定のため配信できません", 0, "recipient-filtered", "block", NULL},
		/* Temporary wording in a 4xx and a 5xx. */
		{"450 Veuillez essayer plus tard", 0, NULL, "soft", "retry"},
		{"550 Veuillez essayer plus tard", 0, NULL, "block", "blocked"},
	};
	size_t i;
	struct smtpcode_result r;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
	/* The automaton matches the shape of text beyond ASCII; the bytes are
	 * checked: a word of the same length and letters of the same width is
	 * no match, and the span is the phrase's own bytes. */
	r = classify("550 Председатель не найден", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_BASIC);
	r = classify("550 5.1.1 Пользователь не найден, sorry", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
	cr_assert(r.matched.len == strlen("Пользователь не найден") &&
	          memcmp(r.matched.ptr, "Пользователь не найден", r.matched.len) == 0);
	/* Across the lines of a multi-line reply. */
	r = classify("550-5.1.1 Пользователь\r\n550 5.1.1 не найден", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
	/* Across a wrapped paragraph's line break and indent: one whitespace
	 * run, as the automaton reads it. */
	r = classify("550 5.1.1 Пользователь\n    не найден", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
	cr_assert(r.matched.len == strlen("Пользователь\n    не найден") &&
	          memcmp(r.matched.ptr, "Пользователь\n    не найден", r.matched.len) == 0);
}

Test(distinctions, rcpt_verdicts)
{
	check(&(struct expectation){"250 2.1.5 Ok", SMTPCODE_STAGE_RCPT, "accepted", "none", "deliverable"});
	check(&(struct expectation){"252 2.1.5 Cannot VRFY user, but will accept message", SMTPCODE_STAGE_RCPT,
	                            "accepted", "none", "risky"});
	check(&(struct expectation){"450 4.2.0 Recipient address rejected: Greylisted", SMTPCODE_STAGE_RCPT, NULL,
	                            "soft", "retry"});
	check(&(struct expectation){"451 4.3.0 Temporary local problem", SMTPCODE_STAGE_RCPT, NULL, "soft",
	                            "retry"});
	check(&(struct expectation){"550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
	                            SMTPCODE_STAGE_RCPT, "user-unknown", "hard", "undeliverable"});
	check(&(struct expectation){"550 5.7.1 Client host rejected: blocked using zen.spamhaus.org",
	                            SMTPCODE_STAGE_RCPT, NULL, "block", "blocked"});
}

Test(distinctions, text_beats_a_generic_code)
{
	check(&(struct expectation){"550 5.1.1 Message was sent to too many recipients this hour", 0, "rate-limited",
	                            NULL, NULL});
	check(&(struct expectation){"550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using "
	                            "zen.spamhaus.org",
	                            0, "ip-blocklisted", NULL, NULL});
	check(&(struct expectation){"554 5.7.1 Spam message rejected", 0, "spam", NULL, NULL});
}

/* The replies of the answer-precision issue, each as a sender needs it. */
Test(distinctions, what_a_sender_needs)
{
	static const struct {
		const char *input, *reason, *bounce, *not_verdict, *vendor;
	} rows[] = {
		{"554 5.7.1 Service unavailable; Client host blocked", "ip-blocklisted", "block", "undeliverable", NULL},
		{"521 5.3.2 System not accepting network messages", "domain-no-mail", "hard", NULL, NULL},
		{"550 5.7.1 <a@example.com>: Recipient address rejected: Disabled recipient address", "mailbox-disabled",
		 "hard", NULL, NULL},
		{"550 5.7.1 User a@example.com temporary locked", "mailbox-disabled", "hard", NULL, NULL},
		{"550 Mailbox is frozen", "mailbox-disabled", "hard", NULL, NULL},
		{"Name service error for domain example.com: Host not found, try again", "network-error", "soft", NULL,
		 NULL},
		{"Could not deliver for the last 432000 seconds. Giving up.", "expired", NULL, NULL, NULL},
		{"Your message was not delivered within 0 days and 1 hours.", "expired", NULL, NULL, NULL},
		{"Nov  5 10:00:00 mx postfix/qmgr[7]: 4F2A: from=<a@example.org>, status=expired, returned to sender",
		 "expired", NULL, NULL, NULL},
		{"550 Verification failed for <x@example.org>", "sender-rejected", "block", "undeliverable", NULL},
		{"You are not a member of this mailing list <list@example.org>.", "sender-rejected", "block",
		 "undeliverable", NULL},
		{"We're writing to let you know that the group you tried to contact (team) may not exist, or you may not "
		 "have permission to post messages to the group.", "sender-rejected", "block", "undeliverable", NULL},
		{"Il se peut que le groupe que vous avez essayé de contacter (team) n'existe pas ou que vous ne soyez pas "
		 "autorisé à lui envoyer des messages.", "sender-rejected", "block", "undeliverable", NULL},
		{"ユーザー taro@example.jp は Domino ディレクトリには見つかりません", "user-unknown", "hard", NULL, NULL},
		{"554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - "
		 "mta1010.mail.gq1.yahoo.com", "user-unknown", "hard", NULL, "yahoo"},
		{"550 5.4.1 Recipient address rejected: Access denied. AS(201806281) "
		 "[CO1NAM11FT012.eop-nam11.prod.protection.outlook.com]", "user-unknown", "hard", NULL, "microsoft365"},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(rows); i++) {
		struct smtpcode_result r = classify(rows[i].input, 0);
		cr_assert_str_eq(smtpcode_reason_name(r.reason), rows[i].reason, "%s", rows[i].input);
		if (rows[i].bounce)
			cr_assert_str_eq(smtpcode_bounce_name(r.bounce), rows[i].bounce, "%s", rows[i].input);
		if (rows[i].not_verdict)
			cr_assert_str_neq(smtpcode_verdict_name(r.verdict), rows[i].not_verdict, "%s", rows[i].input);
		if (rows[i].vendor)
			cr_assert_str_eq(smtpcode_vendor_name(r.vendor), rows[i].vendor, "%s", rows[i].input);
	}
}

Test(distinctions, the_bounce_type_follows_the_class)
{
	static const struct expectation cases[] = {
		/* Outlook's example on the seed page: a block, whatever "Service unavailable" says. */
		{"554 5.7.1 Service unavailable; Client host blocked", 0, "ip-blocklisted", "block", "blocked"},
		/* RFC 7504's code: the host takes no mail at all. */
		{"521 5.3.2 System not accepting network messages", 0, "domain-no-mail", "hard", "undeliverable"},
		{"421 4.3.2 System not accepting network messages", 0, "service-unavailable", "soft", "retry"},
		/* Temporary wording does not turn a 5xx into a retry, nor a refusal into a bad address. */
		{"550 5.7.1 Please try again later", 0, NULL, "block", "blocked"},
		{"550 try again later", 0, NULL, "block", "blocked"},
		{"554 Service unavailable", 0, "service-unavailable", "block", "blocked"},
		{"421 Service unavailable", 0, "service-unavailable", "soft", "retry"},
		/* The reasons that stay soft under a 5xx. */
		{"550 5.2.2 Mailbox full", 0, "mailbox-full", "soft", "retry"},
		{"550 5.4.5 Daily sending quota exceeded", 0, "rate-limited", "soft", "retry"},
	};
	size_t i;
	struct smtpcode_result r;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
	r = classify(cases[3].input, 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_GENERIC_PHRASE);
	cr_assert_neq(r.action, SMTPCODE_ACTION_RETRY_LATER, "a final refusal is not retried as it is");
	cr_assert_eq(classify(cases[1].input, 0).decided_by, SMTPCODE_SIGNAL_BASIC);
}

Test(distinctions, specific_wording_beats_generic)
{
	/* "Recipient address rejected" says who was refused, not why. */
	static const struct expectation cases[] = {
		{"550 5.7.1 <a@example.com>: Recipient address rejected: Disabled recipient address", 0,
		 "mailbox-disabled", "hard", "undeliverable"},
		{"550 5.7.1 User a@example.com temporary locked", 0, "mailbox-disabled", "hard", "undeliverable"},
		{"550 Mailbox is frozen", 0, "mailbox-disabled", "hard", "undeliverable"},
		/* A specific enhanced code beats a generic phrase. */
		{"550 5.1.2 <a@example.org>: Recipient address rejected: Bad destination system address", 0,
		 "domain-not-found", "hard", NULL},
		/* A generic phrase still beats the basic code's default. */
		{"550 <a@example.org>: Recipient address rejected", 0, "user-unknown", "hard", NULL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
	cr_assert_eq(classify(cases[0].input, 0).decided_by, SMTPCODE_SIGNAL_PHRASE);
	cr_assert_eq(classify(cases[4].input, 0).decided_by, SMTPCODE_SIGNAL_GENERIC_PHRASE);
}

/* An address is a mailbox's name, not a cause: "spam@", "virus@" or
 * "eve@spamtrap.example.com" in a reply must not make a dead address a
 * block. The same words outside an address still count. */
Test(distinctions, words_inside_an_address_are_not_causes)
{
	static const struct expectation cases[] = {
		{"550 5.1.1 <spam@example.com>: Recipient address rejected", 0, "user-unknown", "hard", "undeliverable"},
		{"550 5.1.1 <virus@example.com>... User unknown", 0, "user-unknown", "hard", "undeliverable"},
		{"550 5.1.1 eve@spamtrap.example.com: unknown", 0, "user-unknown", "hard", "undeliverable"},
		{"554 5.7.1 <postmaster@rbl.example.org> rejected", 0, "policy", "block", NULL},
		{"550 5.7.1 Message from <a@example.com> rejected as spam", 0, "spam", "block", NULL},
		{"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", 0,
		 "ip-blocklisted", "block", NULL},
		/* An extension a server lists is no complaint about the content. */
		{"smtp;550 5.1.1 <ann@example.com>: Recipient address rejected,mx.example.com,"
		 "\"ENHANCEDSTATUSCODES,8BITMIME,SIZE,PIPELINING\"",
		 0, "user-unknown", "hard", NULL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
}

/* A phrase does not start inside a word: "p=reject" in "SpamTrap=reject",
 * "virus" in "antivirus", "spam" in a host name "antispam.example.net". A
 * capital after a small letter starts a word ("MailPolicy"); the same words
 * standing alone still count. */
Test(distinctions, a_phrase_does_not_start_inside_a_word)
{
	static const struct expectation cases[] = {
		{"553 5.7.1 <ann@example.com>... SpamTrap=reject mode, message blocked as spam", 0, "spam", "block",
		 NULL},
		{"550 5.1.1 <ann@example.com>: user unknown; scanned by antivirus", 0, "user-unknown", "hard",
		 "undeliverable"},
		{"554 5.7.1 Please see https://antispam.example.net/lookup", 0, "policy", "block", NULL},
		{"554 5.7.1 MailPolicy violation", 0, "policy", "block", NULL},
		{"550 5.7.1 Rejected: DMARC policy p=reject", 0, "auth-dmarc", "block", NULL},
		{"554 5.7.1 Your message looks like spam", 0, "spam", "block", NULL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
}

/* "does not exist" said of a domain name is a domain that does not; said of
 * an address, a local part, a person's "first.last" or a path, a mailbox. A
 * sender's domain is not the recipient's. */
Test(distinctions, does_not_exist_said_of_a_domain)
{
	static const struct expectation cases[] = {
		{"553 mail.example.com does not exist", 0, "domain-not-found", "hard", "undeliverable"},
		{"SMTP error from remote mail server after end of data: 553 mail.example.com does not exist", 0,
		 "domain-not-found", "hard", "undeliverable"},
		{"550 Domain example.co.jp does not exist", 0, "domain-not-found", "hard", "undeliverable"},
		{"550 Host example.org doesn't exist", 0, "domain-not-found", "hard", "undeliverable"},
		{"550 <ann@example.com> does not exist", 0, "user-unknown", "hard", "undeliverable"},
		{"550 User ann does not exist", 0, "user-unknown", "hard", "undeliverable"},
		{"550 john.smith does not exist", 0, "user-unknown", "hard", "undeliverable"},
		{"550 /home/ann/.forward does not exist", 0, "user-unknown", "hard", "undeliverable"},
	};
	struct smtpcode_result r;
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		check(&cases[i]);
	r = classify("550 Sender domain example.com does not exist", 0);
	cr_assert_neq(r.reason, SMTPCODE_REASON_DOMAIN_NOT_FOUND);
	r = classify("550 MAIL FROM domain example.com does not exist", 0);
	cr_assert_neq(r.reason, SMTPCODE_REASON_DOMAIN_NOT_FOUND);
	r = classify("550 Client host mta7.example.net does not exist in DNS", 0);
	cr_assert_neq(r.reason, SMTPCODE_REASON_DOMAIN_NOT_FOUND);
	r = classify("451 relay host smarthost.example.net does not exist", 0);
	cr_assert_neq(r.reason, SMTPCODE_REASON_DOMAIN_NOT_FOUND);
}

Test(carriers, postfix_exim_dsn_sendmail)
{
	struct smtpcode_result r;
	const char *postfix = "Nov  5 10:00:00 mx postfix/smtp[123]: 4F2A: to=<user@example.com>, "
	                      "relay=mx.example.com[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced "
	                      "(host mx.example.com[192.0.2.1] said: 550 5.1.1 <user@example.com>: "
	                      "Recipient address rejected: User unknown (in reply to RCPT TO command))";

	r = classify(postfix, 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_POSTFIX);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_RCPT);
	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(r.host.len, strlen("mx.example.com"));
	cr_assert(strncmp(r.host.ptr, "mx.example.com", r.host.len) == 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);

	r = classify("SMTP error from remote mail server after RCPT TO:<user@example.com>: "
	             "550 5.1.1 The email account that you tried to reach does not exist.", 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_EXIM);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_RCPT);
	cr_assert_eq(r.reply.code, 550);

	r = classify("SMTP error from remote mail server after end of data: 552 5.3.4 Message too big", 0);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_END_OF_DATA);
	cr_assert_eq(r.reply.code, 552);

	r = classify("Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.com\n"
	             "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\n"
	             "    not exist. Please try\n", 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_DSN);
	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(r.host.len, strlen("mx.example.com"));

	r = classify("Nov  5 10:00:00 mx sm-mta[1]: x: to=<user@example.com>, delay=00:00:01, "
	             "mailer=esmtp, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown", 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_SENDMAIL);
	cr_assert_eq(r.reply.enhanced.cls, 5);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert(strncmp(r.host.ptr, "mx.example.com", r.host.len) == 0 && r.host.len == 14);

	r = classify("host mx.example.com[192.0.2.1] refused to talk to me: 554 5.7.1 Service unavailable", 0);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_CONNECT);
	cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_HARD);
}

/* qmail-send's log line is read with its '_' as spaces, and what was found
 * points into the line itself: its code, its reply, the words that decided. */
Test(carriers, qmail_log_underscores_are_spaces)
{
	const char *line = "@400000005e0cd3b1291b8d54 delivery 15: failure: 192.0.2.5_does_not_like_recipient./"
	                   "Remote_host_said:_550_5.1.1_<ann@example.org>:_Recipient_address_rejected:_User_unknown/"
	                   "Giving_up_on_192.0.2.5./";
	struct smtpcode_result r = classify(line, 0);

	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_RCPT);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert(r.reply.raw.ptr > line && r.reply.raw.ptr < line + strlen(line));
	cr_assert(strncmp(r.reply.raw.ptr, "550_5.1.1_", 10) == 0);
	cr_assert(r.matched.ptr > line && r.matched.ptr + r.matched.len <= line + strlen(line));
	cr_assert(strncmp(r.reply.code_span.ptr, "550", 3) == 0);
}

Test(carriers, qmail_and_dragonfly_name_the_stage)
{
	static const struct {
		const char *input;
		enum smtpcode_stage stage;
	} cases[] = {
		{"Connected to 192.0.2.7 but greeting failed. Remote host said: 554 go away", SMTPCODE_STAGE_CONNECT},
		{"Connected to 192.0.2.7 but my name was rejected. Remote host said: 550 bad name", SMTPCODE_STAGE_EHLO},
		{"Connected to 192.0.2.7 but sender was rejected. Remote host said: 553 no", SMTPCODE_STAGE_MAIL},
		{"192.0.2.7 does not like recipient. Remote host said: 550 5.1.1 no such user", SMTPCODE_STAGE_RCPT},
		{"192.0.2.7 failed after I sent the message. Remote host said: 554 5.7.1 spam", SMTPCODE_STAGE_END_OF_DATA},
		{"mx.example.org [192.0.2.7] did not like our RCPT TO:550 5.1.1 <a@example.org>: User unknown",
		 SMTPCODE_STAGE_RCPT},
		{"mx.example.org [192.0.2.7] did not like our MAIL FROM:553 5.1.8 bad sender", SMTPCODE_STAGE_MAIL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		struct smtpcode_result r = classify(cases[i].input, 0);
		cr_assert_eq(r.stage, cases[i].stage, "%s: stage %s", cases[i].input, smtpcode_stage_name(r.stage));
		cr_assert_neq(r.reply.code, 0, "%s", cases[i].input);
	}
}

/* Sendmail's session transcript: the reply after the last command sent,
 * the host it was talking to. After DATA, a reply alone answers DATA; two
 * or more mean a pipelining client wrote only DATA and the first answered
 * an earlier command (RCPT's refusal, then DATA's "503 Need RCPT"). */
Test(carriers, a_session_transcript_gives_the_last_reply)
{
	static const struct {
		const char *input;
		enum smtpcode_stage stage;
		unsigned code;
		const char *reason;
	} cases[] = {
		{"... while talking to mx.example.org.:\n>>> MAIL From:<s@example.net> SIZE=100\n<<< 250 2.1.0 ok\n"
		 ">>> RCPT To:<a@example.org>\n<<< 550 5.1.1 <a@example.org>... User unknown\n",
		 SMTPCODE_STAGE_RCPT, 550, "user-unknown"},
		{"... while talking to mx.example.org.:\n>>> DATA\n<<< 354 go ahead\n>>> .\n"
		 "<<< 554 5.7.1 Message rejected as spam\n",
		 SMTPCODE_STAGE_END_OF_DATA, 554, "spam"},
		{"... while talking to mx.example.org.:\n>>> DATA\n<<< 550 5.1.1 <a@example.org>... User unknown\n"
		 "<<< 503 5.0.0 Need RCPT (recipient)\n",
		 SMTPCODE_STAGE_UNKNOWN, 550, "user-unknown"},
		/* A carrier that takes every RCPT TO and refuses after DATA with
		 * "unknown user" hides its recipient's own block list. */
		{"... while talking to mx.example.org.:\n>>> DATA\n<<< 550 Unknown user a@example.org\n"
		 "554 5.0.0 Service unavailable\n",
		 SMTPCODE_STAGE_DATA, 550, "recipient-filtered"},
		{"... while talking to mx.example.org.:\n>>> DATA\n<<< 550-5.7.1 Rejected\n<<< 550 5.7.1 for policy reasons\n",
		 SMTPCODE_STAGE_DATA, 550, NULL},
		/* Refused at RCPT TO, then DATA's complaint that no recipient
		 * was taken: the refusal that counts came before DATA. */
		{"... while talking to mx.example.org.:\n>>> RCPT To:<a@example.org>\n<<< 550 5.1.1 Mailbox unavailable\n"
		 "550 5.1.1 <a@example.org>... User unknown\n>>> DATA\n<<< 503 5.5.1 Need RCPT (recipient)\n",
		 SMTPCODE_STAGE_RCPT, 550, "user-unknown"},
		/* A reply before any command is the greeting; a later complaint
		 * ("too many errors" to QUIT) is not the cause. */
		{"... while talking to mx.example.org.:\n<<< 554 mx.example.org ESMTP not accepting connections\n>>> QUIT\n"
		 "<<< 421 4.7.0 mx.example.org Error: too many errors\n554 5.0.0 Service unavailable\n",
		 SMTPCODE_STAGE_CONNECT, 554, "ip-blocklisted"},
		{"... while talking to mx.example.org.:\n>>> EHLO mx.example.net\n<<< 554 5.7.1 You are not welcome\n",
		 SMTPCODE_STAGE_EHLO, 554, NULL},
		/* The server's words, not the client's restatement under them. */
		{"... while talking to mx.example.org.:\n>>> RCPT To:<a@example.org>\n"
		 "<<< 550 5.2.1 The email account that you tried to reach is disabled.\n"
		 "550 5.1.1 <a@example.org>... User unknown\n>>> DATA\n<<< 503 5.5.1 RCPT first.\n",
		 SMTPCODE_STAGE_RCPT, 550, "mailbox-disabled"},
		/* The last session counts: an earlier host's greeting ("450 busy")
		 * is over, and so is what was sent to it. */
		{"... while talking to mx2.example.net.:\n>>> RCPT To:<a@example.org>\n<<< 450 busy - please try later\n"
		 "... while talking to mx.example.org.:\n>>> DATA\n<<< 551 not our user\n"
		 "550 5.1.1 <a@example.org>... User unknown\n<<< 503 need RCPT command [data]\n",
		 SMTPCODE_STAGE_UNKNOWN, 551, "mailbox-moved"},
		/* A reply that names no cause, and the client gave up on it. */
		{"... while talking to mx.example.org.:\n<<< 421\n<a@example.org>... Deferred: 421\n"
		 "Message could not be delivered for 5 days\nMessage will be deleted from queue\n",
		 SMTPCODE_STAGE_CONNECT, 421, "expired"},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		struct smtpcode_result r = classify(cases[i].input, 0);
		cr_assert_eq(r.stage, cases[i].stage, "%s: stage %s", cases[i].input, smtpcode_stage_name(r.stage));
		cr_assert_eq(r.reply.code, cases[i].code, "%s: code %u", cases[i].input, r.reply.code);
		cr_assert(r.host.len == 14 && memcmp(r.host.ptr, "mx.example.org", 14) == 0, "%s: host '%.*s'",
		          cases[i].input, (int)r.host.len, r.host.ptr);
		if (cases[i].reason)
			cr_assert_str_eq(smtpcode_reason_name(r.reason), cases[i].reason, "%s", cases[i].input);
		if (cases[i].stage == SMTPCODE_STAGE_EHLO) /* a refusal at EHLO spares the recipient */
			cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_HARD, "%s", cases[i].input);
		assert_spans_inside(&r, cases[i].input, strlen(cases[i].input));
	}
}

/* Sendmail v5 writes a recipient's line, then the next recipient's session:
 * that session is not this reply's. */
Test(carriers, a_session_after_the_reply_is_anothers)
{
	struct smtpcode_result r = classify("554 <a@example.org>... 550 Host unknown (Authoritative answer from name server)\n"
	                                    "While talking to smtp.example.com:\n>>> QUIT\n"
	                                    "<<< 421 smtp.example.com closing connection\n", 0);

	cr_assert_eq(r.reply.code, 554);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_UNKNOWN, "stage %s", smtpcode_stage_name(r.stage));
	cr_assert_eq(r.host.len, 0, "host '%.*s'", (int)r.host.len, r.host.ptr);
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "domain-not-found");
}

/* Exim names the host on a line of its own: "host mx.example.org [192.0.2.1]". */
Test(carriers, a_host_named_with_its_address_literal)
{
	struct smtpcode_result r = classify("SMTP error from remote mail server after MAIL FROM:<s@example.net> SIZE=1543:\n"
	                                    "    host mx.example.org [192.0.2.20]: 550 5.7.0 Please use your ISP's relay.\n", 0);

	cr_assert(r.host.len == 14 && memcmp(r.host.ptr, "mx.example.org", 14) == 0, "host '%.*s'", (int)r.host.len,
	          r.host.ptr);
	/* A word that is no host name, or no address literal after it: no host. */
	r = classify("554 5.7.1 Service unavailable; Client host [192.0.2.40] blocked using zen.spamhaus.org", 0);
	cr_assert_eq(r.host.len, 0, "host '%.*s'", (int)r.host.len, r.host.ptr);
	r = classify("550 Host unknown (Authoritative answer from name server)", 0);
	cr_assert_eq(r.host.len, 0, "host '%.*s'", (int)r.host.len, r.host.ptr);
}

/* mFILTER names the refused command on the line after "-------SMTP command". */
Test(carriers, a_command_field_names_the_stage)
{
	struct smtpcode_result r =
		classify("-------server message\n550 unknown user <a@example.org>\n\n-------SMTP command\nDATA\n", 0);

	cr_assert_eq(r.stage, SMTPCODE_STAGE_DATA, "stage %s", smtpcode_stage_name(r.stage));
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "recipient-filtered");
	r = classify("-------server message\n550 unknown user <a@example.org>\n\n-------SMTP command\nRCPT TO:<a@example.org>\n", 0);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_RCPT, "stage %s", smtpcode_stage_name(r.stage));
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "user-unknown");
	/* Yahoo's own words: the account does not exist, whatever the stage. */
	r = classify("... while talking to mx.example.org.:\n>>> DATA\n<<< 554 delivery error: dd This user doesn't have a "
	             "example.org account (a@example.org) [0] - mta1.example.org\n554 5.0.0 Service unavailable\n", 0);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_DATA, "stage %s", smtpcode_stage_name(r.stage));
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "user-unknown");
}

/* "Diagnostic-Code: X-Unix; 127": the program the mail was piped to failed. */
Test(carriers, a_local_programs_exit_status_is_a_mailer_error)
{
	struct smtpcode_result r =
		classify("Action: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Unix; 127\nPermission denied", 0);

	cr_assert_str_eq(smtpcode_reason_name(r.reason), "mailer-error");
	cr_assert(r.matched.len == 6 && memcmp(r.matched.ptr, "X-Unix", 6) == 0);
	/* The program's own words name the cause. */
	r = classify("Action: failed\nStatus: 5.3.0\nDiagnostic-Code: X-Unix; 77\nmaildrop: maildir over quota.", 0);
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "mailbox-full");
}

Test(carriers, an_enhanced_code_alone_starts_a_reply)
{
	struct smtpcode_result r = classify("5.1.1 user unknown", 0);

	cr_assert_eq(r.reply.code, 0);
	cr_assert_eq(r.reply.enhanced.cls, 5);
	cr_assert(r.reply.enhanced_span.len == 5 && strncmp(r.reply.enhanced_span.ptr, "5.1.1", 5) == 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_BARE);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD);
	r = classify("  4.2.2 mailbox full", 0);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	r = classify("5.7.1", 0);
	cr_assert_eq(r.reply.enhanced.detail, 1);
	cr_assert_eq(r.reason, SMTPCODE_REASON_POLICY);
	/* Not a code: an address, a date, a version in the middle of a text. */
	r = classify("192.0.2.1 said hello", 0);
	cr_assert_eq(r.reply.enhanced.cls, 0);
	r = classify("2024-01-01 user unknown", 0);
	cr_assert_eq(r.reply.enhanced.cls, 0);
}

static int
span_is(struct smtpcode_span s, const char *want)
{
	return want ? s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0 : s.len == 0;
}

static int
classify_rc(const char *s, struct smtpcode_result *r)
{
	return smtpcode_classify(s, strlen(s), SMTPCODE_STAGE_UNKNOWN, NULL, 0, r);
}

Test(logs, a_note_of_the_mail_system_is_no_delivery)
{
	struct smtpcode_result r;

	cr_assert_eq(classify_rc("Feb 17 10:00:01 mx postfix/smtpd[812]: Anonymous TLS connection established from "
	                         "client.example.com[192.0.2.7]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
	                         &r),
	             SMTPCODE_ENOREPLY, "TLS set up, not a refusal");
	cr_assert_eq(classify_rc("Feb 17 10:00:02 mx opendkim[159]: 4F2A1C0D3E: DKIM-Signature field added (s=mail, "
	                         "d=example.com)",
	                         &r),
	             SMTPCODE_ENOREPLY);
	/* The same words with a code, a status or a recipient are a delivery's. */
	cr_assert_eq(classify_rc("Feb 17 10:00:03 mx postfix/smtp[813]: 4F2A1C0D3E: to=<a@example.org>, relay=none, "
	                         "status=deferred (TLS is required, but was not offered by host mx.example.org)",
	                         &r),
	             0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_TLS_REQUIRED);
	/* Without a date and time it is not known to be a log's: the words count. */
	cr_assert_eq(classify_rc("TLS is required, but was not offered", &r), 0);
	/* A container's log, its service's name before each line. */
	cr_assert_eq(classify_rc("mail_1  | Feb 17 10:00:04 mx postfix/smtpd[814]: Anonymous TLS connection established "
	                         "from client.example.com[192.0.2.7]",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert(span_is(r.timestamp, "Feb 17 10:00:04"));
	/* A syslog line whose date and time were cut off: its program's tag says it is a log's. */
	cr_assert_eq(classify_rc("postfix/smtp[3517]: connect to mx.example.com[192.0.2.1]:25: Connection refused", &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("mx opendkim[778]: 720B91122280: DKIM-Signature field added (s=s1, d=example.com)", &r),
	             SMTPCODE_ENOREPLY);
	/* One attempt's reply before Postfix tries the next MX, a login the
	 * relay refused, a greeting: the delivery's own line tells its outcome. */
	cr_assert_eq(classify_rc("Feb 17 10:00:06 mx postfix/smtp[816]: A0F7BE2AA5: host mx1.example.org[192.0.2.20] "
	                         "refused to talk to me: 554 mx1.example.org",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(r.reply.code, 554, "still read");
	cr_assert_eq(classify_rc("Feb 17 10:00:07 mx postfix/smtp[816]: D69F5DF04F4: host mx2.example.org[192.0.2.21] "
	                         "said: 451 4.7.1 Sorry, the service is currently unavailable. Please come back later. "
	                         "(in reply to end of DATA command)",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("Feb 17 10:00:08 mx postfix/smtp[817]: 4D7BD1781307: SASL authentication failed; server "
	                         "relay.example.net[192.0.2.22] said: 535 5.7.8 Username and Password not accepted",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("2026-12-07 10:00:09 plain authenticator failed for ([192.0.2.23]) [192.0.2.23]: 535 "
	                         "Incorrect authentication data",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("2026-12-07T10:00:10.232Z,MX\\Default Frontend MX,08DC1,5,192.0.2.24:25,"
	                         "192.0.2.25:56026,>,220 2.0.0 SMTP server ready,",
	                         &r),
	             SMTPCODE_ENOREPLY);
	/* Kerio's refusal of a connection names no address: a note. */
	cr_assert_eq(classify_rc("[07/Dec/2026 10:00:11] Client with IP address 192.0.2.26 has no reverse DNS entry, "
	                         "connection rejected before SMTP greeting",
	                         &r),
	             SMTPCODE_ENOREPLY);
	/* The same reply in the delivery's line is its outcome; a deferral is
	 * soft, whatever the reply's class: Postfix will try again. */
	cr_assert_eq(classify_rc("Feb 17 10:00:12 mx postfix/smtp[816]: A0F7BE2AA5: to=<a@example.org>, "
	                         "relay=mx1.example.org[192.0.2.20]:25, delay=5, dsn=4.0.0, status=deferred (host "
	                         "mx1.example.org[192.0.2.20] refused to talk to me: 554 5.7.1 poor reputation)",
	                         &r),
	             0);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	cr_assert_eq(r.verdict, SMTPCODE_VERDICT_RETRY);
	/* Postfix's warn_if_reject: what it would have refused, and accepted. */
	cr_assert_eq(classify_rc("Feb 17 10:00:05 mx postfix/smtpd[815]: NOQUEUE: reject_warning: RCPT from "
	                         "client.example.com[192.0.2.7]: 550 5.1.1 <b@example.org>: Recipient address rejected: "
	                         "User unknown in local recipient table; from=<a@example.com> to=<b@example.org> "
	                         "proto=ESMTP helo=<client.example.com>",
	                         &r),
	             SMTPCODE_ENOREPLY);
	/* Its access tables' FILTER and HOLD actions: the mail was taken too. */
	cr_assert_eq(classify_rc("Feb 17 10:00:05 mx postfix/smtpd[815]: NOQUEUE: filter: RCPT from "
	                         "client.example.com[192.0.2.7]: <a@example.com>: Sender address triggers FILTER "
	                         "smtp-amavis:[127.0.0.1]:10026; from=<a@example.com> to=<b@example.org> proto=ESMTP "
	                         "helo=<client.example.com>",
	                         &r),
	             SMTPCODE_ENOREPLY);
	/* Its header and body checks' WARN and INFO actions: only logged. */
	cr_assert_eq(classify_rc("Feb 17 10:00:05 mx postfix/cleanup[600]: 4F2A1C0D3E: warning: header Subject: Your "
	                         "account is disabled from unknown[192.0.2.54]; from=<a@example.com> to=<b@example.org> "
	                         "proto=ESMTP helo=<out.example.com>",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("Feb 17 10:00:05 mx postfix/smtpd[815]: 4F2A1C0D3E: hold: RCPT from "
	                         "client.example.com[192.0.2.7]: <a@example.com>: Sender address triggers HOLD action; "
	                         "from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<client.example.com>",
	                         &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(classify_rc("Feb 17 10:00:06 mx postfix/smtpd[815]: NOQUEUE: reject: RCPT from "
	                         "client.example.com[192.0.2.7]: 550 5.1.1 <b@example.org>: Recipient address rejected: "
	                         "User unknown in local recipient table; from=<a@example.com> to=<b@example.org> "
	                         "proto=ESMTP helo=<client.example.com>",
	                         &r),
	             0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
}

/* A log line of each mail system: the recipient it names (or NULL), the
 * log's status, and the reason. */
static const struct {
	const char *line, *recipient;
	enum smtpcode_log_status status;
	enum smtpcode_reason reason;
} log_lines[] = {
    /* Exim's refusal of a client's RCPT, and its delivery. */
    {"2026-12-07 10:00:00 H=(client) [192.0.2.8] F=<a@example.com> rejected RCPT <b@example.org>: relay not "
     "permitted",
     "b@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_RELAY_DENIED},
    {"2026-12-07 10:00:01 1tixMn-0000C5-1w => c@example.net R=dnslookup T=remote_smtp H=mx.example.net "
     "[192.0.2.9] C=\"250 2.0.0 OK id=1tixMo\"",
     "c@example.net", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    /* Sendmail: a failure's words after stat=, its class in dsn=; its
     * check_rcpt ruleset names the recipient in arg1=. */
    {"Dec  7 10:00:02 mx sendmail[1544]: 2B7A1c9f015444: to=<d@example.org>, delay=00:00:01, mailer=esmtp, "
     "dsn=5.1.1, stat=User unknown",
     "d@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    {"Dec  7 10:00:03 mx sendmail[1545]: 2B7A1c9f015445: ruleset=check_rcpt, arg1=<e@example.org>, "
     "relay=[192.0.2.10], reject=550 5.7.1 <e@example.org>... Relaying denied",
     "e@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_RELAY_DENIED},
    /* qmail-send. */
    {"1765100000.123456 delivery 108: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/", NULL,
     SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    /* Its '_' stands for a space: the remote host's words are read. */
    {"1765100001.123456 delivery 109: failure: 192.0.2.30_does_not_like_recipient./Remote_host_said:_550_Unknown_"
     "local_part_ann_in_<ann@example.org>/Giving_up_on_192.0.2.30./", NULL,
     SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    {"1765100002.123456 delivery 110: failure: 192.0.2.5_failed_after_I_sent_the_message./Remote_host_said:_552_5.2.2_"
     "Mailbox_full/", NULL, SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_MAILBOX_FULL},
    {"1765100003.123456 delivery 111: deferral: Connected_to_192.0.2.4_but_greeting_failed./Remote_host_said:_421_"
     "4.7.0_Too_many_connections,_slow_down./", NULL, SMTPCODE_LOG_DEFERRED, SMTPCODE_REASON_RATE_LIMITED},
    /* OpenSMTPD: the code right after stat= is the reply's; a delivery it
     * records with no code is a record all the same. */
    {"relay: PermFail for 3a45d0d114df12c9: session=000000076c353ebb, from=<f@example.com>, to=<g@example.org>, "
     "relay=192.0.2.26 (mx.example.org), delay=9s, stat=550 5.1.1 no such user",
     "g@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    {"delivery: Ok for f23a96c23e2500b8: from=<f@example.com>, to=<h@example.org>, user=h, method=lmtp, delay=1s, "
     "stat=Delivered",
     "h@example.org", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    /* A local program that is missing is the system's fault, not the address's. */
    {"2026-12-07 10:00:05 1tixMn-0000C5-1w ** i@example.ru R=dovecot_user T=dovecot_delivery: Child process of "
     "dovecot_delivery transport returned 127 (could mean shell command ended by signal or command does not exist)",
     "i@example.ru", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_MAILER_ERROR},
    /* Postfix with soft_bounce = yes keeps a refused message and retries. */
    {"Dec  7 10:00:06 mx postfix/smtp[77]: 4F2A1C0D40: to=<j@example.com>, relay=mx.example.com[192.0.2.11]:25, "
     "delay=1, dsn=4.1.1, status=SOFTBOUNCE (host mx.example.com[192.0.2.11] said: 550 5.1.1 no mailbox here by "
     "that name (in reply to RCPT TO command))",
     "j@example.com", SMTPCODE_LOG_DEFERRED, SMTPCODE_REASON_USER_UNKNOWN},
    /* Sendmail names a recipient with its display name. */
    {"Dec  7 10:00:07 mx sm-mta[902]: x5AB12Cd004: to=Kim Lee <k@example.org>, delay=00:00:01, mailer=esmtp, "
     "dsn=5.1.1, stat=User unknown",
     "k@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    /* Exim's client side names the refused recipient in its RCPT TO. */
    {"2026-12-07 10:00:08 H=mx.example.net [192.0.2.12]: SMTP error from remote mail server after RCPT "
     "TO:<l@example.net>: 451 4.7.1 Greylisted, try again in 300 seconds",
     "l@example.net", SMTPCODE_LOG_NONE, SMTPCODE_REASON_GREYLISTED},
    /* Courier's delivery; Haraka's deferral. */
    {"Dec  7 10:00:09 mx courieresmtp: id=0038C081.4D026173.000051A4,from=<m@example.com>,addr=<n@example.org>,"
     "size=329,success: delivered: mx.example.org [192.0.2.13]",
     "n@example.org", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    {"2026-12-07T10:00:10.220Z [NOTICE] [C7BDFBA8.1] [outbound] Temp fail for: Tried all MXs", NULL,
     SMTPCODE_LOG_DEFERRED, SMTPCODE_REASON_NETWORK_ERROR},
    /* A policy server names the recipient in its own field; Haraka lists
     * the recipients it bounces. */
    {"Dec  7 10:00:12 mx postgrey[901]: action=greylist, reason=new, client_name=mx.example.org, "
     "client_address=192.0.2.4/32, sender=r@example.org, recipient=s@example.com",
     "s@example.com", SMTPCODE_LOG_NONE, SMTPCODE_REASON_GREYLISTED},
    {"2026-12-07T10:00:13.100Z [INFO] [DAA706AE.6.1] [outbound] bouncing mail: Some recipients failed: "
     "<t@example.com>",
     "t@example.com", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_UNKNOWN},
    /* OpenSMTPD's local delivery: its result, and a hidden recipient that is none. */
    {"Dec  7 10:00:14 mx smtpd[24227]: 1e722991167e2b80 mda delivery evpid=f9293a5cb336a379 from=<u@example.org> "
     "to=(hidden) user=forge delay=40s result=TempFail stat=Error (temporary failure: 451 4.3.0 local error)",
     NULL, SMTPCODE_LOG_DEFERRED, SMTPCODE_REASON_SYSTEM_ERROR},
    {"Dec  7 10:00:14 mx smtpd[24227]: 5df87c9250bba470 mda delivery evpid=c405e39ad6bbc64f from=<u@example.org> "
     "to=<v@example.org> rcpt=<v@example.org> user=v delay=0s result=Ok stat=Delivered",
     "v@example.org", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    /* Its relay's, with the result quoted: the words are its own. */
    {"Dec  7 10:00:15 mx smtpd[24227]: 1a2b3c4d5e6f7a8b mta delivery evpid=1a2b3c4d5e6f7a8d from=<u@example.org> "
     "to=<w@example.net> rcpt=<-> source=\"192.0.2.1\" relay=\"198.51.100.7 (mx.example.net)\" delay=2s "
     "result=\"PermFail\" stat=\"Invalid domain name\"",
     "w@example.net", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_DOMAIN_NOT_FOUND},
    {"Dec  7 10:00:16 mx smtpd[24227]: 1a2b3c4d5e6f7a8b mta delivery evpid=1a2b3c4d5e6f7a8c from=<u@example.org> "
     "to=<x@example.net> rcpt=<-> source=\"192.0.2.1\" relay=\"198.51.100.7 (mx.example.net)\" delay=2s "
     "result=\"TempFail\" stat=\"Connection refused\"",
     "x@example.net", SMTPCODE_LOG_DEFERRED, SMTPCODE_REASON_NETWORK_ERROR},
    /* amavis's verdict on a message names its first recipient after "->"; a
     * blocked message reached none, one that passed was handed on, whatever
     * its score ("Passed SPAM" is tagged, not refused). */
    {"Dec  7 10:00:17 mx amavis[4102]: (04102-03) Blocked INFECTED (Eicar-Signature) {DiscardedInbound}, "
     "[192.0.2.8]:41022 [192.0.2.8] <s@example.net> -> <t@example.org>,<u@example.org>, Queue-ID: 5A1B2C3D4E, "
     "mail_id: kq3, Hits: -, size: 2104, 88 ms",
     "t@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_VIRUS},
    {"Dec  7 10:00:18 mx amavis[4102]: (04102-04) Blocked BANNED (multipart/mixed | application/x-msdownload,.exe,"
     "setup.exe) {BouncedInbound}, [192.0.2.8]:41023 [192.0.2.8] <s@example.net> -> <v@example.org>, Queue-ID: "
     "5A1B2C3D4F",
     "v@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_POLICY},
    {"Dec  7 10:00:19 mx amavis[4102]: (04102-05) Passed SPAM {RelayedTaggedInbound}, [192.0.2.8]:41024 "
     "[192.0.2.8] <s@example.net> -> <w@example.org>, Queue-ID: 5A1B2C3D50, Hits: 7.1, queued_as: 6B2C3D4E5F",
     "w@example.org", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    /* A reply with "(...) blocked" in it is no amavis line. */
    {"550 5.7.1 (rule 12) blocked by the recipient's filter -> <x@example.org>", NULL, SMTPCODE_LOG_NONE,
     SMTPCODE_REASON_RECIPIENT_FILTERED},
    /* Postfix's header_checks refusal: the header's words are the message's, the reply follows the helo. */
    {"Dec  7 10:00:22 mx postfix/cleanup[2210]: 7C1D2E3F4A: reject: header Subject: Your mailbox is full, "
     "confirm your password from mail.example.net[192.0.2.5]; from=<x@example.net> to=<vic@example.org> "
     "proto=ESMTP helo=<mail.example.net>: 5.7.1 Message content rejected",
     "vic@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_SPAM},
    /* Sendmail's "<a@b>... " before words about the sender names no recipient. */
    {"553 5.1.8 <xia@example.net>... Domain of sender address xia@example.net does not exist", NULL,
     SMTPCODE_LOG_NONE, SMTPCODE_REASON_SENDER_REJECTED},
    /* A Postfix bounce's line pasted alone names its recipient first. */
    {"<zed@example.net>: host mx.example.net[192.0.2.9] said: 550 5.1.2 No such mailbox (in reply to RCPT TO "
     "command)", "zed@example.net", SMTPCODE_LOG_NONE, SMTPCODE_REASON_USER_UNKNOWN},
    /* Roundcube's error as a user pastes it: the recipient is quoted. */
    {"SMTP Error (550): Failed to add recipient \"ula@example.net\" (5.1.1 <ula@example.net>: Recipient address "
     "rejected: User unknown in local recipient table).",
     "ula@example.net", SMTPCODE_LOG_NONE, SMTPCODE_REASON_USER_UNKNOWN},
    /* Stalwart's event, Kerio's "Sent:" line and maddy's JSON name their recipients in their own words. */
    {"2026-12-07T10:00:20Z INFO DSN permanent failure notification (delivery.dsn-perm-fail) queueId = 4411, "
     "from = \"s@example.net\", to = [\"y@example.org\"], size = 900, total = 1, to = \"y@example.org\", "
     "hostname = \"mx.example.org\", code = 550, details = \"Mailbox does not exist\", total = 0",
     "y@example.org", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    {"[07/Dec/2026 10:00:21] Sent: Queue-ID: 6935a1b2-00000003,Recipient: <z@example.org>, Result: delivered, "
     "Status: 2.0.0", "z@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_ACCEPTED},
    {"queue: delivery attempt failed\t{\"msg_id\":\"0a1b2c3d\",\"rcpt\":\"n@example.org\",\"reason\":\"Domain "
     "does not accept email (null MX)\",\"smtp_code\":556}",
     "n@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_DOMAIN_NO_MAIL},
    /* An email service's event as a JSON line. */
    {"{\"email\":\"o@example.com\",\"timestamp\":1765100000,\"event\":\"bounce\",\"reason\":\"550 5.1.1 The "
     "email account that you tried to reach does not exist\",\"type\":\"bounce\"}",
     "o@example.com", SMTPCODE_LOG_BOUNCED, SMTPCODE_REASON_USER_UNKNOWN},
    /* Postfix's check of a sender: its probe of the sender's own address got
     * "User unknown", which says nothing of the recipient. */
    {"Dec  7 10:00:11 mx postfix/smtpd[816]: NOQUEUE: reject: RCPT from client.example.com[192.0.2.7]: 550 5.1.0 "
     "<p@example.net>: Sender address rejected: undeliverable address: host mx.example.net[192.0.2.14] said: 550 "
     "5.1.1 <p@example.net>: User unknown in virtual alias table (in reply to RCPT TO command); "
     "from=<p@example.net> to=<q@example.org> proto=ESMTP helo=<client.example.com>",
     "q@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_SENDER_REJECTED},
    /* Sendmail's refusal of an address: "<a@b>... why"; its reply after
     * reject=, at MAIL FROM the sender's (not a recipient). */
    {"Dec  7 10:00:12 mx sm-mta[1591]: u1IJTVKB001591: <r@example.org>... User unknown", "r@example.org",
     SMTPCODE_LOG_NONE, SMTPCODE_REASON_USER_UNKNOWN},
    {"Dec  7 10:00:13 mx sendmail[604]: e6GLNMO00604: ruleset=check_mail, arg1=<s@example.net>, relay=client.example "
     "[192.0.2.15], reject=553 5.1.8 <s@example.net>... Domain of sender address s@example.net does not exist",
     NULL, SMTPCODE_LOG_NONE, SMTPCODE_REASON_SENDER_REJECTED},
    /* Courier's fields joined by commas. */
    {"Dec  7 10:00:14 mx courieresmtpd: error,relay=::ffff:192.0.2.16,ident=x,from=<a@example.com>,"
     "to=<t@example.org>: 550 User unknown.",
     "t@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_USER_UNKNOWN},
    /* Kerio Connect: its date in brackets, its words for the addresses. */
    {"[07/Dec/2026 10:00:15] Relay attempt from IP address 192.0.2.17, mail from <a@example.com> to "
     "<u@example.org> rejected",
     "u@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_RELAY_DENIED},
    /* Dovecot's local delivery names its user, and what became of the message. */
    {"Dec  7 10:00:16 mx dovecot: lmtp(v@example.org)<1522><2E+aO4c4uV7yBQAAUIhAew>: sieve: "
     "msgid=<1@example.com>: failed to store into mailbox 'INBOX': Quota exceeded (mailbox for user is full)",
     "v@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_MAILBOX_FULL},
    {"Dec  7 10:00:17 mx dovecot: lmtp(9610, w@example.org): mLjfD8Pl51aKJQAA4rfF6Q: msgid=<2@example.com>: saved "
     "mail to INBOX",
     "w@example.org", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    /* A local user has no domain; Dovecot 1 wrote "deliver(user)". */
    {"Dec  7 10:00:17 mx dovecot: lda(wanda)<1640><xwqfd0U8uGVoBgAAXHv/Hg>: msgid=<3@example.com>: saved mail to "
     "INBOX",
     "wanda", SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
    {"Dec  7 10:00:17 mx dovecot: deliver(wes@example.org): msgid=<4@example.com>: rejected: Quota exceeded "
     "(mailbox for user is full)",
     "wes@example.org", SMTPCODE_LOG_NONE, SMTPCODE_REASON_MAILBOX_FULL},
    /* Exim's local delivery: the user, then the address. */
    {"2026-12-07 10:00:18 1tixMn-0000C5-1w => x <x@example.org> R=local_user T=mail_spool", "x@example.org",
     SMTPCODE_LOG_SENT, SMTPCODE_REASON_ACCEPTED},
};

Test(logs, each_mail_system_names_its_recipient_and_outcome)
{
	struct smtpcode_result r;
	size_t i;

	for (i = 0; i < COUNT_OF(log_lines); i++) {
		cr_assert_eq(classify_rc(log_lines[i].line, &r), 0, "line %zu", i);
		cr_assert(span_is(r.recipient, log_lines[i].recipient), "line %zu: recipient", i);
		cr_assert_eq(r.log_status, log_lines[i].status, "line %zu: status", i);
		cr_assert_eq(r.reason, log_lines[i].reason, "line %zu: reason", i);
		if (r.reason == SMTPCODE_REASON_MAILER_ERROR)
			cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_UNKNOWN, "a missing program says nothing of the address");
		if (r.reason == SMTPCODE_REASON_SENDER_REJECTED)
			cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_BLOCK, "the sender's fault never bounces a recipient");
	}
}

/* Dovecot's lines about a connection name its process, not a user. */
Test(logs, a_process_number_is_no_user)
{
	struct smtpcode_result r = classify("Dec  7 10:00:19 mx dovecot: lmtp(9610): Connect from local", 0);

	cr_assert_eq(r.recipient.len, 0);
	r = classify("Dec  7 10:00:19 mx dovecot: lmtp(9610): msgid=<5@example.com>: saved mail to INBOX", 0);
	cr_assert_eq(r.recipient.len, 0);
}

Test(logs, what_a_postmaster_needs_from_a_log_line)
{
	struct smtpcode_result r;

	r = classify("Nov  5 10:00:00 mx postfix/smtp[123]: 4F2A1C0D3E: to=<user@example.com>, "
	             "relay=mx.example.com[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host "
	             "mx.example.com[192.0.2.1] said: 550 5.1.1 <user@example.com>: Recipient address rejected: User "
	             "unknown (in reply to RCPT TO command))", 0);
	cr_assert(span_is(r.recipient, "user@example.com"));
	cr_assert(span_is(r.queue_id, "4F2A1C0D3E"));
	cr_assert(span_is(r.timestamp, "Nov  5 10:00:00"));
	cr_assert_eq(r.log_status, SMTPCODE_LOG_BOUNCED);
	cr_assert_str_eq(smtpcode_log_status_name(r.log_status), "bounced");
	/* The reply without the carrier's "(in reply to RCPT TO command))". */
	cr_assert(span_is(r.reply.raw, "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown"),
	          "%.*s", (int)r.reply.raw.len, r.reply.raw.ptr);

	/* relay=none: no host was reached; status=deferred: temporary, with no code. */
	r = classify("2026-11-05T10:00:01.123456+01:00 mx postfix/smtp[124]: 4F2A1C0D3F: to=<a@example.net>, "
	             "relay=none, delay=30, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.9]:25: "
	             "Connection timed out)", 0);
	cr_assert_eq(r.host.len, 0);
	cr_assert(span_is(r.timestamp, "2026-11-05T10:00:01.123456+01:00"));
	cr_assert_eq(r.log_status, SMTPCODE_LOG_DEFERRED);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_POSTFIX);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	r = classify("Nov  5 10:00:02 mx postfix/smtp[125]: 4F2A: to=<a@example.invalid>, relay=none, delay=0, "
	             "status=bounced (Host or domain name not found. Name service error for name=example.invalid "
	             "type=A: Host not found)", 0);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD);
	cr_assert_eq(r.reason, SMTPCODE_REASON_DOMAIN_NOT_FOUND);

	/* The queue manager's expiry: no recipient, no reply. */
	r = classify("Nov  5 10:00:03 mx postfix/qmgr[7]: 4F2A1E: from=<news@example.org>, status=expired, returned "
	             "to sender", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_EXPIRED);
	cr_assert_eq(r.log_status, SMTPCODE_LOG_EXPIRED);
	cr_assert(span_is(r.queue_id, "4F2A1E"));
	cr_assert(span_is(r.recipient, NULL));

	r = classify("Nov  5 10:00:04 mx sm-mta[901]: x5AB12Cd003: to=<user@example.com>, delay=00:00:01, "
	             "mailer=esmtp, relay=mx.example.com. [192.0.2.1], dsn=4.0.0, stat=Deferred: Connection refused by "
	             "mx.example.com.", 0);
	cr_assert(span_is(r.recipient, "user@example.com"));
	cr_assert(span_is(r.queue_id, "x5AB12Cd003"));
	cr_assert_eq(r.log_status, SMTPCODE_LOG_DEFERRED);

	r = classify("2026-11-05 10:00:05 1abcDE-000123-AB ** user@example.com R=dnslookup T=remote_smtp: SMTP error "
	             "from remote mail server after RCPT TO:<user@example.com>: 550 5.1.1 User unknown", 0);
	cr_assert(span_is(r.recipient, "user@example.com"));
	cr_assert(span_is(r.queue_id, "1abcDE-000123-AB"));
	cr_assert(span_is(r.timestamp, "2026-11-05 10:00:05"));
	cr_assert_eq(r.log_status, SMTPCODE_LOG_BOUNCED);
	r = classify("2026-11-05 10:00:06 1abcDF-000124-AC == b@example.net R=dnslookup T=remote_smtp defer (-44): "
	             "SMTP error from remote mail server after RCPT TO:<b@example.net>: 452 4.2.2 Mailbox full", 0);
	cr_assert_eq(r.log_status, SMTPCODE_LOG_DEFERRED);
	cr_assert(span_is(r.recipient, "b@example.net"));

	/* Not a log line's: Gmail's "** Address not found **" is no Exim "**"
	 * line; its recipient is the one its sentence names. */
	r = classify("** Address not found ** Your message wasn't delivered to a@example.com because the address "
	             "couldn't be found.", 0);
	cr_assert_eq(r.log_status, SMTPCODE_LOG_NONE);
	cr_assert(span_is(r.recipient, "a@example.com"));
	cr_assert(span_is(r.timestamp, NULL));
	cr_assert_null(smtpcode_log_status_name(SMTPCODE_LOG_COUNT));
}

/* Exchange quotes the reply it got: the quotes are not the reply's. */
Test(carriers, a_carriers_quotes_and_parentheses_are_not_the_reply)
{
	struct smtpcode_result r = classify("Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\r\n", 0);

	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_EXCHANGE);
	cr_assert(span_is(r.reply.raw, "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"), "reply '%.*s'",
	          (int)r.reply.raw.len, r.reply.raw.ptr);
	r = classify("Remote Server returned \"550 5.1.1 <a@example.org>: it's gone\"", 0);
	cr_assert(span_is(r.reply.raw, "550 5.1.1 <a@example.org>: it's gone"), "reply '%.*s'", (int)r.reply.raw.len,
	          r.reply.raw.ptr);
	r = classify("Remote Server at mx.example.org (192.0.2.1) returned '550 5.1.1 User unknown'", 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_EXCHANGE);
	cr_assert(span_is(r.reply.raw, "550 5.1.1 User unknown"));
	r = classify("Le serveur distant a retourné '550 5.2.2 Mailbox full'", 0);
	cr_assert_eq(r.carrier, SMTPCODE_CARRIER_EXCHANGE);
	cr_assert(span_is(r.reply.raw, "550 5.2.2 Mailbox full"));
	/* So are the parentheses a log line or a report writes around one. */
	r = classify("4F2A: to=<a@example.org>, status=sent (250 2.0.0 Ok: queued as 7B1C)", 0);
	cr_assert(span_is(r.reply.raw, "250 2.0.0 Ok: queued as 7B1C"), "reply '%.*s'", (int)r.reply.raw.len,
	          r.reply.raw.ptr);
	r = classify("    (reason: 550 5.1.1 User unknown (#5.1.1))", 0);
	cr_assert(span_is(r.reply.raw, "550 5.1.1 User unknown (#5.1.1)"), "reply '%.*s'", (int)r.reply.raw.len,
	          r.reply.raw.ptr);
}

/* A success or intermediate code after a word is a number in prose ("Office
 * 365", "sent 250 messages"): a bounce that says it is not accepted. */
Test(carriers, a_number_in_prose_is_not_a_reply)
{
	struct smtpcode_result r = classify("Your message could not be delivered. Office 365 Action Required: "
	                                    "Recipient Unknown\n", 0);

	cr_assert_neq(r.reason, SMTPCODE_REASON_ACCEPTED);
	cr_assert_eq(r.reply.code, 0);
	r = classify("We sent 250 messages today, then: 550 5.1.1 <a@example.org>: User unknown", 0);
	cr_assert_eq(r.reply.code, 550);
	/* With an enhanced code of its class, or after a carrier's words, it is a reply. */
	r = classify("Remote server returned 250 2.0.0 queued as 4F2A", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_ACCEPTED);
	r = classify("status=sent (250 Ok: queued as 4F2A)", 0);
	cr_assert_eq(r.reply.code, 250);
	/* A failure's code after a word is still one. */
	r = classify("Remote server replied 550 Requested action not taken", 0);
	cr_assert_eq(r.reply.code, 550);
	/* A measure ("284 ms") and the part of a number after its comma (a
	 * log's "15:30:23,390") are no codes: a virus block is no success. */
	r = classify("Feb 13 11:02:43 mx amavis[2769]: (02769-06) Blocked INFECTED (Eicar-Test-Signature), "
	             "<ann@example.org> -> <bo@example.net>, size: 253117, 284 ms", 0);
	cr_assert_eq(r.reply.code, 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_VIRUS);
	r = classify("2026-12-07 15:30:23,390 - [ 58627] 192.0.2.8,ann@example.org,bo@example.net,5878,[Failure reason: "
	             "Unable to send email to the server. 550 #5.1.0 Address rejected.", 0);
	cr_assert_eq(r.reply.code, 550);
	r = classify("571 Virus detected - psmtp", 0);
	cr_assert_eq(r.reply.code, 571);
	/* A telephone number in a signature is no reply; a reply whose words
	 * start with a number is one. */
	r = classify("Support Team | Tel +1 555 0199 | Fax 555-0198", 0);
	cr_assert_eq(r.reply.code, 0);
	r = classify("550 1234567 is not a valid account", 0);
	cr_assert_eq(r.reply.code, 550);
	r = classify("554 30 seconds is the minimum delay between messages", 0);
	cr_assert_eq(r.reply.code, 554);
	r = classify("552-5000 MB is the limit\n552 5.2.2 Mailbox full", 0);
	cr_assert_eq(r.reply.code, 552);
	/* A line or a port number in an error message is no reply. */
	r = classify("Expected response code 250 but got code 550, with message \"550 Relaying denied\" in "
	             "AbstractSmtpTransport.php on line 457", 0);
	cr_assert_eq(r.reply.code, 550);
	r = classify("Connection refused on port 465 of smtp.example.com", 0);
	cr_assert_eq(r.reply.code, 0);
	r = classify("550 5.1.1 <a@example.org>: Recipient address rejected", 0);
	cr_assert_eq(r.reply.code, 550);
}

/* Postfix fills a DSN's Status with X.0.0 when the reply had no enhanced
 * code: the reply's own code then decides, as it does alone. */
Test(carriers, a_status_filler_does_not_hide_the_reply_code)
{
	struct smtpcode_result r = classify("Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 552 Too much mail data\n", 0);

	cr_assert_str_eq(smtpcode_reason_name(r.reason), "mailbox-full");
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_BASIC);
	/* The reply's own X.0.0 is the server's word, and a Status with a detail says more. */
	r = classify("Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 552 5.0.0 Too much mail data\n", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_GENERIC_ENHANCED);
	r = classify("Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 550 Too much mail data\n", 0);
	cr_assert_str_eq(smtpcode_reason_name(r.reason), "mailbox-full");
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_ENHANCED);
}

Test(carriers, dsn_action_gives_the_class_when_no_code_does)
{
	struct smtpcode_result r = classify("Action: delayed\nDiagnostic-Code: X-Postfix; mailbox full\n", 0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_MAILBOX_FULL);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	r = classify("Action: failed\nDiagnostic-Code: X-Postfix; user unknown\n", 0);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD);
	r = classify("Action: delayed\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n", 0);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD, "a code's class wins over the Action field");
}

Test(carriers, dsn_field_names_are_not_causes)
{
	/* "rfc822;" is the address type of every Final-Recipient, not a format problem. */
	struct smtpcode_result r = classify("Final-Recipient: rfc822; user@example.com\nStatus: 5.1.1\n", 0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD);
}

Test(carriers, codes_in_the_words_of_programs)
{
	/* An enhanced code after a program's words and a colon is the reply's. */
	struct smtpcode_result r = classify("Exception message was: 5.7.14 Please log in via your web browser\n", 0);

	cr_assert_eq(r.reply.enhanced.cls, 5);
	cr_assert_eq(r.reply.enhanced.subject, 7);
	cr_assert_eq(r.reply.enhanced.detail, 14);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SMTP_AUTH);
	/* Python's smtplib prints the code and the reply's bytes as a tuple. */
	r = classify("smtp failed: (550, b'5.1.1 The email account that you tried to reach does not exist.')", 0);
	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(r.reply.enhanced.detail, 1);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.reply.raw.ptr[r.reply.raw.len - 1], '.', "the closing quote and parenthesis are not the reply's");
	/* Exim's cipher field ends in the key's bits: ":256" is no reply code. */
	r = classify("2026-12-07 10:00:01 H=mx.example.com [192.0.2.9] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no "
	             "F=<a@example.com> temporarily rejected RCPT <b@example.org>: greylisted\n",
	             0);
	cr_assert_eq(r.reply.code, 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_GREYLISTED);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT, "a greylisting with no code is temporary by nature");
	r = classify("host mx.example.org said:550 5.1.1 no such user", 0);
	cr_assert_eq(r.reply.code, 550, "a code right after a colon that ends words stays a code");
}

/* Replies of mail server software and services, as they send them, and the
 * reason a sender needs from each. */
static const struct {
	const char *reply;
	enum smtpcode_reason reason;
	enum smtpcode_bounce bounce;
} server_replies[] = {
    /* The client's HELO name refused: its configuration, not the address. */
    {"550 HELO must have a dot", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_BLOCK},
    {"550 Invalid address format in HELO", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_BLOCK},
    {"550 HELO is dynamic", SMTPCODE_REASON_RDNS, SMTPCODE_BOUNCE_BLOCK},
    /* The sender refused. */
    {"550 No MX for your FROM address", SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"501 5.5.4 You are not allowed to send from this address.", SMTPCODE_REASON_SENDER_REJECTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"501 5.1.7 Sender address malformed", SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"550-Callback setup failed while verifying a@example.com\n550-This host does not accept mail from domains "
     "whose servers\n550 refuse bounces.",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    /* ... but its SPF record is named: SPF. */
    {"550 5.1.0 192.0.2.1 is not allowed to send from <example.net> per it's SPF Record.", SMTPCODE_REASON_AUTH_SPF,
     SMTPCODE_BOUNCE_BLOCK},
    /* Limits, whatever restriction reported them. */
    {"451 4.5.1 [192.0.2.1] Max concurrent sessions (#1.04)", SMTPCODE_REASON_RATE_LIMITED, SMTPCODE_BOUNCE_SOFT},
    {"450 4.7.1 <a@example.com>: Sender address rejected: sorry, max 2 requests per hour.",
     SMTPCODE_REASON_RATE_LIMITED, SMTPCODE_BOUNCE_SOFT},
    {"550 5.7.1 Relaying is denied", SMTPCODE_REASON_RELAY_DENIED, SMTPCODE_BOUNCE_BLOCK},
    /* The receiver's own check failed: not the message's fault. */
    {"450 Virus scanner timed out", SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
    {"451 4.3.0 DKIM signing failed", SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
    {"451 4.7.1 Cannot validate the message now. Try again later", SMTPCODE_REASON_SYSTEM_ERROR,
     SMTPCODE_BOUNCE_SOFT},
    {"451 See http://pobox.com/~djb/docs/smtplf.html.", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_SOFT},
    {"554 5.7.0 Reject, id=17352-01 - BANNED: application/x-ms-dos-executable,.exe", SMTPCODE_REASON_POLICY,
     SMTPCODE_BOUNCE_BLOCK},
    /* A busy server says so after a code that names the network. */
    {"421 4.4.5 CCRT 192.0.2.1: Connection refused. Server is busy(RT)", SMTPCODE_REASON_SERVICE_UNAVAILABLE,
     SMTPCODE_BOUNCE_SOFT},
    {"421 4.3.2 Your IP(192.0.2.1) is filtered and this connection will be closed. You must register your IP",
     SMTPCODE_REASON_REPUTATION, SMTPCODE_BOUNCE_SOFT},
    /* The sending side's words for a domain with no mail host, and a loop. */
    {"Your message wasn't delivered to a@mail.example.io because the domain mail.example.io couldn't be found. "
     "Check for typos or unnecessary spaces and try again.",
     SMTPCODE_REASON_DOMAIN_NOT_FOUND, SMTPCODE_BOUNCE_HARD},
    {"Your message wasn't delivered to a@example.io because the address couldn't be found. Check for typos or "
     "unnecessary spaces and try again.",
     SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"No MX for nomx.example.com", SMTPCODE_REASON_DOMAIN_NOT_FOUND, SMTPCODE_BOUNCE_HARD},
    {"Unable to resolve MX host nomx.example.ne", SMTPCODE_REASON_DOMAIN_NOT_FOUND, SMTPCODE_BOUNCE_HARD},
    {"Unable to resolve MX host example.com: SERVFAIL", SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_SOFT},
    {"451 4.4.3 Unable to resolve MX host example.com: DNS server timeout", SMTPCODE_REASON_NETWORK_ERROR,
     SMTPCODE_BOUNCE_SOFT},
    /* An enhanced code no registry lists: its subject still says what kind
     * of failure it was, which a bare 550 (a bad mailbox) does not. */
    {"550 5.7.193", SMTPCODE_REASON_POLICY, SMTPCODE_BOUNCE_BLOCK},
    {"550 5.6.77 Rejected", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_BLOCK},
    {"451 4.4.99 Unexpected condition", SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_SOFT},
    {"550 5.1.99 Rejected", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    /* Microsoft 365: a group closed to this sender; a recipient whose own
     * directory entry is broken; Exchange's stock words about a permission
     * over the remote reply that names the cause. */
    {"550 5.7.193 UnifiedGroupAgent; Delivery failed because the sender isn't a group member or external senders "
     "aren't permitted to send to this group.",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"550 5.2.0 RESOLVER.ADR.BadPrimary; recipient primary SMTP address is missing or invalid",
     SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    {"Your message wasn't delivered due to a permission or security issue. mail.example.com #<mx.example.com "
     "#5.7.1 smtp;530 5.7.1 Client was not authenticated> #SMTP#",
     SMTPCODE_REASON_SMTP_AUTH, SMTPCODE_BOUNCE_BLOCK},
    {"550 5.7.1 You are not authorized to send mail as <ann@example.com> per SPF record", SMTPCODE_REASON_AUTH_SPF,
     SMTPCODE_BOUNCE_BLOCK},
    {"554 Message rejected: Stream is more than 10485760 bytes long.", SMTPCODE_REASON_MESSAGE_TOO_LARGE,
     SMTPCODE_BOUNCE_BLOCK},
    {"553 5.1.3 You are not authorized to send mail as <ann@example.com>", SMTPCODE_REASON_SENDER_REJECTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"host mx.qq.com[192.0.2.9] said: 550 Domain may not exist or DNS check failed (in reply to end of DATA command)",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"host mx.example.de[192.0.2.7]: connection to mail exchanger failed", SMTPCODE_REASON_NETWORK_ERROR,
     SMTPCODE_BOUNCE_UNKNOWN},
    {"Error: Could not connect to 192.0.2.7 on port 25 since this would mean connecting to myself.",
     SMTPCODE_REASON_LOOP, SMTPCODE_BOUNCE_UNKNOWN},
    /* Postfix's local delivery could not ask its user database. */
    {"Dec  7 10:00:00 mx postfix/local[1]: 4F2A: to=<a@example.com>, relay=local, delay=1, dsn=4.0.0, "
     "status=deferred (user lookup error)",
     SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
    /* Hosted services: the words say more than a generic enhanced code. */
    {"550 5.4.6 Unusual sending activity detected.", SMTPCODE_REASON_REPUTATION, SMTPCODE_BOUNCE_BLOCK},
    {"550 5.2.1 Subject is Mandatory.", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_BLOCK},
    {"421 4.4.2 Message submission rate for this client has exceeded the configured limit",
     SMTPCODE_REASON_RATE_LIMITED, SMTPCODE_BOUNCE_SOFT},
    {"550 5.7.1 Connection refused - [192.0.2.90] blocked by Example Threat List", SMTPCODE_REASON_IP_BLOCKLISTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process "
     "message due to a permanent exception",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    /* An Office 365 group that takes mail only from its organisation: the
     * inner code and token say so under the outer 5.7.0. */
    {"Remote Server returned '554 5.7.0 < #5.7.133 smtp;550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; "
     "authentication required; Delivery restriction check failed because the sender was not authenticated when "
     "sending to this group>'",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"<a@example.com>: Too many failures (Tried all MXs)", SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    /* "delivery temporarily suspended": Postfix waits for the next try. */
    {"<a@example.com>: delivery temporarily suspended: connect to mx.example.com[192.0.2.1]:25: Connection timed out",
     SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_SOFT},
    /* Postfix's prefixes name what was refused; the words after them say why. */
    {"454 4.7.1 <localhost>: Helo command rejected: Access denied", SMTPCODE_REASON_POLICY, SMTPCODE_BOUNCE_SOFT},
    {"451 4.3.5 <a@example.com>: Sender address rejected: Server configuration error", SMTPCODE_REASON_SYSTEM_ERROR,
     SMTPCODE_BOUNCE_SOFT},
    {"554 5.0.0 <mx.example.com[192.0.2.1]>: Client host rejected: reject", SMTPCODE_REASON_POLICY,
     SMTPCODE_BOUNCE_BLOCK},
    {"504 5.5.2 <host>: Helo command rejected: need fully-qualified hostname", SMTPCODE_REASON_SYNTAX_ERROR,
     SMTPCODE_BOUNCE_BLOCK},
    /* A command or an extension switched off is no disabled mailbox. */
    {"502 5.5.1 VRFY command is disabled", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    {"501 5.7.1 DSN support is disabled", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    {"550 5.2.1 Mailbox is disabled", SMTPCODE_REASON_MAILBOX_DISABLED, SMTPCODE_BOUNCE_HARD},
    /* A local delivery agent that could not write the mailbox. */
    {"dsn=5.2.0, status=bounced (maildir delivery failed: create maildir file /var/mail/a/tmp/1.P2.host: "
     "Permission denied)",
     SMTPCODE_REASON_MAILER_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    {"421 4.7.0 Error: too many new TLS sessions from 192.0.2.1", SMTPCODE_REASON_RATE_LIMITED, SMTPCODE_BOUNCE_SOFT},
    {"550 zen.example.test Listed by CSS", SMTPCODE_REASON_IP_BLOCKLISTED, SMTPCODE_BOUNCE_BLOCK},
    {"451 Over-quota", SMTPCODE_REASON_MAILBOX_FULL, SMTPCODE_BOUNCE_SOFT},
    {"The recipient name is not recognized", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"510 5.1.1 Your email address, a@example.com, is not subscribed to that group. To subscribe, send an email "
     "to g+subscribe@groups.example.io",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"ERROR CODE :550 - Message headers fail syntax check", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_BLOCK},
    {"550 Messages should have one or no Subject headers, not 2.", SMTPCODE_REASON_MESSAGE_FORMAT,
     SMTPCODE_BOUNCE_BLOCK},
    /* The sender's domain, not the recipient's. */
    {"554 Sender domain does not have any MX records.", SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    {"550 The from address does not match a verified Sender Identity.", SMTPCODE_REASON_SENDER_REJECTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"450 Too many recipient attempts", SMTPCODE_REASON_RATE_LIMITED, SMTPCODE_BOUNCE_SOFT},
    /* X.1.5 is a success: under a failure's code it says nothing. */
    {"501 5.1.5 Recipient address reserved by RFC 2606", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    /* A bare 550 guesses a bad mailbox; words it cannot read are for a
     * person, never a reason to suppress the address. */
    {"550 don't like this host", SMTPCODE_REASON_UNKNOWN, SMTPCODE_BOUNCE_UNKNOWN},
    {"553 VS99-IP1 deferred", SMTPCODE_REASON_UNKNOWN, SMTPCODE_BOUNCE_UNKNOWN},
    {"550 <a@example.com>...", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"550 a@example.com [192.0.2.1] mx.example.com", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"550 Recipient verify failure", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    /* Known words around an address are known words. */
    {"550 User <bob@example.com> unknown", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"550 Mailbox (carol@example.org) not found", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"550 User <benny> unknown", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"550 <a@example.com> is not welcome", SMTPCODE_REASON_UNKNOWN, SMTPCODE_BOUNCE_UNKNOWN},
    /* The typographic apostrophe is an apostrophe. */
    {"554 delivery error: This user doesn\u2019t have an account", SMTPCODE_REASON_USER_UNKNOWN,
     SMTPCODE_BOUNCE_HARD},
    /* No code: words that say the failure will pass make it soft, whichever
     * words name the cause. */
    {"Recipient address rejected: Please try again later", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_SOFT},
    {"Recipient address rejected: User unknown", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"#4.4.3 Temporary error occurred during SPF verification.", SMTPCODE_REASON_AUTH_SPF, SMTPCODE_BOUNCE_SOFT},
    /* Exchange 2000 and 2003 close their text with the host and the status. */
    {"The recipient's e-mail address was not found in the recipient's e-mail system. <mx.example.com #5.1.1>",
     SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"Could not deliver the message in the time limit specified. Please retry or contact your administrator. "
     "<mx.example.com #4.4.7>",
     SMTPCODE_REASON_EXPIRED, SMTPCODE_BOUNCE_UNKNOWN},
    {"550 message sending for this account is disabled", SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_BLOCK},
    /* Temporary wording after a cause, or denied, leaves it permanent; in
     * front of the cause ("temporarily rejected RCPT") it is the outcome. */
    {"no such user here. Please do not try again later.", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"user unknown (if you think this is a temporary error, contact us)", SMTPCODE_REASON_USER_UNKNOWN,
     SMTPCODE_BOUNCE_HARD},
    {"Recipient address rejected: do not try again later", SMTPCODE_REASON_USER_UNKNOWN, SMTPCODE_BOUNCE_HARD},
    {"H=[192.0.2.1] temporarily rejected RCPT <z@example.com>: Could not complete sender verify callout",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_SOFT},
    /* A virus scanner's all-clear is no virus. */
    {"550 5.7.1 Message rejected as bulk spam. No virus found.", SMTPCODE_REASON_SPAM, SMTPCODE_BOUNCE_BLOCK},
    /* Phrases of admins' ACLs and old Exchange. */
    {"550 no HELO given before MAIL command", SMTPCODE_REASON_SYNTAX_ERROR, SMTPCODE_BOUNCE_UNKNOWN},
    {"550 Serious MIME defect detected", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_BLOCK},
    {"550 sender envelope address a@example.com is locally blacklisted here.", SMTPCODE_REASON_SENDER_REJECTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"Unable to deliver the message due to a communications failure", SMTPCODE_REASON_NETWORK_ERROR,
     SMTPCODE_BOUNCE_UNKNOWN},
    /* A name joined with underscores is no word: cPanel's Exim routes by
     * "dkim_lookuphost", which says nothing of DKIM. */
    {"2026-08-03 10:30:32 1wqmhq-000abc-AB == a@example.com R=dkim_lookuphost T=dkim_remote_smtp defer (60): "
     "Operation timed out",
     SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_SOFT},
    {"550 mailbox closed", SMTPCODE_REASON_MAILBOX_DISABLED, SMTPCODE_BOUNCE_HARD},
    {"2014-11-24 11:25:33 H=localhost [::1]:49956 F=<a@example.com> temporarily rejected RCPT <b@example.net>: "
     "Could not complete sender verify",
     SMTPCODE_REASON_SENDER_REJECTED, SMTPCODE_BOUNCE_SOFT},
    /* A log's byte count after its status is no reply. */
    {"4F2A: to=<a@example.com>, relay=none, delay=30, dsn=4.4.1, status=deferred (connect to "
     "mx.example.com[192.0.2.1]:25: Connection timed out) 215",
     SMTPCODE_REASON_NETWORK_ERROR, SMTPCODE_BOUNCE_SOFT},
    /* Outlook.com's SC- codes put the sending IP on its own block list. */
    {"550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.7 weren't sent.", SMTPCODE_REASON_IP_BLOCKLISTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"554 This connection is being blocked. See http://www.senderbase.org/lookup?search_string=192.0.2.7",
     SMTPCODE_REASON_REPUTATION, SMTPCODE_BOUNCE_BLOCK},
    {"550 Access from ip address 192.0.2.7 blocked. Visit http://win.mail.ru/cgi-bin/support_bl?ip=192.0.2.7",
     SMTPCODE_REASON_IP_BLOCKLISTED, SMTPCODE_BOUNCE_BLOCK},
    {"The sender 192.0.2.7 is banned", SMTPCODE_REASON_POLICY, SMTPCODE_BOUNCE_BLOCK},
    /* SPF named only in the explanation's address, after a generic prefix. */
    {"550 5.7.1 <a@example.com>: Sender address rejected: Please see http://www.openspf.net/Why?s=mfrom",
     SMTPCODE_REASON_AUTH_SPF, SMTPCODE_BOUNCE_BLOCK},
    /* A login refused, not a recipient: "user not found" is the login's. */
    {"Mar  2 10:00:00 mx sm-mta[4242]: 14NNwaRl065696: AUTH failure (PLAIN): user not found (-20), user=scan",
     SMTPCODE_REASON_SMTP_AUTH, SMTPCODE_BOUNCE_BLOCK},
    {"503 5.5.4 Error: send AUTH command first.", SMTPCODE_REASON_SMTP_AUTH, SMTPCODE_BOUNCE_BLOCK},
    /* Node.js's socket errors (Haraka, Nodemailer): no server answered. */
    {"[outbound] Failed to get socket: connect EHOSTUNREACH 192.0.2.7:25", SMTPCODE_REASON_NETWORK_ERROR,
     SMTPCODE_BOUNCE_UNKNOWN},
    {"[outbound] Temp failing 1606859828273 for 64 seconds: Tried all MXs", SMTPCODE_REASON_NETWORK_ERROR,
     SMTPCODE_BOUNCE_SOFT},
    {"550 I cannot deliver mail for a@example.org", SMTPCODE_REASON_RELAY_DENIED, SMTPCODE_BOUNCE_BLOCK},
    {"status=deferred (client TLS configuration problem)", SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
    /* The message's format, the mailbox's quota, a list's members. */
    {"451 Error: bare <LF> received", SMTPCODE_REASON_MESSAGE_FORMAT, SMTPCODE_BOUNCE_SOFT},
    {"552 Message size exceeds remaining quota", SMTPCODE_REASON_MAILBOX_FULL, SMTPCODE_BOUNCE_SOFT},
    {"550 You are forbidden from posting messages to this list.", SMTPCODE_REASON_SENDER_REJECTED,
     SMTPCODE_BOUNCE_BLOCK},
    {"550 Blacklisted high risk file extension detected", SMTPCODE_REASON_POLICY, SMTPCODE_BOUNCE_BLOCK},
    /* Exim could not reach its scanner: no virus was found. */
    {"451 malware acl condition: clamd /run/clamd.ctl : unable to connect to UNIX socket",
     SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
    /* An enhanced code after a program's label and its own words. */
    {"System.Net.Mail.SmtpException: Error in processing. The server response was: 4.3.111 Temporary error",
     SMTPCODE_REASON_SYSTEM_ERROR, SMTPCODE_BOUNCE_SOFT},
};

Test(carriers, replies_of_mail_server_software)
{
	struct smtpcode_result r;
	size_t i;

	for (i = 0; i < COUNT_OF(server_replies); i++) {
		r = classify(server_replies[i].reply, 0);
		cr_assert_eq(r.reason, server_replies[i].reason, "reply %zu: %s", i,
		             smtpcode_reason_name(r.reason));
		cr_assert_eq(r.bounce, server_replies[i].bounce, "reply %zu: bounce", i);
	}
}

Test(carriers, a_port_or_a_version_is_no_code)
{
	/* "192.0.2.7:465" is an address's port, not a 465 reply: no class. */
	struct smtpcode_result r = classify("Error: connect ECONNREFUSED 192.0.2.7:465", 0);

	cr_assert_eq(r.reply.code, 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_NETWORK_ERROR);
	cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_SOFT);
	r = classify("connect to mx.example.com[2001:db8::7]:587: Connection timed out", 0);
	cr_assert_eq(r.reply.code, 0);
	/* A program's version after a colon is no enhanced code; a code after
	 * a later colon is ("... The server response was: 4.3.2 ..."). */
	r = classify("Jan 12 10:04:05 web1 php[812]: PHPMailer version: 5.2.28 loaded", 0);
	cr_assert_eq(r.reply.enhanced.cls, 0);
	r = classify("SmtpException: Error in processing. The server response was: 4.3.2 Temporary error", 0);
	cr_assert_eq(r.reply.enhanced.cls, 4);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
}

Test(carriers, a_notice_that_will_retry_is_a_delay)
{
	/* Gmail's delay notice: no server answered yet, and it will try again. */
	struct smtpcode_result r = classify(
	    "There was a temporary problem delivering your message to a@example.com. Gmail will retry for 45 more "
	    "hours.\nThe recipient server did not accept our requests to connect. [example.com 192.0.2.21: timed out]\n",
	    0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_NETWORK_ERROR);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_SOFT);
}

Test(carriers, sendmail_dots_after_an_address_end_it)
{
	/* "a@b... address invalid": the words after Sendmail's "..." are not
	 * part of the address. */
	struct smtpcode_result r = classify("550 5.7.0 user@example.com... address invalid", 0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
}

Test(carriers, a_server_that_says_connection_refused_did_answer)
{
	/* A 5xx that says "Connection refused" is the server's refusal. */
	struct smtpcode_result r = classify("550 Connection refused", 0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_POLICY);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_BLOCK, "not the network's, and no bad address");
	/* The sending side's own words, with no reply, are the network's. */
	r = classify("connect to mx.example.com[192.0.2.1]:25: Connection refused", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_NETWORK_ERROR);
}

Test(carriers, codes_about_the_sender_never_bounce_a_recipient)
{
	/* A reply to AUTH is about the sender's login. */
	struct smtpcode_result r = classify("535 5.7.8 Authentication failed: your account is disabled", 0);

	cr_assert_eq(r.reason, SMTPCODE_REASON_SMTP_AUTH);
	cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_HARD);
	/* X.1.7 and X.1.8 are a bad sender's address and domain. */
	r = classify("550 5.1.7 Sender address unknown: <info@example.net>", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SENDER_REJECTED);
	r = classify("553 5.1.8 Sender domain example.invalid does not exist", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SENDER_REJECTED);
	cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_HARD);
}

Test(carriers, a_refusal_names_its_recipient)
{
	struct smtpcode_result r = classify("550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown", 0);

	cr_assert_eq(r.recipient.len, strlen("ann@example.org"));
	cr_assert(!memcmp(r.recipient.ptr, "ann@example.org", r.recipient.len));
	r = classify("550 5.1.1 bo@example.net... User unknown", 0);
	cr_assert_eq(r.recipient.len, strlen("bo@example.net"));
	/* The sender's address, a host's name, words before the address. */
	r = classify("451 4.3.5 <cy@example.com>: Sender address rejected: Server configuration error", 0);
	cr_assert_eq(r.recipient.len, 0);
	r = classify("553 5.1.8 <cy@example.com>... Domain of sender address cy@example.com does not exist", 0);
	cr_assert_eq(r.recipient.len, 0);
	r = classify("554 5.7.1 <mx.example.com[192.0.2.1]>: Client host rejected: Access denied", 0);
	cr_assert_eq(r.recipient.len, 0);
	r = classify("550 5.1.1 User unknown: <ann@example.org>", 0);
	cr_assert_eq(r.recipient.len, 0);
	r = classify("host mx.example.org[192.0.2.7] said: 550 5.1.0 <ops@example.com>... Address rejected (in reply "
	             "to MAIL FROM command)", 0);
	cr_assert_eq(r.recipient.len, 0);
	/* Words about the sender later in the reply, and a French colon. */
	r = classify("550 5.7.1 <tom@example.com>: Recipient address rejected: sender domain example.org is not "
	             "allowed to send to this user", 0);
	cr_assert_eq(r.recipient.len, strlen("tom@example.com"));
	r = classify("550 5.1.1 <paul@example.net> : adresse du destinataire refusée : utilisateur inconnu", 0);
	cr_assert_eq(r.recipient.len, strlen("paul@example.net"));
	/* A list that takes posts from its members only refuses the sender, and
	 * names the list it was sent to. */
	r = classify("550 5.7.1 <news@lists.example.org>: Recipient address rejected: only members may post to this "
	             "list", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SENDER_REJECTED);
	cr_assert_eq(r.recipient.len, strlen("news@lists.example.org"));
	r = classify("550 5.7.1 <info@example.org>: Absenderadresse abgelehnt: Zugriff verweigert", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SENDER_REJECTED);
	cr_assert_eq(r.recipient.len, 0);
	/* Python's smtplib names the refused recipient as its dict's key. */
	r = classify("smtplib.SMTPRecipientsRefused: {'ludo@example.fr': (550, b'5.1.1 <ludo@example.fr>: Recipient "
	             "address rejected: User unknown')}", 0);
	cr_assert(span_is(r.recipient, "ludo@example.fr"));
	/* A notice's own sentence, pasted alone. */
	r = classify("The message you sent to ari@example.com couldn't be delivered due to: Recipient email address "
	             "is possibly incorrect.", 0);
	cr_assert_eq(r.recipient.len, strlen("ari@example.com"));
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
}

Test(carriers, a_table_row_names_its_recipient_in_its_first_cell)
{
	/* A sending service's export (CSV) and a grid pasted from its web page
	 * (tab-separated, the code in a cell of its own). */
	struct smtpcode_result r = classify("cara@example.net,deferred,\"452 4.2.2 The recipient's mailbox is over "
	                                    "quota, try again later\",2024-12-06T09:14:05Z",
	                                    0);

	cr_assert(span_is(r.recipient, "cara@example.net"));
	cr_assert_eq(r.reason, SMTPCODE_REASON_MAILBOX_FULL);
	r = classify("mia@example.org\tHard bounce\t550\t5.1.1 Mailbox does not exist\tDec 3, 2024 10:02", 0);
	cr_assert(span_is(r.recipient, "mia@example.org"));
	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(r.reply.enhanced.detail, 1);
	cr_assert_eq(r.bounce, SMTPCODE_BOUNCE_HARD);
	/* An address in a later cell, or one followed by words, is no row's. */
	r = classify("bounced,cara@example.net,550 5.1.1 User unknown", 0);
	cr_assert_eq(r.recipient.len, 0);
	r = classify("ops@example.com says: 550 5.1.1 User unknown", 0);
	cr_assert_eq(r.recipient.len, 0);
	/* The first line of a reply of several names the recipient; so does
	 * an enhanced code alone, and the address inside the words that decide. */
	r = classify("550-5.1.1 <ivy@example.org>: Recipient address rejected:\n550 5.1.1 User unknown in virtual "
	             "mailbox table", 0);
	cr_assert(span_is(r.recipient, "ivy@example.org"));
	r = classify("4.2.0 <ppl@example.be>: Recipient address rejected: Greylisted for 300 seconds", 0);
	cr_assert(span_is(r.recipient, "ppl@example.be"));
	r = classify("550 Mailbox (carol@example.org) not found", 0);
	cr_assert(span_is(r.recipient, "carol@example.org"));
	/* Two addresses before the reply: which is the recipient, only the
	 * table's header says. */
	r = classify("news@example.org,yann@example.com,bounced,550 5.1.1 user unknown", 0);
	cr_assert_eq(r.recipient.len, 0);
}

Test(carriers, a_question_is_no_reply)
{
	/* People ask; mail systems state. A code in the question still counts. */
	struct smtpcode_result r;

	cr_assert_eq(smtpcode_classify("Is the spam one our IP?", 23, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r),
	             SMTPCODE_ENOREPLY);
	cr_assert_eq(smtpcode_classify("Why does 550 5.1.1 user unknown come back?", 42, SMTPCODE_STAGE_UNKNOWN, NULL,
	                               0, &r),
	             0);
	cr_assert_eq(smtpcode_classify("Mailbox full.\nStill there?", 26, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r), 0);
	/* A mail system that asks after it states. */
	cr_assert_eq(smtpcode_classify("Recipient not found. Did you type the address correctly?", 56,
	                               SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r),
	             0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
}

Test(carriers, a_closing_session_refuses_no_one)
{
	/* At MAIL FROM a refusal is the sender's, but a 421 closes the session
	 * whatever the command was. */
	struct smtpcode_result r = classify("421 Connection went away (in reply to MAIL FROM command)", 0);

	cr_assert_eq(r.stage, SMTPCODE_STAGE_MAIL);
	cr_assert_neq(r.reason, SMTPCODE_REASON_SENDER_REJECTED, "%s", smtpcode_reason_name(r.reason));
	r = classify("450 4.1.8 Try again (in reply to MAIL FROM command)", 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_SENDER_REJECTED, "%s", smtpcode_reason_name(r.reason));
}

Test(carriers, caller_stage_and_host_win)
{
	struct smtpcode_result r;
	const char *s = "550 5.1.1 User unknown (in reply to RCPT TO command)";

	smtpcode_classify(s, strlen(s), SMTPCODE_STAGE_MAIL, "gmail-smtp-in.l.google.com", 26, &r);
	cr_assert_eq(r.stage, SMTPCODE_STAGE_MAIL);
	cr_assert_eq(r.host.len, 26);
	cr_assert_neq(r.verdict, SMTPCODE_VERDICT_UNDELIVERABLE);
}

Test(vendors, recognised_by_the_hosts_named_in_the_text)
{
	static const struct {
		const char *input, *host, *vendor;
	} cases[] = {
		{"554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - "
		 "mta1320.mail.ne1.yahoo.com", NULL, "yahoo"},
		/* A service's own token and host beat the Postfix wording its front end shares. */
		{"550 5.4.1 Recipient address rejected: Access denied. AS(201806281) "
		 "[DM6NAM12FT013.eop-nam12.prod.protection.outlook.com]", NULL, "microsoft365"},
		{"host mx.example.org[192.0.2.7] said: 550 5.1.1 <a@example.org>: Recipient address rejected: User "
		 "unknown in local recipient table", NULL, "postfix"},
		{"550 5.7.1 Unfortunately, messages from [192.0.2.7] weren't sent. [AM1EUR03HT012.eop-EUR03.prod."
		 "olc.protection.outlook.com]", NULL, "outlookcom"},
		{"421 4.7.0 Try again later, closing connection. (EHLO) a1si2.3 - x", "aspmx.l.google.com", "gmail"},
		{"554 5.7.1 Message rejected [mx01.mail.icloud.com]", NULL, "icloud"},
		/* An address is not a host: the recipient's domain names no vendor. */
		{"550 5.1.1 <a@yahoo.com>: no such user", NULL, NULL},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		struct smtpcode_result r;
		const char *h = cases[i].host;
		smtpcode_classify(cases[i].input, strlen(cases[i].input), 0, h, h ? strlen(h) : 0, &r);
		if (cases[i].vendor)
			cr_assert_str_eq(smtpcode_vendor_name(r.vendor), cases[i].vendor, "%s", cases[i].input);
		else
			cr_assert_eq(r.vendor, SMTPCODE_VENDOR_UNKNOWN, "%s: %s", cases[i].input,
			             smtpcode_vendor_name(r.vendor));
		if (!h) /* else the evidence is in the host name given */
			assert_spans_inside(&r, cases[i].input, strlen(cases[i].input));
	}
}

Test(result, says_what_decided)
{
	struct smtpcode_result r = classify("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred", 0);

	cr_assert_eq((int)r.vendor, smtpcode_vendor_from_name("yahoo", 5));
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_TOKEN);
	cr_assert(r.matched.len == 7 && strncmp(r.matched.ptr, "[TSS04]", 7) == 0);
	r = classify("550 5.1.1", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_ENHANCED);
	r = classify("550 nothing useful", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_BASIC);
	r = classify("550 5.7.1 nothing useful", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_GENERIC_ENHANCED);
	r = classify("550 5.7.606 Access denied, banned sending IP [192.0.2.1]", 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_VENDOR_CODE);
	cr_assert_eq((int)r.vendor, smtpcode_vendor_from_name("microsoft365", 12));
	r = classify("550 5.7.1 nothing useful", SMTPCODE_STAGE_MAIL);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_STAGE);
}

/* The text that decided is found however many lines follow it (a delivery
 * history of twenty attempts), and so is the vendor's evidence. */
Test(result, what_decided_is_shown_from_far_back)
{
	char text[4096];
	size_t n = 0;
	int i;
	struct smtpcode_result r;

	n += (size_t)snprintf(text + n, sizeof text - n, "Error: Connection timed out [TSS04]\n");
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "attempt %d at 10:%02d\n", i, i);
	cr_assert_eq(smtpcode_classify(text, n, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_TOKEN);
	cr_assert(r.matched.len == 7 && strncmp(r.matched.ptr, "[TSS04]", 7) == 0, "matched '%.*s'",
	          (int)r.matched.len, r.matched.ptr);
	cr_assert(r.vendor_evidence.len > 0);
	memcpy(text + 30, "     ", 5); /* no token: the phrase decides */
	cr_assert_eq(smtpcode_classify(text, n, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
	cr_assert(r.matched.len == 20 && strncmp(r.matched.ptr, "Connection timed out", 20) == 0, "matched '%.*s'",
	          (int)r.matched.len, r.matched.ptr);
}

Test(result, whitespace_runs_and_case_do_not_matter)
{
	struct smtpcode_result a = classify("550-5.1.1 the user\r\n550 5.1.1 UNKNOWN in here", 0);
	struct smtpcode_result b = classify("550 5.1.1 the user unknown in here", 0);

	cr_assert_eq(a.reason, b.reason);
	cr_assert_eq(a.decided_by, SMTPCODE_SIGNAL_PHRASE);
}

Test(result, multi_line_reply_joined_into_one_line)
{
	/* Postfix joins the lines of a reply with spaces, each line's codes kept. */
	static const char joined[] = "host mx.example.com[192.0.2.1] said: 550-5.1.1 the user 550 5.1.1 unknown in "
	                             "here (in reply to RCPT TO command)";
	static const char crowded[] = "550-5.1.1 a 550 5.1.1 550-5.1.1 550 5.1.1 user 550 5.1.1 unknown";
	struct smtpcode_result r;

	cr_assert_eq(smtpcode_classify(joined, sizeof joined - 1, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
	assert_spans_inside(&r, joined, sizeof joined - 1);
	cr_assert_eq(smtpcode_classify(crowded, sizeof crowded - 1, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN);
	assert_spans_inside(&r, crowded, sizeof crowded - 1);
	/* Another reply's codes are text: no phrase across them. */
	r = classify("550-5.1.1 the user 451 4.3.0 unknown in here", 0);
	cr_assert_neq(r.decided_by, SMTPCODE_SIGNAL_PHRASE);
}

/* A reply quoted in a report's text goes on over the lines the mail system
 * wrapped or indented under it; the report's other words are not its own. */
Test(result, a_reply_wrapped_in_a_report_is_whole)
{
	static const struct {
		const char *text, *reply;
	} cases[] = {
		/* Postfix wraps the line it quotes the reply on, even right after the code. */
		{"host mx.example.com[192.0.2.1] said: 554 5.7.1\n    <a@example.com>: Relay access denied (in reply to"
		 "\n    RCPT TO command)\n",
		 "554 5.7.1\n    <a@example.com>: Relay access denied"},
		/* ... at the reply's own indentation where its line was a wrapped one already. */
		{"<a@example.com> (expanded from <b@example.net>): host\n    mx.example.com[192.0.2.1] said: 452 4.2.2 "
		 "Mailbox\n    full (in reply to RCPT TO command)\n",
		 "452 4.2.2 Mailbox\n    full"},
		/* ... and a multi-line reply it joined, its last line's code cut by the wrap. */
		{"host mx.example.com[192.0.2.1] said: 550-5.7.1 Your IP is listed on a block 550\n    5.7.1 list (in "
		 "reply to RCPT TO command)\n",
		 "550-5.7.1 Your IP is listed on a block 550\n    5.7.1 list"},
		/* Exim indents every line of the reply it quotes. */
		{"    SMTP error from remote mail server after RCPT TO:<a@example.com>:\n    550-5.1.1 The account does "
		 "not exist.\n    550 5.1.1 Try again.\n",
		 "550-5.1.1 The account does not exist.\n    550 5.1.1 Try again."},
		/* ... and breaks a long one after a colon. */
		{"    host mx.example.com [192.0.2.1]: 550 5.1.1 <a@example.com>:\n    Recipient address rejected\n",
		 "550 5.1.1 <a@example.com>:\n    Recipient address rejected"},
		/* A statement of Exim's own under the reply is not the reply's. */
		{"    451 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see the page\n    retry timeout "
		 "exceeded\n",
		 "451 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see the page"},
		/* Nor is what comes after Sendmail's closed parenthesis. */
		{"    (reason: 550 5.1.1 Requested action not taken: mailbox unavailable)\n   ----- Transcript of session "
		 "follows -----\n",
		 "550 5.1.1 Requested action not taken: mailbox unavailable"},
		{"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n    host mx.example.com said: more\n",
		 "550 5.1.1 User unknown"},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		struct smtpcode_result r = classify(cases[i].text, 0);
		cr_assert(span_is(r.reply.raw, cases[i].reply), "%zu: reply '%.*s'", i, (int)r.reply.raw.len,
		          r.reply.raw.ptr);
		cr_assert_not(r.reply.flags & SMTPCODE_REPLY_UNTERMINATED, "%zu: its last line was reached", i);
	}
	/* A continuation line with no last line after it is still cut off. */
	cr_assert(classify("said: 550-5.1.1 first\n    550-5.1.1 second\n", 0).reply.flags &
	          SMTPCODE_REPLY_UNTERMINATED);
}

Test(hostile, empty_whitespace_and_bare_codes)
{
	struct smtpcode_result r;

	cr_assert_eq(smtpcode_classify("", 0, 0, NULL, 0, &r), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_classify(" \t\r\n ", 5, 0, NULL, 0, &r), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_classify("hello world", 11, 0, NULL, 0, &r), SMTPCODE_ENOREPLY);
	cr_assert_eq(r.reason, SMTPCODE_REASON_UNKNOWN);
	cr_assert_eq(smtpcode_classify("550", 3, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.reply.code, 550);
	cr_assert_eq(smtpcode_classify("55", 2, 0, NULL, 0, &r), SMTPCODE_ENOREPLY);
	cr_assert_eq(smtpcode_classify("5501 x", 6, 0, NULL, 0, &r), SMTPCODE_ENOREPLY);
	cr_assert_eq(smtpcode_classify(NULL, 3, 0, NULL, 0, &r), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_classify("550", 3, (enum smtpcode_stage)99, NULL, 0, &r), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_classify("550", 3, 0, NULL, 0, NULL), SMTPCODE_EINVAL);
}

Test(hostile, nul_bytes_and_invalid_utf8)
{
	static const char s[] = "550 5.1.1 user\0unknown \xff\xfe\xc0\xaf mailbox\0";
	struct smtpcode_result r;

	cr_assert_eq(smtpcode_classify(s, sizeof s - 1, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.reply.code, 550);
	assert_spans_inside(&r, s, sizeof s - 1);
}

Test(hostile, one_megabyte_line)
{
	size_t len = 1 << 20;
	char *s = malloc(len);
	struct smtpcode_result r;
	size_t i;

	cr_assert_not_null(s);
	memcpy(s, "550 5.7.1 ", 10);
	for (i = 10; i < len; i++)
		s[i] = (char)('a' + i % 26);
	memcpy(s + len - 20, " blocked using zen  ", 20);
	cr_assert_eq(smtpcode_classify(s, len, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.reason, SMTPCODE_REASON_IP_BLOCKLISTED);
	assert_spans_inside(&r, s, len);
	free(s);
}

Test(hostile, unterminated_continuation_and_alternating_codes)
{
	struct smtpcode_result r = classify("550-5.1.1 a\n550-5.1.1 b\n550-5.1.1 c", 0);

	cr_assert(r.reply.flags & SMTPCODE_REPLY_UNTERMINATED);
	r = classify("550-5.1.1 a\n451-4.3.0 b\n550 5.7.1 c", 0);
	cr_assert(r.reply.flags & SMTPCODE_REPLY_MIXED_CODES);
	cr_assert_eq(r.reply.code, 550);
	r = classify("550 4.4.7 Message delayed", 0);
	cr_assert(r.reply.flags & SMTPCODE_REPLY_CLASS_MISMATCH);
	cr_assert_neq(r.bounce, SMTPCODE_BOUNCE_SOFT, "the basic code's class counts");
}

Test(hostile, same_input_same_answer)
{
	const char *s = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred";
	struct smtpcode_result a = classify(s, 0), b = classify(s, 0);

	cr_assert(memcmp(&a, &b, sizeof a) == 0);
}

Test(names, stages_signals_carriers)
{
	int i;

	for (i = 0; i < SMTPCODE_STAGE_COUNT; i++) {
		const char *n = smtpcode_stage_name((enum smtpcode_stage)i);
		cr_assert_not_null(n);
		if (i)
			cr_assert_eq(smtpcode_stage_from_name(n, strlen(n)), i, "%s", n);
	}
	cr_assert_eq(smtpcode_stage_from_name("RCPT", 4), SMTPCODE_STAGE_RCPT);
	cr_assert_eq(smtpcode_stage_from_name("helo", 4), SMTPCODE_STAGE_EHLO);
	cr_assert_eq(smtpcode_stage_from_name("rcptx", 5), -1);
	cr_assert_eq(smtpcode_stage_from_name("rcp", 3), -1);
	/* Every value has a name, and no two share one (a value added to the
	 * enum but not to its names would be ""). */
	for (i = 0; i < SMTPCODE_SIGNAL_COUNT; i++) {
		const char *n = smtpcode_signal_name((enum smtpcode_signal)i);
		unsigned k;
		cr_assert(n && *n, "signal %u has no name", i);
		for (k = 0; k < (unsigned)i; k++)
			cr_assert_str_neq(n, smtpcode_signal_name((enum smtpcode_signal)k));
	}
	for (i = 0; i < SMTPCODE_CARRIER_COUNT; i++) {
		const char *n = smtpcode_carrier_name((enum smtpcode_carrier)i);
		cr_assert(n && *n, "carrier %u has no name", i);
	}
	for (i = 0; i < SMTPCODE_DSN_COUNT; i++) {
		const char *n = smtpcode_dsn_action_name((enum smtpcode_dsn_action)i);
		cr_assert(n && *n, "DSN action %u has no name", i);
	}
	for (i = 0; i < SMTPCODE_REPORT_COUNT; i++) {
		const char *n = smtpcode_report_name((enum smtpcode_report)i);
		cr_assert(n && *n, "report %u has no name", i);
	}
	cr_assert_null(smtpcode_dsn_action_name(SMTPCODE_DSN_COUNT));
	cr_assert_null(smtpcode_report_name(SMTPCODE_REPORT_COUNT));
	cr_assert_null(smtpcode_stage_name(SMTPCODE_STAGE_COUNT));
}
