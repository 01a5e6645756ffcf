"""Load and validate smtpcode's data/ directory.

Every generator imports this module and nothing else reads data/. A problem
stops the build with one line per problem: `data/FILE: ENTRY: what is wrong`.
"""

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field

TAXONOMY_KINDS = ("reason", "action", "bounce", "verdict")
BASIC_STATUSES = ("standard", "experimental", "deprecated", "registry-only")
# Which bounce types a basic code's class allows (first digit -> names).
BASIC_CLASS_BOUNCES = {
    2: {"none"},
    3: {"none"},
    4: {"soft"},
    5: {"hard", "block", "soft", "unknown"},
}
# The verdict a bounce type implies; "none" allows the positive verdicts.
BOUNCE_VERDICTS = {
    "none": {"deliverable", "risky", "unknown"},
    "soft": {"retry"},
    "hard": {"undeliverable"},
    "block": {"blocked"},
    "unknown": {"unknown"},
}
ENHANCED_CLASSES = (2, 4, 5)
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DETAIL_RE = re.compile(r"^X\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$")
SUBJECT_RE = re.compile(r"^X\.(0|[1-9][0-9]{0,2})\.X$")
CLASS_RE = re.compile(r"^([245])\.X\.X$")
BASIC_REF_RE = re.compile(r"^[2-5][0-9][0-9]$")
ENHANCED_REF_RE = re.compile(r"^([245]|X)\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2}|X)$")
URL_RE = re.compile(r"^https?://[^\s\"<>]+$")
HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


