/* Internal: the carrier around a reply (a DSN, a Postfix, Exim or Sendmail
 * log line, an Exchange text). Its keywords ("markers") are found by the
 * classifier's single DFA pass; each marker then has a small re2c parser
 * for what follows it (src/carrier.re). */
#ifndef SMTPCODE_CARRIER_H
#define SMTPCODE_CARRIER_H

#include "smtpcode.h"

/* SSE2 where the compiler has it (every x86-64), except in the plain
 * reference build that tests compare with (SMTPCODE__REFERENCE: one DFA
 * stream a line, no SIMD). */
#if defined(__SSE2__) && defined(__GNUC__) && !defined(SMTPCODE__REFERENCE)
#define SMTPCODE__SSE2 1
#include <emmintrin.h>
#endif

/* name, text as the DFA sees it (lower case, single spaces). The generator
 * (generator/gen_classifier.py) reads this list to compile the markers. */
#define SMTPCODE__MARKERS(X)                                                      \
	X(DIAGNOSTIC, "diagnostic-code:")                                         \
	X(DIAGNOSTIC_UNIX, "diagnostic-code: x-unix;")                            \
	X(STATUS, "status:")                                                      \
	X(REMOTE_MTA, "remote-mta:")                                              \
	X(ACTION_FAILED, "action: failed")                                        \
	X(ACTION_DELAYED, "action: delayed")                                      \
	X(ACTION_DELIVERED, "action: delivered")                                  \
	X(ACTION_RELAYED, "action: relayed")                                      \
	X(ACTION_EXPANDED, "action: expanded")                                    \
	X(ACTION_EXPIRED, "action: expired")                                      \
	X(SAID, " said:")                                                         \
	X(UNVERIFIED, "unverified address:")                                      \
	X(UNDELIVERABLE_SENDER, "sender address rejected: undeliverable address:") \
	X(REFUSED, " refused to talk to me:")                                     \
	X(IN_REPLY_RCPT, "(in reply to rcpt to command)")                         \
	X(IN_REPLY_MAIL, "(in reply to mail from command)")                       \
	X(IN_REPLY_END_OF_DATA, "(in reply to end of data command)")              \
	X(IN_REPLY_DATA, "(in reply to data command)")                            \
	X(IN_REPLY_EHLO, "(in reply to ehlo command)")                            \
	X(IN_REPLY_HELO, "(in reply to helo command)")                            \
	X(IN_REPLY_LHLO, "(in reply to lhlo command)")                            \
	X(IN_REPLY_STARTTLS, "(in reply to starttls command)")                    \
	X(IN_REPLY_AUTH, "(in reply to auth command)")                            \
	X(EXIM_SERVER, "smtp error from remote mail server after ")               \
	X(EXIM_MAILER, "smtp error from remote mailer after ")                    \
	X(DSN_EQ, "dsn=")                                                         \
	X(STAT_EQ, "stat=")                                                       \
	X(RELAY_EQ, "relay=")                                                     \
	X(H_EQ, " h=")                                                            \
	X(EXCHANGE_SQ, "remote server returned '")                                \
	X(EXCHANGE_DQ, "remote server returned \"")                               \
	X(EXCHANGE_AT_SQ, ") returned '")                                         \
	X(EXCHANGE_FR_SQ, "serveur distant a retourné '")                         \
	X(PRIMARY_TARGET, "primary target ip address responded with: \"")         \
	X(QMAIL_GREETING, " but greeting failed.")                                \
	X(QMAIL_NAME, " but my name was rejected.")                               \
	X(QMAIL_SENDER, " but sender was rejected.")                              \
	X(QMAIL_RECIPIENT, " does not like recipient.")                           \
	X(QMAIL_DATA, " failed after i sent the message.")                        \
	X(LIKE_MAIL, " did not like our mail from:")                              \
	X(LIKE_RCPT, " did not like our rcpt to:")                                \
	X(LIKE_DATA, " did not like our data:")                                   \
	X(QMAIL_STATUS, "(#")                                                     \
	X(BRACKET_STATUS, "[#")                                                   \
	X(HOST_STATUS, " #")                                                      \
	X(DELAYED, "has been delayed")                                            \
	X(WAS_DELAYED, "was delayed")                                             \
	X(IS_DELAYED, "delivery is delayed")                                      \
	X(NOT_YET, "not yet been delivered")                                      \
	X(RETRIED, "will be retried")                                             \
	X(KEEP_TRYING, "will keep trying")                                        \
	X(WILL_RETRY, "will retry")                                               \
	X(SUSPENDED, "delivery temporarily suspended")                            \
	X(STATUS_EQ, "status=")                                                   \
	X(REJECT_WARNING, ": reject_warning: ")                                   \
	X(ACCESS_FILTER, ": filter: rcpt from ")                                   \
	X(ACCESS_HOLD, ": hold: rcpt from ")                                       \
	X(CHECKS_REJECT_HEADER, ": reject: header ")                               \
	X(CHECKS_REJECT_BODY, ": reject: body ")                                   \
	X(CHECKS_WARNING_HEADER, ": warning: header ")                             \
	X(CHECKS_WARNING_BODY, ": warning: body ")                                 \
	X(CHECKS_INFO_HEADER, ": info: header ")                                   \
	X(CHECKS_INFO_BODY, ": info: body ")                                       \
	X(TO_EQ, " to=")                                                          \
	X(COMMA_TO_EQ, ",to=")                                                    \
	X(RECIPIENT_DOTS, ">... ")                                                \
	X(REJECT_EQ, " reject=")                                                  \
	X(RULESET_MAIL, "ruleset=check_mail, ")                                   \
	X(FROM_TO, "> to <")                                                      \
	X(ADDRESS_REJECTED, "> rejected")                                         \
	X(DOVECOT_LDA, " lda(")                                                   \
	X(DOVECOT_LMTP, " lmtp(")                                                 \
	X(DOVECOT_DELIVER, " deliver(")                                           \
	X(DOVECOT_MSGID, ": msgid=")                                              \
	X(DOVECOT_SAVED, ": saved mail to ")                                      \
	X(DOVECOT_STORED, ": stored mail into mailbox ")                          \
	X(FROM_EQ, " from=")                                                      \
	X(EXIM_BOUNCED, " ** ")                                                   \
	X(EXIM_DEFERRED, " == ")                                                  \
	X(EXIM_DELIVERED, " => ")                                                  \
	X(EXIM_ALSO_DELIVERED, " -> ")                                             \
	X(REJECTED_RCPT, " rejected rcpt ")                                        \
	X(REJECTED_MAIL, " rejected mail ")                                        \
	X(REJECTED_DATA, " rejected after data")                                   \
	X(RULESET_RCPT, "ruleset=check_rcpt, arg1=")                               \
	X(RECIPIENT_WORD, " recipient ")                                           \
	X(QUOTED_RCPT, "\"rcpt to:")                                               \
	X(ADDR_EQ, ",addr=")                                                       \
	X(QMAIL_FAILURE, ": failure: ")                                            \
	X(QMAIL_DEFERRAL, ": deferral: ")                                          \
	X(QMAIL_SUCCESS, ": success: ")                                            \
	X(SMTPD_PERMFAIL, ": permfail for ")                                       \
	X(SMTPD_TEMPFAIL, ": tempfail for ")                                       \
	X(SMTPD_OK, "delivery: ok for ")                                           \
	X(COURIER_SUCCESS, ",success: ")                                           \
	X(RESULT_TEMPFAIL, " result=tempfail ")                                    \
	X(RESULT_PERMFAIL, " result=permfail ")                                    \
	X(RESULT_OK, " result=ok ")                                                \
	X(RESULT_TEMPFAIL_QUOTED, " result=\"tempfail\"")                          \
	X(RESULT_PERMFAIL_QUOTED, " result=\"permfail\"")                          \
	X(RESULT_OK_QUOTED, " result=\"ok\"")                                      \
	X(RECIPIENT_EQ, ", recipient=")                                            \
	X(SOME_FAILED, "some recipients failed: ")                                 \
	X(MESSAGE_YOU_SENT_TO, "message you sent to ")                             \
	X(YOUR_MESSAGE_TO, "your message to ")                                     \
	X(WASNT_DELIVERED_TO, "wasn't delivered to ")                              \
	X(PYTHON_REFUSED, "{'")                                                   \
	X(HARAKA_TEMP_FAIL, "] temp fail for: ")                                   \
	X(HARAKA_BOUNCING, "] bouncing mail: ")                                    \
	X(JSON_EMAIL, "\"email\":\"")                                             \
	X(JSON_EMAIL_SP, "\"email\": \"")                                         \
	X(JSON_RECIPIENT, "\"recipient\":\"")                                     \
	X(JSON_RECIPIENT_SP, "\"recipient\": \"")                                 \
	X(JSON_RCPT, "\"rcpt\":\"")                                             \
	X(JSON_RCPT_SP, "\"rcpt\": \"")                                           \
	X(AMAVIS_BLOCKED, ") blocked ")                                           \
	X(AMAVIS_PASSED, ") passed ")                                             \
	X(COMMA_RECIPIENT, ",recipient: <")                                       \
	X(COMMA_SP_RECIPIENT, ", recipient: <")                                   \
	X(STALWART_TO, " to = \"")                                                \
	X(FAILED_TO_ADD, "failed to add recipient \"")                           \
	X(STALWART_PERM_FAIL, "(delivery.dsn-perm-fail)")                         \
	X(STALWART_TEMP_FAIL, "(delivery.dsn-temp-fail)")                         \
	X(STALWART_SUCCESS, "(delivery.dsn-success)")                             \
	X(JSON_EVENT, "\"event\":\"")                                             \
	X(JSON_EVENT_SP, "\"event\": \"")                                         \
	X(SENT_EHLO, ">>> ehlo ")                                                 \
	X(SENT_HELO, ">>> helo ")                                                 \
	X(SENT_MAIL, ">>> mail from:")                                            \
	X(SENT_RCPT, ">>> rcpt to:")                                              \
	X(SENT_DATA, ">>> data")                                                  \
	X(SENT_DOT, ">>> .")                                                      \
	X(ARROW_EHLO, "--> ehlo ")                                                \
	X(ARROW_HELO, "--> helo ")                                                \
	X(ARROW_MAIL, "--> mail from:")                                           \
	X(ARROW_RCPT, "--> rcpt to:")                                             \
	X(ARROW_DATA, "--> data")                                                 \
	X(ARROW_DOT, "--> .")                                                     \
	X(GOT_REPLY, "<<< ")                                                      \
	X(ARROW_GOT, "<-- ")                                                      \
	X(SENT_OTHER, ">>> ")                                                     \
	X(ARROW_OTHER, "--> ")                                                    \
	X(COMMAND_FIELD, "-------smtp command")                                   \
	X(TALKING_TO, "while talking to ")                                        \
	X(HOST_WORD, "host ")

