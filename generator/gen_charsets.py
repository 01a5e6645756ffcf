"""Writes smtpcode_charsets.h: the tables behind src/charset.c, taken from
Python's own codecs by decoding every byte and byte pair, and the charset
labels (aliases) that mail uses.

Every table is const uint16_t (or smaller) code points, 0 where nothing is
mapped, so it stays in .rodata with no relocation. The two-byte sets are
rows of cells; rows with no character are left out through a row index
(255: none). What each table holds:

- sbcs: the upper half (0x80-0xFF) of each single-byte charset, one row per
  distinct table, and sbcs_row: charset -> row (255: not single-byte);
- jis: JIS X 0208 as CP932 maps it (rows 1-94 with NEC row 13 and the
  NEC-selected IBM rows 89-92, and CP932's IBM rows 115-119), with jis_std:
  the cells where JIS X 0208 proper (Python's euc_jp and iso2022_jp) maps
  differently; jis0212: JIS X 0212;
- gb: GB18030's two-byte part (leads 0x81-0xFE, trails 0x40-0xFE but 0x7F),
  gb2312_std: the cells where GB 2312 proper maps differently, and gb4: the
  four-byte forms of the BMP as runs (first linear index, first code point);
- ksc: KS X 1001 (CP949's 0xA1-0xFE part), and uhc_bits / uhc_zeros: which of
  the 11,172 Hangul syllables KS X 1001 has, in 32-bit words, and how many it
  lacks before each word: CP949's other two-byte codes are those it lacks,
  in order;
- big5: CP950 (leads 0xA1-0xFE, trails 0x40-0x7E and 0xA1-0xFE);
- alias_pool / alias: every label, normalized as charset.c normalizes it
  (lower case, runs of other characters than letters and digits as one '_'),
  sorted, with its charset.

The script checks its own assumptions (the byte ranges charset.c reads, the
single bytes it decodes without a table) against the codecs, and stops if
one fails.

usage: gen_charsets.py CHARSET_H > smtpcode_charsets.h
"""

import codecs
import encodings.aliases
import re
import sys

import cgen

