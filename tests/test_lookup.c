/* Every entry in data/ through the public lookups, and the code parsers'
 * rules. The expected values are generated from data/ (smtpcode_test_data.h). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static void
assert_list_ok(struct smtpcode_list l, unsigned expected, const char *what, const char *code)
{
	unsigned i;

	cr_assert_eq(l.count, expected, "%s: %s has %u items, data says %u", code, what, l.count, expected);
	for (i = 0; i < l.count; i++)
		cr_assert(smtpcode_list_at(l, i) && *smtpcode_list_at(l, i), "%s: %s item %u empty", code, what, i);
	cr_assert_null(smtpcode_list_at(l, l.count), "%s: %s past its end", code, what);
}

/* Criterion copies parameters into a new process where the addresses of the
 * expected strings differ, so each parameter is an index into the tables. */
static size_t basic_params[COUNT_OF(expect_basic)];
static size_t enhanced_params[COUNT_OF(expect_enhanced)];

static void
fill_indexes(size_t *params, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		params[i] = i;
}

ParameterizedTestParameters(basic, every_code)
{
	fill_indexes(basic_params, COUNT_OF(basic_params));
	return cr_make_param_array(size_t, basic_params, COUNT_OF(basic_params));
}

ParameterizedTest(size_t *index, basic, every_code)
{
	const struct expect_basic *x = &expect_basic[*index];
	const struct smtpcode_basic *b = smtpcode_basic_lookup(x->code);
	static const char *const status[] = {"standard", "experimental", "deprecated", "registry-only"};

	cr_assert_not_null(b, "%u not found", x->code);
	cr_assert_eq(b->code, x->code);
	cr_assert_str_eq(smtpcode_text(b->title), x->title);
	cr_assert_str_eq(smtpcode_text(b->meaning), x->meaning);
	cr_assert_str_eq(smtpcode_text(b->advice), x->advice);
	cr_assert_str_eq(smtpcode_reason_name((enum smtpcode_reason)b->reason), x->reason);
	cr_assert_str_eq(smtpcode_action_name((enum smtpcode_action)b->action), x->action);
	cr_assert_str_eq(smtpcode_bounce_name((enum smtpcode_bounce)b->bounce), x->bounce);
	cr_assert_str_eq(smtpcode_verdict_name((enum smtpcode_verdict)b->verdict), x->verdict);
	cr_assert_str_eq(status[b->status], x->status);
	assert_list_ok(b->causes, x->causes, "causes", x->title);
	assert_list_ok(b->rfc, x->rfcs, "rfc", x->title);
	assert_list_ok(b->commands, x->commands, "commands", x->title);
	assert_list_ok(b->related, x->related, "related", x->title);
	if (x->first_rfc)
		cr_assert_str_eq(smtpcode_list_at(b->rfc, 0), x->first_rfc);
}

ParameterizedTestParameters(enhanced, every_row)
{
	fill_indexes(enhanced_params, COUNT_OF(enhanced_params));
	return cr_make_param_array(size_t, enhanced_params, COUNT_OF(enhanced_params));
}

