"""The JSON Schemas of smtpcode's outputs and docs/json.md, both generated from
docs/json.toml: each schema is valid draft 2020-12, there is one for each
output the description names, their lists of names are the data's and the
library's, they refuse what smtpcode never writes (a member not described, a
value not in the list), docs/json.md is what gen_json_doc.py makes of the
description now, and each output of smtpcode fits its schema. (The CLI tests
check every JSON line they read, through json_schema_check.py.)

usage: test_json_schema.py SCHEMA_DIR SOURCE_ROOT SMTPCODE
"""

import copy
import glob
import json
import os
import subprocess
import sys
import unittest

import jsonschema

import json_schema_check
import tap

SCHEMA_DIR, ROOT, SMTPCODE = sys.argv[1:4]
sys.path.insert(0, os.path.join(ROOT, "generator"))
import gen_json_doc  # noqa: E402
import json_spec  # noqa: E402
import smtpcode_data  # noqa: E402

SPEC = json_spec.load(os.path.join(ROOT, "docs", "json.toml"))
DATA = smtpcode_data.load(os.path.join(ROOT, "data"))
TESTDATA = os.path.join(ROOT, "tests", "data")


def schema(output):
    with open(os.path.join(SCHEMA_DIR, f"smtpcode-{output}.schema.json"), encoding="utf-8") as f:
        return json.load(f)


def smtpcode(*args):
    r = subprocess.run([SMTPCODE, *args], capture_output=True, timeout=60, env=dict(os.environ, TZ="UTC"))
    return [json.loads(line) for line in r.stdout.splitlines()]


class Schemas(unittest.TestCase):
    def test_one_valid_schema_per_output(self):
        built = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SCHEMA_DIR, "*.schema.json")))
        self.assertEqual(built, sorted(f"smtpcode-{o['id']}.schema.json" for o in SPEC.outputs))
        for o in SPEC.outputs:
            with self.subTest(output=o["id"]):
                s = schema(o["id"])
                self.assertEqual(s["$schema"], "https://json-schema.org/draft/2020-12/schema")
                jsonschema.Draft202012Validator.check_schema(s)

    def test_names_come_from_the_data_and_the_library(self):
        record = schema("scan")["$defs"]["scan-line"]["properties"]
        self.assertEqual(record["reason"]["enum"], [e["name"] for e in DATA.taxonomy["reason"]])
        self.assertEqual(record["bounce"]["enum"], [e["name"] for e in DATA.taxonomy["bounce"]])
        vendors = [s for s in record["vendor"]["anyOf"] if "enum" in s][0]["enum"]
        self.assertEqual(vendors, [v["id"] for v in DATA.vendors])
        stages = [s for s in record["stage"]["anyOf"] if "enum" in s][0]["enum"]
        self.assertEqual(stages, ["connect", "ehlo", "mail", "rcpt", "data", "end-of-data"])
        self.assertIn("generic-phrase", record["decided_by"]["enum"])
        self.assertIn("postfix", record["carrier"]["enum"])

    def test_what_smtpcode_never_writes_is_refused(self):
        v = jsonschema.Draft202012Validator(schema("scan"))
        [good] = smtpcode("scan", "--format", "jsonl", os.path.join(TESTDATA, "mail.log"))[:1]
        self.assertTrue(v.is_valid(good))
        for change in (lambda r: r.update(colour="red"), lambda r: r.update(reason="sad"),
                       lambda r: r.pop("verdict"), lambda r: r.update(line="1"),
                       lambda r: r.update(flags=["shouting"]), lambda r: r.update(message=1)):
            bad = copy.deepcopy(good)
            change(bad)
            self.assertFalse(v.is_valid(bad), bad)

    def test_each_output_fits(self):
        log = os.path.join(TESTDATA, "postmaster.log")
        cases = {
            "query": [["--json", "550", "5.1.1", "X.7.X", "5xx", "5.01.1", "599", "TSS04"], ["--json", "gmail"],
                      ["--json", "auth-dmarc"], ["--json", "550 5.1.1 user unknown"]],
            "explain": [["explain", "--json", "-"]],
            "scan": [["scan", "--json", "--all", log, os.path.join(TESTDATA, "bounces.mbox"),
                      os.path.join(TESTDATA, "messages")]],
            "stats": [["stats", "--json", log]],
            "stats-by": [["stats", "--json", "--by", "domain,hour", log], ["stats", "--json", "--by", "relay", log]],
            "list": [["list", "--json", k] for k in ("basic", "enhanced", "reasons", "actions", "bounces",
                                                     "verdicts", "vendors", "vendor-codes")],
            "search": [["search", "--json", "mailbox", "full"]],
        }
        self.assertEqual(set(cases), {o["id"] for o in SPEC.outputs})
        for output, runs in cases.items():
            for args in runs:
                with self.subTest(args=args):
                    stdin = open(os.path.join(TESTDATA, "postfix_dsn.eml"), "rb") if "-" in args else None
                    r = subprocess.run([SMTPCODE, *args], stdin=stdin, capture_output=True, timeout=60)
                    if stdin:
                        stdin.close()
                    self.assertEqual(json_schema_check.output_of(args), output)
                    self.assertGreater(json_schema_check.check_output(args, r.stdout), 0)


class Documentation(unittest.TestCase):
    def test_json_md_is_generated_from_the_description(self):
        with open(os.path.join(ROOT, "docs", "json.template.md"), encoding="utf-8") as f:
            want = gen_json_doc.render(SPEC, f.read())
        with open(os.path.join(ROOT, "docs", "json.md"), encoding="utf-8") as f:
            have = f.read()
        self.assertTrue(have == want, "docs/json.md is out of date: python3 generator/gen_json_doc.py "
                                      "docs/json.toml docs/json.template.md --write docs/json.md")

    def test_every_object_is_documented_or_written(self):
        template = open(os.path.join(ROOT, "docs", "json.template.md"), encoding="utf-8").read()
        used = set()
        for o in SPEC.outputs:
            stack = list(o["one_of"])
            while stack:
                oid = stack.pop()
                if oid in used:
                    continue
                used.add(oid)
                obj = SPEC.objects[oid]
                stack += [obj["extends"]] if "extends" in obj else []
                for f in obj["fields"]:
                    if "include" in f:
                        stack.append(f["include"])
                        continue
                    for t in json_spec.alternatives(f["type"]):
                        t = t[len("array of "):] if t.startswith("array of ") else t
                        if t in SPEC.objects:
                            stack.append(t)
        self.assertEqual(set(SPEC.objects) - used, set(), "objects no output writes")
        for oid in SPEC.objects:
            if SPEC.own_fields(oid):
                with self.subTest(object=oid):
                    self.assertTrue(f"@@FIELDS {oid}@@" in template or any(
                        f"@@MEMBERS {o['id']}@@" in template and oid in o["one_of"] for o in SPEC.outputs))


if __name__ == "__main__":
    tap.main()
