"""smtpcode against what a real Postfix says: two Postfix instances (mta.py)
started in network, mount, PID and UTS namespaces of the test's own, one
refusing mail in each of the ways a sender meets, one sending mail to it and
to dead ends. Every reply and log line they produce is collected, printed as
TAP diagnostics, and run through `smtpcode scan --format jsonl`; each test
states what the configuration means for the sender (reason and bounce type,
for a log line also its recipient and status) and checks smtpcode says it.

usage: test_postfix_replies.py SMTPCODE
Needs root, unshare(1), postfix, postgrey and unbound, as the probe test
(scripts/bootstrap test installs them); skipped without them, unless
SMTPCODE_PROBE_TESTS=required makes that a failure.
"""

import json
import os
import re
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "probe"))
sys.path.insert(0, HERE)

import tap  # noqa: E402

SMTPCODE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
INSIDE = "--inside" in sys.argv

# Reasons a sender may be told for one behaviour, where two name the same need.
SENDER_REFUSED = ("sender-rejected", "policy")
HELO_REFUSED = ("rdns", "syntax-error", "policy")


class Expect:
    """What a sender needs to know from one collected text."""

    def __init__(self, reason, bounce, recipient=None, status=None):
        self.reasons = reason if isinstance(reason, tuple) else (reason,)
        self.bounce = bounce
        self.recipient = recipient
        self.status = status