/* A verification probe's reply quoted in the reply ("unverified address:
 * host ... said: ..."): its words are the probe's, not this reply's. */
enum { SMTPCODE__VERIFYING = 1, SMTPCODE__PROBE_REPLY = 2 };

enum smtpcode__marker {
	SMTPCODE__MARKER_NONE,
#define SMTPCODE__MARKER_ENUM(name, text) SMTPCODE__MARKER_##name,
	SMTPCODE__MARKERS(SMTPCODE__MARKER_ENUM)
#undef SMTPCODE__MARKER_ENUM
	SMTPCODE__MARKER_COUNT
};

struct smtpcode__carrier {
	enum smtpcode_carrier kind;
	enum smtpcode_stage stage;
	const char *reply_at;          /* where the carrier says the reply starts, or NULL */
	struct smtpcode_span host;     /* the remote host it names */
	struct smtpcode_span named_host; /* "host mx.example.com [192.0.2.1]": the host where none else is */
	struct smtpcode_span status;   /* a DSN "Status:" or a "dsn=" enhanced code */
	unsigned dsn_class;            /* a DSN "Action:" field: 5 failed, 4 delayed, 2 delivered, else 0 */
	const char *walked;            /* where the last walk back for a host started, or NULL */
	int delayed;                   /* a delay notice's own words: "has been delayed", "will be retried" */
	int suspended;                 /* Postfix's "delivery temporarily suspended": its last try's words */
	int verifying;                 /* SMTPCODE__VERIFYING after "unverified address:", then
	                                  SMTPCODE__PROBE_REPLY after its " said:": the probe's reply */
	int gave_up;                   /* the sending side gave up: SendGrid's "Action: expired" */
	struct smtpcode_span program;  /* "X-Unix" of "Diagnostic-Code: X-Unix; 127": a local program's exit status */
	int stage_sent;                /* the stage is the last command a session transcript sent (">>> DATA") */
	const char *sent_at;           /* just past that command: its reply follows ("<<< 550 ...") */
	int greeting;                  /* a transcript's session has started, no command sent yet */
	int late_session;              /* a session began after a reply line: another recipient's */
	int session_host;              /* the host is a session's ("... while talking to mx:") */
	int data_sent;                 /* a transcript's last command sent was DATA ... */
	unsigned replies_after_data;   /* ... and this many whole replies followed it (at most 2), */
	int data_complaint;            /* ... one of them a protocol complaint ("503 Need RCPT") */
	const char *before_data;       /* sent_at before DATA: the reply that counts after a complaint */
	/* A log line's own fields: */
	struct smtpcode_span recipient; /* to=<...>, or the address of an Exim ** or == line */
	struct smtpcode_span queue_id;  /* the ID before ": to=" or ": from=", or before Exim's ** or == */
	enum smtpcode_log_status log_status;
	int rejected;                   /* this server's own refusal: Exim's "rejected RCPT <a@b>: ..." */
	int stat_seen;                  /* Sendmail's "stat=" (its dsn= gives the class of a failure) */
	int warning_only;               /* Postfix's "reject_warning:", FILTER, HOLD: the mail was taken */
	struct smtpcode_span mda_user;  /* Dovecot's "lda(a@b)", "lmtp(a@b)": the recipient of a "msgid=" line */
	int msgid_seen;                 /* Dovecot's ": msgid=": a line about one message's delivery */
	const char *trailer_at;         /* where Postfix's "(in reply to ... command)" starts, or NULL */
	const char *qmail_at;           /* just past qmail-send's "delivery N: failure: ", or NULL */
	int amavis;                     /* amavis's "(12345-01) Blocked SPAM": its "<from> -> <to>" names the recipient */
	int said_looked;                /* the "<a@b>:" before the first " said:" was looked for */
	int helo_looked;                /* the reply after a header_checks refusal's "helo=<...>: " was looked for */
};

