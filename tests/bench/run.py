"""The benchmark suite, one run, one report: classification against memchr
and PCRE2 on the same corpus, lookups, `smtpcode scan` end to end, `scan -j N`
beside `-j 1`, the peak memory of scan on 10 MB and 1 GB of input, and reading
whole bounce messages (against Sisimai, when its Perl module is installed).

usage: run.py BUILDDIR [--size MB] [--no-1gb] [--mbox FILE] [--jobs-only] [--update-docs]
       (meson test -C BUILDDIR --benchmark --verbose runs it with the defaults)

--jobs-only measures `scan -j N` alone (its section of docs/performance.md,
written with --update-docs, is apart from the rest of the report).

--mbox FILE reads the messages of FILE instead of the test fixtures
(tests/data/messages/ and tests/data/*.eml) repeated to --size MB.
"""

import argparse
import glob
import gzip
import hashlib
import os
import platform
import re
import resource
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
            model = m.group(1).strip() if m else model
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}"


def corpus(build, mb):
    path = os.path.join(build, "bench", f"corpus-{mb}MB.txt")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"making a {mb} MB corpus in {path} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), str(mb), path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
    return path


def repeated(build, base, mb):
    """A large input made of copies of `base`, to show memory does not grow."""
    path = os.path.join(build, "bench", f"corpus-{mb}MB-repeated.txt")
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as out:
            written, size = 0, os.path.getsize(base)
            while written < mb * 1_000_000:
                with open(base, "rb") as src:
                    shutil.copyfileobj(src, out)
                written += size
        os.replace(path + ".tmp", path)
    return path


FROM_LINE = b"From MAILER-DAEMON Thu Mar 12 10:00:00 2026\n"


