"""Classification in SQL: rows a second of

    SELECT (smtpcode_classify(reply)).reason, count(*) FROM replies GROUP BY 1

over the first ROWS lines of the benchmark corpus (gen_corpus.py), with no
parallel workers, one and two, beside `smtpcode scan --format tsv --all` on
the same lines, in a throwaway server (postgres/test/pgcluster.py). The table
is read once before timing, so the times are of classification and the
aggregate, not of the disk. Both sides must count the same reasons.

usage: bench_postgres.py BUILDDIR [--rows N] [--update-docs]
       (meson test -C BUILDDIR --benchmark --verbose postgres runs it)
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(ROOT, "postgres", "test")]

from pgcluster import Cluster  # noqa: E402
from run import corpus, machine, update_doc  # noqa: E402

QUERY = "SELECT (smtpcode_classify(reply)).reason, count(*) FROM replies GROUP BY 1"
ROUNDS = 3


def lines_file(build, rows):
    """The first `rows` lines of the corpus, and the same as COPY text."""
    path = os.path.join(build, "bench", f"replies-{rows}.txt")
    copy = path + ".copy"
    if not os.path.exists(copy):
        src = corpus(build, max(10, rows * 190 // 1_000_000 + 1))
        with open(src, "rb") as f, open(path, "wb") as out, open(copy, "wb") as c:
            for n, line in enumerate(f):
                if n == rows:
                    break
                out.write(line)
                line = line.rstrip(b"\n")
                c.write(line.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r") + b"\n")
            if n + 1 < rows:
                sys.exit(f"{src} has only {n + 1} lines")
    return path, copy


def sql_times(cluster, workers):
    """Best of ROUNDS wall times (psql's \\timing) of QUERY, the workers
    launched, and the counts by reason."""
    script = (f"SET max_parallel_workers_per_gather = {workers};\n"
              f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {QUERY};\n\\timing on\n" + f"{QUERY};\n" * ROUNDS)
    out = cluster.psql(None, db="bench", args=["-A", "-t", "-F", "\t"], input=script.encode()).stdout
    times = [float(t) / 1000 for t in re.findall(r"^Time: ([\d.]+) ms", out, re.M)]
    launched = re.search(r"Workers Launched: (\d+)", out)
    counts = Counter()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    return min(times), int(launched.group(1)) if launched else 0, counts


def scan_time(smtpcode, path):
    """Best of ROUNDS wall times of scan, and its counts by reason."""
    best, counts = None, Counter()
    for i in range(ROUNDS):
        start = time.perf_counter()
        r = subprocess.run([smtpcode, "scan", "--format", "tsv", "--all", path], stdout=subprocess.PIPE if i == 0
                           else subprocess.DEVNULL, check=False)
        t = time.perf_counter() - start
        best = t if best is None else min(best, t)
        if i == 0:
            for line in r.stdout.splitlines()[1:]:
                counts[line.split(b"\t")[7].decode()] += 1
    return best, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg-config", default="pg_config")
    ap.add_argument("--update-docs", action="store_true", help="write the report into docs/performance.md")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    module = os.path.join(build, "postgres", "smtpcode.so")
    if not os.path.exists(module):
        sys.exit(f"{module} is not built: the PostgreSQL extension needs pg_config and the server headers")
    smtpcode = os.path.join(build, "src", "cli", "smtpcode")
    path, copy = lines_file(build, args.rows)

    cluster = Cluster(args.pg_config, module,
                      [os.path.join(build, "postgres", "smtpcode.control")] +
                      glob.glob(os.path.join(build, "postgres", "smtpcode--*.sql")),
                      settings=["shared_buffers=1GB", "max_parallel_workers=8"])
    cluster.start()
    try:
        cluster.psql("CREATE DATABASE bench")
        cluster.psql("CREATE EXTENSION smtpcode; CREATE TABLE replies (reply text)", db="bench")
        with open(copy, "rb") as f:
            cluster.psql(None, db="bench", args=["-c", "COPY replies FROM STDIN"], input=f.read())
        cluster.psql("VACUUM ANALYZE replies", db="bench")
        cluster.psql("SELECT count(*) FROM replies", db="bench")  # into shared buffers
        size = cluster.rows("SELECT pg_size_pretty(pg_table_size('replies'))", db="bench")[0][0]
        pg_version = cluster.rows("SHOW server_version", db="bench")[0][0]
        results = [(w, *sql_times(cluster, w)) for w in (0, 1, 2)]
    finally:
        cluster.stop()
    scan, scan_counts = scan_time(smtpcode, path)

    for w, _, _, counts in results:
        if counts != scan_counts:
            sys.exit(f"the counts by reason differ between SQL ({w} workers) and scan:\n{counts}\n{scan_counts}")
    rows = args.rows
    out = [f"Machine: {machine()}; PostgreSQL {pg_version}.", "",
           f"`{QUERY}` over the first {rows:,} lines of the corpus ({os.path.getsize(path) / 1e6:.0f} MB, "
           f"a table of {size} held in shared buffers), best of {ROUNDS}, beside `smtpcode scan --format tsv "
           "--all` on the same lines (one process); both count the same reasons:", "",
           "| | workers launched | seconds | rows/s | vs scan |", "|---|---|---|---|---|"]
    for w, t, launched, _ in results:
        label = "SQL, no parallel workers" if w == 0 else f"SQL, max_parallel_workers_per_gather = {w}"
        out.append(f"| {label} | {launched} | {t:.2f} | {rows / t:,.0f} | {scan / t:.2f}x |")
    out.append(f"| `smtpcode scan --format tsv --all` | | {scan:.2f} | {rows / scan:,.0f} | 1.00x |")
    text = "\n".join(out)
    print(text)

    if args.update_docs:
        update_doc(text, "<!-- bench-postgres:start -->", "<!-- bench-postgres:end -->")

if __name__ == "__main__":
    main()
