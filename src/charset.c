/* Charsets to UTF-8 (charset.h says which and how). A step function per
 * kind of charset reads one character; one driver runs them over the input,
 * copies runs of ASCII as they are, and carries a character cut off by the
 * end of one call over to the next. */
#include <stdint.h>
#include <string.h>

#include "charset.h"

#include "smtpcode_charsets.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define BAD 0xFFFDu             /* U+FFFD REPLACEMENT CHARACTER */
#define NO_CHAR 0xFFFFFFFFu     /* a unit that writes nothing: an escape sequence */
#define NO_ROW 255              /* a row of a two-byte set with no character */
#define HANGUL_FIRST 0xAC00u
#define UHC_CODES 8822u         /* the Hangul syllables KS X 1001 lacks */

enum kind { KIND_UTF8, KIND_SBCS, KIND_SJIS, KIND_EUCJP, KIND_JIS, KIND_GB, KIND_KR, KIND_BIG5 };

/* ISO-2022-JP: the sets G0 and G2 can hold. */
enum { G0_ASCII, G0_ROMAN, G0_KATAKANA, G0_JIS0208, G0_JIS0212, G0_GB2312, G0_KSC };
enum { G2_ASCII, G2_LATIN1, G2_GREEK };

static const unsigned char kinds[SMTPCODE__CHARSET_COUNT] = {
	KIND_UTF8, /* unknown */
#define KIND_OF(id, name, kind) KIND_##kind,
	SMTPCODE__CHARSETS(KIND_OF)
#undef KIND_OF
};

/* Fixed-width names, not pointers: no relocation in a shared library. */
static const char names[SMTPCODE__CHARSET_COUNT][16] = {
	"unknown",
#define NAME_OF(id, name, kind) name,
	SMTPCODE__CHARSETS(NAME_OF)
#undef NAME_OF
};

/* One character read: what it writes and the ISO-2022-JP sets after it. */
struct unit {
	uint32_t cp;
	unsigned char g0, g2;
};

/* Two-byte sets by 0-based row and cell; 0: nothing there. */

static unsigned
jis0208(unsigned row, unsigned cell)
{
	unsigned slot = smtpcode__cs_jis_row[row];

	return slot == NO_ROW ? 0 : smtpcode__cs_jis[slot][cell];
}

/* JIS X 0208 proper (EUC-JP, ISO-2022-JP): a few cells map otherwise than
 * in CP932 (U+301C WAVE DASH where CP932 has U+FF5E, ...). */
static unsigned
jis0208_std(unsigned row, unsigned cell)
{
	unsigned at = row * 94 + cell, i;

	if (at <= smtpcode__cs_jis_std[COUNT_OF(smtpcode__cs_jis_std) - 1][0])
		for (i = 0; i < COUNT_OF(smtpcode__cs_jis_std); i++)
			if (smtpcode__cs_jis_std[i][0] == at)
				return smtpcode__cs_jis_std[i][1];
	return jis0208(row, cell);
}

static unsigned
jis0212(unsigned row, unsigned cell)
{
	unsigned slot = smtpcode__cs_jis0212_row[row];

	return slot == NO_ROW ? 0 : smtpcode__cs_jis0212[slot][cell];
}

/* GB 2312 in ISO-2022-JP-2: GB18030's cells, but for the two that GB 2312
 * proper maps otherwise. */
static unsigned
gb2312(unsigned row, unsigned cell)
{
	unsigned at = row * 94 + cell, i;

	for (i = 0; i < COUNT_OF(smtpcode__cs_gb2312_std); i++)
		if (smtpcode__cs_gb2312_std[i][0] == at)
			return smtpcode__cs_gb2312_std[i][1];
	return smtpcode__cs_gb[row + 0xA1 - 0x81][cell + 0xA1 - 0x40 - 1];
}

static unsigned
ksc(unsigned row, unsigned cell)
{
	unsigned slot = smtpcode__cs_ksc_row[row];

	return slot == NO_ROW ? 0 : smtpcode__cs_ksc[slot][cell];
}

/* A GB18030 four-byte code in the BMP, by its linear index (< 39420): the
 * runs hold each stretch of consecutive code points once. */
