"""scan and stats as a postmaster runs them on live logs (issue 16), run as
processes: records streamed as their lines are read (a pipe fed line by
line), signals that end the reading but lose no record, --follow on a real
file that a real writer process appends to, rotates and truncates, -j N
giving byte for byte what -j 1 gives, the filters, stats --by and --format
addresses against a hand count of tests/data/postmaster.log.

Waits are bounded: a record is polled for, up to WAIT seconds, never slept
for and hoped for.

usage: test_cli_live.py SMTPCODE TESTDATA
"""

import calendar
import gzip
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import json_schema_check
import tap

SMTPCODE, TESTDATA = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, NO_COLOR="", COLUMNS="80", TZ="UTC")
WAIT = 5.0  # the longest any one wait may take, in seconds
MAIL_LOG = os.path.join(TESTDATA, "mail.log")
EXIM_LOG = os.path.join(TESTDATA, "exim_mainlog")
POSTMASTER = os.path.join(TESTDATA, "postmaster.log")
with open(MAIL_LOG, encoding="utf-8") as f:
    MAIL_LINES = f.read().splitlines()
# A line with a reply whose recipient says which it is.
LINE = ("Nov  5 10:00:0{n} mx postfix/smtp[2101]: 4F2A{n}: to=<user{n}@example.com>, relay=mx.example.com[192.0.2.10]:25, "
        "dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.10] said: 550 5.1.1 no such user (in reply to RCPT "
        "TO command))")


def run(*args, stdin=None, env=ENV):
    r = json_schema_check.run(SMTPCODE, args, stdin=stdin, env=env, timeout=60)  # JSON fits its schema
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def json_lines(text):
    return [json.loads(line) for line in text.splitlines()]


class Output:
    """The standard output of a process, read line by line with bounded waits."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.buf = b""
        self.closed = False

    def line(self, timeout=WAIT):
        """The next whole line, or None when none came in time (or the output ended)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    self.closed = True
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8")

    def rest(self):
        """Everything up to the end of the output."""
        while not self.closed:
            ready, _, _ = select.select([self.fd], [], [], WAIT)
            if not ready:
                break
            chunk = os.read(self.fd, 65536)
            self.closed = not chunk
            self.buf += chunk
        rest, self.buf = self.buf, b""
        return rest.decode("utf-8")


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT} s for {what}")
        time.sleep(0.01)


def read_offset(pid, path):
    """How far process pid has read the file at path (from /proc), or None."""
    fds = f"/proc/{pid}/fd"
    try:
        for fd in os.listdir(fds):
            try:
                if os.path.realpath(os.path.join(fds, fd)) == os.path.realpath(path):
                    with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                        return int(f.readline().split()[1])
            except OSError:
                continue
    except OSError:
        pass
    return None


# The writer: another process that changes the followed file when told,
# as a log daemon and logrotate do. One command a line on its standard input.
WRITER = r"""
import os, sys
for command in sys.stdin:
    what, path, text = command.rstrip("\n").split("\t")
    if what == "append":
        with open(path, "a") as f:
            f.write(text + "\n")
    elif what == "rotate":
        os.rename(path, path + ".1")
        with open(path, "w") as f:
            f.write(text + "\n")
    elif what == "truncate":
        with open(path, "w") as f:
            f.write(text + "\n")
    print("done", flush=True)
"""


