"""The benchmark suite, one run, one report: classification against memchr
and PCRE2 on the same corpus, lookups, `smtpcode scan` end to end, and the
peak memory of scan on 10 MB and 1 GB of input.

usage: run.py BUILDDIR [--size MB] [--no-1gb] [--update-docs]
       (meson test -C BUILDDIR --benchmark --verbose runs it with the defaults)
"""

import argparse
import os
import platform
import re
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


def scan(build, smtpcode, path):
    """Wall time and peak RSS (KiB) of one `smtpcode scan --format jsonl`."""
    r = subprocess.run([os.path.join(build, "tests", "bench", "peak_rss"), smtpcode, "scan", "--format", "jsonl",
                        path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"smtpcode scan {path} failed ({r.returncode}): {r.stderr}")
    seconds, kib = r.stdout.split()
    return float(seconds), int(kib)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", type=int, default=100, help="corpus size in MB (default 100)")
    ap.add_argument("--no-1gb", action="store_true", help="skip the 1 GB memory check")
    ap.add_argument("--update-docs", action="store_true", help="write the report into docs/performance.md")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    tests = os.path.join(build, "tests", "bench")
    smtpcode = os.path.join(build, "src", "cli", "smtpcode")
    big = corpus(build, args.size)

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
    text = "\n".join(report)
    print(text)

    if args.update_docs:
        doc = os.path.join(ROOT, "docs", "performance.md")
        with open(doc, encoding="utf-8") as f:
            body = f.read()
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start not in body or end not in body:
            sys.exit(f"{doc}: markers {start} and {end} not found")
        body = body[:body.index(start) + len(start)] + "\n" + text + "\n" + body[body.index(end):]
        with open(doc, "w", encoding="utf-8") as f:
            f.write(body)
        print(f"updated {doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
