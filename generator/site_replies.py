"""Vendor replies on the glossary site's pages: each reply with its codes,
its literal text and the vendor's meaning, and the collapsed groups they are
shown in. A code such as 550 comes with hundreds of replies: listed in full
they made its page 33,000 px tall and pushed its caveats to the bottom, so
they sit in <details> groups, a vendor or a reason each, whose summary says
how many replies it holds and what they are about. site.js opens the group
holding a linked reply (vendor/gmail.html#sample-12).
"""

from collections import Counter

from site_html import bounce_badge, bounce_label, details, h, link, paragraph

# A list this short is shown as it is: collapsing it would hide more than it saves.
OPEN_MAX = 6
# Reasons named in a vendor group's summary; the others are counted.
SUMMARY_REASONS = 2
# Vendor groups shown before the rest are folded into one more group.
VENDORS_SHOWN = 10


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


def plural(n, one, many=None):
    return f"{n} {one if n == 1 else many or one + 's'}"


def by_vendor(site, samples):
    """[(vendor, its samples)] in data order, vendors without any left out."""
    groups = [(v, [s for s in samples if s["vendor"] == v["id"]]) for v in site.data.vendors]
    return [(v, mine) for v, mine in groups if mine]


def by_reason(samples):
    """[(reason, its samples)], the most common reason first, then in data order."""
    counts = Counter(s["reason"] for s in samples)
    first = {}
    for i, s in enumerate(samples):
        first.setdefault(s["reason"], i)
    return [(r, [s for s in samples if s["reason"] == r]) for r in sorted(counts, key=lambda r: (-counts[r], first[r]))]


def reason_head(site, reason, mine):
    """A reason as the head of its replies: link, bounce types, count."""
    badges = " ".join(bounce_badge(site, b) for b in dict.fromkeys(s["bounce"] for s in mine))
    return (f'<p class="group-head">{site.name_link("reason", reason, site.titles["reason"][reason])} {badges} '
            f'<span class="muted">{plural(len(mine), "reply", "replies")}</span></p>')


def reasons_summary(site, samples):
    """"User unknown 10, Policy 5, ... and 4 more reasons": what a group's
    replies are about, as plain text (a summary holds no links)."""
    groups = by_reason(samples)
    named = ", ".join(f"{site.titles['reason'][r]} {len(mine)}" for r, mine in groups[:SUMMARY_REASONS])
    rest = len(groups) - SUMMARY_REASONS
    return named + (f", and {plural(rest, 'more reason')}" if rest > 0 else "")


def replies_by_vendor(site, samples):
    """Replies from many vendors (a code's or a reason's page): a collapsed
    group a vendor (id replies-VENDOR), its replies grouped by reason inside;
    a short list is shown open."""
    groups = by_vendor(site, samples)
    if len(samples) <= OPEN_MAX:
        return '<ul class="samples">\n' + "\n".join(sample_item(site, s) for s in samples) + "\n</ul>"
    out = []
    # The vendors with the most replies first, in data order on a tie.
    groups = sorted(groups, key=lambda g: -len(g[1]))
    for v, mine in groups:
        summary = (f'<span class="group-name">{h(v["name"])}</span> '
                   f'<span class="count">{plural(len(mine), "reply", "replies")}</span> '
                   f'<span class="muted">{h(reasons_summary(site, mine))}</span>')
        parts = []
        for reason, theirs in by_reason(mine):
            items = "\n".join(sample_item(site, s, show_vendor=False) for s in theirs)
            parts.append(reason_head(site, reason, theirs) + f'\n<ul class="samples">\n{items}\n</ul>')
        parts.append(f'<p class="more">{link(site.url(site.vendor_path(v["id"])), "Everything about " + v["name"])}</p>')
        out.append(details(summary, "\n".join(parts), f"replies-{v['id']}", len(mine)))
    if len(out) > VENDORS_SHOWN + 1:
        rest = groups[VENDORS_SHOWN:]
        n = sum(len(mine) for _, mine in rest)
        out[VENDORS_SHOWN:] = [details(
            f'<span class="group-name">{plural(len(rest), "more vendor")}</span> '
            f'<span class="count">{plural(n, "reply", "replies")}</span> '
            f'<span class="muted">{h(", ".join(v["name"] for v, _ in rest[:5]))}{", …" if len(rest) > 5 else ""}</span>',
            "\n".join(out[VENDORS_SHOWN:]), count=n)]
    return "\n".join(out)


def replies_of_vendor(site, samples):
    """One vendor's replies (its own page), a collapsed group a reason (id
    reason-REASON); each reply keeps the id sample-N, N its place in the
    data, which search results link to."""
    number = {id(s): i + 1 for i, s in enumerate(samples)}
    if len(samples) <= OPEN_MAX:
        return '<ul class="samples">\n' + "\n".join(
            sample_item(site, s, show_vendor=False, sid=f"sample-{number[id(s)]}", source=True) for s in samples) + "\n</ul>"
    out = []
    for reason, mine in by_reason(samples):
        badges = " ".join(bounce_label(b) for b in dict.fromkeys(s["bounce"] for s in mine))
        summary = (f'<span class="group-name">{h(site.titles["reason"][reason])}</span> {badges} '
                   f'<span class="count">{plural(len(mine), "reply", "replies")}</span>')
        items = "\n".join(sample_item(site, s, show_vendor=False, sid=f"sample-{number[id(s)]}", source=True)
                          for s in mine)
        body = (f'<p class="more">{site.name_link("reason", reason, "About " + site.titles["reason"][reason])}</p>\n'
                f'<ul class="samples">\n{items}\n</ul>')
        out.append(details(summary, body, f"reason-{reason}", len(mine)))
    return "\n".join(out)