class Writer:
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, "-c", WRITER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)

    def do(self, what, path, text):
        self.p.stdin.write(f"{what}\t{path}\t{text}\n")
        self.p.stdin.flush()
        ready, _, _ = select.select([self.p.stdout], [], [], WAIT)
        assert ready and self.p.stdout.readline() == "done\n", "the writer did not answer"
        return time.monotonic()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=WAIT)


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="smtpcode-live-")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=WAIT)
            for s in (p.stdin, p.stdout, p.stderr):
                if s:
                    s.close()
        shutil.rmtree(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data, mode="wb"):
        with open(self.path(name), mode) as f:
            f.write(data)
        return self.path(name)

    def start(self, *args, stdin=None):
        p = subprocess.Popen([SMTPCODE, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        self.procs.append(p)
        return p

    def stderr_of(self, p):
        p.wait(timeout=WAIT)
        return p.stderr.read().decode("utf-8")


class Streaming(TempDir):
    def test_each_record_as_its_line_comes(self):
        """The issue's case: two lines fed some time apart through a pipe."""
        p = self.start("scan", "--format", "jsonl", "-", stdin=subprocess.PIPE)
        out = Output(p.stdout)
        for n in (1, 2, 3):
            p.stdin.write((LINE.format(n=n) + "\n").encode())
            p.stdin.flush()
            line = out.line()
            self.assertIsNotNone(line, f"no record for line {n} while the input stays open")
            json_schema_check.check_output(["scan", "--json"], line)
            self.assertEqual((json.loads(line)["line"], json.loads(line)["recipient"]), (n, f"user{n}@example.com"))
        p.stdin.close()
        self.assertEqual(out.rest(), "")
        self.assertEqual(p.wait(timeout=WAIT), 0)

    def test_a_line_without_a_reply_in_between(self):
        p = self.start("scan", "-", stdin=subprocess.PIPE)
        out = Output(p.stdout)
        p.stdin.write(b"Nov  5 10:00:00 mx postfix/qmgr[1]: 4F2A: removed\n" + (LINE.format(n=2) + "\n").encode())
        p.stdin.flush()
        self.assertTrue(out.line().startswith("-:2\t550 5.1.1\tuser-unknown"))
        p.stdin.close()
        p.wait(timeout=WAIT)

    def test_line_buffered_writes_each_record(self):
        # The input never waits here, so without --line-buffered the records
        # could stay in the buffer until it fills.
        p = self.start("scan", "--line-buffered", "-", stdin=subprocess.PIPE)
        out = Output(p.stdout)
        p.stdin.write((LINE.format(n=1) + "\n").encode())
        p.stdin.flush()
        self.assertIsNotNone(out.line())
        p.stdin.close()
        p.wait(timeout=WAIT)

    def check_signal_loses_nothing(self, sig, args, feed, may_finish=False):
        p = self.start("scan", "--format", "jsonl", *args, stdin=subprocess.PIPE if feed else subprocess.DEVNULL)
        out = Output(p.stdout)
        if feed:
            for n in range(1, 4):
                p.stdin.write((LINE.format(n=n) + "\n").encode())
            p.stdin.flush()
        first = out.line()
        self.assertIsNotNone(first)
        p.send_signal(sig)
        rest = out.rest()
        status = p.wait(timeout=WAIT)
        if not (may_finish and status == 0):  # a fast machine may read it all before the signal
            self.assertEqual(status, -sig, self.stderr_of(p))
        self.assertTrue(rest == "" or rest.endswith("\n"), "a record cut in half")
        json_schema_check.check_output(["scan", "--json"], first + "\n" + rest)
        lines = [json.loads(first)["line"]] + [r["line"] for r in json_lines(rest)]
        # Every record up to the last one written: none lost on the way.
        self.assertEqual(lines, list(range(lines[0], lines[0] + len(lines))))
        if feed:
            self.assertEqual(lines, [1, 2, 3])
        if feed:
            p.stdin.close()

    def test_sigterm_and_sigint_from_a_pipe(self):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            with self.subTest(signal=sig.name):
                self.check_signal_loses_nothing(sig, ["-"], True)

    def test_sigterm_on_a_large_file(self):
        # about 9 MB, every line a reply: still being read when the signal comes
        big = self.write("big.log", "".join(LINE.format(n=i % 10) + "\n" for i in range(40000)), "w")
        for jobs in ("1", "2"):
            with self.subTest(jobs=jobs):
                self.check_signal_loses_nothing(signal.SIGTERM, ["-j", jobs, big], False, may_finish=True)

    def test_sigpipe_ends_it_quietly(self):
        with open(MAIL_LOG, "rb") as f:
            big = self.write("big.log", f.read() * 20000)
        p = self.start("scan", big)
        self.assertIsNotNone(Output(p.stdout).line())
        p.stdout.close()
        self.assertEqual(p.wait(timeout=WAIT), -signal.SIGPIPE)
        self.assertEqual(p.stderr.read(), b"")


class Follow(TempDir):
    def following(self, *args, lines=None):
        """scan --follow on log.txt, holding `lines`, once it reads at the file's end."""
        path = self.write("log.txt", "".join(l + "\n" for l in (lines or [])), "w")
        p = self.start("scan", "--follow", "--format", "jsonl", *args, path)
        if "--from-start" not in args:
            wait_for(lambda: read_offset(p.pid, path) == os.path.getsize(path), "scan to reach the file's end")
        return p, Output(p.stdout), path

    def record(self, out, since=None):
        line = out.line()
        self.assertIsNotNone(line, "no record came")
        json_schema_check.check_output(["scan", "--json"], line)
        if since is not None:
            self.latencies.append(time.monotonic() - since)
        return json.loads(line)

    def setUp(self):
        super().setUp()
        self.latencies = []
        self.writer = Writer()

    def tearDown(self):
        self.writer.close()
        super().tearDown()

    def test_a_line_appended_appears_within_a_second(self):
        p, out, path = self.following(lines=MAIL_LINES[:2])
        for n in (3, 4, 5):
            at = self.writer.do("append", path, LINE.format(n=n))
            rec = self.record(out, at)
            # numbered as the file's lines: the two before were counted
            self.assertEqual((rec["line"], rec["recipient"]), (n, f"user{n}@example.com"))
        self.assertLess(min(self.latencies), 1.0, self.latencies)
        p.terminate()
        self.assertEqual(p.wait(timeout=WAIT), -signal.SIGTERM)

    def test_rotation(self):
        p, out, path = self.following(lines=MAIL_LINES[:1])
        self.writer.do("append", path, LINE.format(n=1))
        self.assertEqual(self.record(out)["line"], 2)
        at = self.writer.do("rotate", path, LINE.format(n=2))
        rec = self.record(out, at)
        self.assertEqual((rec["line"], rec["recipient"]), (1, "user2@example.com"))
        self.writer.do("append", path, LINE.format(n=3))
        self.assertEqual(self.record(out)["line"], 2)
        p.terminate()
        self.assertIn("log.txt was replaced by a new file", self.stderr_of(p))
        self.assertLess(max(self.latencies), WAIT)

    def test_truncation(self):
        p, out, path = self.following(lines=MAIL_LINES)
        at = self.writer.do("truncate", path, LINE.format(n=7))
        rec = self.record(out, at)
        self.assertEqual((rec["line"], rec["recipient"]), (1, "user7@example.com"))
        p.terminate()
        self.assertIn("log.txt was cut short; reading it again from its start", self.stderr_of(p))

    def test_from_start(self):
        p, out, path = self.following("--from-start", lines=MAIL_LINES)
        self.assertEqual([self.record(out)["line"] for _ in range(4)], [1, 2, 4, 5])
        self.writer.do("append", path, LINE.format(n=6))
        self.assertEqual(self.record(out)["line"], 6)
        p.terminate()
        p.wait(timeout=WAIT)

    def test_a_file_not_there_yet(self):
        path = self.path("later.log")
        p = self.start("scan", "-F", path)
        out = Output(p.stdout)
        # Written once it has found no file: a file there sooner would be
        # followed from its end, as tail -F does.
        ready, _, _ = select.select([p.stderr], [], [], WAIT)
        self.assertTrue(ready, "no word that it waits for the file")
        self.assertIn("later.log is not there yet; waiting for it", p.stderr.readline().decode("utf-8"))
        self.writer.do("append", path, LINE.format(n=1))
        line = out.line()
        self.assertIsNotNone(line, "no record came")
        self.assertTrue(line.endswith("\tuser1@example.com"), line)
        p.terminate()
        p.wait(timeout=WAIT)

    def test_the_filters_apply(self):
        p, out, path = self.following("--bounce", "hard", "--format", "addresses", lines=[])
        self.writer.do("append", path, MAIL_LINES[1])  # soft: left out
        self.writer.do("append", path, LINE.format(n=4))
        self.assertEqual(out.line(), "user4@example.com")
        p.terminate()
        p.wait(timeout=WAIT)

    def test_ends_when_nobody_reads(self):
        p, out, path = self.following(lines=[])
        p.stdout.close()
        p.wait(timeout=WAIT)  # without a record to write, it sees the pipe closed

    def test_stats_prints_its_totals_when_stopped(self):
        path = self.write("log.txt", ("\n".join(MAIL_LINES) + "\n").encode())
        p = self.start("stats", "--follow", "--from-start", path)
        wait_for(lambda: read_offset(p.pid, path) == os.path.getsize(path), "stats to read the file")
        p.send_signal(signal.SIGINT)
        out = Output(p.stdout).rest()
        self.assertEqual(p.wait(timeout=WAIT), -signal.SIGINT)
        self.assertTrue(out.startswith("4 records: 4 bounces"), out)

    def test_usage(self):
        for args, message in ((["scan", "-F", MAIL_LOG, EXIM_LOG], "--follow takes one file"),
                              (["scan", "--from-start", MAIL_LOG], "--from-start goes with --follow"),
                              (["scan", "-F", "--dsn", MAIL_LOG], "--dsn is for files of bounce messages"),
                              (["list", "-F"], "--follow applies to scan and stats"),
                              (["explain", "--line-buffered", "x"], "--line-buffered applies to scan")):
            with self.subTest(args=args):
                status, _, err = run(*args)
                self.assertEqual(status, 2)
                self.assertIn(message, err)


def make_maildir(root, messages):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub))
    for i, m in enumerate(messages):
        shutil.copy(m, os.path.join(root, "cur" if i % 2 else "new", f"{1700000000 + i}.M{i}P1.host:2,S"))
    return root