# --- Postfix as a server: replies ------------------------------------------
def server_replies(m):
    """Walks every rx listener; returns [(name, reply text, Expect)]."""
    from mta import CLIENT, RX, Session
    out = []

    def add(name, text, *expect, **kw):
        out.append((name, text, Expect(*expect, **kw)))

    def session(listener, client="good", helo="client.smtpcode.test", sender="sender@client.smtpcode.test"):
        s = Session(RX[listener], CLIENT[client])
        if helo:
            s.cmd("EHLO " + helo)
        if sender:
            s.cmd(f"MAIL FROM:<{sender}>")
        return s

    def rcpt(listener, address, **kw):
        with session(listener, **kw) as s:
            return s.cmd(f"RCPT TO:<{address}>")

    # recipients: tables and access maps (main)
    add("relay denied", rcpt("main", "someone@elsewhere.test"), "relay-denied", "block")
    add("unknown in virtual mailbox table", rcpt("main", "nobody@vmail.test"), "user-unknown", "hard")
    add("unknown in virtual alias table", rcpt("main", "nobody@alias.test"), "user-unknown", "hard")
    add("unknown in local recipient table", rcpt("main", "ghost@local.test"), "user-unknown", "hard")
    add("recipient access REJECT", rcpt("main", "blocked@vmail.test"), ("policy", "recipient-filtered"), "block")
    add("recipient access REJECT text", rcpt("main", "disabled@vmail.test"), "mailbox-disabled", "hard")
    add("recipient access 550 5.1.1", rcpt("main", "gone@vmail.test"), "user-unknown", "hard")
    add("recipient access 452 4.2.2", rcpt("main", "quota@vmail.test"), "mailbox-full", "soft")
    add("recipient access DEFER", rcpt("main", "later@vmail.test"), ("policy", "recipient-filtered"), "soft")
    add("recipient access DEFER text", rcpt("main", "moving@vmail.test"),
        ("service-unavailable", "system-error", "policy"), "soft")
    add("recipient access 551 5.1.6", rcpt("main", "moved@vmail.test"), "mailbox-moved", "hard")
    # senders and clients: access maps (main)
    add("sender access REJECT", rcpt("main", "alice@vmail.test", sender="banned@sender.test"), SENDER_REFUSED,
        "block")
    add("sender access DEFER", rcpt("main", "alice@vmail.test", sender="held@sender.test"), SENDER_REFUSED, "soft")
    add("sender access 550 5.7.1 text", rcpt("main", "alice@vmail.test", sender="x@spammer.test"), SENDER_REFUSED,
        "block")
    add("client access REJECT", rcpt("main", "alice@vmail.test", client="reject"), "policy", "block")
    add("client access DEFER", rcpt("main", "alice@vmail.test", client="defer"), "policy", "soft")
    add("client access 550 5.7.1 text", rcpt("main", "alice@vmail.test", client="custom"), "policy", "block")
    # size
    with session("main", sender=None) as s:
        add("message_size_limit at MAIL SIZE=", s.cmd(f"MAIL FROM:<sender@client.smtpcode.test> SIZE={10 ** 6}"),
            "message-too-large", "block")
    add("message_size_limit at DATA", data("main", "alice@vmail.test", "Subject: big\r\n\r\n" +
                                           ("x" * 70 + "\r\n") * 300), "message-too-large", "block")
    # content: header_checks and body_checks
    for name, message, expect in [
            ("header_checks REJECT", "X-Test-Verdict: default\r\n\r\nhi\r\n", ("spam", "block")),
            ("header_checks REJECT text", "X-Test-Verdict: spam\r\n\r\nhi\r\n", ("spam", "block")),
            ("header_checks REJECT attachment", "Content-Type: application/octet-stream; name=\"a.exe\"\r\n\r\nhi\r\n",
             ("virus", "block")),
            ("body_checks REJECT", "Subject: hi\r\n\r\nForbidden body line\r\n", ("spam", "block")),
            ("body_checks REJECT text", "Subject: hi\r\n\r\nCheap pills\r\n", ("spam", "block"))]:
        add(name, data("main", "alice@vmail.test", message), *expect)
    # too many recipients
    with session("limit") as s:
        for a in ("alice@vmail.test", "bob@vmail.test"):
            s.cmd(f"RCPT TO:<{a}>")
        add("smtpd_recipient_limit", s.cmd("RCPT TO:<full@vmail.test>"), "rate-limited", "soft")
    # commands: syntax and order (main). The sending software is at fault,
    # but a reply about a command alone does not say whether the address or
    # the sender is, so the bounce type stays unknown (taxonomy.toml).
    with Session(RX["main"], CLIENT["other"]) as s:
        add("EHLO without a name", s.cmd("EHLO"), "syntax-error", "unknown")
        add("unknown command", s.cmd("FROB"), "syntax-error", "unknown")
        s.cmd("EHLO client.smtpcode.test")
        add("RCPT before MAIL", s.cmd("RCPT TO:<alice@vmail.test>"), "syntax-error", "unknown")
        add("bad sender syntax", s.cmd("MAIL FROM:<a b@c@d>"), ("syntax-error", "sender-rejected"), "block")
        add("unsupported MAIL parameter", s.cmd("MAIL FROM:<a@client.smtpcode.test> FROB=1"), "syntax-error",
            "unknown")
        s.cmd("MAIL FROM:<a@client.smtpcode.test>")
        add("bad recipient syntax", s.cmd("RCPT TO:<a b@c@d>"), "syntax-error", "hard")
        s.cmd("RSET")
        add("DATA before MAIL", s.cmd("DATA"), "syntax-error", "unknown")
    with session("noutf8", sender=None) as s:
        add("SMTPUTF8 not offered", s.cmd("MAIL FROM:<a@client.smtpcode.test> SMTPUTF8"), "message-format", "block")
    # HELO
    for name, helo, expect in [("invalid HELO", "bad_host!name", (HELO_REFUSED, "block")),
                               ("HELO not fully qualified", "localhost", (HELO_REFUSED, "block")),
                               ("HELO host not found", "nohost.test", (HELO_REFUSED, "soft"))]:
        add(name, rcpt("helo", "alice@vmail.test", helo=helo), *expect)
    with Session(RX["helo"], CLIENT["good"]) as s:
        add("HELO required", s.cmd("MAIL FROM:<a@client.smtpcode.test>"), "syntax-error", "unknown")
    # sender and recipient domains
    add("sender not fully qualified", rcpt("domains", "alice@vmail.test", sender="sender"), "sender-rejected", "block")
    add("recipient not fully qualified", rcpt("domains", "alice"), "syntax-error", "hard")
    add("unknown sender domain 4xx", rcpt("domains", "alice@vmail.test", sender="a@nosuch.test"), "sender-rejected",
        "soft")
    add("unknown recipient domain 4xx", rcpt("domains", "alice@nosuch.test"), "domain-not-found", "soft")
    add("unknown sender domain 5xx", rcpt("domains5", "alice@vmail.test", sender="a@nosuch.test"), "sender-rejected",
        "block")
    add("unknown recipient domain 5xx", rcpt("domains5", "alice@nosuch.test"), "domain-not-found", "hard")
    # the client: reverse DNS, block lists
    add("client without a host name (4xx)", rcpt("rdns", "alice@vmail.test", client="noptr"), "rdns", "soft")
    add("client without reverse DNS (5xx)", rcpt("rdns5", "alice@vmail.test", client="noptr"), "rdns", "block")
    add("reject_rbl_client", rcpt("rbl", "alice@vmail.test", client="listed"), "ip-blocklisted", "block")
    add("reject_rhsbl_sender", rcpt("rbl", "alice@vmail.test", sender="a@spammy.test"), "domain-blocklisted", "block")
    add("greylisted by postgrey", rcpt("grey", "alice@grey.test"), "greylisted", "soft")
    # anvil
    Session(RX["connrate"], CLIENT["connrate"]).close()
    add("connection rate limit", Session(RX["connrate"], CLIENT["connrate"]).greeting, "rate-limited", "soft")
    with session("msgrate", client="msgrate") as s:
        s.cmd("RSET")
        add("message rate limit", s.cmd("MAIL FROM:<sender@client.smtpcode.test>"), "rate-limited", "soft")
    with session("rcptrate", client="rcptrate") as s:
        s.cmd("RCPT TO:<alice@vmail.test>")
        add("recipient rate limit", s.cmd("RCPT TO:<bob@vmail.test>"), "rate-limited", "soft")
    with Session(RX["count"], CLIENT["count"]):
        add("connection count limit", Session(RX["count"], CLIENT["count"]).greeting, "rate-limited", "soft")
    # at connect
    add("421 at connect", Session(RX["busy"], CLIENT["busy"]).greeting, "service-unavailable", "soft")
    # pipelining before the greeting
    s = Session(RX["sync"], CLIENT["other"], greet=False)
    s.send("EHLO client.smtpcode.test\r\nMAIL FROM:<a@client.smtpcode.test>\r\n")
    add("commands pipelined before the greeting", s.replies()[-1], "syntax-error", "unknown")
    s.close()
    # postscreen
    add("postscreen DNSBL", rcpt("postscreen", "alice@vmail.test", client="psdnsbl"), "ip-blocklisted", "block")
    s = Session(RX["postscreen"], CLIENT["pspregreet"], greet=False)
    s.send("EHLO client.smtpcode.test\r\n")
    s.reply()  # the greeting's first line ("220-"), then the rest with the EHLO reply
    s.cmd("MAIL FROM:<a@client.smtpcode.test>")
    add("postscreen pregreet", s.cmd("RCPT TO:<alice@vmail.test>"), "syntax-error", "unknown")
    s.close()
    return out


