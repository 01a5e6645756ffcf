"""The pages of the glossary site, one function per kind of page. Each returns
(title, description, body HTML); gen_site.py puts the body in the layout.

Every sentence shown comes from data/; the headings and labels are the
site's own.
"""

from collections import Counter

from site_html import (bounce_badge, bullets, facts, h, link, outcome, paragraph,
                       section, table, vendor_code_id, vendor_code_label)
from smtpcode_data import DETAIL_RE, SUBJECT_RE

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


def sample_item(site, s, show_vendor=True, sid=None, source=False):
    """One vendor reply: its codes, the literal text, the vendor's meaning."""
    codes = [site.code_link(s["code"])]
    if s["enhanced"]:
        codes.append(site.code_link(s["enhanced"]))
    head = " ".join(codes)
    if show_vendor:
        head += f' <span class="sep">·</span> {site.vendor_link(s["vendor"])}'
    head += f' <span class="sep">·</span> {site.name_link("reason", s["reason"])} {bounce_badge(site, s["bounce"])}'
    if s.get("stage"):
        head += f' <span class="muted">at {h(s["stage"])}</span>'
    out = f'<p class="sample-head">{head}</p>\n<p class="reply"><code>{h(s["text"])}</code></p>'
    if s.get("meaning"):
        out += f"\n{paragraph(s['meaning'], 'sample-meaning')}"
    if source:
        out += f'\n<p class="source muted">Published at {link(s["source"], s["source"])}</p>'
    i = f' id="{sid}"' if sid else ""
    return f'<li class="sample"{i}>\n{out}\n</li>'


def _by_vendor(site, samples):
    """[(vendor, its samples)] in data order, vendors without any left out."""
    groups = [(v, [s for s in samples if s["vendor"] == v["id"]]) for v in site.data.vendors]
    return [(v, mine) for v, mine in groups if mine]


def samples_by_vendor(site, samples, level=3):
    """Replies grouped under each vendor's name (id replies-VENDOR)."""
    groups = []
    for v, mine in _by_vendor(site, samples):
        items = "\n".join(sample_item(site, s, show_vendor=False) for s in mine)
        groups.append(f'<h{level} class="vendor-name" id="replies-{v["id"]}">{site.vendor_link(v["id"])}</h{level}>\n'
                      f'<ul class="samples">\n{items}\n</ul>')
    return "\n".join(groups)


def senders(site, samples):
    """"Sent by": each vendor with replies below, linking to them."""
    items = [f'<a href="#replies-{v["id"]}">{h(v["name"])}</a> <span class="muted">{len(mine)}</span>'
             for v, mine in _by_vendor(site, samples)]
    return f'<p class="senders"><strong>Sent by</strong> {" · ".join(items)}</p>' if items else ""


def rows_table(site, rows, head=("Code", "Title", "Reason", "Bounce")):
    """Codes with their title, reason and bounce type (as 5xx)."""
    return table(head, [(site.code_link(e["code"]), h(e["title"]), site.name_link("reason", e["reason"]),
                         bounce_badge(site, e["bounce"])) for e in rows], "codes")