class Parallel(TempDir):
    """-j N writes what -j 1 writes: standard output byte for byte, standard
    error and the exit status too."""

    def inputs(self):
        with open(MAIL_LOG, "rb") as f:
            mail = f.read()
        with open(EXIM_LOG, "rb") as f:
            exim = f.read()
        # Several tasks' worth of lines: varied recipients, a line longer
        # than 64 KiB, CRLF lines, lines with no reply, no final line break.
        lines = []
        for i in range(60000):
            lines.append(LINE.format(n=i % 10).replace("user", f"u{i}.user").encode())
            if i % 7 == 0:
                lines.append(b"Nov  5 10:00:00 mx postfix/qmgr[1]: 4F2A: removed")
            if i % 11 == 0:
                lines.append(mail.splitlines()[i % 4] + b"\r")
            if i == 30000:
                lines.append(b"550 5.1.1 " + b"x" * 70000)
        big = self.write("big.log", b"\n".join(lines))
        gz = self.write("big.log.gz", gzip.compress(mail + exim + b"\n".join(lines[:20000]) + b"\n", 1))
        cut = self.write("cut.gz", gzip.compress(mail * 100)[:-30])
        maildir = make_maildir(self.path("Maildir"), [os.path.join(TESTDATA, n) for n in
                                                       ("postfix_dsn.eml", "gmail_dsn.eml", "exchange_dsn.eml",
                                                        "no_dsn.eml", "truncated.eml")])
        return [MAIL_LOG, big, os.path.join(TESTDATA, "bounces.mbox"), gz, EXIM_LOG, maildir,
                os.path.join(TESTDATA, "messages"), cut, os.path.join(TESTDATA, "postfix_dsn.eml"),
                self.path("missing.log")]

    def same(self, args, stdin=None):
        results = {}
        for jobs in ("1", "2", "3"):
            r = subprocess.run([SMTPCODE, "scan", "-j", jobs, *args], input=stdin, capture_output=True, env=ENV,
                               timeout=120)
            results[jobs] = (r.returncode, r.stdout, r.stderr)
        json_schema_check.check_output(["scan", *args], results["1"][1])
        for jobs in ("2", "3"):
            self.assertEqual(results[jobs][0], results["1"][0])
            self.assertTrue(results[jobs][1] == results["1"][1], f"-j {jobs} wrote other records than -j 1")
            self.assertEqual(results[jobs][2].decode(), results["1"][2].decode())
        return results["1"]

    def test_every_format(self):
        inputs = self.inputs()
        for fmt in ("text", "jsonl", "tsv", "csv", "addresses"):
            with self.subTest(format=fmt):
                status, out, err = self.same(["--format", fmt, *inputs])
                self.assertEqual(status, 3)  # the missing file and the cut gzip
                self.assertIn(b"cut.gz: truncated gzip data", err)
                self.assertGreater(len(out.splitlines()), 60000 if fmt != "addresses" else 10000)

    def test_all_and_filters(self):
        inputs = self.inputs()[:7]
        self.same(["--all", "--format", "jsonl", *inputs])
        self.same(["--reason", "user-unknown", "--recipient-domain", ".example.com", *inputs])

    def test_standard_input_among_files(self):
        with open(EXIM_LOG, "rb") as f:
            status, out, _ = self.same([MAIL_LOG, "-", MAIL_LOG], stdin=f.read())
        self.assertEqual(status, 0)
        self.assertEqual(len(out.splitlines()), 4 + 4 + 4)

    def test_usage(self):
        for bad in ("0", "x", "257"):
            with self.subTest(jobs=bad):
                status, _, err = run("scan", "-j", bad, MAIL_LOG)
                self.assertEqual(status, 2)
                self.assertIn("-j takes a number of threads from 1 to 256", err)
        self.assertEqual(run("scan", "-j2", MAIL_LOG)[0], 0)
        self.assertEqual(run("scan", "--jobs=2", MAIL_LOG)[0], 0)
        self.assertEqual(run("stats", "-j", "2", MAIL_LOG)[0], 2)


