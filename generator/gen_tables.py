"""Writes smtpcode_tables.h: the read-only tables behind the lookups.

All text lives in one string pool and is referred to by offset, so the tables
need no relocations and stay in .rodata even in a shared library. Numeric
keys are indexed densely: a basic code by (code - 200), an enhanced code by
class, subject and (subject base + detail).

usage: gen_tables.py DATADIR > smtpcode_tables.h
"""

import sys

import cgen
import smtpcode_data

STATUS = {"standard": "STANDARD", "experimental": "EXPERIMENTAL",
          "deprecated": "DEPRECATED", "registry-only": "REGISTRY_ONLY"}
NO_ENTRY = 255  # the dense indexes hold uint8 entry numbers


class Writer:
    def __init__(self, data):
        self.data = data
        self.pool = cgen.StringPool()
        self.items = []  # list items: pool offsets

    def text(self, s):
        return self.pool.add(s)

    def list(self, strings):
        start = len(self.items)
        self.items += [self.pool.add(s) for s in strings]
        assert len(self.items) < 65536, "list items overflow uint16"
        return "{%d, %d}" % (start, len(strings))

    def enum(self, kind, name):
        return f"SMTPCODE_{cgen.ident(kind)}_{cgen.ident(name)}"


def rfc_names(numbers):
    return [f"RFC {n}" for n in numbers]


def basic_table(w):
    rows, index = [], [NO_ENTRY] * 400
    for i, e in enumerate(w.data.basic):
        assert i < NO_ENTRY
        index[e["code"] - 200] = i
        rows.append(
            "\t{%d, SMTPCODE_STATUS_%s, %s, %s, %s, %s,\n"
            "\t %d, %d, %d, %d,\n"
            "\t %s, %s, %s, %s}," % (
                e["code"], STATUS[e["status"]],
                w.enum("reason", e["reason"]), w.enum("action", e["action"]),
                w.enum("bounce", e["bounce"]), w.enum("verdict", e["verdict"]),
                w.text(e["title"]), w.text(e["meaning"]), w.text(e["advice"]), w.text(e.get("notes")),
                w.list(e["causes"]), w.list(rfc_names(e["rfc"])), w.list(e["commands"]),
                w.list(e["related"])))
    return rows, index


def enhanced_table(w):
    rows = []
    class_index = [NO_ENTRY] * 6
    subject_index = {}
    details = {}  # subject -> {detail: entry}
    for i, e in enumerate(w.data.enhanced):
        assert i < NO_ENTRY
        parts = e["code"].split(".")
        if parts[1] == "X":
            kind, cls, subject, detail = "CLASS", int(parts[0]), 0, 0
            class_index[cls] = i
        elif parts[2] == "X":
            kind, cls, subject, detail = "SUBJECT", 0, int(parts[1]), 0
            subject_index[subject] = i
        else:
            kind, cls, subject, detail = "DETAIL", 0, int(parts[1]), int(parts[2])
            details.setdefault(subject, {})[detail] = i
        classes = " | ".join(f"(1 << {k})" for k in e["classes"])
        rows.append(
            "\t{SMTPCODE_KIND_%s, %d, %d, %d, %s, %s, %s, %s, %d,\n"
            "\t %d, %d, %d, %d, %d, %d, %d,\n"
            "\t {%d, %d, %d},\n"
            "\t %s, %s, %s, %s}," % (
                kind, cls, subject, detail, classes,
                w.enum("reason", e["reason"]), w.enum("action", e["action"]),
                w.enum("bounce", e["bounce"]), 1 if e["deprecated"] else 0,
                w.text(e["code"]), w.text(e["title"]), w.text(e["meaning"]), w.text(e["advice"]),
                w.text(e.get("notes")), w.text(e.get("replaced_by")), w.text(e.get("basic_note")),
                w.text(e.get("class2")), w.text(e.get("class4")), w.text(e.get("class5")),
                w.list(e["causes"]), w.list(rfc_names(e["rfc"])), w.list(e["related"]),
                w.list([str(b) for b in e["basic"]])))
    # Subjects and their details, dense: detail_base[s] + d indexes detail_index.
    max_subject = max(list(subject_index) + list(details) + [0])
    subjects = [subject_index.get(s, NO_ENTRY) for s in range(max_subject + 1)]
    base, count, flat = [], [], []
    for s in range(max_subject + 1):
        d = details.get(s, {})
        n = max(d) + 1 if d else 0
        base.append(len(flat))
        count.append(n)
        flat += [d.get(k, NO_ENTRY) for k in range(n)]
    return rows, class_index, subjects, base, count, flat


