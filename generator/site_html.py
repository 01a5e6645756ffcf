"""HTML pieces of the glossary site: escaping, links between pages, the
elements every page shares, and the page layout (web/page.html).

Every piece of data text goes through h() on its way into a page: vendor
replies hold `<user@example.com>` and worse.
"""

import html
import string

from smtpcode_data import CLASS_RE, DETAIL_RE, SUBJECT_RE

RFC_URL = "https://www.rfc-editor.org/rfc/rfc{}"

def h(text):
    """Text as HTML, quotes included, so it is safe in attributes too."""
    return html.escape(str(text), quote=True)


def link(href, text, cls=None):
    """<a href=...>text</a>; text is escaped, href is a URL built here."""
    c = f' class="{cls}"' if cls else ""
    return f'<a href="{h(href)}"{c}>{h(text)}</a>'


class Site:
    """What the pages need to link to each other: which pages exist and the
    relative path from the page being written to the site's root."""

    def __init__(self, data, version):
        self.data = data
        self.version = version
        self.basic = {e["code"]: e for e in data.basic}
        self.enhanced = {e["code"]: e for e in data.enhanced}
        self.vendors = {v["id"]: v for v in data.vendors}
        self.titles = {kind: {e["name"]: e["title"] for e in data.taxonomy[kind]}
                       for kind in ("reason", "action", "bounce", "verdict")}
        self.verdicts = {e["name"]: e for e in data.taxonomy["verdict"]}
        self.root = ""
        # (reason, action, bounce, verdict) as the smtpcode program answers, set by gen_site.py:
        self.class_outcomes = {}  # of an enhanced code in a class: "5.7.26"
        self.combo_outcomes = {}  # of a basic code with an enhanced code: "550 5.7.1"
        self.rcpt_outcomes = {}   # of "550" and "550 5.7.1" as the reply to RCPT TO
        self.token_outcomes = {}  # of a vendor token's example reply, by the token's text
        self.tokens = []          # site_tokens.Token, each with its page
        self.verification = None  # data/verification.toml

    # Paths from the root; url() makes them relative to the current page.
    def url(self, path):
        return self.root + path

    def basic_path(self, code):
        return f"code/{code}.html"

    def enhanced_path(self, row):
        return f"enhanced/{row}.html"

    def name_path(self, kind, name):
        if kind == "bounce":
            return f"index.html#{kind}-{name}"
        if kind == "verdict":
            return f"verify.html#{kind}-{name}"
        return f"{kind}/{name}.html"

    def vendor_path(self, vid):
        return f"vendor/{vid}.html"

    def vendor_code_path(self, vc):
        return f"vendor/{vc['vendor']}.html#{vendor_code_id(vc)}"

    def code_path(self, ref):
        """The page of a code as data/ writes it ("550", "5.7.26", "X.1.1",
        "X.7.X", "5.X.X"), with the class's anchor; None when there is none."""
        ref = str(ref)
        if ref.isdigit():
            return self.basic_path(ref) if int(ref) in self.basic else None
        if CLASS_RE.match(ref) or SUBJECT_RE.match(ref) or DETAIL_RE.match(ref):
            return self.enhanced_path(ref) if ref in self.enhanced else None
        parts = ref.split(".")
        if len(parts) == 3 and parts[0] in ("2", "4", "5"):
            row = f"X.{parts[1]}.{parts[2]}"
            if row in self.enhanced:
                # Replies do use codes in classes the registry does not
                # list for them (5.7.12 where it has 4.7.12 only).
                used = int(parts[0]) in self.enhanced[row]["classes"]
                return self.enhanced_path(row) + (f"#class-{parts[0]}" if used else "")
            vc = self.vendor_code(ref)
            if vc:
                return self.vendor_code_path(vc)
        return None

    def entry(self, ref):
        """The data entry of a code as data/ writes it ("550", "5.7.26",
        "X.7.26", "5.X.X"), or None."""
        ref = str(ref)
        if ref.isdigit():
            return self.basic.get(int(ref))
        parts = ref.split(".")
        if len(parts) == 3 and parts[0] in ("2", "4", "5") and parts[1] != "X":
            return self.enhanced.get(f"X.{parts[1]}.{parts[2]}")
        return self.enhanced.get(ref)

    def vendor_code(self, code, vendor=None):
        """The vendor code entry that covers an enhanced code "5.7.606"."""
        try:
            cls, subject, detail = map(int, code.split("."))
        except ValueError:
            return None
        for vc in self.data.vendor_codes:
            if (vendor is None or vc["vendor"] == vendor) and vc["cls"] == cls and \
                    vc["subject"] == subject and vc["lo"] <= detail <= vc["hi"]:
                return vc
        return None

    # Links.
    def code_link(self, ref, text=None):
        path = self.code_path(ref)
        label = text if text is not None else str(ref)
        return link(self.url(path), label, "code") if path else f'<span class="code">{h(label)}</span>'

    def name_link(self, kind, name, text=None):
        return link(self.url(self.name_path(kind, name)), text if text is not None else name, f"name {kind}-{name}")

    def vendor_link(self, vid):
        return link(self.url(self.vendor_path(vid)), self.vendors[vid]["name"])

    def rfc_links(self, numbers):
        return ", ".join(link(RFC_URL.format(n), f"RFC {n}") for n in numbers)


