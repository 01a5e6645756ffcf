/*
 * smtpcode.h - SMTP reply codes for people and programs.
 *
 * Every function here is reentrant and thread-safe: no allocation, no
 * globals, no errno, no locale. Inputs are (pointer, length) pairs that may
 * hold any bytes and need no NUL terminator. Tables are const and read-only.
 *
 * The comments that start with two asterisks are the manual: smtpcode(3) is
 * generated from them (generator/gen_man3.py). A "# Heading" starts a
 * section; a comment documents the declarations that follow it, and its
 * sentences from the first "Returns" on are the RETURN VALUES entry.
 */
#ifndef SMTPCODE_H
#define SMTPCODE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#ifndef SMTPCODE_API
#define SMTPCODE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** # Thread safety and memory
 *
 * No function allocates memory, keeps state between calls, reads the locale
 * or sets errno, so every function is reentrant and may be called from any
 * number of threads at once without locking. The tables are const data of
 * the library and stay valid for the life of the program: pointers returned
 * by lookups never need to be freed. Inputs are a pointer and a length; they
 * may hold any bytes, NUL included, and need no terminating NUL. Results that
 * point into the input, spans, are valid as long as the caller's buffer is.
 */

/** # Errors
 *
 * Parsers return a count of bytes (>= 0) on success, or one of these
 * negative values. `smtpcode_strerror()` describes each.
 */
enum smtpcode_error {
	SMTPCODE_EEMPTY = -1,       /* the input is empty */
	SMTPCODE_ESYNTAX = -2,      /* not of the form digits[.digits.digits] */
	SMTPCODE_ECLASS = -3,       /* the class (first digit) is not 2, 4 or 5 (3 for basic codes) */
	SMTPCODE_ELEADINGZERO = -4, /* a sub-code of an enhanced code starts with 0 */
	SMTPCODE_ETOOLONG = -5,     /* a sub-code has more than 3 digits */
	SMTPCODE_ETRAILING = -6,    /* the code runs on into more digits, dots or letters */
	SMTPCODE_ELENGTH = -7,      /* a basic code that has not exactly 3 digits */
	SMTPCODE_ENOREPLY = -8,     /* no reply code and nothing else to classify */
	SMTPCODE_EINVAL = -9,       /* a NULL pointer or an out-of-range argument */
	SMTPCODE_ETOOBIG = -10      /* a reply longer than SMTPCODE_REPLY_MAX bytes, which an int cannot count */
};


/** Describes an error code in one line of English, for messages to people.
 * Returns a static string: the description of `error`, "success" for a
 * value >= 0, or "unknown error". */
SMTPCODE_API const char *smtpcode_strerror(int error);

/** # Taxonomy
 *
 * Answers are given in five enums: the reason for a failure, the action the
 * sender should take, the bounce type (hard, soft, block), the verdict of an
 * address-verification service, and the vendor whose server replied. Their
 * values are generated from data/taxonomy.toml and data/vendors.toml, in that
 * order; SMTPCODE_*_COUNT is one past the last value of each, and
 * smtp-codes(7) describes every value.
 */
#include "smtpcode_enums.h"

/** The stable kebab-case name of a value ("user-unknown", "hard"), as in JSON
 * output and on the command line. Returns a static string, or NULL when the
 * value is out of range. */
SMTPCODE_API const char *smtpcode_reason_name(enum smtpcode_reason r);
SMTPCODE_API const char *smtpcode_action_name(enum smtpcode_action a);
SMTPCODE_API const char *smtpcode_bounce_name(enum smtpcode_bounce b);
SMTPCODE_API const char *smtpcode_verdict_name(enum smtpcode_verdict v);
SMTPCODE_API const char *smtpcode_vendor_name(enum smtpcode_vendor v);

/** The value whose name is `s[0..len)`, matched exactly (case-sensitive, no
 * NUL needed) through a perfect hash. Returns the value, or -1 when the name
 * is unknown or `s` is NULL. */
SMTPCODE_API int smtpcode_reason_from_name(const char *s, size_t len);
SMTPCODE_API int smtpcode_action_from_name(const char *s, size_t len);
SMTPCODE_API int smtpcode_bounce_from_name(const char *s, size_t len);
SMTPCODE_API int smtpcode_verdict_from_name(const char *s, size_t len);
SMTPCODE_API int smtpcode_vendor_from_name(const char *s, size_t len);

/** A short title of a value, such as "User unknown". Returns a static
 * string, or NULL when the value is out of range. */
SMTPCODE_API const char *smtpcode_reason_title(enum smtpcode_reason r);
SMTPCODE_API const char *smtpcode_action_title(enum smtpcode_action a);
SMTPCODE_API const char *smtpcode_bounce_title(enum smtpcode_bounce b);
SMTPCODE_API const char *smtpcode_verdict_title(enum smtpcode_verdict v);
SMTPCODE_API const char *smtpcode_vendor_title(enum smtpcode_vendor v);

