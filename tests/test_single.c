/* The single header against the library: every lookup, every parse and every
 * sample in data/ gives the same answer through both. The single header's
 * copy is compiled as C99 with SMTPCODE_STATIC (single/single_static.c) and
 * reached through a table of pointers; the library's through the same table. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "smtpcode.h"
#include "single/api.h"
#include "smtpcode_test_data.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct smtpcode_test_api lib = {SMTPCODE_TEST_API(SMTPCODE_TEST_INIT)};
static const struct smtpcode_test_api *const one = &smtpcode_test_single;

/* Two strings from the two copies: both NULL, or equal. */
static void
same_str(const char *a, const char *b, const char *what)
{
	cr_assert((a == NULL) == (b == NULL), "%s: library %s, single header %s", what, a ? a : "NULL",
	          b ? b : "NULL");
	if (a)
		cr_assert_str_eq(a, b, "%s", what);
}

static void
same_list(struct smtpcode_list a, struct smtpcode_list b, const char *what)
{
	size_t i;

	cr_assert(a.start == b.start && a.count == b.count, "%s: list", what);
	for (i = 0; i <= a.count; i++)
		same_str(lib.list_at(a, i), one->list_at(b, i), what);
}

static void
same_basic(const struct smtpcode_basic *a, const struct smtpcode_basic *b, const char *what)
{
	cr_assert((a == NULL) == (b == NULL), "%s: found by one copy only", what);
	if (!a)
		return;
	cr_assert(a != b, "%s: both copies point at the same table", what);
	cr_assert(a->code == b->code && a->status == b->status && a->reason == b->reason && a->action == b->action &&
	              a->bounce == b->bounce && a->verdict == b->verdict,
	          "%s: fields", what);
	same_str(lib.text(a->title), one->text(b->title), what);
	same_str(lib.text(a->meaning), one->text(b->meaning), what);
	same_str(lib.text(a->advice), one->text(b->advice), what);
	same_str(lib.text(a->notes), one->text(b->notes), what);
	same_list(a->causes, b->causes, what);
	same_list(a->rfc, b->rfc, what);
	same_list(a->commands, b->commands, what);
	same_list(a->related, b->related, what);
}

static void
same_enhanced(const struct smtpcode_enhanced *a, const struct smtpcode_enhanced *b, const char *what)
{
	unsigned k;

	cr_assert((a == NULL) == (b == NULL), "%s: found by one copy only", what);
	if (!a)
		return;
	cr_assert(a->kind == b->kind && a->cls == b->cls && a->subject == b->subject && a->detail == b->detail &&
	              a->classes == b->classes && a->reason == b->reason && a->action == b->action &&
	              a->bounce == b->bounce && a->deprecated == b->deprecated,
	          "%s: fields", what);
	same_str(lib.text(a->code), one->text(b->code), what);
	same_str(lib.text(a->title), one->text(b->title), what);
	same_str(lib.text(a->meaning), one->text(b->meaning), what);
	same_str(lib.text(a->advice), one->text(b->advice), what);
	same_str(lib.text(a->notes), one->text(b->notes), what);
	same_str(lib.text(a->replaced_by), one->text(b->replaced_by), what);
	same_str(lib.text(a->basic_note), one->text(b->basic_note), what);
	for (k = 0; k < 3; k++)
		same_str(lib.text(a->class_meaning[k]), one->text(b->class_meaning[k]), what);
	same_list(a->causes, b->causes, what);
	same_list(a->rfc, b->rfc, what);
	same_list(a->related, b->related, what);
	same_list(a->basic, b->basic, what);
	for (k = 0; k < 7; k++)
		cr_assert_eq(lib.enhanced_bounce(a, k), one->enhanced_bounce(b, k), "%s: bounce as class %u", what, k);
}

static void
same_span(struct smtpcode_span a, struct smtpcode_span b, const char *what)
{
	cr_assert(a.ptr == b.ptr && a.len == b.len, "%s: span", what);
}