def fixture_mbox(build, mb):
    """The fixture messages of tests/data as one mbox, repeated to about mb MB."""
    path = os.path.join(build, "bench", f"messages-{mb}MB.mbox")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        one = b""
        for name in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "messages", "*.eml")) +
                           glob.glob(os.path.join(ROOT, "tests", "data", "*.eml"))):
            with open(name, "rb") as f:
                one += FROM_LINE + f.read().replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n\n"
        with open(path + ".tmp", "wb") as out:
            for _ in range(max(1, mb * 1_000_000 // len(one))):
                out.write(one)
        os.replace(path + ".tmp", path)
    return path


def sisimai(path):
    """CPU seconds and records of Sisimai->make(path), or None without Sisimai."""
    if not shutil.which("perl") or subprocess.run(["perl", "-MSisimai", "-e1"], capture_output=True).returncode:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(["perl", "-MSisimai", "-e", 'my $v = Sisimai->make($ARGV[0]); print scalar(@{$v || []}), "\\n"',
                        path], capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        return None
    version = subprocess.run(["perl", "-MSisimai", "-e", "print $Sisimai::VERSION"], capture_output=True,
                             text=True).stdout.strip()
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, int(r.stdout.split()[0]), version


def messages(build, tests, smtpcode, mbox):
    """Reading whole messages: the library's reader, scan end to end, and Sisimai on a tenth."""
    size = os.path.getsize(mbox)
    row = subprocess.run([os.path.join(tests, "bench_message"), mbox], capture_output=True, text=True,
                         check=True).stdout.strip()
    out = [f"Bounce messages (`tests/bench/bench_message`, best of 5, one core), {size / 1e6:.0f} MB of "
           f"`{os.path.basename(mbox)}`:", "",
           "| reader | MB/s | messages/s | messages | records |", "|---|---|---|---|---|", row]
    times = [scan(build, smtpcode, mbox)[0] for _ in range(3)]
    out += ["", f"`smtpcode scan --format jsonl` on it end to end, best of 3: {size / min(times) / 1e6:.0f} MB/s."]
    tenth = mbox + ".tenth"
    with open(mbox, "rb") as f, open(tenth, "wb") as g:
        data = f.read(max(1, size // 10))
        g.write(data[:data.rfind(b"\nFrom ") + 1] if b"\nFrom " in data else data)
    s = sisimai(tenth)
    if s:
        cpu, records, version = s
        mine = float(row.split("|")[2])
        theirs = os.path.getsize(tenth) / cpu / 1e6
        out += ["", f"Sisimai {version} (`Sisimai->make`, Debian's libsisimai-perl) on its first "
                f"{os.path.getsize(tenth) / 1e6:.0f} MB: {theirs:.1f} MB/s of CPU time, {records} records; "
                f"the library reads {mine / theirs:.0f} times as fast."]
    else:
        out += ["", "Sisimai not measured: `perl -MSisimai` is not installed (Debian: libsisimai-perl)."]
    os.remove(tenth)
    return out + [""]


def scan(build, smtpcode, path, jobs=1):
    """Wall time and peak RSS (KiB) of one `smtpcode scan -j JOBS --format jsonl`."""
    r = subprocess.run([os.path.join(build, "tests", "bench", "peak_rss"), smtpcode, "scan", "-j", str(jobs),
                        "--format", "jsonl", path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"smtpcode scan {path} failed ({r.returncode}): {r.stderr}")
    seconds, kib = r.stdout.split()
    return float(seconds), int(kib)


def update_doc(text, start, end):
    """Writes text into docs/performance.md between the markers start and end."""
    doc = os.path.join(ROOT, "docs", "performance.md")
    with open(doc, encoding="utf-8") as f:
        body = f.read()
    if start not in body or end not in body:
        sys.exit(f"{doc}: markers {start} and {end} not found")
    body = body[:body.index(start) + len(start)] + "\n" + text + "\n" + body[body.index(end):]
    with open(doc, "w", encoding="utf-8") as f:
        f.write(body)
    print(f"updated {doc}", file=sys.stderr)


def jobs(build, smtpcode, path, gz_path):
    """`scan -j N` beside `-j 1`: MB/s (best of 3, rounds in turns), CPU time
    and peak RSS, on the corpus and on it gzip-compressed; the outputs are
    compared byte for byte."""
    cores = os.cpu_count() or 1
    counts = sorted({1, 2, cores})
    size = os.path.getsize(path)
    out = [f"`smtpcode scan -j N --format jsonl` on the {size / 1e6:.0f} MB corpus to /dev/null, best of 3 rounds "
           f"taken in turns ({cores} cores):", "",
           "| input | -j | MB/s | vs -j 1 | CPU s | peak RSS |", "|---|---|---|---|---|---|"]
    for name, p in (("plain", path), ("gzip", gz_path)):
        best, cpu, rss = {}, {}, {}
        for _ in range(3):
            for j in counts:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t, kib = scan(build, smtpcode, p, j)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                if t < best.get(j, float("inf")):
                    best[j], cpu[j], rss[j] = t, used, kib
        for j in counts:
            out.append(f"| {name} | {j} | {size / best[j] / 1e6:.0f} | {best[1] / best[j]:.2f}x | {cpu[j]:.2f} | "
                       f"{rss[j] / 1024:.1f} MiB |")
    same = True
    for p in (path, gz_path):
        digests = set()
        for j in counts:
            r = subprocess.run([smtpcode, "scan", "-j", str(j), "--format", "jsonl", p], capture_output=True)
            digests.add(hashlib.sha256(r.stdout).hexdigest())
        same = same and len(digests) == 1
    out += ["", "The output of every -j is the same, byte for byte, plain and gzip." if same else
            "THE OUTPUTS DIFFER between -j values.", ""]
    return out


def gzipped(build, path):
    gz = path + ".gz"
    if not os.path.exists(gz):
        with open(path, "rb") as f, gzip.open(gz + ".tmp", "wb", compresslevel=6) as g:
            shutil.copyfileobj(f, g)
        os.replace(gz + ".tmp", gz)
    return gz


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", type=int, default=100, help="corpus size in MB (default 100)")
    ap.add_argument("--no-1gb", action="store_true", help="skip the 1 GB memory check")
    ap.add_argument("--mbox", help="bounce messages to read (default: the test fixtures, repeated to --size MB)")
    ap.add_argument("--jobs-only", action="store_true", help="measure scan -j N beside -j 1, nothing else")
    ap.add_argument("--update-docs", action="store_true", help="write the report into docs/performance.md")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    tests = os.path.join(build, "tests", "bench")
    smtpcode = os.path.join(build, "src", "cli", "smtpcode")
    big = corpus(build, args.size)

    jobs_report = [f"Machine: {machine()}.", ""] + jobs(build, smtpcode, big, gzipped(build, big))
    if args.jobs_only:
        print("\n".join(jobs_report))
        if args.update_docs:
            update_doc("\n".join(jobs_report), "<!-- bench-jobs:start -->", "<!-- bench-jobs:end -->")
        return

    report = [f"Machine: {machine()}.", ""]
    out = subprocess.run([os.path.join(tests, "bench_classify"), big], capture_output=True, text=True, check=True).stdout
    re2c = os.path.join(tests, "bench_classify_re2c")
    if os.path.exists(re2c):
        extra = subprocess.run([re2c, big], capture_output=True, text=True, check=True).stdout
        out += "".join(line + "\n" for line in extra.splitlines() if line.startswith("| re2c"))
    report += ["Classification (`tests/bench/bench_classify`):", "", out.rstrip(), ""]

    lookups = subprocess.run([os.path.join(tests, "bench_lookup")], capture_output=True, text=True, check=True).stdout
    report += ["Lookups (`tests/bench/bench_lookup`, ns a call):", "", "```", lookups.rstrip(), "```", ""]

    linear = subprocess.run([os.path.join(tests, "bench_linear")], capture_output=True, text=True, check=True).stdout
    report += ["Bounded work (`tests/bench/bench_linear`, CPU time, best of 5), " + linear.rstrip(), ""]

    times = [scan(build, smtpcode, big)[0] for _ in range(3)]
    size = os.path.getsize(big)
    report += [f"`smtpcode scan --format jsonl` end to end, {size / 1e6:.0f} MB to /dev/null, best of 3: "
               f"{size / min(times) / 1e6:.0f} MB/s.", ""]

    small = corpus(build, 10)
    _, rss_small = scan(build, smtpcode, small)
    line = f"Peak RSS of scan: {rss_small / 1024:.1f} MiB on 10 MB"
    if not args.no_1gb:
        huge = repeated(build, big, 1000)
        t, rss_huge = scan(build, smtpcode, huge)
        line += (f", {rss_huge / 1024:.1f} MiB on {os.path.getsize(huge) / 1e9:.1f} GB "
                 f"({os.path.getsize(huge) / t / 1e6:.0f} MB/s)")
    report += [line + ".", ""]
    report += messages(build, tests, smtpcode, os.path.abspath(args.mbox) if args.mbox else fixture_mbox(build, args.size))
    text = "\n".join(report)
    print(text)
    print("\n".join(jobs_report))

    if args.update_docs:
        update_doc(text, "<!-- bench:start -->", "<!-- bench:end -->")
        update_doc("\n".join(jobs_report), "<!-- bench-jobs:start -->", "<!-- bench-jobs:end -->")

if __name__ == "__main__":
    main()
