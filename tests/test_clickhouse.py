"""`smtpcode scan --format clickhouse -` as ClickHouse's executable_pool
functions use it (docs/scale.md): one long-running process; blocks of rows
written in TabSeparated escaping, with pauses between them; each block's rows
read back before the next block is written, exactly one row per input row, in
order, no header; NULL (\\N) in, a tuple of NULLs out. Every answer must be
what `smtpcode explain --json` says of the same text. Skipped while scan has
no --format clickhouse (it needs the streaming reader of issue 16).

usage: test_clickhouse.py SMTPCODE
"""

import json
import os
import re
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SMTPCODE = sys.argv[1]
MEMBERS = ("code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce", "verdict", "decided_by",
           "matched", "recipient")
WAIT = 10  # seconds for a block's answers, as ClickHouse's command_read_timeout

# Rows as ClickHouse writes them (TabSeparated), and the text each stands for.
ROWS = [
    ("550 5.1.1 The email account that you tried to reach does not exist. gsmtp",) * 2,
    ("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",) * 2,
    ("", ""),
    ("\\N", None),
    ("hello world",) * 2,
    ("550-5.7.26 unauthenticated sender\\r\\n550 5.7.26 with either SPF or DKIM. gsmtp\\r\\n",
     "550-5.7.26 unauthenticated sender\r\n550 5.7.26 with either SPF or DKIM. gsmtp\r\n"),
    ("Received: from mx.example.com", "Received: from mx.example.com"),
    ("Subject: Undelivered Mail Returned to Sender", "Subject: Undelivered Mail Returned to Sender"),
    ("From MAILER-DAEMON Thu Mar 12 10:00:00 2026", "From MAILER-DAEMON Thu Mar 12 10:00:00 2026"),
    ("\x1f\x8b\x08 not gzip", "\x1f\x8b\x08 not gzip"),
    ("552 5.2.2 it\\'s full\\ttab \\\\ back", "552 5.2.2 it's full\ttab \\ back"),
]


def parse_tuple(text):
    """A ClickHouse tuple in text form: (550,'5.1.1',NULL,...)."""
    assert text.startswith("(") and text.endswith(")"), text
    out, i, s = [], 1, text
    while i < len(s) - 1:
        if s.startswith("NULL", i):
            out.append(None)
            i += 4
        elif s[i] == "'":
            i += 1
            buf = []
            while s[i] != "'":
                if s[i] == "\\":
                    i += 1
                    buf.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(s[i], s[i]))
                else:
                    buf.append(s[i])
                i += 1
            out.append("".join(buf))
            i += 1
        else:
            m = re.match(r"-?\d+", s[i:])
            out.append(int(m.group(0)))
            i += len(m.group(0))
        if s[i] == ",":
            i += 1
    return out


class ClickHouseContract(unittest.TestCase):
    def setUp(self):
        r = subprocess.run([SMTPCODE, "scan", "--format", "clickhouse", os.devnull], capture_output=True)
        if r.returncode == 2:
            self.skipTest("scan has no --format clickhouse yet (it needs issue 16's streaming reader)")

    def expected(self, text):
        if text is None:
            return [None] * len(MEMBERS)
        # A row is a reply or log line, never a message: an empty --host makes
        # explain read "From MAILER-DAEMON <date>" as a line too, not as an mbox.
        r = subprocess.run([SMTPCODE, "explain", "--json", "--host", "", "--", text], capture_output=True)
        record = json.loads(r.stdout.splitlines()[0]) if r.stdout.strip() else {}
        return [record.get(k) for k in MEMBERS]

    def test_blocks_with_pauses(self):
        proc = subprocess.Popen([SMTPCODE, "scan", "--format", "clickhouse", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        pending = b""
        try:
            blocks = [ROWS[:1], ROWS[1:4], ROWS, ROWS[4:] * 50, ROWS[::-1]]
            for number, block in enumerate(blocks, 1):
                proc.stdin.write(b"".join(row.encode("utf-8", "surrogateescape") + b"\n" for row, _ in block))
                proc.stdin.flush()
                lines = []
                deadline = time.monotonic() + WAIT
                while len(lines) < len(block):
                    left = deadline - time.monotonic()
                    ready, _, _ = select.select([proc.stdout], [], [], max(0, left))
                    self.assertTrue(ready, f"block {number}: {len(lines)} of {len(block)} rows came back in "
                                    f"{WAIT} s: the output was not flushed at the end of the block")
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    self.assertTrue(chunk, f"block {number}: the process ended")
                    pending += chunk
                    *done, pending = pending.split(b"\n")
                    lines += [d.decode("utf-8") for d in done]
                self.assertEqual(len(lines), len(block), f"block {number}: one row per input row")
                self.assertEqual(pending, b"", f"block {number}: nothing beyond the block's rows")
                for (row, text), line in zip(block, lines):
                    self.assertEqual(parse_tuple(line), self.expected(text), f"block {number}, row {row!r}")
                time.sleep(0.3)  # ClickHouse writes the next block when the next query comes
            proc.stdin.close()
            self.assertEqual(proc.wait(WAIT), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    from tap import main
    main()
