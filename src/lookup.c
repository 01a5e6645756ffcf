/* Table lookups: basic and enhanced codes, taxonomy names, text and lists.
 * The tables are generated from data/ by generator/gen_tables.py. */
#include <string.h>

#include "code_parse.h"

#include "smtpcode_tables.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *
smtpcode_text(smtpcode_text_t t)
{
	return t < sizeof(smtpcode__pool) ? smtpcode__pool + t : "";
}

const char *
smtpcode_list_at(struct smtpcode_list list, size_t i)
{
	if (i >= list.count || (size_t)list.start + i >= COUNT_OF(smtpcode__list_items))
		return NULL;
	return smtpcode__pool + smtpcode__list_items[list.start + i];
}

const struct smtpcode_basic *
smtpcode_basic_lookup(unsigned code)
{
	unsigned i;

	if (code - 200u >= COUNT_OF(smtpcode__basic_index))
		return NULL;
	i = smtpcode__basic_index[code - 200u];
	return i == SMTPCODE__NO_ENTRY ? NULL : &smtpcode__basic[i];
}

size_t
smtpcode_basic_count(void)
{
	return SMTPCODE__BASIC_COUNT;
}

const struct smtpcode_basic *
smtpcode_basic_at(size_t i)
{
	return i < SMTPCODE__BASIC_COUNT ? &smtpcode__basic[i] : NULL;
}

const char *
smtpcode_basic_class_meaning(unsigned cls)
{
	if (cls >= COUNT_OF(smtpcode__class_meaning) || !smtpcode__class_meaning[cls])
		return NULL;
	return smtpcode__pool + smtpcode__class_meaning[cls];
}

const char *
smtpcode_basic_category_meaning(unsigned category)
{
	if (category >= COUNT_OF(smtpcode__category_meaning))
		return NULL;
	return smtpcode__pool + smtpcode__category_meaning[category];
}

const char *
smtpcode_basic_class_title(unsigned cls)
{
	if (cls >= COUNT_OF(smtpcode__class_title) || !smtpcode__class_title[cls])
		return NULL;
	return smtpcode__pool + smtpcode__class_title[cls];
}

const char *
smtpcode_basic_category_title(unsigned category)
{
	if (category >= COUNT_OF(smtpcode__category_title))
		return NULL;
	return smtpcode__pool + smtpcode__category_title[category];
}

static const struct smtpcode_enhanced *
entry_or_null(unsigned i)
{
	return i == SMTPCODE__NO_ENTRY ? NULL : &smtpcode__enhanced[i];
}

static const struct smtpcode_enhanced *
detail_row(unsigned subject, unsigned detail)
{
	size_t i;

	if (subject >= SMTPCODE__SUBJECT_COUNT || detail >= smtpcode__detail_count[subject])
		return NULL;
	i = (size_t)smtpcode__detail_base[subject] + detail;
	return i < COUNT_OF(smtpcode__detail_index) ? entry_or_null(smtpcode__detail_index[i]) : NULL;
}

const struct smtpcode_enhanced *
smtpcode_enhanced_detail(unsigned subject, unsigned detail)
{
	return detail_row(subject, detail);
}

const struct smtpcode_enhanced *
smtpcode_enhanced_subject(unsigned subject)
{
	if (subject >= SMTPCODE__SUBJECT_COUNT)
		return NULL;
	return entry_or_null(smtpcode__subject_index[subject]);
}

const struct smtpcode_enhanced *
smtpcode_enhanced_class(unsigned cls)
{
	if (cls >= COUNT_OF(smtpcode__class_index))
		return NULL;
	return entry_or_null(smtpcode__class_index[cls]);
}

/* "X" or "x" standing for any class, subject or detail. */
static int
is_x(const char *s, size_t len, size_t i)
{
	return i < len && (s[i] == 'X' || s[i] == 'x');
}

/* Out of line, so that the usual case below needs no stack frame. */
#if defined(__GNUC__)
#define SMTPCODE__NOINLINE __attribute__((noinline))
#else
#define SMTPCODE__NOINLINE
#endif