static uint32_t
gb4(uint32_t index)
{
	size_t lo = 0, hi = COUNT_OF(smtpcode__cs_gb4), mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (smtpcode__cs_gb4[mid][0] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return smtpcode__cs_gb4[lo][1] + (index - smtpcode__cs_gb4[lo][0]);
}

/* CP949 outside KS X 1001: the n-th (from 0) Hangul syllable that KS X 1001
 * lacks, found through the per-word counts and then in the word's bits. */
static uint32_t
uhc_syllable(unsigned n)
{
	size_t lo = 0, hi = SMTPCODE__CS_UHC_WORDS, mid;
	uint32_t bits;
	unsigned bit = 0;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (smtpcode__cs_uhc_zeros[mid] <= n)
			lo = mid;
		else
			hi = mid;
	}
	bits = ~smtpcode__cs_uhc_bits[lo];
	for (n -= smtpcode__cs_uhc_zeros[lo]; n; n--)
		bits &= bits - 1; /* drops the lowest: the syllables before */
	while (!(bits >> bit & 1))
		bit++;
	return HANGUL_FIRST + 32 * (uint32_t)lo + bit;
}

/* Where a CP949 code outside KS X 1001 ranks among them; UHC_CODES or more:
 * not such a code. Leads 0x81-0xA0 take 178 trails, 0xA1-0xC6 the first 84. */
static unsigned
uhc_rank(unsigned lead, unsigned trail)
{
	unsigned t;

	if (trail - 0x41 < 26)
		t = trail - 0x41;
	else if (trail - 0x61 < 26)
		t = trail - 0x61 + 26;
	else if (trail - 0x81 < 126)
		t = trail - 0x81 + 52;
	else
		return UHC_CODES;
	if (lead - 0x81 < 32)
		return (lead - 0x81) * 178 + t;
	if (lead - 0xA1 < 38 && t < 84)
		return 32 * 178 + (lead - 0xA1) * 84 + t;
	return UHC_CODES;
}

/* The step functions: each reads the character at p[0..n) into u and
 * returns its length, or 0 when all n bytes are the start of a character
 * that needs more. U+FFFD for a bad byte or sequence. The order of their
 * checks is the order of Python's, so that a sequence cut off by the end of
 * the input is one U+FFFD where Python's is. */

static int
in94(unsigned b)
{
	return b - 0xA1 < 94;
}

/* UTF-8, as Unicode's "maximal subpart" practice (and Python) has it: the
 * bytes of a sequence that went wrong are one U+FFFD, the byte that made it
 * wrong starts afresh. */
static size_t
step_utf8(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF, need;
	uint32_t cp;
	size_t i;

	if (c < 0x80) {
		u->cp = c;
		return 1;
	}
	u->cp = BAD;
	if (c < 0xC2 || c > 0xF4)
		return 1;
	if (c < 0xE0) {
		need = 1;
		cp = c & 0x1F;
	} else if (c < 0xF0) {
		need = 2;
		cp = c & 0x0F;
		lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong form */
		hi = c == 0xED ? 0x9F : 0xBF; /* no surrogate */
	} else {
		need = 3;
		cp = c & 0x07;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
	}
	for (i = 1; i <= need; i++) {
		if (i == n)
			return 0;
		if (p[i] < lo || p[i] > hi)
			return i;
		cp = cp << 6 | (p[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	u->cp = cp;
	return need + 1;
}

/* CP932: single bytes as Python's cp932 has them, then lead and trail to a
 * JIS row and cell; leads 0xF0-0xF9 are the user-defined rows, private use. */
static size_t
step_sjis(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], t, row, v;

	if (c <= 0x80) {
		u->cp = c;
		return 1;
	}
	if (c - 0xA0 < 0x40) {
		u->cp = c == 0xA0 ? 0xF8F0 : 0xFEC0 + c;
		return 1;
	}
	if (c >= 0xFD) {
		u->cp = 0xF8F1 + (c - 0xFD);
		return 1;
	}
	if (n < 2)
		return 0;
	u->cp = BAD;
	t = p[1];
	if (t < 0x40 || t == 0x7F || t > 0xFC)
		return 1;
	t -= 0x40 + (t > 0x7F); /* 0-187: two rows of 94 */
	if (c - 0xF0 < 10) {
		u->cp = 0xE000 + 188 * (c - 0xF0) + t;
		return 2;
	}
	row = 2 * (c < 0xA0 ? c - 0x81 : c - 0xC1) + (t >= 94);
	v = jis0208(row, t >= 94 ? t - 94 : t);
	if (!v)
		return 1;
	u->cp = v;
	return 2;
}

/* EUC-JP: 0x8E half-width katakana, 0x8F JIS X 0212, else JIS X 0208. */
static size_t
step_eucjp(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], v = 0;

	if (c < 0x80) {
		u->cp = c;
		return 1;
	}
	if (n < 2 || (c == 0x8F && n < 3))
		return 0;
	u->cp = BAD;
	if (c == 0x8E) {
		if ((unsigned)p[1] - 0xA1 >= 0x3F)
			return 1;
		u->cp = 0xFEC0 + p[1];
		return 2;
	}
	if (c == 0x8F) {
		if (in94(p[1]) && in94(p[2]))
			v = jis0212(p[1] - 0xA1, p[2] - 0xA1);
		if (!v)
			return 1;
		u->cp = v;
		return 3;
	}
	if (in94(c) && in94(p[1]))
		v = jis0208_std(c - 0xA1, p[1] - 0xA1);
	if (!v)
		return 1;
	u->cp = v;
	return 2;
}

/* GB18030: two bytes, or four when the second is a digit. */
static size_t
step_gb(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], t;
	uint32_t index;

	if (c < 0x80) {
		u->cp = c;
		return 1;
	}
	if (n < 2)
		return 0;
	u->cp = BAD;
	t = p[1];
	if (t - 0x30 < 10) {
		if (n < 4)
			return 0;
		if (c - 0x81 >= 126 || (unsigned)p[2] - 0x81 >= 126 || (unsigned)p[3] - 0x30 >= 10)
			return 1;
		index = (((uint32_t)(c - 0x81) * 10 + (t - 0x30)) * 126 + (p[2] - 0x81)) * 10 + (p[3] - 0x30);
		if (index < 39420) {
			u->cp = gb4(index);
			return 4;
		}
		/* Leads 0x90-0xE3: the planes above the BMP, in order. */
		if (c >= 0x90 && index - 189000 <= 0x10FFFF - 0x10000) {
			u->cp = 0x10000 + (index - 189000);
			return 4;
		}
		return 1;
	}
	if (c - 0x81 >= 126 || t < 0x40 || t == 0x7F || t == 0xFF)
		return 1;
	u->cp = smtpcode__cs_gb[c - 0x81][t - 0x40 - (t > 0x7F)];
	return 2;
}

