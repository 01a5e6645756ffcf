/* Internal: the state of the bounce-message reader (smtpcode_message_*), and
 * the parts of it that its files share. src/message.c reads bytes into lines,
 * follows the MIME structure and decodes each part; src/message_dsn.c reads
 * delivery-status and feedback-report fields; src/message_text.c reads the
 * human-readable report; src/message_scan.re holds the small grammars they
 * use (addresses, recipient lines, header field names). Everything lives in
 * the caller's struct smtpcode_message: no allocation, and the same memory
 * whatever the size of the message. */
#ifndef SMTPCODE_MESSAGE_H
#define SMTPCODE_MESSAGE_H

#include "charset.h"
#include "smtpcode.h"

#define SMTPCODE__MSG_LINE_MAX 2048      /* a raw line kept whole; a longer one passes in pieces */
#define SMTPCODE__MSG_FIELD_MAX 4096     /* one unfolded header field, as far as it is read */
#define SMTPCODE__MSG_DEPTH_MAX 32       /* nested multiparts followed */
#define SMTPCODE__MSG_BOUNDARY_MAX 200   /* RFC 2046 allows 70 */
#define SMTPCODE__MSG_DECODED_MAX 2048   /* a decoded line of a report; a longer one passes in pieces */
#define SMTPCODE__MSG_GROUP_MAX 8192     /* the kept fields of one delivery-status group */
#define SMTPCODE__MSG_ADDR_MAX 1024      /* an address (RFC 5321 allows 256) */
#define SMTPCODE__MSG_STORE_MAX 49152    /* the report text kept for its recipients */
#define SMTPCODE__MSG_PREAMBLE_MAX 6144  /* of that, the lines before the first recipient */
#define SMTPCODE__MSG_RCPT_MAX 128       /* recipients found in the text at one time */
#define SMTPCODE__MSG_BLOCK_MAX 6144     /* the text of one recipient that is classified */
#define SMTPCODE__MSG_LIST_MAX 2048      /* X-Failed-Recipients, Original-Rcpt-To: addresses kept */
#define SMTPCODE__MSG_SUBJECT_MAX 512    /* the subject, decoded */
#define SMTPCODE__MSG_JSON_VALUE_MAX 1024 /* a value kept from a JSON notification */
#define SMTPCODE__MSG_SCRATCH_MAX (SMTPCODE__MSG_GROUP_MAX + SMTPCODE__MSG_PREAMBLE_MAX + SMTPCODE__MSG_BLOCK_MAX + 8)

/* The kinds of data/messages.toml, bits of smtpcode__msg_state_kinds[]
 * (generator/gen_message.py lists them in this order). */
enum {
	SMTPCODE__MSG_END = 1 << 0,
	SMTPCODE__MSG_END_LINE = 1 << 1,
	SMTPCODE__MSG_RECIPIENT = 1 << 2,
	SMTPCODE__MSG_DELAY = 1 << 3,
	SMTPCODE__MSG_FAILURE = 1 << 4,
	SMTPCODE__MSG_BOUNCE = 1 << 5,
	SMTPCODE__MSG_AUTO_REPLY_SUBJECT = 1 << 6,
	SMTPCODE__MSG_COMPLAINT = 1 << 7,
	SMTPCODE__MSG_NO_RECIPIENT = 1 << 8,
	SMTPCODE__MSG_DAEMON = 1 << 9,
	SMTPCODE__MSG_SESSION = 1 << 10,
	SMTPCODE__MSG_ALIAS = 1 << 11,
	SMTPCODE__MSG_DELIVERED = 1 << 12
};

/* What the body of the entity being read is to the reader. */
enum smtpcode__msg_body {
	SMTPCODE__BODY_SKIP,     /* not read: an attachment, the returned message, an epilogue */
	SMTPCODE__BODY_TEXT,     /* the human-readable report */
	SMTPCODE__BODY_HTML,     /* the same, as HTML */
	SMTPCODE__BODY_DSN,      /* message/delivery-status */
	SMTPCODE__BODY_FEEDBACK, /* message/feedback-report */
	SMTPCODE__BODY_PREAMBLE  /* the text before a multipart's first part */
};