/** The usual action for a reason, and its bounce type when the failure is
 * permanent (a 5xx reply). Returns SMTPCODE_ACTION_INVESTIGATE and
 * SMTPCODE_BOUNCE_UNKNOWN for a reason out of range. */
SMTPCODE_API enum smtpcode_action smtpcode_reason_action(enum smtpcode_reason r);
SMTPCODE_API enum smtpcode_bounce smtpcode_reason_bounce(enum smtpcode_reason r);

/** A description of a value in one or two sentences, for people. Returns a
 * static string, or NULL when the value is out of range. */
SMTPCODE_API const char *smtpcode_reason_description(enum smtpcode_reason r);
SMTPCODE_API const char *smtpcode_action_description(enum smtpcode_action a);
SMTPCODE_API const char *smtpcode_bounce_description(enum smtpcode_bounce b);
SMTPCODE_API const char *smtpcode_verdict_description(enum smtpcode_verdict v);

/** # Text and lists in the tables
 *
 * Table entries hold text as offsets into one read-only string pool, so the
 * tables need no relocations. A list (causes, RFCs, related codes) is a run
 * of such offsets: `count` items from `start`.
 */
typedef uint32_t smtpcode_text_t;

struct smtpcode_list {
	uint16_t start;
	uint16_t count;
};

/** The text at offset `t` of the string pool. Returns a static NUL-terminated
 * string, never NULL: "" when the field is absent or `t` is out of range. */
SMTPCODE_API const char *smtpcode_text(smtpcode_text_t t);

/** Item `i` of a list. Returns a static NUL-terminated string, or NULL when
 * `i >= list.count`. */
SMTPCODE_API const char *smtpcode_list_at(struct smtpcode_list list, size_t i);

/** # Basic reply codes (RFC 5321 and extensions)
 *
 * The three-digit codes of RFC 5321 and the extensions that define more,
 * each with what it means, its causes, the default reason, action, bounce
 * type and verdict, and the RFCs that define it.
 */
enum smtpcode_status {
	SMTPCODE_STATUS_STANDARD,
	SMTPCODE_STATUS_EXPERIMENTAL,
	SMTPCODE_STATUS_DEPRECATED,
	SMTPCODE_STATUS_REGISTRY_ONLY /* named by the IANA registry only; no RFC defines it */
};

/** The entry of a basic code. Text fields are offsets for smtpcode_text(). */
struct smtpcode_basic {
	uint16_t code;     /* 211 .. 556 */
	uint8_t status;    /* enum smtpcode_status */
	uint8_t reason;    /* enum smtpcode_reason: default reason */
	uint8_t action;    /* enum smtpcode_action */
	uint8_t bounce;    /* enum smtpcode_bounce */
	uint8_t verdict;   /* enum smtpcode_verdict, as the reply to RCPT TO */
	smtpcode_text_t title, meaning, advice, notes;
	struct smtpcode_list causes, rfc, commands, related;
};

/** The entry of a three-digit code such as 550. Returns a pointer into the
 * library's read-only table, or NULL when the code is not known. */
SMTPCODE_API const struct smtpcode_basic *smtpcode_basic_lookup(unsigned code);

/** Parses exactly 3 digits at the start of `s` (first digit 2-5). The code must
 * end there (end of input or a byte that is not a digit, dot or letter).
 * Returns 3 and stores the code in `*code`, or SMTPCODE_EEMPTY (`len` 0, `s`
 * NULL or not), SMTPCODE_ESYNTAX, SMTPCODE_ECLASS, SMTPCODE_ELENGTH,
 * SMTPCODE_ETRAILING, or SMTPCODE_EINVAL when `code` is NULL, or `s` is NULL
 * with a length. */
SMTPCODE_API int smtpcode_basic_parse(const char *s, size_t len, unsigned *code);

/** Every entry, in ascending code order, for listing them all. Returns the
 * number of entries, and the entry at index `i`, or NULL when
 * `i >= smtpcode_basic_count()`. */
SMTPCODE_API size_t smtpcode_basic_count(void);
SMTPCODE_API const struct smtpcode_basic *smtpcode_basic_at(size_t i);

/** What the class (first digit, 2 to 5) and the category (second digit, 0
 * to 5) of a basic code say on their own: a title and a meaning. Returns a
 * static string, or NULL when RFC 5321 gives that digit no meaning. */
SMTPCODE_API const char *smtpcode_basic_class_title(unsigned cls);
SMTPCODE_API const char *smtpcode_basic_class_meaning(unsigned cls);
SMTPCODE_API const char *smtpcode_basic_category_title(unsigned category);
SMTPCODE_API const char *smtpcode_basic_category_meaning(unsigned category);

/** # Enhanced status codes (RFC 3463, the IANA registry)
 *
 * Every row of the IANA registry of enhanced status codes: the class rows
 * (2.X.X, 4.X.X, 5.X.X), the subject rows (X.1.X) and the detail rows
 * (X.1.1), with the registry's title, a meaning, the classes each is used
 * with and, for the failure forms, reason, action and bounce type. A parsed
 * code is three numbers:
 */
