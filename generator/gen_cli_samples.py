"""Writes cli_samples.h: every literal vendor reply in data/samples/, for the
CLI's search, and every vendor token in data/phrases.toml, for looking one up
by itself (`smtpcode TSS04`); the library itself carries neither as text.

usage: gen_cli_samples.py DATADIR > cli_samples.h
"""

import sys

import cgen
import smtpcode_data


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    S = cgen.c_string
    out = [cgen.banner(__file__, ["data/samples/", "data/phrases.toml"]), "#ifndef SMTPCODE_CLI_SAMPLES_H",
           "#define SMTPCODE_CLI_SAMPLES_H", "",
           "struct cli_sample {", "\tconst char *vendor, *codes, *text, *reason, *meaning;", "};", "",
           f"#define CLI_SAMPLE_COUNT {len(data.samples)}", "",
           "static const struct cli_sample cli_samples[CLI_SAMPLE_COUNT] = {"]
    for e in data.samples:
        codes = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x)
        out.append("\t{%s, %s, %s, %s, %s}," % (S(e["vendor"]), S(codes), S(e["text"]), S(e["reason"]),
                                             S(e["meaning"]) if "meaning" in e else "NULL"))
    out += ["};", "",
            "struct cli_token {", "\tconst char *text, *vendor, *reason, *action;", "};", ""]
    tokens = [p for p in data.phrases if p["kind"] == "token"]
    out.append(f"#define CLI_TOKEN_COUNT {len(tokens)}")
    out.append("static const struct cli_token cli_tokens[CLI_TOKEN_COUNT] = {")
    for p in tokens:
        out.append("\t{%s, %s, %s, %s}," % (S(p["text"]), S(p["vendor"]), S(p["reason"]),
                                          S(p["action"]) if "action" in p else "NULL"))
    out += ["};", "", "#endif", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