/* Whose header is being read. */
enum smtpcode__msg_header {
	SMTPCODE__HEADER_TOP,      /* the message's own */
	SMTPCODE__HEADER_PART,     /* a MIME part's */
	SMTPCODE__HEADER_EMBEDDED  /* a message/rfc822 part's message (the returned message) */
};

enum smtpcode__msg_encoding { SMTPCODE__ENC_NONE, SMTPCODE__ENC_QP, SMTPCODE__ENC_BASE64 };

/* An address found in a line: [start, end) of the line. */
struct smtpcode__addr {
	size_t start, end;
};

/* A recipient the text names. Its address is an entry of the store. */
struct smtpcode__rcpt {
	uint64_t line;     /* where it was first named */
	uint32_t addr_at;  /* the address's bytes in the store */
	uint16_t addr_len;
	uint8_t weak;      /* 0: listed as a recipient; 1: named in passing ("your message to <a@b>");
	                      2: listed, but the bounce's own recipient (the original sender) */
	uint8_t cut;       /* its address or text was cut */
	uint8_t section;   /* SMTPCODE__SECTION_*: the part of the report it is listed in */
	uint32_t hash;     /* of the address, lower case */
};

/* The part of a report a recipient is listed in, where one report lists
 * both failures and delays (Sendmail's "permanent fatal errors" and
 * "transient non-fatal errors"). */
enum { SMTPCODE__SECTION_NONE, SMTPCODE__SECTION_FAILED, SMTPCODE__SECTION_DELAYED, SMTPCODE__SECTION_DELIVERED };

/* A JSON notification being read (src/message_json.c): two levels, the
 * mail's body and the notification in its envelope's "Message" string. */
struct smtpcode__json {
	uint64_t line;
	int done;                       /* the top object has closed */
	uint8_t state[3], pending[3], nested[3], in_array[3];
	unsigned depth[3];
	unsigned unicode[3], unicode_digits[3];
	size_t token_len[3], key_len[3];
	char token[3][SMTPCODE__MSG_JSON_VALUE_MAX];
	char key[3][32];
	int rcpt_level;
	unsigned rcpt_depth;            /* the object a recipient's keys are in */
	char address[SMTPCODE__MSG_JSON_VALUE_MAX], action[SMTPCODE__MSG_JSON_VALUE_MAX];
	char status[SMTPCODE__MSG_JSON_VALUE_MAX], diagnostic[SMTPCODE__MSG_JSON_VALUE_MAX];
	size_t address_len, action_len, status_len, diagnostic_len;
	char delivered[SMTPCODE__MSG_LIST_MAX]; /* "recipients" of a delivery, NUL after each */
	size_t delivered_len;
};

/* The value of a DSN field that names a recipient. */
struct smtpcode__rcpt_field {
	size_t len;
	int cut;
	char text[SMTPCODE__MSG_ADDR_MAX];
};

/* A header field being read, or kept. */
struct smtpcode__text {
	size_t len;
	int cut;
	char text[SMTPCODE__MSG_FIELD_MAX];
};

struct smtpcode__msg {
	/* The caller. */
	smtpcode_recipient_fn fn;
	void *ctx;
	enum smtpcode_stage stage;
	unsigned problems;         /* SMTPCODE_MESSAGE_* bits */
	unsigned records;          /* handed to fn */
	int ended;

	/* Lines. */
	uint64_t line;             /* the number of the line being read, from 1 */
	uint64_t bytes;            /* fed so far */
	int pending_cr;            /* the last byte fed was a CR that ended a line: an LF next is its pair */
	int line_open;             /* part of the current line has been passed on already */
	size_t line_len;
	char line_buf[SMTPCODE__MSG_LINE_MAX];

