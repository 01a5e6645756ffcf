"""Writes smtpcode.1, the manual page of the command, in mdoc(7), from the
same description of the command line that --help comes from. The examples
marked `output = true` are run with the smtpcode just built, from the source
directory, and their real output goes into the page; those with `recorded =
"docs/FILE"` show a run recorded there ("$ command", then its output) because
it needs servers (smtpcode probe, whose test runs it again and compares).

usage: gen_man1.py COMMANDS_TOML DATADIR SMTPCODE SOURCE_ROOT > smtpcode.1
"""

import os
import re
import shlex
import subprocess
import sys

import cgen
import cli_spec
import mdoc
import smtpcode_data

EXAMPLE_COLUMNS = "66"  # the example output fits an 80-column terminal, indented


def synopsis_line(spec, usage):
    """'scan [--format text|jsonl] [FILE...|-]' -> '.Nm' and one macro line."""
    tokens = re.findall(r"'[^']*'|\[|\]|\||[^\s\[\]|]+", usage)
    words = []
    for t in tokens:
        if t == "[":
            words.append("Oo")
        elif t == "]":
            words.append("Oc")
        elif t == "|":
            words.append("|")
        elif t.startswith("'"):
            words.append("Ar " + mdoc.arg(t.strip("'")))
        elif t.startswith("-"):
            words.append(mdoc.flag(t))
        elif t.endswith("..."):
            words.append("Ar " + mdoc.arg(t[:-3]) + " ...")
        elif t.isupper() or t.isdigit():
            words.append("Ar " + mdoc.arg(t))
        else:
            words.append("Cm " + mdoc.arg(t))
    return [".Nm", "." + " ".join(words)]


def run_example(example, smtpcode, source_root):
    argv = shlex.split(example["command"])
    env = dict(os.environ, NO_COLOR="1", COLUMNS=EXAMPLE_COLUMNS, LC_ALL="C")
    r = subprocess.run([smtpcode, *argv[1:]], cwd=source_root, env=env, capture_output=True, timeout=60)
    want = example.get("status", 0)
    if r.returncode != want:
        sys.exit(f"gen_man1.py: '{example['command']}' exited {r.returncode}, not {want}: "
                 f"{r.stderr.decode(errors='replace')}")
    return (r.stdout + r.stderr).decode("utf-8")


def main():
    spec_path, datadir, smtpcode, source_root = sys.argv[1:5]
    spec = cli_spec.load(spec_path)
    data = smtpcode_data.load_or_exit(datadir)
    out = [cgen.banner(__file__, ["src/cli/commands.toml", "the examples' real output"], '.\\" %s'),
           f".Dd {mdoc.date(data.meta['version'])}",
           ".Dt SMTPCODE 1",
           ".Os",
           ".Sh NAME",
           f".Nm {spec.name}",
           f".Nd {mdoc.words(spec.purpose)}",
           ".Sh SYNOPSIS"]
    for u in spec.usage:
        out += synopsis_line(spec, u)

    out.append(".Sh DESCRIPTION")
    for i, d in enumerate(spec.description):
        if "items" in d:
            out += [".Pp", mdoc.text_line(d["heading"]), ".Bl -tag -width Ds"]
            for term, text in d["items"]:
                out += [".It Cm " + mdoc.arg(term)] + mdoc.paragraph(text[:1].upper() + text[1:] + ".")
            out.append(".El")
            if "man" in d or "text" in d:
                out += [".Pp"] + mdoc.paragraph(d.get("man", d.get("text")))
        else:
            out += ([".Pp"] if i else []) + mdoc.paragraph(d.get("man", d["text"]))

    out += [".Ss Commands", ".Bl -tag -width Ds"]
    for c in spec.commands:
        args = synopsis_line(spec, c.get("args", ""))[1][1:] if c.get("args") else ""
        out.append(f".It Cm {c['name']}" + (f" {args}" if args else ""))
        out += mdoc.paragraph(c.get("man", c["help"]))
    out.append(".El")

    out += [".Sh OPTIONS", "Options may come anywhere on the command line;",
            ".Fl \\-",
            "ends them.",
            ".Bl -tag -width Ds"]
    for o in spec.options:
        heads = []
        for f in o["flags"]:
            head = mdoc.flag(f)
            if "arg" in o:
                head += (" Ns = Ns " if o.get("joined") else " ") + "Ar " + mdoc.arg(o["arg"])
            heads.append(head)
        out.append(".It " + " , ".join(heads))
        out += mdoc.paragraph(o.get("man", o["help"]))
    out.append(".El")

    out += [".Sh ENVIRONMENT", ".Bl -tag -width Ds"]
    for e in spec.environment:
        out.append(f".It Ev {e['name']}")
        out += mdoc.paragraph(e["man"])
    out.append(".El")

    out += [".Sh EXIT STATUS", ".Bl -tag -width Ds"]
    for x in spec.exits:
        out.append(f".It {x['status']}")
        out += mdoc.paragraph(x["man"])
    out.append(".El")

    out.append(".Sh EXAMPLES")
    for i, e in enumerate(spec.examples):
        out += ([".Pp"] if i else []) + mdoc.paragraph(e["man"])
        if e.get("output") or e.get("recorded"):
            shown = cli_spec.recorded_output(e, source_root) if e.get("recorded") else run_example(e, smtpcode, source_root)
            out += [".Bd -literal -offset indent"] + mdoc.literal("$ " + e["command"])
            out += mdoc.literal(shown) + [".Ed"]
        else:
            out += [".Bd -literal -offset indent"] + mdoc.literal("$ " + e["command"]) + [".Ed"]

    out += [".Sh SEE ALSO", ".Xr smtpcode 3 ,", ".Xr smtp-codes 7", ".Sh STANDARDS"]
    out += mdoc.references(mdoc.SMTP_RFCS)
    out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
