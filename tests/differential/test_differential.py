"""The library, the single header and the CLI's JSON give one answer: for
every data sample in its carriers and for 100 000 mutated lines (mutate.py,
seeded), differential (the library against the single header, in C) must
agree with itself, and `smtpcode scan --all --format jsonl` must write a
record that says exactly what the library said for each line.

usage: test_differential.py DIFFERENTIAL SMTPCODE DATADIR WORKDIR [LINES [WRAPPER...]]
(DIFFERENTIAL may compare the library with a copy of the single header built
with SMTPCODE__REFERENCE: one DFA stream a line and no SIMD)
(DIFFERENTIAL_LINES in the environment overrides LINES, default 100000; a
WRAPPER, such as valgrind and its options, runs both programs)
"""

import codecs
import json
import os
import subprocess
import sys
import unittest

import json_schema_check
import smtpcode_data
from mutate import base_lines, joined_lines, mutated_lines

DIFFERENTIAL, SMTPCODE, DATADIR, WORKDIR = sys.argv[1:5]
LINES = int(os.environ.get("DIFFERENTIAL_LINES", sys.argv[5] if len(sys.argv) > 5 else 100000))
WRAPPER = sys.argv[6:]
os.makedirs(WORKDIR, exist_ok=True)
SEED = 20261127

# The CLI writes each byte that is not part of valid UTF-8 as one U+FFFD.
codecs.register_error("one-per-byte", lambda e: ("\ufffd", e.start + 1))


def text(field):
    return None if field == "-" else bytes.fromhex(field).decode("utf-8", "one-per-byte")


def expected_record(row):
    (rc, code, enhanced, stage, host, vendor, reason, action, bounce, verdict, decided_by, matched, carrier,
     reply, flags) = row.split("\t")
    none = lambda s: None if s == "-" else s  # noqa: E731
    return {
        "code": int(code) or None, "enhanced": none(enhanced), "stage": none(stage), "host": text(host),
        "vendor": none(vendor), "reason": reason, "action": action, "bounce": bounce, "verdict": verdict,
        "decided_by": decided_by, "matched": text(matched), "carrier": carrier, "reply": text(reply),
        "flags": [] if flags == "-" else flags.split(","),
        "classified": rc == "0",
    }


class Differential(unittest.TestCase):
    data = smtpcode_data.load(DATADIR)

    def check(self, name, lines):
        """Writes the lines (after a first line that no reader takes for a
        header or an mbox), runs both sides and compares every record."""
        path = os.path.join(WORKDIR, f"differential-{name}{'-wrapped' if WRAPPER else ''}.txt")
        lines = [f"smtpcode differential check: {name}".encode()] + lines
        with open(path, "wb") as f:
            f.write(b"\n".join(lines) + b"\n")
        lib = subprocess.run(WRAPPER + [DIFFERENTIAL, path], capture_output=True)
        self.assertEqual(lib.returncode, 0, lib.stderr.decode("utf-8", "replace"))
        rows = lib.stdout.decode("ascii").splitlines()
        self.assertEqual(len(rows), len(lines), "differential: one answer a line")
        cli = subprocess.run(WRAPPER + [SMTPCODE, "scan", "--all", "--format", "jsonl", path], capture_output=True)
        self.assertIn(cli.returncode, (0, 1), cli.stderr.decode("utf-8", "replace"))
        json_schema_check.check_output(["scan", "--all", "--format", "jsonl"], cli.stdout)
        records = [json.loads(r) for r in cli.stdout.splitlines()]
        self.assertEqual(len(records), len(lines), "scan --all: one record a line")
        differences = []
        for number, (row, record) in enumerate(zip(rows, records), 1):
            self.assertEqual(record["line"], number)
            want = expected_record(row)
            got = {k: record.get(k) for k in want}
            if got != want:
                fields = [k for k in want if got[k] != want[k]]
                differences.append(f"line {number} {lines[number - 1][:120]!r}: "
                                   + ", ".join(f"{k}: library {want[k]!r}, CLI {got[k]!r}" for k in fields))
        if differences:
            self.fail(f"{len(differences)} of {len(lines)} lines differ; the first:\n" + "\n".join(differences[:10]))
        print(f"# {name}: {len(lines)} lines, library = single header = CLI JSON", flush=True)

    def test_every_sample_in_its_carriers(self):
        self.check("samples", base_lines(self.data))

    def test_mutated_lines(self):
        self.check("mutated", mutated_lines(self.data, LINES, SEED))

    def test_long_joined_lines(self):
        self.check("joined", joined_lines(self.data, LINES // 5, SEED))


if __name__ == "__main__":
    from tap import main
    main()
