"""The pages of the glossary site, one function per kind of page. Each returns
(title, description, body HTML); gen_site.py puts the body in the layout.

Every sentence shown comes from data/; the headings and labels are the
site's own.
"""

from collections import Counter

from site_decides import decides
from site_html import (Sections, bounce_badge, bullets, details, facts, h, link, outcome, paragraph,
                       section, table, vendor_code_id, vendor_code_label)
from site_replies import plural, replies_by_vendor, replies_of_vendor
from site_tokens import by_reason as tokens_by_reason
from smtpcode_data import DETAIL_RE, SUBJECT_RE

# A list of phrases longer than this is collapsed.
PHRASES_OPEN = 24

# The reasons whose first sample the explainer offers as an example.
EXAMPLE_REASONS = ("auth-dmarc", "user-unknown", "mailbox-full", "ip-blocklisted", "rate-limited", "greylisted")


def sample_reply(s):
    """The reply line a sample stands for: "550 5.1.1 text"."""
    return " ".join(str(x) for x in (s["code"], s["enhanced"], s["text"]) if x)


def enhanced_row_of(code):
    """"5.7.26" -> "X.7.26"."""
    _, subject, detail = code.split(".")
    return f"X.{subject}.{detail}"


def vendor_code_outcome(data, vc):
    """(reason, action, bounce) when a vendor's own code decides, as the
    classifier gives them (src/classify.c): the entry's action and bounce,
    else its reason's; a temporary failure is soft and never drops the
    address."""
    reason = next(r for r in data.taxonomy["reason"] if r["name"] == vc["reason"])
    action = vc.get("action", reason["action"])
    if vc["cls"] == 4:
        if action in ("remove-address", "fix-address", "update-address"):
            action = "retry-later"
        return vc["reason"], action, "soft"
    return vc["reason"], action, vc.get("bounce", reason["bounce"])


def rows_table(site, rows, head=("Code", "Title", "Reason", "Bounce")):
    """Codes with their title, reason and bounce type (as 5xx)."""
    return table(head, [(site.code_link(e["code"]), h(e["title"]), site.name_link("reason", e["reason"]),
                         bounce_badge(site, e["bounce"])) for e in rows], "codes")


def explain_form(site, where="foot"):
    """"Paste your bounce": sends the text to the explainer page; at the
    foot of a code's page, or near the top of the home page."""
    return (f'<form class="paste paste-{where}" action="{site.url("explain.html")}" method="get">\n'
            '<label for="paste-text">Paste your own bounce, log line or DSN field</label>\n'
            '<textarea id="paste-text" name="q" rows="3" spellcheck="false"></textarea>\n'
            '<button type="submit">Explain it</button>\n</form>')


def related(site, refs):
    """Codes worth reading next, each with its title."""
    items = []
    for r in refs:
        entry = site.entry(r)
        items.append(site.code_link(r) + (f' <span class="muted">{h(entry["title"])}</span>' if entry else ""))
    return bullets(items, raw=True)


# Basic codes.

def caveats(advice, notes):
    """What to do and the notes, right under the answer: 550's "let the
    enhanced code override this default" was 32,000 px down its page."""
    out = []
    if advice:
        out.append(f'<div class="advice">\n<h2>What to do</h2>\n{paragraph(advice)}\n</div>')
    if notes:
        out.append(f'<p class="note">{h(notes)}</p>')
    return "\n".join(out)