ParameterizedTest(size_t *index, enhanced, every_row)
{
	const struct expect_enhanced *x = &expect_enhanced[*index];
	const struct smtpcode_enhanced *e = smtpcode_enhanced_lookup(x->code, strlen(x->code));

	cr_assert_not_null(e, "%s not found", x->code);
	cr_assert_str_eq(smtpcode_text(e->code), x->code);
	cr_assert_str_eq(smtpcode_text(e->title), x->title);
	cr_assert_str_eq(smtpcode_text(e->meaning), x->meaning);
	cr_assert_str_eq(smtpcode_text(e->class_meaning[2]), x->class5);
	cr_assert_str_eq(smtpcode_reason_name((enum smtpcode_reason)e->reason), x->reason);
	cr_assert_str_eq(smtpcode_action_name((enum smtpcode_action)e->action), x->action);
	cr_assert_str_eq(smtpcode_bounce_name((enum smtpcode_bounce)e->bounce), x->bounce);
	cr_assert_eq(e->classes, x->classes, "%s: classes", x->code);
	cr_assert_eq(e->deprecated, x->deprecated, "%s: deprecated", x->code);
	assert_list_ok(e->causes, x->causes, "causes", x->code);
	assert_list_ok(e->rfc, x->rfcs, "rfc", x->code);
	assert_list_ok(e->basic, x->basic, "basic", x->code);

	/* A detail row is also found under each concrete class. */
	if (e->kind == SMTPCODE_KIND_DETAIL) {
		static const char classes[] = "245";
		unsigned i;
		for (i = 0; i < 3; i++) {
			char code[16];
			int n = snprintf(code, sizeof code, "%c%s", classes[i], x->code + 1);
			cr_assert_eq(smtpcode_enhanced_lookup(code, (size_t)n), e, "%s", code);
		}
		cr_assert_eq(smtpcode_enhanced_detail(e->subject, e->detail), e);
	} else if (e->kind == SMTPCODE_KIND_SUBJECT) {
		cr_assert_eq(smtpcode_enhanced_subject(e->subject), e);
	} else {
		cr_assert_eq(smtpcode_enhanced_class(e->cls), e);
	}
}

Test(basic, table_is_sorted_and_complete)
{
	size_t i;

	cr_assert_eq(smtpcode_basic_count(), COUNT_OF(expect_basic));
	for (i = 0; i < smtpcode_basic_count(); i++) {
		cr_assert_eq(smtpcode_basic_at(i)->code, expect_basic[i].code);
		cr_assert_eq(smtpcode_basic_lookup(expect_basic[i].code), smtpcode_basic_at(i));
	}
	cr_assert_null(smtpcode_basic_at(i));
}

Test(basic, unknown_codes_are_null)
{
	unsigned code, found = 0;

	for (code = 0; code < 100000; code++)
		if (smtpcode_basic_lookup(code))
			found++;
	cr_assert_eq(found, COUNT_OF(expect_basic));
	cr_assert_null(smtpcode_basic_lookup(599));
	cr_assert_null(smtpcode_basic_lookup(199));
	cr_assert_null(smtpcode_basic_lookup(0xffffffffu));
}

Test(enhanced, count_matches_data)
{
	size_t i;

	cr_assert_eq(smtpcode_enhanced_count(), COUNT_OF(expect_enhanced));
	for (i = 0; i < smtpcode_enhanced_count(); i++)
		cr_assert_str_eq(smtpcode_text(smtpcode_enhanced_at(i)->code), expect_enhanced[i].code);
	cr_assert_null(smtpcode_enhanced_at(i));
}

Test(enhanced, unregistered_and_malformed_are_null)
{
	static const char *const bad[] = {
		"4.9.9", "5.7.999", "5.1.99", "2.8.0", "", "5", "5.1", "5.1.", ".1.1", "5..1",
		"5.01.1", "5.1.01", "6.1.1", "3.1.1", "55.1.1", "5.1.1.1", "5.1.1a", "5.1000.1",
		"5.1.1000", "X.X.X", "X.X.1", "5.X.1", "Y.1.1", "5.1.1 ", " 5.1.1", "x.1.x.",
	};
	size_t i;

	for (i = 0; i < COUNT_OF(bad); i++)
		cr_assert_null(smtpcode_enhanced_lookup(bad[i], strlen(bad[i])), "'%s' found", bad[i]);
	cr_assert_null(smtpcode_enhanced_lookup("5.1.1", 3));
	cr_assert_null(smtpcode_enhanced_detail(999, 1));
	cr_assert_null(smtpcode_enhanced_detail(1, 999));
	cr_assert_null(smtpcode_enhanced_subject(8));
	cr_assert_null(smtpcode_enhanced_class(3));
	cr_assert_null(smtpcode_enhanced_class(1000));
}