struct smtpcode_enhanced_code {
	unsigned cls;     /* 2, 4 or 5 */
	unsigned subject; /* 0 .. 999 */
	unsigned detail;  /* 0 .. 999 */
};

/** Parses `class.subject.detail` at the start of `s` with RFC 3463's rules:
 * class 2, 4 or 5; sub-codes of 1-3 digits without leading zeros. The code
 * must end there (end of input or a byte that is not a digit, dot or letter).
 * Returns the number of bytes parsed (5 to 9) and stores the code in `*out`,
 * or SMTPCODE_EEMPTY (`len` 0, `s` NULL or not), SMTPCODE_ESYNTAX,
 * SMTPCODE_ECLASS, SMTPCODE_ELEADINGZERO, SMTPCODE_ETOOLONG,
 * SMTPCODE_ETRAILING, or SMTPCODE_EINVAL when `out` is NULL, or `s` is NULL
 * with a length. */
SMTPCODE_API int smtpcode_enhanced_parse(const char *s, size_t len,
                                         struct smtpcode_enhanced_code *out);

/** The kind of a registry row. */
enum smtpcode_enhanced_kind {
	SMTPCODE_KIND_CLASS,   /* "5.X.X": a class row of the registry */
	SMTPCODE_KIND_SUBJECT, /* "X.1.X": a subject row */
	SMTPCODE_KIND_DETAIL   /* "X.1.1": a detail row */
};

/** The entry of a registry row. Text fields are offsets for smtpcode_text(). */
struct smtpcode_enhanced {
	uint8_t kind;       /* enum smtpcode_enhanced_kind */
	uint8_t cls;        /* class rows: 2, 4 or 5; otherwise 0 (any class) */
	uint16_t subject;   /* subject and detail rows */
	uint16_t detail;    /* detail rows */
	uint8_t classes;    /* classes it is used with: bit (1 << 2), (1 << 4), (1 << 5) */
	uint8_t reason;     /* enum smtpcode_reason of the failure forms */
	uint8_t action;     /* enum smtpcode_action of the permanent form */
	uint8_t bounce;     /* enum smtpcode_bounce of the permanent (5.y.z) form */
	uint8_t deprecated; /* 1 when the registry deprecates it; see replaced_by */
	smtpcode_text_t code;  /* "X.1.1", "5.X.X", "X.1.X" */
	smtpcode_text_t title; /* the registry's title, verbatim */
	smtpcode_text_t meaning, advice, notes, replaced_by, basic_note;
	smtpcode_text_t class_meaning[3]; /* for classes 2, 4, 5; "" where not different */
	struct smtpcode_list causes, rfc, related, basic;
};

/** The registry entry for an enhanced code given as text: "5.1.1" or "X.1.1"
 * for a detail row, "5.X.X" for a class row, "X.1.X" for a subject row. The
 * whole input must be the code. Returns a pointer into the library's
 * read-only table, or NULL when the code is malformed or not registered, or
 * `s` is NULL. */
SMTPCODE_API const struct smtpcode_enhanced *smtpcode_enhanced_lookup(const char *s, size_t len);

/** The same for parsed numbers: the detail row of (subject, detail), the
 * subject row of a subject, the class row of a class. Returns a pointer into
 * the library's read-only table, or NULL when the row is not registered. */
SMTPCODE_API const struct smtpcode_enhanced *smtpcode_enhanced_detail(unsigned subject, unsigned detail);
SMTPCODE_API const struct smtpcode_enhanced *smtpcode_enhanced_subject(unsigned subject);
SMTPCODE_API const struct smtpcode_enhanced *smtpcode_enhanced_class(unsigned cls);

/** Every row, class rows first, then subject rows, then details by subject.
 * Returns the number of rows, and the row at index `i`, or NULL when
 * `i >= smtpcode_enhanced_count()`. */
SMTPCODE_API size_t smtpcode_enhanced_count(void);
SMTPCODE_API const struct smtpcode_enhanced *smtpcode_enhanced_at(size_t i);

/** # Vendor codes
 *
 * Enhanced codes that a vendor sends with a meaning of its own: codes outside
 * the registry (Microsoft 365's 5.7.606 to 5.7.649, a banned sending IP) and
 * registered codes a vendor reads its own way (Gmail's 5.7.27 for an SPF
 * failure). An entry covers `cls.subject.first` to `cls.subject.last`; its
 * `action` and `bounce` are SMTPCODE_FROM_REASON where the reason's own apply.
 * The meaning is `smtpcode_text(entry->meaning)`, in this project's words.
 */
#define SMTPCODE_FROM_REASON 255

struct smtpcode_vendor_code {
	uint8_t vendor;  /* enum smtpcode_vendor */
	uint8_t cls;     /* 2, 4 or 5 */
	uint8_t reason;  /* enum smtpcode_reason */
	uint8_t action;  /* enum smtpcode_action, or SMTPCODE_FROM_REASON */
	uint8_t bounce;  /* enum smtpcode_bounce, or SMTPCODE_FROM_REASON */
	uint16_t subject, first, last;
	smtpcode_text_t meaning;
};