static void
same_reply(const struct smtpcode_reply *a, const struct smtpcode_reply *b, const char *what)
{
	struct smtpcode_span ta, tb;
	size_t pa = 0, pb = 0;
	int ra, rb;

	cr_assert(a->code == b->code && a->enhanced.cls == b->enhanced.cls && a->enhanced.subject == b->enhanced.subject &&
	              a->enhanced.detail == b->enhanced.detail && a->lines == b->lines && a->flags == b->flags,
	          "%s: reply fields", what);
	same_span(a->raw, b->raw, what);
	same_span(a->code_span, b->code_span, what);
	same_span(a->enhanced_span, b->enhanced_span, what);
	do {
		ra = lib.reply_next_text(a, &pa, &ta);
		rb = one->reply_next_text(b, &pb, &tb);
		cr_assert(ra == rb && pa == pb, "%s: reply_next_text", what);
		if (ra)
			same_span(ta, tb, what);
	} while (ra);
}

/* Classifies and parses `s` through both copies and compares everything. */
static void
same_classification(const char *s, size_t len, enum smtpcode_stage stage, const char *host)
{
	struct smtpcode_result a, b;
	struct smtpcode_reply ra, rb;
	size_t hl = host ? strlen(host) : 0;
	int x = lib.classify(s, len, stage, host, hl, &a), y = one->classify(s, len, stage, host, hl, &b);

	cr_assert_eq(x, y, "classify '%.*s': returns", (int)len, s);
	same_reply(&a.reply, &b.reply, s);
	cr_assert(a.carrier == b.carrier && a.stage == b.stage && a.vendor == b.vendor && a.reason == b.reason &&
	              a.action == b.action && a.bounce == b.bounce && a.verdict == b.verdict &&
	              a.decided_by == b.decided_by,
	          "classify '%.*s': %s/%s vs %s/%s", (int)len, s, lib.reason_name(a.reason),
	          lib.signal_name(a.decided_by), one->reason_name(b.reason), one->signal_name(b.decided_by));
	same_span(a.host, b.host, s);
	same_span(a.vendor_evidence, b.vendor_evidence, s);
	same_span(a.matched, b.matched, s);
	cr_assert_eq(lib.parse_reply(s, len, &ra), one->parse_reply(s, len, &rb), "parse_reply '%.*s'", (int)len, s);
	same_reply(&ra, &rb, s);
}

Test(single, basic_codes)
{
	unsigned code, d;
	size_t i;
	char what[32];

	cr_assert_eq(lib.basic_count(), one->basic_count());
	for (i = 0; i <= lib.basic_count(); i++) {
		snprintf(what, sizeof what, "basic_at(%zu)", i);
		same_basic(lib.basic_at(i), one->basic_at(i), what);
	}
	for (code = 0; code < 1100; code++) {
		snprintf(what, sizeof what, "basic_lookup(%u)", code);
		same_basic(lib.basic_lookup(code), one->basic_lookup(code), what);
	}
	same_basic(lib.basic_lookup(~0u), one->basic_lookup(~0u), "basic_lookup(UINT_MAX)");
	for (d = 0; d < 12; d++) {
		same_str(lib.basic_class_title(d), one->basic_class_title(d), "class title");
		same_str(lib.basic_class_meaning(d), one->basic_class_meaning(d), "class meaning");
		same_str(lib.basic_category_title(d), one->basic_category_title(d), "category title");
		same_str(lib.basic_category_meaning(d), one->basic_category_meaning(d), "category meaning");
	}
}

Test(single, enhanced_codes)
{
	unsigned s, d, c;
	size_t i;
	char what[48];

	cr_assert_eq(lib.enhanced_count(), one->enhanced_count());
	for (i = 0; i <= lib.enhanced_count(); i++) {
		const struct smtpcode_enhanced *e = lib.enhanced_at(i);
		snprintf(what, sizeof what, "enhanced_at(%zu)", i);
		same_enhanced(e, one->enhanced_at(i), what);
		if (e) {
			/* The row's own notation, and each class it is used with. */
			const char *code = lib.text(e->code);
			char q[16];
			same_enhanced(lib.enhanced_lookup(code, strlen(code)), one->enhanced_lookup(code, strlen(code)), code);
			for (c = 2; c <= 5; c++) {
				snprintf(q, sizeof q, "%u%s", c, code + 1);
				same_enhanced(lib.enhanced_lookup(q, strlen(q)), one->enhanced_lookup(q, strlen(q)), q);
			}
		}
	}
	for (s = 0; s < 24; s++)
		for (d = 0; d < 1002; d++) {
			snprintf(what, sizeof what, "enhanced_detail(%u, %u)", s, d);
			same_enhanced(lib.enhanced_detail(s, d), one->enhanced_detail(s, d), what);
		}
	for (s = 0; s < 1002; s++) {
		snprintf(what, sizeof what, "enhanced_subject(%u)", s);
		same_enhanced(lib.enhanced_subject(s), one->enhanced_subject(s), what);
	}
	for (c = 0; c < 12; c++) {
		snprintf(what, sizeof what, "enhanced_class(%u)", c);
		same_enhanced(lib.enhanced_class(c), one->enhanced_class(c), what);
	}
	same_enhanced(lib.enhanced_class(~0u), one->enhanced_class(~0u), "enhanced_class(UINT_MAX)");
}

