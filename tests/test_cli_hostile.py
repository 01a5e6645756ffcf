"""The CLI against hostile inputs and hostile surroundings (issue 14): bytes
that would act on a terminal or a spreadsheet, file names that forge records,
inputs that never end, maildir entries that are not files, readers that go
away, outputs that cannot be written. Each test failed before its fix.

usage: test_cli_hostile.py SMTPCODE
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import json_schema_check
import tap

SMTPCODE = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, NO_COLOR="", COLUMNS="80")

# What a terminal would act on: C0 controls but LF (and TAB where it
# separates fields), DEL, C1 controls as bytes or as UTF-8, and the Unicode
# controls that reorder or break what is shown.
C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
REORDER = re.compile("[\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def run(*args, stdin=None, env=ENV, timeout=30, cwd=None):
    r = json_schema_check.run(SMTPCODE, args, stdin=stdin, env=env, timeout=timeout, cwd=cwd)  # JSON fits its schema
    return r.returncode, r.stdout, r.stderr


class TempDir(unittest.TestCase):
    def setUp(self):
        self.tmp = self.enterContext(tempfile.TemporaryDirectory())

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def hostile_reply(n=0):
    """A reply whose text holds ESC sequences, an OSC window title, BEL, DEL,
    C1 CSI and OSC as UTF-8, a right-to-left override; n makes it distinct."""
    return (b"550 5.1.1 user unknown \x1b[2J\x1b]0;pwned\x07 \x7f \xc2\x9b31m \xc2\x9d0;t\xc2\x9c "
            b"\xe2\x80\xae gnp.exe " + str(n).encode() + b"\n")


class TerminalSafe(unittest.TestCase):
    def assert_terminal_safe(self, out, allow=b"\n"):
        for c in range(0x20):
            if bytes([c]) not in allow:
                self.assertNotIn(bytes([c]), out, f"control byte {c:#04x} in the output")
        self.assertNotIn(b"\x7f", out)
        self.assertIsNone(C1_UTF8.search(out), "a C1 control in the output")
        self.assertIsNone(REORDER.search(out.decode("utf-8")), "a bidirectional control in the output")

    def test_stats_escapes_reply_texts(self):
        status, out, _ = run("stats", stdin=hostile_reply())
        self.assertEqual(status, 0)
        self.assert_terminal_safe(out)
        self.assertIn(b"\\x1b[2J\\x1b]0;pwned\\x07", out)

    def test_explain_escapes_c1_and_bidi_controls(self):
        status, out, _ = run("explain", "-", stdin=hostile_reply())
        self.assertEqual(status, 0)
        self.assert_terminal_safe(out)
        self.assertIn(b"\\xc2\\x9b31m", out)
        self.assertIn(b"\\xe2\\x80\\xae", out)
        self.assertNotRegex(out, rb"\| *\n  Found in", "the reply's last line break shown as a separator")

    def test_explain_error_escapes_the_text(self):
        status, _, err = run("explain", "no code \xc2\x9b31m here")
        self.assertEqual(status, 1)
        self.assert_terminal_safe(err)

    def test_scan_text_escapes_recipients_and_hosts(self):
        report = (b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                  b"--b\nContent-Type: message/delivery-status\n\n"
                  b"Final-Recipient: rfc822; a\x1b]0;x\x07\xc2\x9b@example.com\nAction: failed\n"
                  b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--b--\n")
        status, out, _ = run("scan", "-", stdin=report)
        self.assertEqual(status, 0)
        self.assert_terminal_safe(out, allow=b"\n\t")
        self.assertIn(b"a\\x1b]0;x\\x07\\xc2\\x9b@example.com", out)

    def test_json_escapes_c1_controls(self):
        status, out, _ = run("explain", "--json", "-", stdin=hostile_reply())
        self.assertEqual(status, 0)
        self.assert_terminal_safe(out)
        self.assertIn(b"\\u009b", out)
        self.assertIn("\u009b31m", json.loads(out)["input"], "the same text once parsed")

    def test_stats_counts_texts_that_differ_after_a_nul(self):
        lines = b"550 5.1.1 user\x00one\n550 5.1.1 user\x00two\n550 5.1.1 user\x00two\n"
        status, out, _ = run("stats", "--json", stdin=lines)
        self.assertEqual(status, 0)
        [top] = json.loads(out)["top_replies"]
        self.assertEqual(top["distinct"], 2)
        self.assertEqual(top["replies"], [{"text": "550 5.1.1 user\u0000two", "count": 2},
                                          {"text": "550 5.1.1 user\u0000one", "count": 1}])
        status, out, _ = run("stats", stdin=lines)
        self.assertIn(b"550 5.1.1 user\\x00two", out)
        self.assertIn(b"550 5.1.1 user\\x00one", out)


CSV_COLUMNS = ["file", "line", "code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce",
               "verdict", "recipient"]
FORMULAS = ["=HYPERLINK(\"http://x.example\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def dsn_report(recipient):
    return (b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
            b"--b\nContent-Type: message/delivery-status\n\n"
            b"Final-Recipient: rfc822; " + recipient + b"\nAction: failed\n"
            b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--b--\n")


class SpreadsheetCells(TempDir):
    """Cells that a spreadsheet would run or that hold control bytes."""

    def rows(self, fmt, *paths, stdin=None):
        status, out, err = run("scan", "--format", fmt, "--", *paths, stdin=stdin, cwd=self.tmp)
        self.assertEqual(status, 0, err)
        text = out.decode("utf-8")
        if fmt == "csv":
            return list(csv.reader(io.StringIO(text, newline="")))[1:]
        return [line.split("\t") for line in text.split("\n")[1:-1]]

    def assert_cells_inert(self, rows):
        for row in rows:
            self.assertEqual(len(row), len(CSV_COLUMNS), row)
            for key, cell in zip(CSV_COLUMNS, row):
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"), f"{key} cell {cell!r}")
                self.assertIsNone(re.search("[\x00-\x1f\x7f-\x9f]", cell), f"{key} cell {cell!r}")

    def test_file_names_that_are_formulas(self):
        line = b"550 5.1.1 <u@example.com>: user unknown\n"
        paths = [self.write(name.replace("/", "_"), line) for name in FORMULAS]  # relative names below
        for fmt in ("csv", "tsv"):
            with self.subTest(format=fmt):
                rows = self.rows(fmt, *[os.path.basename(p) for p in paths])
                self.assertEqual(len(rows), len(FORMULAS))
                self.assert_cells_inert(rows)
                self.assertEqual([r[0] for r in rows], ["'" + os.path.basename(p) for p in paths])

    def test_recipient_and_host_cells(self):
        for fmt in ("csv", "tsv"):
            for formula in FORMULAS:
                with self.subTest(format=fmt, recipient=formula):
                    rows = self.rows(fmt, "-", stdin=dsn_report(formula.encode() + b"\x00\x1b\x07@example.com"))
                    self.assert_cells_inert(rows)
                    self.assertEqual(rows[0][-1], "'" + formula + "\\x00\\x1b\\x07@example.com")
            with self.subTest(format=fmt, host="-x"):
                rows = self.rows(fmt, "-", stdin=b"host -x[192.0.2.1] said: 550 5.1.1 no such user\n")
                self.assert_cells_inert(rows)
                self.assertEqual(rows[0][CSV_COLUMNS.index("host")], "'-x")


class FileNames(TempDir):
    """A name with a line break and a tab must not forge a record."""

    def test_names_are_escaped_in_every_format(self):
        forged = "x\nmail.log:1\t550 5.1.1\tuser-unknown\thard\tundeliverable\tremove-address\t-\n"
        path = self.write(forged, b"550 5.1.1 user unknown\n452 4.2.2 mailbox full\n")
        status, out, _ = run("scan", path)
        self.assertEqual(status, 0)
        lines = out.decode("utf-8").splitlines()
        self.assertEqual(len(lines), 2, "one line a record")
        self.assertTrue(all(line.count("\t") == 6 for line in lines), lines)
        self.assertTrue(lines[0].startswith(os.path.join(self.tmp, "x\\x0amail.log:1\\x09550")), lines)
        status, out, _ = run("scan", "--format", "tsv", path)
        self.assertEqual(len(out.splitlines()), 3)
        status, out, _ = run("scan", "--format", "csv", path)
        self.assertEqual(len(out.split(b"\r\n")), 4)
        status, out, _ = run("scan", "--format", "jsonl", path)
        self.assertEqual([json.loads(r)["file"] for r in out.splitlines()], [path, path])


BOUNCE = dsn_report(b"alice@example.com")


class Maildirs(TempDir):
    """Entries that are not files, and cur/ or new/ that cannot be read."""

    def maildir(self):
        md = os.path.join(self.tmp, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(md, sub))
        with open(os.path.join(md, "cur", "100.host:2,S"), "wb") as f:
            f.write(BOUNCE)
        with open(os.path.join(md, "new", "300.host"), "wb") as f:
            f.write(BOUNCE.replace(b"alice", b"carol"))
        return md

    def test_fifo_and_device_entries_are_skipped(self):
        md = self.maildir()
        os.mkfifo(os.path.join(md, "new", "150.fifo"))
        os.symlink("/dev/zero", os.path.join(md, "cur", "200.zero:2,"))
        status, out, err = run("scan", "--format", "jsonl", md, timeout=20)
        self.assertEqual(status, 3, err)
        self.assertEqual([json.loads(r)["recipient"] for r in out.splitlines()],
                         ["alice@example.com", "carol@example.com"])
        self.assertIn(b"150.fifo' is a FIFO, not a message; skipping it", err)
        self.assertIn(b"200.zero:2,' is a character device, not a message; skipping it", err)

    def test_cur_that_cannot_be_read(self):
        md = self.maildir()
        cur = os.path.join(md, "cur")
        os.rename(cur, cur + ".away")
        with open(cur, "wb") as f:  # there, but no directory: opendir fails even for root
            f.write(BOUNCE)
        status, out, err = run("scan", "--format", "jsonl", md)
        self.assertEqual(status, 3, err)
        self.assertIn(("cannot read '%s': Not a directory; its messages are skipped" % cur).encode(), err)
        self.assertEqual([json.loads(r)["recipient"] for r in out.splitlines()], ["carol@example.com"])

    @unittest.skipIf(os.geteuid() == 0, "root reads any directory")
    def test_new_without_permission(self):
        md = self.maildir()
        new = os.path.join(md, "new")
        os.chmod(new, 0)
        try:
            status, out, err = run("scan", "--format", "jsonl", md)
        finally:
            os.chmod(new, 0o755)
        self.assertEqual(status, 3, err)
        self.assertIn(("cannot read '%s': Permission denied" % new).encode(), err)
        self.assertEqual([json.loads(r)["recipient"] for r in out.splitlines()], ["alice@example.com"])


class EndlessInput(unittest.TestCase):
    def test_codes_from_dev_zero(self):
        with open("/dev/zero", "rb") as zero:
            r = subprocess.run([SMTPCODE, "-"], stdin=zero, capture_output=True, env=ENV, timeout=20)
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stderr, b"smtpcode: standard input, line 1: longer than 64 KiB; give one code a line\n")

    def test_a_long_line_after_codes(self):
        status, out, err = run("--json", "-", stdin=b"550\r\n" + b"5" * 65536 + b"\n" + b"5" * 65537 + b"\n421\n")
        self.assertEqual(status, 3)
        self.assertEqual([json.loads(line)["query"] for line in out.splitlines()], ["550", "5" * 65536])
        self.assertIn(b"line 3: longer than 64 KiB", err)


class ReaderGone(unittest.TestCase):
    """With SIGPIPE ignored, a write to a reader that went away fails with
    EPIPE: the reading must stop there, not go on to the input's end."""

    def feed_until_refused(self, args, line, total):
        import threading
        out_r, out_w = os.pipe()
        os.close(out_r)  # the reader is gone before the first record
        p = subprocess.Popen([SMTPCODE, *args], stdin=subprocess.PIPE, stdout=out_w, stderr=subprocess.PIPE,
                             env=ENV, restore_signals=False)  # SIGPIPE stays ignored, as in Python
        os.close(out_w)
        written = [0]

        def feed():
            chunk = line * (65536 // len(line))
            try:
                while written[0] < total:
                    p.stdin.write(chunk)
                    written[0] += len(chunk)
                p.stdin.close()
            except (BrokenPipeError, ValueError):
                pass

        t = threading.Thread(target=feed)
        t.start()
        err = p.stderr.read()
        p.wait(timeout=60)
        t.join(timeout=60)
        return p.returncode, err, written[0]

    def test_reading_stops_at_the_first_epipe(self):
        for args, line in ((["scan", "-"], b"550 5.1.1 user unknown\n"), (["--json", "-"], b"550\n")):
            with self.subTest(args=args):
                status, err, written = self.feed_until_refused(args, line, 64 << 20)
                self.assertEqual(status, 3)
                self.assertIn(b"smtpcode: writing output: Broken pipe", err)
                self.assertLess(written, 4 << 20, "the input was read on after the reader had gone")


class FullDevice(unittest.TestCase):
    def test_output_to_dev_full_is_an_error(self):
        for args in (["--help"], ["scan", "--help"], ["--version"], ["550"], ["list", "reasons"]):
            with self.subTest(args=args), open("/dev/full", "wb") as full:
                r = subprocess.run([SMTPCODE, *args], stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=30)
                self.assertEqual(r.returncode, 3)
                self.assertIn(b"smtpcode: writing output: No space left on device", r.stderr)


# Issue 14's shapes: each made classification quadratic in the length of a
# line or of a recipient's fields.
SHAPES = [(b"", b"] said:"), (b"[", b"x] refused to talk to me:"),
          (b"", b"SMTP error from remote mail server after RCPT TO:<")]
SLACK = 4.0  # how much more CPU time a byte may take at 100x: caches and noise, not the work


def cpu_per_byte(args, path, size):
    """The best of 3 runs' CPU time (user and system) of smtpcode, a byte."""
    best = float("inf")
    for _ in range(3):
        p = subprocess.Popen([SMTPCODE, *args, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=ENV)
        _, _, usage = os.wait4(p.pid, 0)
        p.returncode = 0
        best = min(best, usage.ru_utime + usage.ru_stime)
    return best / size


class LinearTime(TempDir):
    """scan's CPU time a byte must not grow with the length of a line or of
    a recipient's fields (1x, 10x, 100x at the same total size), nor with
    the size of a bounce of 10 recipients: ratios, never absolute times."""

    TOTAL = 2 << 20

    def assert_flat(self, args, inputs):
        times = []
        for i, data in enumerate(inputs):
            path = self.write(f"input{i}", data)
            times.append(cpu_per_byte(args, path, len(data)))
        self.assertLess(max(times[1:]), SLACK * times[0],
                        "ns a byte at 1x, 10x, 100x: " + ", ".join(f"{t * 1e9:.1f}" for t in times))

    def test_log_lines(self):
        for prefix, unit in SHAPES:
            with self.subTest(shape=unit):
                logs = []
                for line_len in (655, 6553, 65535):
                    line = (prefix + unit * (line_len // len(unit) + 1))[:line_len] + b"\n"
                    logs.append(line * (self.TOTAL // len(line)))
                self.assert_flat(["scan", "--all", "--format", "jsonl"], logs)

    def bounce(self, recipients, diagnostic):
        groups = b"".join(b"Final-Recipient: rfc822; u%d@example.com\nAction: failed\nStatus: 5.1.1\n"
                          b"Diagnostic-Code: smtp; 550 5.1.1 %s\n\n" % (i, diagnostic) for i in range(recipients))
        return (b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
                + groups + b"--b--\n")

    def test_bounce_recipient_fields(self):
        for prefix, unit in SHAPES:
            with self.subTest(shape=unit):
                bounces = []
                for field_len in (640, 6400, 64000):
                    folded = b"\n ".join(unit * (1000 // len(unit)) for _ in range(field_len // 1000 + 1))
                    diagnostic = (prefix + folded)[:field_len]
                    bounces.append(self.bounce(self.TOTAL // field_len, diagnostic))
                self.assert_flat(["scan", "--format", "jsonl"], bounces)

    def test_bounce_of_ten_recipients(self):
        prefix, unit = SHAPES[0]
        bounces = []
        for size in (64000, 640000, 6400000):
            folded = b"\n ".join(unit * (1000 // len(unit)) for _ in range(size // 10 // 1000))
            bounces.append(self.bounce(10, prefix + folded))
        self.assert_flat(["scan", "--format", "jsonl"], bounces)


if __name__ == "__main__":
    tap.main()
