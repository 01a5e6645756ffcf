"""Helpers shared by the scripts that write manual pages in mdoc(7).

Text from data/ and from the header's comments is plain; these turn it into
lines that mandoc and groff read as text: escapes, one sentence a line, and
the small inline markup {fl:--json}, {ar:FILE}, {cm:scan}, {xr:smtpcode 1},
{fn:smtpcode_classify}, {dv:SMTPCODE_EINVAL}, {nm}.
"""

import re
import textwrap

# The date on every page: data/meta.toml's version (YYYY.MM.DD), so that a
# page changes only when its sources do, never with the day it was built.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

MARKUP_RE = re.compile(r"\{(nm|fl|ar|cm|xr|fn|dv|va|li|sy|ev|fa)(?::([^{}]*))?\}")
MACRO = {"fl": "Fl", "ar": "Ar", "cm": "Cm", "xr": "Xr", "fn": "Fn", "dv": "Dv", "va": "Va", "li": "Li",
         "sy": "Sy", "ev": "Ev", "fa": "Fa"}
# A sentence ends at . ? or ! followed by a space and a capital, a digit or markup.
SENTENCE_RE = re.compile(r"(?<=[A-Za-z0-9)\]'\"][.?!])\s+(?=[A-Z0-9{(\"'-])")
CLOSING = ".,:;)]?!"


def date(version):
    """'2026.11.27' -> 'November 27, 2026' for .Dd."""
    m = re.match(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})", version)
    if not m:
        raise ValueError(f"version '{version}' is not YYYY.MM.DD")
    return f"{MONTHS[int(m.group(2)) - 1]} {int(m.group(3))}, {m.group(1)}"


def escape(s):
    """Plain text for a text line or a macro argument."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\e")
        elif ord(ch) > 0x7e:
            out.append("\\[u%04X]" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def text_line(s):
    """One line of running text: escaped, and safe at the start of a line."""
    s = escape(s)
    if s[:1] in (".", "'") or s[:1] == " ":
        s = "\\&" + s
    return s


def words(s):
    """Text on a macro line (.Nd, .It, .%T): every word that mdoc would take
    for a macro name (An, Ar, No, Ns, %T ...) or a delimiter gets \\& before it."""
    out = []
    for w in escape(s).split(" "):
        if re.match(r"^(%[A-Z]|[A-Z][a-z][a-z]?)$", w) or w in tuple(CLOSING) + ("(", "[", "|"):
            w = "\\&" + w
        out.append(w)
    return " ".join(out)


def arg(s):
    """A macro argument: quoted when it holds a blank or could be read as a macro or a delimiter."""
    s = escape(s)
    if (s == "" or " " in s or '"' in s or s[-1] in CLOSING or s[0] in "([|"
            or re.match(r"^[A-Z][a-z][a-z]?$", s)):
        # \& after a closing delimiter keeps mandoc from taking it for punctuation.
        return '"' + s.replace('"', '\\(dq') + ("\\&" if s[-1:] in CLOSING else "") + '"'
    return s


def flag(s):
    """--json -> 'Fl \\-json' (Fl writes the first dash)."""
    assert s.startswith("-"), s
    return "Fl " + escape(s[1:]).replace("-", "\\-") if len(s) > 1 else "Fl"


def inline(kind, value):
    """The macro line of one piece of markup."""
    if kind == "nm":
        return "Nm"
    if kind == "fl":
        return flag(value)
    if kind == "xr":
        name, section = value.split()
        return f"Xr {name} {section}"
    return f"{MACRO[kind]} {arg(value)}"


def wrapped(s):
    """A text line, broken between words to stay within 80 bytes."""
    lines = textwrap.wrap(s, 79, break_on_hyphens=False, break_long_words=False) or [""]
    return [text_line(line) for line in lines]


def paragraph(text):
    """Running text with markup -> mdoc lines: one sentence a line (broken to
    fit 80 columns), every piece of markup on a macro line of its own with its
    trailing punctuation."""
    lines = []
    for sentence in SENTENCE_RE.split(text.strip()):
        pos = 0
        current = ""
        for m in MARKUP_RE.finditer(sentence):
            current += sentence[pos:m.start()]
            opening = ""
            while current and current[-1] in "([":  # "(`out`": the bracket opens the macro line
                opening = current[-1] + " " + opening
                current = current[:-1]
            if current.strip():
                lines += wrapped(current.strip())
            current = ""
            name, _, rest = inline(m.group(1), m.group(2)).partition(" ")
            macro = "." + name + (" " + opening.strip() if opening else "") + (" " + rest if rest else "")
            pos = m.end()
            punct = ""
            while pos < len(sentence) and sentence[pos] in CLOSING:
                punct += sentence[pos]
                pos += 1
            if punct:
                macro += " " + " ".join(punct)
            if pos < len(sentence) and not sentence[pos].isspace():
                macro += " Ns"  # no space before what follows
            lines.append(macro)
        rest = sentence[pos:].strip()
        if rest:
            lines += wrapped(rest)
    return lines


def plain(text):
    """Markup removed, for plain-text output."""
    def repl(m):
        if m.group(1) == "nm":
            return "smtpcode"
        if m.group(1) == "xr":
            name, section = m.group(2).split()
            return f"{name}({section})"
        return m.group(2)

    return MARKUP_RE.sub(repl, text)


def literal(text):
    """Lines for a .Bd -literal display: escaped, tabs kept."""
    out = []
    for line in text.rstrip("\n").split("\n"):
        line = escape(line).rstrip()
        if line[:1] in (".", "'"):
            line = "\\&" + line
        out.append(line)
    return out


# The standards the pages cite: (RFC number, authors, title, month year).
SMTP_RFCS = [
    (5321, ["J. Klensin"], "Simple Mail Transfer Protocol", "October 2008"),
    (3463, ["G. Vaudreuil"], "Enhanced Mail System Status Codes", "January 2003"),
    (3464, ["K. Moore", "G. Vaudreuil"], "An Extensible Message Format for Delivery Status Notifications",
     "January 2003"),
]


def references(rfcs):
    """A .Rs block for each (number, authors, title, date), separated by .Pp."""
    out = []
    for i, (number, authors, title, when) in enumerate(rfcs):
        out += ([".Pp"] if i else []) + [".Rs"] + [f".%A {words(a)}" for a in authors]
        out += [f".%T {words(title)}", f".%R RFC {number}", f".%D {when}", ".Re"]
    return out
