"""The glossary site (build/site): every code, reason, action and vendor in
data/ has its page; every page is well-formed HTML with lang, one h1, unique
ids, labelled controls and alt text; every internal link and anchor
resolves and nothing is loaded from elsewhere; vendor text is escaped; each
page's outcome is the CLI's; the palette passes WCAG AA; a second build is
identical byte for byte. With node: the WebAssembly explainer answers as
the CLI does for every vendor reply and more, and search ranks as it should.

usage: test_site.py SITE_DIR MANIFEST DATADIR WEBDIR SMTPCODE GEN_SITE [WASM]
"""

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import smtpcode_data
import tap

SITE, MANIFEST, DATADIR, WEBDIR, SMTPCODE, GEN_SITE = sys.argv[1:7]
WASM = sys.argv[7] if len(sys.argv) > 7 else None
HERE = os.path.dirname(os.path.abspath(__file__))
NODE = shutil.which("node") or shutil.which("nodejs")
DATA = smtpcode_data.load(DATADIR)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What the checks need from one page; problems found while parsing."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.stack, self.problems = [], []
        self.ids, self.links, self.resources = [], [], []
        self.h1 = 0
        self.lang = None
        self.labels, self.controls = set(), []
        self.inline_scripts = []
        self.outcomes, self.vendor_codes = [], []
        self._script = None
        self.text = []

    def where(self):
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append((tag, self.where()))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and "src" in a:
            self.resources.append(a["src"])
        if tag == "link" and "href" in a:
            self.resources.append(a["href"])
        if tag == "img" and not a.get("alt"):
            self.problems.append(f"{self.where()}: <img> without alt text")
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            self.controls.append((a.get("id"), "aria-label" in a, self.where()))
        if tag == "script" and "src" not in a:
            self._script = []
        if tag == "dl" and "data-code" in a:
            self.outcomes.append(a)
        if tag == "li" and "data-code" in a:
            self.vendor_codes.append(a)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.problems.append(f"{self.where()}: <{tag}/> is not a void element")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"{self.where()}: </{tag}> closes a void element")
            return
        if not self.stack:
            self.problems.append(f"{self.where()}: </{tag}> with nothing open")
            return
        open_tag, at = self.stack.pop()
        if open_tag != tag:
            self.problems.append(f"{self.where()}: </{tag}> closes <{open_tag}> opened at {at}")
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)

    def check(self):
        if self.stack:
            self.problems.append("unclosed: " + ", ".join(f"<{t}> from {at}" for t, at in self.stack))
        dups = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if dups:
            self.problems.append(f"ids used more than once: {', '.join(dups)}")
        if self.h1 != 1:
            self.problems.append(f"{self.h1} <h1> elements; a page has exactly one")
        if not self.lang:
            self.problems.append("<html> has no lang")
        for cid, aria, at in self.controls:
            if not aria and (cid is None or cid not in self.labels):
                self.problems.append(f"{at}: a form control without a label")
        return self.problems


def parse(path):
    p = Page(path)
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p