class PostmasterLog(TempDir):
    """Filters and totals against a hand count of tests/data/postmaster.log,
    whose lines are (TZ=UTC, the file last changed 2026-11-06):

      1  09:59:58  ann@example.com        250 2.0.0  accepted        none   gmail  (no stage)
      2  10:00:01  bob@example.com        550 5.1.1  user-unknown    hard   gmail  rcpt
      3  10:15:00  Carl@Example.NET       421 4.7.0  reputation      soft   yahoo  mail
      4  10:30:00  dee@mail.example.com   550 5.7.606 ip-blocklisted block  microsoft365 rcpt
      5  11:00:00  eve@example.org        4.4.1      network-error   soft   (none: Postfix's own "Connection timed out")
      6  10:05:00  fay@example.com        550 5.7.26 auth-none       block  gmail  end-of-data (journald short-iso, +0100)
      7  12:00:00  gus@example.com        452 4.2.2  mailbox-full    soft   postfix rcpt (RFC 5424)
      8  12:30:00  hal@example.net        550 5.1.1  user-unknown    hard   postfix rcpt (Exim)
      9  13:00:00  ivy@example.com        5.1.1      user-unknown    hard   (none: Sendmail's stat=User unknown)
     10  (no reply: a queue manager line)
     11  14:00:00  BOB@EXAMPLE.COM        550 5.1.1  user-unknown    hard   gmail  rcpt
     12  2025-12-31 23:59:59 jo@example.com 550 5.1.1 user-unknown   hard   postfix rcpt (syslog, last year)
    """

    def setUp(self):
        super().setUp()
        self.log = self.write("postmaster.log", open(POSTMASTER, "rb").read())
        self.touch(2026, 11, 6)

    def touch(self, *date):
        t = calendar.timegm(date + (0, 0, 0))
        os.utime(self.log, (t, t))

    def lines(self, *args):
        status, out, err = run("scan", "--format", "jsonl", *args, self.log)
        self.assertIn(status, (0, 1), err)
        return [r["line"] for r in json_lines(out)]