class DataError(Exception):
    """All the problems found in data/, one per line."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Data:
    meta: dict
    classes: dict            # "class"/"category" -> {digit: entry}
    taxonomy: dict           # kind -> list of entries, in file order
    commands: list
    basic: list              # sorted by code
    enhanced: list           # class rows, subject rows, detail rows by (subject, detail)
    vendors: list
    samples: list
    phrases: list
    vendor_codes: list
    names: dict = field(default_factory=dict)   # kind -> {name: index}

    def index(self, kind, name):
        return self.names[kind][name]


class _Checker:
    def __init__(self, datadir):
        self.datadir = datadir
        self.problems = []

    def problem(self, path, entry, message):
        self.problems.append(f"{path}: {entry}: {message}")

    def load(self, name):
        path = os.path.join(self.datadir, name)
        shown = os.path.join("data", name)
        try:
            with open(path, "rb") as f:
                return shown, tomllib.load(f)
        except FileNotFoundError:
            self.problems.append(f"{shown}: file is missing")
        except tomllib.TOMLDecodeError as e:
            self.problems.append(f"{shown}: not valid TOML: {e}")
        except UnicodeDecodeError as e:
            self.problems.append(f"{shown}: not valid UTF-8: {e}")
        return shown, None

    def entries(self, path, doc, table):
        """The [[table]] entries of a document, checking their shape."""
        if doc is None:
            return []
        items = doc.get(table)
        if not isinstance(items, list) or not items:
            self.problem(path, f"[[{table}]]", "no entries (expected an array of tables)")
            return []
        unknown = sorted(set(doc) - {table})
        for key in unknown:
            self.problem(path, key, f"unexpected top-level key (only [[{table}]] belongs here)")
        return [e for e in items if isinstance(e, dict)]

    # Field checks. Each returns the value, or None after recording a problem.
    def text(self, path, entry, e, key, required=True, sentence=False, maxlen=None):
        v = e.get(key)
        if v is None:
            if required:
                self.problem(path, entry, f"missing field '{key}'")
            return None
        if not isinstance(v, str):
            self.problem(path, entry, f"'{key}' must be a string")
            return None
        if required and not v.strip():
            self.problem(path, entry, f"'{key}' is empty")
            return None
        if v != v.strip() or "  " in v or "\n" in v or "\t" in v:
            self.problem(path, entry, f"'{key}' has stray whitespace (leading, trailing, doubled or a line break)")
        if any(ord(c) < 0x20 or ord(c) == 0x7f for c in v):
            self.problem(path, entry, f"'{key}' contains a control character")
        if sentence and v and v[-1] not in ".!?)":
            self.problem(path, entry, f"'{key}' should end with a full stop")
        if maxlen and len(v) > maxlen:
            self.problem(path, entry, f"'{key}' is {len(v)} characters; keep it under {maxlen}")
        return v

    def text_list(self, path, entry, e, key, allow_empty=True):
        v = e.get(key)
        if v is None:
            self.problem(path, entry, f"missing field '{key}'")
            return []
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.problem(path, entry, f"'{key}' must be a list of non-empty strings")
            return []
        if not v and not allow_empty:
            self.problem(path, entry, f"'{key}' is empty")
        if len(set(v)) != len(v):
            self.problem(path, entry, f"'{key}' lists an item twice")
        return v

    def int_list(self, path, entry, e, key, lo, hi):
        v = e.get(key)
        if v is None:
            self.problem(path, entry, f"missing field '{key}'")
            return []
        if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            self.problem(path, entry, f"'{key}' must be a list of integers")
            return []
        for x in v:
            if not lo <= x <= hi:
                self.problem(path, entry, f"'{key}' has {x}, outside {lo}..{hi}")
        if len(set(v)) != len(v):
            self.problem(path, entry, f"'{key}' lists an item twice")
        return v

    def name(self, path, entry, e, key, names):
        v = e.get(key)
        if v is None:
            self.problem(path, entry, f"missing field '{key}'")
            return None
        if v not in names:
            self.problem(path, entry, f"unknown {key} '{v}' (not defined in data/taxonomy.toml)")
            return None
        return v

    def unknown_keys(self, path, entry, e, allowed):
        for key in sorted(set(e) - set(allowed)):
            self.problem(path, entry, f"unknown field '{key}'")


def _enhanced_sort_key(e):
    code = e["code"]
    if CLASS_RE.match(code):
        return (0, int(code[0]), 0)
    _, s, d = code.split(".")
    if d == "X":
        return (1, int(s), 0)
    return (2, int(s), int(d))


def load(datadir):
    """Reads and validates every file; returns Data or raises DataError."""
    c = _Checker(datadir)

    meta_path, meta = c.load("meta.toml")
    if meta is not None:
        for key in ("version", "registry_date", "registry_url"):
            if not isinstance(meta.get(key), str) or not meta[key]:
                c.problem(meta_path, key, "missing or not a string")
        if isinstance(meta.get("registry_date"), str) and not re.match(r"^\d{4}-\d{2}-\d{2}$", meta["registry_date"]):
            c.problem(meta_path, "registry_date", "must be YYYY-MM-DD")
    meta = meta or {}

    # Taxonomy first: every other file refers to its names.
    tax_path, tax = c.load("taxonomy.toml")
    taxonomy, names = {}, {}
    for kind in TAXONOMY_KINDS + ("command",):
        items = []
        seen = {}
        for i, e in enumerate((tax or {}).get(kind, []) if tax else []):
            n = e.get("name")
            entry = f"[[{kind}]] #{i + 1}" if not isinstance(n, str) else f"{kind} '{n}'"
            if not isinstance(n, str):
                c.problem(tax_path, entry, "missing field 'name'")
                continue
            if kind != "command" and not NAME_RE.match(n):
                c.problem(tax_path, entry, "name must be kebab-case ([a-z0-9-])")
            if n in seen:
                c.problem(tax_path, entry, "duplicate name")
                continue
            seen[n] = len(items)
            items.append(e)
        if tax is not None and not items:
            c.problem(tax_path, f"[[{kind}]]", "no entries")
        taxonomy[kind] = items
        names[kind] = seen
    if tax is not None:
        for key in sorted(set(tax) - set(TAXONOMY_KINDS) - {"command"}):
            c.problem(tax_path, key, "unexpected top-level key")
    for kind in TAXONOMY_KINDS + ("command",):
        for e in taxonomy[kind]:
            entry = f"{kind} '{e['name']}'"
            if kind == "command":
                c.unknown_keys(tax_path, entry, e, ("name", "description"))
                c.text(tax_path, entry, e, "description", sentence=True)
                continue
            allowed = ["name", "title", "description"]
            c.text(tax_path, entry, e, "title", maxlen=60)
            c.text(tax_path, entry, e, "description", sentence=True)
            if kind == "reason":
                allowed += ["action", "bounce", "soft_because", "temporary_only"]
                c.name(tax_path, entry, e, "action", names["action"])
                bounce = c.name(tax_path, entry, e, "bounce", names["bounce"])
                because = c.text(tax_path, entry, e, "soft_because", required=False, sentence=True)
                if bounce == "soft" and not because:
                    c.problem(tax_path, entry, "bounce 'soft' for a 5xx needs 'soft_because': why senders rightly "
                              "treat this reason as temporary although the code says the failure is permanent")
                if because and bounce != "soft":
                    c.problem(tax_path, entry, "'soft_because' explains a soft bounce, but bounce is not 'soft'")
                temporary = e.get("temporary_only", False)
                if not isinstance(temporary, bool):
                    c.problem(tax_path, entry, "'temporary_only' must be true or false")
                elif temporary and bounce == "soft":
                    c.problem(tax_path, entry, "a temporary-only reason is contradicted by a 5xx: its 5xx bounce "
                              "cannot be 'soft'")
            c.unknown_keys(tax_path, entry, e, allowed)
    for kind, required in (("reason", "unknown"), ("reason", "accepted"), ("bounce", "none"),
                           ("bounce", "unknown"), ("verdict", "unknown"), ("action", "none")):
        if tax is not None and required not in names[kind]:
            c.problem(tax_path, f"{kind} '{required}'", "required entry is missing")

    classes = _load_classes(c)
    basic = _load_basic(c, names)
    enhanced = _load_enhanced(c, names)
    vendors = _load_vendors(c)
    samples = _load_samples(c, names, {v["id"] for v in vendors})
    phrases = _load_phrases(c, names, {v["id"] for v in vendors}, vendors)
    vendor_codes = _load_vendor_codes(c, names, {v["id"] for v in vendors})
    _check_related(c, basic, enhanced)
    _check_soft_5xx(c, taxonomy["reason"], basic, enhanced, phrases, vendor_codes, samples)

    if c.problems:
        raise DataError(c.problems)
    return Data(meta=meta, classes=classes, taxonomy=taxonomy, commands=taxonomy.pop("command"),
                basic=basic, enhanced=enhanced, vendors=vendors, samples=samples,
                phrases=phrases, vendor_codes=vendor_codes, names=names)


def _load_classes(c):
    path, doc = c.load("classes.toml")
    out = {}
    for kind, digits in (("class", range(2, 6)), ("category", range(0, 6))):
        seen = {}
        for i, e in enumerate((doc or {}).get(kind, [])):
            d = e.get("digit")
            entry = f"{kind} {d}" if isinstance(d, int) else f"[[{kind}]] #{i + 1}"
            if d not in digits or isinstance(d, bool):
                c.problem(path, entry, f"'digit' must be one of {', '.join(map(str, digits))}")
                continue
            if d in seen:
                c.problem(path, entry, "duplicate digit")
                continue
            c.unknown_keys(path, entry, e, ("digit", "title", "meaning"))
            c.text(path, entry, e, "title", maxlen=60)
            c.text(path, entry, e, "meaning", sentence=True)
            seen[d] = e
        if doc is not None:
            for d in digits:
                if d not in seen:
                    c.problem(path, f"{kind} {d}", "missing")
        out[kind] = seen
    return out


def _load_basic(c, names):
    path, doc = c.load("basic.toml")
    out, seen = [], set()
    allowed = ("code", "status", "title", "meaning", "causes", "action", "advice", "reason",
               "bounce", "verdict", "rfc", "commands", "related", "notes", "specific", "guess")
    for i, e in enumerate(c.entries(path, doc, "basic")):
        code = e.get("code")
        if not isinstance(code, int) or isinstance(code, bool):
            c.problem(path, f"[[basic]] #{i + 1}", "missing or non-integer 'code'")
            continue
        entry = f"code {code}"
        if not 200 <= code <= 599 or code // 10 % 10 > 5:
            c.problem(path, entry, "malformed code: a basic code is 3 digits, first 2-5, second 0-5")
            continue
        if code in seen:
            c.problem(path, entry, "duplicate code")
            continue
        seen.add(code)
        c.unknown_keys(path, entry, e, allowed)
        status = e.get("status")
        if status not in BASIC_STATUSES:
            c.problem(path, entry, f"'status' must be one of {', '.join(BASIC_STATUSES)}")
        c.text(path, entry, e, "title", maxlen=70)
        c.text(path, entry, e, "meaning", sentence=True)
        c.text(path, entry, e, "advice", sentence=True)
        c.text(path, entry, e, "notes", required=False, sentence=True)
        cls = code // 100
        causes = c.text_list(path, entry, e, "causes", allow_empty=cls in (2, 3))
        rfc = c.int_list(path, entry, e, "rfc", 1, 99999)
        if status == "registry-only" and rfc:
            c.problem(path, entry, "a registry-only code has no defining RFC: 'rfc' must be []")
        if status != "registry-only" and not rfc and "rfc" in e:
            c.problem(path, entry, "'rfc' is empty; only registry-only codes have no RFC")
        commands = c.text_list(path, entry, e, "commands")
        for cmd in commands:
            if cmd not in names["command"]:
                c.problem(path, entry, f"unknown command '{cmd}' (not defined in data/taxonomy.toml)")
        c.text_list(path, entry, e, "related")
        c.name(path, entry, e, "action", names["action"])
        reason = c.name(path, entry, e, "reason", names["reason"])
        bounce = c.name(path, entry, e, "bounce", names["bounce"])
        verdict = c.name(path, entry, e, "verdict", names["verdict"])
        if bounce and bounce not in BASIC_CLASS_BOUNCES[cls]:
            c.problem(path, entry, f"bounce '{bounce}' contradicts class {cls}xx "
                      f"(allowed: {', '.join(sorted(BASIC_CLASS_BOUNCES[cls]))})")
        if bounce and verdict and bounce in BOUNCE_VERDICTS and verdict not in BOUNCE_VERDICTS[bounce]:
            c.problem(path, entry, f"verdict '{verdict}' contradicts bounce '{bounce}'")
        if reason == "accepted" and cls not in (2, 3):
            c.problem(path, entry, f"reason 'accepted' contradicts class {cls}xx")
        if cls in (2, 3) and reason and reason != "accepted":
            c.problem(path, entry, f"a {cls}xx code must have reason 'accepted', not '{reason}'")
        out.append(dict(e, causes=causes, rfc=rfc, commands=commands))
    out.sort(key=lambda e: e["code"])
    return out


def _load_enhanced(c, names):
    path, doc = c.load("enhanced.toml")
    out, seen = [], set()
    allowed = ("code", "title", "meaning", "classes", "class2", "class4", "class5", "causes",
               "action", "advice", "reason", "bounce", "basic", "basic_note", "rfc", "related",
               "deprecated", "replaced_by", "notes")
    for i, e in enumerate(c.entries(path, doc, "enhanced")):
        code = e.get("code")
        if not isinstance(code, str):
            c.problem(path, f"[[enhanced]] #{i + 1}", "missing or non-string 'code'")
            continue
        entry = f"code {code}"
        if not (DETAIL_RE.match(code) or SUBJECT_RE.match(code) or CLASS_RE.match(code)):
            c.problem(path, entry, "malformed code: expected X.s.d, X.s.X or c.X.X with no leading zeros")
            continue
        if code in seen:
            c.problem(path, entry, "duplicate code")
            continue
        seen.add(code)
        c.unknown_keys(path, entry, e, allowed)
        deprecated = e.get("deprecated", False)
        if not isinstance(deprecated, bool):
            c.problem(path, entry, "'deprecated' must be true or false")
        c.text(path, entry, e, "title", maxlen=120)
        c.text(path, entry, e, "meaning", sentence=True)
        c.text(path, entry, e, "advice", sentence=True)
        c.text(path, entry, e, "notes", required=False, sentence=True)
        c.text(path, entry, e, "basic_note", required=False)
        classes = c.int_list(path, entry, e, "classes", 2, 5)
        if not classes:
            c.problem(path, entry, "'classes' must name at least one of 2, 4, 5")
        for k in classes:
            if k not in ENHANCED_CLASSES:
                c.problem(path, entry, f"'classes' has {k}; enhanced codes have class 2, 4 or 5")
        m = CLASS_RE.match(code)
        if m and classes != [int(m.group(1))]:
            c.problem(path, entry, f"a class row is used with its own class only: classes = [{m.group(1)}]")
        for k in ENHANCED_CLASSES:
            c.text(path, entry, e, f"class{k}", required=False, sentence=True)
            if f"class{k}" in e and k not in classes:
                c.problem(path, entry, f"'class{k}' describes a class not listed in 'classes'")
        causes = c.text_list(path, entry, e, "causes", allow_empty=classes == [2])
        rfc = c.int_list(path, entry, e, "rfc", 1, 99999)
        basic = c.int_list(path, entry, e, "basic", 200, 599)
        c.text_list(path, entry, e, "related")
        c.name(path, entry, e, "action", names["action"])
        reason = c.name(path, entry, e, "reason", names["reason"])
        bounce = c.name(path, entry, e, "bounce", names["bounce"])
        if classes == [2] and (reason != "accepted" or bounce != "none"):
            c.problem(path, entry, "a success-only code must have reason 'accepted' and bounce 'none'")
        if classes and classes != [2] and bounce == "none":
            c.problem(path, entry, "a failure code cannot have bounce 'none'")
        replaced = e.get("replaced_by")
        if deprecated and not replaced:
            c.problem(path, entry, "deprecated without 'replaced_by'")
        if replaced is not None and not deprecated:
            c.problem(path, entry, "'replaced_by' given but the code is not deprecated")
        out.append(dict(e, causes=causes, rfc=rfc, basic=basic, classes=classes,
                        deprecated=deprecated is True))
    out.sort(key=_enhanced_sort_key)
    for k in ENHANCED_CLASSES:
        if doc is not None and f"{k}.X.X" not in seen:
            c.problem(path, f"code {k}.X.X", "the class row is missing")
    for e in out:
        if DETAIL_RE.match(e["code"]):
            subj = "X.%s.X" % e["code"].split(".")[1]
            if subj not in seen:
                c.problem(path, f"code {e['code']}", f"its subject row {subj} is missing")
    return out


def _load_vendors(c):
    path, doc = c.load("vendors.toml")
    out, seen = [], set()
    fingerprints, hosts = {}, {}
    for i, e in enumerate(c.entries(path, doc, "vendor")):
        vid = e.get("id")
        if not isinstance(vid, str) or not re.match(r"^[a-z][a-z0-9]*$", vid):
            c.problem(path, f"[[vendor]] #{i + 1}", "missing 'id' or not lower-case letters and digits")
            continue
        entry = f"vendor {vid}"
        if vid in seen:
            c.problem(path, entry, "duplicate id")
            continue
        seen.add(vid)
        c.unknown_keys(path, entry, e, ("id", "name", "description", "fingerprints", "hosts", "software",
                                        "postmaster"))
        c.text(path, entry, e, "name", maxlen=60)
        c.text(path, entry, e, "description", sentence=True)
        for fp in c.text_list(path, entry, e, "fingerprints"):
            key = fp.lower()
            if key in fingerprints:
                c.problem(path, entry, f"fingerprint '{fp}' is also vendor {fingerprints[key]}'s")
            fingerprints[key] = vid
        for host in (c.text_list(path, entry, e, "hosts") if "hosts" in e else []):
            if not HOST_RE.match(host):
                c.problem(path, entry, f"host '{host}' is not a lower-case domain name such as 'yahoodns.net'")
            if host in hosts:
                c.problem(path, entry, f"host '{host}' is also vendor {hosts[host]}'s")
            hosts[host] = vid
        if e.get("software", False) not in (True, False):
            c.problem(path, entry, "'software' must be true or false")
        for url in c.text_list(path, entry, e, "postmaster"):
            if not URL_RE.match(url):
                c.problem(path, entry, f"postmaster link '{url}' is not an http(s) URL")
        out.append(e)
    return out


STAGES = ("connect", "EHLO", "MAIL", "RCPT", "DATA", "end-of-data")
ENHANCED_CODE_RE = re.compile(r"^[245]\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$")


def _load_samples(c, names, vendor_ids):
    """data/samples/*.toml, in file-name order."""
    out, seen = [], {}
    folder = os.path.join(c.datadir, "samples")
    files = sorted(f for f in os.listdir(folder) if f.endswith(".toml")) if os.path.isdir(folder) else []
    allowed = ("vendor", "text", "code", "enhanced", "stage", "reason", "action", "bounce",
               "meaning", "source")
    for name in files:
        path, doc = c.load(os.path.join("samples", name))
        for i, e in enumerate(c.entries(path, doc, "sample")):
            entry = f"sample #{i + 1}"
            c.unknown_keys(path, entry, e, allowed)
            text = c.text(path, entry, e, "text")
            vendor = e.get("vendor")
            if vendor not in vendor_ids:
                c.problem(path, entry, f"unknown vendor '{vendor}' (not in data/vendors.toml)")
            code = e.get("code")
            if not isinstance(code, int) or isinstance(code, bool) or not 200 <= code <= 599:
                c.problem(path, entry, "'code' must be a 3-digit basic code")
                code = None
            enhanced = e.get("enhanced")
            if not isinstance(enhanced, str) or (enhanced and not ENHANCED_CODE_RE.match(enhanced)):
                c.problem(path, entry, "'enhanced' must be a code such as \"5.1.1\", or \"\"")
            # A class that differs from the basic code's (550 4.4.7) is real-world
            # and allowed: the classifier lets the basic code's class count.
            if "stage" in e and e["stage"] not in STAGES:
                c.problem(path, entry, f"'stage' must be one of {', '.join(STAGES)}")
            c.name(path, entry, e, "reason", names["reason"])
            c.name(path, entry, e, "action", names["action"])
            bounce = c.name(path, entry, e, "bounce", names["bounce"])
            if code and bounce and bounce not in BASIC_CLASS_BOUNCES[code // 100]:
                c.problem(path, entry, f"bounce '{bounce}' contradicts class {code // 100}xx")
            c.text(path, entry, e, "meaning", required=False, sentence=True)
            source = e.get("source")
            if not isinstance(source, str) or not URL_RE.match(source):
                c.problem(path, entry, "'source' must be the http(s) URL where the text was published")
            key = (vendor, code, enhanced, text)
            if text and key in seen:
                c.problem(path, entry, f"same vendor, codes and text as {seen[key]}")
            seen[key] = f"{path} {entry}"
            out.append(dict(e, file=path))
    return out


PHRASE_KINDS = ("phrase", "token")


def fold(text):
    """How the classifier sees text: lower-case ASCII, whitespace runs as one space."""
    return " ".join(text.lower().split())


def dfa_variants(text):
    """The texts a phrase is compiled as. The automaton folds ASCII letters
    only, so a phrase that starts with another letter ("пользователь") is
    also compiled with that letter in upper case, as at a sentence's start.
    An apostrophe is also the typographic one (U+2019) that web forms, word
    processors and some servers write ("doesn’t")."""
    out = [text]
    first = text[:1]
    if first and ord(first) > 127 and first.upper() != first and len(first.upper()) == 1:
        out.append(first.upper() + text[1:])
    if "'" in text:
        out += [t.replace("'", "\u2019") for t in out]
    return out


def _load_phrases(c, names, vendor_ids, vendors):
    path, doc = c.load("phrases.toml")
    out, seen = [], {}
    for i, e in enumerate(c.entries(path, doc, "phrase")):
        text = e.get("text")
        entry = f"phrase '{text}'" if isinstance(text, str) else f"[[phrase]] #{i + 1}"
        c.unknown_keys(path, entry, e, ("text", "reason", "action", "bounce", "kind", "vendor", "priority",
                                        "generic", "temporary", "unanswered", "after_domain"))
        if not isinstance(text, str) or not text.strip():
            c.problem(path, entry, "missing or empty 'text'")
            continue
        if text != fold(text):
            c.problem(path, entry, f"write it as the classifier sees it: '{fold(text)}' "
                      "(lower case, single spaces, no leading or trailing space)")
        if len(text.encode("utf-8")) > 200:
            c.problem(path, entry, "longer than 200 bytes; a phrase names a cause, not a whole reply")
        if len(text) < 3:
            c.problem(path, entry, "shorter than 3 characters; it would match inside other words")
        if text in seen:
            c.problem(path, entry, f"duplicate of {seen[text]}")
        seen[text] = entry
        reason = c.name(path, entry, e, "reason", names["reason"])
        if reason in ("accepted",):
            c.problem(path, entry, "a phrase cannot decide 'accepted': success comes from the code")
        if "action" in e:
            c.name(path, entry, e, "action", names["action"])
        if "bounce" in e:
            c.name(path, entry, e, "bounce", names["bounce"])
        kind = e.get("kind", "phrase")
        if kind not in PHRASE_KINDS:
            c.problem(path, entry, f"'kind' must be one of {', '.join(PHRASE_KINDS)}")
        vendor = e.get("vendor")
        if vendor is not None and vendor not in vendor_ids:
            c.problem(path, entry, f"unknown vendor '{vendor}' (not in data/vendors.toml)")
        if kind == "token" and vendor is None:
            c.problem(path, entry, "a token belongs to a vendor: set 'vendor'")
        priority = e.get("priority", 50)
        if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 100:
            c.problem(path, entry, "'priority' must be an integer from 0 to 100")
        generic = e.get("generic", False)
        if not isinstance(generic, bool):
            c.problem(path, entry, "'generic' must be true or false")
        elif generic and kind == "token":
            c.problem(path, entry, "a token names its vendor's cause: it cannot be generic")
        temporary = e.get("temporary", False)
        if not isinstance(temporary, bool):
            c.problem(path, entry, "'temporary' must be true or false")
        unanswered = e.get("unanswered", False)
        if not isinstance(unanswered, bool):
            c.problem(path, entry, "'unanswered' must be true or false")
        elif unanswered and reason not in ("network-error", "expired"):
            c.problem(path, entry, "only a network-error or expired wording can say that no server answered")
        if "after_domain" in e:
            after = c.name(path, entry, e, "after_domain", names["reason"])
            if after == reason or after == "accepted":
                c.problem(path, entry, "'after_domain' names another reason than the phrase's own (not 'accepted')")
        out.append(dict(e, kind=kind, priority=priority, generic=generic is True, temporary=temporary is True,
                        unanswered=unanswered is True))
    _check_containment(c, path, out)
    for v in vendors:
        for fp in v.get("fingerprints", []):
            if len(fold(fp)) < 3:
                c.problem("data/vendors.toml", f"vendor {v['id']}", f"fingerprint '{fp}' is shorter than 3 characters")
    return out


def phrase_rank(p):
    """The order in which the classifier prefers a phrase: a token beats a
    phrase that names a cause, which beats a generic phrase; then priority."""
    return (2 if p["kind"] == "token" else 0 if p["generic"] else 1, p["priority"])


def _check_containment(c, path, phrases):
    """A phrase that contains another matches wherever it does and is the
    narrower wording, so it must outrank it; else it could never decide."""
    texts = sorted(phrases, key=lambda p: len(p["text"]))
    for i, short in enumerate(texts):
        for long in texts[i + 1:]:
            if short["text"] in long["text"] and phrase_rank(long) < phrase_rank(short):
                what = "generic " if short["generic"] else ""
                c.problem(path, f"phrase '{long['text']}'",
                          f"contains the {what}{short['kind']} '{short['text']}' but ranks below it, "
                          "so it could never decide: raise its priority"
                          + (" or make it a token" if short["kind"] == "token" else "")
                          + (" (a generic phrase cannot contain a specific one)" if long["generic"] else ""))


def _load_vendor_codes(c, names, vendor_ids):
    path, doc = c.load("vendor_codes.toml")
    out = []
    for i, e in enumerate(c.entries(path, doc, "vendor_code")):
        first, last = e.get("first"), e.get("last", e.get("first"))
        entry = f"vendor code {first}" + (f"-{last}" if last != first else "")
        c.unknown_keys(path, entry, e, ("vendor", "first", "last", "reason", "action", "bounce", "meaning"))
        if e.get("vendor") not in vendor_ids:
            c.problem(path, entry, f"unknown vendor '{e.get('vendor')}' (not in data/vendors.toml)")
        ok = True
        for key, v in (("first", first), ("last", last)):
            if not isinstance(v, str) or not ENHANCED_CODE_RE.match(v):
                c.problem(path, entry, f"'{key}' must be an enhanced code such as \"5.7.606\"")
                ok = False
        if ok:
            a, b = [tuple(map(int, x.split("."))) for x in (first, last)]
            if a[:2] != b[:2] or a[2] > b[2]:
                c.problem(path, entry, "a range keeps class and subject and runs upwards (5.7.606 to 5.7.649)")
            e = dict(e, cls=a[0], subject=a[1], lo=a[2], hi=b[2])
        c.name(path, entry, e, "reason", names["reason"])
        for key in ("action", "bounce"):
            if key in e:
                c.name(path, entry, e, key, names[key])
        c.text(path, entry, e, "meaning", sentence=True)
        out.append(e)
    by_vendor = {}
    for e in out:
        if "cls" not in e:
            continue
        for other in by_vendor.get(e["vendor"], []):
            if other["cls"] == e["cls"] and other["subject"] == e["subject"] and \
                    not (e["hi"] < other["lo"] or other["hi"] < e["lo"]):
                c.problem(path, f"vendor code {e['first']}", f"overlaps {other['first']} for vendor {e['vendor']}")
        by_vendor.setdefault(e["vendor"], []).append(e)
    return out


def soft_5xx_reasons(reasons):
    """The reasons a 5xx may be soft for: those that say why (soft_because)."""
    return {r["name"] for r in reasons if r.get("soft_because")}


def _check_soft_5xx(c, reasons, basic, enhanced, phrases, vendor_codes, samples):
    """A 5xx is never soft unless its reason is one senders rightly treat as
    temporary: wherever the data states a bounce type for a 5xx."""
    allowed = soft_5xx_reasons(reasons)
    why = "a 5xx is soft only for a reason with 'soft_because' in data/taxonomy.toml"

    def check(path, entry, reason, bounce):
        if bounce == "soft" and reason not in allowed:
            c.problem(path, entry, f"bounce 'soft' for reason '{reason}' under a 5xx: {why} "
                      f"({', '.join(sorted(allowed))})")

    for e in basic:
        if e["code"] >= 500:
            check("data/basic.toml", f"code {e['code']}", e.get("reason"), e.get("bounce"))
    for e in enhanced:
        if 5 in e["classes"]:
            check("data/enhanced.toml", f"code {e['code']}", e.get("reason"), e.get("bounce"))
    for e in phrases:
        check("data/phrases.toml", f"phrase '{e['text']}'", e.get("reason"), e.get("bounce"))
    for e in vendor_codes:
        if e.get("cls") == 5:
            check("data/vendor_codes.toml", f"vendor code {e['first']}", e.get("reason"), e.get("bounce"))
    for i, e in enumerate(samples):
        if isinstance(e.get("code"), int) and e["code"] >= 500:
            check(e["file"], f"sample '{e.get('text')}'", e.get("reason"), e.get("bounce"))
    for e in basic:
        if e.get("specific") not in (None, True):
            c.problem("data/basic.toml", f"code {e['code']}", "'specific' is either true or left out")
        if e.get("guess") not in (None, True):
            c.problem("data/basic.toml", f"code {e['code']}", "'guess' is either true or left out")
        if e.get("guess") and e.get("specific"):
            c.problem("data/basic.toml", f"code {e['code']}", "a code is either 'specific' or a 'guess', not both")


def _check_related(c, basic, enhanced):
    basic_codes = {str(e["code"]) for e in basic}
    enhanced_codes = {e["code"] for e in enhanced}

    def known(ref):
        if BASIC_REF_RE.match(ref):
            return ref in basic_codes
        m = ENHANCED_REF_RE.match(ref)
        if not m:
            return False
        if m.group(3) == "X":
            return f"X.{m.group(2)}.X" in enhanced_codes
        return f"X.{m.group(2)}.{m.group(3)}" in enhanced_codes

    for path, items in (("data/basic.toml", basic), ("data/enhanced.toml", enhanced)):
        for e in items:
            own = str(e["code"])
            for ref in e.get("related", []):
                if not known(ref):
                    c.problem(path, f"code {own}", f"related code '{ref}' is not in the data")
                elif ref == own:
                    c.problem(path, f"code {own}", "lists itself as related")
    for e in enhanced:
        r = e.get("replaced_by")
        if isinstance(r, str) and not (DETAIL_RE.match(r) and r in enhanced_codes):
            c.problem("data/enhanced.toml", f"code {e['code']}", f"replaced_by '{r}' is not a detail code in the data")
        for b in e.get("basic", []):
            if str(b) not in basic_codes:
                c.problem("data/enhanced.toml", f"code {e['code']}", f"associated basic code {b} is not in data/basic.toml")


def load_or_exit(datadir):
    """For generator scripts: load, or print every problem and exit 1."""
    try:
        return load(datadir)
    except DataError as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"error: {len(e.problems)} problem(s) in {datadir}; fix them and rebuild", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    # `python3 generator/smtpcode_data.py data` checks the data and prints a summary.
    d = load_or_exit(sys.argv[1] if len(sys.argv) > 1 else "data")
    print(f"ok: {len(d.basic)} basic codes, {len(d.enhanced)} enhanced rows, "
          f"{len(d.vendors)} vendors, "
          + ", ".join(f"{len(d.taxonomy[k])} {k}s" for k in TAXONOMY_KINDS))
