/*
 * The explainer of the glossary site: the library's own smtpcode_input_kind(),
 * smtpcode_classify() and bounce-message reader, compiled to WebAssembly from
 * the single header, so the page gives the answers the CLI gives. Built with
 * clang --target=wasm32 -nostdlib (see web/meson.build), with the few C
 * library functions of libc.c.
 *
 * The page writes UTF-8 text to explain_input() and calls explain_run(): a
 * reply, a log line or a DSN field gets one record; a whole message (or an
 * mbox of them) one record per recipient. explain_record(i) is record i, an
 * array of uint32 laid out as enum field below (web/explain-core.js reads the
 * same layout). Spans are an address in linear memory and a length. Names
 * come from the library's own functions, exported as they are
 * (smtpcode_reason_name, ...).
 */
#define SMTPCODE_IMPLEMENTATION
#include "smtpcode.h"

#define EXPORT(name) __attribute__((export_name(#name)))

#define INPUT_MAX (1u << 20)    /* the longest text read; the page says when it cuts a paste short */
#define RECORDS_MAX 64          /* records kept; explain_dropped() counts the others */
#define MESSAGES_MAX 64         /* messages of an mbox whose problems are kept */
#define ARENA_MAX (256u * 1024) /* a message's records' texts, copied out of the reader */
#define SAID_MAX (64u * 1024)   /* a reply's text as a person reads it; longer is cut */

enum field {
	F_STATUS,       /* 0, or what smtpcode_classify() returned, as int32 */
	F_CODE,         /* basic code, 0 when none */
	F_CLASS, F_SUBJECT, F_DETAIL, /* enhanced code; class 0 when none */
	F_STAGE,
	F_HOST, F_HOST_LEN,
	F_VENDOR,
	F_EVIDENCE, F_EVIDENCE_LEN,
	F_REASON, F_ACTION, F_BOUNCE, F_VERDICT, F_DECIDED_BY,
	F_MATCHED, F_MATCHED_LEN,
	F_CARRIER,
	F_REPLY, F_REPLY_LEN,
	F_FLAGS,
	F_MESSAGE,      /* the message's number, 1 on; 0 for a reply */
	F_LINE,         /* the line of the message where the record starts */
	F_RECIPIENT, F_RECIPIENT_LEN, /* a message's recipient, or a log line's to=<...> */
	F_DSN_ACTION,   /* enum smtpcode_dsn_action */
	F_REPORT,       /* enum smtpcode_report */
	F_FEEDBACK, F_FEEDBACK_LEN,
	F_CUT,          /* the record's address or text was cut */
	F_QUEUE_ID, F_QUEUE_ID_LEN, F_TIMESTAMP, F_TIMESTAMP_LEN,
	F_LOG_STATUS,   /* enum smtpcode_log_status: with the two above, a log line's own fields */
	F_COUNT
};

static char input[INPUT_MAX];
static uint32_t records[RECORDS_MAX][F_COUNT];
static uint32_t problems[MESSAGES_MAX];
static uint32_t record_count, message_count, dropped;
static char arena[ARENA_MAX];
static size_t arena_used;
static struct smtpcode_message reader;
static char said[SAID_MAX];

EXPORT(explain_input) char *explain_input(void);
EXPORT(explain_input_max) uint32_t explain_input_max(void);
EXPORT(explain_fields) uint32_t explain_fields(void);
EXPORT(explain_run) int explain_run(uint32_t len, int stage);
EXPORT(explain_count) uint32_t explain_count(void);
EXPORT(explain_record) const uint32_t *explain_record(uint32_t i);
EXPORT(explain_messages) uint32_t explain_messages(void);
EXPORT(explain_problems) uint32_t explain_problems(uint32_t message);
EXPORT(explain_dropped) uint32_t explain_dropped(void);
EXPORT(explain_basic_title) const char *explain_basic_title(uint32_t code);
EXPORT(explain_enhanced_row) const char *explain_enhanced_row(uint32_t subject, uint32_t detail);
EXPORT(explain_enhanced_title) const char *explain_enhanced_title(uint32_t subject, uint32_t detail);
EXPORT(explain_said) uint32_t explain_said(const char *reply, uint32_t len);
EXPORT(explain_said_text) const char *explain_said_text(void);