/** Every vendor code, ordered by class, subject and first detail. Returns the
 * number of entries, and the entry at index `i`, or NULL when
 * `i >= smtpcode_vendor_code_count()`. */
SMTPCODE_API size_t smtpcode_vendor_code_count(void);
SMTPCODE_API const struct smtpcode_vendor_code *smtpcode_vendor_code_at(size_t i);

/** The vendor's own reading of `code`: the entry of `vendor` that covers it;
 * failing that, when the code is not in the registry, the first entry of any
 * vendor that covers it (an unregistered code is some vendor's own wherever it
 * appears). Returns a pointer into the read-only table, or NULL when no entry
 * applies or `code` is NULL. */
SMTPCODE_API const struct smtpcode_vendor_code *smtpcode_vendor_code_find(enum smtpcode_vendor vendor,
                                                                          const struct smtpcode_enhanced_code *code);

/** The bounce type of a registry entry used with class `cls`: class 2 is
 * none, class 4 soft, class 5 the entry's own bounce type. Returns the bounce
 * type, or SMTPCODE_BOUNCE_UNKNOWN for another class or a NULL entry at
 * class 5. */
SMTPCODE_API enum smtpcode_bounce smtpcode_enhanced_bounce(const struct smtpcode_enhanced *e, unsigned cls);

/** The verdict that a bounce type means for a reply to RCPT TO. Returns
 * deliverable for none, retry for soft, undeliverable for hard, blocked for
 * block, and SMTPCODE_VERDICT_UNKNOWN otherwise. */
SMTPCODE_API enum smtpcode_verdict smtpcode_verdict_for(enum smtpcode_bounce b);

/** # Replies (RFC 5321 section 4.2, RFC 2034)
 *
 * A span is a piece of the caller's buffer: results point into the input and
 * copy nothing. An empty span has len 0 (ptr may then be NULL).
 */
struct smtpcode_span {
	const char *ptr;
	size_t len;
};

/** What a parsed reply holds; flags tell the odd ones apart. */
enum smtpcode_reply_flag {
	SMTPCODE_REPLY_MULTILINE = 1 << 0,      /* more than one line (550-... then 550 ...) */
	SMTPCODE_REPLY_MIXED_CODES = 1 << 1,    /* lines carry different basic codes: the last line's counts */
	SMTPCODE_REPLY_MIXED_ENHANCED = 1 << 2, /* lines carry different enhanced codes: the last one counts */
	SMTPCODE_REPLY_CLASS_MISMATCH = 1 << 3, /* the enhanced code's class differs from the basic code's
	                                           (550 4.4.7): the basic code's class counts */
	SMTPCODE_REPLY_UNTERMINATED = 1 << 4    /* continuation lines (550-) never reached a last line */
};

/** A parsed reply. */
struct smtpcode_reply {
	unsigned code;                          /* the basic code; 0 when there is none */
	struct smtpcode_enhanced_code enhanced; /* enhanced.cls is 0 when there is none */
	struct smtpcode_span raw;               /* every line of the reply, line breaks included */
	struct smtpcode_span code_span;         /* the basic code that counts */
	struct smtpcode_span enhanced_span;     /* the enhanced code that counts, if any */
	unsigned lines;                         /* number of lines */
	unsigned flags;                         /* enum smtpcode_reply_flag bits */
};

/* The longest reply that smtpcode_parse_reply() can count in its int. */
#define SMTPCODE_REPLY_MAX INT_MAX

/** Parses the reply that starts at `buf`: one line "550 5.1.1 text" or
 * several "550-5.1.1 text" lines closed by a "550 5.1.1 text" line, separated
 * by LF or CRLF. Lines joined into one by the mail system that quotes them
 * ("550-5.1.1 a 550 5.1.1 b", as Postfix writes them) stay one line, whose
 * joined last line ends the reply. (In a text smtpcode_classify() reads, the reply
 * also takes the lines wrapped and indented under it.) A reply may be SMTPCODE_REPLY_MAX bytes long, which is
 * INT_MAX (2 GiB - 1 where int has 32 bits): RFC 5321 allows 512 bytes a
 * line, so only a broken or hostile input comes near it. Returns the bytes
 * the reply takes (> 0, at most SMTPCODE_REPLY_MAX) and fills `*reply`, or SMTPCODE_EEMPTY (`len` 0, `buf`
 * NULL or not), SMTPCODE_ENOREPLY when `buf` does not start with a reply
 * code, SMTPCODE_ETOOBIG when the reply is longer than SMTPCODE_REPLY_MAX
 * bytes (`*reply` is filled all the same: `reply.raw.len` counts it), or
 * SMTPCODE_EINVAL when `reply` is NULL, or `buf` is NULL with a length. */
