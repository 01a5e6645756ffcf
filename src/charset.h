/* Internal: the charsets that bounce messages are written in, decoded to
 * UTF-8 for the message reader, so that phrases in any language can match.
 * Streaming and bounded: the caller owns the decoder's state (8 bytes) and
 * the output buffer; nothing is allocated, no global or locale is read. The
 * tables come from Python's own codecs (generator/gen_charsets.py).
 *
 * The rules every charset follows, as Python's bytes.decode(errors="replace")
 * does unless said otherwise:
 * - valid input gives its characters; the output is always valid UTF-8;
 * - a byte that cannot start a character, or a sequence that is cut off or
 *   unmapped, becomes one U+FFFD: never dropped silently, never more than one
 *   U+FFFD a byte. A multibyte sequence whose second byte cannot continue it
 *   gives U+FFFD for the first byte only and the rest is read afresh, so an
 *   ASCII byte is never swallowed; a sequence cut off by the end of the
 *   input is one U+FFFD;
 * - a sequence split between two calls is decoded as if it had come whole;
 * - a run of ASCII bytes is copied as it is (every charset here agrees on
 *   ASCII, ISO-2022-JP while its ASCII set is in use).
 *
 * Where a charset is decoded as a superset, or differs from Python's codec of
 * the same name, and why:
 * - US-ASCII and an unknown charset decode as UTF-8: mail that says US-ASCII
 *   and holds 8-bit bytes nearly always holds UTF-8; bytes that are not UTF-8
 *   become U+FFFD.
 * - ISO-8859-1, -9 and -11 decode as windows-1252, -1254 and -874, which
 *   agree with them on every byte but 0x80-0x9F: there ISO-8859 has C1
 *   controls, which mail never holds, and Windows mail programs put their
 *   quotes, dashes and euro sign (as web browsers decide, WHATWG Encoding).
 * - Shift_JIS is CP932 (Windows-31J): NEC and IBM extensions, user-defined
 *   rows as private use, 0x80, 0xA0 and 0xFD-0xFF as Python's cp932 has them.
 * - EUC-JP and ISO-2022-JP also decode CP932's NEC row 13 and NEC-selected
 *   IBM rows 89-92 (circled digits, roman numerals, ...), which Windows
 *   writes in both and Python's euc_jp and iso2022_jp refuse. JIS X 0212
 *   (EUC-JP 0x8F, ISO-2022-JP ESC $ ( D) is decoded.
 * - ISO-2022-JP is one decoder for -JP, -JP-1, -JP-2 and the JIS X 0201
 *   katakana of Python's iso2022_jp_ext: ESC ( B, ESC ( J, ESC ( I,
 *   ESC $ @, ESC $ B, ESC $ ( D, ESC $ A (GB 2312, the cells it leaves
 *   empty as GB18030 fills them), ESC $ ( C (KS X 1001), ESC . A and
 *   ESC . F with ESC N (Latin-1 and ISO-8859-7:2003, which has the euro
 *   sign). An escape sequence is read as ECMA-35 shapes it (ESC, up to two
 *   bytes 0x20-0x2F, one byte 0x30-0x7E); one that is not known becomes one
 *   U+FFFD and changes nothing (Python scans up to 16 bytes for a capital
 *   letter, and passes an ESC it does not know through with the bytes
 *   after it); G1 designations (ESC ) and ESC $ )) are accepted and mean
 *   nothing, as nothing shifts to G1. Control bytes, space and DEL mean
 *   themselves in every set; in a two-byte set, a byte that cannot be a
 *   second byte ends the character (U+FFFD) and is read afresh (Python
 *   pairs any byte with the one after it and drops both), and an unmapped
 *   pair is one U+FFFD. A line end keeps the set.
 * - GB2312, GBK and CP936 decode as GB18030, their superset, four-byte
 *   forms too (all of Unicode); where Python's gb2312 maps A1A4 and A1AA to
 *   U+30FB and U+2015, GBK and GB18030 have U+00B7 and U+2014.
 * - EUC-KR and KS_C_5601-1987 decode as CP949 (Unified Hangul Code), as mail
 *   programs write them: all 11,172 Hangul syllables. Python's euc_kr also
 *   reads KS X 1001:1998 eight-byte "make-up" sequences; here they are the
 *   four Jamo they spell.
 * - Big5 is CP950 (Big5 with the ETEN extensions and the euro sign, as
 *   Windows writes it). Big5-HKSCS is not known.
 */
