"""Writes a deterministic benchmark corpus: the data's samples with variable
parts (addresses, hosts, IPs, queue IDs) varied, dressed as the lines people
classify: bare replies, Postfix and Exim log lines, DSN Diagnostic-Code
fields, Gmail-style multi-line replies flattened as Postfix logs them, and
log lines that hold no reply at all.

usage: gen_corpus.py MEGABYTES OUTPUT
"""

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "generator"))
import smtpcode_data  # noqa: E402

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory"]
DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "corp.example"]
MX = ["gmail-smtp-in.l.google.com", "mta7.am0.yahoodns.net", "example-com.mail.protection.outlook.com",
      "mx1.example.net", "mx.example.org", "mx00.gmx.net", "mxs.mail.ru", "mx.yandex.net"]


def vary(text, rng):
    user = f"{rng.choice(USERS)}{rng.randrange(1000)}@{rng.choice(DOMAINS)}"
    ip = f"192.0.2.{rng.randrange(1, 255)}"
    return text.replace("user@example.com", user).replace("192.0.2.1", ip)


def line(sample, rng, n):
    codes = " ".join(str(x) for x in (sample["code"], sample["enhanced"]) if x)
    reply = vary(f"{codes} {sample['text']}", rng)
    host = rng.choice(MX)
    qid = f"{rng.getrandbits(40):010X}"
    when = f"Nov {1 + n % 28:2d} {n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}"
    kind = rng.randrange(10)
    if kind < 3:
        return reply
    if kind < 6:
        status = "deferred" if str(sample["code"]).startswith("4") else "bounced"
        return (f"{when} mx postfix/smtp[{rng.randrange(1000, 99999)}]: {qid}: to=<{vary('user@example.com', rng)}>, "
                f"relay={host}[192.0.2.{rng.randrange(1, 255)}]:25, delay={rng.randrange(1, 900) / 10}, "
                f"dsn={sample['enhanced'] or '5.0.0'}, status={status} (host {host}[192.0.2.{rng.randrange(1, 255)}] "
                f"said: {reply} (in reply to RCPT TO command))")
    if kind < 7:
        return (f"2026-11-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00 1v{qid[:4]}-000{qid[4:8]}-{qid[8:]} ** "
                f"{vary('user@example.com', rng)} R=dnslookup T=remote_smtp: SMTP error from remote mail server "
                f"after RCPT TO:<{vary('user@example.com', rng)}>: {reply}")
    if kind < 8:
        return f"Diagnostic-Code: smtp; {reply}"
    if kind < 9:
        # Log lines with no reply: most lines of a real mail log.
        return rng.choice([
            f"{when} mx postfix/qmgr[901]: {qid}: from=<{vary('user@example.com', rng)}>, size={rng.randrange(900, 90000)}, nrcpt=1 (queue active)",
            f"{when} mx postfix/smtpd[{rng.randrange(1000, 99999)}]: connect from unknown[192.0.2.{rng.randrange(1, 255)}]",
            f"{when} mx postfix/cleanup[{rng.randrange(1000, 99999)}]: {qid}: message-id=<{qid}@{rng.choice(DOMAINS)}>",
        ])
    return (f"{when} mx postfix/smtp[{rng.randrange(1000, 99999)}]: {qid}: to=<{vary('user@example.com', rng)}>, "
            f"relay={host}[192.0.2.{rng.randrange(1, 255)}]:25, delay=0.4, dsn=2.0.0, status=sent "
            f"(250 2.0.0 OK {rng.getrandbits(32)} - gsmtp)")


def main():
    size = int(float(sys.argv[1]) * 1_000_000)
    data = smtpcode_data.load(os.path.join(os.path.dirname(__file__), "..", "..", "data"))
    rng = random.Random(20261127)  # deterministic: the same corpus on every machine
    written = n = 0
    with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as out:
        while written < size:
            text = line(data.samples[rng.randrange(len(data.samples))], rng, n) + "\n"
            out.write(text)
            written += len(text.encode("utf-8"))
            n += 1


if __name__ == "__main__":
    main()