Test(enhanced, registry_notation)
{
	const struct smtpcode_enhanced *e = smtpcode_enhanced_lookup("X.1.1", 5);

	cr_assert_not_null(e);
	cr_assert_eq(smtpcode_enhanced_lookup("x.1.1", 5), e);
	cr_assert_eq(smtpcode_enhanced_lookup("5.1.1", 5), e);
	cr_assert_eq(smtpcode_enhanced_lookup("X.1.X", 5), smtpcode_enhanced_subject(1));
	cr_assert_eq(smtpcode_enhanced_lookup("5.X.X", 5), smtpcode_enhanced_class(5));
	cr_assert_eq(smtpcode_enhanced_lookup("X.7.26", 6)->detail, 26);
}

struct parse_case {
	const char *in;
	int result;
	unsigned cls, subject, detail;
};

Test(parse, enhanced_rules)
{
	static const struct parse_case cases[] = {
		{"5.1.1", 5, 5, 1, 1},
		{"2.0.0", 5, 2, 0, 0},
		{"4.7.999", 7, 4, 7, 999},
		{"5.7.26 DMARC", 6, 5, 7, 26},
		{"5.1.1.", 5, 5, 1, 1},       /* a full stop ends a sentence */
		{"5.1.1,", 5, 5, 1, 1},
		{"", SMTPCODE_EEMPTY, 0, 0, 0},
		{"x", SMTPCODE_ESYNTAX, 0, 0, 0},
		{"6.1.1", SMTPCODE_ECLASS, 0, 0, 0},
		{"3.1.1", SMTPCODE_ECLASS, 0, 0, 0},
		{"55.1.1", SMTPCODE_ECLASS, 0, 0, 0},
		{"5.01.1", SMTPCODE_ELEADINGZERO, 0, 0, 0},
		{"5.1.00", SMTPCODE_ELEADINGZERO, 0, 0, 0},
		{"5.1000.1", SMTPCODE_ETOOLONG, 0, 0, 0},
		{"5.1.4294967297", SMTPCODE_ETOOLONG, 0, 0, 0},
		{"5.1.1.1", SMTPCODE_ETRAILING, 0, 0, 0},
		{"5.1.1a", SMTPCODE_ETRAILING, 0, 0, 0},
		{"5", SMTPCODE_ESYNTAX, 0, 0, 0},
		{"5.", SMTPCODE_ESYNTAX, 0, 0, 0},
		{"5.1", SMTPCODE_ESYNTAX, 0, 0, 0},
		{"5.1.", SMTPCODE_ESYNTAX, 0, 0, 0},
		{"5-1-1", SMTPCODE_ESYNTAX, 0, 0, 0},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		struct smtpcode_enhanced_code c = {0, 0, 0};
		int r = smtpcode_enhanced_parse(cases[i].in, strlen(cases[i].in), &c);
		cr_assert_eq(r, cases[i].result, "'%s': got %d (%s), want %d", cases[i].in, r,
		             smtpcode_strerror(r), cases[i].result);
		if (r > 0) {
			cr_assert_eq(c.cls, cases[i].cls, "%s", cases[i].in);
			cr_assert_eq(c.subject, cases[i].subject, "%s", cases[i].in);
			cr_assert_eq(c.detail, cases[i].detail, "%s", cases[i].in);
		}
	}
}

Test(parse, enhanced_respects_length)
{
	struct smtpcode_enhanced_code c;
	/* The bytes after len must never be read: "5.1.1" cut at 4 is "5.1." */
	cr_assert_eq(smtpcode_enhanced_parse("5.1.1", 4, &c), SMTPCODE_ESYNTAX);
	cr_assert_eq(smtpcode_enhanced_parse("5.1.12", 5, &c), 5);
	cr_assert_eq(c.detail, 1);
	cr_assert_eq(smtpcode_enhanced_parse("5.1.1\0garbage", 13, &c), 5);
}