/* Any code smtpcode__parse_enhanced() takes, and the registry notation. */
static SMTPCODE__NOINLINE const struct smtpcode_enhanced *
lookup_general(const char *s, size_t len)
{
	/* Set only on success; the zeros quiet gcc -O3's maybe-uninitialized. */
	struct smtpcode_enhanced_code c = {0, 0, 0};
	char digits[16];
	size_t i;

	if (smtpcode__parse_enhanced(s, len, &c) == (int)len)
		return detail_row(c.subject, c.detail);
	/* Registry notation: X.s.d, X.s.X, c.X.X. Rewrite each X as a digit
	 * the parser accepts, parse, then pick the row the X's ask for. */
	if (len < 5 || len >= sizeof(digits))
		return NULL;
	for (i = 0; i < len; i++)
		digits[i] = s[i];
	if (is_x(s, len, 2) && is_x(s, len, 4) && len == 5 && s[1] == '.' && s[3] == '.') {
		digits[2] = digits[4] = '0';
		if (smtpcode_enhanced_parse(digits, len, &c) != (int)len)
			return NULL;
		return smtpcode_enhanced_class(c.cls);
	}
	if (!is_x(s, len, 0))
		return NULL;
	digits[0] = '5';
	if (is_x(s, len, len - 1) && s[len - 2] == '.') {
		digits[len - 1] = '0';
		if (smtpcode_enhanced_parse(digits, len, &c) != (int)len)
			return NULL;
		return smtpcode_enhanced_subject(c.subject);
	}
	if (smtpcode_enhanced_parse(digits, len, &c) != (int)len)
		return NULL;
	return detail_row(c.subject, c.detail);
}

/* Four bytes as a word, so that masks built from bytes hold in either byte order. */
static uint32_t
word_of(const unsigned char b[4])
{
	uint32_t w;

	memcpy(&w, b, 4);
	return w;
}

/* smtpcode__detail_direct holds 1 + byte offsets as uint16_t: every row's
 * offset must fit, or the build fails here. */
typedef char smtpcode__row_offsets_fit_uint16[SMTPCODE__ENHANCED_COUNT * sizeof(struct smtpcode_enhanced) < 0xffffu
                                              ? 1 : -1];

/* The row of a direct-table entry (see smtpcode__detail_direct), or NULL. */
static const struct smtpcode_enhanced *
row_at(size_t at)
{
	return at ? (const struct smtpcode_enhanced *)(const void *)((const char *)smtpcode__enhanced + at - 1) : NULL;
}

/* Does u start "c.s.d", c a class (2, 4 or 5), s and d digits? ".s.d" XOR
 * ".0.0" leaves zero bytes and digit values; a byte above 9 carries into
 * bit 4 when 6 is added. u holds at least 5 bytes. */
