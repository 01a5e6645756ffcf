"""The charset decoders (src/charset.c, src/words.c) against Python's codecs,
through tests/charset_driver.c. For every charset: every character the
reference codec maps, at least once, in strings encoded by Python; thousands
of strings of random bytes weighted toward the charset's lead and trail
bytes; each cut at random points between calls, some through output buffers
of 4 to 9 bytes. The answer must be Python's bytes.decode(errors="replace")
byte for byte, where the reference is:

- Python's codec of the same name, or the superset charset.h names
  (ISO-8859-1 -> cp1252, Shift_JIS -> cp932, EUC-KR -> cp949, Big5 -> cp950,
  GB2312/GBK -> gb18030, US-ASCII -> utf-8);
- for EUC-JP, euc_jp with an error handler that decodes the CP932 rows
  13 and 89-92 that charset.h adds;
- for ISO-2022-JP, whose error handling charset.h defines otherwise than
  Python: a model built token by token (a designation, a character of the
  set in use, a control byte, ...) from Python's codecs for each set; the
  model itself is checked against Python's iso2022_jp_ext and iso2022_jp_2
  on streams where the two definitions agree, and random bytes are checked
  for what holds anyway (valid UTF-8, at most one U+FFFD a byte, the same
  answer however the input is cut).

Charset names are checked against codecs.lookup(), and encoded words against
the header parser of Python's email package (policy.default).

usage: test_charset.py DRIVER
"""

import base64
import codecs
import email
import email.policy
import encodings.aliases
import random
import re
import struct
import subprocess
import sys
import unittest

import tap

DRIVER = sys.argv[1]
REPLACEMENT = "\ufffd"