Test(parse, basic_rules)
{
	static const struct {
		const char *in;
		int result;
		unsigned code;
	} cases[] = {
		{"550", 3, 550},
		{"250 OK", 3, 250},
		{"354", 3, 354},
		{"599", 3, 599},
		{"550-", 3, 550},
		{"", SMTPCODE_EEMPTY, 0},
		{"55", SMTPCODE_ELENGTH, 0},
		{"5501", SMTPCODE_ELENGTH, 0},
		{"650", SMTPCODE_ECLASS, 0},
		{"150", SMTPCODE_ECLASS, 0},
		{"050", SMTPCODE_ECLASS, 0},
		{"abc", SMTPCODE_ESYNTAX, 0},
		{"550a", SMTPCODE_ETRAILING, 0},
		{"550.1", SMTPCODE_ETRAILING, 0},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++) {
		unsigned code = 0;
		int r = smtpcode_basic_parse(cases[i].in, strlen(cases[i].in), &code);
		cr_assert_eq(r, cases[i].result, "'%s': got %d, want %d", cases[i].in, r, cases[i].result);
		if (r > 0)
			cr_assert_eq(code, cases[i].code);
	}
}

Test(parse, strerror_names_every_error)
{
	int e;

	for (e = SMTPCODE_ETOOBIG; e <= SMTPCODE_EEMPTY; e++)
		cr_assert_str_neq(smtpcode_strerror(e), "unknown error", "error %d", e);
	cr_assert_str_eq(smtpcode_strerror(-1000), "unknown error");
	cr_assert_str_eq(smtpcode_strerror(0), "success");
}

static void
assert_names_round_trip(const char *const *names, size_t n, const char *(*name)(int),
                        int (*from)(const char *, size_t))
{
	size_t i;

	for (i = 0; i < n; i++) {
		cr_assert_str_eq(name((int)i), names[i]);
		cr_assert_eq(from(names[i], strlen(names[i])), (int)i, "%s", names[i]);
	}
	cr_assert_null(name((int)n));
	cr_assert_null(name(-1));
	cr_assert_eq(from("", 0), -1);
	cr_assert_eq(from("no-such-name", 12), -1);
	cr_assert_eq(from(NULL, 3), -1);
	/* A prefix of a valid name is not that name. */
	cr_assert_eq(from(names[0], strlen(names[0]) - 1), -1);
}

/* Adapters from the typed enum functions to one signature for the walker. */
#define ADAPT(kind)                                                          \
	static const char *kind##_name(int v)                                \
	{                                                                    \
		return smtpcode_##kind##_name((enum smtpcode_##kind)v);      \
	}
ADAPT(reason)
ADAPT(action)
ADAPT(bounce)
ADAPT(verdict)
ADAPT(vendor)

Test(names, round_trip)
{
	assert_names_round_trip(expect_reason_names, COUNT_OF(expect_reason_names), reason_name,
	                        smtpcode_reason_from_name);
	assert_names_round_trip(expect_action_names, COUNT_OF(expect_action_names), action_name,
	                        smtpcode_action_from_name);
	assert_names_round_trip(expect_bounce_names, COUNT_OF(expect_bounce_names), bounce_name,
	                        smtpcode_bounce_from_name);
	assert_names_round_trip(expect_verdict_names, COUNT_OF(expect_verdict_names), verdict_name,
	                        smtpcode_verdict_from_name);
	assert_names_round_trip(expect_vendor_names, COUNT_OF(expect_vendor_names), vendor_name,
	                        smtpcode_vendor_from_name);
	cr_assert_eq(COUNT_OF(expect_reason_names), SMTPCODE_REASON_COUNT);
	cr_assert_eq(COUNT_OF(expect_vendor_names), SMTPCODE_VENDOR_COUNT);
}

Test(names, descriptions_exist)
{
	int i;

	for (i = 0; i < SMTPCODE_REASON_COUNT; i++) {
		cr_assert(*smtpcode_reason_description((enum smtpcode_reason)i));
		cr_assert(*smtpcode_reason_title((enum smtpcode_reason)i));
		cr_assert_lt((int)smtpcode_reason_action((enum smtpcode_reason)i), SMTPCODE_ACTION_COUNT);
	}
	for (i = 0; i < SMTPCODE_ACTION_COUNT; i++)
		cr_assert(*smtpcode_action_description((enum smtpcode_action)i));
	for (i = 0; i < SMTPCODE_BOUNCE_COUNT; i++)
		cr_assert(*smtpcode_bounce_description((enum smtpcode_bounce)i));
	for (i = 0; i < SMTPCODE_VERDICT_COUNT; i++)
		cr_assert(*smtpcode_verdict_description((enum smtpcode_verdict)i));
	cr_assert_null(smtpcode_reason_description(SMTPCODE_REASON_COUNT));
}

