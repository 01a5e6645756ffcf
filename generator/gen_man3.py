"""Writes smtpcode.3, the manual page of the library, in mdoc(7), from the doc
comments of include/smtpcode.h, so that it cannot drift from the API.

The header's conventions (its first comment says so too):
- a comment that starts with two asterisks is the manual; one that starts
  "# Heading" opens a subsection of DESCRIPTION, and its text introduces it;
- any other such comment documents the declarations right after it (up to a
  blank line), functions and types alike; a trailing comment on a function's
  line is a note on that function;
- in each function's comment, the sentences from the first "Returns" on are
  its RETURN VALUES entry: a function without one stops the build;
- `code` in backquotes is marked up: smtpcode_x() as a function, SMTPCODE_X as
  a constant, a parameter name as an argument, anything else literally.
ERRORS comes from enum smtpcode_error (and the text smtpcode_strerror() gives
each, read from src/parse.c), the enums of the taxonomy from the generated
smtpcode_enums.h, and EXAMPLES from the programs in docs/examples/, which
the tests compile and run.

usage: gen_man3.py SMTPCODE_H SMTPCODE_ENUMS_H PARSE_C DATADIR EXAMPLE.c... > smtpcode.3
"""

import os
import re
import sys
import textwrap

import cgen
import mdoc
import smtpcode_data

DOC_RE = re.compile(r"/\*\*(.*?)\*/", re.S)
FUNC_RE = re.compile(r"SMTPCODE_API\s+(.+?)\b(smtpcode_\w+)\s*\((.*?)\)\s*;[ \t]*(?:/\*(.*?)\*/)?", re.S)


class Group:
    """A doc comment and the declarations it documents."""

    def __init__(self, text):
        self.text = text
        self.functions = []  # (return type, name, [params], note)
        self.types = []      # source text of each type definition
        self.enums = False   # the generated taxonomy enums go here


class Section:
    def __init__(self, title, text):
        self.title = title
        self.text = text
        self.groups = []


def comment_text(raw):
    """The text of a /** */ comment, leading asterisks removed, paragraphs kept."""
    lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in raw.strip("\n").split("\n")]
    text = "\n".join(lines).strip()
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def line_end(src, pos):
    """Just past the end of the line that pos is on."""
    end = src.find("\n", pos)
    return len(src) if end < 0 else end + 1


