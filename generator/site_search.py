"""The search index of the glossary site: one entry per page and per vendor
reply, written as search-index.js (a script, not JSON, so that it loads from
file:// where fetch() is refused). web/search.js ranks the entries.

An entry is [kind, url, title, codes, words, text, range, literal]:
  kind     index into KINDS
  url      from the site's root, with an anchor where it helps
  codes    the codes that name it exactly, space-separated ("X.7.26 4.7.26 5.7.26", "5xx")
  words    names, fingerprints, tokens and phrases that point to it
  text     the meaning or the reply text, shown under the title
  range    for a vendor's code range: [class, subject, first, last], else 0
  literal  for a vendor token, its text as the classifier matches it
           ("[tss04]"): found anywhere in a pasted reply, it names the token's
           page; else ""

Besides the data's pages, a few entries answer what people ask rather than
what they paste: "why did my mail bounce" leads to the explainer, "verify"
to the verification page, "blocked" to the block bounce type. Their words
are the site's own, like its headings.
"""

import json

from site_html import vendor_code_label
from site_pages import enhanced_row_of
from site_verify import PAGE as VERIFY_PAGE
from smtpcode_data import DETAIL_RE, SUBJECT_RE

# web/search.js gives each kind a bonus by its place here (KIND_BONUS).
KINDS = ("Enhanced code", "Basic code", "Reason", "Vendor", "Action", "Vendor code", "Vendor reply",
         "Vendor token", "Class", "Bounce type", "Guide")

# What people ask, leading to the pages that answer it: (url, title, words, text).
GUIDES = (
    ("explain.html", "Explain a bounce",
     "why bounce bounced bounces bounceback returned undelivered undeliverable rejected refused failed failure "
     "delivery ndr dsn error mail email message explain paste",
     "Paste a reply, a log line, a DSN field or a whole bounce message: what it means and what to do."),
    (VERIFY_PAGE, "Verifying an address at RCPT TO",
     "verify verification verifier validate validation validator check exists existence rcpt catch-all catchall "
     "accept-all greylisting address email",
     "The verdict each reply gives an address check, the steps of a check and what limits it."),
    ("token/index.html", "Vendor tokens", "token tokens tag tags vendor codes",
     "The short codes vendors put in their replies, such as [TSS04] or (S3150), each with its meaning."),
)
# More words for a bounce type than its name and description hold.
BOUNCE_WORDS = {
    "hard": "permanent remove suppress invalid",
    "soft": "temporary retry deferred",
    "block": "blocked blocking blocklist blacklist blacklisted refused rejected sender",
}


def _entry(kind, url, title, codes=(), words=(), text="", rng=0, literal=""):
    return [KINDS.index(kind), url, title, " ".join(codes), " ".join(words), text, rng, literal]


def entries(site):
    data = site.data
    out = []
    for e in data.enhanced:
        code = e["code"]
        codes = [code]
        if DETAIL_RE.match(code) or SUBJECT_RE.match(code):
            codes += [code.replace("X", str(k), 1) for k in e["classes"]]
        out.append(_entry("Enhanced code", site.enhanced_path(code), f"{code} {e['title']}", codes,
                          [e["reason"]], e["meaning"]))
    for e in data.basic:
        out.append(_entry("Basic code", site.basic_path(e["code"]), f"{e['code']} {e['title']}", [str(e["code"])],
                          [e["reason"]], e["meaning"]))
    for r in data.taxonomy["reason"]:
        phrases = [p["text"] for p in data.phrases if p["reason"] == r["name"] and "vendor" not in p]
        out.append(_entry("Reason", site.name_path("reason", r["name"]), r["title"], (), [r["name"]] + phrases,
                          r["description"]))
    for a in data.taxonomy["action"]:
        out.append(_entry("Action", site.name_path("action", a["name"]), a["title"], (), [a["name"]],
                          a["description"]))
    for v in data.vendors:
        tokens = [p["text"] for p in data.phrases if p.get("vendor") == v["id"]]
        out.append(_entry("Vendor", site.vendor_path(v["id"]), v["name"], (), [v["id"]] + v["fingerprints"] + tokens,
                          v["description"]))
    for vc in data.vendor_codes:
        name = site.vendors[vc["vendor"]]["name"]
        rng = [vc["cls"], vc["subject"], vc["lo"], vc["hi"]]
        out.append(_entry("Vendor code", site.vendor_code_path(vc), f"{vendor_code_label(vc)} ({name})",
                          [vc["first"], vc.get("last", vc["first"])], [vc["vendor"], vc["reason"]], vc["meaning"], rng))
    for t in site.tokens:
        name = site.vendors[t.vendor]["name"]
        core = "".join(ch for ch in t.text if ch.isalnum())
        out.append(_entry("Vendor token", t.path, f"{t.shown} ({name})", [core] if core.isascii() else [],
                          [t.vendor, t.phrase["reason"]], t.meaning, literal=t.text))
    for d, cls in sorted(data.classes["class"].items()):
        if any(e["code"] // 100 == d for e in data.basic):
            out.append(_entry("Class", f"code/index.html#class-{d}", f"{d}xx {cls['title']}", [f"{d}xx"], [],
                              cls["meaning"]))
    for b in data.taxonomy["bounce"]:
        out.append(_entry("Bounce type", site.name_path("bounce", b["name"]), b["title"], (),
                          [b["name"], BOUNCE_WORDS.get(b["name"], "")], b["description"]))
    for url, title, words, text in GUIDES:
        out.append(_entry("Guide", url, title, (), [words], text))
    seen = {}
    for s in data.samples:
        n = seen[s["vendor"]] = seen.get(s["vendor"], 0) + 1
        name = site.vendors[s["vendor"]]["name"]
        codes = [str(s["code"])] + ([s["enhanced"], enhanced_row_of(s["enhanced"])] if s["enhanced"] else [])
        title = f"{s['code']} {s['enhanced']} {name}".replace("  ", " ")
        out.append(_entry("Vendor reply", f"{site.vendor_path(s['vendor'])}#sample-{n}", title, codes,
                          [s["vendor"], s["reason"]], s["text"]))
    return out


def script(site):
    """search-index.js: the kinds and entries as one global."""
    body = json.dumps({"kinds": KINDS, "entries": entries(site)}, ensure_ascii=False, separators=(",", ":"))
    return ("/* Generated by generator/site_search.py from data/; do not edit. */\n"
            f"var SMTPCODE_SEARCH = {body};\n")