# Python codec -> the charset it decodes as here (charset.h).
CODEC_CHARSET = {
    "utf_8": "UTF-8", "ascii": "UTF-8", "latin_1": "ISO-8859-1", "iso8859_9": "ISO-8859-9",
    "iso8859_11": "ISO-8859-11", "cp874": "windows-874", "tis_620": "windows-874",
    "koi8_r": "KOI8-R", "koi8_u": "KOI8-U",
    "cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP", "iso2022_jp_1": "ISO-2022-JP", "iso2022_jp_2": "ISO-2022-JP",
    "iso2022_jp_ext": "ISO-2022-JP", "gb2312": "GB18030", "gbk": "GB18030", "gb18030": "GB18030",
    "euc_kr": "EUC-KR", "cp949": "EUC-KR", "big5": "Big5", "cp950": "Big5",
}
CODEC_CHARSET.update({f"iso8859_{n}": f"ISO-8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)})
CODEC_CHARSET.update({f"cp125{n}": f"windows-125{n}" for n in range(9)})
# Labels mail uses that Python does not know.
EXTRA_LABELS = {
    "x-sjis": "Shift_JIS", "windows-31j": "Shift_JIS", "x-ms-cp932": "Shift_JIS", "x-euc-jp": "EUC-JP",
    "cseucpkdfmtjapanese": "EUC-JP", "gb_2312-80": "GB18030", "csgb2312": "GB18030", "x-gbk": "GB18030",
    "ks_c_5601-1989": "EUC-KR", "windows-949": "EUC-KR", "cseuckr": "EUC-KR", "csksc56011987": "EUC-KR",
    "cn-big5": "Big5", "x-x-big5": "Big5", "windows-874": "windows-874", "koi8-ru": "KOI8-U",
    "unicode-1-1-utf-8": "UTF-8", "iso-8859-8-i": "ISO-8859-8", "x-cp1252": "windows-1252",
    "iso88591": "ISO-8859-1", "iso885915": "ISO-8859-15",
}
UNKNOWN_LABELS = ["", "x-unknown", "big5-hkscs", "utf-16", "utf-7", "iso-8859-12", "unknown-8bit", "ebcdic",
                  "utf-8" + "-x" * 30, "ut\u00e9f-8", "iso-2022-jp-3", "shift_jisx0213", "-", "..."]

# Charset -> the reference codec (None: a function below).
REFERENCE = {
    "UTF-8": "utf-8", "ISO-8859-1": "cp1252", "ISO-8859-9": "cp1254", "ISO-8859-11": "cp874",
    "windows-874": "cp874", "KOI8-R": "koi8_r", "KOI8-U": "koi8_u", "Shift_JIS": "cp932", "EUC-JP": None,
    "ISO-2022-JP": None, "GB18030": "gb18030", "EUC-KR": "cp949", "Big5": "cp950",
}
REFERENCE.update({f"ISO-8859-{n}": f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)})
REFERENCE.update({f"windows-125{n}": f"cp125{n}" for n in range(9)})


# The driver.

def _word(v):
    return struct.pack("<I", v)


def _string(b):
    return _word(len(b)) + b


def decode_request(name, data, cuts=(), chunk=0):
    return b"D" + _string(name.encode()) + _word(chunk) + _word(len(cuts)) + b"".join(map(_word, cuts)) + \
        _string(data)


def run_driver(requests, names=False):
    """Answers to 'D' and 'W' requests (bytes), or to 'N' requests ((number, name))."""
    r = subprocess.run([DRIVER], input=b"".join(requests), capture_output=True, timeout=600)
    if r.returncode:
        raise AssertionError(f"charset_driver exited {r.returncode}: {r.stderr.decode(errors='replace')}")
    out, at, answers = r.stdout, 0, []
    while at < len(out):
        number = None
        if names:
            number, = struct.unpack_from("<I", out, at)
            at += 4
        n, = struct.unpack_from("<I", out, at)
        answers.append((number, out[at + 4:at + 4 + n].decode()) if names else out[at + 4:at + 4 + n])
        at += 4 + n
    if len(answers) != len(requests):
        raise AssertionError(f"{len(requests)} requests, {len(answers)} answers")
    return answers


# References.

def sjis_pair(row, cell):
    """CP932 bytes of a 1-based JIS row and cell."""
    r, c = row - 1, cell - 1
    lead = (r >> 1) + (0x81 if r < 62 else 0xC1)
    t = c + (94 if r & 1 else 0)
    return bytes([lead, t + 0x40 + (t >= 0x3F)])


def one_char(data, codec):
    try:
        s = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return s if len(s) == 1 else None


def cp932_row_char(lead, trail):
    """The character CP932 gives the JIS pair (0xA1-based bytes) in the rows
    it adds to JIS X 0208 (13, 89-92), or None."""
    row, cell = lead - 0xA0, trail - 0xA0
    if row in (13, 89, 90, 91, 92) and 1 <= cell <= 94:
        return one_char(sjis_pair(row, cell), "cp932")
    return None


def _cp932_rows_handler(err):
    data = err.object
    if err.start + 1 < len(data):
        ch = cp932_row_char(data[err.start], data[err.start + 1])
        if ch:
            return ch, err.start + 2
    return REPLACEMENT, err.end


codecs.register_error("smtpcode-cp932-rows", _cp932_rows_handler)


def reference(charset, data):
    if charset == "EUC-JP":
        return data.decode("euc_jp", "smtpcode-cp932-rows")
    return data.decode(REFERENCE[charset], "replace")


# The ISO-2022-JP model: a stream of tokens, each (bytes, text).

DESIGNATE = {b"\x1b(B": "ascii", b"\x1b(J": "roman", b"\x1b(I": "kana", b"\x1b$@": "jis", b"\x1b$B": "jis",
             b"\x1b$(B": "jis", b"\x1b$(@": "jis", b"\x1b$(D": "jis0212", b"\x1b$D": "jis0212", b"\x1b$A": "gb",
             b"\x1b$(A": "gb", b"\x1b$(C": "ksc", b"\x1b$C": "ksc"}
DESIGNATE_G2 = {b"\x1b.A": "latin1", b"\x1b.F": "greek"}
NO_OPS = [b"\x1b&@", b"\x1b)B", b"\x1b)I", b"\x1b)J", b"\x1b$)B", b"\x1b$)C", b"\x1b$)A"]
UNKNOWN_ESCAPES = [b"\x1b(Z", b"\x1b$Z", b"\x1bx", b"\x1b(1", b"\x1b$(Q", b"\x1b.Z", b"\x1b ~", b"\x1b$)~",
                   b"\x1bc", b"\x1b(b", b"\x1b$ 0"]
CONTROLS = [0x00, 0x09, 0x0A, 0x0D, 0x0E, 0x0F, 0x20, 0x7F]
TWO_BYTE = ("jis", "jis0212", "gb", "ksc")


def pair_char(charset, b1, b2):
    high = bytes([b1 | 0x80, b2 | 0x80])
    if charset == "jis":
        return one_char(high, "euc_jp") or cp932_row_char(b1 | 0x80, b2 | 0x80) or REPLACEMENT
    if charset == "jis0212":
        return one_char(b"\x8f" + high, "euc_jp") or REPLACEMENT
    if charset == "gb":
        return one_char(high, "gb2312") or one_char(high, "gb18030") or REPLACEMENT
    return one_char(high, "cp949") or REPLACEMENT


def single_char(charset, b):
    if charset == "roman":
        return {0x5C: "\u00a5", 0x7E: "\u203e"}.get(b, chr(b))
    if charset == "kana":
        return chr(0xFF61 + b - 0x21) if b <= 0x5F else REPLACEMENT
    return chr(b)


def ss2_char(g2, b):
    if b >= 0x80:
        return REPLACEMENT
    if g2 == "latin1":
        return chr(b + 0x80)
    if g2 == "greek":
        return bytes([b + 0x80]).decode("iso8859_7", "replace")
    return chr(b)


def mapped_pairs(charset):
    return [(b1, b2) for b1 in range(0x21, 0x7F) for b2 in range(0x21, 0x7F)
            if pair_char(charset, b1, b2) != REPLACEMENT]


class JisModel:
    """Makes token streams and what they decode to."""

    def __init__(self, rng):
        self.rng = rng
        self.pairs = {c: mapped_pairs(c) for c in TWO_BYTE}

    def graphic(self, g0, mapped_only=False):
        rng = self.rng
        if g0 in TWO_BYTE:
            if mapped_only or rng.random() < 0.6:
                b1, b2 = rng.choice(self.pairs[g0])
            else:
                b1, b2 = rng.randrange(0x21, 0x7F), rng.randrange(0x21, 0x7F)
            return bytes([b1, b2]), pair_char(g0, b1, b2)
        b = rng.randrange(0x21, 0x7F)
        return bytes([b]), single_char(g0, b)

    def stream(self, n, cut_off=True):
        """Up to n tokens with every kind of token in them."""
        rng, g0, g2 = self.rng, "ascii", "ascii"
        data, text = bytearray(), []
        lone_lead = False
        for _ in range(n):
            r = rng.random()
            if lone_lead:  # a lead byte alone must be followed by a byte that cannot be a trail
                r = rng.choice([0.12, 0.2, 0.25])
                lone_lead = False
            if r < 0.10:
                seq = rng.choice(list(DESIGNATE))
                g0 = DESIGNATE[seq]
                data += seq
            elif r < 0.13:
                seq = rng.choice(list(DESIGNATE_G2))
                g2 = DESIGNATE_G2[seq]
                data += seq
            elif r < 0.16:
                b = rng.randrange(0x100)
                data += b"\x1bN" + bytes([b])
                text.append(ss2_char(g2, b))
            elif r < 0.18:
                data += rng.choice(NO_OPS)
            elif r < 0.21:
                data += rng.choice(UNKNOWN_ESCAPES)
                text.append(REPLACEMENT)
            elif r < 0.24:
                b = rng.choice(CONTROLS)
                data.append(b)
                text.append(chr(b))
            elif r < 0.26:
                data.append(rng.randrange(0x80, 0x100))
                text.append(REPLACEMENT)
            elif r < 0.28:  # ESC, then a byte that is neither intermediate nor final: read afresh
                b = rng.choice([0x0A, 0x09, 0x1B, 0x85, 0xFF])
                if b == 0x1B:
                    data += b"\x1b\x1b(B"
                    text.append(REPLACEMENT)
                    g0 = "ascii"
                else:
                    data += bytes([0x1B, b])
                    text += [REPLACEMENT, chr(b) if b < 0x80 else REPLACEMENT]
            elif r < 0.30 and g0 in TWO_BYTE:
                data.append(rng.randrange(0x21, 0x7F))
                text.append(REPLACEMENT)
                lone_lead = True
            else:
                seq, ch = self.graphic(g0)
                data += seq
                text.append(ch)
        if cut_off and rng.random() < 0.1:  # cut off by the end: one U+FFFD
            ends = [b"\x1b", b"\x1b$", b"\x1b$(", b"\x1bN"]
            data += rng.choice(ends + ([b"!"] if g0 in TWO_BYTE and not lone_lead else []))
            text.append(REPLACEMENT)
        return bytes(data), "".join(text)

    def python_stream(self, n, variant):
        """A stream on which the model and Python's codec (iso2022_jp_ext or
        iso2022_jp_2) must agree: sets Python has, mapped pairs, control
        bytes only where a character may start, no escape Python does not know."""
        rng, g0, g2 = self.rng, "ascii", "ascii"
        sets = {b"\x1b(B": "ascii", b"\x1b(J": "roman", b"\x1b$B": "jis", b"\x1b$@": "jis"}
        if variant == "iso2022_jp_ext":
            sets[b"\x1b(I"] = "kana"
        else:
            sets.update({b"\x1b$(D": "jis0212", b"\x1b$A": "gb", b"\x1b$(C": "ksc"})
        data, text = bytearray(), []
        for _ in range(n):
            r = rng.random()
            if r < 0.15:
                seq = rng.choice(list(sets))
                g0 = sets[seq]
                data += seq
            elif r < 0.2:
                b = rng.choice([0x09, 0x0A, 0x0D])
                data.append(b)
                text.append(chr(b))
            elif r < 0.22:
                data.append(rng.randrange(0x80, 0x100))
                text.append(REPLACEMENT)
            elif r < 0.26 and variant == "iso2022_jp_2":
                seq = rng.choice(list(DESIGNATE_G2))
                g2 = DESIGNATE_G2[seq]
                data += seq
            elif r < 0.3 and variant == "iso2022_jp_2":
                b = rng.choice([b for b in range(0x80) if g2 != "greek" or b not in (0x24, 0x25, 0x2A)])
                data += b"\x1bN" + bytes([b])
                text.append(ss2_char(g2, b))
            else:
                seq, ch = self.graphic(g0, mapped_only=True)
                if g0 == "jis" and one_char(bytes([seq[0] | 0x80, seq[1] | 0x80]), "euc_jp") is None:
                    continue  # a CP932 row Python's codec does not have
                if g0 == "gb" and one_char(bytes([seq[0] | 0x80, seq[1] | 0x80]), "gb2312") is None:
                    continue
                data += seq
                text.append(ch)
        return bytes(data), "".join(text)


# Inputs.

def units(charset):
    """Byte strings that the reference decodes as one character each: every
    character it maps (a sample above the BMP)."""
    if charset == "UTF-8":
        return [chr(c).encode() for c in list(range(0xD800)) + list(range(0xE000, 0x10000)) +
                list(range(0x10000, 0x110000, 61))]
    if charset == "ISO-2022-JP":
        return []
    if REFERENCE[charset] and REFERENCE[charset].startswith(("cp125", "iso8859", "koi8", "cp874")):
        return [bytes([b]) for b in range(0x100)]
    out = [bytes([b]) for b in range(0x80)]
    codec = REFERENCE[charset] or "euc_jp"
    for lead in range(0x80, 0x100):
        if one_char(bytes([lead]), codec):
            out.append(bytes([lead]))
        for trail in range(0x100):
            if one_char(bytes([lead, trail]), codec):
                out.append(bytes([lead, trail]))
    if charset == "EUC-JP":
        out += [b"\x8f" + bytes([r, c]) for r in range(0xA1, 0xFF) for c in range(0xA1, 0xFF)
                if one_char(b"\x8f" + bytes([r, c]), "euc_jp")]
        out += [sjis for sjis in (bytes([0xA0 + r, 0xA0 + c]) for r in (13, 89, 90, 91, 92) for c in range(1, 95))
                if cp932_row_char(sjis[0], sjis[1])]
    if charset == "GB18030":
        for index in list(range(39420)) + list(range(189000, 189000 + 0x100000, 37)):
            a, r = divmod(index, 12600)
            b, r = divmod(r, 1260)
            c, d = divmod(r, 10)
            out.append(bytes([0x81 + a, 0x30 + b, 0x81 + c, 0x30 + d]))
    return out


def weighted_bytes(rng, charset, n):
    """Random bytes, most of them where the charset's sequences live."""
    if charset == "GB18030":
        pools = [range(0x81, 0xFF), range(0x30, 0x3A), range(0x40, 0xFF), range(0x00, 0x80), [0x80, 0xFF]]
    elif charset == "Shift_JIS":
        pools = [list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)), range(0x40, 0xFD), range(0x00, 0x80),
                 [0x80, 0xA0, 0xFD, 0xFE, 0xFF, 0x7F]]
    elif charset == "EUC-JP":
        pools = [range(0xA1, 0xFF), [0x8E, 0x8F], range(0x00, 0x80), range(0x80, 0xA1)]
    elif charset == "EUC-KR":
        pools = [range(0x81, 0xFF), range(0x41, 0xFF), range(0x00, 0x80)]
    elif charset == "Big5":
        pools = [range(0xA1, 0xFA), range(0x40, 0xFF), range(0x00, 0x80)]
    elif charset == "UTF-8":
        pools = [range(0x80, 0xC0), range(0xC0, 0x100), range(0xE0, 0xF5), range(0x00, 0x80),
                 [0xE0, 0xED, 0xF0, 0xF4]]
    else:
        pools = [range(0x80, 0x100), range(0x00, 0x80)]
    return bytes(rng.choice(rng.choice(pools)) for _ in range(n))