static void
same_vendor_code(const struct smtpcode_vendor_code *a, const struct smtpcode_vendor_code *b, const char *what)
{
	cr_assert_eq(!a, !b, "%s: one copy found an entry, the other did not", what);
	if (!a)
		return;
	cr_assert(a->vendor == b->vendor && a->cls == b->cls && a->subject == b->subject && a->first == b->first &&
	          a->last == b->last && a->reason == b->reason && a->action == b->action && a->bounce == b->bounce,
	          "%s: entries differ", what);
	same_str(lib.text(a->meaning), one->text(b->meaning), what);
}

Test(single, vendor_codes)
{
	struct smtpcode_enhanced_code code;
	unsigned v, s, d;
	size_t i;
	char what[64];

	cr_assert_eq(lib.vendor_code_count(), one->vendor_code_count());
	for (i = 0; i <= lib.vendor_code_count(); i++) {
		snprintf(what, sizeof what, "vendor_code_at(%zu)", i);
		same_vendor_code(lib.vendor_code_at(i), one->vendor_code_at(i), what);
	}
	for (code.cls = 2; code.cls <= 5; code.cls += code.cls == 2 ? 2 : 1)
		for (s = 0; s < 9; s++)
			for (d = 0; d < 1000; d++)
				for (v = 0; v < SMTPCODE_VENDOR_COUNT; v += 7) {
					code.subject = s;
					code.detail = d;
					snprintf(what, sizeof what, "vendor_code_find(%u, %u.%u.%u)", v, code.cls, s, d);
					same_vendor_code(lib.vendor_code_find((enum smtpcode_vendor)v, &code),
					                 one->vendor_code_find((enum smtpcode_vendor)v, &code), what);
				}
	cr_assert_null(lib.vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, NULL));
}

/* Code strings, well formed and not: both parsers and the text lookup. */
Test(single, parse)
{
	static const char *const cases[] = {
		"",        "5",        "55",       "550",      "5501",     "550 ",     "550-",    "550.",
		"550a",    "650",      "150",      "099",      "5.1.1",    "5.1.1 ",   "5.1.1.",  "5.1.1.1",
		"5.1.10",  "5.1.100",  "5.1.1000", "5.01.1",   "5.1.01",   "5..1",     "5.1.",    "5.a.1",
		"6.1.1",   "3.1.1",    "2.0.0",    "4.7.650",  "5.7.606",  "5.999.999", "X.1.1",  "x.1.1",
		"X.1.X",   "5.X.X",    "4.X.X",    "X.X.X",    "5.x.x",    "X.7.26",   "X.7.999", "5.1.1a",
		"5.1.1x",  "55.1.1",   "5.1",      "5.1.1\n",  "\xef\xbc\x95\xef\xbc\x95\xef\xbc\x90",
	};
	size_t i, n;

	for (i = 0; i < COUNT_OF(cases); i++) {
		const char *q = cases[i];
		unsigned ca = 7, cb = 7;
		struct smtpcode_enhanced_code ea = {1, 2, 3}, eb = {1, 2, 3};
		for (n = 0; n <= strlen(q); n++) {
			cr_assert_eq(lib.basic_parse(q, n, &ca), one->basic_parse(q, n, &cb), "basic_parse '%.*s'", (int)n, q);
			cr_assert_eq(ca, cb, "basic_parse '%.*s': code", (int)n, q);
			cr_assert_eq(lib.enhanced_parse(q, n, &ea), one->enhanced_parse(q, n, &eb), "enhanced_parse '%.*s'",
			             (int)n, q);
			cr_assert(ea.cls == eb.cls && ea.subject == eb.subject && ea.detail == eb.detail,
			          "enhanced_parse '%.*s': code", (int)n, q);
			same_enhanced(lib.enhanced_lookup(q, n), one->enhanced_lookup(q, n), q);
		}
	}
	for (n = 0; n < 40; n++)
		same_str(lib.strerror(-(int)n + 5), one->strerror(-(int)n + 5), "strerror");
}

