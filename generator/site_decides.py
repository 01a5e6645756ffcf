"""What decides an overloaded basic code. 550 on its own reads as an
unknown user, yet most replies that carry it are blocks: a bounce handler
that takes the code's default removes good addresses. For a code whose
replies end in more than one bounce type, the page's answer box says which
enhanced codes lead to which: "with 5.1.1: hard, remove the address; with
5.7.1: a block, keep it".

Every outcome shown is the smtpcode program's answer for the code with that
enhanced code ("550 5.7.1"), asked by gen_site.py in one run: the rules live
in the library alone.
"""

from collections import Counter

from site_html import bounce_badge, h, link

# How many enhanced codes a bounce type's line names before it counts the rest.
SHOWN = 6
# Bounce types in the order a bounce handler needs them.
ORDER = ("hard", "block", "soft", "unknown", "none")
# The site's short label for what each bounce type asks of the sender.
HINT = {
    "hard": "remove the address",
    "block": "keep the address, fix the sending side",
    "soft": "retry later",
    "unknown": "read the text before deciding",
    "none": "nothing failed",
}


def enhanced_with(data, code):
    """The enhanced codes (5.7.1, ...) seen with a basic code: in its vendor
    replies, the most common first, then the registry rows that list the
    code, in the code's class."""
    cls = code // 100
    seen = Counter(s["enhanced"] for s in data.samples if s["code"] == code and s["enhanced"])
    out = [c for c, _ in sorted(seen.items(), key=lambda kv: -kv[1]) if int(c[0]) == cls]
    for e in data.enhanced:
        if code in e["basic"] and cls in e["classes"] and e["code"].startswith("X.") and not e["code"].endswith(".X"):
            c = e["code"].replace("X", str(cls), 1)
            if c not in out:
                out.append(c)
    return out


def combos(data):
    """Every "550 5.7.1" the pages ask about: each failure code with each
    enhanced code seen with it."""
    out = []
    for e in data.basic:
        if e["code"] // 100 in (4, 5):
            out += [f"{e['code']} {c}" for c in enhanced_with(data, e["code"])]
    return out


def by_outcome(site, code, outcomes, which):
    """{value: [enhanced codes]}: the enhanced codes seen with a basic code
    that the site has a page for, by field `which` of the answer for the
    pair in outcomes ((reason, action, bounce, verdict) by "550 5.7.1")."""
    groups = {}
    for c in enhanced_with(site.data, code):
        if site.code_path(c):
            groups.setdefault(outcomes[f"{code} {c}"][which], []).append(c)
    return groups


def decides(site, e):
    """The "what decides" part of a basic code's answer box, or "" when every
    enhanced code seen with it leads to the code's own bounce type."""
    code = e["code"]
    if code // 100 not in (4, 5):
        return ""
    groups = by_outcome(site, code, site.combo_outcomes, 2)
    if set(groups) <= {e["bounce"]}:
        return ""
    rows = []
    for bounce in (b for b in ORDER if b in groups):
        mine = groups[bounce]
        shown = ", ".join(site.code_link(c) for c in mine[:SHOWN])
        more = f' <span class="muted">and {len(mine) - SHOWN} more</span>' if len(mine) > SHOWN else ""
        rows.append(f'<li data-bounce="{bounce}">{bounce_badge(site, bounce)} <strong>{h(HINT[bounce])}</strong> '
                    f'with {shown}{more}</li>')
    samples = [s for s in site.data.samples if s["code"] == code]
    bare = sum(1 for s in samples if not s["enhanced"])
    tail = ""
    if bare:
        tail = (f'<p class="muted">{bare} of its {len(samples)} vendor replies below carry no enhanced code: their '
                f'text decides, and {link(site.url("explain.html"), "the explainer")} reads it.</p>')
    return (f'<div class="decides">\n<p><strong>{code} is sent for different failures:</strong> the enhanced code '
            f'decides what to do.</p>\n<ul>\n' + "\n".join(rows) + f"\n</ul>\n{tail}\n</div>")