#ifndef SMTPCODE_CHARSET_H
#define SMTPCODE_CHARSET_H

#include <stddef.h>

/* Internal functions that a unit may include without calling: in the single
 * header they are static, and the message reader is their only caller. */
#if defined(__GNUC__)
#define SMTPCODE__MAYBE_UNUSED __attribute__((unused))
#else
#define SMTPCODE__MAYBE_UNUSED
#endif

/* id, MIME name, how it decodes. generator/gen_charsets.py reads this list
 * and knows, for each id, the Python codec its table comes from and the
 * labels (aliases) that name it. */
#define SMTPCODE__CHARSETS(X)                                                                   \
	X(UTF_8, "UTF-8", UTF8)                                                                 \
	X(ISO_8859_1, "ISO-8859-1", SBCS)                                                       \
	X(ISO_8859_2, "ISO-8859-2", SBCS)                                                       \
	X(ISO_8859_3, "ISO-8859-3", SBCS)                                                       \
	X(ISO_8859_4, "ISO-8859-4", SBCS)                                                       \
	X(ISO_8859_5, "ISO-8859-5", SBCS)                                                       \
	X(ISO_8859_6, "ISO-8859-6", SBCS)                                                       \
	X(ISO_8859_7, "ISO-8859-7", SBCS)                                                       \
	X(ISO_8859_8, "ISO-8859-8", SBCS)                                                       \
	X(ISO_8859_9, "ISO-8859-9", SBCS)                                                       \
	X(ISO_8859_10, "ISO-8859-10", SBCS)                                                     \
	X(ISO_8859_11, "ISO-8859-11", SBCS)                                                     \
	X(ISO_8859_13, "ISO-8859-13", SBCS)                                                     \
	X(ISO_8859_14, "ISO-8859-14", SBCS)                                                     \
	X(ISO_8859_15, "ISO-8859-15", SBCS)                                                     \
	X(ISO_8859_16, "ISO-8859-16", SBCS)                                                     \
	X(WINDOWS_874, "windows-874", SBCS)                                                     \
	X(WINDOWS_1250, "windows-1250", SBCS)                                                   \
	X(WINDOWS_1251, "windows-1251", SBCS)                                                   \
	X(WINDOWS_1252, "windows-1252", SBCS)                                                   \
	X(WINDOWS_1253, "windows-1253", SBCS)                                                   \
	X(WINDOWS_1254, "windows-1254", SBCS)                                                   \
	X(WINDOWS_1255, "windows-1255", SBCS)                                                   \
	X(WINDOWS_1256, "windows-1256", SBCS)                                                   \
	X(WINDOWS_1257, "windows-1257", SBCS)                                                   \
	X(WINDOWS_1258, "windows-1258", SBCS)                                                   \
	X(KOI8_R, "KOI8-R", SBCS)                                                               \
	X(KOI8_U, "KOI8-U", SBCS)                                                               \
	X(SHIFT_JIS, "Shift_JIS", SJIS)                                                         \
	X(EUC_JP, "EUC-JP", EUCJP)                                                              \
	X(ISO_2022_JP, "ISO-2022-JP", JIS)                                                      \
	X(GB18030, "GB18030", GB)                                                               \
	X(EUC_KR, "EUC-KR", KR)                                                                 \
	X(BIG5, "Big5", BIG5)

enum smtpcode__charset {
	SMTPCODE__CHARSET_UNKNOWN,
#define SMTPCODE__CHARSET_ENUM(id, name, kind) SMTPCODE__CHARSET_##id,
	SMTPCODE__CHARSETS(SMTPCODE__CHARSET_ENUM)
#undef SMTPCODE__CHARSET_ENUM
	SMTPCODE__CHARSET_COUNT
};