SMTPCODE_API int smtpcode_parse_reply(const char *buf, size_t len, struct smtpcode_reply *reply);

/** The text of each line of a parsed reply, after its codes, without the line
 * break. Start with `*pos = 0` and call it until it returns 0. Returns 1 and
 * sets `*text` for each line, then 0. */
SMTPCODE_API int smtpcode_reply_next_text(const struct smtpcode_reply *reply, size_t *pos,
                                          struct smtpcode_span *text);

/** The name of one reply flag, as in JSON output. Returns a static string
 * ("multiline", "mixed-codes", ...), or NULL when `flag` is not a single
 * flag; bit i of `reply.flags` is named by smtpcode_reply_flag_name(1u << i). */
SMTPCODE_API const char *smtpcode_reply_flag_name(enum smtpcode_reply_flag flag);

/** What one reply flag means, in a sentence for people ("The reply was cut
 * off: ..."), where its name is a word for programs. Returns a static
 * string, or NULL when `flag` is not a single flag. */
SMTPCODE_API const char *smtpcode_reply_flag_description(enum smtpcode_reply_flag flag);

/** # Classification
 *
 * `smtpcode_classify()` takes what people paste and what logs hold: a bare
 * reply, a DSN's Diagnostic-Code/Status/Remote-MTA fields, a Postfix, Exim or
 * Sendmail log line, an Exchange "Remote Server returned" text. It finds the
 * reply, then decides from the most specific signal present:
 * vendor token or vendor code > cause phrase > specific enhanced code >
 * SMTP stage > generic phrase > generic enhanced code > basic code.
 */
/** The SMTP command a reply answered. */
enum smtpcode_stage {
	SMTPCODE_STAGE_UNKNOWN,
	SMTPCODE_STAGE_CONNECT,     /* the greeting */
	SMTPCODE_STAGE_EHLO,        /* EHLO or HELO */
	SMTPCODE_STAGE_MAIL,        /* MAIL FROM */
	SMTPCODE_STAGE_RCPT,        /* RCPT TO */
	SMTPCODE_STAGE_DATA,        /* the DATA command */
	SMTPCODE_STAGE_END_OF_DATA, /* after the final "." */
	SMTPCODE_STAGE_COUNT
};

/** Which signal decided the reason, from the least to the most specific. */
enum smtpcode_signal {
	SMTPCODE_SIGNAL_NONE,             /* nothing decided: reason unknown */
	SMTPCODE_SIGNAL_BASIC,            /* the basic code's default */
	SMTPCODE_SIGNAL_GENERIC_ENHANCED, /* an enhanced code that names no cause (X.0.0, X.7.1, X.s.0 but X.6.0) */
	SMTPCODE_SIGNAL_GENERIC_PHRASE,   /* wording that names a refusal, not its cause ("access denied") */
	SMTPCODE_SIGNAL_STAGE,            /* the stage: a refusal at connect, EHLO or MAIL FROM */
	SMTPCODE_SIGNAL_ENHANCED,         /* a specific enhanced code (X.1.1, X.2.2, X.7.26) */
	SMTPCODE_SIGNAL_PHRASE,           /* a phrase that names a cause ("blocked using") */
	SMTPCODE_SIGNAL_VENDOR_CODE,      /* a vendor's own use of an enhanced code (Microsoft 5.7.606) */
	SMTPCODE_SIGNAL_TOKEN,            /* a vendor's token ([TSS04], (S3150), RL000001) */
	SMTPCODE_SIGNAL_REPORT,           /* the message itself: a feedback report, an automatic reply */
	SMTPCODE_SIGNAL_COUNT
};

/** Where the reply was found. */
enum smtpcode_carrier {
	SMTPCODE_CARRIER_NONE,     /* no reply found; text only */
	SMTPCODE_CARRIER_BARE,     /* the input is (or holds) a reply */
	SMTPCODE_CARRIER_DSN,      /* RFC 3464 fields: Diagnostic-Code, Status, Remote-MTA */
	SMTPCODE_CARRIER_POSTFIX,  /* "host X said: ...", "(in reply to RCPT TO command)" */
	SMTPCODE_CARRIER_EXIM,     /* "SMTP error from remote mail server after RCPT TO:<...>:" */
	SMTPCODE_CARRIER_SENDMAIL, /* "dsn=5.1.1, stat=..." */
	SMTPCODE_CARRIER_EXCHANGE, /* "Remote Server returned '...'" */
	SMTPCODE_CARRIER_COUNT
};

/** What a mail log says it did with the message on its line: Postfix's
 * status=, Sendmail's stat=Sent or Deferred, Exim's ** and == lines. */
enum smtpcode_log_status {
	SMTPCODE_LOG_NONE,     /* not a log line, or it does not say */
	SMTPCODE_LOG_SENT,     /* delivered (status=sent) */
	SMTPCODE_LOG_DEFERRED, /* kept to be tried again (status=deferred, Exim ==) */
	SMTPCODE_LOG_BOUNCED,  /* returned to the sender (status=bounced, Exim **) */
	SMTPCODE_LOG_EXPIRED,  /* given up after retrying (status=expired) */
	SMTPCODE_LOG_COUNT
};