Test(bounce, class_decides_outside_class_5)
{
	const struct smtpcode_enhanced *e = smtpcode_enhanced_lookup("X.1.1", 5);

	cr_assert_eq(smtpcode_enhanced_bounce(e, 2), SMTPCODE_BOUNCE_NONE);
	cr_assert_eq(smtpcode_enhanced_bounce(e, 4), SMTPCODE_BOUNCE_SOFT);
	cr_assert_eq(smtpcode_enhanced_bounce(e, 5), SMTPCODE_BOUNCE_HARD);
	cr_assert_eq(smtpcode_enhanced_bounce(NULL, 5), SMTPCODE_BOUNCE_UNKNOWN);
	cr_assert_eq(smtpcode_verdict_for(SMTPCODE_BOUNCE_HARD), SMTPCODE_VERDICT_UNDELIVERABLE);
	cr_assert_eq(smtpcode_verdict_for(SMTPCODE_BOUNCE_BLOCK), SMTPCODE_VERDICT_BLOCKED);
	cr_assert_eq(smtpcode_verdict_for(SMTPCODE_BOUNCE_SOFT), SMTPCODE_VERDICT_RETRY);
}

Test(text, offsets_and_lists_are_safe)
{
	struct smtpcode_list l = {0, 0};

	cr_assert_str_eq(smtpcode_text(0), "");
	cr_assert_str_eq(smtpcode_text(0xffffffffu), "");
	cr_assert_null(smtpcode_list_at(l, 0));
	l.start = 0xffff;
	l.count = 0xffff;
	cr_assert_null(smtpcode_list_at(l, 0));
}

Test(version, strings)
{
	cr_assert_str_eq(smtpcode_data_version(), EXPECT_DATA_VERSION);
	cr_assert(strchr(smtpcode_version(), '.') != NULL);
	cr_assert_eq(strlen(smtpcode_registry_date()), 10);
}

Test(vendor_codes, table_and_find)
{
	struct smtpcode_enhanced_code c = {5, 7, 606};
	const struct smtpcode_vendor_code *vc;
	size_t i;

	cr_assert_eq(smtpcode_vendor_code_count(), EXPECT_VENDOR_CODE_COUNT);
	for (i = 0; i < smtpcode_vendor_code_count(); i++) {
		vc = smtpcode_vendor_code_at(i);
		cr_assert(vc->first <= vc->last && *smtpcode_text(vc->meaning));
		cr_assert_lt(vc->reason, SMTPCODE_REASON_COUNT);
		cr_assert(vc->vendor > 0 && vc->vendor < SMTPCODE_VENDOR_COUNT);
	}
	cr_assert_null(smtpcode_vendor_code_at(i));

	/* An unregistered code names its vendor, whoever asks. */
	vc = smtpcode_vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, &c);
	cr_assert_not_null(vc);
	cr_assert_str_eq(smtpcode_vendor_name((enum smtpcode_vendor)vc->vendor), "microsoft365");
	cr_assert_eq(vc->reason, SMTPCODE_REASON_IP_BLOCKLISTED);
	cr_assert(vc->first <= 606 && vc->last >= 606);

	/* A registered code is read a vendor's way only for that vendor. */
	c.detail = 27;
	cr_assert_null(smtpcode_vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, &c));
	vc = smtpcode_vendor_code_find((enum smtpcode_vendor)smtpcode_vendor_from_name("gmail", 5), &c);
	cr_assert_not_null(vc);
	cr_assert_eq(vc->reason, SMTPCODE_REASON_AUTH_SPF);
	c.subject = 999;
	cr_assert_null(smtpcode_vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, &c));
	cr_assert_null(smtpcode_vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, NULL));
}