def html_files(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/") for f in files if f.endswith(".html")]
    return sorted(out)


PAGES = {rel: parse(os.path.join(SITE, rel)) for rel in html_files(SITE)}


def manifest():
    with open(MANIFEST, encoding="utf-8") as f:
        return [line.split(" ", 2) for line in f.read().splitlines()]


class Coverage(unittest.TestCase):
    def test_every_code_reason_action_vendor_has_its_page(self):
        want = [f"code/{e['code']}.html" for e in DATA.basic]
        want += [f"enhanced/{e['code']}.html" for e in DATA.enhanced]
        want += [f"{kind}/{e['name']}.html" for kind in ("reason", "action") for e in DATA.taxonomy[kind]]
        want += [f"vendor/{v['id']}.html" for v in DATA.vendors]
        want += ["index.html", "search.html", "explain.html"]
        missing = [p for p in want if p not in PAGES]
        self.assertEqual(missing, [])

    def test_every_bounce_verdict_and_vendor_code_has_its_anchor(self):
        ids = set(PAGES["index.html"].ids)
        for kind in ("bounce", "verdict"):
            for e in DATA.taxonomy[kind]:
                self.assertIn(f"{kind}-{e['name']}", ids)
        for vc in DATA.vendor_codes:
            self.assertIn("code-" + vc["first"].replace(".", "-"), PAGES[f"vendor/{vc['vendor']}.html"].ids)

    def test_every_sample_is_on_its_vendor_page(self):
        for v in DATA.vendors:
            n = sum(1 for s in DATA.samples if s["vendor"] == v["id"])
            ids = PAGES[f"vendor/{v['id']}.html"].ids
            self.assertEqual(len([i for i in ids if i.startswith("sample-")]), n, v["id"])


class Markup(unittest.TestCase):
    def test_pages_are_well_formed_and_accessible(self):
        for rel, p in PAGES.items():
            with self.subTest(page=rel):
                self.assertEqual(p.check(), [])

    def test_the_only_inline_script_is_the_theme(self):
        for rel, p in PAGES.items():
            with self.subTest(page=rel):
                self.assertEqual(len(p.inline_scripts), 1)
                self.assertIn("smtpcode-theme", p.inline_scripts[0])


class Links(unittest.TestCase):
    def resolve(self, page, href):
        """(file, anchor) of an internal link, relative to the site."""
        u = urlsplit(href)
        target = page if not u.path else posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(u.path)))
        return target, unquote(u.fragment)

    def test_internal_links_and_anchors_resolve(self):
        broken = []
        for rel, p in PAGES.items():
            for href in p.links:
                if re.match(r"^(https?|mailto):", href):
                    continue
                target, anchor = self.resolve(rel, href)
                if target.startswith("../") or not os.path.isfile(os.path.join(SITE, target)):
                    broken.append(f"{rel}: {href}: no such file")
                elif anchor and (target not in PAGES or anchor not in PAGES[target].ids):
                    broken.append(f"{rel}: {href}: no id '{anchor}' in {target}")
        self.assertEqual(broken, [])

    def test_external_links_are_http_and_rfcs_point_to_the_rfc_editor(self):
        for rel, p in PAGES.items():
            for href in p.links:
                if "://" in href:
                    self.assertRegex(href, r"^https?://", f"{rel}: {href}")
                if "rfc-editor" in href:
                    self.assertRegex(href, r"^https://www\.rfc-editor\.org/rfc/rfc[0-9]+$")

    def test_nothing_is_loaded_from_elsewhere(self):
        for rel, p in PAGES.items():
            for src in p.resources:
                with self.subTest(page=rel, src=src):
                    self.assertNotRegex(src, r"^(//|[a-z]+:)", "pages load their scripts and styles from the site")
                    target, _ = self.resolve(rel, src)
                    self.assertTrue(os.path.isfile(os.path.join(SITE, target)), src)
        with open(os.path.join(SITE, "style.css"), encoding="utf-8") as f:
            css = f.read()
        self.assertNotIn("@import", css)
        self.assertNotRegex(css, r"url\(", "the stylesheet loads no fonts or images")
        for name in os.listdir(SITE):
            if name.endswith(".js"):
                with open(os.path.join(SITE, name), encoding="utf-8") as f:
                    js = f.read()
                found = re.search(r"\bfetch\(|XMLHttpRequest|\bimport\(", js)
                self.assertIsNone(found, f"{name} loads something, which file:// refuses")