static int
shape_ok(const unsigned char *u)
{
	static const unsigned char dot_zero[4] = {'.', '0', '.', '0'}, high[4] = {0xff, 0xf0, 0xff, 0xf0},
	                           six[4] = {0, 6, 0, 6}, ten[4] = {0, 0x10, 0, 0x10};
	static const unsigned char is_class[256] = { /* '2', '4' and '5'; the rest 0 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 1, 0, 1, 1,
	};
	uint32_t t = word_of(u + 1) ^ word_of(dot_zero);

	return is_class[u[0]] && !((t & word_of(high)) | ((t + word_of(six)) & word_of(ten)));
}

const struct smtpcode_enhanced *
smtpcode_enhanced_lookup(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!s)
		return NULL;
	/* The usual shapes, c.s.d to c.s.ddd, parsed on the way: the same answer
	 * as lookup_general() gives, for fewer instructions. */
	if (len == 5) {
		if (shape_ok(u))
			return row_at(smtpcode__detail_direct[(size_t)u[2] * 128 + u[4] - ('0' * 128 + '0')]);
	} else if (len - 6u <= 1u && shape_ok(u)) {
		size_t d = (size_t)u[4] - '0', d1, d2;
		if (d == 0 || (d1 = (size_t)u[5] - '0') > 9)
			return NULL; /* a leading zero; trailing bytes */
		d = d * 10 + d1;
		if (len == 6)
			return row_at(smtpcode__detail_direct[((size_t)u[2] - '0') * 128 + d]);
		if ((d2 = (size_t)u[6] - '0') > 9)
			return NULL;
		return detail_row((unsigned)u[2] - '0', (unsigned)(d * 10 + d2));
	}
	return lookup_general(s, len);
}

size_t
smtpcode_enhanced_count(void)
{
	return SMTPCODE__ENHANCED_COUNT;
}

const struct smtpcode_enhanced *
smtpcode_enhanced_at(size_t i)
{
	return i < SMTPCODE__ENHANCED_COUNT ? &smtpcode__enhanced[i] : NULL;
}

size_t
smtpcode_vendor_code_count(void)
{
	return SMTPCODE__VENDOR_CODE_COUNT;
}

const struct smtpcode_vendor_code *
smtpcode_vendor_code_at(size_t i)
{
	return i < SMTPCODE__VENDOR_CODE_COUNT ? &smtpcode__vendor_codes[i] : NULL;
}

const struct smtpcode_vendor_code *
smtpcode_vendor_code_find(enum smtpcode_vendor vendor, const struct smtpcode_enhanced_code *code)
{
	const struct smtpcode_vendor_code *other = NULL;
	unsigned i, first, last;

	/* Only the entries of the code's class and subject are read. */
	if (!code || code->cls > 5 || code->subject > 7)
		return NULL;
	first = smtpcode__vendor_code_index[code->cls * 8 + code->subject];
	last = smtpcode__vendor_code_index[code->cls * 8 + code->subject + 1];
	for (i = first; i < last; i++) {
		const struct smtpcode_vendor_code *vc = &smtpcode__vendor_codes[i];
		if (code->detail < vc->first)
			break; /* ordered by first detail: none of the rest covers it */
		if (code->detail > vc->last)
			continue;
		if (vc->vendor == (unsigned)vendor)
			return vc;
		if (!other)
			other = vc;
	}
	return other && !smtpcode_enhanced_detail(code->subject, code->detail) ? other : NULL;
}

enum smtpcode_bounce
smtpcode_enhanced_bounce(const struct smtpcode_enhanced *e, unsigned cls)
{
	if (cls == 2)
		return SMTPCODE_BOUNCE_NONE;
	if (cls == 4)
		return SMTPCODE_BOUNCE_SOFT;
	if (cls == 5 && e)
		return (enum smtpcode_bounce)e->bounce;
	return SMTPCODE_BOUNCE_UNKNOWN;
}

enum smtpcode_verdict
smtpcode_verdict_for(enum smtpcode_bounce b)
{
	switch (b) {
	case SMTPCODE_BOUNCE_NONE:
		return SMTPCODE_VERDICT_DELIVERABLE;
	case SMTPCODE_BOUNCE_SOFT:
		return SMTPCODE_VERDICT_RETRY;
	case SMTPCODE_BOUNCE_HARD:
		return SMTPCODE_VERDICT_UNDELIVERABLE;
	case SMTPCODE_BOUNCE_BLOCK:
		return SMTPCODE_VERDICT_BLOCKED;
	default:
		return SMTPCODE_VERDICT_UNKNOWN;
	}
}

/* Taxonomy: names, titles and descriptions by enum value. */
#define TAXONOMY_TEXT(fn, table, type)                                     \
	const char *fn(type v)                                             \
	{                                                                  \
		if ((unsigned)v >= COUNT_OF(table))                        \
			return NULL;                                       \
		return smtpcode__pool + table[v];                          \
	}

TAXONOMY_TEXT(smtpcode_reason_name, smtpcode__reason_name, enum smtpcode_reason)
TAXONOMY_TEXT(smtpcode_action_name, smtpcode__action_name, enum smtpcode_action)
TAXONOMY_TEXT(smtpcode_bounce_name, smtpcode__bounce_name, enum smtpcode_bounce)
TAXONOMY_TEXT(smtpcode_verdict_name, smtpcode__verdict_name, enum smtpcode_verdict)
TAXONOMY_TEXT(smtpcode_vendor_name, smtpcode__vendor_name, enum smtpcode_vendor)
TAXONOMY_TEXT(smtpcode_reason_title, smtpcode__reason_title, enum smtpcode_reason)
TAXONOMY_TEXT(smtpcode_action_title, smtpcode__action_title, enum smtpcode_action)
TAXONOMY_TEXT(smtpcode_bounce_title, smtpcode__bounce_title, enum smtpcode_bounce)
TAXONOMY_TEXT(smtpcode_verdict_title, smtpcode__verdict_title, enum smtpcode_verdict)
TAXONOMY_TEXT(smtpcode_vendor_title, smtpcode__vendor_title, enum smtpcode_vendor)
TAXONOMY_TEXT(smtpcode_reason_description, smtpcode__reason_description, enum smtpcode_reason)
TAXONOMY_TEXT(smtpcode_action_description, smtpcode__action_description, enum smtpcode_action)
TAXONOMY_TEXT(smtpcode_bounce_description, smtpcode__bounce_description, enum smtpcode_bounce)
TAXONOMY_TEXT(smtpcode_verdict_description, smtpcode__verdict_description, enum smtpcode_verdict)

enum smtpcode_action
smtpcode_reason_action(enum smtpcode_reason r)
{
	return (unsigned)r < COUNT_OF(smtpcode__reason_action) ? (enum smtpcode_action)smtpcode__reason_action[r]
	                                                       : SMTPCODE_ACTION_INVESTIGATE;
}

enum smtpcode_bounce
smtpcode_reason_bounce(enum smtpcode_reason r)
{
	return (unsigned)r < COUNT_OF(smtpcode__reason_bounce) ? (enum smtpcode_bounce)smtpcode__reason_bounce[r]
	                                                       : SMTPCODE_BOUNCE_UNKNOWN;
}

const char *
smtpcode_data_version(void)
{
	return SMTPCODE__DATA_VERSION;
}

const char *
smtpcode_registry_date(void)
{
	return SMTPCODE__REGISTRY_DATE;
}