char *
explain_input(void)
{
	return input;
}

uint32_t
explain_input_max(void)
{
	return INPUT_MAX;
}

/* How many fields a record has: the page checks it against its own. */
uint32_t
explain_fields(void)
{
	return F_COUNT;
}

uint32_t
explain_count(void)
{
	return record_count;
}

const uint32_t *
explain_record(uint32_t i)
{
	return i < record_count ? records[i] : NULL;
}

uint32_t
explain_messages(void)
{
	return message_count;
}

/* The smtpcode_message_problems() of message m (1 on). */
uint32_t
explain_problems(uint32_t m)
{
	return m >= 1 && m <= message_count && m <= MESSAGES_MAX ? problems[m - 1] : 0;
}

/* Records the reader gave but the page could not keep (more than
 * RECORDS_MAX, or texts beyond ARENA_MAX). */
uint32_t
explain_dropped(void)
{
	return dropped;
}

/* A span into the record: where it is, as it is (copy 0: it points into
 * input[], which stays), or copied into the arena (the reader's text is gone
 * once its callback returns). */
static void
span(uint32_t *f, enum field at, struct smtpcode_span s, int copy)
{
	f[at] = f[at + 1] = 0;
	if (!s.len)
		return;
	if (copy) {
		if (s.len > ARENA_MAX - arena_used)
			return;
		memcpy(arena + arena_used, s.ptr, s.len);
		s.ptr = arena + arena_used;
		arena_used += s.len;
	}
	f[at] = (uint32_t)(uintptr_t)s.ptr;
	f[at + 1] = (uint32_t)s.len;
}

static void
fill(uint32_t *f, const struct smtpcode_result *r, int status, int copy)
{
	memset(f, 0, F_COUNT * sizeof *f);
	f[F_STATUS] = (uint32_t)status;
	f[F_CODE] = r->reply.code;
	f[F_CLASS] = r->reply.enhanced.cls;
	f[F_SUBJECT] = r->reply.enhanced.subject;
	f[F_DETAIL] = r->reply.enhanced.detail;
	f[F_STAGE] = (uint32_t)r->stage;
	span(f, F_HOST, r->host, copy);
	f[F_VENDOR] = (uint32_t)r->vendor;
	span(f, F_EVIDENCE, r->vendor_evidence, copy);
	f[F_REASON] = (uint32_t)r->reason;
	f[F_ACTION] = (uint32_t)r->action;
	f[F_BOUNCE] = (uint32_t)r->bounce;
	f[F_VERDICT] = (uint32_t)r->verdict;
	f[F_DECIDED_BY] = (uint32_t)r->decided_by;
	span(f, F_MATCHED, r->matched, copy);
	f[F_CARRIER] = (uint32_t)r->carrier;
	span(f, F_REPLY, r->reply.raw, copy);
	f[F_FLAGS] = r->reply.flags;
	span(f, F_RECIPIENT, r->recipient, copy);
	span(f, F_QUEUE_ID, r->queue_id, copy);
	span(f, F_TIMESTAMP, r->timestamp, copy);
	f[F_LOG_STATUS] = (uint32_t)r->log_status;
}

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	const struct smtpcode_result *r = &rcpt->result;
	uint32_t *f;

	(void)ctx;
	if (record_count == RECORDS_MAX) {
		dropped++;
		return;
	}
	f = records[record_count++];
	/* As the CLI's recipient_classified(): something decided, an enhanced
	 * code, or what became of the recipient. */
	fill(f, r,
	     r->decided_by != SMTPCODE_SIGNAL_NONE || r->reply.enhanced.cls || rcpt->action != SMTPCODE_DSN_NONE
	         ? 0
	         : SMTPCODE_ENOREPLY,
	     1);
	f[F_MESSAGE] = message_count;
	f[F_LINE] = (uint32_t)rcpt->line;
	span(f, F_RECIPIENT, rcpt->address, 1);
	f[F_DSN_ACTION] = (uint32_t)rcpt->action;
	f[F_REPORT] = (uint32_t)rcpt->report;
	span(f, F_FEEDBACK, rcpt->feedback_type, 1);
	f[F_CUT] = (rcpt->flags & SMTPCODE_RECIPIENT_CUT) != 0;
}

