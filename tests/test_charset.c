/* The edges of the charset API (src/charset.h): characters and escape
 * sequences split between calls, output that does not fit, unknown
 * charsets, (NULL, 0), encoded words malformed or unterminated, and time
 * linear in the input. tests/test_charset.py holds the decoders to
 * Python's codecs on whole strings. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define FFFD "\xef\xbf\xbd"

static int
charset(const char *name)
{
	int c = smtpcode__charset_from_name(name, strlen(name));

	cr_assert(c, "%s is not known", name);
	return c;
}

/* `unit` over and over, len bytes (malloc'd). */
static char *
repeated(const char *unit, size_t len)
{
	char *buf = malloc(len);
	size_t i, n = strlen(unit);

	cr_assert_not_null(buf);
	for (i = 0; i < len; i++)
		buf[i] = unit[i % n];
	return buf;
}

/* Decodes `in` in pieces of `piece` bytes (0: whole), with room for all. */
static size_t
decode_pieces(int cs, const char *in, size_t len, size_t piece, char *out)
{
	struct smtpcode__decoder d;
	size_t o = 0, at = 0, used;

	smtpcode__decoder_init(&d, cs);
	while (at < len) {
		size_t n = piece && len - at > piece ? piece : len - at;
		o += smtpcode__decode(&d, in + at, n, out + o, SMTPCODE__DECODE_CAP(n), &used);
		cr_assert_eq(used, n, "a piece of %zu bytes was not taken whole", n);
		at += n;
	}
	o += smtpcode__decode_end(&d, out + o, SMTPCODE__DECODE_END_CAP);
	out[o] = '\0';
	return o;
}

/* The same output whole, a byte a call, and cut at every point in two. */
static void
assert_any_cut(const char *name, const char *in, const char *expected)
{
	size_t len = strlen(in), cut;
	char out[256], part[256];
	int cs = charset(name);
	struct smtpcode__decoder d;

	decode_pieces(cs, in, len, 0, out);
	cr_assert_str_eq(out, expected, "%s whole", name);
	decode_pieces(cs, in, len, 1, out);
	cr_assert_str_eq(out, expected, "%s a byte a call", name);
	for (cut = 0; cut <= len; cut++) {
		size_t o, used;
		smtpcode__decoder_init(&d, cs);
		o = smtpcode__decode(&d, in, cut, part, SMTPCODE__DECODE_CAP(cut), &used);
		o += smtpcode__decode(&d, in + cut, len - cut, part + o, SMTPCODE__DECODE_CAP(len - cut), &used);
		o += smtpcode__decode_end(&d, part + o, SMTPCODE__DECODE_END_CAP);
		part[o] = '\0';
		cr_assert_str_eq(part, expected, "%s cut at %zu", name, cut);
	}
}

Test(charset, multibyte_split_between_calls)
{
	assert_any_cut("utf-8", "a\xe2\x82\xac\xf0\x9f\x93\xae\xc3\xa9", "a\xe2\x82\xac\xf0\x9f\x93\xae\xc3\xa9");
	assert_any_cut("utf-8", "\xe2\x82" "a\xf0\x9f\x93", FFFD "a" FFFD);
	assert_any_cut("shift_jis", "\x88\x9f\x82\xa0\xb1", "\xe4\xba\x9c\xe3\x81\x82\xef\xbd\xb1"); /* 亜あｱ */
	assert_any_cut("shift_jis", "\x88" "A", FFFD "A");
	assert_any_cut("euc-jp", "\x8f\xa2\xaf\xb0\xa1\x8e\xb1", "\xcb\x98\xe4\xba\x9c\xef\xbd\xb1"); /* ˘亜ｱ */
	assert_any_cut("gb18030", "\x81\x30\x81\x30\x95\x32\x82\x36\xb0\xa1",
	               "\xc2\x80\xf0\xa0\x80\x80\xe5\x95\x8a"); /* U+0080 U+20000 啊 */
	assert_any_cut("gb18030", "\x81\x30\x81\x7f", FFFD "0" FFFD "\x7f");
	assert_any_cut("gb18030", "\x81\x30\x81", FFFD); /* cut off by the end: one, as Python */
	assert_any_cut("euc-kr", "\xb0\xa1\x81\x41", "\xea\xb0\x80\xea\xb0\x82"); /* 가갂 */
	assert_any_cut("big5", "\xa4\x40\xa3\xe1", "\xe4\xb8\x80\xe2\x82\xac"); /* 一€ */
}