/* CP949: KS X 1001 where both bytes are 0xA1-0xFE, else the Hangul
 * syllables KS X 1001 lacks, in order. */
static size_t
step_kr(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], t, v;

	if (c < 0x80) {
		u->cp = c;
		return 1;
	}
	if (n < 2)
		return 0;
	u->cp = BAD;
	t = p[1];
	if (in94(c) && in94(t)) {
		v = ksc(c - 0xA1, t - 0xA1);
		if (!v)
			return 1;
		u->cp = v;
		return 2;
	}
	v = uhc_rank(c, t);
	if (v >= UHC_CODES)
		return 1;
	u->cp = uhc_syllable(v);
	return 2;
}

/* CP950: leads 0xA1-0xFE, trails 0x40-0x7E and 0xA1-0xFE. */
static size_t
step_big5(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], t, slot, v = 0;

	if (c < 0x80) {
		u->cp = c;
		return 1;
	}
	if (n < 2)
		return 0;
	u->cp = BAD;
	t = p[1];
	if (in94(c) && (slot = smtpcode__cs_big5_row[c - 0xA1]) != NO_ROW) {
		if (t - 0x40 < 63)
			v = smtpcode__cs_big5[slot][t - 0x40];
		else if (in94(t))
			v = smtpcode__cs_big5[slot][t - 0xA1 + 63];
	}
	if (!v)
		return 1;
	u->cp = v;
	return 2;
}

/* An ISO-2022-JP escape sequence, shaped as ECMA-35 shapes them: ESC, up to
 * two intermediate bytes 0x20-0x2F, a final byte 0x30-0x7E. A designation
 * changes the sets; ESC N is one character of G2; one not known is U+FFFD. */