def data(listener, recipient, message):
    """A whole transaction; returns the reply to the message's end."""
    from mta import CLIENT, RX, Session
    with Session(RX[listener], CLIENT["good"]) as s:
        s.cmd("EHLO client.smtpcode.test")
        s.cmd("MAIL FROM:<sender@client.smtpcode.test>")
        s.cmd(f"RCPT TO:<{recipient}>")
        s.cmd("DATA")
        return s.cmd(message + ".")


# --- Postfix as a client: log lines ----------------------------------------
# What tx's log must say of each recipient: status -> Expect; every status
# line of the recipient is checked against the one for its status.
TX_MAIL = {
    "alice@vmail.test": {"sent": ("accepted", "none")},
    "info@alias.test": {"sent": ("accepted", "none")},
    "nobody@vmail.test": {"bounced": ("user-unknown", "hard")},
    "nobody@alias.test": {"bounced": ("user-unknown", "hard")},
    "ghost@local.test": {"bounced": ("user-unknown", "hard")},
    "someone@elsewhere.test": {"bounced": ("relay-denied", "block")},
    "quota@vmail.test": {"deferred": ("mailbox-full", "soft"), "expired": ("expired", "unknown")},
    "blocked@vmail.test": {"bounced": (("policy", "recipient-filtered"), "block")},
    "alice@grey.test": {"deferred": ("greylisted", "soft"), "sent": ("accepted", "none")},
    "alice@rbl.test": {"bounced": ("ip-blocklisted", "block")},
    "alice@busy.test": {"deferred": ("service-unavailable", "soft"), "expired": ("expired", "unknown")},
    "alice@loop.test": {"bounced": ("loop", "unknown")},
    "alice@loop2.test": {"bounced": ("loop", "unknown")},
    "alice@down.test": {"deferred": ("network-error", "soft"), "expired": ("expired", "unknown")},
    "bob@down.test": {"deferred": ("network-error", "soft"), "expired": ("expired", "unknown")},
    "carol@down.test": {"deferred": ("network-error", "soft"), "expired": ("expired", "unknown")},
    "alice@silent.test": {"deferred": ("network-error", "soft"), "expired": ("expired", "unknown")},
    "alice@nosuch.test": {"bounced": ("domain-not-found", "hard")},
    "alice@nomail.test": {"bounced": ("domain-not-found", "hard")},
    "big@vmail.test": {"bounced": ("message-too-large", "block")},
    "bob@vmail.test": {"bounced": ("spam", "block")},
    "full@vmail.test": {"sent": ("accepted", "none")},
}
# Texts that mean the same whatever the recipient: qmgr's own, about the
# sending side (its smtp transport throttled after failures), and the line
# of a message that expired, which names no recipient and no server's reply.
BY_TEXT = {"(mail transport unavailable)": (("system-error", "service-unavailable"), "soft"),
           "status=expired, returned to sender": ("expired", "unknown")}
