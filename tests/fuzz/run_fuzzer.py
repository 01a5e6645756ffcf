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

HARNESS, NAME, SECONDS, DATADIR, REGRESSIONS, ARTIFACTS = sys.argv[1:7]
SECONDS = os.environ.get("FUZZ_SECONDS", SECONDS)  # a shorter run by hand: FUZZ_SECONDS=10


def seeds(data):
    out = []
    for e in data.basic:
        out.append(str(e["code"]))
    for e in data.enhanced:
        out.append(e["code"])
        out.append("5" + e["code"][1:])
    out += ["5.01.1", "5.1.1.1", "6.1.1", "", "55", "5.1000.1", "4.9.9", "599"]
    for e in data.samples:
        reply = " ".join(str(x) for x in (e["code"], e["enhanced"]) if x) + " " + e["text"]
        out.append(reply)
        out.append(f"host mx.example.com[192.0.2.1] said: {reply} (in reply to RCPT TO command)")
        out.append(f"SMTP error from remote mail server after RCPT TO:<user@example.com>: {reply}")
        out.append(f"Action: failed\nStatus: {e['enhanced'] or '5.0.0'}\nRemote-MTA: dns; mx.example.com\n"
                   f"Diagnostic-Code: smtp; {reply}\n")
        head = reply[:3]
        out.append(f"{head}-{reply[4:40]}\r\n{head}-{reply[40:80]}\r\n{head} {reply[80:]}\r\n")
    return out


def dictionary(data):
    words = set()
    for p in data.phrases:
        words.add(p["text"])
    for v in data.vendors:
        words.update(f.lower() for f in v["fingerprints"])
    words.update(["550 ", "550-", "5.1.1 ", "\r\n", "diagnostic-code: smtp; ", " said: ", "status: ",
                  "remote-mta: dns; ", "dsn=", "stat=", "relay=", "(in reply to rcpt to command)",
                  "smtp error from remote mail server after ", "rcpt to:<a@b>: "])
    lines = []
    for w in sorted(words):
        b = w.encode("utf-8")
        if 0 < len(b) <= 64:
            lines.append('"' + "".join(chr(c) if 0x20 <= c < 0x7f and c not in (0x22, 0x5c) else f"\\x{c:02x}"
                                       for c in b) + '"')
    return "\n".join(lines) + "\n"


def main():
    data = smtpcode_data.load(DATADIR)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{NAME}-") as tmp:
        corpus = os.path.join(tmp, "corpus")
        seed_dir = os.path.join(tmp, "seeds")
        os.makedirs(corpus)
        os.makedirs(seed_dir)
        for i, s in enumerate(seeds(data)):
            payload = s.encode("utf-8")
            if NAME == "classify":
                payload = bytes([i % 7]) + payload  # the harness reads the stage from byte 0
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

        r = subprocess.run([HARNESS, f"-max_total_time={SECONDS}", "-max_len=4096", f"-dict={dict_path}",
                            "-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048",
                            f"-artifact_prefix={os.path.join(ARTIFACTS, NAME + '-')}", corpus, seed_dir],
                           capture_output=True, text=True)
        stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", r.stderr))
        n += 1
        runs, rate = stats.get("number_of_executed_units", "?"), stats.get("average_exec_per_sec", "?")
        if r.returncode == 0:
            print(f"ok {n} - {NAME}: {runs} executions in {SECONDS} s ({rate}/s), no finding")
        else:
            print(f"not ok {n} - {NAME}: finding after {runs} executions; input saved under {ARTIFACTS}; "
                  f"minimise it and add it to tests/fuzz/regressions/{NAME}/")
            print("# " + "\n# ".join(r.stderr.splitlines()[-40:]))
        print(f"1..{n}")
        sys.exit(0 if r.returncode == 0 else 1)


if __name__ == "__main__":
    main()