	/* MIME: open multiparts and the entity being read. */
	int in_header;
	enum smtpcode__msg_header header_of;
	unsigned depth;            /* open multiparts with a boundary */
	int too_deep;              /* a multipart beyond SMTPCODE__MSG_DEPTH_MAX is being skipped */
	uint8_t boundary_len[SMTPCODE__MSG_DEPTH_MAX];
	char boundary[SMTPCODE__MSG_DEPTH_MAX][SMTPCODE__MSG_BOUNDARY_MAX];
	int parts_seen;            /* parts begun in the innermost multipart */
	char candidate[SMTPCODE__MSG_BOUNDARY_MAX]; /* a preamble line "--x" that may be the real boundary */
	size_t candidate_len;
	uint64_t header_lines;     /* lines of the header being read */
	int bare_dsn;              /* the input is delivery-status fields without a message around them */
	int headless;              /* no header at all: the input is a report's text, pasted alone */
	int person_quote;          /* the line is quoted ("> ") in a message that is no report */
	unsigned quote_len;        /* and quoted ("> " before each line): the quote taken off */
	int first_held;            /* the first line is no field: held until the next says if a header follows */
	uint64_t first_line;       /* its number */
	uint64_t first_blanks;     /* blank lines after it */
	size_t first_len;
	char first_text[SMTPCODE__MSG_LINE_MAX];

	/* The header being read: its field, and what it says. */
	struct smtpcode__text field;
	uint64_t field_line;       /* the line the field starts on */
	char type[64];             /* type/subtype, lower case; "" when the header has none */
	char report_type[32];      /* multipart/report's report-type, lower case */
	char part_boundary[SMTPCODE__MSG_BOUNDARY_MAX];
	size_t part_boundary_len;
	int charset;               /* smtpcode__charset_from_name(); 0 when not given or unknown */
	int charset_given;         /* a charset parameter was there, known or not */
	enum smtpcode__msg_encoding encoding;

	/* The body being read. */
	enum smtpcode__msg_body body;
	enum smtpcode__msg_encoding enc;
	unsigned qp_state;         /* 0; 1 after '='; 2 after '=' and a hex digit (qp_hex) */
	unsigned qp_hex;
	size_t qp_blanks;          /* blanks after a soft-break '=' */
	uint32_t b64_bits;
	unsigned b64_count;
	unsigned long long b64_junk; /* bytes of a base64 body that are not base64 */
	struct smtpcode__decoder decoder;
	int decoding;              /* the part's charset is converted to UTF-8 */
	int sniff_iso2022;         /* no charset given: ISO-2022-JP escapes switch the decoder on */
	unsigned html_state;       /* src/message.c: where the HTML stripper is */
	char html_tag[12];
	size_t html_tag_len;
	char html_entity[12];
	size_t html_entity_len;
	int html_skip;             /* inside <style>, <script>, <head>'s <title> */
	int html_anchor;           /* in the attributes of an <a> tag */
	unsigned html_mailto_match; /* how much of "mailto:" its attributes have matched */
	char html_mailto[128];     /* the address of its href="mailto:..." */
	size_t html_mailto_len;
	int html_mailto_open;      /* inside a link to an address: 1, or 2 once its text shows an '@' */
	uint64_t dec_line;         /* the raw line where the decoded line began */
	size_t dec_len;
	int dec_open;              /* part of the decoded line was passed on already */
	char dec[SMTPCODE__MSG_DECODED_MAX];