# What rx's own delivery agents log of the mail it took.
RX_MAIL = {
    "full@vmail.test": {"bounced": ("mailbox-full", "soft"), "deferred": ("mailbox-full", "soft")},
    "ghost@local.test": {"bounced": ("user-unknown", "hard")},
}


def client_log_lines(m, report):
    """Sends mail through tx, waits until its queue is empty (every message
    sent, bounced or expired); returns [(name, log line, Expect)]."""
    from mta import CLIENT, RX, Session, TX_LIFETIME, wait_for
    start = time.monotonic()
    m.send(["alice@vmail.test", "info@alias.test", "nobody@vmail.test", "nobody@alias.test", "ghost@local.test",
            "someone@elsewhere.test", "quota@vmail.test", "blocked@vmail.test", "full@vmail.test"])
    for r in ["alice@grey.test", "alice@rbl.test", "alice@busy.test", "alice@loop.test", "alice@loop2.test",
              "alice@down.test", "alice@silent.test", "alice@nosuch.test", "alice@nomail.test"]:
        m.send([r])
    # more messages for a host that refused the first: "delivery temporarily suspended"
    m.send(["bob@down.test"])
    m.send(["carol@down.test"])
    m.send(["big@vmail.test"], "Subject: big\n\n" + ("x" * 70 + "\n") * 300)
    m.send(["bob@vmail.test"], "Subject: hi\nX-Test-Verdict: default\n\nhi\n")
    with Session(RX["localopen"], CLIENT["good"]) as s:
        s.cmd("EHLO client.smtpcode.test")
        s.cmd("MAIL FROM:<sender@client.smtpcode.test>")
        s.cmd("RCPT TO:<ghost@local.test>")
        s.cmd("DATA")
        s.cmd("Subject: hi\r\n\r\nhi\r\n.")
    # greylisting ends after postgrey's delay, the rest expires after TX_LIFETIME
    ok = wait_for(lambda: m.flush() or time.sleep(1) or m.tx_queue_empty(), TX_LIFETIME + 30)
    report(f"tx's queue {'emptied' if ok else 'did NOT empty'} after {time.monotonic() - start:.1f} s")
    out, seen = [], set()
    for which, table in (("tx", TX_MAIL), ("rx", RX_MAIL)):
        queued = {}  # queue id -> a recipient of the message
        for line in m.read(which).splitlines():
            found = re.search(r" ([0-9A-F]+): to=<([^>]*)>.* status=(\w+) (.*)", line)
            if found:
                qid, recipient, status, said = found.groups()
                if status == "deferred" or qid not in queued:
                    queued[qid] = recipient  # the one left in the queue
            else:
                # a message that expired: qmgr names its sender, not its recipients
                found = re.search(r" ([0-9A-F]+): from=<[^>]*>, status=(expired)(.*)", line)
                if not found or found.group(1) not in queued:
                    continue
                qid, status, said = found.groups()
                recipient = queued[qid]
            if recipient not in table or (which, recipient, status, said) in seen:
                continue
            seen.add((which, recipient, status, said))
            expect = next((e for words, e in BY_TEXT.items() if words in said), None) or \
                table[recipient].get(status, ("(a status this recipient must not get)", "-"))
            on_line = None if status == "expired" else recipient
            out.append((f"{which} {recipient} {status}", line, Expect(*expect, recipient=on_line, status=status)))
    return out


