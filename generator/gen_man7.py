"""Writes smtp-codes.7, the whole reference in one manual page, in mdoc(7),
from data/: every basic reply code and every row of the enhanced status code
registry with meaning, causes and what to do; the reasons, actions, bounce
types and verdicts; the vendors, their own codes and their tokens.

usage: gen_man7.py DATADIR > smtp-codes.7
"""

import sys

import cgen
import mdoc
import smtpcode_data


def sentence(text):
    return mdoc.paragraph(text if text[-1:] in ".!?)" else text + ".")


def head(code, title):
    """.It Sy CODE No TITLE"""
    return f".It Sy {mdoc.arg(code)} No {mdoc.words(title)}"


def causes(items):
    if not items:
        return []
    out = ["Causes:", ".Bl -dash -compact"]
    for c in items:
        out += [".It"] + mdoc.wrapped(c)
    return out + [".El"]


def labelled(label, text):
    return mdoc.paragraph(f"{label}: {text}")


def rfcs(numbers):
    return ", ".join(f"RFC {n}" for n in numbers)


def outcome(data, e, verdict=True):
    """'Reason user-unknown, action remove-address, bounce hard, verdict undeliverable.'"""
    parts = [f"reason {e['reason']}", f"action {e['action']}", f"bounce {e['bounce']}"]
    if verdict and "verdict" in e:
        parts.append(f"RCPT TO verdict {e['verdict']}")
    return mdoc.wrapped("Outcome: " + ", ".join(parts) + ".")


def basic_codes(data):
    out = [".Sh BASIC REPLY CODES",
           "RFC 5321 replies start with three digits.",
           "The first, the class, says whether the command succeeded; the second, the",
           "category, what the reply is about.",
           ".Ss Classes",
           ".Bl -tag -width Ds"]
    for d, e in sorted(data.classes["class"].items()):
        out += [head(f"{d}xx", e["title"])] + sentence(e["meaning"])
    out += [".El", ".Ss Categories", ".Bl -tag -width Ds"]
    for d, e in sorted(data.classes["category"].items()):
        out += [head(f"x{d}x", e["title"])] + sentence(e["meaning"])
    out += [".El", ".Ss Codes", ".Bl -tag -width Ds"]
    for e in data.basic:
        out.append(head(str(e["code"]), e["title"]))
        if e["status"] != "standard":
            out += mdoc.wrapped(f"Status: {e['status']}.")
            out.append(".Pp")
        out += sentence(e["meaning"])
        out += [".Pp"] + causes(e["causes"]) + ([".Pp"] if e["causes"] else [])
        out += labelled("What to do", e["advice"] + f" [{e['action']}]")
        out += [".Pp"] + outcome(data, e)
        details = [f"Answers: {', '.join(e['commands'])}."] if e["commands"] else []
        out += closing(e, details)
    return out + [".El"]


def closing(e, details):
    """The end of an entry: the details given, then where the code is
    defined and its related codes, each a line; then its notes."""
    if e["rfc"]:
        details.append(f"Defined in {rfcs(e['rfc'])}.")
    if e["related"]:
        details.append(f"Related: {', '.join(e['related'])}.")
    out = []
    for d in details:
        out += mdoc.wrapped(d)
    if e.get("notes"):
        out += [".Pp"] + sentence(e["notes"])
    return out


def enhanced_entry(e):
    out = [head(e["code"], e["title"])]
    if e["deprecated"]:
        out += mdoc.wrapped(f"Deprecated: use {e['replaced_by']} instead.") + [".Pp"]
    out += sentence(e["meaning"])
    for k in (2, 4, 5):
        if e.get(f"class{k}"):
            out += [".Pp"] + mdoc.paragraph(f"As {k}.y.z: {e[f'class{k}']}")
    out += [".Pp"] + causes(e["causes"]) + ([".Pp"] if e["causes"] else [])
    out += labelled("What to do", e["advice"] + f" [{e['action']}]")
    failure = [k for k in e["classes"] if k != 2]
    out.append(".Pp")
    out += mdoc.wrapped(f"Used with class {', '.join(map(str, e['classes']))}." +
                        (f" Outcome of a failure: reason {e['reason']}, action {e['action']}; bounce "
                         f"{e['bounce']} as 5.y.z, soft as 4.y.z." if failure else ""))
    details = []
    if e.get("basic_note"):
        details.append(f"Basic codes: {e['basic_note']}.")
    elif e["basic"]:
        details.append(f"Basic codes: {', '.join(map(str, e['basic']))}.")
    return out + closing(e, details)


def enhanced_codes(data):
    out = [".Sh ENHANCED STATUS CODES",
           "RFC 3463 codes have the form",
           ".Ar class . Ns Ar subject . Ns Ar detail ,",
           "such as 5.1.1, sent after the basic code.",
           "The class repeats the basic code's verdict (2 success, 4 temporary, 5",
           "permanent), the subject names the area and the detail the condition.",
           "The titles are those of the IANA registry, whose snapshot of",
           mdoc.text_line(data.meta["registry_date"]),
           "this page lists in full; X stands for any class.",
           ".Ss Classes",
           ".Bl -tag -width Ds"]
    rows = data.enhanced
    for e in rows:
        if e["code"].endswith(".X.X"):
            out += enhanced_entry(e)
    out.append(".El")
    subjects = [e for e in rows if e["code"].endswith(".X") and e["code"].startswith("X.")]
    for s in subjects:
        n = s["code"].split(".")[1]
        out += [f".Ss {mdoc.words(s['code'] + ' ' + s['title'])}", ".Bl -tag -width Ds"]
        out += enhanced_entry(s)
        for e in rows:
            parts = e["code"].split(".")
            if parts[0] == "X" and parts[1] == n and parts[2] != "X":
                out += enhanced_entry(e)
        out.append(".El")
    return out