	/* What the message says of itself (its own header, or that of a
	 * forwarded bounce it carries). */
	char from[SMTPCODE__MSG_ADDR_MAX];
	size_t from_len;
	char to[SMTPCODE__MSG_ADDR_MAX];   /* the bounce's recipient: the original sender */
	size_t to_len;
	char subject[SMTPCODE__MSG_SUBJECT_MAX];
	size_t subject_len;
	unsigned subject_kinds;            /* SMTPCODE__MSG_* found in the subject */
	int subject_forwarded;             /* it starts "Fwd:" (or "Fw:", "WG:", "TR:", ...) */
	int from_daemon;                   /* From names a mailer-daemon or postmaster */
	int auto_submitted;                /* Auto-Submitted: auto-replied, X-Autoreply, Precedence: auto_reply, ... */
	int rejected;                      /* Auto-Submitted: auto-replied (rejected): a Sieve reject (RFC 5429) */
	int list_post;                     /* List-Id, List-Unsubscribe, Precedence: bulk: a list's post
	                                      or a newsletter, which may quote a bounce */
	int daemon_forwarded;              /* the text shows a mail system's From: field (a bounce forwarded in it) */
	int null_sender;                   /* Return-Path: <>, as mail systems send their notices */
	int is_report;                     /* multipart/report with report-type delivery-status */
	int is_feedback;                   /* report-type feedback-report, or a message/feedback-report part */
	char xfr[SMTPCODE__MSG_LIST_MAX];  /* X-Failed-Recipients: addresses, NUL after each */
	size_t xfr_len;
	unsigned xfr_count;
	int xfr_cut;
	uint64_t xfr_line;                 /* the line where the field is */

	/* The returned message's header (for the address of a complaint, or of a
	 * bounce that names none). */
	char original_to[SMTPCODE__MSG_ADDR_MAX];
	size_t original_to_len;
	char original_rcpt[SMTPCODE__MSG_ADDR_MAX]; /* X-HmXmrOriginalRecipient (Hotmail's complaints) */
	size_t original_rcpt_len;
	int embedded_done;                 /* one returned message's header has been read */

	/* Feedback report (RFC 5965). */
	char feedback_type[64];
	size_t feedback_type_len;
	char feedback_rcpt[SMTPCODE__MSG_LIST_MAX]; /* Original-Rcpt-To: addresses, NUL after each */
	size_t feedback_rcpt_len;
	unsigned feedback_rcpt_count;

	/* Delivery-status groups. */
	unsigned dsn_records;              /* recipients reported from delivery-status fields */
	int group_open;
	uint64_t group_line;
	int group_keep;                    /* the field being read goes into the group's text */
	int group_field;                   /* the rcpt_fields[] being read + 1, or 0 */
	unsigned group_seen;               /* bits of the fields seen in the group (for groups run together) */
	unsigned group_last;               /* the bit of its last field */
	int group_cut;
	size_t group_len;
	char group[SMTPCODE__MSG_GROUP_MAX];
	struct smtpcode__rcpt_field rcpt_fields[3]; /* Final-, Original-, X-Actual-Recipient */
	char action[16];
	size_t action_len;

	/* A JSON notification (src/message_json.c). */
	int json_mode;                     /* the part being read: 0 not known yet, 1 JSON, -1 text */
	struct smtpcode__json json;