# For each charset id of src/charset.h: the Python codec its table comes from
# (None: no table), the codecs whose names and aliases are its labels, and
# labels mail uses that Python does not know (WHATWG Encoding's, mostly).
SOURCES = {
    "UTF_8": (None, ["utf_8", "ascii"], ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8",
                                         "x-unicode20utf8"]),
    "ISO_8859_1": ("cp1252", ["latin_1"], ["iso88591", "iso_8859-1:1987"]),
    "ISO_8859_2": ("iso8859_2", ["iso8859_2"], ["iso88592"]),
    "ISO_8859_3": ("iso8859_3", ["iso8859_3"], ["iso88593"]),
    "ISO_8859_4": ("iso8859_4", ["iso8859_4"], ["iso88594"]),
    "ISO_8859_5": ("iso8859_5", ["iso8859_5"], ["iso88595"]),
    "ISO_8859_6": ("iso8859_6", ["iso8859_6"], ["iso88596", "iso-8859-6-e", "iso-8859-6-i", "csiso88596e",
                                                 "csiso88596i"]),
    "ISO_8859_7": ("iso8859_7", ["iso8859_7"], ["iso88597", "sun_eu_greek"]),
    "ISO_8859_8": ("iso8859_8", ["iso8859_8"], ["iso88598", "iso-8859-8-e", "iso-8859-8-i", "csiso88598e",
                                                 "csiso88598i", "logical", "visual"]),
    "ISO_8859_9": ("cp1254", ["iso8859_9"], ["iso88599"]),
    "ISO_8859_10": ("iso8859_10", ["iso8859_10"], ["iso885910"]),
    "ISO_8859_11": ("cp874", ["iso8859_11"], ["iso885911"]),
    "ISO_8859_13": ("iso8859_13", ["iso8859_13"], ["iso885913"]),
    "ISO_8859_14": ("iso8859_14", ["iso8859_14"], ["iso885914"]),
    "ISO_8859_15": ("iso8859_15", ["iso8859_15"], ["iso885915", "csisolatin9"]),
    "ISO_8859_16": ("iso8859_16", ["iso8859_16"], ["iso885916"]),
    "WINDOWS_874": ("cp874", ["cp874", "tis_620"], ["windows-874", "dos-874"]),
    "WINDOWS_1250": ("cp1250", ["cp1250"], ["x-cp1250"]),
    "WINDOWS_1251": ("cp1251", ["cp1251"], ["x-cp1251"]),
    "WINDOWS_1252": ("cp1252", ["cp1252"], ["x-cp1252"]),
    "WINDOWS_1253": ("cp1253", ["cp1253"], ["x-cp1253"]),
    "WINDOWS_1254": ("cp1254", ["cp1254"], ["x-cp1254"]),
    "WINDOWS_1255": ("cp1255", ["cp1255"], ["x-cp1255"]),
    "WINDOWS_1256": ("cp1256", ["cp1256"], ["x-cp1256"]),
    "WINDOWS_1257": ("cp1257", ["cp1257"], ["x-cp1257"]),
    "WINDOWS_1258": ("cp1258", ["cp1258"], ["x-cp1258"]),
    "KOI8_R": ("koi8_r", ["koi8_r"], ["koi", "koi8", "koi8r"]),
    "KOI8_U": ("koi8_u", ["koi8_u"], ["koi8-ru", "koi8u"]),
    "SHIFT_JIS": ("cp932", ["cp932", "shift_jis"], ["x-sjis", "shift-jis", "windows-31j", "x-ms-cp932",
                                                    "ms_kanji", "sjis-open", "sjis-win", "cswindows31j"]),
    "EUC_JP": ("euc_jp", ["euc_jp"], ["x-euc-jp", "cseucpkdfmtjapanese", "eucjp-ms", "eucjp-open", "eucjp-win",
                                      "cp51932", "x-euc"]),
    "ISO_2022_JP": (None, ["iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_ext"],
                    ["csiso2022jp2", "cp50220", "cp50221", "cp50222", "iso-2022-jp-ms"]),
    "GB18030": ("gb18030", ["gb2312", "gbk", "gb18030"], ["gb_2312-80", "gb_2312", "csgb2312", "x-gbk", "x-euc-cn",
                                                         "cn-gb", "x-gb2312", "windows-936", "gb2312-80"]),
    "EUC_KR": ("cp949", ["euc_kr", "cp949"], ["ks_c_5601-1989", "ksc_5601", "csksc56011987", "iso-ir-149",
                                              "windows-949", "x-windows-949", "cseuckr", "x-euc-kr"]),
    "BIG5": ("cp950", ["big5", "cp950"], ["cn-big5", "x-x-big5", "x-big5", "big-5", "big-five", "bigfive"]),
}

UNMAPPED = 0
NO_ROW = 255
HANGUL_FIRST, HANGUL_COUNT = 0xAC00, 11172


def fail(message):
    sys.exit(f"gen_charsets.py: {message}")


def charsets_from(charset_h):
    """The SMTPCODE__CHARSETS table: [(id, name, kind)], in enum order from 1."""
    found = cgen.x_macro(charset_h, "SMTPCODE__CHARSETS", r'X\((\w+), "([^"]*)", (\w+)\)')
    ids = [c[0] for c in found]
    if set(ids) != set(SOURCES):
        fail(f"charset.h and SOURCES differ: {sorted(set(ids) ^ set(SOURCES))}")
    return found


def char(data, codec):
    """The one character `data` decodes to, or None."""
    try:
        s = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if len(s) != 1:
        fail(f"{codec}: {data.hex()} decodes to {len(s)} characters")
    return ord(s)