static size_t
step_escape(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned inter = 0, f;
	size_t i;

	for (i = 1;; i++) {
		if (i == n)
			return 0;
		if ((unsigned)p[i] - 0x20 >= 0x10)
			break;
		if (i == 3) { /* a third intermediate: ESC and two are one bad sequence */
			u->cp = BAD;
			return 3;
		}
		inter = inter << 8 | p[i];
	}
	f = p[i];
	u->cp = BAD;
	if (f - 0x30 >= 0x4F)
		return i; /* not a final byte: it is read afresh */
	u->cp = NO_CHAR;
	switch (inter) {
	case 0:
		if (f != 'N')
			break;
		if (n < 3)
			return 0;
		f = p[2];
		if (f >= 0x80)
			u->cp = BAD;
		else if (u->g2 == G2_LATIN1)
			u->cp = f + 0x80;
		else if (u->g2 == G2_GREEK)
			u->cp = smtpcode__cs_sbcs[smtpcode__cs_sbcs_row[SMTPCODE__CHARSET_ISO_8859_7]][f];
		else
			u->cp = f;
		return 3;
	case '(':
		if (f == 'B' || f == 'J' || f == 'I') {
			u->g0 = f == 'B' ? G0_ASCII : f == 'J' ? G0_ROMAN : G0_KATAKANA;
			return i + 1;
		}
		break;
	case '$':
	case '$' << 8 | '(':
		if (f == '@' || f == 'B' || f == 'A' || f == 'C' || f == 'D') {
			u->g0 = f == 'A' ? G0_GB2312 : f == 'C' ? G0_KSC : f == 'D' ? G0_JIS0212 : G0_JIS0208;
			return i + 1;
		}
		break;
	case ')': /* G1, which nothing here shifts to: known sets are accepted */
		if (f == 'B' || f == 'J' || f == 'I')
			return i + 1;
		break;
	case '$' << 8 | ')':
		if (f == '@' || f == 'A' || f == 'B' || f == 'C' || f == 'D')
			return i + 1;
		break;
	case '.':
		if (f == 'A' || f == 'F') {
			u->g2 = f == 'A' ? G2_LATIN1 : G2_GREEK;
			return i + 1;
		}
		break;
	case '&': /* announces a revision of the set designated next */
		if (f == '@')
			return i + 1;
		break;
	}
	u->cp = BAD;
	return i + 1;
}

/* ISO-2022-JP: control bytes, space and DEL mean themselves in any set. */
static size_t
step_jis(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned c = p[0], t, v;

	if (c == 0x1B)
		return step_escape(p, n, u);
	if (c < 0x21 || c == 0x7F) {
		u->cp = c;
		return 1;
	}
	u->cp = BAD;
	if (c >= 0x80)
		return 1;
	switch (u->g0) {
	case G0_ASCII:
		u->cp = c;
		return 1;
	case G0_ROMAN: /* JIS X 0201: yen sign and overline where ASCII has \ and ~ */
		u->cp = c == 0x5C ? 0xA5 : c == 0x7E ? 0x203E : c;
		return 1;
	case G0_KATAKANA:
		if (c <= 0x5F)
			u->cp = 0xFF61 + (c - 0x21);
		return 1;
	}
	if (n < 2)
		return 0;
	t = p[1];
	if (t - 0x21 >= 94)
		return 1;
	c -= 0x21;
	t -= 0x21;
	switch (u->g0) {
	case G0_JIS0208:
		v = jis0208_std(c, t);
		break;
	case G0_JIS0212:
		v = jis0212(c, t);
		break;
	case G0_GB2312:
		v = gb2312(c, t);
		break;
	default:
		v = ksc(c, t);
		break;
	}
	if (v)
		u->cp = v;
	return 2; /* an unmapped pair is one U+FFFD */
}

static size_t
step(unsigned charset, const unsigned char *p, size_t n, struct unit *u)
{
	switch (kinds[charset]) {
	case KIND_SBCS:
		u->cp = p[0] < 0x80 ? p[0] : smtpcode__cs_sbcs[smtpcode__cs_sbcs_row[charset]][p[0] - 0x80];
		return 1;
	case KIND_SJIS:
		return step_sjis(p, n, u);
	case KIND_EUCJP:
		return step_eucjp(p, n, u);
	case KIND_JIS:
		return step_jis(p, n, u);
	case KIND_GB:
		return step_gb(p, n, u);
	case KIND_KR:
		return step_kr(p, n, u);
	case KIND_BIG5:
		return step_big5(p, n, u);
	default:
		return step_utf8(p, n, u);
	}
}

#define FULL ((size_t)-1) /* put(): no room for the character */