class Postmaster(PostmasterLog):
    def test_each_filter(self):
        cases = [
            ((), [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]),
            (("--reason", "user-unknown"), [2, 8, 9, 11, 12]),
            (("--reason", "user-unknown,mailbox-full"), [2, 7, 8, 9, 11, 12]),
            (("--reason", "reputation", "--reason", "network-error"), [3, 5]),
            (("--bounce", "hard"), [2, 8, 9, 11, 12]),
            (("--bounce", "soft,block"), [3, 4, 5, 6, 7]),
            (("--bounce", "none"), [1]),
            (("--verdict", "retry"), [3, 5, 7]),
            (("--vendor", "gmail"), [1, 2, 6, 11]),
            (("--vendor", "none"), [5, 9]),
            (("--stage", "rcpt"), [2, 4, 7, 8, 11, 12]),
            (("--stage", "unknown"), [1, 5, 9]),
            (("--code", "550"), [2, 4, 6, 8, 11, 12]),
            (("--code", "4xx"), [3, 7]),
            (("--code", "5.7.X"), [4, 6]),
            (("--code", "X.1.1"), [2, 8, 9, 11, 12]),
            (("--code", "5.7.606,452"), [4, 7]),
            (("--recipient-domain", "example.com"), [1, 2, 6, 7, 9, 11, 12]),
            (("--recipient-domain", "EXAMPLE.net"), [3, 8]),
            (("--recipient-domain", ".example.com"), [1, 2, 4, 6, 7, 9, 11, 12]),
            (("--since", "2026-11-05 10:00", "--until", "2026-11-05T11:00"), [2, 3, 4, 6]),
            (("--since", "2026-11-05T11:00:00+01:00", "--until", "2026-11-05 10:15"), [2, 6]),
            (("--since", "2026-01-01"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]),
            (("--until", "2026-01-01"), [12]),
            (("--since", "Nov 5 12:00", "--until", "Nov 5 13:00"), [7, 8]),
            (("--bounce", "hard", "--recipient-domain", "example.com", "--since", "2026-11-05 13:00"), [9, 11]),
        ]
        for args, want in cases:
            with self.subTest(args=args):
                self.assertEqual(self.lines(*args), want)

    def test_a_syslog_time_takes_the_year_of_the_file(self):
        # Read in January 2027, Nov 5 and Dec 31 are of 2026.
        self.touch(2027, 1, 10)
        self.assertEqual(self.lines("--since", "2026-12-01"), [12])
        self.assertEqual(self.lines("--since", "2026-11-05", "--until", "2026-11-06"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 11])

    def test_nothing_kept_is_exit_1(self):
        status, out, _ = run("scan", "--reason", "virus", self.log)
        self.assertEqual((status, out), (1, ""))
        status, out, _ = run("scan", "--since", "2026-01-01", os.path.join(TESTDATA, "postfix_dsn.eml"))
        self.assertEqual((status, out), (1, ""), "a bounce message has no time: --since keeps none of it")

    def test_unknown_names_list_the_valid_ones(self):
        for option, value, names in (("--reason", "lunch", ["user-unknown", "auth-dmarc", "auto-reply"]),
                                     ("--bounce", "soft,mushy", ["none, soft, hard, block, unknown"]),
                                     ("--verdict", "maybe", ["deliverable, undeliverable, risky"]),
                                     ("--vendor", "hotmail", ["gmail", "microsoft365", "none"]),
                                     ("--stage", "helo2", ["connect, ehlo, mail, rcpt, data, end-of-data"])):
            with self.subTest(option=option):
                status, _, err = run("scan", option, value, self.log)
                self.assertEqual(status, 2)
                self.assertIn(f"unknown ", err)
                self.assertIn(f"'{value.split(',')[-1]}'", err)
                for n in names:
                    self.assertIn(n, err)

    def test_a_malformed_time_shows_the_forms(self):
        for bad in ("lunch", "2026-13-01", "2026-11-05T25:00", "10:61", "Nov 31 10:00", "5x", "2026-11-05T10:00+1"):
            with self.subTest(time=bad):
                status, _, err = run("scan", "--since", bad, self.log)
                self.assertEqual(status, 2)
                self.assertIn(f"--since: '{bad}' is not a time; use 2026-11-05, 2026-11-05T10:00", err)
                for form in ("+01:00", "'Nov 5 10:00'", "10:00 (today)", "yesterday", "2h", "7d"):
                    self.assertIn(form, err)
        for good in ("now", "today", "yesterday", "2h", "-30m", "7d ago", "10:00", "2026-11-05",
                     "2026-11-05T10:00:00.5Z", "2026-11-05 10:00:00+0100", "Nov 5"):
            with self.subTest(time=good):
                self.assertIn(run("scan", "--until", good, self.log)[0], (0, 1))

    def test_a_malformed_code_or_domain(self):
        for option, bad in (("--code", "55"), ("--code", "5.7"), ("--code", "6.1.1"), ("--code", "5.1.1000"),
                            ("--recipient-domain", "a@b.example"), ("--recipient-domain", ""),
                            ("--reason", "user-unknown,")):
            with self.subTest(option=option, value=bad):
                status, _, err = run("scan", option, bad, self.log)
                self.assertEqual(status, 2, err)

    def test_journald_and_other_logs(self):
        # journalctl -o short-iso, -o short (the default), -o short-precise
        lines = ["2026-11-05T10:00:01+0100 mx postfix/smtp[1]: A1: to=<a@example.com>, status=bounced "
                 "(host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command))",
                 "2026-11-05T10:00:02+01:00 mx postfix/smtp[1]: A2: to=<b@example.com>, status=bounced "
                 "(host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command))",
                 "Nov 05 10:00:03 mx postfix/smtp[1]: A3: to=<c@example.com>, status=bounced "
                 "(host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command))",
                 "-- Boot 0123456789abcdef --"]
        status, out, _ = run("scan", "--format", "jsonl", "--since", "2026-11-05T09:00:02Z", "-",
                             stdin="\n".join(lines).encode())
        self.assertEqual(status, 0)
        self.assertEqual([(r["line"], r["recipient"]) for r in json_lines(out)],
                         [(2, "b@example.com"), (3, "c@example.com")])


