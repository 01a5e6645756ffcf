"""The smtpcode CLI run as a process: every code in data/ answered as the data
says (JSON parsed and compared), text output, errors and exit statuses.

usage: test_cli.py SMTPCODE DATADIR
"""

import json
import os
import subprocess
import sys
import unittest

import smtpcode_data
import tap

SMTPCODE, DATADIR = sys.argv[1], sys.argv[2]
DATA = smtpcode_data.load(DATADIR)
ENV = dict(os.environ, NO_COLOR="", COLUMNS="80")


def run(*args, stdin=None, env=ENV):
    r = subprocess.run([SMTPCODE, *args], input=stdin, capture_output=True, env=env, timeout=30)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def json_lines(text):
    return [json.loads(line) for line in text.splitlines()]


class EveryCode(unittest.TestCase):
    def test_every_basic_code(self):
        codes = [str(e["code"]) for e in DATA.basic]
        status, out, err = run("--json", "-", stdin="\n".join(codes).encode())
        self.assertEqual(status, 0, err)
        answers = json_lines(out)
        self.assertEqual(len(answers), len(DATA.basic))
        for e, a in zip(DATA.basic, answers):
            with self.subTest(code=e["code"]):
                self.assertEqual(a["code"], str(e["code"]))
                self.assertEqual(a["kind"], "basic")
                self.assertEqual(a["class"], e["code"] // 100)
                self.assertTrue(a["registered"])
                for key in ("title", "meaning", "advice", "reason", "action", "bounce", "verdict",
                            "status", "causes", "commands", "related"):
                    self.assertEqual(a[key], e[key], key)
                self.assertEqual(a["rfc"], [f"RFC {n}" for n in e["rfc"]])
                self.assertEqual(a["notes"], e.get("notes"))

    def test_every_enhanced_row_in_every_class(self):
        queries, rows = [], []
        for e in DATA.enhanced:
            queries.append(e["code"])
            rows.append((e, None))
            if e["code"].count("X") == 1:
                for k in e["classes"]:
                    queries.append(str(k) + e["code"][1:])
                    rows.append((e, k))
        status, out, err = run("--json", "-", stdin="\n".join(queries).encode())
        self.assertEqual(status, 0, err)
        answers = json_lines(out)
        self.assertEqual(len(answers), len(queries))
        for q, (e, k), a in zip(queries, rows, answers):
            with self.subTest(query=q):
                self.assertEqual(a["query"], q)
                self.assertEqual(a["kind"], "enhanced")
                self.assertTrue(a["registered"])
                self.assertEqual(a["registry_code"], e["code"])
                for key in ("title", "meaning", "advice", "causes", "related", "classes", "deprecated"):
                    self.assertEqual(a[key], e[key], key)
                self.assertEqual(a["basic"], [str(b) for b in e["basic"]])
                self.assertEqual(a["rfc"], [f"RFC {n}" for n in e["rfc"]])
                for c in e["classes"]:
                    self.assertEqual(a["class_meaning"][str(c)], e.get(f"class{c}"))
                if k == 5:
                    self.assertEqual((a["reason"], a["bounce"]), (e["reason"], e["bounce"]))
                elif k == 4:
                    self.assertEqual(a["bounce"], "soft")
                    self.assertEqual(a["verdict"], "retry")
                elif k == 2:
                    self.assertEqual((a["reason"], a["bounce"], a["verdict"]), ("accepted", "none", "deliverable"))


class Answers(unittest.TestCase):
    def test_550_text(self):
        status, out, _ = run("550")
        self.assertEqual(status, 0)
        entry = next(e for e in DATA.basic if e["code"] == 550)
        self.assertTrue(out.startswith("550  " + entry["title"]), out)
        self.assertIn("bounce " + entry["bounce"], out)
        self.assertIn("RFC 5321", out)
        self.assertNotIn("\033", out)
        # The meaning is there, wrapped to 80 columns.
        self.assertEqual(" ".join(out.split()).count(" ".join(entry["meaning"].split())), 1)
        self.assertTrue(all(len(line) <= 80 for line in out.splitlines()), out)

    def test_enhanced_text(self):
        status, out, _ = run("5.1.1")
        self.assertEqual(status, 0)
        self.assertTrue(out.startswith("5.1.1  Bad destination mailbox address"), out)
        self.assertIn("X.1.X Addressing Status", out)
        self.assertIn("5.X.X Permanent Failure", out)
        self.assertIn("bounce hard", out)
        self.assertIn("verdict undeliverable", out)

    def test_x_notation_shows_each_class(self):
        status, out, _ = run("X.2.2")
        self.assertEqual(status, 0)
        self.assertIn("As 4.x.x", out)
        self.assertIn("As 5.x.x", out)

    def test_5_7_26_json(self):
        status, out, _ = run("5.7.26", "--json")
        self.assertEqual(status, 0)
        [a] = json_lines(out)
        for key in ("code", "class", "title", "meaning", "causes", "action", "reason", "bounce",
                    "verdict", "rfc", "related", "registered"):
            self.assertIn(key, a)
        self.assertEqual(a["code"], "5.7.26")
        self.assertEqual(a["title"], "Multiple authentication checks failed")
        self.assertIn("RFC 7372", a["rfc"])
        self.assertEqual(a["class"], 5)

    def test_basic_and_enhanced_together(self):
        status, out, _ = run("550", "5.1.1", "--json")
        self.assertEqual(status, 0)
        self.assertEqual([a["code"] for a in json_lines(out)], ["550", "5.1.1"])
        status, out, _ = run("550", "5.1.1")
        self.assertIn("\n\n5.1.1  ", out)

    def test_subject_and_class_rows(self):
        for q, title in (("X.7.X", "Security or Policy Status"), ("5.X.X", "Permanent Failure"),
                         ("4.2.X", "Mailbox Status")):
            status, out, _ = run("--json", q)
            self.assertEqual(status, 0, q)
            self.assertEqual(json_lines(out)[0]["title"], title)


class Unregistered(unittest.TestCase):
    def test_599(self):
        status, out, err = run("599")
        self.assertEqual(status, 1)
        self.assertIn("not registered", out)
        self.assertIn("5xx: Permanent negative completion", out)
        self.assertIn("x9x: RFC 5321 defines second digits 0 to 5 only", out)
        self.assertEqual(err, "")
        status, out, _ = run("599", "--json")
        a = json_lines(out)[0]
        self.assertEqual((a["registered"], a["class"], a["title"]), (False, 5, None))

    def test_unregistered_enhanced(self):
        for q, note in (("4.9.9", "Subject 9 is not in the IANA registry"),
                        ("5.7.999", "Detail 999 of subject 7 is not in the IANA registry")):
            status, out, _ = run(q)
            self.assertEqual(status, 1, q)
            self.assertIn("(not registered)", out.splitlines()[0])
            self.assertIn(note, " ".join(out.split()))
            status, out, _ = run("--json", q)
            a = json_lines(out)[0]
            self.assertFalse(a["registered"])
            self.assertEqual(a["class"], int(q[0]))
        a = json_lines(run("--json", "4.9.9")[1])[0]
        self.assertEqual((a["bounce"], a["verdict"]), ("soft", "retry"))


class Malformed(unittest.TestCase):
    CASES = [
        ("5.01.1", "the subject '01' has a leading zero"),
        ("5.1.01", "the detail '01' has a leading zero"),
        ("55", "too few digits"),
        ("5501", "too many digits"),
        ("6.1.1", "the class of an enhanced status code is 2"),
        ("650", "class 6 does not exist"),
        ("5.1.1.1", "three parts"),
        ("5.1000.1", "more than 3 digits"),
        ("5..1", "the subject is missing"),
        ("abc", "not a reply code"),
        ("5.a.1", "the subject must be digits"),
        ("\uff15\uff15\uff10", "non-ASCII text at byte 1"),
        ("5.1.\u00e9", "non-ASCII text at byte 5"),
    ]

    def test_each_error_says_what_is_wrong(self):
        for q, message in self.CASES:
            with self.subTest(query=q):
                status, out, err = run(q)
                self.assertEqual(status, 1)
                self.assertEqual(out, "")
                self.assertIn(message, err)
                self.assertTrue(err.startswith("smtpcode: '"), err)

    def test_json_error_objects(self):
        cases = [(q, m) for q, m in self.CASES if q != "abc"]  # "abc" is text, not a code
        status, out, err = run("--json", *[q for q, _ in cases])
        self.assertEqual(status, 1)
        answers = json_lines(out)
        self.assertEqual(len(answers), len(cases))
        for (q, message), a in zip(cases, answers):
            self.assertEqual(a["query"], q)
            self.assertIsNone(a["code"])
            self.assertIn(message, a["error"])

    def test_empty_and_nul(self):
        status, _, err = run("")
        self.assertEqual(status, 1)
        self.assertIn("empty query", err)
        status, out, err = run("--json", "-", stdin=b"5.1\x001\n")
        self.assertEqual(status, 1)
        self.assertIn("NUL byte at byte 4", err)
        self.assertEqual(json_lines(out)[0]["query"], "5.1\u00001")

    def test_hostile_bytes_stay_valid_json(self):
        stdin = b'"quoted"\n\\back\\slash\n\xff\xfe\xc0\xaf\n\x01\x1b[31m\n' + b"9" * 5000 + b"\n"
        status, out, err = run("--json", "-", stdin=stdin)
        self.assertEqual(status, 1)
        answers = json_lines(out)
        self.assertEqual(len(answers), 5)
        self.assertEqual(answers[0]["query"], '"quoted"')
        self.assertEqual(answers[1]["query"], "\\back\\slash")
        self.assertEqual(answers[2]["query"], "\ufffd" * 4)
        self.assertEqual(answers[3]["query"], "\x01\x1b[31m")
        self.assertNotIn("\x1b", err, "terminal escapes from input reach stderr")

    def test_mixed_good_and_bad_exit_1(self):
        status, out, _ = run("550", "5.01.1")
        self.assertEqual(status, 1)
        self.assertIn("550  ", out)


class Usage(unittest.TestCase):
    def test_no_arguments(self):
        status, out, err = run()
        self.assertEqual(status, 2)
        self.assertIn("no code given", err)
        self.assertIn("usage: smtpcode", err)

    def test_unknown_option(self):
        status, _, err = run("--frobnicate", "550")
        self.assertEqual(status, 2)
        self.assertIn("unknown option '--frobnicate'", err)

    def test_bad_color(self):
        status, _, err = run("--color=sometimes", "550")
        self.assertEqual(status, 2)
        self.assertIn("auto, always or never", err)

    def test_help_and_version(self):
        status, out, _ = run("--help")
        self.assertEqual(status, 0)
        self.assertIn("Examples:", out)
        self.assertIn("Exit status:", out)
        status, out, _ = run("--version")
        self.assertEqual(status, 0)
        self.assertIn(DATA.meta["version"], out)
        self.assertIn(DATA.meta["registry_date"], out)

    def test_double_dash(self):
        status, out, _ = run("--json", "--", "550")
        self.assertEqual(status, 0)
        self.assertEqual(json_lines(out)[0]["code"], "550")


POSTFIX_LINE = ("Nov  5 10:00:00 mx postfix/smtp[123]: 4F2A: to=<user@example.com>, "
                "relay=mx.example.com[192.0.2.1]:25, dsn=5.7.1, status=bounced (host mx.example.com[192.0.2.1] "
                "said: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org "
                "(in reply to RCPT TO command))")
RECORD_KEYS = {"code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce", "verdict",
               "decided_by", "matched", "carrier", "reply", "flags", "classified"}


class Explain(unittest.TestCase):
    def test_reply_text_is_explained(self):
        status, out, _ = run(POSTFIX_LINE)
        self.assertEqual(status, 0)
        self.assertTrue(out.startswith("554 5.7.1  "), out)
        text = " ".join(out.split())
        self.assertIn("Reason ip-blocklisted", text)
        self.assertIn('Decided by phrase "', text)
        self.assertIn("Bounce block", text)
        self.assertIn("Found in postfix; stage rcpt; host mx.example.com", text)

    def test_unquoted_words_are_one_text(self):
        status, out, _ = run("--json", "550", "5.1.1", "User", "unknown")
        self.assertEqual(status, 0)
        [a] = json_lines(out)
        self.assertEqual((a["code"], a["enhanced"], a["reason"]), (550, "5.1.1", "user-unknown"))

    def test_explain_json_fields(self):
        status, out, _ = run("explain", "--json", "--stage", "rcpt", "--host", "gmail-smtp-in.l.google.com",
                             "550 5.1.1 The email account that you tried to reach does not exist.")
        self.assertEqual(status, 0)
        [a] = json_lines(out)
        self.assertTrue(RECORD_KEYS <= set(a), RECORD_KEYS - set(a))
        self.assertEqual(a["stage"], "rcpt")
        self.assertEqual(a["host"], "gmail-smtp-in.l.google.com")
        self.assertEqual(a["vendor"], "gmail")
        self.assertEqual((a["bounce"], a["verdict"]), ("hard", "undeliverable"))

    def test_explain_stdin_dsn(self):
        dsn = (b"Final-Recipient: rfc822; user@example.com\nAction: failed\nStatus: 5.2.2\n"
               b"Remote-MTA: dns; mx.example.com\n"
               b"Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is over\n"
               b"    quota. Please direct the recipient to\n")
        status, out, _ = run("explain", "--json", "-", stdin=dsn)
        self.assertEqual(status, 0)
        [a] = json_lines(out)
        self.assertEqual((a["carrier"], a["host"], a["reason"], a["bounce"]), ("dsn", "mx.example.com", "mailbox-full", "soft"))

    def test_stage_block_at_mail_from(self):
        status, out, _ = run("explain", "--json", "--stage", "mail", "550 5.1.1 User unknown")
        a = json_lines(out)[0]
        self.assertNotEqual(a["verdict"], "undeliverable")

    def test_nothing_to_classify(self):
        status, out, err = run("hello there")
        self.assertEqual(status, 1)
        self.assertIn("not a reply code", err)
        status, out, err = run("explain", "--json", "hello there")
        self.assertEqual(status, 1)
        self.assertFalse(json_lines(out)[0]["classified"])

    def test_bad_stage_is_usage(self):
        status, _, err = run("--stage", "lunch", "550 5.1.1 x")
        self.assertEqual(status, 2)
        self.assertIn("unknown stage 'lunch'", err)


class Scan(unittest.TestCase):
    LOG = ("550 5.1.1 <user@example.com>: Recipient address rejected: User unknown\n"
           "a line with nothing to classify\n" + POSTFIX_LINE + "\n"
           "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred\n")

    def test_jsonl_in_order_with_line_numbers(self):
        status, out, _ = run("scan", "--format", "jsonl", stdin=self.LOG.encode())
        self.assertEqual(status, 0)
        records = json_lines(out)
        self.assertEqual([r["line"] for r in records], [1, 3, 4])
        self.assertEqual([r["reason"] for r in records], ["user-unknown", "ip-blocklisted", "reputation"])
        for r in records:
            self.assertTrue(RECORD_KEYS <= set(r))
            self.assertEqual(r["file"], "-")

    def test_all_reports_every_line(self):
        status, out, _ = run("scan", "--json", "--all", stdin=self.LOG.encode())
        records = json_lines(out)
        self.assertEqual([r["line"] for r in records], [1, 2, 3, 4])
        self.assertFalse(records[1]["classified"])

    def test_text_format(self):
        status, out, _ = run("scan", stdin=self.LOG.encode())
        lines = out.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("-:1\t550 5.1.1\tuser-unknown\thard\t"), lines[0])

    def test_adversarial_bytes_stay_valid_json(self):
        data = (b'550 5.1.1 "quoted" \\ back\\slash \x00 nul \xff\xfe bad utf-8 \x1b[31m user unknown\n'
                b"550 5.7.1 \x01\x02\x7f blocked using zen\r\n" + b"550 " + b"x" * 70000 + b"\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=data)
        self.assertEqual(status, 0)
        records = json_lines(out)
        self.assertEqual(len(records), 3)
        self.assertIn("\ufffd", records[0]["reply"])
        self.assertIn("\x00", records[0]["reply"])
        self.assertFalse(records[0]["truncated"])
        self.assertTrue(records[2]["truncated"], "a line over 64 KiB is classified on its first 64 KiB")
        self.assertEqual(records[2]["line"], 3)

    def test_missing_file_is_loud_and_others_go_on(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write(self.LOG)
        try:
            status, out, err = run("scan", "--json", "/nonexistent/mail.log", f.name)
            self.assertEqual(status, 3)
            self.assertIn("cannot open '/nonexistent/mail.log'", err)
            self.assertEqual(len(json_lines(out)), 3)
        finally:
            os.unlink(f.name)

    def test_empty_input(self):
        status, out, _ = run("scan", stdin=b"")
        self.assertEqual((status, out), (1, ""))


class Colour(unittest.TestCase):
    def test_always_never_auto(self):
        self.assertIn("\033[", run("--color=always", "550")[1])
        self.assertIn("\033[", run("--color", "always", "550")[1])
        self.assertNotIn("\033[", run("--color=never", "550")[1])
        self.assertNotIn("\033[", run("550")[1])  # not a terminal
        self.assertNotIn("\033[", run("--color=always", "--json", "550")[1])


if __name__ == "__main__":
    tap.main()