def pairs(codec, leads, trails):
    """{(lead, trail): code point} for every pair the codec decodes as one
    character (not as two single bytes)."""
    out = {}
    for lead in leads:
        for trail in trails:
            try:
                s = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out[(lead, trail)] = ord(s)
    return out


def check_bmp(name, cells):
    for key, cp in cells.items():
        if not 0 < cp <= 0xFFFF:
            fail(f"{name}: {key} maps to U+{cp:04X}, not a nonzero BMP code point")


# Single-byte charsets.

def sbcs_tables(charsets):
    rows, index, row_of = [], {}, []
    for cid, _name, kind in charsets:
        if kind != "SBCS":
            row_of.append(NO_ROW)
            continue
        codec = SOURCES[cid][0]
        for b in range(0x80):
            if char(bytes([b]), codec) != b:
                fail(f"{codec} does not map byte {b:#x} to itself: charset.c copies ASCII as it is")
        row = tuple(char(bytes([b]), codec) or 0xFFFD for b in range(0x80, 0x100))
        if row not in index:
            index[row] = len(rows)
            rows.append(row)
        row_of.append(index[row])
    return rows, row_of


# Japanese.

def sjis_bytes(row, cell):
    """Shift_JIS bytes of a 0-based JIS row (0-119) and cell (0-93)."""
    lead = (row >> 1) + (0x81 if row < 62 else 0xC1)
    t = cell + (94 if row & 1 else 0)
    return bytes([lead, t + 0x40 + (t >= 0x3F)])


def jis_tables():
    """CP932's 120 rows (0-based; the user-defined rows 94-113 are private use,
    computed, not stored), the JIS X 0208 differences, and JIS X 0212."""
    cp932 = {}
    for row in range(120):
        for cell in range(94):
            cp = char(sjis_bytes(row, cell), "cp932")
            if 94 <= row < 114:
                if cp != 0xE000 + 188 * ((row - 94) >> 1) + (row & 1) * 94 + cell:
                    fail(f"cp932 user-defined row {row + 1} cell {cell + 1} is not the private use charset.c computes")
            elif cp is not None:
                cp932[(row, cell)] = cp
    # Every pair cp932 decodes is one of those (the trail byte ranges are right).
    for (lead, trail), cp in pairs("cp932", range(0x81, 0x100), range(0x100)).items():
        if not (0x40 <= trail <= 0xFC and trail != 0x7F and (0x81 <= lead <= 0x9F or 0xE0 <= lead <= 0xFC)):
            fail(f"cp932 decodes {lead:02x}{trail:02x}, outside the ranges charset.c reads")
    for b in range(0x80, 0x100):
        expect = {0x80: 0x80, 0xA0: 0xF8F0, 0xFD: 0xF8F1, 0xFE: 0xF8F2, 0xFF: 0xF8F3}.get(b)
        if 0xA1 <= b <= 0xDF:
            expect = 0xFEC0 + b
        if char(bytes([b]), "cp932") != expect:
            fail(f"cp932 single byte {b:#x} is not what charset.c decodes")
    check_bmp("cp932", cp932)
    std = []
    for row in range(94):
        for cell in range(94):
            euc = char(bytes([0xA1 + row, 0xA1 + cell]), "euc_jp")
            jis = char(b"\x1b$B" + bytes([0x21 + row, 0x21 + cell]) + b"\x1b(B", "iso2022_jp")
            if euc != jis:
                fail(f"euc_jp and iso2022_jp differ at row {row + 1} cell {cell + 1}")
            ms = cp932.get((row, cell))
            if euc is not None and ms is None:
                fail(f"euc_jp maps row {row + 1} cell {cell + 1}, cp932 does not")
            if euc is not None and euc != ms:
                std.append((row * 94 + cell, euc))
            if euc is None and ms is not None and row + 1 not in (13, 89, 90, 91, 92):
                fail(f"cp932 adds row {row + 1} cell {cell + 1}: outside the rows charset.h says it adds")
    jis0212 = {}
    for row in range(94):
        for cell in range(94):
            cp = char(bytes([0x8F, 0xA1 + row, 0xA1 + cell]), "euc_jp")
            if cp is not None:
                jis0212[(row, cell)] = cp
    check_bmp("euc_jp JIS X 0212", jis0212)
    for b in range(0x80, 0x100):
        if b in (0x8E, 0x8F):
            continue
        for t in range(0x100):
            if char(bytes([b, t]), "euc_jp") is not None and not (0xA1 <= b <= 0xFE and 0xA1 <= t <= 0xFE):
                fail(f"euc_jp decodes {b:02x}{t:02x}, outside the ranges charset.c reads")
    for t in range(0x100):
        if char(bytes([0x8E, t]), "euc_jp") != (0xFEC0 + t if 0xA1 <= t <= 0xDF else None):
            fail(f"euc_jp 8e{t:02x} is not the half-width katakana charset.c decodes")
    return cp932, std, jis0212


