"""Prints the closing tally of a meson test run: every TAP test case counted,
as 'N passed, N failed' (non-TAP tests count once each).

usage: tally.py [--label NAME] BUILDDIR/meson-logs/testlog.json...
"""

import json
import re
import sys

args = sys.argv[1:]
label = ""
if args[:1] == ["--label"]:
    label, args = args[1] + ": ", args[2:]
passed = failed = skipped = 0
for path in args:
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            cases = re.findall(r"^((?:not )?ok\b.*)$", t.get("stdout") or "", re.M)
            if t.get("protocol") == "tap" or cases:
                for c in cases:
                    if c.startswith("not ok"):
                        failed += 1
                    elif "# SKIP" in c:
                        skipped += 1
                    else:
                        passed += 1
                if t["result"] not in ("OK", "SKIP") and not any(c.startswith("not ok") for c in cases):
                    failed += 1  # crashed or timed out before reporting a failure
            elif t["result"] == "OK":
                passed += 1
            elif t["result"] == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{label}{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
