"""The verification page of the glossary site, for people who build or read
RCPT TO checks: the verdict each reply gives, the steps of a check, what
limits a verdict (catch-all domains, mail bounced after DATA, greylisting,
blocks), and the codes whose verdict the enhanced code changes.

The steps and limits are data/verification.toml, validated here; the
verdict of every code and code pair is the smtpcode program's answer with
--assume-stage rcpt (gen_site.py asks it), the verdicts' meanings taxonomy.toml's.
"""

import re
import sys

import smtpcode_data
from site_decides import by_outcome
from site_html import Sections, details, h, paragraph, table
from site_replies import plural

PAGE = "verify.html"
ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# The verdicts in the order a verifier reads them.
ORDER = ("deliverable", "risky", "retry", "undeliverable", "blocked", "unknown")


def load(datadir, data):
    """data/verification.toml, checked against the rest of the data:
    {"lead", "steps", "limits"}; exits naming every problem."""
    c = smtpcode_data._Checker(datadir)
    path, doc = c.load("verification.toml")
    doc = doc or {}
    for key in sorted(set(doc) - {"lead", "step", "limit"}):
        c.problem(path, key, "unexpected top-level key (lead, [[step]] and [[limit]] belong here)")
    c.text(path, "lead", doc, "lead", sentence=True)
    commands = {e["name"] for e in data.commands}
    codes = {e["code"] for e in data.basic}
    verdicts = {e["name"] for e in data.taxonomy["verdict"]}

    def code_list(entry, e, key):
        for x in c.int_list(path, entry, e, key, 200, 599) if key in e else []:
            if x not in codes:
                c.problem(path, entry, f"'{key}' names {x}, which data/basic.toml does not define")

    for i, e in enumerate(doc.get("step", [])):
        entry = f"step {i + 1} ({e.get('command', '?')})"
        c.unknown_keys(path, entry, e, ("command", "text", "replies"))
        if e.get("command") not in commands:
            c.problem(path, entry, "'command' must be a [[command]] name of data/taxonomy.toml")
        c.text(path, entry, e, "text", sentence=True)
        if "replies" not in e:
            c.problem(path, entry, "missing field 'replies'")
        code_list(entry, e, "replies")
    seen = set()
    for i, e in enumerate(doc.get("limit", [])):
        entry = f"limit {e.get('id', i + 1)}"
        c.unknown_keys(path, entry, e, ("id", "title", "text", "verdict", "codes"))
        if not isinstance(e.get("id"), str) or not ID_RE.match(e["id"]):
            c.problem(path, entry, "'id' must be kebab-case ([a-z0-9-])")
        elif e["id"] in seen:
            c.problem(path, entry, "duplicate id")
        seen.add(e.get("id"))
        c.text(path, entry, e, "title", maxlen=60)
        c.text(path, entry, e, "text", sentence=True)
        if "verdict" in e and e["verdict"] not in verdicts:
            c.problem(path, entry, f"unknown verdict '{e['verdict']}' (not defined in data/taxonomy.toml)")
        code_list(entry, e, "codes")
    for key in ("step", "limit"):
        if not doc.get(key):
            c.problem(path, f"[[{key}]]", "no entries")
    if c.problems:
        sys.exit("\n".join(c.problems))
    return {"lead": doc["lead"], "steps": doc["step"], "limits": doc["limit"]}


def verdict_of(site, code):
    """The verdict of a code alone, as the reply to RCPT TO: data/basic.toml's,
    which `smtpcode 550` shows (a code that never answers RCPT TO has none)."""
    return site.basic[code]["verdict"]


def code_links(site, codes):
    """Codes as links, each with data-code and data-verdict (for the tests)
    and its title on hover."""
    return ", ".join(f'<a class="code" href="{h(site.url(site.basic_path(c)))}" title="{h(site.basic[c]["title"])}" '
                     f'data-code="{c}" data-verdict="{h(verdict_of(site, c))}">{c}</a>' for c in codes)


