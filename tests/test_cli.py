"""The smtpcode CLI run as a process: every code in data/ answered as the data
says (JSON parsed and compared), text output, errors and exit statuses.

usage: test_cli.py SMTPCODE DATADIR
"""

import json
import os
import subprocess
import sys
import unittest

import json_schema_check
import smtpcode_data
import tap

SMTPCODE, DATADIR = sys.argv[1], sys.argv[2]
DATA = smtpcode_data.load(DATADIR)
ENV = dict(os.environ, NO_COLOR="", COLUMNS="80")


def run(*args, stdin=None, env=ENV):
    r = json_schema_check.run(SMTPCODE, args, stdin=stdin, env=env)  # JSON fits the schema of its output
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

    def test_each_command_has_its_help(self):
        import tomllib
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(os.path.join(root, "src", "cli", "commands.toml"), "rb") as f:
            commands = [c["name"] for c in tomllib.load(f)["command"]]
        self.assertIn("scan", commands)
        for name in commands:
            with self.subTest(command=name):
                status, out, _ = run(name, "--help")
                self.assertEqual(status, 0)
                self.assertTrue(out.startswith(f"usage: smtpcode {name}"), out[:80])
                self.assertIn("smtpcode --help", out)
        status, out, _ = run("scan", "--help")
        self.assertIn("Examples:", out)

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
        [m] = json_lines(out)
        self.assertEqual((m["input"], m["records"], len(m["messages"])), ("message", 1, 1))
        [a] = m["messages"][0]["recipients"]
        self.assertEqual((a["recipient"], a["dsn_action"], a["report"]), ("user@example.com", "failed", "dsn"))
        self.assertEqual((a["carrier"], a["host"], a["reason"], a["bounce"]), ("dsn", "mx.example.com", "mailbox-full", "soft"))

    def test_explain_stdin_wrapped_reply(self):
        # A "Word:" line and its indented continuation, pasted alone, is a
        # wrapped reply, not a message's header: it is classified.
        text = b"Deferred: Connection refused by mx.example.com.\n    Message could not be delivered for 5 days\n"
        status, out, _ = run("explain", "--json", "-", stdin=text)
        self.assertEqual(status, 0)
        [a] = json_lines(out)
        self.assertNotIn("messages", a)
        self.assertEqual((a["reason"], a["classified"]), ("expired", True))
        # With another field after it, or the header's end, it is a message.
        status, out, _ = run("explain", "--json", "-", stdin=text + b"X-Other: 1\n\nbody\n")
        self.assertEqual(json_lines(out)[0]["input"], "message")

    def test_explain_stdin_pasted_bounce_text(self):
        # A bounce's text as a mail client shows it, pasted without its
        # header: one answer per recipient, each with its own reply, not one
        # answer made of the code of one and the words of another.
        text = (b"This is the mail system at host relay.example.net.\n\n"
                b"I'm sorry to have to inform you that your message could not\n"
                b"be delivered to one or more recipients. It's attached below.\n\n"
                b"<ada@example.com>: host mx.example.com[192.0.2.8] said: 550 5.1.1\n"
                b"    <ada@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
                b"<bo@example.com>: host mx.example.com[192.0.2.8] said: 452 4.2.2\n"
                b"    <bo@example.com>: Mailbox full (in reply to RCPT TO command)\n")
        status, out, _ = run("explain", "--json", "-", stdin=text)
        self.assertEqual(status, 0)
        [m] = json_lines(out)
        self.assertEqual(m["input"], "message")
        self.assertEqual([(a["recipient"], a["code"], a["reason"]) for a in m["messages"][0]["recipients"]],
                         [("ada@example.com", 550, "user-unknown"), ("bo@example.com", 452, "mailbox-full")])
        # The same text as an argument is the same message.
        status, out, _ = run("explain", "--json", text.decode())
        self.assertEqual(json_lines(out)[0]["input"], "message")

    def test_line_ends_do_not_change_what_an_input_is(self):
        # A message and a pasted bounce are told from lines the same with LF,
        # CRLF and CR-only line ends (old Mac mail); replies stay lines.
        message = (b"From: MAILER-DAEMON@relay.example.net\nSubject: Undelivered Mail Returned to Sender\n\n"
                   b"This is the mail system at host relay.example.net.\n\n"
                   b"<gus@example.com>: host mx.example.com[192.0.2.8] said: 550 5.1.1 User unknown\n")
        pasted = message.split(b"\n\n", 1)[1]
        replies = b"550 5.1.1 User unknown\n452 4.2.2 Mailbox full\n"
        for text, want in ((message, [("gus@example.com", "user-unknown")]),
                           (pasted, [("gus@example.com", "user-unknown")]),
                           (replies, [(None, "user-unknown"), (None, "mailbox-full")])):
            for end in (b"\n", b"\r\n", b"\r") if text is not replies else (b"\n", b"\r\n"):
                with self.subTest(text=text[:20], end=end):
                    status, out, _ = run("scan", "--format", "jsonl", stdin=text.replace(b"\n", end))
                    self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)], want)

    def test_a_recipients_paragraph_pasted_alone(self):
        # The part of a bounce about one recipient, copied alone (its reply
        # wrapped onto an indented line): that recipient, not a record per
        # wrapped line; blank lines and rules lost in the paste change nothing.
        text = (b"<cleo@example.com>: host mx.example.com[192.0.2.8] said: 550-Callout\n"
                b"    verification failed: 550 5.1.1 <cleo@example.com>: Recipient address\n"
                b"    rejected: User unknown (in reply to RCPT TO command)\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=text)
        self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)], [("cleo@example.com", "user-unknown")])
        # Exim's paragraph: the address alone, its host and reply indented under it.
        exim = (b"  eve@example.org\n    host mx.example.org [192.0.2.91]\n"
                b"    SMTP error from remote mail server after RCPT TO:<eve@example.org>:\n"
                b"    550 5.7.25 Reverse DNS lookup failed for host 192.0.2.5\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=exim)
        self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)], [("eve@example.org", "rdns")])
        gmail = (b"Address not found\n--\nYour message wasn't delivered to dora@example.com because the address "
                 b"couldn't be found, or is unable to receive mail.\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=gmail)
        self.assertEqual([(r["recipient"], r["dsn_action"]) for r in json_lines(out)], [("dora@example.com", "failed")])
        # Quoted with the fields a mail client showed above it: the bounce's
        # subject ("Mail System Error") says nothing of the recipient.
        quoted = (b"> Subject: Mail System Error - Returned Mail\n> From: Mail Administrator <postmaster@example.net>\n"
                  b"> To: ann@example.net\n>\n> The following recipients did not receive this message:\n>\n"
                  b">      <bo@example.org>\n>\n> 550 Requested action not taken: mailbox unavailable\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=quoted)
        self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)], [("bo@example.org", "user-unknown")])
        # A summary of the returned message, indented under its heading.
        summary = (b"From: MAILER-DAEMON@mx.example.net\nSubject: Delivery failure\n\n"
                   b"The following message could not be delivered:\n\n  To:      ed@example.com\n"
                   b"  Subject: Your mailbox is full - upgrade your plan now\n\n"
                   b"Reason: 550 5.1.1 <ed@example.com>: user unknown\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=summary)
        self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)], [("ed@example.com", "user-unknown")])
        # Gmail's notice as a web page shows it, its blank lines lost.
        flat = (b"Delivery Status Notification (Failure)\nAddress not found\nYour message wasn't delivered to "
                b"fi@example.invalid because the domain example.invalid couldn't be found. Check for typos.\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=flat)
        self.assertEqual([(r["recipient"], r["dsn_action"], r["reason"]) for r in json_lines(out)],
                         [("fi@example.invalid", "failed", "domain-not-found")])
        blocked = (b"** Message blocked **\n\nYour message to cy@example.com has been blocked. See technical details "
                   b"below for more information.\n\nThe response from the remote server was:\n"
                   b"550 5.7.1 Recipient address rejected: Mailbox is disabled\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=blocked)
        self.assertEqual([(r["recipient"], r["dsn_action"], r["reason"]) for r in json_lines(out)],
                         [("cy@example.com", "failed", "mailbox-disabled")])
        gmail_es = ("No se ha encontrado la dirección\n\nTu mensaje no se ha entregado a dora@example.edu porque no "
                    "se ha encontrado el dominio example.edu.\n\nLa respuesta fue:\n\nDNS Error: DNS type 'mx' lookup "
                    "of example.edu responded with code NXDOMAIN Domain name not found: example.edu\n").encode()
        status, out, _ = run("scan", "--format", "jsonl", stdin=gmail_es)
        self.assertEqual([(r["recipient"], r["dsn_action"], r["reason"]) for r in json_lines(out)],
                         [("dora@example.edu", "failed", "domain-not-found")])
        # Each recipient's reply under its line, before the first blank line.
        webmail = (b"Unable to send to eli@example.com\n"
                   b"Bounce reason: the address does not exist, so the message could not be delivered.\n"
                   b"550 5.1.1 No such user\n\n"
                   b"Unable to send to fay@example.net\n"
                   b"Bounce reason: the mailbox is full.\n"
                   b"552 5.2.2 Mailbox quota exceeded\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=webmail)
        self.assertEqual([(r["recipient"], r["reason"]) for r in json_lines(out)],
                         [("eli@example.com", "user-unknown"), ("fay@example.net", "mailbox-full")])
        # A gateway's opening line that names the recipient in its sentence,
        # and the reply it relays wrapped over the lines under it.
        gateway = (b"The following message to <gil@example.org> was undeliverable.\n"
                   b"The reason for the problem:\n"
                   b"5.1.0 - Unknown address error 550-'5.1.1 The mailbox you tried to\n"
                   b"reach does not exist here'\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=gateway)
        self.assertEqual([(r["recipient"], r["dsn_action"], r["reason"]) for r in json_lines(out)],
                         [("gil@example.org", "failed", "user-unknown")])

    def test_replies_and_logs_that_speak_of_bounces_stay_lines(self):
        # Replies one a line, and log lines, that say delivery failed are no
        # bounce's text: it is written in paragraphs, and a log line starts
        # with its date or its program's tag.
        replies = (b"Message could not be delivered: mailbox unavailable\n"
                   b"Unable to deliver to ada@example.com: user unknown\n"
                   b"Delivery failed: quota exceeded\n")
        log = (b"Dec  7 09:00:01 mx postfix/bounce[811]: 4F00A1: sender non-delivery notification: 4F00B2\n\n"
               b"Dec  7 09:00:02 mx postfix/qmgr[77]: 4F00A1: removed\n")
        reply_first = (b"550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown\n\n"
                       b"Message could not be delivered\n")
        # A sending service's events, one JSON record a line, in a bounce's words.
        events = (b'{"event":"bounce","text":"The following message to <ada@example.com> was undeliverable",'
                  b'"reply":"550 5.1.1 user unknown"}\n'
                  b'{"event":"bounce","text":"permanent error","reply":"552 5.2.2 mailbox full"}\n')
        # A table of them (CSV, a digest) whose rows quote a reply.
        table = (b"email,status,smtp_response\n"
                 b"bo@example.com,bounced,\"550 5.1.1 Your message to bo@example.com could not be delivered\"\n"
                 b"cy@example.net,deferred,\"452 4.2.2 Mailbox over quota, try again later\"\n")
        digest = (b"Bounces of the last run\n"
                  b"Recipient: dee@example.com - permanent error - 550 5.1.1 mailbox unavailable\n"
                  b"Recipient: eli@example.net - temporary error - 451 4.7.1 Greylisted, try again later\n")
        for text, lines in ((replies, [1, 2, 3]), (log, []), (reply_first, [1]), (events, [1, 2]), (table, [2, 3]),
                            (digest, [2, 3])):
            with self.subTest(text=text[:30]):
                status, out, _ = run("scan", "--format", "jsonl", stdin=text)
                records = json_lines(out)
                self.assertEqual([r["line"] for r in records], lines)
                self.assertTrue(all("dsn_action" not in r for r in records), records)

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

    MULTI = ("What I got back:\n"
             "    550-5.7.1 [192.0.2.1] Our system has detected that this message is\n"
             "    550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
             "    550 5.7.1 this message has been blocked.\n"
             "550-5.1.1 a 550 5.1.1 b\n"
             "550-5.1.1 no last line\n"
             "421 4.7.0 Try again later\n")

    def test_a_reply_of_several_lines_is_one_record(self):
        for jobs in ("1", "2"):
            status, out, _ = run("scan", "--format", "jsonl", "-j", jobs, stdin=self.MULTI.encode())
            records = json_lines(out)
            self.assertEqual([r["line"] for r in records], [2, 5, 6, 7], jobs)
            self.assertEqual(records[0]["reason"], "spam", "the cause is on the reply's second line")
            self.assertIn("this message has been blocked", records[0]["reply"])
            self.assertEqual(records[2]["reply"], "550-5.1.1 no last line", "an open reply ends where another starts")

    def test_a_transcript_or_quoted_reply_is_joined_too(self):
        text = ("Transcript:\n<<< 550-5.1.1 <ann@example.org>: Recipient address rejected:\n<<< 550 5.1.1 User "
                "unknown\n> 550-5.7.26 Unauthenticated email from example.com is not accepted due\n"
                "> 550 5.7.26 to domain DMARC policy.\n")
        status, out, _ = run("scan", "--format", "jsonl", stdin=text.encode())
        records = json_lines(out)
        self.assertEqual([(r["line"], r["recipient"], r["reason"]) for r in records],
                         [(2, "ann@example.org", "user-unknown"), (4, None, "auth-dmarc")])

    def test_all_answers_each_line_of_a_reply(self):
        status, out, _ = run("scan", "--json", "--all", stdin=self.MULTI.encode())
        self.assertEqual([r["line"] for r in json_lines(out)], [1, 2, 3, 4, 5, 6, 7])


HERE = os.path.dirname(os.path.abspath(__file__))
MAIL_LOG = os.path.join(HERE, "data", "mail.log")
EXIM_LOG = os.path.join(HERE, "data", "exim_mainlog")
TSV_COLUMNS = ["file", "line", "code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce",
               "verdict", "recipient"]


class TempDir(unittest.TestCase):
    def setUp(self):
        import tempfile
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


class ScanFormats(TempDir):
    def test_tsv_header_and_fields(self):
        status, out, _ = run("scan", "--format", "tsv", MAIL_LOG, EXIM_LOG)
        self.assertEqual(status, 0)
        lines = out.split("\n")
        self.assertEqual(lines[0].split("\t"), TSV_COLUMNS)
        self.assertEqual(lines[-1], "")
        rows = [line.split("\t") for line in lines[1:-1]]
        self.assertTrue(all(len(r) == len(TSV_COLUMNS) for r in rows), rows)
        self.assertEqual(len(rows), 8)
        first = dict(zip(TSV_COLUMNS, rows[0]))
        self.assertEqual(first, {"file": MAIL_LOG, "line": "1", "code": "550", "enhanced": "5.1.1",
                                 "stage": "rcpt", "host": "gmail-smtp-in.l.google.com", "vendor": "gmail",
                                 "reason": "user-unknown", "action": "remove-address", "bounce": "hard",
                                 "verdict": "undeliverable", "recipient": "alice@example.com"})
        exim = [dict(zip(TSV_COLUMNS, r)) for r in rows if r[0] == EXIM_LOG]
        self.assertEqual([r["line"] for r in exim], ["2", "3", "4", "6"])
        self.assertEqual([r["stage"] for r in exim], ["rcpt", "rcpt", "end-of-data", "mail"])
        self.assertEqual([r["reason"] for r in exim], ["user-unknown", "mailbox-full", "message-too-large",
                                                       "ip-blocklisted"])
        self.assertEqual(exim[1]["vendor"], "", "no vendor is an empty field")

    def test_tsv_and_jsonl_agree(self):
        _, tsv, _ = run("scan", "--format", "tsv", MAIL_LOG, EXIM_LOG)
        _, jsonl, _ = run("scan", "--format", "jsonl", MAIL_LOG, EXIM_LOG)
        rows = [dict(zip(TSV_COLUMNS, line.split("\t"))) for line in tsv.splitlines()[1:]]
        for row, rec in zip(rows, json_lines(jsonl)):
            for key in TSV_COLUMNS:
                want = rec.get(key)  # recipient: only in the records of bounce messages
                self.assertEqual(row[key], "" if want is None else str(want), key)

    def test_csv_quotes_per_rfc_4180(self):
        import csv
        import io
        path = self.write('odd, "name".log', b"550 5.1.1 <u@example.com>: user unknown\n"
                          b"Nov 5 mx postfix/smtp[1]: to=<a@b>, relay=x, status=bounced (host evil,\"x\"\tq said: "
                          b"550 5.1.1 no such user (in reply to RCPT TO command))\n")
        status, out, _ = run("scan", "--format", "csv", path)
        self.assertEqual(status, 0)
        raw = subprocess.run([SMTPCODE, "scan", "--format", "csv", path], capture_output=True, env=ENV).stdout
        self.assertTrue(raw.endswith(b"\r\n") and raw.count(b"\r\n") == 3, raw)
        rows = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(rows[0], TSV_COLUMNS)
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(len(r) == len(TSV_COLUMNS) for r in rows))
        self.assertEqual(rows[1][0], path)
        self.assertEqual(rows[1][1:4], ["1", "550", "5.1.1"])
        self.assertIn('"', out.splitlines()[1][:2], "a file name with a comma and quotes is quoted")

    def test_tsv_control_bytes_never_split_a_record(self):
        path = self.write("ctl.log", b"Nov 5 mx postfix/smtp[1]: to=<a@b>, status=bounced (host a\tb\x01c said: "
                          b"550 5.1.1 no such user (in reply to RCPT TO command))\n")
        status, out, _ = run("scan", "--format", "tsv", path)
        self.assertEqual(status, 0)
        for line in out.splitlines():
            self.assertEqual(len(line.split("\t")), len(TSV_COLUMNS), line)

    def test_bad_format_is_usage(self):
        status, _, err = run("scan", "--format", "xml", MAIL_LOG)
        self.assertEqual(status, 2)
        self.assertIn("text, jsonl, tsv, csv, addresses or clickhouse", err)

    def test_header_even_when_nothing_found(self):
        status, out, _ = run("scan", "--format", "tsv", stdin=b"nothing here\n")
        self.assertEqual(status, 1)
        self.assertEqual(out.splitlines(), ["\t".join(TSV_COLUMNS)])


class Inputs(TempDir):
    """gzip, truncated gzip, empty, binary, missing files."""

    def log_bytes(self):
        with open(MAIL_LOG, "rb") as f:
            return f.read()

    def test_gzip_file_is_read_transparently(self):
        import gzip
        path = self.write("mail.log.1.gz", gzip.compress(self.log_bytes()))
        status, out, err = run("scan", "--json", path)
        self.assertEqual((status, err), (0, ""))
        _, plain, _ = run("scan", "--json", MAIL_LOG)
        strip = lambda recs: [{k: v for k, v in r.items() if k != "file"} for r in recs]
        self.assertEqual(strip(json_lines(out)), strip(json_lines(plain)))
        self.assertEqual({r["file"] for r in json_lines(out)}, {path})

    def test_gzip_recognised_by_magic_on_stdin_and_without_suffix(self):
        import gzip
        data = gzip.compress(self.log_bytes())
        status, out, _ = run("scan", stdin=data + gzip.compress(self.log_bytes()))
        self.assertEqual(status, 0)
        self.assertEqual(len(out.splitlines()), 8, "concatenated gzip members are all read")
        path = self.write("noext", data)
        status, out, _ = run("scan", path)
        self.assertEqual((status, len(out.splitlines())), (0, 4))

    def test_truncated_gzip_is_io_error_and_keeps_records(self):
        import gzip
        data = self.log_bytes()
        big = b"".join(data.replace(b"4F2A", b"%05d" % i) for i in range(400))
        packed = gzip.compress(big)
        path = self.write("cut.gz", packed[:len(packed) // 2])
        status, out, err = run("scan", "--json", path, MAIL_LOG)
        self.assertEqual(status, 3)
        self.assertIn("cut.gz: truncated gzip data", err)
        records = json_lines(out)
        cut = [r for r in records if r["file"] == path]
        self.assertGreater(len(cut), 10, "records before the cut are kept")
        self.assertLess(len(cut), 1600)
        self.assertEqual(len([r for r in records if r["file"] == MAIL_LOG]), 4, "the other files are read on")
        lines = [r["line"] for r in cut]
        self.assertEqual(lines, sorted(lines))

    def test_corrupt_gzip_is_io_error(self):
        import gzip
        packed = bytearray(gzip.compress(self.log_bytes()))
        packed[20:60] = b"\xff" * 40
        path = self.write("bad.gz", bytes(packed))
        status, _, err = run("scan", path)
        self.assertEqual(status, 3)
        self.assertIn("bad.gz: ", err)

    def test_empty_file(self):
        path = self.write("empty.log", b"")
        self.assertEqual(run("scan", path)[:2], (1, ""))
        status, out, _ = run("stats", "--json", path)
        self.assertEqual(status, 1)
        self.assertEqual(json.loads(out)["records"], 0)

    def test_binary_file(self):
        path = self.write("random.bin", bytes(range(256)) * 64 + b"\x00" * 1000)
        status, out, err = run("scan", "--json", path)
        self.assertEqual((status, err), (1, ""))
        self.assertEqual(out, "")

    def test_missing_file_and_directory(self):
        status, out, err = run("scan", "/nonexistent/x.log", MAIL_LOG)
        self.assertEqual(status, 3)
        self.assertIn("cannot open '/nonexistent/x.log'", err)
        self.assertEqual(len(out.splitlines()), 4)
        status, _, err = run("stats", "/nonexistent/x.log")
        self.assertEqual(status, 3)
        self.assertIn("cannot open '/nonexistent/x.log'", err)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        path = self.write("big.log", self.log_bytes() * 20000)  # 9 MiB, above the size that shows progress
        status, out, err = run("scan", "--format", "tsv", path)
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(len(out.splitlines()), 80001)

    def on_terminal(self, args, stdout_too=False):
        """Runs smtpcode with standard error (and standard output) on a pseudo-terminal."""
        import pty
        master, slave = pty.openpty()
        out_path = os.path.join(self.tmp, "stdout")
        try:
            # Standard output to a file: a pipe nobody reads would fill and block.
            with open(out_path, "wb") as out_file:
                p = subprocess.Popen([SMTPCODE, *args], stdout=slave if stdout_too else out_file,
                                     stderr=slave, env=ENV)
            os.close(slave)
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side is closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            status = p.wait(timeout=60)
            with open(out_path, "rb") as f:
                out = f.read()
        finally:
            os.close(master)
        return status, out.decode(), b"".join(chunks).decode("utf-8", "replace")

    def test_progress_on_a_terminal(self):
        path = self.write("big.log", self.log_bytes() * 20000)
        status, out, err = self.on_terminal(["stats", "--json", path])
        self.assertEqual(status, 0)
        self.assertIn("smtpcode: ", err)
        self.assertIn("MiB of ", err)
        self.assertIn("lines/s", err)
        self.assertIn("ETA ", err)
        self.assertTrue(err.endswith("\r\x1b[K"), repr(err[-40:]))
        self.assertEqual(json.loads(out)["records"], 80000)
        status, out, err = self.on_terminal(["scan", "--format", "tsv", path])
        self.assertEqual((status, len(out.splitlines())), (0, 80001))
        self.assertIn("lines/s", err)

    def test_no_progress_when_scan_writes_to_the_terminal(self):
        path = self.write("big.log", self.log_bytes() * 20000)
        status, _, both = self.on_terminal(["scan", path], stdout_too=True)
        self.assertEqual(status, 0)
        self.assertIn("big.log:5\t452 4.2.2", both)
        self.assertNotIn("lines/s", both)


class List(unittest.TestCase):
    def test_basic_json_is_every_code(self):
        status, out, _ = run("list", "basic", "--json")
        self.assertEqual(status, 0)
        rows = json_lines(out)
        self.assertEqual([r["code"] for r in rows], [str(e["code"]) for e in DATA.basic])
        for r, e in zip(rows, DATA.basic):
            self.assertEqual((r["title"], r["reason"], r["bounce"]), (e["title"], e["reason"], e["bounce"]))

    def test_class_filter(self):
        status, out, _ = run("list", "basic", "--class", "4", "--json")
        self.assertEqual(status, 0)
        self.assertEqual([r["code"] for r in json_lines(out)],
                         [str(e["code"]) for e in DATA.basic if e["code"] // 100 == 4])
        _, out, _ = run("list", "enhanced", "--class", "2", "--json")
        rows = json_lines(out)
        self.assertTrue(rows)
        self.assertTrue(all(2 in r["classes"] for r in rows))
        self.assertIn("X.1.5", [r["code"] for r in rows])
        self.assertNotIn("X.2.2", [r["code"] for r in rows])
        status, out, _ = run("list", "enhanced", "--class", "3")
        self.assertEqual((status, out), (1, ""), "no enhanced code has class 3")

    def test_enhanced_json_is_every_row(self):
        _, out, _ = run("list", "enhanced", "--json")
        self.assertEqual([r["code"] for r in json_lines(out)], [e["code"] for e in DATA.enhanced])

    def test_taxonomy_lists(self):
        for kind, key in (("reasons", "reason"), ("actions", "action"), ("bounces", "bounce"),
                          ("verdicts", "verdict"), ("vendors", "vendor")):
            with self.subTest(kind=kind):
                status, out, _ = run("list", kind, "--json")
                self.assertEqual(status, 0)
                rows = json_lines(out)
                self.assertTrue(all(r["kind"] == key and r["name"] and r["title"] for r in rows))
        names = [r["name"] for r in json_lines(run("list", "reasons", "--json")[1])]
        self.assertIn("user-unknown", names)
        vendors = [r["name"] for r in json_lines(run("list", "vendors", "--json")[1])]
        self.assertIn("gmail", vendors)
        self.assertNotIn("unknown", vendors)

    def test_vendor_filter(self):
        status, out, _ = run("list", "vendors", "--vendor", "gmail", "--json")
        self.assertEqual(status, 0)
        [row] = json_lines(out)
        self.assertEqual(row["name"], "gmail")
        status, _, err = run("list", "vendors", "--vendor", "nosuchvendor")
        self.assertEqual(status, 2)
        self.assertIn("unknown vendor 'nosuchvendor'", err)
        status, _, err = run("list", "basic", "--vendor", "gmail")
        self.assertEqual(status, 2)

    def test_table_fits_width_with_ellipsis(self):
        for cols in ("40", "60", "80", "132"):
            env = dict(ENV, COLUMNS=cols)
            for kind in ("basic", "enhanced", "reasons", "actions", "vendors"):
                status, out, _ = run("list", kind, env=env)
                self.assertEqual(status, 0)
                lines = out.splitlines()
                self.assertTrue(lines[0].split()[0].isupper(), lines[0])
                self.assertTrue(all(len(line) <= int(cols) for line in lines),
                                (cols, kind, max(lines, key=len)))
        out = run("list", "reasons", env=dict(ENV, COLUMNS="60"))[1]
        self.assertIn("\u2026", out)
        self.assertEqual(len(out.splitlines()), 1 + len(json_lines(run("list", "reasons", "--json")[1])))

    def test_no_kind_lists_basic_then_enhanced(self):
        status, out, _ = run("list", "--json")
        self.assertEqual(status, 0)
        kinds = [r["kind"] for r in json_lines(out)]
        self.assertEqual(kinds, ["basic"] * len(DATA.basic) + ["enhanced"] * len(DATA.enhanced))

    def test_bad_kind_and_class(self):
        self.assertEqual(run("list", "colours")[0], 2)
        self.assertEqual(run("list", "basic", "--class", "7")[0], 2)
        self.assertEqual(run("list", "reasons", "--class", "5")[0], 2)


class Search(unittest.TestCase):
    def test_ranked_title_hits_first(self):
        status, out, _ = run("search", "--json", "mailbox", "full")
        self.assertEqual(status, 0)
        hits = json_lines(out)
        self.assertEqual(hits[0]["score"], 220)
        top = {(h.get("code") or h.get("name")) for h in hits if h["score"] == 220}
        self.assertIn("X.2.2", top)
        self.assertIn("mailbox-full", top)
        scores = [h["score"] for h in hits]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertLessEqual(len(hits), 10)

    def test_body_hit_has_snippet(self):
        status, out, _ = run("search", "--json", "--top", "100", "quota")
        self.assertEqual(status, 0)
        hits = json_lines(out)
        self.assertIn("452", [h.get("code") for h in hits])
        for h in hits:
            self.assertIn("quota", (h["title"] + " " + (h["snippet"] or "")).lower(), h)
            self.assertEqual(h["words"], ["quota"])

    def test_case_insensitive_and_taxonomy(self):
        _, out, _ = run("search", "--json", "--top", "1000", "GREYLIST")
        hits = json_lines(out)
        self.assertTrue(hits)
        self.assertTrue({"basic", "enhanced", "reason"} & {h["kind"] for h in hits})

    def test_text_output(self):
        status, out, _ = run("search", "--top", "3", "spamhaus", "blocklist")
        self.assertEqual(status, 0)
        lines = out.splitlines()
        self.assertTrue(all(len(line) <= 80 for line in lines), out)
        self.assertTrue(lines[1].startswith("    "), out)

    def test_nothing_found_and_usage(self):
        status, out, err = run("search", "xyzzyplugh")
        self.assertEqual((status, out), (1, ""))
        self.assertEqual(run("search")[0], 2)
        self.assertEqual(run("search", "--top", "0", "mailbox")[0], 2)


class Stats(TempDir):
    def test_json_counts(self):
        status, out, _ = run("stats", "--json", MAIL_LOG, EXIM_LOG)
        self.assertEqual(status, 0)
        [s] = json_lines(out)
        self.assertEqual(s["records"], 8)
        counts = lambda key: {x["name"]: x["count"] for x in s[key]}
        self.assertEqual(counts("bounce"), {"hard": 2, "soft": 3, "block": 3})
        self.assertEqual(counts("reason")["user-unknown"], 2)
        self.assertEqual(counts("reason")["mailbox-full"], 2)
        self.assertEqual(counts("code"), {"550": 3, "421": 1, "452": 2, "552": 1, "554": 1})
        self.assertEqual(counts("enhanced")["4.2.2"], 2)
        self.assertEqual(counts("stage"), {"rcpt": 5, "mail": 2, "end-of-data": 1})
        self.assertEqual(counts("vendor")["none"], 3)
        self.assertEqual(counts("outcome"), {"bounced": 5, "deferred": 3})
        for key in ("outcome", "bounce", "reason", "vendor", "stage", "code", "enhanced"):
            self.assertEqual(sum(x["count"] for x in s[key]), 8, key)
            self.assertAlmostEqual(sum(x["share"] for x in s[key]), 1.0, places=3)
            self.assertEqual([x["count"] for x in s[key]], sorted((x["count"] for x in s[key]), reverse=True))
        full = next(t for t in s["top_replies"] if t["reason"] == "mailbox-full")
        self.assertEqual((full["count"], full["distinct"], full["other"]), (2, 2, 0))

    def test_top_texts_counted_and_bounded(self):
        lines = [b"550 5.1.1 no such user alice\n"] * 7 + [b"550 5.1.1 no such user bob\n"] * 3
        lines += [b"550 5.1.1 no such user u%d\n" % i for i in range(1500)]
        status, out, _ = run("stats", "--json", "--top", "2", stdin=b"".join(lines))
        self.assertEqual(status, 0)
        [s] = json_lines(out)
        [t] = s["top_replies"]
        self.assertEqual(t["reason"], "user-unknown")
        self.assertEqual(t["count"], 1510)
        self.assertEqual(t["replies"], [{"text": "550 5.1.1 no such user alice", "count": 7},
                                        {"text": "550 5.1.1 no such user bob", "count": 3}])
        self.assertEqual(t["distinct"], 1000)
        self.assertEqual(t["other"], 1510 - 7 - 3 - 998)

    def test_enhanced_codes_bounded(self):
        lines = [b"550 5.%d.%d no\n" % (s, d) for s in (1, 2) for d in range(1, 601)]
        status, out, _ = run("stats", "--json", "--top", "1", stdin=b"".join(lines))
        self.assertEqual(status, 0)
        [s] = json_lines(out)
        self.assertEqual(s["records"], 1200)
        enhanced = {x["name"]: x["count"] for x in s["enhanced"]}
        self.assertEqual(len(enhanced), 1001)
        # The tables count bounces; the library takes 550 5.1.5 and 5.1.9 for accepted.
        self.assertEqual(enhanced["other"], s["bounces"] - 1000)
        self.assertEqual(s["enhanced"][0]["name"], "other", "sorted by count like the codes")
        self.assertTrue(all(t["distinct"] <= 1000 for t in s["top_replies"]))
        self.assertEqual(sum(t["distinct"] + t["other"] for t in s["top_replies"]), s["bounces"], "every text distinct")

    def test_text_table(self):
        status, out, _ = run("stats", MAIL_LOG)
        self.assertEqual(status, 0)
        self.assertTrue(out.startswith("4 records: 4 bounces (the shares of the tables after Outcome are of these)\n"), out)
        for heading in ("Bounce type", "Reason", "Vendor", "Stage", "Basic code", "Enhanced code",
                        "Top 5 replies by reason"):
            self.assertIn("\n" + heading, out)
        self.assertRegex(out, r"\n  soft +2 +50\.0%\n")
        self.assertTrue(all(len(line) <= 80 for line in out.splitlines()), out)

    def test_gzip_and_usage(self):
        import gzip
        with open(MAIL_LOG, "rb") as f:
            path = self.write("m.gz", gzip.compress(f.read()))
        status, out, _ = run("stats", "--json", path)
        self.assertEqual((status, json.loads(out)["records"]), (0, 4))
        self.assertEqual(run("stats", "--format", "jsonl", path)[0], 2)
        self.assertEqual(run("stats", "--top", "x", path)[0], 2)

    def test_nothing_found(self):
        status, out, _ = run("stats", stdin=b"hello\n")
        self.assertEqual(status, 1)
        self.assertTrue(out.startswith("0 records"))


def data(name):
    return os.path.join(HERE, "data", name)


class Dsn(TempDir):
    """Whole bounce messages (RFC 3464): one record per recipient."""

    def scan_json(self, *args, stdin=None, want_status=0):
        status, out, err = run("scan", "--format", "jsonl", *args, stdin=stdin)
        self.assertEqual(status, want_status, err)
        return json_lines(out), err

    def test_postfix_two_recipients(self):
        recs, err = self.scan_json(data("postfix_dsn.eml"))
        self.assertEqual(err, "")
        self.assertEqual([r["recipient"] for r in recs], ["alice@example.com", "bob@example.net"])
        alice, bob = recs
        self.assertEqual((alice["code"], alice["enhanced"], alice["reason"], alice["bounce"], alice["dsn_action"]),
                         (550, "5.1.1", "user-unknown", "hard", "failed"))
        self.assertEqual((bob["code"], bob["enhanced"], bob["reason"], bob["bounce"], bob["dsn_action"]),
                         (452, "4.2.2", "mailbox-full", "soft", "delayed"))
        self.assertEqual((alice["file"], alice["line"], alice["message"]), (data("postfix_dsn.eml"), 38, 1))
        self.assertEqual(bob["line"], 46)
        self.assertEqual((alice["host"], bob["host"]), ("mx.example.com", "mx.example.net"))
        self.assertIn("User unknown in virtual mailbox table", alice["reply"], "the folded line is unfolded")
        self.assertTrue(all(r["carrier"] == "dsn" and r["classified"] for r in recs))

    def test_gmail_folded_diagnostic_code(self):
        recs, _ = self.scan_json(data("gmail_dsn.eml"))
        self.assertEqual(len(recs), 1, "nested multiparts, the returned message skipped")
        r = recs[0]
        self.assertEqual((r["recipient"], r["code"], r["enhanced"], r["reason"], r["bounce"], r["vendor"]),
                         ("nobody.here@gmail.com", 550, "5.1.1", "user-unknown", "hard", "gmail"))
        self.assertIn("typos or unnecessary spaces. For more information", r["reply"])
        self.assertEqual(r["host"], "gmail-smtp-in.l.google.com")

    def test_exchange_quoted_printable(self):
        recs, _ = self.scan_json(data("exchange_dsn.eml"))
        self.assertEqual(len(recs), 1)
        r = recs[0]
        self.assertEqual((r["recipient"], r["code"], r["enhanced"], r["reason"], r["bounce"], r["vendor"]),
                         ("carol@partner.example", 550, "5.1.10", "user-unknown", "hard", "microsoft365"))
        self.assertIn("Recipient carol@partner.example not found by SMTP address lookup = rejected", r["reply"])

    def test_base64_delivery_status(self):
        import base64
        status = (b"Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; <erin@example.com>\r\n"
                  b"Action: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n")
        msg = (b"From: MAILER-DAEMON@example.org\nContent-Type: multipart/report; report-type=delivery-status; "
               b"boundary=b1\n\n--b1\nContent-Type: text/plain\n\nsorry\n--b1\n"
               b"Content-Type: message/delivery-status\nContent-Transfer-Encoding: BASE64\n\n" +
               base64.encodebytes(status) + b"--b1--\n")
        recs, _ = self.scan_json(self.write("b64.eml", msg))
        self.assertEqual([(r["recipient"], r["enhanced"], r["reason"]) for r in recs],
                         [("erin@example.com", "5.2.2", "mailbox-full")])

    def test_mbox_every_message(self):
        recs, err = self.scan_json(data("bounces.mbox"))
        self.assertEqual(err, "")
        self.assertEqual([(r["message"], r["recipient"], r["reason"], r["bounce"]) for r in recs], [
            (1, "alice@example.com", "user-unknown", "hard"),
            (1, "bob@example.net", "mailbox-full", "soft"),
            (2, "nobody.here@gmail.com", "user-unknown", "hard"),
            (3, "dave@example.com", "mailbox-disabled", "hard"),  # no delivery-status part: its text names dave
            (4, "carol@partner.example", "user-unknown", "hard"),
        ])
        self.assertEqual(recs[0]["line"], 39, "lines of the mbox file")
        self.assertEqual((recs[3]["dsn_action"], recs[3]["report"]), ("failed", "text"), "the text says it gave up")

    def test_mbox_on_stdin_and_stats(self):
        with open(data("bounces.mbox"), "rb") as f:
            mbox = f.read()
        recs, _ = self.scan_json(stdin=mbox)
        self.assertEqual(len(recs), 5)
        self.assertEqual(recs[0]["file"], "-")
        status, out, err = run("stats", "--json", data("bounces.mbox"))
        self.assertEqual(status, 0, err)
        s = json.loads(out)
        self.assertEqual(s["records"], 5)
        self.assertEqual({b["name"]: b["count"] for b in s["bounce"]}, {"hard": 4, "soft": 1})

    def test_stats_tell_delays_and_complaints_from_failures(self):
        paths = [os.path.join(HERE, "data", "messages", name)
                 for name in ("delay_dsn.eml", "qmail.eml", "arf.eml", "autoreply.eml")]
        status, out, err = run("stats", "--json", *paths)
        self.assertEqual(status, 0, err)
        s = json.loads(out)
        self.assertEqual({o["name"]: o["count"] for o in s["outcome"]},
                         {"failed": 2, "delayed": 1, "feedback": 2, "auto-reply": 1})

    def test_maildir_sorted_and_unreadable_entry(self):
        md = os.path.join(self.tmp, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(md, sub))
        for sub, name, src in (("cur", "200.host:2,S", "postfix_dsn.eml"), ("new", "100.host", "gmail_dsn.eml"),
                               ("cur", "300.host:2,", "exchange_dsn.eml")):
            with open(data(src), "rb") as f, open(os.path.join(md, sub, name), "wb") as g:
                g.write(f.read())
        os.symlink("/nonexistent/entry", os.path.join(md, "new", "250.host"))
        status, out, err = run("scan", "--format", "jsonl", md)
        self.assertEqual(status, 3, "an unreadable entry is an I/O error; the others are read")
        self.assertIn("cannot open '%s'" % os.path.join(md, "new", "250.host"), err)
        recs = json_lines(out)
        self.assertEqual([(r["message"], r["recipient"]) for r in recs], [
            ("100.host", "nobody.here@gmail.com"), ("200.host:2,S", "alice@example.com"),
            ("200.host:2,S", "bob@example.net"), ("300.host:2,", "carol@partner.example")])
        self.assertEqual(recs[0]["file"], os.path.join(md, "new", "100.host"))
        status, out, _ = run("scan", "--format", "tsv", md)
        rows = [dict(zip(TSV_COLUMNS, line.split("\t"))) for line in out.splitlines()[1:]]
        self.assertEqual([r["recipient"] for r in rows],
                         ["nobody.here@gmail.com", "alice@example.com", "bob@example.net", "carol@partner.example"])
        self.assertTrue(all(len(r) == len(TSV_COLUMNS) for r in rows))

    def test_gzip_message(self):
        import gzip
        with open(data("postfix_dsn.eml"), "rb") as f:
            path = self.write("bounce.eml.gz", gzip.compress(f.read()))
        recs, _ = self.scan_json(path)
        self.assertEqual([(r["recipient"], r["bounce"]) for r in recs],
                         [("alice@example.com", "hard"), ("bob@example.net", "soft")])
        status, out, _ = run("scan", "--format", "csv", path)
        self.assertEqual(status, 0)
        self.assertTrue(out.splitlines()[1].endswith(",alice@example.com"), out)

    def test_text_format_names_the_recipient(self):
        status, out, _ = run("scan", data("postfix_dsn.eml"))
        self.assertEqual(status, 0)
        lines = out.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith(data("postfix_dsn.eml") + ":38\t550 5.1.1\tuser-unknown\thard"))
        self.assertTrue(lines[0].endswith("\talice@example.com"))
        self.assertTrue(lines[1].endswith("\tbob@example.net"))

    def test_a_message_is_told_by_its_first_lines(self):
        # Issue 14, item 9: a bounce whose header starts oddly was read as a log,
        # each Status or Diagnostic line a record with no recipient.
        report = (b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                  b"--b\nContent-Type: message/delivery-status\n\n"
                  b"Final-Recipient: rfc822; ann@example.com\nAction: failed\nStatus: 5.1.1\n"
                  b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--b--\n")
        odd = {
            "a header over 64 KiB": b"X-Long: " + b"a" * 70000 + b"\nFrom: MAILER-DAEMON@example.org\n" + report,
            "a field name of 100 bytes": b"From: MAILER-DAEMON@example.org\n" + b"X" * 100 + b": v\n" + report,
            "Content-Type with a blank before its colon": b"From: MAILER-DAEMON@example.org\n" +
                report.replace(b"Content-Type: multipart", b"Content-Type : multipart", 1),
            "an 8-bit field name": b"From: MAILER-DAEMON@example.org\nX-\xc3\xa9t\xc3\xa9: v\n" + report,
            "a line without a colon": b"From: MAILER-DAEMON@example.org\nno colon here\n" + report,
            "a blank line first": b"\nFrom: MAILER-DAEMON@example.org\n" + report,
            "a byte-order mark first": b"\xef\xbb\xbfFrom: MAILER-DAEMON@example.org\n" + report,
        }
        for what, msg in odd.items():
            with self.subTest(what):
                recs, _ = self.scan_json(self.write("odd.eml", msg))
                self.assertEqual([(r["recipient"], r["reason"], r["report"]) for r in recs],
                                 [("ann@example.com", "user-unknown", "dsn")])

    def test_a_programs_errors_one_a_line_are_lines(self):
        # Two lines that look like fields of names no message has were read as
        # a message's header: the file's every other line was lost.
        log = (b"System.Net.Mail.SmtpFailedRecipientException: Mailbox unavailable. The server response was: "
               b"4.2.2 The account is over quota\n"
               b"System.Net.Mail.SmtpException: Error in processing. The server response was: 5.7.3 STARTTLS is "
               b"required to send mail\n"
               b"Mar 12 10:00:00 mx postfix/smtp[1]: A1: to=<bo@example.com>, status=bounced "
               b"(host mx.example.com[192.0.2.2] said: 550 5.1.1 user unknown (in reply to RCPT TO command))\n")
        recs, _ = self.scan_json(self.write("app.log", log))
        self.assertEqual([(r["line"], r["reason"], r["bounce"]) for r in recs],
                         [(1, "mailbox-full", "soft"), (2, "tls-required", "block"), (3, "user-unknown", "hard")])
        # A field every message has among them still starts a message.
        recs, _ = self.scan_json(self.write("odd.eml", b"X-Odd.Name: 1\nSubject: Undelivered Mail\n\n"
                                            b"<bo@example.com>: host mx.example.com[192.0.2.2] said: 550 5.1.1 "
                                            b"user unknown (in reply to RCPT TO command)\n"))
        self.assertEqual([(r["recipient"], r["reason"]) for r in recs], [("bo@example.com", "user-unknown")])

    def test_a_list_refusal_is_about_the_sender(self):
        # A mailing list's manager refusing a non-member's post: about the list
        # it names, not the command address it tells the sender to write to.
        msg = (b"From: news-admin@lists.example.org\nTo: sam@example.net\n"
               b"Subject: You sam@example.net are not a member (news ML)\n\n"
               b"You are not a member of this mailing list <news@lists.example.org>.\n\n"
               b"To learn how to join, send mail with the body\n\n\thelp\n\nto the address\n\n"
               b"\tnews-ctl@lists.example.org\n")
        recs, err = self.scan_json(self.write("refusal.eml", msg))
        self.assertEqual([(r["recipient"], r["reason"], r["bounce"]) for r in recs],
                         [("news@lists.example.org", "sender-rejected", "block")])

    def test_a_log_that_starts_with_from_is_a_log(self):
        # Issue 14, item 12: a log whose first line starts with "From " was taken
        # for an mbox: no record, exit 1.
        log = (b"From the night shift: all quiet\n"
               b"Mar 12 10:00:00 mx postfix/smtp[1]: A1: to=<bo@example.com>, status=bounced "
               b"(host mx.example.com[192.0.2.2] said: 550 5.1.1 user unknown (in reply to RCPT TO command))\n")
        recs, _ = self.scan_json(self.write("from.log", log))
        self.assertEqual([(r["line"], r["reason"]) for r in recs], [(2, "user-unknown")])
        self.assertNotIn("message", recs[0])
        # A real mbox still is one.
        mbox = b"From MAILER-DAEMON Thu Mar 12 10:00:00 2026\n" + log.split(b"\n", 1)[1]
        status, _, _ = run("scan", self.write("real.mbox", mbox))
        self.assertEqual(status, 1, "a From line with a date starts an mbox; its message is no bounce")
        # A From line whose time lost a leading zero ("00:0:00") starts one too.
        bounce = (b"From MAILER-DAEMON Fri Jan 1 00:0:00 2026\nFrom: MAILER-DAEMON@example.org\n"
                  b"Subject: failure notice\n\n<ed@example.com>:\n550 5.1.1 user unknown\n")
        recs, _ = self.scan_json(self.write("odd.mbox", bounce))
        self.assertEqual([(r["message"], r["recipient"], r["reason"]) for r in recs],
                         [(1, "ed@example.com", "user-unknown")])

    def test_no_delivery_status_part(self):
        # Not a multipart/report, but a message all the same (it starts with a
        # header): its text names the recipient and the reply, with or without --dsn.
        path = data("no_dsn.eml")
        for opts in (["--dsn"], []):
            recs, _ = self.scan_json(*opts, path)
            self.assertEqual([(r["line"], r["recipient"], r["message"], r["code"], r["reason"], r["report"])
                              for r in recs], [(10, "dave@example.com", 1, 550, "mailbox-disabled", "text")])
        # A multipart/report without a delivery-status part, whose text names no
        # recipient: the reply it gives, with no address, and two warnings.
        msg = (b"From: MAILER-DAEMON@example.org\nContent-Type: multipart/report; boundary=\"x y\"\n\n"
               b"--x y\nContent-Type: text/plain\n\n550 5.1.1 user unknown\n--x y--\n")
        path = self.write("nods.eml", msg)
        status, out, err = run("scan", "--format", "jsonl", path)
        self.assertEqual(status, 0)
        self.assertEqual([(r["message"], r["recipient"], r["reason"]) for r in json_lines(out)],
                         [(1, None, "user-unknown")])
        self.assertIn(path + ": message 1: a bounce that names no recipient", err)
        self.assertIn(path + ": message 1: a multipart/report without delivery-status fields", err)

    def test_truncated_message(self):
        path = data("truncated.eml")
        status, out, err = run("scan", "--format", "jsonl", path)
        self.assertEqual(status, 0)
        self.assertIn(path + ": message 1: a MIME multipart is never closed (cut short?)", err)
        recs = json_lines(out)
        self.assertEqual([(r["recipient"], r["dsn_action"], r["enhanced"]) for r in recs],
                         [("alice@example.com", "failed", "5.1.1"), ("bob@example.net", "delayed", "4.2.2")])
        self.assertEqual(recs[0]["reason"], "user-unknown")
        self.assertEqual((recs[1]["reason"], recs[1]["bounce"]), ("mailbox-full", "soft"),
                         "Status: 4.2.2 alone decides; the Final-Recipient's rfc822; is no phrase")

    def test_status_only_group(self):
        msg = (b"Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n"
               b"Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; h@example.com\nAction: failed\n"
               b"Status: 5.1.1\n--b--\n")
        recs, _ = self.scan_json(self.write("s.eml", msg))
        self.assertEqual([(r["recipient"], r["enhanced"], r["reason"], r["bounce"]) for r in recs],
                         [("h@example.com", "5.1.1", "user-unknown", "hard")])

    def test_folding_case_and_unquoted_boundary(self):
        msg = (b"from: x@example.org\nCONTENT-TYPE: Multipart/Report;\n report-type=delivery-status;\n"
               b"\tBoundary=outer\n\n--outer\ncontent-type: multipart/mixed; boundary='inner'\n\n"
               b"--'inner'\nContent-Type: text/plain\n\n550 5.7.1 not this one\n--'inner'--\n--outer\n"
               b"Content-type: MESSAGE/DELIVERY-STATUS\n\nreporting-mta: dns; a\n\n"
               b"final-recipient: RFC822; frank@example.com\nACTION: Failed\nstatus: 5.1.1\n"
               b"diagnostic-code: smtp;\n  550 5.1.1 no such\n\tuser\n--outer--\n")
        recs, _ = self.scan_json(self.write("f.eml", msg))
        self.assertEqual([(r["recipient"], r["dsn_action"], r["reason"], r["reply"]) for r in recs],
                         [("frank@example.com", "failed", "user-unknown", "550 5.1.1 no such user")])

    def test_group_text_is_bounded(self):
        msg = (b"Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n"
               b"Final-Recipient: rfc822; g@example.com\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 x\n" +
               b"".join(b" " + b"y" * 1000 + b"\n" for _ in range(100)) + b"--b--\n")
        recs, _ = self.scan_json(self.write("big.eml", msg))
        self.assertEqual(len(recs), 1)
        self.assertTrue(recs[0]["truncated"])
        self.assertEqual(recs[0]["recipient"], "g@example.com")

    def test_log_is_still_read_line_by_line(self):
        recs, _ = self.scan_json(MAIL_LOG)
        self.assertEqual(len(recs), 4)
        self.assertNotIn("message", recs[0])
        self.assertNotIn("dsn_action", recs[0])
        # A log line's recipient is its own to=<...>.
        self.assertEqual(recs[0]["recipient"], "alice@example.com")

    def test_dsn_is_for_scan_and_stats(self):
        status, _, err = run("--dsn", "550")
        self.assertEqual(status, 2)
        self.assertIn("--dsn applies to scan and stats", err)
        status, out, _ = run("stats", "--dsn", "--json", data("postfix_dsn.eml"))
        self.assertEqual((status, json.loads(out)["records"]), (0, 2))

    def test_directory_that_is_not_a_maildir(self):
        # A folder of .eml files: each file is one message, sorted by name;
        # a subdirectory is not read; an empty folder has nothing to report.
        folder = os.path.join(self.tmp, "bounces")
        os.makedirs(os.path.join(folder, "sub"))
        for name in ("postfix_dsn.eml", "no_dsn.eml"):
            with open(data(name), "rb") as f, open(os.path.join(folder, name), "wb") as g:
                g.write(f.read())
        recs, err = self.scan_json(folder)
        self.assertEqual(err, "")
        self.assertEqual([(r["message"], r["recipient"]) for r in recs],
                         [("no_dsn.eml", "dave@example.com"), ("postfix_dsn.eml", "alice@example.com"),
                          ("postfix_dsn.eml", "bob@example.net")])
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        self.assertEqual(run("scan", empty), (1, "", ""))


class SearchSamples(unittest.TestCase):
    def test_vendor_replies_are_searched(self):
        status, out, _ = run("search", "--json", "tss04")
        self.assertEqual(status, 0)
        hits = json_lines(out)
        samples = [h for h in hits if h["kind"] == "sample"]
        self.assertTrue(samples, hits)
        want = {s["vendor"] for s in DATA.samples if "[tss04]" in s["text"].lower()}
        self.assertTrue(want)
        self.assertTrue(all(json.dumps(h).lower().find("tss04") >= 0 for h in samples))


class VendorCodes(unittest.TestCase):
    def test_unregistered_vendor_code_is_explained(self):
        status, out, _ = run("--json", "5.7.606")
        self.assertEqual(status, 1, "the registry decides the exit status")
        [a] = json_lines(out)
        self.assertFalse(a["registered"])
        self.assertEqual((a["reason"], a["bounce"]), ("ip-blocklisted", "block"))
        self.assertEqual(a["vendor_uses"][0]["vendor"], "microsoft365")
        status, out, _ = run("5.7.606")
        self.assertIn("a vendor's own code", out.splitlines()[0])
        self.assertIn("Vendor use", out)

    def test_registered_code_keeps_the_registry_meaning(self):
        status, out, _ = run("--json", "5.7.27")
        [a] = json_lines(out)
        self.assertEqual(a["reason"], next(e for e in DATA.enhanced if e["code"] == "X.7.27")["reason"])
        self.assertIn("gmail", [v["vendor"] for v in a["vendor_uses"]])

    def test_list_by_vendor(self):
        status, out, _ = run("list", "enhanced", "--vendor", "microsoft365", "--json")
        self.assertEqual(status, 0)
        rows = json_lines(out)
        want = [e for e in DATA.vendor_codes if e["vendor"] == "microsoft365"]
        self.assertEqual(len(rows), len(want))
        self.assertTrue(all(r["vendor"] == "microsoft365" for r in rows))
        status, _, err = run("list", "reasons", "--vendor", "gmail")
        self.assertEqual(status, 2)


class Names(unittest.TestCase):
    def test_reason_action_bounce_verdict_vendor(self):
        for q, kind, title in (("auth-dmarc", "reason", None), ("remove-address", "action", None),
                               ("Hard", "bounce", None), ("risky", "verdict", None), ("gmail", "vendor", None)):
            status, out, err = run("--json", q)
            self.assertEqual(status, 0, err)
            [a] = json_lines(out)
            self.assertEqual((a["kind"], a["name"]), (kind, q.lower()))
            self.assertTrue(a["title"])
        status, out, _ = run("auth-dmarc")
        self.assertTrue(out.startswith("auth-dmarc  "), out)
        self.assertIn("What to do  fix-authentication", out)
        reason = next(r for r in DATA.taxonomy["reason"] if r["name"] == "auth-dmarc")
        self.assertIn(" ".join(reason["description"].split()[:6]), " ".join(out.split()))

    def test_invalid_utf8_is_flagged(self):
        status, out, _ = run("scan", "--format", "jsonl", stdin=b"550 5.1.1 user \xff unknown\n550 5.1.1 user unknown\n")
        flags = [r["invalid_utf8"] for r in json_lines(out)]
        self.assertEqual(flags, [True, False])


class Lookups(unittest.TestCase):
    """What people type: a token alone, a class, an enhanced code and words."""

    def test_a_vendor_token_alone(self):
        tokens = [p for p in DATA.phrases if p["kind"] == "token" and p["text"] == "[tss04]"]
        self.assertEqual(len(tokens), 1)
        for q in ("TSS04", "tss04", "[TSS04]"):
            status, out, err = run(q)
            self.assertEqual(status, 0, err)
            self.assertTrue(out.startswith("[TSS04]  a token of Yahoo Mail"), out)
            text = " ".join(out.split())
            self.assertIn("Sent by yahoo", text)
            self.assertIn("Example 421 4.7.0 [TSS04]", text)
            self.assertIn(f"reason {tokens[0]['reason']}, bounce soft", text)
            self.assertIn("[slow-down]", text)
        status, out, _ = run("--json", "tss04")
        [a] = json_lines(out)
        self.assertEqual((a["kind"], a["token"], a["vendor"], a["reason"], a["bounce"]),
                         ("token", "[TSS04]", "yahoo", tokens[0]["reason"], "soft"))
        self.assertTrue(a["example"].startswith("421 4.7.0 [TSS04]"))
        # Not a token: still reply text, with nothing to classify.
        status, _, err = run("TSS99")
        self.assertEqual(status, 1)
        self.assertIn("not a reply code", err)

    def test_every_token_is_found_by_its_letters_and_digits(self):
        for p in DATA.phrases:
            if p["kind"] != "token":
                continue
            q = "".join(c for c in p["text"] if c.isalnum())
            if len(q) < 3 or not q.isascii() or q.isdigit():  # digits alone are a code
                continue
            with self.subTest(token=p["text"]):
                status, out, err = run("--json", q)
                self.assertEqual(status, 0, err)
                answers = json_lines(out)
                self.assertTrue(any(a.get("kind") == "token" and a["vendor"] == p["vendor"] for a in answers), out)

    def test_a_class(self):
        for q, bounce in (("5xx", "hard"), ("4XX", "soft"), ("2xx", "none"), ("3xx", "none")):
            status, out, err = run(q)
            self.assertEqual(status, 0, err)
            self.assertTrue(out.startswith(q.lower()[0] + "xx  "), out)
            self.assertIn("Codes       " + q[0], out)
            self.assertIn(bounce, out)
        status, out, _ = run("--json", "5xx")
        [a] = json_lines(out)
        self.assertEqual((a["kind"], a["class"], a["code"]), ("class", 5, "5xx"))
        self.assertEqual(a["codes"], [str(e["code"]) for e in DATA.basic if e["code"] // 100 == 5])
        self.assertEqual(sorted(a["soft_reasons"]),
                         sorted(r["name"] for r in DATA.taxonomy["reason"] if r.get("soft_because")))
        self.assertEqual(a["class_row"]["code"], "5.X.X")
        status, _, err = run("6xx")
        self.assertEqual(status, 1)
        self.assertIn("class 6 does not exist", err)

    def test_an_enhanced_code_with_words_is_a_reply(self):
        status, out, err = run("--json", "5.1.1 user unknown")
        self.assertEqual(status, 0, err)
        [a] = json_lines(out)
        self.assertEqual((a["code"], a["enhanced"], a["reason"], a["bounce"], a["carrier"]),
                         (None, "5.1.1", "user-unknown", "hard", "bare"))
        status, out, _ = run("4.2.2 mailbox full")
        self.assertTrue(out.startswith("4.2.2  Mailbox full: soft"), out)

    def test_a_250_states_the_catch_all_caveat(self):
        status, out, _ = run("explain", "--stage", "rcpt", "250 2.1.5 Ok")
        self.assertEqual(status, 0)
        text = " ".join(out.split())
        self.assertIn("Verdict deliverable", text)
        self.assertIn("catch-all domain accepts every address", text)


class LogRecords(unittest.TestCase):
    def test_a_log_line_carries_what_a_postmaster_needs(self):
        recs = json_lines(run("scan", "--format", "jsonl", MAIL_LOG)[1])
        first = recs[0]
        self.assertEqual((first["recipient"], first["queue_id"], first["timestamp"], first["log_status"]),
                         ("alice@example.com", "4F2A1C", "Nov  5 10:00:01", "bounced"))
        self.assertNotIn("(in reply to", first["reply"])
        self.assertEqual(recs[1]["log_status"], "deferred")
        exim = json_lines(run("scan", "--format", "jsonl", EXIM_LOG)[1])
        self.assertTrue(all(r["queue_id"] and r["timestamp"] for r in exim), exim)
        self.assertTrue(any(r["log_status"] == "bounced" and "@" in (r["recipient"] or "") for r in exim), exim)

    def test_relay_none_is_no_host(self):
        line = ("Nov  5 10:00:01 mx postfix/smtp[12]: 4F2A: to=<a@example.net>, relay=none, delay=30, "
                "dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.9]:25: Connection timed out)")
        status, out, _ = run("explain", "--json", line)
        [a] = json_lines(out)
        self.assertIsNone(a["host"])
        self.assertEqual((a["recipient"], a["log_status"], a["bounce"]), ("a@example.net", "deferred", "soft"))
        status, out, _ = run(line)
        self.assertIn("Log to a@example.net; queue ID 4F2A; at Nov 5 10:00:01; the log says deferred",
                      " ".join(out.split()))

    def test_other_input_has_none_of_them(self):
        [a] = json_lines(run("--json", "550 5.1.1 user unknown")[1])
        self.assertEqual((a["recipient"], a["queue_id"], a["timestamp"], a["log_status"]), (None,) * 4)


class PlainWords(unittest.TestCase):
    def test_a_multiline_reply_is_shown_as_its_lines(self):
        reply = ("550-5.1.1 The email account that you tried to reach does\r\n"
                 "550-5.1.1 not exist. Please try\r\n550 5.1.1 double-checking the recipient")
        status, out, _ = run(reply)
        self.assertEqual(status, 0)
        self.assertNotIn(" | ", out)
        lines = out.splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("  Reply"))
        self.assertTrue(lines[start].endswith("550-5.1.1 The email account that you tried to reach does"), out)
        self.assertEqual(lines[start + 1].strip(), "550-5.1.1 not exist. Please try")
        # The phrase as the classifier read it, across the lines, without their codes.
        self.assertIn('Decided by  phrase "does not exist"', out)

    def test_flags_are_explained_not_named(self):
        status, out, _ = run("550-5.1.1 a\n550-5.1.1 b")
        self.assertEqual(status, 0)
        self.assertNotIn("unterminated", out)
        self.assertIn("The reply was cut off", " ".join(out.split()))


class Colour(unittest.TestCase):
    def test_always_never_auto(self):
        self.assertIn("\033[", run("--color=always", "550")[1])
        self.assertIn("\033[", run("--color", "always", "550")[1])
        self.assertNotIn("\033[", run("--color=never", "550")[1])
        self.assertNotIn("\033[", run("550")[1])  # not a terminal
        self.assertNotIn("\033[", run("--color=always", "--json", "550")[1])


if __name__ == "__main__":
    tap.main()