	/* The human-readable report (src/message_text.c). */
	int text_done;                     /* a report part has been read: later text parts are not */
	int text_ended;                    /* the report's end was seen in this part */
	int part_lines;                    /* non-blank lines of the part being read */
	int part_recipients;               /* recipients it named */
	unsigned text_kinds;               /* SMTPCODE__MSG_* seen in the report's lines */
	unsigned wrap_state;               /* the markers' automaton at the end of the report's last line */
	uint8_t section;                   /* SMTPCODE__SECTION_* of the last failure or delay line */
	unsigned section_rcpts;            /* recipients named when it was set */
	int held;                          /* a line that looks like a header field is held back */
	int held_transport;                /* its field is one a returned header starts with, not a summary's */
	int after_end;                     /* past the report's end: 1 in the returned header, 2 past it */
	int inline_bounce;                 /* that header is a bounce's (forwarded in the text) */
	int subject_line;                  /* the line read is a Subject field: its words are no report's */
	uint64_t held_line;
	size_t held_len;
	char held_text[SMTPCODE__MSG_DECODED_MAX];
	int current;                       /* the recipient whose block is open, or -1 */
	unsigned rcpt_count;
	unsigned strong_count;
	int text_cut;                      /* report text was dropped: the store was full */
	int store_full;                    /* full even after the recipients read were handed on */
	int text_flushed;                  /* recipients were handed on before the end, to make room
	                                      (kept for the whole message: a forwarded bounce's too) */
	int xfr_handed_on;                 /* and with them those only X-Failed-Recipients names */
	size_t preamble_len;
	size_t store_len;
	size_t session_at;                 /* where the store stood at a transcript session's start, */
	int session_open;                  /* ... while no recipient's line has come since */
	int no_rcpt_next;                  /* a line ended in words that say the address after them
	                                      is no recipient ("A message sent by"): the next line's */
	int para_rcpt;                     /* the recipient whose block opened in this paragraph, or -1 */
	int para_wrapped;                  /* ... by "<a@b>:" at the line's start, whose indented
	                                      lines are its text wrapped (Postfix) */
	int alias_rcpt;                    /* a recipient named by an alias line ("Original-Recipient:")
	                                      in this paragraph, whose final address may follow, or -1 */
	struct smtpcode__rcpt rcpt[SMTPCODE__MSG_RCPT_MAX];
	unsigned char store[SMTPCODE__MSG_STORE_MAX];

	/* Where a record's text is put together to be classified. */
	char scratch[SMTPCODE__MSG_SCRATCH_MAX];
};

/* The reader's state inside the caller's struct smtpcode_message. */
struct smtpcode__msg *smtpcode__msg_of(struct smtpcode_message *m);

/* ---- src/message_scan.re: small grammars ---- */

/* Is s[0..len) a recipient line: one that starts with an address, alone or
 * in one of the forms mail systems list failed recipients in ("<a@b>:",
 * "a@b (reason)", "Name <a@b>", "Name<mailto:a@b>", "a@b on <date>", "a@b...
 * User unknown", or a reply that names it: "550 5.1.1 <a@b>: ...")? Sets
 * the address and where the text after it starts (*rest, len when none; 0
 * for a reply, whose code is text too). s starts at the line's first
 * non-blank byte. */
int smtpcode__msg_recipient_line(const char *s, size_t len, struct smtpcode__addr *a, size_t *rest);

/* The next address in s[from..len): a@b with a domain that has a dot or is
 * a literal ([192.0.2.1]), or that is in angle brackets. Returns 1 and sets
 * *a, or 0. */
int smtpcode__msg_next_address(const char *s, size_t len, size_t from, struct smtpcode__addr *a);

/* The address in a header field's value or a DSN field ("rfc822; <a@b>",
 * "Name <a@b>", "a@b (comment)"): the first one. Returns 1 and sets *a, or 0. */
int smtpcode__msg_field_address(const char *s, size_t len, struct smtpcode__addr *a);

/* A header field's first line "Name: value" (a name of letters, digits and
 * dashes, then optional blanks, then a colon)? Returns the length of the
 * name (> 0) and sets *value past the colon and blanks, or returns 0. */
size_t smtpcode__msg_field_name(const char *s, size_t len, size_t *value);

/* Case-insensitive: is s[0..len) the lower-case word w? */
int smtpcode__msg_is(const char *s, size_t len, const char *w);

/* A DSN field name of RFC 3464 (or an X- one mail systems add to groups)? */
int smtpcode__msg_dsn_field(const char *name, size_t len);

/* A field of the message headers that a returned message starts with? */
int smtpcode__msg_mail_field(const char *name, size_t len);

/* ---- src/message_dsn.c ---- */

