/*
 * The explainer of the glossary site: the library's own smtpcode_classify(),
 * compiled to WebAssembly from the single header, so the page gives the
 * answer the CLI gives. Built with clang --target=wasm32 -nostdlib (see
 * web/meson.build); the library allocates nothing, so all it needs from a C
 * library are the few mem* functions defined at the end of this file.
 *
 * The page writes UTF-8 text to explain_input(), calls explain_classify()
 * and reads the answer from explain_result(): an array of uint32 laid out as
 * enum field below (web/explain-core.js reads the same layout). Spans are an
 * address in linear memory and a length. Names come from the library's own
 * functions, exported as they are (smtpcode_reason_name, ...).
 */
#define SMTPCODE_IMPLEMENTATION
#include "smtpcode.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* The longest text classified; the page says when it cuts a paste short. */
#define INPUT_MAX 65536

enum field {
	F_STATUS,       /* what smtpcode_classify() returned, as int32 */
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
	F_RECIPIENT, F_RECIPIENT_LEN, F_QUEUE_ID, F_QUEUE_ID_LEN, F_TIMESTAMP, F_TIMESTAMP_LEN,
	F_LOG_STATUS, /* a log line's own fields */
	F_COUNT
};

static char input[INPUT_MAX];
static uint32_t result[F_COUNT];

EXPORT(explain_input) char *explain_input(void);
EXPORT(explain_input_max) uint32_t explain_input_max(void);
EXPORT(explain_result) const uint32_t *explain_result(void);
EXPORT(explain_fields) uint32_t explain_fields(void);
EXPORT(explain_classify) int explain_classify(uint32_t len, int stage);
EXPORT(explain_basic_title) const char *explain_basic_title(uint32_t code);
EXPORT(explain_enhanced_row) const char *explain_enhanced_row(uint32_t subject, uint32_t detail);
EXPORT(explain_enhanced_title) const char *explain_enhanced_title(uint32_t subject, uint32_t detail);

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

const uint32_t *
explain_result(void)
{
	return result;
}

/* How many fields explain_result() has: the page checks it against its own. */
uint32_t
explain_fields(void)
{
	return F_COUNT;
}

static void
span(enum field at, struct smtpcode_span s)
{
	result[at] = s.len ? (uint32_t)(uintptr_t)s.ptr : 0;
	result[at + 1] = (uint32_t)s.len;
}

/* Classifies input[0..len) as the CLI does with --stage (0: not given) and
 * no --host. Returns smtpcode_classify()'s value; the answer is in result[],
 * for empty input and text with no reply too (reason unknown), as in the
 * CLI's JSON. */
int
explain_classify(uint32_t len, int stage)
{
	struct smtpcode_result r;
	int rc;

	if (len > INPUT_MAX)
		len = INPUT_MAX;
	rc = smtpcode_classify(input, len, (enum smtpcode_stage)stage, NULL, 0, &r);
	memset(result, 0, sizeof result);
	result[F_STATUS] = (uint32_t)rc;
	if (rc == SMTPCODE_EINVAL)
		return rc;
	result[F_CODE] = r.reply.code;
	result[F_CLASS] = r.reply.enhanced.cls;
	result[F_SUBJECT] = r.reply.enhanced.subject;
	result[F_DETAIL] = r.reply.enhanced.detail;
	result[F_STAGE] = (uint32_t)r.stage;
	span(F_HOST, r.host);
	result[F_VENDOR] = (uint32_t)r.vendor;
	span(F_EVIDENCE, r.vendor_evidence);
	result[F_REASON] = (uint32_t)r.reason;
	result[F_ACTION] = (uint32_t)r.action;
	result[F_BOUNCE] = (uint32_t)r.bounce;
	result[F_VERDICT] = (uint32_t)r.verdict;
	result[F_DECIDED_BY] = (uint32_t)r.decided_by;
	span(F_MATCHED, r.matched);
	result[F_CARRIER] = (uint32_t)r.carrier;
	span(F_REPLY, r.reply.raw);
	result[F_FLAGS] = r.reply.flags;
	span(F_RECIPIENT, r.recipient);
	span(F_QUEUE_ID, r.queue_id);
	span(F_TIMESTAMP, r.timestamp);
	result[F_LOG_STATUS] = (uint32_t)r.log_status;
	return rc;
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

/* The C library functions the code above and the library call. */
void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)(uintptr_t)p;
	return NULL;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n-- > 0)
			*d++ = *s++;
	} else {
		while (n-- > 0)
			d[n] = s[n];
	}
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}