def taxonomy(data):
    out = [".Sh REASONS",
           "The cause of a failure, as",
           ".Xr smtpcode 1",
           "and",
           ".Xr smtpcode 3",
           "name it.",
           "Each has a usual action and the bounce type of its permanent form.",
           ".Bl -tag -width Ds"]
    for e in data.taxonomy["reason"]:
        out += [head(e["name"], e["title"])] + sentence(e["description"])
        out += mdoc.wrapped(f"Action {e['action']}, bounce {e['bounce']}.")
    out.append(".El")
    for kind, title, intro in (("action", "SENDER ACTIONS", "What the sender should do next."),
                               ("bounce", "BOUNCE TYPES", "What a failed delivery means for the address."),
                               ("verdict", "VERDICTS", "What a reply to RCPT TO says about the address, for "
                                                       "an address-verification service.")):
        out += [f".Sh {title}"] + mdoc.wrapped(intro) + [".Bl -tag -width Ds"]
        for e in data.taxonomy[kind]:
            out += [head(e["name"], e["title"])] + sentence(e["description"])
        out.append(".El")
    return out


def vendors(data):
    names = {v["id"]: v["name"] for v in data.vendors}
    out = [".Sh VENDORS",
           "Mail systems whose replies are recognised, by the host names and text",
           "(fingerprints) that identify them, and where their postmaster pages are.",
           ".Bl -tag -width Ds"]
    for v in data.vendors:
        out += [head(v["id"], v["name"])] + sentence(v["description"])
        if v["fingerprints"]:
            out += mdoc.wrapped("Fingerprints: " + ", ".join(f'"{f}"' for f in v["fingerprints"]) + ".")
        for url in v["postmaster"]:
            out += [".Pp", f".Lk {mdoc.escape(url)}"]
    out.append(".El")

    out += [".Sh VENDOR CODE SYSTEMS",
            "Enhanced codes that a vendor sends with a meaning of its own, outside or",
            "beyond the registry.",
            "An unregistered one names its vendor wherever it appears; a registered one",
            "is read the vendor's way only in that vendor's replies.",
            ".Bl -tag -width Ds"]
    for vid in [v["id"] for v in data.vendors]:
        codes = [c for c in data.vendor_codes if c["vendor"] == vid]
        if not codes:
            continue
        for c in codes:
            span = c["first"] + ("\\(en" + c["last"] if c.get("last", c["first"]) != c["first"] else "")
            out.append(f".It Sy {span} No {mdoc.words('(' + names[vid] + ')')}")
            out += sentence(c["meaning"])
            extra = [f"reason {c['reason']}"] + [f"{k} {c[k]}" for k in ("action", "bounce") if k in c]
            out += mdoc.wrapped("Outcome: " + ", ".join(extra) + ".")
    out.append(".El")

    tokens = [p for p in data.phrases if p["kind"] == "token"]
    out += [".Sh VENDOR TOKENS",
            "Tags and codes that a vendor puts in its reply text; each names a cause and",
            "beats any phrase.",
            "They are matched without regard to case.",
            ".Bl -tag -width Ds"]
    for vid in [v["id"] for v in data.vendors]:
        for t in (t for t in tokens if t["vendor"] == vid):
            out.append(f".It Li {mdoc.arg(t['text'])} No {mdoc.words('(' + names[vid] + ')')}")
            extra = [f"reason {t['reason']}"] + [f"{k} {t[k]}" for k in ("action", "bounce") if k in t]
            out += mdoc.wrapped(", ".join(extra) + ".")
    out.append(".El")
    return out


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    out = [cgen.banner(__file__, ["data/"], '.\\" %s'),
           f".Dd {mdoc.date(data.meta['version'])}",
           ".Dt SMTP-CODES 7",
           ".Os",
           ".Sh NAME",
           ".Nm smtp-codes",
           ".Nd SMTP reply codes, enhanced status codes, and what a bounce means",
           ".Sh DESCRIPTION",
           "An SMTP server answers every command with a reply: a three-digit basic code",
           "(RFC 5321), often followed by an enhanced status code (RFC 3463) and text.",
           "This page is the reference that",
           ".Xr smtpcode 1",
           "and",
           ".Xr smtpcode 3",
           "answer from: every basic code and every row of the IANA registry of enhanced",
           "status codes, with what it means, its usual causes and what the sender should",
           "do; the reasons a delivery fails, the actions, bounce types and verdicts",
           "that answers are given in; and the vendors whose replies carry codes and",
           "tokens of their own.",
           ".Pp",
           "A bounce handler cares most about the bounce type.",
           "A hard bounce means the address is bad: suppress it.",
           "A soft bounce is temporary: retry.",
           "A block means the receiver refused the sender, its IP address, domain,",
           "authentication or content, and says nothing against the address: do not",
           "suppress it, fix the sending side.",
           ".Pp",
           f"Data version {mdoc.escape(data.meta['version'])}; IANA registry of "
           f"{mdoc.escape(data.meta['registry_date'])}:",
           f".Lk {mdoc.escape(data.meta['registry_url'])}"]
    out += basic_codes(data)
    out += enhanced_codes(data)
    out += taxonomy(data)
    out += vendors(data)
    out += [".Sh SEE ALSO", ".Xr smtpcode 1 ,", ".Xr smtpcode 3", ".Sh STANDARDS"]
    out += mdoc.references(mdoc.SMTP_RFCS)
    out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
