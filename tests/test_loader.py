"""The data loader rejects each kind of bad data with a message naming the
file, the entry and the problem; the real data loads; generators are
deterministic.

usage: test_loader.py DATADIR
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import smtpcode_data
import tap

DATADIR = sys.argv[1]
GENERATOR = os.path.join(os.path.dirname(os.path.abspath(smtpcode_data.__file__)))

GOOD_BASIC = """
[[basic]]
code = 557
status = "standard"
title = "Test code"
meaning = "A code made up for this test."
causes = ["a test"]
action = "investigate"
advice = "Ignore it."
reason = "unknown"
bounce = "unknown"
verdict = "unknown"
rfc = [5321]
commands = ["RCPT"]
related = ["550"]
"""

GOOD_ENHANCED = """
[[enhanced]]
code = "X.7.900"
title = "Test row"
meaning = "A row made up for this test."
classes = [4, 5]
causes = ["a test"]
action = "investigate"
advice = "Ignore it."
reason = "policy"
bounce = "block"
basic = [550]
rfc = [3463]
related = ["X.7.1"]
"""


class Loader(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="smtpcode-data-")
        self.data = os.path.join(self.tmp, "data")
        shutil.copytree(DATADIR, self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def append(self, name, text):
        with open(os.path.join(self.data, name), "a", encoding="utf-8") as f:
            f.write(text)

    def problems(self):
        with self.assertRaises(smtpcode_data.DataError) as cm:
            smtpcode_data.load(self.data)
        return cm.exception.problems

    def assertProblem(self, expected):
        problems = self.problems()
        self.assertTrue(any(expected in p for p in problems),
                        f"no problem mentions {expected!r}; got {problems}")

    def test_real_data_loads(self):
        d = smtpcode_data.load(DATADIR)
        self.assertEqual(len(d.basic), 45)
        self.assertEqual(len(d.enhanced), 3 + 8 + 81)

    def test_good_additions_load(self):
        # The fixtures below differ from these in one flaw each.
        self.append("basic.toml", GOOD_BASIC)
        self.append("enhanced.toml", GOOD_ENHANCED)
        smtpcode_data.load(self.data)

    def test_duplicate_basic_code(self):
        self.append("basic.toml", GOOD_BASIC.replace("557", "550"))
        self.assertProblem("data/basic.toml: code 550: duplicate code")

    def test_duplicate_enhanced_code(self):
        self.append("enhanced.toml", GOOD_ENHANCED.replace("X.7.900", "X.1.1"))
        self.assertProblem("data/enhanced.toml: code X.1.1: duplicate code")

    def test_unknown_reason(self):
        self.append("basic.toml", GOOD_BASIC.replace('reason = "unknown"', 'reason = "lost-in-space"'))
        self.assertProblem("code 557: unknown reason 'lost-in-space'")

    def test_unknown_action_in_enhanced(self):
        self.append("enhanced.toml", GOOD_ENHANCED.replace('action = "investigate"', 'action = "panic"'))
        self.assertProblem("data/enhanced.toml: code X.7.900: unknown action 'panic'")

    def test_missing_field(self):
        self.append("basic.toml", GOOD_BASIC.replace('meaning = "A code made up for this test."\n', ""))
        self.assertProblem("data/basic.toml: code 557: missing field 'meaning'")

    def test_malformed_basic_code(self):
        self.append("basic.toml", GOOD_BASIC.replace("557", "567"))
        self.assertProblem("code 567: malformed code")

    def test_malformed_enhanced_code(self):
        self.append("enhanced.toml", GOOD_ENHANCED.replace("X.7.900", "X.07.1"))
        self.assertProblem("code X.07.1: malformed code")

    def test_class_contradicts_bounce(self):
        self.append("basic.toml", GOOD_BASIC.replace('bounce = "unknown"', 'bounce = "none"'))
        self.assertProblem("code 557: bounce 'none' contradicts class 5xx")

    def test_temporary_code_cannot_be_hard(self):
        self.append("basic.toml", GOOD_BASIC.replace("557", "457").replace('bounce = "unknown"', 'bounce = "hard"'))
        self.assertProblem("code 457: bounce 'hard' contradicts class 4xx")

    def test_verdict_contradicts_bounce(self):
        self.append("basic.toml", GOOD_BASIC.replace('verdict = "unknown"', 'verdict = "deliverable"'))
        self.assertProblem("code 557: verdict 'deliverable' contradicts bounce 'unknown'")

    def test_related_code_must_exist(self):
        self.append("basic.toml", GOOD_BASIC.replace('related = ["550"]', 'related = ["5.9.9"]'))
        self.assertProblem("code 557: related code '5.9.9' is not in the data")

    def test_unknown_command(self):
        self.append("basic.toml", GOOD_BASIC.replace('commands = ["RCPT"]', 'commands = ["FETCH"]'))
        self.assertProblem("code 557: unknown command 'FETCH'")

    def test_registry_only_has_no_rfc(self):
        self.append("basic.toml", GOOD_BASIC.replace('"standard"', '"registry-only"'))
        self.assertProblem("code 557: a registry-only code has no defining RFC")

    def test_deprecated_needs_replacement(self):
        self.append("enhanced.toml", GOOD_ENHANCED + "deprecated = true\n")
        self.assertProblem("code X.7.900: deprecated without 'replaced_by'")

    def test_unknown_field(self):
        self.append("basic.toml", GOOD_BASIC + 'colour = "blue"\n')
        self.assertProblem("code 557: unknown field 'colour'")

    def test_sentence_needs_full_stop(self):
        self.append("basic.toml", GOOD_BASIC.replace("Ignore it.", "Ignore it"))
        self.assertProblem("code 557: 'advice' should end with a full stop")

    def test_invalid_toml(self):
        self.append("basic.toml", "\n[[basic]\ncode = \n")
        self.assertProblem("data/basic.toml: not valid TOML")

    def test_missing_file(self):
        os.remove(os.path.join(self.data, "vendors.toml"))
        self.assertProblem("data/vendors.toml: file is missing")

    def test_duplicate_vendor_fingerprint(self):
        self.append("vendors.toml", '\n[[vendor]]\nid = "copycat"\nname = "Copycat"\n'
                    'description = "A test vendor."\nfingerprints = ["gsmtp"]\npostmaster = []\n')
        self.assertProblem("vendor copycat: fingerprint 'gsmtp' is also vendor")

    def test_a_phrase_that_contains_another_must_outrank_it(self):
        # "user unknown" is in the data at priority 70: a narrower wording
        # ranked below it could never decide.
        self.append("phrases.toml", '\n[[phrase]]\ntext = "recipient user unknown here"\n'
                    'reason = "user-unknown"\npriority = 60\n')
        self.assertProblem("phrase 'recipient user unknown here': contains the phrase 'user unknown' but ranks below it")

    def test_a_generic_phrase_cannot_contain_a_specific_one(self):
        self.append("phrases.toml", '\n[[phrase]]\ntext = "rejected: user unknown"\n'
                    'reason = "user-unknown"\npriority = 90\ngeneric = true\n')
        self.assertProblem("a generic phrase cannot contain a specific one")

    def test_a_token_is_never_generic(self):
        self.append("phrases.toml", '\n[[phrase]]\ntext = "[zz99]"\nreason = "policy"\nkind = "token"\n'
                    'vendor = "yahoo"\ngeneric = true\n')
        self.assertProblem("phrase '[zz99]': a token names its vendor's cause: it cannot be generic")

    def test_only_network_and_expiry_wordings_are_unanswered(self):
        self.append("phrases.toml", '\n[[phrase]]\ntext = "nobody home"\nreason = "user-unknown"\n'
                    'unanswered = true\n')
        self.assertProblem("only a network-error or expired wording can say that no server answered")

    def test_soft_5xx_needs_a_reason_that_allows_it(self):
        self.append("basic.toml", GOOD_BASIC.replace('bounce = "unknown"', 'bounce = "soft"')
                    .replace('verdict = "unknown"', 'verdict = "retry"'))
        self.assertProblem("data/basic.toml: code 557: bounce 'soft' for reason 'unknown' under a 5xx")

    def test_soft_5xx_phrase_and_sample(self):
        self.append("phrases.toml", '\n[[phrase]]\ntext = "come back tomorrow"\nreason = "greylisted"\n'
                    'bounce = "soft"\n')
        self.assertProblem("phrase 'come back tomorrow': bounce 'soft' for reason 'greylisted' under a 5xx")

    def test_soft_reason_says_why(self):
        path = os.path.join(self.data, "taxonomy.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        start = text.index('name = "rate-limited"')
        cut = text.index("soft_because = ", start)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:cut] + text[text.index("\n", cut) + 1:])
        self.assertProblem("reason 'rate-limited': bounce 'soft' for a 5xx needs 'soft_because'")

    def test_build_fails_with_the_message(self):
        self.append("basic.toml", GOOD_BASIC.replace("557", "550"))
        r = subprocess.run([sys.executable, os.path.join(GENERATOR, "gen_tables.py"), self.data],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: data/basic.toml: code 550: duplicate code", r.stderr)
        self.assertEqual(r.stdout, "")


class Generators(unittest.TestCase):
    def run_gen(self, *args):
        r = subprocess.run([sys.executable, *args], capture_output=True, check=True)
        return r.stdout

    def test_output_is_deterministic_with_banner(self):
        for script, extra in (("gen_tables.py", []), ("gen_enums.py", []), ("gen_test_data.py", []),
                              ("gen_gperf.py", ["reason"])):
            path = os.path.join(GENERATOR, script)
            first = self.run_gen(path, DATADIR, *extra)
            second = self.run_gen(path, DATADIR, *extra)
            self.assertEqual(first, second, f"{script} is not deterministic")
            self.assertIn(b"DO NOT EDIT", first.split(b"\n", 3)[0] + first.split(b"\n", 3)[1])


if __name__ == "__main__":
    tap.main()