void smtpcode__msg_dsn_reset(struct smtpcode__msg *m);
/* A decoded line of a message/delivery-status part. */
void smtpcode__msg_dsn_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number);
/* The part ends: a group still open is reported. */
void smtpcode__msg_dsn_end(struct smtpcode__msg *m);
/* A decoded line of a message/feedback-report part. */
void smtpcode__msg_feedback_line(struct smtpcode__msg *m, const char *s, size_t len);
/* A complaint's recipient, listed once however often the report names it. */
void smtpcode__msg_feedback_recipient(struct smtpcode__msg *m, const char *addr, size_t n);

/* ---- src/message_json.c ---- */

void smtpcode__msg_json_reset(struct smtpcode__msg *m);
/* A decoded line of a part that is a JSON notification. */
void smtpcode__msg_json_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued);
/* The part ends: a recipient still open is reported. */
void smtpcode__msg_json_end(struct smtpcode__msg *m);

/* ---- src/message_text.c ---- */

void smtpcode__msg_text_reset(struct smtpcode__msg *m);
/* A decoded line of a report part (continued: it goes on from the last
 * piece, a line longer than SMTPCODE__MSG_DECODED_MAX). */
void smtpcode__msg_text_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued);
/* The report part ends. */
void smtpcode__msg_text_part_end(struct smtpcode__msg *m);
/* The SMTPCODE__MSG_* kinds of the markers in s[0..len). */
unsigned smtpcode__msg_kinds(const char *s, size_t len);
/* The kinds of the markers in the line s[0..len), and of those wrapped onto
 * it from the line before ("your message could not" / "be delivered"):
 * *state is the markers' automaton after that line (0 for none, or after a
 * blank line), and is set to its state after this one. */
unsigned smtpcode__msg_line_kinds(const char *s, size_t len, unsigned *state);
unsigned smtpcode__msg_subject_kinds(const char *s, size_t len);
/* The text the report gives for an address (a DSN group's recipient), or
 * with `only` for the only recipient it names (*other is then set: the
 * text is about an address the group does not give): appends it to out;
 * returns the bytes appended. */
size_t smtpcode__msg_text_for(struct smtpcode__msg *m, const char *addr, size_t addr_len, int only, char *out,
                              size_t cap, int *other);
/* The one recipient the text names, when it names exactly one. */
int smtpcode__msg_text_only_recipient(struct smtpcode__msg *m, const char **addr, size_t *len);
/* At the end of the message: reports the recipients the text names (when
 * no delivery-status group named any). */
void smtpcode__msg_text_finish(struct smtpcode__msg *m);
/* Does the message's own header or structure say it is a report (not a
 * person's message, such as one forwarding a bounce)? */
int smtpcode__msg_outer_is_report(const struct smtpcode__msg *m);

/* ---- src/message.c: handing on a record ---- */

/* Hands the caller the record of a recipient whose text[0..len) (may be the
 * scratch buffer) was classified into *r. */
void smtpcode__msg_emit(struct smtpcode__msg *m, enum smtpcode_report report, const char *addr, size_t addr_len,
                        int cut, enum smtpcode_dsn_action action, const char *text, size_t len, uint64_t line,
                        unsigned flags, const struct smtpcode_result *r);
/* The same for a record whose reason the report itself decides (a complaint,
 * an automatic reply); `why` is what says so (the feedback type, the
 * subject). */
void smtpcode__msg_emit_report(struct smtpcode__msg *m, enum smtpcode_report report, const char *addr,
                               size_t addr_len, const char *why, size_t why_len, uint64_t line, unsigned flags);
/* A hash of an address, case-insensitive, and the comparison that goes with it. */
uint32_t smtpcode__msg_hash(const char *s, size_t len);
int smtpcode__msg_same_address(const char *a, size_t alen, const char *b, size_t blen);
/* Is s[0..len) one of the NUL-terminated addresses of list[0..list_len)? */
int smtpcode__msg_in_list(const char *list, size_t list_len, const char *s, size_t len);

#endif