/* Handles a marker found by the DFA: `end` is just past its last byte, `lim`
 * the end of the input, `buf` its start (host names are read backwards). */
void smtpcode__carrier_marker(struct smtpcode__carrier *c, enum smtpcode__marker m, const char *buf,
                              const char *end, const char *lim);

/* The length of the date and time that starts a log line at buf (syslog's
 * "Nov  5 10:00:00", ISO 8601's "2026-11-05T10:00:00.123+00:00", Exim's
 * "2026-11-05 10:00:00", Kerio's "[05/Nov/2026 10:00:00]"), or 0. */
size_t smtpcode__timestamp(const char *buf, const char *lim);

/* The length of the service name docker compose puts before each line of a
 * container's log ("mail_1  | ", "postfix-1  | "), or 0. */
size_t smtpcode__log_prefix(const char *buf, const char *lim);

/* The length of a syslog line's host and program tag that starts at buf
 * ("mx postfix/smtp[3517]: ", "opendkim[778]: "), or 0: a log line whose
 * date and time were cut off. */
size_t smtpcode__syslog_tag(const char *buf, const char *lim);

/* The first reply code at or after `from`. */
const char *smtpcode__find_code(const char *buf, size_t len, const char *from);
/* Do the words at p, right after an address, speak of the sender? */
int smtpcode__about_sender(const char *p, const char *lim);