def cuts(rng, n):
    """Where to cut an input of n bytes between calls."""
    r = rng.random()
    if r < 0.3 or n < 2:
        return []
    if r < 0.4:
        return list(range(1, n))  # a byte a call
    return sorted(rng.sample(range(n + 1), min(n + 1, rng.randrange(1, 5))))


def chunk(rng):
    return rng.randrange(4, 10) if rng.random() < 0.15 else 0


def check_utf8_and_count(test, data, out):
    """Holds for any input: the output is UTF-8 with at most one U+FFFD a byte."""
    text = out.decode("utf-8")
    test.assertLessEqual(text.count(REPLACEMENT), len(data))
    return text


class Decode(unittest.TestCase):
    maxDiff = 2000

    def check_charset(self, charset):
        rng = random.Random(f"{charset}-13")
        cases = []  # (input, expected or None, cut points, chunk)
        pieces = units(charset)
        rng.shuffle(pieces)
        ascii_words = [b" ", b"a", b"550 ", b"\r\n", b"~\\", b"5.1.1"]
        i = 0
        while i < len(pieces):  # every character, in strings of up to 40
            k = rng.randrange(1, 41)
            parts = pieces[i:i + k] + [rng.choice(ascii_words) for _ in range(rng.randrange(3))]
            rng.shuffle(parts)
            data = b"".join(parts)
            cases.append((data, reference(charset, data)))
            i += k
        for _ in range(3000):  # random bytes where the sequences are
            data = weighted_bytes(rng, charset, rng.randrange(49))
            cases.append((data, reference(charset, data)))
        for _ in range(300):
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(65)))
            cases.append((data, reference(charset, data)))
        self.check_cases(charset, cases, rng)

    def check_cases(self, charset, cases, rng):
        """Each (input, expected text) decoded cut at random points, some
        through small output buffers."""
        requests, plan = [], []
        for data, expected in cases:
            c, ch = cuts(rng, len(data)), chunk(rng)
            requests.append(decode_request(charset, data, c, ch))
            plan.append((data, expected, c, ch))
        for (data, expected, c, ch), out in zip(plan, run_driver(requests)):
            text = check_utf8_and_count(self, data, out)
            self.assertEqual(text, expected, f"{charset}: {data!r} cut at {c}, output chunks of {ch or 'any'}")

    def test_iso_2022_jp(self):
        rng = random.Random("ISO-2022-JP-13")
        model = JisModel(rng)
        cases = []
        for charset, designation in (("jis", b"\x1b$B"), ("jis0212", b"\x1b$(D"), ("gb", b"\x1b$A"),
                                     ("ksc", b"\x1b$(C")):
            pairs = model.pairs[charset]
            for i in range(0, len(pairs), 40):  # every character of every set
                chunk_pairs = pairs[i:i + 40]
                data = b"a" + designation + b"".join(bytes(p) for p in chunk_pairs) + b"\x1b(Bz\n"
                cases.append((data, "a" + "".join(pair_char(charset, *p) for p in chunk_pairs) + "z\n"))
        kana = bytes(range(0x21, 0x7F))
        cases.append((b"\x1b(I" + kana, "".join(single_char("kana", b) for b in kana)))
        cases.append((b"\x1b(J" + kana, "".join(single_char("roman", b) for b in kana)))
        for _ in range(3000):
            cases.append(model.stream(rng.randrange(1, 30)))
        self.check_cases("ISO-2022-JP", cases, rng)

    def test_iso_2022_jp_model_is_python(self):
        """The model agrees with Python's codecs where their definitions do."""
        rng = random.Random("model-13")
        model = JisModel(rng)
        for variant in ("iso2022_jp_ext", "iso2022_jp_2"):
            for _ in range(500):
                data, text = model.python_stream(rng.randrange(1, 40), variant)
                self.assertEqual(text, data.decode(variant, "replace"), f"{variant}: {data!r}")

    def test_random_bytes_any_cut(self):
        """Uniform random bytes in every charset: UTF-8 out, at most one U+FFFD
        a byte, and the same answer whole, cut anywhere and through small
        output buffers (ISO-2022-JP included, whose model covers tokens only)."""
        rng = random.Random("cuts-13")
        requests, plan = [], []
        for charset in REFERENCE:
            for _ in range(200):
                data = bytes(rng.choice([0x1B, rng.randrange(256), rng.randrange(0x20, 0x30)])
                             for _ in range(rng.randrange(1, 40)))
                requests.append(decode_request(charset, data))
                for _ in range(3):
                    requests.append(decode_request(charset, data, cuts(rng, len(data)) or [len(data) // 2],
                                                   chunk(rng)))
                plan.append((charset, data))
        answers = run_driver(requests)
        for k, (charset, data) in enumerate(plan):
            whole = answers[4 * k]
            check_utf8_and_count(self, data, whole)
            for other in answers[4 * k + 1:4 * k + 4]:
                self.assertEqual(other, whole, f"{charset}: {data.hex()}")

    def test_labels_decode_as_their_charset(self):
        """A few of the labels mail uses, an unknown one decoding as UTF-8."""
        data = "Adresse \u00e9lectronique introuvable \u2013 5.1.1".encode("cp1252") + b"\x81\xe2\x82\xac"
        labels = {"latin1": "cp1252", "us-ascii": "utf-8", "x-unknown": "utf-8", "": "utf-8",
                  "windows-1252": "cp1252", "utf8": "utf-8"}
        answers = run_driver([decode_request(label, data) for label in labels])
        for (label, codec), out in zip(labels.items(), answers):
            self.assertEqual(out.decode(), data.decode(codec, "replace"), label)
        jp = "\u5b9b\u5148\u304c\u898b\u3064\u304b\u308a\u307e\u305b\u3093\uff5e\u2460"
        labels = {"sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932",
                  "shift-jis": "cp932", "csShiftJIS": "cp932"}
        answers = run_driver([decode_request(label, jp.encode("cp932")) for label in labels])
        for label, out in zip(labels, answers):
            self.assertEqual(out.decode(), jp, label)


def _add_charset_tests():
    for charset in REFERENCE:
        if charset == "ISO-2022-JP":
            continue
        name = "test_" + charset.lower().replace("-", "_")
        setattr(Decode, name, lambda self, c=charset: self.check_charset(c))


_add_charset_tests()


def normalize(label):
    """charset.h's rule: case ignored, any run of other bytes than ASCII
    letters and digits one separator."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


class Names(unittest.TestCase):
    def expected(self, label):
        """What Python's codecs.lookup() gives for the label, but for
        charset.h's '.' as one more separator, and the labels Python lacks."""
        key = normalize(label)
        extra = {normalize(k): v for k, v in EXTRA_LABELS.items()}
        if key in extra:
            return extra[key]
        python = {normalize(alias): codec for alias, codec in encodings.aliases.aliases.items()}
        python.update({normalize(codec): codec for codec in CODEC_CHARSET})
        charset = CODEC_CHARSET.get(python.get(key), "unknown")
        if "." not in label:  # the same as codecs.lookup(), which knows '.' only in some aliases
            by_name = {codecs.lookup(codec).name: charset for codec, charset in CODEC_CHARSET.items()}
            try:
                self.assertEqual(charset, by_name.get(codecs.lookup(label).name, "unknown"), repr(label))
            except LookupError:
                self.assertEqual(charset, "unknown", repr(label))
        return charset

    def test_python_labels_and_variants(self):
        rng = random.Random("names-13")
        labels = set(EXTRA_LABELS) | set(UNKNOWN_LABELS) | set(CODEC_CHARSET)
        labels |= {alias for alias, codec in encodings.aliases.aliases.items() if codec in CODEC_CHARSET}
        labels |= {"ISO-8859-1", "ISO_8859-1:1987", "Shift_JIS", "SHIFT-JIS", "shift jis", " utf-8 ", "UTF-8",
                   "ks_c_5601-1987", "csISO2022JP", "iso-2022-jp-2", "GB2312", "Big5", "KOI8-R", "Windows-1251",
                   "ANSI_X3.4-1968", "ansi_x3_4_1968", "us-ascii", "\"utf-8\"", "koi8-r\n", "CP932", "euc-jp",
                   "EUC-KR", "gbk", "cp936", "ISO-8859-15", "iso-8859-16", "TIS-620", "windows-874", "x-mac-japanese"}
        for label in list(labels):  # the same names in other cases and punctuation
            if label in UNKNOWN_LABELS:
                continue
            labels.add(label.upper())
            labels.add(label.replace("_", "-"))
            labels.add("".join(ch if ch.isalnum() else rng.choice("-_ .:") if ch != "." else ch for ch in label))
        labels = sorted(labels)
        answers = run_driver([b"N" + _string(label.encode()) for label in labels], names=True)
        for label, (number, name) in zip(labels, answers):
            self.assertEqual(name, self.expected(label), repr(label))
            self.assertEqual(number == 0, name == "unknown", repr(label))

    def test_every_charset_has_a_name(self):
        answers = run_driver([b"N" + _string(name.encode()) for name in REFERENCE], names=True)
        numbers = [number for number, _ in answers]
        self.assertEqual([name for _, name in answers], list(REFERENCE))
        self.assertEqual(len(set(numbers)), len(numbers))


# Encoded words.

SAMPLES = {
    "utf-8": ["Adresse \u00e9lectronique introuvable", "\u5b9b\u5148\u306e\u30e1\u30fc\u30eb\u30a2\u30c9\u30ec\u30b9",
              "\u041f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c \u043d\u0435 \u043d\u0430\u0439\u0434\u0435\u043d \U0001f4ee"],
    "iso-8859-1": ["Adresse \u00e9lectronique introuvable", "Empf\u00e4nger unbekannt", "caf\u00e9 \u00bd"],
    "iso-8859-2": ["P\u0159\u00edjemce neexistuje", "Adres\u00e1t nenalezen"],
    "koi8-r": ["\u041f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c \u043d\u0435 \u043d\u0430\u0439\u0434\u0435\u043d"],
    "windows-1251": ["\u041f\u043e\u0447\u0442\u043e\u0432\u044b\u0439 \u044f\u0449\u0438\u043a \u043f\u0435\u0440\u0435\u043f\u043e\u043b\u043d\u0435\u043d"],
    "iso-2022-jp": ["\u5b9b\u5148\u306e\u30e1\u30fc\u30eb\u30a2\u30c9\u30ec\u30b9\u304c\u898b\u3064\u304b\u308a\u307e\u305b\u3093",
                    "\u914d\u9001\u30a8\u30e9\u30fc: user unknown"],
    "shift_jis": ["\u30e1\u30fc\u30eb\u30dc\u30c3\u30af\u30b9\u304c\u3044\u3063\u3071\u3044\u3067\u3059"],
    "euc-jp": ["\u5b9b\u5148\u4e0d\u660e\u306e\u305f\u3081\u914d\u9001\u3067\u304d\u307e\u305b\u3093"],
    "gb2312": ["\u6536\u4ef6\u4eba\u5730\u5740\u4e0d\u5b58\u5728", "\u90ae\u7bb1\u5df2\u6ee1"],
    "euc-kr": ["\ubc1b\ub294 \uc0ac\ub78c\uc758 \uc8fc\uc18c\ub97c \ucc3e\uc744 \uc218 \uc5c6\uc2b5\ub2c8\ub2e4"],
    "big5": ["\u6536\u4ef6\u4eba\u5730\u5740\u4e0d\u5b58\u5728", "\u4fe1\u7bb1\u5df2\u6eff"],
}


def encoded_word(rng, charset, text):
    raw = text.encode(charset)
    label = rng.choice([charset, charset.upper()])
    if rng.random() < 0.5:
        return f"=?{label}?{rng.choice('bB')}?{base64.b64encode(raw).decode()}?="
    q = "".join(chr(b) if b < 0x80 and chr(b).isalnum() else "_" if b == 0x20 else f"={b:02X}" for b in raw)
    return f"=?{label}?{rng.choice('qQ')}?{q}?="


def python_header(value):
    message = email.message_from_bytes(b"Subject: " + value + b"\n\n", policy=email.policy.default)
    return str(message["Subject"])


def words_request(value, cap=0):
    return b"W" + _word(cap) + _string(value)


class Words(unittest.TestCase):
    maxDiff = 2000

    def test_against_python_email(self):
        rng = random.Random("words-13")
        values = []
        for _ in range(2000):
            parts = []
            for _ in range(rng.randrange(1, 7)):
                if rng.random() < 0.35:
                    parts.append(rng.choice(["Undelivered", "Mail", "550", "(failure)", "re:", "x", "notice"]))
                else:
                    charset = rng.choice(list(SAMPLES))
                    text = rng.choice(SAMPLES[charset])
                    a = rng.randrange(len(text))
                    text = text[a:a + rng.randrange(1, 20)]
                    parts.append(encoded_word(rng, charset, text))
                parts.append(rng.choice([" ", "  ", "\t", " \t "]))
            values.append("".join(parts[:-1]).encode())
        answers = run_driver([words_request(v) for v in values])
        for value, out in zip(values, answers):
            self.assertEqual(out.decode(), python_header(value), value)

    def test_truncated_at_a_character(self):
        value = ("=?utf-8?b?" + base64.b64encode("\u00e9\u20ac\U0001f4ee x".encode()).decode() +
                 "?= \u00e9 t").encode()
        whole = run_driver([words_request(value)])[0]
        answers = run_driver([words_request(value, cap) for cap in range(1, len(whole) + 3)])
        for cap, out in zip(range(1, len(whole) + 3), answers):
            self.assertTrue(whole.startswith(out), (cap, out))
            out.decode()  # whole characters only
            self.assertGreater(len(out), cap - 4, (cap, out))


if __name__ == "__main__":
    tap.main()