def basic_page(site, e):
    data = site.data
    code = e["code"]
    cls, cat = data.classes["class"].get(code // 100), data.classes["category"].get(code // 10 % 10)
    status = "" if e["status"] == "standard" else f'<p class="note">Status: {h(e["status"])}</p>'
    with_it = [x for x in data.enhanced if code in x["basic"]]
    samples = [s for s in data.samples if s["code"] == code]
    digits = facts([
        (f"{code // 100}xx", f"<strong>{h(cls['title'])}</strong>: {h(cls['meaning'])}" if cls else ""),
        (f"x{code // 10 % 10}x", f"<strong>{h(cat['title'])}</strong>: {h(cat['meaning'])}" if cat else ""),
    ])
    overloaded = decides(site, e)
    caption = f'<p class="muted outcome-caption">{code} on its own, when nothing else in the reply decides:</p>' \
        if overloaded else ""
    s = Sections()
    s.add("Typical causes", bullets(e["causes"]), "causes")
    s.add("Enhanced codes sent with it", long_table(rows_table(site, with_it), len(with_it), "enhanced code"),
          "enhanced")
    s.add(f"Vendor replies with {code} ({len(samples)})", replies_by_vendor(site, samples), "replies")
    s.add("What the digits say", digits, "digits")
    s.add("Replies to", bullets(e["commands"], "inline"), "commands")
    s.add("Related codes", related(site, e["related"]), "related")
    s.add("Defined in", f"<p>{site.rfc_links(e['rfc'])}</p>" if e["rfc"] else "", "rfc")
    body = "\n".join(x for x in [
        f'<h1><span class="code">{code}</span> {h(e["title"])}</h1>',
        paragraph(e["meaning"], "lead"),
        status,
        f'<div class="answer" data-answer>\n{caption}\n'
        + outcome(site, e["reason"], e["action"], e["bounce"], e["verdict"], code=str(code))
        + f"\n{overloaded}\n</div>",
        caveats(e["advice"], e.get("notes", "")),
        s.toc(),
        s.html(),
        explain_form(site),
    ] if x)
    return f"{code} {e['title']}", e["meaning"], body


# Enhanced codes.

def class_code(e, cls):
    """A registry row as used with class cls: X.7.26 -> 5.7.26, X.7.X -> 5.7.X."""
    return e["code"].replace("X", str(cls), 1) if DETAIL_RE.match(e["code"]) or SUBJECT_RE.match(e["code"]) \
        else e["code"]


def enhanced_page(site, e):
    data = site.data
    row = e["code"]
    detail = DETAIL_RE.match(row)
    per_class = []
    for k in e["classes"]:
        shown = class_code(e, k)
        reason, action, bounce, verdict = site.class_outcomes[shown]
        per_class.append(f'<section id="class-{k}" class="in-class">\n<h2>As <span class="code">{h(shown)}</span></h2>\n'
                         + paragraph(e.get(f"class{k}", ""))
                         + outcome(site, reason, action, bounce, verdict, code=shown if detail else None)
                         + "\n</section>")
    parts = [
        f'<h1><span class="code">{h(row)}</span> {h(e["title"])}</h1>',
        paragraph(e["meaning"], "lead"),
    ]
    if e["deprecated"]:
        parts.append(f'<p class="note">The registry deprecates this code; use {site.code_link(e["replaced_by"])} instead.</p>')
    parts.append('<div class="answer" data-answer>\n' + "\n".join(per_class) + "\n</div>")
    parts.append(caveats(e["advice"], e.get("notes", "")))
    samples = [s for s in data.samples if detail and s["enhanced"] and enhanced_row_of(s["enhanced"]) == row]
    s = Sections()
    s.add("Typical causes", bullets(e["causes"]), "causes")
    if detail:
        subject, det = int(detail.group(1)), int(detail.group(2))
        uses = [vc for vc in data.vendor_codes if vc["subject"] == subject and vc["lo"] <= det <= vc["hi"]]
        s.add("Vendors' own readings", vendor_codes_table(site, uses, show_vendor=True), "vendor-codes")
        s.add(f"Vendor replies with {row} ({len(samples)})", replies_by_vendor(site, samples), "replies")
    elif SUBJECT_RE.match(row):
        subject = row.split(".")[1]
        details_ = [x for x in data.enhanced if DETAIL_RE.match(x["code"]) and x["code"].split(".")[1] == subject]
        s.add("Codes of this subject", rows_table(site, details_), "codes")
    else:
        subjects = [x for x in data.enhanced if SUBJECT_RE.match(x["code"])]
        s.add("Subjects", table(("Code", "Title"), [(site.code_link(x["code"]), h(x["title"])) for x in subjects],
                                "codes"), "subjects")
    registry = []
    if not row[0].isdigit():
        registry.append(("Class rows", " ".join(site.code_link(f"{k}.X.X") for k in e["classes"])))
    if detail:
        registry.append(("Subject", site.code_link(f"X.{detail.group(1)}.X") + " " +
                         h(site.enhanced[f"X.{detail.group(1)}.X"]["title"])))
    basic = " ".join(site.code_link(b) for b in e["basic"])
    if e.get("basic_note"):
        basic = (basic + " " if basic else "") + f'<span class="muted">{h(e["basic_note"])}</span>'
    registry += [("Basic codes", basic), ("Defined in", site.rfc_links(e["rfc"]))]
    s.add("In the registry", facts(registry), "registry")
    s.add("Related codes", related(site, e["related"]), "related")
    parts += [s.toc(), s.html()]
    if detail:
        parts.append(explain_form(site))
    forms = [class_code(e, k) for k in e["classes"]] if detail else []
    title = f"{row} ({', '.join(forms)}) {e['title']}" if forms else f"{row} {e['title']}"
    return title, e["meaning"], "\n".join(x for x in parts if x)


def vendor_codes_table(site, codes, show_vendor):
    rows = []
    for vc in codes:
        reason, action, bounce = vendor_code_outcome(site.data, vc)
        label = link(site.url(site.vendor_code_path(vc)), vendor_code_label(vc), "code")
        cells = [label] + ([site.vendor_link(vc["vendor"])] if show_vendor else [])
        rows.append(cells + [h(vc["meaning"]), site.name_link("reason", reason) + " " + bounce_badge(site, bounce)])
    head = ("Code",) + (("Vendor",) if show_vendor else ()) + ("The vendor's meaning", "Reason")
    return table(head, rows, "codes")


# Reasons and actions.

def long_table(html, n, what):
    """A table of n rows, collapsed when it is long."""
    if n <= 12:
        return html
    return details(f'<span class="count">{plural(n, what)}</span> <span class="muted">with their reason and '
                   'bounce type</span>', html, count=n)


def phrase_list(items, what):
    """Phrases as an inline list; a long one collapsed, its summary
    counting them and naming the first few."""
    if not items:
        return ""
    ul = bullets([x for _, x in items], "phrases", raw=True)
    if len(items) <= PHRASES_OPEN:
        return ul
    first = ", ".join(t for t, _ in items[:4])
    return details(f'<span class="count">{plural(len(items), what)}</span> <span class="muted">{h(first)}, …</span>',
                   ul, count=len(items))


def reason_page(site, r):
    data = site.data
    name = r["name"]
    basic = [e for e in data.basic if e["reason"] == name]
    enhanced = [e for e in data.enhanced if e["reason"] == name and DETAIL_RE.match(e["code"])]
    vcodes = [vc for vc in data.vendor_codes if vc["reason"] == name]
    phrases = [p for p in data.phrases if p["reason"] == name]
    generic = [(p["text"], f"<code>{h(p['text'])}</code>") for p in phrases if p["kind"] == "phrase" and "vendor" not in p]
    own = [(p["text"], f"<code>{h(p['text'])}</code> {site.vendor_link(p['vendor'])}")
           for p in phrases if "vendor" in p and p["kind"] == "phrase"]
    tokens = [t for t in site.tokens if t.phrase["reason"] == name]
    samples = [s for s in data.samples if s["reason"] == name]
    s = Sections()
    s.add("Basic codes with this reason", rows_table(site, basic), "basic")
    s.add("Enhanced codes with this reason", rows_table(site, enhanced), "enhanced")
    s.add("Vendor codes with this reason", vendor_codes_table(site, vcodes, show_vendor=True), "vendor-codes")
    s.add("Vendor tokens with this reason", bullets([link(site.url(t.path), t.shown, "code") + " " +
                                                     site.vendor_link(t.vendor) for t in tokens], "inline", raw=True),
          "tokens")
    s.add("Texts that point to it", phrase_list(generic, "text"), "phrases")
    s.add("Vendor texts that point to it", phrase_list(own, "vendor text"), "vendor-phrases")
    s.add(f"Vendor replies with this reason ({len(samples)})", replies_by_vendor(site, samples), "replies")
    body = "\n".join(x for x in [
        f'<h1>{h(r["title"])}</h1>',
        f'<p class="name">Reason <code>{h(name)}</code></p>',
        paragraph(r["description"], "lead"),
        '<div class="answer" data-answer>\n' + facts([
            ("Usual action", site.name_link("action", r["action"]) + " " + h(site.titles["action"][r["action"]])),
            ("Bounce when permanent", bounce_badge(site, r["bounce"]))]) + "\n</div>",
        s.toc(),
        s.html(),
    ] if x)
    return f"{r['title']} ({name})", r["description"], body


def action_page(site, a):
    data = site.data
    name = a["name"]
    reasons = [r for r in data.taxonomy["reason"] if r["action"] == name]
    basic = [e for e in data.basic if e["action"] == name]
    enhanced = [e for e in data.enhanced if e["action"] == name and DETAIL_RE.match(e["code"])]
    body = "\n".join(x for x in [
        f'<h1>{h(a["title"])}</h1>',
        f'<p class="name">Action <code>{h(name)}</code></p>',
        paragraph(a["description"], "lead").replace("<p", "<p data-answer", 1),
        section("Reasons that call for it", table(("Reason", "When"), [
            (site.name_link("reason", r["name"]), h(r["description"])) for r in reasons])),
        section("Basic codes", rows_table(site, basic)),
        section("Enhanced codes (as 5.y.z)", rows_table(site, enhanced)),
    ] if x)
    return f"{a['title']} ({name})", a["description"], body


# Vendors.

def vendor_code_item(site, vc):
    """One of a vendor's own codes, with its outcome (data-* for the tests)."""
    reason, action, bounce = vendor_code_outcome(site.data, vc)
    row_path = site.code_path(vc["first"])
    registered = ' <span class="muted">(in the registry as ' + site.code_link(enhanced_row_of(vc["first"])) + \
        ")</span>" if row_path and row_path.startswith("enhanced/") else ""
    return (f'<li id="{vendor_code_id(vc)}" class="vendor-code" data-code="{h(vc["first"])}" '
            f'data-reason="{h(reason)}" data-action="{h(action)}" data-bounce="{h(bounce)}">\n'
            '<p class="sample-head">'
            f'<span class="code">{h(vendor_code_label(vc))}</span>{registered} <span class="sep">·</span> '
            f'{site.name_link("reason", reason)} {bounce_badge(site, bounce)} '
            f'<span class="sep">·</span> {site.name_link("action", action)}</p>\n'
            f'{paragraph(vc["meaning"])}\n</li>')


def vendor_codes_list(site, vcodes):
    """A vendor's own codes; many of them collapsed a reason each."""
    if len(vcodes) <= 6:
        return '<ul class="samples">\n' + "\n".join(vendor_code_item(site, vc) for vc in vcodes) + "\n</ul>"
    groups = {}
    for vc in vcodes:
        groups.setdefault(vendor_code_outcome(site.data, vc)[0], []).append(vc)
    out = []
    for reason, mine in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        labels = ", ".join(vendor_code_label(vc) for vc in mine[:3]) + (", …" if len(mine) > 3 else "")
        summary = (f'<span class="group-name">{h(site.titles["reason"][reason])}</span> '
                   f'<span class="count">{plural(len(mine), "code")}</span> <span class="muted">{h(labels)}</span>')
        out.append(details(summary, '<ul class="samples">\n' + "\n".join(vendor_code_item(site, vc) for vc in mine)
                           + "\n</ul>", f"codes-{reason}", len(mine)))
    return "\n".join(out)


def vendor_page(site, v):
    data = site.data
    vid = v["id"]
    vcodes = [vc for vc in data.vendor_codes if vc["vendor"] == vid]
    tokens = [t for t in site.tokens if t.vendor == vid]
    phrases = [p for p in data.phrases if p.get("vendor") == vid and p["kind"] == "phrase"]
    samples = [s for s in data.samples if s["vendor"] == vid]
    s = Sections()
    s.add(f"Its tokens ({len(tokens)})", tokens_by_reason(site, tokens), "tokens")
    s.add(f"Its own codes ({len(vcodes)})", vendor_codes_list(site, vcodes), "codes")
    s.add(f"Its replies ({len(samples)})", replies_of_vendor(site, samples), "replies")
    s.add("Its wording that points to a reason", phrase_list(
        [(p["text"], f"<code>{h(p['text'])}</code> {site.name_link('reason', p['reason'])}") for p in phrases],
        "text"), "phrases")
    s.add("How its replies are recognised",
          bullets([f"<code>{h(f)}</code>" for f in v["fingerprints"]], "inline", raw=True), "fingerprints")
    s.add("Postmaster and delisting pages", bullets([link(u, u) for u in v["postmaster"]], "links", raw=True),
          "postmaster")
    body = "\n".join(x for x in [
        f'<h1>{h(v["name"])}</h1>',
        f'<p class="name">Vendor <code>{h(vid)}</code></p>',
        paragraph(v["description"], "lead").replace("<p", "<p data-answer", 1),
        s.toc(),
        s.html(),
    ] if x)
    return v["name"], v["description"], body


# Lists of everything.

def basic_index(site):
    data = site.data
    parts = ['<h1>Basic reply codes</h1>']
    for d, cls in sorted(data.classes["class"].items()):
        rows = [e for e in data.basic if e["code"] // 100 == d]
        if rows:
            lead = paragraph(cls["meaning"])
            if len(parts) == 1:
                lead = lead.replace("<p", "<p data-answer", 1)
            parts.append(section(f"{d}xx {cls['title']}", lead + "\n" + rows_table(site, rows), f"class-{d}"))
    return "Basic reply codes", "Every three-digit SMTP reply code, with its meaning and outcome.", "\n".join(parts)


def enhanced_index(site):
    """The classes, then each subject's codes collapsed under its title."""
    data = site.data
    classes = [e for e in data.enhanced if e["code"][0].isdigit()]
    parts = ['<h1>Enhanced status codes</h1>',
             section("Classes", '<div data-answer>' + rows_table(site, classes) + "</div>", "classes")]
    subjects = []
    for subj in (e for e in data.enhanced if SUBJECT_RE.match(e["code"])):
        s = subj["code"].split(".")[1]
        rows = [subj] + [e for e in data.enhanced if DETAIL_RE.match(e["code"]) and e["code"].split(".")[1] == s]
        summary = (f'<span class="group-name"><span class="code">{h(subj["code"])}</span> {h(subj["title"])}</span> '
                   f'<span class="count">{plural(len(rows) - 1, "code")}</span>')
        subjects.append(details(summary, paragraph(subj["meaning"]) + "\n" + rows_table(site, rows), f"subject-{s}",
                                len(rows) - 1))
    parts.append(section("Subjects", "\n".join(subjects), "subjects"))
    return ("Enhanced status codes", "Every row of the IANA registry of SMTP enhanced status codes.",
            "\n".join(parts))


def index_list(rows):
    """A list of pages, each a link and a line or two about it: a table's
    third column made a phone page four times taller."""
    items = "\n".join(f'<div class="item"><dt>{head}</dt><dd>{about}</dd></div>' for head, about in rows)
    return f'<dl class="index-list" data-answer>\n{items}\n</dl>'


def first_sentence(text):
    """The first sentence of a description, for a list of many: its page
    has the rest."""
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def taxonomy_index(site, kind):
    items = site.data.taxonomy[kind]
    title = {"reason": "Reasons", "action": "Actions"}[kind]
    rows = [(site.name_link(kind, e["name"], e["title"]) + f' <code class="muted">{h(e["name"])}</code>',
             h(first_sentence(e["description"]))) for e in items]
    return title, f"Every {kind} smtpcode gives, with its description.", f"<h1>{title}</h1>\n" + index_list(rows)


def vendor_index(site):
    counts = Counter(s["vendor"] for s in site.data.samples)
    tokens = Counter(t.vendor for t in site.tokens)
    rows = []
    for v in site.data.vendors:
        n = [plural(counts[v["id"]], "reply", "replies")] + ([plural(tokens[v["id"]], "token")] if tokens[v["id"]] else [])
        rows.append((site.vendor_link(v["id"]) + f' <span class="muted">{", ".join(n)}</span>',
                     h(first_sentence(v["description"]))))
    body = ("<h1>Vendors</h1>\n" + index_list(rows) + "\n" +
            f'<p>{link(site.url("token/index.html"), "Every vendor token")}, such as [TSS04] or (S3150), has a page '
            "of its own.</p>")
    return "Vendors", "The mail systems whose replies smtpcode recognises.", body


def digits(data, kind, label):
    """What each first or second digit of a basic code says."""
    return facts([(label.format(d), f"<strong>{h(e['title'])}</strong>: {h(e['meaning'])}")
                  for d, e in sorted(data.classes[kind].items())])


def terms(site, kind, name):
    """Bounce types or verdicts with their descriptions, each with the id
    KIND-NAME that other pages link to."""
    items = [f'<div id="{kind}-{e["name"]}" class="term"><dt>{name(e["name"])} <span class="muted">'
             f'{h(e["title"])}</span></dt><dd>{h(e["description"])}</dd></div>' for e in site.data.taxonomy[kind]]
    return '<dl class="terms">\n' + "\n".join(items) + "\n</dl>"


def home(site):
    data = site.data
    basic_counts = Counter(s["code"] for s in data.samples)
    enhanced_counts = Counter(enhanced_row_of(s["enhanced"]) for s in data.samples
                              if s["enhanced"] and enhanced_row_of(s["enhanced"]) in site.enhanced)
    common_basic = [site.basic[c] for c, _ in basic_counts.most_common() if c in site.basic][:8]
    common_enhanced = [site.enhanced[c] for c, _ in enhanced_counts.most_common(8)]
    enhanced_classes = [e for e in data.enhanced if e["code"][0].isdigit()]
    subjects = [e for e in data.enhanced if SUBJECT_RE.match(e["code"])]
    s = Sections()
    s.add("The codes people meet most",
          '<div class="columns">\n'
          f'<div><h3>Basic codes</h3>{rows_table(site, common_basic, ("Code", "Title", "Reason", "Bounce"))}</div>\n'
          f'<div><h3>Enhanced codes</h3>{rows_table(site, common_enhanced)}</div>\n</div>', "common")
    s.add("Bounce types", terms(site, "bounce", lambda b: bounce_badge(site, b)), "bounce")
    s.add("Reading a basic code", f"<h3>The first digit</h3>\n{digits(data, 'class', '{}xx')}\n"
          + details('<span class="group-name">The second digit</span>', digits(data, "category", "x{}x"),
                    "second-digit"), "basic")
    s.add("Reading an enhanced code",
          f"<h3>The class</h3>\n{rows_table(site, enhanced_classes)}\n"
          + details('<span class="group-name">The subject</span>', table(("Code", "Title"), [
              (site.code_link(e["code"]), h(e["title"])) for e in subjects], "codes"), "subject", len(subjects)),
          "enhanced")
    s.add("Verifying addresses", "<p>" + link(site.url("verify.html"), "Verifying an address at RCPT TO")
          + ": the verdict each reply gives, the steps of a check, catch-all domains, greylisting and why a block "
          "says nothing about the address.</p>", "verify")
    reasons, actions = data.taxonomy["reason"], data.taxonomy["action"]
    s.add("Everything else", "\n".join([
        details(f'<span class="group-name">Reasons</span> <span class="count">{len(reasons)}</span>',
                bullets([site.name_link("reason", r["name"], r["title"]) for r in reasons], "inline", raw=True),
                "reasons", len(reasons)),
        details(f'<span class="group-name">Actions</span> <span class="count">{len(actions)}</span>',
                bullets([site.name_link("action", a["name"], a["title"]) for a in actions], "inline", raw=True),
                "actions", len(actions)),
        details(f'<span class="group-name">Vendors</span> <span class="count">{len(data.vendors)}</span>',
                bullets([site.vendor_link(v["id"]) for v in data.vendors], "inline", raw=True), "vendors",
                len(data.vendors)),
        details(f'<span class="group-name">Vendor tokens</span> <span class="count">{len(site.tokens)}</span> '
                '<span class="muted">such as [TSS04] or (S3150)</span>',
                bullets([link(site.url(t.path), t.shown, "code") for t in site.tokens], "inline", raw=True),
                "tokens", len(site.tokens)),
    ]), "more")
    body = "\n".join([
        '<h1>SMTP reply codes, explained</h1>',
        '<p class="lead" data-answer>What a reply code means, who sends it and what to do next: every basic code, every '
        'enhanced status code of the IANA registry, the reasons behind bounces and the vendors that send them. '
        f'Search above, or {link(site.url("explain.html"), "paste a bounce into the explainer")}.</p>',
        explain_form(site, "home"),
        s.toc(),
        s.html(),
    ])
    return "SMTP reply codes, explained", "Every SMTP reply code and enhanced status code: meaning, causes, " \
        "who sends it and what to do.", body


def search_page(site):
    body = ('<h1>Search</h1>\n<p class="muted" id="search-status" role="status" data-answer>Type in the search box: '
            'a code (550, 5.7.26, 5xx), a reason, a vendor, a token such as TSS04, words of a reply, or paste the '
            'whole reply.</p>\n'
            f'<p id="search-explain" class="offer" hidden><a href="{site.url("explain.html")}">Explain this</a> '
            '<span class="muted"></span></p>\n'
            '<ol id="search-list" class="search-list"></ol>\n'
            '<noscript><p>Search needs JavaScript; every page is also listed under the sections above.</p></noscript>')
    return "Search", "Search SMTP reply codes, reasons, vendors and vendor replies.", body


def explain_page(site, have_wasm):
    data = site.data
    examples = []
    for reason in EXAMPLE_REASONS:
        s = next((s for s in data.samples if s["reason"] == reason and s["code"] // 100 in (4, 5)), None)
        if s:
            examples.append(f'<li><button type="button" class="example" data-text="{h(sample_reply(s))}">'
                            f'{h(site.titles["reason"][reason])}</button></li>')
    missing = "" if have_wasm else \
        '<p class="note">This copy of the site was built without WebAssembly (no clang for wasm32), so the ' \
        'explainer cannot run here. The smtpcode command gives the same answer.</p>'
    body = "\n".join([
        '<h1>Explain a bounce</h1>',
        '<p class="lead" data-answer>Paste a reply, a log line, a field of a delivery status notification, or a '
        'whole bounce message with its header (one answer for each recipient it reports on). It is read in your '
        'browser by the smtpcode library itself, compiled to WebAssembly: nothing is sent anywhere, and the answer '
        'is the one the smtpcode command gives.</p>',
        missing,
        '<form id="explain-form" class="explain">',
        '<label for="explain-text">Reply, log line, DSN field or bounce message</label>',
        '<textarea id="explain-text" name="q" rows="6" spellcheck="false" '
        'placeholder="550 5.1.1 The email account that you tried to reach does not exist."></textarea>',
        '<div class="row">',
        '<button type="submit">Explain</button>',
        '<label for="explain-stage">It answered</label>',
        '<select id="explain-stage" name="stage"><option value="0">any command (the text may say which)</option>'
        '</select>',
        '</div>',
        '</form>',
        '<div id="explain-out" class="explain-out" aria-live="polite"></div>',
        '<div class="examples"><p class="muted">Or try one of these vendor replies:</p>\n<ul class="inline">\n'
        + "\n".join(examples) + "\n</ul></div>" if examples else "",
        '<noscript><p>The explainer needs JavaScript and WebAssembly.</p></noscript>',
    ])
    return "Explain a bounce", "Paste an SMTP reply, a log line, a DSN field or a whole bounce message and get " \
        "its reason, bounce type and what to do.", body