def explain_form(site):
    """"Paste your bounce": sends the text to the explainer page."""
    return (f'<form class="paste" action="{site.url("explain.html")}" method="get">\n'
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
    body = "\n".join(x for x in [
        f'<h1><span class="code">{code}</span> {h(e["title"])}</h1>',
        paragraph(e["meaning"], "lead"),
        status,
        outcome(site, e["reason"], e["action"], e["bounce"], e["verdict"], code=str(code)),
        senders(site, samples),
        section("Typical causes", bullets(e["causes"])),
        section("What to do", paragraph(e["advice"])),
        section("What the digits say", digits),
        section("Replies to", bullets(e["commands"], "inline")),
        section("Enhanced codes sent with it", rows_table(site, with_it)),
        section(f"Vendor replies with {code}", samples_by_vendor(site, samples), "replies"),
        section("Notes", paragraph(e.get("notes", ""))),
        section("Related codes", related(site, e["related"])),
        section("Defined in", f"<p>{site.rfc_links(e['rfc'])}</p>" if e["rfc"] else ""),
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
    parts += per_class
    samples = [s for s in data.samples if detail and s["enhanced"] and enhanced_row_of(s["enhanced"]) == row]
    parts += [senders(site, samples),
              section("Typical causes", bullets(e["causes"])),
              section("What to do", paragraph(e["advice"]))]
    if detail:
        subject, det = int(detail.group(1)), int(detail.group(2))
        uses = [vc for vc in data.vendor_codes if vc["subject"] == subject and vc["lo"] <= det <= vc["hi"]]
        parts.append(section("Vendors' own readings", vendor_codes_table(site, uses, show_vendor=True), "vendor-codes"))
        parts.append(section(f"Vendor replies with {row}", samples_by_vendor(site, samples), "replies"))
    elif SUBJECT_RE.match(row):
        subject = row.split(".")[1]
        details = [x for x in data.enhanced if DETAIL_RE.match(x["code"]) and x["code"].split(".")[1] == subject]
        parts.append(section("Codes of this subject", rows_table(site, details)))
    else:
        subjects = [x for x in data.enhanced if SUBJECT_RE.match(x["code"])]
        parts.append(section("Subjects", table(("Code", "Title"), [(site.code_link(x["code"]), h(x["title"]))
                                                                   for x in subjects], "codes")))
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
    parts += [section("In the registry", facts(registry)),
              section("Notes", paragraph(e.get("notes", ""))),
              section("Related codes", related(site, e["related"]))]
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

def reason_page(site, r):
    data = site.data
    name = r["name"]
    basic = [e for e in data.basic if e["reason"] == name]
    enhanced = [e for e in data.enhanced if e["reason"] == name and DETAIL_RE.match(e["code"])]
    vcodes = [vc for vc in data.vendor_codes if vc["reason"] == name]
    phrases = [p for p in data.phrases if p["reason"] == name]
    generic = [f"<code>{h(p['text'])}</code>" for p in phrases if p["kind"] == "phrase" and "vendor" not in p]
    own = [f"<code>{h(p['text'])}</code> {site.vendor_link(p['vendor'])}" for p in phrases if "vendor" in p]
    samples = [s for s in data.samples if s["reason"] == name]
    body = "\n".join(x for x in [
        f'<h1>{h(r["title"])}</h1>',
        f'<p class="name">Reason <code>{h(name)}</code></p>',
        paragraph(r["description"], "lead"),
        facts([("Usual action", site.name_link("action", r["action"]) + " " + h(site.titles["action"][r["action"]])),
               ("Bounce when permanent", bounce_badge(site, r["bounce"]))]),
        section("Basic codes with this reason", rows_table(site, basic)),
        section("Enhanced codes with this reason", rows_table(site, enhanced)),
        section("Vendor codes with this reason", vendor_codes_table(site, vcodes, show_vendor=True)),
        section("Texts that point to it", bullets(generic, "phrases", raw=True), "phrases"),
        section("Vendor texts that point to it", bullets(own, "phrases", raw=True), "tokens"),
        section("Vendor replies with this reason", samples_by_vendor(site, samples), "replies"),
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
        paragraph(a["description"], "lead"),
        section("Reasons that call for it", table(("Reason", "When"), [
            (site.name_link("reason", r["name"]), h(r["description"])) for r in reasons])),
        section("Basic codes", rows_table(site, basic)),
        section("Enhanced codes (as 5.y.z)", rows_table(site, enhanced)),
    ] if x)
    return f"{a['title']} ({name})", a["description"], body


# Vendors.

def vendor_page(site, v):
    data = site.data
    vid = v["id"]
    vcodes = [vc for vc in data.vendor_codes if vc["vendor"] == vid]
    for_code = []
    for vc in vcodes:
        reason, action, bounce = vendor_code_outcome(data, vc)
        row_path = site.code_path(vc["first"])
        registered = ' <span class="muted">(in the registry as ' + site.code_link(enhanced_row_of(vc["first"])) + \
            ")</span>" if row_path and row_path.startswith("enhanced/") else ""
        for_code.append(f'<li id="{vendor_code_id(vc)}" class="vendor-code" data-code="{h(vc["first"])}" '
                        f'data-reason="{h(reason)}" data-action="{h(action)}" data-bounce="{h(bounce)}">\n'
                        '<p class="sample-head">'
                        f'<span class="code">{h(vendor_code_label(vc))}</span>{registered} <span class="sep">·</span> '
                        f'{site.name_link("reason", reason)} {bounce_badge(site, bounce)} '
                        f'<span class="sep">·</span> {site.name_link("action", action)}</p>\n'
                        f'{paragraph(vc["meaning"])}\n</li>')
    tokens = [p for p in data.phrases if p.get("vendor") == vid]
    token_rows = [(f"<code>{h(p['text'])}</code>", h(p["kind"]), site.name_link("reason", p["reason"]))
                  for p in tokens]
    samples = [s for s in data.samples if s["vendor"] == vid]
    items = "\n".join(sample_item(site, s, show_vendor=False, sid=f"sample-{i + 1}", source=True)
                      for i, s in enumerate(samples))
    body = "\n".join(x for x in [
        f'<h1>{h(v["name"])}</h1>',
        f'<p class="name">Vendor <code>{h(vid)}</code></p>',
        paragraph(v["description"], "lead"),
        section("How its replies are recognised",
                bullets([f"<code>{h(f)}</code>" for f in v["fingerprints"]], "inline", raw=True), "fingerprints"),
        section("Postmaster and delisting pages", bullets([link(u, u) for u in v["postmaster"]], raw=True), "postmaster"),
        section("Its own codes", f'<ul class="samples">\n' + "\n".join(for_code) + "\n</ul>" if for_code else "",
                "codes"),
        section("Its tokens and phrases", table(("Text", "Kind", "Reason"), token_rows), "tokens"),
        section(f"Its replies ({len(samples)})", f'<ul class="samples">\n{items}\n</ul>' if samples else "", "replies"),
    ] if x)
    return v["name"], v["description"], body


# Lists of everything.

def basic_index(site):
    data = site.data
    parts = ['<h1>Basic reply codes</h1>']
    for d, cls in sorted(data.classes["class"].items()):
        rows = [e for e in data.basic if e["code"] // 100 == d]
        if rows:
            parts.append(section(f"{d}xx {cls['title']}", paragraph(cls["meaning"]) + "\n" + rows_table(site, rows),
                                 f"class-{d}"))
    return "Basic reply codes", "Every three-digit SMTP reply code, with its meaning and outcome.", "\n".join(parts)


def enhanced_index(site):
    data = site.data
    classes = [e for e in data.enhanced if e["code"][0].isdigit()]
    parts = ['<h1>Enhanced status codes</h1>',
             section("Classes", rows_table(site, classes), "classes")]
    for subj in (e for e in data.enhanced if SUBJECT_RE.match(e["code"])):
        s = subj["code"].split(".")[1]
        rows = [subj] + [e for e in data.enhanced if DETAIL_RE.match(e["code"]) and e["code"].split(".")[1] == s]
        parts.append(section(f"{subj['code']} {subj['title']}", rows_table(site, rows), f"subject-{s}"))
    return ("Enhanced status codes", "Every row of the IANA registry of SMTP enhanced status codes.",
            "\n".join(parts))


def taxonomy_index(site, kind):
    items = site.data.taxonomy[kind]
    title = {"reason": "Reasons", "action": "Actions"}[kind]
    rows = [(site.name_link(kind, e["name"]), h(e["title"]), h(e["description"])) for e in items]
    return title, f"Every {kind} smtpcode gives, with its description.", \
        f"<h1>{title}</h1>\n" + table(("Name", "Title", "Description"), rows)


def vendor_index(site):
    counts = Counter(s["vendor"] for s in site.data.samples)
    rows = [(site.vendor_link(v["id"]), h(v["description"]), str(counts[v["id"]])) for v in site.data.vendors]
    return "Vendors", "The mail systems whose replies smtpcode recognises.", \
        "<h1>Vendors</h1>\n" + table(("Vendor", "About", "Replies"), rows)


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
    common_basic = [site.basic[c] for c, _ in basic_counts.most_common() if c in site.basic][:10]
    common_enhanced = [site.enhanced[c] for c, _ in enhanced_counts.most_common(12)]
    enhanced_classes = [e for e in data.enhanced if e["code"][0].isdigit()]
    subjects = [e for e in data.enhanced if SUBJECT_RE.match(e["code"])]
    body = "\n".join([
        '<h1>SMTP reply codes, explained</h1>',
        '<p class="lead">What a reply code means, who sends it and what to do next: every basic code, every '
        'enhanced status code of the IANA registry, the reasons behind bounces and the vendors that send them. '
        f'Search above, or {link(site.url("explain.html"), "paste a bounce into the explainer")}.</p>',
        section("The codes people meet most",
                '<div class="columns">\n'
                f'<div><h3>Basic codes</h3>{rows_table(site, common_basic, ("Code", "Title", "Reason", "Bounce"))}</div>\n'
                f'<div><h3>Enhanced codes</h3>{rows_table(site, common_enhanced)}</div>\n</div>', "common"),
        section("Reading a basic code",
                f"<h3>The first digit</h3>\n{digits(data, 'class', '{}xx')}\n"
                f"<h3>The second digit</h3>\n{digits(data, 'category', 'x{}x')}", "basic"),
        section("Reading an enhanced code",
                f"<h3>The class</h3>\n{rows_table(site, enhanced_classes)}\n<h3>The subject</h3>\n"
                + table(("Code", "Title", "Meaning"), [(site.code_link(e["code"]), h(e["title"]), h(e["meaning"]))
                                                       for e in subjects], "codes"),
                "enhanced"),
        section("Bounce types", terms(site, "bounce", lambda b: bounce_badge(site, b)), "bounce"),
        section("Verdicts of address verification", terms(site, "verdict", h), "verdict"),
        section("Reasons", bullets([site.name_link("reason", r["name"], r["title"]) for r in data.taxonomy["reason"]],
                                   "inline", raw=True), "reasons"),
        section("Actions", bullets([site.name_link("action", a["name"], a["title"]) for a in data.taxonomy["action"]],
                                   "inline", raw=True), "actions"),
    ])
    return "SMTP reply codes, explained", "Every SMTP reply code and enhanced status code: meaning, causes, " \
        "who sends it and what to do.", body


def search_page(site):
    body = ('<h1>Search</h1>\n<p class="muted" id="search-status" role="status">Type in the search box: a code '
            '(550, 5.7.26), a reason, a vendor, a token such as TSS04, or words of a reply.</p>\n'
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
        '<p class="lead">Paste a reply, a log line, a field of a delivery status notification, or a whole bounce '
        'message with its header (one answer for each recipient it reports on). It is read in your browser by '
        'the smtpcode library itself, compiled to WebAssembly: nothing is sent anywhere, and the answer is the '
        'one the smtpcode command gives.</p>',
        missing,
        '<form id="explain-form" class="explain">',
        '<label for="explain-text">Reply, log line, DSN field or bounce message</label>',
        '<textarea id="explain-text" name="q" rows="6" spellcheck="false" '
        'placeholder="550 5.1.1 The email account that you tried to reach does not exist."></textarea>',
        '<div class="row">',
        '<label for="explain-stage">Answer to</label>',
        '<select id="explain-stage" name="stage"><option value="0">not known</option></select>',
        '<button type="submit">Explain</button>',
        '</div>',
        '</form>',
        '<div id="explain-out" class="explain-out" aria-live="polite"></div>',
        '<div class="examples"><p class="muted">Or try one of these vendor replies:</p>\n<ul class="inline">\n'
        + "\n".join(examples) + "\n</ul></div>" if examples else "",
        '<noscript><p>The explainer needs JavaScript and WebAssembly.</p></noscript>',
    ])
    return "Explain a bounce", "Paste an SMTP reply, a log line, a DSN field or a whole bounce message and get " \
        "its reason, bounce type and what to do.", body
