/* A streaming reader of bounce messages (RFC 3464 delivery status
 * notifications in RFC 5322 / MIME messages), fed one line at a time, in
 * constant memory. It follows the MIME structure (nested multiparts, quoted
 * and unquoted boundary parameters, folded header fields), finds the
 * message/delivery-status part, decodes it when its Content-Transfer-Encoding
 * is quoted-printable or base64, splits it into its blank-line separated
 * groups and hands on each per-recipient group as a small text of its fields
 * (Action, Status, Remote-MTA, Diagnostic-Code), unfolded, for
 * smtpcode_classify, with the address of its Final-Recipient apart. (The
 * Final-Recipient field is left out of the text: smtpcode_classify takes its
 * "rfc822;" for the phrase of a message-format refusal.)
 *
 * A message that is not a multipart/report hands on the lines of its
 * text/plain parts instead (recipient NULL), for an old-style bounce whose
 * reply is only in its text. */
#ifndef SMTPCODE_CLI_DSN_H
#define SMTPCODE_CLI_DSN_H

#include <stddef.h>

#define DSN_GROUP_MAX (64 * 1024) /* the text of one recipient group, at most */

struct dsn_record {
	unsigned long line;        /* the input line where the group (or text line) starts */
	const char *recipient;     /* Final-Recipient's address (else Original-Recipient's; empty when the
	                              field holds none), or NULL for a text line */
	size_t recipient_len;
	const char *action;        /* Action: lower case, or NULL */
	const char *text;          /* what to classify */
	size_t len;
	int truncated;             /* the group's fields were longer than DSN_GROUP_MAX */
};

typedef void dsn_fn(void *ctx, const struct dsn_record *rec);

struct dsn_parser;

struct dsn_parser *dsn_new(dsn_fn *fn, void *ctx);
void dsn_free(struct dsn_parser *p);
/* Starts a message. */
void dsn_begin(struct dsn_parser *p);
/* Feeds one line of the message, without its line break. */
void dsn_line(struct dsn_parser *p, const char *line, size_t len, unsigned long number);
/* Ends the message: hands on a recipient group still open. Returns NULL, or
 * what was wrong with the message ("no closing MIME boundary", ...), and in
 * *records the number of records handed on for it. */
const char *dsn_end(struct dsn_parser *p, long *records);

#endif