/** The answer of smtpcode_classify(). */
struct smtpcode_result {
	struct smtpcode_reply reply;     /* the reply found (reply.code 0 when none) */
	enum smtpcode_carrier carrier;   /* where the reply was found */
	enum smtpcode_stage stage;       /* given by the caller, else found in the text */
	struct smtpcode_span host;       /* given by the caller, else found in the text */
	enum smtpcode_vendor vendor;     /* SMTPCODE_VENDOR_UNKNOWN when not recognised */
	struct smtpcode_span vendor_evidence; /* the text that named the vendor */
	enum smtpcode_reason reason;
	enum smtpcode_action action;
	enum smtpcode_bounce bounce;
	enum smtpcode_verdict verdict;   /* as the answer to RCPT TO */
	enum smtpcode_signal decided_by; /* which signal decided the reason */
	struct smtpcode_span matched;    /* the text that decided: phrase, token or code */
	/* What a log line says besides the reply (empty spans for other input): */
	struct smtpcode_span recipient;  /* Postfix's and Sendmail's to=<...>, the address of an Exim ** or == line;
	                                    else the one a 4xx or 5xx reply starts with ("550 5.1.1 <a@b>: ...",
	                                    "550 a@b... User unknown"), not the sender's */
	struct smtpcode_span queue_id;   /* the message's ID in the log: "4F2A1C0D3E:", Exim's 1abcDE-000123-AB */
	struct smtpcode_span timestamp;  /* the line's date and time, as written: "Nov  5 10:00:00", ISO 8601 */
	enum smtpcode_log_status log_status; /* what the log did with the message */
};

/** Classifies `buf[0..len)`. `stage` may be SMTPCODE_STAGE_UNKNOWN and `host`
 * NULL; when given they win over what the text says. Returns 0 and fills
 * `*out`, or SMTPCODE_EEMPTY (empty or only whitespace), SMTPCODE_ENOREPLY (no
 * code and no phrase, or only the sending server's own words that delivery
 * is delayed, or a log line that names no code, status or recipient, or
 * one with a reply but no recipient or status (one attempt's reply that the
 * delivery's own line repeats, a greeting, a refused login), or Postfix's
 * reject_warning line: `*out` still holds what the words say), or
 * SMTPCODE_EINVAL (`out` NULL, a NULL pointer with a length,
 * or a stage out of range). */
SMTPCODE_API int smtpcode_classify(const char *buf, size_t len, enum smtpcode_stage stage,
                                   const char *host, size_t host_len, struct smtpcode_result *out);

/** Names of stages, signals, carriers and log statuses, as in JSON output.
 * A stage is also found by name, case-insensitively, with aliases such as
 * "rcpt-to" and "eod". A log status of SMTPCODE_LOG_NONE is named "none". Returns a static string, or NULL when the value is out of range;
 * smtpcode_stage_from_name() returns the stage, or -1 when the name is
 * unknown. */
SMTPCODE_API const char *smtpcode_stage_name(enum smtpcode_stage s);     /* "rcpt", ... */
SMTPCODE_API int smtpcode_stage_from_name(const char *s, size_t len);   /* case-insensitive */
SMTPCODE_API const char *smtpcode_signal_name(enum smtpcode_signal s);   /* "phrase", ... */
SMTPCODE_API const char *smtpcode_carrier_name(enum smtpcode_carrier c); /* "postfix", ... */
SMTPCODE_API const char *smtpcode_log_status_name(enum smtpcode_log_status s); /* "bounced", ... */

/** # Bounce messages
 *
 * `smtpcode_message_feed()` reads a whole message as it arrives: a delivery
 * status notification (RFC 3464), an old-style bounce whose report is only
 * text (qmail, Exim, Sendmail, Exchange, Gmail and many more), a feedback
 * report (RFC 5965) or an automatic reply (RFC 3834). Bytes are pushed in
 * pieces of any size, split anywhere; for each recipient the message reports
 * on, a callback gets a record with the address, the DSN action and the
 * classification of what the mail system said of it. MIME is followed to any
 * depth (quoted-printable and base64 decoded, charsets such as ISO-2022-JP,
 * Shift_JIS and ISO-8859-x converted to UTF-8 before matching), and only the
 * mail system's own report is read: never the bounce's header fields, never
 * the returned original message. A message whose first line is no header
 * field has none when the next line that is not blank is none either: it is
 * a bounce's text pasted alone, read as the report (with no header, only its
 * words can say it is a bounce), without the quotes of a reply ("> " before
 * each line, as the first has it); when the next is a field ("From:",
 * "Subject:"), that is the header, as a forwarded bounce has it after its
 * forwarder's "-------- Forwarded Message --------".
 *
 * The caller owns the reader's state, a `struct smtpcode_message` of fixed
 * size (SMTPCODE_MESSAGE_SIZE bytes: allocate it, or make it static, rather
 * than put it on a small stack). Nothing is allocated, and the memory used is
 * the same whatever the size of the message; time is linear in its size.
 * Where a message holds more than the reader keeps (a recipient's text beyond
 * a few kilobytes, multiparts nested more than 32 deep), the rest is skipped,
 * the record says it was cut, and smtpcode_message_problems() says why.
 */