#define SAME_TAXONOMY(kind, count)                                                                        \
	do {                                                                                              \
		int k;                                                                                    \
		for (k = 0; k <= (count) + 1; k++) {                                                      \
			const char *name = lib.kind##_name((enum smtpcode_##kind)k);                      \
			same_str(name, one->kind##_name((enum smtpcode_##kind)k), #kind " name");          \
			same_str(lib.kind##_title((enum smtpcode_##kind)k),                               \
			         one->kind##_title((enum smtpcode_##kind)k), #kind " title");             \
			if (name) {                                                                       \
				cr_assert_eq(lib.kind##_from_name(name, strlen(name)),                    \
				             one->kind##_from_name(name, strlen(name)), "%s", name);      \
				cr_assert_eq(one->kind##_from_name(name, strlen(name)), k, "%s", name);  \
				cr_assert_eq(lib.kind##_from_name(name, strlen(name) - 1),                \
				             one->kind##_from_name(name, strlen(name) - 1), "%s", name);  \
			}                                                                                 \
		}                                                                                         \
		cr_assert_eq(lib.kind##_from_name(NULL, 0), one->kind##_from_name(NULL, 0));              \
		cr_assert_eq(lib.kind##_from_name("no-such-name", 12), one->kind##_from_name("no-such-name", 12)); \
	} while (0)

#define SAME_DESCRIPTION(kind, count)                                                                \
	do {                                                                                         \
		int k;                                                                               \
		for (k = 0; k <= (count) + 1; k++)                                                   \
			same_str(lib.kind##_description((enum smtpcode_##kind)k),                    \
			         one->kind##_description((enum smtpcode_##kind)k), #kind " description"); \
	} while (0)

Test(single, taxonomy)
{
	int v;

	SAME_TAXONOMY(reason, SMTPCODE_REASON_COUNT);
	SAME_TAXONOMY(action, SMTPCODE_ACTION_COUNT);
	SAME_TAXONOMY(bounce, SMTPCODE_BOUNCE_COUNT);
	SAME_TAXONOMY(verdict, SMTPCODE_VERDICT_COUNT);
	SAME_TAXONOMY(vendor, SMTPCODE_VENDOR_COUNT);
	SAME_DESCRIPTION(reason, SMTPCODE_REASON_COUNT);
	SAME_DESCRIPTION(action, SMTPCODE_ACTION_COUNT);
	SAME_DESCRIPTION(bounce, SMTPCODE_BOUNCE_COUNT);
	SAME_DESCRIPTION(verdict, SMTPCODE_VERDICT_COUNT);
	for (v = 0; v <= SMTPCODE_REASON_COUNT + 1; v++) {
		cr_assert_eq(lib.reason_action((enum smtpcode_reason)v), one->reason_action((enum smtpcode_reason)v));
		cr_assert_eq(lib.reason_bounce((enum smtpcode_reason)v), one->reason_bounce((enum smtpcode_reason)v));
	}
	for (v = 0; v <= SMTPCODE_BOUNCE_COUNT + 1; v++)
		cr_assert_eq(lib.verdict_for((enum smtpcode_bounce)v), one->verdict_for((enum smtpcode_bounce)v));
	for (v = 0; v <= SMTPCODE_STAGE_COUNT + 1; v++) {
		const char *name = lib.stage_name((enum smtpcode_stage)v);
		same_str(name, one->stage_name((enum smtpcode_stage)v), "stage name");
		if (name)
			cr_assert_eq(lib.stage_from_name(name, strlen(name)), one->stage_from_name(name, strlen(name)));
	}
	for (v = 0; v <= SMTPCODE_SIGNAL_COUNT + 1; v++)
		same_str(lib.signal_name((enum smtpcode_signal)v), one->signal_name((enum smtpcode_signal)v), "signal");
	for (v = 0; v <= SMTPCODE_CARRIER_COUNT + 1; v++)
		same_str(lib.carrier_name((enum smtpcode_carrier)v), one->carrier_name((enum smtpcode_carrier)v),
		         "carrier");
	cr_assert_eq(lib.stage_from_name("RCPT-TO", 7), one->stage_from_name("RCPT-TO", 7));
	cr_assert_eq(lib.stage_from_name("lunch", 5), one->stage_from_name("lunch", 5));
}

/* Every offset into the string pool, and past it. */
Test(single, text_pool)
{
	smtpcode_text_t t;

	for (t = 0; t < 400000; t++)
		same_str(lib.text(t), one->text(t), "text");
	same_str(lib.text(0xffffffffu), one->text(0xffffffffu), "text");
}

Test(single, versions)
{
	same_str(lib.version(), one->version(), "version");
	same_str(lib.data_version(), one->data_version(), "data version");
	same_str(lib.registry_date(), one->registry_date(), "registry date");
	cr_assert_str_eq(one->data_version(), EXPECT_DATA_VERSION);
}

/* Every sample in data/samples, at every stage, with and without a host. */
Test(single, samples)
{
	size_t i;
	int stage;

	cr_assert_gt(COUNT_OF(expect_samples), 1);
	for (i = 0; i < COUNT_OF(expect_samples) && expect_samples[i].input; i++) {
		const char *s = expect_samples[i].input;
		for (stage = 0; stage < SMTPCODE_STAGE_COUNT; stage++)
			same_classification(s, strlen(s), (enum smtpcode_stage)stage, NULL);
		same_classification(s, strlen(s), SMTPCODE_STAGE_UNKNOWN, "gmail-smtp-in.l.google.com");
	}
}

/* What logs and DSNs look like around a reply, and hostile input. */
Test(single, carriers_and_odd_input)
{
	static const char *const cases[] = {
		"Nov  5 10:00:00 mx postfix/smtp[123]: 4F2A: to=<user@example.com>, relay=mx.example.com[192.0.2.1]:25, "
		"dsn=5.7.1, status=bounced (host mx.example.com[192.0.2.1] said: 554 5.7.1 Service unavailable; Client "
		"host [192.0.2.1] blocked using zen.spamhaus.org (in reply to RCPT TO command))",
		"Final-Recipient: rfc822; user@example.com\nAction: failed\nStatus: 5.2.2\nRemote-MTA: dns; mx.example.com\n"
		"Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is over\n    quota.\n",
		"** user@example.com R=dnslookup T=remote_smtp: SMTP error from remote mail server after RCPT "
		"TO:<user@example.com>: 550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
		"Nov  5 10:00:00 mx sm-mta[1]: to=<user@example.com>, relay=mx.example.com., dsn=5.1.1, stat=User unknown",
		"Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
		"lookup'",
		"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 "
		"double-checking the recipient's email address for typos or\r\n550 5.1.1 unnecessary spaces. gsmtp\r\n",
		"550-5.7.1 first\n450 4.7.1 second\n",
		"550-unterminated",
		"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
		"550 4.4.7 class mismatch",
		"250 2.0.0 OK",
		"hello there",
		"   \t\r\n",
		"blocked using zen.spamhaus.org",
		"5.7.606 Access denied, banned sending IP",
		"\xff\xfe\x01 550 \x00 5.1.1 \x1b[31m user unknown",
	};
	size_t i, n;
	int stage;

	for (i = 0; i < COUNT_OF(cases); i++) {
		const char *s = cases[i];
		size_t len = strlen(s);
		for (stage = 0; stage < SMTPCODE_STAGE_COUNT; stage++)
			same_classification(s, len, (enum smtpcode_stage)stage, NULL);
		for (n = 0; n < len; n++) /* every prefix: the lexers' bounds checks */
			same_classification(s, n, SMTPCODE_STAGE_UNKNOWN, NULL);
	}
	for (n = 200; n < 600; n++) {
		char buf[64];
		int len = snprintf(buf, sizeof buf, "%zu 5.%zu.%zu text", n, n % 10, n % 31);
		same_classification(buf, (size_t)len, SMTPCODE_STAGE_RCPT, NULL);
	}
	cr_assert_eq(lib.classify(NULL, 1, SMTPCODE_STAGE_UNKNOWN, NULL, 0, NULL),
	             one->classify(NULL, 1, SMTPCODE_STAGE_UNKNOWN, NULL, 0, NULL));
	cr_assert_eq(lib.parse_reply("550 x", 5, NULL), one->parse_reply("550 x", 5, NULL));
}
