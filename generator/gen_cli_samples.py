"""Writes cli_samples.h: every literal vendor reply in data/samples/, for the
CLI's search (the library itself does not carry the samples).

usage: gen_cli_samples.py DATADIR > cli_samples.h
"""

import sys

import cgen
import smtpcode_data


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    S = cgen.c_string
    out = [cgen.banner(__file__, ["data/samples/"]), "#ifndef SMTPCODE_CLI_SAMPLES_H",
           "#define SMTPCODE_CLI_SAMPLES_H", "",
           "struct cli_sample {", "\tconst char *vendor, *codes, *text, *reason;", "};", "",
           f"#define CLI_SAMPLE_COUNT {len(data.samples)}", "",
           "static const struct cli_sample cli_samples[CLI_SAMPLE_COUNT] = {"]
    for e in data.samples:
        codes = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x)
        out.append("\t{%s, %s, %s, %s}," % (S(e["vendor"]), S(codes), S(e["text"]), S(e["reason"])))
    out += ["};", "", "#endif", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
