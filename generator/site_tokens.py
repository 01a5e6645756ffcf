"""A page per vendor token ([TSS04], (S3150), BL000010, RESOLVER.RST.…):
the phrases of data/phrases.toml of kind "token". A person who searches
TSS04 wants what it means, what to do and where the vendor explains it,
with replies that carry it.

A token is shown as the vendor writes it, as `smtpcode TSS04` shows it: as
the first vendor reply that holds it spells it, else in upper case; its
meaning is that reply's, else its reason's. Its outcome is the library's for
that reply (or for the token alone), asked of the smtpcode program by
gen_site.py, so the page says what `smtpcode TSS04` says.
"""

import re

from site_html import Sections, bounce_badge, details, h, link, outcome, paragraph
from site_replies import sample_item

# The CLI folds ASCII letters only; str.lower() would fold others too.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def ascii_lower(text):
    return text.translate(ASCII_LOWER)


class Token:
    """One vendor token with what its page shows."""

    def __init__(self, data, phrase):
        self.phrase = phrase
        self.text = phrase["text"]
        self.vendor = phrase["vendor"]
        # Every reply holding it, ASCII case-insensitively, as the CLI finds them.
        self.samples = [s for s in data.samples if self.text in ascii_lower(s["text"])]
        first = self.samples[0] if self.samples else None
        if first:
            at = ascii_lower(first["text"]).index(self.text)
            self.shown = first["text"][at:at + len(self.text)]
        else:
            self.shown = self.text.translate(ASCII_UPPER)
        reason = next(r for r in data.taxonomy["reason"] if r["name"] == phrase["reason"])
        self.own_meaning = bool(first and first.get("meaning"))
        self.meaning = first["meaning"] if self.own_meaning else reason["description"]
        # What the library is asked about: the first reply with its codes, or the token alone.
        self.example = " ".join(str(x) for x in (first["code"], first["enhanced"], first["text"]) if x) if first \
            else self.text
        self.has_example = first is not None
        self.slug = re.sub(r"[^A-Za-z0-9]+", "-", self.shown).strip("-")

    @property
    def path(self):
        return f"token/{self.slug}.html"


def tokens(data):
    """Every vendor token, in data order."""
    return [Token(data, p) for p in data.phrases if p["kind"] == "token"]


def token_page(site, t):
    v = site.vendors[t.vendor]
    reason, action, bounce, verdict = site.token_outcomes[t.text]
    action_entry = next(a for a in site.data.taxonomy["action"] if a["name"] == action)
    caption = ('<p class="muted outcome-caption">For the reply below; the code a reply carries decides whether '
               'it is temporary.</p>' if t.has_example else "")
    others = [x for x in site.tokens if x.vendor == t.vendor and x is not t]
    s = Sections()
    s.add(f"Replies that carry it ({len(t.samples)})", '<ul class="samples">\n' + "\n".join(
        sample_item(site, x, show_vendor=False, source=True) for x in t.samples) + "\n</ul>" if t.samples else "",
        "replies")
    s.add(f"{v['name']}'s own pages", "<ul>\n" + "\n".join(f"<li>{link(u, u)}</li>" for u in v["postmaster"])
          + "\n</ul>" if v["postmaster"] else "", "references")
    s.add(f"Other tokens of {v['name']}", '<ul class="inline">\n' + "\n".join(
        f'<li>{link(site.url(x.path), x.shown, "code")}</li>' for x in others) + "\n</ul>" if others else "", "others")
    body = "\n".join(x for x in [
        f'<h1><span class="code">{h(t.shown)}</span> {h(v["name"])}</h1>',
        f'<p class="name">A token that {site.vendor_link(t.vendor)} puts in its replies</p>',
        paragraph(t.meaning, "lead"),
        f'<div class="answer" data-answer>\n{caption}\n'
        + outcome(site, reason, action, bounce, verdict, code=t.shown, kind="token") + "\n</div>",
        f'<div class="advice">\n<h2>What to do</h2>\n{paragraph(action_entry["description"])}\n</div>',
        s.toc(),
        s.html(),
    ] if x)
    return f"{t.shown} ({v['name']})", t.meaning, body


def by_reason(site, tokens):
    """Tokens as lines of one reason and bounce type each: "Poor sender
    reputation soft: [TS01], [TS02]", a long table's worth in a few lines."""
    groups = {}
    for t in tokens:
        reason, _, bounce, _ = site.token_outcomes[t.text]
        groups.setdefault((reason, bounce), []).append(t)
    items = [f'<li>{site.name_link("reason", reason, site.titles["reason"][reason])} {bounce_badge(site, bounce)} '
             + ", ".join(link(site.url(t.path), t.shown, "code") for t in mine) + "</li>"
             for (reason, bounce), mine in groups.items()]
    return '<ul class="token-lines">\n' + "\n".join(items) + "\n</ul>" if items else ""


# A vendor with more tokens than this is folded on the index: the page stays
# a few screens long however many tokens the data gains.
FOLD_OVER = 8


def token_index(site):
    groups = []
    for v in site.data.vendors:
        mine = [t for t in site.tokens if t.vendor == v["id"]]
        if len(mine) > FOLD_OVER:
            groups.append(details(f'<span class="vendor-name">{h(v["name"])}</span> ({len(mine)} tokens)',
                                  f'<p>{site.vendor_link(v["id"])}: its page, with every reply and token.</p>\n'
                                  + by_reason(site, mine),
                                  sid=f'vendor-{v["id"]}'))
        elif mine:
            groups.append(f'<h2 class="vendor-name" id="vendor-{v["id"]}">{site.vendor_link(v["id"])}</h2>\n'
                          + by_reason(site, mine))
    body = "\n".join([
        "<h1>Vendor tokens</h1>",
        '<p class="lead" data-answer>The short codes and tags that some mail systems put in their replies, such as '
        "Yahoo's [TSS04] or Outlook.com's (S3150): each names the vendor's own reason for the reply, and each has a "
        "page with its meaning, what to do and replies that carry it.</p>",
        "\n".join(groups),
    ])
    return "Vendor tokens", "The vendor tokens smtpcode recognises in SMTP replies, each with its meaning.", body