def vendor_code_id(vc):
    return "code-" + vc["first"].replace(".", "-")


def vendor_code_label(vc):
    last = vc.get("last", vc["first"])
    return vc["first"] if last == vc["first"] else f"{vc['first']} to {last}"


def section(title, body, sid=None):
    if not body:
        return ""
    i = f' id="{sid}"' if sid else ""
    return f'<section{i}>\n<h2>{h(title)}</h2>\n{body}\n</section>'


def paragraph(text, cls=None):
    c = f' class="{cls}"' if cls else ""
    return f"<p{c}>{h(text)}</p>" if text else ""


def bullets(items, cls=None, raw=False):
    """<ul> of escaped text, or of ready HTML when raw."""
    if not items:
        return ""
    c = f' class="{cls}"' if cls else ""
    return f"<ul{c}>\n" + "\n".join(f"<li>{x if raw else h(x)}</li>" for x in items) + "\n</ul>"


def facts(rows, cls="facts"):
    """A <dl> of (term, ready HTML) rows; rows with empty HTML are left out."""
    rows = [(t, d) for t, d in rows if d]
    if not rows:
        return ""
    return f'<dl class="{cls}">\n' + "\n".join(f"<dt>{h(t)}</dt><dd>{d}</dd>" for t, d in rows) + "\n</dl>"


def table(head, rows, cls=None):
    """A table with a header row of text and body rows of ready HTML."""
    if not rows:
        return ""
    c = f' class="{cls}"' if cls else ""
    th = "".join(f'<th scope="col">{h(x)}</th>' for x in head)
    body = "\n".join("<tr>" + "".join(f"<td>{x}</td>" for x in r) + "</tr>" for r in rows)
    return f'<div class="table-wrap"><table{c}>\n<thead><tr>{th}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>'


def bounce_badge(site, bounce):
    """The bounce type as a coloured label linking to its definition."""
    return link(site.url(site.name_path("bounce", bounce)), bounce, f"badge bounce-{bounce}")


def bounce_label(bounce):
    """The same label without the link, for a <summary>, which a link in it
    would take a click away from."""
    return f'<span class="badge bounce-{h(bounce)}">{h(bounce)}</span>'


def details(summary, body, sid=None, count=None):
    """A collapsed part: <details> with a summary of ready HTML and, as
    data-count, the number of items it holds."""
    i = f' id="{sid}"' if sid else ""
    n = f' data-count="{count}"' if count is not None else ""
    return (f'<details class="group"{i}{n}>\n<summary>{summary}</summary>\n<div class="group-body">\n{body}\n'
            '</div>\n</details>')


def toc(sections):
    """"On this page": links to the sections of a long page, from
    (id, title) pairs; "" for a page too short to need it."""
    if len(sections) < 3:
        return ""
    items = "\n".join(f'<li><a href="#{sid}">{h(title)}</a></li>' for sid, title in sections)
    return f'<nav class="toc" aria-label="On this page">\n<p>On this page</p>\n<ul>\n{items}\n</ul>\n</nav>'


class Sections:
    """The sections of a page, kept in order so that toc() can list them."""

    def __init__(self):
        self.parts, self.index = [], []

    def add(self, title, body, sid):
        if body:
            self.index.append((sid, title))
            self.parts.append(section(title, body, sid))
        return self

    def toc(self):
        return toc(self.index)

    def html(self):
        return "\n".join(self.parts)


def outcome(site, reason, action, bounce, verdict, code=None, kind="code"):
    """The four answers a bounce handler needs, as a <dl>; data-* carry the
    names for tests that compare the page with the CLI (data-KIND: the code
    or token the answer is for)."""
    attrs = f' data-{kind}="{h(code)}" data-reason="{h(reason)}" data-action="{h(action)}"' \
            f' data-bounce="{h(bounce)}" data-verdict="{h(verdict)}"' if code else ""
    rows = [
        ("Reason", site.name_link("reason", reason) + f' <span class="muted">{h(site.titles["reason"][reason])}</span>'),
        ("Bounce", bounce_badge(site, bounce) + f' <span class="muted">{h(site.titles["bounce"][bounce])}</span>'),
        ("Verdict", site.name_link("verdict", verdict) + " <span class=\"muted\">as the reply to RCPT TO</span>"),
        ("Action", site.name_link("action", action) + f' <span class="muted">{h(site.titles["action"][action])}</span>'),
    ]
    return f'<dl class="outcome"{attrs}>\n' + "\n".join(f"<dt>{t}</dt><dd>{d}</dd>" for t, d in rows) + "\n</dl>"


NAV_KINDS = ("code", "enhanced", "reason", "action", "vendor", "explain")


def layout(template, site, *, kind, title, description, body, scripts=(), query=""):
    """A whole page from web/page.html."""
    meta = site.data.meta
    fields = {
        "root": site.root,
        "kind": kind,
        "title": h(title),
        "description": h(description),
        "body": body,
        "query": h(query),
        "version": h(site.version),
        "data_version": h(meta["version"]),
        "registry_date": h(meta["registry_date"]),
        "scripts": "\n".join(f'<script src="{site.root}{s}"></script>' for s in scripts),
    }
    for k in NAV_KINDS:
        fields[f"nav_{k}"] = ' aria-current="page"' if k == kind else ""
    return string.Template(template).substitute(fields)
