"""Writes a gperf input that maps the names of one enum to their values
(reason, action, bounce, verdict or vendor), read-only and relocation-free.

usage: gen_gperf.py DATADIR KIND > smtpcode_KIND_names.gperf
"""

import sys

import cgen
import smtpcode_data


def main():
    datadir, kind = sys.argv[1], sys.argv[2]
    data = smtpcode_data.load_or_exit(datadir)
    if kind == "vendor":
        names = ["unknown"] + [v["id"] for v in data.vendors]
        source = "data/vendors.toml"
    elif kind in smtpcode_data.TAXONOMY_KINDS:
        names = [e["name"] for e in data.taxonomy[kind]]
        source = "data/taxonomy.toml"
    else:
        sys.exit(f"gen_gperf.py: unknown kind '{kind}'")
    out = [
        "%{",
        cgen.banner(__file__, [source]),
        "%}",
        "%language=ANSI-C",
        "%struct-type",
        "%omit-struct-type",
        "%readonly-tables",
        "%pic",
        "%compare-lengths",
        "%null-strings",
        f"%define hash-function-name smtpcode__{kind}_hash",
        f"%define lookup-function-name smtpcode__{kind}_lookup",
        f"%define string-pool-name smtpcode__{kind}_names",
        f"%define constants-prefix SMTPCODE__{cgen.ident(kind)}_",
        "%define initializer-suffix ,0",
        "struct smtpcode__name;",
        "%%",
    ]
    for i, n in enumerate(names):
        out.append(f"{n}, {i}")
    out.append("%%")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