# --- the tests ---------------------------------------------------------------
def classify(texts):
    r = subprocess.run([SMTPCODE, "scan", "--format", "jsonl", "--all", "-"], input="\n".join(texts) + "\n",
                       capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        raise RuntimeError(r.stderr)
    return [json.loads(line) for line in r.stdout.splitlines()]


class Collected(unittest.TestCase):
    pass


# Texts also run through `smtpcode explain`, which must give scan's answer.
EXPLAINED = ("Relay access denied", "User unknown in virtual mailbox table", "Greylisted", "blocked using rbl.test",
             "too busy", "delivery temporarily suspended", "File too large", "status=expired")


def explain(text):
    r = subprocess.run([SMTPCODE, "explain", "--json", text], capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)


def make_test(name, text, expect, answer):
    def test(self):
        got = {k: answer.get(k) for k in ("reason", "bounce", "recipient", "log_status", "matched", "decided_by")}
        msg = f"\n  text: {text}\n  got:  {json.dumps(got)}"
        self.assertIn(answer["reason"], expect.reasons, msg)
        self.assertEqual(answer["bounce"], expect.bounce, msg)
        if any(words in text for words in EXPLAINED):
            explained = explain(text)
            self.assertEqual((explained["reason"], explained["bounce"]), (answer["reason"], answer["bounce"]),
                             "explain and scan disagree" + msg)
        if expect.status:
            self.assertEqual(answer["recipient"], expect.recipient, msg)
            self.assertEqual(answer["log_status"], expect.status, msg)
    return test


# Texts each run must have produced: a change of the configuration that
# loses one of these behaviours fails, rather than testing less.
MUST_COLLECT = ["status=sent", "status=bounced", "status=deferred", "status=expired", "Connection refused",
                "delivery temporarily suspended", "Host or domain name not found", "timed out while receiving",
                "loops back to myself", "unknown user:", "File too large", "message content rejected",
                "exceeds size limit", "Greylisted", "blocked using rbl.test", "Protocol error",
                "too many connections from", "need fully-qualified hostname", "SMTP protocol synchronization"]


def add_tests(collected):
    texts = "\n".join(text for _, text, _ in collected)

    def test_every_behaviour_collected(self):
        self.assertEqual([words for words in MUST_COLLECT if words not in texts], [])
    Collected.test_every_behaviour_collected = test_every_behaviour_collected
    answers = classify([text for _, text, _ in collected])
    if len(answers) != len(collected):
        raise RuntimeError(f"{len(collected)} texts, {len(answers)} answers")
    for i, ((name, text, expect), answer) in enumerate(zip(collected, answers)):
        method = "test_%03d_%s" % (i, re.sub(r"\W+", "_", name).strip("_"))
        setattr(Collected, method, make_test(name, text, expect, answer))


def collect_and_test(m):
    collected = []
    try:
        collected += server_replies(m)
        collected += client_log_lines(m, lambda s: print("# " + s, flush=True))
    except Exception:  # noqa: BLE001 - what was collected is shown, then the failure
        for name, text, _ in collected:
            print(f"# {name}: {text}", flush=True)
        import traceback
        print("not ok 1 - the texts were collected\n# " + traceback.format_exc().replace("\n", "\n# "))
        print("1..1")
        sys.exit(1)
    for name, text, _ in collected:
        print(f"# {name}: {text}", flush=True)
    add_tests(collected)
    tap.main()


def inside():
    """In the namespaces: the servers, the texts, the tests.
    SMTPCODE_POSTFIX_SHELL runs a command among the servers instead."""
    import mta
    import servers
    m = mta.Mta()
    servers.run_among(m, "SMTPCODE_POSTFIX_SHELL", lambda: collect_and_test(m))


if __name__ == "__main__":
    if INSIDE:
        inside()
    else:
        import servers
        servers.run_in_namespaces(__file__, [SMTPCODE], os.environ.get("SMTPCODE_PROBE_TESTS") == "required")