/* Writes cp in UTF-8 at out[o] if it fits below cap: the new o, or FULL. */
static size_t
put(unsigned char *out, size_t o, size_t cap, uint32_t cp)
{
	unsigned char *q = out + o;
	size_t room = cap - o;

	if (cp < 0x80) {
		if (room < 1)
			return FULL;
		q[0] = (unsigned char)cp;
		return o + 1;
	}
	if (cp < 0x800) {
		if (room < 2)
			return FULL;
		q[0] = (unsigned char)(0xC0 | cp >> 6);
		q[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return o + 2;
	}
	if (cp < 0x10000) {
		if (room < 3)
			return FULL;
		q[0] = (unsigned char)(0xE0 | cp >> 12);
		q[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		q[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return o + 3;
	}
	if (cp == NO_CHAR)
		return o;
	if (room < 4)
		return FULL;
	q[0] = (unsigned char)(0xF0 | cp >> 18);
	q[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	q[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	q[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return o + 4;
}

#define ONES ((uint64_t)0x0101010101010101u)
#define HIGH (ONES * 0x80)

/* How many bytes from p on are ASCII (and, with esc, not ESC): eight at a
 * step while they last. */
static size_t
ascii_run(const unsigned char *p, size_t n, int esc)
{
	size_t i = 0;
	uint64_t w, x;

	for (; n - i >= 8; i += 8) {
		memcpy(&w, p + i, 8);
		x = w ^ (ONES * 0x1B);
		if ((w & HIGH) || (esc && ((x - ONES) & ~x & HIGH)))
			break;
	}
	while (i < n && p[i] < 0x80 && !(esc && p[i] == 0x1B))
		i++;
	return i;
}

/* Copies the ASCII run at in[*i] (at least one byte) as far as it fits;
 * 0 when nothing did. */
static int
copy_ascii(const unsigned char *in, size_t *i, size_t len, int esc, unsigned char *out, size_t *o, size_t cap)
{
	size_t k = ascii_run(in + *i, len - *i, esc), j;

	if (k > cap - *o)
		k = cap - *o;
	if (k < 16) { /* short runs (a space between words) are not worth a call */
		for (j = 0; j < k; j++)
			out[*o + j] = in[*i + j];
	} else {
		memcpy(out + *o, in + *i, k);
	}
	*o += k;
	*i += k;
	return k > 0;
}

/* The single-byte charsets, on their own: a table lookup a byte. */
static size_t
run_sbcs(const uint16_t *upper, const unsigned char *in, size_t i, size_t len, unsigned char *out, size_t *op,
         size_t cap)
{
	size_t o = *op, next;

	while (i < len) {
		if (in[i] < 0x80) {
			if (!copy_ascii(in, &i, len, 0, out, &o, cap))
				break;
			continue;
		}
		if ((next = put(out, o, cap, upper[in[i] - 0x80])) == FULL)
			break;
		o = next;
		i++;
	}
	*op = o;
	return i;
}

/* Decodes in[i..len) while the characters fit; the bytes of one that the
 * input cuts off go to d->pending. Returns where it stopped. The state is
 * kept in locals: the output's bytes may alias anything. */
static size_t
run(struct smtpcode__decoder *d, const unsigned char *in, size_t i, size_t len, unsigned char *out, size_t *op,
    size_t cap)
{
	unsigned charset = d->charset, kind = kinds[charset];
	int jis = kind == KIND_JIS;
	struct unit u, next;
	size_t o = *op, r, to;

	if (kind == KIND_SBCS)
		return run_sbcs(smtpcode__cs_sbcs[smtpcode__cs_sbcs_row[charset]], in, i, len, out, op, cap);
	u.g0 = d->g0;
	u.g2 = d->g2;
	while (i < len) {
		if (in[i] < 0x80 && (!jis || (u.g0 == G0_ASCII && in[i] != 0x1B))) {
			if (!copy_ascii(in, &i, len, jis, out, &o, cap))
				break;
			continue;
		}
		next = u;
		r = step(charset, in + i, len - i, &next);
		if (!r) { /* fewer than 4 bytes: see step_escape and the four-byte forms */
			memcpy(d->pending, in + i, len - i);
			d->npending = (unsigned char)(len - i);
			i = len;
			break;
		}
		if ((to = put(out, o, cap, next.cp)) == FULL)
			break;
		o = to;
		u = next;
		i += r;
	}
	d->g0 = u.g0;
	d->g2 = u.g2;
	*op = o;
	return i;
}

void
smtpcode__decoder_init(struct smtpcode__decoder *d, int charset)
{
	memset(d, 0, sizeof *d);
	d->charset = (unsigned char)(charset > 0 && charset < SMTPCODE__CHARSET_COUNT ? charset : 0);
}

size_t
smtpcode__decode(struct smtpcode__decoder *d, const char *in_, size_t len, char *out_, size_t cap, size_t *used)
{
	const unsigned char *in = (const unsigned char *)in_;
	unsigned char *out = (unsigned char *)out_, none;
	size_t i = 0, o = 0;

	if (!in) { /* no arithmetic on a null pointer, not even + 0 */
		in = &none;
		len = 0;
	}
	if (!out) {
		out = &none;
		cap = 0;
	}
	if (d->charset >= SMTPCODE__CHARSET_COUNT)
		d->charset = 0;
	/* A character the last call cut off, completed by this call's first
	 * bytes; bytes of it that turn out bad and start afresh stay pending. */
	while (d->npending && i < len) {
		unsigned char buf[8];
		size_t k = d->npending, take = len - i < sizeof buf - k ? len - i : sizeof buf - k, r, to;
		struct unit u;
		memcpy(buf, d->pending, k);
		memcpy(buf + k, in + i, take);
		u.g0 = d->g0;
		u.g2 = d->g2;
		r = step(d->charset, buf, k + take, &u);
		if (!r) { /* still cut off: all of this call's input is in it */
			memcpy(d->pending + k, in + i, take);
			d->npending = (unsigned char)(k + take);
			i += take;
			break;
		}
		if ((to = put(out, o, cap, u.cp)) == FULL)
			break;
		o = to;
		d->g0 = u.g0;
		d->g2 = u.g2;
		if (r >= k) {
			i += r - k;
			d->npending = 0;
		} else {
			memmove(d->pending, d->pending + r, k - r);
			d->npending = (unsigned char)(k - r);
		}
	}
	if (!d->npending)
		i = run(d, in, i, len, out, &o, cap);
	if (used)
		*used = i;
	return o;
}

size_t
smtpcode__decode_end(struct smtpcode__decoder *d, char *out_, size_t cap)
{
	unsigned char *out = (unsigned char *)out_, none;
	size_t o = 0, k, r, to;
	struct unit u;

	if (!out) {
		out = &none;
		cap = 0;
	}
	if (d->charset >= SMTPCODE__CHARSET_COUNT)
		d->charset = 0;
	while ((k = d->npending) > 0) {
		u.g0 = d->g0;
		u.g2 = d->g2;
		r = step(d->charset, d->pending, k, &u);
		if (!r) { /* cut off by the end: one U+FFFD, as Python has it */
			u.cp = BAD;
			u.g0 = d->g0;
			u.g2 = d->g2;
			r = k;
		}
		if ((to = put(out, o, cap, u.cp)) == FULL)
			return o;
		o = to;
		d->g0 = u.g0;
		d->g2 = u.g2;
		memmove(d->pending, d->pending + r, k - r);
		d->npending = (unsigned char)(k - r);
	}
	smtpcode__decoder_init(d, d->charset);
	return o;
}

const char *
smtpcode__charset_name(int charset)
{
	return names[charset > 0 && charset < SMTPCODE__CHARSET_COUNT ? charset : 0];
}

/* key[0..k) against a NUL-terminated label of the pool, as strcmp. */
static int
label_cmp(const char *key, size_t k, const char *label)
{
	size_t i;

	for (i = 0; i < k && label[i]; i++)
		if (key[i] != label[i])
			return (unsigned char)key[i] < (unsigned char)label[i] ? -1 : 1;
	if (i < k)
		return 1;
	return label[i] ? -1 : 0;
}

static int
label_lookup(const char *key, size_t k)
{
	size_t lo = 0, hi = SMTPCODE__CS_ALIASES, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = label_cmp(key, k, smtpcode__cs_alias_pool + smtpcode__cs_alias[mid][0]);
		if (!c)
			return smtpcode__cs_alias[mid][1];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return SMTPCODE__CHARSET_UNKNOWN;
}

int
smtpcode__charset_from_name(const char *name, size_t len)
{
	char key[48];
	size_t i, k = 0;
	int gap = 0;

	if (!name)
		return SMTPCODE__CHARSET_UNKNOWN;
	for (i = 0; i < len; i++) {
		unsigned c = (unsigned char)name[i];
		if (c >= 0x80)
			return SMTPCODE__CHARSET_UNKNOWN;
		if (c - 'A' < 26)
			c += 'a' - 'A';
		if (c - 'a' >= 26 && c - '0' >= 10) {
			gap = 1;
			continue;
		}
		if (k + (gap && k) >= sizeof key)
			return SMTPCODE__CHARSET_UNKNOWN;
		if (gap && k)
			key[k++] = '_';
		gap = 0;
		key[k++] = (char)c;
	}
	return k ? label_lookup(key, k) : SMTPCODE__CHARSET_UNKNOWN;
}