Test(charset, escape_sequences_split_between_calls)
{
	/* 亜 in JIS X 0208, then ASCII, JIS X 0201 Roman and katakana. */
	assert_any_cut("iso-2022-jp", "\x1b$B0!\x1b(Ba\x1b(J\\\x1b(I1", "\xe4\xba\x9c" "a\xc2\xa5\xef\xbd\xb1");
	assert_any_cut("iso-2022-jp", "\x1b$(D\"/\x1b(B", "\xcb\x98");             /* JIS X 0212 */
	assert_any_cut("iso-2022-jp", "\x1b$A0!\x1b$(C0!", "\xe5\x95\x8a\xea\xb0\x80"); /* GB 2312, KS X 1001 */
	assert_any_cut("iso-2022-jp", "\x1b.A\x1bNi\x1b.F\x1bNa", "\xc3\xa9\xce\xb1"); /* é α through G2 */
	assert_any_cut("iso-2022-jp", "\x1b$", FFFD);
	assert_any_cut("iso-2022-jp", "\x1b(Z" "a", FFFD "a");              /* unknown: one U+FFFD */
	assert_any_cut("iso-2022-jp", "\x1b\n" "a", FFFD "\na");             /* not an escape: read afresh */
	assert_any_cut("iso-2022-jp", "\x1b$B0\n0!", FFFD "\n\xe4\xba\x9c"); /* a line end keeps the set */
	assert_any_cut("iso-2022-jp", "\x1b$B~~", FFFD);                     /* an unmapped pair: one */
}

Test(charset, designation_carries_over_until_the_end)
{
	struct smtpcode__decoder d;
	char out[32];
	size_t o, used;

	smtpcode__decoder_init(&d, charset("csISO2022JP"));
	o = smtpcode__decode(&d, "\x1b$B", 3, out, sizeof out, &used);
	cr_assert(o == 0 && used == 3 && d.npending == 0);
	o = smtpcode__decode(&d, "0!", 2, out, sizeof out, &used);
	cr_assert(o == 3 && !memcmp(out, "\xe4\xba\x9c", 3), "the set designated in the last call is kept");
	cr_assert_eq(smtpcode__decode_end(&d, out, sizeof out), 0);
	o = smtpcode__decode(&d, "0!", 2, out, sizeof out, &used);
	cr_assert(o == 2 && !memcmp(out, "0!", 2), "decode_end starts the stream afresh, in ASCII");
}