class Content(unittest.TestCase):
    def test_vendor_text_is_escaped(self):
        """Every reply with markup in it shows it as text on its vendor page."""
        for v in DATA.vendors:
            with open(os.path.join(SITE, "vendor", f"{v['id']}.html"), encoding="utf-8") as f:
                page = f.read()
            text = " ".join(" ".join(PAGES[f"vendor/{v['id']}.html"].text).split())
            for s in DATA.samples:
                if s["vendor"] == v["id"] and "<" in s["text"]:
                    self.assertIn(s["text"], text)
                    self.assertNotIn(s["text"], page)

    def test_a_reply_holding_a_script_renders_as_text(self):
        sys.path.insert(0, os.path.join(HERE, "site"))
        import hostile
        with tempfile.TemporaryDirectory() as tmp:
            path, text, anchor = hostile.build(GEN_SITE, DATADIR, tmp, SMTPCODE)
            p = parse(path)
            self.assertEqual(p.check(), [])
            self.assertIn(anchor, p.ids)
            self.assertEqual(len(p.inline_scripts), 1, "the reply's <script> became an element")
            self.assertIn(text, " ".join(" ".join(p.text).split()))
            with open(path, encoding="utf-8") as f:
                self.assertIn("&lt;script&gt;window.smtpcodeHostile", f.read())

    def test_outcomes_are_the_clis(self):
        """Reason, action, bounce and verdict of every basic code and of
        every detail code in each of its classes, as `smtpcode --json`."""
        shown = {o["data-code"]: o for p in PAGES.values() for o in p.outcomes}
        self.assertGreater(len(shown), len(DATA.basic) + len(DATA.enhanced))
        r = subprocess.run([SMTPCODE, "--json"] + sorted(shown), capture_output=True, text=True, timeout=60)
        self.assertEqual(r.stderr, "")
        for line in r.stdout.splitlines():
            cli = json.loads(line)
            page = shown[cli["query"]]
            with self.subTest(code=cli["query"]):
                self.assertEqual([page[f"data-{k}"] for k in ("reason", "action", "bounce", "verdict")],
                                 [cli[k] for k in ("reason", "action", "bounce", "verdict")])

    def test_vendor_codes_decide_as_in_the_classifier(self):
        """A vendor's own code shown with its outcome: the library gives the
        same when that code decides a reply recognised as the vendor's."""
        phrases = {p["text"] for p in DATA.phrases}
        decided = 0
        for v in DATA.vendors:
            shown = PAGES[f"vendor/{v['id']}.html"].vendor_codes
            # A fingerprint that names the vendor without being a phrase that decides.
            mark = next((f for f in v["fingerprints"] if smtpcode_data.fold(f) not in phrases), None)
            for vc in shown:
                code = vc["data-code"]
                text = f"{451 if code[0] == '4' else 550} {code} {mark}"
                with self.subTest(vendor=v["id"], code=code):
                    if mark is None:
                        self.skipTest("every fingerprint of the vendor is also a phrase")
                    r = subprocess.run([SMTPCODE, "explain", "--json", "--", text], capture_output=True, text=True,
                                       timeout=30)
                    cli = json.loads(r.stdout)
                    self.assertEqual(cli["vendor"], v["id"])
                    if cli["decided_by"] != "vendor-code":
                        continue
                    decided += 1
                    self.assertEqual([vc[f"data-{k}"] for k in ("reason", "action", "bounce")],
                                     [cli[k] for k in ("reason", "action", "bounce")])
        print(f"# {decided} of {len(DATA.vendor_codes)} vendor codes decided a reply on their own")
        self.assertGreater(decided, len(DATA.vendor_codes) // 2, "most vendor codes decide on their own")

    def test_palette_passes_wcag_aa(self):
        with open(os.path.join(WEBDIR, "palette.toml"), "rb") as f:
            palette = tomllib.load(f)

        def luminance(colour):
            def channel(c):
                c /= 255
                return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

        for theme in ("light", "dark"):
            self.assertEqual(set(palette[theme]), set(palette["light"]), f"{theme} names other colours")
            for fg, bg, minimum in palette["check"]["pairs"]:
                hi, lo = sorted((luminance(palette[theme][fg]), luminance(palette[theme][bg])), reverse=True)
                ratio = (hi + 0.05) / (lo + 0.05)
                with self.subTest(theme=theme, fg=fg, bg=bg):
                    self.assertGreaterEqual(ratio, minimum)

    def test_size(self):
        """Not a limit: the numbers, for the record."""
        rows = manifest()
        pages = [(int(n), p) for n, _, p in rows if p.endswith(".html")]
        biggest = max(pages)
        print(f"# {len(pages)} pages, {len(rows)} files, {sum(int(n) for n, _, _ in rows)} bytes in all; "
              f"largest page {biggest[1]} ({biggest[0]} bytes)")
        self.assertEqual(len(pages), len(PAGES))


class Reproducible(unittest.TestCase):
    def test_a_second_build_is_identical(self):
        with tempfile.TemporaryDirectory() as tmp:
            version = re.search(r'content="smtpcode (\S+),', open(os.path.join(SITE, "index.html"),
                                                                     encoding="utf-8").read()).group(1)
            args = [sys.executable, GEN_SITE, DATADIR, WEBDIR, os.path.join(tmp, "site"),
                    os.path.join(tmp, "manifest.txt"), "--version", version, "--smtpcode", SMTPCODE] + \
                (["--wasm", WASM] if WASM else [])
            subprocess.run(args, check=True, timeout=120)
            with open(os.path.join(tmp, "manifest.txt"), encoding="utf-8") as f:
                again = {p: (n, digest) for n, digest, p in (line.split(" ", 2) for line in f.read().splitlines())}
            first = {p: (n, digest) for n, digest, p in manifest()}
            self.assertEqual(sorted(set(first) ^ set(again)), [], "files only in one build")
            self.assertEqual([p for p in first if first[p] != again[p]], [], "files that differ")
            for rel in first:
                with open(os.path.join(tmp, "site", rel), "rb") as f, open(os.path.join(SITE, rel), "rb") as g:
                    self.assertTrue(f.read() == g.read(), f"{rel} differs from its manifest entry")


def node(script, payload):
    r = subprocess.run([NODE, os.path.join(HERE, "site", script), SITE], input=json.dumps(payload),
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"node {script} failed:\n{r.stderr}")
    return json.loads(r.stdout)


# Inputs beyond the vendor replies: log lines, DSN fields, several lines,
# text with no code, a stage given.
EXTRA = [
    ("550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 Please try again. - gsmtp", None),
    ("Nov 27 10:00:00 mx postfix/smtp[123]: ABC: to=<user@example.com>, relay=mx.example.com[192.0.2.1]:25, "
     "status=bounced (host mx.example.com[192.0.2.1] said: 550 5.7.1 Service unavailable; client "
     "[198.51.100.7] blocked using zen.spamhaus.org (in reply to RCPT TO command))", None),
    ("Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\nStatus: 5.2.2\nRemote-MTA: dns; mx.example.com", None),
    ("mailbox is full", None),
    ("421 Too many connections from your IP, try later", "connect"),
    ("550 Requested action not taken", "rcpt"),
    ("452 4.5.3 Too many recipients", None),
    ("hello there", None),
    ("", None),
]
CLI_FIELDS = ("code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce", "verdict",
              "decided_by", "matched", "carrier", "reply", "flags", "classified", "recipient", "queue_id", "timestamp",
              "log_status")
RECIPIENT_FIELDS = ("recipient", "dsn_action", "report", "feedback_type", "line", "truncated")
# Whole messages pasted in: the test fixtures (tests/data and tests/data/messages), each a
# bounce as mail systems write them.
MESSAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
MESSAGES = [open(os.path.join(d, name), encoding="utf-8", errors="replace").read()
            for d in (MESSAGE_DIR, os.path.join(MESSAGE_DIR, "messages"))
            for name in sorted(os.listdir(d)) if name.endswith((".eml", ".mbox"))]


@unittest.skipUnless(NODE, "node is not installed")
class Node(unittest.TestCase):
    @unittest.skipUnless(WASM, "the site was built without WebAssembly (no clang or wasm-ld)")
    def test_explainer_answers_as_the_cli(self):
        inputs = [(" ".join(str(x) for x in (s["code"], s["enhanced"], s["text"]) if x), s.get("stage"))
                  for s in DATA.samples] + EXTRA + [(message, None) for message in MESSAGES]
        answers = node("explain.mjs", [{"text": t, "stage": st} for t, st in inputs])
        self.assertEqual(len(answers), len(inputs))
        for (text, stage), got in zip(inputs, answers):
            with self.subTest(text=text[:70], stage=stage):
                args = [SMTPCODE, "explain", "--json"] + (["--stage", stage] if stage else []) + ["--", text]
                r = subprocess.run(args, capture_output=True, text=True, timeout=30)
                cli = json.loads(r.stdout)
                if got["kind"] == "reply":
                    self.assertNotIn("messages", cli)
                    [one] = got["answers"]
                    self.assertEqual(one["record"], {k: cli[k] for k in CLI_FIELDS})
                    continue
                # A whole message: the same recipients, each with the same answer.
                self.assertEqual(got["kind"], cli["input"])
                want = [rec for m in cli["messages"] for rec in m["recipients"]]
                self.assertEqual(len(got["answers"]), len(want))
                for a, w in zip(got["answers"], want):
                    self.assertEqual(a["record"], {k: w[k] for k in CLI_FIELDS})
                    self.assertEqual({k: a["recipient"][k] for k in RECIPIENT_FIELDS},
                                     {k: w[k] for k in RECIPIENT_FIELDS})
                self.assertEqual(got["problems"], [m["problems"] for m in cli["messages"]])

    def test_search_ranks_what_people_type(self):
        expect = {
            "5.7.26": "enhanced/X.7.26.html#class-5",
            "550 5.7.26": "enhanced/X.7.26.html#class-5",
            "x.1.1": "enhanced/X.1.1.html",
            "550": "code/550.html",
            "dmarc": "reason/auth-dmarc.html",
            "TSS04": "vendor/yahoo.html",
            "user unknown": "reason/user-unknown.html",
            "greylisted": "reason/greylisted.html",
            "5.7.606": "vendor/microsoft365.html#code-5-7-606",
        }
        results = node("search.mjs", list(expect))
        for (q, url), got in zip(expect.items(), results):
            with self.subTest(query=q):
                self.assertTrue(got, "no results")
                self.assertEqual(got[0][0], url)
        mailbox_full = node("search.mjs", ["mailbox full"])[0]
        self.assertIn("reason/mailbox-full.html", [r[0] for r in mailbox_full[:2]])
        self.assertEqual(node("search.mjs", ["zzzz qqqq"]), [[]])

    def test_long_queries_do_not_freeze_the_page(self):
        """A 10,000-word query took 6.7 s: the words searched are capped, so
        a query 100 times longer costs no more (CPU time in one process)."""
        r = node("search_limits.mjs", {})
        small, _, large = r["ms"]
        self.assertLess(large, 3 * max(small, 1.0), f"CPU ms at 100, 1,000, 10,000 words: {r['ms']}")
        self.assertTrue(r["same"], "a cut query ranks as its first words do")
        self.assertTrue(r["cut"])
        self.assertEqual(r["searched"], 12, "the first 12 distinct words")


if __name__ == "__main__":
    tap.main()
