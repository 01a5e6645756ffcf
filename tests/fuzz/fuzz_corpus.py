"""Inputs made from data/ for the fuzzers and the differential check: the
samples dressed in the carriers they arrive in (bare, Postfix, Exim, DSN
fields, a multi-line reply), the codes, and a dictionary of the phrases,
tokens, fingerprints and carrier markers."""

import codecs
import os
import re


def seeds(data):
    out = []
    for e in data.basic:
        out.append(str(e["code"]))
    for e in data.enhanced:
        out.append(e["code"])
        out.append("5" + e["code"][1:])
    out += ["5.01.1", "5.1.1.1", "6.1.1", "", "55", "5.1000.1", "4.9.9", "599"]
    for e in data.samples:
        reply = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x) + " " + e["text"]
        out.append(reply)
        out.append(f"host mx.example.com[192.0.2.1] said: {reply} (in reply to RCPT TO command)")
        out.append(f"SMTP error from remote mail server after RCPT TO:<user@example.com>: {reply}")
        out.append(f"Action: failed\nStatus: {e['enhanced'] or '5.0.0'}\nRemote-MTA: dns; mx.example.com\n"
                   f"Diagnostic-Code: smtp; {reply}\n")
        head = reply[:3]
        out.append(f"{head}-{reply[4:40]}\r\n{head}-{reply[40:80]}\r\n{head} {reply[80:]}\r\n")
    return out


HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..")


def carrier_markers():
    """Every carrier marker of src/carrier.h, the list the classifier compiles."""
    from gen_classifier import markers_from
    return [text for _, text in markers_from(os.path.join(SOURCE, "src", "carrier.h"))]


def dictionary_words(data):
    """The phrases, tokens, fingerprints and carrier markers, and what the
    markers' field parsers read after (or before) them, sorted."""
    words = set(carrier_markers())
    for p in data.phrases:
        words.add(p["text"])
    for v in data.vendors:
        words.update(f.lower() for f in v["fingerprints"])
    words.update(["550 ", "550-", "5.1.1 ", "\r\n", "diagnostic-code: smtp; ", " said: ", "status: ",
                  "remote-mta: dns; ", "(in reply to rcpt to command)", "rcpt to:<a@b>: ", "rcpt to:<",
                  "mail from:<", "pipelined ", "end of data:", "initial connection:", "ehlo ", "host ",
                  "host mx.example.com[192.0.2.1]", "] said:", "[", "]", "<", ">", "deferred:", "smtp;", "dns;"])
    return sorted(words)


def linear_shapes():
    """(name, prefix, unit) of tests/linear_shapes.h: inputs that make a
    parser work, the ones the hostile suite times."""
    with open(os.path.join(HERE, "..", "linear_shapes.h"), encoding="utf-8") as f:
        src = f.read()
    literal = r'"((?:[^"\\]|\\.)*)"'
    rows = re.findall(r"\{" + literal + r",\s*" + literal + r",\s*" + literal + r"\}", src)
    if not rows:
        raise SystemExit("fuzz_corpus.py: no shapes found in tests/linear_shapes.h")
    return [tuple(codecs.decode(x, "unicode_escape") for x in row) for row in rows]


def long_seeds(size):
    """Each shape of linear_shapes() filled to `size` bytes: with these the
    fuzzers start from inputs long enough for work that grows faster than
    the input to pass the harnesses' time limit."""
    out = []
    for _, prefix, unit in linear_shapes():
        text = prefix + unit * ((size - len(prefix)) // len(unit) + 1)
        out.append(text[:size].encode("utf-8"))
    return out


def dictionary(data):
    """The words as a libFuzzer dictionary."""
    lines = []
    for w in dictionary_words(data):
        b = w.encode("utf-8")
        if 0 < len(b) <= 64:
            lines.append('"' + "".join(chr(c) if 0x20 <= c < 0x7f and c not in (0x22, 0x5c) else f"\\x{c:02x}"
                                       for c in b) + '"')
    return "\n".join(lines) + "\n"


def report(samples, boundary="b0und", encoding=None):
    """A multipart/report bounce for the samples given, one recipient each."""
    groups = []
    for i, e in enumerate(samples):
        reply = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x) + " " + e["text"]
        groups.append(f"Final-Recipient: rfc822; user{i}@example.com\nAction: failed\n"
                      f"Status: {e['enhanced'] or '5.0.0'}\nRemote-MTA: dns; mx.example.com\n"
                      f"Diagnostic-Code: smtp; {reply}\n")
    status = "Reporting-MTA: dns; mail.example.org\n\n" + "\n".join(groups)
    cte = ""
    if encoding == "base64":
        import base64
        status = base64.encodebytes(status.encode("utf-8")).decode("ascii")
        cte = "Content-Transfer-Encoding: base64\n"
    return (f"From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"
            f"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{boundary}\"\n\n"
            f"--{boundary}\nContent-Type: text/plain\n\nThe message could not be delivered.\n\n"
            f"--{boundary}\nContent-Type: message/delivery-status\n{cte}\n{status}\n--{boundary}--\n")


def messages(data, testdata_dir):
    """Whole inputs for the bounce-message and scan harnesses: the test
    messages, mboxes and logs, and a report made from each vendor's samples."""
    import gzip
    import os

    out = []
    for folder in (testdata_dir, os.path.join(testdata_dir, "messages")):
        for name in sorted(os.listdir(folder)):
            if os.path.isfile(os.path.join(folder, name)):
                with open(os.path.join(folder, name), "rb") as f:
                    out.append(f.read())
    by_vendor = {}
    for e in data.samples:
        by_vendor.setdefault(e["vendor"], []).append(e)
    for i, (vendor, samples) in enumerate(sorted(by_vendor.items())):
        out.append(report(samples[:4], encoding="base64" if i % 3 == 0 else None).encode("utf-8"))
    out.append(b"From a@b Mon Mar  2 10:15:02 2026\n" + report(data.samples[:2]).encode("utf-8"))
    # gzip, whole and cut short: scan reads both
    packed = gzip.compress(out[0], mtime=0)
    out += [packed, packed[: len(packed) // 2]]
    return out
