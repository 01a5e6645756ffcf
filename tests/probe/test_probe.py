"""smtpcode probe against real servers: Postfix (with postgrey) and unbound,
started by this test in network, mount, PID and UTS namespaces of its own
(servers.py), so that no probe can reach anything but them. Each scenario of
issue 19 is a test with the verdict, reason and exit status it must give.

usage: test_probe.py SMTPCODE [SOURCE_ROOT]
Needs root, unshare(1), postfix, postgrey and unbound (scripts/bootstrap test
installs them). Without them the tests are skipped, unless
SMTPCODE_PROBE_TESTS=required, as CI sets it, makes that a failure.
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
sys.path.insert(0, HERE)

import tap  # noqa: E402

SMTPCODE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else os.path.dirname(os.path.dirname(HERE))
INSIDE = "--inside" in sys.argv

# Options every probe here takes: the test's DNS server, names under .test,
# short waits (the scenarios that test a wait set their own).
COMMON = ["--resolver", "127.0.0.53", "--helo", "probe.smtpcode.test", "--from", "verify@smtpcode.test",
          "--timeout", "5", "--connect-timeout", "2", "--host-delay", "0"]
BOUND = 60  # no probe here may take longer: the subprocess is killed after it

SERVERS = None


def probe(*args, common=True, stdin=None):
    """Runs smtpcode probe; returns (exit status, stdout, stderr, seconds)."""
    argv = [SMTPCODE, "probe", *(COMMON if common else []), *args]
    env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    start = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=BOUND, input=stdin)
    return r.returncode, r.stdout, r.stderr, time.monotonic() - start


def probe_json(*args, **kw):
    status, out, err, secs = probe("--json", *args, **kw)
    objects = [json.loads(line) for line in out.splitlines()]
    return status, objects, err


class Scenario(unittest.TestCase):
    """One address, one expected answer."""

    def expect(self, address, verdict, reason, status, *args, stage=None, source="server"):
        code, objects, err = probe_json(*args, address)
        self.assertEqual(len(objects), 1, err)
        a = objects[0]
        msg = json.dumps(a, indent=1)[:6000]
        self.assertEqual(a["address"], address)
        self.assertEqual(a["verdict"], verdict, msg)
        self.assertEqual(a["reason"], reason, msg)
        self.assertEqual(a["answer"]["source"], source, msg)
        if stage:
            self.assertEqual(a["answer"]["stage"], stage, msg)
        self.assertEqual(code, status, msg + err)
        # never DATA, in any session
        for s in a["sessions"]:
            self.assertFalse([t for t in s["transcript"] if t["dir"] == "sent" and t["text"].upper().startswith("DATA")])
        return a

    def test_existing_mailbox(self):
        a = self.expect("alice@exists.test", "deliverable", "accepted", 0, stage="rcpt")
        self.assertIs(a["catch_all"], False)
        self.assertEqual(a["catch_all_answer"]["classification"]["reason"], "user-unknown")
        self.assertEqual(a["mx"]["host"], "mx.exists.test")
        self.assertEqual(a["mx"]["preference"], 10)
        self.assertTrue(a["mx"]["tls"], "STARTTLS is offered and taken")
        tls = a["sessions"][0]["tls"]
        self.assertFalse(tls["verified"])
        self.assertIn("self-signed", tls["verify_error"])
        sent = [t["text"] for t in a["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(sent[:3], ["EHLO probe.smtpcode.test", "STARTTLS", "EHLO probe.smtpcode.test"])
        self.assertEqual(sent[3], "MAIL FROM:<verify@smtpcode.test>")
        self.assertEqual(sent[4], "RCPT TO:<alice@exists.test>")
        self.assertRegex(sent[5], r"^RCPT TO:<smtpcode-probe-[a-z0-9]{12}@exists\.test>$")
        self.assertEqual(sent[6:], ["RSET", "QUIT"])

    def test_unknown_user(self):
        a = self.expect("nobody@exists.test", "undeliverable", "user-unknown", 1, stage="rcpt")
        self.assertTrue(a["answer"]["text"].startswith("550 5.1.1 <nobody@exists.test>"))
        self.assertIsNone(a["catch_all"], "no address was accepted: nothing to test")

    def test_catch_all(self):
        a = self.expect("anyone@catchall.test", "risky", "accepted", 4, stage="rcpt")
        self.assertIs(a["catch_all"], True)
        self.assertEqual(a["answer"]["classification"]["verdict"], "deliverable", "the library's, before the test")
        self.assertEqual(a["catch_all_answer"]["classification"]["code"], 250)

    def test_greylisting_waited_out(self):
        start = time.monotonic()
        a = self.expect("alice@greylist.test", "deliverable", "accepted", 0, "--greylist-wait", "4")
        self.assertEqual(a["greylisted"]["classification"]["reason"], "greylisted")
        self.assertTrue(a["greylisted"]["text"].startswith("450 4.2.0"))
        self.assertEqual(a["greylist_wait"], 4)
        self.assertEqual(len(a["sessions"]), 2, "the first session, then the retry")
        gap = a["sessions"][1]["started"], a["sessions"][0]["started"]
        self.assertGreaterEqual(time.monotonic() - start, 4)
        self.assertNotEqual(*gap)

    def test_greylisting_wait_too_short(self):
        """Asked again 1 s later, before postgrey's 3 s are over: still greylisted, and the answer
        says it waited. Each run asks for an address postgrey has not seen."""
        a = self.expect("carol@greylist.test", "retry", "greylisted", 5, "--greylist-wait", "1", stage="rcpt")
        self.assertEqual(a["greylisted"]["classification"]["reason"], "greylisted")
        self.assertEqual(len(a["sessions"]), 2)
        status, out, err, secs = probe("--greylist-wait", "1", "dave@greylist.test")
        self.assertTrue(out.startswith("dave@greylist.test: retry (greylisted: 450 4.2.0"), out)
        self.assertIn("asked again after 1 s", out)

    def test_greylisting_not_waited(self):
        a = self.expect("bob@greylist.test", "retry", "greylisted", 5, stage="rcpt")
        self.assertIsNone(a["greylisted"])

    def test_blocklisted_prober(self):
        a = self.expect("alice@blocked.test", "blocked", "ip-blocklisted", 6, stage="rcpt")
        self.assertIn("blocked using rbl.test", a["answer"]["text"])

    def test_full_mailbox(self):
        a = self.expect("full@exists.test", "retry", "mailbox-full", 5, stage="rcpt")
        self.assertTrue(a["answer"]["text"].startswith("452 4.2.2"))

    def test_421_at_connect(self):
        a = self.expect("alice@busy.test", "retry", "service-unavailable", 5, stage="connect")
        self.assertTrue(a["answer"]["text"].startswith("421 4.7.0"))

    def test_first_mx_down(self):
        a = self.expect("alice@backup.test", "deliverable", "accepted", 0, stage="rcpt")
        self.assertEqual(a["mx"]["host"], "mx2.backup.test")
        self.assertEqual(a["mx"]["preference"], 20)
        first = a["sessions"][0]
        self.assertEqual(first["host"], "mx1.backup.test")
        self.assertIn("refused the connection", " ".join(t["text"] for t in first["transcript"]))

    def test_null_mx(self):
        a = self.expect("alice@nullmx.test", "undeliverable", "domain-no-mail", 1, source="prober")
        self.assertEqual(a["answer"]["event"], "null-mx")
        self.assertEqual(a["sessions"], [], "no connection to a domain that takes no mail")

    def test_no_mx_no_address(self):
        a = self.expect("alice@nomail.test", "undeliverable", "domain-not-found", 1, source="prober")
        self.assertEqual(a["answer"]["event"], "no-mail-host")
        a = self.expect("alice@nosuch.test", "undeliverable", "domain-not-found", 1, source="prober")
        self.assertEqual(a["answer"]["event"], "nxdomain")

    def test_implicit_mx(self):
        a = self.expect("alice@implicit.test", "deliverable", "accepted", 0)
        self.assertTrue(a["mx"]["implicit"])
        self.assertEqual(a["mx"]["address"], "127.0.0.21")

    def test_mx_without_address(self):
        self.expect("alice@lame.test", "undeliverable", "domain-not-found", 1, source="prober")

    def test_mx_target_not_a_host_name(self):
        """An MX target with an escape byte: not connected to, not shown raw."""
        a = self.expect("alice@badmx.test", "undeliverable", "domain-not-found", 1, source="prober")
        self.assertEqual(a["answer"]["event"], "no-mx-address")
        self.assertEqual(a["sessions"], [])
        status, out, err, secs = probe("--verbose", "alice@badmx.test")
        self.assertNotIn("\x1b", out)
        self.assertIn("not a host name", out)

    def test_tls_required_by_server(self):
        a = self.expect("alice@tls.test", "deliverable", "accepted", 0)
        self.assertTrue(a["mx"]["tls"])
        a = self.expect("alice@tls.test", "blocked", "tls-required", 6, "--tls=never", stage="mail")
        self.assertTrue(a["answer"]["text"].startswith("530 5.7.0"))

    def test_tls_required_by_prober(self):
        a = self.expect("alice@notls.test", "blocked", "tls-required", 6, "--tls=require", source="prober")
        self.assertEqual(a["answer"]["event"], "no-starttls")
        self.expect("alice@notls.test", "deliverable", "accepted", 0)

    def test_server_never_answers(self):
        status, out, err, secs = probe("--json", "--timeout", "1", "alice@silent.test")
        a = json.loads(out)
        self.assertEqual((a["verdict"], a["reason"], a["answer"]["event"]), ("retry", "network-error", "timeout"))
        self.assertEqual(status, 5)
        self.assertLess(secs, 15, "bounded by --timeout 1")

    def test_helo_when_ehlo_unknown(self):
        """A server that answers EHLO with 500: HELO, and no extension (STARTTLS) is tried."""
        a = self.expect("alice@old.test", "deliverable", "accepted", 0, stage="rcpt")
        self.assertIs(a["catch_all"], False)
        self.assertFalse(a["mx"]["tls"])
        sent = [t["text"] for t in a["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(sent[:3], ["EHLO probe.smtpcode.test", "HELO probe.smtpcode.test",
                                    "MAIL FROM:<verify@smtpcode.test>"])

    def test_connection_never_made(self):
        """A port that drops connection attempts: --connect-timeout bounds the wait."""
        status, out, err, secs = probe("--json", "--connect-timeout", "1", "alice@backlog.test")
        a = json.loads(out)
        self.assertEqual((a["verdict"], a["reason"], a["answer"]["event"], a["answer"]["stage"]),
                         ("retry", "network-error", "connect-timeout", "connect"), out)
        self.assertEqual(status, 5)
        self.assertLess(secs, 15, "bounded by --connect-timeout 1")

    def test_server_floods(self):
        status, out, err, secs = probe("--json", "alice@flood.test")
        a = json.loads(out)
        self.assertEqual(a["answer"]["event"], "protocol-error", out)
        self.assertIn("a reply line longer than 4096 bytes", a["answer"]["text"])
        self.assertEqual(a["verdict"], "retry")
        self.assertLess(secs, 15)
        # the prober read what a line may hold and hung up
        received = "".join(t["text"] for s in a["sessions"] for t in s["transcript"] if t["dir"] == "received")
        self.assertLess(len(received), 8192)

    def test_dns_server_down(self):
        status, out, err, secs = probe("--json", "--resolver", "127.0.0.99", "--timeout", "1", "alice@exists.test",
                                       common=False)
        a = json.loads(out)
        self.assertEqual((a["verdict"], a["reason"], a["answer"]["event"]), ("retry", "network-error", "dns-failure"))
        self.assertLess(secs, 15)

    def test_address_literal(self):
        self.expect("alice@[127.0.0.21]", "undeliverable", "user-unknown", 1)
        a = self.expect("alice@[IPv6:::1]", "undeliverable", "user-unknown", 1)
        self.assertEqual(a["sessions"][0]["address"], "::1")

    def test_ipv6_mx(self):
        a = self.expect("alice@v6.test", "deliverable", "accepted", 0)
        self.assertEqual(a["mx"]["address"], "::1")
        self.assertIn("mx.v6.test AAAA ::1", a["dns"])

    def test_sender_refused(self):
        """Postfix refuses the sender (at RCPT TO, smtpd_delay_reject): the prober is refused, not the address."""
        a = self.expect("alice@exists.test", "blocked", "sender-rejected", 6, "--from", "rejected@smtpcode.test")
        self.assertIn("Sender address rejected", a["answer"]["text"])

    def test_non_ascii_address(self):
        a = self.expect("jos\u00e9@exists.test", "undeliverable", "user-unknown", 1)
        sent = [t["text"] for t in a["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertIn("MAIL FROM:<verify@smtpcode.test> SMTPUTF8", sent)
        a = self.expect("jos\u00e9@notls.test", "blocked", "message-format", 6, source="prober")
        self.assertEqual(a["answer"]["event"], "no-smtputf8")

    def test_no_catch_all_test(self):
        a = self.expect("alice@exists.test", "deliverable", "accepted", 0, "--no-catch-all")
        self.assertIsNone(a["catch_all"])
        sent = [t["text"] for t in a["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(len([x for x in sent if x.startswith("RCPT")]), 1)

    def test_hostile_replies(self):
        """Control bytes in replies: escaped in text, valid JSON, and the reply still classified."""
        status, out, err, secs = probe("--verbose", "alice@hostile.test")
        self.assertTrue(out.startswith("alice@hostile.test: undeliverable (user-unknown: 550"), out)
        for raw in ("\x1b", "\x07", "\x00", "\r"):
            self.assertNotIn(raw, out)
        self.assertIn("\\x1b]0;pwned\\x07", out)
        a = self.expect("alice@hostile.test", "undeliverable", "user-unknown", 1)
        self.assertIn("\x1b]0;pwned\x07", a["answer"]["text"])

    def test_bad_syntax(self):
        bad = {"no-at-sign": "no @", "a..b@exists.test": "two dots", "alice@exists.test.": "ends with a dot",
               "a b@exists.test": "needs quoting", "alice@-exists.test": "starts with a hyphen",
               "x" * 65 + "@exists.test": "longer than 64", "alice@ex_ists.test": "other than a letter",
               "alice@[300.1.1.1]": "not an IPv4 address", "@exists.test": "nothing before",
               "alice@exämple.test": "ASCII form", "\"unclosed@exists.test": "closing quote",
               "alice@": "nothing after"}
        status, objects, err = probe_json(*bad)
        self.assertEqual([o["verdict"] for o in objects], ["undeliverable"] * len(bad))
        for o, (address, words) in zip(objects, bad.items()):
            self.assertEqual(o["answer"]["event"], "bad-syntax")
            self.assertIn(words, o["answer"]["text"], address)
            self.assertEqual(o["sessions"], [])
        self.assertEqual(status, 1)
        # quoted local parts and address literals are addresses
        status, objects, err = probe_json('"john doe"@nosuch.test')
        self.assertEqual(objects[0]["answer"]["event"], "nxdomain")


class Sessions(unittest.TestCase):
    def test_one_session_for_a_domain(self):
        """Several addresses of a domain: one connection, one RCPT each, one catch-all test."""
        before = SERVERS.postfix_log().count(" connect from ")
        status, objects, err = probe_json("alice@exists.test", "nobody@exists.test", "full@exists.test")
        self.assertEqual([o["verdict"] for o in objects], ["deliverable", "undeliverable", "retry"], err)
        self.assertEqual(status, 5, "the largest status: retry")
        self.assertEqual(SERVERS.postfix_log().count(" connect from ") - before, 1)
        sent = [t["text"] for t in objects[0]["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(len([s for s in sent if s.startswith("RCPT")]), 4)

    def test_per_session_limit(self):
        status, objects, err = probe_json("--per-session", "2", "alice@exists.test", "nobody@exists.test",
                                          "full@exists.test")
        self.assertEqual(len(objects[2]["sessions"]), 1)
        self.assertEqual(len({o["sessions"][0]["started"] for o in objects}), 2, "two sessions for three addresses")

    def test_too_many_recipients(self):
        """A server that takes 2 recipients a transaction (452 4.5.3): the rest in another session."""
        status, objects, err = probe_json("alice@limit.test", "bob@limit.test", "carol@limit.test", "dave@limit.test")
        self.assertEqual([o["verdict"] for o in objects], ["deliverable"] * 3 + ["undeliverable"], err)
        self.assertEqual(len(objects[3]["sessions"]), 2)
        first = [t["text"] for t in objects[0]["sessions"][0]["transcript"]]
        self.assertTrue([t for t in first if t.startswith("452 4.5.3")], first)
        self.assertEqual(status, 1)

    def test_order_and_parallel_domains(self):
        """Answers come in input order, whatever finishes first."""
        addresses = ["alice@silent.test", "alice@exists.test", "alice@nullmx.test", "anyone@catchall.test"]
        status, objects, err = probe_json("--timeout", "1", "--parallel", "4", *addresses)
        self.assertEqual([o["address"] for o in objects], addresses)
        self.assertEqual(status, 5)

    def test_host_delay_and_per_host(self):
        """Sessions to one server address never overlap and keep --host-delay apart."""
        status, objects, err = probe_json("--host-delay", "0.4", "--per-host", "1", "--parallel", "3",
                                          "alice@exists.test", "anyone@catchall.test", "alice@implicit.test")
        spans = sorted((iso(o["sessions"][0]["started"]), o["sessions"][0]["seconds"]) for o in objects)
        for (s1, d1), (s2, _) in zip(spans, spans[1:]):
            self.assertGreaterEqual(s2 - (s1 + d1), 0.39, spans)

    def test_list_from_file_and_stdin(self):
        status, out, err, secs = probe("--file", "-", stdin="# a list\n\nalice@exists.test\r\n  nobody@exists.test  \n")
        self.assertEqual(status, 1, err)
        self.assertTrue(out.startswith("alice@exists.test: deliverable (accepted: 250 2.1.5 Ok at RCPT TO)"), out)
        self.assertIn("\nnobody@exists.test: undeliverable (user-unknown: 550 5.1.1", out)

    def test_defaults_from_host_name(self):
        """No --helo, no --from: the host name (set by the test's UTS namespace)."""
        status, objects, err = probe_json("--resolver", "127.0.0.53", "--host-delay", "0", "alice@exists.test",
                                          common=False)
        sent = [t["text"] for t in objects[0]["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(sent[0], "EHLO prober.smtpcode.test")
        self.assertEqual(sent[3], "MAIL FROM:<postmaster@prober.smtpcode.test>")
        subprocess.run(["hostname", "prober"], check=True)
        try:
            status, objects, err = probe_json("--resolver", "127.0.0.53", "--host-delay", "0", "alice@exists.test",
                                              common=False)
        finally:
            subprocess.run(["hostname", "prober.smtpcode.test"], check=True)
        sent = [t["text"] for t in objects[0]["sessions"][0]["transcript"] if t["dir"] == "sent"]
        self.assertEqual(sent[0], "EHLO [127.0.0.21]", "a host name without a dot is no FQDN: the address literal")
        self.assertEqual(sent[3], "MAIL FROM:<>")

    def test_resolver_port(self):
        status, objects, err = probe_json("--resolver", "127.0.0.53:5300", "alice@exists.test")
        self.assertEqual(objects[0]["verdict"], "deliverable", err)

    def test_never_data(self):
        """Postfix's own count of the commands of every session: no DATA, ever."""
        log = SERVERS.postfix_log()
        ends = [l for l in log.splitlines() if "disconnect from" in l]
        self.assertGreater(len(ends), 10)
        self.assertEqual([l for l in ends if " data=" in l or " bdat=" in l], [])


# The examples in the documentation are real runs against these servers:
# each file is "$ command" and what it printed; the test runs the command
# again and compares all but times and the catch-all test's random local part
# (SMTPCODE_PROBE_RECORD=1 writes the files anew).
DOC_ARGS = ["--resolver", "127.0.0.53", "--helo", "probe.smtpcode.test", "--from", "verify@smtpcode.test"]
EXAMPLES = {
    "probe-example.txt": DOC_ARGS + ["alice@exists.test", "nobody@exists.test", "anyone@catchall.test",
                                     "full@exists.test", "alice@blocked.test", "alice@nullmx.test"],
    "probe-transcript.txt": ["--verbose"] + DOC_ARGS + ["alice@exists.test"],
}


class Transcript(unittest.TestCase):
    def test_documented_examples(self):
        for name, args in EXAMPLES.items():
            with self.subTest(name):
                status, out, err, secs = probe(*args, common=False)
                command = "$ smtpcode probe " + " ".join(args)
                path = os.path.join(ROOT, "docs", name)
                if os.environ.get("SMTPCODE_PROBE_RECORD"):
                    with open(path, "w") as f:
                        f.write(command + "\n" + out)
                with open(path) as f:
                    recorded_command, _, recorded = f.read().partition("\n")
                self.assertEqual(recorded_command, command)
                self.assertEqual(normal(out), normal(recorded))

    def test_help_shows_a_recorded_answer(self):
        """probe --help shows the first answer of docs/probe-example.txt, the real run of smtpcode(1)."""
        r = subprocess.run([SMTPCODE, "probe", "--help"], capture_output=True, text=True, timeout=BOUND)
        with open(os.path.join(ROOT, "docs", "probe-example.txt")) as f:
            first = f.read().partition("\n")[2].split("\n\n")[0]
        self.assertIn("\n".join("      " + line for line in first.split("\n")), r.stdout)
        self.assertIn("deliverable (accepted: 250 2.1.5 Ok at RCPT TO)", r.stdout)

    def test_usage_errors(self):
        for args, words in [(["--tls=maybe", "a@b.test"], "--tls takes try, require or never"),
                            (["--resolver", "dns.example", "a@b.test"], "not an IP address"),
                            (["--helo", "bad name", "a@b.test"], "--helo"),
                            (["--per-session", "0", "a@b.test"], "--per-session takes a number from 1 to 100"),
                            ([], "no address given")]:
            status, out, err, secs = probe(*args, common=False)
            self.assertEqual(status, 2, (args, err))
            self.assertIn(words, err)


def iso(stamp):
    import datetime
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def normal(text):
    """What changes from run to run: times, the catch-all test's random local part."""
    text = re.sub(r"\d+\.\d{3}( s)?", lambda m: "T" + (m.group(1) or ""), text)
    return re.sub(r"smtpcode-probe-[a-z0-9]{12}", "smtpcode-probe-RANDOM", text)


def inside():
    """In the namespaces: start the servers, run the tests, stop the servers.
    SMTPCODE_PROBE_SHELL runs a command among them instead (docs/probe.md)."""
    global SERVERS
    import servers
    SERVERS = servers.Servers()
    servers.run_among(SERVERS, "SMTPCODE_PROBE_SHELL", tap.main)


def outside():
    """Checks what the servers need, then runs this file again in namespaces of its own."""
    import servers
    servers.run_in_namespaces(__file__, [SMTPCODE, ROOT], os.environ.get("SMTPCODE_PROBE_TESTS") == "required")


if __name__ == "__main__":
    if INSIDE:
        inside()
    else:
        outside()