/** The Action field of a recipient's delivery-status group (RFC 3464), or
 * what the text of an old-style bounce says: failed, or delayed when the mail
 * system says it will try again. */
enum smtpcode_dsn_action {
	SMTPCODE_DSN_NONE,      /* no Action field, and the report does not say */
	SMTPCODE_DSN_FAILED,
	SMTPCODE_DSN_DELAYED,
	SMTPCODE_DSN_DELIVERED,
	SMTPCODE_DSN_RELAYED,
	SMTPCODE_DSN_EXPANDED,
	SMTPCODE_DSN_COUNT
};

/** What the record was read from. */
enum smtpcode_report {
	SMTPCODE_REPORT_DSN,        /* a delivery-status part's fields (with the text's, where they say more) */
	SMTPCODE_REPORT_TEXT,       /* the human-readable text of a bounce with no delivery-status fields */
	SMTPCODE_REPORT_FEEDBACK,   /* a complaint: an RFC 5965 feedback report, or a mailbox provider's own */
	SMTPCODE_REPORT_AUTO_REPLY, /* an automatic reply: a vacation notice, an autoresponder */
	SMTPCODE_REPORT_COUNT
};

/** Bits of smtpcode_recipient.flags. */
enum smtpcode_recipient_flag {
	SMTPCODE_RECIPIENT_CUT = 1 << 0,           /* the address or the text was longer than the reader keeps */
	SMTPCODE_RECIPIENT_FROM_TEXT = 1 << 1,     /* the human-readable text gave the reply classified */
	SMTPCODE_RECIPIENT_FROM_HEADER = 1 << 2,   /* the address comes from the bounce's X-Failed-Recipients */
	SMTPCODE_RECIPIENT_FROM_ORIGINAL = 1 << 3  /* the address comes from the returned message's header */
};

/** One recipient of a message, as handed to the callback. The spans point
 * into the reader's state and stay valid only during the call: copy what is
 * kept. */
struct smtpcode_recipient {
	unsigned index;                       /* 1, 2, ...: the record's place among the message's records */
	uint64_t line;                        /* the line of the message where what is said of it starts (from 1) */
	enum smtpcode_report report;
	enum smtpcode_dsn_action action;
	struct smtpcode_span address;         /* the recipient (no angle brackets); empty when the report names none */
	struct smtpcode_span text;            /* what was classified, decoded to UTF-8 */
	struct smtpcode_span feedback_type;   /* a feedback report's Feedback-Type ("abuse"); else empty */
	unsigned flags;                       /* enum smtpcode_recipient_flag bits */
	struct smtpcode_result result;        /* the classification of text; its spans point into text */
};

/** The callback of the reader: called once for each recipient, in the order
 * of the message. */
typedef void (*smtpcode_recipient_fn)(void *ctx, const struct smtpcode_recipient *rcpt);

/** The reader's state. Its contents are private; only its size is fixed. */
#define SMTPCODE_MESSAGE_SIZE (144u * 1024u)

struct smtpcode_message {
	union {
		unsigned char bytes[SMTPCODE_MESSAGE_SIZE];
		uint64_t align_u64;
		void *align_ptr;
		double align_double;
	} opaque;
};

/** What smtpcode_message_problems() can say of a message, one bit each. */
enum smtpcode_message_problem {
	SMTPCODE_MESSAGE_EMPTY = 1 << 0,             /* no bytes at all */
	SMTPCODE_MESSAGE_TRUNCATED = 1 << 1,         /* it ends inside its header */
	SMTPCODE_MESSAGE_NO_CLOSING_BOUNDARY = 1 << 2, /* a multipart never closed: cut short? */
	SMTPCODE_MESSAGE_TOO_DEEP = 1 << 3,          /* multiparts nested deeper than the reader follows were skipped */
	SMTPCODE_MESSAGE_CUT = 1 << 4,               /* a recipient's fields or text were cut (see its flags) */
	SMTPCODE_MESSAGE_NO_REPORT = 1 << 5,         /* neither a bounce, a complaint nor an automatic reply */
	SMTPCODE_MESSAGE_NO_RECIPIENT = 1 << 6,      /* a report that names no recipient */
	SMTPCODE_MESSAGE_NO_STATUS = 1 << 7,         /* a multipart/report without delivery-status fields: its text was read */
	SMTPCODE_MESSAGE_BAD_BASE64 = 1 << 8,        /* bytes that are not base64 in a base64 part were skipped */
	SMTPCODE_MESSAGE_TEXT_DROPPED = 1 << 9,      /* more report text than the reader keeps: the rest was not read */
	SMTPCODE_MESSAGE_LONG_FIELD = 1 << 10        /* a header field longer than the reader keeps was cut */
};