Test(charset, output_full_stops_before_a_character)
{
	static const char in[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x93\xae" "b";
	char whole[64], out[64];
	size_t len = sizeof in - 1, n = decode_pieces(SMTPCODE__CHARSET_UTF_8, in, len, 0, whole), cap;

	for (cap = 0; cap <= n; cap++) {
		struct smtpcode__decoder d;
		size_t o, used, total = 0, at = 0;
		smtpcode__decoder_init(&d, SMTPCODE__CHARSET_UTF_8);
		o = smtpcode__decode(&d, in, len, out, cap, &used);
		cr_assert(o <= cap && !memcmp(out, whole, o), "cap %zu: a prefix of the output", cap);
		cr_assert(o + 4 > cap || used == len, "cap %zu: stopped with room for a character", cap);
		cr_assert_eq(o, used, "cap %zu: UTF-8 in, UTF-8 out, byte for byte", cap);
		/* The caller passes the rest again. */
		total = o;
		at = used;
		o = smtpcode__decode(&d, in + at, len - at, out + total, sizeof out - total, &used);
		cr_assert(used == len - at && total + o == n && !memcmp(out, whole, n), "cap %zu: resumed", cap);
	}
}

Test(charset, output_full_with_a_character_pending)
{
	struct smtpcode__decoder d;
	char out[8];
	size_t used, o;

	smtpcode__decoder_init(&d, SMTPCODE__CHARSET_UTF_8);
	o = smtpcode__decode(&d, "\xe2\x82", 2, out, sizeof out, &used);
	cr_assert(o == 0 && used == 2 && d.npending == 2, "kept, and counted as consumed");
	o = smtpcode__decode(&d, "\xac", 1, out, 2, &used);
	cr_assert(o == 0 && used == 0 && d.npending == 2, "no room for the euro sign: nothing changes");
	o = smtpcode__decode(&d, "\xac", 1, out, 3, &used);
	cr_assert(o == 3 && used == 1 && !memcmp(out, "\xe2\x82\xac", 3) && d.npending == 0);
}

Test(charset, decode_cap_takes_the_worst_case)
{
	/* Three bytes kept; the next byte makes them a bad byte, an ASCII byte
	 * and the lead of a two-byte character: 7 bytes out of 1 byte in. */
	struct smtpcode__decoder d;
	char out[SMTPCODE__DECODE_CAP(1)];
	size_t used, o;

	smtpcode__decoder_init(&d, SMTPCODE__CHARSET_GB18030);
	smtpcode__decode(&d, "\x81\x30\x81", 3, out, sizeof out, &used);
	cr_assert_eq(d.npending, 3);
	o = smtpcode__decode(&d, "A", 1, out, sizeof out, &used);
	cr_assert_eq(used, 1);
	out[o] = '\0';
	cr_assert_str_eq(out, FFFD "0\xe4\xb8\x84"); /* 丄 */
	cr_assert_eq(d.npending, 0);
}

Test(charset, end_needs_room)
{
	struct smtpcode__decoder d;
	char out[SMTPCODE__DECODE_END_CAP];
	size_t used;

	smtpcode__decoder_init(&d, charset("shift_jis"));
	smtpcode__decode(&d, "\x88", 1, out, sizeof out, &used);
	cr_assert_eq(smtpcode__decode_end(&d, out, 2), 0, "U+FFFD does not fit in 2 bytes");
	cr_assert_eq(d.npending, 1, "the byte is kept for a call with room");
	cr_assert_eq(smtpcode__decode_end(&d, NULL, 0), 0);
	cr_assert_eq(smtpcode__decode_end(&d, out, sizeof out), 3);
	cr_assert(!memcmp(out, FFFD, 3) && d.npending == 0);
}

Test(charset, unknown_charset_decodes_as_utf8)
{
	struct smtpcode__decoder d;
	char out[32];
	size_t used, o;

	cr_assert_eq(smtpcode__charset_from_name("x-unknown", 9), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_eq(smtpcode__charset_from_name("utf-16", 6), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_eq(smtpcode__charset_from_name("big5-hkscs", 10), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_str_eq(smtpcode__charset_name(SMTPCODE__CHARSET_UNKNOWN), "unknown");
	cr_assert_str_eq(smtpcode__charset_name(-1), "unknown");
	cr_assert_str_eq(smtpcode__charset_name(SMTPCODE__CHARSET_COUNT), "unknown");
	smtpcode__decoder_init(&d, 12345);
	cr_assert_eq(d.charset, SMTPCODE__CHARSET_UNKNOWN);
	o = smtpcode__decode(&d, "\xc3\xa9\xff", 3, out, sizeof out, &used);
	cr_assert(o == 5 && !memcmp(out, "\xc3\xa9" FFFD, 5));
}

Test(charset, names_mail_uses)
{
	static const struct {
		const char *label;
		int charset;
	} cases[] = {
		{"x-sjis", SMTPCODE__CHARSET_SHIFT_JIS}, {"shift-jis", SMTPCODE__CHARSET_SHIFT_JIS},
		{"SJIS", SMTPCODE__CHARSET_SHIFT_JIS}, {"ms_kanji", SMTPCODE__CHARSET_SHIFT_JIS},
		{"Windows-31J", SMTPCODE__CHARSET_SHIFT_JIS}, {"csISO2022JP", SMTPCODE__CHARSET_ISO_2022_JP},
		{"ISO-2022-JP-2", SMTPCODE__CHARSET_ISO_2022_JP}, {"gb_2312-80", SMTPCODE__CHARSET_GB18030},
		{"GB2312", SMTPCODE__CHARSET_GB18030}, {"cp936", SMTPCODE__CHARSET_GB18030},
		{"latin1", SMTPCODE__CHARSET_ISO_8859_1}, {"cp1252", SMTPCODE__CHARSET_WINDOWS_1252},
		{"ks_c_5601-1987", SMTPCODE__CHARSET_EUC_KR}, {"us-ascii", SMTPCODE__CHARSET_UTF_8},
		{" UTF-8 ", SMTPCODE__CHARSET_UTF_8}, {"ISO_8859-15:1998", SMTPCODE__CHARSET_UNKNOWN},
		{"iso-8859-15", SMTPCODE__CHARSET_ISO_8859_15}, {"koi8-r", SMTPCODE__CHARSET_KOI8_R},
		{"Big5", SMTPCODE__CHARSET_BIG5}, {"EUC-JP", SMTPCODE__CHARSET_EUC_JP},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		cr_assert_eq(smtpcode__charset_from_name(cases[i].label, strlen(cases[i].label)), cases[i].charset, "%s",
		             cases[i].label);
	cr_assert_str_eq(smtpcode__charset_name(SMTPCODE__CHARSET_SHIFT_JIS), "Shift_JIS");
	{
		char *name = repeated("utf-8 ", 1000);
		cr_assert_eq(smtpcode__charset_from_name(name, 1000), SMTPCODE__CHARSET_UNKNOWN, "a long name");
		free(name);
	}
	cr_assert_eq(smtpcode__charset_from_name("utf-8\0", 6), SMTPCODE__CHARSET_UTF_8, "a NUL is a separator");
	cr_assert_eq(smtpcode__charset_from_name("utf-8\xc3\xa9", 7), SMTPCODE__CHARSET_UNKNOWN);
}

Test(charset, null_and_empty)
{
	struct smtpcode__decoder d;
	size_t used = 99;
	char out[4];

	smtpcode__decoder_init(&d, SMTPCODE__CHARSET_UTF_8);
	cr_assert_eq(smtpcode__decode(&d, NULL, 0, NULL, 0, &used), 0);
	cr_assert_eq(used, 0);
	cr_assert_eq(smtpcode__decode(&d, NULL, 5, out, sizeof out, &used), 0, "NULL is empty whatever len says");
	cr_assert_eq(smtpcode__decode(&d, "ab", 2, NULL, 8, &used), 0, "NULL output has no room");
	cr_assert_eq(used, 0);
	cr_assert_eq(smtpcode__decode(&d, "ab", 2, out, sizeof out, NULL), 2, "used may be NULL");
	cr_assert_eq(smtpcode__decode_end(&d, NULL, 0), 0);
	cr_assert_eq(smtpcode__charset_from_name(NULL, 0), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_eq(smtpcode__charset_from_name(NULL, 5), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_eq(smtpcode__charset_from_name("", 0), SMTPCODE__CHARSET_UNKNOWN);
	cr_assert_eq(smtpcode__decode_words(NULL, 0, NULL, 0), 0);
	cr_assert_eq(smtpcode__decode_words(NULL, 3, out, sizeof out), 0);
	cr_assert_eq(smtpcode__decode_words("abc", 3, NULL, 10), 0);
	cr_assert_eq(smtpcode__decode_words("", 0, out, sizeof out), 0);
}

/* Encoded words. */

static void
assert_words(const char *in, const char *expected)
{
	char out[512];
	size_t n = smtpcode__decode_words(in, strlen(in), out, sizeof out - 1);

	out[n] = '\0';
	cr_assert_str_eq(out, expected, "%s", in);
	cr_assert_leq(n, 3 * strlen(in));
}

Test(words, decoded_and_joined)
{
	assert_words("a =?utf-8?q?b?= =?utf-8?q?c?= d", "a bc d");
	assert_words("=?utf-8?q?a?=\r\n =?UTF-8?Q?b?=", "ab");
	assert_words("=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b");
	assert_words("=?utf-8?q?a?=  ", "a  ");
	assert_words("  =?utf-8?q?a?=", "  a");
	assert_words("=?utf-8?q?caf=C3=A9_=3D_=ZZ=4?=", "caf\xc3\xa9 = =ZZ=4");
	assert_words("=?utf-8?b?w6k=?=", "\xc3\xa9");
	assert_words("=?utf-8?B?w6k?=", "\xc3\xa9");
	assert_words("=?utf-8?b?w6!k?=", "\xc3\xa9");
	assert_words("=?utf-8*en?q?abc?=", "abc");
	assert_words("=?utf-8?q?a b?=", "a b");
	assert_words("x=?utf-8?q?y?=z", "xyz");
	assert_words("=?iso-8859-1?q?caf=E9?= =?koi8-r?b?8NLJ18XU?=",
	             "caf\xc3\xa9\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"); /* café Привет */
	/* One character split between two words of one charset comes out whole;
	 * a charset that changes ends the first word's stream. */
	assert_words("=?shift_jis?b?gg==?= =?shift_jis?b?oA==?=", "\xe3\x81\x82");
	assert_words("=?iso-2022-jp?B?GyRCJCI=?= =?iso-2022-jp?B?JCQbKEI=?=", "\xe3\x81\x82\xe3\x81\x84");
	assert_words("=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=", "\xe2\x82\xac");
	assert_words("=?utf-8?q?=E2=82?= =?latin1?q?x?=", FFFD "x");
	assert_words("=?utf-8?q?=E2=82?= x", FFFD " x");
	assert_words("=?x-unknown?q?abc=FF?=", "abc" FFFD);
}

Test(words, malformed_or_unterminated_copied)
{
	static const char *const same[] = {
		"=?utf-8?q?abc", "=?utf-8?x?abc?=", "=??q?abc?=", "=?utf-8?q?", "=?utf-8?q", "=?", "=", "?=",
		"=?utf-8?q?a\r\nb?=", "=?utf 8?q?a?=", "a =? b ?= c", "=?utf-8*?q?", "plain text, no words",
	};
	size_t i;

	for (i = 0; i < COUNT_OF(same); i++)
		assert_words(same[i], same[i]);
	assert_words("=?=?=?utf-8?q?x?=", "=?=?x");
	assert_words("=?utf-8?q?abc =?utf-8?q?d?=", "=?utf-8?q?abc d");
	assert_words("raw \xff bytes \xc3\xa9", "raw " FFFD " bytes \xc3\xa9");
	assert_words("\xe2\x82=?utf-8?q?x?=", FFFD "x");
}

Test(words, output_cut_at_a_character)
{
	static const char in[] = "=?utf-8?q?=C3=A9=E2=82=AC=F0=9F=93=AE?= \xc3\xa9t";
	char whole[64], out[64];
	size_t n = smtpcode__decode_words(in, sizeof in - 1, whole, sizeof whole), cap, k;

	cr_assert_eq(n, 13);
	for (cap = 0; cap <= n; cap++) {
		memset(out, 'X', sizeof out);
		k = smtpcode__decode_words(in, sizeof in - 1, out, cap);
		cr_assert(k <= cap && !memcmp(out, whole, k) && out[cap] == 'X', "cap %zu", cap);
		cr_assert(k + 4 > cap, "cap %zu: stopped with room left", cap);
		cr_assert(k == 0 || k == 2 || k == 5 || k == 9 || k == 10 || k == 12 || k == 13,
		          "cap %zu: cut inside a character (%zu)", cap, k);
	}
}

/* Linear time: CPU time per byte for inputs of 16 KiB and 1 MiB (64 times
 * as much) must stay within a small factor; a quadratic path gives 64. */

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds per byte, the best of three runs of at least 20 ms. */
static double
per_byte(int words, int cs, const char *in, size_t len, char *out, size_t cap)
{
	double best = 0;
	int round;

	for (round = 0; round < 3; round++) {
		size_t runs = 0, used;
		double t0 = cpu_seconds(), t;
		do {
			if (words) {
				(void)smtpcode__decode_words(in, len, out, cap);
			} else {
				struct smtpcode__decoder d;
				smtpcode__decoder_init(&d, cs);
				(void)smtpcode__decode(&d, in, len, out, cap, &used);
			}
			runs++;
		} while ((t = cpu_seconds() - t0) < 0.02);
		t /= (double)(runs * len);
		if (round == 0 || t < best)
			best = t;
	}
	return best;
}

static void
assert_linear(int words, int cs, const char *unit)
{
	size_t small = 16 << 10, big = 1 << 20, cap = 3 * big + 16;
	char *in = repeated(unit, big), *out = malloc(cap);
	double ratio;

	cr_assert_not_null(out);
	ratio = per_byte(words, cs, in, big, out, cap) / per_byte(words, cs, in, small, out, cap);
	cr_assert_lt(ratio, 4.0, "%s of \"%s\" repeated: 1 MiB costs %.1f times a byte what 16 KiB does",
	             words ? "decode_words" : smtpcode__charset_name(cs), unit, ratio);
	free(in);
	free(out);
}

Test(words, linear_time, .timeout = 120)
{
	static const char *const units[] = {
		"=?", "=?a?q?", "=?a?q?x ", "=?utf-8?q?a?= ", "=?utf-8*", "=?utf-8?b?QUJD", "?=", "= ",
		"=?=?utf-8?q?", "=?utf-8?q?=E2=82?= ",
	};
	size_t i;

	for (i = 0; i < COUNT_OF(units); i++)
		assert_linear(1, 0, units[i]);
}

Test(charset, linear_time, .timeout = 120)
{
	static const struct {
		const char *name, *unit;
	} cases[] = {
		{"iso-2022-jp", "\x1b$("}, {"iso-2022-jp", "\x1b$B0!\x1b(B"}, {"iso-2022-jp", "\x1b\x1b"},
		{"gb18030", "\x81\x30"}, {"gb18030", "\x84\x31\xa4\x39\xe3\x32\x9a\x35"}, {"utf-8", "\xf0\x9f\x93"},
		{"euc-kr", "\x81\x41\xc6\x52"}, {"euc-jp", "\x8f\xa2"}, {"shift_jis", "\x88"}, {"latin1", "\xe9"},
	};
	size_t i;

	for (i = 0; i < COUNT_OF(cases); i++)
		assert_linear(0, charset(cases[i].name), cases[i].unit);
}