static void
one_message(const char *text, size_t len, enum smtpcode_stage stage)
{
	message_count++;
	smtpcode_message_init(&reader, stage, on_recipient, NULL);
	smtpcode_message_feed(&reader, text, len);
	smtpcode_message_end(&reader);
	if (message_count <= MESSAGES_MAX)
		problems[message_count - 1] = smtpcode_message_problems(&reader);
}

/* Reads input[0..len) as the CLI's explain does (--stage given as stage, 0
 * for none; no --host). Returns smtpcode_input_kind(): SMTPCODE_INPUT_LINES
 * (one record, smtpcode_classify()'s answer, for empty input and text with
 * no reply too), SMTPCODE_INPUT_MESSAGE or SMTPCODE_INPUT_MBOX (a record a
 * recipient); or SMTPCODE_EINVAL for a stage out of range. */
int
explain_run(uint32_t len, int stage)
{
	enum smtpcode_input kind;
	struct smtpcode_result r;
	int rc;

	record_count = message_count = dropped = 0;
	arena_used = 0;
	if (stage < 0 || stage >= SMTPCODE_STAGE_COUNT)
		return SMTPCODE_EINVAL;
	if (len > INPUT_MAX)
		len = INPUT_MAX;
	kind = smtpcode_input_kind(input, len);
	if (kind == SMTPCODE_INPUT_LINES) {
		rc = smtpcode_classify(input, len, (enum smtpcode_stage)stage, NULL, 0, &r);
		fill(records[record_count++], &r, rc, 0);
	} else if (kind == SMTPCODE_INPUT_MESSAGE) {
		one_message(input, len, (enum smtpcode_stage)stage);
	} else {
		/* An mbox: each message after its "From " line. */
		const char *p = input, *lim = input + len, *start = NULL;
		while (p < lim) {
			const char *nl = memchr(p, '\n', (size_t)(lim - p)), *end = nl ? nl : lim;
			size_t n = (size_t)(end - p);
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (smtpcode_mbox_from_line(p, n)) {
				if (start)
					one_message(start, (size_t)(p - start), (enum smtpcode_stage)stage);
				start = nl ? nl + 1 : lim;
			}
			p = nl ? nl + 1 : lim;
		}
		if (start)
			one_message(start, (size_t)(lim - start), (enum smtpcode_stage)stage);
	}
	return (int)kind;
}

/* The title of a basic code, "" when the data has no entry for it. */
const char *
explain_basic_title(uint32_t code)
{
	const struct smtpcode_basic *b = smtpcode_basic_lookup(code);

	return b ? smtpcode_text(b->title) : "";
}

/* The registry row of subject.detail ("X.7.26") and its title; "" when the
 * registry has no such row. */
const char *
explain_enhanced_row(uint32_t subject, uint32_t detail)
{
	const struct smtpcode_enhanced *e = smtpcode_enhanced_detail(subject, detail);

	return e ? smtpcode_text(e->code) : "";
}

const char *
explain_enhanced_title(uint32_t subject, uint32_t detail)
{
	const struct smtpcode_enhanced *e = smtpcode_enhanced_detail(subject, detail);

	return e ? smtpcode_text(e->title) : "";
}

/* What the server said, as a person reads it: the text of each line of the
 * reply at reply[0..len) after its codes, the lines joined by a space, into
 * explain_said_text(). Returns its length; 0 when the text is not a reply
 * (the page then shows it as it is). */
uint32_t
explain_said(const char *reply, uint32_t len)
{
	struct smtpcode_reply r;
	struct smtpcode_span line;
	size_t pos = 0, n = 0;

	if (smtpcode_parse_reply(reply, len, &r) <= 0)
		return 0;
	while (smtpcode_reply_next_text(&r, &pos, &line)) {
		if (n && n < SAID_MAX && line.len)
			said[n++] = ' ';
		if (line.len > SAID_MAX - n)
			line.len = SAID_MAX - n;
		memcpy(said + n, line.ptr, line.len);
		n += line.len;
	}
	return (uint32_t)n;
}

const char *
explain_said_text(void)
{
	return said;
}