class Totals(PostmasterLog):
    def stats(self, *args):
        status, out, err = run("stats", "--json", *args, self.log)
        self.assertEqual(status, 0, err)
        [s] = json_lines(out)
        return s

    def test_shares_are_of_the_bounces(self):
        s = self.stats()
        self.assertEqual((s["records"], s["bounces"]), (11, 10))
        self.assertEqual({x["name"]: x["count"] for x in s["bounce"]}, {"hard": 5, "soft": 3, "block": 2})
        self.assertEqual({x["name"]: x["share"] for x in s["bounce"]}, {"hard": 0.5, "soft": 0.3, "block": 0.2})
        self.assertEqual(s["not_bounces"], [{"name": "accepted", "count": 1}])
        for key in ("bounce", "reason", "vendor", "stage", "code", "enhanced"):
            self.assertEqual(sum(x["count"] for x in s[key]), 10, key)
        self.assertNotIn("accepted", {x["name"] for x in s["reason"]})
        # The outcome table is the one over every record: it tells the bounces from the rest.
        self.assertEqual(sum(x["count"] for x in s["outcome"]), 11)
        self.assertAlmostEqual(sum(x["share"] for x in s["outcome"]), 1.0, places=3)
        status, out, _ = run("stats", self.log)
        self.assertTrue(out.startswith("11 records: 10 bounces (the shares of the tables after Outcome are of these), "
                                       "1 accepted\n"), out)
        self.assertRegex(out, r"\n  hard +5 +50\.0%\n")

    def test_the_mta_s_own_words_are_its_replies(self):
        tops = {t["reason"]: t["replies"] for t in self.stats()["top_replies"]}
        self.assertEqual(tops["network-error"],
                         [{"text": "connect to mx.example.org[192.0.2.9]:25: Connection timed out", "count": 1}])
        self.assertIn({"text": "User unknown", "count": 1}, tops["user-unknown"])

    def test_the_filters_apply(self):
        s = self.stats("--recipient-domain", "example.net")
        self.assertEqual((s["records"], s["bounces"]), (2, 2))

    def test_by_domain(self):
        s = self.stats("--by", "domain")
        self.assertEqual((s["records"], s["bounces"], s["by"], s["rest"]), (11, 10, ["domain"], None))
        groups = {g["domain"]: g for g in s["groups"]}
        self.assertEqual([g["domain"] for g in s["groups"]],
                         ["example.com", "example.net", "example.org", "mail.example.com"])
        com = groups["example.com"]
        self.assertEqual((com["records"], com["bounces"], com["hard"], com["soft"], com["block"], com["accepted"]),
                         (7, 6, 4, 1, 1, 1))
        self.assertAlmostEqual(com["hard_share"], 4 / 6, places=5)
        net = groups["example.net"]
        self.assertEqual((net["records"], net["hard"], net["soft"]), (2, 1, 1))

    def test_by_two_keys(self):
        s = self.stats("--by", "domain,reason")
        pairs = [(g["domain"], g["reason"], g["records"]) for g in s["groups"]]
        self.assertEqual(pairs[:5], [("example.com", "user-unknown", 4), ("example.com", "accepted", 1),
                                     ("example.com", "auth-none", 1), ("example.com", "mailbox-full", 1),
                                     ("example.net", "reputation", 1)])
        self.assertEqual(sum(g["records"] for g in s["groups"]), 11)

    def test_by_hour_and_day(self):
        s = self.stats("--by", "hour")
        self.assertEqual([(g["hour"], g["records"]) for g in s["groups"]],
                         [("2025-12-31 23:00", 1), ("2026-11-05 09:00", 1), ("2026-11-05 10:00", 4),
                          ("2026-11-05 11:00", 1), ("2026-11-05 12:00", 2), ("2026-11-05 13:00", 1),
                          ("2026-11-05 14:00", 1)])
        s = self.stats("--by", "day")
        self.assertEqual([(g["day"], g["records"]) for g in s["groups"]], [("2025-12-31", 1), ("2026-11-05", 10)])

    def test_by_relay_vendor_recipient(self):
        relays = {g["relay"]: g["records"] for g in self.stats("--by", "relay")["groups"]}
        self.assertEqual(relays["gmail-smtp-in.l.google.com"], 4)
        self.assertEqual(relays[None], 1)  # relay=none: no host
        vendors = {g["vendor"]: g["records"] for g in self.stats("--by", "vendor")["groups"]}
        self.assertEqual(vendors, {"gmail": 4, "postfix": 3, "none": 2, "yahoo": 1, "microsoft365": 1})
        recipients = {g["recipient"]: g["records"] for g in self.stats("--by", "recipient")["groups"]}
        self.assertEqual(recipients["bob@example.com"], 1)
        self.assertEqual(recipients["BOB@example.com"], 1)
        self.assertEqual(recipients["Carl@example.net"], 1)

    def test_by_as_csv_and_text(self):
        raw = subprocess.run([SMTPCODE, "stats", "--by", "domain", "--format", "csv", self.log],
                             capture_output=True, env=ENV).stdout
        rows = raw.split(b"\r\n")
        self.assertEqual(rows[0], b"domain,records,bounces,hard,soft,block,hard_share,soft_share,block_share,"
                                  b"accepted,auto_reply,complaint")
        self.assertEqual(rows[1], b"example.com,7,6,4,1,1,0.6667,0.1667,0.1667,1,0,0")
        self.assertEqual(rows[-1], b"")
        status, out, _ = run("stats", "--by", "domain", "--top", "2", self.log)
        self.assertIn("(2 more groups; --top shows more)", out)
        self.assertRegex(out, r"\n  example\.com +7 +6 +66\.7% +16\.7% +16\.7% +1\n")
        self.assertTrue(all(len(l) <= 80 for l in out.splitlines()), out)
        status, out, _ = run("stats", "--format", "tsv", self.log)
        self.assertIn("bounce\thard\t5\t0.5000\t\n", out)
        self.assertIn("not-bounce\taccepted\t1\t\t\n", out)
        self.assertIn("reply\tnetwork-error\t1\t\tconnect to mx.example.org[192.0.2.9]:25: Connection timed out\n", out)

    def test_by_usage(self):
        for bad in ("color", "domain,reason,day", "domain,", ""):
            with self.subTest(by=bad):
                status, _, err = run("stats", "--by", bad, self.log)
                self.assertEqual(status, 2)
                self.assertIn("--by takes one or two of domain, relay, vendor, reason, recipient, hour or day", err)

    def test_not_bounces_counted_apart(self):
        messages = os.path.join(TESTDATA, "messages")
        status, out, _ = run("stats", "--json", "--dsn", os.path.join(messages, "autoreply.eml"),
                             os.path.join(messages, "arf.eml"), os.path.join(TESTDATA, "postfix_dsn.eml"))
        [s] = json_lines(out)
        # arf.eml names two recipients (Original-Rcpt-To), autoreply.eml one
        self.assertEqual({x["name"]: x["count"] for x in s["not_bounces"]}, {"complaint": 2, "auto-reply": 1})
        self.assertEqual(s["bounces"], 2)
        self.assertEqual(sum(x["share"] for x in s["bounce"]), 1.0)


