"""A copy of data/ with one more vendor reply, whose text holds markup that a
careless page would run, and the site built from it (without WebAssembly).
test_site.py reads the page; e2e.mjs opens it in Chromium.

usage: hostile.py GEN_SITE DATADIR OUTDIR SMTPCODE   (prints the page and the text as JSON)
"""

import json
import os
import shutil
import subprocess
import sys

VENDOR = "postfix"
TEXT = ('Refused <script>window.smtpcodeHostile = 1</script> <img src=x onerror="window.smtpcodeHostile = 2"> '
        'for <user@example.com> & "friends"')
SAMPLE = f'''
[[sample]]
vendor = "{VENDOR}"
text = {json.dumps(TEXT)}
code = 550
enhanced = "5.7.1"
reason = "policy"
action = "contact-postmaster"
bounce = "block"
meaning = "A reply made up for the tests: <b>markup</b> in a vendor's meaning stays text too."
source = "https://example.com/"
'''


def build(gen_site, datadir, outdir, smtpcode):
    """Writes OUTDIR/data and OUTDIR/site; returns (vendor page, text, sample anchor)."""
    data = os.path.join(outdir, "data")
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    shutil.copytree(datadir, data)
    # Last in file-name order, so it is the vendor's last reply.
    with open(os.path.join(data, "samples", "zz-hostile.toml"), "w", encoding="utf-8") as f:
        f.write(SAMPLE)
    web = os.path.join(os.path.dirname(os.path.abspath(gen_site)), "..", "web")
    subprocess.run([sys.executable, gen_site, data, web, os.path.join(outdir, "site"),
                    os.path.join(outdir, "manifest.txt"), "--version", "0", "--smtpcode", smtpcode], check=True)
    page = os.path.join(outdir, "site", "vendor", f"{VENDOR}.html")
    with open(page, encoding="utf-8") as f:
        count = f.read().count('class="sample"')
    return page, TEXT, f"sample-{count}"


if __name__ == "__main__":
    page, text, anchor = build(*sys.argv[1:5])
    print(json.dumps({"page": page, "text": text, "anchor": anchor}))