/* A charset by its name as a MIME charset parameter or an encoded word
 * gives it: case-insensitive, with the usual aliases (Python's, and those
 * mail programs use: "latin1", "cp1252", "x-sjis", "ms_kanji",
 * "csISO2022JP", "ks_c_5601-1987", "gb_2312-80", ...). A run of characters
 * other than ASCII letters and digits counts as one '_', and none at either
 * end, much as in Python's codecs.lookup(): "Shift-JIS", "shift_jis" and
 * " SHIFT JIS" are one name, and so are "ANSI_X3.4-1968" and
 * "ansi-x3-4-1968". 0 (SMTPCODE__CHARSET_UNKNOWN) for an unknown name or
 * (NULL, 0). */
SMTPCODE__MAYBE_UNUSED int smtpcode__charset_from_name(const char *name, size_t len);

/* The charset's MIME name ("Shift_JIS"), for messages; "unknown" for 0 or a
 * value out of range. */
SMTPCODE__MAYBE_UNUSED const char *smtpcode__charset_name(int charset);

/* The state of one stream: what charset, the ISO-2022-JP sets in use, and
 * the first bytes of a character that the last call's input cut off. */
struct smtpcode__decoder {
	unsigned char charset;    /* enum smtpcode__charset */
	unsigned char g0, g2;     /* ISO-2022-JP: the sets designated */
	unsigned char npending;   /* bytes in pending[] */
	unsigned char pending[4]; /* never more than 3 are kept */
};

/* Output room that always takes a whole call: 3 bytes an input byte (a
 * two-byte character is at most 3 in UTF-8, a four-byte one 4), and the
 * bytes a character cut off by the last call may still give. */
#define SMTPCODE__DECODE_CAP(len) (3 * (size_t)(len) + 9)
/* Output room that always takes smtpcode__decode_end(). */
#define SMTPCODE__DECODE_END_CAP 9

/* Starts a stream in `charset` (an unknown one decodes as UTF-8). */
SMTPCODE__MAYBE_UNUSED void smtpcode__decoder_init(struct smtpcode__decoder *d, int charset);

/* Decodes in[0..len) to UTF-8 into out[0..cap) and returns the bytes
 * written; *used gets the input bytes consumed. With
 * cap >= SMTPCODE__DECODE_CAP(len) all of the input is consumed; with less
 * room it stops before the first character whose UTF-8 does not fit (never
 * writing part of one), and the caller passes the rest again. Bytes that
 * start a character the input cuts off are kept in the decoder (and count
 * as consumed). (NULL, 0) is empty input; out may be NULL when cap is 0. */
SMTPCODE__MAYBE_UNUSED size_t smtpcode__decode(struct smtpcode__decoder *d, const char *in, size_t len, char *out,
                                               size_t cap, size_t *used);

/* Ends the stream: a character cut off by the end of the input becomes
 * U+FFFD, as one whole (bytes kept after a call that stopped early are read
 * as they come). Returns the bytes written. With
 * cap >= SMTPCODE__DECODE_END_CAP the decoder is then as
 * smtpcode__decoder_init() left it; with less room it writes what fits and
 * keeps the rest for another call. */
SMTPCODE__MAYBE_UNUSED size_t smtpcode__decode_end(struct smtpcode__decoder *d, char *out, size_t cap);

/* A header field's value with its RFC 2047 encoded words
 * (=?charset?B?...?= and =?charset?Q?...?=, charset*language too) decoded to
 * UTF-8 into out[0..cap). Returns the bytes written: never more than cap,
 * and never more than 3 * len; output that does not fit is cut at a
 * character boundary.
 * - White space between two encoded words is dropped (RFC 2047, 6.2); adjacent
 *   words in one charset are decoded as one stream, so a character split
 *   between them (as some mailers split them) comes out whole.
 * - A word in an unknown charset decodes as UTF-8. Q takes '_' as a space
 *   and "=XX" as a byte (a '=' without two hex digits after it stays); B
 *   skips characters outside base64 and needs no padding.
 * - Anything else, a malformed or unterminated word included, is copied;
 *   bytes that are not UTF-8 become U+FFFD, so the result is always UTF-8.
 * Time is linear in len. (NULL, 0) is an empty value. */
SMTPCODE__MAYBE_UNUSED size_t smtpcode__decode_words(const char *in, size_t len, char *out, size_t cap);

#endif