/** Starts reading a message into `m`: `fn(ctx, rcpt)` is called for each
 * recipient, and each is classified as smtpcode_classify() would with
 * `stage` (SMTPCODE_STAGE_UNKNOWN: the report's own). Call it again to read
 * the next message with the same state. Returns 0, or SMTPCODE_EINVAL when
 * `m` or `fn` is NULL or `stage` is out of range. */
SMTPCODE_API int smtpcode_message_init(struct smtpcode_message *m, enum smtpcode_stage stage,
                                       smtpcode_recipient_fn fn, void *ctx);

/** Reads the next `len` bytes of the message: any bytes, split anywhere.
 * Records whose reports are complete are handed to the callback before it
 * returns. Returns 0, or SMTPCODE_EINVAL when `m` is NULL, `buf` is NULL
 * with a length, or the message has been ended. */
SMTPCODE_API int smtpcode_message_feed(struct smtpcode_message *m, const char *buf, size_t len);

/** Ends the message: what is still open is reported. Returns the number of
 * records handed to the callback for the message (>= 0), or SMTPCODE_EINVAL
 * when `m` is NULL or the message has been ended. */
SMTPCODE_API long smtpcode_message_end(struct smtpcode_message *m);

/** What was wrong or odd with the message read: enum smtpcode_message_problem
 * bits, valid after smtpcode_message_end(). Returns 0 when there was nothing
 * to say, or when `m` is NULL. */
SMTPCODE_API unsigned smtpcode_message_problems(const struct smtpcode_message *m);

/** One problem in a sentence for people. Returns a static string, or NULL
 * when `problem` is not a single enum smtpcode_message_problem bit. */
SMTPCODE_API const char *smtpcode_message_problem_text(enum smtpcode_message_problem problem);

/** Names as in JSON output ("failed", "dsn", ...). Returns a static string,
 * or NULL when the value is out of range. */
SMTPCODE_API const char *smtpcode_dsn_action_name(enum smtpcode_dsn_action a);
SMTPCODE_API const char *smtpcode_report_name(enum smtpcode_report r);

/** What an input holds, told from its first bytes. */
enum smtpcode_input {
	SMTPCODE_INPUT_LINES,   /* lines to classify one by one: a log, replies */
	SMTPCODE_INPUT_MESSAGE, /* one message: it starts with a header field (or delivery-status fields) */
	SMTPCODE_INPUT_MBOX     /* messages, each after a "From " line (mbox) */
};

/** Tells what `buf[0..len)`, the start of an input, holds, as a person would:
 * a UTF-8 byte-order mark and blank lines are passed over; then a "From "
 * line of an mbox (a sender, a date with a time and a year) starts an mbox; a
 * header field that messages have (From, Received, Subject, X-..., ...) or a
 * delivery-status field starts a message, and so does any other field
 * followed (after its folded lines and more such fields) by one of those or
 * the header's end; a field and its folded lines alone, or fields of other
 * names one a line (a program's errors), are lines to classify; a bounce's text
 * without its header, as a mail client shows it, is a message too: its first
 * lines (up to a log line; the first no reply) say in a mail system's words,
 * on one line or wrapped over two, that delivery failed or is delayed, in
 * paragraphs (a blank line or a rule between two) or with a recipient on a
 * line of its own (replies and logs come one a line), or they hold a
 * recipient's delivery-status fields (Final-Recipient, then Action or
 * Status) under a heading in any language; so is a bounce's paragraph about
 * one recipient ("<a@b>: host ... said: 550 ...", an indented line under
 * it); anything else is lines. A few kilobytes are enough. A field
 * alone on the only line is a line to classify, unless that line is 4 KiB or
 * more (a header's). Returns the kind. */
SMTPCODE_API enum smtpcode_input smtpcode_input_kind(const char *buf, size_t len);

/** Tells whether line[0..len), without its line break, is the "From " line
 * that starts a message in an mbox: "From", a sender, and a date with a time
 * and a year. Returns 1 when it is, else 0. */
SMTPCODE_API int smtpcode_mbox_from_line(const char *line, size_t len);

/** # Versions
 *
 * The library's version, the version of the data compiled into it and the
 * date of the IANA registry snapshot it holds.
 */

/** Returns a static string: "MAJOR.MINOR.PATCH", the data version
 * (YYYY.MM.DD) and the registry date (YYYY-MM-DD). */
SMTPCODE_API const char *smtpcode_version(void);      /* the library, "MAJOR.MINOR.PATCH" */
SMTPCODE_API const char *smtpcode_data_version(void); /* data/meta.toml's version */
SMTPCODE_API const char *smtpcode_registry_date(void); /* IANA registry snapshot, YYYY-MM-DD */

#ifdef __cplusplus
}
#endif

#endif /* SMTPCODE_H */
