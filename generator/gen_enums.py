"""Writes smtpcode_enums.h: the public enums of reasons, actions, bounce types,
verdicts and vendors, numbered in data/ order.

usage: gen_enums.py DATADIR > smtpcode_enums.h
"""

import sys

import cgen
import smtpcode_data


def enum_block(kind, names, first_comment=None):
    lines = [f"enum smtpcode_{kind} {{"]
    for i, n in enumerate(names):
        lines.append(f"\tSMTPCODE_{cgen.ident(kind)}_{cgen.ident(n)} = {i},")
    lines.append(f"\tSMTPCODE_{cgen.ident(kind)}_COUNT = {len(names)}")
    lines.append("};")
    return "\n".join(lines)


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    out = [cgen.banner(__file__, ["data/taxonomy.toml", "data/vendors.toml"]),
           "#ifndef SMTPCODE_ENUMS_H", "#define SMTPCODE_ENUMS_H", ""]
    for kind in smtpcode_data.TAXONOMY_KINDS:
        out.append(enum_block(kind, [e["name"] for e in data.taxonomy[kind]]))
        out.append("")
    out.append("/* SMTPCODE_VENDOR_UNKNOWN: no vendor recognised. */")
    out.append(enum_block("vendor", ["unknown"] + [v["id"] for v in data.vendors]))
    out += ["", "#endif /* SMTPCODE_ENUMS_H */", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