def verdicts_list(site):
    """The answer: each verdict with the codes that give it and what it
    tells about the address."""
    items = []
    for name in ORDER:
        codes = [e["code"] for e in site.data.basic if verdict_of(site, e["code"]) == name]
        if codes:
            items.append(f'<div class="item" id="verdict-{name}" data-verdict="{name}"><dt>'
                         f'{site.name_link("verdict", name, site.titles["verdict"][name])} '
                         f'<span class="verdict-codes">{code_links(site, codes)}</span></dt>'
                         f'<dd>{h(site.verdicts[name]["description"])}</dd></div>')
    return '<dl class="index-list verdicts">\n' + "\n".join(items) + "\n</dl>"


def every_code(site):
    """Every basic code with its title and verdict, for reference."""
    rows = [(site.code_link(e["code"]), h(e["title"]),
             site.name_link("verdict", verdict_of(site, e["code"]), verdict_of(site, e["code"])))
            for e in site.data.basic]
    return details(f'Every basic code with its verdict <span class="count">{len(rows)}</span>',
                   table(("Code", "Title", "Verdict"), rows, "codes"), "every-code", len(rows))


def steps(site, v):
    items = []
    for s in v["steps"]:
        replies = ", ".join(site.code_link(c) for c in s["replies"])
        items.append(f'<li><p><strong>{h(s["command"])}</strong> {h(s["text"])}</p>\n'
                     f'<p class="muted">Usual replies: {replies}</p></li>')
    return '<ol class="steps">\n' + "\n".join(items) + "\n</ol>"


def limits(site, v):
    out = []
    for lim in v["limits"]:
        about = []
        if "verdict" in lim:
            about.append("verdict " + site.name_link("verdict", lim["verdict"]))
        if lim.get("codes"):
            about.append(" ".join(site.code_link(c) for c in lim["codes"]))
        foot = f'\n<p class="muted">{" · ".join(about)}</p>' if about else ""
        out.append(f'<div class="limit" id="{h(lim["id"])}">\n<h3>{h(lim["title"])}</h3>\n{paragraph(lim["text"])}{foot}\n</div>')
    return "\n".join(out)


def changed_by_enhanced(site, v):
    """The codes of the RCPT TO step whose verdict an enhanced code changes:
    "550: undeliverable with 5.1.1, blocked with 5.7.1"."""
    rcpt = next(s for s in v["steps"] if s["command"] == "RCPT")
    rows, example = [], ""
    for code in (c for c in rcpt["replies"] if c // 100 in (4, 5)):
        groups = by_outcome(site, code, site.rcpt_outcomes, 3)
        if set(groups) <= {verdict_of(site, code)}:
            continue
        if not example:
            # The first such code's two most common verdicts, for the summary.
            pair = ("undeliverable", "blocked")
            a, b = pair if all(name in groups for name in pair) else [name for name in ORDER if name in groups][:2]
            example = f"{code} with {groups[a][0]} is {a}, with {groups[b][0]} {b}"
        parts = [f'{site.name_link("verdict", name)} with ' + ", ".join(site.code_link(c) for c in groups[name][:8])
                 + (f' <span class="muted">and {len(groups[name]) - 8} more</span>' if len(groups[name]) > 8 else "")
                 for name in ORDER if name in groups]
        rows.append((site.code_link(code), site.name_link("verdict", verdict_of(site, code)), "<br>".join(parts)))
    return details(f'When the enhanced code changes the verdict <span class="count">{plural(len(rows), "code")}</span> '
                   f'<span class="muted">{h(example)}</span>',
                   table(("Code", "Alone", "With an enhanced code"), rows, "codes"), "enhanced", len(rows))


def page(site, v):
    s = Sections()
    s.add("How a check goes", steps(site, v), "steps")
    s.add("What limits a verdict", limits(site, v), "limits")
    body = "\n".join(x for x in [
        '<h1>Verifying an address at RCPT TO</h1>',
        paragraph(v["lead"], "lead"),
        f'<div class="answer" data-answer>\n{verdicts_list(site)}\n{changed_by_enhanced(site, v)}\n'
        f'{every_code(site)}\n</div>',
        s.toc(),
        s.html(),
    ] if x)
    return ("Verifying an address at RCPT TO", "The verdict each SMTP reply gives an address check, the steps of a "
            "check, and what limits it: catch-all domains, bounces after DATA, greylisting and blocks.", body)
