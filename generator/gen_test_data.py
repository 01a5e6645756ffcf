"""Writes smtpcode_test_data.h: what the data says, as C arrays the Criterion
tests walk, so that every entry in data/ is checked through the public API.

usage: gen_test_data.py DATADIR > smtpcode_test_data.h
"""

import sys

import cgen
import smtpcode_data

S = cgen.c_string


def dfa_fold(text):
    """Text as the classifier's automaton reads it: ASCII upper case folded,
    every run of whitespace one space."""
    return " ".join("".join(c.lower() if "A" <= c <= "Z" else c for c in text).split())


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    out = [cgen.banner(__file__, ["data/"]), "",
           "struct expect_basic {", "\tunsigned code;",
           "\tconst char *title, *meaning, *advice, *reason, *action, *bounce, *verdict, *status;",
           "\tunsigned causes, rfcs, commands, related;",
           "\tconst char *first_rfc;", "};", "",
           "static const struct expect_basic expect_basic[] = {"]
    for e in data.basic:
        out.append("\t{%d, %s, %s, %s, %s, %s, %s, %s, %s, %d, %d, %d, %d, %s}," % (
            e["code"], S(e["title"]), S(e["meaning"]), S(e["advice"]), S(e["reason"]),
            S(e["action"]), S(e["bounce"]), S(e["verdict"]), S(e["status"]),
            len(e["causes"]), len(e["rfc"]), len(e["commands"]), len(e["related"]),
            S(f"RFC {e['rfc'][0]}") if e["rfc"] else "NULL"))
    out += ["};", "",
            "struct expect_enhanced {",
            "\tconst char *code, *title, *meaning, *reason, *action, *bounce;",
            "\tunsigned classes, causes, rfcs, basic, deprecated;",
            "\tconst char *class5;", "};", "",
            "static const struct expect_enhanced expect_enhanced[] = {"]
    for e in data.enhanced:
        mask = sum(1 << k for k in e["classes"])
        out.append("\t{%s, %s, %s, %s, %s, %s, %d, %d, %d, %d, %d, %s}," % (
            S(e["code"]), S(e["title"]), S(e["meaning"]), S(e["reason"]), S(e["action"]),
            S(e["bounce"]), mask, len(e["causes"]), len(e["rfc"]), len(e["basic"]),
            1 if e["deprecated"] else 0, S(e.get("class5", ""))))
    out += ["};", ""]
    for kind in smtpcode_data.TAXONOMY_KINDS:
        out.append(f"static const char *const expect_{kind}_names[] = {{")
        out += [f"\t{S(e['name'])}," for e in data.taxonomy[kind]]
        out += ["};", ""]
    out.append("static const char *const expect_vendor_names[] = {")
    out += ["\t\"unknown\","] + [f"\t{S(v['id'])}," for v in data.vendors]
    out += ["};", ""]
    out += ["struct expect_sample {",
            "\tconst char *file, *vendor, *input, *stage, *reason, *action, *bounce;",
            "\tconst char *specific; /* a phrase or token naming a cause that is in the text, or NULL */", "};", "",
            "/* Each sample as a server sends it: codes, then the text. */",
            "static const struct expect_sample expect_samples[] = {"]
    # A phrase names a cause unless it is generic or, under a 5xx, names a
    # temporary condition only (data/taxonomy.toml's temporary_only).
    temporary = {r["name"] for r in data.taxonomy["reason"] if r.get("temporary_only")}
    for e in data.samples:
        codes = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x)
        text = dfa_fold(e["text"])
        found = next((p["text"] for p in data.phrases if not p["generic"]
                      and any(dfa_fold(v) in text for v in smtpcode_data.dfa_variants(p["text"]))
                      and not (e["code"] >= 500 and p["kind"] == "phrase" and p["reason"] in temporary)), None)
        out.append("\t{%s, %s, %s, %s, %s, %s, %s, %s}," % (
            S(e["file"]), S(e["vendor"]), S(f"{codes} {e['text']}"), S(e.get("stage", "")),
            S(e["reason"]), S(e["action"]), S(e["bounce"]), S(found) if found else "NULL"))
    if not data.samples:
        out.append("\t{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},")
    out += ["};", ""]
    out.append("/* The reasons a 5xx may be soft for (data/taxonomy.toml's soft_because). */")
    out.append("static const char *const expect_soft_5xx_reasons[] = {")
    out += [f"\t{S(n)}," for n in sorted(smtpcode_data.soft_5xx_reasons(data.taxonomy["reason"]))]
    out += ["};", ""]
    out.append("/* Every phrase and token, for the benchmark's PCRE2 baseline. */")
    out.append("static const char *const bench_phrases[] = {")
    out += [f"\t{S(p['text'])}," for p in data.phrases]
    out += ["};", ""]
    out.append(f"#define EXPECT_VENDOR_CODE_COUNT {len(data.vendor_codes)}")
    out.append(f"#define EXPECT_DATA_VERSION {S(data.meta['version'])}")
    out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