def vendor_code_table(w):
    """Vendor codes sorted by class, subject and first detail, and the index
    [class * 8 + subject] .. [+ 1] of where each (class, subject) lies."""
    vendor_index = {v["id"]: i + 1 for i, v in enumerate(w.data.vendors)}
    ordered = sorted(w.data.vendor_codes, key=lambda e: (e["cls"], e["subject"], e["lo"], e["vendor"]))
    assert all(e["subject"] < 8 for e in ordered), "vendor codes index subjects 0-7 only"
    index = [0] * (6 * 8 + 1)
    for e in ordered:
        index[e["cls"] * 8 + e["subject"] + 1] += 1
    for i in range(1, len(index)):
        index[i] += index[i - 1]
    rows = []
    for e in ordered:
        rows.append("\t{%d, %d, %s, %s, %s, %d, %d, %d, %d}, /* %s */" % (
            vendor_index[e["vendor"]], e["cls"], w.enum("reason", e["reason"]),
            w.enum("action", e["action"]) if "action" in e else "SMTPCODE_FROM_REASON",
            w.enum("bounce", e["bounce"]) if "bounce" in e else "SMTPCODE_FROM_REASON",
            e["subject"], e["lo"], e["hi"], w.text(e["meaning"]), e["first"]))
    return rows, index


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    w = Writer(data)
    basic_rows, basic_index = basic_table(w)
    enh_rows, class_index, subjects, base, count, flat = enhanced_table(w)
    vc_rows, vc_index = vendor_code_table(w)

    taxonomy = []
    for kind in smtpcode_data.TAXONOMY_KINDS:
        entries = data.taxonomy[kind]
        taxonomy.append(cgen.c_array("uint32_t", f"smtpcode__{kind}_name",
                                [w.text(e["name"]) for e in entries], 8))
        taxonomy.append(cgen.c_array("uint32_t", f"smtpcode__{kind}_title",
                                [w.text(e["title"]) for e in entries], 8))
        taxonomy.append(cgen.c_array("uint32_t", f"smtpcode__{kind}_description",
                                [w.text(e["description"]) for e in entries], 8))
    vendor_names = ["unknown"] + [v["id"] for v in data.vendors]
    taxonomy.append(cgen.c_array("uint32_t", "smtpcode__vendor_name", [w.text(n) for n in vendor_names], 8))
    taxonomy.append(cgen.c_array("uint32_t", "smtpcode__vendor_title",
                            [w.text("Unknown")] + [w.text(v["name"]) for v in data.vendors], 8))
    reason_action = [w.enum("action", e["action"]) for e in data.taxonomy["reason"]]
    reason_bounce = [w.enum("bounce", e["bounce"]) for e in data.taxonomy["reason"]]
    taxonomy.append(cgen.c_array("uint8_t", "smtpcode__reason_action", reason_action, 4))
    taxonomy.append(cgen.c_array("uint8_t", "smtpcode__reason_bounce", reason_bounce, 4))
    class_text = [w.text(data.classes["class"][d]["title"]) if d in data.classes["class"] else 0 for d in range(6)]
    class_meaning = [w.text(data.classes["class"][d]["meaning"]) if d in data.classes["class"] else 0 for d in range(6)]
    cat_text = [w.text(data.classes["category"][d]["title"]) for d in range(6)]
    cat_meaning = [w.text(data.classes["category"][d]["meaning"]) for d in range(6)]

    out = [
        cgen.banner(__file__, ["data/"]),
        "/* Included once, by src/tables.c. */",
        "",
        f"#define SMTPCODE__DATA_VERSION {cgen.c_string(data.meta['version'])}",
        f"#define SMTPCODE__REGISTRY_DATE {cgen.c_string(data.meta['registry_date'])}",
        f"#define SMTPCODE__BASIC_COUNT {len(basic_rows)}",
        f"#define SMTPCODE__ENHANCED_COUNT {len(enh_rows)}",
        f"#define SMTPCODE__SUBJECT_COUNT {len(subjects)}",
        f"#define SMTPCODE__VENDOR_CODE_COUNT {len(vc_rows)}",
        f"#define SMTPCODE__NO_ENTRY {NO_ENTRY}",
        "",
        "static const struct smtpcode_basic smtpcode__basic[SMTPCODE__BASIC_COUNT] = {",
        *basic_rows,
        "};",
        "",
        "/* basic code - 200 -> entry number, or SMTPCODE__NO_ENTRY */",
        cgen.c_array("uint8_t", "smtpcode__basic_index", basic_index, 20),
        "",
        "static const struct smtpcode_enhanced smtpcode__enhanced[SMTPCODE__ENHANCED_COUNT] = {",
        *enh_rows,
        "};",
        "",
        "/* class digit -> class row; subject -> subject row; subject -> first detail slot */",
        cgen.c_array("uint8_t", "smtpcode__class_index", class_index),
        cgen.c_array("uint8_t", "smtpcode__subject_index", subjects),
        cgen.c_array("uint16_t", "smtpcode__detail_base", base),
        cgen.c_array("uint16_t", "smtpcode__detail_count", count),
        cgen.c_array("uint8_t", "smtpcode__detail_index", flat, 20),
        "/* subject * 128 + detail -> 1 + the byte offset of its row in smtpcode__enhanced, or 0:",
        " * the detail rows of one-digit subjects and details below 100, one load away */",
        "#define SMTPCODE__ROW_AT(i) ((uint16_t)(1 + (i) * sizeof(struct smtpcode_enhanced)))",
        cgen.c_array("uint16_t", "smtpcode__detail_direct", [
            f"SMTPCODE__ROW_AT({flat[base[sub] + d]})" if d < 100 and sub < len(base) and d < count[sub]
            and flat[base[sub] + d] != NO_ENTRY else 0
            for sub in range(10) for d in range(128)], 8),
        "",
        *taxonomy,
        "",
        "/* vendor, class, reason, action, bounce, subject, first, last, meaning */",
        f"static const struct smtpcode_vendor_code smtpcode__vendor_codes[{max(len(vc_rows), 1)}] = {{",
        *(vc_rows or ["\t{0, 0, 0, 0, 0, 0, 0, 0, 0},"]),
        "};",
        "/* where the vendor codes of class c, subject s lie: [c * 8 + s] .. [c * 8 + s + 1] */",
        cgen.c_array("uint8_t", "smtpcode__vendor_code_index", vc_index),
        "",
        "/* basic code structure, RFC 5321 4.2.1: by first and second digit */",
        cgen.c_array("uint32_t", "smtpcode__class_title", class_text),
        cgen.c_array("uint32_t", "smtpcode__class_meaning", class_meaning),
        cgen.c_array("uint32_t", "smtpcode__category_title", cat_text),
        cgen.c_array("uint32_t", "smtpcode__category_meaning", cat_meaning),
        "",
        cgen.c_array("uint32_t", "smtpcode__list_items", w.items, 8),
        "",
    ]
    # The pool goes last: every offset above has been added to it by now.
    out.append(w.pool.c_array("smtpcode__pool"))
    out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