# Chinese and Korean.

def gb_tables():
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    two = pairs("gb18030", range(0x81, 0xFF), trails)
    if len(two) != 126 * 190:
        fail(f"gb18030 maps {len(two)} of the 23940 two-byte codes; charset.c expects all")
    check_bmp("gb18030", two)
    for (lead, trail) in pairs("gb18030", range(0x80, 0x100), range(0x100)):
        if (lead, trail) not in two:
            fail(f"gb18030 decodes {lead:02x}{trail:02x}, outside the ranges charset.c reads")
    std = []
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            cp = char(bytes([lead, trail]), "gb2312")
            if cp is not None and cp != two[(lead, trail)]:
                std.append(((lead - 0xA1) * 94 + trail - 0xA1, cp))
    ranges = []
    for lseq in range(39420):
        a, r = divmod(lseq, 12600)
        b, r = divmod(r, 1260)
        c, d = divmod(r, 10)
        cp = char(bytes([0x81 + a, 0x30 + b, 0x81 + c, 0x30 + d]), "gb18030")
        if cp is None or cp > 0xFFFF:
            fail(f"gb18030 four-byte index {lseq} is not a BMP character")
        if not ranges or cp - ranges[-1][1] != lseq - ranges[-1][0]:
            ranges.append((lseq, cp))
    for probe, cp in ((b"\x90\x30\x81\x30", 0x10000), (b"\xe3\x32\x9a\x35", 0x10FFFF)):
        if char(probe, "gb18030") != cp:
            fail(f"gb18030 {probe.hex()} is not U+{cp:04X}: charset.c computes the planes above the BMP")
    return two, std, ranges


def uhc_position(lead, trail):
    """The rank of a CP949 code outside KS X 1001 (None: not such a code)."""
    if 0x41 <= trail <= 0x5A:
        t = trail - 0x41
    elif 0x61 <= trail <= 0x7A:
        t = trail - 0x61 + 26
    elif 0x81 <= trail <= 0xFE:
        t = trail - 0x81 + 52
    else:
        return None
    if 0x81 <= lead <= 0xA0:
        return (lead - 0x81) * 178 + t
    if 0xA1 <= lead <= 0xC6 and trail < 0xA1:
        return 32 * 178 + (lead - 0xA1) * 84 + t
    return None