class Addresses(PostmasterLog):
    def test_suppression_list(self):
        status, out, _ = run("scan", "--bounce", "hard", "--format", "addresses", self.log)
        self.assertEqual(status, 0)
        # each once, whatever its case; the domain in lower case
        self.assertEqual(out, "bob@example.com\nhal@example.net\nivy@example.com\njo@example.com\n")
        status, out, _ = run("scan", "--format", "addresses", "--bounce", "soft", self.log)
        self.assertEqual(out, "Carl@example.net\neve@example.org\ngus@example.com\n")

    def test_control_bytes_are_escaped(self):
        line = LINE.format(n=1).replace("user1@", "a\x1b]2;x\x07b@").encode()
        status, out, _ = run("scan", "--format", "addresses", "-", stdin=line + b"\n" + line + b"\n")
        self.assertEqual(out, "a\\x1b]2;x\\x07b@example.com\n")


class ClickHouse(unittest.TestCase):
    """--format clickhouse beyond tests/test_clickhouse.py's contract: the
    escapes of TabSeparated undone on the way in, the tuple's quoting on the
    way out, and what cannot go with it."""

    def test_escapes_in_and_out(self):
        line = LINE.format(n=1).replace("user1@", "o'b\\x41\\\\\\x07@")
        rows = line.encode() + b"\n\\N\n"
        status, out, err = run("scan", "--format", "clickhouse", "-", stdin=rows)
        self.assertEqual(status, 0, err)
        first, null = out.split("\n")[:2]
        # \x41 is A, \\ a backslash, \x07 a control byte written back as \x07; ' and \ escaped
        self.assertTrue(first.endswith(",'o\\'bA\\\\\\x07@example.com')"), first)
        self.assertTrue(first.startswith("(550,'5.1.1','rcpt',"), first)
        self.assertEqual(null, "(" + ",".join(["NULL"] * 12) + ")")
        self.assertEqual(out.count("\n"), 2)

    def test_every_row_answered_none_dropped(self):
        rows = b"\x1f\x8b not gzip\nFrom MAILER-DAEMON Thu Mar 12 10:00:00 2026\n\n" + b"x" * 70000 + b"\nlast"
        status, out, _ = run("scan", "--format", "clickhouse", stdin=rows)
        self.assertEqual(len(out.splitlines()), 5)
        self.assertTrue(all(r.startswith("(NULL,NULL,NULL,NULL,NULL,'unknown',") for r in out.splitlines()), out)

    def test_what_cannot_go_with_it(self):
        for extra in (["--bounce", "hard"], ["--all"], ["--dsn"], ["--json"]):
            with self.subTest(extra=extra):
                status, _, err = run("scan", "--format", "clickhouse", *extra, "-", stdin=b"550 x\n")
                self.assertEqual(status, 2, err)
                self.assertIn("--format clickhouse answers every row", err)


if __name__ == "__main__":
    tap.main()