/* What a report says of its recipient's delivery, for its text's reply:
 * SMTPCODE__GIVEN_UP, a failure report (not a delay notice), so a transient
 * reply in it is one the sending side gave up on; SMTPCODE__RETRIED, a delay
 * notice, so the sending side still tries; or 0 when it does not say. */
enum { SMTPCODE__GIVEN_UP = 1, SMTPCODE__RETRIED = 2 };

/* smtpcode_classify() for the text of a report; `report`: SMTPCODE__GIVEN_UP,
 * SMTPCODE__RETRIED or 0. */
int smtpcode__classify_report(const char *buf, size_t len, enum smtpcode_stage stage, int report,
                              struct smtpcode_result *out);

/* smtpcode_parse_reply(), told where the first line ends: `nl` is the first
 * '\n' at or after buf, or buf + len when there is none; NULL: not known. */
int smtpcode__parse_reply_nl(const char *buf, size_t len, const char *nl, struct smtpcode_reply *r);

/* Extends a reply found in text[..limit) over the lines that go on with
 * it: its further lines, indented (Exim), and its words on lines wrapped
 * and indented under it (Postfix) or after a colon (Exim). A blank line, or
 * other words at the reply's own margin, end it, unless the carrier's
 * trailer that ends the reply (Postfix's "(in reply to", or NULL) is yet
 * to come. */
void smtpcode__reply_take_wrapped(struct smtpcode_reply *r, const char *text, const char *limit,
                                  const char *trailer);

#endif