def ksc_tables():
    ksc = {}
    for row in range(94):
        for cell in range(94):
            cp = char(bytes([0xA1 + row, 0xA1 + cell]), "cp949")
            if cp is not None:
                ksc[(row, cell)] = cp
    check_bmp("cp949", ksc)
    have = {cp - HANGUL_FIRST for cp in ksc.values() if HANGUL_FIRST <= cp < HANGUL_FIRST + HANGUL_COUNT}
    lacking = [s for s in range(HANGUL_COUNT) if s not in have]
    for (lead, trail), cp in pairs("cp949", range(0x80, 0x100), range(0x100)).items():
        if 0xA1 <= lead <= 0xFE and 0xA1 <= trail <= 0xFE:
            continue
        n = uhc_position(lead, trail)
        if n is None or n >= len(lacking) or cp != HANGUL_FIRST + lacking[n]:
            fail(f"cp949 {lead:02x}{trail:02x} is not the syllable charset.c computes")
    if len(lacking) != 8822:
        fail(f"KS X 1001 lacks {len(lacking)} syllables, not 8822")
    words = (HANGUL_COUNT + 31) // 32
    bits = [0] * words
    for s in have:
        bits[s >> 5] |= 1 << (s & 31)
    zeros, total = [], 0
    for w in range(words):
        zeros.append(total)
        total += min(32, HANGUL_COUNT - 32 * w) - bin(bits[w]).count("1")
    return ksc, bits, zeros


def big5_table():
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    cells = pairs("cp950", range(0xA1, 0xFF), trails)
    check_bmp("cp950", cells)
    for (lead, trail) in pairs("cp950", range(0x80, 0x100), range(0x100)):
        if not (0xA1 <= lead <= 0xFE and trail in trails):
            fail(f"cp950 decodes {lead:02x}{trail:02x}, outside the ranges charset.c reads")
    return {(lead - 0xA1, trails.index(trail)): cp for (lead, trail), cp in cells.items()}


# Labels.

