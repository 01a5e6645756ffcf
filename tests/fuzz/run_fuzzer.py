"""Runs one libFuzzer harness for a bounded time and reports it as TAP.

Seeds and a dictionary are made from data/ on each run (the samples dressed
in their carriers; the phrases, tokens, markers and codes), so they follow
the data. Inputs under tests/fuzz/regressions/NAME/ are replayed first:
every crash ever found stays a test.

usage: run_fuzzer.py HARNESS NAME SECONDS DATADIR REGRESSIONS_DIR ARTIFACT_DIR
(FUZZ_SECONDS in the environment overrides SECONDS)
"""

import os
import re
import subprocess
import sys
import tempfile

import smtpcode_data
from fuzz_corpus import dictionary, long_seeds, messages, seeds

HARNESS, NAME, SECONDS, DATADIR, REGRESSIONS, ARTIFACTS = sys.argv[1:7]
SECONDS = os.environ.get("FUZZ_SECONDS", SECONDS)  # a shorter run by hand: FUZZ_SECONDS=10

# The longest input of each harness: long enough for work that grows faster
# than the input to pass the harness's time limit (fuzz_check.h), which a
# fuzzer that never grew inputs past a few kilobytes could not see. The
# code parsers read at most 9 bytes.
MAX_LEN = {"codes": 4096, "reply": 65536, "json": 65536, "classify": 262144, "message": 262144, "scan": 262144,
           "charset": 65536}
# Long seeds: each input of tests/linear_shapes.h at these lengths, so that
# long inputs are there from the first second (-len_control=0 lets the
# mutations keep them long).
LONG_SEEDS = {"reply": (65536,), "classify": (16384, 262143), "message": (16384, 262144), "scan": (16384, 262143)}


def main():
    data = smtpcode_data.load(DATADIR)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{NAME}-") as tmp:
        corpus = os.path.join(tmp, "corpus")
        seed_dir = os.path.join(tmp, "seeds")
        os.makedirs(corpus)
        os.makedirs(seed_dir)
        if NAME in ("message", "scan"):
            testdata = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
            inputs = messages(data, testdata) + [s.encode("utf-8") for s in seeds(data)[-400:]]
        else:
            inputs = [s.encode("utf-8") for s in seeds(data)]
        for size in LONG_SEEDS.get(NAME, ()):
            inputs += long_seeds(size)
        for i, payload in enumerate(inputs):
            if NAME == "classify":
                payload = bytes([i % 7]) + payload  # the harness reads the stage from byte 0
            elif NAME == "scan":
                payload = bytes([i % 4]) + payload  # byte 0: --dsn, --all and the stage
            with open(os.path.join(seed_dir, f"seed{i:05d}"), "wb") as f:
                f.write(payload)
        dict_path = os.path.join(tmp, "dict")
        with open(dict_path, "w", encoding="utf-8") as f:
            f.write(dictionary(data))

        n = 0
        regress = os.path.join(REGRESSIONS, NAME)
        if os.path.isdir(regress):
            files = sorted(os.path.join(regress, f) for f in os.listdir(regress) if not f.startswith("."))
            if files:
                r = subprocess.run([HARNESS, *files], capture_output=True, text=True)
                n += 1
                status = "ok" if r.returncode == 0 else "not ok"
                print(f"{status} {n} - {NAME}: {len(files)} regression inputs replayed", flush=True)
                if r.returncode:
                    print("# " + "\n# ".join(r.stderr.splitlines()[-30:]))

        # scan's warnings on standard error are noise here.
        whole = NAME in ("message", "scan")
        r = subprocess.run([HARNESS, f"-max_total_time={SECONDS}", f"-max_len={MAX_LEN[NAME]}",
                            f"-len_control={100 if NAME == 'codes' else 0}",
                            f"-close_fd_mask={2 if whole else 0}", f"-dict={dict_path}",
                            "-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048",
                            f"-artifact_prefix={os.path.join(ARTIFACTS, NAME + '-')}", corpus, seed_dir],
                           capture_output=True, text=True)
        stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", r.stderr))
        n += 1
        runs, rate = stats.get("number_of_executed_units", "?"), stats.get("average_exec_per_sec", "?")
        made = [os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus)]
        if r.returncode == 0:
            print(f"ok {n} - {NAME}: {runs} executions in {SECONDS} s ({rate}/s), no finding; "
                  f"{len(made)} inputs kept, the longest {max(made, default=0)} bytes")
        else:
            print(f"not ok {n} - {NAME}: finding after {runs} executions; input saved under {ARTIFACTS}; "
                  f"minimise it and add it to tests/fuzz/regressions/{NAME}/")
            print("# " + "\n# ".join(r.stderr.splitlines()[-40:]))
        print(f"1..{n}")
        sys.exit(0 if r.returncode == 0 else 1)


if __name__ == "__main__":
    main()