def parse_header(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    # Start after the extern "C" opening; the file's first comment is for readers.
    src = src[src.index('extern "C" {'):]
    sections, group = [], None
    pos = 0
    while pos < len(src):
        m = DOC_RE.match(src, pos)
        if m:
            paragraphs = comment_text(m.group(1))
            if paragraphs and paragraphs[0].startswith("# "):
                sections.append(Section(paragraphs[0][2:], paragraphs[1:]))
                group = Group([])
            else:
                group = Group(paragraphs)
            if not sections:
                sys.exit("gen_man3.py: a doc comment before the first '# Heading'")
            sections[-1].groups.append(group)
            pos = line_end(src, m.end())
            continue
        m = FUNC_RE.match(src, pos)
        if m:
            params = [" ".join(p.split()) for p in m.group(3).split(",")]
            note = " ".join(m.group(4).split()) if m.group(4) else None
            group.functions.append((" ".join(m.group(1).split()), m.group(2), params, note))
            pos = line_end(src, m.end())
            continue
        m = re.compile(r"(typedef [^;]*;|(?:struct|enum) \w+ \{.*?\n\};)", re.S).match(src, pos)
        if m:
            group.types.append(m.group(1))
            pos = line_end(src, m.end())
            continue
        if src.startswith('#include "smtpcode_enums.h"', pos):
            group.enums = True
        # Anything else: skip the line; a blank line ends the current group.
        end = line_end(src, pos)
        if src[pos:end].strip() == "" and group is not None and (group.functions or group.types):
            group = Group([])
            if sections:
                sections[-1].groups.append(group)
        pos = end
    return sections


def markup(text):
    """The header's Markdown-ish text -> mdoc.paragraph markup."""
    def code(m):
        s = m.group(1)
        if re.match(r"^smtpcode_\w+\(\)$", s):
            return "{fn:%s}" % s[:-2]
        if re.match(r"^SMTPCODE_[A-Z0-9_*]+$", s):
            return "{dv:%s}" % s
        if re.match(r"^\*?[a-z_]+$", s):
            return "{fa:%s}" % s
        return "{li:%s}" % s

    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`"):
            out.append(code(re.match(r"`([^`]*)`", part)))
            continue
        part = re.sub(r"\b(smtpcode_\w+)\(\)", r"{fn:\1}", part)
        part = re.sub(r"\b(SMTPCODE_[A-Z0-9_*]*[A-Z0-9])\b", r"{dv:\1}", part)
        part = re.sub(r"\bsmtp-codes\(7\)", "{xr:smtp-codes 7}", part)
        out.append(part)
    return "".join(out)


def returns(group):
    """The group's sentences from the first one that starts with "Returns"."""
    text = " ".join(group.text)
    m = re.search(r"(?:^|(?<=[.:] ))Returns\b", text)
    return text[m.start():] if m else None


def fn_head(functions):
    """An .It line naming each function of a group."""
    return ".It " + " , ".join("Fn " + name for _, name, _, _ in functions)


def enum_literal(path):
    """The generated enums, several constants a line."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    out = []
    for name, body in re.findall(r"enum (\w+) \{(.*?)\};", src, re.S):
        constants = re.findall(r"(SMTPCODE_\w+) = \d+", body)
        out.append(f"enum {name} {{")
        out += textwrap.wrap(", ".join(constants), 68, initial_indent="\t", subsequent_indent="\t",
                             break_on_hyphens=False)
        out.append("};")
    return out


def strerror_texts(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    return dict(re.findall(r'case (SMTPCODE_E\w+):\s*return "((?:[^"\\]|\\.)*)";', src))


def main():
    header, enums_h, parse_c, datadir = sys.argv[1:5]
    examples = sys.argv[5:]
    data = smtpcode_data.load_or_exit(datadir)
    sections = parse_header(header)
    functions = [f for s in sections for g in s.groups for f in g.functions]
    if len(functions) < 10:
        sys.exit(f"gen_man3.py: only {len(functions)} functions found in {header}")

    out = [cgen.banner(__file__, ["include/smtpcode.h", "smtpcode_enums.h", "src/parse.c", "docs/examples/"],
                       '.\\" %s'),
           f".Dd {mdoc.date(data.meta['version'])}",
           ".Dt SMTPCODE 3",
           ".Os",
           ".Sh NAME"]
    out += [f".Nm {name} ," for _, name, _, _ in functions[:-1]] + [f".Nm {functions[-1][1]}"]
    out += [".Nd SMTP reply codes, replies and bounce classification, without allocation",
            ".Sh SYNOPSIS",
            ".In smtpcode.h"]
    for ret, name, params, _ in functions:
        out += [f".Ft {mdoc.words(ret)}", f".Fo {name}"]
        out += [f'.Fa "{mdoc.escape(p)}"' for p in params]
        out.append(".Fc")

    out += [".Sh DESCRIPTION",
            "The",
            ".Nm smtpcode",
            "library looks up SMTP reply codes and enhanced status codes in tables compiled",
            "from one data set, parses replies, and classifies a reply, a log line or a",
            "DSN field into a reason, an action, a bounce type and a verdict.",
            "Link with",
            ".Fl l Ns Cm smtpcode",
            "(pkg-config name",
            ".Cm smtpcode ) ,",
            "or compile the implementation into the program from the single header",
            ".Pa smtpcode.h",
            "installed in",
            ".Pa share/smtpcode :",
            "define",
            ".Dv SMTPCODE_IMPLEMENTATION",
            "in one file before including it, or",
            ".Dv SMTPCODE_STATIC",
            "for a private copy in each file that includes it."]
    for section in sections:
        out.append(f".Ss {mdoc.words(section.title)}")
        for i, p in enumerate(section.text):
            out += ([".Pp"] if i else []) + mdoc.paragraph(markup(p))
        tagged = False
        for g in section.groups:
            if g.enums:
                out += [".Bd -literal -offset indent"] + mdoc.literal("\n".join(enum_literal(enums_h))) + [".Ed"]
            if g.types:
                if tagged:
                    out.append(".El")
                    tagged = False
                if g.text and not g.functions:
                    out += [".Pp"] + mdoc.paragraph(markup(" ".join(g.text)))
                out += [".Bd -literal -offset indent"] + mdoc.literal("\n\n".join(g.types)) + [".Ed"]
            if g.functions:
                if not g.text:
                    sys.exit(f"gen_man3.py: {g.functions[0][1]} has no doc comment")
                if not tagged:
                    out.append(".Bl -tag -width Ds")
                    tagged = True
                out.append(fn_head(g.functions))
                for i, p in enumerate(g.text):
                    out += ([".Pp"] if i else []) + mdoc.paragraph(markup(p))
                notes = [(name, note) for _, name, _, note in g.functions if note]
                if notes:
                    out += [".Pp", ".Bl -tag -width Ds -compact"]
                    for name, note in notes:
                        out += [f".It Fn {name}"] + mdoc.paragraph(markup(note))
                    out.append(".El")
        if tagged:
            out.append(".El")

    out += [".Sh RETURN VALUES", ".Bl -tag -width Ds"]
    for s in sections:
        for g in s.groups:
            if not g.functions:
                continue
            r = returns(g)
            if not r:
                sys.exit(f"gen_man3.py: the comment of {g.functions[0][1]} says nothing that starts with 'Returns'")
            out.append(fn_head(g.functions))
            out += mdoc.paragraph(markup(r))
    out.append(".El")

    out.append(".Sh EXAMPLES")
    for i, path in enumerate(examples):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        m = re.match(r"/\*(.*?)\*/\n", src, re.S)
        intro = " ".join(re.sub(r"^\s*\* ?", "", m.group(1), flags=re.M).split()) if m else ""
        body = src[m.end():] if m else src
        out += ([".Pp"] if i else []) + mdoc.paragraph(intro.rstrip(".") + ", from " +
                                                     f"docs/examples/{os.path.basename(path)}:")
        out += [".Bd -literal -offset indent"] + mdoc.literal(body.strip("\n")) + [".Ed"]

    with open(header, encoding="utf-8") as f:
        errors = re.search(r"enum smtpcode_error \{(.*?)\};", f.read(), re.S).group(1)
    texts = strerror_texts(parse_c)
    out += [".Sh ERRORS",
            "Functions that parse return a negative value on error, one of:",
            ".Bl -tag -width Ds"]
    for name, value, comment in re.findall(r"(SMTPCODE_E\w+) = (-\d+),?\s*/\*(.*?)\*/", errors):
        out += [f".It Dv {name} Pq {value}"] + mdoc.paragraph(markup(comment.strip()[:1].upper() +
                                                                     comment.strip()[1:] + "."))
        if name in texts:
            out += [".Fn smtpcode_strerror :"] + mdoc.wrapped(f'"{texts[name]}"')
    out.append(".El")

    out += [".Sh SEE ALSO", ".Xr smtpcode 1 ,", ".Xr smtp-codes 7", ".Sh STANDARDS"]
    out += mdoc.references(mdoc.SMTP_RFCS)
    out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