def normalize(label):
    """As charset.c normalizes a name: lower case; every run of characters
    other than ASCII letters and digits one '_', none at either end."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def aliases(charsets):
    by_codec = {}
    for alias, codec in encodings.aliases.aliases.items():
        by_codec.setdefault(codec, []).append(alias)
    table = {}
    for number, (cid, _name, _kind) in enumerate(charsets, 1):
        labels = list(SOURCES[cid][2])
        for codec in SOURCES[cid][1]:
            labels += [codec, codecs.lookup(codec).name] + by_codec.get(codec, [])
        for label in labels:
            key = normalize(label)
            if not key or len(key) > 40:
                fail(f"label {label!r} normalizes to {key!r}")
            if table.get(key, number) != number:
                fail(f"label {label!r} names two charsets")
            table[key] = number
    return sorted(table.items())


# Output.

def rows_arrays(name, cells, nrows, width, comment):
    """`name_row[nrows]` (row -> slot, 255 none) and `name[slots][width]`."""
    slot_of, slots = [], []
    for row in range(nrows):
        values = [cells.get((row, c), UNMAPPED) for c in range(width)]
        if any(values):
            slot_of.append(len(slots))
            slots.append(values)
        else:
            slot_of.append(NO_ROW)
    assert len(slots) < NO_ROW
    out = [f"/* {comment} */", cgen.c_array("uint8_t", f"{name}_row", slot_of, 24)]
    out.append(f"static const uint16_t {name}[{len(slots)}][{width}] = {{")
    for values in slots:
        out.append("\t{" + ",".join(str(v) for v in values) + "},")
    out.append("};")
    return "\n".join(out), len(slots) * width * 2 + nrows


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.rsplit("usage: ", 1)[1])
    charsets = charsets_from(sys.argv[1])
    sbcs, sbcs_row = sbcs_tables(charsets)
    jis, jis_std, jis0212 = jis_tables()
    gb, gb2312_std, gb4 = gb_tables()
    ksc, uhc_bits, uhc_zeros = ksc_tables()
    big5 = big5_table()
    labels = aliases(charsets)

    size = 0
    out = [cgen.banner(__file__, ["src/charset.h", "Python's codecs"]),
        "#ifndef SMTPCODE_CHARSETS_H", "#define SMTPCODE_CHARSETS_H", "", "#include <stdint.h>", ""]

    out.append("/* Single-byte charsets: bytes 0x80-0xFF, 0xFFFD where unmapped. */")
    out.append(cgen.c_array("uint8_t", "smtpcode__cs_sbcs_row", [NO_ROW] + sbcs_row, 24)
               .replace(f"[{len(sbcs_row) + 1}]", "[SMTPCODE__CHARSET_COUNT]"))
    out.append(f"static const uint16_t smtpcode__cs_sbcs[{len(sbcs)}][128] = {{")
    out += ["\t{" + ",".join(str(v) for v in row) + "}," for row in sbcs]
    out.append("};")
    size += len(sbcs) * 256 + len(sbcs_row) + 1

    text, n = rows_arrays("smtpcode__cs_jis", jis, 120, 94,
                          "JIS X 0208 as CP932 maps it, by 0-based row and cell; rows 94-113 are computed")
    out += [text, _pairs_array("smtpcode__cs_jis_std", jis_std,
                               "row * 94 + cell, code point: where JIS X 0208 proper differs from CP932")]
    size += n + 4 * len(jis_std)
    text, n = rows_arrays("smtpcode__cs_jis0212", jis0212, 94, 94, "JIS X 0212, by 0-based row and cell")
    out.append(text)
    size += n

    out.append("/* GB18030's two-byte codes: lead - 0x81, trail - 0x40 (less one above 0x7F). */")
    out.append(f"static const uint16_t smtpcode__cs_gb[126][190] = {{")
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for lead in range(0x81, 0xFF):
        out.append("\t{" + ",".join(str(gb[(lead, t)]) for t in trails) + "},")
    out.append("};")
    size += 126 * 190 * 2
    out.append(_pairs_array("smtpcode__cs_gb2312_std", gb2312_std,
                            "(lead - 0xA1) * 94 + trail - 0xA1, code point: where GB 2312 proper differs"))
    out.append(_pairs_array("smtpcode__cs_gb4", gb4,
                            "GB18030 four-byte codes in the BMP: runs of (first linear index, first code point)"))
    size += 4 * (len(gb2312_std) + len(gb4))

    text, n = rows_arrays("smtpcode__cs_ksc", ksc, 94, 94, "KS X 1001 (CP949 0xA1-0xFE), by 0-based row and cell")
    out.append(text)
    size += n
    out.append("/* Which Hangul syllables (from U+AC00) KS X 1001 has, and how many it lacks before each word. */")
    out.append(cgen.c_array("uint32_t", "smtpcode__cs_uhc_bits", [f"{w:#010x}u" for w in uhc_bits], 8))
    out.append(cgen.c_array("uint16_t", "smtpcode__cs_uhc_zeros", uhc_zeros, 16))
    out.append(f"#define SMTPCODE__CS_UHC_WORDS {len(uhc_bits)}")
    size += len(uhc_bits) * 6

    text, n = rows_arrays("smtpcode__cs_big5", big5, 94, 157,
                          "CP950 by lead - 0xA1 and trail (0x40-0x7E, then 0xA1-0xFE)")
    out.append(text)
    size += n

    pool = cgen.StringPool()
    entries = [(pool.add(name), number) for name, number in labels]
    out.append(f"/* Charset labels, normalized and sorted: (offset in the pool, charset). */")
    out.append(pool.c_array("smtpcode__cs_alias_pool"))
    out.append(_pairs_array("smtpcode__cs_alias", entries, None))
    out.append(f"#define SMTPCODE__CS_ALIASES {len(entries)}")
    size += len(pool.data) + 4 * len(entries)
    assert len(pool.data) < 65536

    out.append(f"/* {size} bytes of tables. */")
    out += ["", "#endif", ""]
    sys.stdout.write("\n".join(out))


def _pairs_array(name, pairs_list, comment):
    lines = [f"/* {comment} */"] if comment else []
    lines.append(f"static const uint16_t {name}[{len(pairs_list)}][2] = {{")
    for i in range(0, len(pairs_list), 8):
        lines.append("\t" + " ".join("{%d,%d}," % p for p in pairs_list[i:i + 8]))
    lines.append("};")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
