"""Whole bounce messages, one fixture per mail system's format (tests/data/messages/):
each gives the records tests/data/messages/expected.tsv states, and gives them alike through
scan, explain, the library and the single header, alone, in an mbox and in a maildir.

usage: test_messages.py SMTPCODE MESSAGE_RECORDS MESSAGE_RECORDS_SINGLE MESSAGES_DIR
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import json_schema_check
import tap

SMTPCODE, RECORDS, RECORDS_SINGLE, DIR = sys.argv[1:5]
FIXTURES = sorted(f for f in os.listdir(DIR) if f.endswith(".eml"))
KEYS = ("recipient", "dsn_action", "report", "reason", "bounce")
SIGNALS = ("report", "token", "vendor-code", "phrase", "enhanced", "stage", "generic-phrase", "generic-enhanced", "basic", "none")


def expected():
    out = {f: [] for f in FIXTURES}
    with open(os.path.join(DIR, "expected.tsv"), encoding="utf-8") as f:
        for row in csv.reader((l for l in f if not l.startswith("#")), delimiter="\t"):
            out[row[0]].append(tuple(None if v == "-" else v for v in row[1:]))
    return out


def run(*args, stdin=None):
    r = subprocess.run([SMTPCODE, *args], input=stdin, capture_output=True, timeout=60)
    json_schema_check.check_output(args, r.stdout)  # JSON fits the schema of its output (docs/json.toml)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def scan(*args):
    status, out, err = run("scan", "--format", "jsonl", *args)
    return [json.loads(l) for l in out.splitlines()], err


def read(name):
    with open(os.path.join(DIR, name), "rb") as f:
        return f.read()


class Fixtures(unittest.TestCase):
    def test_each_gives_what_a_sender_needs(self):
        want = expected()
        for name in FIXTURES:
            with self.subTest(fixture=name):
                recs, err = scan(os.path.join(DIR, name))
                self.assertEqual([tuple(r[k] for k in KEYS) for r in recs], want[name])
                self.assertTrue(all(r["classified"] for r in recs))
                self.assertTrue(all(r["decided_by"] in SIGNALS for r in recs), [r["decided_by"] for r in recs])
                if want[name]:
                    self.assertEqual(err, "", "no warning for a well-formed report")
                else:
                    self.assertIn("no bounce, complaint or automatic reply found", err)

    def test_a_post_held_for_a_moderator_is_a_delay(self):
        """Mailman's notice of a held post: not delivered yet, nor refused; the cause is the sender's."""
        held = (b"From: devel-owner@lists.example.org\nTo: zoe@example.org\n"
                b"Subject: Your message to devel awaits moderator approval\n\n"
                b"Your mail to 'devel' with the subject\n\n    Quarterly figures\n\n"
                b"Is being held until the list moderator can review it for approval.\n\n"
                b"The reason it is being held:\n\n    Post by non-member to a members-only list\n")
        status, out, err = run("scan", "--format", "jsonl", "-", stdin=held)
        recs = [json.loads(l) for l in out.splitlines()]
        self.assertEqual([(r["dsn_action"], r["reason"], r["bounce"]) for r in recs],
                         [("delayed", "sender-rejected", "soft")])

    def test_a_transcript_answers_with_the_refusal_after_its_successes(self):
        """The 250 to MAIL FROM is passed over; the host named before it stays."""
        recs, err = scan(os.path.join(DIR, "transcript_success_first.eml"))
        self.assertEqual([(r["code"], r["enhanced"], r["host"]) for r in recs], [(550, "5.1.1", "mx.example.org")])

    def test_a_reply_wrapped_in_the_text_is_whole(self):
        """Postfix wraps the line it quotes a reply on; the reply goes on to its end."""
        recs, _ = scan(os.path.join(DIR, "postfix_old.eml"))
        self.assertEqual([" ".join(r["reply"].split()) for r in recs],
                         ["550 5.1.1 <fred@example.com>: Recipient address rejected: User unknown in virtual "
                          "mailbox table", "452 4.2.2 <gina@example.com>: Mailbox full"])
        # A copy that lost the indentation: the lines up to "(in reply to ...)"
        # are still the reply's, and the enhanced code that starts them counts.
        recs, _ = scan(os.path.join(DIR, "pasted_postfix_unindented.eml"))
        self.assertEqual([(" ".join(r["reply"].split()), r["enhanced"]) for r in recs],
                         [("452 4.2.2 <rosa@example.net>: Recipient address rejected: the mailbox is over its "
                           "quota, try again later", "4.2.2")])

    def test_a_reply_ends_with_its_words(self):
        # The line break after a reply's last line is the report's, not the reply's.
        for name in FIXTURES:
            recs, _ = scan(os.path.join(DIR, name))
            for r in recs:
                if r["reply"]:
                    self.assertEqual(r["reply"], r["reply"].rstrip(), f"{name}: {r['recipient']}")

    def test_no_record_from_a_header_field(self):
        # The fixtures' headers and returned messages are full of words that name
        # causes (Received-SPF: fail, X-Virus-Scanned, a Diagnostic-Code line in a
        # returned header): none may be what a record was classified from.
        for name in FIXTURES:
            recs, _ = scan(os.path.join(DIR, name))
            for r in recs:
                for key in ("reply", "matched"):
                    for word in ("Received-SPF", "X-Virus", "ClamAV", "DKIM-Signature", "not a reply",
                                 "Authentication-Results", "Buy now"):
                        self.assertNotIn(word, r[key] or "", f"{name}: {key}")

    def test_each_recipient_has_its_own_reply(self):
        for name in FIXTURES:
            recs, _ = scan(os.path.join(DIR, name))
            addrs = [r["recipient"] for r in recs if r["recipient"]]
            for r in recs:
                for other in addrs:
                    if other != r["recipient"]:
                        self.assertNotIn(other, r["reply"] or "", f"{name}: {r['recipient']} has {other}'s reply")

    def test_a_list_longer_than_kept_gives_no_piece_of_an_address(self):
        # A Final-Recipient of 200 addresses is cut where smtpcode stops keeping
        # it: each record is a whole address of the list, the one cut through
        # gives none, and the message says its fields were cut.
        names = [f"member{i:03}@example.net" for i in range(200)]
        msg = ("From: MAILER-DAEMON@relay.example.org\nSubject: Undelivered Mail Returned to Sender\n"
               "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
               "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example.org\n\n"
               "Final-Recipient: rfc822; " + ", ".join(names) + "\nAction: failed\nStatus: 5.1.1\n"
               "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--b--\n").encode()
        status, out, err = run("scan", "--format", "jsonl", "-", stdin=msg)
        got = [json.loads(l)["recipient"] for l in out.splitlines()]
        self.assertGreater(len(got), 10)
        self.assertEqual(got, names[:len(got)])
        self.assertIn("were cut", err)


class SameEverywhere(unittest.TestCase):
    def test_explain_gives_scan_records(self):
        for name in FIXTURES:
            with self.subTest(fixture=name):
                recs, _ = scan(os.path.join(DIR, name))
                status, out, _ = run("explain", "--json", "-", stdin=read(name))
                got = json.loads(out)
                self.assertEqual(got["input"], "message")
                [msg] = got["messages"]
                self.assertEqual(len(msg["recipients"]), len(recs))
                for e, s in zip(msg["recipients"], recs):
                    for k in e:
                        self.assertEqual(e[k], s[k], k)
                self.assertEqual(status, 0 if recs else 1)

    def test_library_and_single_header_give_scan_records(self):
        paths = [os.path.join(DIR, f) for f in FIXTURES]
        lib = subprocess.run([RECORDS, *paths], capture_output=True, timeout=60)
        one = subprocess.run([RECORDS_SINGLE, *paths], capture_output=True, timeout=60)
        self.assertEqual(lib.returncode, 0, lib.stderr)
        self.assertEqual(lib.stdout, one.stdout, "the library and the single header differ")
        rows = [l.split("\t") for l in lib.stdout.decode("utf-8").splitlines() if l.split("\t")[1] != "problems"]
        for path in paths:
            recs, _ = scan(path)
            mine = [r for r in rows if r[0] == path]
            self.assertEqual(len(mine), len(recs), path)
            for row, r in zip(mine, recs):
                self.assertEqual(int(row[2]), r["line"], path)
                self.assertEqual(row[3], r["recipient"] or "", path)
                self.assertEqual((row[4] if row[4] != "none" else None, row[5], row[6], row[7]),
                                 (r["dsn_action"], r["report"], r["reason"], r["bounce"]), path)
                self.assertEqual(int(row[8]) or None, r["code"], path)
                self.assertEqual(row[9] or None, r["enhanced"], path)
                self.assertEqual(row[10], r["decided_by"], path)

    def test_mbox_and_maildir_give_the_same_records(self):
        single = []
        for name in FIXTURES:
            recs, _ = scan(os.path.join(DIR, name))
            single.append([tuple(r[k] for k in KEYS) for r in recs])
        with tempfile.TemporaryDirectory() as tmp:
            mbox = os.path.join(tmp, "all.mbox")
            with open(mbox, "wb") as f:
                for name in FIXTURES:
                    body = read(name).replace(b"\r\n", b"\n")
                    f.write(b"From MAILER-DAEMON Thu Mar 12 10:00:00 2026\n" + body.rstrip(b"\n") + b"\n\n")
            recs, _ = scan(mbox)
            by_message = [[] for _ in FIXTURES]
            for r in recs:
                by_message[r["message"] - 1].append(tuple(r[k] for k in KEYS))
            self.assertEqual(by_message, single)
            maildir = os.path.join(tmp, "Maildir")
            os.makedirs(os.path.join(maildir, "cur"))
            os.makedirs(os.path.join(maildir, "new"))
            for name in FIXTURES:
                shutil.copy(os.path.join(DIR, name), os.path.join(maildir, "cur", name))
            recs, _ = scan(maildir)
            by_name = {name: [] for name in FIXTURES}
            for r in recs:
                by_name[r["message"]].append(tuple(r[k] for k in KEYS))
            self.assertEqual([by_name[n] for n in FIXTURES], single)
            # A folder of .eml files that is no maildir: each file one message.
            recs, _ = scan(os.path.join(maildir, "cur"))
            by_name = {name: [] for name in FIXTURES}
            for r in recs:
                self.assertEqual(r["file"], os.path.join(maildir, "cur", r["message"]))
                by_name[r["message"]].append(tuple(r[k] for k in KEYS))
            self.assertEqual([by_name[n] for n in FIXTURES], single)


if __name__ == "__main__":
    tap.main()
